#include "NodeTableModel.h"

#include <QSet>

#include <algorithm>

namespace {

bool sameForTheTable(const NodeStatus &a, const NodeStatus &b)
{
    return a.url == b.url && a.health == b.health && a.versionText == b.versionText
        && a.latencyMs == b.latencyMs && a.error == b.error && a.controlError == b.controlError
        && a.hostUptimeSeconds == b.hostUptimeSeconds && a.replicaStartedAt == b.replicaStartedAt
        && a.control == b.control && a.replicaState == b.replicaState && a.scheduled == b.scheduled;
}

// A key that sorts versions by their order, pre-releases before their release and
// unknown versions last, as text (what a sort proxy compares).
QString versionSortKey(const NodeStatus &node)
{
    if (!node.version.isKnown())
        return node.versionText.isEmpty() ? QStringLiteral("~~") : QStringLiteral("~") + node.versionText;
    QString key;
    for (int i = 0; i < Version::MaxComponents; ++i)
        key += QStringLiteral("%1.").arg(node.version.component(i), 6, 10, QLatin1Char('0'));
    key += QStringLiteral("%1.%2")
               .arg(int(node.version.stage()))
               .arg(node.version.stageNumber(), 6, 10, QLatin1Char('0'));
    return key;
}

QString shownError(const NodeStatus &node)
{
    if (!node.error.isEmpty())
        return node.error;
    return node.controlError;
}

} // namespace

NodeTableModel::NodeTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

QString NodeTableModel::durationText(qint64 seconds)
{
    if (seconds < 60)
        return tr("%1 s").arg(seconds);
    const qint64 minutes = seconds / 60;
    if (minutes < 60)
        return tr("%1 min").arg(minutes);
    const qint64 hours = minutes / 60;
    if (hours < 24)
        return tr("%1 h %2 min").arg(hours).arg(minutes % 60);
    return tr("%1 d %2 h").arg(hours / 24).arg(hours % 24);
}

void NodeTableModel::setNodes(const QList<NodeSpec> &nodes)
{
    beginResetModel();
    m_rows.clear();
    for (const NodeSpec &spec : nodes) {
        NodeStatus status;
        status.name = spec.name;
        status.url = spec.url;
        status.control = spec.ssh ? ControlState::Pending : ControlState::NotConfigured;
        m_rows.append(status);
    }
    reindex();
    endResetModel();
}

void NodeTableModel::reindex()
{
    m_rowByName.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowByName.insert(m_rows[row].name, row);
}

void NodeTableModel::setStatuses(const QList<NodeStatus> &statuses, const QDateTime &now)
{
    const bool timeMoved = m_now != now;
    m_now = now;

    // Discovered nodes that are gone leave first, from the bottom up.
    QSet<QString> present;
    for (const NodeStatus &status : statuses)
        present.insert(status.name);
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (m_rows[row].discovered && !present.contains(m_rows[row].name)) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    reindex();

    int first = -1;
    int last = -1;
    QList<NodeStatus> added;
    for (const NodeStatus &status : statuses) {
        const int row = m_rowByName.value(status.name, -1);
        if (row < 0) {
            added.append(status);
            continue;
        }
        if (sameForTheTable(m_rows[row], status)) {
            m_rows[row] = status; // details (facts, history stamps) may still differ
            continue;
        }
        m_rows[row] = status;
        first = first < 0 ? row : std::min(first, row);
        last = std::max(last, row);
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
    if (timeMoved && !m_rows.isEmpty()) // uptimes move with the clock, the rest does not
        Q_EMIT dataChanged(index(0, UptimeColumn), index(int(m_rows.size()) - 1, UptimeColumn));
    if (!added.isEmpty()) {
        const int row = int(m_rows.size());
        beginInsertRows({}, row, row + int(added.size()) - 1);
        m_rows.append(added);
        reindex();
        endInsertRows();
    }
}

int NodeTableModel::rowOf(const QString &nodeName) const
{
    return m_rowByName.value(nodeName, -1);
}

const NodeStatus *NodeTableModel::statusOf(const QString &nodeName) const
{
    const int row = rowOf(nodeName);
    return row < 0 ? nullptr : &m_rows[row];
}

int NodeTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int NodeTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodeTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const NodeStatus &node = m_rows.at(index.row());
    if (role == NodeNameRole)
        return node.name;
    if (role == HealthRole)
        return int(node.health);
    const bool sort = role == SortRole;
    if (role != Qt::DisplayRole && !sort && role != Qt::ToolTipRole)
        return {};

    switch (static_cast<Column>(index.column())) {
    case NameColumn:
        if (role == Qt::ToolTipRole && node.discovered)
            return tr("%1 (found by the orchestrator, not listed in the profile)").arg(node.name);
        return node.name;
    case AddressColumn:
        return node.url.toString(QUrl::RemoveUserInfo);
    case HealthColumn:
        if (sort)
            return int(node.health);
        if (role == Qt::ToolTipRole && !node.error.isEmpty())
            return node.error;
        if (!node.scheduled)
            return tr("Not running (no replica)");
        return NodeHealthText::display(node.health);
    case VersionColumn:
        if (sort)
            return versionSortKey(node);
        if (node.version.isKnown())
            return node.version.normalized();
        if (!node.versionText.isEmpty())
            return node.versionText;
        return role == Qt::ToolTipRole ? QVariant() : QVariant(QStringLiteral("–"));
    case UptimeColumn: {
        const auto uptime = node.uptimeSeconds(m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc());
        if (sort)
            return uptime ? *uptime : qint64(-1);
        if (!uptime)
            return role == Qt::ToolTipRole ? QVariant() : QVariant(QStringLiteral("–"));
        if (role == Qt::ToolTipRole)
            return node.replicaStartedAt.isValid() ? tr("Since the container started")
                                                   : tr("Uptime of the host");
        return durationText(*uptime);
    }
    case LatencyColumn:
        if (sort)
            return node.latencyMs;
        if (node.latencyMs < 0)
            return role == Qt::ToolTipRole ? QVariant() : QVariant(QStringLiteral("–"));
        return tr("%1 ms").arg(node.latencyMs);
    case ErrorColumn:
        return shownError(node);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant NodeTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case NameColumn:
        return tr("Node");
    case AddressColumn:
        return tr("Address");
    case HealthColumn:
        return tr("Health");
    case VersionColumn:
        return tr("Version");
    case UptimeColumn:
        return tr("Uptime");
    case LatencyColumn:
        return tr("Latency");
    case ErrorColumn:
        return tr("Last error");
    case ColumnCount:
        break;
    }
    return {};
}
