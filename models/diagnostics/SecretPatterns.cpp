#include "SecretPatterns.h"

#include <array>
#include <string_view>

namespace {

constexpr qsizetype MaxKeyLength = 96;

bool isKeyChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
        || c == '-';
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

bool isLineEnd(char c)
{
    return c == '\n' || c == '\r';
}

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool equalsNoCase(QByteArrayView text, std::string_view word)
{
    if (text.size() != qsizetype(word.size()))
        return false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (lower(text[i]) != word[size_t(i)])
            return false;
    }
    return true;
}

// Values that never are a secret, whatever the key.
bool isHarmless(QByteArrayView value)
{
    for (const std::string_view word : {"true", "false", "null", "none", "nil"}) {
        if (equalsNoCase(value, word))
            return true;
    }
    return value.isEmpty() || value.startsWith("[REDACTED:")
        || (value.startsWith("${") && value.endsWith('}'));
}

bool isDigits(QByteArrayView value)
{
    for (const char c : value) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

// An opening of a quoted text: ", ' or the \" of JSON inside a JSON string.
struct Quote
{
    qsizetype length = 0; // 0: none
    char mark = 0;
};

Quote quoteAt(QByteArrayView text, qsizetype at)
{
    if (at < text.size() && (text[at] == '"' || text[at] == '\''))
        return {1, text[at]};
    if (at + 1 < text.size() && text[at] == '\\' && text[at + 1] == '"')
        return {2, '"'};
    return {};
}

// Where the quoted text opened by `quote` at `at` (its first byte inside) ends, or -1.
qsizetype closingQuote(QByteArrayView text, qsizetype at, qsizetype lineEnd, Quote quote)
{
    for (qsizetype j = at; j < lineEnd; ++j) {
        if (quote.length == 2) {
            if (text[j] == '\\' && j + 1 < lineEnd && text[j + 1] == '"')
                return j;
        } else if (text[j] == quote.mark) {
            return j;
        } else if (quote.mark == '"' && text[j] == '\\') {
            ++j; // an escaped character, maybe a quote
        }
    }
    return -1;
}

// The key before the delimiter at `d`: its bytes [start, end), where its quotes (if
// any) begin, and whether it was quoted. Empty when there is no key.
struct Key
{
    qsizetype start = 0;
    qsizetype end = 0;
    qsizetype outerStart = 0;
    bool quoted = false;
};

Key keyBefore(QByteArrayView text, qsizetype from, qsizetype d)
{
    qsizetype k = d;
    while (k > from && isBlank(text[k - 1]))
        --k;
    Key key;
    if (k > from && (text[k - 1] == '"' || text[k - 1] == '\'')) {
        const char mark = text[k - 1];
        const bool escaped = mark == '"' && k - 2 >= from && text[k - 2] == '\\';
        key.end = escaped ? k - 2 : k - 1;
        qsizetype s = key.end;
        while (s > from && isKeyChar(text[s - 1]) && key.end - s < MaxKeyLength)
            --s;
        if (s == from || text[s - 1] != mark || (escaped && (s - 2 < from || text[s - 2] != '\\')))
            return {};
        key.start = s;
        key.outerStart = escaped ? s - 2 : s - 1;
        key.quoted = true;
        return key;
    }
    qsizetype s = k;
    while (s > from && isKeyChar(text[s - 1]) && k - s < MaxKeyLength)
        --s;
    if (s > from && isKeyChar(text[s - 1])) // longer than any key: a blob, not a key
        return {};
    key.start = s;
    key.end = k;
    key.outerStart = s;
    return key;
}

// Whether only indentation, "export " or a YAML "- " precede `at`.
bool startsLine(QByteArrayView text, qsizetype from, qsizetype at)
{
    qsizetype i = from;
    while (i < at && isBlank(text[i]))
        ++i;
    if (at - i > 7 && text.sliced(i, 7) == "export ") {
        i += 7;
        while (i < at && isBlank(text[i]))
            ++i;
    } else if (at - i >= 2 && text[i] == '-' && isBlank(text[i + 1])) {
        i += 2;
        while (i < at && isBlank(text[i]))
            ++i;
    }
    return i == at;
}

QByteArray patternMarker(QByteArrayView kind)
{
    return "[REDACTED:pattern:" + kind.toByteArray() + ']';
}

// Replaces text[start, end) and counts it; returns where scanning goes on.
qsizetype replace(
    QByteArray &text, qsizetype start, qsizetype end, QByteArrayView kind, RedactionSummary &summary)
{
    const QByteArray marker = patternMarker(kind);
    summary.add(QStringLiteral("pattern:") + QString::fromLatin1(kind));
    text.replace(start, end - start, marker);
    return start + marker.size();
}

// user:password@ in the authority of a URL whose "://" starts at `colon`.
qsizetype redactUrl(QByteArray &text, qsizetype colon, qsizetype lineEnd, RedactionSummary &summary)
{
    const qsizetype authority = colon + 3;
    qsizetype end = authority;
    qsizetype at = -1;
    for (; end < lineEnd; ++end) {
        const char c = text[end];
        if (c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\'
            || isBlank(c))
            break;
        if (c == '@')
            at = end; // the last one: '@' in an unencoded password
    }
    if (at < 0)
        return end;
    qsizetype userEnd = authority;
    while (userEnd < at && text[userEnd] != ':')
        ++userEnd;
    if (userEnd + 1 >= at) // no password, or an empty one
        return end;
    if (QByteArrayView(text).sliced(userEnd + 1, at - userEnd - 1).startsWith("[REDACTED:"))
        return end;
    const qsizetype next = replace(text, userEnd + 1, at, "url-password", summary);
    return next; // the host follows and holds nothing more to redact
}

// Authorization: Bearer <token> keeps its scheme.
qsizetype afterAuthScheme(QByteArrayView text, qsizetype at, qsizetype lineEnd)
{
    for (const std::string_view scheme : {"bearer", "basic", "token", "digest", "negotiate"}) {
        const auto n = qsizetype(scheme.size());
        if (at + n < lineEnd && equalsNoCase(text.sliced(at, n), scheme) && isBlank(text[at + n])) {
            qsizetype v = at + n;
            while (v < lineEnd && isBlank(text[v]))
                ++v;
            return v;
        }
    }
    return at;
}

bool endsInlineValue(char c)
{
    switch (c) {
    case ' ':
    case '\t':
    case ',':
    case ';':
    case '&':
    case ')':
    case ']':
    case '}':
    case '<':
    case '"':
    case '\'':
        return true;
    default:
        return false;
    }
}

// The value after the delimiter at `d` of a key that is about a secret; returns
// where scanning goes on.
qsizetype redactValue(QByteArray &text, qsizetype from, qsizetype d, qsizetype lineEnd, const Key &key,
    SecretPatterns::KeyKind kind, bool lineStart, bool xmlElement, RedactionSummary &summary)
{
    qsizetype v = d + 1;
    qsizetype end = lineEnd;
    if (xmlElement) {
        end = v;
        while (end < lineEnd && text[end] != '<')
            ++end;
    } else {
        while (v < lineEnd && isBlank(text[v]))
            ++v;
        if (const Quote quote = quoteAt(text, v); quote.length > 0) {
            v += quote.length;
            const qsizetype close = closingQuote(text, v, lineEnd, quote);
            end = close < 0 ? lineEnd : close;
        } else if (v < lineEnd && (text[v] == '{' || text[v] == '[')) {
            // An object or a list ("secrets": {...}, HOCON's secrets {...}): its own
            // keys are looked at one by one; the brackets stay, so JSON stays JSON.
            return v + 1;
        } else {
            v = afterAuthScheme(text, v, lineEnd);
            if (!(lineStart && !key.quoted && startsLine(text, from, key.outerStart))) {
                end = v;
                while (end < lineEnd && !endsInlineValue(text[end]))
                    ++end;
            } else {
                while (end > v && isBlank(text[end - 1]))
                    --end;
            }
        }
    }
    const QByteArrayView value = QByteArrayView(text).sliced(v, end - v);
    if (isHarmless(value) || (kind == SecretPatterns::KeyKind::About && isDigits(value)))
        return end;
    return replace(
        text, v, end, QByteArrayView(text).sliced(key.start, key.end - key.start).toByteArray(), summary);
}

} // namespace

SecretPatterns::KeyKind SecretPatterns::judgeKey(QByteArrayView key)
{
    // The key's letters and digits, lower-case: "db.default.password" -> "dbdefaultpassword".
    std::array<char, MaxKeyLength> buffer {};
    qsizetype n = 0;
    for (const char c : key) {
        if (c == '.' || c == '_' || c == '-')
            continue;
        if (n == MaxKeyLength)
            return KeyKind::Plain;
        buffer[size_t(n++)] = lower(c);
    }
    const std::string_view letters(buffer.data(), size_t(n));
    static constexpr std::array<std::string_view, 13> words {"password", "passwd", "passphrase", "pwd",
        "secret", "token", "apikey", "privatekey", "accesskey", "credential", "authorization", "cookie",
        "jsessionid"};
    for (const std::string_view word : words) {
        if (letters.ends_with(word)
            || (letters.ends_with('s') && letters.substr(0, letters.size() - 1).ends_with(word)))
            return KeyKind::Names;
    }
    // keystorePass, truststorePass (Tomcat); a last part "key" (play.http.secret.key, app.key)
    if (letters.ends_with("pass"))
        return KeyKind::Names;
    qsizetype lastPart = key.size();
    while (lastPart > 0 && key[lastPart - 1] != '.' && key[lastPart - 1] != '_' && key[lastPart - 1] != '-')
        --lastPart;
    if (equalsNoCase(key.sliced(lastPart), "key"))
        return KeyKind::Names;
    for (const std::string_view word : words) {
        if (letters.find(word) != std::string_view::npos)
            return KeyKind::About;
    }
    return KeyKind::Plain;
}

void SecretPatterns::redact(QByteArray &text, qsizetype from, bool lineStart, RedactionSummary &summary)
{
    qsizetype lineEnd = text.size();
    while (lineEnd > from && isLineEnd(text[lineEnd - 1]))
        --lineEnd;
    for (qsizetype i = from; i < lineEnd; ++i) {
        const char c = text[i];
        // The cheap test that nearly every byte fails: only a delimiter can end a key.
        if (c != '=' && c != ':' && c != '>')
            continue;
        if (c == ':' && i + 2 < lineEnd && text[i + 1] == '/' && text[i + 2] == '/') {
            const qsizetype before = text.size();
            const qsizetype next = redactUrl(text, i, lineEnd, summary);
            lineEnd += text.size() - before;
            i = next - 1;
            continue;
        }
        bool xmlElement = false;
        if (c == '=') {
            // ==, !=, <=, >= are comparisons, not assignments
            if ((i + 1 < lineEnd && text[i + 1] == '=')
                || (i > from
                    && (text[i - 1] == '=' || text[i - 1] == '!' || text[i - 1] == '<'
                        || text[i - 1] == '>')))
                continue;
        } else if (c == ':') {
            if ((i + 1 < lineEnd && text[i + 1] == ':') || (i > from && text[i - 1] == ':'))
                continue; // Java's Foo::bar, IPv6
        }
        const Key key = keyBefore(text, from, i);
        if (key.end <= key.start)
            continue;
        if (c == '>') {
            // <password>value</password>: the key directly after '<', not "</"
            if (key.quoted || key.end != i || key.start == from || text[key.start - 1] != '<')
                continue;
            xmlElement = true;
        }
        const KeyKind kind = judgeKey(QByteArrayView(text).sliced(key.start, key.end - key.start));
        if (kind == KeyKind::Plain)
            continue;
        const qsizetype before = text.size();
        const qsizetype next = redactValue(text, from, i, lineEnd, key, kind, lineStart, xmlElement, summary);
        lineEnd += text.size() - before;
        i = next - 1;
    }
}
