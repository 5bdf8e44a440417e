#include "Redactor.h"

#include "SecretPatterns.h"

#include <algorithm>
#include <cstring>

namespace {

quint16 pairKey(const char *p)
{
    return quint16(uchar(p[0]) | (uint(uchar(p[1])) << 8));
}

// The value as it appears inside a JSON string, as every JSON writer escapes it.
QByteArray jsonEscaped(const QByteArray &value)
{
    QByteArray out;
    out.reserve(value.size() + 8);
    for (const char c : value) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (uchar(c) < 0x20) {
                static constexpr char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[uchar(c) >> 4];
                out += hex[uchar(c) & 0xf];
            } else {
                out += c;
            }
        }
    }
    return out;
}

// Percent-encoding with lower-case hex digits, which some encoders write.
QByteArray lowerHex(QByteArray percent)
{
    for (qsizetype i = 0; i + 2 < percent.size(); ++i) {
        if (percent[i] != '%')
            continue;
        percent[i + 1] = char(QChar::toLower(uint(uchar(percent[i + 1]))));
        percent[i + 2] = char(QChar::toLower(uint(uchar(percent[i + 2]))));
        i += 2;
    }
    return percent;
}

QByteArray marker(const QString &name)
{
    return "[REDACTED:" + name.toUtf8() + ']';
}

} // namespace

bool Redactor::addSecret(const QString &name, const QByteArray &value)
{
    if (value.size() < MinimumSecretLength)
        return false;
    const int secret = int(m_markers.size());
    m_names.append(name);
    m_markers.append(marker(name));

    addNeedle(value, secret);
    // The forms the value takes inside files; addNeedle() skips those equal to one
    // already there (a plain alphanumeric value has no JSON or percent form).
    const QByteArray json = jsonEscaped(value);
    addNeedle(json, secret);
    if (value.contains('/')) // some writers (PHP, older Jackson settings) escape '/' too
        addNeedle(QByteArray(json).replace("/", "\\/"), secret);
    const QByteArray percent = value.toPercentEncoding();
    addNeedle(percent, secret);
    addNeedle(lowerHex(percent), secret);
    if (value.contains(' ')) // HTML forms encode a space as '+'
        addNeedle(value.toPercentEncoding(" ").replace(' ', '+'), secret);
    // Kubernetes Secrets, Basic auth of the value alone, tokens in URL-safe base64.
    // A value inside a longer base64 text is encoded differently at each of its three
    // possible offsets and cannot be found: those texts are not collected (Secrets).
    addNeedle(value.toBase64(), secret);
    addNeedle(value.toBase64(QByteArray::OmitTrailingEquals), secret);
    addNeedle(value.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals), secret);
    // Lines are redacted one by one, so a multi-line value (a PEM key) can only be
    // found by its lines.
    if (value.contains('\n')) {
        for (QByteArray line : value.split('\n')) {
            if (line.endsWith('\r'))
                line.chop(1);
            if (line.size() >= MinimumSecretLength)
                addNeedle(line, secret);
        }
    }
    return true;
}

void Redactor::addNeedle(const QByteArray &bytes, int secret)
{
    if (bytes.size() < MinimumSecretLength)
        return;
    for (const Needle &n : std::as_const(m_needles)) {
        if (n.bytes == bytes)
            return;
    }
    const int index = int(m_needles.size());
    m_needles.append(Needle {bytes, secret});
    const quint16 key = pairKey(bytes.constData());
    m_filter[key >> 6] |= quint64(1) << (key & 63);
    QList<int> &bucket = m_buckets[key];
    // Longest first: at one position only the longest match matters.
    auto at = std::find_if(bucket.begin(), bucket.end(),
        [&](int other) { return m_needles[other].bytes.size() < bytes.size(); });
    bucket.insert(at, index);
    m_longest = std::max(m_longest, bytes.size());
}

QByteArray Redactor::redactLine(QByteArrayView line)
{
    QByteArray out;
    out.reserve(line.size() + 32);
    redactKnown(line, line.size(), out);
    if (m_patterns)
        SecretPatterns::redact(out, 0, true, m_summary);
    return out;
}

void Redactor::redactPatterns(QByteArray &text, qsizetype from, bool lineStart)
{
    if (m_patterns)
        SecretPatterns::redact(text, from, lineStart, m_summary);
}

qsizetype Redactor::redactKnown(QByteArrayView text, qsizetype cut, QByteArray &out)
{
    const char *p = text.data();
    const qsizetype n = text.size();
    cut = std::clamp<qsizetype>(cut, 0, n);
    qsizetype copied = 0; // text[0, copied) is in `out`
    // The run of overlapping matches being collected: [start, end), named after its
    // longest match.
    qsizetype start = -1;
    qsizetype end = 0;
    qsizetype longest = 0;
    int secret = -1;
    qsizetype consumed = cut;
    bool heldBack = false;

    // Closes the run; false when it straddles the cut and stays for the next piece.
    const auto closeRun = [&]() {
        if (end > cut && start > 0) {
            consumed = start;
            heldBack = true;
            return false;
        }
        out.append(p + copied, start - copied);
        out += m_markers[secret];
        m_summary.add(m_names[secret]);
        copied = end;
        start = -1;
        return true;
    };

    if (m_longest > 0) {
        for (qsizetype i = 0; i + 1 < n; ++i) {
            if (start >= 0 && i >= end && !closeRun())
                break;
            if (start < 0 && i >= cut)
                break;
            const quint16 key = pairKey(p + i);
            if (!((m_filter[key >> 6] >> (key & 63)) & 1))
                continue;
            const auto bucket = m_buckets.constFind(key);
            for (const int index : *bucket) {
                const QByteArray &needle = m_needles[index].bytes;
                if (needle.size() > n - i
                    || std::memcmp(p + i, needle.constData(), size_t(needle.size())) != 0)
                    continue;
                if (start < 0) {
                    start = i;
                    end = i + needle.size();
                    longest = needle.size();
                    secret = m_needles[index].secret;
                } else {
                    end = std::max(end, i + needle.size());
                    if (needle.size() > longest) {
                        longest = needle.size();
                        secret = m_needles[index].secret;
                    }
                }
                break; // longest first: the others at i lie inside this one
            }
        }
        if (start >= 0 && !heldBack)
            closeRun();
    }
    if (!heldBack)
        consumed = std::max(cut, copied);
    out.append(p + copied, consumed - copied);
    return consumed;
}
