#include "DiagnosticsEngine.h"

#include "DiagnosticsWorker.h"
#include "StatusJson.h"
#include "config/KeyedConfigSession.h"
#include "secrets/ClusterCredentials.h"
#include "status/ClusterPoller.h"

#include <QThread>

DiagnosticsEngine::DiagnosticsEngine(
    LoadedProfile profile, SecretStore *secrets, DiagnosticsOptions options, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_store(secrets)
    , m_options(std::move(options))
{
    qRegisterMetaType<DiagnosticsResult>();
}

DiagnosticsEngine::~DiagnosticsEngine()
{
    // A collection under way stops at its next step; the thread is waited for, so
    // nothing outlives the engine (and a cancelled bundle leaves no file).
    *m_cancel = true;
    if (m_worker)
        m_worker->requestCancel();
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
    }
}

QStringList DiagnosticsEngine::sourcesOf(const ClusterProfile &profile)
{
    return DiagnosticsWorker::sourcesOf(profile);
}

QString DiagnosticsEngine::bundleName(const QString &cluster, const QDateTime &utc)
{
    return DiagnosticsWorker::bundleName(cluster, utc);
}

void DiagnosticsEngine::start()
{
    if (m_busy)
        return;
    m_busy = true;
    m_cancelled = false;
    *m_cancel = false;
    Q_EMIT sourcesPlanned(sourcesOf(m_profile.profile));
    m_keychain.load(m_store, ProfileSecrets::entriesOf(m_profile.profile), this, [this] {
        if (m_cancelled)
            return;
        // The status as the dashboard shows it, taken once, goes into the bundle.
        ClusterPoller::Options options;
        options.hostKeyPolicy = m_options.hostKeyPolicy;
        options.refuseUnknownHostKeys = m_options.hostKeyPolicy != HostKeyPolicy::AcceptNewHostKeys;
        options.httpTimeout = std::chrono::milliseconds(m_options.httpTimeoutMs);
        options.sshTimeout = m_options.idleTimeout;
        options.orchestratorTimeout = std::chrono::milliseconds(m_options.httpTimeoutMs);
        m_poller = new ClusterPoller(m_profile, m_store, options, this);
        for (const QString &source : sourcesOf(m_profile.profile))
            Q_EMIT sourceProgress(source, tr("taking the status"), 0);
        connect(m_poller, &ClusterPoller::refreshFinished, this, [this] {
            const QByteArray status = QByteArray::fromStdString(
                StatusJson::toJson(m_poller->status(), m_poller->assessment()).dump());
            m_poller->stop();
            m_poller->deleteLater();
            if (m_cancelled)
                return;
            // Hosts: the worker checks the files it reads from the nodes itself.
            if (m_profile.profile.deployment.kind == DeploymentKind::Hosts)
                collect(status);
            else
                readKeyedChecks(status);
        });
        m_poller->refreshNow();
    });
}

// Kubernetes and Compose keep the configuration in Secrets, ConfigMaps or the .env:
// the same checks as Cluster ▸ Configuration runs, read-only. A failure to read goes
// into the bundle as the reason instead of the checks.
void DiagnosticsEngine::readKeyedChecks(const QByteArray &statusJson)
{
    ConfigSession::Options options;
    options.hostKeyPolicy = m_options.hostKeyPolicy;
    options.connectTimeout = m_options.connectTimeout;
    options.commandTimeout = m_options.idleTimeout;
    m_keyed = KeyedConfigSession::create(m_profile, m_store, options, this);
    if (!m_keyed) {
        collect(statusJson);
        return;
    }
    for (const QString &source : sourcesOf(m_profile.profile))
        Q_EMIT sourceProgress(source, tr("checking the configuration"), 0);
    connect(m_keyed, &KeyedConfigSession::hostKeyUnknown, m_keyed,
        [keyed = m_keyed] { keyed->acceptHostKey(HostKeyDecision::Cancel); });
    connect(m_keyed, &KeyedConfigSession::ready, m_keyed, [keyed = m_keyed] { keyed->read(); });
    connect(m_keyed, &KeyedConfigSession::stateRead, this,
        [this, statusJson](const KeyedConfigStateResult &read) {
            const QByteArray checks = read.result
                ? DiagnosticsWorker::checksJson(m_keyed->checks(*read.result))
                : DiagnosticsWorker::checksJson({}, read.result.error().message);
            m_keyed->deleteLater();
            if (!m_cancelled)
                collect(statusJson, checks);
        });
    m_keyed->open();
}

void DiagnosticsEngine::collect(const QByteArray &statusJson, const QByteArray &checksJson)
{
    m_thread = std::make_unique<QThread>();
    m_thread->setObjectName(QStringLiteral("clusterdesk-diagnostics"));
    m_worker = new DiagnosticsWorker(
        m_profile, ClusterCredentials::from(m_profile.profile, m_keychain), m_options, m_cancel);
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &DiagnosticsWorker::sourceProgress, this, &DiagnosticsEngine::sourceProgress);
    connect(m_worker, &DiagnosticsWorker::sourceFinished, this, &DiagnosticsEngine::sourceFinished);
    connect(m_worker, &DiagnosticsWorker::finished, this, [this](const DiagnosticsResult &result) {
        m_busy = false;
        m_worker = nullptr; // deleted with the thread's end
        m_thread->quit();
        Q_EMIT finished(result);
    });
    m_thread->start();
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, statusJson, checksJson] { worker->collect(statusJson, checksJson); },
        Qt::QueuedConnection);
}

void DiagnosticsEngine::cancel()
{
    if (!m_busy || m_cancelled)
        return;
    m_cancelled = true;
    *m_cancel = true;
    if (m_worker) {
        m_worker->requestCancel(); // thread-safe; the worker answers with finished()
        return;
    }
    // Still reading the keychain or taking the status: nothing was written yet.
    if (m_poller) {
        m_poller->stop();
        m_poller->deleteLater();
    }
    if (m_keyed)
        m_keyed->deleteLater();
    m_busy = false;
    DiagnosticsResult result;
    result.cancelled = true;
    result.error = tr("Cancelled; no file was written.");
    Q_EMIT finished(result);
}
