#pragma once

#include "Result.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <memory>

// A local SQLite file through QtSql (the QSQLITE driver) with a versioned schema:
// what the audit log and the upgrade journal are kept in. Opening creates the file
// and its folder, switches to the write-ahead log, runs the schema's CREATE ... IF
// NOT EXISTS statements and refuses a file written by a newer Clusterdesk.
//
// A SqliteFile owns its own connection, and QtSql connections belong to the thread
// that opened them: use each from the thread that opened it. Several SqliteFiles
// (and processes: the CLI and the GUI) may share one file; a writer waits up to 5 s
// for another.
class SqliteFile final
{
    Q_DECLARE_TR_FUNCTIONS(SqliteFile)

public:
    // `what` names the file in errors ("the audit log").
    static Result<std::unique_ptr<SqliteFile>> open(
        const QString &path, const QString &what, int schemaVersion, const QStringList &schema);

    ~SqliteFile();
    SqliteFile(const SqliteFile &) = delete;
    SqliteFile &operator=(const SqliteFile &) = delete;

    QSqlDatabase database() const;
    const QString &path() const { return m_path; }
    // "the audit log /home/…/audit.sqlite", for the callers' errors.
    QString name() const;

private:
    SqliteFile(QString path, QString what, QString connectionName);
    Result<void> initialize(int schemaVersion, const QStringList &schema);

    QString m_path;
    QString m_what;
    QString m_connectionName;
};
