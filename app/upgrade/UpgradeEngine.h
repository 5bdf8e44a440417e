#pragma once

#include "UpgradeReport.h"
#include "UpgradeRequest.h"
#include "UpgradeWorker.h"
#include "core/WorkerThread.h"
#include "profile/ProfileFile.h"
#include "secrets/ProfileSecrets.h"

#include <QObject>

#include <atomic>
#include <memory>

class SecretStore;

// The guided upgrade as the GUI and the CLI see it. Every call returns at once; the
// work runs in an UpgradeWorker on a thread of its own and answers come back as
// signals on the caller's thread. Typical use:
//
//   open() -> ready(); assess(request) -> assessed(); start(request) -> runStarted(),
//   stepStarted()/stepProgress()/stepFinished()..., then finished() or paused();
//   after paused(): retry(), abort() or showLog(node).
//
// resume() continues a run the journal shows unfinished (a console killed mid-run).
class UpgradeEngine final : public QObject
{
    Q_OBJECT

public:
    UpgradeEngine(LoadedProfile profile, SecretStore *secrets, UpgradeWorker::Options options,
        QObject *parent = nullptr);
    ~UpgradeEngine() override;

    const LoadedProfile &profile() const { return m_profile; }

    // Reads the keychain entries the profile names; ready() follows (problems lists
    // the entries that could not be read, by name).
    void open();
    QStringList keychainProblems() const { return m_problems; }

    void assess(const UpgradeRequest &request);
    void start(const UpgradeRequest &request);
    void resume();
    void retry();
    void abort();
    void showLog(const QString &node);
    // Asks the run to pause before its next step; a step under way finishes first.
    void requestPause();
    bool busy() const { return m_busy; }

    // The newest unfinished run of this profile in the local journal, if any; read
    // synchronously from the local file (not the network).
    static std::optional<UpgradeJournal::RunRecord> interruptedRun(
        const QString &profilePath, const QString &journalPath = {});

Q_SIGNALS:
    void ready();
    void assessed(const UpgradeAssessment &assessment);
    void runStarted(const UpgradePlan &plan, qint64 runId);
    void stepStarted(int step, const QString &description);
    void stepProgress(int step, qint64 done, qint64 total);
    void logLine(const QString &line);
    void stepFinished(int step, bool ok, const QString &detail, qint64 elapsedMs);
    void paused(int step, const QString &reason);
    void finished(const UpgradeReport &report);
    void logTailRead(const QString &node, const QString &text, const QString &error);

private:
    void post(std::function<void(UpgradeWorker *)> call);

    LoadedProfile m_profile;
    SecretStore *m_store;
    UpgradeWorker::Options m_options;
    ProfileSecrets m_keychain;
    QStringList m_problems;
    std::shared_ptr<std::atomic_bool> m_cancel = std::make_shared<std::atomic_bool>(false);
    std::shared_ptr<std::atomic_bool> m_pause = std::make_shared<std::atomic_bool>(false);
    WorkerThread m_thread;
    UpgradeWorker *m_worker = nullptr;
    bool m_busy = false;
};
