#include "NodeTableModel.h"
#include "UiTestSupport.h"
#include "dashboard/ClusterSummary.h"
#include "dashboard/Dashboard.h"
#include "dashboard/DatabasePanel.h"
#include "dashboard/HealthIcons.h"
#include "dashboard/HostKeyDialog.h"
#include "dashboard/HostKeyPrompter.h"
#include "dashboard/LatencyChart.h"
#include "dashboard/NodeDetailsPane.h"
#include "dashboard/NodeFilterProxy.h"
#include "dashboard/WarningBanner.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTimeZone>

namespace {

const QDateTime now = QDateTime(QDate(2026, 11, 20), QTime(14, 0, 0), QTimeZone::utc());

LoadedProfile loadProfile()
{
    auto loaded = ProfileFile::load(
        QStringLiteral(CLUSTERDESK_TEST_DATA_DIR "/ui/ui-jatos.json"), PresetRegistry::builtIn());
    Q_ASSERT(loaded);
    return *loaded;
}

NodeStatus node(const QString &name, NodeHealth health, const QString &version, int latency = 20)
{
    NodeStatus status;
    status.name = name;
    status.url = QUrl(QStringLiteral("http://%1.test.invalid:9000/").arg(name));
    status.health = health;
    status.version = Version::parse(version);
    status.versionText = version;
    status.latencyMs = health == NodeHealth::Down ? -1 : latency;
    status.checkedAt = now;
    status.healthSince = now.addSecs(-600);
    status.control = ControlState::Ok;
    return status;
}

// Three nodes of the test profile: two on 3.10.1, one on 3.9.1 and down; the
// schema belongs to 3.10.1, so web-c runs against a newer schema.
ClusterStatus threeNodes()
{
    ClusterStatus status;
    status.cluster = QStringLiteral("UI test cluster");
    status.product = QStringLiteral("jatos");
    status.productName = QStringLiteral("JATOS");
    status.deployment = QStringLiteral("hosts");
    status.nodes = {node(QStringLiteral("web-a"), NodeHealth::Up, QStringLiteral("3.10.1"), 12),
        node(QStringLiteral("web-b"), NodeHealth::Up, QStringLiteral("3.10.1"), 30),
        node(QStringLiteral("web-c"), NodeHealth::Starting, QStringLiteral("3.9.1"), 80)};
    status.nodes[1].javaVersion = QStringLiteral("17.0.9");
    status.nodes[1].processRunning = true;
    status.nodes[1].installDirFreeBytes = qint64(10) * 1024 * 1024 * 1024;
    status.nodes[1].sharedDirFreeBytes = qint64(512) * 1024 * 1024;
    status.nodes[1].hostUptimeSeconds = 3 * 86400 + 4 * 3600;
    status.nodes[2].error = QStringLiteral("connection refused");
    status.replicas.desired = 3;
    status.replicas.ready = 2;
    status.replicas.autoscaler.present = true;
    status.replicas.autoscaler.minReplicas = 2;
    status.replicas.autoscaler.maxReplicas = 5;
    DatabaseSummary &db = status.database;
    db.configured = db.checked = db.reachable = true;
    db.host = QStringLiteral("db.test.invalid");
    db.port = 3307;
    db.serverVersion = QStringLiteral("10.11.6-MariaDB");
    db.schema = DatabaseSummary::Schema::Known;
    db.schemaVersion = Version::parse(u"3.10.1");
    db.schemaRevision = 23;
    db.schemaText = QStringLiteral("evolution 23 (JATOS 3.10.1 or later)");
    db.replicasKind = QStringLiteral("galera");
    db.replicasSummary = QStringLiteral("Galera: 3 nodes, Primary, Synced");
    db.replicaCount = 3;
    db.latencyMs = 4;
    db.checkedAt = now;
    status.orchestratorChecked = true;
    status.refreshedAt = now;
    return status;
}

QStringList shownNodes(const QAbstractItemModel *model)
{
    QStringList names;
    for (int row = 0; row < model->rowCount(); ++row)
        names << model->index(row, NodeTableModel::NameColumn).data().toString();
    return names;
}

QImage rendered(const QIcon &icon)
{
    return icon.pixmap(QSize(32, 32)).toImage();
}

} // namespace

class TestDashboard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void summaryShowsReplicasVersionsAndDatabase();
    void warningsNameMixedVersionsAndSchema();
    void healthHasTextAndADistinctIcon();
    void filterByText_data();
    void filterByText();
    void problemsOnly();
    void ctrlFFocusesTheFilter();
    void selectionStaysOnItsNodeAcrossUpdates();
    void thousandNodesUpdateInPlace();
    void detailsShowFactsAndRecentErrors();
    void databasePanelShowsTheDatabase();
    void hostKeyDialogAnswers_data();
    void hostKeyDialogAnswers();
    void hostKeyDialogCancelsOnEscape();
    void hostKeyQuestionsComeOneAtATime();
    void changedHostKeyAsksBeforeRemovingTheOldKey();
    void everyControlHasAnAccessibleName();

private:
    IsolatedSettings m_settings {QStringLiteral("tst_dashboard")};
};

void TestDashboard::initTestCase()
{
    QVERIFY(m_settings.isValid());
    QVERIFY(!PresetRegistry::builtIn().ids().isEmpty());
}

void TestDashboard::summaryShowsReplicasVersionsAndDatabase()
{
    Dashboard dashboard;
    dashboard.setProfile(loadProfile(), QString());
    ClusterSummary *summary = dashboard.summary();
    QCOMPARE(summary->fieldText(QStringLiteral("Cluster name")), QStringLiteral("UI test cluster"));
    QCOMPARE(summary->fieldText(QStringLiteral("Product")), QStringLiteral("JATOS"));
    QCOMPARE(summary->fieldText(QStringLiteral("Deployment")), QStringLiteral("Hosts over SSH"));
    QCOMPARE(summary->fieldText(QStringLiteral("Overall health")), QStringLiteral("Not checked yet"));

    const ClusterStatus status = threeNodes();
    dashboard.setStatus(status, ClusterAssessment::of(status), now);
    QCOMPARE(summary->fieldText(QStringLiteral("Replicas")), QStringLiteral("2/3 ready (autoscaler 2–5)"));
    QCOMPARE(summary->fieldText(QStringLiteral("Versions")), QStringLiteral("3.9.1, 3.10.1 (mixed)"));
    const QString database = summary->fieldText(QStringLiteral("Database state"));
    QCOMPARE(database, QStringLiteral("reachable · schema of 3.10.1 · 3 replicas"));
    QCOMPARE(summary->fieldText(QStringLiteral("Overall health")), QStringLiteral("Degraded"));
    QCOMPARE(summary->fieldText(QStringLiteral("Last refreshed")),
        QStringLiteral("Last refreshed %1").arg(now.toLocalTime().toString(QStringLiteral("HH:mm:ss"))));

    auto *busy = summary->findChild<QWidget *>(QStringLiteral("refreshBusy"));
    QVERIFY(busy);
    QVERIFY(busy->isHidden());
    dashboard.setRefreshing(true);
    QVERIFY(!busy->isHidden());
    QCOMPARE(busy->accessibleName(), QStringLiteral("Refreshing"));
    dashboard.setRefreshing(false);
    QVERIFY(busy->isHidden());
}

void TestDashboard::warningsNameMixedVersionsAndSchema()
{
    Dashboard dashboard;
    dashboard.show();
    dashboard.setProfile(loadProfile(), QString());
    QVERIFY(!dashboard.warningBanner()->isVisible());

    const ClusterStatus status = threeNodes();
    const ClusterAssessment assessment = ClusterAssessment::of(status);
    QVERIFY(assessment.mixedVersions);
    QCOMPARE(assessment.schema, ClusterAssessment::SchemaRelation::AheadOfApp);
    dashboard.setStatus(status, assessment, now);

    WarningBanner *banner = dashboard.warningBanner();
    QVERIFY(banner->isVisible());
    QCOMPARE(banner->warnings(), assessment.warnings);
    QVERIFY2(banner->text().contains(QStringLiteral("Mixed versions: the nodes run 3.9.1, 3.10.1")),
        qPrintable(banner->text()));
    QVERIFY(banner->text().contains(QStringLiteral("The database schema is ahead of web-c")));
    // Said in words to a screen reader, and marked by an icon, not by colour alone.
    auto *text = banner->findChild<QLabel *>(QStringLiteral("warningText"));
    QVERIFY(text->accessibleName().contains(QStringLiteral("Mixed versions")));
    bool hasIcon = false;
    for (QLabel *label : banner->findChildren<QLabel *>())
        hasIcon = hasIcon || !label->pixmap().isNull();
    QVERIFY(hasIcon);

    // When all is well again, the banner goes.
    ClusterStatus healthy = status;
    healthy.nodes[2] = node(QStringLiteral("web-c"), NodeHealth::Up, QStringLiteral("3.10.1"));
    healthy.replicas.ready = 3;
    const ClusterAssessment fine = ClusterAssessment::of(healthy);
    QCOMPARE(fine.overall, ClusterAssessment::Overall::Healthy);
    dashboard.setStatus(healthy, fine, now);
    QVERIFY(!banner->isVisible());
    QCOMPARE(dashboard.summary()->fieldText(QStringLiteral("Overall health")), QStringLiteral("Healthy"));
    QCOMPARE(dashboard.summary()->fieldText(QStringLiteral("Versions")), QStringLiteral("3.10.1"));
}

void TestDashboard::healthHasTextAndADistinctIcon()
{
    const QList<NodeHealth> healths {
        NodeHealth::Up, NodeHealth::Starting, NodeHealth::Down, NodeHealth::Unknown};
    for (qsizetype i = 0; i < healths.size(); ++i) {
        const QImage image = rendered(HealthIcons::forHealth(healths[i]));
        QVERIFY2(!image.isNull(), qPrintable(NodeHealthText::name(healths[i])));
        for (qsizetype j = 0; j < i; ++j)
            QVERIFY(image != rendered(HealthIcons::forHealth(healths[j])));
    }
    // Crisp at 200%: the SVG renders at twice the size, not a scaled-up bitmap.
    QCOMPARE(HealthIcons::forHealth(NodeHealth::Up).pixmap(QSize(16, 16), 2.0).size(), QSize(32, 32));

    Dashboard dashboard;
    dashboard.setProfile(loadProfile(), QString());
    ClusterStatus status = threeNodes();
    status.nodes[0].health = NodeHealth::Unknown;
    status.nodes[1].health = NodeHealth::Down;
    dashboard.setStatus(status, ClusterAssessment::of(status), now);
    const QAbstractItemModel *model = dashboard.nodeView()->model();
    QSet<qint64> icons;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex health = model->index(row, NodeTableModel::HealthColumn);
        const auto value = static_cast<NodeHealth>(health.data(NodeTableModel::HealthRole).toInt());
        QCOMPARE(health.data().toString(), NodeHealthText::display(value));
        const auto icon = health.data(Qt::DecorationRole).value<QIcon>();
        QVERIFY(!icon.isNull());
        icons.insert(icon.cacheKey());
        // Only the health column carries an icon.
        QVERIFY(model->index(row, NodeTableModel::NameColumn).data(Qt::DecorationRole).isNull());
    }
    QCOMPARE(icons.size(), 3);
}

void TestDashboard::filterByText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("name") << QStringLiteral("WEB-A") << QStringList {QStringLiteral("web-a")};
    QTest::newRow("address") << QStringLiteral("web-b.test") << QStringList {QStringLiteral("web-b")};
    QTest::newRow("version") << QStringLiteral("3.9") << QStringList {QStringLiteral("web-c")};
    QTest::newRow("error") << QStringLiteral("refused") << QStringList {QStringLiteral("web-c")};
    QTest::newRow("everything") << QStringLiteral(
        "  ") << QStringList {QStringLiteral("web-a"), QStringLiteral("web-b"), QStringLiteral("web-c")};
    QTest::newRow("nothing") << QStringLiteral("no such node") << QStringList {};
}

void TestDashboard::filterByText()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    Dashboard dashboard;
    dashboard.setProfile(loadProfile(), QString());
    const ClusterStatus status = threeNodes();
    dashboard.setStatus(status, ClusterAssessment::of(status), now);
    QAbstractItemModelTester tester(dashboard.nodeView()->model());

    dashboard.filterEdit()->setText(text);
    QCOMPARE(shownNodes(dashboard.nodeView()->model()), expected);
    auto *heading = dashboard.findChild<QLabel *>(QStringLiteral("nodesHeading"));
    QCOMPARE(heading->text(),
        expected.size() == 3 ? QStringLiteral("Nodes (3)")
                             : QStringLiteral("Nodes (%1 of 3)").arg(expected.size()));
    dashboard.filterEdit()->clear();
    QCOMPARE(dashboard.nodeView()->model()->rowCount(), 3);
}

void TestDashboard::problemsOnly()
{
    Dashboard dashboard;
    dashboard.setProfile(loadProfile(), QString());
    ClusterStatus status = threeNodes();
    status.nodes[0].controlError = QStringLiteral("Permission denied (publickey)");
    status.nodes[0].control = ControlState::Failed;
    dashboard.setStatus(status, ClusterAssessment::of(status), now);

    QComboBox *filter = dashboard.healthFilter();
    QCOMPARE(filter->count(), 2);
    QCOMPARE(filter->itemText(0), QStringLiteral("All nodes"));
    QCOMPARE(filter->itemText(1), QStringLiteral("Problems only"));
    filter->setCurrentIndex(1);
    // web-a is up but cannot be controlled; web-c is starting; web-b is fine.
    QCOMPARE(shownNodes(dashboard.nodeView()->model()),
        (QStringList {QStringLiteral("web-a"), QStringLiteral("web-c")}));

    // The filter follows the statuses as they change.
    status.nodes[1].health = NodeHealth::Down;
    dashboard.setStatus(status, ClusterAssessment::of(status), now);
    QCOMPARE(dashboard.nodeView()->model()->rowCount(), 3);
    status.nodes[0] = node(QStringLiteral("web-a"), NodeHealth::Up, QStringLiteral("3.10.1"));
    dashboard.setStatus(status, ClusterAssessment::of(status), now);
    QCOMPARE(shownNodes(dashboard.nodeView()->model()),
        (QStringList {QStringLiteral("web-b"), QStringLiteral("web-c")}));

    dashboard.filterEdit()->setText(QStringLiteral("web-c"));
    QCOMPARE(shownNodes(dashboard.nodeView()->model()), QStringList {QStringLiteral("web-c")});
    filter->setCurrentIndex(0);
    QCOMPARE(shownNodes(dashboard.nodeView()->model()), QStringList {QStringLiteral("web-c")});
}

void TestDashboard::ctrlFFocusesTheFilter()
{
    Dashboard dashboard;
    dashboard.setProfile(loadProfile(), QString());
    dashboard.show();
    QApplication::setActiveWindow(&dashboard);
    QVERIFY(QTest::qWaitForWindowActive(&dashboard));
    dashboard.nodeView()->setFocus();
    QTRY_VERIFY(dashboard.nodeView()->hasFocus());
    QTest::keyClick(dashboard.nodeView(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(dashboard.filterEdit()->hasFocus());
    QVERIFY(dashboard.filterEdit()->placeholderText().contains(QStringLiteral("Ctrl+F")));
}

void TestDashboard::selectionStaysOnItsNodeAcrossUpdates()
{
    Dashboard dashboard;
    dashboard.setProfile(loadProfile(), QString());
    ClusterStatus status = threeNodes();
    dashboard.setStatus(status, ClusterAssessment::of(status), now);
    QTableView *view = dashboard.nodeView();
    view->sortByColumn(NodeTableModel::LatencyColumn, Qt::AscendingOrder);
    QCOMPARE(shownNodes(view->model()),
        (QStringList {QStringLiteral("web-a"), QStringLiteral("web-b"), QStringLiteral("web-c")}));

    dashboard.selectNode(QStringLiteral("web-b"));
    QCOMPARE(dashboard.selectedNode(), QStringLiteral("web-b"));
    QCOMPARE(view->selectionModel()->selectedRows().size(), 1);

    QSignalSpy resets(dashboard.nodeModel(), &QAbstractItemModel::modelReset);
    QSignalSpy changes(dashboard.nodeModel(), &QAbstractItemModel::dataChanged);
    // web-b becomes the slowest: its row moves to the bottom, the selection with it.
    status.nodes[1].latencyMs = 900;
    status.nodes[1].checkedAt = now.addSecs(10);
    dashboard.setStatus(status, ClusterAssessment::of(status), now.addSecs(10));
    QCOMPARE(resets.size(), 0);
    QCOMPARE(changes.size(), 2); // the changed row, and the uptime column as the clock moved
    QCOMPARE(shownNodes(view->model()),
        (QStringList {QStringLiteral("web-a"), QStringLiteral("web-c"), QStringLiteral("web-b")}));
    QCOMPARE(dashboard.selectedNode(), QStringLiteral("web-b"));
    const QModelIndexList selected = view->selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data(NodeTableModel::NodeNameRole).toString(), QStringLiteral("web-b"));
    QCOMPARE(selected.first().row(), 2);
    QCOMPARE(dashboard.detailsPane()->fieldText(QStringLiteral("Node latency")), QStringLiteral("900 ms"));

    // Filtered away, the details pane leaves it; filtered back, it can be selected again.
    dashboard.filterEdit()->setText(QStringLiteral("web-a"));
    QVERIFY(dashboard.selectedNode() != QStringLiteral("web-b"));
    dashboard.filterEdit()->clear();
    dashboard.selectNode(QStringLiteral("web-b"));
    QCOMPARE(dashboard.selectedNode(), QStringLiteral("web-b"));
}

void TestDashboard::thousandNodesUpdateInPlace()
{
    Dashboard dashboard;
    dashboard.resize(1200, 800);
    dashboard.show();
    LoadedProfile loaded = loadProfile();
    loaded.profile.nodes.clear();
    ClusterStatus status;
    for (int i = 0; i < 1000; ++i) {
        NodeSpec spec;
        spec.name = QStringLiteral("node-%1").arg(i, 4, 10, QLatin1Char('0'));
        spec.url = QUrl(QStringLiteral("http://10.0.%1.%2:9000/").arg(i / 250).arg(i % 250 + 1));
        loaded.profile.nodes.append(spec);
        status.nodes.append(node(spec.name, NodeHealth::Up, QStringLiteral("3.10.1"), i % 97));
    }
    status.refreshedAt = now;
    dashboard.setProfile(loaded, QString());
    dashboard.setStatus(status, ClusterAssessment::of(status), now);
    dashboard.selectNode(QStringLiteral("node-0500"));

    QSignalSpy resets(dashboard.nodeModel(), &QAbstractItemModel::modelReset);
    QSignalSpy changes(dashboard.nodeModel(), &QAbstractItemModel::dataChanged);
    const int widthBefore = dashboard.nodeView()->columnWidth(NodeTableModel::NameColumn);
    dashboard.nodeView()->setColumnWidth(NodeTableModel::NameColumn, widthBefore + 40);
    for (int i = 0; i < 1000; i += 7)
        status.nodes[i].health = NodeHealth::Down;
    status.refreshedAt = now.addSecs(10);
    dashboard.setStatus(status, ClusterAssessment::of(status), now.addSecs(10));
    QCOMPARE(resets.size(), 0);
    QCOMPARE(changes.size(), 2); // one for the changed rows, one for the uptimes (the clock moved)
    QCOMPARE(dashboard.selectedNode(), QStringLiteral("node-0500"));
    // The user's column widths stay: columns are fitted only on the first fill.
    QCOMPARE(dashboard.nodeView()->columnWidth(NodeTableModel::NameColumn), widthBefore + 40);
    dashboard.healthFilter()->setCurrentIndex(1);
    QCOMPARE(dashboard.nodeView()->model()->rowCount(), 143);
}

void TestDashboard::detailsShowFactsAndRecentErrors()
{
    Dashboard dashboard;
    dashboard.setProfile(loadProfile(), QString());
    ClusterStatus status = threeNodes();

    QHash<QString, NodeHistory> histories;
    NodeStatus past = status.nodes[1];
    for (int i = 0; i < 6; ++i) {
        past.checkedAt = now.addSecs(-60 * (6 - i));
        past.health = i == 3 ? NodeHealth::Down : NodeHealth::Up;
        past.latencyMs = i == 3 ? -1 : 20 + i;
        past.error = i == 3 ? QStringLiteral("read timed out") : QString();
        histories[past.name].record(past);
    }
    histories[status.nodes[1].name].record(status.nodes[1]);
    dashboard.setHistoryLookup([&histories](const QString &name) {
        const auto it = histories.constFind(name);
        return it == histories.cend() ? nullptr : &*it;
    });
    dashboard.setStatus(status, ClusterAssessment::of(status), now);

    NodeDetailsPane *details = dashboard.detailsPane();
    QVERIFY(details->nodeName().isEmpty());
    dashboard.selectNode(QStringLiteral("web-b"));
    QCOMPARE(details->nodeName(), QStringLiteral("web-b"));
    QCOMPARE(details->fieldText(QStringLiteral("Selected node")), QStringLiteral("web-b"));
    QCOMPARE(details->fieldText(QStringLiteral("Node address")),
        QStringLiteral("http://web-b.test.invalid:9000/"));
    QVERIFY2(details->fieldText(QStringLiteral("Node health")).startsWith(QStringLiteral("Up since ")),
        qPrintable(details->fieldText(QStringLiteral("Node health"))));
    QCOMPARE(details->fieldText(QStringLiteral("Node version")), QStringLiteral("3.10.1"));
    QCOMPARE(details->fieldText(QStringLiteral("Node latency")), QStringLiteral("30 ms"));
    QCOMPARE(details->fieldText(QStringLiteral("Node uptime")), QStringLiteral("3 d 4 h"));
    QCOMPARE(details->fieldText(QStringLiteral("SSH control")), QStringLiteral("connected"));
    QCOMPARE(details->fieldText(QStringLiteral("Application process")), QStringLiteral("running"));
    QCOMPARE(
        details->fieldText(QStringLiteral("Free space in the install folder")), QStringLiteral("10.0 GiB"));
    QCOMPARE(
        details->fieldText(QStringLiteral("Free space in the shared folder")), QStringLiteral("512.0 MiB"));
    QCOMPARE(details->fieldText(QStringLiteral("Java version")), QStringLiteral("17.0.9"));
    // A plain host has no pod or container: those rows are hidden, not blank.
    QVERIFY(details->fieldText(QStringLiteral("Pod or container")).isEmpty());

    QCOMPARE(details->recentErrors().size(), 1);
    QVERIFY(details->recentErrors().first().endsWith(QStringLiteral("read timed out")));
    QVERIFY(details->fieldText(QStringLiteral("Recent errors")).contains(QStringLiteral("read timed out")));
    LatencyChart *chart = details->latencyChart();
    QCOMPARE(chart->samples().size(), 7);
    QCOMPARE(chart->accessibleName(), QStringLiteral("Latency history"));
    QVERIFY2(chart->accessibleDescription().contains(QStringLiteral("lowest 20 ms, highest 30 ms")),
        qPrintable(chart->accessibleDescription()));
    QVERIFY(chart->accessibleDescription().contains(QStringLiteral("1 without an answer")));
    chart->resize(300, 90);
    QVERIFY(!chart->grab().isNull()); // paints without a crash

    // A Kubernetes pod shows where it runs.
    status.nodes[1].replicaName = QStringLiteral("jatos-7d9f-abcde");
    status.nodes[1].replicaState = QStringLiteral("running");
    status.nodes[1].replicaReady = true;
    status.nodes[1].restarts = 2;
    status.nodes[1].placement = QStringLiteral("worker-3");
    dashboard.setStatus(status, ClusterAssessment::of(status), now);
    QCOMPARE(details->fieldText(QStringLiteral("Pod or container")), QStringLiteral("jatos-7d9f-abcde"));
    QCOMPARE(details->fieldText(QStringLiteral("Replica state")), QStringLiteral("running, ready"));
    QCOMPARE(details->fieldText(QStringLiteral("Restarts")), QStringLiteral("2"));
    QCOMPARE(details->fieldText(QStringLiteral("Placement")), QStringLiteral("worker-3"));

    // Another node without history: no errors, an empty chart.
    dashboard.selectNode(QStringLiteral("web-a"));
    QCOMPARE(details->fieldText(QStringLiteral("Recent errors")), QStringLiteral("None"));
    QVERIFY(details->latencyChart()->samples().isEmpty());
}

void TestDashboard::databasePanelShowsTheDatabase()
{
    Dashboard dashboard;
    dashboard.setProfile(loadProfile(), QString());
    DatabasePanel *panel = dashboard.databasePanel();
    QCOMPARE(panel->title(), QStringLiteral("Database"));
    QCOMPARE(panel->fieldText(QStringLiteral("Database address")), QStringLiteral("db.test.invalid:3307"));
    QCOMPARE(panel->fieldText(QStringLiteral("Database reachable")), QStringLiteral("not checked yet"));

    ClusterStatus status = threeNodes();
    dashboard.setStatus(status, ClusterAssessment::of(status), now);
    QCOMPARE(panel->fieldText(QStringLiteral("Database reachable")), QStringLiteral("yes"));
    QCOMPARE(panel->fieldText(QStringLiteral("Database server version")), QStringLiteral("10.11.6-MariaDB"));
    QCOMPARE(panel->fieldText(QStringLiteral("Database schema")),
        QStringLiteral("evolution 23 (JATOS 3.10.1 or later)"));
    QCOMPARE(panel->fieldText(QStringLiteral("Database replicas")),
        QStringLiteral("Galera: 3 nodes, Primary, Synced"));
    QCOMPARE(panel->fieldText(QStringLiteral("Database latency")), QStringLiteral("4 ms"));
    QVERIFY(panel->fieldText(QStringLiteral("Registered nodes")).isEmpty()); // JATOS keeps none
    QVERIFY(panel->fieldText(QStringLiteral("Database error")).isEmpty());

    // Joget lists the nodes registered in its database.
    status.database.schema = DatabaseSummary::Schema::NotApplicable;
    status.database.registeredNodes = {QStringLiteral("joget-1"), QStringLiteral("joget-2")};
    dashboard.setStatus(status, ClusterAssessment::of(status), now);
    QCOMPARE(panel->fieldText(QStringLiteral("Registered nodes")), QStringLiteral("joget-1, joget-2"));
    QCOMPARE(
        panel->fieldText(QStringLiteral("Database schema")), QStringLiteral("not tracked for this product"));

    status.database.reachable = false;
    status.database.serverVersion.clear();
    status.database.error = QStringLiteral("Access denied for user 'jatos'");
    dashboard.setStatus(status, ClusterAssessment::of(status), now);
    QCOMPARE(panel->fieldText(QStringLiteral("Database reachable")), QStringLiteral("no"));
    QCOMPARE(
        panel->fieldText(QStringLiteral("Database error")), QStringLiteral("Access denied for user 'jatos'"));
    QCOMPARE(dashboard.summary()->fieldText(QStringLiteral("Database state")), QStringLiteral("unreachable"));
    QCOMPARE(dashboard.summary()->fieldText(QStringLiteral("Overall health")), QStringLiteral("Unreachable"));
}

void TestDashboard::hostKeyDialogAnswers_data()
{
    QTest::addColumn<QString>("button");
    QTest::addColumn<HostKeyDecision>("decision");
    QTest::addColumn<int>("result");
    QTest::newRow("accept once") << QStringLiteral("Accept once") << HostKeyDecision::Once
                                 << int(QDialog::Accepted);
    QTest::newRow("accept and save") << QStringLiteral("Accept and save") << HostKeyDecision::Save
                                     << int(QDialog::Accepted);
    QTest::newRow("cancel") << QStringLiteral("Cancel") << HostKeyDecision::Cancel << int(QDialog::Rejected);
}

void TestDashboard::hostKeyDialogAnswers()
{
    QFETCH(QString, button);
    QFETCH(HostKeyDecision, decision);
    QFETCH(int, result);
    const HostKeyInfo info {QStringLiteral("web-a.test.invalid"), 2222, QStringLiteral("ssh-ed25519"),
        QStringLiteral("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"),
        QStringLiteral("/tmp/known_hosts")};
    HostKeyDialog dialog(QStringLiteral("web-a"), info);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));

    auto *headline = dialog.findChild<QLabel *>(QStringLiteral("hostKeyHeadline"));
    QCOMPARE(headline->text(),
        QStringLiteral("The SSH host key of web-a (web-a.test.invalid:2222) is not known."));
    auto *fingerprint = dialog.findChild<QLabel *>(QStringLiteral("fingerprint"));
    QCOMPARE(fingerprint->text(), info.fingerprint);
    QVERIFY(fingerprint->textInteractionFlags() & Qt::TextSelectableByMouse);
    QVERIFY(fingerprint->font().fixedPitch() || QFontInfo(fingerprint->font()).fixedPitch());
    QCOMPARE(dialog.findChild<QLabel *>(QStringLiteral("keyType"))->text(), QStringLiteral("ssh-ed25519"));
    QCOMPARE(dialog.findChild<QLabel *>(QStringLiteral("knownHostsFile"))->text(),
        QStringLiteral("/tmp/known_hosts"));
    QVERIFY(dialog.cancelButton()->isDefault());
    QVERIFY(!dialog.acceptOnceButton()->isDefault());
    QVERIFY(!dialog.acceptAndSaveButton()->isDefault());
    QVERIFY(widgetsWithoutAccessibleName(&dialog).isEmpty());

    QPushButton *target = nullptr;
    for (QPushButton *candidate : dialog.findChildren<QPushButton *>()) {
        if (candidate->accessibleName() == button)
            target = candidate;
    }
    QVERIFY(target);
    QTest::mouseClick(target, Qt::LeftButton);
    QCOMPARE(dialog.result(), result);
    QCOMPARE(dialog.decision(), decision);
}

void TestDashboard::hostKeyDialogCancelsOnEscape()
{
    HostKeyDialog dialog(QStringLiteral("web-a"), HostKeyInfo {});
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.acceptAndSaveButton()->setFocus();
    QTest::keyClick(&dialog, Qt::Key_Escape);
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QCOMPARE(dialog.decision(), HostKeyDecision::Cancel);

    // Return takes the default button, Cancel, not an accept.
    HostKeyDialog again(QStringLiteral("web-b"), HostKeyInfo {});
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QTest::keyClick(&again, Qt::Key_Return);
    QCOMPARE(again.decision(), HostKeyDecision::Cancel);
    QVERIFY(again.isHidden());
}

void TestDashboard::hostKeyQuestionsComeOneAtATime()
{
    Dashboard dashboard;
    dashboard.show();
    QSignalSpy decided(&dashboard, &Dashboard::hostKeyDecided);
    HostKeyInfo info;
    info.host = QStringLiteral("127.0.0.1");
    dashboard.askHostKey(QStringLiteral("web-a"), info);
    dashboard.askHostKey(QStringLiteral("web-b"), info);
    dashboard.askHostKey(QStringLiteral("web-a"), info); // asked already: not twice
    HostKeyPrompter *prompter = dashboard.hostKeyPrompter();
    QVERIFY(prompter->currentDialog());
    QCOMPARE(prompter->currentDialog()->nodeName(), QStringLiteral("web-a"));
    QCOMPARE(prompter->pendingCount(), 1);
    QVERIFY(decided.isEmpty()); // nothing waited: the call returned with the dialog open
    QCOMPARE(prompter->currentDialog()->windowModality(), Qt::WindowModal);

    prompter->currentDialog()->acceptAndSaveButton()->click();
    QCOMPARE(decided.size(), 1);
    QCOMPARE(decided.at(0).at(0).toString(), QStringLiteral("web-a"));
    QCOMPARE(decided.at(0).at(1).value<HostKeyDecision>(), HostKeyDecision::Save);
    QVERIFY(prompter->currentDialog());
    QCOMPARE(prompter->currentDialog()->nodeName(), QStringLiteral("web-b"));
    QCOMPARE(prompter->pendingCount(), 0);

    prompter->currentDialog()->cancelButton()->click();
    QCOMPARE(decided.size(), 2);
    QCOMPARE(decided.at(1).at(1).value<HostKeyDecision>(), HostKeyDecision::Cancel);
    QVERIFY(!prompter->currentDialog());
}

void TestDashboard::changedHostKeyAsksBeforeRemovingTheOldKey()
{
    Dashboard dashboard;
    dashboard.show();
    dashboard.setProfile(loadProfile(), QString());
    ClusterStatus status = threeNodes();
    status.nodes[0].control = ControlState::HostKeyChanged;
    status.nodes[0].controlError = QStringLiteral("The host key changed");
    dashboard.setStatus(status, ClusterAssessment::of(status), now);
    QSignalSpy removals(&dashboard, &Dashboard::removeKnownHostRequested);

    NodeDetailsPane *details = dashboard.detailsPane();
    dashboard.selectNode(QStringLiteral("web-b"));
    QVERIFY(details->removeKeyButton()->isHidden());
    dashboard.selectNode(QStringLiteral("web-a"));
    QVERIFY(!details->removeKeyButton()->isHidden());
    auto *warning = details->findChild<WarningBanner *>(QStringLiteral("hostKeyChangedWarning"));
    QVERIFY(warning->isVisible());
    QVERIFY2(warning->text().contains(QStringLiteral("The SSH host key of web-a has CHANGED")),
        qPrintable(warning->text()));
    QVERIFY(warning->text().contains(QStringLiteral("man-in-the-middle")));
    QCOMPARE(details->fieldText(QStringLiteral("SSH control")),
        QStringLiteral("refused: the host key has changed"));

    // Keeping the key (the default) removes nothing.
    details->removeKeyButton()->click();
    QMessageBox *box = details->pendingConfirmation();
    QVERIFY(box);
    QVERIFY(box->isVisible());
    QCOMPARE(box->icon(), QMessageBox::Warning);
    QVERIFY(box->text().contains(QStringLiteral("web-a")));
    QVERIFY(box->informativeText().contains(QStringLiteral("posing as the host")));
    QCOMPARE(box->defaultButton()->text(), QStringLiteral("Keep Key"));
    QTest::keyClick(box, Qt::Key_Return);
    QTRY_VERIFY(!details->pendingConfirmation());
    QCOMPARE(removals.size(), 0);

    // Escape keeps it too.
    details->removeKeyButton()->click();
    QTest::keyClick(details->pendingConfirmation(), Qt::Key_Escape);
    QTRY_VERIFY(!details->pendingConfirmation());
    QCOMPARE(removals.size(), 0);

    // Only the explicit button removes it, for the node it was asked about.
    details->removeKeyButton()->click();
    box = details->pendingConfirmation();
    QAbstractButton *remove = nullptr;
    for (QAbstractButton *button : box->buttons()) {
        if (box->buttonRole(button) == QMessageBox::DestructiveRole)
            remove = button;
    }
    QVERIFY(remove);
    QCOMPARE(remove->text(), QStringLiteral("Remove Old Key"));
    remove->click();
    QCOMPARE(removals.size(), 1);
    QCOMPARE(removals.first().first().toString(), QStringLiteral("web-a"));
}

void TestDashboard::everyControlHasAnAccessibleName()
{
    Dashboard dashboard;
    dashboard.show();
    dashboard.setProfile(loadProfile(), QString());
    const ClusterStatus status = threeNodes();
    dashboard.setStatus(status, ClusterAssessment::of(status), now);
    dashboard.selectNode(QStringLiteral("web-b"));
    const QStringList missing = widgetsWithoutAccessibleName(&dashboard);
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u", ")));

    // Tab goes from the filter to the health filter to the table.
    QApplication::setActiveWindow(&dashboard);
    QVERIFY(QTest::qWaitForWindowActive(&dashboard));
    dashboard.filterEdit()->setFocus();
    QTRY_VERIFY(dashboard.filterEdit()->hasFocus());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QTRY_VERIFY(dashboard.healthFilter()->hasFocus());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QTRY_VERIFY(dashboard.nodeView()->hasFocus());
    QVERIFY(dashboard.refreshAction()->isEnabled());
    QCOMPARE(dashboard.refreshAction()->shortcut(), QKeySequence(QKeySequence::Refresh));
    QSignalSpy refreshes(&dashboard, &Dashboard::refreshRequested);
    dashboard.refreshAction()->trigger();
    QCOMPARE(refreshes.size(), 1);
}

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
