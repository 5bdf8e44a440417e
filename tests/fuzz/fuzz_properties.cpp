// PropertiesDocument: an unedited document writes back the input; an edit reads
// back as written and leaves every other key alone.

#include "FuzzSupport.h"
#include "formats/PropertiesDocument.h"

#include <QMap>

using namespace FuzzSupport;

namespace {

QMap<QString, QString> allValues(const PropertiesDocument &document)
{
    QMap<QString, QString> values;
    for (const QString &key : document.keys())
        values.insert(key, document.value(key).value_or(QString()));
    return values;
}

void checkEdit(const PropertiesDocument &original, const QString &key, const QString &value)
{
    PropertiesDocument edited = original;
    edited.setValue(key, value);
    check(edited.value(key) == value, "value() after setValue()");
    const auto reread = PropertiesDocument::parse(edited.toBytes(), QStringLiteral("fuzz"));
    check(reread.has_value(), "the edited text parses");
    check(reread->value(key) == value, "the edited value reads back");
    QMap<QString, QString> before = allValues(original);
    QMap<QString, QString> after = allValues(*reread);
    before.remove(key);
    after.remove(key);
    check(before == after, "other keys unchanged by setValue()");

    PropertiesDocument removed = original;
    const bool had = original.value(key).has_value();
    check(removed.remove(key) == had, "remove() says whether the key was there");
    const auto rereadRemoved = PropertiesDocument::parse(removed.toBytes(), QStringLiteral("fuzz"));
    check(rereadRemoved.has_value(), "the text after remove() parses");
    check(!rereadRemoved->value(key).has_value(), "remove() removes every occurrence");
    check(allValues(*rereadRemoved) == before, "other keys unchanged by remove()");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input = bytes(data, size);
    const auto document = PropertiesDocument::parse(input, QStringLiteral("fuzz"));
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
    checkEdit(*document, QStringLiteral(" new key=:#") + value, value);
    return 0;
}
