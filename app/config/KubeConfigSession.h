#pragma once

#include "ConfigSession.h"
#include "Result.h"
#include "config/ConfigChecks.h"
#include "config/ConfigPlan.h"
#include "connectors/kubernetes/KubeConfigObjects.h"
#include "profile/ProfileFile.h"
#include "secrets/ProfileSecrets.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <chrono>
#include <functional>
#include <memory>

class AuditLog;
class KubeClient;
class SecretStore;
struct KubeStatus;

// One place of the product's configuration in Kubernetes, as read.
struct KubeConfigValue
{
    KubeConfigObjects::Entry entry;
    bool present = false;
    QString value; // a ConfigMap's value; a Secret's fingerprint (SecretText::fingerprint)
    QString fieldId; // the ConfigFields id it maps to: "jatos.secret", "jatos.db.url", ...
};

// What read() found: every mapped value, the objects' resourceVersions (which guard a
// later push against changes made in between) and what is missing.
struct KubeConfigState
{
    QList<KubeConfigValue> values;
    QMap<QString, QString> resourceVersions; // "Secret/jatos-secret" -> resourceVersion
    QStringList problems; // objects or keys that do not exist

    const KubeConfigValue *find(const QString &fieldId) const;
};

// The answer of read(), wrapped for Qt's metatype system.
struct KubeConfigStateResult
{
    Result<KubeConfigState> result = KubeConfigState();
};

Q_DECLARE_METATYPE(KubeConfigState)
Q_DECLARE_METATYPE(KubeConfigStateResult)

// Reads, checks and changes a product's configuration where a Kubernetes deployment
// keeps it: the Secrets and ConfigMaps of KubeConfigObjects::productObjects(). The
// twin of ConfigSession (which edits files over SSH): the same ConfigFields ids and
// validation, the same PushReport and audit entry. A push merge-patches the objects
// guarded by the resourceVersions it was given, puts back what it patched when a
// later patch fails, and (on request) restarts the pods by scaling the Deployment to
// 0 and back, since running pods keep the environment they started with.
//
// Everything is asynchronous and answers by signal on the caller's thread. Secret
// values appear nowhere but in the patches: logs, errors, reports and audit entries
// carry fingerprints.
class KubeConfigSession final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        std::chrono::milliseconds timeout {15000}; // of each API request
        std::chrono::seconds readyTimeout {0}; // restart: for the pods to be ready; 0: the preset's warm-up
    };

    KubeConfigSession(
        LoadedProfile profile, SecretStore *secrets, Options options, QObject *parent = nullptr);
    ~KubeConfigSession() override;

    // Reads the API token and the application secrets from the keychain; ready()
    // follows, also when some are missing (read() then says which entry to store).
    void open();
    // The keychain's value of a secret by its field name: "appSecret",
    // "clusterSecret", "database.password". Empty when not stored.
    QByteArray keychainSecret(const QString &secretName) const;
    QMap<QString, QString> keychainFingerprints() const;
    // Keychain reference of a secret field name; null when the profile names none.
    SecretRef secretRef(const QString &secretName) const;

    void setAuditLog(AuditLog *log);
    const LoadedProfile &profile() const { return m_profile; }

    // Reads every object of the product; stateRead() answers.
    void read();

    // "secret", "multiNode" (JATOS), "database": Pass, Warning or Fail with fix texts.
    static QList<ConfigCheck> checks(const QString &product, const KubeConfigState &state,
        const QMap<QString, QString> &keychainFingerprints);
    // The ConfigFields ids a change may name for this product.
    static QStringList mappableFields(const QString &product);

    // Validates every change (unknown or unmapped fields, ConfigFields::validate with
    // the preset's minimum secret lengths), then merge-patches the objects guarded by
    // state's resourceVersions; with restart, scales the Deployment to 0 and back to
    // its replica count and waits for the pods to be ready. pushFinished() answers;
    // one audit entry is written. One push at a time.
    void push(const KubeConfigState &state, const QList<ConfigChange> &changes, bool restart,
        const QString &auditAction = QStringLiteral("config.push"));

Q_SIGNALS:
    void ready();
    void stateRead(const KubeConfigStateResult &state);
    void progress(const QString &step);
    void pushFinished(const PushReport &report);

private:
    struct Push;
    struct ObjectEdit;

    Result<void> ensureClients();
    QString tokenProblem() const;
    void readObjects(QList<KubeConfigObjects::Entry> entries,
        std::function<void(const QString &error, const QMap<QString, KubeObject> &objects)> done);
    void pushPatch(qsizetype index);
    void pushRollback(qsizetype failedIndex, const QString &error);
    void pushRestart();
    void waitPods(int attempt, bool stopping);
    void pushDone();
    void refresh(std::function<void(const KubeStatus &status)> done);

    LoadedProfile m_profile;
    SecretStore *m_secrets = nullptr;
    Options m_options;
    AuditLog *m_audit = nullptr;
    ProfileSecrets m_keychain;
    KubeConfigObjects *m_objects = nullptr;
    KubeClient *m_kube = nullptr;
    QHash<quint64, std::function<void(const Result<KubeObject> &)>> m_objectCalls;
    QHash<quint64, std::function<void(const Result<int> &)>> m_scaleCalls;
    std::function<void(const KubeStatus &)> m_refreshCall;
    std::unique_ptr<Push> m_push;
};
