#pragma once

#include "ClusterProfile.h"
#include "Version.h"

#include <QDateTime>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>

// What the app gathers about a cluster before an upgrade. Plain facts, no judgement:
// Preflight judges them and UpgradePlan turns them into steps. Every field that the
// app could fail to learn says so (unknown Version, empty text, nullopt) rather than
// holding a guess.

struct UpgradeNodeInputs
{
    QString name; // the profile's node name (Kubernetes: the pod, Compose: the container)
    Version version; // unknown when the node did not tell or is down
    bool reachableForControl = false; // SSH, or the Kubernetes API / Compose host
    QString controlError; // why it is not reachable
    bool healthy = false;
    std::optional<qint64> freeDiskBytes; // hosts: where the package goes; nullopt: not measured
};

struct UpgradeDatabaseInputs
{
    bool reachable = false;
    QString error; // why it is not reachable
    // Joget keeps no schema version of its own: there is nothing to compare, which is
    // not the same as a schema version that could not be read.
    bool schemaTracked = true;
    Version schemaVersion; // unknown when tracked but not readable
    // JATOS's evolutions tell the first release that shipped the newest one, so a
    // schema of 3.10.1 is also the schema of 3.10.4: the version is a lower bound.
    // OpenSpecimen's upgrade log names the release itself.
    bool schemaVersionIsLowerBound = false;
};

struct UpgradePackageInputs
{
    QString path;
    std::optional<qint64> size; // nullopt: the file was not found
    QString expectedSha256; // given by the admin or published beside the package; empty: none
    QString actualSha256; // computed by the app; empty: not computed
};

// Who holds the cluster's upgrade lock (the advisory lock on the shared database).
struct UpgradeLockHolder
{
    QString who;
    QString host;
    QDateTime since;
};

// An upgrade of this cluster that the local journal shows started and never ended.
struct InterruptedUpgrade
{
    Version target;
    QDateTime startedAt;
    int resumeStep = 0; // the first step that did not succeed
};

struct UpgradeBackupInputs
{
    QString command; // the configured backup command; empty: none
    QString waiver; // what the admin typed to go without a backup
};

struct HpaSettings
{
    QString name;
    int minReplicas = 1;
    int maxReplicas = 1;

    friend bool operator==(const HpaSettings &, const HpaSettings &) = default;
};

struct UpgradeInputs
{
    DeploymentKind kind = DeploymentKind::Hosts;
    QString clusterName;
    Version target;
    QString imageTag; // Kubernetes and Compose: the image (or only its tag) to set

    QList<UpgradeNodeInputs> nodes; // in the profile's order, which is the upgrade's order
    UpgradeDatabaseInputs database;
    UpgradePackageInputs package; // hosts
    qint64 requiredFreeDiskBytes = 0; // hosts: on every node
    std::optional<UpgradeLockHolder> lock;
    std::optional<InterruptedUpgrade> interrupted;
    UpgradeBackupInputs backup;
    QSet<QString> acknowledged; // ids of the warnings the admin acknowledged

    // Kubernetes and Compose: the replica count to come back to, and the HPA to pause.
    int replicas = 0;
    std::optional<HpaSettings> hpa;
};
