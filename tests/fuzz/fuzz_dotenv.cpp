// DotEnvDocument: an unedited document writes back the input; an edit that is
// accepted reads back as written (literally, never interpolated) and leaves every
// other key alone; a refused edit changes nothing.

#include "FuzzSupport.h"
#include "formats/DotEnvDocument.h"

#include <QMap>

using namespace FuzzSupport;

namespace {

QMap<QString, QString> allValues(const DotEnvDocument &document)
{
    QMap<QString, QString> values;
    for (const QString &key : document.keys())
        values.insert(key, document.value(key).value_or(QString()));
    return values;
}

void checkEdit(const DotEnvDocument &original, const QString &key, const QString &value)
{
    DotEnvDocument edited = original;
    const Result<void> set = edited.setValue(key, value);
    if (!set) {
        check(!DotEnvDocument::check(key, value), "setValue() refuses only what check() refuses");
        check(edited.toBytes() == original.toBytes(), "a refused edit changes nothing");
        return;
    }
    const auto reread = DotEnvDocument::parse(edited.toBytes(), QStringLiteral("fuzz"));
    check(reread.has_value(), "the edited text parses");
    check(reread->value(key) == value, "the edited value reads back");
    check(!reread->isInterpolated(key), "a written value is literal");
    QMap<QString, QString> before = allValues(original);
    QMap<QString, QString> after = allValues(*reread);
    before.remove(key);
    after.remove(key);
    check(before == after, "other keys unchanged by setValue()");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input = bytes(data, size);
    const auto document = DotEnvDocument::parse(input, QStringLiteral("fuzz"));
    if (!document) {
        check(document.error().message.startsWith(QStringLiteral("fuzz:")), "errors name the file");
        return 0;
    }
    check(document->toBytes() == input, "an unedited document writes back its input");
    const QStringList keys = document->keys();
    for (const QString &key : keys)
        check(document->value(key).has_value(), "every listed key has a value");
    const QString value = valueFrom(input);
    if (!keys.isEmpty()) {
        checkEdit(*document, keys.first(), value);
        checkEdit(*document, keys.last(), QString());
    }
    checkEdit(*document, QStringLiteral("NEW_KEY"), value);
    return 0;
}
