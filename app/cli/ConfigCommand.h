#pragma once

#include "config/ConfigChecks.h"
#include "config/ConfigPlan.h"
#include "config/ConfigSession.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

class AuditLog;
class ConfigSession;
class KeyedConfigSession;
struct KeyedConfigState;
struct LoadedProfile;
class QTextStream;
class SecretStore;
struct PushReport;

// `clusterdesk-cli config show|check|push` and `secret rotate` (docs/cli.md): the
// cluster's configuration over SSH, its consistency checks, and all-or-nothing
// changes with a masked diff, a confirmation (or --yes) and the audit log.
class ConfigCommand final : public QObject
{
    Q_OBJECT

public:
    ConfigCommand(QTextStream &out, QTextStream &err, QObject *parent = nullptr);
    ~ConfigCommand() override;

    static QString help();
    // The arguments after "config", or after "secret" for rotate ("rotate", ...).
    void run(const QStringList &arguments);

Q_SIGNALS:
    void finished(int exitCode);

private:
    enum class Mode
    {
        Show,
        Check,
        Push,
        Rotate,
        ExportClusterJson
    };

    void usage(const QString &problem);
    void fail(const QString &message);
    void done(int exitCode);
    void opened();
    void snapshotRead(const ClusterConfigSnapshot &snapshot);
    void checkFinished(const QList<ConfigCheck> &checks);
    void confirmAndPush(const ConfigPlan &plan);
    void pushed(const PushReport &report);
    void show(const ClusterConfigSnapshot &snapshot);
    void printChecks(const QList<ConfigCheck> &checks);
    // Rotation: the keychain first, then the push; put back when the push fails.
    void storeNewSecretThen(std::function<void()> next);
    // Kubernetes and Compose: the same commands on the Secrets and ConfigMaps, or the
    // project's .env (ConfigCommandKeyed.cpp).
    void runKeyed(const LoadedProfile &loaded, const ConfigSession::Options &options);
    void keyedStateRead(const KeyedConfigState &state);

    QTextStream &m_out;
    QTextStream &m_err;
    Mode m_mode = Mode::Show;
    bool m_json = false;
    bool m_yes = false;
    bool m_dryRun = false;
    bool m_restart = true;
    bool m_pushSecrets = false;
    QString m_rotateName;
    QString m_rotateRef; // keychain entry of the secret being rotated
    QString m_clusterName;
    QString m_exportPath;
    QList<ConfigChange> m_changes;
    PlanOptions m_planOptions;
    ClusterConfigSnapshot m_snapshot;
    QByteArray m_newSecret; // rotate: the generated value
    QByteArray m_oldSecret; // rotate: the keychain's value before
    SecretStore *m_secrets = nullptr;
    ConfigSession *m_session = nullptr;
    KeyedConfigSession *m_keyed = nullptr;
    std::unique_ptr<AuditLog> m_audit;
};
