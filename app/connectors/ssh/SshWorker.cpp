#include "SshWorker.h"

#include "KnownHostsFile.h"
#include "SshLogging.h"

#include <QDir>

SshWorker::SshWorker(
    SshConnectionSettings settings, SshCredentials credentials, std::shared_ptr<const std::atomic_bool> abort)
    : m_settings(std::move(settings))
    , m_credentials(std::move(credentials))
    , m_abort(std::move(abort))
{ }

SshWorker::~SshWorker() = default;

void SshWorker::enqueue(const Request &request)
{
    if (!m_keepalive) {
        // Created here, on the worker's thread, so the timer belongs to it.
        m_keepalive = new QTimer(this);
        m_keepalive->setInterval(m_settings.keepaliveInterval);
        connect(m_keepalive, &QTimer::timeout, this, &SshWorker::keepalive);
    }
    m_pending.push_back(request);
    if (!m_awaitingDecision)
        processQueue();
}

void SshWorker::processQueue()
{
    while (!m_pending.empty() && !m_awaitingDecision && !*m_abort) {
        if (!m_session || !m_session->isConnected()) {
            const Result<Ready> ready = establish();
            if (!ready) {
                failAll(ready.error());
                return;
            }
            if (*ready == Ready::AwaitingDecision)
                return;
        }
        const Request request = m_pending.front();
        m_pending.pop_front();
        if (request.file) {
            if (const std::optional<Result<RemoteFileResult>> result = executeFile(request))
                answerFile(request, *result);
        } else if (const std::optional<Result<SshCommandResult>> result = execute(request)) {
            answer(request, *result);
        }
    }
    if (m_keepalive && m_session)
        m_keepalive->start();
}

Result<SshWorker::Ready> SshWorker::establish()
{
    dropSession();
    m_session = std::make_unique<SshSession>(m_settings);
    if (const Result<void> connected = m_session->connect(); !connected) {
        dropSession();
        return std::unexpected(connected.error());
    }
    const Result<SshSession::HostKeyState> state = m_session->checkHostKey();
    if (!m_session->hostKey().host.isEmpty())
        m_lastHostKey = m_session->hostKey();
    if (!state) {
        if (m_session->hostKeyMismatch())
            Q_EMIT hostKeyMismatch(m_session->hostKey());
        dropSession();
        return std::unexpected(state.error());
    }
    if (*state == SshSession::HostKeyState::Unknown) {
        const HostKeyInfo &key = m_session->hostKey();
        if (m_settings.policy == HostKeyPolicy::AcceptNewHostKeys) {
            qCInfo(lcSsh) << "accepting new host key" << key.fingerprint << "of" << key.host << key.port;
            if (const Result<void> saved = m_session->saveHostKey(); !saved) {
                dropSession();
                return std::unexpected(saved.error());
            }
        } else if (key.fingerprint != m_trustedOnce) {
            qCInfo(lcSsh) << "unknown host key" << key.fingerprint << "of" << key.host << key.port
                          << "; asking";
            m_awaitingDecision = true;
            Q_EMIT hostKeyUnknown(key);
            return Ready::AwaitingDecision;
        }
    }
    if (const Result<void> authenticated = authenticate(); !authenticated)
        return std::unexpected(authenticated.error());
    return Ready::Yes;
}

Result<void> SshWorker::authenticate()
{
    const Result<void> authenticated = m_session->authenticate(m_credentials);
    if (!authenticated) {
        qCWarning(lcSsh).noquote() << authenticated.error().message;
        dropSession();
        return authenticated;
    }
    qCDebug(lcSsh) << "authenticated to" << m_session->address();
    return {};
}

void SshWorker::decide(HostKeyDecision decision)
{
    if (!m_awaitingDecision || !m_session) {
        qCDebug(lcSsh) << "host key decision without a pending question; ignored";
        return;
    }
    m_awaitingDecision = false;
    const HostKeyInfo key = m_session->hostKey();
    switch (decision) {
    case HostKeyDecision::Cancel:
        qCInfo(lcSsh) << "host key" << key.fingerprint << "of" << key.host << key.port << "refused";
        dropSession();
        failAll(Error {tr("the host key of %1:%2 (%3) was not accepted; nothing was run")
                           .arg(key.host)
                           .arg(key.port)
                           .arg(key.fingerprint)});
        return;
    case HostKeyDecision::Save:
        if (const Result<void> saved = m_session->saveHostKey(); !saved) {
            dropSession();
            failAll(saved.error());
            return;
        }
        break;
    case HostKeyDecision::Once:
        qCInfo(lcSsh) << "host key" << key.fingerprint << "of" << key.host << key.port
                      << "trusted for this session";
        m_trustedOnce = key.fingerprint;
        break;
    }
    if (const Result<void> authenticated = authenticate(); !authenticated) {
        failAll(authenticated.error());
        return;
    }
    processQueue();
}

void SshWorker::removeKnownHost()
{
    const QString file = m_settings.knownHostsFile.isEmpty()
        ? QDir::home().filePath(QStringLiteral(".ssh/known_hosts"))
        : m_settings.knownHostsFile;
    // The host as last connected to (after ~/.ssh/config's HostName), else as configured.
    const bool connectedBefore = !m_lastHostKey.host.isEmpty();
    const QString name = connectedBefore ? m_lastHostKey.host : m_settings.target.host;
    const int port = connectedBefore ? m_lastHostKey.port : m_settings.target.port;
    dropSession();
    m_trustedOnce.clear();
    if (m_awaitingDecision) {
        m_awaitingDecision = false;
        failAll(Error {tr("the known host key of %1:%2 was removed before the new one was accepted; "
                          "nothing was run")
                           .arg(name)
                           .arg(port)});
    }
    const Result<int> removed = KnownHostsFile::removeHost(file, name, port);
    if (removed)
        qCInfo(lcSsh) << "removed" << *removed << "known_hosts line(s) of" << name << port << "from" << file;
    Q_EMIT knownHostRemoved(KnownHostRemoval {removed});
}

std::optional<Result<SshCommandResult>> SshWorker::execute(const Request &request)
{
    if (m_keepalive)
        m_keepalive->stop();
    Result<SshHandles::ChannelPtr> channel = m_session->start(request.command);
    if (!channel) {
        // A dead session fails here, before the command ran: reconnect once.
        qCDebug(lcSsh).noquote() << channel.error().message << "; reconnecting";
        const Result<Ready> ready = establish();
        if (!ready)
            return std::unexpected(ready.error());
        if (*ready == Ready::AwaitingDecision) {
            // The key became unknown between connections: ask again, keep the request.
            m_pending.push_front(request);
            return std::nullopt;
        }
        channel = m_session->start(request.command);
        if (!channel)
            return std::unexpected(channel.error());
    }
    qCDebug(lcSsh) << "running command" << request.id << "on" << m_session->address();
    return m_session->finish(std::move(*channel), request.timeout, *m_abort);
}

void SshWorker::answer(const Request &request, const Result<SshCommandResult> &result)
{
    if (!result && m_session && !m_session->isConnected())
        dropSession();
    if (request.file) { // only failAll() answers a file request here
        answerFile(request,
            result ? failure(tr("internal error: a file request ran as a command"))
                   : std::unexpected(result.error()));
        return;
    }
    if (request.facts) {
        Q_EMIT factsRead(NodeFactsReply {request.id,
            result ? NodeFactsQuery::parse(*result) : Result<NodeFacts>(std::unexpected(result.error()))});
    } else {
        Q_EMIT commandFinished(SshCommandReply {request.id, result});
    }
}

std::optional<Result<RemoteFileResult>> SshWorker::executeFile(const Request &request)
{
    if (m_keepalive)
        m_keepalive->stop();
    if (!m_session->isConnected()) {
        const Result<Ready> ready = establish();
        if (!ready)
            return std::unexpected(ready.error());
        if (*ready == Ready::AwaitingDecision) {
            m_pending.push_front(request);
            return std::nullopt;
        }
    }
    if (!m_files) {
        SshSession *session = m_session.get();
        m_files = std::make_unique<RemoteFiles>(session->handle(), session->address(),
            [this, session](const QString &command) -> Result<std::pair<int, QByteArray>> {
                Result<SshHandles::ChannelPtr> channel = session->start(command);
                if (!channel)
                    return std::unexpected(channel.error());
                const Result<SshCommandResult> done
                    = session->finish(std::move(*channel), m_fileTimeout, *m_abort);
                if (!done)
                    return std::unexpected(done.error());
                return std::pair {done->exitStatus, done->standardError};
            });
    }
    m_fileTimeout = request.timeout;
    qCDebug(lcSsh) << "file operation" << request.id << int(request.file->kind) << "on"
                   << m_session->address();
    return m_files->perform(*request.file);
}

void SshWorker::answerFile(const Request &request, const Result<RemoteFileResult> &result)
{
    if (!result && m_session && !m_session->isConnected())
        dropSession();
    Q_EMIT fileOpFinished(RemoteFileReply {request.id, request.file->kind, request.file->path, result});
}

void SshWorker::dropSession()
{
    m_files.reset(); // its SFTP channel lives on the session
    m_session.reset();
}

void SshWorker::failAll(const Error &error)
{
    std::deque<Request> failed;
    failed.swap(m_pending);
    for (const Request &request : failed)
        answer(request, std::unexpected(error));
}

void SshWorker::keepalive()
{
    if (!m_session || m_awaitingDecision)
        return;
    if (!m_session->sendKeepalive()) {
        qCDebug(lcSsh) << "session to" << m_session->address() << "is dead; reconnecting on next request";
        dropSession();
        m_keepalive->stop();
    }
}
