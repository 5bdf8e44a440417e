#include "NodeTableModel.h"

namespace {

QString controlText(const NodeSpec &node)
{
    if (!node.ssh)
        return NodeTableModel::tr("none");
    const SshTarget &ssh = *node.ssh;
    QString text = ssh.user + QLatin1Char('@') + ssh.host;
    if (ssh.port != 22)
        text += QLatin1Char(':') + QString::number(ssh.port);
    return text;
}

} // namespace

NodeTableModel::NodeTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void NodeTableModel::setNodes(const QList<NodeSpec> &nodes, const QString &defaultInstallDir)
{
    beginResetModel();
    m_nodes = nodes;
    m_defaultInstallDir = defaultInstallDir;
    m_rowByName.clear();
    for (int row = 0; row < m_nodes.size(); ++row)
        m_rowByName.insert(m_nodes[row].name, row);
    endResetModel();
}

int NodeTableModel::rowOf(const QString &nodeName) const
{
    return m_rowByName.value(nodeName, -1);
}

int NodeTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_nodes.size());
}

int NodeTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodeTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const NodeSpec &node = m_nodes.at(index.row());
    if (role == NodeNameRole)
        return node.name;
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};

    switch (static_cast<Column>(index.column())) {
    case NameColumn:
        return node.name;
    case UrlColumn:
        return node.url.toString();
    case ControlColumn:
        if (role == SortRole)
            return node.ssh ? node.ssh->host : QString();
        return controlText(node);
    case InstallDirColumn:
        if (!node.installDir.isEmpty())
            return node.installDir;
        if (role == SortRole)
            return m_defaultInstallDir;
        if (m_defaultInstallDir.isEmpty())
            return tr("not set");
        return tr("%1 (default)").arg(m_defaultInstallDir);
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
    case UrlColumn:
        return tr("Address");
    case ControlColumn:
        return tr("SSH");
    case InstallDirColumn:
        return tr("Install folder");
    case ColumnCount:
        break;
    }
    return {};
}
