#include "ClusterStatus.h"

#include <algorithm>

namespace NodeHealthText {

QString name(NodeHealth health)
{
    switch (health) {
    case NodeHealth::Up:
        return QStringLiteral("up");
    case NodeHealth::Starting:
        return QStringLiteral("starting");
    case NodeHealth::Down:
        return QStringLiteral("down");
    case NodeHealth::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

QString display(NodeHealth health)
{
    switch (health) {
    case NodeHealth::Up:
        return QCoreApplication::translate("NodeHealth", "Up");
    case NodeHealth::Starting:
        return QCoreApplication::translate("NodeHealth", "Starting");
    case NodeHealth::Down:
        return QCoreApplication::translate("NodeHealth", "Down");
    case NodeHealth::Unknown:
        break;
    }
    return QCoreApplication::translate("NodeHealth", "Unknown");
}

} // namespace NodeHealthText

std::optional<qint64> NodeStatus::uptimeSeconds(const QDateTime &now) const
{
    if (health == NodeHealth::Down || (processRunning && !*processRunning))
        return std::nullopt; // a host's uptime says nothing about an application that is not running
    if (replicaStartedAt.isValid() && replicaStartedAt <= now)
        return replicaStartedAt.secsTo(now);
    if (hostUptimeSeconds)
        return hostUptimeSeconds;
    return std::nullopt;
}

QString ReplicaCounts::sourceName(Source source)
{
    switch (source) {
    case Source::Kubernetes:
        return QStringLiteral("kubernetes");
    case Source::Compose:
        return QStringLiteral("compose");
    case Source::Nodes:
        break;
    }
    return QStringLiteral("nodes");
}

const NodeStatus *ClusterStatus::node(const QString &name) const
{
    for (const NodeStatus &status : nodes)
        if (status.name == name)
            return &status;
    return nullptr;
}

int ClusterAssessment::exitCode() const
{
    switch (overall) {
    case Overall::Healthy:
        return 0;
    case Overall::Degraded:
        return 1;
    case Overall::Unreachable:
        break;
    }
    return 2;
}

QString ClusterAssessment::overallName(Overall overall)
{
    switch (overall) {
    case Overall::Healthy:
        return QStringLiteral("healthy");
    case Overall::Degraded:
        return QStringLiteral("degraded");
    case Overall::Unreachable:
        break;
    }
    return QStringLiteral("unreachable");
}

QString ClusterAssessment::schemaRelationName(SchemaRelation relation)
{
    switch (relation) {
    case SchemaRelation::Matches:
        return QStringLiteral("matches");
    case SchemaRelation::AheadOfApp:
        return QStringLiteral("ahead");
    case SchemaRelation::BehindApp:
        return QStringLiteral("behind");
    case SchemaRelation::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

namespace {

bool answers(const NodeStatus &node)
{
    return node.scheduled && (node.health == NodeHealth::Up || node.health == NodeHealth::Starting);
}

// The highest evolution a JATOS version ships, by the preset's map; -1 when the map
// says nothing about it.
int highestEvolutionShippedBy(const Version &version, const QMap<int, QString> &evolutionVersions)
{
    int highest = -1;
    for (auto it = evolutionVersions.cbegin(); it != evolutionVersions.cend(); ++it) {
        const Version shipped = Version::parse(it.value());
        if (shipped.isKnown() && shipped <= version)
            highest = std::max(highest, it.key());
    }
    return highest;
}

} // namespace

ClusterAssessment ClusterAssessment::of(
    const ClusterStatus &status, const QMap<int, QString> &evolutionVersions)
{
    ClusterAssessment result;
    QStringList unreachable; // the most serious warnings, first
    QStringList serious;
    QStringList other;

    // The versions the nodes that answer report.
    for (const NodeStatus &node : status.nodes) {
        if (!answers(node))
            continue;
        if (node.version.isKnown()) {
            if (!result.versions.contains(node.version))
                result.versions.append(node.version);
        } else if (!node.versionText.isEmpty()) {
            result.unknownVersion = true;
            other.append(tr("%1 reports the version \"%2\", which Clusterdesk cannot compare.")
                             .arg(node.name, node.versionText));
        }
    }
    std::sort(result.versions.begin(), result.versions.end(),
        [](const Version &a, const Version &b) { return a < b; });
    if (result.versions.size() > 1) {
        result.mixedVersions = true;
        QStringList texts;
        for (const Version &version : std::as_const(result.versions))
            texts.append(version.normalized());
        serious.append(tr("Mixed versions: the nodes run %1. Two versions must never run against one "
                          "database schema.")
                           .arg(texts.join(QStringLiteral(", "))));
    }

    // The schema against the versions that run. JATOS: by evolution ids, through the
    // preset's map; OpenSpecimen: the upgrade log's version against the node's.
    const DatabaseSummary &db = status.database;
    const bool byEvolutions = db.schemaRevision >= 0 && !evolutionVersions.isEmpty();
    const bool schemaKnown = db.reachable
        && (byEvolutions || (db.schema == DatabaseSummary::Schema::Known && db.schemaVersion.isKnown()));
    if (schemaKnown && !result.versions.isEmpty() && !result.unknownVersion) {
        result.schema = SchemaRelation::Matches;
        bool pastTheMap = false;
        for (const NodeStatus &node : status.nodes) {
            if (!answers(node) || !node.version.isKnown())
                continue;
            bool ahead = false;
            bool behind = false;
            if (byEvolutions) {
                // Ahead: the schema holds an evolution that came with a later version.
                for (auto it = evolutionVersions.cbegin(); it != evolutionVersions.cend(); ++it) {
                    const Version shipped = Version::parse(it.value());
                    if (it.key() <= db.schemaRevision && shipped.isKnown() && shipped > node.version)
                        ahead = true;
                }
                behind = highestEvolutionShippedBy(node.version, evolutionVersions) > db.schemaRevision;
                if (!ahead && db.schemaRevision > evolutionVersions.lastKey())
                    pastTheMap = true;
            } else {
                ahead = node.version < db.schemaVersion;
                behind = node.version > db.schemaVersion;
            }
            if (ahead) {
                result.schema = SchemaRelation::AheadOfApp;
                const QString schemaVersion
                    = db.schemaVersion.isKnown() ? db.schemaVersion.normalized() : db.schemaText;
                serious.prepend(tr("The database schema is ahead of %1: it belongs to version %2, the node "
                                   "runs %3. A node must never run against a newer schema.")
                                    .arg(node.name, schemaVersion, node.version.normalized()));
            } else if (behind) {
                if (result.schema != SchemaRelation::AheadOfApp)
                    result.schema = SchemaRelation::BehindApp;
                other.append(tr("The database schema is behind %1: the node runs %2, the schema is at %3. "
                                "The node has not migrated it (yet).")
                                 .arg(node.name, node.version.normalized(), db.schemaText));
            }
        }
        if (pastTheMap && result.schema == SchemaRelation::Matches) {
            result.schema = SchemaRelation::Unknown;
            other.append(
                tr("The database schema is at evolution %1, which this Clusterdesk does not know: it may "
                   "belong to a newer version than the nodes run. Update Clusterdesk to check it.")
                    .arg(db.schemaRevision));
        }
    }

    // The database itself.
    if (db.configured && db.checked && !db.reachable)
        unreachable.append(tr("The database cannot be reached: %1").arg(db.error));
    else if (db.configured && db.checked && !db.error.isEmpty())
        other.append(tr("Database: %1").arg(db.error));

    // The orchestrator.
    if (!status.orchestratorError.isEmpty())
        unreachable.append(status.orchestratorError);

    // The nodes.
    int answering = 0;
    int scheduled = 0;
    for (const NodeStatus &node : status.nodes) {
        if (!node.scheduled)
            continue;
        ++scheduled;
        if (answers(node))
            ++answering;
        if (node.health == NodeHealth::Down)
            serious.append(node.error.isEmpty() ? tr("%1 is down.").arg(node.name)
                                                : tr("%1 is down: %2").arg(node.name, node.error));
        else if (node.health == NodeHealth::Starting)
            other.append(tr("%1 is starting.").arg(node.name));
        else if (node.health == NodeHealth::Unknown && !node.error.isEmpty())
            other.append(tr("%1 could not be checked: %2").arg(node.name, node.error));
        switch (node.control) {
        case ControlState::Failed:
        case ControlState::HostKeyChanged:
        case ControlState::HostKeyUnknown:
            other.append(tr("%1 cannot be controlled over SSH: %2").arg(node.name, node.controlError));
            break;
        case ControlState::NotConfigured:
        case ControlState::Pending:
        case ControlState::Ok:
            break;
        }
    }
    if (scheduled > 0 && answering == 0)
        unreachable.prepend(tr("No node of the cluster answers."));
    if (scheduled == 0 && status.orchestratorError.isEmpty() && status.replicas.desired != 0)
        other.append(tr("The cluster has no nodes."));

    const ReplicaCounts &replicas = status.replicas;
    if (replicas.desired >= 0 && replicas.ready >= 0 && replicas.ready < replicas.desired)
        other.append(tr("%1 of %2 replicas are ready.").arg(replicas.ready).arg(replicas.desired));
    else if (replicas.desired == 0 && status.orchestratorError.isEmpty())
        other.append(tr("The cluster is scaled to zero replicas."));

    result.warnings = unreachable + serious + other;
    if (!unreachable.isEmpty())
        result.overall = Overall::Unreachable;
    else if (!serious.isEmpty() || !other.isEmpty())
        result.overall = Overall::Degraded;
    return result;
}
