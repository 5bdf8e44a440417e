#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QString>

#include <array>

// Optional masking of host names and addresses in a diagnostics bundle, as `sos
// clean` does it: the same host always becomes the same token, so the bundle still
// shows which node talked to which. Host names become host-1, host-2, ...; addresses
// (IPv4 and IPv6) ip-1, ip-2, ...
//
// Seeded with the cluster's node names and addresses (addHost(), in node order, so
// the first node is host-1 in every bundle of the cluster); besides these, every IPv4
// address in the text is masked when first seen. IPv6 addresses and other host
// names are masked only when seeded: telling them from timestamps ("12:00:01") and
// words in free text would mask too much.
//
// 127.0.0.1, 0.0.0.0 and 255.255.255.255 stay unless seeded: they say the same on
// every machine and a reader needs them ("bound to 0.0.0.0"). Other 127.x addresses
// are masked (the sandbox's nodes live there). A four-part version number
// ("11.1.0.2") looks like an address and is masked too.
//
// A name or address matches only as a whole: "node-1" not inside "node-10" or
// "xnode-1"; names match case-insensitively (DNS does). "node-1.example.com" becomes
// "host-1.example.com" when only "node-1" is seeded: seed the full name as well.
//
// mapping() is the key to the tokens; it stays on the admin's machine, never in the
// bundle.
class HostMasker
{
public:
    struct Mapping
    {
        QString original;
        QString token;
    };

    // Names shorter than two characters are refused (false): they would match
    // everywhere. Seeding the same host twice keeps its first token.
    bool addHost(const QString &hostOrAddress);

    // Whether IPv4 addresses not seeded are masked (on by default).
    void setDiscoverIpv4(bool discover) { m_discover = discover; }

    // One line (or several: line ends are boundaries like any other byte).
    QByteArray maskLine(QByteArrayView text);

    // Every host masked so far (and every one seeded), in the order of their tokens.
    QList<Mapping> mapping() const { return m_mapping; }

private:
    struct Seed
    {
        QByteArray lower; // lower-case, as matched
        int entry;
        bool ipv6;
    };
    int entryFor(const QByteArray &lower, const QString &original, bool address);
    qsizetype matchSeed(QByteArrayView text, qsizetype at, int *entry) const;

    QList<Mapping> m_mapping;
    QList<QByteArray> m_tokens; // per entry, as bytes
    QHash<QByteArray, int> m_entries; // lower-case original -> entry
    QList<Seed> m_seeds; // longest first
    std::array<bool, 256> m_firstByte {};
    int m_hosts = 0;
    int m_addresses = 0;
    bool m_discover = true;
};
