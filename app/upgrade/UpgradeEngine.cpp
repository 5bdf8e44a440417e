#include "UpgradeEngine.h"

#include <QThread>

UpgradeEngine::UpgradeEngine(
    LoadedProfile profile, SecretStore *secrets, UpgradeWorker::Options options, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_store(secrets)
    , m_options(std::move(options))
{
    qRegisterMetaType<UpgradeAssessment>();
    qRegisterMetaType<UpgradeReport>();
    qRegisterMetaType<UpgradeRequest>();
    qRegisterMetaType<UpgradePlan>();
}

UpgradeEngine::~UpgradeEngine()
{
    // A step under way is interrupted at its next wait; the worker then releases
    // the lock and its connections on its own thread before the thread ends.
    m_cancel->store(true);
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, &UpgradeWorker::shutdown, Qt::QueuedConnection);
}

void UpgradeEngine::open()
{
    m_keychain.load(m_store, ProfileSecrets::entriesOf(m_profile.profile), this, [this] {
        const ClusterCredentials secrets = ClusterCredentials::from(m_profile.profile, m_keychain);
        const ClusterProfile &p = m_profile.profile;
        for (const QString &name : ProfileSecrets::entriesOf(p)) {
            if (!m_keychain.problem(name).isEmpty())
                m_problems << QStringLiteral("%1: %2").arg(name, m_keychain.problem(name));
        }
        m_thread.reset(new QThread);
        m_thread->setObjectName(QStringLiteral("clusterdesk-upgrade"));
        m_worker = new UpgradeWorker(m_profile, secrets, m_options, m_cancel, m_pause);
        m_worker->moveToThread(m_thread.get());
        connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
        connect(m_worker, &UpgradeWorker::assessed, this, &UpgradeEngine::assessed);
        connect(m_worker, &UpgradeWorker::runStarted, this, &UpgradeEngine::runStarted);
        connect(m_worker, &UpgradeWorker::stepStarted, this, &UpgradeEngine::stepStarted);
        connect(m_worker, &UpgradeWorker::stepProgress, this, &UpgradeEngine::stepProgress);
        connect(m_worker, &UpgradeWorker::logLine, this, &UpgradeEngine::logLine);
        connect(m_worker, &UpgradeWorker::stepFinished, this, &UpgradeEngine::stepFinished);
        connect(m_worker, &UpgradeWorker::paused, this, [this](int step, const QString &reason) {
            m_busy = false;
            Q_EMIT paused(step, reason);
        });
        connect(m_worker, &UpgradeWorker::finished, this, [this](const UpgradeReport &r) {
            m_busy = false;
            Q_EMIT finished(r);
        });
        connect(m_worker, &UpgradeWorker::logTailRead, this, &UpgradeEngine::logTailRead);
        m_thread->start();
        Q_EMIT ready();
    });
}

void UpgradeEngine::post(std::function<void(UpgradeWorker *)> call)
{
    if (!m_worker)
        return;
    UpgradeWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, call = std::move(call)] { call(worker); }, Qt::QueuedConnection);
}

void UpgradeEngine::assess(const UpgradeRequest &request)
{
    post([request](UpgradeWorker *w) { w->assess(request); });
}

void UpgradeEngine::start(const UpgradeRequest &request)
{
    m_busy = true;
    m_pause->store(false);
    post([request](UpgradeWorker *w) { w->start(request); });
}

void UpgradeEngine::resume()
{
    m_busy = true;
    m_pause->store(false);
    post([](UpgradeWorker *w) { w->resume(); });
}

void UpgradeEngine::retry()
{
    m_busy = true;
    m_pause->store(false);
    post([](UpgradeWorker *w) { w->retry(); });
}

void UpgradeEngine::abort()
{
    post([](UpgradeWorker *w) { w->abortRun(); });
}

void UpgradeEngine::showLog(const QString &node)
{
    post([node](UpgradeWorker *w) { w->tailLog(node); });
}

void UpgradeEngine::requestPause()
{
    m_pause->store(true);
}

std::optional<UpgradeJournal::RunRecord> UpgradeEngine::interruptedRun(
    const QString &profilePath, const QString &journalPath)
{
    Result<std::unique_ptr<UpgradeJournal>> journal = UpgradeJournal::open(journalPath);
    if (!journal)
        return std::nullopt;
    Result<std::optional<UpgradeJournal::RunRecord>> found = (*journal)->unfinishedRun(profilePath);
    return found ? *found : std::nullopt;
}
