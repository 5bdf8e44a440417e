#include "BalancerConfig.h"

#include "Utf8Text.h"

#include <QByteArray>
#include <QByteArrayList>

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

// Splits a directive into words as httpd does: by white space, a word in double or
// single quotes kept whole (without its quotes).
QByteArrayList words(QByteArrayView line)
{
    QByteArrayList result;
    qsizetype i = 0;
    while (i < line.size()) {
        while (i < line.size() && isSpace(line[i]))
            ++i;
        if (i >= line.size())
            break;
        QByteArray word;
        if (line[i] == '"' || line[i] == '\'') {
            const char quote = line[i++];
            while (i < line.size() && line[i] != quote) {
                if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == quote)
                    ++i;
                word += line[i++];
            }
            ++i;
        } else {
            while (i < line.size() && !isSpace(line[i]))
                word += line[i++];
        }
        result.append(word);
    }
    return result;
}

std::optional<BalancerMember> member(QByteArrayView directive, int line)
{
    QByteArrayList parts = words(directive);
    if (parts.isEmpty() || parts.first().compare("BalancerMember", Qt::CaseInsensitive) != 0)
        return std::nullopt;
    parts.removeFirst();
    // Outside a <Proxy> block the balancer's own URL comes first.
    if (parts.size() >= 2 && parts.first().toLower().startsWith("balancer://"))
        parts.removeFirst();
    if (parts.isEmpty() || parts.first().isEmpty())
        return std::nullopt;
    BalancerMember result;
    result.line = line;
    result.url = Utf8Text::decode(parts.takeFirst());
    for (const QByteArray &parameter : std::as_const(parts)) {
        const qsizetype equals = parameter.indexOf('=');
        if (equals > 0 && parameter.first(equals).compare("route", Qt::CaseInsensitive) == 0) {
            QByteArray value = parameter.sliced(equals + 1);
            if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')
                && value.back() == value.front())
                value = value.sliced(1, value.size() - 2);
            result.route = Utf8Text::decode(value);
        }
    }
    return result;
}

} // namespace

namespace BalancerConfig {

QList<BalancerMember> members(QByteArrayView text)
{
    QList<BalancerMember> result;
    QByteArray directive;
    int directiveLine = 0;
    int lineNumber = 0;
    qsizetype pos = 0;
    while (pos < text.size()) {
        qsizetype end = text.sliced(pos).indexOf('\n');
        end = end < 0 ? text.size() : pos + end;
        QByteArrayView line = text.sliced(pos, end - pos);
        pos = end + 1;
        ++lineNumber;
        if (line.endsWith('\r'))
            line.chop(1);
        if (directive.isEmpty())
            directiveLine = lineNumber;
        // httpd joins a line ending in a backslash with the next before reading it.
        if (line.endsWith('\\')) {
            directive += line.chopped(1);
            if (pos < text.size())
                continue;
        } else {
            directive += line;
        }
        const QByteArrayView trimmed = QByteArrayView(directive).trimmed();
        if (!trimmed.startsWith('#')) {
            if (auto found = member(trimmed, directiveLine))
                result.append(*found);
        }
        directive.clear();
    }
    return result;
}

} // namespace BalancerConfig
