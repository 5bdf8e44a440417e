#pragma once

#include "NodeFacts.h"
#include "RemoteFiles.h"
#include "Result.h"
#include "SshSession.h"
#include "SshTypes.h"

#include <QObject>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>

// The blocking side of SshNodeConnection: lives on its own thread, owns the node's
// one libssh session and reuses it for every request. Requests queue while the
// session connects or while the caller decides about an unknown host key.
//
// Keepalive: while the session is idle an SSH_MSG_IGNORE is sent every
// keepaliveInterval; a session found dead there, or one whose channel cannot be
// opened, is dropped and reconnected once (the command had not started yet).
class SshWorker : public QObject
{
    Q_OBJECT

public:
    SshWorker(SshConnectionSettings settings, SshCredentials credentials,
        std::shared_ptr<const std::atomic_bool> abort);
    ~SshWorker() override;

    struct Request
    {
        quint64 id = 0;
        QString command;
        std::chrono::milliseconds timeout {0};
        bool facts = false;
        std::optional<RemoteFileOp> file; // set: a file operation, not a command
    };

    // Called on the worker's thread (queued from SshNodeConnection).
    void enqueue(const Request &request);
    void decide(HostKeyDecision decision);
    void removeKnownHost();

Q_SIGNALS:
    void hostKeyUnknown(const HostKeyInfo &info);
    void hostKeyMismatch(const HostKeyInfo &info);
    void commandFinished(const SshCommandReply &reply);
    void factsRead(const NodeFactsReply &reply);
    void fileOpFinished(const RemoteFileReply &reply);
    void knownHostRemoved(const KnownHostRemoval &removal);

private:
    enum class Ready
    {
        Yes,
        AwaitingDecision
    };

    void processQueue();
    Result<Ready> establish();
    Result<void> authenticate();
    // nullopt: the request went back to the queue behind a host key question.
    std::optional<Result<SshCommandResult>> execute(const Request &request);
    void answer(const Request &request, const Result<SshCommandResult> &result);
    // nullopt: as for execute().
    std::optional<Result<RemoteFileResult>> executeFile(const Request &request);
    void answerFile(const Request &request, const Result<RemoteFileResult> &result);
    void failAll(const Error &error);
    void dropSession();
    void keepalive();

    SshConnectionSettings m_settings;
    SshCredentials m_credentials;
    std::shared_ptr<const std::atomic_bool> m_abort;
    std::unique_ptr<SshSession> m_session;
    std::unique_ptr<RemoteFiles> m_files; // on m_session, made on first use
    std::chrono::milliseconds m_fileTimeout {0}; // of the file request running
    std::deque<Request> m_pending;
    bool m_awaitingDecision = false;
    QString m_trustedOnce; // fingerprint accepted with HostKeyDecision::Once
    HostKeyInfo m_lastHostKey; // of the last key exchange, also after a refusal
    QTimer *m_keepalive = nullptr;
};
