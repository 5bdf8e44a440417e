#pragma once

#include "ClusterProfile.h"

#include <QAbstractTableModel>
#include <QHash>

// The nodes of the open profile, one row each. Views sort through a proxy on
// SortRole, which holds raw values rather than display text.
class NodeTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        UrlColumn,
        ControlColumn,
        InstallDirColumn,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole,
        NodeNameRole
    };

    explicit NodeTableModel(QObject *parent = nullptr);

    // defaultInstallDir is the preset's, shown for nodes that do not name their own.
    void setNodes(const QList<NodeSpec> &nodes, const QString &defaultInstallDir = {});
    const QList<NodeSpec> &nodes() const { return m_nodes; }
    // Row of the node with this name, or -1. O(1).
    int rowOf(const QString &nodeName) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<NodeSpec> m_nodes;
    QString m_defaultInstallDir;
    QHash<QString, int> m_rowByName;
};
