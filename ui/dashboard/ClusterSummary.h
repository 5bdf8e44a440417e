#pragma once

#include "ClusterStatus.h"

#include <QWidget>

struct LoadedProfile;
class QAction;
class QGridLayout;
class QLabel;
class QLabel;

// The top of the dashboard: which cluster this is, the verdict on it with its
// icon, and one line each for the product, deployment, replicas, versions and
// database; when it was last refreshed, and a busy indicator while it refreshes.
class ClusterSummary final : public QWidget
{
    Q_OBJECT

public:
    // `refresh` is shown as a button beside the refresh time.
    explicit ClusterSummary(QAction *refresh, QWidget *parent = nullptr);

    void setProfile(const LoadedProfile &loaded, const QString &path);
    void setProfileFile(const QString &path);
    void setStatus(const ClusterStatus &status, const ClusterAssessment &assessment, const QDateTime &now);
    void setRefreshing(bool refreshing);
    void clear();

    // The value shown for a field, by its accessible name.
    QString fieldText(const QString &accessibleName) const;

private:
    QLabel *addField(const QString &caption, const QString &accessibleName, int row, int column);
    void setVerdict(const QIcon &icon, const QString &text);

    QLabel *m_name = nullptr;
    QLabel *m_verdictIcon = nullptr;
    QLabel *m_verdict = nullptr;
    QLabel *m_refreshed = nullptr;
    QLabel *m_busy = nullptr; // a still label: an animation would repaint the window all through a refresh
    QGridLayout *m_fields = nullptr;
    QLabel *m_product = nullptr;
    QLabel *m_deployment = nullptr;
    QLabel *m_replicas = nullptr;
    QLabel *m_versions = nullptr;
    QLabel *m_database = nullptr;
    QLabel *m_file = nullptr;
    QString m_databaseSpec;
};
