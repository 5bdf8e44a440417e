#pragma once

#include "connectors/ssh/SshNodeConnection.h"

#include <QObject>

#include <functional>
#include <map>
#include <memory>

// An SshNodeConnection with callbacks instead of ids: what the configuration
// workflows chain their steps with. Callbacks run on the owner's thread, in order.
class NodeLink final : public QObject
{
    Q_OBJECT

public:
    using FileDone = std::function<void(const Result<RemoteFileResult> &)>;
    using CommandDone = std::function<void(const Result<SshCommandResult> &)>;

    NodeLink(
        QString node, SshConnectionSettings settings, SshCredentials credentials, QObject *parent = nullptr);

    const QString &node() const { return m_node; }
    SshNodeConnection *connection() const { return m_connection.get(); }

    void file(const RemoteFileOp &op, FileDone done,
        std::chrono::milliseconds timeout = SshNodeConnection::DefaultCommandTimeout);
    void run(const QString &command, std::chrono::milliseconds timeout, CommandDone done);

private:
    QString m_node;
    std::unique_ptr<SshNodeConnection> m_connection;
    std::map<quint64, FileDone> m_files;
    std::map<quint64, CommandDone> m_commands;
};
