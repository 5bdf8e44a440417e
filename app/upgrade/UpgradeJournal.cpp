#include "UpgradeJournal.h"

#include "audit/AuditLog.h"
#include "core/SqliteFile.h"
#include "secrets/SecretTools.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QSysInfo>

namespace {

QString eventName(JournalEntry::Event event)
{
    switch (event) {
    case JournalEntry::Event::Started:
        return QStringLiteral("started");
    case JournalEntry::Event::Finished:
        return QStringLiteral("finished");
    case JournalEntry::Event::Aborted:
        return QStringLiteral("aborted");
    }
    return {};
}

std::optional<JournalEntry::Event> eventFromName(const QString &name)
{
    for (const auto event :
        {JournalEntry::Event::Started, JournalEntry::Event::Finished, JournalEntry::Event::Aborted}) {
        if (eventName(event) == name)
            return event;
    }
    return std::nullopt;
}

// SQLite stores a null QString as NULL, which the NOT NULL columns refuse.
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

// Step descriptions travel as one text column, one per line (they hold no newline).
const QChar stepSeparator = QLatin1Char('\n');

} // namespace

QString UpgradeJournal::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QLatin1String("/upgrades.sqlite");
}

QString UpgradeJournal::stateName(RunState state)
{
    switch (state) {
    case RunState::Running:
        return QStringLiteral("running");
    case RunState::Completed:
        return QStringLiteral("completed");
    case RunState::Aborted:
        return QStringLiteral("aborted");
    }
    return {};
}

Result<std::unique_ptr<UpgradeJournal>> UpgradeJournal::open(const QString &path)
{
    const QStringList schema {
        QStringLiteral("CREATE TABLE IF NOT EXISTS runs ("
                       " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                       " cluster TEXT NOT NULL, profile_path TEXT NOT NULL, target TEXT NOT NULL,"
                       " steps TEXT NOT NULL, os_user TEXT NOT NULL, host TEXT NOT NULL,"
                       " started_ms INTEGER NOT NULL, ended_ms INTEGER, state TEXT NOT NULL,"
                       " request TEXT NOT NULL DEFAULT '')"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS entries ("
                       " run INTEGER NOT NULL REFERENCES runs (id), seq INTEGER NOT NULL,"
                       " step INTEGER NOT NULL, event TEXT NOT NULL, ok INTEGER NOT NULL,"
                       " detail TEXT NOT NULL, at_ms INTEGER NOT NULL, PRIMARY KEY (run, seq))"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS runs_profile ON runs (profile_path, state)"),
    };
    Result<std::unique_ptr<SqliteFile>> file = SqliteFile::open(
        path.isEmpty() ? defaultPath() : path, tr("the upgrade journal"), schemaVersion, schema);
    if (!file)
        return std::unexpected(file.error());
    return std::unique_ptr<UpgradeJournal>(new UpgradeJournal(std::move(*file)));
}

UpgradeJournal::UpgradeJournal(std::unique_ptr<SqliteFile> file)
    : m_file(std::move(file))
{ }

UpgradeJournal::~UpgradeJournal() = default;

QString UpgradeJournal::path() const
{
    return m_file->path();
}

void UpgradeJournal::addForbiddenValue(QByteArray secret)
{
    if (secret.size() < AuditLog::minimumForbiddenLength || m_forbidden.contains(secret))
        return;
    m_forbidden.append(std::move(secret));
}

Result<qint64> UpgradeJournal::beginRun(
    const QString &cluster, const QString &profilePath, const UpgradePlan &plan, const QByteArray &request)
{
    for (const QByteArray &secret : std::as_const(m_forbidden)) {
        if (request.contains(secret))
            return failure(
                tr("The upgrade was not recorded: its request contains a secret value (sha256 %1).")
                    .arg(SecretTools::fingerprint(secret)));
    }
    QStringList steps;
    for (const UpgradeStep &step : plan.steps())
        steps.append(QString(step.description).replace(stepSeparator, QLatin1Char(' ')));
    QSqlQuery query(m_file->database());
    query.prepare(QStringLiteral("INSERT INTO runs (cluster, profile_path, target, steps, os_user, host, "
                                 "started_ms, state, request) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    query.addBindValue(text(cluster));
    query.addBindValue(text(profilePath));
    query.addBindValue(text(plan.target().text()));
    query.addBindValue(text(steps.join(stepSeparator)));
    query.addBindValue(AuditLog::currentOsUser());
    query.addBindValue(text(QSysInfo::machineHostName()));
    query.addBindValue(QDateTime::currentMSecsSinceEpoch());
    query.addBindValue(stateName(RunState::Running));
    query.addBindValue(text(QString::fromUtf8(request)));
    if (!query.exec())
        return failure(tr("Cannot write to %1: %2").arg(m_file->name(), query.lastError().text()));
    return query.lastInsertId().toLongLong();
}

Result<void> UpgradeJournal::append(qint64 run, const JournalEntry &entry)
{
    // The last line of defence: no step's detail with a known secret reaches the file.
    const QByteArray detail = entry.detail.toUtf8();
    for (const QByteArray &secret : std::as_const(m_forbidden)) {
        if (detail.contains(secret))
            return failure(
                tr("The journal entry of step %1 was not written: its detail contains a secret value "
                   "(sha256 %2).")
                    .arg(entry.step + 1)
                    .arg(SecretTools::fingerprint(secret)));
    }
    QSqlQuery query(m_file->database());
    // The sequence number is the next in the run: entries keep the order they were given.
    query.prepare(
        QStringLiteral("INSERT INTO entries (run, seq, step, event, ok, detail, at_ms) "
                       "SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ? FROM entries WHERE run = ?"));
    query.addBindValue(run);
    query.addBindValue(entry.step);
    query.addBindValue(eventName(entry.event));
    query.addBindValue(entry.ok ? 1 : 0);
    query.addBindValue(
        entry.detail.isNull() ? QStringLiteral("") : entry.detail); // a null QString binds NULL
    query.addBindValue((entry.at.isValid() ? entry.at : QDateTime::currentDateTimeUtc()).toMSecsSinceEpoch());
    query.addBindValue(run);
    if (!query.exec())
        return failure(tr("Cannot write to %1: %2").arg(m_file->name(), query.lastError().text()));
    return {};
}

Result<void> UpgradeJournal::endRun(qint64 run, RunState state)
{
    QSqlQuery query(m_file->database());
    query.prepare(QStringLiteral("UPDATE runs SET state = ?, ended_ms = ? WHERE id = ?"));
    query.addBindValue(stateName(state));
    query.addBindValue(
        state == RunState::Running ? QVariant() : QVariant(QDateTime::currentMSecsSinceEpoch()));
    query.addBindValue(run);
    if (!query.exec())
        return failure(tr("Cannot write to %1: %2").arg(m_file->name(), query.lastError().text()));
    if (query.numRowsAffected() != 1)
        return failure(tr("%1 has no upgrade run %2.").arg(m_file->name()).arg(run));
    return {};
}

Result<std::optional<UpgradeJournal::RunRecord>> UpgradeJournal::unfinishedRun(
    const QString &profilePath) const
{
    Result<QList<RunRecord>> found = select(
        QStringLiteral("profile_path = ? AND state = ?"), {profilePath, stateName(RunState::Running)});
    if (!found)
        return std::unexpected(found.error());
    if (found->isEmpty())
        return std::optional<RunRecord>();
    return std::optional<RunRecord>(found->first());
}

Result<QList<UpgradeJournal::RunRecord>> UpgradeJournal::runs(const QString &cluster) const
{
    return cluster.isEmpty() ? select(QStringLiteral("1 = 1"), {})
                             : select(QStringLiteral("cluster = ?"), {cluster});
}

Result<QList<UpgradeJournal::RunRecord>> UpgradeJournal::select(
    const QString &where, const QVariantList &values) const
{
    const auto broken = [this](const QSqlQuery &query) {
        return failure(tr("Cannot read %1: %2").arg(m_file->name(), query.lastError().text()));
    };
    QSqlQuery query(m_file->database());
    query.prepare(
        QStringLiteral("SELECT id, cluster, profile_path, target, steps, os_user, host, started_ms, "
                       "ended_ms, state, request FROM runs WHERE %1 ORDER BY id DESC")
            .arg(where));
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        return broken(query);
    QList<RunRecord> out;
    while (query.next()) {
        RunRecord run;
        run.id = query.value(0).toLongLong();
        run.cluster = query.value(1).toString();
        run.profilePath = query.value(2).toString();
        run.target = query.value(3).toString();
        run.steps = query.value(4).toString().split(stepSeparator, Qt::SkipEmptyParts);
        run.osUser = query.value(5).toString();
        run.host = query.value(6).toString();
        run.started = QDateTime::fromMSecsSinceEpoch(query.value(7).toLongLong(), Qt::UTC);
        if (!query.value(8).isNull())
            run.ended = QDateTime::fromMSecsSinceEpoch(query.value(8).toLongLong(), Qt::UTC);
        const QString state = query.value(9).toString();
        run.state = state == stateName(RunState::Completed) ? RunState::Completed
            : state == stateName(RunState::Aborted)         ? RunState::Aborted
                                                            : RunState::Running;
        run.request = query.value(10).toString().toUtf8();
        out.append(run);
    }
    for (RunRecord &run : out) {
        QSqlQuery entries(m_file->database());
        entries.prepare(
            QStringLiteral("SELECT step, event, ok, detail, at_ms FROM entries WHERE run = ? ORDER BY seq"));
        entries.addBindValue(run.id);
        if (!entries.exec())
            return broken(entries);
        while (entries.next()) {
            const std::optional<JournalEntry::Event> event = eventFromName(entries.value(1).toString());
            if (!event)
                return failure(tr("%1 holds an entry of run %2 with an unknown event \"%3\".")
                                   .arg(m_file->name())
                                   .arg(run.id)
                                   .arg(entries.value(1).toString()));
            JournalEntry entry;
            entry.step = entries.value(0).toInt();
            entry.event = *event;
            entry.ok = entries.value(2).toInt() != 0;
            entry.detail = entries.value(3).toString();
            entry.at = QDateTime::fromMSecsSinceEpoch(entries.value(4).toLongLong(), Qt::UTC);
            run.entries.append(entry);
        }
    }
    return out;
}
