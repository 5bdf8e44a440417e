// OpenSpecimenClusterJson: the Settings → Cluster document; every structural problem
// and every rule violation named by its JSON path, and the secret never shown.

#include "formats/OpenSpecimenClusterJson.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QByteArray Valid = R"({"notifTimeout":60,"notifErrorRcpts":["admin@example.org"],)"
                         R"("secret":"0123456789abcdef0123456789abcdef",)"
                         R"("nodes":[{"name":"lion","url":"http://10.0.1.1:8080/openspecimen/"},)"
                         R"({"name":"tiger","url":"https://10.0.1.2/openspecimen/"}]})";

OpenSpecimenClusterJson validCluster()
{
    auto parsed = OpenSpecimenClusterJson::parse(Valid);
    if (!parsed)
        qFatal("%s", qPrintable(formatIssues(parsed.error())));
    return *parsed;
}

} // namespace

Q_DECLARE_METATYPE(OpenSpecimenClusterJson)

class TestOpenSpecimenClusterJson : public QObject
{
    Q_OBJECT

private slots:
    void parseValid();
    void structureIssues_data();
    void structureIssues();
    void ruleViolations_data();
    void ruleViolations();
    void secretNeverShown();
    void emails_data();
    void emails();
    void toJsonKeyOrder();
    void roundTrip_data();
    void roundTrip();
};

void TestOpenSpecimenClusterJson::parseValid()
{
    const OpenSpecimenClusterJson cluster = validCluster();
    QCOMPARE(cluster.notifTimeout, 60);
    QCOMPARE(cluster.notifErrorRcpts, QStringList {u"admin@example.org"_s});
    QCOMPARE(cluster.nodes.size(), 2);
    QCOMPARE(cluster.nodes[1], (OpenSpecimenClusterNode {u"tiger"_s, u"https://10.0.1.2/openspecimen/"_s}));
    QVERIFY(cluster.validate().isEmpty());
}

void TestOpenSpecimenClusterJson::structureIssues_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("issue");
    QTest::newRow("syntax error") << QByteArray("{\n  \"nodes\": [,]\n}")
                                  << u"not valid JSON at line 2, column 13"_s;
    QTest::newRow("not an object") << QByteArray("[]") << u"must be an object, not an array"_s;
    QTest::newRow("unknown key") << QByteArray(R"({"secret":"x","nodes":[],"notifTimeOut":5})")
                                 << u"notifTimeOut: unknown key"_s;
    QTest::newRow("missing nodes") << QByteArray(R"({"secret":"x"})") << u"nodes: missing"_s;
    QTest::newRow("missing secret") << QByteArray(R"({"nodes":[]})") << u"secret: missing"_s;
    QTest::newRow("nodes not a list")
        << QByteArray(R"({"secret":"x","nodes":{}})") << u"nodes: must be a list of nodes"_s;
    QTest::newRow("node not an object") << QByteArray(R"({"secret":"x","nodes":[{"name":"a","url":"u"},3]})")
                                        << u"nodes[1]: must be an object, not a number"_s;
    QTest::newRow("node unknown key")
        << QByteArray(R"({"secret":"x","nodes":[{"name":"a","url":"u","port":1}]})")
        << u"nodes[0].port: unknown key"_s;
    QTest::newRow("node name missing")
        << QByteArray(R"({"secret":"x","nodes":[{"url":"u"}]})") << u"nodes[0].name: missing"_s;
    QTest::newRow("timeout not whole") << QByteArray(R"({"secret":"x","nodes":[],"notifTimeout":1.5})")
                                       << u"notifTimeout: must be a whole number, not a number"_s;
    QTest::newRow("timeout a string") << QByteArray(R"({"secret":"x","nodes":[],"notifTimeout":"60"})")
                                      << u"notifTimeout: must be a whole number, not a string"_s;
    QTest::newRow("recipient not a string")
        << QByteArray(R"({"secret":"x","nodes":[],"notifErrorRcpts":["a@b.c",1]})")
        << u"notifErrorRcpts[1]: must be a string, not a number"_s;
    QTest::newRow("number too large") << QByteArray(R"({"secret":"x","nodes":[],"notifTimeout":1e999})")
                                      << u"not valid JSON: a number is too large"_s;
}

void TestOpenSpecimenClusterJson::structureIssues()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, issue);
    const auto parsed = OpenSpecimenClusterJson::parse(text);
    QVERIFY(!parsed);
    QVERIFY2(
        formatIssues(parsed.error()).split(u'\n').contains(issue), qPrintable(formatIssues(parsed.error())));
}

void TestOpenSpecimenClusterJson::ruleViolations_data()
{
    QTest::addColumn<OpenSpecimenClusterJson>("cluster");
    QTest::addColumn<QString>("issue");
    const auto with = [](auto change) {
        OpenSpecimenClusterJson cluster = validCluster();
        change(cluster);
        return cluster;
    };
    using C = OpenSpecimenClusterJson;
    QTest::newRow("no nodes") << with([](C &c) { c.nodes.clear(); })
                              << u"nodes: must list at least one node"_s;
    QTest::newRow("empty name") << with([](C &c) { c.nodes[1].name.clear(); })
                                << u"nodes[1].name: must not be empty"_s;
    QTest::newRow("space in name") << with([](C &c) { c.nodes[1].name = u"big cat"_s; })
                                   << u"nodes[1].name: must not contain white space"_s;
    QTest::newRow("bad character") << with([](C &c) {
        c.nodes[0].name = u"lion/1"_s;
    }) << u"nodes[0].name: may contain only letters A-Z and a-z, digits and '.', '_', '-'"_s;
    QTest::newRow("name too long") << with([](C &c) { c.nodes[0].name = QString(64, u'a'); })
                                   << u"nodes[0].name: must be at most 63 characters long"_s;
    QTest::newRow("duplicate name") << with([](C &c) { c.nodes[1].name = u"lion"_s; })
                                    << u"nodes[1].name: \"lion\" is already the name of nodes[0]"_s;
    QTest::newRow("relative url") << with([](C &c) { c.nodes[0].url = u"/openspecimen/"_s; })
                                  << u"nodes[0].url: must be an absolute http:// or https:// URL"_s;
    QTest::newRow("ftp url") << with([](C &c) { c.nodes[0].url = u"ftp://10.0.1.1/openspecimen/"_s; })
                             << u"nodes[0].url: must be an absolute http:// or https:// URL"_s;
    QTest::newRow("empty url") << with([](C &c) { c.nodes[0].url.clear(); })
                               << u"nodes[0].url: must not be empty"_s;
    QTest::newRow("no context path")
        << with([](C &c) { c.nodes[1].url = u"http://10.0.1.2:8080/"_s; })
        << u"nodes[1].url: must end in the application's context path with a closing "
           "'/', e.g. http://10.0.1.1:8080/openspecimen/"_s;
    QTest::newRow("no closing slash")
        << with([](C &c) { c.nodes[1].url = u"http://10.0.1.2:8080/os"_s; })
        << u"nodes[1].url: must end in the application's context path with a closing "
           "'/', e.g. http://10.0.1.1:8080/openspecimen/"_s;
    QTest::newRow("query") << with([](C &c) { c.nodes[1].url = u"http://h/os/?a=b"_s; })
                           << u"nodes[1].url: must not have a query or fragment"_s;
    QTest::newRow("timeout too small") << with([](C &c) { c.notifTimeout = 4; })
                                       << u"notifTimeout: must be between 5 and 3600 seconds, not 4"_s;
    QTest::newRow("timeout too large") << with([](C &c) { c.notifTimeout = 3601; })
                                       << u"notifTimeout: must be between 5 and 3600 seconds, not 3601"_s;
    QTest::newRow("bad e-mail")
        << with([](C &c) { c.notifErrorRcpts.append(u"ops at example.org"_s); })
        << u"notifErrorRcpts[1]: \"ops at example.org\" is not an e-mail address like "
           "name@example.org"_s;
    QTest::newRow("short secret") << with([](C &c) { c.secret = QString(31, u'x'); })
                                  << u"secret: must be at least 32 characters long"_s;
}

void TestOpenSpecimenClusterJson::ruleViolations()
{
    QFETCH(OpenSpecimenClusterJson, cluster);
    QFETCH(QString, issue);
    const ValidationIssues issues = cluster.validate();
    QCOMPARE(formatIssues(issues), issue);
}

void TestOpenSpecimenClusterJson::secretNeverShown()
{
    OpenSpecimenClusterJson cluster = validCluster();
    cluster.secret = u"tooShortSecret"_s;
    const QString all = formatIssues(cluster.validate());
    QVERIFY(!all.isEmpty());
    QVERIFY(!all.contains(cluster.secret));
    const auto parsed = OpenSpecimenClusterJson::parse(R"({"secret":"tooShortSecret","nodes":[],"x":1})");
    QVERIFY(!parsed);
    QVERIFY(!formatIssues(parsed.error()).contains(u"tooShortSecret"_s));
}

void TestOpenSpecimenClusterJson::emails_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("valid");
    QTest::newRow("plain") << u"a@example.org"_s << true;
    QTest::newRow("subdomain, plus") << u"first.last+os@lab.example.org"_s << true;
    QTest::newRow("no at") << u"example.org"_s << false;
    QTest::newRow("two ats") << u"a@b@example.org"_s << false;
    QTest::newRow("space") << u"a b@example.org"_s << false;
    QTest::newRow("no dot in domain") << u"a@localhost"_s << false;
    QTest::newRow("empty label") << u"a@example..org"_s << false;
    QTest::newRow("trailing dot") << u"a@example.org."_s << false;
    QTest::newRow("empty local") << u"@example.org"_s << false;
    QTest::newRow("dot at start of local") << u".a@example.org"_s << false;
    QTest::newRow("hyphen label edge") << u"a@-x.org"_s << false;
    QTest::newRow("empty") << QString() << false;
}

void TestOpenSpecimenClusterJson::emails()
{
    QFETCH(QString, address);
    QFETCH(bool, valid);
    QCOMPARE(OpenSpecimenClusterJson::isValidEmail(address), valid);
}

void TestOpenSpecimenClusterJson::toJsonKeyOrder()
{
    const QByteArray json = validCluster().toJson();
    QVERIFY(json.endsWith("}\n"));
    const qsizetype timeout = json.indexOf("\"notifTimeout\"");
    const qsizetype recipients = json.indexOf("\"notifErrorRcpts\"");
    const qsizetype secret = json.indexOf("\"secret\"");
    const qsizetype nodes = json.indexOf("\"nodes\"");
    QVERIFY(timeout >= 0 && timeout < recipients && recipients < secret && secret < nodes);
    QVERIFY(json.contains("\n  \"nodes\": [\n")); // pretty, two spaces
}

void TestOpenSpecimenClusterJson::roundTrip_data()
{
    QTest::addColumn<OpenSpecimenClusterJson>("cluster");
    QTest::newRow("valid") << validCluster();
    OpenSpecimenClusterJson unicode = validCluster();
    unicode.nodes[0].name = u"l\u00f6we \"1\""_s;
    unicode.notifErrorRcpts.clear();
    unicode.notifTimeout = -7;
    QTest::newRow("invalid values, unicode, no recipients") << unicode;
}

void TestOpenSpecimenClusterJson::roundTrip()
{
    QFETCH(OpenSpecimenClusterJson, cluster);
    const auto again = OpenSpecimenClusterJson::parse(cluster.toJson());
    QVERIFY(again);
    QCOMPARE(*again == cluster, true);
}

QTEST_GUILESS_MAIN(TestOpenSpecimenClusterJson)
#include "tst_openspecimenclusterjson.moc"
