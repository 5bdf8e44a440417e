#pragma once

#include "ClusterProfile.h"
#include "Result.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>

#include <chrono>
#include <optional>

// What the CLI does with a host key it has never seen: ask (the GUI's default), or
// save it without asking like OpenSSH's StrictHostKeyChecking=accept-new. A changed
// key is refused under both.
enum class HostKeyPolicy
{
    AskForNewHostKeys,
    AcceptNewHostKeys
};

// The caller's answer to hostKeyUnknown().
enum class HostKeyDecision
{
    Once, // trust the key for this connection object only; known_hosts is not touched
    Save, // add the key to the known_hosts file
    Cancel // refuse; pending commands fail
};

// A server key that is not in known_hosts, as shown to the user.
struct HostKeyInfo
{
    QString host;
    int port = 22;
    QString keyType; // "ssh-ed25519"
    QString fingerprint; // "SHA256:..." exactly as `ssh-keygen -l` prints it
    QString knownHostsFile;
};

// Where and how to connect. identity and knownHostsFile are absolute paths
// (ProfileFile::resolvePath); an empty knownHostsFile means the user's OpenSSH one.
struct SshConnectionSettings
{
    SshTarget target;
    QString knownHostsFile;
    HostKeyPolicy policy = HostKeyPolicy::AskForNewHostKeys;
    std::chrono::seconds connectTimeout {10};
    std::chrono::seconds keepaliveInterval {30};
};

// Secrets the caller read from the keychain. Never logged.
struct SshCredentials
{
    QByteArray passphrase; // of the identity file; empty: none
    QByteArray password; // empty: password authentication is not tried
};

struct SshCommandResult
{
    static constexpr qsizetype MaxOutput = 1024 * 1024;

    int exitStatus = -1; // -1: the server sent none (killed by a signal)
    QByteArray standardOutput;
    QByteArray standardError;
    bool outputTruncated = false; // either stream passed MaxOutput; the rest was dropped
};

// Signal payloads. Result<T> travels inside a struct: Qt's meta-type system would
// otherwise try to compare std::expected values, whose Error has no operator==.
struct SshCommandReply
{
    quint64 id = 0; // as returned by SshNodeConnection::run()
    Result<SshCommandResult> result;
};

struct KnownHostRemoval
{
    Result<int> removedLines;
};

Q_DECLARE_METATYPE(HostKeyInfo)
Q_DECLARE_METATYPE(SshCommandResult)
Q_DECLARE_METATYPE(SshCommandReply)
Q_DECLARE_METATYPE(KnownHostRemoval)
