#include "SshSession.h"

#include "KnownHostsFile.h"
#include "SshLogging.h"

#include <QDir>
#include <QElapsedTimer>
#include <QStringList>

#include <algorithm>

using namespace SshHandles;

namespace {

QString takeString(char *text)
{
    const StringPtr owned(text);
    return owned ? QString::fromUtf8(owned.get()) : QString();
}

void appendBounded(QByteArray &out, bool &truncated, const char *data, int size)
{
    const qsizetype room = SshCommandResult::MaxOutput - out.size();
    if (size > room) {
        truncated = true;
        out.append(data, std::max<qsizetype>(room, 0));
    } else {
        out.append(data, size);
    }
}

} // namespace

SshSession::SshSession(const SshConnectionSettings &settings)
    : m_settings(settings)
    , m_session(ssh_new())
    , m_host(settings.target.host)
    , m_user(settings.target.user)
    , m_port(settings.target.port)
{ }

QString SshSession::address() const
{
    return QStringLiteral("%1@%2:%3").arg(m_user, m_host).arg(m_port);
}

QString SshSession::libsshError() const
{
    return QString::fromUtf8(ssh_get_error(m_session.get()));
}

bool SshSession::isConnected() const
{
    return m_session && ssh_is_connected(m_session.get());
}

bool SshSession::sendKeepalive()
{
    return isConnected() && ssh_send_ignore(m_session.get(), "clusterdesk-keepalive") == SSH_OK
        && isConnected();
}

Result<void> SshSession::connect()
{
    ssh_session session = m_session.get();
    if (!session)
        return failure(tr("cannot create an SSH session (out of memory?)"));

    // The host goes first: ~/.ssh/config's Host blocks are matched against it.
    const QByteArray host = m_settings.target.host.toUtf8();
    ssh_options_set(session, SSH_OPTIONS_HOST, host.constData());
    if (ssh_options_parse_config(session, nullptr) != SSH_OK)
        qCWarning(lcSsh) << "ignoring unreadable ssh configuration:" << libsshError();

    // The profile's values win over the configuration.
    const unsigned int port = static_cast<unsigned int>(m_settings.target.port);
    ssh_options_set(session, SSH_OPTIONS_PORT, &port);
    if (!m_settings.target.user.isEmpty()) {
        const QByteArray user = m_settings.target.user.toUtf8();
        ssh_options_set(session, SSH_OPTIONS_USER, user.constData());
    }
    const long timeout = static_cast<long>(m_settings.connectTimeout.count());
    ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &timeout);
    if (!m_settings.knownHostsFile.isEmpty()) {
        // Only the profile's file counts, not /etc/ssh/ssh_known_hosts as well.
        const QByteArray file = QDir::toNativeSeparators(m_settings.knownHostsFile).toUtf8();
        ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, file.constData());
        ssh_options_set(session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    }

    const int rc = ssh_connect(session);
    // As connected: ~/.ssh/config may have named another HostName, and the user
    // defaults to the local one only when connecting.
    char *value = nullptr;
    if (ssh_options_get(session, SSH_OPTIONS_HOST, &value) == SSH_OK)
        m_host = takeString(value);
    value = nullptr;
    if (ssh_options_get(session, SSH_OPTIONS_USER, &value) == SSH_OK)
        m_user = takeString(value);
    unsigned int actualPort = port;
    if (ssh_options_get_port(session, &actualPort) == SSH_OK)
        m_port = static_cast<int>(actualPort);
    qCDebug(lcSsh) << "connect to" << address() << (rc == SSH_OK ? "succeeded" : "failed");
    if (rc != SSH_OK)
        return failure(tr("cannot connect to %1:%2: %3").arg(m_host).arg(m_port).arg(libsshError()));
    return {};
}

Result<SshSession::HostKeyState> SshSession::checkHostKey()
{
    ssh_session session = m_session.get();
    ssh_key rawKey = nullptr;
    if (ssh_get_server_publickey(session, &rawKey) != SSH_OK)
        return failure(tr("%1:%2 sent no host key: %3").arg(m_host).arg(m_port).arg(libsshError()));
    const KeyPtr key(rawKey);

    unsigned char *rawHash = nullptr;
    size_t hashLength = 0;
    if (ssh_get_publickey_hash(key.get(), SSH_PUBLICKEY_HASH_SHA256, &rawHash, &hashLength) != SSH_OK)
        return failure(tr("cannot compute the host key fingerprint of %1:%2").arg(m_host).arg(m_port));
    const HashPtr hash(rawHash);

    m_hostKey.host = m_host;
    m_hostKey.port = m_port;
    m_hostKey.keyType = QString::fromLatin1(ssh_key_type_to_char(ssh_key_type(key.get())));
    m_hostKey.fingerprint
        = takeString(ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash.get(), hashLength));
    char *file = nullptr;
    if (ssh_options_get(session, SSH_OPTIONS_KNOWNHOSTS, &file) == SSH_OK)
        m_hostKey.knownHostsFile = takeString(file);
    if (m_hostKey.knownHostsFile.isEmpty())
        m_hostKey.knownHostsFile = m_settings.knownHostsFile.isEmpty()
            ? QDir::home().filePath(QStringLiteral(".ssh/known_hosts"))
            : m_settings.knownHostsFile;

    const auto where = [this] {
        const QList<int> lines = KnownHostsFile::linesFor(m_hostKey.knownHostsFile, m_host, m_port);
        QStringList numbers;
        for (int line : lines)
            numbers.append(QString::number(line));
        return numbers.isEmpty()
            ? m_hostKey.knownHostsFile
            : tr("%1, line %2").arg(m_hostKey.knownHostsFile, numbers.join(QStringLiteral(", ")));
    };

    switch (ssh_session_is_known_server(session)) {
    case SSH_KNOWN_HOSTS_OK:
        return HostKeyState::Known;
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
        return HostKeyState::Unknown;
    case SSH_KNOWN_HOSTS_CHANGED:
        qCWarning(lcSsh) << "host key of" << m_host << m_port << "CHANGED; refusing";
        m_hostKeyMismatch = true;
        return failure(tr("WARNING: THE HOST KEY OF %1:%2 HAS CHANGED. Someone may be intercepting the "
                          "connection (a man-in-the-middle attack), or the host's key was replaced. "
                          "The host now offers the %3 key %4, which does not match the key recorded "
                          "for it in %5. Clusterdesk refuses to connect. If you know the key was "
                          "replaced on purpose, remove the old key from known_hosts and connect "
                          "again to check the new one.")
                           .arg(m_host)
                           .arg(m_port)
                           .arg(m_hostKey.keyType, m_hostKey.fingerprint, where()));
    case SSH_KNOWN_HOSTS_OTHER:
        qCWarning(lcSsh) << "host key of" << m_host << m_port << "is of another type than the known one";
        m_hostKeyMismatch = true;
        return failure(tr("WARNING: %1:%2 offers a %3 key (%4), but %5 records a key of another type "
                          "for it. This can be an attack; Clusterdesk refuses to connect. If the "
                          "host's keys were replaced on purpose, remove the old key from known_hosts "
                          "and connect again to check the new one.")
                           .arg(m_host)
                           .arg(m_port)
                           .arg(m_hostKey.keyType, m_hostKey.fingerprint, where()));
    case SSH_KNOWN_HOSTS_ERROR:
        break;
    }
    return failure(tr("cannot check the host key of %1:%2 against %3: %4")
                       .arg(m_host)
                       .arg(m_port)
                       .arg(m_hostKey.knownHostsFile, libsshError()));
}

Result<void> SshSession::saveHostKey()
{
    if (ssh_session_update_known_hosts(m_session.get()) != SSH_OK)
        return failure(tr("cannot add the host key of %1:%2 to %3: %4")
                           .arg(m_host)
                           .arg(m_port)
                           .arg(m_hostKey.knownHostsFile, libsshError()));
    qCInfo(lcSsh) << "saved host key" << m_hostKey.fingerprint << "of" << m_host << m_port << "in"
                  << m_hostKey.knownHostsFile;
    return {};
}

Result<void> SshSession::authenticate(const SshCredentials &credentials)
{
    ssh_session session = m_session.get();
    const auto broken = [this] {
        return failure(tr("authentication with %1 broke off: %2").arg(address(), libsshError()));
    };

    int rc = ssh_userauth_none(session, nullptr);
    if (rc == SSH_AUTH_SUCCESS)
        return {};
    if (rc == SSH_AUTH_ERROR)
        return broken();

    QStringList tried;
    if (qEnvironmentVariableIsSet("SSH_AUTH_SOCK")) {
        tried.append(tr("agent"));
        rc = ssh_userauth_agent(session, nullptr);
        if (rc == SSH_AUTH_SUCCESS)
            return {};
        if (rc == SSH_AUTH_ERROR)
            qCDebug(lcSsh) << "agent authentication failed:" << libsshError();
    }

    const QString identity = m_settings.target.identity;
    if (!identity.isEmpty()) {
        ssh_key rawKey = nullptr;
        const QByteArray path = QDir::toNativeSeparators(identity).toUtf8();
        const char *passphrase
            = credentials.passphrase.isEmpty() ? nullptr : credentials.passphrase.constData();
        if (ssh_pki_import_privkey_file(path.constData(), passphrase, nullptr, nullptr, &rawKey) != SSH_OK) {
            tried.append(tr("key %1 (unreadable, or a wrong passphrase)").arg(identity));
        } else {
            const KeyPtr key(rawKey);
            tried.append(tr("key %1").arg(identity));
            rc = ssh_userauth_publickey(session, nullptr, key.get());
            if (rc == SSH_AUTH_SUCCESS)
                return {};
            if (rc == SSH_AUTH_ERROR)
                return broken();
        }
    }

    if (!credentials.password.isEmpty()) {
        tried.append(tr("password"));
        rc = ssh_userauth_password(session, nullptr, credentials.password.constData());
        if (rc == SSH_AUTH_SUCCESS)
            return {};
        if (rc == SSH_AUTH_ERROR)
            return broken();
    }

    if (tried.isEmpty())
        tried.append(tr("nothing: no agent, key file or password"));
    return failure(
        tr("authentication failed for %1 (tried: %2)").arg(address(), tried.join(QStringLiteral(", "))));
}

Result<ChannelPtr> SshSession::start(const QString &command)
{
    ChannelPtr channel(ssh_channel_new(m_session.get()));
    if (!channel || ssh_channel_open_session(channel.get()) != SSH_OK)
        return failure(tr("cannot open a channel to %1: %2").arg(address(), libsshError()));
    const QByteArray bytes = command.toUtf8();
    if (ssh_channel_request_exec(channel.get(), bytes.constData()) != SSH_OK)
        return failure(tr("%1 refused to run a command: %2").arg(address(), libsshError()));
    return channel;
}

Result<SshCommandResult> SshSession::finish(
    ChannelPtr channel, std::chrono::milliseconds timeout, const std::atomic_bool &abort)
{
    return finish(std::move(channel), timeout, abort, {});
}

Result<SshCommandResult> SshSession::finish(ChannelPtr channel, std::chrono::milliseconds timeout,
    const std::atomic_bool &abort, const OutputSink &sink)
{
    SshCommandResult result;
    // Streaming: the timeout counts from the last byte; collecting: from the start.
    const bool streaming = bool(sink);
    const auto take = [&](const char *data, int size) -> Result<void> {
        if (!streaming) {
            appendBounded(result.standardOutput, result.outputTruncated, data, size);
            return {};
        }
        return sink(QByteArrayView(data, size));
    };
    char buffer[16384];
    QElapsedTimer timer;
    timer.start();
    const auto readError = [this] {
        return failure(tr("lost the connection to %1 while a command ran: %2").arg(address(), libsshError()));
    };
    const auto drainStderr = [&]() -> bool {
        for (;;) {
            const int n = ssh_channel_read_nonblocking(channel.get(), buffer, sizeof buffer, 1);
            if (n > 0)
                appendBounded(result.standardError, result.outputTruncated, buffer, n);
            else
                return n == 0 || n == SSH_EOF;
        }
    };

    for (;;) {
        if (abort)
            return failure(tr("the command on %1 was cancelled").arg(address()));
        const qint64 left = timeout.count() - timer.elapsed();
        if (left <= 0)
            return failure((streaming ? tr("the command on %1 sent nothing for %2 s")
                                      : tr("the command on %1 did not finish within %2 s"))
                               .arg(address())
                               .arg(static_cast<double>(timeout.count()) / 1000.0));
        const int n = ssh_channel_read_timeout(
            channel.get(), buffer, sizeof buffer, 0, static_cast<int>(std::min<qint64>(left, 200)));
        if (n == SSH_ERROR)
            return readError();
        if (n > 0) {
            if (Result<void> taken = take(buffer, n); !taken)
                return std::unexpected(taken.error());
            if (streaming)
                timer.restart();
        }
        if (!drainStderr())
            return readError();
        if (n <= 0 && ssh_channel_is_eof(channel.get()))
            break;
    }
    for (;;) {
        const int n = ssh_channel_read_nonblocking(channel.get(), buffer, sizeof buffer, 0);
        if (n <= 0)
            break;
        if (Result<void> taken = take(buffer, n); !taken)
            return std::unexpected(taken.error());
    }
    if (!drainStderr())
        return readError();

    result.exitStatus = ssh_channel_get_exit_status(channel.get());
    return result;
}
