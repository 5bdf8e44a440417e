#include "PropertiesDocument.h"

#include "Utf8Text.h"

#include <QStringDecoder>

#include <utility>

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\f';
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

// One logical line with its continuation lines joined, each byte remembering where it
// stands in the file so the value's text can be found again there.
struct LogicalLine
{
    QByteArray bytes;
    QList<qsizetype> offsets;
};

struct Unescaped
{
    QString text;
    qsizetype badOffset = -1; // where a malformed \u escape starts, if any
};

Unescaped unescape(const LogicalLine &line, qsizetype from, qsizetype to)
{
    Unescaped out;
    QByteArray run;
    const auto flush = [&] {
        out.text += Utf8Text::decode(run);
        run.clear();
    };
    for (qsizetype i = from; i < to; ++i) {
        const char c = line.bytes[i];
        if (c != '\\') {
            run += c;
            continue;
        }
        flush();
        if (++i >= to)
            break; // unreachable: an odd trailing backslash continues the line
        switch (const char e = line.bytes[i]) {
        case 't':
            out.text += QLatin1Char('\t');
            break;
        case 'n':
            out.text += QLatin1Char('\n');
            break;
        case 'r':
            out.text += QLatin1Char('\r');
            break;
        case 'f':
            out.text += QLatin1Char('\f');
            break;
        case 'u': {
            char16_t code = 0;
            for (int k = 1; k <= 4; ++k) {
                const int digit = i + k < to ? hexDigit(line.bytes[i + k]) : -1;
                if (digit < 0) {
                    out.badOffset = line.offsets[i - 1];
                    return out;
                }
                code = static_cast<char16_t>(code * 16 + digit);
            }
            out.text += QChar(code);
            i += 4;
            break;
        }
        default:
            run += e;
        }
    }
    flush();
    return out;
}

// Appends `c` escaped for a .properties file: control characters and lone halves of
// surrogate pairs as \uXXXX, everything printable as UTF-8.
void appendEscaped(QByteArray &out, const QString &text, qsizetype &i)
{
    const QChar c = text[i];
    switch (c.unicode()) {
    case '\\':
        out += "\\\\";
        return;
    case '\n':
        out += "\\n";
        return;
    case '\r':
        out += "\\r";
        return;
    case '\t':
        out += "\\t";
        return;
    case '\f':
        out += "\\f";
        return;
    default:
        break;
    }
    const auto unicodeEscape = [&out](char16_t unit) {
        out += "\\u" + QByteArray::number(unit, 16).rightJustified(4, '0').toUpper();
    };
    if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
        out += QStringView(text).mid(i, 2).toUtf8();
        ++i;
    } else if (c.isSurrogate() || c.unicode() < 0x20 || (c.unicode() >= 0x7f && c.unicode() < 0xa0)) {
        unicodeEscape(c.unicode());
    } else {
        out += QStringView(&text.constData()[i], 1).toUtf8();
    }
}

QString located(const QString &label, int line, const QString &reason)
{
    return QStringLiteral("%1:%2: %3").arg(label, QString::number(line), reason);
}

} // namespace

QByteArray PropertiesDocument::escapeValue(const QString &value)
{
    QByteArray out;
    out.reserve(value.size());
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (i == 0 && value[i] == QLatin1Char(' '))
            out += "\\ "; // a leading space would be read as part of the separator
        else
            appendEscaped(out, value, i);
    }
    return out;
}

QByteArray PropertiesDocument::escapeKey(const QString &key)
{
    QByteArray out;
    out.reserve(key.size());
    for (qsizetype i = 0; i < key.size(); ++i) {
        const char16_t c = key[i].unicode();
        if (c == ' ' || c == '=' || c == ':' || (i == 0 && (c == '#' || c == '!'))) {
            out += '\\';
            out += static_cast<char>(c);
        } else {
            appendEscaped(out, key, i);
        }
    }
    return out;
}

Result<PropertiesDocument> PropertiesDocument::parse(QByteArrayView text, const QString &label)
{
    if (const qsizetype bad = Utf8Text::firstInvalid(text); bad >= 0)
        return failure(located(label, Utf8Text::lineAt(text, bad), tr("the text is not valid UTF-8")));

    PropertiesDocument document;
    document.m_text = text.toByteArray();
    document.m_label = label;
    const qsizetype size = text.size();
    // A byte order mark is not skipped: Java reads it as part of the first key, and
    // this shows the file as the application sees it.
    qsizetype pos = 0;
    int lineNumber = 1;

    // [start, contentEnd) is the physical line at `start`, `next` where the one after begins.
    const auto physicalLine = [&](qsizetype start, qsizetype &contentEnd, qsizetype &next) {
        qsizetype i = start;
        while (i < size && text[i] != '\n' && text[i] != '\r')
            ++i;
        contentEnd = i;
        if (i < size && text[i] == '\r' && i + 1 < size && text[i + 1] == '\n')
            next = i + 2;
        else
            next = i < size ? i + 1 : i;
    };

    while (pos < size) {
        const qsizetype lineStart = pos;
        qsizetype contentEnd = 0;
        qsizetype next = 0;
        physicalLine(pos, contentEnd, next);
        qsizetype cur = pos;
        while (cur < contentEnd && isSpace(text[cur]))
            ++cur;
        if (cur == contentEnd || text[cur] == '#' || text[cur] == '!') {
            pos = next;
            ++lineNumber;
            continue;
        }

        LogicalLine line;
        for (;;) {
            qsizetype backslashes = 0;
            while (contentEnd - backslashes > cur && text[contentEnd - backslashes - 1] == '\\')
                ++backslashes;
            const bool continued = backslashes % 2 == 1;
            const qsizetype end = continued ? contentEnd - 1 : contentEnd;
            for (qsizetype i = cur; i < end; ++i) {
                line.bytes += text[i];
                line.offsets += i;
            }
            if (!continued)
                break;
            if (next == size)
                return failure(located(label, lineNumber,
                    tr("the backslash at the end of the line continues it, but the file ends there")));
            pos = next;
            ++lineNumber;
            physicalLine(pos, contentEnd, next);
            cur = pos;
            while (cur < contentEnd && isSpace(text[cur]))
                ++cur;
        }
        const qsizetype valueRawEnd = contentEnd;
        if (line.bytes.isEmpty()) {
            // Only backslashes that continue into blank lines: Java skips these too.
            pos = next;
            ++lineNumber;
            continue;
        }

        qsizetype i = 0;
        const qsizetype n = line.bytes.size();
        while (i < n) {
            const char c = line.bytes[i];
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '=' || c == ':' || isSpace(c))
                break;
            ++i;
        }
        i = std::min(i, n);
        const qsizetype keyEnd = i;
        while (i < n && isSpace(line.bytes[i]))
            ++i;
        if (i < n && (line.bytes[i] == '=' || line.bytes[i] == ':')) {
            ++i;
            while (i < n && isSpace(line.bytes[i]))
                ++i;
        }

        Entry entry;
        const Unescaped key = unescape(line, 0, keyEnd);
        const Unescaped value = unescape(line, i, n);
        for (const qsizetype bad : {key.badOffset, value.badOffset}) {
            if (bad >= 0)
                return failure(located(label, Utf8Text::lineAt(text, bad),
                    tr("malformed \\uXXXX escape (a \\u must be followed by four hexadecimal digits)")));
        }
        entry.key = key.text;
        entry.value = value.text;
        entry.lineStart = lineStart;
        entry.lineEnd = next;
        // The value's text starts right after the separator, so that a value moved to a
        // continuation line is replaced together with the line break before it.
        entry.valueStart = line.offsets[i - 1] + 1;
        entry.valueEnd = valueRawEnd;
        entry.hasSeparator = i > keyEnd;
        document.m_entries.append(std::move(entry));
        pos = next;
        ++lineNumber;
    }
    return document;
}

const PropertiesDocument::Entry *PropertiesDocument::lastEntry(const QString &key) const
{
    for (auto it = m_entries.crbegin(); it != m_entries.crend(); ++it) {
        if (it->key == key)
            return &*it;
    }
    return nullptr;
}

std::optional<QString> PropertiesDocument::value(const QString &key) const
{
    if (const Entry *entry = lastEntry(key))
        return entry->value;
    return std::nullopt;
}

QStringList PropertiesDocument::keys() const
{
    QStringList result;
    for (const Entry &entry : m_entries) {
        if (!result.contains(entry.key))
            result.append(entry.key);
    }
    return result;
}

void PropertiesDocument::setValue(const QString &key, const QString &value)
{
    QByteArray text = m_text;
    if (const Entry *entry = lastEntry(key)) {
        QByteArray replacement = escapeValue(value);
        if (!entry->hasSeparator)
            replacement.prepend('=');
        text.replace(entry->valueStart, entry->valueEnd - entry->valueStart, replacement);
    } else {
        // New lines take the file's own line ending.
        const qsizetype firstBreak = text.indexOf('\n');
        const QByteArray newline = firstBreak > 0 && text[firstBreak - 1] == '\r' ? "\r\n" : "\n";
        if (!text.isEmpty() && !text.endsWith('\n') && !text.endsWith('\r'))
            text += newline;
        text += escapeKey(key) + '=' + escapeValue(value) + newline;
    }
    reparse(std::move(text));
}

bool PropertiesDocument::remove(const QString &key)
{
    QByteArray text;
    qsizetype copied = 0;
    for (const Entry &entry : std::as_const(m_entries)) {
        if (entry.key != key)
            continue;
        text += QByteArrayView(m_text).sliced(copied, entry.lineStart - copied);
        copied = entry.lineEnd;
    }
    if (copied == 0)
        return false;
    text += QByteArrayView(m_text).sliced(copied);
    reparse(std::move(text));
    return true;
}

void PropertiesDocument::reparse(QByteArray text)
{
    // The edits above write only what the parser reads back, so this cannot fail;
    // were it to, the document is left as it was rather than half changed.
    if (auto parsed = parse(text, m_label))
        *this = std::move(*parsed);
}
