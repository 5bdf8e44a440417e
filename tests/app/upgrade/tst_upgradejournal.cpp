// UpgradeJournal on a temporary SQLite file: a run's entries survive the console
// going away mid-step, come back in order and rebuild the run; a detail holding a
// known secret is refused; foreign and newer files are refused with their names.
#include "../../models/upgrade/UpgradeTestSupport.h"
#include "upgrade/UpgradeJournal.h"
#include "upgrade/UpgradeRequest.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestUpgradeJournal : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void interruptedRunIsFoundAndResumes();
    void endedRunsAreNotUnfinished();
    void secretsAreRefused();
    void foreignFilesAreRefused();
    void requestTravelsWithTheRun();

private:
    QString file() const { return m_dir->filePath(u"upgrades.sqlite"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestUpgradeJournal::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestUpgradeJournal::interruptedRunIsFoundAndResumes()
{
    const UpgradePlan plan = UpgradePlan::build(UpgradeTestSupport::readyInputs());
    QVERIFY(plan.steps().size() > 4);
    qint64 id = 0;
    {
        auto journal = UpgradeJournal::open(file());
        QVERIFY2(journal, qPrintable(journal ? QString() : journal.error().message));
        const Result<qint64> run = (*journal)->beginRun(u"prod-jatos"_s, u"/profiles/prod.json"_s, plan);
        QVERIFY(run);
        id = *run;
        // Two steps done, the third started: then the console is gone.
        UpgradeRun state(plan);
        const QDateTime at = QDateTime::currentDateTimeUtc();
        for (int step = 0; step < 2; ++step) {
            const auto started = state.begin(step, at);
            QVERIFY2(started, qPrintable(started ? QString() : started.error().message));
            const Result<void> written = (*journal)->append(id, *started);
            QVERIFY2(written, qPrintable(written ? QString() : written.error().message));
            const auto finished = state.finish(step, true, u"step %1 done"_s.arg(step), at);
            QVERIFY(finished);
            QVERIFY((*journal)->append(id, *finished));
        }
        const auto third = state.begin(2, at);
        QVERIFY(third);
        QVERIFY((*journal)->append(id, *third));
    }

    // A new console (a new connection to the same file) finds the run and resumes it.
    auto journal = UpgradeJournal::open(file());
    QVERIFY(journal);
    const auto unfinished = (*journal)->unfinishedRun(u"/profiles/prod.json"_s);
    QVERIFY(unfinished);
    QVERIFY(unfinished->has_value());
    const UpgradeJournal::RunRecord &run = **unfinished;
    QCOMPARE(run.id, id);
    QCOMPARE(run.cluster, u"prod-jatos"_s);
    QCOMPARE(run.target, u"3.10.4"_s);
    QCOMPARE(run.state, UpgradeJournal::RunState::Running);
    QCOMPARE(run.steps.size(), plan.steps().size());
    QCOMPARE(run.steps.first(), plan.steps().first().description);
    QVERIFY(!run.osUser.isEmpty());
    QCOMPARE(run.entries.size(), 5);
    QCOMPARE(run.entries.at(1).detail, u"step 0 done"_s);
    QCOMPARE(run.entries.last().event, JournalEntry::Event::Started);
    QCOMPARE(run.entries.last().step, 2);

    const Result<UpgradeRun> resumed = UpgradeRun::resume(plan, run.entries);
    QVERIFY2(resumed, qPrintable(resumed ? QString() : resumed.error().message));
    QCOMPARE(resumed->position(), 2);
    QCOMPARE(resumed->interruptedStep(), std::optional<int>(2));
    QVERIFY(!(*journal)->unfinishedRun(u"/profiles/other.json"_s)->has_value());
}

void TestUpgradeJournal::endedRunsAreNotUnfinished()
{
    auto journal = UpgradeJournal::open(file());
    QVERIFY(journal);
    const UpgradePlan plan = UpgradePlan::build(UpgradeTestSupport::readyInputs());
    const qint64 first = *(*journal)->beginRun(u"prod-jatos"_s, u"/p.json"_s, plan);
    const qint64 second = *(*journal)->beginRun(u"prod-jatos"_s, u"/p.json"_s, plan);
    QVERIFY((*journal)->endRun(first, UpgradeJournal::RunState::Aborted));
    QCOMPARE((*(*journal)->unfinishedRun(u"/p.json"_s))->id, second);
    QVERIFY((*journal)->endRun(second, UpgradeJournal::RunState::Completed));
    QVERIFY(!(*journal)->unfinishedRun(u"/p.json"_s)->has_value());

    const auto runs = (*journal)->runs(u"prod-jatos"_s);
    QVERIFY(runs);
    QCOMPARE(runs->size(), 2);
    QCOMPARE(runs->at(0).id, second); // newest first
    QCOMPARE(runs->at(0).state, UpgradeJournal::RunState::Completed);
    QCOMPARE(runs->at(1).state, UpgradeJournal::RunState::Aborted);
    QVERIFY(runs->at(1).ended.isValid());
    QVERIFY((*journal)->runs(u"another"_s)->isEmpty());
    const auto missing = (*journal)->endRun(9999, UpgradeJournal::RunState::Completed);
    QVERIFY(!missing);
    QVERIFY2(missing.error().message.contains(u"9999"_s), qPrintable(missing.error().message));
}

void TestUpgradeJournal::secretsAreRefused()
{
    auto journal = UpgradeJournal::open(file());
    QVERIFY(journal);
    const QByteArray secret = "the-database-password-0123";
    (*journal)->addForbiddenValue(secret);
    const qint64 run
        = *(*journal)->beginRun(u"c"_s, u"/p.json"_s, UpgradePlan::build(UpgradeTestSupport::readyInputs()));
    JournalEntry entry;
    entry.step = 0;
    entry.event = JournalEntry::Event::Finished;
    entry.detail = u"mariadb-dump -p"_s + QString::fromLatin1(secret) + u" failed"_s;
    const Result<void> refused = (*journal)->append(run, entry);
    QVERIFY(!refused);
    QVERIFY(!refused.error().message.contains(QString::fromLatin1(secret)));
    QVERIFY((*(*journal)->unfinishedRun(u"/p.json"_s))->entries.isEmpty());
    journal->reset();
    QFile raw(file());
    QVERIFY(raw.open(QIODevice::ReadOnly));
    QVERIFY(!raw.readAll().contains(secret));
}

void TestUpgradeJournal::foreignFilesAreRefused()
{
    {
        QFile text(file());
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("this is not a database, it is a text file that happens to be here\n");
    }
    const auto notDatabase = UpgradeJournal::open(file());
    QVERIFY(!notDatabase);
    QVERIFY2(
        notDatabase.error().message.contains(u"upgrade journal"_s), qPrintable(notDatabase.error().message));
    QVERIFY(QFile::remove(file()));

    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"future"_s);
        db.setDatabaseName(file());
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(u"CREATE TABLE schema_version (version INTEGER NOT NULL)"_s));
        QVERIFY(
            query.exec(u"INSERT INTO schema_version VALUES (%1)"_s.arg(UpgradeJournal::schemaVersion + 1)));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"future"_s);
    const auto newer = UpgradeJournal::open(file());
    QVERIFY(!newer);
    QVERIFY2(newer.error().message.contains(u"newer Clusterdesk"_s), qPrintable(newer.error().message));
}

// A resumed run needs exactly the request it started with (package, checksums,
// backup choice, the schema before); it is stored with the run, and never a secret.
void TestUpgradeJournal::requestTravelsWithTheRun()
{
    UpgradeRequest request;
    request.target = u"3.10.5"_s;
    request.packagePath = u"/releases/jatos-3.10.5.zip"_s;
    request.expectedSha256 = QString(64, u'a');
    request.actualSha256 = QString(64, u'a');
    request.backupWaiver = u"prod-jatos"_s;
    request.acknowledged = {u"mixedVersions"_s, u"nodesHealthy"_s};
    request.schemaBefore = Version::parse(u"3.9.8");
    request.replicas = 3;
    request.hpa = HpaSettings {u"jatos"_s, 2, 5};

    const auto parsed = UpgradeRequest::fromJson(request.toJson());
    QVERIFY(parsed);
    QCOMPARE(parsed->target, request.target);
    QCOMPARE(parsed->packagePath, request.packagePath);
    QCOMPARE(parsed->actualSha256, request.actualSha256);
    QCOMPARE(parsed->backupWaiver, request.backupWaiver);
    QCOMPARE(parsed->acknowledged, request.acknowledged);
    QCOMPARE(parsed->schemaBefore.text(), u"3.9.8"_s);
    QCOMPARE(parsed->replicas, 3);
    QVERIFY(parsed->hpa && *parsed->hpa == *request.hpa);
    QVERIFY(!UpgradeRequest::fromJson("{}"));
    QVERIFY(!UpgradeRequest::fromJson("not json"));

    const UpgradePlan plan = UpgradePlan::build(UpgradeTestSupport::readyInputs());
    {
        auto journal = UpgradeJournal::open(file());
        QVERIFY(journal);
        QVERIFY((*journal)->beginRun(u"prod-jatos"_s, u"/p.json"_s, plan, request.toJson()));
        // A request that would carry a secret is refused before anything is written.
        (*journal)->addForbiddenValue("hunter2-hunter2-hunter2");
        UpgradeRequest leaky = request;
        leaky.backupCommand = u"dump --password=hunter2-hunter2-hunter2"_s;
        const auto refused = (*journal)->beginRun(u"prod-jatos"_s, u"/q.json"_s, plan, leaky.toJson());
        QVERIFY(!refused);
        QVERIFY(!refused.error().message.contains(u"hunter2"_s));
    }
    auto reopened = UpgradeJournal::open(file());
    QVERIFY(reopened);
    const auto unfinished = (*reopened)->unfinishedRun(u"/p.json"_s);
    QVERIFY(unfinished && *unfinished);
    QCOMPARE((*unfinished)->request, request.toJson());
    const auto other = (*reopened)->unfinishedRun(u"/q.json"_s);
    QVERIFY(other && !*other);
}

QTEST_GUILESS_MAIN(TestUpgradeJournal)
#include "tst_upgradejournal.moc"
