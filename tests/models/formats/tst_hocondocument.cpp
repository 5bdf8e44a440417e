// HoconDocument: JATOS's jatos.conf read as HOCON (nesting, overrides, quoting,
// includes, substitutions) and edited in place without touching any other byte.

#include "formats/HoconDocument.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString Label = u"jatos-1:/opt/jatos/conf/jatos.conf"_s;

const QByteArray JatosConf
    = "# JATOS configuration\n"
      "include \"production.conf\"\n"
      "include required(file(\"/etc/jatos/secrets.conf\"))\n"
      "\n"
      "jatos {\n"
      "    urlBasePath = \"/\"\n"
      "    // where the study assets live\n"
      "    studyAssetsRootPath = ${?JATOS_STUDY_ASSETS_ROOT_PATH}\n"
      "    db {\n"
      "        url = \"jdbc:mysql://127.0.0.1:3306/jatos?characterEncoding=UTF-8&useSSL=false\"\n"
      "        username = jatos\n"
      "        password = ${?JATOS_DB_PASSWORD}\n"
      "        driver: com.mysql.cj.jdbc.Driver\n"
      "    }\n"
      "    user.session.timeout = 1440 # minutes\n"
      "    multiNode = true\n"
      "}\n"
      "play.http.secret.key = \"changeme \\u00e9 \\\"quoted\\\"\"\n"
      "play.filters.hosts.allowed = [\".example.org\",\n"
      "    \"localhost:9000\"]\n"
      "\"quoted.key\" = \"\"\"two\n"
      "lines\"\"\"\n"
      "jatos.db.username = jatos_override\n";

HoconDocument parsed(const QByteArray &text)
{
    auto document = HoconDocument::parse(text, Label);
    if (!document)
        qFatal("parse failed: %s", qPrintable(document.error().message));
    return *document;
}

} // namespace

class TestHoconDocument : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data();
    void roundTrip();
    void values_data();
    void values();
    void byteOrderMarkInsideText();
    void pathsAndIncludes();
    void overrides_data();
    void overrides();
    void setValueInPlace_data();
    void setValueInPlace();
    void setValueAppends_data();
    void setValueAppends();
    void rawValues_data();
    void rawValues();
    void quoting_data();
    void quoting();
    void errors_data();
    void errors();
};

void TestHoconDocument::roundTrip_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("jatos.conf") << JatosConf;
    QTest::newRow("CRLF") << QByteArray("a = 1\r\nb {\r\n  c = \"x\"\r\n}\r\n");
    QTest::newRow("no final newline") << QByteArray("a = 1\nb = 2");
    QTest::newRow("braced root, commas") << QByteArray("{ a: 1, b: \"2\" }\n");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("BOM") << QByteArray("\xEF\xBB\xBF"
                                       "a = 1\n");
}

void TestHoconDocument::roundTrip()
{
    QFETCH(QByteArray, text);
    QCOMPARE(parsed(text).toBytes(), text);
}

void TestHoconDocument::values_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("value");
    QTest::newRow("nested quoted")
        << u"jatos.db.url"_s << u"jdbc:mysql://127.0.0.1:3306/jatos?characterEncoding=UTF-8&useSSL=false"_s;
    QTest::newRow("unquoted") << u"jatos.db.driver"_s << u"com.mysql.cj.jdbc.Driver"_s;
    QTest::newRow("substitution raw") << u"jatos.db.password"_s << u"${?JATOS_DB_PASSWORD}"_s;
    QTest::newRow("number before a comment") << u"jatos.user.session.timeout"_s << u"1440"_s;
    QTest::newRow("boolean") << u"jatos.multiNode"_s << u"true"_s;
    QTest::newRow("escapes") << u"play.http.secret.key"_s << u"changeme \u00e9 \"quoted\""_s;
    QTest::newRow("array raw") << u"play.filters.hosts.allowed"_s
                               << u"[\".example.org\",\n    \"localhost:9000\"]"_s;
    QTest::newRow("quoted key, triple-quoted value") << u"\"quoted.key\""_s << u"two\nlines"_s;
    QTest::newRow("later definition wins") << u"jatos.db.username"_s << u"jatos_override"_s;
    QTest::newRow("top-level slash") << u"jatos.urlBasePath"_s << u"/"_s;
}

// Found by fuzzing: U+FEFF right after an escape in a quoted key was lost, so the
// path paths() listed had no value.
void TestHoconDocument::byteOrderMarkInsideText()
{
    const HoconDocument document = parsed("\"a\\t\xEF\xBB\xBF\" = \"\\n\xEF\xBB\xBF\"\n");
    QCOMPARE(document.paths(), QStringList {u"\"a\\t\uFEFF\""_s});
    QCOMPARE(document.value(document.paths().first()), u"\n\uFEFF"_s);
}

void TestHoconDocument::values()
{
    QFETCH(QString, path);
    QFETCH(QString, value);
    QCOMPARE(parsed(JatosConf).value(path), std::optional<QString>(value));
}

void TestHoconDocument::pathsAndIncludes()
{
    const HoconDocument document = parsed(JatosConf);
    QCOMPARE(document.includes(), (QStringList {u"production.conf"_s, u"/etc/jatos/secrets.conf"_s}));
    QCOMPARE(document.paths(),
        (QStringList {u"jatos.urlBasePath"_s, u"jatos.studyAssetsRootPath"_s, u"jatos.db.url"_s,
            u"jatos.db.username"_s, u"jatos.db.password"_s, u"jatos.db.driver"_s,
            u"jatos.user.session.timeout"_s, u"jatos.multiNode"_s, u"play.http.secret.key"_s,
            u"play.filters.hosts.allowed"_s, u"\"quoted.key\""_s}));
    QVERIFY(!document.value(u"jatos.db"_s).has_value()); // an object, not a leaf
    QVERIFY(!document.value(u"quoted.key"_s).has_value());
    QCOMPARE(document.kind(u"jatos.multiNode"_s), HoconDocument::Kind::Raw);
    QCOMPARE(document.kind(u"jatos.db.url"_s), HoconDocument::Kind::String);
}

void TestHoconDocument::overrides_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("value"); // "<none>": no value
    QTest::newRow("duplicate") << QByteArray("a = 1\na = 2\n") << u"a"_s << u"2"_s;
    QTest::newRow("objects merge") << QByteArray("a { b = 1 }\na { c = 2 }\n") << u"a.b"_s << u"1"_s;
    QTest::newRow("leaf replaces object") << QByteArray("a { b = 1 }\na = 5\n") << u"a.b"_s << u"<none>"_s;
    QTest::newRow("object replaces leaf") << QByteArray("a = 5\na { b = 1 }\n") << u"a"_s << u"<none>"_s;
    QTest::newRow("no merge with what a leaf replaced")
        << QByteArray("a { b = 1 }\na = 5\na { c = 1 }\n") << u"a.b"_s << u"<none>"_s;
    QTest::newRow("dotted and nested are the same")
        << QByteArray("a.b.c = 1\na { b { c = 2 } }\n") << u"a.b.c"_s << u"2"_s;
    QTest::newRow("object value with =") << QByteArray("a = { b: \"x\" }\n") << u"a.b"_s << u"x"_s;
}

void TestHoconDocument::overrides()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, path);
    QFETCH(QString, value);
    const std::optional<QString> found = parsed(text).value(path);
    QCOMPARE(found.value_or(u"<none>"_s), value);
}

void TestHoconDocument::setValueInPlace_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("oldLine");
    QTest::addColumn<QByteArray>("newLine");
    QTest::newRow("quoted in nested block")
        << u"jatos.db.url"_s << u"jdbc:mysql://db:3306/jatos"_s
        << QByteArray(
               "        url = \"jdbc:mysql://127.0.0.1:3306/jatos?characterEncoding=UTF-8&useSSL=false\"")
        << QByteArray("        url = \"jdbc:mysql://db:3306/jatos\"");
    QTest::newRow("substitution replaced, colon kept")
        << u"jatos.db.driver"_s << u"org.mariadb.jdbc.Driver"_s
        << QByteArray("        driver: com.mysql.cj.jdbc.Driver")
        << QByteArray("        driver: \"org.mariadb.jdbc.Driver\"");
    QTest::newRow("trailing comment kept") << u"jatos.user.session.timeout"_s << u"60"_s
                                           << QByteArray("    user.session.timeout = 1440 # minutes")
                                           << QByteArray("    user.session.timeout = \"60\" # minutes");
    QTest::newRow("effective definition edited")
        << u"jatos.db.username"_s << u"x\"y"_s << QByteArray("jatos.db.username = jatos_override")
        << QByteArray("jatos.db.username = \"x\\\"y\"");
}

void TestHoconDocument::setValueInPlace()
{
    QFETCH(QString, path);
    QFETCH(QString, value);
    QFETCH(QByteArray, oldLine);
    QFETCH(QByteArray, newLine);
    HoconDocument document = parsed(JatosConf);
    document.setValue(path, value);
    QByteArray expected = JatosConf;
    QVERIFY(expected.contains(oldLine));
    expected.replace(oldLine, newLine);
    QCOMPARE(document.toBytes(), expected);
    QCOMPARE(document.value(path), value);
    QCOMPARE(parsed(document.toBytes()).value(path), value);
}

void TestHoconDocument::setValueAppends_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("final newline") << QByteArray("a = 1\n") << u"jatos.x"_s
                                   << QByteArray("a = 1\njatos.x = \"v\"\n");
    QTest::newRow("no final newline") << QByteArray("a = 1") << u"b"_s << QByteArray("a = 1\nb = \"v\"\n");
    QTest::newRow("CRLF") << QByteArray("a = 1\r\n") << u"b"_s << QByteArray("a = 1\r\nb = \"v\"\r\n");
    QTest::newRow("quoted element") << QByteArray() << u"a.\"b.c\""_s << QByteArray("a.\"b.c\" = \"v\"\n");
    QTest::newRow("braced root") << QByteArray("{\n  a = 1\n}\n") << u"b"_s
                                 << QByteArray("{\n  a = 1\nb = \"v\"\n}\n");
    QTest::newRow("into an existing block, at top level") << QByteArray(
        "jatos {\n  x = 1\n}\n") << u"jatos.y"_s << QByteArray("jatos {\n  x = 1\n}\njatos.y = \"v\"\n");
}

void TestHoconDocument::setValueAppends()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, path);
    QFETCH(QByteArray, expected);
    HoconDocument document = parsed(text);
    document.setValue(path, u"v"_s);
    QCOMPARE(document.toBytes(), expected);
    QCOMPARE(parsed(document.toBytes()).value(path), u"v"_s);
}

void TestHoconDocument::rawValues_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("written");
    QTest::newRow("number") << u"42"_s << QByteArray("a = 42 # c\n");
    QTest::newRow("boolean") << u"false"_s << QByteArray("a = false # c\n");
    QTest::newRow("substitution") << u"${?X}"_s << QByteArray("a = ${?X} # c\n");
    QTest::newRow("comment is quoted instead") << u"1 # x"_s << QByteArray("a = \"1 # x\" # c\n");
    QTest::newRow("empty is quoted instead") << QString() << QByteArray("a = \"\" # c\n");
    QTest::newRow("line break is quoted instead") << u"1\nb = 2"_s << QByteArray("a = \"1\\nb = 2\" # c\n");
}

void TestHoconDocument::rawValues()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, written);
    HoconDocument document = parsed("a = 1 # c\n");
    document.setValue(u"a"_s, value, HoconDocument::Kind::Raw);
    QCOMPARE(document.toBytes(), written);
    QCOMPARE(parsed(document.toBytes()).value(u"a"_s), value);
}

void TestHoconDocument::quoting_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("written");
    QTest::newRow("quote and backslash") << u"a\"b\\c"_s << QByteArray("\"a\\\"b\\\\c\"");
    QTest::newRow("controls") << u"\n\t\r\u0001"_s << QByteArray("\"\\n\\t\\r\\u0001\"");
    QTest::newRow("non-ASCII kept") << u"\u00e9"_s << QByteArray("\"\xC3\xA9\"");
    QTest::newRow("slash kept") << u"a/b"_s << QByteArray("\"a/b\"");
}

void TestHoconDocument::quoting()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, written);
    QCOMPARE(HoconDocument::quoted(value), written);
    QCOMPARE(parsed("a = " + written + "\n").value(u"a"_s), value);
}

void TestHoconDocument::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unterminated string") << QByteArray(
        "a = 1\nb = \"open\n") << Label + u":2:5: the string that starts here is not closed on its line"_s;
    QTest::newRow("unclosed brace") << QByteArray("a {\n  b = 1\n")
                                    << Label + u":1:3: this '{' is never closed"_s;
    QTest::newRow("extra closing brace")
        << QByteArray("a = 1\n}\n") << Label + u":2:1: '}' without a matching '{'"_s;
    QTest::newRow("unterminated triple quote") << QByteArray(
        "a = \"\"\"x\n") << Label + u":1:5: the triple-quoted string that starts here is never closed"_s;
    QTest::newRow("unclosed array") << QByteArray("a = [1,\n2\n")
                                    << Label + u":1:5: this '[' is never closed"_s;
    QTest::newRow("mismatched bracket")
        << QByteArray("a = [1,\n 2}\n") << Label + u":2:3: '}' does not match the '[' at line 1"_s;
    QTest::newRow("missing value") << QByteArray("a =\n") << Label + u":1:4: \"a\" has no value"_s;
    QTest::newRow("missing separator")
        << QByteArray("\n  a b\n") << Label + u":2:5: expected '=', ':' or '{' after the key \"a\""_s;
    QTest::newRow("bad escape") << QByteArray(
        "a = \"x\\q\"\n") << Label + u":1:7: invalid escape in a quoted string (use \\\\ for a backslash)"_s;
    QTest::newRow("bad unicode escape") << QByteArray("a = \"\\u12\"\n")
                                        << Label + u":1:6: \\u must be followed by four hexadecimal digits"_s;
    QTest::newRow("unterminated substitution") << QByteArray(
        "a = ${?X\n") << Label + u":1:5: the substitution that starts here is not closed on its line"_s;
    QTest::newRow("empty path element") << QByteArray(
        "a..b = 1\n") << Label + u":1:3: a key has an empty element (two dots, or a dot at an end)"_s;
    QTest::newRow("text after value")
        << QByteArray("a = \"x\" }\n") << Label + u":1:9: '}' without a matching '{'"_s;
    QTest::newRow("include without name")
        << QByteArray("include file(x)\n") << Label + u":1:14: include needs a file name in double quotes"_s;
    QTest::newRow("not UTF-8") << QByteArray("a = 1\nb = \"\xFF\"\n")
                               << Label + u":2:6: the text is not valid UTF-8"_s;
    QTest::newRow("column counts characters") << QByteArray(
        "\xC3\xA9 = \"x\n") << Label + u":1:5: the string that starts here is not closed on its line"_s;
}

void TestHoconDocument::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    const auto document = HoconDocument::parse(text, Label);
    QVERIFY(!document);
    QCOMPARE(document.error().message, expected);
}

QTEST_GUILESS_MAIN(TestHoconDocument)
#include "tst_hocondocument.moc"
