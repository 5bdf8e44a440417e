#include "ClusterPage.h"

#include "NodeTableModel.h"
#include "profile/ProfileFile.h"

#include <QDir>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace {

QString deploymentText(DeploymentKind kind)
{
    switch (kind) {
    case DeploymentKind::Hosts:
        return ClusterPage::tr("Hosts over SSH");
    case DeploymentKind::Compose:
        return ClusterPage::tr("Docker Compose");
    case DeploymentKind::Kubernetes:
        return ClusterPage::tr("Kubernetes");
    }
    return {};
}

QString databaseText(const std::optional<DatabaseSpec> &database)
{
    if (!database)
        return ClusterPage::tr("none");
    return ClusterPage::tr("%1 on %2:%3").arg(database->schema, database->host).arg(database->port);
}

} // namespace

ClusterPage::ClusterPage(QWidget *parent)
    : QWidget(parent)
    , m_model(new NodeTableModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTableView(this))
{
    m_name = new QLabel(this);
    m_name->setObjectName(QStringLiteral("clusterNameLabel"));
    m_name->setAccessibleName(tr("Cluster name"));
    m_name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont nameFont = m_name->font();
    nameFont.setPointSizeF(nameFont.pointSizeF() * 1.6);
    nameFont.setBold(true);
    m_name->setFont(nameFont);

    m_fields = new QGridLayout;
    m_fields->setHorizontalSpacing(12);
    m_fields->setVerticalSpacing(4);
    m_product = addField(tr("Product:"), tr("Product"), 0, 0);
    m_deployment = addField(tr("Deployment:"), tr("Deployment"), 0, 2);
    m_database = addField(tr("Database:"), tr("Database"), 1, 0);
    m_file = addField(tr("Profile file:"), tr("Profile file"), 1, 2);
    m_fields->setColumnStretch(1, 1);
    m_fields->setColumnStretch(3, 2);

    m_nodesHeading = new QLabel(this);
    QFont headingFont = m_nodesHeading->font();
    headingFont.setBold(true);
    m_nodesHeading->setFont(headingFont);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(NodeTableModel::SortRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_view->setObjectName(QStringLiteral("nodeTable"));
    m_view->setAccessibleName(tr("Nodes"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(NodeTableModel::NameColumn, Qt::AscendingOrder);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    // One line of text per node with a little air, rather than the style's taller default.
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 10);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setHighlightSections(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_name);
    layout->addLayout(m_fields);
    layout->addSpacing(12);
    layout->addWidget(m_nodesHeading);
    layout->addWidget(m_view, 1);
}

QLabel *ClusterPage::addField(const QString &label, const QString &accessibleName, int row, int column)
{
    auto *caption = new QLabel(label, this);
    auto *value = new QLabel(this);
    value->setAccessibleName(accessibleName);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    caption->setBuddy(value);
    m_fields->addWidget(caption, row, column);
    m_fields->addWidget(value, row, column + 1);
    return value;
}

void ClusterPage::setProfile(const LoadedProfile &loaded, const QString &path)
{
    const ClusterProfile &profile = loaded.profile;
    m_name->setText(profile.name);
    m_product->setText(loaded.preset.displayName);
    m_deployment->setText(deploymentText(profile.deployment.kind));
    m_database->setText(databaseText(profile.database));
    m_file->setText(
        path.isEmpty() ? tr("not saved yet; use Save As to keep a copy") : QDir::toNativeSeparators(path));
    m_file->setToolTip(m_file->text());
    m_nodesHeading->setText(tr("Nodes (%n)", nullptr, static_cast<int>(profile.nodes.size())));
    m_model->setNodes(profile.nodes, loaded.preset.installDir);
    // Size the columns to what they hold now, with some air between them; the last
    // one takes the rest of the width.
    m_view->resizeColumnsToContents();
    const int padding = m_view->fontMetrics().averageCharWidth() * 3;
    for (int column = 0; column < NodeTableModel::ColumnCount - 1; ++column)
        m_view->setColumnWidth(column, m_view->columnWidth(column) + padding);
}

void ClusterPage::clear()
{
    m_model->setNodes({});
    for (QLabel *label : {m_name, m_product, m_deployment, m_database, m_file, m_nodesHeading})
        label->clear();
}

QByteArray ClusterPage::saveHeaderState() const
{
    return m_view->horizontalHeader()->saveState();
}

void ClusterPage::restoreHeaderState(const QByteArray &state)
{
    if (!state.isEmpty())
        m_view->horizontalHeader()->restoreState(state);
}
