#pragma once

#include "Result.h"
#include "Version.h"
#include "upgrade/UpgradeInputs.h"

#include <QCoreApplication>
#include <QMetaType>
#include <QSet>
#include <QString>

#include <optional>

// What the admin asked for: the target and how to get there. It is written into the
// journal with the run (no secret is ever part of it), so that a run interrupted by
// the console's own end can be resumed with exactly the same request.
struct UpgradeRequest
{
    Q_DECLARE_TR_FUNCTIONS(UpgradeRequest)

public:
    QString target; // the version as the admin typed it ("3.10.5", "v11.1")
    QString packagePath; // hosts: the release package on this machine
    QString expectedSha256; // hosts: lowercase hex; empty: the published .sha256 file, if any
    QString imageTag; // Kubernetes and Compose: the image, or only its tag
    QString backupCommand; // empty: mariadb-dump / mysqldump of the shared database
    QString backupWaiver; // the cluster's name, typed to go without a database backup
    QString backupFolder; // where the dump goes; empty: the default
    QSet<QString> acknowledged; // warnings acknowledged by id

    // Filled in when the run starts, for the checks of later steps and a resume.
    QString actualSha256; // of the package, as computed before anything stopped
    Version schemaBefore;
    int replicas = 0; // Kubernetes and Compose: the replica count to come back to
    std::optional<HpaSettings> hpa;

    Version targetVersion() const { return Version::parse(target); }
    bool backupWaived() const { return !backupWaiver.isEmpty(); }

    QByteArray toJson() const;
    static Result<UpgradeRequest> fromJson(const QByteArray &json);

    // The default folder of database dumps: "backups" in the application's data folder.
    static QString defaultBackupFolder();
};

Q_DECLARE_METATYPE(UpgradeRequest)
