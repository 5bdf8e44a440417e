#include "AuditTableModel.h"

AuditTableModel::AuditTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void AuditTableModel::setEntries(QList<AuditEntry> entries)
{
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

int AuditTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int AuditTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AuditTableModel::localTime(const QDateTime &when)
{
    return when.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QVariant AuditTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AuditEntry &entry = m_entries.at(index.row());
    if (role == SortRole && index.column() == When)
        return entry.when.toMSecsSinceEpoch();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != SortRole)
        return {};
    switch (Column(index.column())) {
    case When:
        return role == Qt::ToolTipRole ? entry.when.toUTC().toString(Qt::ISODateWithMs)
                                       : localTime(entry.when);
    case User:
        return entry.osUser;
    case Cluster:
        return role == Qt::ToolTipRole ? entry.profilePath : entry.cluster;
    case Action:
        return entry.action;
    case Target:
        return entry.target;
    case Outcome:
        return entry.outcome;
    case Summary:
        return entry.summary;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant AuditTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case When:
        return tr("When");
    case User:
        return tr("User");
    case Cluster:
        return tr("Cluster");
    case Action:
        return tr("Action");
    case Target:
        return tr("Target");
    case Outcome:
        return tr("Outcome");
    case Summary:
        return tr("Summary");
    case ColumnCount:
        break;
    }
    return {};
}
