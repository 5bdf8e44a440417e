#pragma once

#include "ConfigSession.h"
#include "Result.h"
#include "config/KeyedConfig.h"
#include "connectors/ssh/SshTypes.h"
#include "profile/ProfileFile.h"
#include "secrets/ProfileSecrets.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

class AuditLog;
class SecretStore;

// The answer of read(), wrapped for Qt's metatype system.
struct KeyedConfigStateResult
{
    Result<KeyedConfigState> result = KeyedConfigState();
};

Q_DECLARE_METATYPE(KeyedConfigState)
Q_DECLARE_METATYPE(KeyedConfigStateResult)

// Reads, checks and changes a product's configuration where a deployment keeps it
// for every node at once: Kubernetes Secrets and ConfigMaps (KubeConfigSession) or a
// Compose project's .env file (ComposeConfigSession). The twin of ConfigSession,
// which edits each node's files over SSH: the same ConfigFields ids and validation,
// the same PushReport and audit entry, so the CLI and the editor drive both alike.
//
// Everything is asynchronous and answers by signal on the caller's thread. Secret
// values appear nowhere but in what is written to the store: logs, errors, reports
// and audit entries carry fingerprints.
class KeyedConfigSession : public QObject
{
    Q_OBJECT

public:
    // A Kubernetes or Compose session for the profile; null for a hosts deployment.
    // The options' host key policy and timeouts apply to the Compose host; the connect
    // timeout bounds each Kubernetes API request.
    static KeyedConfigSession *create(const LoadedProfile &profile, SecretStore *secrets,
        const ConfigSession::Options &options, QObject *parent = nullptr);

    KeyedConfigSession(LoadedProfile profile, SecretStore *secrets, QObject *parent = nullptr);
    ~KeyedConfigSession() override;

    // Reads the keychain entries the session needs; ready() follows, also when some
    // are missing (read() then says which entry to store).
    virtual void open() = 0;
    // Reads every entry of the product; stateRead() answers.
    virtual void read() = 0;
    // Validates every change (KeyedConfig::plan), writes the store guarded by the
    // state's versions, puts back what it changed when a later step fails, and with
    // restart starts the nodes again so they take the new values (they keep the
    // environment they started with). pushFinished() answers; one audit entry is
    // written. One push at a time.
    virtual void push(const KeyedConfigState &state, const QList<ConfigChange> &changes, bool restart,
        const QString &auditAction = QStringLiteral("config.push"))
        = 0;
    // The store in texts: "Kubernetes", "the Compose .env".
    virtual QString storeName() const = 0;
    // What a restart does, for confirmations.
    virtual QString restartText() const = 0;
    virtual QList<KeyedConfigEntry> entries() const = 0;
    // Answers a hostKeyUnknown() question (Compose host); nothing by default.
    virtual void acceptHostKey(HostKeyDecision decision);

    QList<ConfigCheck> checks(const KeyedConfigState &state) const;
    QStringList mappableFields() const;
    QMap<QString, int> secretMinLengths() const;

    // The keychain's value of a secret by its field name: "appSecret",
    // "clusterSecret", "database.password". Empty when not stored.
    QByteArray keychainSecret(const QString &secretName) const;
    QMap<QString, QString> keychainFingerprints() const;
    // Keychain reference of a secret field name; null when the profile names none.
    SecretRef secretRef(const QString &secretName) const;

    void setAuditLog(AuditLog *log);
    const LoadedProfile &profile() const { return m_profile; }

Q_SIGNALS:
    void ready();
    void hostKeyUnknown(const QString &host, const HostKeyInfo &info);
    void stateRead(const KeyedConfigStateResult &state);
    void progress(const QString &step);
    void pushFinished(const PushReport &report);

protected:
    // Loads the application secrets and `extra` entries (credentials), then ready().
    void loadKeychain(QStringList extra);
    // Answers a push asked for while one is under way (pushFinished(), soon).
    void refuseSecondPush();
    // Masks every secret in the report, logs it, writes the audit entry and emits
    // pushFinished().
    void finishPush(PushReport report, const QString &auditAction, const QStringList &targets,
        const QStringList &summary, const QList<QByteArray> &secrets);

    LoadedProfile m_profile;
    SecretStore *m_secrets = nullptr;
    AuditLog *m_audit = nullptr;
    ProfileSecrets m_keychain;
};
