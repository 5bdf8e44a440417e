#pragma once

#include "ClusterProfile.h"
#include "ClusterStatus.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>

// The nodes of the open cluster, one row each, with their latest status. Rows
// start from the profile's nodes (health unknown) and follow the poller's
// statuses, which may add nodes a Kubernetes or Compose deployment runs beyond
// the profile's and drop such discovered nodes when they are gone.
//
// Views sort through a proxy on SortRole, which holds raw values rather than
// display text. Health is text in DisplayRole; HealthRole holds the NodeHealth
// so a view can add an icon (never colour alone).
class NodeTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        AddressColumn,
        HealthColumn,
        VersionColumn,
        UptimeColumn,
        LatencyColumn,
        ErrorColumn,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole,
        NodeNameRole,
        HealthRole // int(NodeHealth)
    };

    explicit NodeTableModel(QObject *parent = nullptr);

    // Resets the rows to the profile's nodes, health unknown.
    void setNodes(const QList<NodeSpec> &nodes);
    // Merges the poller's statuses in: known rows change in place (one dataChanged
    // for the changed span), new nodes are appended, discovered nodes missing from
    // `statuses` are removed. Profile nodes are never removed. `now` is the time the
    // uptimes are shown for.
    void setStatuses(const QList<NodeStatus> &statuses, const QDateTime &now);

    const QList<NodeStatus> &statuses() const { return m_rows; }
    // Row of the node with this name, or -1. O(1).
    int rowOf(const QString &nodeName) const;
    const NodeStatus *statusOf(const QString &nodeName) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "3 d 4 h", "2 h 5 min", "40 s": how the table writes durations.
    static QString durationText(qint64 seconds);

private:
    void reindex();

    QList<NodeStatus> m_rows;
    QHash<QString, int> m_rowByName;
    QDateTime m_now;
};
