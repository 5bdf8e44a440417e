#include "AuditLog.h"

#include "AuditLogging.h"
#include "core/SqliteFile.h"
#include "secrets/SecretTools.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>

#include <algorithm>
#include <array>

namespace {

// The entry's text fields in column order, with their names in exports.
struct TextField
{
    const char *column;
    const char *exportName;
    QString AuditEntry::*member;
};
const std::array<TextField, 8> textFields {{
    {"os_user", "osUser", &AuditEntry::osUser},
    {"cluster", "cluster", &AuditEntry::cluster},
    {"profile_path", "profilePath", &AuditEntry::profilePath},
    {"action", "action", &AuditEntry::action},
    {"target", "target", &AuditEntry::target},
    {"summary", "summary", &AuditEntry::summary},
    {"outcome", "outcome", &AuditEntry::outcome},
    {"details", "details", &AuditEntry::details},
}};

QString nativePath(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

QString notNull(const QString &text)
{
    return text.isNull() ? QStringLiteral("") : text;
}

QString likePattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('%'), QLatin1String("\\%"))
        .replace(QLatin1Char('_'), QLatin1String("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

QString csvField(const QString &text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"'))
        && !text.contains(QLatin1Char('\n')) && !text.contains(QLatin1Char('\r')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString isoTime(const QDateTime &when)
{
    return when.toUTC().toString(Qt::ISODateWithMs);
}

QByteArray toCsv(const QList<AuditEntry> &entries)
{
    QStringList header {QStringLiteral("id"), QStringLiteral("when")};
    for (const TextField &field : textFields)
        header << QString::fromLatin1(field.exportName);
    QString out = header.join(QLatin1Char(',')) + QLatin1String("\r\n");
    for (const AuditEntry &entry : entries) {
        QStringList row {QString::number(entry.id), isoTime(entry.when)};
        for (const TextField &field : textFields)
            row << csvField(entry.*field.member);
        out += row.join(QLatin1Char(',')) + QLatin1String("\r\n");
    }
    return out.toUtf8();
}

QByteArray toJson(const QList<AuditEntry> &entries)
{
    QJsonArray array;
    for (const AuditEntry &entry : entries) {
        QJsonObject object {{QStringLiteral("id"), entry.id}, {QStringLiteral("when"), isoTime(entry.when)}};
        for (const TextField &field : textFields)
            object.insert(QString::fromLatin1(field.exportName), entry.*field.member);
        array.append(object);
    }
    return QJsonDocument(array).toJson(QJsonDocument::Indented);
}

} // namespace

QString AuditLog::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1String("/audit.sqlite");
}

QString AuditLog::currentOsUser()
{
    for (const char *name : {"USER", "USERNAME"}) {
        const QString user = qEnvironmentVariable(name);
        if (!user.isEmpty())
            return user;
    }
    return QStringLiteral("unknown");
}

Result<std::unique_ptr<AuditLog>> AuditLog::open(const QString &path)
{
    const QStringList schema {
        QStringLiteral("CREATE TABLE IF NOT EXISTS entries ("
                       " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                       " when_ms INTEGER NOT NULL,"
                       " os_user TEXT NOT NULL, cluster TEXT NOT NULL, profile_path TEXT NOT NULL,"
                       " action TEXT NOT NULL, target TEXT NOT NULL, summary TEXT NOT NULL,"
                       " outcome TEXT NOT NULL, details TEXT NOT NULL)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS entries_when ON entries (when_ms)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS entries_cluster_when ON entries (cluster, when_ms)"),
    };
    Result<std::unique_ptr<SqliteFile>> file
        = SqliteFile::open(path.isEmpty() ? defaultPath() : path, tr("the audit log"), schemaVersion, schema);
    if (!file)
        return std::unexpected(file.error());
    qCDebug(lcAudit) << "audit log open:" << (*file)->path();
    return std::unique_ptr<AuditLog>(new AuditLog(std::move(*file)));
}

AuditLog::AuditLog(std::unique_ptr<SqliteFile> file)
    : m_file(std::move(file))
{ }

AuditLog::~AuditLog() = default;

QString AuditLog::path() const
{
    return m_file->path();
}

void AuditLog::addForbiddenValue(QByteArray secret)
{
    if (secret.size() < minimumForbiddenLength || m_forbidden.contains(secret))
        return;
    m_forbidden.append(std::move(secret));
}

Result<qint64> AuditLog::append(AuditEntry entry)
{
    // The last line of defence: nothing with a known secret in it reaches the file.
    for (const TextField &field : textFields) {
        const QByteArray bytes = (entry.*field.member).toUtf8();
        for (const QByteArray &secret : std::as_const(m_forbidden)) {
            if (bytes.contains(secret)) {
                qCWarning(lcAudit) << "refused an audit entry holding a secret in" << field.exportName;
                return failure(
                    tr("The audit entry \"%1\" was not written: its %2 contains a secret value "
                       "(sha256 %3).")
                        .arg(maskSecrets(entry.action, m_forbidden), QString::fromLatin1(field.exportName),
                            SecretTools::fingerprint(secret)));
            }
        }
    }

    if (!entry.when.isValid())
        entry.when = QDateTime::currentDateTimeUtc();
    if (entry.osUser.isEmpty())
        entry.osUser = currentOsUser();

    QSqlDatabase db = m_file->database();
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO entries (when_ms, os_user, cluster, profile_path, action, "
                                 "target, summary, outcome, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    query.addBindValue(entry.when.toMSecsSinceEpoch());
    for (const TextField &field : textFields)
        query.addBindValue(notNull(entry.*field.member));
    if (!query.exec())
        return failure(tr("Cannot write to %1: %2").arg(m_file->name(), query.lastError().text()));
    return query.lastInsertId().toLongLong();
}

Result<QList<AuditEntry>> AuditLog::entries(const AuditQuery &filter) const
{
    QStringList conditions;
    QVariantList values;
    if (!filter.cluster.isEmpty()) {
        conditions << QStringLiteral("cluster = ?");
        values << filter.cluster;
    }
    if (filter.since.isValid()) {
        conditions << QStringLiteral("when_ms >= ?");
        values << filter.since.toMSecsSinceEpoch();
    }
    if (!filter.text.isEmpty()) {
        QStringList any;
        for (const TextField &field : textFields) {
            any << QString::fromLatin1(field.column) + QLatin1String(" LIKE ? ESCAPE '\\'");
            values << likePattern(filter.text);
        }
        conditions << QLatin1Char('(') + any.join(QLatin1String(" OR ")) + QLatin1Char(')');
    }
    QString sql = QStringLiteral("SELECT id, when_ms, os_user, cluster, profile_path, action, target, "
                                 "summary, outcome, details FROM entries");
    if (!conditions.isEmpty())
        sql += QLatin1String(" WHERE ") + conditions.join(QLatin1String(" AND "));
    sql += QLatin1String(" ORDER BY when_ms DESC, id DESC LIMIT ?");
    values << (filter.limit < 0 ? -1 : filter.limit);

    QSqlQuery query(m_file->database());
    query.setForwardOnly(true);
    query.prepare(sql);
    for (const QVariant &value : std::as_const(values))
        query.addBindValue(value);
    if (!query.exec())
        return failure(tr("Cannot read %1: %2").arg(m_file->name(), query.lastError().text()));

    QList<AuditEntry> result;
    while (query.next()) {
        AuditEntry entry;
        entry.id = query.value(0).toLongLong();
        entry.when = QDateTime::fromMSecsSinceEpoch(query.value(1).toLongLong(), Qt::UTC);
        int column = 2;
        for (const TextField &field : textFields)
            entry.*field.member = query.value(column++).toString();
        result.append(std::move(entry));
    }
    if (query.lastError().isValid())
        return failure(tr("Cannot read %1: %2").arg(m_file->name(), query.lastError().text()));
    return result;
}

Result<void> AuditLog::exportTo(const QString &file, Format format, const AuditQuery &query) const
{
    Result<QList<AuditEntry>> found = entries(query);
    if (!found)
        return std::unexpected(found.error());
    QList<AuditEntry> list = std::move(*found);
    std::reverse(list.begin(), list.end());
    const QByteArray bytes = format == Format::Csv ? toCsv(list) : toJson(list);

    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return failure(tr("Cannot write the export %1: %2").arg(nativePath(file), out.errorString()));
    if (out.write(bytes) != bytes.size() || !out.commit())
        return failure(tr("Cannot write the export %1: %2").arg(nativePath(file), out.errorString()));
    qCInfo(lcAudit) << "exported" << list.size() << "audit entries to" << file;
    return {};
}

QString AuditLog::maskSecrets(QString text, const QList<QByteArray> &secrets)
{
    // One pass over the original text, longest secret first at each position: a
    // secret inside another is masked with it, and a mask is never masked again.
    QList<QString> sorted;
    for (const QByteArray &secret : secrets) {
        if (!secret.isEmpty())
            sorted.append(QString::fromUtf8(secret));
    }
    if (sorted.isEmpty())
        return text;
    std::sort(
        sorted.begin(), sorted.end(), [](const QString &a, const QString &b) { return a.size() > b.size(); });

    QString masked;
    masked.reserve(text.size());
    const QStringView view(text);
    for (qsizetype i = 0; i < view.size();) {
        const auto match = std::find_if(sorted.cbegin(), sorted.cend(),
            [&](const QString &secret) { return view.sliced(i).startsWith(secret); });
        if (match == sorted.cend()) {
            masked += view.at(i++);
            continue;
        }
        masked += QStringLiteral("\u2022\u2022\u2022\u2022 (sha256 %1)")
                      .arg(SecretTools::fingerprint(match->toUtf8()));
        i += match->size();
    }
    return masked;
}
