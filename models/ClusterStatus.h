#pragma once

#include "Version.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

// What Clusterdesk knows about a running cluster at one moment: the nodes, the
// replica counts of whatever runs them and the shared database. Plain values,
// filled in by the poller (app/status) and read by the dashboard and the CLI.

enum class NodeHealth
{
    Unknown, // not checked yet, or could not be checked safely
    Up,
    Starting,
    Down
};

namespace NodeHealthText {
// "up", "starting", "down", "unknown": stable words for JSON and logs.
QString name(NodeHealth health);
// "Up", "Starting", ...: translated, for people.
QString display(NodeHealth health);
} // namespace NodeHealthText

// How Clusterdesk reaches a node for control (SSH), as of the last attempt.
enum class ControlState
{
    NotConfigured, // the node has no SSH target
    Pending, // not answered yet
    Ok,
    Failed, // see NodeStatus::controlError
    HostKeyUnknown, // waiting for the user to accept or refuse the key
    HostKeyChanged // refused until the old key is removed
};

struct NodeStatus
{
    QString name;
    QUrl url;
    bool discovered = false; // found by Kubernetes or Compose, not listed in the profile
    // False for a profile node the orchestrator runs no replica for (scaled down, or its
    // container removed): it is not probed and its absence is not a fault.
    bool scheduled = true;

    // HTTP: the preset's health check and version.
    NodeHealth health = NodeHealth::Unknown;
    Version version;
    QString versionText; // as reported; kept when it cannot be parsed
    int latencyMs = -1; // of the health request; -1 without an answer
    QString error; // the latest problem, translated; empty when the node is fine
    QDateTime checkedAt; // UTC, of the latest health answer or failure
    QDateTime healthSince; // UTC, when health last changed

    // Control over SSH: facts about the host and the application's process.
    ControlState control = ControlState::NotConfigured;
    QString controlError;
    std::optional<bool> processRunning;
    std::optional<qint64> hostUptimeSeconds;
    std::optional<qint64> installDirFreeBytes;
    std::optional<qint64> sharedDirFreeBytes;
    QString javaVersion;

    // The orchestrator's view of the node: a Kubernetes pod or a Compose container.
    QString replicaName; // pod or container name; empty on plain hosts
    QString replicaState; // "running", "waiting: CrashLoopBackOff", "exited (137)"
    std::optional<bool> replicaReady;
    int restarts = -1; // -1: not known
    QString placement; // the Kubernetes node or Docker host it runs on
    QDateTime replicaStartedAt; // UTC

    // How long the application has been running, from the best source there is:
    // the container or pod start, else the host's uptime. Empty when unknown, and
    // while the node is down or its process is not running.
    std::optional<qint64> uptimeSeconds(const QDateTime &now) const;
};

struct ReplicaCounts
{
    enum class Source
    {
        Nodes, // plain hosts: the profile's nodes, ready = healthy
        Kubernetes, // the Deployment's spec and status
        Compose // the service's containers
    };
    Source source = Source::Nodes;
    int desired = -1; // -1: not known (the orchestrator did not answer)
    int ready = -1;
    std::optional<int> available;
    std::optional<int> updated;
    QString image; // Kubernetes and Compose: the image the replicas are made from

    struct Autoscaler
    {
        bool present = false;
        int minReplicas = -1;
        int maxReplicas = -1;
        int currentReplicas = -1;
        int desiredReplicas = -1;
    };
    Autoscaler autoscaler;

    static QString sourceName(Source source); // "nodes", "kubernetes", "compose"
};

struct DatabaseSummary
{
    bool configured = false; // the profile names a database
    bool checked = false; // an answer (or failure) is in
    bool reachable = false;
    QString host;
    int port = 0;
    QString serverVersion;

    // The product's schema bookkeeping: the version of the application it belongs to.
    enum class Schema
    {
        NotApplicable, // the product keeps no bookkeeping Clusterdesk reads (Joget)
        Unknown, // not read (unreachable, query failed, no rows)
        Known
    };
    Schema schema = Schema::NotApplicable;
    Version schemaVersion; // JATOS: first version shipping the evolution; OpenSpecimen: upgrade log
    int schemaRevision = -1; // JATOS: the highest evolution id; -1 elsewhere
    QString schemaText; // for people: "evolution 23 (JATOS 3.10.1 or later)", "v11.0.2"
    QStringList registeredNodes; // Joget: node names in wf_setup

    QString replicasKind; // "standalone", "galera", "replication", "unknown"
    QString replicasSummary; // "Galera: 3 nodes, Primary, Synced"
    int replicaCount = -1; // Galera cluster size; 1 standalone; -1 unknown

    QString error;
    qint64 latencyMs = -1;
    QDateTime checkedAt;
};

struct ClusterStatus
{
    QString cluster;
    QString product; // preset id
    QString productName;
    QString deployment; // "hosts", "compose", "kubernetes"
    ReplicaCounts replicas;
    QList<NodeStatus> nodes;
    DatabaseSummary database;
    // The orchestrator could not be asked (Kubernetes API, Compose host); empty when fine.
    QString orchestratorError;
    bool orchestratorChecked = false; // plain hosts: always true once a refresh ended
    QDateTime refreshedAt; // UTC, the end of the latest complete refresh

    const NodeStatus *node(const QString &name) const;
};

// What a status means: one verdict, the versions that run, and every warning an
// admin must see. Pure, computed from a status and the product's schema rules.
struct ClusterAssessment
{
    Q_DECLARE_TR_FUNCTIONS(ClusterAssessment)

public:
    enum class Overall
    {
        Healthy, // every node up, replicas complete, database fine, one version
        Degraded, // reachable, but something needs attention
        Unreachable // no node answers, or the database or the orchestrator cannot be reached
    };

    enum class SchemaRelation
    {
        Unknown, // no bookkeeping, or some version unknown
        Matches,
        AheadOfApp, // a node runs a version older than the schema: it must not run
        BehindApp // a node runs a version whose schema changes are not applied yet
    };

    Overall overall = Overall::Healthy;
    QList<Version> versions; // distinct known versions the answering nodes report, oldest first
    bool mixedVersions = false;
    bool unknownVersion = false; // some node that answers reports a version that cannot be parsed
    SchemaRelation schema = SchemaRelation::Unknown;
    QStringList warnings; // translated, one line each, most serious first

    // The CLI's exit code: 0 healthy, 1 degraded, 2 unreachable.
    int exitCode() const;
    static QString overallName(Overall overall); // "healthy", "degraded", "unreachable"
    static QString schemaRelationName(SchemaRelation relation); // "matches", "ahead", "behind", "unknown"

    // `evolutionVersions` is the preset's map (evolution id -> first version shipping it),
    // used to tell a JATOS schema that is behind; empty for other products.
    static ClusterAssessment of(
        const ClusterStatus &status, const QMap<int, QString> &evolutionVersions = {});
};

Q_DECLARE_METATYPE(NodeStatus)
Q_DECLARE_METATYPE(ClusterStatus)
