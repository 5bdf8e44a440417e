// PropertiesDocument: Java's reading rules (separators, escapes, continuation lines,
// duplicates), and edits that leave every other byte of the file as it was.

#include "formats/PropertiesDocument.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString Label = u"node-1:/opt/os/conf/openspecimen.properties"_s;

const QByteArray OpenSpecimen = "# OpenSpecimen settings\n"
                                "#   edited by hand, keep the comments\n"
                                "\n"
                                "app.name=openspecimen\n"
                                "app.data_dir = /var/lib/openspecimen/data\n"
                                "datasource.jndi : java:/comp/env/jdbc/openspecimen\n"
                                "! a bang comment\n"
                                "plugin.dir    /opt/openspecimen/plugins\n"
                                "app.log_conf=/opt/openspecimen/conf/log4j2.xml\n";

const QByteArray JogetDatasource
    = "#Sun Mar 03 10:12:11 UTC 2024\r\n"
      "workflowDriver=com.mysql.cj.jdbc.Driver\r\n"
      "workflowUrl=jdbc\\:mysql\\://db.example.org\\:3306/jwdb?characterEncoding\\=UTF-8"
      "&useSSL\\=false&serverTimezone\\=UTC\r\n"
      "workflowUser=joget\r\n"
      "workflowPassword=\r\n"
      "profileName=default\r\n";

PropertiesDocument parsed(const QByteArray &text)
{
    auto document = PropertiesDocument::parse(text, Label);
    if (!document)
        qFatal("parse failed: %s", qPrintable(document.error().message));
    return *document;
}

QList<QByteArray> lines(const QByteArray &text)
{
    return text.split('\n');
}

} // namespace

class TestPropertiesDocument : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data();
    void roundTrip();
    void values_data();
    void values();
    void duplicates();
    void setValueKeepsOtherLines_data();
    void setValueKeepsOtherLines();
    void setValueEscapes_data();
    void setValueEscapes();
    void appendNewKey_data();
    void appendNewKey();
    void setValueOnContinuation();
    void remove();
    void errors_data();
    void errors();
    void errorsDoNotShowValues();
};

void TestPropertiesDocument::roundTrip_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("openspecimen.properties") << OpenSpecimen;
    QTest::newRow("app_datasource-default.properties (CRLF)") << JogetDatasource;
    QTest::newRow("no final newline") << QByteArray("a=1\nb=2");
    QTest::newRow("continuation lines")
        << QByteArray("list = one, \\\n       two, \\\n       three\nnext=x\n");
    QTest::newRow("CR only") << QByteArray("a=1\rb=2\r");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("comments only") << QByteArray("# one\n! two\n   \n");
    QTest::newRow("compose .env") << QByteArray(
        "COMPOSE_PROJECT_NAME=jatos\nJATOS_DB_URL=jdbc:mysql://db/jatos\n");
    QTest::newRow("UTF-8 and BOM") << QByteArray("\xEF\xBB\xBFgr\xC3\xBC\xC3\x9F=\xE2\x82\xAC 5\n");
}

void TestPropertiesDocument::roundTrip()
{
    QFETCH(QByteArray, text);
    QCOMPARE(parsed(text).toBytes(), text);
}

void TestPropertiesDocument::values_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::newRow("equals") << OpenSpecimen << u"app.name"_s << u"openspecimen"_s;
    QTest::newRow("spaces around =") << OpenSpecimen << u"app.data_dir"_s << u"/var/lib/openspecimen/data"_s;
    QTest::newRow("colon separator") << OpenSpecimen << u"datasource.jndi"_s
                                     << u"java:/comp/env/jdbc/openspecimen"_s;
    QTest::newRow("space separator") << OpenSpecimen << u"plugin.dir"_s << u"/opt/openspecimen/plugins"_s;
    QTest::newRow("jdbc url with escapes")
        << JogetDatasource << u"workflowUrl"_s
        << u"jdbc:mysql://db.example.org:3306/jwdb?characterEncoding=UTF-8&useSSL=false&serverTimezone=UTC"_s;
    QTest::newRow("empty value") << JogetDatasource << u"workflowPassword"_s << QString();
    QTest::newRow("escaped colon, equals, space in key")
        << QByteArray("a\\:b\\=c\\ d = v\n") << u"a:b=c d"_s << u"v"_s;
    QTest::newRow("escaped leading space") << QByteArray("k=\\  two\n") << u"k"_s << u"  two"_s;
    QTest::newRow("trailing spaces kept") << QByteArray("k=v  \n") << u"k"_s << u"v  "_s;
    QTest::newRow("\\u escapes") << QByteArray("k=caf\\u00e9 \\u20AC\n") << u"k"_s << u"caf\u00e9 \u20ac"_s;
    QTest::newRow("surrogate pair escape") << QByteArray("k=\\uD83D\\uDE00\n") << u"k"_s << u"\U0001F600"_s;
    QTest::newRow("control escapes") << QByteArray("k=a\\tb\\nc\\rd\\fe\\\\f\n") << u"k"_s
                                     << u"a\tb\nc\rd\fe\\f"_s;
    QTest::newRow("other escapes drop the backslash") << QByteArray("k=\\q\\#\n") << u"k"_s << u"q#"_s;
    QTest::newRow("continuation") << QByteArray("k = one, \\\n    two, \\\r\n\tthree\n") << u"k"_s
                                  << u"one, two, three"_s;
    QTest::newRow("even backslashes do not continue") << QByteArray("k=a\\\\\nb=c\n") << u"k"_s << u"a\\"_s;
    QTest::newRow("key without value") << QByteArray("lonely\n") << u"lonely"_s << QString();
    QTest::newRow("UTF-8 value") << QByteArray("k=gr\xC3\xBC\xC3\x9F\n") << u"k"_s << u"gr\u00fc\u00df"_s;
    QTest::newRow("hash inside value") << QByteArray("k=a#b\n") << u"k"_s << u"a#b"_s;
    QTest::newRow("comment line is not continued") << QByteArray("# c \\\nk=v\n") << u"k"_s << u"v"_s;
    QTest::newRow("no final newline") << QByteArray("a=1\nb=2") << u"b"_s << u"2"_s;
    // Found by fuzzing: QString::fromUtf8 drops a byte order mark at the start of what
    // it decodes, which lost U+FEFF right after an escape.
    QTest::newRow("U+FEFF after an escape") << QByteArray("k=\\t\xEF\xBB\xBFx\n") << u"k"_s << u"\t\uFEFFx"_s;
    QTest::newRow("BOM read as Java reads it") << QByteArray("\xEF\xBB\xBFk=v\n") << u"\uFEFFk"_s << u"v"_s;
    QTest::newRow("backslash alone continuing into a blank line is skipped")
        << QByteArray("  \\\n\nk=v\n") << u"k"_s << u"v"_s;
}

void TestPropertiesDocument::values()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, key);
    QFETCH(QString, value);
    QCOMPARE(parsed(text).value(key), std::optional<QString>(value));
}

void TestPropertiesDocument::duplicates()
{
    PropertiesDocument document = parsed("a=1\nb=2\na=3\n");
    QCOMPARE(document.value(u"a"_s), u"3"_s);
    QCOMPARE(document.keys(), (QStringList {u"a"_s, u"b"_s}));
    document.setValue(u"a"_s, u"4"_s);
    QCOMPARE(document.toBytes(), QByteArray("a=1\nb=2\na=4\n"));
    QVERIFY(!document.value(u"missing"_s).has_value());
}

void TestPropertiesDocument::setValueKeepsOtherLines_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("expectedLine");
    QTest::newRow("equals") << OpenSpecimen << u"app.name"_s << u"os-test"_s
                            << QByteArray("app.name=os-test");
    QTest::newRow("spaces around =") << OpenSpecimen << u"app.data_dir"_s << u"/data"_s
                                     << QByteArray("app.data_dir = /data");
    QTest::newRow("colon") << OpenSpecimen << u"datasource.jndi"_s << u"java:/x"_s
                           << QByteArray("datasource.jndi : java:/x");
    QTest::newRow("space separator") << OpenSpecimen << u"plugin.dir"_s << u"/p"_s
                                     << QByteArray("plugin.dir    /p");
    QTest::newRow("CRLF jdbc url") << JogetDatasource << u"workflowUrl"_s
                                   << u"jdbc:mysql://db2:3306/jwdb?useSSL=true&a=b"_s
                                   << QByteArray("workflowUrl=jdbc:mysql://db2:3306/jwdb?useSSL=true&a=b\r");
    QTest::newRow("CRLF empty value")
        << JogetDatasource << u"workflowPassword"_s << u"s3cret"_s << QByteArray("workflowPassword=s3cret\r");
}

void TestPropertiesDocument::setValueKeepsOtherLines()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QByteArray, expectedLine);
    PropertiesDocument document = parsed(text);
    document.setValue(key, value);
    QCOMPARE(document.value(key), value);
    const QList<QByteArray> before = lines(text);
    const QList<QByteArray> after = lines(document.toBytes());
    QCOMPARE(after.size(), before.size());
    int changed = 0;
    for (qsizetype i = 0; i < before.size(); ++i) {
        if (before[i] != after[i]) {
            ++changed;
            QCOMPARE(after[i], expectedLine);
        }
    }
    QCOMPARE(changed, 1);
    QCOMPARE(parsed(document.toBytes()).value(key), value);
}

void TestPropertiesDocument::setValueEscapes_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("written");
    QTest::newRow("plain") << u"abc"_s << QByteArray("k=abc\n");
    QTest::newRow("leading space") << u"  x"_s << QByteArray("k=\\  x\n");
    QTest::newRow("backslash") << u"C:\\dir"_s << QByteArray("k=C:\\\\dir\n");
    QTest::newRow("line breaks") << u"a\nb\r\n"_s << QByteArray("k=a\\nb\\r\\n\n");
    QTest::newRow("tab") << u"a\tb"_s << QByteArray("k=a\\tb\n");
    QTest::newRow("control character") << u"a\u0001b"_s << QByteArray("k=a\\u0001b\n");
    QTest::newRow("non-ASCII kept") << u"\u00e9\u20ac"_s << QByteArray("k=\xC3\xA9\xE2\x82\xAC\n");
    QTest::newRow("separators kept") << u"a=b:c #d"_s << QByteArray("k=a=b:c #d\n");
    QTest::newRow("lone surrogate") << QString(QChar(0xD800)) << QByteArray("k=\\uD800\n");
    QTest::newRow("empty") << QString() << QByteArray("k=\n");
}

void TestPropertiesDocument::setValueEscapes()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, written);
    PropertiesDocument document = parsed("k=old\n");
    document.setValue(u"k"_s, value);
    QCOMPARE(document.toBytes(), written);
    QCOMPARE(parsed(document.toBytes()).value(u"k"_s), value);
}

void TestPropertiesDocument::appendNewKey_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("final newline") << QByteArray("a=1\n") << u"b"_s << QByteArray("a=1\nb=v\n");
    QTest::newRow("no final newline") << QByteArray("a=1") << u"b"_s << QByteArray("a=1\nb=v\n");
    QTest::newRow("CRLF file") << QByteArray("a=1\r\n") << u"b"_s << QByteArray("a=1\r\nb=v\r\n");
    QTest::newRow("empty file") << QByteArray() << u"b"_s << QByteArray("b=v\n");
    QTest::newRow("key escaped") << QByteArray() << u"#a b:c=d"_s << QByteArray("\\#a\\ b\\:c\\=d=v\n");
    QTest::newRow("key without value gets a separator") << QByteArray("b\n") << u"b"_s << QByteArray("b=v\n");
}

void TestPropertiesDocument::appendNewKey()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, key);
    QFETCH(QByteArray, expected);
    PropertiesDocument document = parsed(text);
    document.setValue(key, u"v"_s);
    QCOMPARE(document.toBytes(), expected);
    QCOMPARE(parsed(document.toBytes()).value(key), u"v"_s);
}

void TestPropertiesDocument::setValueOnContinuation()
{
    PropertiesDocument document = parsed("# list\nk = one, \\\n    two\nnext=x\n");
    document.setValue(u"k"_s, u"three"_s);
    QCOMPARE(document.toBytes(), QByteArray("# list\nk = three\nnext=x\n"));
    document = parsed("k = \\\n    moved\nnext=x\n");
    document.setValue(u"k"_s, QString());
    QCOMPARE(document.toBytes(), QByteArray("k = \nnext=x\n"));
    // Found by fuzzing: the value's text started on the continuation line, so an
    // empty value left a backslash continuing into the end of the file.
    document = parsed("k \\\n  v");
    document.setValue(u"k"_s, QString());
    QCOMPARE(document.toBytes(), QByteArray("k "));
    QVERIFY(PropertiesDocument::parse(document.toBytes(), Label));
}

void TestPropertiesDocument::remove()
{
    PropertiesDocument document = parsed("# head\na=1\nb = x, \\\n  y\r\nc=3\nb=2");
    QVERIFY(document.remove(u"b"_s));
    QCOMPARE(document.toBytes(), QByteArray("# head\na=1\nc=3\n"));
    QVERIFY(!document.remove(u"b"_s));
    QCOMPARE(document.keys(), (QStringList {u"a"_s, u"c"_s}));
}

void TestPropertiesDocument::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("dangling backslash at end of file") << QByteArray("a=1\nb=2\\")
                                                       << Label
            + u":2: the backslash at the end of the line continues it, but the "
              "file ends there"_s;
    QTest::newRow("dangling backslash before end of file") << QByteArray("a=1\n\nb=2\\\n")
                                                           << Label
            + u":3: the backslash at the end of the line continues it, but "
              "the file ends there"_s;
    QTest::newRow("bad \\u in value") << QByteArray("a=1\n# x\nb=\\u12G4\n")
                                      << Label
            + u":3: malformed \\uXXXX escape (a \\u must be followed by four "
              "hexadecimal digits)"_s;
    QTest::newRow("short \\u at end") << QByteArray("b=\\u12")
                                      << Label
            + u":1: malformed \\uXXXX escape (a \\u must be followed by four "
              "hexadecimal digits)"_s;
    QTest::newRow("bad \\u in key on a continuation line")
        << QByteArray("a=1\nk\\\n  \\uZZZZ=1\n")
        << Label + u":3: malformed \\uXXXX escape (a \\u must be followed by four hexadecimal digits)"_s;
    QTest::newRow("not UTF-8") << QByteArray("a=1\nb=caf\xE9\n")
                               << Label + u":2: the text is not valid UTF-8"_s;
    QTest::newRow("overlong UTF-8") << QByteArray("a=\xC0\xAF\n")
                                    << Label + u":1: the text is not valid UTF-8"_s;
}

void TestPropertiesDocument::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    const auto document = PropertiesDocument::parse(text, Label);
    QVERIFY(!document);
    QCOMPARE(document.error().message, expected);
}

void TestPropertiesDocument::errorsDoNotShowValues()
{
    const auto document = PropertiesDocument::parse("password=hunter2\\uXYZW\n", Label);
    QVERIFY(!document);
    QVERIFY(!document.error().message.contains(u"hunter2"_s));
}

QTEST_GUILESS_MAIN(TestPropertiesDocument)
#include "tst_propertiesdocument.moc"
