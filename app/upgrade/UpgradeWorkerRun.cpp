// The run of UpgradeWorker: starting, resuming, the step loop with its journal,
// retry and abort, the report; and the steps every deployment shares.
#include "UpgradeWorker.h"
#include "config/ConfigFiles.h"
#include "config/NodeConfigFacts.h"
#include "connectors/kubernetes/KubeStatus.h"
#include "connectors/ssh/SshShell.h"
#include "upgrade/UpgradeVerify.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>

namespace {

QString failedChecks(const QList<PreflightCheck> &checks, const QSet<QString> &acknowledged)
{
    QStringList lines;
    for (const PreflightCheck &c : checks) {
        if (c.status != PreflightCheck::Status::Fail)
            continue;
        if (c.severity == PreflightCheck::Severity::Warning && acknowledged.contains(c.id))
            continue;
        lines << QStringLiteral("%1: %2").arg(c.title, c.reason);
    }
    return lines.join(QLatin1Char('\n'));
}

QString slugOf(const QString &text)
{
    QString slug = text;
    slug.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    return slug;
}

} // namespace

void UpgradeWorker::refuse(
    const UpgradeRequest &request, const QString &by, const QString &summary, const QStringList &instructions)
{
    log(summary);
    UpgradeReport r;
    r.outcome = UpgradeReport::Outcome::Refused;
    r.cluster = m_profile.profile.name;
    r.profilePath = m_profile.path;
    r.target = request.target;
    r.summary = summary;
    r.refusedBy = by;
    r.instructions = instructions;
    r.log = m_log;
    Q_EMIT finished(r);
}

bool UpgradeWorker::takeLock(UpgradeReport &refusal)
{
    if (!m_profile.profile.database) {
        refusal.summary = tr("The profile names no database, so no upgrade lock can be taken.");
        return false;
    }
    Result<std::optional<UpgradeLockHolder>> taken
        = m_lock.acquire(*m_profile.profile.database, m_secrets.databasePassword);
    if (!taken) {
        refusal.summary = taken.error().message;
        return false;
    }
    if (*taken) {
        const UpgradeLockHolder &h = **taken;
        QString where = h.host.isEmpty() ? QString() : tr(" from %1").arg(h.host);
        QString since = h.since.isValid()
            ? tr(" since %1 UTC").arg(h.since.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")))
            : QString();
        refusal.summary
            = tr("Another upgrade of %1 is running: the upgrade lock \"%2\" on the database is held "
                 "by %3%4%5.")
                  .arg(m_profile.profile.name, UpgradeLock::lockName(*m_profile.profile.database), h.who,
                      where, since);
        // The same machine's journal may know more.
        if (m_journal) {
            Result<QList<UpgradeJournal::RunRecord>> runs = m_journal->runs(m_profile.profile.name);
            if (runs) {
                for (const UpgradeJournal::RunRecord &run : *runs) {
                    if (run.state == UpgradeJournal::RunState::Running) {
                        refusal.summary += QLatin1Char(' ')
                            + tr("This computer's journal shows run %1 to %2, started by %3 on %4 at %5 UTC.")
                                  .arg(run.id)
                                  .arg(run.target, run.osUser, run.host,
                                      run.started.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
                        break;
                    }
                }
            }
        }
        return false;
    }
    log(tr("Took the upgrade lock \"%1\" on the database")
            .arg(UpgradeLock::lockName(*m_profile.profile.database)));
    return true;
}

void UpgradeWorker::start(const UpgradeRequest &request)
{
    if (m_run
        && (m_run->state() == UpgradeRun::State::Running || m_run->state() == UpgradeRun::State::Paused)) {
        refuse(
            request, QStringLiteral("request"), tr("An upgrade run is already in progress in this window."));
        return;
    }
    m_log.clear();
    m_elapsed.clear();
    if (Result<void> journal = openJournal(); !journal) {
        refuse(request, QStringLiteral("journal"), journal.error().message);
        return;
    }
    UpgradeReport lockRefusal;
    if (!takeLock(lockRefusal)) {
        refuse(request, QStringLiteral("lock"), lockRefusal.summary,
            {tr("Wait until the other upgrade has ended, or ask whoever runs it.")});
        return;
    }
    // The checks again, now that nobody else can act: facts may have changed since
    // the admin looked at them.
    UpgradeAssessment a = gather(request, false);
    Q_EMIT assessed(a);
    if (!a.error.isEmpty() || !Preflight::mayStart(a.checks, a.request.acknowledged)) {
        m_lock.release();
        refuse(a.request, QStringLiteral("checks"),
            a.error.isEmpty() ? tr("The upgrade did not start; the checks refused it:\n%1")
                                    .arg(failedChecks(a.checks, a.request.acknowledged))
                              : a.error);
        return;
    }
    if (a.outcome == Preflight::Outcome::NothingToDo) {
        m_lock.release();
        log(tr("Every node already runs %1: nothing to do.").arg(a.request.target));
        UpgradeReport r = report(UpgradeReport::Outcome::NothingToDo,
            tr("Nothing to do: every node runs %1.").arg(a.request.target));
        Q_EMIT finished(r);
        return;
    }
    if (const QStringList broken = a.plan.violations(); !broken.isEmpty()) {
        m_lock.release();
        refuse(a.request, QStringLiteral("request"),
            tr("The upgrade plan breaks a rule: %1").arg(broken.join(QStringLiteral("; "))));
        return;
    }
    m_request = a.request;
    Result<qint64> id
        = m_journal->beginRun(m_profile.profile.name, m_profile.path, a.plan, m_request.toJson());
    if (!id) {
        m_lock.release();
        refuse(a.request, QStringLiteral("journal"), id.error().message);
        return;
    }
    m_runId = *id;
    m_started = QDateTime::currentDateTimeUtc();
    m_run.emplace(a.plan);
    log(tr("Upgrade run %1 of %2 to %3 started: %n step(s)", nullptr, int(a.plan.steps().size()))
            .arg(m_runId)
            .arg(m_profile.profile.name, m_request.target));
    Q_EMIT runStarted(a.plan, m_runId);
    runSteps();
}

void UpgradeWorker::resume()
{
    m_log.clear();
    m_elapsed.clear();
    UpgradeRequest empty;
    if (Result<void> journal = openJournal(); !journal) {
        refuse(empty, QStringLiteral("journal"), journal.error().message);
        return;
    }
    Result<std::optional<UpgradeJournal::RunRecord>> found = m_journal->unfinishedRun(m_profile.path);
    if (!found || !*found) {
        refuse(empty, QStringLiteral("request"),
            found ? tr("There is no interrupted upgrade of this profile to resume.") : found.error().message);
        return;
    }
    const UpgradeJournal::RunRecord record = **found;
    Result<UpgradeRequest> request = UpgradeRequest::fromJson(record.request);
    if (!request) {
        refuse(empty, QStringLiteral("journal"), request.error().message);
        return;
    }
    log(tr("Resuming upgrade run %1 to %2, started by %3 on %4")
            .arg(record.id)
            .arg(record.target, record.osUser, record.host));
    UpgradeReport lockRefusal;
    if (!takeLock(lockRefusal)) {
        refuse(*request, QStringLiteral("lock"), lockRefusal.summary,
            {tr("Wait until the other console has ended, then resume.")});
        return;
    }
    // The cluster's real state now: what can be reached, and the plan it gives.
    UpgradeAssessment a = gather(*request, true);
    a.request.schemaBefore = request->schemaBefore; // the schema as it was before the run
    a.request.actualSha256 = request->actualSha256;
    Q_EMIT assessed(a);
    QStringList blockers;
    for (const PreflightCheck &c : a.checks) {
        static const QSet<QString> needed {QStringLiteral("nodesReachable"),
            QStringLiteral("databaseReachable"), QStringLiteral("lock"), QStringLiteral("installCommand"),
            QStringLiteral("imageVariable")};
        if (c.status == PreflightCheck::Status::Fail && needed.contains(c.id))
            blockers << QStringLiteral("%1: %2").arg(c.title, c.reason);
    }
    if (a.request.packagePath.isEmpty() == false && a.request.actualSha256 != a.inputs.package.actualSha256)
        blockers << tr("The package %1 changed since the run started (its SHA-256 differs).")
                        .arg(a.request.packagePath);
    QStringList planned;
    for (const UpgradeStep &s : a.plan.steps())
        planned << s.description;
    if (planned != record.steps)
        blockers << tr(
            "The profile no longer gives the plan the run started with (nodes or settings changed).");
    if (!blockers.isEmpty()) {
        m_lock.release();
        refuse(a.request, QStringLiteral("checks"),
            tr("The interrupted upgrade cannot resume yet:\n%1").arg(blockers.join(QLatin1Char('\n'))),
            {tr("Fix the above and resume again, or abort the run (the cluster stays as it is).")});
        return;
    }
    Result<UpgradeRun> rebuilt = UpgradeRun::resume(a.plan, record.entries);
    if (!rebuilt) {
        m_lock.release();
        refuse(a.request, QStringLiteral("request"), rebuilt.error().message);
        return;
    }
    m_request = a.request;
    m_runId = record.id;
    m_started = record.started;
    m_run.emplace(std::move(*rebuilt));
    Q_EMIT runStarted(a.plan, m_runId);
    if (const std::optional<int> cut = m_run->interruptedStep())
        log(tr("Step %1 was running when the console stopped; it runs again.").arg(*cut + 1));
    if (m_run->state() == UpgradeRun::State::Paused) {
        log(tr("Retrying the failed step %1").arg(m_run->position() + 1));
        if (Result<void> again = m_run->retry(); !again) {
            refuse(a.request, QStringLiteral("request"), again.error().message);
            return;
        }
    }
    runSteps();
}

void UpgradeWorker::retry()
{
    if (!m_run || m_run->state() != UpgradeRun::State::Paused) {
        // A pause requested between steps leaves the run Running: just go on.
        if (m_run && m_run->state() == UpgradeRun::State::Running) {
            runSteps();
            return;
        }
        log(tr("There is no paused upgrade to retry."));
        return;
    }
    if (Result<void> again = m_run->retry(); !again) {
        log(again.error().message);
        return;
    }
    log(tr("Retrying step %1").arg(m_run->position() + 1));
    runSteps();
}

void UpgradeWorker::abortRun()
{
    if (!m_run) {
        // An interrupted run of an earlier console: end it in the journal.
        if (Result<void> journal = openJournal(); !journal) {
            refuse(UpgradeRequest {}, QStringLiteral("journal"), journal.error().message);
            return;
        }
        Result<std::optional<UpgradeJournal::RunRecord>> found = m_journal->unfinishedRun(m_profile.path);
        if (!found || !*found) {
            refuse(UpgradeRequest {}, QStringLiteral("request"),
                tr("There is no interrupted upgrade of this profile to abort."));
            return;
        }
        Result<UpgradeRequest> request = UpgradeRequest::fromJson((*found)->request);
        UpgradeAssessment a;
        a.request = request ? *request : UpgradeRequest {};
        a.inputs.kind = m_profile.profile.deployment.kind;
        a.inputs.clusterName = m_profile.profile.name;
        a.inputs.target = a.request.targetVersion();
        for (const NodeSpec &n : m_profile.profile.nodes)
            a.inputs.nodes << UpgradeNodeInputs {n.name, {}, false, {}, false, {}};
        a.inputs.database.schemaTracked = m_profile.preset.schema.kind != SchemaProbe::Kind::None;
        a.inputs.backup.waiver = a.request.backupWaiver;
        if (a.request.backupWaiver.isEmpty())
            a.inputs.backup.command = QStringLiteral("configured");
        a.inputs.replicas = a.request.replicas;
        a.inputs.hpa = a.request.hpa;
        Result<UpgradeRun> rebuilt = UpgradeRun::resume(UpgradePlan::build(a.inputs), (*found)->entries);
        if (!rebuilt) {
            refuse(a.request, QStringLiteral("request"), rebuilt.error().message);
            return;
        }
        m_request = a.request;
        m_runId = (*found)->id;
        m_started = (*found)->started;
        m_run.emplace(std::move(*rebuilt));
    }
    Result<JournalEntry> entry = m_run->abort(QDateTime::currentDateTimeUtc());
    if (!entry) {
        log(entry.error().message);
        return;
    }
    if (Result<void> written = m_journal->append(m_runId, *entry); !written)
        log(written.error().message);
    const AbortReport abort = m_run->abortReport();
    log(tr("Upgrade aborted by the admin."));
    finishRun(UpgradeReport::Outcome::Aborted, abort.summary);
}

void UpgradeWorker::runSteps()
{
    const auto now = [] { return QDateTime::currentDateTimeUtc(); };
    while (m_run->state() == UpgradeRun::State::Running || m_run->state() == UpgradeRun::State::NotStarted) {
        const int i = m_run->position();
        if (i < 0)
            break;
        const UpgradeStep &step = m_run->plan().steps().at(i);
        if (m_pauseRequested->exchange(false)) {
            log(tr("Paused by the admin before step %1.").arg(i + 1));
            Q_EMIT paused(i, tr("Paused before step %1, as asked. Continue or abort.").arg(i + 1));
            return;
        }
        // The lock may have gone with a connection that died (a laptop asleep).
        if (!m_lock.stillHeld(*m_profile.profile.database, m_secrets.databasePassword)) {
            log(tr("The upgrade lock was lost; taking it again"));
            UpgradeReport refusal;
            if (!takeLock(refusal)) {
                log(refusal.summary);
                Q_EMIT paused(i, refusal.summary);
                return;
            }
        }
        Result<JournalEntry> begun = m_run->begin(i, now());
        if (!begun) {
            log(begun.error().message);
            Q_EMIT paused(i, begun.error().message);
            return;
        }
        if (Result<void> written = m_journal->append(m_runId, *begun); !written) {
            // Nothing acts unless the journal knows it is about to.
            (void)m_run->finish(i, false, written.error().message, now());
            log(written.error().message);
            Q_EMIT paused(i, written.error().message);
            return;
        }
        log(tr("Step %1/%2: %3").arg(i + 1).arg(m_run->plan().steps().size()).arg(step.description));
        Q_EMIT stepStarted(i, step.description);
        QElapsedTimer timer;
        timer.start();
        const StepResult result = runStep(step);
        const qint64 ms = timer.elapsed();
        m_elapsed.insert(i, ms);
        Result<JournalEntry> ended = m_run->finish(i, result.ok, result.detail, now());
        if (ended) {
            if (Result<void> written = m_journal->append(m_runId, *ended); !written)
                log(written.error().message);
        }
        log(result.ok ? tr("Step %1 done in %2 s").arg(i + 1).arg(double(ms) / 1000.0, 0, 'f', 1)
                      : tr("Step %1 failed: %2").arg(i + 1).arg(result.detail));
        Q_EMIT stepFinished(i, result.ok, result.detail, ms);
        if (!result.ok) {
            const UpgradeReport r = report(
                UpgradeReport::Outcome::Paused, tr("Paused at step %1: %2").arg(i + 1).arg(result.detail));
            if (Result<QString> saved = r.save(m_options.reportFolder); !saved)
                log(saved.error().message);
            Q_EMIT paused(i, result.detail);
            return;
        }
    }
    if (m_run->state() == UpgradeRun::State::Completed || m_run->position() < 0)
        finishRun(UpgradeReport::Outcome::Completed,
            tr("%1 runs %2 on every node.").arg(m_profile.profile.name, m_request.target));
}

void UpgradeWorker::finishRun(UpgradeReport::Outcome outcome, const QString &summary)
{
    if (m_journal && m_runId > 0) {
        const auto state = outcome == UpgradeReport::Outcome::Aborted ? UpgradeJournal::RunState::Aborted
                                                                      : UpgradeJournal::RunState::Completed;
        if (Result<void> ended = m_journal->endRun(m_runId, state); !ended)
            log(ended.error().message);
    }
    m_lock.release();
    m_shells.clear();
    UpgradeReport r = report(outcome, summary);
    if (Result<QString> saved = r.save(m_options.reportFolder); saved)
        log(tr("Report saved to %1").arg(QDir::toNativeSeparators(*saved)));
    else
        log(saved.error().message);
    r.log = m_log;
    Q_EMIT finished(r);
}

UpgradeReport UpgradeWorker::report(UpgradeReport::Outcome outcome, const QString &summary) const
{
    UpgradeReport r;
    r.outcome = outcome;
    r.cluster = m_profile.profile.name;
    r.profilePath = m_profile.path;
    r.target = m_request.target;
    r.runId = m_runId;
    r.started = m_started;
    r.ended = QDateTime::currentDateTimeUtc();
    r.summary = summary;
    r.log = m_log;
    if (!m_run)
        return r;
    QHash<int, QString> details;
    for (const JournalEntry &e : m_run->journal()) {
        if (e.event == JournalEntry::Event::Finished)
            details.insert(e.step, e.detail);
    }
    for (const UpgradeStep &s : m_run->plan().steps()) {
        UpgradeReport::Step line;
        line.index = s.index;
        line.description = s.description;
        switch (m_run->stepState(s.index)) {
        case UpgradeRun::StepState::Pending:
            line.state = QStringLiteral("pending");
            break;
        case UpgradeRun::StepState::Running:
            line.state = QStringLiteral("running");
            break;
        case UpgradeRun::StepState::Succeeded:
            line.state = QStringLiteral("succeeded");
            break;
        case UpgradeRun::StepState::Failed:
            line.state = QStringLiteral("failed");
            break;
        }
        line.elapsedMs = m_elapsed.value(s.index, -1);
        line.detail = details.value(s.index);
        r.steps << line;
    }
    r.backup = m_run->backup();
    if (outcome == UpgradeReport::Outcome::Aborted || outcome == UpgradeReport::Outcome::Paused) {
        const AbortReport abort = m_run->abortReport();
        r.instructions = abort.instructions;
        if (outcome == UpgradeReport::Outcome::Paused)
            r.instructions.prepend(
                tr("Fix the cause, then retry the step (clusterdesk-cli upgrade --resume), or "
                   "abort the run."));
    }
    return r;
}

UpgradeWorker::StepResult UpgradeWorker::runStep(const UpgradeStep &step)
{
    using Kind = UpgradeStep::Kind;
    const QString node = step.node.value_or(QString());
    switch (step.kind) {
    case Kind::StopAll:
        return stopAll();
    case Kind::VerifyStopped:
        return verifyStopped();
    case Kind::BackupDatabase:
        return backupDatabase();
    case Kind::BackupConfig:
        return backupConfig();
    case Kind::Upload:
        return upload(node, step.index);
    case Kind::VerifyPackage:
        return verifyPackage(node);
    case Kind::Install:
        return install(node);
    case Kind::Start:
        return startNode(node);
    case Kind::VerifyNode:
        return step.node ? verifyNode(node) : verifyReplicas(step.replicas);
    case Kind::VerifySchema:
        return verifySchema();
    case Kind::FinalCheck:
        return finalCheck();
    case Kind::RememberReplicas:
        return rememberReplicas();
    case Kind::PauseHpa:
        return pauseHpa();
    case Kind::ScaleToZero:
        return scaleToZero();
    case Kind::StopService:
        return stopService();
    case Kind::VerifyNoPods:
        return verifyNoReplicas();
    case Kind::SetImage:
        return setImage();
    case Kind::ScaleTo:
        return scaleTo(step.replicas);
    case Kind::RestoreHpa:
        return restoreHpa();
    }
    return {
        false, tr("Step \"%1\" is not supported for this deployment.").arg(UpgradeStep::kindName(step.kind))};
}

// ---------------------------------------------------------------- shared steps

UpgradeWorker::StepResult UpgradeWorker::backupDatabase()
{
    if (!m_profile.profile.database)
        return {false, tr("The profile names no database.")};
    const DatabaseSpec &db = *m_profile.profile.database;
    const QString folder
        = m_request.backupFolder.isEmpty() ? UpgradeRequest::defaultBackupFolder() : m_request.backupFolder;
    if (!QDir().mkpath(folder))
        return {false, tr("Cannot create the backup folder %1.").arg(QDir::toNativeSeparators(folder))};
    QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    const QString file = folder + QLatin1Char('/')
        + QStringLiteral("%1-%2-before-%3.sql")
              .arg(slugOf(m_profile.profile.name),
                  QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")),
                  slugOf(m_request.target));
    const QString partial = file + QStringLiteral(".part");

    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // The password goes to the client by its environment, never by a file or an argument.
    env.insert(QStringLiteral("MYSQL_PWD"), QString::fromUtf8(m_secrets.databasePassword));
    env.insert(QStringLiteral("CLUSTERDESK_DB_HOST"), db.host);
    env.insert(QStringLiteral("CLUSTERDESK_DB_PORT"), QString::number(db.port));
    env.insert(QStringLiteral("CLUSTERDESK_DB_USER"), db.user);
    env.insert(QStringLiteral("CLUSTERDESK_DB_SCHEMA"), db.schema);
    process.setProcessEnvironment(env);
    process.setStandardOutputFile(partial, QIODevice::Truncate);
    const bool custom = !m_request.backupCommand.isEmpty();
    QString shown;
    if (custom) {
#ifdef Q_OS_WIN
        process.setProgram(QStringLiteral("cmd.exe"));
        process.setArguments({QStringLiteral("/c"), m_request.backupCommand});
#else
        process.setProgram(QStringLiteral("/bin/sh"));
        process.setArguments({QStringLiteral("-c"), m_request.backupCommand});
#endif
        shown = m_request.backupCommand;
    } else {
        QString tool;
        for (const char *name : {"mariadb-dump", "mysqldump"}) {
            tool = QStandardPaths::findExecutable(QString::fromLatin1(name));
            if (!tool.isEmpty())
                break;
        }
        if (tool.isEmpty())
            return {false, tr("Neither mariadb-dump nor mysqldump was found on this computer.")};
        process.setProgram(tool);
        process.setArguments({QStringLiteral("--single-transaction"), QStringLiteral("--quick"),
            QStringLiteral("--triggers"), QStringLiteral("--no-tablespaces"),
            QStringLiteral("--host=") + db.host, QStringLiteral("--port=") + QString::number(db.port),
            QStringLiteral("--user=") + db.user, QStringLiteral("--"), db.schema});
        shown = QFileInfo(tool).fileName() + QStringLiteral(" --single-transaction ") + db.schema;
    }
    log(tr("Dumping the database with %1 into %2").arg(shown, QDir::toNativeSeparators(file)));
    process.start();
    const bool done = process.waitForStarted(30000)
        && process.waitForFinished(int(std::chrono::milliseconds(m_options.commandTimeout).count()));
    const QString errors = QString::fromUtf8(process.readAllStandardError()).trimmed().left(2000);
    if (!done || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
        QFile::remove(partial);
        return {false,
            tr("The backup command failed (%1)%2")
                .arg(done ? tr("exit status %1").arg(process.exitCode()) : process.errorString(),
                    errors.isEmpty() ? QString() : QStringLiteral(": ") + errors)};
    }
    QFile dump(partial);
    if (!dump.open(QIODevice::ReadOnly) || dump.size() == 0) {
        QFile::remove(partial);
        return {false, tr("The backup command wrote nothing: the dump is empty.")};
    }
    if (!custom) {
        dump.seek(std::max<qint64>(0, dump.size() - 512));
        if (!dump.readAll().contains("-- Dump completed")) {
            dump.close();
            QFile::remove(partial);
            return {
                false, tr("The dump ends before mariadb-dump's \"Dump completed\" line: it is incomplete.")};
        }
    }
    dump.seek(0);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&dump);
    dump.close();
    QFile::setPermissions(partial, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (!QFile::rename(partial, file)) {
        QFile::remove(partial);
        return {false, tr("Cannot move the dump to %1.").arg(QDir::toNativeSeparators(file))};
    }
    BackupRecord record {file, QFileInfo(file).size(), QString::fromLatin1(hash.result().toHex())};
    log(tr("Backup: %1, %2 bytes, SHA-256 %3")
            .arg(QDir::toNativeSeparators(file))
            .arg(record.size)
            .arg(record.sha256));
    return {true, record.toDetail()};
}

UpgradeWorker::StepResult UpgradeWorker::verifySchema()
{
    const DatabaseStatus status = readDatabase();
    if (!status.reachable || !status.ok())
        return {false, status.error};
    const Version after = schemaVersionOf(status);
    if (const std::optional<QString> problem = UpgradeVerify::schemaAfterUpgrade(
            m_profile.preset.schema.kind, m_request.schemaBefore, after, m_request.targetVersion()))
        return {false, *problem};
    return {true,
        tr("Schema: %1 before, %2 now")
            .arg(m_request.schemaBefore.isKnown() ? m_request.schemaBefore.text() : tr("unknown"),
                after.text())};
}

UpgradeWorker::StepResult UpgradeWorker::finalCheck()
{
    QStringList problems;
    QStringList lines;
    const Version target = m_request.targetVersion();
    // Kubernetes and Compose: the replicas and the image, which stands for the version of
    // a replica whose version file cannot be read without SSH.
    const QString image = m_profile.profile.deployment.kind != DeploymentKind::Hosts
        ? finalReplicaCheck(problems, lines)
        : QString();
    const bool fromImage = m_profile.profile.deployment.kind != DeploymentKind::Hosts
        && m_profile.preset.version.source == VersionProbe::Source::File;
    const QList<NodeHttpStatus> answers = probeAll(m_profile.profile.nodes, true);
    for (qsizetype i = 0; i < m_profile.profile.nodes.size(); ++i) {
        const NodeSpec &spec = m_profile.profile.nodes.at(i);
        const NodeHttpStatus &http = answers.at(i);
        if (http.health != NodeHttpStatus::Health::Up) {
            problems << tr("%1 is not healthy: %2").arg(spec.name, http.error);
            continue;
        }
        QString why;
        // Without SSH to read its version file, a replica's version is its image's.
        const Version v = fromImage && !spec.ssh ? Version::parse(KubeParsing::imageTag(image))
                                                 : nodeVersion(spec.name, http, &why);
        if (const std::optional<QString> problem = UpgradeVerify::nodeVersion(spec.name, v, target))
            problems << *problem
                    + (why.isEmpty() ? QString() : QStringLiteral(" (") + why + QLatin1Char(')'));
        else
            lines << tr("%1: up, %2").arg(spec.name, v.text());
    }
    const DatabaseStatus db = readDatabase();
    if (!db.reachable || !db.ok())
        problems << db.error;
    else if (const std::optional<QString> problem = UpgradeVerify::schemaAfterUpgrade(
                 m_profile.preset.schema.kind, m_request.schemaBefore, schemaVersionOf(db), target))
        problems << *problem;
    else if (m_profile.preset.schema.kind != SchemaProbe::Kind::None)
        lines << tr("schema: %1").arg(schemaVersionOf(db).text());

    // One secret on every node, by fingerprint (hosts with files Clusterdesk reads).
    if (m_profile.profile.deployment.kind == DeploymentKind::Hosts
        && ConfigFiles::hasEditor(m_profile.profile.product)) {
        QMap<QString, QSet<QString>> seen; // secret -> fingerprints
        for (const NodeSpec &spec : m_profile.profile.nodes) {
            Result<QList<ConfigFileSpec>> files
                = ConfigFiles::forNode(m_profile.profile, m_profile.preset, spec);
            Result<SshShell *> sh = shell(spec.name);
            if (!files || !sh)
                continue;
            NodeConfigSnapshot snapshot;
            snapshot.node = spec.name;
            for (const ConfigFileSpec &f : *files) {
                ConfigFileState state;
                state.spec = f;
                RemoteFileOp op;
                op.kind = RemoteFileOp::Kind::Read;
                op.path = f.path;
                Result<RemoteFileResult> read = (*sh)->fileOp(op, *m_cancel);
                if (read) {
                    state.exists = read->exists;
                    state.content = read->content;
                } else {
                    state.error = read.error().message;
                }
                snapshot.files << state;
            }
            const NodeConfigFacts facts = NodeConfigReader::facts(m_profile.profile.product, snapshot);
            for (auto it = facts.secretFingerprints.cbegin(); it != facts.secretFingerprints.cend(); ++it)
                seen[it.key()].insert(it.value());
        }
        for (auto it = seen.cbegin(); it != seen.cend(); ++it) {
            if (it.value().size() > 1)
                problems
                    << tr("The nodes hold %1 different values of %2.").arg(it.value().size()).arg(it.key());
            else
                lines << tr("%1: one value on every node").arg(it.key());
        }
    }
    if (!problems.isEmpty())
        return {false, problems.join(QLatin1Char('\n'))};
    return {true, lines.join(QLatin1Char('\n'))};
}
