#include "ConfigSession.h"

#include "ConfigLogging.h"
#include "audit/AuditLog.h"
#include "config/SecretText.h"
#include "connectors/http/HttpProber.h"
#include "connectors/http/OpenSpecimenSettings.h"
#include "secrets/SecretStore.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QTimer>

// The state of the push under way.
struct ConfigSession::Push
{
    ConfigPlan plan;
    PushOptions options;
    PushReport report;
    QString backupSuffix;
    QList<QString> staged; // per edit: the staged path, empty when not staged
    QList<QString> backups; // per edit: the backup path, empty when the file was new
    QList<bool> committed; // per edit
    int pending = 0;
    QStringList errors;
};

QString PushReport::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Applied:
        return QStringLiteral("applied");
    case Outcome::NothingChanged:
        return QStringLiteral("nothing changed");
    case Outcome::RolledBack:
        return QStringLiteral("rolled back");
    case Outcome::Mixed:
        return QStringLiteral("mixed");
    }
    return {};
}

ConfigSession::ConfigSession(LoadedProfile profile, SecretStore *secrets, Options options, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_secrets(secrets)
    , m_options(options)
{
    qRegisterMetaType<ClusterConfigSnapshot>();
    qRegisterMetaType<SharedFolderProbe>();
    qRegisterMetaType<PushReport>();
    qRegisterMetaType<QList<ConfigCheck>>();
}

ConfigSession::~ConfigSession() = default;

void ConfigSession::open()
{
    m_keychain.load(m_secrets, ProfileSecrets::entriesOf(m_profile.profile), this, [this] {
        if (m_audit) {
            for (const QByteArray &value : m_keychain.values())
                m_audit->addForbiddenValue(value);
        }
        Q_EMIT ready();
    });
}

void ConfigSession::setAuditLog(AuditLog *log)
{
    m_audit = log;
    if (m_audit) {
        for (const QByteArray &value : m_keychain.values())
            m_audit->addForbiddenValue(value);
    }
}

SecretRef ConfigSession::secretRef(const QString &secretName) const
{
    return ProfileSecrets::refOf(m_profile.profile, secretName);
}

QByteArray ConfigSession::keychainSecret(const QString &secretName) const
{
    return m_keychain.secret(m_profile.profile, secretName);
}

QString ConfigSession::keychainProblem(const QString &secretName) const
{
    return m_keychain.secretProblem(m_profile.profile, secretName);
}

QMap<QString, QString> ConfigSession::keychainFingerprints() const
{
    return m_keychain.fingerprints(m_profile.profile);
}

QMap<QString, int> ConfigSession::secretMinLengths() const
{
    QMap<QString, int> out;
    for (const SecretRule &rule : m_profile.preset.secretRules)
        out.insert(rule.name, rule.minLength);
    return out;
}

NodeLink *ConfigSession::link(const QString &node, QString *error)
{
    if (const auto it = m_links.find(node); it != m_links.end())
        return it->second.get();
    Result<SshConnectionSettings> settings
        = SshNodeConnection::settingsFor(m_profile, node, m_options.hostKeyPolicy);
    if (!settings) {
        *error = settings.error().message;
        return nullptr;
    }
    settings->connectTimeout = m_options.connectTimeout;
    const NodeSpec *spec = nullptr;
    for (const NodeSpec &candidate : m_profile.profile.nodes) {
        if (candidate.name == node)
            spec = &candidate;
    }
    const SshCredentials credentials {
        m_keychain.entry(spec->ssh->passphrase.name), m_keychain.entry(spec->ssh->password.name)};
    auto created = std::make_unique<NodeLink>(node, *settings, credentials);
    connect(created->connection(), &SshNodeConnection::hostKeyUnknown, this,
        [this, node](const HostKeyInfo &info) { Q_EMIT hostKeyUnknown(node, info); });
    NodeLink *raw = created.get();
    m_links.emplace(node, std::move(created));
    return raw;
}

void ConfigSession::acceptHostKey(const QString &node, HostKeyDecision decision)
{
    if (m_balancerLink && node == m_balancerLink->node()) {
        m_balancerLink->connection()->acceptHostKey(decision);
        return;
    }
    if (const auto it = m_links.find(node); it != m_links.end())
        it->second->connection()->acceptHostKey(decision);
}

// --- pushing ------------------------------------------------------------------------

void ConfigSession::push(const ConfigPlan &plan, const PushOptions &options)
{
    m_push = std::make_unique<Push>();
    m_push->plan = plan;
    m_push->options = options;
    m_push->backupSuffix
        = QStringLiteral(".clusterdesk-%1.bak")
              .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")));
    const qsizetype n = plan.edits.size();
    m_push->staged = QList<QString>(n);
    m_push->backups = QList<QString>(n);
    m_push->committed = QList<bool>(n, false);
    if (plan.isEmpty()) {
        m_push->report.outcome = PushReport::Outcome::Applied;
        m_push->report.log.append(tr("nothing to change"));
        QTimer::singleShot(0, this, &ConfigSession::pushDone);
        return;
    }
    pushVerify();
}

void ConfigSession::pushVerify()
{
    // Nobody else changed the files since they were read: compare before staging.
    Q_EMIT progress(tr("Checking that the files did not change since they were read"));
    Push &push = *m_push;
    push.pending = 1;
    const auto oneDone = [this] {
        if (--m_push->pending > 0)
            return;
        if (!m_push->errors.isEmpty()) {
            m_push->report.outcome = PushReport::Outcome::NothingChanged;
            m_push->report.error = m_push->errors.join(QLatin1Char('\n'));
            pushDone();
            return;
        }
        pushStage();
    };
    for (const FileEdit &edit : std::as_const(push.plan.edits)) {
        QString error;
        NodeLink *nodeLink = link(edit.node, &error);
        if (!nodeLink) {
            push.errors.append(error);
            continue;
        }
        ++push.pending;
        RemoteFileOp read;
        read.kind = RemoteFileOp::Kind::Read;
        read.path = edit.spec.path;
        nodeLink->file(
            read,
            [this, edit, oneDone](const Result<RemoteFileResult> &result) {
                if (!result)
                    m_push->errors.append(result.error().message);
                else if (result->exists != edit.existed || result->content != edit.before)
                    m_push->errors.append(
                        tr("%1:%2 changed since it was read; read the configuration again and redo the "
                           "change")
                            .arg(edit.node, edit.spec.path));
                oneDone();
            },
            m_options.commandTimeout);
    }
    oneDone();
}

void ConfigSession::pushStage()
{
    Q_EMIT progress(tr("Writing the new files next to the old ones on %n node(s)", nullptr,
        int(m_push->plan.nodes().size())));
    Push &push = *m_push;
    push.pending = 1;
    const auto oneDone = [this] {
        if (--m_push->pending > 0)
            return;
        if (!m_push->errors.isEmpty()) {
            m_push->report.outcome = PushReport::Outcome::NothingChanged;
            m_push->report.error = m_push->errors.join(QLatin1Char('\n'));
            pushDiscardStaged();
            return;
        }
        pushCommit(0);
    };
    for (qsizetype i = 0; i < push.plan.edits.size(); ++i) {
        const FileEdit &edit = push.plan.edits[i];
        QString error;
        NodeLink *nodeLink = link(edit.node, &error);
        ++push.pending;
        RemoteFileOp stage;
        stage.kind = RemoteFileOp::Kind::Stage;
        stage.path = edit.spec.path;
        stage.content = edit.after;
        nodeLink->file(
            stage,
            [this, i, edit, oneDone](const Result<RemoteFileResult> &result) {
                if (!result) {
                    m_push->errors.append(result.error().message);
                } else {
                    m_push->staged[i] = result->stagedPath;
                    m_push->report.log.append(tr("%1: staged %2").arg(edit.node, result->stagedPath));
                }
                oneDone();
            },
            m_options.commandTimeout);
    }
    oneDone();
}

void ConfigSession::pushCommit(qsizetype index)
{
    Push &push = *m_push;
    if (index == push.plan.edits.size()) {
        push.report.outcome = PushReport::Outcome::Applied;
        if (push.options.restart)
            pushRestart();
        else
            pushUpload();
        return;
    }
    const FileEdit &edit = push.plan.edits[index];
    Q_EMIT progress(tr("Replacing %1 on %2").arg(edit.spec.path, edit.node));
    QString error;
    NodeLink *nodeLink = link(edit.node, &error);
    RemoteFileOp commit;
    commit.kind = RemoteFileOp::Kind::Commit;
    commit.path = edit.spec.path;
    commit.stagedPath = push.staged[index];
    commit.backupSuffix = push.backupSuffix;
    commit.expectedSha256 = QCryptographicHash::hash(edit.after, QCryptographicHash::Sha256);
    nodeLink->file(
        commit,
        [this, index, edit](const Result<RemoteFileResult> &result) {
            if (!result) {
                pushRollback(index, result.error().message);
                return;
            }
            m_push->committed[index] = true;
            m_push->staged[index].clear();
            m_push->backups[index] = result->backupPath;
            if (!result->backupPath.isEmpty())
                m_push->report.backups.append(edit.node + QLatin1Char(':') + result->backupPath);
            m_push->report.log.append(
                tr("%1: replaced %2 (backup %3)")
                    .arg(edit.node, edit.spec.path,
                        result->backupPath.isEmpty() ? tr("none, the file was new") : result->backupPath));
            Q_EMIT committed(edit.node, edit.spec.path);
            pushCommit(index + 1);
        },
        m_options.commandTimeout);
}

void ConfigSession::pushRollback(qsizetype failedIndex, const QString &error)
{
    Push &push = *m_push;
    const FileEdit &failed = push.plan.edits[failedIndex];
    push.report.error = tr("replacing %1 on %2 failed: %3").arg(failed.spec.path, failed.node, error);
    push.report.log.append(push.report.error);
    Q_EMIT progress(tr("Putting the changed nodes back"));
    // The failed file too: its rename may have happened before the answer was lost.
    // Its backup, if one was made, has the push's suffix.
    if (failed.existed)
        push.backups[failedIndex] = failed.spec.path + push.backupSuffix;
    push.committed[failedIndex] = true;
    QList<qsizetype> pending;
    for (qsizetype i = failedIndex; i >= 0; --i)
        pending.append(i);
    pushRestore(pending, true);
}

void ConfigSession::pushRestore(QList<qsizetype> pending, bool clean)
{
    Push &push = *m_push;
    if (pending.isEmpty()) {
        push.report.outcome = clean ? PushReport::Outcome::RolledBack : PushReport::Outcome::Mixed;
        pushDiscardStaged();
        return;
    }
    const qsizetype i = pending.takeFirst();
    const FileEdit edit = push.plan.edits[i];
    const bool wasFailed = !push.staged[i].isEmpty(); // the failed edit still names its staged file
    QString error;
    NodeLink *nodeLink = link(edit.node, &error);
    // First look: a file that still holds the old text needs nothing.
    RemoteFileOp read;
    read.kind = RemoteFileOp::Kind::Read;
    read.path = edit.spec.path;
    nodeLink->file(
        read,
        [this, i, edit, wasFailed, pending, clean, nodeLink](const Result<RemoteFileResult> &current) {
            if (current && current->exists == edit.existed
                && (!edit.existed || current->content == edit.before)) {
                m_push->report.log.append(tr("%1: %2 holds the old text").arg(edit.node, edit.spec.path));
                pushRestore(pending, clean);
                return;
            }
            if (!current) {
                m_push->report.log.append(
                    tr("%1: cannot put %2 back: %3. It holds either the old or the new text, never a "
                       "mix; the backup is %4")
                        .arg(edit.node, edit.spec.path, current.error().message,
                            m_push->backups[i].isEmpty() ? tr("(none: the file was new)")
                                                         : m_push->backups[i]));
                pushRestore(pending, false);
                return;
            }
            Q_UNUSED(wasFailed)
            RemoteFileOp restore;
            restore.kind = RemoteFileOp::Kind::Restore;
            restore.path = edit.spec.path;
            restore.backupPath = m_push->backups[i];
            nodeLink->file(
                restore,
                [this, edit, pending, clean](const Result<RemoteFileResult> &restored) {
                    if (restored) {
                        m_push->report.log.append(
                            tr("%1: %2 put back from its backup").arg(edit.node, edit.spec.path));
                        pushRestore(pending, clean);
                    } else {
                        m_push->report.log.append(
                            tr("%1: putting %2 back failed: %3")
                                .arg(edit.node, edit.spec.path, restored.error().message));
                        pushRestore(pending, false);
                    }
                },
                m_options.commandTimeout);
        },
        m_options.commandTimeout);
}

void ConfigSession::pushDiscardStaged()
{
    Push &push = *m_push;
    push.pending = 1;
    const auto oneDone = [this] {
        if (--m_push->pending == 0)
            pushDone();
    };
    for (qsizetype i = 0; i < push.plan.edits.size(); ++i) {
        if (push.staged[i].isEmpty())
            continue;
        QString error;
        NodeLink *nodeLink = link(push.plan.edits[i].node, &error);
        ++push.pending;
        RemoteFileOp discard;
        discard.kind = RemoteFileOp::Kind::Discard;
        discard.path = push.staged[i];
        nodeLink->file(
            discard, [oneDone](const Result<RemoteFileResult> &) { oneDone(); }, m_options.commandTimeout);
    }
    oneDone();
}

void ConfigSession::pushRestart()
{
    // Stop every node first: two nodes with different configurations (a different
    // secret) must never serve at the same time. Then start them one at a time.
    QStringList nodes;
    for (const NodeSpec &node : m_profile.profile.nodes)
        nodes.append(node.name);
    Q_EMIT progress(tr("Stopping %n node(s) so they read the new configuration", nullptr, int(nodes.size())));
    Push &push = *m_push;
    push.pending = 1;
    const auto oneDone = [this, nodes] {
        if (--m_push->pending > 0)
            return;
        if (!m_push->errors.isEmpty()) {
            m_push->report.restartError = m_push->errors.join(QLatin1Char('\n'));
            pushDone();
            return;
        }
        startNext(nodes);
    };
    for (const QString &node : std::as_const(nodes)) {
        const Result<QString> stop = NodeFactsQuery::command(m_profile, node, m_profile.preset.commands.stop);
        QString error;
        NodeLink *nodeLink = stop ? link(node, &error) : nullptr;
        if (!nodeLink) {
            push.errors.append(stop ? error : stop.error().message);
            continue;
        }
        ++push.pending;
        // A node that is already stopped is fine; its stop command may say so and fail.
        nodeLink->run(
            *stop, m_options.commandTimeout, [this, node, oneDone](const Result<SshCommandResult> &result) {
                if (!result)
                    m_push->errors.append(tr("stopping %1 failed: %2").arg(node, result.error().message));
                else
                    m_push->report.log.append(
                        tr("%1: stopped (exit status %2)").arg(node).arg(result->exitStatus));
                oneDone();
            });
    }
    oneDone();
}

void ConfigSession::startNext(QStringList queue)
{
    if (queue.isEmpty()) {
        pushUpload();
        return;
    }
    const QString node = queue.takeFirst();
    Q_EMIT progress(tr("Starting %1").arg(node));
    const Result<QString> start = NodeFactsQuery::command(m_profile, node, m_profile.preset.commands.start);
    QString error;
    NodeLink *nodeLink = start ? link(node, &error) : nullptr;
    if (!nodeLink) {
        m_push->report.restartError = start ? error : start.error().message;
        pushDone();
        return;
    }
    nodeLink->run(
        *start, m_options.commandTimeout, [this, node, queue](const Result<SshCommandResult> &result) {
            if (!result || result->exitStatus != 0) {
                const QString why
                    = !result ? result.error().message : QString::fromUtf8(result->standardError).trimmed();
                m_push->report.restartError = tr("starting %1 failed: %2").arg(node, why);
                pushDone();
                return;
            }
            waitHealthy(node, queue, 0);
        });
}

void ConfigSession::waitHealthy(const QString &node, QStringList queue, int attempt)
{
    if (!m_prober) {
        m_prober = new HttpProber(this);
        m_prober->setTimeout(std::chrono::seconds(5));
    }
    const std::chrono::seconds limit = m_options.healthTimeout.count() > 0
        ? m_options.healthTimeout
        : std::chrono::seconds(m_profile.preset.warmupSeconds);
    const NodeSpec *spec = nullptr;
    for (const NodeSpec &candidate : m_profile.profile.nodes) {
        if (candidate.name == node)
            spec = &candidate;
    }
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(m_prober, &HttpProber::nodeProbed, this,
        [this, node, queue, attempt, limit, connection](const NodeHttpStatus &status) {
            if (status.nodeName != node)
                return;
            disconnect(*connection);
            if (status.health == NodeHttpStatus::Health::Up) {
                m_push->report.restarted.append(node);
                m_push->report.log.append(tr("%1: healthy again").arg(node));
                startNext(queue);
                return;
            }
            if (attempt >= limit.count()) {
                m_push->report.restartError = tr("%1 did not become healthy within %2 s: %3")
                                                  .arg(node)
                                                  .arg(limit.count())
                                                  .arg(status.error);
                pushDone();
                return;
            }
            QTimer::singleShot(std::chrono::seconds(1), this,
                [this, node, queue, attempt] { waitHealthy(node, queue, attempt + 1); });
        });
    m_prober->probe(*spec, m_profile.preset, false);
}

void ConfigSession::pushUpload()
{
    // OpenSpecimen keeps the cluster JSON as a setting: with an admin token in the
    // profile, the new file is also uploaded as Settings → Cluster would.
    const auto edit = std::find_if(m_push->plan.edits.cbegin(), m_push->plan.edits.cend(),
        [](const FileEdit &e) { return e.spec.role == ConfigFileRole::OpenSpecimenClusterJson; });
    const QByteArray token = keychainSecret(QStringLiteral("adminToken"));
    if (edit == m_push->plan.edits.cend() || secretRef(QStringLiteral("adminToken")).isNull()) {
        pushDone();
        return;
    }
    if (token.isEmpty()) {
        m_push->report.uploadError = keychainProblem(QStringLiteral("adminToken"));
        pushDone();
        return;
    }
    const NodeSpec *node = nullptr;
    for (const NodeSpec &candidate : m_profile.profile.nodes) {
        if (candidate.name == edit->node)
            node = &candidate;
    }
    Q_EMIT progress(tr("Uploading the cluster JSON through %1's REST API").arg(edit->node));
    auto *uploader = new OpenSpecimenSettings(this);
    uploader->setTimeout(m_options.commandTimeout);
    connect(
        uploader, &OpenSpecimenSettings::uploaded, this, [this, uploader](const OpenSpecimenUpload &result) {
            uploader->deleteLater();
            if (result.storedName) {
                m_push->report.uploadedAs = *result.storedName;
                m_push->report.log.append(
                    tr("cluster JSON uploaded to Settings → Cluster as %1").arg(*result.storedName));
            } else {
                m_push->report.uploadError = result.storedName.error().message;
                m_push->report.log.append(m_push->report.uploadError);
            }
            pushDone();
        });
    uploader->uploadClusterJson(node->url, token, edit->after);
}

void ConfigSession::pushDone()
{
    std::unique_ptr<Push> push = std::move(m_push);
    if (push->report.outcome == PushReport::Outcome::Applied)
        push->report.log.append(tr("every file replaced and read back"));
    qCInfo(lcConfig).noquote() << "push" << PushReport::outcomeName(push->report.outcome)
                               << push->report.error << push->report.restartError;
    if (m_audit) {
        AuditEntry entry;
        entry.cluster = m_profile.profile.name;
        entry.profilePath = m_profile.path;
        entry.action = push->options.auditAction;
        entry.target = push->plan.nodes().join(QStringLiteral(", "));
        entry.summary = push->plan.summary.join(QStringLiteral("; "));
        entry.outcome = push->report.outcome == PushReport::Outcome::Applied
            ? (push->report.restartError.isEmpty() ? QStringLiteral("ok")
                                                   : QStringLiteral("ok, restart failed"))
            : PushReport::outcomeName(push->report.outcome);
        entry.details = push->plan.maskedDiff() + QLatin1Char('\n') + push->report.log.join(QLatin1Char('\n'))
            + (push->report.error.isEmpty() ? QString() : QLatin1Char('\n') + push->report.error)
            + (push->report.restartError.isEmpty() ? QString()
                                                   : QLatin1Char('\n') + push->report.restartError);
        for (const QByteArray &secret : std::as_const(push->plan.secrets))
            m_audit->addForbiddenValue(secret);
        entry.details = SecretText::maskAll(entry.details, push->plan.secrets);
        if (const Result<qint64> written = m_audit->append(entry); !written) {
            qCWarning(lcConfig).noquote() << "audit log:" << written.error().message;
            push->report.log.append(
                tr("the audit log could not be written: %1").arg(written.error().message));
        }
    }
    Q_EMIT pushFinished(push->report);
}
