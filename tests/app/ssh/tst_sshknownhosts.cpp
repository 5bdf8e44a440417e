// known_hosts editing (plain and hashed entries) and the node facts parser, without
// a network: the parts of the SSH connector that are plain text.
#include "connectors/ssh/KnownHostsFile.h"
#include "connectors/ssh/NodeFacts.h"
#include "profile/ProfileFile.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QByteArray keyA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILWFtbnNRZUv5xX8Xat8SWKtVmcryBmGVa9fO4oVJ19G";
const QByteArray keyB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPfMnuuleP0tmoHfQIfuDKSyu7zhgNLD1m4ZBgTuRpgp";

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestSshKnownHosts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hostName();
    void removesPlainEntriesOnly();
    void findsAndRemovesHashedEntries();
    void missingFileHasNothingToRemove();
    void parsesFacts();
    void factsWithoutJavaOrDf();
    void refusesUnsafeValues();
};

void TestSshKnownHosts::hostName()
{
    QCOMPARE(KnownHostsFile::hostName(u"127.0.1.1"_s, 22), u"127.0.1.1"_s);
    QCOMPARE(KnownHostsFile::hostName(u"127.0.1.1"_s, 2222), u"[127.0.1.1]:2222"_s);
}

void TestSshKnownHosts::removesPlainEntriesOnly()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"known_hosts"_s);
    const QByteArray text = "# comment [127.0.1.1]:2222\n"
                            "[127.0.1.1]:2222 "
        + keyA + "\n[127.0.1.2]:2222 " + keyB + "\nother,[127.0.1.1]:2222 " + keyB + "\n[127.0.1.*]:2222 "
        + keyA + "\n@revoked [127.0.1.1]:2222 " + keyB + "\n";
    QVERIFY(writeFile(file, text));
    QCOMPARE(KnownHostsFile::linesFor(file, u"127.0.1.1"_s, 2222), QList<int>({2, 4}));

    const Result<int> removed = KnownHostsFile::removeHost(file, u"127.0.1.1"_s, 2222);
    QVERIFY(removed.has_value());
    QCOMPARE(*removed, 2);
    const QByteArray expected = "# comment [127.0.1.1]:2222\n[127.0.1.2]:2222 " + keyB + "\n[127.0.1.*]:2222 "
        + keyA + "\n@revoked [127.0.1.1]:2222 " + keyB + "\n";
    QCOMPARE(readFile(file), expected);
    QCOMPARE(*KnownHostsFile::removeHost(file, u"127.0.1.1"_s, 2222), 0);
    QCOMPARE(readFile(file), expected);
}

void TestSshKnownHosts::findsAndRemovesHashedEntries()
{
    const QString keygen = QStandardPaths::findExecutable(u"ssh-keygen"_s);
    if (keygen.isEmpty())
        QSKIP("ssh-keygen is not installed");
    QTemporaryDir dir;
    const QString file = dir.filePath(u"known_hosts"_s);
    QVERIFY(writeFile(file, "[127.0.1.1]:2222 " + keyA + "\n[127.0.1.2]:2222 " + keyB + "\n"));
    QCOMPARE(QProcess::execute(keygen, {u"-q"_s, u"-H"_s, u"-f"_s, file}), 0);
    QVERIFY(readFile(file).startsWith("|1|"));

    QCOMPARE(KnownHostsFile::linesFor(file, u"127.0.1.2"_s, 2222), QList<int>({2}));
    QCOMPARE(*KnownHostsFile::removeHost(file, u"127.0.1.2"_s, 2222), 1);
    QVERIFY(!readFile(file).contains(keyB.mid(12)));
    QVERIFY(readFile(file).contains(keyA.mid(12)));
}

void TestSshKnownHosts::missingFileHasNothingToRemove()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"known_hosts"_s);
    QCOMPARE(*KnownHostsFile::removeHost(file, u"127.0.1.1"_s, 2222), 0);
    QVERIFY(!QFile::exists(file));
}

void TestSshKnownHosts::parsesFacts()
{
    SshCommandResult output;
    output.exitStatus = 0;
    output.standardOutput = "@running 0\n"
                            "@uptime 12345.67 23456.78\n"
                            "@df-install\n"
                            "Filesystem     1024-blocks     Used Available Capacity Mounted on\n"
                            "/dev/sda1        102400000 51200000  40960000      56% /\n"
                            "@df-shared\n"
                            "nfs:/export       2048      1024      1000      51% /mnt/shared data\n"
                            "@java\n"
                            "openjdk version \"17.0.13\" 2024-10-15\n"
                            "@end\n";
    const Result<NodeFacts> facts = NodeFactsQuery::parse(output);
    QVERIFY(facts.has_value());
    QVERIFY(facts->running);
    QCOMPARE(facts->uptimeSeconds, 12345.67);
    QCOMPARE(facts->installDirFreeBytes, std::optional<qint64>(40960000LL * 1024));
    QCOMPARE(facts->sharedDirFreeBytes, std::optional<qint64>(1000 * 1024));
    QCOMPARE(facts->javaVersion, u"openjdk version \"17.0.13\" 2024-10-15"_s);
}

void TestSshKnownHosts::factsWithoutJavaOrDf()
{
    SshCommandResult output;
    output.standardOutput = "@running 1\n@uptime 5.00 1.00\n@df-install\n@java\n@end\n";
    const Result<NodeFacts> facts = NodeFactsQuery::parse(output);
    QVERIFY(facts.has_value());
    QVERIFY(!facts->running);
    QVERIFY(!facts->installDirFreeBytes);
    QVERIFY(!facts->sharedDirFreeBytes);
    QCOMPARE(facts->javaVersion, u"not found"_s);

    output.standardOutput = "@running 0\n";
    output.standardError = "bash: syntax error";
    const Result<NodeFacts> broken = NodeFactsQuery::parse(output);
    QVERIFY(!broken.has_value());
    QVERIFY(broken.error().message.contains(u"bash: syntax error"_s));
}

void TestSshKnownHosts::refusesUnsafeValues()
{
    LoadedProfile loaded;
    loaded.preset.commands.running = u"test -f {installDir}/RUNNING_PID"_s;
    NodeSpec node;
    node.name = u"n1"_s;
    node.installDir = u"/opt/jatos"_s;
    loaded.profile.nodes.append(node);
    loaded.profile.sharedDataDir = u"/srv/shared"_s;
    const Result<NodeFactsQuery> query = NodeFactsQuery::forNode(loaded, u"n1"_s);
    QVERIFY(query.has_value());
    QCOMPARE(query->runningCommand, u"test -f /opt/jatos/RUNNING_PID"_s);
    QVERIFY(query->script().contains(u"df -Pk '/srv/shared'"_s));

    loaded.profile.nodes[0].installDir = u"/opt/jatos; rm -rf /"_s;
    QVERIFY(!NodeFactsQuery::forNode(loaded, u"n1"_s).has_value());
    QVERIFY(!NodeFactsQuery::forNode(loaded, u"n2"_s).has_value());
}

QTEST_GUILESS_MAIN(TestSshKnownHosts)
#include "tst_sshknownhosts.moc"
