#include "ComposeProbe.h"

#include "ComposeLogging.h"
#include "connectors/ssh/SshNodeConnection.h"
#include "profile/ProfileFile.h"

namespace {

// Compose prints its own error on stderr ("no configuration file provided: not
// found"); a long one is cut for the status line.
constexpr qsizetype MaxErrorText = 2000;

QString trimmedText(const QByteArray &bytes)
{
    QString text = QString::fromUtf8(bytes).trimmed();
    if (text.size() > MaxErrorText)
        text = text.left(MaxErrorText) + QStringLiteral("…");
    return text;
}

} // namespace

ComposeProbe::ComposeProbe(SshNodeConnection *connection, const ComposeSettings &settings, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_settings(settings)
    , m_host(QStringLiteral("%1:%2").arg(settings.host.host).arg(settings.host.port))
    , m_command(ComposeParsing::psCommand(settings))
{
    m_noAnswer.setSingleShot(true);
    connect(&m_noAnswer, &QTimer::timeout, this, &ComposeProbe::onNoAnswer);
    if (connection) {
        connect(connection, &SshNodeConnection::commandFinished, this, &ComposeProbe::onCommandFinished);
        connect(connection, &SshNodeConnection::hostKeyUnknown, this, &ComposeProbe::onHostKeyUnknown);
        connect(connection, &QObject::destroyed, this, &ComposeProbe::onConnectionDestroyed);
    }
}

ComposeProbe::~ComposeProbe() = default;

Result<SshConnectionSettings> ComposeProbe::settingsFor(const LoadedProfile &loaded, HostKeyPolicy policy)
{
    const DeploymentSpec &deployment = loaded.profile.deployment;
    if (deployment.kind != DeploymentKind::Compose)
        return failure(tr("the profile's deployment is %1, not Docker Compose")
                           .arg(ClusterProfile::deploymentKindName(deployment.kind)));
    if (deployment.compose.host.host.isEmpty())
        return failure(tr("the profile names no Compose host"));

    SshConnectionSettings settings;
    settings.target = deployment.compose.host;
    if (settings.target.user.isEmpty())
        settings.target.user = loaded.preset.sshUser;
    if (!settings.target.identity.isEmpty())
        settings.target.identity = ProfileFile::resolvePath(loaded.path, settings.target.identity);
    if (!deployment.knownHosts.isEmpty())
        settings.knownHostsFile = ProfileFile::resolvePath(loaded.path, deployment.knownHosts);
    settings.policy = policy;
    return settings;
}

bool ComposeProbe::refresh(std::chrono::milliseconds timeout)
{
    if (m_pending) {
        qCDebug(lcCompose).noquote() << "refresh of" << m_host << "refused: one is in flight";
        return false;
    }
    if (!m_connection) {
        qCWarning(lcCompose).noquote() << "refresh of" << m_host << "refused: the SSH connection is gone";
        return false;
    }
    m_hostKeyAsked = false;
    m_elapsed.start();
    m_pending = m_connection->run(m_command, timeout);
    m_noAnswer.start(timeout + GraceBeyondTimeout);
    qCDebug(lcCompose).noquote() << "refresh of" << m_host << "started, request" << *m_pending;
    return true;
}

void ComposeProbe::onHostKeyUnknown()
{
    if (m_pending)
        m_hostKeyAsked = true;
}

void ComposeProbe::onCommandFinished(const SshCommandReply &reply)
{
    if (!m_pending || reply.id != *m_pending)
        return; // the caller's own command on the shared connection, or a late answer

    if (!reply.result) {
        // SshNodeConnection's errors are text only. A question asked during this
        // refresh and then refused, or an error about the key (changed, of another
        // type, not accepted), is a host key failure; anything else a connection one.
        const QString &message = reply.result.error().message;
        const bool hostKey
            = m_hostKeyAsked || message.contains(QLatin1StringView("host key"), Qt::CaseInsensitive);
        finish(hostKey ? ComposeStatus::Failure::HostKey : ComposeStatus::Failure::Connection,
            tr("cannot read the Compose status from %1: %2").arg(m_host, message));
        return;
    }

    const SshCommandResult &result = *reply.result;
    if (result.exitStatus != 0) {
        QString output = trimmedText(result.standardError);
        if (output.isEmpty())
            output = tr("(no error output)");
        const QString status
            = result.exitStatus < 0 ? tr("killed by a signal") : tr("exit status %1").arg(result.exitStatus);
        finish(ComposeStatus::Failure::CommandFailed,
            tr("`%1` failed on %2 (%3): %4").arg(m_command, m_host, status, output));
        return;
    }
    if (result.outputTruncated) {
        finish(ComposeStatus::Failure::BadOutput,
            tr("`docker compose ps` on %1 printed more than %2 MiB; it was not read")
                .arg(m_host)
                .arg(SshCommandResult::MaxOutput / (1024 * 1024)));
        return;
    }
    Result<QList<ComposeContainer>> containers = ComposeParsing::ps(result.standardOutput);
    if (!containers) {
        finish(ComposeStatus::Failure::BadOutput,
            tr("cannot read the output of `docker compose ps` on %1: %2")
                .arg(m_host, containers.error().message));
        return;
    }
    // The command names the service; a container of another one would be a Compose
    // that ignored the filter, and is not a node.
    QList<ComposeContainer> ours;
    for (ComposeContainer &container : *containers) {
        if (m_settings.service.isEmpty() || container.service == m_settings.service)
            ours.append(std::move(container));
    }
    finish(ComposeStatus::Failure::None, QString(), std::move(ours));
}

void ComposeProbe::onNoAnswer()
{
    if (!m_pending)
        return;
    // The connection still holds the request (most likely behind an unanswered host
    // key question); its answer, should it come, is dropped by id.
    if (m_hostKeyAsked)
        finish(ComposeStatus::Failure::HostKey,
            tr("cannot read the Compose status from %1: its host key was neither accepted nor refused")
                .arg(m_host));
    else
        finish(ComposeStatus::Failure::Connection,
            tr("cannot read the Compose status from %1: no answer within %2 s")
                .arg(m_host)
                .arg(m_elapsed.elapsed() / 1000));
}

void ComposeProbe::onConnectionDestroyed()
{
    if (m_pending)
        finish(ComposeStatus::Failure::Connection,
            tr("cannot read the Compose status from %1: the SSH connection was closed").arg(m_host));
}

void ComposeProbe::finish(
    ComposeStatus::Failure failure, const QString &error, QList<ComposeContainer> containers)
{
    m_noAnswer.stop();
    m_pending.reset();
    ComposeStatus status;
    status.failure = failure;
    status.error = error;
    status.host = m_host;
    status.containers = std::move(containers);
    status.elapsedMs = m_elapsed.elapsed();
    status.checkedAt = QDateTime::currentDateTimeUtc();
    if (status.ok())
        qCInfo(lcCompose).noquote() << "service" << m_settings.service << "on" << m_host << "-"
                                    << status.ready() << "of" << status.desired() << "ready,"
                                    << status.elapsedMs << "ms";
    else
        qCWarning(lcCompose).noquote() << "refresh failed," << ComposeStatus::failureName(failure) << "after"
                                       << status.elapsedMs << "ms:" << error;
    Q_EMIT finished(status);
}
