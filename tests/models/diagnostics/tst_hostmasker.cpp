// Consistent masking of host names and addresses, as `sos clean` does it.
#include "diagnostics/HostMasker.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// The cluster of these tests: two nodes by name, one by address, the database.
HostMasker clusterMasker()
{
    HostMasker m;
    m.addHost(u"jatos-1"_s);
    m.addHost(u"jatos-2.example.org"_s);
    m.addHost(u"10.0.0.7"_s);
    m.addHost(u"fd00::7"_s);
    return m;
}

} // namespace

class TestHostMasker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mask_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("expected");
        QTest::addRow("seeded names") << "jatos-1 -> jatos-2.example.org:9000"_ba
                                      << "host-1 -> host-2:9000"_ba;
        QTest::addRow("case-insensitive") << "JATOS-1 up"_ba
                                          << "host-1 up"_ba;
        QTest::addRow("whole names only") << "jatos-10 xjatos-1 jatos-1_old"_ba
                                          << "jatos-10 xjatos-1 jatos-1_old"_ba;
        QTest::addRow("short name with domain") << "jatos-1.example.org"_ba
                                                << "host-1.example.org"_ba;
        QTest::addRow("seeded address") << "from 10.0.0.7:5432."_ba
                                        << "from ip-1:5432."_ba;
        QTest::addRow("seeded IPv6") << "[fd00::7]:9000 fd00::70"_ba
                                     << "[ip-2]:9000 fd00::70"_ba;
        QTest::addRow("discovered IPv4") << "peer 192.168.1.20 and 192.168.1.20"_ba
                                         << "peer ip-3 and ip-3"_ba;
        QTest::addRow("loopback and any stay") << "bind 0.0.0.0:80 via 127.0.0.1"_ba
                                               << "bind 0.0.0.0:80 via 127.0.0.1"_ba;
        QTest::addRow("other loopback masked") << "127.20.1.3"_ba
                                               << "ip-3"_ba;
        QTest::addRow("not addresses") << "1.2.3.4.5 256.1.1.1 v3.10.5 10.0.0.77"_ba
                                       << "1.2.3.4.5 256.1.1.1 v3.10.5 ip-3"_ba;
        QTest::addRow("in a URL") << "jdbc:mysql://10.0.0.7:3306/jatos"_ba
                                  << "jdbc:mysql://ip-1:3306/jatos"_ba;
        QTest::addRow("address between dashes") << "[\"http-nio-10.0.0.7-8080\"] nio-192.168.1.20_x"_ba
                                                << "[\"http-nio-ip-1-8080\"] nio-ip-3_x"_ba;
        QTest::addRow("name after a dash stays") << "xx-jatos-1 a10.0.0.7"_ba
                                                 << "xx-jatos-1 a10.0.0.7"_ba;
    }

    void mask()
    {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, expected);
        HostMasker m = clusterMasker();
        QCOMPARE(m.maskLine(line), expected);
    }

    void consistentAcrossLines()
    {
        HostMasker m = clusterMasker();
        QCOMPARE(m.maskLine("a 172.16.0.1 b 172.16.0.2\n"), "a ip-3 b ip-4\n"_ba);
        QCOMPARE(m.maskLine("172.16.0.2 then 172.16.0.1 then jatos-1"), "ip-4 then ip-3 then host-1"_ba);
        const QList<HostMasker::Mapping> mapping = m.mapping();
        QCOMPARE(mapping.size(), 6);
        QCOMPARE(mapping[0].original, u"jatos-1"_s);
        QCOMPARE(mapping[0].token, u"host-1"_s);
        QCOMPARE(mapping[2].original, u"10.0.0.7"_s);
        QCOMPARE(mapping[2].token, u"ip-1"_s);
        QCOMPARE(mapping[4].original, u"172.16.0.1"_s);
        QCOMPARE(mapping[4].token, u"ip-3"_s);
    }

    void seeding()
    {
        HostMasker m;
        QVERIFY(!m.addHost(u"a"_s));
        QVERIFY(!m.addHost(u" "_s));
        QVERIFY(m.addHost(u"db"_s));
        QVERIFY(m.addHost(u"DB"_s)); // the same host
        QVERIFY(m.addHost(u"127.0.0.1"_s)); // seeded loopback is masked
        QCOMPARE(m.mapping().size(), 2);
        QCOMPARE(m.maskLine("db at 127.0.0.1, db.default.url"), "host-1 at ip-1, host-1.default.url"_ba);
    }

    void discoveryOff()
    {
        HostMasker m = clusterMasker();
        m.setDiscoverIpv4(false);
        QCOMPARE(m.maskLine("10.0.0.7 10.0.0.8"), "ip-1 10.0.0.8"_ba);
    }

    void noHostsByteIdentical()
    {
        const QByteArray text
            = "2024-05-01 12:00:01,123 INFO started in 1.2 s, version 3.10.5\n\xff\x00 end"_ba;
        HostMasker m = clusterMasker();
        QCOMPARE(m.maskLine(text), text);
    }
};

QTEST_GUILESS_MAIN(TestHostMasker)
#include "tst_hostmasker.moc"
