#include "UpgradeLock.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace {

QString connectionName()
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("clusterdesk-upgrade-lock-%1").arg(counter.fetchAndAddRelaxed(1));
}

QString hostPort(const DatabaseSpec &spec)
{
    return spec.host + QLatin1Char(':') + QString::number(spec.port);
}

void drop(const QString &connection)
{
    {
        QSqlDatabase db = QSqlDatabase::database(connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
}

} // namespace

UpgradeLock::~UpgradeLock()
{
    release();
}

QString UpgradeLock::lockName(const DatabaseSpec &spec)
{
    return QString(QStringLiteral("clusterdesk-upgrade:") + spec.schema).left(64);
}

Result<QString> UpgradeLock::open(
    const QString &connection, const DatabaseSpec &spec, const QByteArray &password)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), connection);
    if (!db.isValid())
        return failure(tr("Cannot reach the database at %1: Qt's MySQL driver (QMYSQL) is not installed.")
                           .arg(hostPort(spec)));
    db.setHostName(spec.host);
    db.setPort(spec.port);
    db.setDatabaseName(spec.schema);
    db.setUserName(spec.user);
    db.setPassword(QString::fromUtf8(password));
    db.setConnectOptions(QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=10;MYSQL_OPT_READ_TIMEOUT=30;"
                                        "MYSQL_OPT_WRITE_TIMEOUT=30"));
    if (!db.open()) {
        QString why = db.lastError().databaseText().trimmed();
        if (!password.isEmpty())
            why.replace(QString::fromUtf8(password), QStringLiteral("********"));
        db.setPassword(QString());
        return failure(
            tr("Cannot connect to the database at %1 for the upgrade lock: %2").arg(hostPort(spec), why));
    }
    db.setPassword(QString());
    return connection;
}

Result<std::optional<UpgradeLockHolder>> UpgradeLock::whoHolds(const QString &connection, const QString &name)
{
    QSqlQuery query(QSqlDatabase::database(connection, false));
    query.prepare(QStringLiteral("SELECT IS_USED_LOCK(?), CONNECTION_ID()"));
    query.addBindValue(name);
    if (!query.exec() || !query.next())
        return failure(
            tr("Cannot ask the database about the upgrade lock: %1").arg(query.lastError().databaseText()));
    if (query.value(0).isNull() || query.value(0).toLongLong() == query.value(1).toLongLong())
        return std::optional<UpgradeLockHolder>();
    const qint64 holderId = query.value(0).toLongLong();
    UpgradeLockHolder holder;
    holder.who = tr("database connection %1").arg(holderId);
    // Visible for connections of the same user, or with the PROCESS privilege.
    QSqlQuery who(QSqlDatabase::database(connection, false));
    who.prepare(QStringLiteral("SELECT USER, HOST, TIME FROM information_schema.PROCESSLIST WHERE ID = ?"));
    who.addBindValue(holderId);
    if (who.exec() && who.next()) {
        holder.who = tr("%1 (database user %2)").arg(holder.who, who.value(0).toString());
        holder.host = who.value(1).toString();
        holder.since = QDateTime::currentDateTimeUtc().addSecs(-who.value(2).toLongLong());
    }
    return std::optional<UpgradeLockHolder>(holder);
}

Result<std::optional<UpgradeLockHolder>> UpgradeLock::acquire(
    const DatabaseSpec &spec, const QByteArray &password)
{
    if (isHeld() && stillHeld(spec, password))
        return std::optional<UpgradeLockHolder>();
    release();
    const QString connection = connectionName();
    if (Result<QString> opened = open(connection, spec, password); !opened) {
        drop(connection);
        return std::unexpected(opened.error());
    }
    const QString name = lockName(spec);
    QSqlDatabase db = QSqlDatabase::database(connection, false);
    QSqlQuery query(db);
    // The connection stays idle while the run works: keep the server from ending it.
    query.exec(QStringLiteral("SET SESSION wait_timeout = 604800"));
    query.prepare(QStringLiteral("SELECT GET_LOCK(?, 0), CONNECTION_ID()"));
    query.addBindValue(name);
    if (!query.exec() || !query.next()) {
        const QString why = query.lastError().databaseText();
        query.finish();
        db = QSqlDatabase();
        drop(connection);
        return failure(tr("Cannot take the upgrade lock on the database at %1: %2").arg(hostPort(spec), why));
    }
    if (query.value(0).toInt() == 1) {
        m_connectionId = query.value(1).toLongLong();
        query.finish();
        m_connection = connection;
        m_name = name;
        return std::optional<UpgradeLockHolder>();
    }
    query.finish();
    Result<std::optional<UpgradeLockHolder>> holder = whoHolds(connection, name);
    db = QSqlDatabase();
    drop(connection);
    if (holder && !*holder) // released in between: say so rather than retry in a loop
        return std::optional<UpgradeLockHolder>(UpgradeLockHolder {tr("another console"), {}, {}});
    return holder;
}

Result<std::optional<UpgradeLockHolder>> UpgradeLock::holder(
    const DatabaseSpec &spec, const QByteArray &password)
{
    if (isHeld())
        return std::optional<UpgradeLockHolder>();
    const QString connection = connectionName();
    Result<std::optional<UpgradeLockHolder>> out;
    if (Result<QString> opened = open(connection, spec, password); !opened)
        out = std::unexpected(opened.error());
    else
        out = whoHolds(connection, lockName(spec));
    drop(connection);
    return out;
}

bool UpgradeLock::stillHeld(const DatabaseSpec &spec, const QByteArray &password)
{
    if (!isHeld())
        return false;
    const QString connection = connectionName();
    bool held = false;
    if (open(connection, spec, password)) {
        QSqlQuery query(QSqlDatabase::database(connection, false));
        query.prepare(QStringLiteral("SELECT IS_USED_LOCK(?)"));
        query.addBindValue(m_name);
        held = query.exec() && query.next() && !query.value(0).isNull()
            && query.value(0).toLongLong() == m_connectionId;
    }
    drop(connection);
    return held;
}

void UpgradeLock::release()
{
    if (!isHeld())
        return;
    {
        QSqlQuery query(QSqlDatabase::database(m_connection, false));
        query.prepare(QStringLiteral("DO RELEASE_LOCK(?)"));
        query.addBindValue(m_name);
        query.exec();
    }
    drop(m_connection);
    m_connection.clear();
    m_name.clear();
    m_connectionId = -1;
}
