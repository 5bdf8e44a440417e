#include "DatabaseWorker.h"

#include "DatabaseLogging.h"

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

using namespace Qt::StringLiterals;

namespace {

// MySQL/MariaDB error numbers the probe tells apart.
constexpr int ErDbAccessDenied = 1044; // access denied for user to database
constexpr int ErAccessDenied = 1045; // wrong user or password
constexpr int ErBadDb = 1049; // unknown database
constexpr int ErParse = 1064; // syntax: SHOW REPLICA STATUS on a server older than it
constexpr int ErNoSuchTable = 1146;
constexpr int ErSpecificAccessDenied = 1227; // needs SUPER, SLAVE MONITOR, REPLICATION CLIENT
constexpr int ErUnknownHost = 2005;

int nativeCode(const QSqlError &error)
{
    return error.nativeErrorCode().toInt();
}

// The server never echoes a password, but a message passes through here before
// it is shown or logged, so that a secret in it could not leak either.
QString redacted(QString text, const QByteArray &password)
{
    if (!password.isEmpty())
        text.replace(QString::fromUtf8(password), u"********"_s);
    return text;
}

QString hostPort(const DatabaseSpec &spec)
{
    return spec.host + u':' + QString::number(spec.port);
}

} // namespace

void DatabaseWorker::probe(quint64 requestId, const DatabaseSpec &spec, const QByteArray &password,
    const ProductPreset &preset, const DatabaseProbeOptions &options)
{
    QElapsedTimer timer;
    timer.start();
    DatabaseStatus status;
    status.host = spec.host;
    status.port = spec.port;
    qCDebug(lcDatabase).noquote() << "probing" << hostPort(spec) << "schema" << spec.schema << "as"
                                  << spec.user;

    const QString name
        = u"clusterdesk-db-%1-%2"_s.arg(reinterpret_cast<quintptr>(this), 0, 16).arg(++m_connections);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QMYSQL"_s, name);
        if (!db.isValid()) {
            status.failure = DatabaseStatus::Failure::DriverMissing;
            status.error = tr("Cannot probe the database at %1: Qt's MySQL driver (QMYSQL) is not installed.")
                               .arg(hostPort(spec));
        } else {
            db.setHostName(spec.host);
            db.setPort(spec.port);
            db.setDatabaseName(spec.schema);
            db.setUserName(spec.user);
            db.setPassword(QString::fromUtf8(password));
            db.setConnectOptions(u"MYSQL_OPT_CONNECT_TIMEOUT=%1;MYSQL_OPT_READ_TIMEOUT=%2;"
                                 "MYSQL_OPT_WRITE_TIMEOUT=%2"_s.arg(qMax(1, options.connectTimeoutSeconds))
                                     .arg(qMax(1, options.readTimeoutSeconds)));
            if (db.open()) {
                // Forget the password as soon as the connection no longer needs it.
                db.setPassword(QString());
                status.reachable = true;
                run(db, status, spec, preset);
            } else {
                const QSqlError error = db.lastError();
                const QString detail = redacted(error.databaseText().trimmed(), password);
                const qint64 waited = timer.elapsed();
                switch (nativeCode(error)) {
                case ErAccessDenied:
                    status.failure = DatabaseStatus::Failure::AccessDenied;
                    status.error = tr("Cannot sign in to the database at %1: access denied for user \"%2\". "
                                      "Check the user name and password.")
                                       .arg(hostPort(spec), spec.user);
                    break;
                case ErDbAccessDenied:
                case ErBadDb:
                    status.failure = DatabaseStatus::Failure::UnknownSchema;
                    status.error
                        = tr("The database at %1 has no schema \"%2\", or user \"%3\" may not use it.")
                              .arg(hostPort(spec), spec.schema, spec.user);
                    break;
                default:
                    // A connect or greeting that ran into the timeout is a hang, not a refusal.
                    if (waited >= qint64(qMax(1, options.connectTimeoutSeconds)) * 1000 - 250) {
                        status.failure = DatabaseStatus::Failure::Timeout;
                        status.error = tr("The database at %1 did not answer within %n second(s).", nullptr,
                            qMax(1, options.connectTimeoutSeconds))
                                           .arg(hostPort(spec));
                    } else {
                        status.failure = DatabaseStatus::Failure::Unreachable;
                        status.error = nativeCode(error) == ErUnknownHost
                            ? tr("Cannot reach the database at %1: unknown host (%2)")
                                  .arg(hostPort(spec), detail)
                            : tr("Cannot reach the database at %1: no server accepts connections there (%2)")
                                  .arg(hostPort(spec), detail);
                    }
                    break;
                }
                qCDebug(lcDatabase).noquote() << "connect failed:" << error.nativeErrorCode() << detail;
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);

    status.error = redacted(status.error, password);
    status.replicas.note = redacted(status.replicas.note, password);
    status.elapsedMs = timer.elapsed();
    if (status.ok())
        qCInfo(lcDatabase).noquote() << u"%1 reachable (%2), schema %3, %4, in %5 ms"_s.arg(hostPort(spec),
            status.serverVersion, DatabaseStatus::schemaStateName(status.schemaState),
            status.replicas.summary(), QString::number(status.elapsedMs));
    else
        qCInfo(lcDatabase).noquote() << status.error;
    Q_EMIT finished(requestId, status);
}

void DatabaseWorker::run(
    QSqlDatabase &db, DatabaseStatus &status, const DatabaseSpec &spec, const ProductPreset &preset)
{
    {
        QSqlQuery query(db);
        if (query.exec(u"SELECT VERSION()"_s) && query.next()) {
            status.serverVersion = query.value(0).toString();
        } else {
            status.failure = DatabaseStatus::Failure::QueryFailed;
            status.error = tr("A query failed on the database at %1: %2 (%3)")
                               .arg(hostPort(spec), u"SELECT VERSION()"_s, query.lastError().databaseText());
            return;
        }
    }
    readSchema(db, status, preset);
    readReplicas(db, status, spec);
}

// JATOS: the preset's query (SELECT MAX(id) FROM play_evolutions) gives the revision,
// mapped to the first version that shipped it. OpenSpecimen: the newest
// OS_UPGRADE_LOG VERSION. Joget: every wf_setup row whose `property` contains
// "node::" registers the node named by the text after the last "node::" (trimmed;
// empty names are skipped, duplicates listed once, in `ordering` order).
// A missing table (error 1146) means the product never initialised this schema.
void DatabaseWorker::readSchema(QSqlDatabase &db, DatabaseStatus &status, const ProductPreset &preset)
{
    QString sql;
    if (preset.schema.kind != SchemaProbe::Kind::None)
        sql = preset.schema.query;
    else if (preset.id == u"joget"_s)
        sql = u"SELECT property FROM wf_setup WHERE property LIKE '%node::%' ORDER BY ordering, property"_s;
    if (sql.isEmpty())
        return;

    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.exec(sql)) {
        const QSqlError error = query.lastError();
        if (nativeCode(error) == ErNoSuchTable) {
            status.schemaState = DatabaseStatus::SchemaState::NoBookkeeping;
            return;
        }
        status.schemaState = DatabaseStatus::SchemaState::Failed;
        status.failure = DatabaseStatus::Failure::QueryFailed;
        status.error = tr("A query failed on the database at %1: %2 (%3)")
                           .arg(status.host + u':' + QString::number(status.port), sql, error.databaseText());
        return;
    }

    if (preset.schema.kind == SchemaProbe::Kind::None) {
        while (query.next()) {
            const QString node = DatabaseParsing::jogetNodeName(query.value(0).toString());
            if (!node.isEmpty() && !status.registeredNodes.contains(node))
                status.registeredNodes.append(node);
        }
        status.schemaState = status.registeredNodes.isEmpty() ? DatabaseStatus::SchemaState::Empty
                                                              : DatabaseStatus::SchemaState::Present;
        return;
    }

    if (!query.next() || query.value(0).isNull()) {
        status.schemaState = DatabaseStatus::SchemaState::Empty;
        return;
    }
    const QVariant value = query.value(0);
    if (preset.schema.kind == SchemaProbe::Kind::Evolutions) {
        bool ok = false;
        const int revision = value.toString().trimmed().toInt(&ok);
        if (!ok) {
            status.schemaState = DatabaseStatus::SchemaState::Failed;
            status.failure = DatabaseStatus::Failure::QueryFailed;
            status.error = tr("The database at %1 answered \"%2\" to %3, not an evolution number.")
                               .arg(status.host + u':' + QString::number(status.port), value.toString(), sql);
            return;
        }
        status.evolutionRevision = revision;
        status.evolutionVersion = preset.versionForEvolution(revision);
    } else {
        status.upgradeLogText = value.toString().trimmed();
        status.upgradeLogVersion = Version::parse(status.upgradeLogText);
    }
    status.schemaState = DatabaseStatus::SchemaState::Present;
}

// Galera first (wsrep status), then replication. A product user usually lacks the
// SLAVE MONITOR / REPLICATION CLIENT privilege SHOW REPLICA STATUS needs; then the
// global status counter Slaves_running (readable by anyone) still tells a running
// replica from a server on its own, and the note says what could not be seen.
void DatabaseWorker::readReplicas(QSqlDatabase &db, DatabaseStatus &status, const DatabaseSpec &spec)
{
    const auto statusRows = [&db](const QString &like, QSqlError *error) {
        DatabaseParsing::StatusRows rows;
        QSqlQuery query(db);
        if (!query.exec(u"SHOW GLOBAL STATUS LIKE '"_s + like + u'\'')) {
            *error = query.lastError();
            return rows;
        }
        while (query.next())
            rows.append({query.value(0).toString(), query.value(1).toString()});
        return rows;
    };

    QSqlError error;
    const auto wsrep = statusRows(u"wsrep%"_s, &error);
    if (const auto galera = DatabaseParsing::galeraFromStatus(wsrep)) {
        status.replicas = *galera;
        return;
    }

    QSqlQuery query(db);
    bool done = query.exec(u"SHOW REPLICA STATUS"_s);
    if (!done && nativeCode(query.lastError()) == ErParse)
        done = query.exec(u"SHOW SLAVE STATUS"_s);
    if (done) {
        if (query.next()) {
            QMap<QString, QString> row;
            const QSqlRecord record = query.record();
            for (int i = 0; i < record.count(); ++i)
                row.insert(record.fieldName(i), query.value(i).toString());
            status.replicas = DatabaseParsing::replicationFromRow(row);
            if (query.next())
                status.replicas.note = tr("This server replicates from several sources; the first is shown.");
        } else {
            status.replicas.kind = DatabaseReplicas::Kind::Standalone;
        }
        return;
    }
    const QSqlError replicaError = query.lastError();
    if (nativeCode(replicaError) != ErSpecificAccessDenied) {
        status.replicas.kind = DatabaseReplicas::Kind::Unknown;
        status.replicas.note = tr("Cannot read the replication status: %1").arg(replicaError.databaseText());
        return;
    }
    const auto running = statusRows(u"Slaves_running"_s, &error);
    bool ok = false;
    const int threads = running.isEmpty() ? 0 : running.constFirst().second.toInt(&ok);
    if (!ok) {
        status.replicas.kind = DatabaseReplicas::Kind::Unknown;
        status.replicas.note
            = tr("User \"%1\" may not read the replication status (it needs the SLAVE MONITOR "
                 "or REPLICATION CLIENT privilege).")
                  .arg(spec.user);
        return;
    }
    status.replicas.kind
        = threads > 0 ? DatabaseReplicas::Kind::Replication : DatabaseReplicas::Kind::Standalone;
    status.replicas.sqlRunning = threads > 0;
    status.replicas.note
        = tr("User \"%1\" may not read the replication status (it needs the SLAVE MONITOR or "
             "REPLICATION CLIENT privilege); told from the Slaves_running counter only.")
              .arg(spec.user);
}
