// KubeConfigObjects against the sandbox's emulated API server (HTTPS with its own CA,
// bearer tokens, real Status bodies, resourceVersion checks): the product's Secrets and
// ConfigMap read and decoded, a missing one "not found", merge patches that refuse a
// stale resourceVersion, every failure named without a value in it, and the proof
// that matters: after the Deployment is scaled to 0 and back, the nodes run with the
// patched secret. This test writes to the cluster: it has a fixture of its own.
#include "../SandboxTestSupport.h"
#include "KubeTestSupport.h"
#include "connectors/kubernetes/KubeClient.h"
#include "connectors/kubernetes/KubeConfigObjects.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSet>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using Kind = KubeConfigObjects::Kind;

namespace {

// Waits for the answer with this id to one of the two signals.
std::optional<KubeObjectReply> await(quint64 id, QSignalSpy &spy, int waitMs = 20000)
{
    QDeadlineTimer deadline(waitMs);
    while (true) {
        for (const QList<QVariant> &arguments : std::as_const(spy)) {
            const auto reply = arguments.at(0).value<KubeObjectReply>();
            if (reply.id == id)
                return reply;
        }
        if (deadline.hasExpired() || !spy.wait(int(std::max<qint64>(1, deadline.remainingTime()))))
            break;
    }
    return std::nullopt;
}

std::optional<KubeObjectReply> readObject(KubeConfigObjects &objects, Kind kind, const QString &name)
{
    QSignalSpy spy(&objects, &KubeConfigObjects::readFinished);
    const quint64 id = objects.read(kind, name);
    return await(id, spy);
}

std::optional<KubeObjectReply> patchObject(KubeConfigObjects &objects, Kind kind, const QString &name,
    const QMap<QString, QByteArray> &data, const QString &version)
{
    QSignalSpy spy(&objects, &KubeConfigObjects::patchFinished);
    const quint64 id = objects.patch(kind, name, data, version);
    return await(id, spy);
}

QString errorOf(const std::optional<KubeObjectReply> &reply)
{
    if (!reply)
        return u"no answer"_s;
    return reply->result ? QString() : reply->result.error().message;
}

QByteArray randomSecret()
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    QByteArray secret;
    for (int i = 0; i < 48; ++i)
        secret.append(alphabet[QRandomGenerator::global()->bounded(int(sizeof(alphabet) - 1))]);
    return secret;
}

} // namespace

class TestKubeConfigObjects : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void productObjects();
    void objectPath();
    void readSecrets();
    void readConfigMap();
    void readMissing();
    void readDoesNotBlock();
    void patchWithCurrentVersion();
    void patchWithStaleVersion();
    void patchConfigMap();
    void wrongToken();
    void otherCa();
    void unreachable();
    void nodesTakeThePatchedSecret(); // scales the Deployment: last of the cluster tests
    void noValueLogged();
    void cleanupTestCase();

private:
    void makeClient(KubeConfigObjects &objects, const KubeSandbox &sandbox);

    QByteArray m_token;
    QByteArray m_appSecret;
    QByteArray m_newSecret; // what patchWithCurrentVersion() stored
};

void TestKubeConfigObjects::initTestCase()
{
    qRegisterMetaType<KubeObjectReply>();
    SandboxTest::recordLog();
    QLoggingCategory::setFilterRules(u"clusterdesk.*.debug=true"_s);
    QString problem;
    if (const auto sandbox = loadKubeSandbox(&problem)) {
        m_token = sandbox->token;
        m_appSecret
            = SandboxTest::secret(sandbox->dir, sandbox->loaded.profile.secrets.value(u"appSecret"_s).name);
    }
}

void TestKubeConfigObjects::makeClient(KubeConfigObjects &objects, const KubeSandbox &sandbox)
{
    const auto set = objects.setCaFile(sandbox.settings.caFile);
    QVERIFY2(set, qPrintable(set ? QString() : set.error().message));
    objects.setToken(sandbox.token);
}

void TestKubeConfigObjects::productObjects()
{
    const auto jatos = KubeConfigObjects::productObjects(u"jatos"_s);
    QCOMPARE(jatos.size(), 5);
    const auto find = [](const QList<KubeConfigObjects::Entry> &entries, const QString &meaning) {
        for (const auto &entry : entries) {
            if (entry.meaning == meaning)
                return entry;
        }
        return KubeConfigObjects::Entry {Kind::Secret, {}, {}, {}};
    };
    auto entry = find(jatos, u"appSecret"_s);
    QCOMPARE(entry.kind, Kind::Secret);
    QCOMPARE(entry.object, u"jatos-secret"_s);
    QCOMPARE(entry.key, u"JATOS_SECRET"_s);
    entry = find(jatos, u"database.password"_s);
    QCOMPARE(entry.object, u"mysql-pass"_s);
    QCOMPARE(entry.key, u"password"_s);
    entry = find(jatos, u"jatos.db.url"_s);
    QCOMPARE(entry.kind, Kind::ConfigMap);
    QCOMPARE(entry.object, u"jatos-config"_s);
    QCOMPARE(entry.key, u"JATOS_DB_URL"_s);
    QCOMPARE(find(jatos, u"jatos.db.username"_s).key, u"JATOS_DB_USERNAME"_s);
    QCOMPARE(find(jatos, u"jatos.multiNode"_s).key, u"JATOS_MULTINODE"_s);

    const auto openspecimen = KubeConfigObjects::productObjects(u"openspecimen"_s);
    QCOMPARE(openspecimen.size(), 2);
    QCOMPARE(find(openspecimen, u"clusterSecret"_s).object, u"openspecimen-secret"_s);
    QCOMPARE(find(openspecimen, u"database.password"_s).key, u"dbPassword"_s);
    const auto joget = KubeConfigObjects::productObjects(u"joget"_s);
    QCOMPARE(joget.size(), 1);
    QCOMPARE(joget.first().object, u"joget-secret"_s);
    QCOMPARE(joget.first().key, u"workflowPassword"_s);
    QVERIFY(KubeConfigObjects::productObjects(u"other"_s).isEmpty());
}

void TestKubeConfigObjects::objectPath()
{
    QCOMPARE(KubeConfigObjects::objectPath(Kind::Secret, u"jatos"_s, u"jatos-secret"_s),
        u"/api/v1/namespaces/jatos/secrets/jatos-secret"_s);
    QCOMPARE(KubeConfigObjects::objectPath(Kind::ConfigMap, u"jatos"_s, u"jatos-config"_s),
        u"/api/v1/namespaces/jatos/configmaps/jatos-config"_s);
    QCOMPARE(KubeConfigObjects::objectPath(Kind::Secret, u"a b"_s, u"x/y"_s),
        u"/api/v1/namespaces/a%20b/secrets/x%2Fy"_s);
}

void TestKubeConfigObjects::readSecrets()
{
    LOAD_SANDBOX(sandbox);
    QVERIFY2(!m_appSecret.isEmpty(), "secrets.env has no app secret");
    KubeConfigObjects objects(sandbox->settings);
    makeClient(objects, *sandbox);

    const auto secret = readObject(objects, Kind::Secret, u"jatos-secret"_s);
    QVERIFY(secret);
    QVERIFY2(secret->result, qPrintable(errorOf(secret)));
    QVERIFY(secret->result->found);
    QCOMPARE(secret->result->kind, Kind::Secret);
    QCOMPARE(secret->result->name, u"jatos-secret"_s);
    QCOMPARE(secret->result->ns, sandbox->settings.ns);
    QVERIFY(!secret->result->resourceVersion.isEmpty());
    QCOMPARE(secret->result->data.keys(), QStringList {u"JATOS_SECRET"_s});
    QCOMPARE(secret->result->data.value(u"JATOS_SECRET"_s), m_appSecret); // decoded from base64

    const auto password = readObject(objects, Kind::Secret, u"mysql-pass"_s);
    QVERIFY2(password && password->result, qPrintable(errorOf(password)));
    QVERIFY(sandbox->loaded.profile.database);
    const QByteArray dbPassword
        = SandboxTest::secret(sandbox->dir, sandbox->loaded.profile.database->password.name);
    QVERIFY(!dbPassword.isEmpty());
    QCOMPARE(password->result->data.value(u"password"_s), dbPassword);
}

void TestKubeConfigObjects::readConfigMap()
{
    LOAD_SANDBOX(sandbox);
    KubeConfigObjects objects(sandbox->settings);
    makeClient(objects, *sandbox);
    const auto config = readObject(objects, Kind::ConfigMap, u"jatos-config"_s);
    QVERIFY(config);
    QVERIFY2(config->result, qPrintable(errorOf(config)));
    QVERIFY(config->result->found);
    QCOMPARE(config->result->kind, Kind::ConfigMap);
    QVERIFY(!config->result->resourceVersion.isEmpty());
    const auto &data = config->result->data;
    QCOMPARE(data.value(u"JATOS_MULTINODE"_s), QByteArray("true"));
    QCOMPARE(QString::fromUtf8(data.value(u"JATOS_DB_USERNAME"_s)), sandbox->loaded.profile.database->user);
    const QString url = QString::fromUtf8(data.value(u"JATOS_DB_URL"_s));
    QVERIFY2(url.startsWith(u"jdbc:"_s), qPrintable(url));
    QVERIFY2(url.contains(sandbox->loaded.profile.database->schema), qPrintable(url));
}

void TestKubeConfigObjects::readMissing()
{
    LOAD_SANDBOX(sandbox);
    KubeConfigObjects objects(sandbox->settings);
    makeClient(objects, *sandbox);
    for (const Kind kind : {Kind::Secret, Kind::ConfigMap}) {
        const auto missing = readObject(objects, kind, u"no-such-object"_s);
        QVERIFY(missing);
        QVERIFY2(missing->result, qPrintable(errorOf(missing))); // not an error
        QVERIFY(!missing->result->found);
        QCOMPARE(missing->result->name, u"no-such-object"_s);
        QVERIFY(missing->result->data.isEmpty());
    }
    // A patch of a missing object is an error, though.
    const auto patched = patchObject(objects, Kind::Secret, u"no-such-object"_s, {{u"k"_s, "v"}}, {});
    QVERIFY(patched);
    QVERIFY(!patched->result);
    QVERIFY2(errorOf(patched).contains(u"Secret %1/no-such-object: 404"_s.arg(sandbox->settings.ns)),
        qPrintable(errorOf(patched)));
}

void TestKubeConfigObjects::readDoesNotBlock()
{
    LOAD_SANDBOX(sandbox);
    KubeConfigObjects objects(sandbox->settings);
    makeClient(objects, *sandbox);
    QSignalSpy spy(&objects, &KubeConfigObjects::readFinished);
    QElapsedTimer clock;
    clock.start();
    const quint64 first = objects.read(Kind::Secret, u"jatos-secret"_s);
    const quint64 second = objects.read(Kind::ConfigMap, u"jatos-config"_s);
    QVERIFY2(clock.elapsed() < 500, "read() must not wait for the network");
    QVERIFY(first != second);
    QCOMPARE(spy.count(), 0);
    QCOMPARE(objects.pendingCount(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 2, 20000);
    QSet<quint64> ids;
    for (const auto &arguments : std::as_const(spy))
        ids.insert(arguments.at(0).value<KubeObjectReply>().id);
    QCOMPARE(ids, (QSet<quint64> {first, second}));
    QCOMPARE(objects.pendingCount(), 0);
}

void TestKubeConfigObjects::patchWithCurrentVersion()
{
    LOAD_SANDBOX(sandbox);
    KubeConfigObjects objects(sandbox->settings);
    makeClient(objects, *sandbox);
    const auto before = readObject(objects, Kind::Secret, u"jatos-secret"_s);
    QVERIFY2(before && before->result, qPrintable(errorOf(before)));

    m_newSecret = randomSecret();
    QVERIFY(m_newSecret != m_appSecret);
    const auto patched = patchObject(objects, Kind::Secret, u"jatos-secret"_s,
        {{u"JATOS_SECRET"_s, m_newSecret}}, before->result->resourceVersion);
    QVERIFY(patched);
    QVERIFY2(patched->result, qPrintable(errorOf(patched)));
    QVERIFY(patched->result->found);
    QCOMPARE(patched->result->data.value(u"JATOS_SECRET"_s), m_newSecret);
    QVERIFY(patched->result->resourceVersion != before->result->resourceVersion);

    const auto after = readObject(objects, Kind::Secret, u"jatos-secret"_s);
    QVERIFY2(after && after->result, qPrintable(errorOf(after)));
    QCOMPARE(after->result->data.value(u"JATOS_SECRET"_s), m_newSecret);
    QCOMPARE(after->result->resourceVersion, patched->result->resourceVersion);

    // A merge patch leaves the other keys alone.
    const auto other = readObject(objects, Kind::Secret, u"mysql-pass"_s);
    QVERIFY2(other && other->result, qPrintable(errorOf(other)));
    QCOMPARE(other->result->data.value(u"password"_s),
        SandboxTest::secret(sandbox->dir, sandbox->loaded.profile.database->password.name));
}

void TestKubeConfigObjects::patchWithStaleVersion()
{
    LOAD_SANDBOX(sandbox);
    QVERIFY(!m_newSecret.isEmpty());
    KubeConfigObjects objects(sandbox->settings);
    makeClient(objects, *sandbox);
    const auto first = readObject(objects, Kind::Secret, u"jatos-secret"_s);
    QVERIFY2(first && first->result, qPrintable(errorOf(first)));
    const QString stale = first->result->resourceVersion;

    // Someone else changes it in between (with the version they read)...
    const QByteArray theirs = randomSecret();
    const auto their
        = patchObject(objects, Kind::Secret, u"jatos-secret"_s, {{u"JATOS_SECRET"_s, theirs}}, stale);
    QVERIFY2(their && their->result, qPrintable(errorOf(their)));

    // ... so ours, made against what we read, is refused.
    const QByteArray mine = randomSecret();
    const auto refused
        = patchObject(objects, Kind::Secret, u"jatos-secret"_s, {{u"JATOS_SECRET"_s, mine}}, stale);
    QVERIFY(refused);
    QVERIFY(!refused->result);
    const QString error = errorOf(refused);
    QVERIFY2(error.contains(u"Secret %1/jatos-secret"_s.arg(sandbox->settings.ns)), qPrintable(error));
    QVERIFY2(error.contains(u"changed since it was read"_s), qPrintable(error));
    QVERIFY2(error.contains(u"409"_s), qPrintable(error));
    QVERIFY(!error.contains(QString::fromLatin1(mine)));
    QVERIFY(!error.contains(QString::fromLatin1(mine.toBase64())));

    // Theirs stands; then ours again, now on the current version.
    const auto now = readObject(objects, Kind::Secret, u"jatos-secret"_s);
    QVERIFY2(now && now->result, qPrintable(errorOf(now)));
    QCOMPARE(now->result->data.value(u"JATOS_SECRET"_s), theirs);
    const auto again = patchObject(objects, Kind::Secret, u"jatos-secret"_s,
        {{u"JATOS_SECRET"_s, m_newSecret}}, now->result->resourceVersion);
    QVERIFY2(again && again->result, qPrintable(errorOf(again)));
    QCOMPARE(again->result->data.value(u"JATOS_SECRET"_s), m_newSecret);
}

void TestKubeConfigObjects::patchConfigMap()
{
    LOAD_SANDBOX(sandbox);
    KubeConfigObjects objects(sandbox->settings);
    makeClient(objects, *sandbox);
    // A key of its own, which the nodes do not read; no version: last writer wins.
    const auto patched = patchObject(
        objects, Kind::ConfigMap, u"jatos-config"_s, {{u"CLUSTERDESK_TEST"_s, "plain text, not base64"}}, {});
    QVERIFY(patched);
    QVERIFY2(patched->result, qPrintable(errorOf(patched)));
    QCOMPARE(patched->result->data.value(u"CLUSTERDESK_TEST"_s), QByteArray("plain text, not base64"));
    QCOMPARE(patched->result->data.value(u"JATOS_MULTINODE"_s), QByteArray("true"));
}

void TestKubeConfigObjects::wrongToken()
{
    LOAD_SANDBOX(sandbox);
    KubeConfigObjects objects(sandbox->settings);
    QVERIFY(objects.setCaFile(sandbox->settings.caFile));
    const QByteArray wrong = "not-the-token-" + sandbox->token.left(8) + "-xyz";
    objects.setToken(wrong);
    const auto read = readObject(objects, Kind::Secret, u"jatos-secret"_s);
    QVERIFY(read);
    QVERIFY(!read->result);
    const QString error = errorOf(read);
    QVERIFY2(error.contains(u"Secret %1/jatos-secret: 401 Unauthorized"_s.arg(sandbox->settings.ns)),
        qPrintable(error));
    QVERIFY2(error.contains(u"'%1'"_s.arg(sandbox->settings.token.name)), qPrintable(error));
    QVERIFY(!error.contains(QString::fromLatin1(wrong)));
    QVERIFY(!error.contains(QString::fromLatin1(sandbox->token)));

    const auto patch = patchObject(objects, Kind::Secret, u"jatos-secret"_s, {{u"JATOS_SECRET"_s, "x"}}, {});
    QVERIFY(patch && !patch->result);
    QVERIFY2(errorOf(patch).contains(u"Unauthorized"_s), qPrintable(errorOf(patch)));
}

void TestKubeConfigObjects::otherCa()
{
    LOAD_SANDBOX(sandbox);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString caPath = dir.filePath(u"other-ca.crt"_s);
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    openssl.start(u"openssl"_s,
        {u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:prime256v1"_s,
            u"-nodes"_s, u"-keyout"_s, dir.filePath(u"other-ca.key"_s), u"-out"_s, caPath, u"-days"_s, u"2"_s,
            u"-subj"_s, u"/CN=Not the sandbox CA"_s});
    QVERIFY(openssl.waitForFinished(30000));
    QCOMPARE(openssl.exitCode(), 0);

    KubeConfigObjects objects(sandbox->settings);
    QVERIFY(objects.setCaFile(caPath));
    objects.setToken(sandbox->token);
    const auto read = readObject(objects, Kind::Secret, u"jatos-secret"_s);
    QVERIFY(read);
    QVERIFY(!read->result);
    const QString error = errorOf(read);
    QVERIFY2(error.contains(u"TLS certificate that is not trusted"_s), qPrintable(error));
    QVERIFY2(error.contains(caPath), qPrintable(error));
    QVERIFY2(error.contains(sandbox->settings.apiServer.toString()), qPrintable(error));

    // A CA file that is not one changes nothing.
    QVERIFY(!objects.setCaFile(dir.filePath(u"absent.crt"_s)));
}

void TestKubeConfigObjects::unreachable()
{
    LOAD_SANDBOX(sandbox);
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();
    KubernetesSettings settings = sandbox->settings;
    settings.apiServer.setPort(port);
    KubeConfigObjects objects(settings);
    QVERIFY(objects.setCaFile(settings.caFile));
    objects.setToken(sandbox->token);
    const auto read = readObject(objects, Kind::ConfigMap, u"jatos-config"_s);
    QVERIFY(read && !read->result);
    QVERIFY2(errorOf(read).contains(u"cannot be reached"_s), qPrintable(errorOf(read)));
    QVERIFY2(errorOf(read).contains(u"127.0.0.1:%1"_s.arg(port)), qPrintable(errorOf(read)));
}

void TestKubeConfigObjects::nodesTakeThePatchedSecret()
{
    LOAD_SANDBOX(sandbox);
    QVERIFY(!m_newSecret.isEmpty());
    const int nodes = int(sandbox->loaded.profile.nodes.size());
    QCOMPARE(nodes, 2);

    QNetworkAccessManager manager;
    manager.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    QFile caFile(sandbox->settings.caFile);
    QVERIFY(caFile.open(QIODevice::ReadOnly));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(QSslCertificate::fromData(caFile.readAll(), QSsl::Pem));
    const auto scale = [&](int replicas) {
        QUrl url = sandbox->settings.apiServer;
        url.setPath(u"/apis/apps/v1/namespaces/%1/deployments/%2/scale"_s.arg(
            sandbox->settings.ns, sandbox->settings.deployment));
        QNetworkRequest request(url);
        request.setSslConfiguration(ssl);
        request.setRawHeader("Authorization", "Bearer " + sandbox->token);
        request.setHeader(
            QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/merge-patch+json"));
        QNetworkReply *reply = manager.sendCustomRequest(request, "PATCH",
            QJsonDocument(QJsonObject {{u"spec"_s, QJsonObject {{u"replicas"_s, replicas}}}}).toJson());
        QSignalSpy finished(reply, &QNetworkReply::finished);
        const bool done = finished.wait(20000);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        return done && status == 200;
    };
    // Whether node K answers HTTP at all (a stopped node refuses the connection).
    const auto answers = [&](int k) {
        QNetworkRequest request(sandbox->loaded.profile.nodes.at(k).url);
        request.setTransferTimeout(2000);
        QNetworkReply *reply = manager.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        finished.wait(5000);
        const bool any = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() > 0;
        reply->deleteLater();
        return any;
    };

    // Down to 0: every node stops (wait for it, so that the way back up starts them).
    QVERIFY(scale(0));
    QDeadlineTimer stopped(60000);
    for (int k = 0; k < nodes; ++k) {
        while (answers(k) && !stopped.hasExpired())
            QTest::qWait(300);
        QVERIFY2(!stopped.hasExpired(), qPrintable(u"node %1 did not stop"_s.arg(k + 1)));
    }

    // Back to 2: the Deployment reports both ready.
    QVERIFY(scale(nodes));
    KubeClient client(sandbox->settings);
    QVERIFY(client.setCaFile(sandbox->settings.caFile));
    client.setToken(sandbox->token);
    QDeadlineTimer ready(120000);
    int readyReplicas = -1;
    while (!ready.hasExpired()) {
        QSignalSpy spy(&client, &KubeClient::finished);
        QVERIFY(client.refresh());
        QVERIFY(spy.wait(20000));
        const auto status = spy.at(0).at(0).value<KubeStatus>();
        QVERIFY2(status.ok(), qPrintable(status.error));
        readyReplicas = status.deployment.ready;
        if (readyReplicas == nodes)
            break;
        QTest::qWait(500);
    }
    QCOMPARE(readyReplicas, nodes);

    // Each node took the patched secret from the Secret (its SHA-256, never the value).
    const QString expected
        = QString::fromLatin1(QCryptographicHash::hash(m_newSecret, QCryptographicHash::Sha256).toHex());
    QJsonObject effective;
    QDeadlineTimer written(30000);
    bool all = false;
    while (!all && !written.hasExpired()) {
        QProcess tool;
        tool.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        tool.start(qEnvironmentVariable("CLUSTERDESK_SANDBOX"), {u"effective"_s, u"--dir"_s, sandbox->dir});
        QVERIFY(tool.waitForFinished(30000));
        QCOMPARE(tool.exitCode(), 0);
        effective = QJsonDocument::fromJson(tool.readAllStandardOutput()).object();
        all = true;
        for (int k = 0; k < nodes; ++k) {
            const QString node = sandbox->loaded.profile.nodes.at(k).name;
            if (effective.value(node).toObject().value(u"secretSha256"_s).toString() != expected)
                all = false;
        }
        if (!all)
            QTest::qWait(500);
    }
    for (int k = 0; k < nodes; ++k) {
        const QString node = sandbox->loaded.profile.nodes.at(k).name;
        QCOMPARE(effective.value(node).toObject().value(u"secretSha256"_s).toString(), expected);
    }
}

void TestKubeConfigObjects::noValueLogged()
{
    QVERIFY(!m_token.isEmpty());
    QVERIFY(!m_appSecret.isEmpty());
    QVERIFY(!m_newSecret.isEmpty());
    QVERIFY(!SandboxTest::logged().isEmpty()); // the category did log
    bool namedKeys = false;
    for (const QString &message : SandboxTest::logged()) {
        QVERIFY2(!message.contains(QString::fromLatin1(m_token)), "the token was logged");
        for (const QByteArray &value : {m_appSecret, m_newSecret}) {
            QVERIFY2(!message.contains(QString::fromLatin1(value)), "a secret was logged");
            QVERIFY2(
                !message.contains(QString::fromLatin1(value.toBase64())), "a secret was logged (base64)");
        }
        namedKeys = namedKeys || message.contains(u"JATOS_SECRET"_s);
    }
    QVERIFY(namedKeys); // names and keys are logged
}

void TestKubeConfigObjects::cleanupTestCase()
{
    qInstallMessageHandler(SandboxTest::previousHandler);
}

QTEST_GUILESS_MAIN(TestKubeConfigObjects)
#include "tst_kubeconfigobjects.moc"
