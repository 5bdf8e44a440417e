#include "ClusterPoller.h"

#include "connectors/compose/ComposeProbe.h"
#include "connectors/compose/ComposeStatus.h"
#include "connectors/db/DatabaseProbe.h"
#include "connectors/http/HttpProber.h"
#include "connectors/kubernetes/KubeClient.h"
#include "connectors/kubernetes/KubeStatus.h"
#include "connectors/ssh/NodeFacts.h"
#include "connectors/ssh/SshNodeConnection.h"
#include "secrets/SecretStore.h"
#include "status/DatabaseSummaryOf.h"
#include "status/StatusLogging.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <map>

namespace {

NodeHealth healthOf(NodeHttpStatus::Health health)
{
    switch (health) {
    case NodeHttpStatus::Health::Up:
        return NodeHealth::Up;
    case NodeHttpStatus::Health::Starting:
        return NodeHealth::Starting;
    case NodeHttpStatus::Health::Down:
        return NodeHealth::Down;
    case NodeHttpStatus::Health::Unknown:
        break;
    }
    return NodeHealth::Unknown;
}

QString httpKey(const QString &node)
{
    return QStringLiteral("http:") + node;
}

QString sshKey(const QString &node)
{
    return QStringLiteral("ssh:") + node;
}

const QString DatabaseKey = QStringLiteral("database");
const QString OrchestratorKey = QStringLiteral("orchestrator");

} // namespace

// Everything that talks to the cluster, and what is in flight.
struct ClusterPoller::Parts
{
    struct Control
    {
        std::unique_ptr<SshNodeConnection> connection;
        std::optional<NodeFactsQuery> query; // empty: the node cannot be asked (see setupError)
        QString setupError;
        quint64 inFlight = 0; // the id of the facts request being answered; 0: none
        bool awaitingDecision = false;
        bool mismatch = false;
        bool refusedUnknown = false; // the CLI refused an unknown key without asking
    };

    HttpProber http;
    DatabaseProbe database;
    std::unique_ptr<KubeClient> kube;
    std::unique_ptr<SshNodeConnection> composeConnection;
    std::unique_ptr<ComposeProbe> compose;
    bool composeAwaitingDecision = false;
    std::map<QString, Control> controls; // by node name, for nodes with an SSH target

    // Secrets, read once from the keychain before the first refresh.
    enum class SecretsState
    {
        NotRead,
        Reading,
        Ready
    };
    SecretsState secretsState = SecretsState::NotRead;
    int secretsPending = 0;
    QHash<QString, QByteArray> secrets; // by keychain name
    QHash<QString, QString> secretProblems; // by keychain name: why it is missing
    bool refreshWanted = false;
    bool wantedOnDemand = false;

    QSet<QString> pending; // parts the current refresh waits for
    bool refreshing = false;
    QHash<QString, int> downCount; // consecutive failed health checks
    QHash<QString, int> skipTicks; // refreshes left to skip (back-off)
    QHash<QString, int> index; // node name -> index in status.nodes
    QHash<QString, NodeSpec> specs; // the profile's nodes by name
    QHash<QString, int> probesSinceVersion; // health-only probes since the version was read
    QTimer changeTimer;

    QByteArray secret(const SecretRef &ref) const
    {
        return ref.isNull() ? QByteArray() : secrets.value(ref.name);
    }
};

ClusterPoller::ClusterPoller(
    const LoadedProfile &profile, SecretStore *secrets, const Options &options, QObject *parent)
    : QObject(parent)
    , m_profile(profile)
    , m_secrets(secrets)
    , m_options(options)
    , m_parts(std::make_unique<Parts>())
{
    const ClusterProfile &p = m_profile.profile;
    m_status.cluster = p.name;
    m_status.product = m_profile.preset.id;
    m_status.productName = m_profile.preset.displayName;
    m_status.deployment = ClusterProfile::deploymentKindName(p.deployment.kind);
    switch (p.deployment.kind) {
    case DeploymentKind::Hosts:
        m_status.replicas.source = ReplicaCounts::Source::Nodes;
        break;
    case DeploymentKind::Kubernetes:
        m_status.replicas.source = ReplicaCounts::Source::Kubernetes;
        break;
    case DeploymentKind::Compose:
        m_status.replicas.source = ReplicaCounts::Source::Compose;
        break;
    }
    for (const NodeSpec &spec : p.nodes) {
        m_parts->specs.insert(spec.name, spec);
        NodeStatus node;
        node.name = spec.name;
        node.url = spec.url;
        node.control = spec.ssh && m_options.readFacts ? ControlState::Pending : ControlState::NotConfigured;
        m_parts->index.insert(node.name, int(m_status.nodes.size()));
        m_status.nodes.append(node);
    }
    if (p.database) {
        m_status.database.configured = true;
        m_status.database.host = p.database->host;
        m_status.database.port = p.database->port;
    }

    m_parts->http.setTimeout(m_options.httpTimeout);
    connect(&m_parts->http, &HttpProber::nodeProbed, this, [this](const NodeHttpStatus &answer) {
        const auto it = m_parts->index.constFind(answer.nodeName);
        if (it != m_parts->index.cend()) {
            NodeStatus &node = m_status.nodes[*it];
            if (node.scheduled) {
                const NodeHealth before = node.health;
                node.health = healthOf(answer.health);
                node.latencyMs = answer.latencyMs;
                node.error = answer.error;
                node.checkedAt = answer.checkedAt;
                if (m_profile.preset.version.source != VersionProbe::Source::File) {
                    if (node.health != NodeHealth::Up) {
                        node.version = Version(); // nothing runs there to have a version
                        node.versionText.clear();
                    } else if (answer.versionRead) {
                        node.version = answer.version;
                        node.versionText = answer.versionText;
                    }
                }
                if (before != node.health || !node.healthSince.isValid())
                    node.healthSince = answer.checkedAt;
                if (node.health == NodeHealth::Down || node.health == NodeHealth::Unknown) {
                    const int count = ++m_parts->downCount[node.name];
                    m_parts->skipTicks[node.name]
                        = std::min(1 << std::min(count - 1, 10), m_options.maxBackoff) - 1;
                } else {
                    m_parts->downCount.remove(node.name);
                    m_parts->skipTicks.remove(node.name);
                }
                if (m_history[node.name].record(node))
                    Q_EMIT nodeHealthChanged(node.name, before, node.health);
                updateHostReplicas();
                scheduleChanged();
            }
        }
        partDone(httpKey(answer.nodeName));
    });

    if (p.database) {
        DatabaseProbeOptions dbOptions;
        dbOptions.connectTimeoutSeconds
            = int(std::max<qint64>(1, m_options.orchestratorTimeout.count() / 2000));
        dbOptions.readTimeoutSeconds = int(std::max<qint64>(1, m_options.orchestratorTimeout.count() / 1000));
        m_parts->database.setOptions(dbOptions);
        connect(&m_parts->database, &DatabaseProbe::finished, this, &ClusterPoller::onDatabase);
    }

    if (p.deployment.kind == DeploymentKind::Kubernetes) {
        m_parts->kube = std::make_unique<KubeClient>(p.deployment.kubernetes);
        m_parts->kube->setTimeout(m_options.orchestratorTimeout);
        if (!p.deployment.kubernetes.caFile.isEmpty()) {
            const QString ca = ProfileFile::resolvePath(m_profile.path, p.deployment.kubernetes.caFile);
            if (const Result<void> set = m_parts->kube->setCaFile(ca); !set)
                m_caProblem = set.error().message;
        }
        connect(m_parts->kube.get(), &KubeClient::finished, this, &ClusterPoller::onKubernetes);
    }

    if (p.deployment.kind == DeploymentKind::Compose) {
        // The connection itself waits for the credentials (secretsReady()).
        const Result<SshConnectionSettings> settings = ComposeProbe::settingsFor(m_profile, sshPolicy());
        if (!settings)
            m_composeProblem = settings.error().message;
    }

    if (m_options.readFacts) {
        for (const NodeSpec &spec : p.nodes) {
            if (!spec.ssh)
                continue;
            Parts::Control control;
            const Result<NodeFactsQuery> query = NodeFactsQuery::forNode(m_profile, spec.name);
            if (query)
                control.query = *query;
            else
                control.setupError = query.error().message;
            m_parts->controls.emplace(spec.name, std::move(control));
        }
    }

    m_timer.setInterval(m_options.interval);
    connect(&m_timer, &QTimer::timeout, this, [this] { beginRefresh(false); });
    m_parts->changeTimer.setSingleShot(true);
    m_parts->changeTimer.setInterval(30);
    connect(&m_parts->changeTimer, &QTimer::timeout, this, &ClusterPoller::emitChanged);
    updateHostReplicas();
}

ClusterPoller::~ClusterPoller()
{
    // The connections' threads end with their façades; nothing may call back into a
    // half-destroyed poller.
    for (auto &[name, control] : m_parts->controls)
        if (control.connection)
            control.connection->disconnect(this);
    if (m_parts->composeConnection)
        m_parts->composeConnection->disconnect(this);
    m_parts->http.disconnect(this);
    m_parts->database.disconnect(this);
}

HostKeyPolicy ClusterPoller::sshPolicy() const
{
    return m_options.hostKeyPolicy;
}

void ClusterPoller::setInterval(std::chrono::milliseconds interval)
{
    m_options.interval = interval;
    m_timer.setInterval(interval);
}

void ClusterPoller::start()
{
    m_timer.start();
    beginRefresh(true);
}

void ClusterPoller::stop()
{
    m_timer.stop();
}

void ClusterPoller::refreshNow()
{
    beginRefresh(true);
}

bool ClusterPoller::isRefreshing() const
{
    return m_parts->refreshing || m_parts->secretsState == Parts::SecretsState::Reading;
}

ClusterAssessment ClusterPoller::assessment() const
{
    return ClusterAssessment::of(m_status, m_profile.preset.schema.evolutionVersions);
}

const NodeHistory *ClusterPoller::history(const QString &nodeName) const
{
    const auto it = m_history.constFind(nodeName);
    return it == m_history.cend() ? nullptr : &*it;
}

void ClusterPoller::loadSecrets()
{
    Parts &parts = *m_parts;
    parts.secretsState = Parts::SecretsState::Reading;
    QSet<QString> names;
    for (const SecretUse &use : m_profile.profile.secretUses())
        if (!use.ref.isNull() && !use.path.startsWith(QStringLiteral("secrets.")))
            names.insert(use.ref.name);
    if (names.isEmpty() || !m_secrets) {
        parts.secretsState = Parts::SecretsState::Ready;
        return;
    }
    parts.secretsPending = int(names.size());
    for (const QString &name : std::as_const(names)) {
        SecretRequest *request = m_secrets->read(name);
        connect(request, &SecretRequest::finished, this, [this, request] {
            Parts &p = *m_parts;
            switch (request->status()) {
            case SecretRequest::Status::Ok:
                p.secrets.insert(request->name(), request->value());
                break;
            case SecretRequest::Status::NotFound:
                p.secretProblems.insert(request->name(),
                    tr("the keychain has no entry \"%1\"; store it with: clusterdesk-cli secret set %1")
                        .arg(request->name()));
                break;
            case SecretRequest::Status::Failed:
            case SecretRequest::Status::Pending:
                p.secretProblems.insert(request->name(),
                    tr("cannot read \"%1\" from the keychain: %2")
                        .arg(request->name(), request->errorString()));
                break;
            }
            if (--p.secretsPending == 0)
                secretsReady();
        });
    }
}

void ClusterPoller::secretsReady()
{
    Parts &parts = *m_parts;
    parts.secretsState = Parts::SecretsState::Ready;
    const ClusterProfile &p = m_profile.profile;
    for (auto &[name, control] : parts.controls) {
        const auto spec = std::find_if(
            p.nodes.cbegin(), p.nodes.cend(), [&](const NodeSpec &node) { return node.name == name; });
        if (spec == p.nodes.cend() || !spec->ssh || !control.query)
            continue;
        const Result<SshConnectionSettings> settings
            = SshNodeConnection::settingsFor(m_profile, name, sshPolicy());
        if (!settings) {
            control.setupError = settings.error().message;
            continue;
        }
        control.connection = std::make_unique<SshNodeConnection>(*settings,
            SshCredentials {parts.secret(spec->ssh->passphrase), parts.secret(spec->ssh->password)});
        watchHostKeys(control.connection.get(), name);
        connect(control.connection.get(), &SshNodeConnection::factsRead, this,
            [this, name = name](const NodeFactsReply &reply) { onFacts(name, reply); });
    }
    if (p.deployment.kind == DeploymentKind::Compose && m_composeProblem.isEmpty()) {
        const SshTarget &target = p.deployment.compose.host;
        const Result<SshConnectionSettings> settings = ComposeProbe::settingsFor(m_profile, sshPolicy());
        if (settings) {
            parts.composeConnection = std::make_unique<SshNodeConnection>(
                *settings, SshCredentials {parts.secret(target.passphrase), parts.secret(target.password)});
            parts.compose
                = std::make_unique<ComposeProbe>(parts.composeConnection.get(), p.deployment.compose);
            connect(parts.compose.get(), &ComposeProbe::finished, this, &ClusterPoller::onCompose);
            watchHostKeys(parts.composeConnection.get(), composeHostName());
        }
    }
    if (parts.kube)
        parts.kube->setToken(parts.secret(p.deployment.kubernetes.token));
    if (parts.refreshWanted) {
        parts.refreshWanted = false;
        beginRefresh(parts.wantedOnDemand);
    }
}

void ClusterPoller::watchHostKeys(SshNodeConnection *connection, const QString &name)
{
    connect(connection, &SshNodeConnection::hostKeyUnknown, this,
        [this, connection, name](const HostKeyInfo &info) {
            const bool compose = name == composeHostName();
            const QString where = QStringLiteral("%1:%2").arg(info.host).arg(info.port);
            if (m_options.refuseUnknownHostKeys) {
                const QString message
                    = tr("the SSH host key of %1 is not known (%2 %3). Check it, then run again "
                         "with --accept-new-host-keys, or add it to %4.")
                          .arg(where, info.keyType, info.fingerprint, info.knownHostsFile);
                if (compose) {
                    m_composeHostKeyProblem = message;
                } else if (auto it = m_parts->controls.find(name); it != m_parts->controls.end()) {
                    it->second.refusedUnknown = true;
                    setControl(name, ControlState::HostKeyUnknown, message);
                }
                connection->acceptHostKey(HostKeyDecision::Cancel);
                return;
            }
            const QString message = tr("waiting for you to accept or refuse the SSH host key of %1 (%2)")
                                        .arg(where, info.fingerprint);
            if (compose) {
                m_parts->composeAwaitingDecision = true;
                m_parts->pending.remove(OrchestratorKey);
            } else if (auto it = m_parts->controls.find(name); it != m_parts->controls.end()) {
                it->second.awaitingDecision = true;
                setControl(name, ControlState::HostKeyUnknown, message);
                m_parts->pending.remove(sshKey(name));
            }
            checkRefreshDone();
            Q_EMIT hostKeyUnknown(name, info);
        });
    connect(connection, &SshNodeConnection::hostKeyMismatch, this, [this, name](const HostKeyInfo &) {
        if (auto it = m_parts->controls.find(name); it != m_parts->controls.end())
            it->second.mismatch = true;
    });
    connect(connection, &SshNodeConnection::knownHostRemoved, this,
        [this, name](const KnownHostRemoval &removal) {
            if (auto it = m_parts->controls.find(name); it != m_parts->controls.end()) {
                it->second.mismatch = false;
                if (removal.removedLines)
                    setControl(name, ControlState::Pending, QString());
            }
            if (removal.removedLines) {
                Q_EMIT knownHostRemoved(name,
                    tr("Removed %n line(s) for %1 from known_hosts. The next connection shows the new key.",
                        nullptr, *removal.removedLines)
                        .arg(name),
                    true);
                refreshNow();
            } else {
                Q_EMIT knownHostRemoved(name, removal.removedLines.error().message, false);
            }
        });
}

void ClusterPoller::setControl(const QString &name, ControlState state, const QString &error)
{
    const auto index = m_parts->index.constFind(name);
    if (index == m_parts->index.cend())
        return;
    NodeStatus &node = m_status.nodes[*index];
    node.control = state;
    node.controlError = error;
    scheduleChanged();
}

void ClusterPoller::acceptHostKey(const QString &nodeName, HostKeyDecision decision)
{
    if (nodeName == composeHostName()) {
        if (m_parts->composeConnection && m_parts->composeAwaitingDecision) {
            m_parts->composeAwaitingDecision = false;
            m_parts->composeConnection->acceptHostKey(decision);
        }
        return;
    }
    auto it = m_parts->controls.find(nodeName);
    if (it == m_parts->controls.end() || !it->second.connection || !it->second.awaitingDecision)
        return;
    it->second.awaitingDecision = false;
    it->second.connection->acceptHostKey(decision);
    if (decision != HostKeyDecision::Cancel)
        setControl(nodeName, ControlState::Pending, QString());
}

void ClusterPoller::removeKnownHost(const QString &nodeName)
{
    if (nodeName == composeHostName()) {
        if (m_parts->composeConnection)
            m_parts->composeConnection->removeKnownHost();
        return;
    }
    auto it = m_parts->controls.find(nodeName);
    if (it != m_parts->controls.end() && it->second.connection)
        it->second.connection->removeKnownHost();
}

void ClusterPoller::beginRefresh(bool onDemand)
{
    Parts &parts = *m_parts;
    if (parts.secretsState != Parts::SecretsState::Ready) {
        parts.refreshWanted = true;
        parts.wantedOnDemand = parts.wantedOnDemand || onDemand;
        if (parts.secretsState == Parts::SecretsState::NotRead) {
            loadSecrets();
            if (parts.secretsState == Parts::SecretsState::Ready)
                secretsReady();
        }
        return;
    }
    parts.wantedOnDemand = false;
    parts.pending.clear();
    parts.refreshing = true;
    Q_EMIT refreshStarted();
    const ClusterProfile &p = m_profile.profile;

    // The orchestrator first: its answer may add nodes.
    if (parts.kube) {
        if (!m_caProblem.isEmpty()) {
            m_status.orchestratorError = tr("Kubernetes: %1").arg(m_caProblem);
            m_status.orchestratorChecked = true;
        } else if (parts.kube->refresh()) {
            parts.pending.insert(OrchestratorKey);
        }
    } else if (p.deployment.kind == DeploymentKind::Compose) {
        if (!parts.compose) {
            m_status.orchestratorError = tr("Compose host: %1").arg(m_composeProblem);
            m_status.orchestratorChecked = true;
        } else if (!parts.composeAwaitingDecision && parts.compose->refresh(m_options.orchestratorTimeout)) {
            m_composeHostKeyProblem.clear();
            parts.pending.insert(OrchestratorKey);
        }
    } else {
        m_status.orchestratorChecked = true;
    }

    QList<HttpProbeWorker::Request> requests;
    requests.reserve(m_status.nodes.size());
    for (const NodeStatus &node : std::as_const(m_status.nodes)) {
        if (!node.scheduled || node.url.isEmpty())
            continue;
        // Back off only from nodes that are dead for all we know: a node whose process
        // runs (hung, or starting) is asked every time, so it shows as soon as it answers.
        if (!onDemand && !node.processRunning.value_or(false)) {
            int &skip = parts.skipTicks[node.name];
            if (skip > 0) {
                --skip;
                continue;
            }
        }
        requests.append(httpRequest(node));
    }
    for (const QString &name : parts.http.probeBatch(requests, m_profile.preset))
        parts.pending.insert(httpKey(name));
    for (const HttpProbeWorker::Request &request : std::as_const(requests))
        if (parts.http.isInFlight(request.node.name))
            parts.pending.insert(httpKey(request.node.name)); // started now, or still answering

    for (const auto &[name, control] : parts.controls)
        askFacts(name);

    if (p.database) {
        const DatabaseSpec &spec = *p.database;
        if (parts.database.probe(spec, parts.secret(spec.password), m_profile.preset))
            parts.pending.insert(DatabaseKey);
    }
    checkRefreshDone();
}

// The HTTP probe of a node. The version is read when it is not known, when the node
// was not up last time (it may have been upgraded meanwhile) and every
// VersionEvery probes; otherwise only the health is asked, which halves the requests.
HttpProbeWorker::Request ClusterPoller::httpRequest(const NodeStatus &node)
{
    constexpr int VersionEvery = 6;
    HttpProbeWorker::Request request;
    const auto spec = m_parts->specs.constFind(node.name);
    if (spec != m_parts->specs.cend()) {
        request.node = *spec;
    } else {
        request.node.name = node.name;
        request.node.url = node.url;
    }
    int &sinceVersion = m_parts->probesSinceVersion[node.name];
    const bool versionKnown = node.version.isKnown() || !node.versionText.isEmpty();
    request.readVersion = !versionKnown || node.health != NodeHealth::Up || sinceVersion >= VersionEvery;
    sinceVersion = request.readVersion ? 0 : sinceVersion + 1;
    return request;
}

void ClusterPoller::probeHttp(const QString &name)
{
    const auto index = m_parts->index.constFind(name);
    if (index == m_parts->index.cend())
        return;
    const HttpProbeWorker::Request request = httpRequest(m_status.nodes[*index]);
    if (m_parts->http.probe(request.node, m_profile.preset, request.readVersion))
        m_parts->pending.insert(httpKey(name));
    else if (m_parts->http.isInFlight(name) && m_parts->refreshing)
        m_parts->pending.insert(httpKey(name)); // the running probe answers this refresh too
}

void ClusterPoller::askFacts(const QString &name)
{
    Parts::Control &control = m_parts->controls[name];
    if (!control.query || !control.connection) {
        const QString problem = !control.setupError.isEmpty() ? control.setupError : QString();
        if (!problem.isEmpty())
            setControl(name, ControlState::Failed, problem);
        return;
    }
    if (control.inFlight != 0 || control.awaitingDecision)
        return; // still answering an earlier refresh, or waiting for the user
    if (control.mismatch)
        return; // refused until the old key is removed; the message stays up
    if (control.refusedUnknown)
        return; // the CLI asked once and was told no
    control.inFlight = control.connection->readFacts(*control.query, m_options.sshTimeout);
    m_parts->pending.insert(sshKey(name));
}

void ClusterPoller::onFacts(const QString &name, const NodeFactsReply &reply)
{
    auto found = m_parts->controls.find(name);
    if (found == m_parts->controls.end())
        return;
    Parts::Control *control = &found->second;
    control->inFlight = 0;
    const auto index = m_parts->index.constFind(name);
    if (index != m_parts->index.cend()) {
        NodeStatus &node = m_status.nodes[*index];
        if (!reply.facts) {
            node.processRunning.reset();
            node.hostUptimeSeconds.reset();
            node.installDirFreeBytes.reset();
            node.sharedDirFreeBytes.reset();
            if (control->refusedUnknown) {
                // keep the message that says how to accept the key
            } else if (control->mismatch) {
                node.control = ControlState::HostKeyChanged;
                node.controlError = reply.facts.error().message;
            } else {
                node.control = ControlState::Failed;
                node.controlError = reply.facts.error().message;
            }
        } else {
            const NodeFacts &facts = *reply.facts;
            const bool wasRunning = node.processRunning.value_or(false);
            node.control = ControlState::Ok;
            node.controlError.clear();
            node.processRunning = facts.running;
            node.hostUptimeSeconds = qint64(facts.uptimeSeconds);
            node.installDirFreeBytes = facts.installDirFreeBytes;
            node.sharedDirFreeBytes = facts.sharedDirFreeBytes;
            node.javaVersion = facts.javaVersion;
            if (m_profile.preset.version.source == VersionProbe::Source::File) {
                node.versionText.clear();
                node.version = Version();
                if (facts.versionFileText) {
                    const QRegularExpression pattern(m_profile.preset.version.pattern);
                    const QRegularExpressionMatch match = pattern.match(*facts.versionFileText);
                    node.versionText = match.hasMatch() ? match.captured(1).trimmed()
                                                        : facts.versionFileText->trimmed().left(40);
                    node.version = Version::parse(node.versionText);
                }
            }
            // A node that was given up on for a while but whose process runs again is
            // asked at once, so a restart shows within this refresh.
            if (facts.running && !wasRunning && m_parts->skipTicks.value(name) > 0) {
                m_parts->skipTicks.remove(name);
                probeHttp(name);
            }
        }
        scheduleChanged();
    }
    partDone(sshKey(name));
}

void ClusterPoller::onDatabase(const DatabaseStatus &answer)
{
    DatabaseSummary &db = m_status.database;
    db = databaseSummaryOf(answer, m_profile.preset);
    if (!answer.reachable && m_profile.profile.database && !m_profile.profile.database->password.isNull()) {
        const QString problem = m_parts->secretProblems.value(m_profile.profile.database->password.name);
        if (!problem.isEmpty())
            db.error = tr("%1 (%2)").arg(answer.error, problem);
    }
    scheduleChanged();
    partDone(DatabaseKey);
}

// The preset's URL of a replica the profile does not list.
QUrl ClusterPoller::replicaUrl(const QString &address, int port) const
{
    if (address.isEmpty())
        return {};
    QUrl url;
    url.setScheme(m_profile.preset.scheme);
    url.setHost(address);
    url.setPort(port > 0 ? port : m_profile.preset.httpPort);
    QString path = m_profile.preset.basePath;
    if (!path.endsWith(QLatin1Char('/')))
        path += QLatin1Char('/');
    url.setPath(path);
    return url;
}

// Matches the orchestrator's replicas to the nodes: a profile node whose URL host is
// the replica's address (or whose name is the replica's), else a discovered node.
void ClusterPoller::applyReplicas(const QList<ReplicaView> &replicas)
{
    QSet<QString> matched;
    QList<NodeStatus> nodes;
    nodes.reserve(m_status.nodes.size());
    QSet<QString> newlyScheduled;
    for (const NodeStatus &existing : std::as_const(m_status.nodes))
        if (!existing.discovered)
            nodes.append(existing);
    for (NodeStatus &node : nodes) {
        node.replicaName.clear();
        node.replicaState.clear();
        node.replicaReady.reset();
        node.restarts = -1;
        node.placement.clear();
        node.replicaStartedAt = QDateTime();
    }
    for (const ReplicaView &replica : replicas) {
        auto target = std::find_if(nodes.begin(), nodes.end(), [&](const NodeStatus &node) {
            return !matched.contains(node.name)
                && ((!replica.address.isEmpty() && node.url.host() == replica.address)
                    || node.name == replica.name);
        });
        if (target == nodes.end()) {
            NodeStatus discovered;
            const auto old = m_parts->index.constFind(replica.name);
            if (old != m_parts->index.cend() && m_status.nodes[*old].discovered)
                discovered = m_status.nodes[*old];
            discovered.name = replica.name;
            discovered.url = replicaUrl(replica.address, replica.port);
            discovered.discovered = true;
            nodes.append(discovered);
            target = nodes.end() - 1;
        }
        if (!target->scheduled || target->replicaName.isEmpty())
            newlyScheduled.insert(target->name);
        matched.insert(target->name);
        target->scheduled = true;
        target->replicaName = replica.name;
        target->replicaState = replica.state;
        target->replicaReady = replica.ready;
        target->restarts = replica.restarts;
        target->placement = replica.placement;
        target->replicaStartedAt = replica.startedAt;
        if (target->url.isEmpty()) {
            target->health = NodeHealth::Unknown;
            target->error = tr("%1 has no address yet (%2)").arg(replica.name, replica.state);
        }
    }
    for (NodeStatus &node : nodes) {
        if (matched.contains(node.name))
            continue;
        const bool wasScheduled = node.scheduled;
        node.scheduled = false;
        node.health = NodeHealth::Unknown;
        node.error.clear();
        node.latencyMs = -1;
        node.replicaState = tr("no replica");
        if (wasScheduled)
            m_history[node.name].record(node);
    }
    const QList<NodeStatus> before = m_status.nodes;
    m_status.nodes = nodes;
    m_parts->index.clear();
    for (int i = 0; i < m_status.nodes.size(); ++i)
        m_parts->index.insert(m_status.nodes[i].name, i);
    // A replica that came back is asked at once, whatever its back-off.
    for (const NodeStatus &node : std::as_const(m_status.nodes)) {
        const bool wasUnscheduled = std::any_of(before.cbegin(), before.cend(),
            [&](const NodeStatus &old) { return old.name == node.name && !old.scheduled; });
        const bool isNew = std::none_of(
            before.cbegin(), before.cend(), [&](const NodeStatus &old) { return old.name == node.name; });
        const bool readyAgain = node.replicaReady.value_or(false) && m_parts->skipTicks.value(node.name) > 0;
        if (node.scheduled && !node.url.isEmpty() && (wasUnscheduled || isNew || readyAgain)) {
            m_parts->skipTicks.remove(node.name);
            probeHttp(node.name);
        }
    }
}

void ClusterPoller::onKubernetes(const KubeStatus &answer)
{
    m_status.orchestratorChecked = true;
    ReplicaCounts &counts = m_status.replicas;
    if (!answer.ok()) {
        m_status.orchestratorError = answer.error;
        if (answer.failure == KubeStatus::Failure::Unauthorized
            && m_parts->secret(m_profile.profile.deployment.kubernetes.token).isEmpty()) {
            const QString problem
                = m_parts->secretProblems.value(m_profile.profile.deployment.kubernetes.token.name);
            if (!problem.isEmpty())
                m_status.orchestratorError += QStringLiteral(" (") + problem + QLatin1Char(')');
        }
        counts.desired = -1;
        counts.ready = -1;
        counts.available.reset();
        counts.updated.reset();
    } else {
        m_status.orchestratorError.clear();
        counts.desired = answer.deployment.desired;
        counts.ready = answer.deployment.ready;
        counts.available = answer.deployment.available;
        counts.updated = answer.deployment.updated;
        counts.image = answer.deployment.image;
        counts.autoscaler = {};
        if (answer.hpa.present) {
            counts.autoscaler.present = true;
            counts.autoscaler.minReplicas = answer.hpa.min;
            counts.autoscaler.maxReplicas = answer.hpa.max;
            counts.autoscaler.currentReplicas = answer.hpa.current;
            counts.autoscaler.desiredReplicas = answer.hpa.desired;
        }
        QList<ReplicaView> replicas;
        for (const KubePod &pod : answer.pods) {
            ReplicaView view;
            view.name = pod.name;
            view.address = pod.podIP;
            view.ready = pod.ready;
            view.restarts = pod.restarts;
            view.placement = pod.nodeName;
            view.startedAt = pod.startedAt;
            view.state = pod.phase;
            if (!pod.containerState.isEmpty())
                view.state += QStringLiteral(", ") + pod.containerState;
            if (!pod.stateReason.isEmpty())
                view.state += QStringLiteral(": ") + pod.stateReason;
            replicas.append(view);
        }
        applyReplicas(replicas);
    }
    scheduleChanged();
    partDone(OrchestratorKey);
}

void ClusterPoller::onCompose(const ComposeStatus &answer)
{
    m_status.orchestratorChecked = true;
    ReplicaCounts &counts = m_status.replicas;
    if (!answer.ok()) {
        m_status.orchestratorError = m_composeHostKeyProblem.isEmpty()
            ? answer.error
            : tr("Compose host: %1").arg(m_composeHostKeyProblem);
        counts.desired = -1;
        counts.ready = -1;
    } else {
        m_status.orchestratorError.clear();
        counts.desired = answer.desired();
        counts.ready = answer.ready();
        counts.image.clear();
        QList<ReplicaView> replicas;
        for (const ComposeContainer &container : answer.containers) {
            if (counts.image.isEmpty())
                counts.image = container.image;
            ReplicaView view;
            view.name = container.name;
            view.ready = container.isReady();
            view.state = container.status.isEmpty() ? container.state : container.status;
            view.placement = answer.host;
            for (const ComposePublisher &publisher : container.publishers) {
                if (publisher.url.isEmpty())
                    continue;
                const bool anyAddress = publisher.url == u"0.0.0.0" || publisher.url == u"::";
                view.address = anyAddress ? m_profile.profile.deployment.compose.host.host : publisher.url;
                view.port = publisher.publishedPort > 0 ? publisher.publishedPort : publisher.targetPort;
                break;
            }
            replicas.append(view);
        }
        applyReplicas(replicas);
    }
    scheduleChanged();
    partDone(OrchestratorKey);
}

void ClusterPoller::updateHostReplicas()
{
    if (m_profile.profile.deployment.kind != DeploymentKind::Hosts)
        return;
    ReplicaCounts &counts = m_status.replicas;
    counts.desired = int(m_status.nodes.size());
    counts.ready = int(std::count_if(m_status.nodes.cbegin(), m_status.nodes.cend(),
        [](const NodeStatus &node) { return node.health == NodeHealth::Up; }));
}

void ClusterPoller::partDone(const QString &key)
{
    if (m_parts->pending.remove(key))
        checkRefreshDone();
}

void ClusterPoller::checkRefreshDone()
{
    if (!m_parts->refreshing || !m_parts->pending.isEmpty())
        return;
    m_parts->refreshing = false;
    m_status.refreshedAt = QDateTime::currentDateTimeUtc();
    updateHostReplicas();
    emitChanged();
    qCDebug(lcStatus) << "refresh of" << m_status.cluster << "done";
    Q_EMIT refreshFinished();
}

void ClusterPoller::scheduleChanged()
{
    if (!m_parts->changeTimer.isActive())
        m_parts->changeTimer.start();
}

void ClusterPoller::emitChanged()
{
    m_parts->changeTimer.stop();
    Q_EMIT statusChanged();
}
