#pragma once

#include "ClusterStatus.h"

#include <QGroupBox>

class QGridLayout;
class QLabel;

// The cluster's shared database as the latest refresh found it: where it is,
// whether it answers, its server and schema versions and its replicas.
class DatabasePanel final : public QGroupBox
{
    Q_OBJECT

public:
    explicit DatabasePanel(QWidget *parent = nullptr);

    void setSummary(const DatabaseSummary &database);
    void clear();

    // For tests and screen readers: the value shown for a field, by accessible name.
    QString fieldText(const QString &accessibleName) const;

private:
    QLabel *addField(
        const QString &caption, const QString &accessibleName, int row, int column, int span = 1);
    void showField(QLabel *value, const QString &text);

    QGridLayout *m_grid = nullptr;
    QLabel *m_address = nullptr;
    QLabel *m_reachable = nullptr;
    QLabel *m_server = nullptr;
    QLabel *m_schema = nullptr;
    QLabel *m_replicas = nullptr;
    QLabel *m_latency = nullptr;
    QLabel *m_registered = nullptr;
    QLabel *m_error = nullptr;
};
