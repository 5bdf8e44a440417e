#pragma once

#include "config/ConfigChecks.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;

// The consistency checks as a list: one row per check with its verdict, the nodes
// that differ, and under it what was found and how to fix it. Used on the dashboard
// and in the configuration editor.
class ConfigChecksView final : public QWidget
{
    Q_OBJECT

public:
    explicit ConfigChecksView(QWidget *parent = nullptr);

    void setChecks(const QList<ConfigCheck> &checks);
    void setRunning(bool running);
    void clear();

    QTreeWidget *tree() const { return m_tree; }
    QPushButton *runButton() const { return m_run; }
    QLabel *summaryLabel() const { return m_summary; }
    int failedCount() const { return m_failed; }

Q_SIGNALS:
    void runRequested();

private:
    QLabel *m_summary;
    QPushButton *m_run;
    QTreeWidget *m_tree;
    int m_failed = 0;
};
