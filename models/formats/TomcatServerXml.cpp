#include "TomcatServerXml.h"

#include "Utf8Text.h"

#include <QCoreApplication>
#include <QXmlStreamReader>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TomcatServerXml", text);
}

// Where the first <Engine> stands, by the XML reader, which checks well-formedness.
struct EngineElement
{
    int startTagIndex = -1; // counting start tags from 0, in document order
    bool hasRoute = false;
    QString route;
};

Result<EngineElement> findEngine(QByteArrayView xml, const QString &label)
{
    // Read as UTF-8 whatever the declaration says, as the start tag is found in the
    // bytes below: both must see the same characters.
    if (const qsizetype bad = Utf8Text::firstInvalid(xml); bad >= 0)
        return failure(tr("%1:%2: the file is not UTF-8 text").arg(label).arg(Utf8Text::lineAt(xml, bad)));
    // Characters XML 1.0 does not allow; QXmlStreamReader lets some of them through.
    for (qsizetype i = 0; i < xml.size(); ++i) {
        const auto c = static_cast<unsigned char>(xml[i]);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return failure(tr("%1:%2: not well-formed XML: control character 0x%3")
                               .arg(label)
                               .arg(Utf8Text::lineAt(xml, i))
                               .arg(c, 2, 16, QLatin1Char('0')));
    }
    QXmlStreamReader reader(Utf8Text::decode(xml));
    EngineElement engine;
    int index = 0;
    while (!reader.atEnd()) {
        if (reader.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (engine.startTagIndex < 0 && reader.name() == QLatin1String("Engine")) {
            engine.startTagIndex = index;
            engine.hasRoute = reader.attributes().hasAttribute(QStringLiteral("jvmRoute"));
            engine.route = reader.attributes().value(QStringLiteral("jvmRoute")).toString();
        }
        ++index;
    }
    if (reader.hasError())
        return failure(tr("%1:%2:%3: not well-formed XML: %4")
                           .arg(label)
                           .arg(reader.lineNumber())
                           .arg(reader.columnNumber())
                           .arg(reader.errorString()));
    if (engine.startTagIndex < 0)
        return failure(tr("%1: there is no <Engine> element").arg(label));
    return engine;
}

bool isNameChar(char c)
{
    return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '=' && c != '>' && c != '/' && c != '\0';
}

// The bytes of one start tag, found by skipping what cannot hold one: comments,
// CDATA sections, processing instructions, the DOCTYPE and end tags.
struct StartTag
{
    qsizetype nameEnd = -1;
    qsizetype attributesEnd = -1; // after the last attribute's closing quote, or the name
    qsizetype routeValueStart = -1; // the jvmRoute value, between its quotes
    qsizetype routeValueEnd = -1;
    char routeQuote = '"';
};

std::optional<StartTag> locateStartTag(QByteArrayView xml, int wanted)
{
    const qsizetype size = xml.size();
    const auto skipPast = [&](qsizetype from, QByteArrayView end) -> qsizetype {
        const qsizetype at = xml.sliced(from).indexOf(end);
        return at < 0 ? size : from + at + end.size();
    };
    int index = 0;
    qsizetype i = 0;
    while (i < size) {
        if (xml[i] != '<') {
            ++i;
            continue;
        }
        const QByteArrayView rest = xml.sliced(i);
        if (rest.startsWith("<!--")) {
            i = skipPast(i + 4, "-->");
        } else if (rest.startsWith("<![CDATA[")) {
            i = skipPast(i + 9, "]]>");
        } else if (rest.startsWith("<?")) {
            i = skipPast(i + 2, "?>");
        } else if (rest.startsWith("<!")) {
            // A DOCTYPE, its internal subset in [...] with quoted literals and comments.
            int depth = 0;
            char quote = 0;
            for (i += 2; i < size; ++i) {
                const char c = xml[i];
                if (quote) {
                    quote = c == quote ? 0 : quote;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (xml.sliced(i).startsWith("<!--")) {
                    i = skipPast(i + 4, "-->") - 1;
                } else if (c == '[') {
                    ++depth;
                } else if (c == ']') {
                    --depth;
                } else if (c == '>' && depth <= 0) {
                    ++i;
                    break;
                }
            }
        } else if (rest.startsWith("</")) {
            i = skipPast(i + 2, ">");
        } else {
            StartTag tag;
            qsizetype j = i + 1;
            while (j < size && isNameChar(xml[j]))
                ++j;
            tag.nameEnd = j;
            tag.attributesEnd = j;
            for (;;) {
                while (j < size && (xml[j] == ' ' || xml[j] == '\t' || xml[j] == '\r' || xml[j] == '\n'))
                    ++j;
                if (j >= size || xml[j] == '>' || xml[j] == '/')
                    break;
                const qsizetype nameStart = j;
                while (j < size && isNameChar(xml[j]))
                    ++j;
                const QByteArrayView name = xml.sliced(nameStart, j - nameStart);
                while (j < size && xml[j] != '"' && xml[j] != '\'')
                    ++j;
                if (j >= size)
                    return std::nullopt;
                const char quote = xml[j];
                const qsizetype valueStart = ++j;
                while (j < size && xml[j] != quote)
                    ++j;
                if (j >= size)
                    return std::nullopt;
                if (name == "jvmRoute") {
                    tag.routeValueStart = valueStart;
                    tag.routeValueEnd = j;
                    tag.routeQuote = quote;
                }
                tag.attributesEnd = ++j;
            }
            if (index == wanted)
                return tag;
            ++index;
            i = j;
        }
    }
    return std::nullopt;
}

QByteArray escaped(const QString &text)
{
    QByteArray out;
    for (const char32_t c : text.toUcs4()) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            if (c < 0x20 || c >= 0x7f)
                out += "&#x" + QByteArray::number(c, 16).toUpper() + ';';
            else
                out += static_cast<char>(c);
        }
    }
    return out;
}

} // namespace

namespace TomcatServerXml {

Result<QString> jvmRoute(QByteArrayView xml, const QString &label)
{
    const auto engine = findEngine(xml, label);
    if (!engine)
        return std::unexpected(engine.error());
    return engine->route;
}

Result<QByteArray> withJvmRoute(QByteArrayView xml, const QString &route, const QString &label)
{
    const auto engine = findEngine(xml, label);
    if (!engine)
        return std::unexpected(engine.error());
    const std::optional<StartTag> tag = locateStartTag(xml, engine->startTagIndex);
    if (!tag || (engine->hasRoute && tag->routeValueStart < 0))
        return failure(tr("%1: could not find the text of the <Engine> start tag").arg(label));

    QByteArray result = xml.toByteArray();
    if (tag->routeValueStart >= 0)
        result.replace(tag->routeValueStart, tag->routeValueEnd - tag->routeValueStart, escaped(route));
    else
        result.insert(tag->attributesEnd, " jvmRoute=\"" + escaped(route) + '"');

    // Read back what was written: a route XML cannot hold (control characters) is
    // refused here rather than written into a file Tomcat would not start with.
    const auto check = findEngine(result, label);
    if (!check || check->route != route)
        return failure(tr("%1: the route \"%2\" contains characters an XML attribute cannot hold")
                           .arg(label, route.toHtmlEscaped()));
    return result;
}

} // namespace TomcatServerXml
