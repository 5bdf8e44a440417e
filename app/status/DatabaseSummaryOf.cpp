#include "DatabaseSummaryOf.h"

#include <QCoreApplication>

DatabaseSummary databaseSummaryOf(const DatabaseStatus &answer, const ProductPreset &preset)
{
    DatabaseSummary db;
    db.configured = true;
    db.checked = true;
    db.reachable = answer.reachable;
    db.host = answer.host;
    db.port = answer.port;
    db.serverVersion = answer.serverVersion;
    db.latencyMs = answer.elapsedMs;
    db.checkedAt = QDateTime::currentDateTimeUtc();
    db.error = answer.error;
    db.schemaRevision = -1;
    db.registeredNodes = answer.registeredNodes;
    db.schemaVersion = Version();
    db.schemaText.clear();
    switch (preset.schema.kind) {
    case SchemaProbe::Kind::None:
        db.schema = DatabaseSummary::Schema::NotApplicable;
        if (!answer.registeredNodes.isEmpty())
            db.schemaText = QCoreApplication::translate(
                "DatabaseSummary", "%n node(s) registered", nullptr, int(answer.registeredNodes.size()));
        break;
    case SchemaProbe::Kind::Evolutions:
        db.schema = DatabaseSummary::Schema::Unknown;
        if (answer.schemaState == DatabaseStatus::SchemaState::Present && answer.evolutionRevision >= 0) {
            db.schemaRevision = answer.evolutionRevision;
            db.schemaVersion = answer.evolutionVersion;
            db.schema = answer.evolutionVersion.isKnown() ? DatabaseSummary::Schema::Known
                                                          : DatabaseSummary::Schema::Unknown;
            db.schemaText = answer.evolutionVersion.isKnown()
                ? QCoreApplication::translate("DatabaseSummary", "evolution %1 (%2 %3 or later)")
                      .arg(answer.evolutionRevision)
                      .arg(preset.displayName, answer.evolutionVersion.normalized())
                : QCoreApplication::translate("DatabaseSummary", "evolution %1 (not in Clusterdesk's map)")
                      .arg(answer.evolutionRevision);
        }
        break;
    case SchemaProbe::Kind::UpgradeLog:
        db.schema = DatabaseSummary::Schema::Unknown;
        if (answer.schemaState == DatabaseStatus::SchemaState::Present) {
            db.schemaVersion = answer.upgradeLogVersion;
            db.schemaText = answer.upgradeLogText;
            if (answer.upgradeLogVersion.isKnown())
                db.schema = DatabaseSummary::Schema::Known;
        }
        break;
    }
    if (db.schema == DatabaseSummary::Schema::Unknown && answer.reachable) {
        switch (answer.schemaState) {
        case DatabaseStatus::SchemaState::NoBookkeeping:
            db.schemaText = QCoreApplication::translate(
                "DatabaseSummary", "no schema bookkeeping: %1 never ran against this database")
                                .arg(preset.displayName);
            break;
        case DatabaseStatus::SchemaState::Empty:
            db.schemaText = QCoreApplication::translate("DatabaseSummary", "the schema bookkeeping is empty");
            break;
        case DatabaseStatus::SchemaState::Failed:
        case DatabaseStatus::SchemaState::NotApplicable:
        case DatabaseStatus::SchemaState::Present:
            break;
        }
    }
    db.replicasKind = answer.reachable ? DatabaseReplicas::kindName(answer.replicas.kind) : QString();
    db.replicasSummary = answer.reachable ? answer.replicas.summary() : QString();
    switch (answer.replicas.kind) {
    case DatabaseReplicas::Kind::Galera:
        db.replicaCount = answer.replicas.galeraClusterSize;
        break;
    case DatabaseReplicas::Kind::Standalone:
        db.replicaCount = 1;
        break;
    case DatabaseReplicas::Kind::Replication:
    case DatabaseReplicas::Kind::Unknown:
        db.replicaCount = -1;
        break;
    }
    return db;
}
