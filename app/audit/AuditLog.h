#pragma once

#include "AuditEntry.h"
#include "Result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>

#include <memory>

class SqliteFile;

// The record of every change Clusterdesk makes to a cluster: a local SQLite
// database (QtSql's QSQLITE driver, write-ahead log, versioned schema), created on
// first use. Appends and reads are quick local I/O and may run on the GUI thread.
//
// An AuditLog owns its own database connection, and QtSql connections belong to
// the thread that opened them: use one AuditLog per thread, each from its own
// thread only. Several AuditLogs (and processes) may share one file.
//
// The log must never hold a secret. Callers register every secret value they hold
// with addForbiddenValue(); append() then refuses, writing nothing, an entry in
// which any of them appears. Mask secrets in text before with maskSecrets().
class AuditLog final
{
    Q_DECLARE_TR_FUNCTIONS(AuditLog)

public:
    enum class Format
    {
        Csv, // RFC 4180, UTF-8, a header row, CRLF line ends
        Json // an array of objects
    };

    // The schema this build writes; a file with a newer one is refused.
    static constexpr int schemaVersion = 1;
    // Values shorter than this are not matched by the secret check: too many
    // ordinary words would match them.
    static constexpr qsizetype minimumForbiddenLength = 8;

    // Opens (creating it and its folder when missing) the log at `path`, by
    // default audit.sqlite in the application's data folder.
    static Result<std::unique_ptr<AuditLog>> open(const QString &path = {});
    static QString defaultPath();

    ~AuditLog();
    AuditLog(const AuditLog &) = delete;
    AuditLog &operator=(const AuditLog &) = delete;

    QString path() const;

    // Writes the entry and returns its id. Fills in `when` (now) when it is
    // invalid and `osUser` (USER or USERNAME, else "unknown") when it is empty.
    // Refuses an entry that contains a forbidden value.
    Result<qint64> append(AuditEntry entry);

    // The entries matching `query`, newest first.
    Result<QList<AuditEntry>> entries(const AuditQuery &query = {}) const;

    // Writes the entries matching `query`, oldest first, to `file`, replacing it
    // atomically (QSaveFile): a failed export leaves the old file as it was.
    Result<void> exportTo(const QString &file, Format format, const AuditQuery &query = {}) const;

    // A secret value append() must never write. Values shorter than
    // minimumForbiddenLength bytes are ignored.
    void addForbiddenValue(QByteArray secret);

    // `text` with each occurrence of each non-empty secret replaced by
    // "•••• (sha256 1a2b3c4d)", the secret's fingerprint.
    static QString maskSecrets(QString text, const QList<QByteArray> &secrets);

    // The operating system user as the environment names it.
    static QString currentOsUser();

private:
    explicit AuditLog(std::unique_ptr<SqliteFile> file);

    std::unique_ptr<SqliteFile> m_file;
    QList<QByteArray> m_forbidden;
};
