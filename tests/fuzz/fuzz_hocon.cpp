// HoconDocument: an unedited document writes back the input; every listed path has
// a value; an edit reads back as written and leaves every other path alone.

#include "FuzzSupport.h"
#include "formats/HoconDocument.h"

#include <QMap>

using namespace FuzzSupport;

namespace {

QMap<QString, QString> allValues(const HoconDocument &document)
{
    QMap<QString, QString> values;
    for (const QString &path : document.paths()) {
        const auto value = document.value(path);
        check(value.has_value(), "every listed path has a value");
        values.insert(path, *value);
    }
    return values;
}

void checkEdit(
    const HoconDocument &original, const QString &path, const QString &value, HoconDocument::Kind kind)
{
    HoconDocument edited = original;
    edited.setValue(path, value, kind);
    check(edited.value(path) == value, "value() after setValue()");
    const auto reread = HoconDocument::parse(edited.toBytes(), QStringLiteral("fuzz"));
    check(reread.has_value(), "the edited text parses");
    check(reread->value(path) == value, "the edited value reads back");
    check(reread->includes() == original.includes(), "includes unchanged by setValue()");
    // Setting a leaf may replace an object (and its leaves) or a leaf at a prefix;
    // every path unrelated to the edited one keeps its value.
    const QStringList edits = HoconDocument::splitPath(path);
    const auto related = [&](const QString &other) {
        const QStringList elements = HoconDocument::splitPath(other);
        const qsizetype common = std::min(elements.size(), edits.size());
        return elements.first(common) == edits.first(common);
    };
    const QMap<QString, QString> before = allValues(original);
    const QMap<QString, QString> after = allValues(*reread);
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        if (!related(it.key()))
            check(after.value(it.key()) == it.value() && after.contains(it.key()), "other paths unchanged");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input = bytes(data, size);
    const auto document = HoconDocument::parse(input, QStringLiteral("fuzz"));
    if (!document) {
        check(document.error().message.startsWith(QStringLiteral("fuzz:")), "errors name the file");
        return 0;
    }
    check(document->toBytes() == input, "an unedited document writes back its input");
    const QStringList paths = document->paths();
    const QString value = valueFrom(input);
    if (!paths.isEmpty()) {
        checkEdit(*document, paths.first(), value, HoconDocument::Kind::String);
        checkEdit(*document, paths.last(), QStringLiteral("42"), HoconDocument::Kind::Raw);
        checkEdit(*document, paths.last(), value.left(3), HoconDocument::Kind::Raw);
    }
    checkEdit(*document, QStringLiteral("jatos.\"new.key\".x"), value, HoconDocument::Kind::String);
    return 0;
}
