// The Kubernetes client against the sandbox's emulated API server (HTTPS with its own
// CA, bearer tokens, real Status bodies): deployment, pods and HPA read in one
// refresh, every failure named, the token never shown or logged, and refresh()
// never blocking nor overlapping.
#include "KubeTestSupport.h"
#include "connectors/kubernetes/KubeClient.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QMutex>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QMutex logMutex;
QStringList loggedMessages;
QtMessageHandler previousHandler = nullptr;

void recordMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&logMutex);
        loggedMessages.append(message);
    }
    if (previousHandler)
        previousHandler(type, context, message);
}

std::optional<KubeStatus> runRefresh(KubeClient &client, int waitMs = 20000)
{
    QSignalSpy spy(&client, &KubeClient::finished);
    if (!client.refresh())
        return std::nullopt;
    if (!spy.wait(waitMs) || spy.count() != 1)
        return std::nullopt;
    return spy.at(0).at(0).value<KubeStatus>();
}

const KubePod *podOnNode(const KubeStatus &status, const QString &node)
{
    for (const KubePod &pod : status.pods) {
        if (pod.nodeName == node)
            return &pod;
    }
    return nullptr;
}

} // namespace

class TestKubeClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void healthyDeployment();
    void noOverlap();
    void missingHpaDoesNotFailTheStatus();
    void wrongToken();
    void noToken();
    void otherCa();
    void systemCas();
    void caFileProblems();
    void wrongDeployment();
    void wrongNamespace();
    void unreachable();
    void timeout();
    void nodeDown(); // last: a downed node stays down
    void tokenNeverLogged();
    void cleanupTestCase();

private:
    QByteArray m_token;
};

void TestKubeClient::initTestCase()
{
    previousHandler = qInstallMessageHandler(recordMessage);
    QLoggingCategory::setFilterRules(u"clusterdesk.*.debug=true"_s);
    QString problem;
    if (const auto sandbox = loadKubeSandbox(&problem))
        m_token = sandbox->token;
}

void TestKubeClient::healthyDeployment()
{
    LOAD_SANDBOX(sandbox);
    QCOMPARE(sandbox->settings.apiServer.scheme(), u"https"_s);
    QVERIFY(!sandbox->settings.hpa.isEmpty());
    KubeClient client(sandbox->settings);
    QVERIFY(client.setCaFile(sandbox->settings.caFile));
    client.setToken(sandbox->token);

    const auto status = runRefresh(client);
    QVERIFY(status);
    QVERIFY2(status->ok(), qPrintable(status->error));
    QVERIFY(status->error.isEmpty());
    QCOMPARE(status->deployment.desired, 3);
    QCOMPARE(status->deployment.ready, 3);
    QCOMPARE(status->deployment.available, 3);
    QCOMPARE(status->deployment.updated, 3);
    QCOMPARE(status->deployment.total, 3);
    QCOMPARE(status->deployment.imageTag, u"3.10.4"_s);
    QCOMPARE(status->deployment.image, u"jatos/jatos:3.10.4"_s);
    QCOMPARE(status->deployment.selector.value(u"app"_s), sandbox->settings.deployment);
    QCOMPARE(status->deployment.observedGeneration, status->deployment.generation);

    QCOMPARE(status->pods.size(), 3);
    for (int k = 1; k <= 3; ++k) {
        const KubePod *pod = podOnNode(*status, u"jatos-%1"_s.arg(k));
        QVERIFY2(pod, qPrintable(u"no pod on jatos-%1"_s.arg(k)));
        // Node K of the fixture is 127.51.1.K: its address is in the profile.
        QCOMPARE(pod->podIP, sandbox->loaded.profile.nodes.at(k - 1).url.host());
        QCOMPARE(pod->hostIP, pod->podIP);
        QVERIFY(pod->ready);
        QCOMPARE(pod->phase, u"Running"_s);
        QCOMPARE(pod->containerState, u"running"_s);
        QVERIFY(pod->startedAt.isValid());
        QCOMPARE(pod->image, u"jatos/jatos:3.10.4"_s);
    }

    QVERIFY2(status->hpaError.isEmpty(), qPrintable(status->hpaError));
    QVERIFY(status->hpa.present);
    QCOMPARE(status->hpa.min, 1);
    QCOMPARE(status->hpa.max, 3);
    QCOMPARE(status->hpa.current, 3);
    QCOMPARE(status->hpa.desired, 3);

    QVERIFY(status->checkedAt.isValid());
    QCOMPARE(status->checkedAt.timeSpec(), Qt::UTC);
    QVERIFY(status->elapsedMs >= 0);
    QVERIFY(!client.isRefreshing());
}

void TestKubeClient::noOverlap()
{
    LOAD_SANDBOX(sandbox);
    KubeClient client(sandbox->settings);
    QVERIFY(client.setCaFile(sandbox->settings.caFile));
    client.setToken(sandbox->token);
    QSignalSpy spy(&client, &KubeClient::finished);

    QElapsedTimer clock;
    clock.start();
    QVERIFY(client.refresh());
    QVERIFY2(clock.elapsed() < 500, "refresh() must not wait for the network");
    QCOMPARE(spy.count(), 0); // answers come from the event loop, never from refresh() itself
    QVERIFY(client.isRefreshing());
    QVERIFY(!client.refresh()); // one at a time
    QVERIFY(spy.wait(20000));
    QCOMPARE(spy.count(), 1);
    QVERIFY(spy.at(0).at(0).value<KubeStatus>().ok());
    QVERIFY(!client.isRefreshing());
    // Exactly one report, even when the loop runs on.
    QVERIFY(!spy.wait(300));
    QCOMPARE(spy.count(), 1);

    // And the next one may start.
    QVERIFY(client.refresh());
    QVERIFY(spy.wait(20000));
    QCOMPARE(spy.count(), 2);
}

void TestKubeClient::missingHpaDoesNotFailTheStatus()
{
    LOAD_SANDBOX(sandbox);
    KubernetesSettings settings = sandbox->settings;
    settings.hpa = u"no-such-hpa"_s;
    KubeClient client(settings);
    QVERIFY(client.setCaFile(settings.caFile));
    client.setToken(sandbox->token);
    const auto status = runRefresh(client);
    QVERIFY(status);
    QVERIFY2(status->ok(), qPrintable(status->error));
    QCOMPARE(status->deployment.ready, 3);
    QVERIFY(!status->hpa.present);
    QVERIFY2(status->hpaError.contains(u"no-such-hpa"_s), qPrintable(status->hpaError));
    QVERIFY2(status->hpaError.contains(u"404"_s), qPrintable(status->hpaError));

    // No HPA in the profile: none asked for, none reported.
    settings.hpa.clear();
    KubeClient without(settings);
    QVERIFY(without.setCaFile(settings.caFile));
    without.setToken(sandbox->token);
    const auto plain = runRefresh(without);
    QVERIFY(plain && plain->ok());
    QVERIFY(!plain->hpa.present);
    QVERIFY(plain->hpaError.isEmpty());
}

void TestKubeClient::wrongToken()
{
    LOAD_SANDBOX(sandbox);
    KubeClient client(sandbox->settings);
    QVERIFY(client.setCaFile(sandbox->settings.caFile));
    const QByteArray wrong = "not-the-token-" + sandbox->token.left(8) + "-xyz";
    client.setToken(wrong);
    const auto status = runRefresh(client);
    QVERIFY(status);
    QCOMPARE(status->failure, KubeStatus::Failure::Unauthorized);
    QVERIFY2(status->error.contains(sandbox->settings.apiServer.toString()), qPrintable(status->error));
    QVERIFY2(status->error.contains(u"401 Unauthorized): Unauthorized"_s), qPrintable(status->error));
    QVERIFY2(status->error.contains(u"'%1'"_s.arg(sandbox->settings.token.name)), qPrintable(status->error));
    QVERIFY(!status->error.contains(QString::fromLatin1(wrong)));
    QVERIFY(!status->error.contains(QString::fromLatin1(sandbox->token)));
    QVERIFY(status->pods.isEmpty());
    QVERIFY(!status->hpa.present);
}

void TestKubeClient::noToken()
{
    LOAD_SANDBOX(sandbox);
    KubeClient client(sandbox->settings);
    QVERIFY(client.setCaFile(sandbox->settings.caFile));
    const auto status = runRefresh(client);
    QVERIFY(status);
    QCOMPARE(status->failure, KubeStatus::Failure::Unauthorized);
    QVERIFY2(status->error.contains(u"401"_s), qPrintable(status->error));
}

void TestKubeClient::otherCa()
{
    LOAD_SANDBOX(sandbox);
    // A CA of our own, which never signed the API server's certificate.
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

    KubeClient client(sandbox->settings);
    const auto set = client.setCaFile(caPath);
    QVERIFY2(set, qPrintable(set ? QString() : set.error().message));
    client.setToken(sandbox->token);
    const auto status = runRefresh(client);
    QVERIFY(status);
    QCOMPARE(status->failure, KubeStatus::Failure::Tls);
    QVERIFY2(status->error.contains(sandbox->settings.apiServer.toString()), qPrintable(status->error));
    QVERIFY2(status->error.contains(caPath), qPrintable(status->error));
    QVERIFY2(status->error.contains(u"certificate"_s, Qt::CaseInsensitive), qPrintable(status->error));
    QVERIFY(!status->error.contains(QString::fromLatin1(sandbox->token)));
}

void TestKubeClient::systemCas()
{
    LOAD_SANDBOX(sandbox);
    // Without the CA file only the system's CAs are asked, and none of them signed it.
    KubeClient client(sandbox->settings);
    client.setToken(sandbox->token);
    const auto status = runRefresh(client);
    QVERIFY(status);
    QCOMPARE(status->failure, KubeStatus::Failure::Tls);
    QVERIFY2(status->error.contains(u"system"_s), qPrintable(status->error));

    // Setting the CA and going back to none changes the answer accordingly.
    QVERIFY(client.setCaFile(sandbox->settings.caFile));
    const auto trusted = runRefresh(client);
    QVERIFY(trusted && trusted->ok());
    QVERIFY(client.setCaFile(QString()));
    const auto again = runRefresh(client);
    QVERIFY(again);
    QCOMPARE(again->failure, KubeStatus::Failure::Tls);
}

void TestKubeClient::caFileProblems()
{
    LOAD_SANDBOX(sandbox);
    KubeClient client(sandbox->settings);
    QTemporaryDir dir;
    const auto missing = client.setCaFile(dir.filePath(u"absent.crt"_s));
    QVERIFY(!missing);
    QVERIFY2(missing.error().message.contains(u"absent.crt"_s), qPrintable(missing.error().message));

    QFile junk(dir.filePath(u"junk.crt"_s));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("this is no certificate\n");
    junk.close();
    const auto notPem = client.setCaFile(junk.fileName());
    QVERIFY(!notPem);
    QVERIFY2(notPem.error().message.contains(u"junk.crt"_s), qPrintable(notPem.error().message));
}

void TestKubeClient::wrongDeployment()
{
    LOAD_SANDBOX(sandbox);
    KubernetesSettings settings = sandbox->settings;
    settings.deployment = u"no-such-app"_s;
    KubeClient client(settings);
    QVERIFY(client.setCaFile(settings.caFile));
    client.setToken(sandbox->token);
    const auto status = runRefresh(client);
    QVERIFY(status);
    QCOMPARE(status->failure, KubeStatus::Failure::NotFound);
    QVERIFY2(status->error.contains(u"'no-such-app'"_s), qPrintable(status->error));
    QVERIFY2(status->error.contains(u"'%1'"_s.arg(settings.ns)), qPrintable(status->error));
    QVERIFY2(status->error.contains(u"404"_s), qPrintable(status->error));
    // The API's own words are kept.
    QVERIFY2(
        status->error.contains(u"deployments.apps \"no-such-app\" not found"_s), qPrintable(status->error));
}

void TestKubeClient::wrongNamespace()
{
    LOAD_SANDBOX(sandbox);
    KubernetesSettings settings = sandbox->settings;
    settings.ns = u"elsewhere"_s;
    KubeClient client(settings);
    QVERIFY(client.setCaFile(settings.caFile));
    client.setToken(sandbox->token);
    const auto status = runRefresh(client);
    QVERIFY(status);
    QCOMPARE(status->failure, KubeStatus::Failure::NotFound);
    QVERIFY2(status->error.contains(u"namespace 'elsewhere'"_s), qPrintable(status->error));
}

void TestKubeClient::unreachable()
{
    LOAD_SANDBOX(sandbox);
    // A port that was free a moment ago: nobody listens there.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();

    KubernetesSettings settings = sandbox->settings;
    settings.apiServer.setPort(port);
    KubeClient client(settings);
    QVERIFY(client.setCaFile(settings.caFile));
    client.setToken(sandbox->token);
    const auto status = runRefresh(client);
    QVERIFY(status);
    QCOMPARE(status->failure, KubeStatus::Failure::Unreachable);
    QVERIFY2(status->error.contains(u"127.0.0.1:%1"_s.arg(port)), qPrintable(status->error));
    QVERIFY2(status->error.contains(u"refused"_s), qPrintable(status->error));
    QVERIFY(!status->hpa.present);
}

void TestKubeClient::timeout()
{
    LOAD_SANDBOX(sandbox);
    // Accepts the connection and says nothing, like a hung API server.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    QList<QTcpSocket *> held;
    connect(&silent, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *socket = silent.nextPendingConnection())
            held.append(socket);
    });
    KubernetesSettings settings = sandbox->settings;
    settings.apiServer.setPort(silent.serverPort());
    KubeClient client(settings);
    QVERIFY(client.setCaFile(settings.caFile));
    client.setToken(sandbox->token);
    client.setTimeout(std::chrono::milliseconds(800));
    QElapsedTimer clock;
    clock.start();
    const auto status = runRefresh(client);
    QVERIFY(status);
    QCOMPARE(status->failure, KubeStatus::Failure::Timeout);
    QVERIFY2(status->error.contains(u"within 0.8 s"_s), qPrintable(status->error));
    QVERIFY(clock.elapsed() >= 700);
    QVERIFY(clock.elapsed() < 10000);
    qDeleteAll(held);
}

void TestKubeClient::nodeDown()
{
    LOAD_SANDBOX(sandbox);
    QVERIFY(kubeSandboxFault(u"jatos-2"_s, {u"down"_s}));
    KubeClient client(sandbox->settings);
    QVERIFY(client.setCaFile(sandbox->settings.caFile));
    client.setToken(sandbox->token);
    const auto status = runRefresh(client);
    QVERIFY(status);
    QVERIFY2(status->ok(), qPrintable(status->error));
    QCOMPARE(status->deployment.desired, 3);
    QCOMPARE(status->deployment.ready, 2);
    QCOMPARE(status->deployment.available, 2);
    QCOMPARE(status->pods.size(), 3);
    const KubePod *down = podOnNode(*status, u"jatos-2"_s);
    QVERIFY(down);
    QVERIFY(!down->ready);
    QCOMPARE(down->containerState, u"terminated"_s);
    QVERIFY2(down->stateReason.contains(u"137"_s), qPrintable(down->stateReason));
    QVERIFY(podOnNode(*status, u"jatos-1"_s)->ready);
    QVERIFY(podOnNode(*status, u"jatos-3"_s)->ready);
}

void TestKubeClient::tokenNeverLogged()
{
    QVERIFY(!m_token.isEmpty());
    QMutexLocker lock(&logMutex);
    QVERIFY(!loggedMessages.isEmpty()); // the category did log
    for (const QString &message : std::as_const(loggedMessages))
        QVERIFY2(!message.contains(QString::fromLatin1(m_token)), "the token was logged");
}

void TestKubeClient::cleanupTestCase()
{
    qInstallMessageHandler(previousHandler);
}

QTEST_GUILESS_MAIN(TestKubeClient)
#include "tst_kubeclient.moc"
