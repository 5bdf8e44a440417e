// ConfigSession's all-or-nothing push against a real sandbox over real SSH: the
// SSH connection of one node is killed in the middle of a push, and afterwards every
// node holds either its old file or the new one, never a mix, and the nodes that
// had been changed are back to the old text.
#include "ConfigTestSupport.h"
#include "config/ConfigSession.h"
#include "profile/PresetRegistry.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ConfigTest;

class TestConfigPush : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void appliesAndReadsBack();
    void refusesFilesChangedSinceRead();
    void nodeLostWhileStagingChangesNothing();
    void nodeLostMidCommitRollsBack();

private:
    std::unique_ptr<ConfigSession> session();
    ClusterConfigSnapshot snapshot(ConfigSession &session);
    ConfigPlan plan(const ClusterConfigSnapshot &snapshot, const QString &value);
    PushReport push(ConfigSession &session, const ConfigPlan &plan);
    QString conf(int node) const { return m_dir + u"/nodes/jatos-%1/current/conf/jatos.conf"_s.arg(node); }
    QStringList stagedFiles(int node) const
    {
        return QDir(m_dir + u"/nodes/jatos-%1/current/conf"_s.arg(node))
            .entryList({u".jatos.conf.clusterdesk-*.tmp"_s}, QDir::Files | QDir::Hidden);
    }

    QString m_dir;
    LoadedProfile m_profile;
};

void TestConfigPush::initTestCase()
{
    m_dir = qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR");
    if (m_dir.isEmpty())
        QSKIP("needs the sandbox fixture (run through CTest)");
    const auto loaded = ProfileFile::load(m_dir + u"/profile.json"_s, PresetRegistry::builtIn());
    QVERIFY(loaded);
    m_profile = *loaded;
}

void TestConfigPush::cleanup()
{
    for (int node = 1; node <= 3; ++node)
        sandbox(m_dir, {u"fault"_s, u"--node"_s, u"jatos-%1"_s.arg(node), u"clear"_s});
}

std::unique_ptr<ConfigSession> TestConfigPush::session()
{
    ConfigSession::Options options;
    options.connectTimeout = std::chrono::seconds(3);
    options.commandTimeout = std::chrono::seconds(20);
    auto created = std::make_unique<ConfigSession>(m_profile, nullptr, options);
    QSignalSpy ready(created.get(), &ConfigSession::ready);
    created->open();
    if (!ready.wait(10000))
        return nullptr;
    return created;
}

ClusterConfigSnapshot TestConfigPush::snapshot(ConfigSession &session)
{
    QSignalSpy read(&session, &ConfigSession::snapshotRead);
    session.readSnapshot();
    if (!read.wait(60000))
        return {};
    return read.first().first().value<ClusterConfigSnapshot>();
}

ConfigPlan TestConfigPush::plan(const ClusterConfigSnapshot &snapshot, const QString &value)
{
    const auto planned = ConfigPlanner::plan(
        m_profile.profile, snapshot, {{u"jatos.studyLogs.path"_s, {}, value, std::nullopt}});
    return planned ? *planned : ConfigPlan {};
}

PushReport TestConfigPush::push(ConfigSession &session, const ConfigPlan &plan)
{
    QSignalSpy finished(&session, &ConfigSession::pushFinished);
    ConfigSession::PushOptions options;
    options.restart = false; // the files are the subject here, not the nodes
    session.push(plan, options);
    if (!finished.wait(120000))
        return {};
    return finished.first().first().value<PushReport>();
}

void TestConfigPush::appliesAndReadsBack()
{
    // A file's mode survives the replacement (a new file would be 0600).
    const auto mode = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup;
    QVERIFY(QFile::setPermissions(conf(1), mode | QFileDevice::ReadUser | QFileDevice::WriteUser));
    const auto s = session();
    QVERIFY(s);
    const ClusterConfigSnapshot before = snapshot(*s);
    QCOMPARE(before.nodes.size(), 3);
    const ConfigPlan planned = plan(before, m_profile.profile.sharedDataDir + u"/logs-a"_s);
    QCOMPARE(planned.edits.size(), 3);
    const PushReport report = push(*s, planned);
    QCOMPARE(report.outcome, PushReport::Outcome::Applied);
    QCOMPARE(report.backups.size(), 3);
    for (int node = 1; node <= 3; ++node) {
        QCOMPARE(readFile(conf(node)), planned.edits[node - 1].after);
        QVERIFY(stagedFiles(node).isEmpty());
    }
    QCOMPARE(QFileInfo(conf(1)).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
        QFileDevice::ReadGroup);
    QCOMPARE(QFileInfo(conf(2)).permissions() & QFileDevice::ReadGroup, QFileDevice::Permissions());
}

void TestConfigPush::refusesFilesChangedSinceRead()
{
    const auto s = session();
    QVERIFY(s);
    const ClusterConfigSnapshot before = snapshot(*s);
    const ConfigPlan planned = plan(before, m_profile.profile.sharedDataDir + u"/logs-b"_s);
    QVERIFY(!planned.isEmpty());
    // Someone edits node 3 by hand between reading and pushing.
    const QByteArray edited = readFile(conf(3)) + "# edited by hand\n";
    QVERIFY(writeFile(conf(3), edited));
    const QByteArray one = readFile(conf(1));
    const PushReport report = push(*s, planned);
    QCOMPARE(report.outcome, PushReport::Outcome::NothingChanged);
    QVERIFY2(report.error.contains(u"jatos-3"_s) && report.error.contains(u"changed since it was read"_s),
        qPrintable(report.error));
    QCOMPARE(readFile(conf(1)), one);
    QCOMPARE(readFile(conf(3)), edited);
}

void TestConfigPush::nodeLostWhileStagingChangesNothing()
{
    const auto s = session();
    QVERIFY(s);
    const ClusterConfigSnapshot before = snapshot(*s);
    const ConfigPlan planned = plan(before, m_profile.profile.sharedDataDir + u"/logs-c"_s);
    QCOMPARE(planned.edits.size(), 3);
    QCOMPARE(sandbox(m_dir, {u"fault"_s, u"--node"_s, u"jatos-3"_s, u"ssh-down"_s}), 0);
    const PushReport report = push(*s, planned);
    QCOMPARE(report.outcome, PushReport::Outcome::NothingChanged);
    QVERIFY2(report.error.contains(u"2222"_s), qPrintable(report.error)); // names jatos-3's address
    QVERIFY(report.backups.isEmpty());
    for (int node = 1; node <= 3; ++node)
        QCOMPARE(readFile(conf(node)), planned.edits[node - 1].before);
    QVERIFY(stagedFiles(1).isEmpty());
    QVERIFY(stagedFiles(2).isEmpty());
}

void TestConfigPush::nodeLostMidCommitRollsBack()
{
    const auto s = session();
    QVERIFY(s);
    const ClusterConfigSnapshot before = snapshot(*s);
    const ConfigPlan planned = plan(before, m_profile.profile.sharedDataDir + u"/logs-d"_s);
    QCOMPARE(planned.edits.size(), 3);
    // Once jatos-1 holds the new file, jatos-2's SSH goes away: every session killed,
    // new connections unanswered.
    QStringList committed;
    connect(s.get(), &ConfigSession::committed, this, [&](const QString &node, const QString &) {
        committed.append(node);
        if (committed.size() == 1)
            QCOMPARE(sandbox(m_dir, {u"fault"_s, u"--node"_s, u"jatos-2"_s, u"ssh-down"_s}), 0);
    });
    const PushReport report = push(*s, planned);
    QCOMPARE(committed, QStringList {u"jatos-1"_s});
    QVERIFY2(
        report.outcome == PushReport::Outcome::RolledBack || report.outcome == PushReport::Outcome::Mixed,
        qPrintable(PushReport::outcomeName(report.outcome)));
    QVERIFY2(report.error.contains(u"jatos-2"_s), qPrintable(report.error));
    QVERIFY(report.log.join(u'\n').contains(u"jatos-1: "_s));

    QCOMPARE(sandbox(m_dir, {u"fault"_s, u"--node"_s, u"jatos-2"_s, u"clear"_s}), 0);
    // Never a mix: each node's file is exactly the old or the new text...
    for (int node = 1; node <= 3; ++node) {
        const QByteArray now = readFile(conf(node));
        QVERIFY2(now == planned.edits[node - 1].before || now == planned.edits[node - 1].after,
            qPrintable(u"jatos-%1 holds neither"_s.arg(node)));
    }
    // ...and the push is undone: jatos-1 was put back, the others never changed.
    QCOMPARE(readFile(conf(1)), planned.edits[0].before);
    QCOMPARE(readFile(conf(2)), planned.edits[1].before);
    QCOMPARE(readFile(conf(3)), planned.edits[2].before);
    QVERIFY(stagedFiles(1).isEmpty());
    QVERIFY(stagedFiles(3).isEmpty());
}

QTEST_GUILESS_MAIN(TestConfigPush)
#include "tst_configpush.moc"
