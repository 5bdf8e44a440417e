#include "HoconDocument.h"

#include "Utf8Text.h"

#include <QSet>

#include <utility>

namespace {

constexpr int MaxDepth = 200;

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Characters HOCON does not allow in unquoted text.
bool isForbiddenUnquoted(char c)
{
    return isSpace(c) || c == '\n' || QByteArrayView("$\"{}[]:=,+#`^?!@*&\\").contains(c);
}

bool startsWithPath(const QStringList &path, const QStringList &prefix)
{
    if (prefix.size() > path.size())
        return false;
    for (qsizetype i = 0; i < prefix.size(); ++i) {
        if (path[i] != prefix[i])
            return false;
    }
    return true;
}

} // namespace

// Reads one document, recording every leaf definition with the span of its value.
class HoconParser
{
public:
    HoconParser(QByteArrayView text, const QString &label, HoconDocument &document)
        : m_text(text)
        , m_label(label)
        , m_document(document)
    { }

    bool parseDocument();
    // A key or path expression standing alone (for HoconDocument::splitPath).
    bool parsePathOnly(QStringList &elements);
    QString error() const { return m_error; }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek(qsizetype ahead = 0) const
    {
        return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0';
    }
    bool lookingAt(QByteArrayView word) const { return m_text.sliced(m_pos).startsWith(word); }
    bool atComment() const { return peek() == '#' || (peek() == '/' && peek(1) == '/'); }
    bool fail(qsizetype at, const QString &reason);

    void skipSpaces();
    void skipToLineEnd();
    void skipBlank(); // spaces, line breaks and comments
    bool parseQuoted(QString *out);
    bool parseTripleQuoted(QString *out);
    bool parseKey(QStringList &elements);
    bool isIncludeStatement() const;
    bool parseInclude();
    bool parseObjectBody(const QStringList &prefix, qsizetype openBrace, int depth);
    bool parseField(const QStringList &prefix, int depth);
    bool parseObjectValue(const QStringList &path, int depth);
    bool parseLeaf(const QStringList &path);
    bool afterValue(const QStringList &path);
    void shadow(const QStringList &path, bool replacingWithObject);

    QByteArrayView m_text;
    QString m_label;
    HoconDocument &m_document;
    qsizetype m_pos = 0;
    QString m_error;
};

bool HoconParser::fail(qsizetype at, const QString &reason)
{
    if (m_error.isEmpty())
        m_error = QStringLiteral("%1:%2:%3: %4")
                      .arg(m_label, QString::number(Utf8Text::lineAt(m_text, at)),
                          QString::number(Utf8Text::columnAt(m_text, at)), reason);
    return false;
}

void HoconParser::skipSpaces()
{
    while (!atEnd() && isSpace(peek()))
        ++m_pos;
}

void HoconParser::skipToLineEnd()
{
    while (!atEnd() && peek() != '\n')
        ++m_pos;
}

void HoconParser::skipBlank()
{
    for (;;) {
        skipSpaces();
        if (atComment())
            skipToLineEnd();
        else if (peek() == '\n')
            ++m_pos;
        else
            return;
    }
}

bool HoconParser::parseQuoted(QString *out)
{
    const qsizetype start = m_pos++;
    QByteArray run;
    const auto flush = [&] {
        if (out)
            *out += Utf8Text::decode(run);
        run.clear();
    };
    for (;;) {
        if (atEnd() || peek() == '\n')
            return fail(start, HoconDocument::tr("the string that starts here is not closed on its line"));
        const char c = m_text[m_pos];
        if (c == '"') {
            ++m_pos;
            flush();
            return true;
        }
        if (c != '\\') {
            run += c;
            ++m_pos;
            continue;
        }
        flush();
        const char e = peek(1);
        static const QByteArrayView simple("\"\\/bfnrt");
        static const char16_t meaning[] = {u'"', u'\\', u'/', u'\b', u'\f', u'\n', u'\r', u'\t'};
        if (const qsizetype index = simple.indexOf(e); index >= 0 && e != '\0') {
            if (out)
                *out += QChar(meaning[index]);
            m_pos += 2;
            continue;
        }
        if (e != 'u')
            return fail(
                m_pos, HoconDocument::tr("invalid escape in a quoted string (use \\\\ for a backslash)"));
        char16_t code = 0;
        for (int k = 2; k < 6; ++k) {
            const int digit = hexDigit(peek(k));
            if (digit < 0)
                return fail(m_pos, HoconDocument::tr("\\u must be followed by four hexadecimal digits"));
            code = static_cast<char16_t>(code * 16 + digit);
        }
        if (out)
            *out += QChar(code);
        m_pos += 6;
    }
}

bool HoconParser::parseTripleQuoted(QString *out)
{
    const qsizetype start = m_pos;
    m_pos += 3;
    const qsizetype close = m_text.sliced(m_pos).indexOf(QByteArrayView("\"\"\""));
    if (close < 0)
        return fail(start, HoconDocument::tr("the triple-quoted string that starts here is never closed"));
    qsizetype end = m_pos + close;
    // Quotes right before the closing three belong to the string: """a"""" is a".
    while (end + 3 < m_text.size() && m_text[end + 3] == '"')
        ++end;
    if (out)
        *out = Utf8Text::decode(m_text.sliced(m_pos, end - m_pos));
    m_pos = end + 3;
    return true;
}

bool HoconParser::parseKey(QStringList &elements)
{
    const qsizetype start = m_pos;
    elements = {QString()};
    bool hasText = false;
    QByteArray run;
    for (;;) {
        const char c = peek();
        if (c == '"') {
            if (lookingAt("\"\"\""))
                return fail(m_pos, HoconDocument::tr("a key cannot be a triple-quoted string"));
            elements.last() += Utf8Text::decode(run);
            run.clear();
            QString part;
            if (!parseQuoted(&part))
                return false;
            elements.last() += part;
            hasText = true;
        } else if (c == '.') {
            if (!hasText && run.isEmpty())
                return fail(
                    m_pos, HoconDocument::tr("a key has an empty element (two dots, or a dot at an end)"));
            elements.last() += Utf8Text::decode(run);
            run.clear();
            elements.append(QString());
            hasText = false;
            ++m_pos;
        } else if (!atEnd() && !isForbiddenUnquoted(c) && !(c == '/' && peek(1) == '/')) {
            run += c;
            ++m_pos;
        } else {
            break;
        }
    }
    elements.last() += Utf8Text::decode(run);
    if (!hasText && run.isEmpty()) {
        if (elements.size() == 1)
            return fail(start, HoconDocument::tr("expected a key"));
        return fail(m_pos, HoconDocument::tr("a key has an empty element (two dots, or a dot at an end)"));
    }
    return true;
}

bool HoconParser::isIncludeStatement() const
{
    if (!lookingAt("include"))
        return false;
    qsizetype i = m_pos + 7;
    if (i >= m_text.size() || !isSpace(m_text[i]))
        return false;
    while (i < m_text.size() && isSpace(m_text[i]))
        ++i;
    const QByteArrayView rest = m_text.sliced(i);
    return rest.startsWith('"') || rest.startsWith("file(") || rest.startsWith("url(")
        || rest.startsWith("classpath(") || rest.startsWith("required(");
}

bool HoconParser::parseInclude()
{
    m_pos += 7;
    skipSpaces();
    int closers = 0;
    for (const QByteArrayView call : {"required(", "file(", "url(", "classpath("}) {
        if (lookingAt(call)) {
            m_pos += call.size();
            ++closers;
            skipSpaces();
        }
    }
    if (peek() != '"' || lookingAt("\"\"\""))
        return fail(m_pos, HoconDocument::tr("include needs a file name in double quotes"));
    QString name;
    if (!parseQuoted(&name))
        return false;
    for (; closers > 0; --closers) {
        skipSpaces();
        if (peek() != ')')
            return fail(m_pos, HoconDocument::tr("expected ')' to close the include"));
        ++m_pos;
    }
    m_document.m_includes.append(name);
    return afterValue({});
}

void HoconParser::shadow(const QStringList &path, bool replacingWithObject)
{
    for (HoconDocument::Definition &definition : m_document.m_definitions) {
        if (!definition.effective)
            continue;
        // A leaf at a prefix of the path becomes an object; a leaf below the path is
        // replaced by a leaf, merged into by an object.
        if (startsWithPath(path, definition.path)
            || (!replacingWithObject && startsWithPath(definition.path, path)))
            definition.effective = false;
    }
}

bool HoconParser::parseObjectBody(const QStringList &prefix, qsizetype openBrace, int depth)
{
    for (;;) {
        skipBlank();
        if (atEnd()) {
            if (openBrace >= 0)
                return fail(openBrace, HoconDocument::tr("this '{' is never closed"));
            return true;
        }
        if (peek() == '}') {
            if (openBrace < 0)
                return fail(m_pos, HoconDocument::tr("'}' without a matching '{'"));
            ++m_pos;
            return true;
        }
        if (!parseField(prefix, depth))
            return false;
    }
}

bool HoconParser::parseField(const QStringList &prefix, int depth)
{
    if (isIncludeStatement())
        return parseInclude();
    QStringList key;
    if (!parseKey(key))
        return false;
    const QStringList path = prefix + key;
    skipSpaces();
    if (peek() == '{')
        return parseObjectValue(path, depth) && afterValue(path);
    if (peek() == '=' || peek() == ':' || lookingAt("+=")) {
        m_pos += peek() == '+' ? 2 : 1;
        skipSpaces();
        if (atEnd() || peek() == '\n' || peek() == ',' || peek() == '}' || atComment())
            return fail(m_pos, HoconDocument::tr("\"%1\" has no value").arg(HoconDocument::joinPath(path)));
        if (peek() == '{')
            return parseObjectValue(path, depth) && afterValue(path);
        return parseLeaf(path) && afterValue(path);
    }
    return fail(m_pos,
        HoconDocument::tr("expected '=', ':' or '{' after the key \"%1\"")
            .arg(HoconDocument::joinPath(path)));
}

bool HoconParser::parseObjectValue(const QStringList &path, int depth)
{
    if (depth >= MaxDepth)
        return fail(m_pos, HoconDocument::tr("objects are nested too deeply"));
    shadow(path, true);
    const qsizetype open = m_pos++;
    return parseObjectBody(path, open, depth + 1);
}

bool HoconParser::parseLeaf(const QStringList &path)
{
    const qsizetype start = m_pos;
    qsizetype end = m_pos;
    QString single; // the text of a value that is one quoted string
    qsizetype singleEnd = -1;
    QByteArray closers;
    QList<qsizetype> opens;
    while (!atEnd()) {
        const char c = peek();
        if (closers.isEmpty()) {
            if (c == '\n' || c == ',' || c == '}' || c == ']' || atComment())
                break;
        } else if (atComment()) {
            skipToLineEnd();
            continue;
        } else if (c == closers.back()) {
            closers.chop(1);
            opens.removeLast();
            end = ++m_pos;
            continue;
        } else if (c == '}' || c == ']') {
            return fail(m_pos,
                HoconDocument::tr("'%1' does not match the '%2' at line %3")
                    .arg(QLatin1Char(c))
                    .arg(QLatin1Char(closers.back() == '}' ? '{' : '['))
                    .arg(Utf8Text::lineAt(m_text, opens.back())));
        }
        if (c == '"') {
            const bool first = m_pos == start;
            QString text;
            if (!(lookingAt("\"\"\"") ? parseTripleQuoted(&text) : parseQuoted(&text)))
                return false;
            if (first) {
                single = text;
                singleEnd = m_pos;
            }
            end = m_pos;
            continue;
        }
        if (c == '$' && peek(1) == '{') {
            const qsizetype open = m_pos;
            while (!atEnd() && peek() != '}' && peek() != '\n')
                ++m_pos;
            if (peek() != '}')
                return fail(
                    open, HoconDocument::tr("the substitution that starts here is not closed on its line"));
            end = ++m_pos;
            continue;
        }
        if (c == '{' || c == '[') {
            closers += c == '{' ? '}' : ']';
            opens.append(m_pos);
        }
        ++m_pos;
        if (!isSpace(c) && c != '\n')
            end = m_pos;
    }
    if (!closers.isEmpty())
        return fail(opens.back(),
            HoconDocument::tr("this '%1' is never closed").arg(QLatin1Char(m_text[opens.back()])));

    shadow(path, false);
    HoconDocument::Definition definition;
    definition.path = path;
    definition.start = start;
    definition.end = end;
    if (singleEnd == end) {
        definition.kind = HoconDocument::Kind::String;
        definition.value = single;
    } else {
        definition.kind = HoconDocument::Kind::Raw;
        definition.value = Utf8Text::decode(m_text.sliced(start, end - start));
    }
    m_document.m_definitions.append(std::move(definition));
    return true;
}

bool HoconParser::afterValue(const QStringList &path)
{
    skipSpaces();
    if (atEnd() || peek() == '\n' || peek() == '}' || atComment())
        return true;
    if (peek() == ',') {
        ++m_pos;
        return true;
    }
    if (path.isEmpty())
        return fail(m_pos, HoconDocument::tr("unexpected text after the include"));
    return fail(m_pos,
        HoconDocument::tr("unexpected text after the value of \"%1\" (a line break or ',' "
                          "must come first)")
            .arg(HoconDocument::joinPath(path)));
}

bool HoconParser::parseDocument()
{
    if (const qsizetype bad = Utf8Text::firstInvalid(m_text); bad >= 0)
        return fail(bad, HoconDocument::tr("the text is not valid UTF-8"));
    if (m_text.startsWith("\xEF\xBB\xBF"))
        m_pos = 3;
    skipBlank();
    if (peek() != '{')
        return parseObjectBody({}, -1, 0);
    const qsizetype open = m_pos++;
    if (!parseObjectBody({}, open, 1))
        return false;
    m_document.m_rootClose = m_pos - 1;
    skipBlank();
    if (!atEnd())
        return fail(
            m_pos, HoconDocument::tr("unexpected text after the '}' that closes the file's root object"));
    return true;
}

bool HoconParser::parsePathOnly(QStringList &elements)
{
    return parseKey(elements) && atEnd();
}

Result<HoconDocument> HoconDocument::parse(QByteArrayView text, const QString &label)
{
    HoconDocument document;
    document.m_text = text.toByteArray();
    document.m_label = label;
    HoconParser parser(document.m_text, label, document);
    if (!parser.parseDocument())
        return failure(parser.error());
    return document;
}

QStringList HoconDocument::splitPath(const QString &path)
{
    const QByteArray text = path.toUtf8();
    HoconDocument scratch;
    HoconParser parser(text, QString(), scratch);
    QStringList elements;
    if (parser.parsePathOnly(elements))
        return elements;
    return path.split(QLatin1Char('.'));
}

QString HoconDocument::joinPath(const QStringList &elements)
{
    QStringList written;
    for (const QString &element : elements) {
        bool plain = !element.isEmpty() && element != QLatin1String("include");
        for (const QChar c : element) {
            const char16_t u = c.unicode();
            plain = plain
                && ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_'
                    || u == '-');
        }
        written.append(plain ? element : Utf8Text::decode(quoted(element)));
    }
    return written.join(QLatin1Char('.'));
}

QByteArray HoconDocument::quoted(const QString &text)
{
    QByteArray out = "\"";
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        switch (c) {
        case '"':
            out += "\\\"";
            continue;
        case '\\':
            out += "\\\\";
            continue;
        case '\n':
            out += "\\n";
            continue;
        case '\r':
            out += "\\r";
            continue;
        case '\t':
            out += "\\t";
            continue;
        case '\b':
            out += "\\b";
            continue;
        case '\f':
            out += "\\f";
            continue;
        default:
            break;
        }
        if (text[i].isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            out += QStringView(text).mid(i, 2).toUtf8();
            ++i;
        } else if (text[i].isSurrogate() || c < 0x20 || c == 0x7f) {
            out += "\\u" + QByteArray::number(c, 16).rightJustified(4, '0');
        } else {
            out += QStringView(text).mid(i, 1).toUtf8();
        }
    }
    out += '"';
    return out;
}

const HoconDocument::Definition *HoconDocument::effective(const QStringList &path) const
{
    for (auto it = m_definitions.crbegin(); it != m_definitions.crend(); ++it) {
        if (it->effective && it->path == path)
            return &*it;
    }
    return nullptr;
}

std::optional<QString> HoconDocument::value(const QString &path) const
{
    if (const Definition *definition = effective(splitPath(path)))
        return definition->value;
    return std::nullopt;
}

std::optional<HoconDocument::Kind> HoconDocument::kind(const QString &path) const
{
    if (const Definition *definition = effective(splitPath(path)))
        return definition->kind;
    return std::nullopt;
}

QStringList HoconDocument::paths() const
{
    QStringList result;
    QSet<QStringList> seen;
    for (const Definition &definition : m_definitions) {
        if (seen.contains(definition.path) || !effective(definition.path))
            continue;
        seen.insert(definition.path);
        result.append(joinPath(definition.path));
    }
    return result;
}

void HoconDocument::setValue(const QString &path, const QString &value, Kind kind)
{
    QByteArray written = quoted(value);
    if (kind == Kind::Raw) {
        // Raw text is written only if it reads back as itself.
        const QByteArray line = "k = " + value.toUtf8();
        const auto probe = parse(line, QString());
        if (probe && probe->m_definitions.size() == 1 && probe->value(QStringLiteral("k")) == value
            && probe->m_includes.isEmpty())
            written = value.toUtf8();
    }

    const QStringList elements = splitPath(path);
    QByteArray text = m_text;
    if (const Definition *definition = effective(elements)) {
        text.replace(definition->start, definition->end - definition->start, written);
    } else {
        const qsizetype firstBreak = text.indexOf('\n');
        const QByteArray newline = firstBreak > 0 && text[firstBreak - 1] == '\r' ? "\r\n" : "\n";
        const qsizetype at = m_rootClose >= 0 ? m_rootClose : text.size();
        QByteArray line = joinPath(elements).toUtf8() + " = " + written + newline;
        if (at > 0 && text[at - 1] != '\n')
            line.prepend(newline);
        text.insert(at, line);
    }
    if (auto parsed = parse(text, m_label))
        *this = std::move(*parsed);
}
