#include "Dashboard.h"

#include "NodeTableModel.h"
#include "config/ConfigChecksView.h"
#include "dashboard/ClusterSummary.h"
#include "dashboard/DatabasePanel.h"
#include "dashboard/HealthIcons.h"
#include "dashboard/HostKeyPrompter.h"
#include "dashboard/NodeDetailsPane.h"
#include "dashboard/NodeFilterProxy.h"
#include "dashboard/WarningBanner.h"
#include "profile/ProfileFile.h"
#include "status/ClusterPoller.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTableView>
#include <QTime>
#include <QVBoxLayout>

#include <algorithm>

Dashboard::Dashboard(QWidget *parent)
    : QWidget(parent)
    , m_model(new NodeTableModel(this))
    , m_proxy(new NodeFilterProxy(this))
{
    m_refresh = new QAction(QIcon::fromTheme(QStringLiteral("view-refresh")), tr("&Refresh"), this);
    m_refresh->setObjectName(QStringLiteral("refreshAction"));
    m_refresh->setShortcut(QKeySequence::Refresh);
    m_refresh->setToolTip(tr("Ask every node, the database and the orchestrator now (%1)")
                              .arg(m_refresh->shortcut().toString(QKeySequence::NativeText)));
    m_refresh->setEnabled(false);
    connect(m_refresh, &QAction::triggered, this, &Dashboard::refreshRequested);

    m_summary = new ClusterSummary(m_refresh, this);
    m_database = new DatabasePanel(this);
    m_warnings = new WarningBanner(this);
    m_warnings->setObjectName(QStringLiteral("clusterWarnings"));

    m_nodesHeading = new QLabel(this);
    m_nodesHeading->setObjectName(QStringLiteral("nodesHeading"));
    QFont headingFont = m_nodesHeading->font();
    headingFont.setBold(true);
    m_nodesHeading->setFont(headingFont);

    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("nodeFilter"));
    m_filter->setAccessibleName(tr("Filter nodes"));
    m_filter->setPlaceholderText(tr("Filter by name, address, version or error (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterText(text);
        updateNodesHeading();
    });
    m_findAction = new QAction(tr("Find Node"), this);
    m_findAction->setShortcut(QKeySequence::Find);
    m_findAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(m_findAction, &QAction::triggered, this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    addAction(m_findAction);

    m_healthFilter = new QComboBox(this);
    m_healthFilter->setObjectName(QStringLiteral("healthFilter"));
    m_healthFilter->setAccessibleName(tr("Show nodes"));
    m_healthFilter->addItem(tr("All nodes"));
    m_healthFilter->addItem(tr("Problems only"));
    connect(m_healthFilter, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_proxy->setProblemsOnly(index == 1);
        updateNodesHeading();
    });

    m_proxy->setSourceModel(m_model);
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("nodeTable"));
    m_view->setAccessibleName(tr("Nodes"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(NodeTableModel::NameColumn, Qt::AscendingOrder);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->setTabKeyNavigation(false);
    m_view->verticalHeader()->hide();
    // One line of text per node with a little air, rather than the style's taller default.
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 10);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setHighlightSections(false);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &Dashboard::showSelectedNode);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &Dashboard::showSelectedNode);

    m_details = new NodeDetailsPane(this);
    connect(
        m_details, &NodeDetailsPane::removeKnownHostRequested, this, &Dashboard::removeKnownHostRequested);

    m_prompter = new HostKeyPrompter(this);
    connect(m_prompter, &HostKeyPrompter::decided, this, &Dashboard::hostKeyDecided);

    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(m_nodesHeading);
    filterRow->addSpacing(12);
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_healthFilter);
    auto *nodes = new QWidget(this);
    auto *nodesLayout = new QVBoxLayout(nodes);
    nodesLayout->setContentsMargins(0, 0, 0, 0);
    nodesLayout->addLayout(filterRow);
    nodesLayout->addWidget(m_view, 1);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("dashboardSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(nodes);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 1);

    auto *top = new QHBoxLayout;
    top->setSpacing(16);
    top->addWidget(m_summary, 3);
    top->addWidget(m_database, 2, Qt::AlignTop);

    // The configuration checks under the nodes: collapsible, the nodes come first.
    m_configChecks = new ConfigChecksView(this);
    m_configChecks->setObjectName(QStringLiteral("configChecks"));
    auto *vertical = new QSplitter(Qt::Vertical, this);
    vertical->setObjectName(QStringLiteral("dashboardVerticalSplitter"));
    vertical->addWidget(m_splitter);
    vertical->addWidget(m_configChecks);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_warnings);
    layout->addSpacing(4);
    layout->addWidget(vertical, 1);

    setTabOrder(m_filter, m_healthFilter);
    setTabOrder(m_healthFilter, m_view);
    updateNodesHeading();
}

Dashboard::~Dashboard()
{
    // Before the widgets go: a poller deleted as a child could still report to them.
    setPoller(nullptr);
}

void Dashboard::setProfile(const LoadedProfile &loaded, const QString &path)
{
    m_summary->clear();
    m_summary->setProfile(loaded, path);
    m_warnings->setWarnings({});
    DatabaseSummary database;
    if (loaded.profile.database) {
        database.configured = true;
        database.host = loaded.profile.database->host;
        database.port = loaded.profile.database->port;
    }
    m_database->setSummary(database);
    m_model->setNodes(loaded.profile.nodes);
    m_columnsFitted = false;
    fitColumns();
    m_refresh->setEnabled(true);
    updateNodesHeading();
}

void Dashboard::setProfileFile(const QString &path)
{
    m_summary->setProfileFile(path);
}

void Dashboard::clear()
{
    setPoller(nullptr);
    m_prompter->clear();
    m_model->setNodes({});
    m_summary->clear();
    m_warnings->setWarnings({});
    m_database->clear();
    m_details->showNothing();
    m_configChecks->clear();
    m_refresh->setEnabled(false);
    m_history = {};
    updateNodesHeading();
}

ClusterPoller *Dashboard::poller() const
{
    return m_poller;
}

void Dashboard::setPoller(ClusterPoller *poller)
{
    if (poller == m_poller)
        return;
    if (m_poller) {
        m_poller->disconnect(this);
        delete m_poller;
    }
    m_poller = poller;
    m_history = {};
    m_prompter->clear(); // questions of the old poller have nobody to answer them
    if (!poller)
        return;
    poller->setParent(this);
    followPoller();
}

void Dashboard::followPoller()
{
    ClusterPoller *poller = m_poller;
    m_history = [poller](const QString &node) { return poller->history(node); };
    connect(this, &Dashboard::refreshRequested, poller, &ClusterPoller::refreshNow);
    connect(this, &Dashboard::removeKnownHostRequested, poller, &ClusterPoller::removeKnownHost);
    connect(this, &Dashboard::hostKeyDecided, poller, &ClusterPoller::acceptHostKey);
    connect(poller, &ClusterPoller::refreshStarted, this, [this] { setRefreshing(true); });
    connect(poller, &ClusterPoller::refreshFinished, this, [this, poller] {
        setRefreshing(poller->isRefreshing());
        const ClusterAssessment assessment = poller->assessment();
        Q_EMIT statusMessage(tr("Refreshed at %1: %2")
                                 .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")),
                                     HealthIcons::overallText(assessment.overall)));
    });
    connect(poller, &ClusterPoller::statusChanged, this, [this, poller] {
        const ClusterStatus &status = poller->status();
        setStatus(status, poller->assessment(),
            status.refreshedAt.isValid() ? std::max(status.refreshedAt, QDateTime::currentDateTimeUtc())
                                         : QDateTime::currentDateTimeUtc());
    });
    connect(poller, &ClusterPoller::hostKeyUnknown, this, &Dashboard::askHostKey);
    connect(poller, &ClusterPoller::knownHostRemoved, this, &Dashboard::showKnownHostRemoved);
}

void Dashboard::setStatus(
    const ClusterStatus &status, const ClusterAssessment &assessment, const QDateTime &now)
{
    m_now = now;
    m_summary->setStatus(status, assessment, now);
    m_warnings->setWarnings(assessment.warnings);
    m_database->setSummary(status.database);
    const int rowsBefore = m_model->rowCount();
    m_model->setStatuses(status.nodes, now);
    if (!m_columnsFitted && status.refreshedAt.isValid()) {
        fitColumns(); // once, when versions and errors are first in; later the user's widths stay
        m_columnsFitted = true;
    }
    if (rowsBefore != m_model->rowCount())
        updateNodesHeading();
    showSelectedNode();
}

void Dashboard::setHistoryLookup(HistoryLookup lookup)
{
    m_history = std::move(lookup);
    showSelectedNode();
}

void Dashboard::setRefreshing(bool refreshing)
{
    m_summary->setRefreshing(refreshing);
}

void Dashboard::askHostKey(const QString &nodeName, const HostKeyInfo &info)
{
    m_prompter->ask(nodeName, info);
}

void Dashboard::showKnownHostRemoved(const QString &nodeName, const QString &message, bool ok)
{
    Q_EMIT statusMessage(ok ? tr("Removed the old host key of %1. %2").arg(nodeName, message)
                            : tr("Could not remove the old host key of %1: %2").arg(nodeName, message));
}

QString Dashboard::selectedNode() const
{
    return m_details->nodeName();
}

void Dashboard::selectNode(const QString &nodeName)
{
    const int sourceRow = m_model->rowOf(nodeName);
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(sourceRow, 0));
    if (!index.isValid()) {
        m_view->clearSelection();
        return;
    }
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index);
}

void Dashboard::showSelectedNode()
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    const QString name
        = current.isValid() ? current.data(NodeTableModel::NodeNameRole).toString() : QString();
    const NodeStatus *node = name.isEmpty() ? nullptr : m_model->statusOf(name);
    if (!node) {
        m_details->showNothing();
        return;
    }
    const NodeHistory *history = m_history ? m_history(name) : nullptr;
    m_details->showNode(*node, history, m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc());
}

void Dashboard::updateNodesHeading()
{
    const int total = m_model->rowCount();
    const int shown = m_proxy->rowCount();
    m_nodesHeading->setText(
        shown == total ? tr("Nodes (%n)", nullptr, total) : tr("Nodes (%1 of %2)").arg(shown).arg(total));
}

void Dashboard::fitColumns()
{
    // Size the columns to what they hold now, with some air between them; the last
    // one takes the rest of the width.
    m_view->resizeColumnsToContents();
    const int padding = m_view->fontMetrics().averageCharWidth() * 2;
    for (int column = 0; column < NodeTableModel::ColumnCount - 1; ++column)
        m_view->setColumnWidth(column, m_view->columnWidth(column) + padding);
}

QByteArray Dashboard::saveHeaderState() const
{
    return m_view->horizontalHeader()->saveState();
}

void Dashboard::restoreHeaderState(const QByteArray &state)
{
    if (!state.isEmpty())
        m_view->horizontalHeader()->restoreState(state);
}

QByteArray Dashboard::saveSplitterState() const
{
    return m_splitter->saveState();
}

void Dashboard::restoreSplitterState(const QByteArray &state)
{
    if (!state.isEmpty())
        m_splitter->restoreState(state);
}
