#include "DatabaseStatus.h"

using namespace Qt::StringLiterals;

QString DatabaseReplicas::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Standalone:
        return u"standalone"_s;
    case Kind::Galera:
        return u"galera"_s;
    case Kind::Replication:
        return u"replication"_s;
    case Kind::Unknown:
        break;
    }
    return u"unknown"_s;
}

QString DatabaseReplicas::summary() const
{
    switch (kind) {
    case Kind::Standalone:
        return QCoreApplication::translate("DatabaseReplicas", "standalone server");
    case Kind::Galera:
        return QCoreApplication::translate(
            "DatabaseReplicas", "Galera: %n node(s), %1, %2", nullptr, galeraClusterSize)
            .arg(galeraClusterStatus, galeraLocalState);
    case Kind::Replication: {
        const QString lag = secondsBehind
            ? QCoreApplication::translate("DatabaseReplicas", "%n s behind", nullptr, *secondsBehind)
            : QCoreApplication::translate("DatabaseReplicas", "lag unknown");
        const auto yesNo = [](bool running) {
            return running ? QCoreApplication::translate("DatabaseReplicas", "running")
                           : QCoreApplication::translate("DatabaseReplicas", "stopped");
        };
        return QCoreApplication::translate("DatabaseReplicas", "replica of %1: IO %2, SQL %3, %4")
            .arg(sourceHost, yesNo(ioRunning), yesNo(sqlRunning), lag);
    }
    case Kind::Unknown:
        break;
    }
    return QCoreApplication::translate("DatabaseReplicas", "unknown");
}

QString DatabaseStatus::failureName(Failure failure)
{
    switch (failure) {
    case Failure::None:
        return u"none"_s;
    case Failure::Unreachable:
        return u"unreachable"_s;
    case Failure::Timeout:
        return u"timeout"_s;
    case Failure::AccessDenied:
        return u"access-denied"_s;
    case Failure::UnknownSchema:
        return u"unknown-schema"_s;
    case Failure::QueryFailed:
        return u"query-failed"_s;
    case Failure::DriverMissing:
        return u"driver-missing"_s;
    }
    return u"unknown"_s;
}

QString DatabaseStatus::schemaStateName(SchemaState state)
{
    switch (state) {
    case SchemaState::NotApplicable:
        return u"not-applicable"_s;
    case SchemaState::Present:
        return u"present"_s;
    case SchemaState::NoBookkeeping:
        return u"no-bookkeeping"_s;
    case SchemaState::Empty:
        return u"empty"_s;
    case SchemaState::Failed:
        return u"failed"_s;
    }
    return u"unknown"_s;
}

namespace DatabaseParsing {

std::optional<DatabaseReplicas> galeraFromStatus(const StatusRows &rows)
{
    QMap<QString, QString> values;
    for (const auto &[name, value] : rows)
        values.insert(name.toLower(), value.trimmed());
    bool sizeOk = false;
    const int size = values.value(u"wsrep_cluster_size"_s).toInt(&sizeOk);
    const bool ready = values.value(u"wsrep_ready"_s).compare(u"ON"_s, Qt::CaseInsensitive) == 0;
    // A MariaDB built with wsrep but not in a cluster reports size 0, "Disconnected".
    if (!(sizeOk && size > 0) && !ready)
        return std::nullopt;
    DatabaseReplicas replicas;
    replicas.kind = DatabaseReplicas::Kind::Galera;
    replicas.galeraClusterSize = sizeOk ? size : 0;
    replicas.galeraClusterStatus = values.value(u"wsrep_cluster_status"_s);
    replicas.galeraLocalState = values.value(u"wsrep_local_state_comment"_s);
    return replicas;
}

DatabaseReplicas replicationFromRow(const QMap<QString, QString> &row)
{
    const auto field = [&row](std::initializer_list<QString> names) {
        for (const QString &name : names) {
            const auto it = row.constFind(name);
            if (it != row.constEnd())
                return it.value();
        }
        return QString();
    };
    DatabaseReplicas replicas;
    replicas.kind = DatabaseReplicas::Kind::Replication;
    replicas.sourceHost = field({u"Source_Host"_s, u"Master_Host"_s});
    const QString port = field({u"Source_Port"_s, u"Master_Port"_s});
    if (!replicas.sourceHost.isEmpty() && !port.isEmpty())
        replicas.sourceHost += u':' + port;
    replicas.ioRunning = field({u"Replica_IO_Running"_s, u"Slave_IO_Running"_s}) == u"Yes"_s;
    replicas.sqlRunning = field({u"Replica_SQL_Running"_s, u"Slave_SQL_Running"_s}) == u"Yes"_s;
    bool ok = false;
    const int behind = field({u"Seconds_Behind_Source"_s, u"Seconds_Behind_Master"_s}).toInt(&ok);
    if (ok)
        replicas.secondsBehind = behind;
    return replicas;
}

QString jogetNodeName(const QString &property)
{
    static const QString marker = u"node::"_s;
    const qsizetype at = property.lastIndexOf(marker);
    if (at < 0)
        return {};
    return property.mid(at + marker.size()).trimmed();
}

} // namespace DatabaseParsing
