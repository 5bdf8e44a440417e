#include "SqliteFile.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace {

const QString driverName = QStringLiteral("QSQLITE");

} // namespace

Result<std::unique_ptr<SqliteFile>> SqliteFile::open(
    const QString &path, const QString &what, int schemaVersion, const QStringList &schema)
{
    const QString native = QDir::toNativeSeparators(path);
    if (!QSqlDatabase::isDriverAvailable(driverName))
        return failure(
            tr("Cannot open %1 %2: Qt's SQLite driver (QSQLITE) is not installed.").arg(what, native));
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder))
        return failure(tr("Cannot create the folder %1 for %2.").arg(QDir::toNativeSeparators(folder), what));

    static QAtomicInteger<quint64> counter;
    const QString connection = QStringLiteral("clusterdesk-sqlite-%1").arg(counter.fetchAndAddRelaxed(1));
    std::unique_ptr<SqliteFile> file(new SqliteFile(path, what, connection));
    if (Result<void> ready = file->initialize(schemaVersion, schema); !ready)
        return std::unexpected(ready.error());
    return file;
}

SqliteFile::SqliteFile(QString path, QString what, QString connectionName)
    : m_path(std::move(path))
    , m_what(std::move(what))
    , m_connectionName(std::move(connectionName))
{
    QSqlDatabase db = QSqlDatabase::addDatabase(driverName, m_connectionName);
    db.setDatabaseName(m_path);
    // Another process (the CLI and the GUI) may be writing: wait for it a while.
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
}

SqliteFile::~SqliteFile()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

QSqlDatabase SqliteFile::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

QString SqliteFile::name() const
{
    return m_what + QLatin1Char(' ') + QDir::toNativeSeparators(m_path);
}

Result<void> SqliteFile::initialize(int schemaVersion, const QStringList &schema)
{
    QSqlDatabase db = database();
    const auto broken
        = [this](const QString &reason) { return failure(tr("Cannot open %1: %2").arg(name(), reason)); };
    if (!db.open())
        return broken(db.lastError().text());

    QSqlQuery query(db);
    // The first statement reads the header: a file that is no SQLite database fails here.
    if (!query.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !query.next())
        return broken(query.lastError().text());

    if (!db.transaction())
        return broken(db.lastError().text());
    const auto rollback = [&db, &query, &broken] {
        const QString reason = query.lastError().text();
        db.rollback();
        return broken(reason);
    };
    for (const QString &statement :
        QStringList {QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")}
            + schema) {
        if (!query.exec(statement))
            return rollback();
    }
    if (!query.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")) || !query.next())
        return rollback();
    const QVariant stored = query.value(0);
    query.finish();
    if (stored.isNull()) {
        query.prepare(QStringLiteral("INSERT INTO schema_version (version) VALUES (?)"));
        query.addBindValue(schemaVersion);
        if (!query.exec())
            return rollback();
    } else if (stored.toInt() > schemaVersion) {
        db.rollback();
        return broken(tr("it was written by a newer Clusterdesk (schema %1, this one knows %2).")
                          .arg(stored.toInt())
                          .arg(schemaVersion));
    }
    if (!db.commit())
        return broken(db.lastError().text());
    return {};
}
