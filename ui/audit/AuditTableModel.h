#pragma once

#include "audit/AuditEntry.h"

#include <QAbstractTableModel>
#include <QList>

// The audit entries a dialog shows, one row each, in the order given.
class AuditTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        When,
        User,
        Cluster,
        Action,
        Target,
        Outcome,
        Summary,
        ColumnCount
    };
    Q_ENUM(Column)

    // The value to sort by: the time as milliseconds, the text otherwise.
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit AuditTableModel(QObject *parent = nullptr);

    void setEntries(QList<AuditEntry> entries);
    const QList<AuditEntry> &entries() const { return m_entries; }
    const AuditEntry &entry(int row) const { return m_entries.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // How the When column shows a time: local time, to the second.
    static QString localTime(const QDateTime &when);

private:
    QList<AuditEntry> m_entries;
};
