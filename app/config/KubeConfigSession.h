#pragma once

#include "KeyedConfigSession.h"
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

// Reads, checks and changes a product's configuration where a Kubernetes deployment
// keeps it: the Secrets and ConfigMaps of KubeConfigObjects::productObjects(). A push
// merge-patches the objects guarded by the resourceVersions it was read with, puts
// back what it patched when a later patch fails, and (on request) restarts the pods by
// scaling the Deployment to 0 and back, since running pods keep the environment they
// started with.
class KubeConfigSession final : public KeyedConfigSession
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

    // Reads the API token and the application secrets from the keychain.
    void open() override;
    void read() override;
    void push(const KeyedConfigState &state, const QList<ConfigChange> &changes, bool restart,
        const QString &auditAction = QStringLiteral("config.push")) override;
    QString storeName() const override;
    QString restartText() const override;
    QList<KeyedConfigEntry> entries() const override;

    // The entries of a product's Secrets and ConfigMaps.
    static QList<KeyedConfigEntry> entriesFor(const QString &product);

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

    Options m_options;
    KubeConfigObjects *m_objects = nullptr;
    KubeClient *m_kube = nullptr;
    QHash<quint64, std::function<void(const Result<KubeObject> &)>> m_objectCalls;
    QHash<quint64, std::function<void(const Result<int> &)>> m_scaleCalls;
    std::function<void(const KubeStatus &)> m_refreshCall;
    std::unique_ptr<Push> m_push;
};
