#pragma once

#include <QWidget>

struct LoadedProfile;
class NodeTableModel;
class QGridLayout;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

// The open cluster: what it is (name, product, deployment, database, file) above
// a sortable table of its nodes.
class ClusterPage final : public QWidget
{
    Q_OBJECT

public:
    explicit ClusterPage(QWidget *parent = nullptr);

    // `path` is where the profile is saved; empty when it is not saved yet.
    void setProfile(const LoadedProfile &loaded, const QString &path);
    void clear();

    QTableView *nodeView() const { return m_view; }
    NodeTableModel *nodeModel() const { return m_model; }

    QByteArray saveHeaderState() const;
    void restoreHeaderState(const QByteArray &state);

private:
    QLabel *addField(const QString &label, const QString &accessibleName, int row, int column);

    QLabel *m_name = nullptr;
    QLabel *m_product = nullptr;
    QLabel *m_deployment = nullptr;
    QLabel *m_database = nullptr;
    QLabel *m_file = nullptr;
    QLabel *m_nodesHeading = nullptr;
    NodeTableModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_view = nullptr;
    QGridLayout *m_fields = nullptr;
};
