#pragma once

#include <QObject>
#include <QStringList>

// The profiles opened lately, most recent first, kept in QSettings under
// "recentProfiles". Files that have gone missing stay stored (a network share may
// come back) but are left out of paths().
class RecentProfiles final : public QObject
{
    Q_OBJECT

public:
    static constexpr int MaxCount = 8;
    static QString settingsKey() { return QStringLiteral("recentProfiles"); }

    explicit RecentProfiles(QObject *parent = nullptr);

    // The stored profiles that exist now, most recent first.
    QStringList paths() const;
    void add(const QString &path);
    void clear();

    // "ui-jatos.json — ~/clusters": how a recent profile is named in menus and lists.
    static QString displayName(const QString &path);
    // "~/clusters": the folder of a recent profile, home abbreviated.
    static QString folderName(const QString &path);

Q_SIGNALS:
    void changed();

private:
    static QStringList stored();
    static void store(const QStringList &paths);
};
