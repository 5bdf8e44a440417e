#include "RecentProfiles.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

RecentProfiles::RecentProfiles(QObject *parent)
    : QObject(parent)
{ }

QStringList RecentProfiles::paths() const
{
    QStringList existing;
    for (const QString &path : stored()) {
        if (QFileInfo(path).isFile())
            existing << path;
    }
    return existing;
}

void RecentProfiles::add(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList list = stored();
    list.removeAll(absolute);
    list.prepend(absolute);
    store(list.mid(0, MaxCount));
    Q_EMIT changed();
}

void RecentProfiles::clear()
{
    store({});
    Q_EMIT changed();
}

QString RecentProfiles::displayName(const QString &path)
{
    return tr("%1 — %2").arg(QFileInfo(path).fileName(), folderName(path));
}

QString RecentProfiles::folderName(const QString &path)
{
    QString folder = QFileInfo(path).absolutePath();
    const QString home = QDir::homePath();
    if (folder == home || folder.startsWith(home + QLatin1Char('/')))
        folder = QLatin1Char('~') + folder.mid(home.size());
    return QDir::toNativeSeparators(folder);
}

QStringList RecentProfiles::stored()
{
    return QSettings().value(settingsKey()).toStringList();
}

void RecentProfiles::store(const QStringList &paths)
{
    QSettings settings;
    if (paths.isEmpty())
        settings.remove(settingsKey());
    else
        settings.setValue(settingsKey(), paths);
}
