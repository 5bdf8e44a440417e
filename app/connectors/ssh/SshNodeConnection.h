#pragma once

#include "NodeFacts.h"
#include "RemoteFiles.h"
#include "Result.h"
#include "SshTypes.h"
#include "core/WorkerThread.h"

#include <QObject>

#include <atomic>
#include <chrono>
#include <memory>

class QThread;
class SshWorker;
struct LoadedProfile;

// One node's SSH connection, as the GUI thread and the CLI see it. Every call
// returns at once: the work runs on a worker thread that keeps one libssh session
// open between requests, and answers come back as signals (queued, on this object's
// thread). Requests are answered in the order they were made.
//
// Host keys: an unknown key emits hostKeyUnknown() and holds every request until
// acceptHostKey() answers (or, under HostKeyPolicy::AcceptNewHostKeys, is saved
// without asking). A changed key, or one of another type, fails every request with
// a loud message and cannot be accepted: only removeKnownHost() clears it.
class SshNodeConnection : public QObject
{
    Q_OBJECT

public:
    static constexpr std::chrono::milliseconds DefaultCommandTimeout {60000};

    SshNodeConnection(SshConnectionSettings settings, SshCredentials credentials, QObject *parent = nullptr);
    ~SshNodeConnection() override;

    // The settings for a node of a loaded profile: identity and known_hosts resolved
    // against the profile's folder, the preset's SSH user when the node names none.
    static Result<SshConnectionSettings> settingsFor(
        const LoadedProfile &profile, const QString &nodeName, HostKeyPolicy policy);

    // Runs a command through the user's shell on the node; the answer is
    // commandFinished() with the same id. Output is kept up to SshCommandResult::MaxOutput.
    quint64 run(const QString &command, std::chrono::milliseconds timeout = DefaultCommandTimeout);
    // Reads NodeFacts in one command; the answer is factsRead() with the same id.
    quint64 readFacts(const NodeFactsQuery &query, std::chrono::milliseconds timeout = DefaultCommandTimeout);

    // A file operation (read, stage, commit, restore, discard; see RemoteFileOp); the
    // answer is fileOpFinished() with the same id. The timeout bounds each command
    // the operation runs; SFTP transfers are bounded by the connect timeout per packet.
    quint64 fileOp(const RemoteFileOp &op, std::chrono::milliseconds timeout = DefaultCommandTimeout);

    void acceptHostKey(HostKeyDecision decision);
    // Deletes this node's entries from the known_hosts file (plain and hashed) and
    // drops the session; answered by knownHostRemoved().
    void removeKnownHost();

Q_SIGNALS:
    void hostKeyUnknown(const HostKeyInfo &info);
    // The host offered a key that differs from the recorded one; every request fails
    // (with the loud message) until removeKnownHost().
    void hostKeyMismatch(const HostKeyInfo &info);
    void commandFinished(const SshCommandReply &reply);
    void factsRead(const NodeFactsReply &reply);
    void fileOpFinished(const RemoteFileReply &reply);
    void knownHostRemoved(const KnownHostRemoval &removal);

private:
    quint64 post(QString command, std::chrono::milliseconds timeout, bool facts);

    std::shared_ptr<std::atomic_bool> m_abort;
    WorkerThread m_thread;
    SshWorker *m_worker = nullptr; // lives on m_thread, deleted when it finishes
    quint64 m_nextId = 1;
};
