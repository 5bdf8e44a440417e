#include "NodeLink.h"

NodeLink::NodeLink(QString node, SshConnectionSettings settings, SshCredentials credentials, QObject *parent)
    : QObject(parent)
    , m_node(std::move(node))
    , m_connection(std::make_unique<SshNodeConnection>(std::move(settings), std::move(credentials)))
{
    connect(
        m_connection.get(), &SshNodeConnection::fileOpFinished, this, [this](const RemoteFileReply &reply) {
            const auto it = m_files.find(reply.id);
            if (it == m_files.end())
                return;
            const FileDone done = std::move(it->second);
            m_files.erase(it);
            done(reply.result);
        });
    connect(
        m_connection.get(), &SshNodeConnection::commandFinished, this, [this](const SshCommandReply &reply) {
            const auto it = m_commands.find(reply.id);
            if (it == m_commands.end())
                return;
            const CommandDone done = std::move(it->second);
            m_commands.erase(it);
            done(reply.result);
        });
}

void NodeLink::file(const RemoteFileOp &op, FileDone done, std::chrono::milliseconds timeout)
{
    m_files.emplace(m_connection->fileOp(op, timeout), std::move(done));
}

void NodeLink::run(const QString &command, std::chrono::milliseconds timeout, CommandDone done)
{
    m_commands.emplace(m_connection->run(command, timeout), std::move(done));
}
