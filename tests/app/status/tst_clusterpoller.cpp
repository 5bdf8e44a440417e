// The poller against the sandbox: a healthy cluster, then every fault an admin
// meets (node down, hung, slow, wrong version, database down, SSH refused, host key
// unknown or changed, Kubernetes token refused), each showing a clear state while
// the rest of the cluster keeps updating; and the same replica counts whether the
// cluster is read as plain hosts, through Kubernetes or through Compose.
//
// Runs without a keychain (tests/scripts/without-keyring.sh): the sandbox's
// secrets (DIR/secrets.env) go into the SecretStore's session memory.
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"
#include "secrets/SecretStore.h"
#include "status/ClusterPoller.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

struct Sandbox
{
    QString dir;
    QString subnet;
    LoadedProfile loaded;
    QHash<QString, QByteArray> secrets;
};

std::optional<Sandbox> loadSandbox(const char *dirVariable, const QString &subnet)
{
    Sandbox sandbox;
    sandbox.dir = qEnvironmentVariable(dirVariable);
    sandbox.subnet = subnet;
    if (sandbox.dir.isEmpty())
        return std::nullopt;
    auto loaded = ProfileFile::load(sandbox.dir + u"/profile.json"_s, PresetRegistry::builtIn());
    if (!loaded)
        return std::nullopt;
    sandbox.loaded = *loaded;
    QFile file(sandbox.dir + u"/secrets.env"_s);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        const qsizetype eq = line.indexOf('=');
        if (line.startsWith('#') || eq < 0)
            continue;
        sandbox.secrets.insert(QString::fromUtf8(line.left(eq)), line.mid(eq + 1));
    }
    return sandbox;
}

// A store holding the sandbox's secrets in session memory (there is no keychain here).
std::unique_ptr<SecretStore> storeWith(const QHash<QString, QByteArray> &secrets)
{
    auto store = std::make_unique<SecretStore>(u"clusterdesk-test-poller"_s, nullptr);
    for (auto it = secrets.cbegin(); it != secrets.cend(); ++it) {
        SecretRequest *request = store->write(it.key(), it.value());
        QSignalSpy done(request, &SecretRequest::finished);
        if (!done.wait(10000))
            return nullptr;
    }
    return store;
}

bool sandboxTool(const Sandbox &sandbox, const QStringList &arguments)
{
    QProcess tool;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"CLUSTERDESK_SANDBOX_SUBNET"_s, sandbox.subnet);
    tool.setProcessEnvironment(env);
    tool.start(qEnvironmentVariable("CLUSTERDESK_SANDBOX"), arguments);
    if (!tool.waitForFinished(120000) || tool.exitCode() != 0) {
        qWarning().noquote() << "sandbox tool failed:" << arguments << tool.readAllStandardError();
        return false;
    }
    return true;
}

bool fault(const Sandbox &sandbox, const QString &node, const QString &kind, const QString &arg = {})
{
    QStringList arguments {u"fault"_s, u"--dir"_s, sandbox.dir, u"--node"_s, node, kind};
    if (!arg.isEmpty())
        arguments.append(arg);
    return sandboxTool(sandbox, arguments);
}

// Runs a command on a node over the system's ssh client, as an admin would.
bool onNode(const Sandbox &sandbox, const QString &node, const QString &command)
{
    const NodeSpec *spec = nullptr;
    for (const NodeSpec &candidate : sandbox.loaded.profile.nodes)
        if (candidate.name == node)
            spec = &candidate;
    if (!spec || !spec->ssh)
        return false;
    QProcess ssh;
    ssh.start(u"ssh"_s,
        {u"-i"_s, sandbox.dir + u"/ssh/id_ed25519"_s, u"-p"_s, QString::number(spec->ssh->port), u"-o"_s,
            u"StrictHostKeyChecking=no"_s, u"-o"_s, u"UserKnownHostsFile=/dev/null"_s, u"-o"_s,
            u"LogLevel=ERROR"_s, u"-o"_s, u"BatchMode=yes"_s, spec->ssh->user + u'@' + spec->ssh->host,
            command});
    return ssh.waitForFinished(120000) && ssh.exitCode() == 0;
}

// Refreshes at once and waits until every part has answered.
bool refresh(ClusterPoller &poller)
{
    QSignalSpy finished(&poller, &ClusterPoller::refreshFinished);
    poller.refreshNow();
    return finished.wait(90000);
}

const NodeStatus &nodeOf(const ClusterPoller &poller, const QString &name)
{
    static const NodeStatus none;
    const NodeStatus *node = poller.status().node(name);
    return node ? *node : none;
}

QString warnings(const ClusterAssessment &assessment)
{
    return assessment.warnings.join(u'\n');
}

ClusterPoller::Options quickOptions()
{
    ClusterPoller::Options options;
    options.interval = 1h; // refreshes come only from refreshNow()
    options.httpTimeout = 3s;
    options.sshTimeout = 30s;
    options.orchestratorTimeout = 10s;
    return options;
}

// A port on the sandbox's address where nothing listens.
int closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost);
    return server.serverPort(); // closed again when `server` goes
}

} // namespace

class TestClusterPoller : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void healthyCluster();
    void wrongVersionIsMixed();
    void slowNodeIsUpWithItsLatency();
    void hungNodeDoesNotHoldUpTheOthers();
    void nodeDownAndBack();
    void databaseDown();
    void sshRefused();
    void hostKeyUnknownAsks();
    void hostKeyUnknownRefusedWithoutAsking();
    void hostKeyChangedIsRefusedUntilRemoved();
    void noOverlappingRefreshes();

    void kubernetesReplicasMatchHosts();
    void kubernetesUnauthorized();
    void composeReplicasMatchHosts();

private:
    std::unique_ptr<ClusterPoller> poller(const LoadedProfile &loaded, const ClusterPoller::Options &options);

    Sandbox m_hosts;
    std::optional<Sandbox> m_k8s;
    std::optional<Sandbox> m_compose;
    std::unique_ptr<SecretStore> m_store;
};

std::unique_ptr<ClusterPoller> TestClusterPoller::poller(
    const LoadedProfile &loaded, const ClusterPoller::Options &options)
{
    return std::make_unique<ClusterPoller>(loaded, m_store.get(), options);
}

void TestClusterPoller::initTestCase()
{
    const auto hosts = loadSandbox("CLUSTERDESK_SANDBOX_DIR", u"61"_s);
    QVERIFY2(hosts, "the status_hosts sandbox is not up (CLUSTERDESK_SANDBOX_DIR)");
    m_hosts = *hosts;
    m_k8s = loadSandbox("CLUSTERDESK_STATUS_K8S_DIR", u"62"_s);
    QVERIFY2(m_k8s, "the status_k8s sandbox is not up");
    m_compose = loadSandbox("CLUSTERDESK_STATUS_COMPOSE_DIR", u"63"_s);
    QVERIFY2(m_compose, "the status_compose sandbox is not up");
    QHash<QString, QByteArray> all = m_hosts.secrets;
    all.insert(m_k8s->secrets);
    all.insert(m_compose->secrets);
    all.insert(u"test/wrong-token"_s, "not-the-token");
    m_store = storeWith(all);
    QVERIFY(m_store);
    QCOMPARE(m_store->backend(), SecretStore::Backend::MemoryOnly);
}

void TestClusterPoller::healthyCluster()
{
    auto p = poller(m_hosts.loaded, quickOptions());
    QSignalSpy changed(p.get(), &ClusterPoller::statusChanged);
    QVERIFY(refresh(*p));
    QVERIFY(changed.count() >= 1);

    const ClusterStatus &status = p->status();
    QCOMPARE(status.nodes.size(), 3);
    for (const NodeStatus &node : status.nodes) {
        QVERIFY2(node.health == NodeHealth::Up, qPrintable(node.name + u": "_s + node.error));
        QCOMPARE(node.version.normalized(), u"3.10.4"_s);
        QVERIFY(node.latencyMs >= 0);
        QCOMPARE(node.control, ControlState::Ok);
        QCOMPARE(node.processRunning, std::optional<bool>(true));
        QVERIFY(node.installDirFreeBytes.value_or(0) > 0);
        QVERIFY(node.hostUptimeSeconds.value_or(0) > 0);
        QVERIFY(p->history(node.name));
        QCOMPARE(p->history(node.name)->samples().size(), 1);
    }
    QCOMPARE(status.replicas.desired, 3);
    QCOMPARE(status.replicas.ready, 3);
    QVERIFY(status.database.reachable);
    QVERIFY(status.database.serverVersion.contains(u"MariaDB"_s));
    QCOMPARE(status.database.schemaRevision, 23);
    QCOMPARE(status.database.schemaVersion.normalized(), u"3.10.1"_s);
    QVERIFY(status.refreshedAt.isValid());

    const ClusterAssessment assessment = p->assessment();
    QVERIFY2(assessment.overall == ClusterAssessment::Overall::Healthy, qPrintable(warnings(assessment)));
    QCOMPARE(assessment.schema, ClusterAssessment::SchemaRelation::Matches);
    QCOMPARE(assessment.exitCode(), 0);
}

void TestClusterPoller::wrongVersionIsMixed()
{
    QVERIFY(fault(m_hosts, u"jatos-2"_s, u"wrong-version"_s, u"3.10.5"_s));
    auto p = poller(m_hosts.loaded, quickOptions());
    QVERIFY(refresh(*p));
    QCOMPARE(nodeOf(*p, u"jatos-2"_s).version.normalized(), u"3.10.5"_s);
    QCOMPARE(nodeOf(*p, u"jatos-1"_s).version.normalized(), u"3.10.4"_s);
    const ClusterAssessment assessment = p->assessment();
    QVERIFY(assessment.mixedVersions);
    QCOMPARE(assessment.versions.size(), 2);
    QCOMPARE(assessment.overall, ClusterAssessment::Overall::Degraded);
    QVERIFY2(warnings(assessment).contains(u"3.10.4, 3.10.5"_s), qPrintable(warnings(assessment)));

    // A version that changes while the node stays up (no real upgrade does that) is
    // read again within 6 health-only probes.
    QVERIFY(fault(m_hosts, u"jatos-2"_s, u"clear"_s));
    int refreshes = 0;
    do {
        QVERIFY(refresh(*p));
    } while (p->assessment().mixedVersions && ++refreshes <= 7);
    QVERIFY(!p->assessment().mixedVersions);
    QVERIFY(refreshes > 0); // not at the first refresh: the version is not read every time
}

void TestClusterPoller::slowNodeIsUpWithItsLatency()
{
    QVERIFY(fault(m_hosts, u"jatos-1"_s, u"slow"_s, u"1200"_s));
    auto p = poller(m_hosts.loaded, quickOptions());
    QVERIFY(refresh(*p));
    const NodeStatus &slow = nodeOf(*p, u"jatos-1"_s);
    QCOMPARE(slow.health, NodeHealth::Up);
    QVERIFY2(slow.latencyMs >= 1200, qPrintable(QString::number(slow.latencyMs)));
    QVERIFY(nodeOf(*p, u"jatos-2"_s).latencyMs < 1200);
    QVERIFY(fault(m_hosts, u"jatos-1"_s, u"clear"_s));
}

void TestClusterPoller::hungNodeDoesNotHoldUpTheOthers()
{
    auto options = quickOptions();
    options.httpTimeout = 2s;
    auto p = poller(m_hosts.loaded, options);
    QVERIFY(refresh(*p));
    QVERIFY(fault(m_hosts, u"jatos-2"_s, u"hang"_s));

    // The others answer while the hung node is still being waited for.
    const QDateTime before = nodeOf(*p, u"jatos-1"_s).checkedAt;
    QSignalSpy finished(p.get(), &ClusterPoller::refreshFinished);
    QSignalSpy changed(p.get(), &ClusterPoller::statusChanged);
    p->refreshNow();
    QTRY_VERIFY_WITH_TIMEOUT(nodeOf(*p, u"jatos-1"_s).checkedAt > before, 10000);
    QVERIFY(finished.count() == 1 || finished.wait(30000));

    const NodeStatus &hung = nodeOf(*p, u"jatos-2"_s);
    QCOMPARE(hung.health, NodeHealth::Down);
    QVERIFY2(hung.error.contains(u"2 s"_s), qPrintable(hung.error));
    QCOMPARE(nodeOf(*p, u"jatos-1"_s).health, NodeHealth::Up);
    QCOMPARE(nodeOf(*p, u"jatos-3"_s).health, NodeHealth::Up);
    QCOMPARE(p->status().replicas.ready, 2);
    QCOMPARE(p->assessment().overall, ClusterAssessment::Overall::Degraded);

    QVERIFY(fault(m_hosts, u"jatos-2"_s, u"clear"_s));
    QVERIFY(refresh(*p));
    QCOMPARE(nodeOf(*p, u"jatos-2"_s).health, NodeHealth::Up);
    const QList<NodeHistory::Event> events = p->history(u"jatos-2"_s)->events();
    QCOMPARE(events.size(), 3); // (unknown ->) up -> down -> up
    QCOMPARE(events.at(1).to, NodeHealth::Down);
    QVERIFY(events.at(1).error.contains(u"2 s"_s));
    QCOMPARE(events.at(2).to, NodeHealth::Up);
}

void TestClusterPoller::nodeDownAndBack()
{
    auto p = poller(m_hosts.loaded, quickOptions());
    QVERIFY(refresh(*p));
    QSignalSpy healthChanged(p.get(), &ClusterPoller::nodeHealthChanged);
    QVERIFY(fault(m_hosts, u"jatos-3"_s, u"down"_s));
    QVERIFY(refresh(*p));

    const NodeStatus &down = nodeOf(*p, u"jatos-3"_s);
    QCOMPARE(down.health, NodeHealth::Down);
    QVERIFY2(down.error.contains(u"refused"_s), qPrintable(down.error));
    QCOMPARE(down.processRunning, std::optional<bool>(false));
    QCOMPARE(healthChanged.count(), 1);
    QCOMPARE(healthChanged.first().at(0).toString(), u"jatos-3"_s);
    QCOMPARE(p->status().replicas.ready, 2);
    const ClusterAssessment assessment = p->assessment();
    QCOMPARE(assessment.exitCode(), 1);
    QVERIFY(warnings(assessment).contains(u"jatos-3 is down"_s));

    // Interval refreshes back off from the dead node...
    QSignalSpy finished(p.get(), &ClusterPoller::refreshFinished);
    p->setInterval(50ms);
    p->start(); // start() refreshes at once (on demand), then every 50 ms
    QVERIFY(finished.wait(30000));
    const qsizetype samplesBefore = p->history(u"jatos-3"_s)->samples().size();
    const qsizetype aliveBefore = p->history(u"jatos-1"_s)->samples().size();
    QTRY_VERIFY_WITH_TIMEOUT(p->history(u"jatos-1"_s)->samples().size() >= aliveBefore + 6, 30000);
    p->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!p->isRefreshing(), 30000);
    const qsizetype deadProbes = p->history(u"jatos-3"_s)->samples().size() - samplesBefore;
    const qsizetype aliveProbes = p->history(u"jatos-1"_s)->samples().size() - aliveBefore;
    QVERIFY2(deadProbes < aliveProbes, qPrintable(u"dead %1, alive %2"_s.arg(deadProbes).arg(aliveProbes)));

    // ...but a restarted node shows at the next refresh: its process runs again.
    const QString installDir = m_hosts.loaded.profile.nodes.at(2).installDir;
    QVERIFY(onNode(m_hosts, u"jatos-3"_s, installDir + u"/loader.sh start </dev/null >/dev/null 2>&1"_s));
    QTRY_VERIFY_WITH_TIMEOUT(refresh(*p) && nodeOf(*p, u"jatos-3"_s).health == NodeHealth::Up, 60000);
    QCOMPARE(p->status().replicas.ready, 3);
}

void TestClusterPoller::databaseDown()
{
    LoadedProfile loaded = m_hosts.loaded;
    loaded.profile.database->port = closedPort();
    auto p = poller(loaded, quickOptions());
    QVERIFY(refresh(*p));
    const DatabaseSummary &db = p->status().database;
    QVERIFY(db.checked);
    QVERIFY(!db.reachable);
    QVERIFY2(db.error.contains(QString::number(loaded.profile.database->port)), qPrintable(db.error));
    // The nodes are still read.
    QCOMPARE(nodeOf(*p, u"jatos-1"_s).health, NodeHealth::Up);
    const ClusterAssessment assessment = p->assessment();
    QCOMPARE(assessment.overall, ClusterAssessment::Overall::Unreachable);
    QCOMPARE(assessment.exitCode(), 2);
    QVERIFY(warnings(assessment).startsWith(u"The database cannot be reached"_s));
}

void TestClusterPoller::sshRefused()
{
    LoadedProfile loaded = m_hosts.loaded;
    loaded.profile.nodes[0].ssh->port = closedPort();
    auto p = poller(loaded, quickOptions());
    QVERIFY(refresh(*p));
    const NodeStatus &node = nodeOf(*p, u"jatos-1"_s);
    QCOMPARE(node.control, ControlState::Failed);
    QVERIFY2(node.controlError.contains(u"cannot connect"_s), qPrintable(node.controlError));
    QCOMPARE(node.health, NodeHealth::Up); // HTTP still answers
    QCOMPARE(nodeOf(*p, u"jatos-2"_s).control, ControlState::Ok);
    QCOMPARE(p->assessment().overall, ClusterAssessment::Overall::Degraded);
}

void TestClusterPoller::hostKeyUnknownAsks()
{
    QTemporaryDir dir;
    LoadedProfile loaded = m_hosts.loaded;
    loaded.profile.deployment.knownHosts = dir.filePath(u"known_hosts"_s); // empty: no key known
    auto p = poller(loaded, quickOptions());
    QSignalSpy asked(p.get(), &ClusterPoller::hostKeyUnknown);
    QVERIFY(refresh(*p)); // the refresh does not wait for the user
    QCOMPARE(asked.count(), 3);
    const auto info = asked.first().at(1).value<HostKeyInfo>();
    QVERIFY(info.fingerprint.startsWith(u"SHA256:"_s));
    const QString name = asked.first().at(0).toString();
    QCOMPARE(nodeOf(*p, name).control, ControlState::HostKeyUnknown);
    QCOMPARE(nodeOf(*p, name).health, NodeHealth::Up); // HTTP is not held up

    QSignalSpy changed(p.get(), &ClusterPoller::statusChanged);
    p->acceptHostKey(name, HostKeyDecision::Save);
    QTRY_COMPARE_WITH_TIMEOUT(nodeOf(*p, name).control, ControlState::Ok, 30000);
    QFile knownHosts(dir.filePath(u"known_hosts"_s));
    QVERIFY(knownHosts.open(QIODevice::ReadOnly));
    QVERIFY(knownHosts.readAll().contains(info.host.toUtf8()));
}

void TestClusterPoller::hostKeyUnknownRefusedWithoutAsking()
{
    QTemporaryDir dir;
    LoadedProfile loaded = m_hosts.loaded;
    loaded.profile.deployment.knownHosts = dir.filePath(u"known_hosts"_s);
    auto options = quickOptions();
    options.refuseUnknownHostKeys = true; // the CLI without --accept-new-host-keys
    auto p = poller(loaded, options);
    QSignalSpy asked(p.get(), &ClusterPoller::hostKeyUnknown);
    QVERIFY(refresh(*p));
    QCOMPARE(asked.count(), 0);
    const NodeStatus &node = nodeOf(*p, u"jatos-1"_s);
    QCOMPARE(node.control, ControlState::HostKeyUnknown);
    QVERIFY2(node.controlError.contains(u"--accept-new-host-keys"_s), qPrintable(node.controlError));
    QVERIFY(node.controlError.contains(u"SHA256:"_s));
    QVERIFY(!QFile::exists(dir.filePath(u"known_hosts"_s))
        || QFileInfo(dir.filePath(u"known_hosts"_s)).size() == 0);
}

void TestClusterPoller::hostKeyChangedIsRefusedUntilRemoved()
{
    QTemporaryDir dir;
    // known_hosts records another key for jatos-1's address.
    const QString key = dir.filePath(u"other"_s);
    QCOMPARE(QProcess::execute(
                 u"ssh-keygen"_s, {u"-q"_s, u"-t"_s, u"ed25519"_s, u"-N"_s, QString(), u"-f"_s, key}),
        0);
    QFile pub(key + u".pub"_s);
    QVERIFY(pub.open(QIODevice::ReadOnly));
    const QList<QByteArray> fields = pub.readAll().split(' ');
    const NodeSpec &first = m_hosts.loaded.profile.nodes.at(0);
    QFile knownHosts(dir.filePath(u"known_hosts"_s));
    QVERIFY(knownHosts.open(QIODevice::WriteOnly));
    knownHosts.write("[" + first.ssh->host.toUtf8() + "]:" + QByteArray::number(first.ssh->port) + ' '
        + fields.at(0) + ' ' + fields.at(1) + '\n');
    knownHosts.close();

    LoadedProfile loaded = m_hosts.loaded;
    loaded.profile.nodes = {first};
    loaded.profile.deployment.knownHosts = knownHosts.fileName();
    auto p = poller(loaded, quickOptions());
    QSignalSpy asked(p.get(), &ClusterPoller::hostKeyUnknown);
    QVERIFY(refresh(*p));
    const NodeStatus &node = nodeOf(*p, first.name);
    QCOMPARE(node.control, ControlState::HostKeyChanged);
    QVERIFY2(node.controlError.contains(u"HAS CHANGED"_s), qPrintable(node.controlError));
    QCOMPARE(asked.count(), 0); // never offered for acceptance
    QVERIFY(p->assessment().warnings.join(u' ').contains(u"HAS CHANGED"_s));

    // A second refresh does not even try: only removing the old key clears it.
    QVERIFY(refresh(*p));
    QCOMPARE(nodeOf(*p, first.name).control, ControlState::HostKeyChanged);

    QSignalSpy removed(p.get(), &ClusterPoller::knownHostRemoved);
    p->removeKnownHost(first.name);
    QVERIFY(removed.wait(30000));
    QVERIFY(removed.first().at(2).toBool());
    // Now the new key is unknown, and asked about.
    QVERIFY(asked.wait(30000));
    QCOMPARE(asked.first().at(0).toString(), first.name);
}

void TestClusterPoller::noOverlappingRefreshes()
{
    auto options = quickOptions();
    options.httpTimeout = 2s;
    QVERIFY(fault(m_hosts, u"jatos-2"_s, u"hang"_s));
    auto p = poller(m_hosts.loaded, options);
    QSignalSpy finished(p.get(), &ClusterPoller::refreshFinished);
    p->refreshNow();
    QVERIFY(finished.wait(60000));
    // Several requests while the hung node is in flight start no second probe of it.
    p->refreshNow();
    p->refreshNow();
    p->refreshNow();
    QTRY_VERIFY_WITH_TIMEOUT(!p->isRefreshing(), 60000);
    // Each refresh that asked the hung node added at most one sample.
    QVERIFY(p->history(u"jatos-2"_s)->samples().size() <= 2);
    QVERIFY(fault(m_hosts, u"jatos-2"_s, u"clear"_s));
}

namespace {

// The same cluster read as plain hosts: the orchestrator's profile with its kind changed.
LoadedProfile asHosts(const LoadedProfile &loaded)
{
    LoadedProfile hosts = loaded;
    const QString knownHosts = hosts.profile.deployment.knownHosts;
    hosts.profile.deployment = DeploymentSpec {};
    hosts.profile.deployment.knownHosts = knownHosts;
    return hosts;
}

} // namespace

void TestClusterPoller::kubernetesReplicasMatchHosts()
{
    auto options = quickOptions();
    options.hostKeyPolicy = HostKeyPolicy::AcceptNewHostKeys;
    auto viaKube = poller(m_k8s->loaded, options);
    auto viaHosts = poller(asHosts(m_k8s->loaded), options);
    QVERIFY(refresh(*viaKube));
    QVERIFY(refresh(*viaHosts));
    QVERIFY2(viaKube->status().orchestratorError.isEmpty(), qPrintable(viaKube->status().orchestratorError));
    QCOMPARE(viaKube->status().replicas.desired, 3);
    QCOMPARE(viaKube->status().replicas.ready, 3);
    QCOMPARE(viaHosts->status().replicas.desired, viaKube->status().replicas.desired);
    QCOMPARE(viaHosts->status().replicas.ready, viaKube->status().replicas.ready);
    QVERIFY(viaKube->status().replicas.image.endsWith(u":3.10.4"_s));
    QVERIFY(viaKube->status().replicas.autoscaler.present);
    // The pods are the profile's nodes, matched by address.
    QCOMPARE(viaKube->status().nodes.size(), 3);
    for (const NodeStatus &node : viaKube->status().nodes) {
        QVERIFY(!node.discovered);
        QVERIFY(!node.replicaName.isEmpty());
        QCOMPARE(node.replicaReady, std::optional<bool>(true));
        QCOMPARE(node.health, NodeHealth::Up);
    }

    QVERIFY(fault(*m_k8s, u"jatos-2"_s, u"down"_s));
    QVERIFY(refresh(*viaKube));
    QVERIFY(refresh(*viaHosts));
    QCOMPARE(viaKube->status().replicas.ready, 2);
    QCOMPARE(viaHosts->status().replicas.ready, 2);
    QCOMPARE(viaKube->status().replicas.desired, viaHosts->status().replicas.desired);
    QCOMPARE(nodeOf(*viaKube, u"jatos-2"_s).replicaReady, std::optional<bool>(false));
    QCOMPARE(viaKube->assessment().overall, ClusterAssessment::Overall::Degraded);
}

void TestClusterPoller::kubernetesUnauthorized()
{
    LoadedProfile loaded = m_k8s->loaded;
    loaded.profile.deployment.kubernetes.token = SecretRef {u"test/wrong-token"_s};
    auto options = quickOptions();
    options.readFacts = false;
    auto p = poller(loaded, options);
    QVERIFY(refresh(*p));
    const ClusterStatus &status = p->status();
    QVERIFY2(status.orchestratorError.contains(u"401"_s), qPrintable(status.orchestratorError));
    QVERIFY(!status.orchestratorError.contains(u"not-the-token"_s));
    QCOMPARE(status.replicas.desired, -1);
    QCOMPARE(nodeOf(*p, u"jatos-1"_s).health, NodeHealth::Up); // the nodes are still read
    QCOMPARE(p->assessment().overall, ClusterAssessment::Overall::Unreachable);
}

void TestClusterPoller::composeReplicasMatchHosts()
{
    auto options = quickOptions();
    options.hostKeyPolicy = HostKeyPolicy::AcceptNewHostKeys;
    auto viaCompose = poller(m_compose->loaded, options);
    auto viaHosts = poller(asHosts(m_compose->loaded), options);
    QVERIFY(refresh(*viaCompose));
    QVERIFY(refresh(*viaHosts));
    QVERIFY2(
        viaCompose->status().orchestratorError.isEmpty(), qPrintable(viaCompose->status().orchestratorError));
    QCOMPARE(viaCompose->status().replicas.desired, 3);
    QCOMPARE(viaCompose->status().replicas.ready, 3);
    QCOMPARE(viaHosts->status().replicas.ready, 3);
    QCOMPARE(viaCompose->status().nodes.size(), 3);
    for (const NodeStatus &node : viaCompose->status().nodes)
        QVERIFY2(!node.discovered && !node.replicaName.isEmpty(), qPrintable(node.name));

    QVERIFY(fault(*m_compose, u"jatos-3"_s, u"down"_s));
    QVERIFY(refresh(*viaCompose));
    QVERIFY(refresh(*viaHosts));
    QCOMPARE(viaCompose->status().replicas.desired, 3);
    QCOMPARE(viaCompose->status().replicas.ready, 2);
    QCOMPARE(viaHosts->status().replicas.ready, 2);
    QCOMPARE(nodeOf(*viaCompose, u"jatos-3"_s).health, NodeHealth::Down);
}

QTEST_GUILESS_MAIN(TestClusterPoller)
#include "tst_clusterpoller.moc"
