#pragma once

#include "NodeLink.h"
#include "config/ConfigChecks.h"
#include "config/ConfigPlan.h"
#include "profile/ProfileFile.h"
#include "secrets/ProfileSecrets.h"

#include <QCoreApplication>
#include <QHash>
#include <QObject>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>

class AuditLog;
class HttpProber;
class SecretStore;

// What happened to a push, for the admin and the audit log.
struct PushReport
{
    enum class Outcome
    {
        Applied, // every file changed and read back
        NothingChanged, // failed before any file was replaced
        RolledBack, // failed midway; every changed node was put back
        Mixed // failed midway and at least one node could not be put back: see log
    };

    Outcome outcome = Outcome::NothingChanged;
    QString error; // why it failed; empty when applied
    QStringList log; // every step, in order, for people
    QStringList backups; // "node:path" of each backup made
    QStringList restarted; // nodes restarted and healthy again
    QString restartError; // the files are in place but a node did not come back
    QString uploadError; // OpenSpecimen: the cluster JSON is in place but its upload failed
    QString uploadedAs; // OpenSpecimen: the stored name of the uploaded cluster JSON

    static QString outcomeName(Outcome outcome); // "applied", "nothing changed", ...
};

// Reads, checks and changes a cluster's configuration over each node's SSH
// connection. Everything is asynchronous; answers come as signals on the caller's
// thread. One operation at a time.
class ConfigSession final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        HostKeyPolicy hostKeyPolicy = HostKeyPolicy::AskForNewHostKeys;
        std::chrono::milliseconds commandTimeout {60000};
        std::chrono::seconds connectTimeout {10};
        // Restart waits this long for each node's health; 0: the preset's warm-up.
        std::chrono::seconds healthTimeout {0};
    };

    struct PushOptions
    {
        bool restart = true; // stop the nodes, start them one at a time, wait for health
        QString auditAction = QStringLiteral("config.push");
    };

    ConfigSession(LoadedProfile profile, SecretStore *secrets, Options options, QObject *parent = nullptr);
    ~ConfigSession() override;

    // Reads the keychain entries the profile names (SSH credentials, the database
    // password, the application secrets); ready() follows.
    void open();
    // The keychain's value of a secret by its field name: "appSecret",
    // "clusterSecret", "database.password". Empty when not stored.
    QByteArray keychainSecret(const QString &secretName) const;
    QString keychainProblem(const QString &secretName) const;
    QMap<QString, QString> keychainFingerprints() const;
    // The product's minimum length per secret name (at least 15 for JATOS's secret).
    QMap<QString, int> secretMinLengths() const;
    // Keychain reference of a secret field name; null when the profile names none.
    SecretRef secretRef(const QString &secretName) const;

    // Where changes are recorded; every keychain value read is forbidden in it.
    void setAuditLog(AuditLog *log);
    const LoadedProfile &profile() const { return m_profile; }

    void readSnapshot();
    void testSharedFolder();
    // Reads every node's files, tests the shared folder, reads the load balancer's
    // configuration (when the profile names one and the product has jvmRoutes) and
    // runs the consistency checks; checksFinished() follows with the snapshot they judged.
    void runChecks();
    void push(const ConfigPlan &plan, const PushOptions &options);

    // Passed on to the node's connection (GUI host key questions).
    void acceptHostKey(const QString &node, HostKeyDecision decision);

Q_SIGNALS:
    void ready();
    void hostKeyUnknown(const QString &node, const HostKeyInfo &info);
    void snapshotRead(const ClusterConfigSnapshot &snapshot);
    void sharedFolderTested(const SharedFolderProbe &probe);
    void checksFinished(const QList<ConfigCheck> &checks, const ClusterConfigSnapshot &snapshot);
    void progress(const QString &step);
    void committed(const QString &node, const QString &path); // a file was replaced on a node
    void pushFinished(const PushReport &report);

private:
    struct Push;

    NodeLink *link(const QString &node, QString *error);
    // The load balancer the profile names, over its own SSH connection (same
    // known_hosts and host-key policy as the nodes); its name in hostKeyUnknown().
    NodeLink *balancerLink();
    QString balancerName() const;
    // Reads and parses the balancer's configuration file; done() gets the members or,
    // when there are none to compare with, why (naming the host and the file).
    void readBalancer(std::function<void(std::optional<QList<BalancerMember>>, QString)> done);
    void pushVerify();
    void pushStage();
    void pushCommit(qsizetype index);
    void pushRollback(qsizetype failedIndex, const QString &error);
    void pushRestore(QList<qsizetype> pending, bool clean);
    void pushDiscardStaged();
    void pushRestart();
    void startNext(QStringList queue);
    void waitHealthy(const QString &node, QStringList queue, int attempt);
    void pushUpload();
    void pushDone();
    void audit(const PushReport &report);

    LoadedProfile m_profile;
    SecretStore *m_secrets = nullptr;
    Options m_options;
    AuditLog *m_audit = nullptr;
    ProfileSecrets m_keychain;
    std::map<QString, std::unique_ptr<NodeLink>> m_links;
    std::unique_ptr<NodeLink> m_balancerLink;
    std::unique_ptr<Push> m_push;
    HttpProber *m_prober = nullptr;
};

Q_DECLARE_METATYPE(ClusterConfigSnapshot)
Q_DECLARE_METATYPE(SharedFolderProbe)
Q_DECLARE_METATYPE(PushReport)
Q_DECLARE_METATYPE(QList<ConfigCheck>)
