#pragma once

#include "KeyedConfigSession.h"
#include "NodeLink.h"

#include <QDeadlineTimer>

#include <chrono>
#include <functional>
#include <memory>

class ComposeProbe;
class DotEnvDocument;
struct ComposeStatus;

// Reads, checks and changes a product's configuration where a Docker Compose
// deployment keeps it: the project's .env file on the Compose host, which compose.yaml
// passes to the containers (JATOS_SECRET, JATOS_DB_*). Over the Compose host's SSH
// connection, as the status poller reaches it.
//
// A push re-reads the file and refuses when it changed since read(), edits only the
// keys asked for (DotEnvDocument keeps every other byte), then writes it as the node
// files are written: a temp file beside it, a timestamped backup, a rename, a read
// back. A restart stops the service and brings it up again (`docker compose up -d`
// recreates the containers whose environment changed), then waits until every
// container runs and is healthy: never old and new values serving together.
class ComposeConfigSession final : public KeyedConfigSession
{
    Q_OBJECT

public:
    struct Options
    {
        HostKeyPolicy hostKeyPolicy = HostKeyPolicy::AskForNewHostKeys;
        std::chrono::milliseconds commandTimeout {60000};
        std::chrono::seconds connectTimeout {10};
        // Restart waits this long for the containers; 0: the preset's warm-up per node.
        std::chrono::seconds readyTimeout {0};
    };

    ComposeConfigSession(
        LoadedProfile profile, SecretStore *secrets, Options options, QObject *parent = nullptr);
    ~ComposeConfigSession() override;

    // Reads the Compose host's SSH credentials and the application secrets.
    void open() override;
    void read() override;
    void push(const KeyedConfigState &state, const QList<ConfigChange> &changes, bool restart,
        const QString &auditAction = QStringLiteral("config.push")) override;
    QString storeName() const override;
    QString restartText() const override;
    QList<KeyedConfigEntry> entries() const override;
    void acceptHostKey(HostKeyDecision decision) override;

    // Replaces the whole .env with `text` (the editor's raw view): parsed first, then
    // written as push() writes, guarded by the state's version. Secrets in it are
    // masked in every report.
    void pushText(const KeyedConfigState &state, const QByteArray &text, bool restart,
        const QString &auditAction = QStringLiteral("config.push"));

    // The .env keys of a product's Compose deployment (JATOS only, as its images take
    // their configuration from the environment).
    static QList<KeyedConfigEntry> entriesFor(const QString &product, const QString &envPath);
    // {projectDir}/.env
    QString envPath() const;

private:
    struct Push;

    Result<void> ensureLink();
    QList<QByteArray> secretsIn(const DotEnvDocument &document) const;
    // Re-reads the file, refuses it when it changed since `state`, lets `edit` change
    // it and writes the result; with `refused` set, only reports that.
    void beginPush(const KeyedConfigState &state, bool restart, const QString &auditAction,
        const QString &refused, std::function<Result<void>(DotEnvDocument &document)> edit);
    QString hostName() const;
    QString composeCommand(const QString &arguments) const;
    void pushWrite();
    void pushCommitFailed(const QString &error);
    void pushRestart();
    void waitReady();
    void pushDone();

    Options m_options;
    std::unique_ptr<NodeLink> m_link;
    std::unique_ptr<ComposeProbe> m_probe;
    std::unique_ptr<Push> m_push;
};
