// How fast redaction runs over log-like text: prints MB/s, asserts nothing about time
// (the machine decides it). Run with the "bench" label.
#include "diagnostics/RedactingStream.h"
#include "diagnostics/Redactor.h"

#include <QElapsedTimer>
#include <QTest>

using namespace Qt::StringLiterals;

class TestRedactorBench : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void throughput()
    {
        // 64 MiB of application-log lines, one in 50 with a known value and one in
        // 100 with an unknown one in key/value form.
        QByteArray text;
        text.reserve(66 * 1024 * 1024);
        for (int i = 0; text.size() < 64 * 1024 * 1024; ++i) {
            text += "2024-05-01 12:00:" + QByteArray::number(i % 60) + ",123 INFO  [pool-3-thread-"
                + QByteArray::number(i % 17) + "] c.example.jatos.StudyController: request 10.0.0."
                + QByteArray::number(i % 250) + " GET /publix/" + QByteArray::number(i)
                + "/start?srid=" + QByteArray::number(i * 7) + " took 12 ms";
            if (i % 50 == 0)
                text += " with S3cr3t-DB/pw@1";
            if (i % 100 == 0)
                text += " password=unknown" + QByteArray::number(i);
            text += '\n';
        }
        Redactor redactor;
        redactor.addSecret(u"db.password"_s, "S3cr3t-DB/pw@1");
        redactor.addSecret(u"jatos.secret"_s, "jatosAppSecretValue");
        redactor.addSecret(u"os.cluster"_s, "osClusterSecret-42");
        redactor.addSecret(u"joget.workflow"_s, "workflowPw!x");
        redactor.addSecret(u"kube.token"_s, "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.payload.sig");

        RedactingStream stream(redactor);
        QElapsedTimer timer;
        timer.start();
        qsizetype written = 0;
        for (qsizetype at = 0; at < text.size(); at += 64 * 1024)
            written += stream
                           .write(QByteArrayView(text).sliced(
                               at, std::min<qsizetype>(64 * 1024, text.size() - at)))
                           .size();
        written += stream.finish().size();
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        const double mb = double(text.size()) / (1024.0 * 1024.0);
        qInfo("redacted %.0f MiB in %.3f s: %.0f MiB/s (%lld replacements)", mb, seconds, mb / seconds,
            static_cast<long long>(redactor.summary().total()));
        QVERIFY(written > 0);
        QCOMPARE(redactor.summary().count(u"db.password"_s), qint64((text.count("\n") + 49) / 50));
    }
};

QTEST_GUILESS_MAIN(TestRedactorBench)
#include "tst_redactorbench.moc"
