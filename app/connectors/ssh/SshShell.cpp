#include "SshShell.h"

#include "SshLogging.h"

SshShell::SshShell(SshConnectionSettings settings, SshCredentials credentials)
    : m_settings(std::move(settings))
    , m_credentials(std::move(credentials))
{ }

SshShell::~SshShell()
{
    disconnect();
}

QString SshShell::address() const
{
    return QStringLiteral("%1@%2:%3")
        .arg(m_settings.target.user, m_settings.target.host)
        .arg(m_settings.target.port);
}

void SshShell::disconnect()
{
    m_files.reset();
    m_session.reset();
}

Result<void> SshShell::ensure()
{
    if (m_session && m_session->isConnected())
        return {};
    disconnect();
    auto session = std::make_unique<SshSession>(m_settings);
    if (Result<void> connected = session->connect(); !connected)
        return connected;
    const Result<SshSession::HostKeyState> state = session->checkHostKey();
    if (!state)
        return std::unexpected(state.error());
    if (*state == SshSession::HostKeyState::Unknown) {
        const HostKeyInfo &key = session->hostKey();
        if (m_settings.policy != HostKeyPolicy::AcceptNewHostKeys)
            return failure(tr("The host key of %1 (%2 %3) is not known yet. Accept it first (open the "
                              "dashboard, or run the command again with --accept-new-host-keys).")
                               .arg(address(), key.keyType, key.fingerprint));
        qCInfo(lcSsh) << "accepting new host key" << key.fingerprint << "of" << key.host << key.port;
        if (Result<void> saved = session->saveHostKey(); !saved)
            return saved;
    }
    if (Result<void> authenticated = session->authenticate(m_credentials); !authenticated)
        return authenticated;
    m_hostKey = session->hostKey();
    m_session = std::move(session);
    return {};
}

Result<SshCommandResult> SshShell::run(
    const QString &command, std::chrono::milliseconds timeout, const std::atomic_bool &abort)
{
    return stream(command, timeout, abort, {});
}

Result<SshCommandResult> SshShell::stream(const QString &command, std::chrono::milliseconds timeout,
    const std::atomic_bool &abort, const SshSession::OutputSink &sink)
{
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (Result<void> ready = ensure(); !ready)
            return std::unexpected(ready.error());
        Result<SshHandles::ChannelPtr> channel = m_session->start(command);
        if (!channel) {
            // The channel did not open, so nothing ran: a new session may try once more.
            disconnect();
            if (attempt == 0)
                continue;
            return std::unexpected(channel.error());
        }
        Result<SshCommandResult> done = m_session->finish(std::move(*channel), timeout, abort, sink);
        if (!done)
            disconnect();
        return done;
    }
    return failure(tr("Cannot run a command on %1").arg(address()));
}

RemoteFiles &SshShell::files(const std::atomic_bool &abort)
{
    m_abort = &abort;
    if (!m_files) {
        SshSession *session = m_session.get();
        m_files = std::make_unique<RemoteFiles>(session->handle(), session->address(),
            [this, session](const QString &command) -> Result<std::pair<int, QByteArray>> {
                Result<SshHandles::ChannelPtr> channel = session->start(command);
                if (!channel)
                    return std::unexpected(channel.error());
                const Result<SshCommandResult> done
                    = session->finish(std::move(*channel), std::chrono::seconds(60), *m_abort);
                if (!done)
                    return std::unexpected(done.error());
                return std::pair {done->exitStatus, done->standardError};
            });
    }
    return *m_files;
}

Result<void> SshShell::upload(const QString &localPath, const QString &remotePath,
    const RemoteFiles::Progress &progress, const std::atomic_bool &abort)
{
    if (Result<void> ready = ensure(); !ready)
        return ready;
    Result<void> done = files(abort).upload(localPath, remotePath, progress, abort);
    if (!done && !m_session->isConnected())
        disconnect();
    return done;
}

Result<RemoteFileResult> SshShell::fileOp(const RemoteFileOp &op, const std::atomic_bool &abort)
{
    if (Result<void> ready = ensure(); !ready)
        return std::unexpected(ready.error());
    Result<RemoteFileResult> done = files(abort).perform(op);
    if (!done && !m_session->isConnected())
        disconnect();
    return done;
}
