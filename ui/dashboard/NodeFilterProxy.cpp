#include "NodeFilterProxy.h"

#include "NodeTableModel.h"
#include "dashboard/HealthIcons.h"

NodeFilterProxy::NodeFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(NodeTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void NodeFilterProxy::setFilterText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_text)
        return;
    m_text = trimmed;
    invalidateRowsFilter();
}

void NodeFilterProxy::setProblemsOnly(bool problemsOnly)
{
    if (problemsOnly == m_problemsOnly)
        return;
    m_problemsOnly = problemsOnly;
    invalidateRowsFilter();
}

QVariant NodeFilterProxy::data(const QModelIndex &index, int role) const
{
    if (role == Qt::DecorationRole && index.column() == NodeTableModel::HealthColumn) {
        const auto health = static_cast<NodeHealth>(index.data(NodeTableModel::HealthRole).toInt());
        return HealthIcons::forHealth(health);
    }
    return QSortFilterProxyModel::data(index, role);
}

bool NodeFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *source = sourceModel();
    const auto text
        = [&](int column) { return source->index(sourceRow, column, sourceParent).data().toString(); };
    if (m_problemsOnly) {
        const auto health = static_cast<NodeHealth>(
            source->index(sourceRow, 0, sourceParent).data(NodeTableModel::HealthRole).toInt());
        if (health == NodeHealth::Up && text(NodeTableModel::ErrorColumn).isEmpty())
            return false;
    }
    if (m_text.isEmpty())
        return true;
    for (const int column : {NodeTableModel::NameColumn, NodeTableModel::AddressColumn,
             NodeTableModel::VersionColumn, NodeTableModel::ErrorColumn}) {
        if (text(column).contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}
