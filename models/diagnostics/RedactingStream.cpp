#include "RedactingStream.h"

#include <algorithm>
#include <cstring>

namespace {

// How far before the cut a separator is looked for.
constexpr qsizetype SeparatorWindow = 4096;

bool isSeparator(char c)
{
    return c == ' ' || c == '\t' || c == ',' || c == ';' || c == '&';
}

} // namespace

RedactingStream::RedactingStream(Redactor &redactor, qsizetype maxLine)
    : m_redactor(redactor)
    , m_maxLine(maxLine)
{ }

qsizetype RedactingStream::maxLine() const
{
    // A piece must be able to hold more than the overlap, or the stream would not
    // move on.
    return std::max(m_maxLine, 2 * m_redactor.longestNeedle() + 2 * SeparatorWindow);
}

void RedactingStream::appendLine(QByteArrayView line, QByteArray &out)
{
    const qsizetype start = out.size();
    m_redactor.redactKnown(line, line.size(), out);
    m_redactor.redactPatterns(out, start, m_atLineStart);
    m_atLineStart = true;
}

QByteArray RedactingStream::write(QByteArrayView chunk)
{
    QByteArray out;
    out.reserve(chunk.size() + 64);
    const char *p = chunk.data();
    const qsizetype n = chunk.size();
    const qsizetype limit = maxLine();
    qsizetype at = 0;
    qsizetype lineEnd = -1; // just past the next '\n', or n when there is none
    while (at < n) {
        if (lineEnd <= at) {
            const auto *nl = static_cast<const char *>(std::memchr(p + at, '\n', size_t(n - at)));
            lineEnd = nl ? nl - p + 1 : n;
        }
        const bool complete = lineEnd < n || p[n - 1] == '\n';
        if (m_pending.isEmpty() && complete && lineEnd - at <= limit) {
            appendLine(chunk.sliced(at, lineEnd - at), out); // the common case: no copy
            at = lineEnd;
            continue;
        }
        // A line begun in an earlier chunk, or too long: collected in slices so that
        // no more than `limit` bytes are held.
        const qsizetype take = std::min(lineEnd - at, limit - m_pending.size());
        m_pending.append(p + at, take);
        at += take;
        if (at == lineEnd && complete) {
            appendLine(m_pending, out);
            m_pending.resize(0);
        } else if (m_pending.size() >= limit) {
            cutPending(out);
        }
    }
    return out;
}

void RedactingStream::cutPending(QByteArray &out)
{
    const qsizetype size = m_pending.size();
    qsizetype cut = size - std::max<qsizetype>(m_redactor.longestNeedle() - 1, 0);
    for (qsizetype i = cut; i > cut - SeparatorWindow && i > 0; --i) {
        if (isSeparator(m_pending[i - 1])) {
            cut = i;
            break;
        }
    }
    const qsizetype start = out.size();
    const qsizetype consumed = m_redactor.redactKnown(m_pending, cut, out);
    m_redactor.redactPatterns(out, start, m_atLineStart);
    m_atLineStart = false;
    m_pending.remove(0, consumed);
}

QByteArray RedactingStream::finish()
{
    QByteArray out;
    if (!m_pending.isEmpty())
        appendLine(m_pending, out);
    m_pending.resize(0);
    m_atLineStart = true;
    return out;
}
