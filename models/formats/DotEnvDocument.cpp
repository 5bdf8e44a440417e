#include "DotEnvDocument.h"

#include "Utf8Text.h"

using namespace Qt::StringLiterals;

namespace {

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

bool isKeyStart(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool isKeyChar(char c)
{
    return isKeyStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

// Characters an unquoted value may hold and still read back as written: no spaces
// (trimmed), no quotes, no `#` (a comment), no `$` (interpolation), no backslash.
bool isPlain(QChar c)
{
    return c.isLetterOrNumber() || QStringView(u"-_./:@%+,=^~*!?[]{}()&;<>|").contains(c);
}

} // namespace

bool DotEnvDocument::isValidKey(const QString &key)
{
    if (key.isEmpty() || key.front().unicode() > 0x7f || !isKeyStart(char(key.front().unicode())))
        return false;
    for (QChar c : key) {
        if (c.unicode() > 0x7f || !isKeyChar(char(c.unicode())))
            return false;
    }
    return true;
}

Result<DotEnvDocument> DotEnvDocument::parse(QByteArrayView text, const QString &label)
{
    const auto error = [&](qsizetype offset, const QString &what) {
        return failure(tr("%1:%2:%3: %4")
                           .arg(label)
                           .arg(Utf8Text::lineAt(text, offset))
                           .arg(Utf8Text::columnAt(text, offset))
                           .arg(what));
    };
    if (const qsizetype bad = Utf8Text::firstInvalid(text); bad >= 0)
        return error(bad, tr("not UTF-8 text"));

    DotEnvDocument document;
    document.m_text = text.toByteArray();
    document.m_label = label;
    const qsizetype size = text.size();
    qsizetype pos = 0;
    if (text.startsWith("\xEF\xBB\xBF"))
        pos = 3; // a byte order mark is no part of the first key
    while (pos < size) {
        qsizetype end = text.indexOf('\n', pos);
        if (end < 0)
            end = size;
        qsizetype lineEnd = end; // without the terminator
        if (lineEnd > pos && text[lineEnd - 1] == '\r')
            --lineEnd;
        const QByteArrayView line = text.sliced(pos, lineEnd - pos);
        const qsizetype lineStart = pos;
        pos = end + 1;

        qsizetype i = 0;
        while (i < line.size() && isBlank(line[i]))
            ++i;
        if (i == line.size() || line[i] == '#')
            continue;
        if (line.sliced(i).startsWith("export") && i + 6 < line.size() && isBlank(line[i + 6])) {
            i += 6;
            while (i < line.size() && isBlank(line[i]))
                ++i;
        }
        const qsizetype keyStart = i;
        if (i == line.size() || !isKeyStart(line[i]))
            return error(lineStart + i, tr("expected a variable name (KEY=VALUE)"));
        while (i < line.size() && isKeyChar(line[i]))
            ++i;
        const QString key = QString::fromLatin1(line.sliced(keyStart, i - keyStart));
        while (i < line.size() && isBlank(line[i]))
            ++i;
        if (i == line.size())
            continue; // a bare name: Compose takes it from the host's environment
        if (line[i] != '=')
            return error(lineStart + i, tr("expected \"=\" after %1").arg(key));
        ++i;
        while (i < line.size() && isBlank(line[i]))
            ++i;

        Entry entry;
        entry.key = key;
        entry.valueStart = lineStart + i;
        qsizetype after = i; // where the text after the value starts
        if (i < line.size() && line[i] == '\'') {
            const qsizetype close = line.indexOf('\'', i + 1);
            if (close < 0)
                return error(lineStart + i, tr("the value of %1 has no closing single quote").arg(key));
            entry.value = Utf8Text::decode(line.sliced(i + 1, close - i - 1));
            after = close + 1;
        } else if (i < line.size() && line[i] == '"') {
            QByteArray raw;
            qsizetype j = i + 1;
            for (; j < line.size() && line[j] != '"'; ++j) {
                if (line[j] == '$')
                    entry.interpolated = true;
                if (line[j] != '\\' || j + 1 == line.size()) {
                    raw += line[j];
                    continue;
                }
                switch (const char e = line[++j]) {
                case 'n':
                    raw += '\n';
                    break;
                case 'r':
                    raw += '\r';
                    break;
                case 't':
                    raw += '\t';
                    break;
                case '\\':
                case '"':
                case '$':
                    raw += e;
                    break;
                default:
                    raw += '\\';
                    raw += e;
                }
            }
            if (j == line.size())
                return error(lineStart + i, tr("the value of %1 has no closing double quote").arg(key));
            entry.value = Utf8Text::decode(raw);
            after = j + 1;
        } else {
            qsizetype j = i;
            while (j < line.size() && !(line[j] == '#' && isBlank(line[j - 1])))
                ++j;
            qsizetype valueEnd = j;
            while (valueEnd > i && isBlank(line[valueEnd - 1]))
                --valueEnd;
            const QByteArrayView raw = line.sliced(i, valueEnd - i);
            entry.value = Utf8Text::decode(raw);
            entry.interpolated = raw.contains('$');
            after = valueEnd;
        }
        entry.valueEnd = lineStart + after;
        qsizetype k = after;
        while (k < line.size() && isBlank(line[k]))
            ++k;
        if (k < line.size() && line[k] != '#')
            return error(lineStart + k, tr("unexpected text after the value of %1").arg(key));
        document.m_entries.append(entry);
    }
    return document;
}

const DotEnvDocument::Entry *DotEnvDocument::lastEntry(const QString &key) const
{
    for (auto it = m_entries.crbegin(); it != m_entries.crend(); ++it) {
        if (it->key == key)
            return &*it;
    }
    return nullptr;
}

std::optional<QString> DotEnvDocument::value(const QString &key) const
{
    if (const Entry *entry = lastEntry(key))
        return entry->value;
    return std::nullopt;
}

bool DotEnvDocument::isInterpolated(const QString &key) const
{
    const Entry *entry = lastEntry(key);
    return entry && entry->interpolated;
}

QStringList DotEnvDocument::keys() const
{
    QStringList out;
    for (const Entry &entry : m_entries) {
        if (!out.contains(entry.key))
            out.append(entry.key);
    }
    return out;
}

Result<void> DotEnvDocument::check(const QString &key, const QString &value)
{
    if (!isValidKey(key))
        return failure(tr("\"%1\" is not a valid variable name for a Compose .env file").arg(key));
    for (QChar c : value) {
        if (c == u'\'')
            return failure(
                tr("%1: a value in a Compose .env file cannot contain a single quote (')").arg(key));
        if (c.category() == QChar::Other_Control || c == QChar::LineSeparator
            || c == QChar::ParagraphSeparator)
            return failure(
                tr("%1: a value in a Compose .env file cannot contain a line break or another control "
                   "character")
                    .arg(key));
    }
    return {};
}

QByteArray DotEnvDocument::encodeValue(const QString &value)
{
    const bool plain = std::all_of(value.cbegin(), value.cend(), isPlain);
    return plain ? value.toUtf8() : '\'' + value.toUtf8() + '\'';
}

Result<void> DotEnvDocument::setValue(const QString &key, const QString &value)
{
    if (Result<void> ok = check(key, value); !ok)
        return ok;
    const QByteArray encoded = encodeValue(value);
    QByteArray text = m_text;
    if (const Entry *entry = lastEntry(key)) {
        // A comment may follow a closing quote directly; an unquoted value needs a blank.
        const char next = entry->valueEnd < text.size() ? text.at(entry->valueEnd) : '\n';
        const bool needsBlank = next != ' ' && next != '\t' && next != '\r' && next != '\n';
        text.replace(
            entry->valueStart, entry->valueEnd - entry->valueStart, needsBlank ? encoded + ' ' : encoded);
    } else {
        if (!text.isEmpty() && !text.endsWith('\n'))
            text += text.contains("\r\n") ? "\r\n" : "\n";
        text += key.toLatin1() + '=' + encoded + (text.contains("\r\n") ? "\r\n" : "\n");
    }
    Result<DotEnvDocument> reread = parse(text, m_label);
    if (!reread) // cannot happen for a value that passed check(); never leave a broken text
        return failure(reread.error().message);
    *this = std::move(*reread);
    return {};
}
