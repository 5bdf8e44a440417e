// UpgradeRun: every transition and every refused one, the journal it produces,
// resuming from each kind of interruption, and the abort report.

#include "UpgradeTestSupport.h"
#include "upgrade/UpgradeRun.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace UpgradeTestSupport;

using Kind = UpgradeStep::Kind;
using State = UpgradeRun::State;
using StepState = UpgradeRun::StepState;
using Event = JournalEntry::Event;

Q_DECLARE_METATYPE(DeploymentKind)
Q_DECLARE_METATYPE(QList<JournalEntry>)
Q_DECLARE_METATYPE(UpgradeRun::State)

namespace {

const QDateTime T0(QDate(2026, 11, 23), QTime(2, 0), Qt::UTC);

const BackupRecord Dump {u"/var/backups/jatos-2026-11-23.sql.gz"_s, 4'200'000, DumpSha};

UpgradePlan hostsPlan(DeploymentKind kind = DeploymentKind::Hosts)
{
    return UpgradePlan::build(readyInputs(kind));
}

QString detailFor(const UpgradeRun &run, int step)
{
    return run.plan().steps().at(step).kind == Kind::BackupDatabase ? Dump.toDetail() : u"ok"_s;
}

// Runs the next `count` steps successfully.
void succeed(UpgradeRun &run, int count)
{
    for (int i = 0; i < count; ++i) {
        const int step = run.position();
        QVERIFY(run.begin(step, T0.addSecs(step)));
        QVERIFY(run.finish(step, true, detailFor(run, step), T0.addSecs(step)));
    }
}

int stepOf(const UpgradePlan &plan, Kind kind, const QString &node = {}, int replicas = 0)
{
    for (const UpgradeStep &s : plan.steps()) {
        if (s.kind == kind && s.node.value_or(QString()) == node && (replicas == 0 || s.replicas == replicas))
            return s.index;
    }
    return -1;
}

// A run paused at the given step, every step before it succeeded.
UpgradeRun pausedAt(const UpgradePlan &plan, int step)
{
    UpgradeRun run(plan);
    succeed(run, step);
    if (!run.begin(step, T0) || !run.finish(step, false, u"health check timed out"_s, T0))
        qFatal("step %d could not fail", step);
    return run;
}

QString refusal(const Result<JournalEntry> &r)
{
    return r ? QString() : r.error().message;
}

QString refusal(const Result<void> &r)
{
    return r ? QString() : r.error().message;
}

JournalEntry started(int step)
{
    return {step, Event::Started, false, {}, T0};
}

JournalEntry finished(int step, bool ok = true, const QString &detail = u"ok"_s)
{
    return {step, Event::Finished, ok, detail, T0};
}

// The journal of the first `count` steps of the hosts plan succeeding.
QList<JournalEntry> succeeded(int count)
{
    const UpgradePlan plan = hostsPlan();
    QList<JournalEntry> journal;
    for (int i = 0; i < count; ++i)
        journal << started(i)
                << finished(
                       i, true, plan.steps().at(i).kind == Kind::BackupDatabase ? Dump.toDetail() : u"ok"_s);
    return journal;
}

} // namespace

class TestUpgradeRun : public QObject
{
    Q_OBJECT

private slots:
    void completesEveryPlan_data()
    {
        QTest::addColumn<DeploymentKind>("kind");
        QTest::newRow("hosts") << DeploymentKind::Hosts;
        QTest::newRow("compose") << DeploymentKind::Compose;
        QTest::newRow("kubernetes") << DeploymentKind::Kubernetes;
    }

    void completesEveryPlan()
    {
        QFETCH(DeploymentKind, kind);
        const UpgradePlan plan = hostsPlan(kind);
        UpgradeRun run(plan);
        QCOMPARE(run.state(), State::NotStarted);
        QCOMPARE(run.position(), 0);
        const int count = int(plan.steps().size());
        for (int step = 0; step < count; ++step) {
            const Result<JournalEntry> before = run.begin(step, T0.addSecs(2 * step));
            QVERIFY2(before, qPrintable(refusal(before)));
            QCOMPARE(*before, (JournalEntry {step, Event::Started, false, {}, T0.addSecs(2 * step)}));
            QCOMPARE(run.journal().last(), *before);
            QCOMPARE(run.state(), State::Running);
            QCOMPARE(run.stepState(step), StepState::Running);
            const QString detail = detailFor(run, step);
            const Result<JournalEntry> after = run.finish(step, true, detail, T0.addSecs(2 * step + 1));
            QVERIFY2(after, qPrintable(refusal(after)));
            QCOMPARE(*after, (JournalEntry {step, Event::Finished, true, detail, T0.addSecs(2 * step + 1)}));
            QCOMPARE(run.stepState(step), StepState::Succeeded);
        }
        QCOMPARE(run.state(), State::Completed);
        QCOMPARE(run.position(), -1);
        QCOMPARE(run.journal().size(), 2 * count);
        QCOMPARE(run.backup(), Dump);
    }

    void beginRefusals()
    {
        const UpgradePlan plan = hostsPlan();
        const int count = int(plan.steps().size());
        UpgradeRun run(plan);
        QVERIFY(refusal(run.begin(-1, T0)).contains(u"no step 0"_s));
        QVERIFY(refusal(run.begin(count, T0)).contains(u"no step %1"_s.arg(count + 1)));
        QCOMPARE(refusal(run.begin(1, T0)), u"Step 2 cannot start: step 1 comes first."_s);
        QVERIFY(run.begin(0, T0));
        QCOMPARE(refusal(run.begin(0, T0)), u"Step 1 is still running; steps run one at a time."_s);
        QCOMPARE(refusal(run.begin(1, T0)), u"Step 1 is still running; steps run one at a time."_s);
        QVERIFY(run.finish(0, true, u"ok"_s, T0));
        // No verification can be skipped: the step after it may not begin first.
        QCOMPARE(refusal(run.begin(2, T0)), u"Step 3 cannot start: step 2 comes first."_s);
        QCOMPARE(refusal(run.begin(0, T0)), u"Step 1 cannot start: step 2 comes first."_s);
        QCOMPARE(run.journal().size(), 2);
    }

    void beginRefusedWhenPausedAbortedCompleted()
    {
        const UpgradePlan plan = hostsPlan();
        UpgradeRun paused = pausedAt(plan, 3);
        QCOMPARE(paused.state(), State::Paused);
        QVERIFY(refusal(paused.begin(3, T0)).contains(u"paused at a failed step"_s));
        QVERIFY(refusal(paused.begin(4, T0)).contains(u"paused at a failed step"_s));

        UpgradeRun aborted = pausedAt(plan, 3);
        QVERIFY(aborted.abort(T0));
        QCOMPARE(refusal(aborted.begin(3, T0)), u"The upgrade was aborted."_s);

        UpgradeRun done(plan);
        succeed(done, int(plan.steps().size()));
        QCOMPARE(refusal(done.begin(3, T0)), u"The upgrade is complete."_s);
    }

    void finishRefusals()
    {
        UpgradeRun run(hostsPlan());
        QCOMPARE(refusal(run.finish(0, true, {}, T0)), u"Step 1 is not running, so it cannot finish."_s);
        QVERIFY(refusal(run.finish(-1, true, {}, T0)).contains(u"not running"_s));
        QVERIFY(refusal(run.finish(99, true, {}, T0)).contains(u"not running"_s));
        QVERIFY(run.begin(0, T0));
        QVERIFY(refusal(run.finish(1, true, {}, T0)).contains(u"Step 2 is not running"_s));
        QVERIFY(run.finish(0, true, {}, T0));
        QVERIFY(refusal(run.finish(0, true, {}, T0)).contains(u"Step 1 is not running"_s));
    }

    // The backup step succeeds only with a dump that exists, is not empty and has its
    // checksum: the run is where that record lives.
    void backupNeedsItsRecord_data()
    {
        QTest::addColumn<QString>("detail");
        QTest::newRow("nothing") << QString();
        QTest::newRow("free text") << u"dump written"_s;
        QTest::newRow("no path") << BackupRecord {{}, 10, DumpSha}.toDetail();
        QTest::newRow("empty dump") << BackupRecord {u"/b.sql"_s, 0, DumpSha}.toDetail();
        QTest::newRow("no checksum") << BackupRecord {u"/b.sql"_s, 10, {}}.toDetail();
        QTest::newRow("short checksum") << BackupRecord {u"/b.sql"_s, 10, u"e3b0c442"_s}.toDetail();
    }

    void backupNeedsItsRecord()
    {
        QFETCH(QString, detail);
        const UpgradePlan plan = hostsPlan();
        const int backup = stepOf(plan, Kind::BackupDatabase);
        UpgradeRun run(plan);
        succeed(run, backup);
        QVERIFY(run.begin(backup, T0));
        QVERIFY(
            refusal(run.finish(backup, true, detail, T0)).contains(u"path, size (not empty) and SHA-256"_s));
        QCOMPARE(run.stepState(backup), StepState::Running);
        QVERIFY(!run.backup());
        // Failing the step needs no record.
        QVERIFY(run.finish(backup, false, detail, T0));
        QCOMPARE(run.state(), State::Paused);
    }

    void backupRecordRoundTrips()
    {
        QCOMPARE(BackupRecord::fromDetail(Dump.toDetail()), Dump);
        QVERIFY(!BackupRecord::fromDetail(u"[1]"_s));
    }

    void failPausesAndRetryResumes()
    {
        const UpgradePlan plan = hostsPlan();
        const int start = stepOf(plan, Kind::Start, u"n2"_s);
        UpgradeRun run = pausedAt(plan, start);
        QCOMPARE(run.state(), State::Paused);
        QCOMPARE(run.stepState(start), StepState::Failed);
        QCOMPARE(run.position(), start);
        QCOMPARE(run.journal().last(),
            (JournalEntry {start, Event::Finished, false, u"health check timed out"_s, T0}));
        QVERIFY(run.retry());
        QCOMPARE(run.state(), State::Running);
        QCOMPARE(run.stepState(start), StepState::Pending);
        QVERIFY(run.begin(start, T0));
        QVERIFY(run.finish(start, true, u"started"_s, T0));
        succeed(run, int(plan.steps().size()) - start - 1);
        QCOMPARE(run.state(), State::Completed);
    }

    void retryRefusals()
    {
        const UpgradePlan plan = hostsPlan();
        const QString refused = u"Only a paused upgrade can retry a step."_s;
        UpgradeRun run(plan);
        QCOMPARE(refusal(run.retry()), refused); // not started
        QVERIFY(run.begin(0, T0));
        QCOMPARE(refusal(run.retry()), refused); // a step running
        QVERIFY(run.finish(0, true, {}, T0));
        QCOMPARE(refusal(run.retry()), refused); // between steps
        UpgradeRun aborted = pausedAt(plan, 2);
        QVERIFY(aborted.abort(T0));
        QCOMPARE(refusal(aborted.retry()), refused);
        UpgradeRun done(plan);
        succeed(done, int(plan.steps().size()));
        QCOMPARE(refusal(done.retry()), refused);
    }

    void abortAllowedBetweenSteps_data()
    {
        QTest::addColumn<int>("succeededSteps");
        QTest::addColumn<bool>("failNext");
        QTest::newRow("not started") << 0 << false;
        QTest::newRow("between steps") << 5 << false;
        QTest::newRow("paused") << 7 << true;
    }

    void abortAllowedBetweenSteps()
    {
        QFETCH(int, succeededSteps);
        QFETCH(bool, failNext);
        const UpgradePlan plan = hostsPlan();
        UpgradeRun run = failNext ? pausedAt(plan, succeededSteps) : UpgradeRun(plan);
        if (!failNext)
            succeed(run, succeededSteps);
        const Result<JournalEntry> entry = run.abort(T0);
        QVERIFY2(entry, qPrintable(refusal(entry)));
        QCOMPARE(*entry, (JournalEntry {-1, Event::Aborted, false, {}, T0}));
        QCOMPARE(run.journal().last(), *entry);
        QCOMPARE(run.state(), State::Aborted);
        QCOMPARE(refusal(run.abort(T0)), u"The upgrade was already aborted."_s);
    }

    void abortRefusedInsideAStepOrWhenDone()
    {
        const UpgradePlan plan = hostsPlan();
        UpgradeRun run(plan);
        succeed(run, 6);
        QVERIFY(run.begin(6, T0));
        QCOMPARE(refusal(run.abort(T0)),
            u"Step 7 is running: an upgrade can be cancelled between steps, never inside one."_s);
        QCOMPARE(run.state(), State::Running);
        QVERIFY(run.finish(6, true, {}, T0));
        QVERIFY(run.abort(T0));

        UpgradeRun done(plan);
        succeed(done, int(plan.steps().size()));
        QCOMPARE(refusal(done.abort(T0)), u"The upgrade is complete; there is nothing to abort."_s);
    }

    // Each kind of interruption the journal can show, and where the run picks up.
    void resume_data()
    {
        QTest::addColumn<QList<JournalEntry>>("journal");
        QTest::addColumn<State>("state");
        QTest::addColumn<int>("position");
        QTest::addColumn<int>("interrupted"); // -1: none
        QTest::addColumn<bool>("hasBackup");

        QTest::newRow("empty journal") << QList<JournalEntry> {} << State::NotStarted << 0 << -1 << false;
        QTest::newRow("killed inside the first step")
            << QList<JournalEntry> {started(0)} << State::Running << 0 << 0 << false;
        QTest::newRow("killed between steps") << succeeded(4) << State::Running << 4 << -1 << true;
        QTest::newRow("killed inside the backup")
            << (succeeded(2) << started(2)) << State::Running << 2 << 2 << false;
        QTest::newRow("killed inside an install")
            << (succeeded(6) << started(6)) << State::Running << 6 << 6 << true;
        QTest::newRow("killed again inside the same step, after resuming")
            << (succeeded(6) << started(6) << started(6)) << State::Running << 6 << 6 << true;
        QTest::newRow("resumed step finished after a kill")
            << (succeeded(6) << started(6) << started(6) << finished(6)) << State::Running << 7 << -1 << true;
        QTest::newRow("paused at a failed step")
            << (succeeded(7) << started(7) << finished(7, false, u"no pong"_s)) << State::Paused << 7 << -1
            << true;
        QTest::newRow("killed inside a retry")
            << (succeeded(7) << started(7) << finished(7, false) << started(7)) << State::Running << 7 << 7
            << true;
        QTest::newRow("retry succeeded")
            << (succeeded(7) << started(7) << finished(7, false) << started(7) << finished(7))
            << State::Running << 8 << -1 << true;
        QTest::newRow("aborted while paused") << (succeeded(7)
            << started(7) << finished(7, false) << JournalEntry {-1, Event::Aborted, false, {}, T0})
                                              << State::Aborted << 7 << -1 << true;
        QTest::newRow("aborted after a kill inside a step")
            << (succeeded(3) << started(3) << JournalEntry {-1, Event::Aborted, false, {}, T0})
            << State::Aborted << 3 << -1 << true;
        QTest::newRow("completed") << succeeded(int(hostsPlan().steps().size())) << State::Completed << -1
                                   << -1 << true;
    }

    void resume()
    {
        QFETCH(QList<JournalEntry>, journal);
        QFETCH(State, state);
        QFETCH(int, position);
        QFETCH(int, interrupted);
        QFETCH(bool, hasBackup);
        const UpgradePlan plan = hostsPlan();
        const Result<UpgradeRun> run = UpgradeRun::resume(plan, journal);
        QVERIFY2(run, qPrintable(run ? QString() : run.error().message));
        QCOMPARE(run->state(), state);
        QCOMPARE(run->position(), position);
        QCOMPARE(run->interruptedStep().value_or(-1), interrupted);
        QCOMPARE(run->backup().has_value(), hasBackup);
        if (hasBackup)
            QCOMPARE(*run->backup(), Dump);
        QCOMPARE(run->journal(), journal);
        for (int i = 0; i < int(plan.steps().size()); ++i) {
            if (position == -1 || i < position)
                QCOMPARE(run->stepState(i), StepState::Succeeded);
            else if (i > position)
                QCOMPARE(run->stepState(i), StepState::Pending);
        }
        if (position >= 0 && state != State::Aborted)
            QCOMPARE(
                run->stepState(position), state == State::Paused ? StepState::Failed : StepState::Pending);
    }

    // After a resume the run goes on where it stopped, and the journal grows on.
    void resumedRunContinues()
    {
        const UpgradePlan plan = hostsPlan();
        const QList<JournalEntry> journal = succeeded(6) << started(6);
        Result<UpgradeRun> run = UpgradeRun::resume(plan, journal);
        QVERIFY(run);
        QCOMPARE(refusal(run->begin(7, T0)), u"Step 8 cannot start: step 7 comes first."_s);
        QVERIFY(run->begin(6, T0));
        QCOMPARE(run->journal().size(), journal.size() + 1);
        QVERIFY(run->finish(6, true, {}, T0));
        succeed(*run, int(plan.steps().size()) - 7);
        QCOMPARE(run->state(), State::Completed);
        // The whole journal, interruption included, replays to the same end.
        const Result<UpgradeRun> again = UpgradeRun::resume(plan, run->journal());
        QVERIFY(again);
        QCOMPARE(again->state(), State::Completed);
    }

    // A journal the plan could not have produced is refused, never guessed at.
    void resumeRefusesForeignJournals_data()
    {
        QTest::addColumn<QList<JournalEntry>>("journal");
        QTest::addColumn<QString>("message");
        QTest::newRow("finished, never started")
            << QList<JournalEntry> {finished(0)} << u"entry 1: Step 1 is not running"_s;
        QTest::newRow("a step skipped") << (succeeded(2) << started(3)) << u"entry 5: Step 4 cannot start"_s;
        QTest::newRow("beyond the plan")
            << QList<JournalEntry> {started(99)} << u"entry 1: There is no step 100"_s;
        QTest::newRow("two steps at once")
            << (succeeded(1) << started(1) << started(2)) << u"entry 4: Step 2 is still running"_s;
        QTest::newRow("after the abort")
            << (succeeded(1) << JournalEntry {-1, Event::Aborted, false, {}, T0} << started(1))
            << u"entry 4: The upgrade was aborted."_s;
        QTest::newRow("backup without its record")
            << (succeeded(2) << started(2) << finished(2, true, u"done"_s)) << u"entry 6: The backup step"_s;
        QTest::newRow("continued while paused")
            << (succeeded(1) << started(1) << finished(1, false) << started(2))
            << u"entry 5: The upgrade is paused"_s;
    }

    void resumeRefusesForeignJournals()
    {
        QFETCH(QList<JournalEntry>, journal);
        QFETCH(QString, message);
        const Result<UpgradeRun> run = UpgradeRun::resume(hostsPlan(), journal);
        QVERIFY(!run);
        QVERIFY2(run.error().message.contains(message), qPrintable(run.error().message));
    }

    void abortReportBeforeAnything()
    {
        UpgradeRun run(hostsPlan());
        QVERIFY(run.abort(T0));
        const AbortReport report = run.abortReport();
        QVERIFY(report.summary.contains(u"Nothing was changed"_s));
        QVERIFY(report.instructions.isEmpty());
        QVERIFY(report.upgraded.isEmpty());
        QVERIFY(report.stopped.isEmpty());
        QVERIFY(!report.backup);
    }

    void abortReportWhileStopping()
    {
        UpgradeRun run = pausedAt(hostsPlan(), 1); // the stop could not be verified
        QVERIFY(run.abort(T0));
        const AbortReport report = run.abortReport();
        QVERIFY(report.summary.contains(u"some may be down"_s));
        QCOMPARE(
            report.instructions, QStringList {u"Start the nodes again with the preset's start command."_s});
        QVERIFY(report.stopped.isEmpty());
    }

    void abortReportStoppedBeforeInstall()
    {
        const UpgradePlan plan = hostsPlan();
        UpgradeRun run = pausedAt(plan, stepOf(plan, Kind::Upload, u"n1"_s));
        QVERIFY(run.abort(T0));
        const AbortReport report = run.abortReport();
        QVERIFY(report.summary.contains(u"Every node is stopped on its old version"_s));
        QCOMPARE(report.stopped, (QStringList {u"n1"_s, u"n2"_s, u"n3"_s}));
        QVERIFY(report.upgraded.isEmpty());
        QCOMPARE(report.backup, Dump);
        QVERIFY(report.instructions.join(u'\n').contains(Dump.path));
        QVERIFY(report.instructions.join(u'\n').contains(Dump.sha256));
    }

    void abortReportMidwayHosts()
    {
        const UpgradePlan plan = hostsPlan();
        UpgradeRun run = pausedAt(plan, stepOf(plan, Kind::VerifyNode, u"n2"_s));
        QVERIFY(run.abort(T0));
        const AbortReport report = run.abortReport();
        QCOMPARE(report.upgraded, QStringList {u"n1"_s});
        QCOMPARE(report.stopped, (QStringList {u"n2"_s, u"n3"_s}));
        QVERIFY(report.summary.contains(u"On 3.10.4 and verified: n1."_s));
        QVERIFY(report.summary.contains(u"Started on 3.10.4 but not verified: n2."_s));
        const QString text = report.instructions.join(u'\n');
        QVERIFY(text.contains(u"Do not start any node on the old version"_s));
        QVERIFY(text.contains(u"never downgrades"_s));
        QVERIFY(text.contains(Dump.path));
    }

    void abortReportMidwayKubernetes()
    {
        const UpgradePlan plan = hostsPlan(DeploymentKind::Kubernetes);
        UpgradeRun run = pausedAt(plan, stepOf(plan, Kind::VerifyNode, {}, 2));
        QVERIFY(run.abort(T0));
        const AbortReport report = run.abortReport();
        QCOMPARE(report.upgraded, QStringList {u"replica 1"_s});
        QVERIFY(report.summary.contains(u"not verified: replica 2"_s));
        QVERIFY(report.summary.contains(u"remaining replicas were not started"_s));
        QVERIFY(report.instructions.join(u'\n').contains(
            u"The autoscaler jatos was removed for the upgrade: create it again (min 2, max 10"_s));
    }

    void abortReportWithoutBackup()
    {
        UpgradeInputs in = readyInputs(DeploymentKind::Compose);
        in.backup.command.clear();
        in.backup.waiver = in.clusterName;
        const UpgradePlan plan = UpgradePlan::build(in);
        UpgradeRun run = pausedAt(plan, stepOf(plan, Kind::ScaleTo, {}, 1));
        QVERIFY(run.abort(T0));
        const AbortReport report = run.abortReport();
        QVERIFY(!report.backup);
        QVERIFY(report.instructions.join(u'\n').contains(u"No backup was made (waived)"_s));
        QVERIFY(!report.instructions.join(u'\n').contains(u"autoscaler"_s));
    }
};

QTEST_GUILESS_MAIN(TestUpgradeRun)
#include "tst_upgraderun.moc"
