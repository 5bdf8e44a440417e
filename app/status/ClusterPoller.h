#pragma once

#include "ClusterStatus.h"
#include "NodeHistory.h"
#include "connectors/http/HttpProbeWorker.h"
#include "connectors/ssh/SshTypes.h"
#include "profile/ProfileFile.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <memory>

class SecretStore;
class SshNodeConnection;
struct ComposeStatus;
struct DatabaseStatus;
struct KubeStatus;
struct NodeFactsReply;

// Keeps a ClusterStatus of one cluster up to date: every node's health and version
// over HTTP, its facts over SSH, the database, and the replica counts from the
// profile's nodes, the Kubernetes API or the Compose host. Lives on the caller's
// (GUI) thread and never blocks it; the connectors do their waiting elsewhere.
//
// A refresh asks every part that is not still busy with the previous question, all
// at once: a node never has two probes in flight, so a hung node delays nothing but
// itself. Refreshes come every interval() and on refreshNow(). A node that stays
// down is asked less often (every 2, 4, ... up to maxBackoff intervals) until it
// answers again; refreshNow() asks it regardless.
//
// Changes are reported in batches: statusChanged() at most once per event-loop pass,
// however many answers came in, so a 1000-node refresh costs the view a few updates.
class ClusterPoller final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        std::chrono::milliseconds interval {10000};
        std::chrono::milliseconds httpTimeout {5000};
        std::chrono::milliseconds sshTimeout {15000};
        std::chrono::milliseconds orchestratorTimeout {10000};
        HostKeyPolicy hostKeyPolicy = HostKeyPolicy::AskForNewHostKeys;
        // Under AskForNewHostKeys: refuse unknown keys without asking (the CLI without
        // --accept-new-host-keys) instead of emitting hostKeyUnknown().
        bool refuseUnknownHostKeys = false;
        bool readFacts = true; // SSH facts of nodes with an SSH target
        int maxBackoff = 6; // a dead node is asked at least every 6 intervals
    };

    // The name hostKeyUnknown() and friends use for the Compose host.
    static QString composeHostName() { return QStringLiteral("compose host"); }

    ClusterPoller(const LoadedProfile &profile, SecretStore *secrets, const Options &options,
        QObject *parent = nullptr);
    ~ClusterPoller() override;

    const LoadedProfile &profile() const { return m_profile; }
    const Options &options() const { return m_options; }
    void setInterval(std::chrono::milliseconds interval);

    void start(); // refreshes at once, then every interval
    void stop(); // no more refreshes; answers in flight are still taken in
    bool isRunning() const { return m_timer.isActive(); }
    void refreshNow();
    bool isRefreshing() const;

    const ClusterStatus &status() const { return m_status; }
    ClusterAssessment assessment() const;
    // Null for a node never seen.
    const NodeHistory *history(const QString &nodeName) const;

    // Answers hostKeyUnknown() for a node (or composeHostName()).
    void acceptHostKey(const QString &nodeName, HostKeyDecision decision);
    // Deletes the node's (or the Compose host's) old key from known_hosts, so that a
    // changed key can be looked at and accepted; answered by knownHostRemoved().
    void removeKnownHost(const QString &nodeName);

Q_SIGNALS:
    void refreshStarted();
    void statusChanged(); // batched
    void nodeHealthChanged(const QString &nodeName, NodeHealth from, NodeHealth to);
    void refreshFinished(); // every part asked by the latest refresh has answered
    void hostKeyUnknown(const QString &nodeName, const HostKeyInfo &info);
    void knownHostRemoved(const QString &nodeName, const QString &message, bool ok);

private:
    struct Parts;
    // One replica as Kubernetes or Compose reports it, before it is matched to a node.
    struct ReplicaView
    {
        QString name;
        QString address; // pod IP, or the published address
        int port = 0; // 0: the preset's
        bool ready = false;
        int restarts = -1;
        QString state;
        QString placement;
        QDateTime startedAt;
    };

    HostKeyPolicy sshPolicy() const;
    void loadSecrets();
    void secretsReady();
    void watchHostKeys(SshNodeConnection *connection, const QString &name);
    void setControl(const QString &name, ControlState state, const QString &error);
    void beginRefresh(bool onDemand);
    HttpProbeWorker::Request httpRequest(const NodeStatus &node);
    void probeHttp(const QString &name);
    void askFacts(const QString &name);
    void onFacts(const QString &name, const NodeFactsReply &reply);
    void onDatabase(const DatabaseStatus &answer);
    void onKubernetes(const KubeStatus &answer);
    void onCompose(const ComposeStatus &answer);
    QUrl replicaUrl(const QString &address, int port) const;
    void applyReplicas(const QList<ReplicaView> &replicas);
    void updateHostReplicas();
    void partDone(const QString &key);
    void checkRefreshDone();
    void scheduleChanged();
    void emitChanged();

    LoadedProfile m_profile;
    QPointer<SecretStore> m_secrets;
    Options m_options;
    ClusterStatus m_status;
    QHash<QString, NodeHistory> m_history;
    QTimer m_timer;
    std::unique_ptr<Parts> m_parts;
    QString m_caProblem; // the profile's Kubernetes CA file cannot be used
    QString m_composeProblem; // the Compose host's SSH settings cannot be made
    QString m_composeHostKeyProblem; // the CLI refused the Compose host's unknown key
};
