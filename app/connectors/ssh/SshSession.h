#pragma once

#include "Result.h"
#include "SshHandles.h"
#include "SshTypes.h"

#include <QCoreApplication>

#include <atomic>
#include <chrono>
#include <functional>

// One blocking libssh session: connect, check the host key, authenticate, run
// commands. Used only on an SshWorker's thread; the GUI never calls it.
class SshSession
{
    Q_DECLARE_TR_FUNCTIONS(SshSession)

public:
    enum class HostKeyState
    {
        Known,
        Unknown // not in known_hosts: hostKey() says what to show
    };

    explicit SshSession(const SshConnectionSettings &settings);

    // TCP connect and key exchange, with the connect timeout. Options come from
    // ~/.ssh/config first, then the profile's values override them.
    Result<void> connect();
    // A changed key, a key of another type, or a broken known_hosts is an error.
    Result<HostKeyState> checkHostKey();
    // After checkHostKey() failed: true when the key differs from the one recorded
    // (changed, or of another type), false for other failures.
    bool hostKeyMismatch() const { return m_hostKeyMismatch; }
    Result<void> saveHostKey();
    Result<void> authenticate(const SshCredentials &credentials);

    // Opening the channel fails on a dead session before anything ran, so the
    // caller may reconnect and try again.
    Result<SshHandles::ChannelPtr> start(const QString &command);
    Result<SshCommandResult> finish(
        SshHandles::ChannelPtr channel, std::chrono::milliseconds timeout, const std::atomic_bool &abort);
    // As finish(), but the standard output goes to `sink` piece by piece as it arrives
    // (never kept: any size streams through), and `timeout` is the longest time without
    // a byte. A sink that fails ends the command with its error.
    using OutputSink = std::function<Result<void>(QByteArrayView)>;
    Result<SshCommandResult> finish(SshHandles::ChannelPtr channel, std::chrono::milliseconds idleTimeout,
        const std::atomic_bool &abort, const OutputSink &sink);

    bool isConnected() const;
    // An SSH_MSG_IGNORE to keep the connection (and NAT state) alive; false when dead.
    bool sendKeepalive();

    const HostKeyInfo &hostKey() const { return m_hostKey; }
    // For SFTP on the same connection (RemoteFiles); owned by this session.
    ssh_session handle() const { return m_session.get(); }
    QString address() const; // "user@host:port" for messages

private:
    QString libsshError() const;

    SshConnectionSettings m_settings;
    SshHandles::SessionPtr m_session;
    HostKeyInfo m_hostKey;
    QString m_host;
    QString m_user;
    int m_port = 22;
    bool m_hostKeyMismatch = false;
};
