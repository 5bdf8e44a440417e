// BalancerConfig: BalancerMember directives as httpd reads them.

#include "formats/BalancerConfig.h"

#include <QTest>

using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(QList<BalancerMember>)

class TestBalancerConfig : public QObject
{
    Q_OBJECT

private slots:
    void members_data();
    void members();
};

void TestBalancerConfig::members_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QList<BalancerMember>>("expected");
    QTest::newRow("proxy block") << QByteArray(
        "<Proxy \"balancer://jatos\">\n"
        "    BalancerMember \"http://10.0.1.1:9000\" route=node1\n"
        "\tbalancermember http://10.0.1.2:9000 loadfactor=2 ROUTE=node2\n"
        "    # BalancerMember http://10.0.1.3:9000 route=node3\n"
        "    ProxySet stickysession=JSESSIONID|jsessionid\n"
        "</Proxy>\n")
                                 << QList<BalancerMember> {{u"http://10.0.1.1:9000"_s, u"node1"_s, 2},
                                        {u"http://10.0.1.2:9000"_s, u"node2"_s, 3}};
    QTest::newRow("continuation lines") << QByteArray(
        "BalancerMember http://a:8080/os \\\n    route=a1 \\\n    retry=5\nBalancerMember http://b:8080/os\n")
                                        << QList<BalancerMember> {{u"http://a:8080/os"_s, u"a1"_s, 1},
                                               {u"http://b:8080/os"_s, QString(), 4}};
    QTest::newRow("outside a block, balancer named first")
        << QByteArray("BalancerMember balancer://os http://10.0.2.1:8080/openspecimen route=\"os1\"\r\n")
        << QList<BalancerMember> {{u"http://10.0.2.1:8080/openspecimen"_s, u"os1"_s, 1}};
    QTest::newRow("quoted parameter") << QByteArray("BalancerMember http://x \"route=r 1\"\n")
                                      << QList<BalancerMember> {{u"http://x"_s, u"r 1"_s, 1}};
    QTest::newRow("comment continued")
        << QByteArray("# note \\\nBalancerMember http://x route=a\n") << QList<BalancerMember> {};
    QTest::newRow("directive without url") << QByteArray("BalancerMember\n") << QList<BalancerMember> {};
    // Found by fuzzing: an empty quoted word became a member without a URL.
    QTest::newRow("empty quoted url")
        << QByteArray("BalancerMember \"\" route=a\n") << QList<BalancerMember> {};
    QTest::newRow("invalid UTF-8 url kept")
        << QByteArray("BalancerMember \xDB route=a\n") << QList<BalancerMember> {{u"\uFFFD"_s, u"a"_s, 1}};
    QTest::newRow("empty") << QByteArray() << QList<BalancerMember> {};
}

void TestBalancerConfig::members()
{
    QFETCH(QByteArray, text);
    QFETCH(QList<BalancerMember>, expected);
    const QList<BalancerMember> found = BalancerConfig::members(text);
    QCOMPARE(found.size(), expected.size());
    for (qsizetype i = 0; i < found.size(); ++i) {
        QCOMPARE(found[i].url, expected[i].url);
        QCOMPARE(found[i].route, expected[i].route);
        QCOMPARE(found[i].line, expected[i].line);
    }
}

QTEST_GUILESS_MAIN(TestBalancerConfig)
#include "tst_balancerconfig.moc"
