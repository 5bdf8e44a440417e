#pragma once

#include "BundleAssembler.h"
#include "config/ConfigFiles.h"
#include "diagnostics/DiagnosticsTypes.h"
#include "profile/ProfileFile.h"
#include "secrets/ClusterCredentials.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QSet>
#include <QString>

#include <atomic>
#include <memory>
#include <utility>

class KubeSyncClient;
class SshShell;

// What every part of a collection shares; read-only while the parts run.
struct DiagnosticsContext
{
    LoadedProfile profile;
    ClusterCredentials credentials;
    DiagnosticsOptions options;
    const std::atomic_bool *cancel = nullptr;
};

// One part of the cluster a bundle collects from, side by side with the others, each
// on a thread of its own. prepare() reads what redaction must know before anything
// is written (the configuration files and their secrets); collect() then writes the
// part's entries through its channel.
class DiagnosticsSource
{
    Q_DECLARE_TR_FUNCTIONS(DiagnosticsSource)

public:
    explicit DiagnosticsSource(QString name)
        : m_name(std::move(name))
    { }
    virtual ~DiagnosticsSource();

    const QString &name() const { return m_name; }
    virtual void prepare(const DiagnosticsContext &) { }
    virtual void collect(const DiagnosticsContext &context, BundleAssembler::Channel &channel) = 0;

    // Secret values found while preparing, with what they are ("config:appSecret").
    const QList<std::pair<QString, QByteArray>> &foundSecrets() const { return m_secrets; }
    // Set when the part could not be reached at all.
    const QString &error() const { return m_error; }

protected:
    QString m_name;
    QList<std::pair<QString, QByteArray>> m_secrets;
    QString m_error;
};

// A node on a host, over SSH: its configuration files, logs (the last part of each,
// and rotated ones from a window), system facts and host key.
class NodeSource final : public DiagnosticsSource
{
public:
    explicit NodeSource(const NodeSpec &node);
    ~NodeSource() override;

    void prepare(const DiagnosticsContext &context) override;
    void collect(const DiagnosticsContext &context, BundleAssembler::Channel &channel) override;

    // The files read by prepare(), as the configuration checks take them.
    NodeConfigSnapshot configSnapshot() const;

private:
    struct File
    {
        QString path;
        std::optional<ConfigFileSpec> spec;
        bool exists = false;
        QByteArray content;
        QString error;
    };
    QString entryName(const QString &folder, const QString &fileName);
    Result<void> streamEntry(const DiagnosticsContext &context, BundleAssembler::Channel &channel,
        const QString &entry, const QString &command, const QDateTime &modified, bool dropFirstLine,
        const QString &note);
    void collectLogs(const DiagnosticsContext &context, BundleAssembler::Channel &channel);

    NodeSpec m_node;
    std::unique_ptr<SshShell> m_shell;
    QMap<QString, QString> m_placeholders;
    QList<File> m_files;
    QSet<QString> m_names;
};

// The Compose host: `docker compose ps` and `logs` of the service, the project's .env.
class ComposeSource final : public DiagnosticsSource
{
public:
    ComposeSource();
    ~ComposeSource() override;
    void collect(const DiagnosticsContext &context, BundleAssembler::Channel &channel) override;

private:
    std::unique_ptr<SshShell> m_shell;
};

// The Kubernetes objects of the cluster (never a Secret) and the pods' logs.
class KubernetesSource final : public DiagnosticsSource
{
public:
    KubernetesSource();
    ~KubernetesSource() override;
    void prepare(const DiagnosticsContext &context) override;
    void collect(const DiagnosticsContext &context, BundleAssembler::Channel &channel) override;

private:
    std::unique_ptr<KubeSyncClient> m_client; // made and used on the source's own thread
    QByteArray m_deployment;
};

// The shared database: server version and settings, the product's schema
// bookkeeping (never the migration scripts), Galera and replication state.
class DatabaseSource final : public DiagnosticsSource
{
public:
    DatabaseSource();
    void collect(const DiagnosticsContext &context, BundleAssembler::Channel &channel) override;
};

// What this machine knows: the status snapshot, the configuration checks, the
// upgrade journal and reports, the audit log and Clusterdesk's own log.
class LocalSource final : public DiagnosticsSource
{
public:
    LocalSource(QByteArray statusJson);
    void setConfigChecks(QByteArray json) { m_checks = std::move(json); }
    void collect(const DiagnosticsContext &context, BundleAssembler::Channel &channel) override;

private:
    QByteArray m_status;
    QByteArray m_checks;
};
