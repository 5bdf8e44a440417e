#include "SshNodeConnection.h"

#include "SshLogging.h"
#include "SshWorker.h"
#include "profile/ProfileFile.h"

#include <QThread>

#include <algorithm>

SshNodeConnection::SshNodeConnection(
    SshConnectionSettings settings, SshCredentials credentials, QObject *parent)
    : QObject(parent)
    , m_abort(std::make_shared<std::atomic_bool>(false))
    , m_thread(new QThread)
{
    const QString name = QStringLiteral("ssh %1:%2").arg(settings.target.host).arg(settings.target.port);
    m_thread->setObjectName(name);
    m_worker = new SshWorker(std::move(settings), std::move(credentials), m_abort);
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &SshWorker::hostKeyUnknown, this, &SshNodeConnection::hostKeyUnknown);
    connect(m_worker, &SshWorker::hostKeyMismatch, this, &SshNodeConnection::hostKeyMismatch);
    connect(m_worker, &SshWorker::commandFinished, this, &SshNodeConnection::commandFinished);
    connect(m_worker, &SshWorker::factsRead, this, &SshNodeConnection::factsRead);
    connect(m_worker, &SshWorker::fileOpFinished, this, &SshNodeConnection::fileOpFinished);
    connect(m_worker, &SshWorker::knownHostRemoved, this, &SshNodeConnection::knownHostRemoved);
    m_thread->start();
}

SshNodeConnection::~SshNodeConnection()
{
    // A running command notices within 200 ms; connecting waits for its timeout.
    m_abort->store(true);
}

Result<SshConnectionSettings> SshNodeConnection::settingsFor(
    const LoadedProfile &loaded, const QString &nodeName, HostKeyPolicy policy)
{
    const auto node = std::find_if(loaded.profile.nodes.cbegin(), loaded.profile.nodes.cend(),
        [&](const NodeSpec &spec) { return spec.name == nodeName; });
    if (node == loaded.profile.nodes.cend())
        return failure(tr("the profile has no node %1").arg(nodeName));
    if (!node->ssh)
        return failure(tr("node %1 has no SSH settings in the profile").arg(nodeName));

    SshConnectionSettings settings;
    settings.target = *node->ssh;
    if (settings.target.user.isEmpty())
        settings.target.user = loaded.preset.sshUser;
    if (!settings.target.identity.isEmpty())
        settings.target.identity = ProfileFile::resolvePath(loaded.path, settings.target.identity);
    if (!loaded.profile.deployment.knownHosts.isEmpty())
        settings.knownHostsFile = ProfileFile::resolvePath(loaded.path, loaded.profile.deployment.knownHosts);
    settings.policy = policy;
    return settings;
}

quint64 SshNodeConnection::run(const QString &command, std::chrono::milliseconds timeout)
{
    return post(command, timeout, false);
}

quint64 SshNodeConnection::readFacts(const NodeFactsQuery &query, std::chrono::milliseconds timeout)
{
    return post(query.script(), timeout, true);
}

quint64 SshNodeConnection::post(QString command, std::chrono::milliseconds timeout, bool facts)
{
    const SshWorker::Request request {m_nextId++, std::move(command), timeout, facts, std::nullopt};
    SshWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, request] { worker->enqueue(request); }, Qt::QueuedConnection);
    return request.id;
}

quint64 SshNodeConnection::fileOp(const RemoteFileOp &op, std::chrono::milliseconds timeout)
{
    SshWorker::Request request {m_nextId++, {}, timeout, false, op};
    SshWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, request] { worker->enqueue(request); }, Qt::QueuedConnection);
    return request.id;
}

void SshNodeConnection::acceptHostKey(HostKeyDecision decision)
{
    SshWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, decision] { worker->decide(decision); }, Qt::QueuedConnection);
}

void SshNodeConnection::removeKnownHost()
{
    SshWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker] { worker->removeKnownHost(); }, Qt::QueuedConnection);
}
