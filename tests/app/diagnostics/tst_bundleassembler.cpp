// The bundle assembler: many producer threads, one zip written entry by entry.
// Entries arrive whole and in their own order, redacted on the producers' threads,
// masked on the writer's; the queues stay within their limit whatever the entries'
// sizes; a cancel releases blocked producers and leaves no file.
#include "ZipTestSupport.h"
#include "diagnostics/BundleAssembler.h"
#include "diagnostics/ZipWriter.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

// Lines of a log, numbered so that a lost or repeated piece shows.
QByteArray logText(int producer, int entry, int lines)
{
    QByteArray text;
    for (int i = 0; i < lines; ++i)
        text += "2026-11-23 10:00:00,000 [INFO] p" + QByteArray::number(producer) + " e"
            + QByteArray::number(entry) + " line " + QByteArray::number(i) + " lorem ipsum dolor sit amet\n";
    return text;
}

} // namespace

class TestBundleAssembler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parallelProducersWriteWholeEntries()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"bundle.zip"_s);
        ZipWriter zip(path);
        QVERIFY(zip.open());
        constexpr qsizetype limit = 64 * 1024;
        BundleAssembler assembler(zip, u"top"_s, limit);
        constexpr int producers = 4;
        constexpr int entries = 3;
        std::vector<BundleAssembler::Channel *> channels;
        for (int p = 0; p < producers; ++p)
            channels.push_back(assembler.channel(u"node-%1"_s.arg(p)));
        std::vector<std::unique_ptr<QThread>> threads;
        for (int p = 0; p < producers; ++p) {
            BundleAssembler::Channel *channel = channels[size_t(p)];
            threads.emplace_back(QThread::create([channel, p] {
                for (int e = 0; e < entries; ++e) {
                    const QByteArray text = logText(p, e, 20000 + 5000 * e); // 1.3 - 2 MB each
                    if (!channel->begin(u"nodes/node-%1/log-%2.txt"_s.arg(p).arg(e)))
                        return;
                    // Odd chunk sizes: lines are cut anywhere.
                    for (qsizetype at = 0; at < text.size(); at += 7919) {
                        if (!channel->write(
                                QByteArrayView(text).sliced(at, std::min<qsizetype>(7919, text.size() - at))))
                            return;
                    }
                    if (!channel->end())
                        return;
                }
                channel->close();
            }));
            threads.back()->start();
        }
        const Result<void> written = assembler.run();
        for (const auto &t : threads)
            t->wait();
        QVERIFY2(written, qPrintable(written ? QString() : written.error().message));
        QVERIFY(zip.close());

        QString error;
        const QList<ReadEntry> read = readZip(path, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(read.size(), producers * entries);
        QCOMPARE(assembler.entries().size(), producers * entries);
        for (const BundleAssembler::Entry &e : assembler.entries()) {
            const int p = e.name.section(u'/', 1, 1).section(u'-', 1).toInt();
            const int n = e.name.section(u'-', -1).section(u'.', 0, 0).toInt();
            const QByteArray expected = logText(p, n, 20000 + 5000 * n);
            const auto it = std::find_if(
                read.cbegin(), read.cend(), [&](const ReadEntry &r) { return r.name == u"top/"_s + e.name; });
            QVERIFY2(it != read.cend(), qPrintable(e.name));
            QCOMPARE(it->data.size(), expected.size());
            QVERIFY(it->data == expected);
            QCOMPARE(e.size, expected.size());
            QCOMPARE(e.sha256, QCryptographicHash::hash(expected, QCryptographicHash::Sha256).toHex());
            QCOMPARE(e.source, u"node-%1"_s.arg(p));
        }
        // Each queue held at most its limit plus the one piece that went past it.
        QVERIFY2(assembler.peakQueued() <= limit + 8192, qPrintable(QString::number(assembler.peakQueued())));
        QVERIFY(assembler.peakQueued() > 0);
    }

    void redactsOnTheProducerAndMasksOnTheWriter()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"bundle.zip"_s);
        ZipWriter zip(path);
        QVERIFY(zip.open());
        BundleAssembler assembler(zip, u"top"_s);
        HostMasker masker;
        masker.addHost(u"node-7"_s);
        assembler.setHostMasker(&masker);
        BundleAssembler::Channel *channel = assembler.channel(u"node-7"_s);
        Redactor redactor;
        QVERIFY(redactor.addSecret(u"database.password"_s, "Sup3r-S3cret-Value"));
        channel->setRedactor(redactor);
        QThread *producer = QThread::create([channel] {
            (void)channel->add(u"nodes/node-7/app.log"_s,
                "node-7 login failed with Sup3r-S3cret-Value from 10.1.2.3\nsmtp.password=hunter22\n");
            channel->fail(u"logs/other.log"_s, u"tail said Sup3r-S3cret-Value is wrong"_s);
            (void)channel->begin(u"nodes/node-7/cut.log"_s);
            (void)channel->write("whole line\npartial line with a piece of a sec");
            channel->close(); // ends the open entry as incomplete, without its cut line
        });
        producer->start();
        QVERIFY(assembler.run());
        producer->wait();
        delete producer;
        QVERIFY(zip.close());

        QString error;
        const QList<ReadEntry> read = readZip(path, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(read.size(), 2);
        QCOMPARE(read[0].name, u"top/nodes/host-1/app.log"_s);
        QCOMPARE(read[0].data,
            QByteArray("host-1 login failed with [REDACTED:database.password] from ip-1\n"
                       "smtp.password=[REDACTED:pattern:smtp.password]\n"));
        QCOMPARE(read[1].data, QByteArray("whole line\n"));
        QVERIFY(assembler.entries()[1].note.startsWith(u"incomplete"_s));
        const QList<BundleAssembler::Failure> failures = assembler.failures();
        QCOMPARE(failures.size(), 1);
        QCOMPARE(failures[0].reason, u"tail said [REDACTED:database.password] is wrong"_s);
        QCOMPARE(assembler.redaction().count(u"database.password"_s), 1);
        QCOMPARE(assembler.redaction().count(u"pattern:smtp.password"_s), 1);
    }

    void cancelReleasesBlockedProducersAndLeavesNoFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"bundle.zip"_s);
        std::atomic_bool producerFailed {false};
        {
            ZipWriter zip(path);
            QVERIFY(zip.open());
            BundleAssembler assembler(zip, u"top"_s, 4096);
            BundleAssembler::Channel *channel = assembler.channel(u"node-1"_s);
            // Nothing takes from the queue: the producer fills it and waits in write().
            QThread *producer = QThread::create([channel, &producerFailed] {
                if (!channel->begin(u"big.log"_s))
                    return;
                for (int i = 0; i < 100000; ++i) {
                    if (!channel->write("a line of a log that nobody reads\n")) {
                        producerFailed = true;
                        return;
                    }
                }
            });
            producer->start();
            QTRY_VERIFY(assembler.peakQueued() >= 4096);
            QVERIFY(!producer->isFinished());
            assembler.cancel();
            QVERIFY(producer->wait(10000));
            delete producer;
            QVERIFY(producerFailed);
            QVERIFY(!assembler.run()); // cancelled: writes nothing more
        }
        QVERIFY(!QFile::exists(path));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestBundleAssembler)
#include "tst_bundleassembler.moc"
