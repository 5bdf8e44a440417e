#pragma once

#include <QStringList>
#include <QWidget>

class QLabel;
class QVBoxLayout;

// What the window shows while no profile is open: what Clusterdesk needs, the
// three ways to get it, and the profiles opened lately as links.
class EmptyStatePage final : public QWidget
{
    Q_OBJECT

public:
    explicit EmptyStatePage(QWidget *parent = nullptr);

    void setRecentProfiles(const QStringList &paths);
    QStringList recentProfiles() const { return m_recent; }

Q_SIGNALS:
    void openProfileRequested();
    void newProfileRequested();
    void exampleProfileRequested();
    void recentProfileRequested(const QString &path);

private:
    QStringList m_recent;
    QLabel *m_recentHeading = nullptr;
    QVBoxLayout *m_recentLayout = nullptr;
};
