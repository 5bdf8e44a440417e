// ConfigSession, reading and checking: every node's files, the shared-folder test, the
// load balancer's configuration, and the consistency checks over them. The push lives
// in ConfigSession.cpp.
#include "ConfigLogging.h"
#include "ConfigSession.h"
#include "config/ConfigFields.h"
#include "config/NodeConfigFacts.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTimer>

QString ConfigSession::balancerName() const
{
    // Spaces keep it apart from every node name, which has none.
    return m_profile.profile.balancer ? tr("load balancer %1").arg(m_profile.profile.balancer->ssh.host)
                                      : QString();
}

NodeLink *ConfigSession::balancerLink()
{
    if (m_balancerLink)
        return m_balancerLink.get();
    const BalancerSpec &spec = *m_profile.profile.balancer;
    // As SshNodeConnection::settingsFor() does for a node: paths relative to the profile.
    SshConnectionSettings settings;
    settings.target = spec.ssh;
    if (!settings.target.identity.isEmpty())
        settings.target.identity = ProfileFile::resolvePath(m_profile.path, settings.target.identity);
    if (!m_profile.profile.deployment.knownHosts.isEmpty())
        settings.knownHostsFile
            = ProfileFile::resolvePath(m_profile.path, m_profile.profile.deployment.knownHosts);
    settings.policy = m_options.hostKeyPolicy;
    settings.connectTimeout = m_options.connectTimeout;
    const SshCredentials credentials {
        m_keychain.entry(spec.ssh.passphrase.name), m_keychain.entry(spec.ssh.password.name)};
    const QString name = balancerName();
    m_balancerLink = std::make_unique<NodeLink>(name, settings, credentials);
    connect(m_balancerLink->connection(), &SshNodeConnection::hostKeyUnknown, this,
        [this, name](const HostKeyInfo &info) { Q_EMIT hostKeyUnknown(name, info); });
    return m_balancerLink.get();
}

void ConfigSession::readBalancer(std::function<void(std::optional<QList<BalancerMember>>, QString)> done)
{
    const BalancerSpec &spec = *m_profile.profile.balancer;
    const QString host
        = spec.ssh.port == 22 ? spec.ssh.host : QStringLiteral("%1:%2").arg(spec.ssh.host).arg(spec.ssh.port);
    const QString file = spec.configFile;
    RemoteFileOp op;
    op.kind = RemoteFileOp::Kind::Read;
    op.path = file;
    balancerLink()->file(
        op,
        [host, file, done = std::move(done)](const Result<RemoteFileResult> &result) {
            const auto problem = [&](const QString &why) {
                return tr("the balancer configuration %1 on %2 could not be used: %3").arg(file, host, why);
            };
            if (!result)
                return done(std::nullopt, problem(result.error().message));
            if (!result->exists)
                return done(std::nullopt, problem(tr("the file does not exist")));
            const QList<BalancerMember> members = BalancerConfig::members(result->content);
            // No member at all is not a balancer that knows no route: the file is the wrong one.
            if (members.isEmpty())
                return done(std::nullopt, problem(tr("it has no BalancerMember line")));
            qCInfo(lcConfig) << "read" << members.size() << "balancer members from" << file << "on" << host;
            done(members, QString());
        },
        m_options.commandTimeout);
}

// --- reading ------------------------------------------------------------------------

void ConfigSession::readSnapshot()
{
    auto snapshot = std::make_shared<ClusterConfigSnapshot>();
    snapshot->product = m_profile.profile.product;
    auto pending = std::make_shared<int>(0);
    const auto finishOne = [this, snapshot, pending] {
        if (--*pending == 0)
            Q_EMIT snapshotRead(*snapshot);
    };
    *pending = 1; // held until every request is out
    for (const NodeSpec &node : m_profile.profile.nodes) {
        snapshot->nodes.append(NodeConfigSnapshot {node.name, {}, {}});
        const qsizetype index = snapshot->nodes.size() - 1;
        const Result<QList<ConfigFileSpec>> files
            = ConfigFiles::forNode(m_profile.profile, m_profile.preset, node);
        QString error;
        NodeLink *nodeLink = files ? link(node.name, &error) : nullptr;
        if (!files || !nodeLink) {
            snapshot->nodes[index].error = files ? error : files.error().message;
            continue;
        }
        for (const ConfigFileSpec &spec : *files) {
            ++*pending;
            RemoteFileOp op;
            op.kind = RemoteFileOp::Kind::Read;
            op.path = spec.path;
            nodeLink->file(
                op,
                [snapshot, index, spec, finishOne](const Result<RemoteFileResult> &result) {
                    NodeConfigSnapshot &target = snapshot->nodes[index];
                    ConfigFileState state;
                    state.spec = spec;
                    if (result) {
                        state.exists = result->exists;
                        state.content = result->content;
                        target.files.append(state);
                    } else if (target.error.isEmpty() && target.files.isEmpty()
                        && !result.error().message.contains(spec.path)) {
                        target.error = result.error().message; // the connection, not the file
                    } else {
                        state.error = result.error().message;
                        target.files.append(state);
                    }
                    finishOne();
                },
                m_options.commandTimeout);
        }
    }
    finishOne();
}

void ConfigSession::testSharedFolder()
{
    auto probe = std::make_shared<SharedFolderProbe>();
    probe->folder = m_profile.profile.sharedDataDir;
    if (probe->folder.isEmpty() || m_profile.profile.nodes.isEmpty()) {
        probe->error = tr("the profile names no shared folder");
        QTimer::singleShot(0, this, [this, probe] { Q_EMIT sharedFolderTested(*probe); });
        return;
    }
    // A marker with random content, written through the first node that answers.
    const QByteArray marker = "clusterdesk shared-folder check "
        + QByteArray::number(QRandomGenerator::system()->generate64(), 16) + ' '
        + QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8() + '\n';
    auto writers = std::make_shared<QStringList>();
    for (const NodeSpec &node : m_profile.profile.nodes)
        writers->append(node.name);

    auto tryWriter = std::make_shared<std::function<void()>>();
    *tryWriter = [this, probe, marker, writers, tryWriter] {
        if (writers->isEmpty()) {
            if (probe->error.isEmpty())
                probe->error = tr("no node could write to %1").arg(probe->folder);
            Q_EMIT sharedFolderTested(*probe);
            *tryWriter = nullptr; // breaks the self-reference
            return;
        }
        const QString writer = writers->takeFirst();
        QString error;
        NodeLink *writerLink = link(writer, &error);
        if (!writerLink) {
            probe->notSeenBy.insert(writer, error);
            (*tryWriter)();
            return;
        }
        RemoteFileOp stage;
        stage.kind = RemoteFileOp::Kind::Stage;
        stage.path = probe->folder + QStringLiteral("/.clusterdesk-shared-check");
        stage.content = marker;
        writerLink->file(
            stage,
            [this, probe, marker, writer, writerLink, tryWriter](const Result<RemoteFileResult> &staged) {
                if (!staged) {
                    probe->error = staged.error().message;
                    probe->notSeenBy.insert(writer, staged.error().message);
                    (*tryWriter)();
                    return;
                }
                probe->error.clear();
                probe->notSeenBy.remove(writer);
                probe->writer = writer;
                const QString markerPath = staged->stagedPath;
                auto pending = std::make_shared<int>(1);
                const auto finish = [this, probe, pending, writerLink, markerPath, tryWriter] {
                    if (--*pending > 0)
                        return;
                    RemoteFileOp discard;
                    discard.kind = RemoteFileOp::Kind::Discard;
                    discard.path = markerPath;
                    writerLink->file(discard, [this, probe, tryWriter](const Result<RemoteFileResult> &) {
                        Q_EMIT sharedFolderTested(*probe);
                        *tryWriter = nullptr;
                    });
                };
                for (const NodeSpec &node : m_profile.profile.nodes) {
                    if (node.name == writer)
                        continue;
                    QString linkError;
                    NodeLink *reader = link(node.name, &linkError);
                    if (!reader) {
                        probe->notSeenBy.insert(node.name, linkError);
                        continue;
                    }
                    ++*pending;
                    RemoteFileOp read;
                    read.kind = RemoteFileOp::Kind::Read;
                    read.path = markerPath;
                    const QString name = node.name;
                    reader->file(
                        read,
                        [probe, name, marker, finish](const Result<RemoteFileResult> &result) {
                            if (!result)
                                probe->notSeenBy.insert(name, result.error().message);
                            else if (!result->exists)
                                probe->notSeenBy.insert(name,
                                    tr("the marker is not there (a local folder, not the shared one?)"));
                            else if (result->content != marker)
                                probe->notSeenBy.insert(name, tr("a different marker is there"));
                            else
                                probe->seenBy.append(name);
                            finish();
                        },
                        m_options.commandTimeout);
                }
                finish();
            },
            m_options.commandTimeout);
    };
    (*tryWriter)();
}

void ConfigSession::runChecks()
{
    // What the checks judge, gathered from three independent reads in any order.
    struct Gathered
    {
        std::optional<ClusterConfigSnapshot> snapshot;
        std::optional<SharedFolderProbe> probe;
        bool balancerRead = false;
        std::optional<QList<BalancerMember>> balancer;
        QString balancerProblem;
    };
    auto gathered = std::make_shared<Gathered>();
    const auto judgeWhenComplete = [this, gathered] {
        if (!gathered->snapshot || !gathered->probe || !gathered->balancerRead)
            return;
        const ClusterProfile &profile = m_profile.profile;
        ConfigCheckInputs inputs;
        for (const NodeConfigSnapshot &node : gathered->snapshot->nodes)
            inputs.facts.append(NodeConfigReader::facts(profile.product, node));
        if (!profile.sharedDataDir.isEmpty())
            inputs.sharedFolder = *gathered->probe;
        inputs.keychainFingerprints = keychainFingerprints();
        inputs.balancer = gathered->balancer;
        inputs.balancerProblem = gathered->balancerProblem;
        Q_EMIT checksFinished(ConfigChecks::run(profile, inputs), *gathered->snapshot);
    };

    // Only products whose nodes carry a Tomcat jvmRoute are compared with the balancer.
    if (m_profile.profile.balancer
        && ConfigFields::find(m_profile.profile.product, QStringLiteral("tomcat.jvmRoute"))) {
        readBalancer([gathered, judgeWhenComplete](
                         std::optional<QList<BalancerMember>> members, const QString &problem) {
            gathered->balancerRead = true;
            gathered->balancer = std::move(members);
            gathered->balancerProblem = problem;
            judgeWhenComplete();
        });
    } else {
        gathered->balancerRead = true;
    }

    // One-shot connections: the session's signals are shared with other callers.
    auto snapshotConnection = std::make_shared<QMetaObject::Connection>();
    *snapshotConnection = connect(this, &ConfigSession::snapshotRead, this,
        [this, snapshotConnection, gathered, judgeWhenComplete](const ClusterConfigSnapshot &snapshot) {
            disconnect(*snapshotConnection);
            gathered->snapshot = snapshot;
            auto folderConnection = std::make_shared<QMetaObject::Connection>();
            *folderConnection = connect(this, &ConfigSession::sharedFolderTested, this,
                [this, folderConnection, gathered, judgeWhenComplete](const SharedFolderProbe &probe) {
                    disconnect(*folderConnection);
                    gathered->probe = probe;
                    judgeWhenComplete();
                });
            testSharedFolder();
        });
    readSnapshot();
}
