#pragma once

#include "Result.h"
#include "upgrade/UpgradeRun.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

// What one upgrade run did, for the admin and for diagnostics bundles: every step
// with its result and time, the backup, and, when it did not complete, the state
// the cluster was left in and what to do next. Holds no secret.
struct UpgradeReport
{
    Q_DECLARE_TR_FUNCTIONS(UpgradeReport)

public:
    enum class Outcome
    {
        Completed,
        NothingToDo,
        Paused, // stopped at a failed step (or by the admin between steps); resumable
        Aborted,
        Refused // never started: a check, the lock, or the journal said no
    };
    struct Step
    {
        int index = 0;
        QString description;
        QString state; // "pending", "succeeded", "failed", "running"
        qint64 elapsedMs = -1;
        QString detail;
    };

    Outcome outcome = Outcome::Refused;
    QString cluster;
    QString profilePath;
    QString target;
    qint64 runId = 0;
    QDateTime started;
    QDateTime ended;
    QString summary; // one sentence
    QString refusedBy; // Refused: "checks", "lock", "journal" or "request"
    QList<Step> steps;
    std::optional<BackupRecord> backup;
    QStringList instructions; // what the admin does next, in order
    QStringList log; // the run's log lines, in order

    static QString outcomeName(Outcome outcome); // "completed", "nothing-to-do", ...

    QString toText() const;
    QJsonObject toJson() const;
    // Writes the text and JSON forms under `folder` (default: "upgrade-reports" in the
    // application's data folder), atomically; returns the text file's path.
    Result<QString> save(const QString &folder = {}) const;
    static QString defaultFolder();
};

Q_DECLARE_METATYPE(UpgradeReport)
