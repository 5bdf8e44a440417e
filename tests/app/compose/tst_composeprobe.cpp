// The Compose probe against the sandbox: a 3-node JATOS "deployment" behind the
// sandbox's `docker compose` emulation, reached over node 1's real sshd. The
// fixture trusts the host keys (--trust-host-keys), so no question is expected
// except where a test provokes one.
#include "connectors/compose/ComposeProbe.h"
#include "connectors/ssh/SshNodeConnection.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

constexpr int AnswerWithinMs = 60000;

} // namespace

class TestComposeProbe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void settingsForTheComposeHost();
    void settingsForRefusesOtherDeployments();
    void allNodesReady();
    void overlappingRefreshIsRefused();
    void wrongProjectDir();
    void unknownService();
    void refusedPort();
    void unknownHostKeyRefused();
    void changedHostKey();
    void otherCommandsOnTheSameConnection();
    void nodeDownAndBack();

private:
    SshConnectionSettings settings(HostKeyPolicy policy = HostKeyPolicy::AskForNewHostKeys) const;
    // One refresh and its answer; nullopt when refused or unanswered.
    static std::optional<ComposeStatus> refreshAndWait(ComposeProbe &probe);
    // Refreshes until `done` holds or the deadline passes; returns the last answer.
    static std::optional<ComposeStatus> refreshUntil(ComposeProbe &probe,
        const std::function<bool(const ComposeStatus &)> &done, std::chrono::milliseconds limit);
    Result<SshCommandResult> runAndWait(SshNodeConnection &connection, const QString &command);
    bool fault(const QString &node, const QString &what);

    QString m_sandbox;
    std::optional<LoadedProfile> m_profile;
    ComposeSettings m_compose;
    std::unique_ptr<SshNodeConnection> m_connection;
    std::unique_ptr<QSignalSpy> m_questions; // host key questions on m_connection: none expected
};

void TestComposeProbe::initTestCase()
{
    m_sandbox = qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR");
    QVERIFY2(!m_sandbox.isEmpty(), "run through ctest: CLUSTERDESK_SANDBOX_DIR is not set");
    auto loaded = ProfileFile::load(QDir(m_sandbox).filePath(u"profile.json"_s), PresetRegistry::builtIn());
    QVERIFY2(loaded.has_value(), loaded ? "" : qPrintable(formatIssues(loaded.error())));
    m_profile = std::move(*loaded);
    QCOMPARE(m_profile->profile.deployment.kind, DeploymentKind::Compose);
    m_compose = m_profile->profile.deployment.compose;
    QCOMPARE(m_compose.service, u"jatos"_s);
    QCOMPARE(m_compose.projectDir, QDir(m_sandbox).filePath(u"compose"_s));
    // The user's own agent must not answer for the sandbox's key.
    qunsetenv("SSH_AUTH_SOCK");
    m_connection = std::make_unique<SshNodeConnection>(settings(), SshCredentials {});
    m_questions = std::make_unique<QSignalSpy>(m_connection.get(), &SshNodeConnection::hostKeyUnknown);
}

SshConnectionSettings TestComposeProbe::settings(HostKeyPolicy policy) const
{
    auto result = ComposeProbe::settingsFor(*m_profile, policy);
    if (!result)
        qFatal("no settings for the Compose host: %s", qPrintable(result.error().message));
    return *result;
}

std::optional<ComposeStatus> TestComposeProbe::refreshAndWait(ComposeProbe &probe)
{
    QSignalSpy finished(&probe, &ComposeProbe::finished);
    if (!probe.refresh() || !finished.wait(AnswerWithinMs))
        return std::nullopt;
    return finished.first().at(0).value<ComposeStatus>();
}

std::optional<ComposeStatus> TestComposeProbe::refreshUntil(ComposeProbe &probe,
    const std::function<bool(const ComposeStatus &)> &done, std::chrono::milliseconds limit)
{
    // No pause between polls: each is an SSH round trip to a `docker compose`, which
    // paces the loop; the deadline bounds it.
    const QDeadlineTimer deadline(limit);
    std::optional<ComposeStatus> status;
    do {
        status = refreshAndWait(probe);
        if (!status || done(*status))
            return status;
    } while (!deadline.hasExpired());
    return status;
}

Result<SshCommandResult> TestComposeProbe::runAndWait(SshNodeConnection &connection, const QString &command)
{
    QSignalSpy finished(&connection, &SshNodeConnection::commandFinished);
    const quint64 id = connection.run(command);
    while (finished.wait(AnswerWithinMs)) {
        for (const QList<QVariant> &answer : std::as_const(finished)) {
            const auto reply = answer.at(0).value<SshCommandReply>();
            if (reply.id == id)
                return reply.result;
        }
    }
    return failure(u"no answer within 60 s"_s);
}

bool TestComposeProbe::fault(const QString &node, const QString &what)
{
    const QString tool = qEnvironmentVariable("CLUSTERDESK_SANDBOX");
    if (tool.isEmpty())
        return false;
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"CLUSTERDESK_SANDBOX_SUBNET"_s, u"52"_s);
    env.insert(u"PYTHONDONTWRITEBYTECODE"_s, u"1"_s);
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::ForwardedChannels);
    process.start(tool, {u"fault"_s, u"--dir"_s, m_sandbox, u"--node"_s, node, what});
    return process.waitForFinished(60000) && process.exitStatus() == QProcess::NormalExit
        && process.exitCode() == 0;
}

void TestComposeProbe::settingsForTheComposeHost()
{
    const SshConnectionSettings ssh = settings(HostKeyPolicy::AcceptNewHostKeys);
    QCOMPARE(ssh.target.host, u"127.52.1.1"_s);
    QCOMPARE(ssh.target.port, 2222);
    QVERIFY(!ssh.target.user.isEmpty());
    QCOMPARE(ssh.target.identity, QDir(m_sandbox).filePath(u"ssh/id_ed25519"_s));
    QCOMPARE(ssh.knownHostsFile, QDir(m_sandbox).filePath(u"known_hosts"_s));
    QCOMPARE(ssh.policy, HostKeyPolicy::AcceptNewHostKeys);
    // --trust-host-keys wrote the nodes' keys there, so nobody is asked.
    QFile knownHosts(ssh.knownHostsFile);
    QVERIFY(knownHosts.open(QIODevice::ReadOnly));
    QVERIFY(knownHosts.readAll().contains("[127.52.1.1]:2222 "));

    // Without a user in the profile, the preset's SSH user.
    LoadedProfile copy = *m_profile;
    copy.profile.deployment.compose.host.user.clear();
    const auto fallback = ComposeProbe::settingsFor(copy, HostKeyPolicy::AskForNewHostKeys);
    QVERIFY(fallback.has_value());
    QCOMPARE(fallback->target.user, m_profile->preset.sshUser);
}

void TestComposeProbe::settingsForRefusesOtherDeployments()
{
    LoadedProfile copy = *m_profile;
    copy.profile.deployment.kind = DeploymentKind::Hosts;
    const auto refused = ComposeProbe::settingsFor(copy, HostKeyPolicy::AskForNewHostKeys);
    QVERIFY(!refused.has_value());
    QVERIFY2(refused.error().message.contains(u"Compose"_s), qPrintable(refused.error().message));
}

void TestComposeProbe::allNodesReady()
{
    ComposeProbe probe(m_connection.get(), m_compose);
    // The fixture waits for the nodes; the health check may still be warming up.
    const std::optional<ComposeStatus> statusAnswer = refreshUntil(
        probe, [](const ComposeStatus &s) { return !s.ok() || s.ready() == 3; }, 90s);
    QVERIFY2(statusAnswer.has_value(), "refresh refused or unanswered");
    const ComposeStatus &status = *statusAnswer;
    QVERIFY2(status.ok(), qPrintable(status.error));
    QCOMPARE(status.failure, ComposeStatus::Failure::None);
    QCOMPARE(status.error, QString());
    QCOMPARE(status.host, u"127.52.1.1:2222"_s);
    QCOMPARE(status.desired(), 3);
    QCOMPARE(status.ready(), 3);
    QVERIFY(status.checkedAt.isValid());
    QVERIFY(qAbs(status.checkedAt.secsTo(QDateTime::currentDateTimeUtc())) < 120);
    QVERIFY(status.elapsedMs >= 0 && status.elapsedMs < AnswerWithinMs);
    for (int k = 1; k <= 3; ++k) {
        const ComposeContainer &container = status.containers.at(k - 1);
        QCOMPARE(container.name, u"compose-jatos-%1"_s.arg(k));
        QCOMPARE(container.service, u"jatos"_s);
        QCOMPARE(container.state, u"running"_s);
        QCOMPARE(container.health, u"healthy"_s);
        QCOMPARE(container.imageTag, u"3.10.4"_s);
        QCOMPARE(container.exitCode, 0);
        QVERIFY(container.status.startsWith(u"Up "_s));
        QCOMPARE(container.id.size(), 12);
        QCOMPARE(container.publishers.size(), 1);
        QCOMPARE(container.publishers.at(0).url, u"127.52.1.%1"_s.arg(k));
        QCOMPARE(container.publishers.at(0).publishedPort, 9000);
    }
    QCOMPARE(m_questions->size(), 0);
}

void TestComposeProbe::overlappingRefreshIsRefused()
{
    ComposeProbe probe(m_connection.get(), m_compose);
    QSignalSpy finished(&probe, &ComposeProbe::finished);
    QVERIFY(probe.refresh());
    QVERIFY(probe.isRefreshing());
    QVERIFY(!probe.refresh()); // refused, and starts nothing
    QVERIFY(finished.wait(AnswerWithinMs));
    QVERIFY(!probe.isRefreshing());
    // No second answer follows the first.
    QVERIFY(!finished.wait(1500));
    QCOMPARE(finished.size(), 1);
    QVERIFY(finished.first().at(0).value<ComposeStatus>().ok());
    // Once answered, the next one runs.
    QVERIFY(probe.refresh());
    QVERIFY(finished.wait(AnswerWithinMs));
    QCOMPARE(finished.size(), 2);
}

void TestComposeProbe::wrongProjectDir()
{
    ComposeSettings elsewhere = m_compose;
    elsewhere.projectDir = QDir(m_sandbox).filePath(u"no such project"_s);
    ComposeProbe probe(m_connection.get(), elsewhere);
    const std::optional<ComposeStatus> statusAnswer = refreshAndWait(probe);
    QVERIFY2(statusAnswer.has_value(), "refresh refused or unanswered");
    const ComposeStatus &status = *statusAnswer;
    QCOMPARE(status.failure, ComposeStatus::Failure::CommandFailed);
    QVERIFY(!status.ok());
    QVERIFY2(status.error.contains(u"no configuration file provided"_s), qPrintable(status.error));
    QVERIFY2(status.error.contains(u"127.52.1.1:2222"_s), qPrintable(status.error));
    QVERIFY2(status.error.contains(u"exit status 1"_s), qPrintable(status.error));
    QVERIFY(status.containers.isEmpty());
}

void TestComposeProbe::unknownService()
{
    ComposeSettings other = m_compose;
    other.service = u"nosuch"_s;
    ComposeProbe probe(m_connection.get(), other);
    const std::optional<ComposeStatus> statusAnswer = refreshAndWait(probe);
    QVERIFY2(statusAnswer.has_value(), "refresh refused or unanswered");
    const ComposeStatus &status = *statusAnswer;
    QCOMPARE(status.failure, ComposeStatus::Failure::CommandFailed);
    QVERIFY2(status.error.contains(u"no such service: nosuch"_s), qPrintable(status.error));
}

void TestComposeProbe::refusedPort()
{
    SshConnectionSettings closed = settings();
    closed.target.port = 1;
    SshNodeConnection connection(closed, SshCredentials {});
    ComposeSettings compose = m_compose;
    compose.host.port = 1;
    ComposeProbe probe(&connection, compose);
    const std::optional<ComposeStatus> statusAnswer = refreshAndWait(probe);
    QVERIFY2(statusAnswer.has_value(), "refresh refused or unanswered");
    const ComposeStatus &status = *statusAnswer;
    QCOMPARE(status.failure, ComposeStatus::Failure::Connection);
    QCOMPARE(status.host, u"127.52.1.1:1"_s);
    QVERIFY2(status.error.contains(u"127.52.1.1:1"_s), qPrintable(status.error));
    QVERIFY(status.containers.isEmpty());
}

void TestComposeProbe::unknownHostKeyRefused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    SshConnectionSettings untrusted = settings();
    untrusted.knownHostsFile = dir.filePath(u"known_hosts"_s); // empty: the key is unknown
    QVERIFY(QFile(untrusted.knownHostsFile).open(QIODevice::WriteOnly));
    SshNodeConnection connection(untrusted, SshCredentials {});
    QSignalSpy questions(&connection, &SshNodeConnection::hostKeyUnknown);
    ComposeProbe probe(&connection, m_compose);
    QSignalSpy finished(&probe, &ComposeProbe::finished);
    QVERIFY(probe.refresh());
    QVERIFY(questions.wait(AnswerWithinMs));
    QCOMPARE(finished.size(), 0); // held while the question is open
    connection.acceptHostKey(HostKeyDecision::Cancel);
    QVERIFY(finished.wait(AnswerWithinMs));
    const auto status = finished.first().at(0).value<ComposeStatus>();
    QCOMPARE(status.failure, ComposeStatus::Failure::HostKey);
    QVERIFY2(status.error.contains(u"127.52.1.1"_s), qPrintable(status.error));

    // Accepted once, the same probe reads the service.
    QVERIFY(probe.refresh());
    QVERIFY(questions.wait(AnswerWithinMs));
    connection.acceptHostKey(HostKeyDecision::Once);
    QVERIFY(finished.wait(AnswerWithinMs));
    const auto accepted = finished.at(1).at(0).value<ComposeStatus>();
    QVERIFY2(accepted.ok(), qPrintable(accepted.error));
    QCOMPARE(accepted.desired(), 3);
}

void TestComposeProbe::changedHostKey()
{
    // known_hosts records node 2's key for node 1's address: to libssh, node 1's key changed.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    SshConnectionSettings changed = settings(HostKeyPolicy::AcceptNewHostKeys);
    changed.knownHostsFile = dir.filePath(u"known_hosts"_s);
    QFile otherKey(QDir(m_sandbox).filePath(u"ssh/jatos-2/ssh_host_ed25519_key.pub"_s));
    QVERIFY(otherKey.open(QIODevice::ReadOnly));
    QFile knownHosts(changed.knownHostsFile);
    QVERIFY(knownHosts.open(QIODevice::WriteOnly));
    knownHosts.write("[127.52.1.1]:2222 " + otherKey.readAll().trimmed() + "\n");
    knownHosts.close();
    SshNodeConnection connection(changed, SshCredentials {});
    QSignalSpy questions(&connection, &SshNodeConnection::hostKeyUnknown);
    ComposeProbe probe(&connection, m_compose);
    const std::optional<ComposeStatus> statusAnswer = refreshAndWait(probe);
    QVERIFY2(statusAnswer.has_value(), "refresh refused or unanswered");
    const ComposeStatus &status = *statusAnswer;
    QCOMPARE(status.failure, ComposeStatus::Failure::HostKey);
    QVERIFY2(status.error.contains(u"127.52.1.1"_s), qPrintable(status.error));
    QCOMPARE(questions.size(), 0); // refused, never asked
}

void TestComposeProbe::otherCommandsOnTheSameConnection()
{
    // The caller's own command on the connection neither answers nor disturbs the probe.
    ComposeProbe probe(m_connection.get(), m_compose);
    QSignalSpy finished(&probe, &ComposeProbe::finished);
    QSignalSpy commands(m_connection.get(), &SshNodeConnection::commandFinished);
    const quint64 before = m_connection->run(u"echo before"_s);
    QVERIFY(probe.refresh());
    const quint64 after = m_connection->run(u"echo after"_s);
    QTRY_COMPARE_WITH_TIMEOUT(commands.size(), 3, AnswerWithinMs);
    QCOMPARE(finished.size(), 1);
    QVERIFY(finished.first().at(0).value<ComposeStatus>().ok());
    QCOMPARE(commands.at(0).at(0).value<SshCommandReply>().id, before);
    QCOMPARE(commands.at(2).at(0).value<SshCommandReply>().id, after);
}

// Last: it kills a node (and starts it again).
void TestComposeProbe::nodeDownAndBack()
{
    ComposeProbe probe(m_connection.get(), m_compose);
    QVERIFY(fault(u"jatos-2"_s, u"down"_s));
    const std::optional<ComposeStatus> downAnswer = refreshAndWait(probe);
    QVERIFY2(downAnswer.has_value(), "refresh refused or unanswered");
    const ComposeStatus &down = *downAnswer;
    QVERIFY2(down.ok(), qPrintable(down.error));
    QCOMPARE(down.desired(), 3);
    QCOMPARE(down.ready(), 2);
    const ComposeContainer &killed = down.containers.at(1);
    QCOMPARE(killed.name, u"compose-jatos-2"_s);
    QCOMPARE(killed.state, u"exited"_s);
    QCOMPARE(killed.exitCode, 137);
    QCOMPARE(killed.health, QString());
    QVERIFY(!killed.isReady());
    QVERIFY(down.containers.at(0).isReady());
    QVERIFY(down.containers.at(2).isReady());

    // Started again through the probe's connection, as an operator would.
    const auto started = runAndWait(*m_connection,
        u"docker compose --project-directory '%1' start %2"_s.arg(m_compose.projectDir, m_compose.service));
    QVERIFY2(started.has_value(), started ? "" : qPrintable(started.error().message));
    QCOMPARE(started->exitStatus, 0);
    const std::optional<ComposeStatus> backAnswer = refreshUntil(
        probe, [](const ComposeStatus &s) { return !s.ok() || s.ready() == 3; }, 120s);
    QVERIFY2(backAnswer.has_value(), "refresh refused or unanswered");
    const ComposeStatus &back = *backAnswer;
    QVERIFY2(back.ok(), qPrintable(back.error));
    QCOMPARE(back.desired(), 3);
    QCOMPARE(back.ready(), 3);
    QCOMPARE(back.containers.at(1).state, u"running"_s);
    QCOMPARE(back.containers.at(1).exitCode, 0);
    QCOMPARE(m_questions->size(), 0);
}

QTEST_GUILESS_MAIN(TestComposeProbe)
#include "tst_composeprobe.moc"
