#pragma once

#include <QSortFilterProxyModel>

// Sorts the node table on its raw values, filters it by text and by health, and
// puts the health icon beside the health text.
class NodeFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit NodeFilterProxy(QObject *parent = nullptr);

    // Rows whose name, address, version or error contain `text`, case-insensitively.
    void setFilterText(const QString &text);
    QString filterText() const { return m_text; }
    // Only nodes that are not up, or report an error.
    void setProblemsOnly(bool problemsOnly);
    bool problemsOnly() const { return m_problemsOnly; }

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
    bool m_problemsOnly = false;
};
