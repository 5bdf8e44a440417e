#include "ComposeConfigSession.h"

#include "ConfigLogging.h"
#include "audit/AuditLog.h"
#include "config/SecretText.h"
#include "connectors/compose/ComposeProbe.h"
#include "core/TextHelpers.h"
#include "formats/DotEnvDocument.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {

QString sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

} // namespace

struct ComposeConfigSession::Push
{
    QString auditAction;
    bool restart = false;
    PushReport report;
    QStringList summary;
    QList<QByteArray> secrets;
    QByteArray before; // the file as read at the start of the push
    QByteArray after;
    QString stagedPath;
    QString backupSuffix;
    int containers = 0; // before the restart
    QDeadlineTimer deadline;
    std::chrono::seconds limit {0};
    std::function<void(const ComposeStatus &)> probeDone;
};

ComposeConfigSession::ComposeConfigSession(
    LoadedProfile profile, SecretStore *secrets, Options options, QObject *parent)
    : KeyedConfigSession(std::move(profile), secrets, parent)
    , m_options(options)
{ }

ComposeConfigSession::~ComposeConfigSession() = default;

void ComposeConfigSession::open()
{
    const SshTarget &host = m_profile.profile.deployment.compose.host;
    loadKeychain({host.passphrase.name, host.password.name});
}

QString ComposeConfigSession::storeName() const
{
    return tr("the Compose .env");
}

QString ComposeConfigSession::restartText() const
{
    return tr("Then the service is stopped and brought up again (docker compose up -d), so every container "
              "starts with the new values.");
}

QString ComposeConfigSession::envPath() const
{
    QString dir = m_profile.profile.deployment.compose.projectDir;
    while (dir.size() > 1 && dir.endsWith(u'/'))
        dir.chop(1);
    return dir + u"/.env"_s;
}

QList<KeyedConfigEntry> ComposeConfigSession::entriesFor(const QString &product, const QString &envPath)
{
    if (product != u"jatos")
        return {};
    return {
        {envPath, u"JATOS_SECRET"_s, u"appSecret"_s, true},
        {envPath, u"JATOS_DB_PASSWORD"_s, u"database.password"_s, true},
        {envPath, u"JATOS_DB_URL"_s, u"jatos.db.url"_s, false},
        {envPath, u"JATOS_DB_USERNAME"_s, u"jatos.db.username"_s, false},
        {envPath, u"JATOS_MULTINODE"_s, u"jatos.multiNode"_s, false},
    };
}

QList<KeyedConfigEntry> ComposeConfigSession::entries() const
{
    return entriesFor(m_profile.profile.product, envPath());
}

QString ComposeConfigSession::hostName() const
{
    return m_profile.profile.deployment.compose.host.host;
}

void ComposeConfigSession::acceptHostKey(HostKeyDecision decision)
{
    if (m_link)
        m_link->connection()->acceptHostKey(decision);
}

QString ComposeConfigSession::composeCommand(const QString &arguments) const
{
    const ComposeSettings &compose = m_profile.profile.deployment.compose;
    QString command = u"docker compose --project-directory %1 %2"_s.arg(
        TextHelpers::shellQuote(compose.projectDir), arguments);
    if (!compose.service.isEmpty())
        command += u' ' + TextHelpers::shellQuote(compose.service);
    return command;
}

Result<void> ComposeConfigSession::ensureLink()
{
    const ClusterProfile &profile = m_profile.profile;
    if (profile.deployment.kind != DeploymentKind::Compose)
        return failure(tr("The profile \"%1\" does not deploy with Docker Compose.").arg(profile.name));
    if (entries().isEmpty())
        return failure(
            tr("Clusterdesk knows no Compose .env settings for the product \"%1\".").arg(profile.product));
    if (m_link)
        return {};
    Result<SshConnectionSettings> settings = ComposeProbe::settingsFor(m_profile, m_options.hostKeyPolicy);
    if (!settings)
        return failure(tr("Compose host: %1").arg(settings.error().message));
    settings->connectTimeout = m_options.connectTimeout;
    const SshTarget &host = profile.deployment.compose.host;
    const SshCredentials credentials {
        m_keychain.entry(host.passphrase.name), m_keychain.entry(host.password.name)};
    m_link = std::make_unique<NodeLink>(hostName(), *settings, credentials);
    connect(m_link->connection(), &SshNodeConnection::hostKeyUnknown, this,
        [this](const HostKeyInfo &info) { Q_EMIT hostKeyUnknown(hostName(), info); });
    m_probe = std::make_unique<ComposeProbe>(m_link->connection(), profile.deployment.compose);
    connect(m_probe.get(), &ComposeProbe::finished, this, [this](const ComposeStatus &status) {
        if (m_push && m_push->probeDone)
            std::exchange(m_push->probeDone, nullptr)(status);
    });
    return {};
}

// --- reading ------------------------------------------------------------------------

void ComposeConfigSession::read()
{
    if (const Result<void> link = ensureLink(); !link) {
        const KeyedConfigStateResult answer {std::unexpected(link.error())};
        QTimer::singleShot(0, this, [this, answer] { Q_EMIT stateRead(answer); });
        return;
    }
    Q_EMIT progress(tr("Reading %1 on %2").arg(envPath(), hostName()));
    RemoteFileOp op;
    op.kind = RemoteFileOp::Kind::Read;
    op.path = envPath();
    m_link->file(
        op,
        [this](const Result<RemoteFileResult> &file) {
            if (!file) {
                Q_EMIT stateRead(KeyedConfigStateResult {failure(file.error().message)});
                return;
            }
            KeyedConfigState state;
            const QString label = hostName() + u':' + envPath();
            const Result<DotEnvDocument> document = DotEnvDocument::parse(file->content, label);
            if (!document) {
                Q_EMIT stateRead(KeyedConfigStateResult {failure(document.error().message)});
                return;
            }
            state.text = file->content;
            if (file->exists)
                state.versions.insert(envPath(), sha256Hex(file->content));
            else
                state.problems.append(tr("%1 does not exist on %2").arg(envPath(), hostName()));
            const QString product = m_profile.profile.product;
            for (const KeyedConfigEntry &entry : entries()) {
                KeyedConfigValue value;
                value.entry = entry;
                value.fieldId = KeyedConfig::fieldIdFor(product, entry.meaning);
                const std::optional<QString> text = document->value(entry.key);
                value.present = text.has_value();
                value.interpolated = document->isInterpolated(entry.key);
                if (text)
                    value.value = entry.secret ? SecretText::fingerprint(text->toUtf8()) : *text;
                else if (file->exists)
                    state.problems.append(tr("%1 has no %2").arg(label, entry.key));
                state.values.append(value);
            }
            Q_EMIT stateRead(KeyedConfigStateResult {state});
        },
        m_options.commandTimeout);
}

// --- pushing ------------------------------------------------------------------------

// The secret values a .env text holds, for masking.
QList<QByteArray> ComposeConfigSession::secretsIn(const DotEnvDocument &document) const
{
    QList<QByteArray> out;
    for (const KeyedConfigEntry &entry : entries()) {
        if (const std::optional<QString> value = document.value(entry.key);
            entry.secret && value && !value->isEmpty())
            out.append(value->toUtf8());
    }
    return out;
}

void ComposeConfigSession::push(const KeyedConfigState &state, const QList<ConfigChange> &changes,
    bool restart, const QString &auditAction)
{
    if (m_push)
        return refuseSecondPush();
    m_push = std::make_unique<Push>();
    Push &push = *m_push;
    const Result<QList<KeyedConfigEdit>> edits = KeyedConfig::plan(
        m_profile.profile.product, entries(), changes, secretMinLengths(), storeName(), &push.secrets);
    if (!edits)
        return beginPush(state, restart, auditAction, edits.error().message, {});
    for (const KeyedConfigEdit &edit : *edits) {
        if (const Result<void> writable = DotEnvDocument::check(edit.entry.key, edit.value); !writable)
            return beginPush(
                state, restart, auditAction, tr("%1: %2").arg(edit.field.id, writable.error().message), {});
    }
    beginPush(
        state, restart, auditAction, {}, [this, edits = *edits](DotEnvDocument &document) -> Result<void> {
            Push &editing = *m_push;
            for (const KeyedConfigEdit &edit : edits) {
                const std::optional<QString> old = document.value(edit.entry.key);
                if (old == edit.value && !document.isInterpolated(edit.entry.key)) {
                    editing.summary.append(tr("%1: unchanged").arg(edit.field.id));
                    continue;
                }
                const auto shown = [&edit](const QString &value) {
                    return edit.entry.secret ? tr("sha256 %1").arg(SecretText::fingerprint(value.toUtf8()))
                                             : value;
                };
                editing.summary.append(tr("%1 (%2): %3 → %4")
                                           .arg(edit.field.id, edit.entry.key,
                                               old ? shown(*old) : tr("(absent)"), shown(edit.value)));
                if (Result<void> set = document.setValue(edit.entry.key, edit.value); !set)
                    return set;
            }
            return {};
        });
}

void ComposeConfigSession::pushText(
    const KeyedConfigState &state, const QByteArray &text, bool restart, const QString &auditAction)
{
    if (m_push)
        return refuseSecondPush();
    m_push = std::make_unique<Push>();
    // Parsed before anything leaves the machine: errors name the line.
    Result<DotEnvDocument> parsed = DotEnvDocument::parse(text, tr("the new text of %1").arg(envPath()));
    if (!parsed)
        return beginPush(state, restart, auditAction, parsed.error().message, {});
    m_push->secrets.append(secretsIn(*parsed));
    beginPush(state, restart, auditAction, {},
        [this, replacement = *parsed](DotEnvDocument &document) -> Result<void> {
            Push &editing = *m_push;
            for (const KeyedConfigEntry &entry : entries()) {
                const std::optional<QString> old = document.value(entry.key);
                const std::optional<QString> now = replacement.value(entry.key);
                if (old == now)
                    continue;
                const auto shown = [&entry](const std::optional<QString> &value) {
                    return !value      ? tr("(absent)")
                        : entry.secret ? tr("sha256 %1").arg(SecretText::fingerprint(value->toUtf8()))
                                       : *value;
                };
                editing.summary.append(tr("%1: %2 → %3").arg(entry.key, shown(old), shown(now)));
            }
            editing.summary.append(tr("the whole file replaced"));
            document = replacement;
            return {};
        });
}

void ComposeConfigSession::beginPush(const KeyedConfigState &state, bool restart, const QString &auditAction,
    const QString &refused, std::function<Result<void>(DotEnvDocument &document)> edit)
{
    Push &push = *m_push;
    push.auditAction = auditAction;
    push.restart = restart;
    push.backupSuffix
        = u".clusterdesk-%1.bak"_s.arg(QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd'T'HHmmss'Z'"_s));
    const auto finishSoon = [this] { QTimer::singleShot(0, this, [this] { pushDone(); }); };
    if (!refused.isEmpty()) {
        push.report.error = refused;
        return finishSoon();
    }
    if (const Result<void> link = ensureLink(); !link) {
        push.report.error = link.error().message;
        return finishSoon();
    }
    const QString expected = state.versions.value(envPath());
    if (expected.isEmpty()) {
        QStringList keys;
        for (const KeyedConfigEntry &entry : entries())
            keys.append(entry.key);
        push.report.error = tr("%1 was not read (or does not exist on %2): read the configuration first; "
                               "create the file with the keys %3 if it is missing.")
                                .arg(envPath(), hostName(), keys.join(u", "_s));
        return finishSoon();
    }

    // Read again: to refuse a file someone changed since, and for the text to edit.
    Q_EMIT progress(tr("Reading %1 on %2").arg(envPath(), hostName()));
    RemoteFileOp op;
    op.kind = RemoteFileOp::Kind::Read;
    op.path = envPath();
    m_link->file(
        op,
        [this, expected, edit = std::move(edit)](const Result<RemoteFileResult> &file) {
            Push &reading = *m_push;
            if (!file) {
                reading.report.error = file.error().message;
                return pushDone();
            }
            if (!file->exists || sha256Hex(file->content) != expected) {
                reading.report.error
                    = tr("%1 on %2 changed since it was read. Read it again and repeat the change.")
                          .arg(envPath(), hostName());
                return pushDone();
            }
            Result<DotEnvDocument> document
                = DotEnvDocument::parse(file->content, hostName() + u':' + envPath());
            if (!document) {
                reading.report.error = document.error().message;
                return pushDone();
            }
            reading.before = file->content;
            reading.secrets.append(secretsIn(*document));
            if (m_audit) {
                for (const QByteArray &secret : std::as_const(reading.secrets))
                    m_audit->addForbiddenValue(secret);
            }
            if (Result<void> edited = edit(*document); !edited) {
                reading.report.error = edited.error().message;
                return pushDone();
            }
            reading.after = document->toBytes();
            if (reading.after == reading.before) {
                reading.report.outcome = PushReport::Outcome::Applied;
                reading.report.log.append(
                    tr("every value is already as requested: nothing written, nothing restarted"));
                return pushDone();
            }
            pushWrite();
        },
        m_options.commandTimeout);
}

void ComposeConfigSession::pushWrite()
{
    Q_EMIT progress(tr("Writing %1 on %2").arg(envPath(), hostName()));
    RemoteFileOp stage;
    stage.kind = RemoteFileOp::Kind::Stage;
    stage.path = envPath();
    stage.content = m_push->after;
    m_link->file(
        stage,
        [this](const Result<RemoteFileResult> &staged) {
            Push &push = *m_push;
            if (!staged) {
                push.report.error = staged.error().message;
                return pushDone();
            }
            push.stagedPath = staged->stagedPath;
            push.report.log.append(tr("%1: staged %2").arg(hostName(), staged->stagedPath));
            RemoteFileOp commit;
            commit.kind = RemoteFileOp::Kind::Commit;
            commit.path = envPath();
            commit.stagedPath = push.stagedPath;
            commit.backupSuffix = push.backupSuffix;
            commit.expectedSha256 = QCryptographicHash::hash(push.after, QCryptographicHash::Sha256);
            m_link->file(
                commit,
                [this](const Result<RemoteFileResult> &committed) {
                    Push &done = *m_push;
                    if (!committed)
                        return pushCommitFailed(committed.error().message);
                    done.report.outcome = PushReport::Outcome::Applied;
                    done.report.backups.append(hostName() + u':' + committed->backupPath);
                    done.report.log.append(
                        tr("%1: replaced %2 (backup %3)").arg(hostName(), envPath(), committed->backupPath));
                    if (done.restart)
                        pushRestart();
                    else
                        pushDone();
                },
                m_options.commandTimeout);
        },
        m_options.commandTimeout);
}

// The commit's answer was an error, but its rename may have happened before the
// answer was lost: look at the file and put the backup back if it holds the new text.
void ComposeConfigSession::pushCommitFailed(const QString &error)
{
    Push &push = *m_push;
    push.report.error = tr("replacing %1 on %2 failed: %3").arg(envPath(), hostName(), error);
    push.report.log.append(push.report.error);
    RemoteFileOp read;
    read.kind = RemoteFileOp::Kind::Read;
    read.path = envPath();
    m_link->file(
        read,
        [this](const Result<RemoteFileResult> &current) {
            Push &looked = *m_push;
            const QString backup = envPath() + looked.backupSuffix;
            if (current && current->exists && current->content == looked.before) {
                looked.report.outcome = PushReport::Outcome::NothingChanged;
                looked.report.log.append(tr("%1: %2 holds the old text").arg(hostName(), envPath()));
                RemoteFileOp discard;
                discard.kind = RemoteFileOp::Kind::Discard;
                discard.path = looked.stagedPath;
                m_link->file(discard, [this](const Result<RemoteFileResult> &) { pushDone(); });
                return;
            }
            if (!current) {
                looked.report.outcome = PushReport::Outcome::Mixed;
                looked.report.log.append(
                    tr("%1: cannot look at %2: %3. It holds either the old or the new text, "
                       "never a mix; the backup is %4")
                        .arg(hostName(), envPath(), current.error().message, backup));
                return pushDone();
            }
            RemoteFileOp restore;
            restore.kind = RemoteFileOp::Kind::Restore;
            restore.path = envPath();
            restore.backupPath = backup;
            m_link->file(
                restore,
                [this, backup](const Result<RemoteFileResult> &restored) {
                    Push &restoring = *m_push;
                    if (restored) {
                        restoring.report.outcome = PushReport::Outcome::RolledBack;
                        restoring.report.log.append(
                            tr("%1: %2 put back from its backup").arg(hostName(), envPath()));
                    } else {
                        restoring.report.outcome = PushReport::Outcome::Mixed;
                        restoring.report.log.append(
                            tr("%1: putting %2 back from %3 failed: %4")
                                .arg(hostName(), envPath(), backup, restored.error().message));
                    }
                    pushDone();
                },
                m_options.commandTimeout);
        },
        m_options.commandTimeout);
}

// Containers keep the environment they were created with: stop the service, bring it
// up again (which recreates the containers whose environment changed), wait until
// every container runs and is healthy.
void ComposeConfigSession::pushRestart()
{
    Push &push = *m_push;
    Q_EMIT progress(tr("Reading the service's containers"));
    push.probeDone = [this](const ComposeStatus &status) {
        Push &listed = *m_push;
        if (!status.ok()) {
            listed.report.restartError = tr("reading the containers failed: %1").arg(status.error);
            return pushDone();
        }
        listed.containers = status.desired();
        const std::chrono::seconds warmup = m_options.readyTimeout.count() > 0
            ? m_options.readyTimeout
            : std::chrono::seconds(m_profile.preset.warmupSeconds) * std::max(1, listed.containers);
        listed.limit = std::max(warmup, std::chrono::seconds(1));
        Q_EMIT progress(tr("Stopping the service"));
        m_link->run(composeCommand(u"stop"_s), m_options.commandTimeout,
            [this](const Result<SshCommandResult> &stopped) {
                Push &stopping = *m_push;
                if (!stopped || stopped->exitStatus != 0) {
                    stopping.report.restartError
                        = tr("docker compose stop failed: %1")
                              .arg(stopped ? QString::fromUtf8(stopped->standardError).trimmed()
                                           : stopped.error().message);
                    return pushDone();
                }
                stopping.report.log.append(
                    tr("stopped the service (%n container(s))", nullptr, stopping.containers));
                Q_EMIT progress(tr("Bringing the service up with the new values"));
                m_link->run(composeCommand(u"up -d"_s), m_options.commandTimeout,
                    [this](const Result<SshCommandResult> &up) {
                        Push &starting = *m_push;
                        if (!up || up->exitStatus != 0) {
                            starting.report.restartError
                                = tr("docker compose up -d failed: %1")
                                      .arg(up ? QString::fromUtf8(up->standardError).trimmed()
                                              : up.error().message);
                            return pushDone();
                        }
                        starting.report.log.append(tr("brought the service up (docker compose up -d)"));
                        starting.deadline = QDeadlineTimer(starting.limit);
                        waitReady();
                    });
            });
    };
    if (!m_probe->refresh(m_options.commandTimeout)) {
        push.probeDone = nullptr;
        push.report.restartError = tr("the Compose host is busy; restart the service by hand");
        pushDone();
    }
}

void ComposeConfigSession::waitReady()
{
    Push &push = *m_push;
    push.probeDone = [this](const ComposeStatus &status) {
        Push &waiting = *m_push;
        if (status.ok() && status.ready() >= waiting.containers && status.desired() >= waiting.containers) {
            for (const ComposeContainer &container : status.containers)
                waiting.report.restarted.append(container.name);
            waiting.report.log.append(
                tr("%n container(s) running and healthy again", nullptr, status.ready()));
            return pushDone();
        }
        if (waiting.deadline.hasExpired()) {
            waiting.report.restartError
                = tr("the service was not ready within %1 s: %2")
                      .arg(waiting.limit.count())
                      .arg(status.ok()
                              ? tr("%1 of %2 container(s) ready").arg(status.ready()).arg(waiting.containers)
                              : status.error);
            return pushDone();
        }
        QTimer::singleShot(std::chrono::seconds(1), this, [this] { waitReady(); });
    };
    if (!m_probe->refresh(m_options.commandTimeout)) {
        // One is still in flight (nobody else starts them here): try again shortly.
        push.probeDone = nullptr;
        QTimer::singleShot(std::chrono::milliseconds(200), this, [this] { waitReady(); });
    }
}

void ComposeConfigSession::pushDone()
{
    std::unique_ptr<Push> push = std::move(m_push);
    finishPush(
        push->report, push->auditAction, {hostName() + u':' + envPath()}, push->summary, push->secrets);
}
