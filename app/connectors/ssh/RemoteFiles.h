#pragma once

#include "Result.h"
#include "SshHandles.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QMetaType>
#include <QString>

#include <atomic>
#include <chrono>
#include <functional>
#include <libssh/sftp.h>
#include <memory>

// One step of changing a file on a node. Writes are split so a change to many nodes
// can be all or nothing: every node first stages the new text next to the file
// (nothing changes yet), then each commits (backup, then one atomic rename), and a
// node already committed can be put back from its backup.
struct RemoteFileOp
{
    enum class Kind
    {
        Read, // the file's bytes; a missing file is not an error (exists = false)
        Stage, // write content to a temporary file in the same folder, synced
        Commit, // back up the current file, rename the staged one over it, read back
        Restore, // put the backup back atomically; no backup: remove the file
        Discard // remove a staged file (or any file named by path)
    };

    static constexpr qsizetype MaxReadSize = 4 * 1024 * 1024;

    Kind kind = Kind::Read;
    QString path; // absolute path on the node
    QByteArray content; // Stage: the new text
    QString stagedPath; // Commit: what Stage answered
    QByteArray expectedSha256; // Commit: of the staged content, checked on read-back
    QString backupPath; // Restore: what Commit answered (empty: the file was new)
    QString backupSuffix; // Commit: ".clusterdesk-<timestamp>.bak"
};

struct RemoteFileResult
{
    bool exists = false; // Read: the file was there
    QByteArray content; // Read
    quint32 permissions = 0; // Read: the mode bits
    QString stagedPath; // Stage
    QString backupPath; // Commit: empty when there was no previous file
};

struct RemoteFileReply
{
    quint64 id = 0;
    RemoteFileOp::Kind kind = RemoteFileOp::Kind::Read;
    QString path;
    Result<RemoteFileResult> result;
};

Q_DECLARE_METATYPE(RemoteFileReply)

// The blocking implementation, on an SshWorker's thread: SFTP for the bytes (libssh's
// sftp), and short shell commands for copy and rename, which SFTP version 3 cannot
// do atomically over an existing file.
class RemoteFiles
{
    Q_DECLARE_TR_FUNCTIONS(RemoteFiles)

public:
    // Runs a shell command; answers its exit status and standard error.
    using RunCommand = std::function<Result<std::pair<int, QByteArray>>(const QString &command)>;

    RemoteFiles(ssh_session session, QString address, RunCommand run);
    ~RemoteFiles();

    Result<RemoteFileResult> perform(const RemoteFileOp &op);

    // Streams a local file to `remotePath` (absolute): written under a temporary name
    // in the same folder (created when missing), synced, then renamed over the target,
    // so the target is either absent, the old file or the whole new one. progress()
    // gets the bytes sent so far and the total; `abort` stops between chunks (the
    // temporary file is removed).
    using Progress = std::function<void(qint64 sent, qint64 total)>;
    Result<void> upload(const QString &localPath, const QString &remotePath, const Progress &progress,
        const std::atomic_bool &abort);

private:
    struct SftpDeleter
    {
        void operator()(sftp_session sftp) const { sftp_free(sftp); }
    };

    Result<void> ensureSftp();
    Result<RemoteFileResult> read(const QString &path, qsizetype limit);
    Result<RemoteFileResult> stage(const RemoteFileOp &op);
    Result<RemoteFileResult> commit(const RemoteFileOp &op);
    Result<RemoteFileResult> restore(const RemoteFileOp &op);
    Result<RemoteFileResult> discard(const RemoteFileOp &op);
    Result<void> runChecked(const QString &command, const QString &what);
    QString sftpError() const;

    ssh_session m_session;
    QString m_address;
    RunCommand m_run;
    std::unique_ptr<sftp_session_struct, SftpDeleter> m_sftp;
};
