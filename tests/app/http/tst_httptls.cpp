// TLS against a real local HTTPS server (Python's http.server with a self-signed
// certificate made by openssl, on 127.0.0.1), and the profile's certificate pin.
#include "connectors/http/HttpProber.h"

#include <QCryptographicHash>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

using Health = NodeHttpStatus::Health;

namespace {

// tests/app/http/https_server.py: HTTPS and plain HTTP on 127.0.0.1, ports printed when listening.
const char *const ServerScript = CLUSTERDESK_SOURCE_DIR "/tests/app/http/https_server.py";

ProductPreset pingPreset(const QString &path)
{
    ProductPreset preset;
    preset.id = QStringLiteral("generic");
    preset.health.path = path;
    preset.health.expectStatus = 200;
    preset.health.expectBody = QStringLiteral("pong");
    return preset;
}

QByteArray profileWithPin(const QByteArray &pinJson)
{
    return R"({"format": 1, "name": "TLS", "product": "generic", "deployment": {"kind": "hosts"},
        "nodes": [{"name": "n1", "url": "https://127.0.0.1:8443/", "tlsCertificateSha256": )"
        + pinJson + "}]}";
}

} // namespace

class TestHttpTls : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void probe_data();
    void probe();
    void plainHttpStillWorks();
    void pinInProfile_data();
    void pinInProfile();

private:
    NodeHttpStatus probeOnce(const NodeSpec &node, const ProductPreset &preset);

    QTemporaryDir m_dir;
    QProcess m_server;
    int m_httpsPort = 0;
    int m_plainPort = 0;
    QString m_fingerprint;
};

void TestHttpTls::initTestCase()
{
    QVERIFY(QSslSocket::supportsSsl());
    QVERIFY(m_dir.isValid());
    const QString cert = m_dir.filePath(QStringLiteral("cert.pem"));
    const QString key = m_dir.filePath(QStringLiteral("key.pem"));
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("openssl"),
        {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
            QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"),
            QStringLiteral("-nodes"), QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert,
            QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
            QStringLiteral("/CN=clusterdesk-test.invalid")});
    QVERIFY(openssl.waitForFinished(30000));
    QVERIFY2(openssl.exitCode() == 0, openssl.readAll().constData());

    const QList<QSslCertificate> certificates = QSslCertificate::fromPath(cert);
    QCOMPARE(certificates.size(), 1);
    m_fingerprint = QString::fromLatin1(certificates.constFirst().digest(QCryptographicHash::Sha256).toHex());

    m_server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_server.start(QStringLiteral("/usr/bin/python3"), {QString::fromUtf8(ServerScript), cert, key});
    QVERIFY(m_server.waitForStarted(10000));
    // Ready when it prints its ports (it listens before it prints).
    while (!m_server.canReadLine())
        QVERIFY2(m_server.waitForReadyRead(10000), "the HTTPS server did not start");
    const QList<QByteArray> ports = m_server.readLine().trimmed().split(' ');
    QCOMPARE(ports.size(), 2);
    m_httpsPort = ports.at(0).toInt();
    m_plainPort = ports.at(1).toInt();
    QVERIFY(m_httpsPort > 0 && m_plainPort > 0);
}

void TestHttpTls::cleanupTestCase()
{
    if (m_server.state() != QProcess::NotRunning) {
        m_server.kill();
        m_server.waitForFinished(5000);
    }
}

NodeHttpStatus TestHttpTls::probeOnce(const NodeSpec &node, const ProductPreset &preset)
{
    HttpProber prober;
    prober.setTimeout(std::chrono::seconds(5));
    QSignalSpy results(&prober, &HttpProber::nodeProbed);
    QSignalSpy finished(&prober, &HttpProber::finished);
    prober.probe(node, preset);
    if (!finished.wait(15000) || results.size() != 1)
        return {};
    return results.constFirst().constFirst().value<NodeHttpStatus>();
}

void TestHttpTls::probe_data()
{
    QTest::addColumn<QString>("pin"); // "*" is the server's own fingerprint
    QTest::addColumn<QString>("path");
    QTest::addColumn<Health>("health");
    QTest::addColumn<QStringList>("errorTexts"); // "*" is the presented fingerprint

    const QString wrong = QString(64, QLatin1Char('0'));
    QTest::newRow("no pin: refused, fingerprint shown")
        << QString() << QStringLiteral("ping") << Health::Unknown
        << QStringList {
               QStringLiteral("certificate is not trusted"), QStringLiteral("SHA-256"), QStringLiteral("*")};
    QTest::newRow("matching pin: up")
        << QStringLiteral("*") << QStringLiteral("ping") << Health::Up << QStringList();
    QTest::newRow("matching pin in capitals: up")
        << QStringLiteral("*upper") << QStringLiteral("ping") << Health::Up << QStringList();
    QTest::newRow("wrong pin: refused")
        << wrong << QStringLiteral("ping") << Health::Unknown
        << QStringList {QStringLiteral("does not match the pinned"), QStringLiteral("*")};
    QTest::newRow("redirect to http: refused")
        << QStringLiteral("*") << QStringLiteral("redirect") << Health::Unknown
        << QStringList {QStringLiteral("refused a redirect from https to http"),
               QStringLiteral("http://127.0.0.1:%1/ping").arg(m_plainPort)};
}

void TestHttpTls::probe()
{
    QFETCH(QString, pin);
    QFETCH(QString, path);
    QFETCH(Health, health);
    QFETCH(QStringList, errorTexts);

    NodeSpec node;
    node.name = QStringLiteral("tls-node");
    node.url = QUrl(QStringLiteral("https://127.0.0.1:%1/").arg(m_httpsPort));
    if (pin == u"*")
        node.tlsCertificateSha256 = m_fingerprint;
    else if (pin == u"*upper")
        node.tlsCertificateSha256 = m_fingerprint.toUpper();
    else
        node.tlsCertificateSha256 = pin;

    const NodeHttpStatus status = probeOnce(node, pingPreset(path));
    QCOMPARE(status.nodeName, node.name);
    QCOMPARE(status.health, health);
    QCOMPARE(status.presentedCertificateSha256, m_fingerprint);
    if (errorTexts.isEmpty()) {
        QVERIFY2(status.error.isEmpty(), qPrintable(status.error));
        QVERIFY(status.latencyMs > 0);
    }
    for (const QString &text : std::as_const(errorTexts)) {
        const QString expected = text == u"*" ? m_fingerprint : text;
        QVERIFY2(status.error.contains(expected), qPrintable(status.error));
    }
    if (!errorTexts.isEmpty())
        QVERIFY2(status.error.contains(QStringLiteral("tls-node (https://127.0.0.1:%1/").arg(m_httpsPort)),
            qPrintable(status.error));
}

void TestHttpTls::plainHttpStillWorks()
{
    NodeSpec node;
    node.name = QStringLiteral("plain-node");
    node.url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_plainPort)); // no trailing slash
    const NodeHttpStatus status = probeOnce(node, pingPreset(QStringLiteral("ping")));
    QCOMPARE(status.health, Health::Up);
    QCOMPARE(status.healthUrl.path(), QStringLiteral("/ping"));
    QVERIFY(status.presentedCertificateSha256.isEmpty());
}

void TestHttpTls::pinInProfile_data()
{
    QTest::addColumn<QByteArray>("pinJson");
    QTest::addColumn<QString>("stored"); // empty: refused

    const QByteArray hex(64, 'a');
    QTest::newRow("lower case") << QByteArray('"' + hex + '"') << QString::fromLatin1(hex);
    QTest::newRow("upper case, stored lower")
        << QByteArray('"' + QByteArray(32, 'A') + QByteArray(32, '7') + '"')
        << QString::fromLatin1(QByteArray(32, 'a') + QByteArray(32, '7'));
    QTest::newRow("too short") << QByteArray('"' + QByteArray(63, 'a') + '"') << QString();
    QTest::newRow("not hex") << QByteArray('"' + QByteArray(63, 'a') + "g\"") << QString();
    QTest::newRow("with colons") << QByteArray("\"AA:BB:CC\"") << QString();
    QTest::newRow("a number") << QByteArray("12") << QString();
}

void TestHttpTls::pinInProfile()
{
    QFETCH(QByteArray, pinJson);
    QFETCH(QString, stored);

    const auto profile = ClusterProfile::fromJson(profileWithPin(pinJson));
    if (stored.isEmpty()) {
        QVERIFY(!profile);
        QCOMPARE(profile.error().size(), 1);
        QCOMPARE(profile.error().constFirst().path, QStringLiteral("nodes[0].tlsCertificateSha256"));
        return;
    }
    QVERIFY2(profile, profile ? "" : qPrintable(profile.error().constFirst().toString()));
    QCOMPARE(profile->nodes.constFirst().tlsCertificateSha256, stored);
    const auto again = ClusterProfile::fromJson(profile->toJson());
    QVERIFY(again);
    QCOMPARE(*again, *profile);
    QVERIFY(profile->toJson().contains(stored.toLatin1()));
}

QTEST_GUILESS_MAIN(TestHttpTls)
#include "tst_httptls.moc"
