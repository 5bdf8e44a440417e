#pragma once

#include "UpgradeInputs.h"

#include <QCoreApplication>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

// One pre-flight finding. A failed blocking check forbids the upgrade; a failed
// warning allows it only once the admin acknowledged it by id.
struct PreflightCheck
{
    enum class Severity
    {
        Blocking,
        Warning
    };
    enum class Status
    {
        Pass,
        Fail
    };

    // "target", "downgrade", "unknownVersion", "mixedVersions", "nodesHealthy",
    // "nodesReachable", "databaseReachable", "package", "checksum", "diskSpace", "image",
    // "replicas", "lock", "interrupted", "backup"
    QString id;
    QString title;
    Severity severity = Severity::Blocking;
    Status status = Status::Pass;
    QString reason;
    QString fix;
    QStringList nodes; // the nodes concerned; "database" stands for the database
};

// Judges whether an upgrade may start, from facts the app gathered. Pure.
class Preflight
{
    Q_DECLARE_TR_FUNCTIONS(Preflight)

public:
    enum class Outcome
    {
        Ready,
        NothingToDo, // every node and the schema already run the target
        NeedsAcknowledgement, // only warnings failed, some not yet acknowledged
        Blocked
    };

    static QList<PreflightCheck> run(const UpgradeInputs &inputs);
    static bool mayStart(const QList<PreflightCheck> &checks, const QSet<QString> &acknowledged);
    static bool nothingToDo(const UpgradeInputs &inputs);
    // With the warnings the inputs say the admin acknowledged.
    static Outcome outcome(const UpgradeInputs &inputs, const QList<PreflightCheck> &checks);
};
