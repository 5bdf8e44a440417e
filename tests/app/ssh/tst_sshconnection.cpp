// The SSH connector against the sandbox's real sshd: host key questions and
// refusals, authentication, commands and node facts. Every test works on its own
// copy of the sandbox's (empty) known_hosts file.
#include "connectors/ssh/SshNodeConnection.h"
#include "connectors/ssh/SshShell.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// `ssh-keygen -lf FILE`'s fingerprint field: "256 SHA256:... comment (ED25519)".
QString keygenFingerprint(const QString &publicKeyFile)
{
    QProcess keygen;
    keygen.start(u"ssh-keygen"_s, {u"-lf"_s, publicKeyFile});
    if (!keygen.waitForFinished(10000) || keygen.exitCode() != 0)
        return {};
    return QString::fromUtf8(keygen.readAllStandardOutput()).section(u' ', 1, 1);
}

// A new key pair in `dir`; returns the private key's path.
QString generateKey(const QString &dir, const QString &name, const QString &type = u"ed25519"_s,
    const QString &passphrase = QString())
{
    const QString path = QDir(dir).filePath(name);
    const int rc = QProcess::execute(
        u"ssh-keygen"_s, {u"-q"_s, u"-t"_s, type, u"-N"_s, passphrase, u"-C"_s, name, u"-f"_s, path});
    return rc == 0 ? path : QString();
}

QStringList g_log;

void collectLog(QtMsgType, const QMessageLogContext &, const QString &message)
{
    g_log.append(message);
}

} // namespace

class TestSshConnection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void callsReturnAtOnce();
    void unknownKeyCancel();
    void unknownKeyOnce();
    void unknownKeySave();
    void changedKeyIsRefusedUntilRemoved();
    void otherKeyTypeIsRefused();
    void acceptNewPolicy();
    void commandOutputAndStatus();
    void outputStreamsThroughASink();
    void nodeFactsFollowStopAndStart();
    void deadSessionReconnects();
    void connectionRefused();
    void wrongUserKey();
    void passphraseAndPasswordNeverShown();

private:
    SshConnectionSettings settings(const QString &node, HostKeyPolicy policy) const;
    std::unique_ptr<SshNodeConnection> connection(
        const QString &node, HostKeyPolicy policy = HostKeyPolicy::AskForNewHostKeys) const;
    // Runs a command and waits for its answer; fails the test on a host key question.
    Result<SshCommandResult> runAndWait(SshNodeConnection &connection, const QString &command);
    Result<NodeFacts> factsAndWait(SshNodeConnection &connection, const QString &node);
    void writeKnownKey(const QString &host, int port, const QString &publicKeyFile);

    QString m_sandbox;
    std::optional<LoadedProfile> m_profile;
    QString m_fingerprint1; // of jatos-1's host key
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_knownHosts;
};

void TestSshConnection::initTestCase()
{
    m_sandbox = qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR");
    QVERIFY2(!m_sandbox.isEmpty(), "run through ctest: CLUSTERDESK_SANDBOX_DIR is not set");
    auto loaded = ProfileFile::load(QDir(m_sandbox).filePath(u"profile.json"_s), PresetRegistry::builtIn());
    QVERIFY2(loaded.has_value(), loaded ? "" : qPrintable(formatIssues(loaded.error())));
    m_profile = std::move(*loaded);
    QCOMPARE(m_profile->profile.nodes.size(), 2);
    // The user's own agent must not answer for the sandbox's key.
    qunsetenv("SSH_AUTH_SOCK");
    m_fingerprint1 = keygenFingerprint(QDir(m_sandbox).filePath(u"ssh/jatos-1/ssh_host_ed25519_key.pub"_s));
    QVERIFY(m_fingerprint1.startsWith(u"SHA256:"_s));
}

void TestSshConnection::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_knownHosts = m_dir->filePath(u"known_hosts"_s);
    const QString original
        = ProfileFile::resolvePath(m_profile->path, m_profile->profile.deployment.knownHosts);
    QVERIFY(QFile::copy(original, m_knownHosts));
    QFile(m_knownHosts).setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    QCOMPARE(readFile(m_knownHosts), QByteArray());
}

SshConnectionSettings TestSshConnection::settings(const QString &node, HostKeyPolicy policy) const
{
    auto result = SshNodeConnection::settingsFor(*m_profile, node, policy);
    if (!result)
        qFatal("no settings for %s: %s", qPrintable(node), qPrintable(result.error().message));
    result->knownHostsFile = m_knownHosts;
    return *result;
}

std::unique_ptr<SshNodeConnection> TestSshConnection::connection(
    const QString &node, HostKeyPolicy policy) const
{
    return std::make_unique<SshNodeConnection>(settings(node, policy), SshCredentials {});
}

Result<SshCommandResult> TestSshConnection::runAndWait(SshNodeConnection &connection, const QString &command)
{
    QSignalSpy finished(&connection, &SshNodeConnection::commandFinished);
    QSignalSpy unknown(&connection, &SshNodeConnection::hostKeyUnknown);
    const quint64 id = connection.run(command);
    if (!finished.wait(60000))
        return failure(u"no answer within 60 s"_s);
    if (unknown.size() != 0)
        return failure(u"unexpected host key question"_s);
    if (finished.first().at(0).value<SshCommandReply>().id != id)
        return failure(u"answer to another request"_s);
    return finished.first().at(0).value<SshCommandReply>().result;
}

Result<NodeFacts> TestSshConnection::factsAndWait(SshNodeConnection &connection, const QString &node)
{
    const Result<NodeFactsQuery> query = NodeFactsQuery::forNode(*m_profile, node);
    if (!query)
        return std::unexpected(query.error());
    QSignalSpy read(&connection, &SshNodeConnection::factsRead);
    connection.readFacts(*query);
    if (!read.wait(60000))
        return failure(u"no facts within 60 s"_s);
    return read.first().at(0).value<NodeFactsReply>().facts;
}

void TestSshConnection::writeKnownKey(const QString &host, int port, const QString &publicKeyFile)
{
    const QByteArray key = readFile(publicKeyFile).trimmed();
    QVERIFY(!key.isEmpty());
    const QByteArray line = "[" + host.toUtf8() + "]:" + QByteArray::number(port) + " " + key + "\n";
    QVERIFY(writeFile(m_knownHosts, line));
}

void TestSshConnection::callsReturnAtOnce()
{
    auto ssh = connection(u"jatos-1"_s);
    QSignalSpy unknown(ssh.get(), &SshNodeConnection::hostKeyUnknown);
    QSignalSpy finished(ssh.get(), &SshNodeConnection::commandFinished);
    QElapsedTimer timer;
    timer.start();
    ssh->run(u"true"_s);
    ssh->run(u"true"_s);
    const Result<NodeFactsQuery> query = NodeFactsQuery::forNode(*m_profile, u"jatos-1"_s);
    QVERIFY(query.has_value());
    ssh->readFacts(*query);
    QVERIFY2(timer.elapsed() < 50, qPrintable(u"calls took %1 ms"_s.arg(timer.elapsed())));
    QVERIFY(unknown.wait(20000));

    timer.restart();
    ssh->acceptHostKey(HostKeyDecision::Once);
    QVERIFY(timer.elapsed() < 50);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
    for (const QList<QVariant> &answer : std::as_const(finished))
        QVERIFY(answer.at(0).value<SshCommandReply>().result.has_value());
    QCOMPARE(finished.at(0).at(0).value<SshCommandReply>().id + 1,
        finished.at(1).at(0).value<SshCommandReply>().id);
}

void TestSshConnection::unknownKeyCancel()
{
    auto ssh = connection(u"jatos-1"_s);
    QSignalSpy unknown(ssh.get(), &SshNodeConnection::hostKeyUnknown);
    QSignalSpy finished(ssh.get(), &SshNodeConnection::commandFinished);
    ssh->run(u"echo should-not-run"_s);
    QVERIFY(unknown.wait(20000));
    const HostKeyInfo info = unknown.first().first().value<HostKeyInfo>();
    QCOMPARE(info.host, u"127.31.1.1"_s);
    QCOMPARE(info.port, 2222);
    QCOMPARE(info.keyType, u"ssh-ed25519"_s);
    QCOMPARE(info.fingerprint, m_fingerprint1);
    QCOMPARE(QFileInfo(info.knownHostsFile), QFileInfo(m_knownHosts));
    QCOMPARE(finished.size(), 0);

    ssh->acceptHostKey(HostKeyDecision::Cancel);
    QVERIFY(finished.wait(20000));
    const auto result = finished.first().at(0).value<SshCommandReply>().result;
    QVERIFY(!result.has_value());
    QVERIFY2(result.error().message.contains(u"was not accepted"_s), qPrintable(result.error().message));
    QVERIFY(result.error().message.contains(m_fingerprint1));
    QCOMPARE(readFile(m_knownHosts), QByteArray());
}

void TestSshConnection::unknownKeyOnce()
{
    auto ssh = connection(u"jatos-1"_s);
    QSignalSpy unknown(ssh.get(), &SshNodeConnection::hostKeyUnknown);
    QSignalSpy finished(ssh.get(), &SshNodeConnection::commandFinished);
    ssh->run(u"echo once"_s);
    QVERIFY(unknown.wait(20000));
    ssh->acceptHostKey(HostKeyDecision::Once);
    QVERIFY(finished.wait(20000));
    const auto result = finished.first().at(0).value<SshCommandReply>().result;
    QVERIFY2(result.has_value(), qPrintable(result ? QString() : result.error().message));
    QCOMPARE(result->standardOutput, "once\n");
    QCOMPARE(readFile(m_knownHosts), QByteArray());

    // The same connection reuses its session: no second question.
    const auto again = runAndWait(*ssh, u"echo again"_s);
    QVERIFY2(again.has_value(), qPrintable(again ? QString() : again.error().message));
    QCOMPARE(again->standardOutput, "again\n");
    QCOMPARE(unknown.size(), 1);
}

void TestSshConnection::unknownKeySave()
{
    {
        auto ssh = connection(u"jatos-1"_s);
        QSignalSpy unknown(ssh.get(), &SshNodeConnection::hostKeyUnknown);
        QSignalSpy finished(ssh.get(), &SshNodeConnection::commandFinished);
        ssh->run(u"true"_s);
        QVERIFY(unknown.wait(20000));
        ssh->acceptHostKey(HostKeyDecision::Save);
        QVERIFY(finished.wait(20000));
        QVERIFY(finished.first().at(0).value<SshCommandReply>().result.has_value());
    }
    const QByteArray saved = readFile(m_knownHosts);
    QVERIFY2(saved.startsWith("[127.31.1.1]:2222 ssh-ed25519 "), saved.constData());
    const QByteArray hostKey = readFile(QDir(m_sandbox).filePath(u"ssh/jatos-1/ssh_host_ed25519_key.pub"_s));
    QVERIFY(saved.contains(hostKey.split(' ').value(1)));

    auto second = connection(u"jatos-1"_s);
    const auto result = runAndWait(*second, u"echo known"_s);
    QVERIFY2(result.has_value(), qPrintable(result ? QString() : result.error().message));
    QCOMPARE(result->standardOutput, "known\n");
}

void TestSshConnection::changedKeyIsRefusedUntilRemoved()
{
    const QString other = generateKey(m_dir->path(), u"other_host_key"_s);
    QVERIFY(!other.isEmpty());
    writeKnownKey(u"127.31.1.1"_s, 2222, other + u".pub"_s);
    const QByteArray before = readFile(m_knownHosts);

    auto ssh = connection(u"jatos-1"_s);
    const auto refused = runAndWait(*ssh, u"echo should-not-run"_s);
    QVERIFY(!refused.has_value());
    const QString message = refused.error().message;
    QVERIFY2(message.contains(u"HAS CHANGED"_s), qPrintable(message));
    QVERIFY2(message.contains(u"127.31.1.1:2222"_s), qPrintable(message));
    QVERIFY2(message.contains(m_fingerprint1), qPrintable(message));
    QVERIFY2(message.contains(m_knownHosts + u", line 1"_s), qPrintable(message));
    QCOMPARE(readFile(m_knownHosts), before);

    // Accepting is not possible: a decision without a question changes nothing.
    ssh->acceptHostKey(HostKeyDecision::Save);
    const auto still = runAndWait(*ssh, u"true"_s);
    QVERIFY(!still.has_value());
    QVERIFY(still.error().message.contains(u"HAS CHANGED"_s));
    QCOMPARE(readFile(m_knownHosts), before);

    QSignalSpy removed(ssh.get(), &SshNodeConnection::knownHostRemoved);
    ssh->removeKnownHost();
    QVERIFY(removed.wait(10000));
    const auto count = removed.first().first().value<KnownHostRemoval>().removedLines;
    QVERIFY(count.has_value());
    QCOMPARE(*count, 1);
    QCOMPARE(readFile(m_knownHosts), QByteArray());

    QSignalSpy unknown(ssh.get(), &SshNodeConnection::hostKeyUnknown);
    QSignalSpy finished(ssh.get(), &SshNodeConnection::commandFinished);
    ssh->run(u"true"_s);
    QVERIFY(unknown.wait(20000));
    QCOMPARE(unknown.first().first().value<HostKeyInfo>().fingerprint, m_fingerprint1);
    ssh->acceptHostKey(HostKeyDecision::Cancel);
    QVERIFY(finished.wait(20000));
}

void TestSshConnection::otherKeyTypeIsRefused()
{
    const QString other = generateKey(m_dir->path(), u"ecdsa_host_key"_s, u"ecdsa"_s);
    QVERIFY(!other.isEmpty());
    writeKnownKey(u"127.31.1.1"_s, 2222, other + u".pub"_s);
    const QByteArray before = readFile(m_knownHosts);

    auto ssh = connection(u"jatos-1"_s, HostKeyPolicy::AcceptNewHostKeys);
    const auto refused = runAndWait(*ssh, u"true"_s);
    QVERIFY(!refused.has_value());
    const QString message = refused.error().message;
    QVERIFY2(message.contains(u"a key of another type"_s), qPrintable(message));
    QVERIFY2(message.contains(m_fingerprint1), qPrintable(message));
    QVERIFY2(message.contains(m_knownHosts + u", line 1"_s), qPrintable(message));
    QCOMPARE(readFile(m_knownHosts), before);
}

void TestSshConnection::acceptNewPolicy()
{
    {
        auto ssh = connection(u"jatos-1"_s, HostKeyPolicy::AcceptNewHostKeys);
        const auto result = runAndWait(*ssh, u"echo accepted"_s);
        QVERIFY2(result.has_value(), qPrintable(result ? QString() : result.error().message));
        QCOMPARE(result->standardOutput, "accepted\n");
    }
    QVERIFY(readFile(m_knownHosts).startsWith("[127.31.1.1]:2222 ssh-ed25519 "));

    const QString other = generateKey(m_dir->path(), u"other_host_key"_s);
    QVERIFY(!other.isEmpty());
    writeKnownKey(u"127.31.1.1"_s, 2222, other + u".pub"_s);
    auto ssh = connection(u"jatos-1"_s, HostKeyPolicy::AcceptNewHostKeys);
    const auto refused = runAndWait(*ssh, u"true"_s);
    QVERIFY(!refused.has_value());
    QVERIFY2(refused.error().message.contains(u"HAS CHANGED"_s), qPrintable(refused.error().message));
}

void TestSshConnection::commandOutputAndStatus()
{
    auto ssh = connection(u"jatos-1"_s, HostKeyPolicy::AcceptNewHostKeys);
    const auto result = runAndWait(*ssh, u"echo hello; echo err >&2; exit 3"_s);
    QVERIFY2(result.has_value(), qPrintable(result ? QString() : result.error().message));
    QCOMPARE(result->exitStatus, 3);
    QCOMPARE(result->standardOutput, "hello\n");
    QCOMPARE(result->standardError, "err\n");
    QVERIFY(!result->outputTruncated);

    // Output past the limit is cut, the command still completes.
    const auto big = runAndWait(*ssh, u"head -c 3000000 /dev/zero; echo done >&2"_s);
    QVERIFY2(big.has_value(), qPrintable(big ? QString() : big.error().message));
    QCOMPARE(big->standardOutput.size(), SshCommandResult::MaxOutput);
    QVERIFY(big->outputTruncated);
    QCOMPARE(big->standardError, "done\n");
    QCOMPARE(big->exitStatus, 0);

    // A command past its time limit is an error; the session stays usable.
    QSignalSpy finished(ssh.get(), &SshNodeConnection::commandFinished);
    ssh->run(u"sleep 30"_s, std::chrono::milliseconds(500));
    QVERIFY(finished.wait(20000));
    const auto late = finished.first().at(0).value<SshCommandReply>().result;
    QVERIFY(!late.has_value());
    QVERIFY2(
        late.error().message.contains(u"did not finish within 0.5 s"_s), qPrintable(late.error().message));
    const auto after = runAndWait(*ssh, u"echo still-here"_s);
    QVERIFY2(after.has_value(), qPrintable(after ? QString() : after.error().message));
    QCOMPARE(after->standardOutput, "still-here\n");
}

void TestSshConnection::outputStreamsThroughASink()
{
    // A blocking shell, as the guided upgrade and the diagnostics bundle use it.
    SshShell shell(settings(u"jatos-1"_s, HostKeyPolicy::AcceptNewHostKeys), SshCredentials {});
    const std::atomic_bool abort = false;
    qint64 received = 0;
    int pieces = 0;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    // Far more than a collected command may keep (MaxOutput): all of it arrives.
    const qint64 size = 3 * qint64(SshCommandResult::MaxOutput) + 12345;
    const auto streamed
        = shell.stream(u"head -c %1 /dev/urandom | tee \"$HOME/cd-stream-$$\"; "
                       "sha256sum \"$HOME/cd-stream-$$\" >&2; rm -f \"$HOME/cd-stream-$$\""_s.arg(size),
            std::chrono::seconds(20), abort, [&](QByteArrayView piece) -> Result<void> {
                received += piece.size();
                ++pieces;
                hash.addData(piece);
                return {};
            });
    QVERIFY2(streamed.has_value(), qPrintable(streamed ? QString() : streamed.error().message));
    QCOMPARE(received, size);
    QVERIFY(pieces > 1);
    QCOMPARE(streamed->standardOutput, QByteArray()); // nothing kept
    QVERIFY(!streamed->outputTruncated);
    QCOMPARE(streamed->standardError.left(64), hash.result().toHex()); // every byte, in order

    // A sink that refuses ends the command with its error; the shell stays usable.
    const auto refused = shell.stream(u"head -c 1000000 /dev/zero"_s, std::chrono::seconds(20), abort,
        [](QByteArrayView) -> Result<void> { return failure(u"the disk is full"_s); });
    QVERIFY(!refused.has_value());
    QCOMPARE(refused.error().message, u"the disk is full"_s);

    // The timeout counts from the last byte: a slow but steady command is not cut...
    const auto steady = shell.stream(u"for i in 1 2 3 4; do echo $i; sleep 0.3; done"_s,
        std::chrono::milliseconds(1500), abort, [](QByteArrayView) -> Result<void> { return {}; });
    QVERIFY2(steady.has_value(), qPrintable(steady ? QString() : steady.error().message));
    // ...one that goes silent is.
    const auto silent = shell.stream(u"echo start; sleep 30"_s, std::chrono::milliseconds(500), abort,
        [](QByteArrayView) -> Result<void> { return {}; });
    QVERIFY(!silent.has_value());
    QVERIFY2(
        silent.error().message.contains(u"sent nothing for 0.5 s"_s), qPrintable(silent.error().message));
    const auto after = shell.run(u"echo still-here"_s, std::chrono::seconds(20), abort);
    QVERIFY2(after.has_value(), qPrintable(after ? QString() : after.error().message));
    QCOMPARE(after->standardOutput, "still-here\n");
}

void TestSshConnection::nodeFactsFollowStopAndStart()
{
    const QString node = u"jatos-2"_s;
    auto ssh = connection(node, HostKeyPolicy::AcceptNewHostKeys);
    const Result<NodeFacts> up = factsAndWait(*ssh, node);
    QVERIFY2(up.has_value(), qPrintable(up ? QString() : up.error().message));
    QVERIFY(up->running);
    QVERIFY(up->uptimeSeconds > 0);
    QVERIFY(up->installDirFreeBytes.value_or(0) > 0);
    QVERIFY(up->sharedDirFreeBytes.value_or(0) > 0);
    QVERIFY(!up->javaVersion.isEmpty());

    const auto spec = std::find_if(m_profile->profile.nodes.cbegin(), m_profile->profile.nodes.cend(),
        [&](const NodeSpec &n) { return n.name == node; });
    const QMap<QString, QString> values {{u"installDir"_s, spec->installDir}};
    const auto stopped = runAndWait(*ssh, ProductPreset::expand(m_profile->preset.commands.stop, values));
    QVERIFY2(stopped.has_value(), qPrintable(stopped ? QString() : stopped.error().message));
    QCOMPARE(stopped->exitStatus, 0);
    const Result<NodeFacts> down = factsAndWait(*ssh, node);
    QVERIFY2(down.has_value(), qPrintable(down ? QString() : down.error().message));
    QVERIFY(!down->running);

    const auto started = runAndWait(*ssh, ProductPreset::expand(m_profile->preset.commands.start, values));
    QVERIFY2(started.has_value(), qPrintable(started ? QString() : started.error().message));
    QVERIFY2(started->exitStatus == 0, started->standardError.constData());
    const QDeadlineTimer deadline(60000);
    bool running = false;
    while (!running && !deadline.hasExpired()) {
        const Result<NodeFacts> facts = factsAndWait(*ssh, node);
        QVERIFY2(facts.has_value(), qPrintable(facts ? QString() : facts.error().message));
        running = facts->running;
    }
    QVERIFY(running);
}

void TestSshConnection::deadSessionReconnects()
{
    auto ssh = connection(u"jatos-1"_s, HostKeyPolicy::AcceptNewHostKeys);
    const auto first = runAndWait(*ssh, u"echo $PPID"_s);
    QVERIFY2(first.has_value(), qPrintable(first ? QString() : first.error().message));
    // Kill the sshd process serving this session: the connection drops under the worker.
    runAndWait(*ssh, u"kill -KILL $PPID"_s);
    const auto after = runAndWait(*ssh, u"echo $PPID"_s);
    QVERIFY2(after.has_value(), qPrintable(after ? QString() : after.error().message));
    QVERIFY(after->standardOutput != first->standardOutput);
}

void TestSshConnection::connectionRefused()
{
    SshConnectionSettings refused = settings(u"jatos-2"_s, HostKeyPolicy::AskForNewHostKeys);
    refused.target.port = 2223;
    SshNodeConnection ssh(refused, SshCredentials {});
    QElapsedTimer timer;
    timer.start();
    const auto result = runAndWait(ssh, u"true"_s);
    QVERIFY(!result.has_value());
    QVERIFY2(timer.elapsed() < 5000, qPrintable(u"took %1 ms"_s.arg(timer.elapsed())));
    QVERIFY2(result.error().message.contains(u"cannot connect to 127.31.1.2:2223"_s),
        qPrintable(result.error().message));
}

void TestSshConnection::wrongUserKey()
{
    SshConnectionSettings wrong = settings(u"jatos-1"_s, HostKeyPolicy::AcceptNewHostKeys);
    wrong.target.identity = generateKey(m_dir->path(), u"not_authorized"_s);
    QVERIFY(!wrong.target.identity.isEmpty());
    SshNodeConnection ssh(wrong, SshCredentials {});
    const auto result = runAndWait(ssh, u"true"_s);
    QVERIFY(!result.has_value());
    QVERIFY2(result.error().message.contains(u"authentication failed for root@127.31.1.1:2222"_s),
        qPrintable(result.error().message));
    QVERIFY(result.error().message.contains(wrong.target.identity));
}

void TestSshConnection::passphraseAndPasswordNeverShown()
{
    const QByteArray passphrase = "correct-horse-battery-staple";
    const QByteArray password = "pa55-w0rd-never-logged";
    SshConnectionSettings target = settings(u"jatos-1"_s, HostKeyPolicy::AcceptNewHostKeys);
    target.target.identity
        = generateKey(m_dir->path(), u"protected"_s, u"ed25519"_s, QString::fromUtf8(passphrase));
    QVERIFY(!target.target.identity.isEmpty());

    g_log.clear();
    const QtMessageHandler previous = qInstallMessageHandler(collectLog);
    Result<SshCommandResult> wrong = failure(QString());
    Result<SshCommandResult> right = failure(QString());
    {
        SshNodeConnection ssh(target, SshCredentials {"not-the-passphrase", QByteArray()});
        wrong = runAndWait(ssh, u"true"_s);
    }
    {
        // The key opens, but the sandbox does not authorise it; sshd refuses passwords.
        SshNodeConnection ssh(target, SshCredentials {passphrase, password});
        right = runAndWait(ssh, u"true"_s);
    }
    qInstallMessageHandler(previous);

    QVERIFY(!wrong.has_value());
    QVERIFY2(wrong.error().message.contains(u"wrong passphrase"_s), qPrintable(wrong.error().message));
    QVERIFY(!right.has_value());
    const QString message = right.error().message;
    QVERIFY2(
        message.contains(u"(tried: key %1, password)"_s.arg(target.target.identity)), qPrintable(message));
    for (const QString &text : QStringList {wrong.error().message, message, g_log.join(u'\n')}) {
        QVERIFY(!text.contains(QString::fromUtf8(passphrase)));
        QVERIFY(!text.contains(QString::fromUtf8(password)));
    }
    QVERIFY(!g_log.isEmpty());
}

QTEST_GUILESS_MAIN(TestSshConnection)
#include "tst_sshconnection.moc"
