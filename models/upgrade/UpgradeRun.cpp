#include "UpgradeRun.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>

#include <algorithm>

using Kind = UpgradeStep::Kind;
using Event = JournalEntry::Event;

QString BackupRecord::toDetail() const
{
    const QJsonObject o {
        {QStringLiteral("path"), path}, {QStringLiteral("size"), size}, {QStringLiteral("sha256"), sha256}};
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

std::optional<BackupRecord> BackupRecord::fromDetail(const QString &detail)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]{64}$"));
    const QJsonDocument doc = QJsonDocument::fromJson(detail.toUtf8());
    if (!doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    BackupRecord record;
    record.path = o.value(QStringLiteral("path")).toString();
    record.size = o.value(QStringLiteral("size")).toInteger(-1);
    record.sha256 = o.value(QStringLiteral("sha256")).toString();
    // A dump that is missing, empty or without its checksum is no backup.
    if (record.path.isEmpty() || record.size <= 0 || !hex.match(record.sha256).hasMatch())
        return std::nullopt;
    return record;
}

UpgradeRun::UpgradeRun(UpgradePlan plan)
    : m_plan(std::move(plan))
    , m_states(m_plan.steps().size(), StepState::Pending)
{ }

int UpgradeRun::position() const
{
    for (qsizetype i = 0; i < m_states.size(); ++i) {
        if (m_states.at(i) != StepState::Succeeded)
            return int(i);
    }
    return -1;
}

bool UpgradeRun::anyRunning() const
{
    return m_states.contains(StepState::Running);
}

bool UpgradeRun::stepSucceeded(Kind kind) const
{
    const QList<UpgradeStep> &steps = m_plan.steps();
    return std::any_of(steps.cbegin(), steps.cend(),
        [&](const UpgradeStep &s) { return s.kind == kind && m_states.at(s.index) == StepState::Succeeded; });
}

Result<JournalEntry> UpgradeRun::begin(int step, const QDateTime &at)
{
    if (step < 0 || step >= m_states.size())
        return failure(tr("There is no step %1 in this upgrade.").arg(step + 1));
    switch (m_state) {
    case State::Paused:
        return failure(tr("The upgrade is paused at a failed step: retry it or abort."));
    case State::Aborted:
        return failure(tr("The upgrade was aborted."));
    case State::Completed:
        return failure(tr("The upgrade is complete."));
    case State::NotStarted:
    case State::Running:
        break;
    }
    if (anyRunning())
        return failure(tr("Step %1 is still running; steps run one at a time.")
                           .arg(m_states.indexOf(StepState::Running) + 1));
    if (step != position())
        return failure(tr("Step %1 cannot start: step %2 comes first.").arg(step + 1).arg(position() + 1));
    m_states[step] = StepState::Running;
    m_state = State::Running;
    const JournalEntry entry {step, Event::Started, false, {}, at};
    m_journal << entry;
    return entry;
}

Result<JournalEntry> UpgradeRun::finish(int step, bool ok, const QString &detail, const QDateTime &at)
{
    if (step < 0 || step >= m_states.size() || m_states.at(step) != StepState::Running)
        return failure(tr("Step %1 is not running, so it cannot finish.").arg(step + 1));
    const UpgradeStep &s = m_plan.steps().at(step);
    if (ok && s.kind == Kind::BackupDatabase) {
        const std::optional<BackupRecord> record = BackupRecord::fromDetail(detail);
        if (!record)
            return failure(tr("The backup step cannot succeed without its dump's path, size (not empty) and "
                              "SHA-256."));
        m_backup = record;
    }
    m_states[step] = ok ? StepState::Succeeded : StepState::Failed;
    if (!ok)
        m_state = State::Paused;
    else if (position() == -1)
        m_state = State::Completed;
    const JournalEntry entry {step, Event::Finished, ok, detail, at};
    m_journal << entry;
    return entry;
}

Result<void> UpgradeRun::retry()
{
    if (m_state != State::Paused)
        return failure(tr("Only a paused upgrade can retry a step."));
    m_states[m_states.indexOf(StepState::Failed)] = StepState::Pending;
    m_state = State::Running;
    return {};
}

Result<JournalEntry> UpgradeRun::abort(const QDateTime &at)
{
    if (anyRunning())
        return failure(tr("Step %1 is running: an upgrade can be cancelled between steps, never inside one.")
                           .arg(m_states.indexOf(StepState::Running) + 1));
    if (m_state == State::Aborted)
        return failure(tr("The upgrade was already aborted."));
    if (m_state == State::Completed)
        return failure(tr("The upgrade is complete; there is nothing to abort."));
    m_state = State::Aborted;
    const JournalEntry entry {-1, Event::Aborted, false, {}, at};
    m_journal << entry;
    return entry;
}

Result<UpgradeRun> UpgradeRun::resume(const UpgradePlan &plan, const QList<JournalEntry> &journal)
{
    // Replaying through the run's own rules accepts exactly the journals a run could
    // have written, with interruptions.
    UpgradeRun run(plan);
    for (qsizetype i = 0; i < journal.size(); ++i) {
        const JournalEntry &e = journal.at(i);
        Result<JournalEntry> replayed = failure(QString());
        switch (e.event) {
        case Event::Started:
            if (e.step >= 0 && e.step < run.m_states.size()) {
                // Started again: the console stopped inside it, or the admin retried.
                if (run.m_states.at(e.step) == StepState::Running)
                    run.m_states[e.step] = StepState::Pending;
                else if (run.m_state == State::Paused && run.m_states.at(e.step) == StepState::Failed)
                    static_cast<void>(run.retry());
            }
            replayed = run.begin(e.step, e.at);
            break;
        case Event::Finished:
            replayed = run.finish(e.step, e.ok, e.detail, e.at);
            break;
        case Event::Aborted:
            // The console may have stopped inside the step the admin then aborted at.
            if (run.anyRunning())
                run.m_states[run.m_states.indexOf(StepState::Running)] = StepState::Pending;
            replayed = run.abort(e.at);
            break;
        }
        if (!replayed)
            return failure(tr("The upgrade journal does not fit this plan at entry %1: %2")
                               .arg(i + 1)
                               .arg(replayed.error().message));
    }
    if (run.anyRunning()) {
        const int step = int(run.m_states.indexOf(StepState::Running));
        run.m_states[step] = StepState::Pending;
        run.m_interrupted = step;
    }
    run.m_journal = journal;
    return run;
}

AbortReport UpgradeRun::abortReport() const
{
    AbortReport report;
    report.backup = m_backup;
    const bool hosts = m_plan.kind() == DeploymentKind::Hosts;
    const QString target = m_plan.target().normalized();

    bool stopBegun = false;
    bool versionChanged = false;
    QStringList started;
    for (const UpgradeStep &s : m_plan.steps()) {
        const StepState state = m_states.at(s.index);
        const bool begun = state != StepState::Pending;
        if (s.kind == Kind::StopAll || s.kind == Kind::StopService || s.kind == Kind::ScaleToZero)
            stopBegun = stopBegun || begun;
        if (s.kind == Kind::Install || s.kind == Kind::SetImage)
            versionChanged = versionChanged || begun;
        if ((s.kind == Kind::Start || s.kind == Kind::ScaleTo) && begun)
            started << (s.node ? *s.node : tr("replica %1").arg(s.replicas));
        if (s.kind == Kind::VerifyNode && state == StepState::Succeeded)
            report.upgraded << (s.node ? *s.node : tr("replica %1").arg(s.replicas));
    }
    const bool downVerified = stepSucceeded(Kind::VerifyStopped) || stepSucceeded(Kind::VerifyNoPods);
    if (hosts && downVerified) {
        for (const QString &node : m_plan.nodes()) {
            if (!report.upgraded.contains(node))
                report.stopped << node;
        }
    }
    const QStringList unverified = [&] {
        QStringList out;
        for (const QString &unit : std::as_const(started)) {
            if (!report.upgraded.contains(unit))
                out << unit;
        }
        return out;
    }();

    const QString restart = hosts ? tr("Start the nodes again with the preset's start command.")
                                  : tr("Scale back to %n replica(s).", nullptr, m_plan.replicas());
    if (!stopBegun) {
        report.summary = tr("Nothing was changed: every node runs as before.");
    } else if (!downVerified && !versionChanged) {
        report.summary
            = tr("The nodes were being stopped, so some may be down. Nothing was installed: every node "
                 "still has its old version.");
        report.instructions << restart;
    } else if (!versionChanged) {
        report.summary
            = tr("Every node is stopped on its old version. Nothing was installed and the database "
                 "schema was not changed.");
        report.instructions << restart << tr("Or fix the cause and run the upgrade to %1 again.").arg(target);
    } else {
        QStringList parts;
        if (!report.upgraded.isEmpty())
            parts << tr("On %1 and verified: %2.").arg(target, report.upgraded.join(QStringLiteral(", ")));
        if (!unverified.isEmpty())
            parts << tr("Started on %1 but not verified: %2.")
                         .arg(target, unverified.join(QStringLiteral(", ")));
        if (hosts && !report.stopped.isEmpty())
            parts << tr("Stopped: %1.").arg(report.stopped.join(QStringLiteral(", ")));
        if (!hosts)
            parts << tr("The remaining replicas were not started.");
        report.summary = parts.join(QLatin1Char(' '));
        report.instructions
            << tr("Do not start any node on the old version: the database schema may already belong to %1.")
                   .arg(target)
            << tr("Fix the cause (see the node's log) and run the upgrade to %1 again; nodes already on it "
                  "stay as they are.")
                   .arg(target);
    }
    if (!hosts && stopBegun && m_plan.hpa() && !stepSucceeded(Kind::RestoreHpa))
        report.instructions << tr(
            "The autoscaler %1 was removed for the upgrade: create it again (min %2, max %3; the "
            "first step's detail holds its definition) once the cluster runs.")
                                   .arg(m_plan.hpa()->name)
                                   .arg(m_plan.hpa()->minReplicas)
                                   .arg(m_plan.hpa()->maxReplicas);
    if (m_backup)
        report.instructions << tr(
            "The database backup is %1 (%2, SHA-256 %3). To go back to the old version, "
            "restore it and reinstall the old version on every node by hand: Clusterdesk "
            "never downgrades.")
                                   .arg(m_backup->path, QLocale().formattedDataSize(m_backup->size),
                                       m_backup->sha256);
    else if (versionChanged)
        report.instructions << (m_plan.backupWaived()
                ? tr("No backup was made (waived): the old version cannot be brought back. Clusterdesk never "
                     "downgrades.")
                : tr("No backup was recorded. Clusterdesk never downgrades."));
    return report;
}
