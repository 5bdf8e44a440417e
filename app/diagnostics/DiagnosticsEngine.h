#pragma once

#include "diagnostics/DiagnosticsTypes.h"
#include "profile/ProfileFile.h"
#include "secrets/ProfileSecrets.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <atomic>
#include <memory>

class ClusterPoller;
class KeyedConfigSession;
class DiagnosticsWorker;
class QThread;
class SecretStore;

// A diagnostics bundle as the GUI and the CLI see it. start() returns at once: the
// keychain is read and the cluster's status taken (as the dashboard takes it), then
// a DiagnosticsWorker on a thread of its own collects every node, the database, the
// orchestrator and Clusterdesk's own records into one redacted zip. Progress comes
// back as signals on the caller's thread; cancel() stops it and leaves no file.
class DiagnosticsEngine final : public QObject
{
    Q_OBJECT

public:
    DiagnosticsEngine(
        LoadedProfile profile, SecretStore *secrets, DiagnosticsOptions options, QObject *parent = nullptr);
    ~DiagnosticsEngine() override;

    const LoadedProfile &profile() const { return m_profile; }
    const DiagnosticsOptions &options() const { return m_options; }

    void start();
    void cancel();
    bool busy() const { return m_busy; }

    // The parts collected side by side, in the order sourcesPlanned() lists them: the
    // nodes (or the Compose host), then "database", "kubernetes", "clusterdesk".
    static QStringList sourcesOf(const ClusterProfile &profile);
    // "clusterdesk-diagnostics-<cluster>-<yyyyMMddTHHmmssZ>.zip", the cluster's name
    // made safe for every file system.
    static QString bundleName(const QString &cluster, const QDateTime &utc);

Q_SIGNALS:
    void sourcesPlanned(const QStringList &sources);
    // `activity` says what the part is doing ("logs/application.log"); bytes so far.
    void sourceProgress(const QString &source, const QString &activity, qint64 bytes);
    // ok false: the part failed as a whole (unreachable); `detail` says why.
    void sourceFinished(const QString &source, bool ok, const QString &detail);
    void finished(const DiagnosticsResult &result);

private:
    void readKeyedChecks(const QByteArray &statusJson);
    void collect(const QByteArray &statusJson, const QByteArray &checksJson = {});

    LoadedProfile m_profile;
    SecretStore *m_store;
    DiagnosticsOptions m_options;
    ProfileSecrets m_keychain;
    QPointer<ClusterPoller> m_poller;
    QPointer<KeyedConfigSession> m_keyed;
    std::shared_ptr<std::atomic_bool> m_cancel = std::make_shared<std::atomic_bool>(false);
    std::unique_ptr<QThread> m_thread;
    DiagnosticsWorker *m_worker = nullptr;
    bool m_busy = false;
    bool m_cancelled = false;
};
