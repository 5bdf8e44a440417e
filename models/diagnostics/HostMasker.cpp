#include "HostMasker.h"

#include <algorithm>

namespace {

bool isAlnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

// Part of the same word as a host name: a match must not touch one of these.
bool isNameChar(char c)
{
    return isAlnum(c) || c == '-' || c == '_';
}

// The length of the IPv4 address at `at` (dotted quad, each part 0..255), or 0.
qsizetype ipv4At(QByteArrayView text, qsizetype at)
{
    qsizetype i = at;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (i >= text.size() || text[i] != '.')
                return 0;
            ++i;
        }
        int value = 0;
        qsizetype digits = 0;
        while (i < text.size() && isDigit(text[i]) && digits < 4) {
            value = value * 10 + (text[i] - '0');
            ++i;
            ++digits;
        }
        if (digits == 0 || digits > 3 || value > 255)
            return 0;
    }
    return i - at;
}

bool endsHere(QByteArrayView text, qsizetype end, bool address, bool ipv6)
{
    if (end >= text.size())
        return true;
    const char c = text[end];
    // An address may touch '-' or '_' ("http-nio-10.0.0.5-8080" in Tomcat's logs); a
    // name may not.
    if ((address ? isAlnum(c) : isNameChar(c)) || (ipv6 && c == ':'))
        return false;
    // "10.0.0.5." ends a sentence; "10.0.0.5.1" is something else
    return !(address && c == '.' && end + 1 < text.size() && isDigit(text[end + 1]));
}

bool startsHere(QByteArrayView text, qsizetype at, bool address = false)
{
    if (at == 0)
        return true;
    const char c = text[at - 1];
    return !((address ? isAlnum(c) : isNameChar(c)) || c == '.');
}

} // namespace

bool HostMasker::addHost(const QString &hostOrAddress)
{
    const QString host = hostOrAddress.trimmed();
    if (host.size() < 2)
        return false;
    QByteArray lowerHost = host.toUtf8();
    for (char &c : lowerHost)
        c = lower(c);
    const bool ipv6 = lowerHost.contains(':');
    const bool address = ipv6 || ipv4At(lowerHost, 0) == lowerHost.size();
    const int entry = entryFor(lowerHost, host, address);
    for (const Seed &seed : std::as_const(m_seeds)) {
        if (seed.lower == lowerHost)
            return true;
    }
    const auto at = std::find_if(m_seeds.begin(), m_seeds.end(),
        [&](const Seed &seed) { return seed.lower.size() < lowerHost.size(); });
    m_seeds.insert(at, Seed {lowerHost, entry, ipv6});
    m_firstByte[uchar(lowerHost[0])] = true;
    return true;
}

int HostMasker::entryFor(const QByteArray &lower, const QString &original, bool address)
{
    if (const auto it = m_entries.constFind(lower); it != m_entries.cend())
        return it.value();
    const QString token
        = address ? QStringLiteral("ip-%1").arg(++m_addresses) : QStringLiteral("host-%1").arg(++m_hosts);
    const int entry = int(m_mapping.size());
    m_mapping.append(Mapping {original, token});
    m_tokens.append(token.toUtf8());
    m_entries.insert(lower, entry);
    return entry;
}

qsizetype HostMasker::matchSeed(QByteArrayView text, qsizetype at, int *entry) const
{
    for (const Seed &seed : m_seeds) {
        const qsizetype n = seed.lower.size();
        if (n > text.size() - at)
            continue;
        bool equal = true;
        for (qsizetype k = 0; k < n && equal; ++k)
            equal = lower(text[at + k]) == seed.lower[k];
        const bool address = seed.ipv6 || isDigit(seed.lower[0]);
        if (equal && endsHere(text, at + n, address, seed.ipv6)) {
            *entry = seed.entry;
            return n;
        }
    }
    return 0;
}

QByteArray HostMasker::maskLine(QByteArrayView text)
{
    QByteArray out;
    out.reserve(text.size());
    qsizetype copied = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool seedStart = m_firstByte[uchar(lower(c))];
        if ((!seedStart && !(m_discover && isDigit(c))) || !startsHere(text, i, isDigit(c)))
            continue;
        int entry = -1;
        qsizetype length = seedStart ? matchSeed(text, i, &entry) : 0;
        if (length == 0 && m_discover && isDigit(c)) {
            length = ipv4At(text, i);
            if (length > 0 && !endsHere(text, i + length, true, false))
                length = 0;
            if (length > 0) {
                const QByteArray address = text.sliced(i, length).toByteArray();
                if (address == "127.0.0.1" || address == "0.0.0.0" || address == "255.255.255.255")
                    length = 0;
                else
                    entry = entryFor(address, QString::fromLatin1(address), true);
            }
        }
        if (length == 0)
            continue;
        out.append(text.data() + copied, i - copied);
        out += m_tokens[entry];
        copied = i + length;
        i = copied - 1;
    }
    out.append(text.data() + copied, text.size() - copied);
    return out;
}
