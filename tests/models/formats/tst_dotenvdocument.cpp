// DotEnvDocument: Compose's reading rules (quotes, comments, export, interpolation
// markers), and edits that leave every other byte of the file as it was.

#include "formats/DotEnvDocument.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString Label = u"compose-host:/srv/jatos/.env"_s;

const QByteArray JatosEnv
    = "# JATOS cluster, edited by hand\n"
      "\n"
      "JATOS_SECRET=Zq3-plain_secret.value\n"
      "export JATOS_DB_URL = 'jdbc:mysql://db:3306/jatos?useSSL=false' # the shared database\n"
      "JATOS_DB_USERNAME=\"jatos\"\n"
      "JATOS_DB_PASSWORD=p#ss word # inline comment\n"
      "IMAGE_TAG=${TAG:-3.9.3}\n";

DotEnvDocument parsed(const QByteArray &text)
{
    auto document = DotEnvDocument::parse(text, Label);
    if (!document)
        qFatal("parse failed: %s", qPrintable(document.error().message));
    return *document;
}

} // namespace

class TestDotEnvDocument : public QObject
{
    Q_OBJECT

private slots:
    void values();
    void doubleQuoteEscapes();
    void lastOccurrenceWins();
    void setValueKeepsOtherBytes_data();
    void setValueKeepsOtherBytes();
    void setValueQuotesWhatNeedsIt_data();
    void setValueQuotesWhatNeedsIt();
    void commentRightAfterQuote_data();
    void commentRightAfterQuote();
    void appendsAbsentKey_data();
    void appendsAbsentKey();
    void refusesUnwritableValues_data();
    void refusesUnwritableValues();
    void errors_data();
    void errors();
};

void TestDotEnvDocument::values()
{
    const DotEnvDocument document = parsed(JatosEnv);
    QCOMPARE(document.keys(),
        QStringList({u"JATOS_SECRET"_s, u"JATOS_DB_URL"_s, u"JATOS_DB_USERNAME"_s, u"JATOS_DB_PASSWORD"_s,
            u"IMAGE_TAG"_s}));
    QCOMPARE(document.value(u"JATOS_SECRET"_s), u"Zq3-plain_secret.value"_s);
    QCOMPARE(document.value(u"JATOS_DB_URL"_s), u"jdbc:mysql://db:3306/jatos?useSSL=false"_s);
    QCOMPARE(document.value(u"JATOS_DB_USERNAME"_s), u"jatos"_s);
    // '#' starts a comment only after a blank; the value is trimmed
    QCOMPARE(document.value(u"JATOS_DB_PASSWORD"_s), u"p#ss word"_s);
    QCOMPARE(document.value(u"IMAGE_TAG"_s), u"${TAG:-3.9.3}"_s);
    QVERIFY(document.isInterpolated(u"IMAGE_TAG"_s));
    QVERIFY(!document.isInterpolated(u"JATOS_SECRET"_s));
    QVERIFY(!document.contains(u"MISSING"_s));
    QCOMPARE(document.toBytes(), JatosEnv);
}

void TestDotEnvDocument::doubleQuoteEscapes()
{
    const DotEnvDocument document = parsed("A=\"x\\ty\\\"z\\\\\\$HOME\"\nB='$literal \\n'\nC=\"$VAR\"\n");
    QCOMPARE(document.value(u"A"_s), u"x\ty\"z\\$HOME"_s);
    QCOMPARE(document.value(u"B"_s), u"$literal \\n"_s);
    QVERIFY(!document.isInterpolated(u"B"_s)); // single quotes are literal
    QVERIFY(document.isInterpolated(u"C"_s));
}

void TestDotEnvDocument::lastOccurrenceWins()
{
    DotEnvDocument document = parsed("A=1\nB=2\nA=3\n");
    QCOMPARE(document.value(u"A"_s), u"3"_s);
    QCOMPARE(document.keys(), QStringList({u"A"_s, u"B"_s}));
    QVERIFY(document.setValue(u"A"_s, u"4"_s));
    QCOMPARE(document.toBytes(), "A=1\nB=2\nA=4\n"_ba);
}

void TestDotEnvDocument::setValueKeepsOtherBytes_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("unquoted to unquoted")
        << u"JATOS_SECRET"_s << u"new-Secret_48"_s
        << QByteArray(JatosEnv).replace("Zq3-plain_secret.value", "new-Secret_48");
    QTest::newRow("single-quoted keeps export and comment")
        << u"JATOS_DB_URL"_s << u"jdbc:mariadb://db2:3306/jatos"_s
        << QByteArray(JatosEnv).replace(
               "'jdbc:mysql://db:3306/jatos?useSSL=false'", "jdbc:mariadb://db2:3306/jatos");
    QTest::newRow("double-quoted") << u"JATOS_DB_USERNAME"_s << u"admin"_s
                                   << QByteArray(JatosEnv).replace("\"jatos\"", "admin");
    QTest::newRow("keeps the inline comment")
        << u"JATOS_DB_PASSWORD"_s << u"a b"_s << QByteArray(JatosEnv).replace("p#ss word #", "'a b' #");
}

void TestDotEnvDocument::setValueKeepsOtherBytes()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QByteArray, expected);
    DotEnvDocument document = parsed(JatosEnv);
    QVERIFY(document.setValue(key, value));
    QCOMPARE(document.toBytes(), expected);
    QCOMPARE(parsed(document.toBytes()).value(key), value);
}

void TestDotEnvDocument::setValueQuotesWhatNeedsIt_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("written");
    QTest::newRow("plain") << u"abcXYZ019-_./:@+,="_s << "abcXYZ019-_./:@+,="_ba;
    QTest::newRow("empty") << QString() << ""_ba;
    QTest::newRow("space") << u"a b"_s << "'a b'"_ba;
    QTest::newRow("leading space") << u" a"_s << "' a'"_ba;
    QTest::newRow("hash") << u"a#b"_s << "'a#b'"_ba;
    QTest::newRow("dollar") << u"pa$$word"_s << "'pa$$word'"_ba;
    QTest::newRow("double quote") << u"say \"hi\""_s << "'say \"hi\"'"_ba;
    QTest::newRow("backslash") << u"C:\\temp"_s << "'C:\\temp'"_ba;
    QTest::newRow("non-ASCII") << u"grüße"_s << "grüße"_ba;
}

void TestDotEnvDocument::setValueQuotesWhatNeedsIt()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, written);
    DotEnvDocument document = parsed("K=old\n");
    QVERIFY(document.setValue(u"K"_s, value));
    QCOMPARE(document.toBytes(), "K=" + written + '\n');
    const DotEnvDocument reread = parsed(document.toBytes());
    QCOMPARE(reread.value(u"K"_s), value);
    QVERIFY(!reread.isInterpolated(u"K"_s));
}

void TestDotEnvDocument::commentRightAfterQuote_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("empty") << QString() << "B= #c"_ba;
    QTest::newRow("plain") << u"abc"_s << "B=abc #c"_ba;
    QTest::newRow("quoted") << u"a b"_s << "B='a b' #c"_ba;
}

// Found by fuzzing: `B="x"#c` is a value and a comment; the comment must stay one.
void TestDotEnvDocument::commentRightAfterQuote()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, expected);
    DotEnvDocument document = parsed("B=\"x\"#c");
    QCOMPARE(document.value(u"B"_s), u"x"_s);
    QVERIFY(document.setValue(u"B"_s, value));
    QCOMPARE(document.toBytes(), expected);
    QCOMPARE(parsed(document.toBytes()).value(u"B"_s), value);
}

void TestDotEnvDocument::appendsAbsentKey_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("empty file") << QByteArray() << "NEW='v 1'\n"_ba;
    QTest::newRow("final newline") << "A=1\n"_ba
                                   << "A=1\nNEW='v 1'\n"_ba;
    QTest::newRow("no final newline") << "A=1"_ba
                                      << "A=1\nNEW='v 1'\n"_ba;
    QTest::newRow("CRLF") << "A=1\r\n"_ba
                          << "A=1\r\nNEW='v 1'\r\n"_ba;
}

void TestDotEnvDocument::appendsAbsentKey()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);
    DotEnvDocument document = parsed(text);
    QVERIFY(document.setValue(u"NEW"_s, u"v 1"_s));
    QCOMPARE(document.toBytes(), expected);
}

void TestDotEnvDocument::refusesUnwritableValues_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("reason");
    QTest::newRow("single quote") << u"A"_s << u"it's"_s << u"single quote"_s;
    QTest::newRow("newline") << u"A"_s << u"a\nb"_s << u"line break"_s;
    QTest::newRow("tab") << u"A"_s << u"a\tb"_s << u"control character"_s;
    QTest::newRow("bad key") << u"1A"_s << u"x"_s << u"not a valid variable name"_s;
    QTest::newRow("key with space") << u"A B"_s << u"x"_s << u"not a valid variable name"_s;
}

void TestDotEnvDocument::refusesUnwritableValues()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, reason);
    DotEnvDocument document = parsed(JatosEnv);
    const Result<void> set = document.setValue(key, value);
    QVERIFY(!set);
    QVERIFY2(set.error().message.contains(reason), qPrintable(set.error().message));
    QVERIFY(!set.error().message.contains(value) || value == u"x");
    QCOMPARE(document.toBytes(), JatosEnv); // nothing changed
}

void TestDotEnvDocument::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no name") << "=value\n"_ba << Label + u":1:1: expected a variable name"_s;
    QTest::newRow("export and nothing") << "A=1\nexport \n"_ba << Label + u":2:8: expected a variable name"_s;
    QTest::newRow("no equals") << "A=1\nB :2\n"_ba << Label + u":2:3: expected \"=\" after B"_s;
    QTest::newRow("unclosed single") << "A='abc\n"_ba
                                     << Label + u":1:3: the value of A has no closing single quote"_s;
    QTest::newRow("unclosed double") << "A=\"abc\\\"\n"_ba
                                     << Label + u":1:3: the value of A has no closing double quote"_s;
    QTest::newRow("text after quote")
        << "A='x' y\n"_ba << Label + u":1:7: unexpected text after the value of A"_s;
    QTest::newRow("invalid UTF-8") << "A=\xff\n"_ba << Label + u":1:3: not UTF-8 text"_s;
}

void TestDotEnvDocument::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    const auto document = DotEnvDocument::parse(text, Label);
    QVERIFY(!document);
    QVERIFY2(document.error().message.startsWith(expected), qPrintable(document.error().message));
}

QTEST_GUILESS_MAIN(TestDotEnvDocument)
#include "tst_dotenvdocument.moc"
