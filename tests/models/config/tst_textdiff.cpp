// TextDiff::unified: the diff an admin reads before a change is made. The expected
// hunks are written by hand as GNU diff -u prints them, and compared with the real
// `diff` where it is installed.

#include "config/TextDiff.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// "l1\n" ... "l10\n", with the lines in `replaced` (1-based) changed.
QString tenLines(const QMap<int, QString> &replaced = {})
{
    QString text;
    for (int i = 1; i <= 10; ++i)
        text += replaced.value(i, u"l%1"_s.arg(i)) + u'\n';
    return text;
}

QString joined(const QStringList &lines)
{
    return lines.join(u'\n') + u'\n';
}

} // namespace

class TestTextDiff : public QObject
{
    Q_OBJECT

private slots:
    void equalTextsGiveNothing_data();
    void equalTextsGiveNothing();
    void handWritten_data();
    void handWritten();
    void labelsInHeader();
    void onlyFinalNewlineDiffers();
    void tooLargeIsSummarised();
    void sameAsGnuDiff_data();
    void sameAsGnuDiff();

private:
    void addCases();
};

void TestTextDiff::equalTextsGiveNothing_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("one line") << u"a\n"_s;
    QTest::newRow("no final newline") << u"a\nb"_s;
    QTest::newRow("ten lines") << tenLines();
}

void TestTextDiff::equalTextsGiveNothing()
{
    QFETCH(QString, text);
    QVERIFY(TextDiff::unified(text, text, u"a"_s, u"b"_s).isEmpty());
}

void TestTextDiff::addCases()
{
    QTest::addColumn<QString>("before");
    QTest::addColumn<QString>("after");
    QTest::addColumn<int>("context");
    QTest::addColumn<QString>("expected");

    QTest::newRow("one changed line") << tenLines() << tenLines({{5, u"X"_s}}) << 2
                                      << joined({u"--- a"_s, u"+++ b"_s, u"@@ -3,5 +3,5 @@"_s, u" l3"_s,
                                             u" l4"_s, u"-l5"_s, u"+X"_s, u" l6"_s, u" l7"_s});
    QTest::newRow("line added at the start")
        << tenLines() << u"new\n"_s + tenLines() << 2
        << joined({u"--- a"_s, u"+++ b"_s, u"@@ -1,2 +1,3 @@"_s, u"+new"_s, u" l1"_s, u" l2"_s});
    QTest::newRow("line added at the end")
        << tenLines() << tenLines() + u"new\n"_s << 2
        << joined({u"--- a"_s, u"+++ b"_s, u"@@ -9,2 +9,3 @@"_s, u" l9"_s, u" l10"_s, u"+new"_s});
    QTest::newRow("two lines deleted")
        << tenLines() << joined({u"l1"_s, u"l2"_s, u"l3"_s, u"l4"_s, u"l7"_s, u"l8"_s, u"l9"_s, u"l10"_s})
        << 2
        << joined({u"--- a"_s, u"+++ b"_s, u"@@ -3,6 +3,4 @@"_s, u" l3"_s, u" l4"_s, u"-l5"_s, u"-l6"_s,
               u" l7"_s, u" l8"_s});
    QTest::newRow("first line deleted")
        << tenLines() << tenLines().mid(3) << 2
        << joined({u"--- a"_s, u"+++ b"_s, u"@@ -1,3 +1,2 @@"_s, u"-l1"_s, u" l2"_s, u" l3"_s});
    QTest::newRow("distant changes, two hunks")
        << tenLines() << tenLines({{2, u"X"_s}, {9, u"Y"_s}}) << 2
        << joined({u"--- a"_s, u"+++ b"_s, u"@@ -1,4 +1,4 @@"_s, u" l1"_s, u"-l2"_s, u"+X"_s, u" l3"_s,
               u" l4"_s, u"@@ -7,4 +7,4 @@"_s, u" l7"_s, u" l8"_s, u"-l9"_s, u"+Y"_s, u" l10"_s});
    QTest::newRow("five lines apart, two hunks")
        << tenLines() << tenLines({{2, u"X"_s}, {8, u"Y"_s}}) << 2
        << joined({u"--- a"_s, u"+++ b"_s, u"@@ -1,4 +1,4 @@"_s, u" l1"_s, u"-l2"_s, u"+X"_s, u" l3"_s,
               u" l4"_s, u"@@ -6,5 +6,5 @@"_s, u" l6"_s, u" l7"_s, u"-l8"_s, u"+Y"_s, u" l9"_s, u" l10"_s});
    QTest::newRow("four lines apart, one hunk")
        << tenLines() << tenLines({{3, u"X"_s}, {8, u"Y"_s}}) << 2
        << joined({u"--- a"_s, u"+++ b"_s, u"@@ -1,10 +1,10 @@"_s, u" l1"_s, u" l2"_s, u"-l3"_s, u"+X"_s,
               u" l4"_s, u" l5"_s, u" l6"_s, u" l7"_s, u"-l8"_s, u"+Y"_s, u" l9"_s, u" l10"_s});
    QTest::newRow("two lines replaced by two")
        << tenLines() << tenLines({{5, u"X"_s}, {6, u"Y"_s}}) << 2
        << joined({u"--- a"_s, u"+++ b"_s, u"@@ -3,6 +3,6 @@"_s, u" l3"_s, u" l4"_s, u"-l5"_s, u"-l6"_s,
               u"+X"_s, u"+Y"_s, u" l7"_s, u" l8"_s});
    QTest::newRow("new file") << QString() << u"a\nb\nc\n"_s << 2
                              << joined({u"--- a"_s, u"+++ b"_s, u"@@ -0,0 +1,3 @@"_s, u"+a"_s, u"+b"_s,
                                     u"+c"_s});
    QTest::newRow("emptied file") << u"a\nb\n"_s << QString() << 2
                                  << joined({u"--- a"_s, u"+++ b"_s, u"@@ -1,2 +0,0 @@"_s, u"-a"_s, u"-b"_s});
    QTest::newRow("one-line file changed")
        << u"a\n"_s << u"b\n"_s << 2 << joined({u"--- a"_s, u"+++ b"_s, u"@@ -1 +1 @@"_s, u"-a"_s, u"+b"_s});
    QTest::newRow("no context") << tenLines() << tenLines({{5, u"X"_s}}) << 0
                                << joined({u"--- a"_s, u"+++ b"_s, u"@@ -5 +5 @@"_s, u"-l5"_s, u"+X"_s});
    QTest::newRow("no context, insertion")
        << tenLines()
        << joined({u"l1"_s, u"l2"_s, u"l3"_s, u"new"_s, u"l4"_s, u"l5"_s, u"l6"_s, u"l7"_s, u"l8"_s, u"l9"_s,
               u"l10"_s})
        << 0 << joined({u"--- a"_s, u"+++ b"_s, u"@@ -3,0 +4 @@"_s, u"+new"_s});
    QTest::newRow("three lines of context")
        << tenLines() << tenLines({{5, u"X"_s}}) << 3
        << joined({u"--- a"_s, u"+++ b"_s, u"@@ -2,7 +2,7 @@"_s, u" l2"_s, u" l3"_s, u" l4"_s, u"-l5"_s,
               u"+X"_s, u" l6"_s, u" l7"_s, u" l8"_s});
}

void TestTextDiff::handWritten_data()
{
    addCases();
}

void TestTextDiff::handWritten()
{
    QFETCH(QString, before);
    QFETCH(QString, after);
    QFETCH(int, context);
    QFETCH(QString, expected);
    QCOMPARE(TextDiff::unified(before, after, u"a"_s, u"b"_s, context), expected);
}

void TestTextDiff::labelsInHeader()
{
    const QString diff = TextDiff::unified(u"a\n"_s, u"b\n"_s, u"jatos-1:/opt/jatos/conf/jatos.conf"_s,
        u"jatos-1:/opt/jatos/conf/jatos.conf (new)"_s);
    QVERIFY(diff.startsWith(
        u"--- jatos-1:/opt/jatos/conf/jatos.conf\n+++ jatos-1:/opt/jatos/conf/jatos.conf (new)\n@@ "_s));
}

void TestTextDiff::onlyFinalNewlineDiffers()
{
    const QString diff = TextDiff::unified(u"a\nb"_s, u"a\nb\n"_s, u"a"_s, u"b"_s);
    QVERIFY(!diff.isEmpty());
    QVERIFY(diff.startsWith(u"--- a\n+++ b\n"_s));
    QVERIFY2(diff.contains(u"newline"_s), qPrintable(diff));
    QVERIFY(!diff.contains(u"@@"_s));
}

void TestTextDiff::tooLargeIsSummarised()
{
    QString big;
    for (qsizetype i = 0; i <= TextDiff::MaxLines; ++i)
        big += u"x\n"_s;
    const QString diff = TextDiff::unified(big, big + u"y\n"_s, u"a"_s, u"b"_s);
    QVERIFY(diff.startsWith(u"--- a\n+++ b\n"_s));
    QVERIFY(!diff.contains(u"@@"_s));
    QCOMPARE(diff.count(u'\n'), 3);
}

void TestTextDiff::sameAsGnuDiff_data()
{
    addCases();
    QTest::newRow("a config file edited in several places")
        << joined({u"# JATOS"_s, u""_s, u"jatos.http.port = 9000"_s, u"jatos.multiNode = false"_s,
               u"jatos.db.url = \"jdbc:h2:./db\""_s, u"jatos.db.username = \"sa\""_s, u""_s, u"# secret"_s,
               u"play.http.secret.key = \"old\""_s, u""_s, u"jatos.tmpPath = \"/tmp\""_s, u"# end"_s})
        << joined({u"# JATOS"_s, u""_s, u"jatos.http.port = 9000"_s, u"jatos.multiNode = true"_s,
               u"jatos.db.url = \"jdbc:mysql://db/jatos\""_s, u"jatos.db.username = \"jatos\""_s, u""_s,
               u"# secret"_s, u"play.http.secret.key = \"new\""_s, u""_s, u"jatos.tmpPath = \"/tmp\""_s,
               u"# end"_s, u"jatos.studyLogs.path = \"/srv/logs\""_s})
        << 2 << QString();
    QTest::newRow("lines moved and deleted")
        << tenLines() << joined({u"l2"_s, u"l3"_s, u"X"_s, u"l5"_s, u"l6"_s, u"l7"_s, u"Y"_s, u"l8"_s}) << 2
        << QString();
}

void TestTextDiff::sameAsGnuDiff()
{
    QFETCH(QString, before);
    QFETCH(QString, after);
    QFETCH(int, context);

    const QString diffProgram = QStandardPaths::findExecutable(u"diff"_s);
    if (diffProgram.isEmpty())
        QSKIP("GNU diff is not installed");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto write = [&](const QString &name, const QString &text) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(text.toUtf8());
    };
    write(u"before"_s, before);
    write(u"after"_s, after);

    QProcess diff;
    // --label replaces the file name and its time stamp in the header lines.
    diff.start(diffProgram,
        {u"-U%1"_s.arg(context), u"--label"_s, u"a"_s, u"--label"_s, u"b"_s, dir.filePath(u"before"_s),
            dir.filePath(u"after"_s)});
    QVERIFY(diff.waitForFinished(10000));
    QCOMPARE(diff.exitStatus(), QProcess::NormalExit);
    QCOMPARE(diff.exitCode(), 1); // the files differ
    const QString gnu = QString::fromUtf8(diff.readAllStandardOutput());

    QCOMPARE(TextDiff::unified(before, after, u"a"_s, u"b"_s, context), gnu);
}

QTEST_APPLESS_MAIN(TestTextDiff)

#include "tst_textdiff.moc"
