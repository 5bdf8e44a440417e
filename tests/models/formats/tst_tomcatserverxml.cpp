// TomcatServerXml: the Engine's jvmRoute read and written, with every other byte of
// server.xml (comments that mention <Engine included) left alone.

#include "formats/TomcatServerXml.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString Label = u"os-1:/opt/tomcat/conf/server.xml"_s;

const QByteArray ServerXml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<!-- <Engine name=\"Catalina\" jvmRoute=\"commented\"> is an example -->\n"
                             "<Server port=\"8005\" shutdown=\"SHUTDOWN\">\n"
                             "  <Service name=\"Catalina\">\n"
                             "    <Connector port=\"8080\" protocol=\"HTTP/1.1\" redirectPort=\"8443\" />\n"
                             "    <!-- You should set jvmRoute to support load-balancing via AJP ie :\n"
                             "    <Engine name=\"Catalina\" defaultHost=\"localhost\" jvmRoute=\"jvm1\">\n"
                             "    -->\n"
                             "    <Engine name='Catalina' defaultHost='localhost'\n"
                             "            jvmRoute='node1'>\n"
                             "      <Host name=\"localhost\" appBase=\"webapps\"/>\n"
                             "    </Engine>\n"
                             "  </Service>\n"
                             "</Server>\n";

} // namespace

class TestTomcatServerXml : public QObject
{
    Q_OBJECT

private slots:
    void read_data();
    void read();
    void write_data();
    void write();
    void errors_data();
    void errors();
    void refusesRouteXmlCannotHold();
};

void TestTomcatServerXml::read_data()
{
    QTest::addColumn<QByteArray>("xml");
    QTest::addColumn<QString>("route");
    QTest::newRow("single quotes, comments before") << ServerXml << u"node1"_s;
    QTest::newRow("no route") << QByteArray("<Server><Service><Engine name=\"C\"/></Service></Server>")
                              << QString();
    QTest::newRow("entities") << QByteArray("<Engine jvmRoute=\"a&amp;b&#x41;\"/>") << u"a&bA"_s;
    QTest::newRow("CDATA mentioning Engine")
        << QByteArray("<S><x><![CDATA[<Engine jvmRoute=\"no\">]]></x><Engine jvmRoute=\"yes\"/></S>")
        << u"yes"_s;
}

void TestTomcatServerXml::read()
{
    QFETCH(QByteArray, xml);
    QFETCH(QString, route);
    QCOMPARE(TomcatServerXml::jvmRoute(xml, Label), route);
}

void TestTomcatServerXml::write_data()
{
    QTest::addColumn<QByteArray>("xml");
    QTest::addColumn<QString>("route");
    QTest::addColumn<QByteArray>("expected");
    QByteArray replaced = ServerXml;
    replaced.replace("jvmRoute='node1'", "jvmRoute='node2'");
    QTest::newRow("replace, single quotes kept") << ServerXml << u"node2"_s << replaced;
    QTest::newRow("add") << QByteArray(
        "<Server>\n<!-- <Engine> -->\n<Engine name=\"C\" defaultHost=\"h\">\n</Engine></Server>\n")
                         << u"n1"_s
                         << QByteArray("<Server>\n<!-- <Engine> -->\n<Engine name=\"C\" defaultHost=\"h\" "
                                       "jvmRoute=\"n1\">\n</Engine></Server>\n");
    QTest::newRow("add to self-closing, no attributes")
        << QByteArray("<S><Engine/></S>") << u"n1"_s << QByteArray("<S><Engine jvmRoute=\"n1\"/></S>");
    QTest::newRow("escaped") << QByteArray("<Engine jvmRoute=\"x\"/>") << u"a&<\"'>\u00e9"_s
                             << QByteArray("<Engine jvmRoute=\"a&amp;&lt;&quot;&apos;&gt;&#xE9;\"/>");
    QTest::newRow("CRLF kept") << QByteArray(
        "<S>\r\n<Engine name=\"C\" jvmRoute=\"a\">\r\n</Engine>\r\n</S>\r\n")
                               << u"b"_s
                               << QByteArray(
                                      "<S>\r\n<Engine name=\"C\" jvmRoute=\"b\">\r\n</Engine>\r\n</S>\r\n");
}

void TestTomcatServerXml::write()
{
    QFETCH(QByteArray, xml);
    QFETCH(QString, route);
    QFETCH(QByteArray, expected);
    const auto written = TomcatServerXml::withJvmRoute(xml, route, Label);
    QVERIFY2(written, written ? "" : qPrintable(written.error().message));
    QCOMPARE(*written, expected);
    QCOMPARE(TomcatServerXml::jvmRoute(*written, Label), route);
}

void TestTomcatServerXml::errors_data()
{
    QTest::addColumn<QByteArray>("xml");
    QTest::addColumn<QString>("start");
    QTest::newRow("no Engine") << QByteArray("<Server><!-- <Engine/> --></Server>")
                               << Label + u": there is no <Engine> element"_s;
    QTest::newRow("not well-formed") << QByteArray("<Server>\n<Engine>\n</Server>") << Label + u":3:"_s;
    QTest::newRow("not UTF-8") << QByteArray("<S>\n<Engine jvmRoute=\"\xE9\"/></S>")
                               << Label + u":2: the file is not UTF-8 text"_s;
    QTest::newRow("control character") << QByteArray("<S><Engine jvmRoute=\"a\x01\"/></S>")
                                       << Label + u":1: not well-formed XML: control character 0x01"_s;
    // Found by fuzzing: QXmlStreamReader took NUL bytes in an attribute name, where
    // the start tag's own scan ended the name, so the two disagreed on the route.
    QTest::newRow("NUL in an attribute name") << QByteArray("<S><Engine jvmRoute") + QByteArray(2, '\0')
            + "Host=\"h\"/></S>" << Label + u":1: not well-formed XML: control character 0x00"_s;
}

void TestTomcatServerXml::errors()
{
    QFETCH(QByteArray, xml);
    QFETCH(QString, start);
    const auto route = TomcatServerXml::jvmRoute(xml, Label);
    QVERIFY(!route);
    QVERIFY2(route.error().message.startsWith(start), qPrintable(route.error().message));
    QVERIFY(!TomcatServerXml::withJvmRoute(xml, u"x"_s, Label));
}

void TestTomcatServerXml::refusesRouteXmlCannotHold()
{
    const auto written = TomcatServerXml::withJvmRoute("<Engine/>", u"a\u0001"_s, Label);
    QVERIFY(!written);
    QVERIFY(written.error().message.contains(u"cannot hold"_s));
}

QTEST_GUILESS_MAIN(TestTomcatServerXml)
#include "tst_tomcatserverxml.moc"
