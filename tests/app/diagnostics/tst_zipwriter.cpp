// The zip writer: what it writes reads back entry by entry with libarchive and passes
// `unzip -t`; large entries of unknown size stream through; names are checked; a
// writer that is not closed, or that fails, leaves no file behind.
#include "ZipTestSupport.h"
#include "diagnostics/ZipWriter.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QByteArray randomBytes(qsizetype size)
{
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator rng(42);
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char(rng.bounded(256));
    return data;
}

} // namespace

class TestZipWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesEntriesThatReadBack()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"bundle.zip"_s);
        const QDateTime when = QDateTime(QDate(2026, 11, 20), QTime(10, 30), Qt::UTC);
        // A log of several MB in uneven pieces, size unknown; random bytes that deflate
        // cannot shrink; an empty file; a name with non-ASCII letters.
        QByteArray log;
        for (int i = 0; log.size() < 6 * 1024 * 1024; ++i)
            log += "2026-11-20 10:30:00,123 [INFO] line " + QByteArray::number(i)
                + " of the application log\n";
        const QByteArray noise = randomBytes(300 * 1024);
        {
            ZipWriter zip(path);
            QVERIFY(zip.open());
            QVERIFY(zip.beginEntry(u"manifest.json"_s, when, 2));
            QVERIFY(zip.write("{}"));
            QVERIFY(zip.beginEntry(u"nodes/jatos-1/logs/application.log"_s, when)); // ends the one before
            for (qsizetype at = 0; at < log.size();) {
                const qsizetype piece = std::min<qsizetype>(log.size() - at, 1 + (at * 7919) % 70000);
                QVERIFY(zip.write(QByteArrayView(log.constData() + at, piece)));
                at += piece;
            }
            QCOMPARE(zip.entryBytes(), log.size());
            QVERIFY(zip.beginEntry(u"nodes/jatos-1/noise.bin"_s, when));
            QVERIFY(zip.write(noise));
            QVERIFY(zip.beginEntry(u"nodes/jatos-1/empty.txt"_s, when));
            QVERIFY(zip.beginEntry(u"nodes/Zürich-1/ünïcode.txt"_s, when));
            QVERIFY(zip.write("grüezi"));
            QVERIFY(zip.endEntry());
            QVERIFY(!QFile::exists(path)); // nothing there before close()
            QVERIFY(zip.close());
            QVERIFY(zip.fileBytes() < log.size() / 5); // the log was compressed
        }
        QVERIFY(QFile::exists(path));
        QString error;
        const QList<ReadEntry> entries = readZip(path, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(entries.size(), 5);
        QCOMPARE(entries.at(0).name, u"manifest.json"_s);
        QCOMPARE(entries.at(0).data, QByteArray("{}"));
        QCOMPARE(entries.at(0).mtime, when.toSecsSinceEpoch());
        QCOMPARE(entries.at(1).name, u"nodes/jatos-1/logs/application.log"_s);
        QCOMPARE(QCryptographicHash::hash(entries.at(1).data, QCryptographicHash::Sha256),
            QCryptographicHash::hash(log, QCryptographicHash::Sha256));
        QCOMPARE(entries.at(2).data, noise);
        QCOMPARE(entries.at(3).data, QByteArray());
        QCOMPARE(entries.at(4).name, u"nodes/Zürich-1/ünïcode.txt"_s);
        QCOMPARE(entries.at(4).data, QByteArray("grüezi"));

        // The tool an admin (or a vendor) would use agrees.
        const QString unzip = QStandardPaths::findExecutable(u"unzip"_s);
        if (unzip.isEmpty())
            QSKIP("unzip is not installed (scripts/install-deps.sh installs it)");
        QProcess test;
        test.start(unzip, {u"-t"_s, path});
        QVERIFY(test.waitForFinished(60000));
        const QString out = QString::fromUtf8(test.readAllStandardOutput());
        QVERIFY2(test.exitCode() == 0, qPrintable(out + QString::fromUtf8(test.readAllStandardError())));
        QVERIFY2(out.contains(u"No errors detected"_s), qPrintable(out));
        QProcess list;
        list.start(unzip, {u"-Z1"_s, path});
        QVERIFY(list.waitForFinished(60000));
        QVERIFY(QString::fromUtf8(list.readAllStandardOutput()).contains(u"nodes/Zürich-1/ünïcode.txt"_s));
    }

    void notClosedLeavesNothing()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"bundle.zip"_s);
        {
            ZipWriter zip(path);
            QVERIFY(zip.open());
            QVERIFY(zip.beginEntry(u"a.txt"_s));
            QVERIFY(zip.write("cancelled half way"));
        } // a cancelled collection: the writer goes without close()
        QVERIFY(!QFile::exists(path));
        QCOMPARE(
            QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 0); // no temporary file either
    }

    void anExistingFileStaysUntilTheNewOneIsComplete()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"bundle.zip"_s);
        QFile old(path);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("the bundle of yesterday");
        old.close();
        {
            ZipWriter zip(path);
            QVERIFY(zip.open());
            QVERIFY(zip.beginEntry(u"a.txt"_s));
            QVERIFY(zip.write("not finished"));
        }
        QVERIFY(old.open(QIODevice::ReadOnly));
        QCOMPARE(old.readAll(), QByteArray("the bundle of yesterday"));
    }

    void cannotCreateNamesTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"no-such-folder/bundle.zip"_s);
        ZipWriter zip(path);
        const Result<void> opened = zip.open();
        QVERIFY(!opened);
        QVERIFY2(opened.error().message.contains(u"no-such-folder"_s), qPrintable(opened.error().message));
        QVERIFY(!zip.beginEntry(u"a.txt"_s));
        QVERIFY(!zip.close());
    }

    void badNamesAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addRow("empty") << QString();
        QTest::addRow("absolute") << u"/etc/passwd"_s;
        QTest::addRow("parent") << u"nodes/../../etc/passwd"_s;
        QTest::addRow("dot") << u"nodes/./a"_s;
        QTest::addRow("empty part") << u"nodes//a"_s;
        QTest::addRow("backslash") << u"nodes\\a"_s;
        QTest::addRow("drive") << u"C:/a"_s;
        QTest::addRow("control") << u"a\nb"_s;
    }

    void badNamesAreRefused()
    {
        QFETCH(QString, name);
        QVERIFY(!ZipWriter::checkName(name));
        QTemporaryDir dir;
        ZipWriter zip(dir.filePath(u"bundle.zip"_s));
        QVERIFY(zip.open());
        QVERIFY(!zip.beginEntry(name));
        QVERIFY(zip.beginEntry(u"nodes/ok.txt"_s)); // the writer is still usable
        QVERIFY(zip.close());
    }

    void writeOutsideAnEntryIsRefused()
    {
        QTemporaryDir dir;
        ZipWriter zip(dir.filePath(u"bundle.zip"_s));
        QVERIFY(zip.open());
        QVERIFY(!zip.write("no entry"));
        QVERIFY(zip.close());
    }
};

QTEST_GUILESS_MAIN(TestZipWriter)
#include "tst_zipwriter.moc"
