#include "StatusJson.h"

namespace {

std::string utf8(const QString &text)
{
    return text.toStdString();
}

Json textOrNull(const QString &text)
{
    return text.isEmpty() ? Json(nullptr) : Json(utf8(text));
}

Json countOrNull(int value)
{
    return value < 0 ? Json(nullptr) : Json(value);
}

template<typename T>
Json optionalOrNull(const std::optional<T> &value)
{
    return value ? Json(*value) : Json(nullptr);
}

Json timeOrNull(const QDateTime &at)
{
    return at.isValid() ? Json(utf8(at.toUTC().toString(Qt::ISODateWithMs))) : Json(nullptr);
}

QString controlName(ControlState state)
{
    switch (state) {
    case ControlState::NotConfigured:
        return QStringLiteral("not-configured");
    case ControlState::Pending:
        return QStringLiteral("pending");
    case ControlState::Ok:
        return QStringLiteral("ok");
    case ControlState::Failed:
        return QStringLiteral("failed");
    case ControlState::HostKeyUnknown:
        return QStringLiteral("host-key-unknown");
    case ControlState::HostKeyChanged:
        break;
    }
    return QStringLiteral("host-key-changed");
}

Json versionOrNull(const Version &version, const QString &text)
{
    if (version.isKnown())
        return utf8(version.normalized());
    return textOrNull(text);
}

Json nodeJson(const NodeStatus &node, const QDateTime &now)
{
    Json json = Json::object();
    json["name"] = utf8(node.name);
    json["url"] = utf8(node.url.toString(QUrl::RemoveUserInfo));
    json["health"] = utf8(NodeHealthText::name(node.health));
    json["version"] = versionOrNull(node.version, node.versionText);
    json["latencyMs"] = countOrNull(node.latencyMs);
    json["error"] = textOrNull(node.error);
    json["uptimeSeconds"] = optionalOrNull(node.uptimeSeconds(now));
    json["checkedAt"] = timeOrNull(node.checkedAt);
    json["discovered"] = node.discovered;
    json["scheduled"] = node.scheduled;
    Json control = Json::object();
    control["state"] = utf8(controlName(node.control));
    control["error"] = textOrNull(node.controlError);
    control["processRunning"] = optionalOrNull(node.processRunning);
    control["installDirFreeBytes"] = optionalOrNull(node.installDirFreeBytes);
    control["sharedDirFreeBytes"] = optionalOrNull(node.sharedDirFreeBytes);
    control["javaVersion"] = textOrNull(node.javaVersion);
    json["control"] = control;
    if (!node.replicaName.isEmpty()) {
        Json replica = Json::object();
        replica["name"] = utf8(node.replicaName);
        replica["state"] = textOrNull(node.replicaState);
        replica["ready"] = optionalOrNull(node.replicaReady);
        replica["restarts"] = countOrNull(node.restarts);
        replica["placement"] = textOrNull(node.placement);
        json["replica"] = replica;
    } else {
        json["replica"] = nullptr;
    }
    return json;
}

} // namespace

Json StatusJson::toJson(const ClusterStatus &status, const ClusterAssessment &assessment)
{
    const QDateTime now = status.refreshedAt.isValid() ? status.refreshedAt : QDateTime::currentDateTimeUtc();
    Json json = Json::object();
    json["cluster"] = utf8(status.cluster);
    json["product"] = utf8(status.product);
    json["deployment"] = utf8(status.deployment);
    json["checkedAt"] = timeOrNull(status.refreshedAt);
    json["overall"] = utf8(ClusterAssessment::overallName(assessment.overall));

    const ReplicaCounts &counts = status.replicas;
    Json replicas = Json::object();
    replicas["desired"] = countOrNull(counts.desired);
    replicas["ready"] = countOrNull(counts.ready);
    replicas["source"] = utf8(ReplicaCounts::sourceName(counts.source));
    replicas["available"] = optionalOrNull(counts.available);
    replicas["updated"] = optionalOrNull(counts.updated);
    replicas["image"] = textOrNull(counts.image);
    if (counts.autoscaler.present) {
        Json hpa = Json::object();
        hpa["min"] = countOrNull(counts.autoscaler.minReplicas);
        hpa["max"] = countOrNull(counts.autoscaler.maxReplicas);
        hpa["current"] = countOrNull(counts.autoscaler.currentReplicas);
        hpa["desired"] = countOrNull(counts.autoscaler.desiredReplicas);
        replicas["autoscaler"] = hpa;
    } else {
        replicas["autoscaler"] = nullptr;
    }
    json["replicas"] = replicas;

    Json versions = Json::array();
    for (const Version &version : assessment.versions)
        versions.push_back(utf8(version.normalized()));
    json["versions"] = versions;
    json["mixedVersions"] = assessment.mixedVersions;
    json["schema"] = utf8(ClusterAssessment::schemaRelationName(assessment.schema));
    Json warnings = Json::array();
    for (const QString &warning : assessment.warnings)
        warnings.push_back(utf8(warning));
    json["warnings"] = warnings;
    json["orchestratorError"] = textOrNull(status.orchestratorError);

    Json nodes = Json::array();
    for (const NodeStatus &node : status.nodes)
        nodes.push_back(nodeJson(node, now));
    json["nodes"] = nodes;

    const DatabaseSummary &db = status.database;
    if (!db.configured) {
        json["database"] = nullptr;
    } else {
        Json database = Json::object();
        database["reachable"] = db.reachable;
        database["host"] = utf8(db.host);
        database["port"] = db.port;
        database["serverVersion"] = textOrNull(db.serverVersion);
        database["schemaVersion"] = db.schema == DatabaseSummary::Schema::Known
            ? versionOrNull(db.schemaVersion, db.schemaText)
            : Json(nullptr);
        database["schemaRevision"] = countOrNull(db.schemaRevision);
        Json dbReplicas = Json::object();
        dbReplicas["kind"] = utf8(db.replicasKind.isEmpty() ? QStringLiteral("unknown") : db.replicasKind);
        dbReplicas["size"] = countOrNull(db.replicaCount);
        dbReplicas["summary"] = textOrNull(db.replicasSummary);
        database["replicas"] = dbReplicas;
        database["error"] = textOrNull(db.error);
        database["latencyMs"] = db.latencyMs < 0 ? Json(nullptr) : Json(db.latencyMs);
        json["database"] = database;
    }
    return json;
}
