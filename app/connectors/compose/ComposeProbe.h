#pragma once

#include "ComposeStatus.h"
#include "Result.h"
#include "connectors/ssh/SshTypes.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <optional>

class SshNodeConnection;
struct LoadedProfile;

// Reads the state of a Compose deployment's service: `docker compose ps -a` run
// over SSH on the Compose host, one refresh at a time. Lives on the caller's thread
// and never blocks it: refresh() returns at once and finished() answers.
//
// The SSH connection is the caller's (a host key question it raises is the
// caller's to answer); the probe only runs its command on it and picks its own
// answer out of commandFinished() by id, so the caller may run other commands on
// the same connection meanwhile.
class ComposeProbe : public QObject
{
    Q_OBJECT

public:
    static constexpr std::chrono::milliseconds DefaultTimeout {20000};

    // `connection` is not owned and must reach the Compose host.
    ComposeProbe(SshNodeConnection *connection, const ComposeSettings &settings, QObject *parent = nullptr);
    ~ComposeProbe() override;

    // The SSH settings of the profile's Compose host: identity and known_hosts
    // resolved against the profile's folder, the preset's SSH user when none is named.
    static Result<SshConnectionSettings> settingsFor(const LoadedProfile &profile, HostKeyPolicy policy);

    // Starts one `docker compose ps`; false (and nothing happens) while one is in
    // flight or when the connection is gone. `timeout` limits the command; an answer
    // is given at the latest GraceBeyondTimeout after it (connecting has its own limit).
    bool refresh(std::chrono::milliseconds timeout = DefaultTimeout);
    bool isRefreshing() const { return m_pending.has_value(); }

    const ComposeSettings &settings() const { return m_settings; }

Q_SIGNALS:
    void finished(const ComposeStatus &status);

private:
    static constexpr std::chrono::milliseconds GraceBeyondTimeout {30000};

    void onCommandFinished(const SshCommandReply &reply);
    void onHostKeyUnknown();
    void onNoAnswer();
    void onConnectionDestroyed();
    void finish(
        ComposeStatus::Failure failure, const QString &error, QList<ComposeContainer> containers = {});

    QPointer<SshNodeConnection> m_connection;
    ComposeSettings m_settings;
    QString m_host; // "host:port", for messages
    QString m_command;
    std::optional<quint64> m_pending; // the id of the running command
    bool m_hostKeyAsked = false; // during the running refresh
    QElapsedTimer m_elapsed;
    QTimer m_noAnswer;
};
