#pragma once

#include "Result.h"
#include "upgrade/UpgradeRun.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

class SqliteFile;

// The local record of every upgrade run (upgrades.sqlite in the application's data
// folder): the run (cluster, profile, target, who, where, when, how it ended) and
// every journal entry the run hands out, written before and after each step acts.
// When the console is killed mid-upgrade, unfinishedRun() finds the run on the next
// start and UpgradeRun::resume() rebuilds it from the entries.
//
// Like the audit log it must never hold a secret: append() refuses an entry in which
// a value registered with addForbiddenValue() appears. One journal per thread.
class UpgradeJournal final
{
    Q_DECLARE_TR_FUNCTIONS(UpgradeJournal)

public:
    static constexpr int schemaVersion = 1;

    enum class RunState
    {
        Running, // started and not ended: interrupted if nobody is running it
        Completed,
        Aborted
    };

    struct RunRecord
    {
        qint64 id = 0;
        QString cluster;
        QString profilePath;
        QString target; // the target version as the admin gave it
        QStringList steps; // the plan's step descriptions, in order
        QString osUser;
        QString host; // the machine the console ran on
        QDateTime started;
        QDateTime ended; // invalid while running
        RunState state = RunState::Running;
        QByteArray request; // UpgradeRequest::toJson() of the run
        QList<JournalEntry> entries;
    };

    static Result<std::unique_ptr<UpgradeJournal>> open(const QString &path = {});
    static QString defaultPath();

    ~UpgradeJournal();
    UpgradeJournal(const UpgradeJournal &) = delete;
    UpgradeJournal &operator=(const UpgradeJournal &) = delete;

    QString path() const;

    // Records a new run of `plan`, with the request that made it, and returns its id.
    Result<qint64> beginRun(const QString &cluster, const QString &profilePath, const UpgradePlan &plan,
        const QByteArray &request = {});
    // Writes one entry, durably, before returning (the step acts only after it).
    Result<void> append(qint64 run, const JournalEntry &entry);
    Result<void> endRun(qint64 run, RunState state);

    // The newest run of the profile that never ended, with its entries.
    Result<std::optional<RunRecord>> unfinishedRun(const QString &profilePath) const;
    // Every run of the cluster (all clusters when empty), newest first, with entries.
    Result<QList<RunRecord>> runs(const QString &cluster = {}) const;

    void addForbiddenValue(QByteArray secret);

    static QString stateName(RunState state); // "running", "completed", "aborted"

private:
    explicit UpgradeJournal(std::unique_ptr<SqliteFile> file);
    Result<QList<RunRecord>> select(const QString &where, const QVariantList &values) const;

    std::unique_ptr<SqliteFile> m_file;
    QList<QByteArray> m_forbidden;
};
