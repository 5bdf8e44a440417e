#pragma once

#include "Result.h"
#include "UpgradePlan.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// One line of the upgrade's journal. The app writes each entry the run hands it
// before (Started) and after (Finished) the step acts, so that a console killed in
// the middle of a step can tell on its next start what it was doing.
struct JournalEntry
{
    enum class Event
    {
        Started,
        Finished,
        Aborted // the admin ended the run; step is -1
    };

    int step = -1;
    Event event = Event::Started;
    bool ok = false; // Finished: whether the step succeeded
    QString detail; // Finished: what happened (BackupDatabase: BackupRecord::toDetail())
    QDateTime at;

    friend bool operator==(const JournalEntry &, const JournalEntry &) = default;
};

// The database dump a run made: where it is and how to tell it is intact.
struct BackupRecord
{
    QString path;
    qint64 size = 0;
    QString sha256;

    // The BackupDatabase step's detail, so that the journal alone tells where the
    // backup is.
    QString toDetail() const;
    static std::optional<BackupRecord> fromDetail(const QString &detail);

    friend bool operator==(const BackupRecord &, const BackupRecord &) = default;
};

// The condition an aborted run leaves the cluster in, in words.
struct AbortReport
{
    QStringList upgraded; // on the target and verified
    QStringList stopped; // down, still on the old version or not verified
    std::optional<BackupRecord> backup;
    QString summary;
    QStringList instructions;
};

// The state machine over a plan. It decides what may happen next and refuses the
// rest with a reason; it never acts itself. There is deliberately no way to skip
// a step, least of all a verification.
class UpgradeRun
{
    Q_DECLARE_TR_FUNCTIONS(UpgradeRun)

public:
    enum class StepState
    {
        Pending,
        Running,
        Succeeded,
        Failed
    };
    enum class State
    {
        NotStarted,
        Running,
        Paused, // at a failed step: retry or abort
        Aborted,
        Completed
    };

    explicit UpgradeRun(UpgradePlan plan);

    // Rebuilds a run from its journal. A step that started and never finished is
    // pending again: the app re-checks the cluster and runs it again. A journal this
    // plan could not have produced is refused.
    static Result<UpgradeRun> resume(const UpgradePlan &plan, const QList<JournalEntry> &journal);

    // Each returns the journal entry to write (Started before acting, Finished after).
    Result<JournalEntry> begin(int step, const QDateTime &at);
    Result<JournalEntry> finish(int step, bool ok, const QString &detail, const QDateTime &at);
    Result<void> retry();
    Result<JournalEntry> abort(const QDateTime &at);

    const UpgradePlan &plan() const { return m_plan; }
    State state() const { return m_state; }
    StepState stepState(int step) const { return m_states.value(step, StepState::Pending); }
    // The first step that has not succeeded; -1 when every step has.
    int position() const;
    // After resume(): the step that was running when the console stopped.
    std::optional<int> interruptedStep() const { return m_interrupted; }
    std::optional<BackupRecord> backup() const { return m_backup; }
    const QList<JournalEntry> &journal() const { return m_journal; }

    AbortReport abortReport() const;

private:
    bool stepSucceeded(UpgradeStep::Kind kind) const;
    bool anyRunning() const;

    UpgradePlan m_plan;
    QList<StepState> m_states;
    State m_state = State::NotStarted;
    std::optional<int> m_interrupted;
    std::optional<BackupRecord> m_backup;
    QList<JournalEntry> m_journal;
};
