#pragma once

#include "Version.h"

#include <QCoreApplication>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

// How the database's own replicas stand: a Galera cluster, a replication replica,
// or a server on its own. Built from the server's answers by the pure functions
// below, so the parsing is tested without a Galera cluster.
struct DatabaseReplicas
{
    enum class Kind
    {
        Unknown, // not asked (unreachable) or the server would not say
        Standalone,
        Galera,
        Replication
    };
    Kind kind = Kind::Unknown;

    // Galera (SHOW GLOBAL STATUS LIKE 'wsrep%')
    int galeraClusterSize = 0;
    QString galeraClusterStatus; // wsrep_cluster_status: Primary, non-Primary, Disconnected
    QString galeraLocalState; // wsrep_local_state_comment: Synced, Donor/Desynced, Joining, ...

    // Replication (SHOW REPLICA STATUS / SHOW SLAVE STATUS)
    QString sourceHost;
    bool ioRunning = false;
    bool sqlRunning = false;
    std::optional<int> secondsBehind; // NULL while the SQL thread is stopped

    // Why the answer is partial, for the user (already translated); empty when complete.
    QString note;

    // "standalone", "galera", "replication", "unknown": stable words for the CLI's JSON.
    static QString kindName(Kind kind);
    // One line for the user: "Galera: 3 nodes, Primary, Synced".
    QString summary() const;
};

// What one probe of a cluster's database found. A plain value, sent between threads.
struct DatabaseStatus
{
    enum class Failure
    {
        None,
        Unreachable, // refused, no route, unknown host
        Timeout, // no answer within the connect or read timeout
        AccessDenied, // wrong user or password
        UnknownSchema, // the schema does not exist or the user may not use it
        QueryFailed, // connected, but a query failed (the message names it)
        DriverMissing // the QMYSQL plugin is not installed
    };

    enum class SchemaState
    {
        NotApplicable, // the preset keeps no schema bookkeeping Clusterdesk reads
        Present, // the fields below hold the answer
        NoBookkeeping, // the bookkeeping table is missing: the product never ran here
        Empty, // the table exists but has no rows
        Failed // the query failed (see error)
    };

    QString host;
    int port = 0;
    bool reachable = false; // connected and signed in
    QString serverVersion; // SELECT VERSION(), e.g. "10.11.6-MariaDB-0+deb12u1"

    SchemaState schemaState = SchemaState::NotApplicable;
    // JATOS (evolutions): the highest play_evolutions id and the first version that shipped it.
    int evolutionRevision = -1;
    Version evolutionVersion;
    // OpenSpecimen (upgrade-log): the newest OS_UPGRADE_LOG VERSION, raw and parsed
    // (unknown when it cannot be parsed; the raw text is kept).
    QString upgradeLogText;
    Version upgradeLogVersion;
    // Joget: the node names registered in wf_setup (see DatabaseWorker for the extraction).
    QStringList registeredNodes;

    DatabaseReplicas replicas;

    Failure failure = Failure::None;
    QString error; // translated, names host:port and what failed; never a secret
    qint64 elapsedMs = 0;

    bool ok() const { return failure == Failure::None; }
    // "none", "unreachable", "timeout", ... and "present", "no-bookkeeping", ...: for JSON and logs.
    static QString failureName(Failure failure);
    static QString schemaStateName(SchemaState state);
};

Q_DECLARE_METATYPE(DatabaseStatus)

// The pure parts of a probe: the server's answers in, the status's fields out.
namespace DatabaseParsing {

using StatusRows = QList<QPair<QString, QString>>; // SHOW STATUS: Variable_name, Value

// Galera when wsrep is connected to a cluster (wsrep_cluster_size > 0 or wsrep_ready ON);
// std::nullopt when the server is not a Galera node (no wsrep rows, or wsrep unconnected).
std::optional<DatabaseReplicas> galeraFromStatus(const StatusRows &rows);

// One row of SHOW REPLICA STATUS / SHOW SLAVE STATUS, by column name (MariaDB and
// MySQL spell them Slave_IO_Running or Replica_IO_Running, Master_Host or Source_Host).
DatabaseReplicas replicationFromRow(const QMap<QString, QString> &row);

// The node name of a Joget wf_setup property holding "node::<name>": the text after
// the last "node::", trimmed; empty when there is none.
QString jogetNodeName(const QString &property);

} // namespace DatabaseParsing
