#pragma once

// Statuses for the tests of ClusterAssessment, StatusJson, NodeHistory and
// NodeTableModel: a node that answers, one that does not, a cluster around them.

#include "ClusterStatus.h"

#include <QDateTime>
#include <QMap>
#include <QString>
#include <QUrl>

namespace StatusTestSupport {

inline NodeStatus upNode(const QString &name, const QString &version = QStringLiteral("3.10.4"))
{
    NodeStatus node;
    node.name = name;
    node.url = QUrl(QStringLiteral("http://%1.example.org:9000/").arg(name));
    node.health = NodeHealth::Up;
    node.version = Version::parse(version);
    node.versionText = version;
    node.latencyMs = 12;
    node.checkedAt = QDateTime(QDate(2026, 11, 23), QTime(9, 14, 1), Qt::UTC);
    return node;
}

inline NodeStatus downNode(const QString &name, const QString &error = {})
{
    NodeStatus node;
    node.name = name;
    node.url = QUrl(QStringLiteral("http://%1.example.org:9000/").arg(name));
    node.health = NodeHealth::Down;
    node.error = error;
    node.checkedAt = QDateTime(QDate(2026, 11, 23), QTime(9, 14, 1), Qt::UTC);
    return node;
}

inline DatabaseSummary reachableDatabase()
{
    DatabaseSummary db;
    db.configured = true;
    db.checked = true;
    db.reachable = true;
    db.host = QStringLiteral("10.0.1.10");
    db.port = 3306;
    db.serverVersion = QStringLiteral("10.11.6-MariaDB-0+deb12u1");
    db.replicasKind = QStringLiteral("standalone");
    db.replicaCount = 1;
    db.replicasSummary = QStringLiteral("standalone server");
    db.latencyMs = 8;
    return db;
}

// A JATOS schema at the given evolution, with the version the preset maps it to.
inline DatabaseSummary jatosDatabase(int revision, const QString &version)
{
    DatabaseSummary db = reachableDatabase();
    db.schema = DatabaseSummary::Schema::Known;
    db.schemaRevision = revision;
    db.schemaVersion = Version::parse(version);
    db.schemaText = QStringLiteral("evolution %1 (JATOS %2 or later)").arg(revision).arg(version);
    return db;
}

// OpenSpecimen: the newest entry of the upgrade log, no revision.
inline DatabaseSummary openSpecimenDatabase(const QString &version)
{
    DatabaseSummary db = reachableDatabase();
    db.schema = DatabaseSummary::Schema::Known;
    db.schemaVersion = Version::parse(version);
    db.schemaText = version;
    return db;
}

// The JATOS preset's evolutions: id -> first version shipping it.
inline QMap<int, QString> jatosEvolutions()
{
    return {{18, QStringLiteral("3.8.2")}, {19, QStringLiteral("3.8.3")}, {20, QStringLiteral("3.9.1")},
        {21, QStringLiteral("3.9.5")}, {22, QStringLiteral("3.9.8")}, {23, QStringLiteral("3.10.1")}};
}

inline ClusterStatus cluster(const QList<NodeStatus> &nodes, const DatabaseSummary &db = {})
{
    ClusterStatus status;
    status.cluster = QStringLiteral("Study cluster");
    status.product = QStringLiteral("jatos");
    status.productName = QStringLiteral("JATOS");
    status.deployment = QStringLiteral("hosts");
    status.nodes = nodes;
    status.database = db;
    status.orchestratorChecked = true;
    status.refreshedAt = QDateTime(QDate(2026, 11, 23), QTime(9, 14, 2, 117), Qt::UTC);
    return status;
}

} // namespace StatusTestSupport
