// NodeTableModel: one row per node, following the poller's statuses. Every test runs
// the model under QAbstractItemModelTester, which checks the model's contract on
// each change; the tests check that a refresh changes rows in place and that
// discovered nodes come and go by row insertions and removals, never a reset.

#include "NodeTableModel.h"
#include "StatusTestSupport.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace StatusTestSupport;

namespace {

const QDateTime now(QDate(2026, 11, 23), QTime(12, 0), Qt::UTC);

NodeSpec node(const QString &name, const QString &url, std::optional<SshTarget> ssh = std::nullopt)
{
    return NodeSpec {name, QUrl(url), QString(), std::move(ssh)};
}

SshTarget ssh(const QString &user, const QString &host)
{
    return SshTarget {host, 22, user, QString(), SecretRef {}, SecretRef {}};
}

QList<NodeSpec> jatosNodes()
{
    return {
        node(u"jatos-1"_s, u"http://jatos-1.example.org:9000/"_s, ssh(u"jatos"_s, u"jatos-1.example.org"_s)),
        node(u"jatos-2"_s, u"http://jatos-2.example.org:9000/"_s),
        node(u"jatos-3"_s, u"http://jatos-3.example.org:9000/"_s)};
}

// The statuses of jatos-1..3, all up, as the poller reports them.
QList<NodeStatus> jatosStatuses()
{
    return {upNode(u"jatos-1"_s), upNode(u"jatos-2"_s), upNode(u"jatos-3"_s)};
}

NodeStatus discovered(const QString &name)
{
    NodeStatus status = upNode(name);
    status.discovered = true;
    status.replicaName = name;
    return status;
}

QStringList namesOf(const QAbstractItemModel &model)
{
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names << model.index(row, 0).data(NodeTableModel::NodeNameRole).toString();
    return names;
}

} // namespace

class TestNodeTableModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void startsEmpty();
    void headers_data();
    void headers();

    void setNodesStartsUnknown();
    void setNodesResets();

    void setStatusesUpdatesInPlace();
    void unchangedStatusesEmitNothing();
    void clockMovesUptimes();
    void discoveredNodesAppended();
    void discoveredNodesRemovedWhenAbsent();
    void discoveredComeAndGoTogether();
    void profileNodesNeverRemoved();

    void display_data();
    void display();
    void roles();
    void unscheduledNode();
    void uptimePrefersReplicaStart();
    void errorColumnFallsBackToControl();
    void otherRolesAreEmpty();

    void sortsOnSortRole_data();
    void sortsOnSortRole();
    void proxyFollowsRefresh();
    void versionSortsByVersion();

    void durationText_data();
    void durationText();

private:
    std::unique_ptr<NodeTableModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestNodeTableModel::init()
{
    m_model = std::make_unique<NodeTableModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestNodeTableModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
}

void TestNodeTableModel::startsEmpty()
{
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->columnCount(), 7);
    QVERIFY(m_model->statuses().isEmpty());
    QCOMPARE(m_model->rowOf(u"jatos-1"_s), -1);
    QCOMPARE(m_model->statusOf(u"jatos-1"_s), nullptr);
    QVERIFY(!m_model->index(0, 0).isValid());
}

void TestNodeTableModel::headers_data()
{
    QTest::addColumn<int>("section");
    QTest::addColumn<QString>("text");

    QTest::addRow("name") << int(NodeTableModel::NameColumn) << u"Node"_s;
    QTest::addRow("address") << int(NodeTableModel::AddressColumn) << u"Address"_s;
    QTest::addRow("health") << int(NodeTableModel::HealthColumn) << u"Health"_s;
    QTest::addRow("version") << int(NodeTableModel::VersionColumn) << u"Version"_s;
    QTest::addRow("uptime") << int(NodeTableModel::UptimeColumn) << u"Uptime"_s;
    QTest::addRow("latency") << int(NodeTableModel::LatencyColumn) << u"Latency"_s;
    QTest::addRow("error") << int(NodeTableModel::ErrorColumn) << u"Last error"_s;
}

void TestNodeTableModel::headers()
{
    QFETCH(int, section);
    QFETCH(QString, text);

    QCOMPARE(m_model->headerData(section, Qt::Horizontal).toString(), text);
    QVERIFY(!m_model->headerData(section, Qt::Horizontal, NodeTableModel::SortRole).isValid());
    QCOMPARE(m_model->headerData(section, Qt::Vertical).toInt(), section + 1);
}

void TestNodeTableModel::setNodesStartsUnknown()
{
    QList<NodeSpec> nodes = jatosNodes();
    nodes[1].url = QUrl(u"http://admin:s3cret@jatos-2.example.org:9000/"_s);
    m_model->setNodes(nodes);
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(namesOf(*m_model), (QStringList {u"jatos-1"_s, u"jatos-2"_s, u"jatos-3"_s}));
    QCOMPARE(m_model->rowOf(u"jatos-3"_s), 2);
    for (int row = 0; row < 3; ++row) {
        QCOMPARE(m_model->index(row, NodeTableModel::HealthColumn).data().toString(), u"Unknown"_s);
        QCOMPARE(m_model->index(row, NodeTableModel::HealthColumn).data(NodeTableModel::HealthRole).toInt(),
            int(NodeHealth::Unknown));
        QCOMPARE(m_model->index(row, NodeTableModel::VersionColumn).data().toString(), u"–"_s);
        QCOMPARE(m_model->index(row, NodeTableModel::UptimeColumn).data().toString(), u"–"_s);
        QCOMPARE(m_model->index(row, NodeTableModel::LatencyColumn).data().toString(), u"–"_s);
        QCOMPARE(m_model->index(row, NodeTableModel::ErrorColumn).data().toString(), QString());
    }
    // The address never shows credentials.
    QCOMPARE(m_model->index(1, NodeTableModel::AddressColumn).data().toString(),
        u"http://jatos-2.example.org:9000/"_s);
    // SSH is pending where the profile names a target, not configured elsewhere.
    QCOMPARE(m_model->statusOf(u"jatos-1"_s)->control, ControlState::Pending);
    QCOMPARE(m_model->statusOf(u"jatos-2"_s)->control, ControlState::NotConfigured);
    QVERIFY(!m_model->statusOf(u"jatos-1"_s)->discovered);
}

void TestNodeTableModel::setNodesResets()
{
    m_model->setNodes(jatosNodes());
    m_model->setStatuses(jatosStatuses() << discovered(u"jatos-pod-x"_s), now);
    QCOMPARE(m_model->rowCount(), 4);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    m_model->setNodes({node(u"lion"_s, u"http://10.0.1.1:8080/openspecimen/"_s)});
    QCOMPARE(reset.size(), 1);
    QCOMPARE(namesOf(*m_model), QStringList {u"lion"_s});
    QCOMPARE(m_model->rowOf(u"jatos-1"_s), -1);
    QCOMPARE(m_model->rowOf(u"jatos-pod-x"_s), -1);
    QCOMPARE(m_model->rowOf(u"lion"_s), 0);
}

void TestNodeTableModel::setStatusesUpdatesInPlace()
{
    m_model->setNodes(jatosNodes());
    m_model->setStatuses(jatosStatuses(), now);

    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy moved(m_model.get(), &QAbstractItemModel::rowsMoved);
    QSignalSpy layout(m_model.get(), &QAbstractItemModel::layoutChanged);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    const QPersistentModelIndex kept(m_model->index(1, NodeTableModel::HealthColumn));

    QList<NodeStatus> next = jatosStatuses();
    next[1] = downNode(u"jatos-2"_s, u"connection refused"_s);
    m_model->setStatuses(next, now);

    QCOMPARE(reset.size(), 0);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(moved.size(), 0);
    QCOMPARE(layout.size(), 0);
    // Only jatos-2 changed, and only its row is announced, across every column.
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).value<QModelIndex>(), m_model->index(1, 0));
    QCOMPARE(changed.first().at(1).value<QModelIndex>(), m_model->index(1, NodeTableModel::ColumnCount - 1));

    QVERIFY(kept.isValid());
    QCOMPARE(kept.row(), 1);
    QCOMPARE(kept.data().toString(), u"Down"_s);
    QCOMPARE(kept.data(NodeTableModel::HealthRole).toInt(), int(NodeHealth::Down));
    QCOMPARE(m_model->index(1, NodeTableModel::ErrorColumn).data().toString(), u"connection refused"_s);
    QCOMPARE(m_model->statusOf(u"jatos-2"_s)->health, NodeHealth::Down);

    // Two rows apart change: one signal spans them.
    changed.clear();
    next = jatosStatuses();
    next[0].latencyMs = 80;
    next[2].latencyMs = 90;
    m_model->setStatuses(next, now);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).value<QModelIndex>().row(), 0);
    QCOMPARE(changed.first().at(1).value<QModelIndex>().row(), 2);
    QCOMPARE(m_model->index(2, NodeTableModel::LatencyColumn).data().toString(), u"90 ms"_s);
    QCOMPARE(kept.row(), 1);
}

void TestNodeTableModel::unchangedStatusesEmitNothing()
{
    m_model->setNodes(jatosNodes());
    m_model->setStatuses(jatosStatuses(), now);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->setStatuses(jatosStatuses(), now);
    QCOMPARE(changed.size(), 0);

    // Details the table does not show are still taken over, silently.
    QList<NodeStatus> next = jatosStatuses();
    next[0].javaVersion = u"17.0.13"_s;
    m_model->setStatuses(next, now);
    QCOMPARE(changed.size(), 0);
    QCOMPARE(m_model->statusOf(u"jatos-1"_s)->javaVersion, u"17.0.13"_s);
}

void TestNodeTableModel::clockMovesUptimes()
{
    m_model->setNodes(jatosNodes());
    QList<NodeStatus> statuses = jatosStatuses();
    statuses[0].hostUptimeSeconds = 3000;
    statuses[1].replicaStartedAt = now.addSecs(-30);
    m_model->setStatuses(statuses, now);
    QCOMPARE(m_model->index(0, NodeTableModel::UptimeColumn).data().toString(), u"50 min"_s);
    QCOMPARE(m_model->index(1, NodeTableModel::UptimeColumn).data().toString(), u"30 s"_s);

    // The same statuses a minute later: only the uptime column changes, in every row.
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->setStatuses(statuses, now.addSecs(60));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).value<QModelIndex>(), m_model->index(0, NodeTableModel::UptimeColumn));
    QCOMPARE(changed.first().at(1).value<QModelIndex>(), m_model->index(2, NodeTableModel::UptimeColumn));
    QCOMPARE(m_model->index(1, NodeTableModel::UptimeColumn).data().toString(), u"1 min"_s);
    // The host's uptime is as the host last said; it does not move with the clock.
    QCOMPARE(m_model->index(0, NodeTableModel::UptimeColumn).data().toString(), u"50 min"_s);
}

void TestNodeTableModel::discoveredNodesAppended()
{
    m_model->setNodes(jatosNodes());
    m_model->setStatuses(jatosStatuses(), now);
    const QPersistentModelIndex kept(m_model->index(2, 0));
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);

    m_model->setStatuses(
        jatosStatuses() << discovered(u"jatos-pod-a"_s) << discovered(u"jatos-pod-b"_s), now);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.first().at(1).toInt(), 3);
    QCOMPARE(inserted.first().at(2).toInt(), 4);
    QCOMPARE(m_model->rowCount(), 5);
    QCOMPARE(m_model->rowOf(u"jatos-pod-a"_s), 3);
    QCOMPARE(m_model->rowOf(u"jatos-pod-b"_s), 4);
    QCOMPARE(kept.row(), 2);
    QCOMPARE(m_model->index(4, NodeTableModel::NameColumn).data().toString(), u"jatos-pod-b"_s);
    // The tooltip says where a node the profile does not list comes from.
    QCOMPARE(m_model->index(3, NodeTableModel::NameColumn).data(Qt::ToolTipRole).toString(),
        u"jatos-pod-a (found by the orchestrator, not listed in the profile)"_s);
    QCOMPARE(m_model->index(0, NodeTableModel::NameColumn).data(Qt::ToolTipRole).toString(), u"jatos-1"_s);

    // Known by now: a second refresh inserts nothing.
    m_model->setStatuses(
        jatosStatuses() << discovered(u"jatos-pod-a"_s) << discovered(u"jatos-pod-b"_s), now);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(m_model->rowCount(), 5);
}

void TestNodeTableModel::discoveredNodesRemovedWhenAbsent()
{
    m_model->setNodes(jatosNodes());
    m_model->setStatuses(
        jatosStatuses() << discovered(u"pod-a"_s) << discovered(u"pod-b"_s) << discovered(u"pod-c"_s), now);
    QCOMPARE(m_model->rowCount(), 6);
    const QPersistentModelIndex podC(m_model->index(5, 0));
    const QPersistentModelIndex podB(m_model->index(4, 0));
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);

    m_model->setStatuses(jatosStatuses() << discovered(u"pod-a"_s) << discovered(u"pod-c"_s), now);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.first().at(1).toInt(), 4);
    QCOMPARE(removed.first().at(2).toInt(), 4);
    QVERIFY(!podB.isValid());
    QVERIFY(podC.isValid());
    QCOMPARE(podC.row(), 4);
    QCOMPARE(podC.data().toString(), u"pod-c"_s);
    QCOMPARE(
        namesOf(*m_model), (QStringList {u"jatos-1"_s, u"jatos-2"_s, u"jatos-3"_s, u"pod-a"_s, u"pod-c"_s}));
    // The lookup follows the rows that moved up.
    QCOMPARE(m_model->rowOf(u"pod-c"_s), 4);
    QCOMPARE(m_model->rowOf(u"pod-b"_s), -1);
    QCOMPARE(m_model->statusOf(u"pod-b"_s), nullptr);

    // All gone at once.
    m_model->setStatuses(jatosStatuses(), now);
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_model->rowOf(u"pod-a"_s), -1);
}

void TestNodeTableModel::discoveredComeAndGoTogether()
{
    m_model->setNodes(jatosNodes());
    m_model->setStatuses(jatosStatuses() << discovered(u"pod-old"_s), now);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    // A rollout: the old pod is replaced by a new one, and jatos-1 goes down meanwhile.
    QList<NodeStatus> next = jatosStatuses() << discovered(u"pod-new"_s);
    next[0] = downNode(u"jatos-1"_s, u"refused"_s);
    m_model->setStatuses(next, now);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(namesOf(*m_model), (QStringList {u"jatos-1"_s, u"jatos-2"_s, u"jatos-3"_s, u"pod-new"_s}));
    QCOMPARE(m_model->rowOf(u"pod-new"_s), 3);
    QCOMPARE(m_model->rowOf(u"pod-old"_s), -1);
    QCOMPARE(m_model->index(0, NodeTableModel::HealthColumn).data().toString(), u"Down"_s);
}

void TestNodeTableModel::profileNodesNeverRemoved()
{
    m_model->setNodes(jatosNodes());
    m_model->setStatuses(jatosStatuses(), now);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    // The poller says nothing about jatos-2 (or nothing at all): it stays, as it was.
    m_model->setStatuses({upNode(u"jatos-1"_s), upNode(u"jatos-3"_s)}, now);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_model->rowOf(u"jatos-2"_s), 1);
    m_model->setStatuses({}, now);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(namesOf(*m_model), (QStringList {u"jatos-1"_s, u"jatos-2"_s, u"jatos-3"_s}));
}

void TestNodeTableModel::display_data()
{
    QTest::addColumn<NodeStatus>("status");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("display");

    const int health = NodeTableModel::HealthColumn;
    const int version = NodeTableModel::VersionColumn;
    const int latency = NodeTableModel::LatencyColumn;

    NodeStatus up = upNode(u"jatos-1"_s, u"v3.10.4"_s);
    QTest::addRow("up") << up << health << u"Up"_s;
    QTest::addRow("version normalised") << up << version << u"3.10.4"_s;
    QTest::addRow("latency") << up << latency << u"12 ms"_s;
    up.latencyMs = 0;
    QTest::addRow("zero latency") << up << latency << u"0 ms"_s;

    NodeStatus snapshot = upNode(u"jatos-1"_s, u"8.0-SNAPSHOT"_s);
    snapshot.health = NodeHealth::Starting;
    QTest::addRow("starting") << snapshot << health << u"Starting"_s;
    QTest::addRow("version as reported") << snapshot << version << u"8.0-SNAPSHOT"_s;

    const NodeStatus down = downNode(u"jatos-1"_s, u"refused"_s);
    QTest::addRow("down") << down << health << u"Down"_s;
    QTest::addRow("no version") << down << version << u"–"_s;
    QTest::addRow("no latency") << down << latency << u"–"_s;
}

void TestNodeTableModel::display()
{
    QFETCH(NodeStatus, status);
    QFETCH(int, column);
    QFETCH(QString, display);

    m_model->setNodes(jatosNodes());
    m_model->setStatuses({status}, now);
    const QModelIndex index = m_model->index(m_model->rowOf(status.name), column);
    QVERIFY(index.isValid());
    QCOMPARE(index.data().toString(), display);
    QCOMPARE(index.data(NodeTableModel::NodeNameRole).toString(), status.name);
}

void TestNodeTableModel::roles()
{
    m_model->setNodes(jatosNodes());
    QList<NodeStatus> statuses = jatosStatuses();
    statuses[2] = downNode(u"jatos-3"_s, u"refused"_s);
    statuses[2].latencyMs = -1;
    m_model->setStatuses(statuses, now);
    for (int column = 0; column < NodeTableModel::ColumnCount; ++column) {
        // Name and health are there in every column, for delegates and selection.
        QCOMPARE(m_model->index(2, column).data(NodeTableModel::NodeNameRole).toString(), u"jatos-3"_s);
        QCOMPARE(m_model->index(2, column).data(NodeTableModel::HealthRole).toInt(), int(NodeHealth::Down));
    }
    const QModelIndex health = m_model->index(2, NodeTableModel::HealthColumn);
    QCOMPARE(health.data(NodeTableModel::SortRole).toInt(), int(NodeHealth::Down));
    // The health's tooltip gives the reason.
    QCOMPARE(health.data(Qt::ToolTipRole).toString(), u"refused"_s);
    QCOMPARE(m_model->index(0, NodeTableModel::HealthColumn).data(Qt::ToolTipRole).toString(), u"Up"_s);
    // Numbers sort as numbers: latency is an int, -1 when there is none.
    const QVariant latency = m_model->index(0, NodeTableModel::LatencyColumn).data(NodeTableModel::SortRole);
    QCOMPARE(latency.typeId(), QMetaType::Int);
    QCOMPARE(latency.toInt(), 12);
    QCOMPARE(m_model->index(2, NodeTableModel::LatencyColumn).data(NodeTableModel::SortRole).toInt(), -1);
    // No tooltip for a dash.
    QVERIFY(!m_model->index(2, NodeTableModel::LatencyColumn).data(Qt::ToolTipRole).isValid());
}

void TestNodeTableModel::unscheduledNode()
{
    m_model->setNodes(jatosNodes());
    QList<NodeStatus> statuses = jatosStatuses();
    NodeStatus scaledAway;
    scaledAway.name = u"jatos-3"_s;
    scaledAway.url = QUrl(u"http://jatos-3.example.org:9000/"_s);
    scaledAway.scheduled = false;
    statuses[2] = scaledAway;
    m_model->setStatuses(statuses, now);
    QCOMPARE(
        m_model->index(2, NodeTableModel::HealthColumn).data().toString(), u"Not running (no replica)"_s);
    QCOMPARE(m_model->index(2, NodeTableModel::HealthColumn).data(NodeTableModel::HealthRole).toInt(),
        int(NodeHealth::Unknown));

    // Scheduled again: back to its health.
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    statuses[2].scheduled = true;
    m_model->setStatuses(statuses, now);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(m_model->index(2, NodeTableModel::HealthColumn).data().toString(), u"Unknown"_s);
}

void TestNodeTableModel::uptimePrefersReplicaStart()
{
    m_model->setNodes(jatosNodes());
    QList<NodeStatus> statuses = jatosStatuses();
    statuses[0].hostUptimeSeconds = 3 * 86400 + 4 * 3600;
    statuses[0].replicaStartedAt = now.addSecs(-40);
    statuses[1].hostUptimeSeconds = 2 * 3600 + 5 * 60;
    m_model->setStatuses(statuses, now);

    const QModelIndex pod = m_model->index(0, NodeTableModel::UptimeColumn);
    QCOMPARE(pod.data().toString(), u"40 s"_s);
    QCOMPARE(pod.data(NodeTableModel::SortRole).toLongLong(), 40);
    QCOMPARE(pod.data(Qt::ToolTipRole).toString(), u"Since the container started"_s);

    const QModelIndex host = m_model->index(1, NodeTableModel::UptimeColumn);
    QCOMPARE(host.data().toString(), u"2 h 5 min"_s);
    QCOMPARE(host.data(NodeTableModel::SortRole).toLongLong(), 7500);
    QCOMPARE(host.data(Qt::ToolTipRole).toString(), u"Uptime of the host"_s);

    const QModelIndex none = m_model->index(2, NodeTableModel::UptimeColumn);
    QCOMPARE(none.data().toString(), u"–"_s);
    QCOMPARE(none.data(NodeTableModel::SortRole).toLongLong(), -1);
}

void TestNodeTableModel::errorColumnFallsBackToControl()
{
    m_model->setNodes(jatosNodes());
    QList<NodeStatus> statuses = jatosStatuses();
    statuses[0].control = ControlState::Failed;
    statuses[0].controlError = u"Authentication failed"_s;
    statuses[1] = downNode(u"jatos-2"_s, u"refused"_s);
    statuses[1].control = ControlState::Failed;
    statuses[1].controlError = u"Authentication failed"_s;
    m_model->setStatuses(statuses, now);
    QCOMPARE(m_model->index(0, NodeTableModel::ErrorColumn).data().toString(), u"Authentication failed"_s);
    // The node's own problem comes first.
    QCOMPARE(m_model->index(1, NodeTableModel::ErrorColumn).data().toString(), u"refused"_s);
    QCOMPARE(m_model->index(2, NodeTableModel::ErrorColumn).data().toString(), QString());

    // A control error alone that changes is a change of the row.
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    statuses[0].controlError = u"Host key changed"_s;
    m_model->setStatuses(statuses, now);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(m_model->index(0, NodeTableModel::ErrorColumn).data().toString(), u"Host key changed"_s);
}

void TestNodeTableModel::otherRolesAreEmpty()
{
    m_model->setNodes(jatosNodes());
    m_model->setStatuses(jatosStatuses(), now);
    for (int column = 0; column < m_model->columnCount(); ++column) {
        const QModelIndex index = m_model->index(1, column);
        for (const int role : {int(Qt::EditRole), int(Qt::DecorationRole), int(Qt::CheckStateRole),
                 int(Qt::FontRole), int(Qt::UserRole + 100)})
            QVERIFY2(!index.data(role).isValid(), qPrintable(u"column %1 role %2"_s.arg(column).arg(role)));
    }
}

void TestNodeTableModel::sortsOnSortRole_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QStringList>("byDisplay");
    QTest::addColumn<QStringList>("bySortRole");

    // a is down, b up, c starting, d unknown; latencies 100, 9, 12 and none;
    // uptimes 25 h, 5 min, 40 s and none.
    // Health by severity (unknown, up, starting, down), not alphabetically.
    QTest::addRow("health") << int(NodeTableModel::HealthColumn)
                            << QStringList {u"a"_s, u"c"_s, u"d"_s, u"b"_s}
                            << QStringList {u"d"_s, u"b"_s, u"c"_s, u"a"_s};
    // "100 ms" sorts before "9 ms" as text, not as a number.
    QTest::addRow("latency") << int(NodeTableModel::LatencyColumn)
                             << QStringList {u"a"_s, u"c"_s, u"b"_s, u"d"_s}
                             << QStringList {u"d"_s, u"b"_s, u"c"_s, u"a"_s};
    // a is down: no uptime, whatever its host says; d's container started 10 s ago.
    QTest::addRow("uptime") << int(NodeTableModel::UptimeColumn)
                            << QStringList {u"d"_s, u"c"_s, u"b"_s, u"a"_s}
                            << QStringList {u"a"_s, u"d"_s, u"c"_s, u"b"_s};
}

void TestNodeTableModel::sortsOnSortRole()
{
    QFETCH(int, column);
    QFETCH(QStringList, byDisplay);
    QFETCH(QStringList, bySortRole);

    m_model->setNodes({node(u"a"_s, u"http://a/"_s), node(u"b"_s, u"http://b/"_s),
        node(u"c"_s, u"http://c/"_s), node(u"d"_s, u"http://d/"_s)});
    NodeStatus a = downNode(u"a"_s);
    a.latencyMs = 100;
    a.hostUptimeSeconds = 25 * 3600;
    NodeStatus b = upNode(u"b"_s);
    b.latencyMs = 9;
    b.hostUptimeSeconds = 300;
    NodeStatus c = upNode(u"c"_s);
    c.health = NodeHealth::Starting;
    c.replicaStartedAt = now.addSecs(-40);
    NodeStatus d;
    d.name = u"d"_s;
    d.replicaStartedAt = now.addSecs(-10);
    m_model->setStatuses({a, b, c, d}, now);

    QSortFilterProxyModel proxy;
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(m_model.get());

    proxy.setSortRole(Qt::DisplayRole);
    proxy.sort(column, Qt::AscendingOrder);
    QCOMPARE(namesOf(proxy), byDisplay);

    proxy.setSortRole(NodeTableModel::SortRole);
    QCOMPARE(namesOf(proxy), bySortRole);

    proxy.sort(column, Qt::DescendingOrder);
    QCOMPARE(namesOf(proxy), QStringList(bySortRole.crbegin(), bySortRole.crend()));
}

void TestNodeTableModel::proxyFollowsRefresh()
{
    m_model->setNodes(jatosNodes());
    QList<NodeStatus> statuses = jatosStatuses();
    statuses[0].latencyMs = 5;
    statuses[1].latencyMs = 50;
    statuses[2].latencyMs = 500;
    m_model->setStatuses(statuses, now);

    QSortFilterProxyModel proxy;
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(m_model.get());
    proxy.setSortRole(NodeTableModel::SortRole);
    proxy.sort(NodeTableModel::LatencyColumn, Qt::DescendingOrder);
    QCOMPARE(namesOf(proxy), (QStringList {u"jatos-3"_s, u"jatos-2"_s, u"jatos-1"_s}));

    // The in-place change is enough for the proxy to re-sort.
    statuses[0].latencyMs = 5000;
    m_model->setStatuses(statuses, now);
    QCOMPARE(namesOf(proxy), (QStringList {u"jatos-1"_s, u"jatos-3"_s, u"jatos-2"_s}));

    // A discovered node is sorted in as well.
    NodeStatus pod = discovered(u"pod-a"_s);
    pod.latencyMs = 100;
    m_model->setStatuses(statuses << pod, now);
    QCOMPARE(namesOf(proxy), (QStringList {u"jatos-1"_s, u"jatos-3"_s, u"pod-a"_s, u"jatos-2"_s}));
}

void TestNodeTableModel::versionSortsByVersion()
{
    m_model->setNodes(jatosNodes());
    m_model->setStatuses({upNode(u"jatos-1"_s, u"3.10.4"_s), upNode(u"jatos-2"_s, u"3.9.8"_s),
                             upNode(u"jatos-3"_s, u"3.10.4-beta"_s)},
        now);
    QSortFilterProxyModel proxy;
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(m_model.get());
    proxy.setSortRole(NodeTableModel::SortRole);
    proxy.sort(NodeTableModel::VersionColumn, Qt::AscendingOrder);
    // By version order, not as text: 3.9.8 before 3.10.x, a beta before its release.
    QCOMPARE(namesOf(proxy), (QStringList {u"jatos-2"_s, u"jatos-3"_s, u"jatos-1"_s}));
}

void TestNodeTableModel::durationText_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");

    QTest::addRow("0 s") << qint64(0) << u"0 s"_s;
    QTest::addRow("40 s") << qint64(40) << u"40 s"_s;
    QTest::addRow("59 s") << qint64(59) << u"59 s"_s;
    QTest::addRow("1 min") << qint64(60) << u"1 min"_s;
    QTest::addRow("5 min") << qint64(5 * 60 + 59) << u"5 min"_s;
    QTest::addRow("59 min") << qint64(3599) << u"59 min"_s;
    QTest::addRow("1 h 0 min") << qint64(3600) << u"1 h 0 min"_s;
    QTest::addRow("2 h 5 min") << qint64(2 * 3600 + 5 * 60 + 30) << u"2 h 5 min"_s;
    QTest::addRow("23 h 59 min") << qint64(86399) << u"23 h 59 min"_s;
    QTest::addRow("1 d 0 h") << qint64(86400) << u"1 d 0 h"_s;
    QTest::addRow("3 d 4 h") << qint64(3 * 86400 + 4 * 3600 + 59 * 60) << u"3 d 4 h"_s;
    QTest::addRow("400 d") << qint64(400) * 86400 << u"400 d 0 h"_s;
}

void TestNodeTableModel::durationText()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);

    QCOMPARE(NodeTableModel::durationText(seconds), text);
}

QTEST_GUILESS_MAIN(TestNodeTableModel)
#include "tst_nodetablemodel.moc"
