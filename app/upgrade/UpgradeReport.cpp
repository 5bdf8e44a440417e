#include "UpgradeReport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

QString UpgradeReport::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Completed:
        return QStringLiteral("completed");
    case Outcome::NothingToDo:
        return QStringLiteral("nothing-to-do");
    case Outcome::Paused:
        return QStringLiteral("paused");
    case Outcome::Aborted:
        return QStringLiteral("aborted");
    case Outcome::Refused:
        return QStringLiteral("refused");
    }
    return {};
}

QString UpgradeReport::defaultFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/upgrade-reports");
}

QString UpgradeReport::toText() const
{
    QStringList out;
    out << tr("Clusterdesk upgrade report") << QString();
    out << tr("Cluster:  %1").arg(cluster) << tr("Profile:  %1").arg(QDir::toNativeSeparators(profilePath))
        << tr("Target:   %1").arg(target) << tr("Outcome:  %1").arg(outcomeName(outcome));
    if (started.isValid())
        out << tr("Started:  %1").arg(started.toUTC().toString(Qt::ISODate));
    if (ended.isValid())
        out << tr("Ended:    %1").arg(ended.toUTC().toString(Qt::ISODate));
    out << QString() << summary << QString() << tr("Steps:");
    for (const Step &s : steps) {
        QString line = QStringLiteral("%1. [%2] %3").arg(s.index + 1).arg(s.state, s.description);
        if (s.elapsedMs >= 0)
            line += QStringLiteral(" (%1 s)").arg(double(s.elapsedMs) / 1000.0, 0, 'f', 1);
        out << line;
        if (!s.detail.isEmpty())
            out << QStringLiteral("     ")
                    + QString(s.detail).replace(QLatin1Char('\n'), QStringLiteral("\n     "));
    }
    if (backup)
        out << QString()
            << tr("Database backup: %1 (%2 bytes, SHA-256 %3)")
                   .arg(QDir::toNativeSeparators(backup->path))
                   .arg(backup->size)
                   .arg(backup->sha256);
    if (!instructions.isEmpty()) {
        out << QString() << tr("What to do next:");
        for (int i = 0; i < instructions.size(); ++i)
            out << QStringLiteral("%1. %2").arg(i + 1).arg(instructions.at(i));
    }
    if (!log.isEmpty())
        out << QString() << tr("Log:") << log;
    return out.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QJsonObject UpgradeReport::toJson() const
{
    QJsonArray stepArray;
    for (const Step &s : steps)
        stepArray.append(QJsonObject {{QStringLiteral("index"), s.index + 1},
            {QStringLiteral("description"), s.description}, {QStringLiteral("state"), s.state},
            {QStringLiteral("elapsedMs"), s.elapsedMs}, {QStringLiteral("detail"), s.detail}});
    QJsonObject o {{QStringLiteral("cluster"), cluster}, {QStringLiteral("profile"), profilePath},
        {QStringLiteral("target"), target}, {QStringLiteral("outcome"), outcomeName(outcome)},
        {QStringLiteral("run"), runId}, {QStringLiteral("summary"), summary},
        {QStringLiteral("refusedBy"), refusedBy}, {QStringLiteral("steps"), stepArray},
        {QStringLiteral("instructions"), QJsonArray::fromStringList(instructions)},
        {QStringLiteral("log"), QJsonArray::fromStringList(log)}};
    if (started.isValid())
        o.insert(QStringLiteral("started"), started.toUTC().toString(Qt::ISODateWithMs));
    if (ended.isValid())
        o.insert(QStringLiteral("ended"), ended.toUTC().toString(Qt::ISODateWithMs));
    if (backup)
        o.insert(QStringLiteral("backup"),
            QJsonObject {{QStringLiteral("path"), backup->path}, {QStringLiteral("size"), backup->size},
                {QStringLiteral("sha256"), backup->sha256}});
    return o;
}

Result<QString> UpgradeReport::save(const QString &folder) const
{
    const QString dir = folder.isEmpty() ? defaultFolder() : folder;
    if (!QDir().mkpath(dir))
        return failure(
            tr("Cannot create the folder %1 for the upgrade report.").arg(QDir::toNativeSeparators(dir)));
    QString slug = cluster;
    slug.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    const QString stem = dir + QLatin1Char('/')
        + QStringLiteral("upgrade-%1-%2-run%3")
              .arg(slug,
                  (started.isValid() ? started : QDateTime::currentDateTimeUtc())
                      .toUTC()
                      .toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")))
              .arg(runId);
    const auto write = [](const QString &path, const QByteArray &bytes) -> Result<void> {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
            return failure(tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        return {};
    };
    if (Result<void> t = write(stem + QStringLiteral(".txt"), toText().toUtf8()); !t)
        return std::unexpected(t.error());
    if (Result<void> j = write(stem + QStringLiteral(".json"), QJsonDocument(toJson()).toJson()); !j)
        return std::unexpected(j.error());
    return stem + QStringLiteral(".txt");
}
