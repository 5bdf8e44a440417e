#pragma once

#include "UpgradeJournal.h"
#include "UpgradeLock.h"
#include "UpgradeReport.h"
#include "UpgradeRequest.h"
#include "connectors/db/DatabaseStatus.h"
#include "connectors/http/NodeHttpStatus.h"
#include "connectors/ssh/SshTypes.h"
#include "profile/ProfileFile.h"
#include "secrets/ClusterCredentials.h"
#include "upgrade/Preflight.h"
#include "upgrade/UpgradePlan.h"
#include "upgrade/UpgradeRun.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMetaType>
#include <QObject>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>

class KubeSyncClient;
class QNetworkAccessManager;
class SshShell;

// What the checks found before an upgrade: the facts, the judgement and the plan
// that would run.
struct UpgradeAssessment
{
    UpgradeRequest request; // with the package's SHA-256 and the schema's version filled in
    UpgradeInputs inputs;
    QList<PreflightCheck> checks;
    Preflight::Outcome outcome = Preflight::Outcome::Blocked;
    UpgradePlan plan;
    QString error; // the checks could not run at all (no journal, no profile data)
};

Q_DECLARE_METATYPE(UpgradeAssessment)

// Carries out an upgrade on a thread of its own: every call blocks that thread,
// never the caller's (see UpgradeEngine, which owns it). One run at a time, driven
// by the journal: every step is written there before and after it acts.
class UpgradeWorker final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        HostKeyPolicy hostKeyPolicy = HostKeyPolicy::AskForNewHostKeys;
        QString journalPath; // empty: the default
        QString reportFolder; // empty: the default
        std::chrono::seconds stopTimeout {120}; // per node, until it is verified down
        std::chrono::seconds commandTimeout {600}; // install, backup, ...
        std::chrono::seconds healthTimeout {0}; // 0: the preset's warm-up
        int httpTimeoutMs = 5000;
    };

    UpgradeWorker(LoadedProfile profile, ClusterCredentials secrets, Options options,
        std::shared_ptr<std::atomic_bool> cancel, std::shared_ptr<std::atomic_bool> pauseRequested);
    ~UpgradeWorker() override;

    // Each is called on the worker's thread (queued by UpgradeEngine).
    void assess(const UpgradeRequest &request);
    void start(const UpgradeRequest &request);
    void resume();
    void retry();
    void abortRun();
    void tailLog(const QString &node);
    void shutdown(); // releases the lock and the connections before the thread ends

Q_SIGNALS:
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
    struct StepResult
    {
        bool ok = false;
        QString detail;
    };

    // Gathering and judging
    UpgradeAssessment gather(UpgradeRequest request, bool forResume);
    void gatherHosts(UpgradeAssessment &a);
    void gatherDatabase(UpgradeAssessment &a);
    void gatherPackage(UpgradeAssessment &a);
    QList<PreflightCheck> appChecks(const UpgradeAssessment &a) const;

    // The run
    Result<void> openJournal();
    bool takeLock(UpgradeReport &refusal);
    void runSteps();
    StepResult runStep(const UpgradeStep &step);
    void finishRun(UpgradeReport::Outcome outcome, const QString &summary);
    UpgradeReport report(UpgradeReport::Outcome outcome, const QString &summary) const;
    void refuse(const UpgradeRequest &request, const QString &by, const QString &summary,
        const QStringList &instructions = {});
    void log(const QString &line);

    // Steps shared by every deployment
    StepResult backupDatabase();
    StepResult verifySchema();
    StepResult finalCheck();

    // Hosts (UpgradeHostSteps.cpp)
    StepResult stopAll();
    StepResult verifyStopped();
    StepResult backupConfig();
    StepResult upload(const QString &node, int step);
    StepResult verifyPackage(const QString &node);
    StepResult install(const QString &node);
    StepResult startNode(const QString &node);
    StepResult verifyNode(const QString &node);

    // Kubernetes and Compose (UpgradeOrchestratedSteps.cpp). A replica is a Pod or a
    // container of the service; the profile's node k is the k-th replica's address.
    struct Replica
    {
        QString name;
        QString image;
        bool alive = false; // Kubernetes: the pod exists; Compose: the container runs
        bool ready = false;
        QString state; // in words, for messages: "waiting (CrashLoopBackOff), 3 restarts"
        bool cannotStart = false; // its image cannot be pulled: waiting will not help
    };
    struct Replicas
    {
        QString error; // they could not be read
        int desired = -1; // Kubernetes: spec.replicas; Compose: the containers of the service
        QString image; // Kubernetes: the Deployment's; Compose: the .env's image variable
        QMap<QString, QString> selector; // Kubernetes: the Deployment's pods
        QList<Replica> replicas;
    };
    void gatherOrchestrated(UpgradeAssessment &a);
    Replicas readReplicas();
    Result<QString> readComposeImage(QByteArray *envText = nullptr);
    QString composeCommand(const QString &arguments) const;
    // `docker compose ARGUMENTS` on the Compose host: its output, or why it failed
    // (a non-zero exit included).
    Result<QByteArray> runCompose(
        const QString &arguments, std::chrono::milliseconds timeout, bool logged = true);
    Result<KubeSyncClient *> kube();
    Result<SshShell *> composeShell();
    std::optional<QByteArray> rememberedHpa() const; // from the RememberReplicas step's detail
    StepResult rememberReplicas();
    StepResult pauseHpa();
    StepResult scaleToZero();
    StepResult stopService();
    StepResult verifyNoReplicas();
    StepResult setImage();
    StepResult scaleTo(int replicas);
    StepResult verifyReplicas(int replicas);
    StepResult restoreHpa();
    QString finalReplicaCheck(QStringList &problems, QStringList &lines); // returns the image in use
    void tailReplicaLog(const QString &node);
    // Waits a quarter of a second before the next look; false when the run is cancelled.
    bool nextLook() const;

    // Connections, blocking
    const NodeSpec *nodeSpec(const QString &name) const;
    Result<SshShell *> shell(const QString &node);
    Result<SshCommandResult> run(
        const QString &node, const QString &command, std::chrono::milliseconds timeout);
    Result<QString> nodeCommand(
        const QString &node, const QString &templ, const QMap<QString, QString> &extra = {});
    Result<QString> packagePathOn(const QString &node);
    NodeHttpStatus probeHttp(const NodeSpec &node, bool readVersion);
    QList<NodeHttpStatus> probeAll(const QList<NodeSpec> &nodes, bool readVersion); // at once
    Version nodeVersion(const QString &node, const NodeHttpStatus &http, QString *why);
    DatabaseStatus readDatabase();
    Version schemaVersionOf(const DatabaseStatus &status) const;

    LoadedProfile m_profile;
    ClusterCredentials m_secrets;
    Options m_options;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::shared_ptr<std::atomic_bool> m_pauseRequested;

    std::unique_ptr<UpgradeJournal> m_journal;
    UpgradeLock m_lock;
    std::map<QString, std::unique_ptr<SshShell>> m_shells; // by node; the Compose host by ComposeShellKey
    std::unique_ptr<KubeSyncClient> m_kube;
    QHash<QString, QString> m_packagePaths; // node -> the package's path there
    QNetworkAccessManager *m_http = nullptr; // made on this thread, on first use

    UpgradeRequest m_request;
    std::optional<UpgradeRun> m_run;
    qint64 m_runId = 0;
    QDateTime m_started;
    QHash<int, qint64> m_elapsed; // step -> ms of its last attempt
    QStringList m_log;
};
