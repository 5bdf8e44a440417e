#pragma once

#include "RemoteFiles.h"
#include "Result.h"
#include "SshSession.h"
#include "SshTypes.h"

#include <QCoreApplication>

#include <atomic>
#include <chrono>
#include <memory>

// One node's SSH connection for work that runs start to end on a worker thread of
// its own (the guided upgrade): every call blocks until it is done. The session is
// made on first use and kept; a session found dead when a command is about to start
// is made again once. Host keys are checked as everywhere else: a changed key is
// refused, and an unknown one is refused too unless the policy accepts new keys,
// because nobody can be asked in the middle of a run.
class SshShell final
{
    Q_DECLARE_TR_FUNCTIONS(SshShell)

public:
    SshShell(SshConnectionSettings settings, SshCredentials credentials);
    ~SshShell();
    SshShell(const SshShell &) = delete;
    SshShell &operator=(const SshShell &) = delete;

    Result<SshCommandResult> run(
        const QString &command, std::chrono::milliseconds timeout, const std::atomic_bool &abort);
    // The command's standard output goes to `sink` as it arrives (see
    // SshSession::finish); `idleTimeout` is the longest time without a byte.
    Result<SshCommandResult> stream(const QString &command, std::chrono::milliseconds idleTimeout,
        const std::atomic_bool &abort, const SshSession::OutputSink &sink);
    Result<void> upload(const QString &localPath, const QString &remotePath,
        const RemoteFiles::Progress &progress, const std::atomic_bool &abort);
    Result<RemoteFileResult> fileOp(const RemoteFileOp &op, const std::atomic_bool &abort);

    QString address() const;
    // The server's key as checked when the session was made; empty before that.
    HostKeyInfo hostKey() const { return m_hostKey; }
    void disconnect();

private:
    Result<void> ensure();
    RemoteFiles &files(const std::atomic_bool &abort);

    SshConnectionSettings m_settings;
    SshCredentials m_credentials;
    std::unique_ptr<SshSession> m_session;
    std::unique_ptr<RemoteFiles> m_files;
    HostKeyInfo m_hostKey;
    const std::atomic_bool *m_abort = nullptr; // of the call running, for RemoteFiles' commands
};
