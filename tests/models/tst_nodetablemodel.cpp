// NodeTableModel: one row per node of the open profile. Every test runs the model
// under QAbstractItemModelTester, which checks the model's contract on each change.

#include "NodeTableModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

NodeSpec node(const QString &name, const QString &url, const QString &installDir = {},
    std::optional<SshTarget> ssh = std::nullopt)
{
    return NodeSpec {name, QUrl(url), installDir, std::move(ssh)};
}

SshTarget ssh(const QString &user, const QString &host, int port = 22)
{
    return SshTarget {host, port, user, QString(), SecretRef {}, SecretRef {}};
}

// Three nodes that differ in every column: ssh on the default port, on another
// port and none; an install folder set or left to the preset.
QList<NodeSpec> jatosNodes()
{
    return {node(u"jatos-1"_s, u"http://jatos-1.example.org:9000/"_s, QString(),
                ssh(u"jatos"_s, u"jatos-1.example.org"_s)),
        node(u"jatos-2"_s, u"http://jatos-2.example.org:9000/"_s, u"/srv/jatos"_s,
            ssh(u"deploy"_s, u"10.0.1.2"_s, 2222)),
        node(u"jatos-3"_s, u"https://jatos-3.example.org/"_s)};
}

QList<NodeSpec> openSpecimenNodes()
{
    return {node(u"lion"_s, u"http://10.0.1.1:8080/openspecimen/"_s, u"/opt/tomcat"_s),
        node(u"tiger"_s, u"http://10.0.1.2:8080/openspecimen/"_s, u"/opt/tomcat"_s)};
}

} // namespace

class TestNodeTableModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void startsEmpty();
    void shape();

    void headers_data();
    void headers();

    void data_data();
    void data();
    void installDirDefaultFromPreset();
    void otherRolesAreEmpty();
    void invalidIndexIsEmpty();

    void rowOf_data();
    void rowOf();
    void rowOfManyNodes();

    void sortsOnSortRole_data();
    void sortsOnSortRole();

    void setNodesTwiceResets();
    void setNodesEmptyClears();

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
    QCOMPARE(m_model->columnCount(), static_cast<int>(NodeTableModel::ColumnCount));
    QVERIFY(m_model->nodes().isEmpty());
    QCOMPARE(m_model->rowOf(u"jatos-1"_s), -1);
    QCOMPARE(m_model->rowOf(QString()), -1);
    QVERIFY(!m_model->index(0, 0).isValid());
}

void TestNodeTableModel::shape()
{
    m_model->setNodes(jatosNodes());
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_model->columnCount(), 4);
    QCOMPARE(m_model->nodes(), jatosNodes());
    // A table: no children under any cell.
    const QModelIndex cell = m_model->index(1, NodeTableModel::UrlColumn);
    QVERIFY(cell.isValid());
    QCOMPARE(m_model->rowCount(cell), 0);
    QCOMPARE(m_model->columnCount(cell), 0);
    QVERIFY(!static_cast<QAbstractItemModel *>(m_model.get())->hasChildren(cell));
    QVERIFY(!m_model->index(3, 0).isValid());
    QVERIFY(!m_model->index(0, NodeTableModel::ColumnCount).isValid());
}

void TestNodeTableModel::headers_data()
{
    QTest::addColumn<int>("section");
    QTest::addColumn<QString>("text");

    QTest::addRow("name") << static_cast<int>(NodeTableModel::NameColumn) << u"Node"_s;
    QTest::addRow("url") << static_cast<int>(NodeTableModel::UrlColumn) << u"Address"_s;
    QTest::addRow("control") << static_cast<int>(NodeTableModel::ControlColumn) << u"SSH"_s;
    QTest::addRow("install dir") << static_cast<int>(NodeTableModel::InstallDirColumn) << u"Install folder"_s;
}

void TestNodeTableModel::headers()
{
    QFETCH(int, section);
    QFETCH(QString, text);

    m_model->setNodes(jatosNodes());
    QCOMPARE(m_model->headerData(section, Qt::Horizontal).toString(), text);
    QCOMPARE(m_model->headerData(section, Qt::Horizontal, Qt::DisplayRole).toString(), text);
    // Only the display text is given; other roles fall back to the base class.
    QVERIFY(!m_model->headerData(section, Qt::Horizontal, NodeTableModel::SortRole).isValid());
    // Rows are numbered from 1 by the base class.
    QCOMPARE(m_model->headerData(section, Qt::Vertical).toInt(), section + 1);
}

void TestNodeTableModel::data_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("display");
    QTest::addColumn<QString>("sort");

    const int name = NodeTableModel::NameColumn;
    const int url = NodeTableModel::UrlColumn;
    const int control = NodeTableModel::ControlColumn;
    const int install = NodeTableModel::InstallDirColumn;

    QTest::addRow("name") << 0 << name << u"jatos-1"_s << u"jatos-1"_s;
    QTest::addRow("url") << 0 << url << u"http://jatos-1.example.org:9000/"_s
                         << u"http://jatos-1.example.org:9000/"_s;
    QTest::addRow("https url") << 2 << url << u"https://jatos-3.example.org/"_s
                               << u"https://jatos-3.example.org/"_s;
    // Display shows user@host, sorting uses the host alone.
    QTest::addRow("ssh on port 22") << 0 << control << u"jatos@jatos-1.example.org"_s
                                    << u"jatos-1.example.org"_s;
    QTest::addRow("ssh on port 2222") << 1 << control << u"deploy@10.0.1.2:2222"_s << u"10.0.1.2"_s;
    QTest::addRow("no ssh shows none") << 2 << control << u"none"_s << QString();
    // An empty install folder without a preset default says so, and sorts as empty.
    QTest::addRow("install dir not set") << 0 << install << u"not set"_s << QString();
    QTest::addRow("install dir set") << 1 << install << u"/srv/jatos"_s << u"/srv/jatos"_s;
}

void TestNodeTableModel::installDirDefaultFromPreset()
{
    m_model->setNodes(jatosNodes(), u"/opt/jatos"_s);
    const QModelIndex inherited = m_model->index(0, NodeTableModel::InstallDirColumn);
    QCOMPARE(inherited.data(Qt::DisplayRole).toString(), u"/opt/jatos (default)"_s);
    QCOMPARE(inherited.data(NodeTableModel::SortRole).toString(), u"/opt/jatos"_s);
    const QModelIndex own = m_model->index(1, NodeTableModel::InstallDirColumn);
    QCOMPARE(own.data(Qt::DisplayRole).toString(), u"/srv/jatos"_s);
}

void TestNodeTableModel::data()
{
    QFETCH(int, row);
    QFETCH(int, column);
    QFETCH(QString, display);
    QFETCH(QString, sort);

    m_model->setNodes(jatosNodes());
    const QModelIndex index = m_model->index(row, column);
    QVERIFY(index.isValid());
    QCOMPARE(index.data(Qt::DisplayRole).toString(), display);
    QCOMPARE(index.data(NodeTableModel::SortRole).toString(), sort);
    // Sorting compares strings throughout, empty ones included.
    QCOMPARE(index.data(NodeTableModel::SortRole).typeId(), QMetaType::QString);
    QCOMPARE(index.data(NodeTableModel::NodeNameRole).toString(), jatosNodes().at(row).name);
    // The tooltip repeats the display text (long paths and URLs are cut in the view).
    QCOMPARE(index.data(Qt::ToolTipRole).toString(), display);
}

void TestNodeTableModel::otherRolesAreEmpty()
{
    m_model->setNodes(jatosNodes());
    for (int column = 0; column < m_model->columnCount(); ++column) {
        const QModelIndex index = m_model->index(1, column);
        for (const int role : {int(Qt::EditRole), int(Qt::DecorationRole), int(Qt::CheckStateRole),
                 int(Qt::TextAlignmentRole), int(Qt::FontRole), int(Qt::UserRole + 100)})
            QVERIFY2(!index.data(role).isValid(), qPrintable(u"column %1 role %2"_s.arg(column).arg(role)));
    }
}

void TestNodeTableModel::invalidIndexIsEmpty()
{
    m_model->setNodes(jatosNodes());
    // checkIndex() says why it refuses each index.
    const QRegularExpression notValid(u"^Index QModelIndex\\(-1,-1,.*is not valid"_s);
    QTest::ignoreMessage(QtWarningMsg, notValid);
    QVERIFY(!m_model->data(QModelIndex()).isValid());
    QTest::ignoreMessage(QtWarningMsg, notValid);
    QVERIFY(!m_model->data(QModelIndex(), NodeTableModel::NodeNameRole).isValid());
    // An index of another model, pointing past this model's rows, is refused too.
    NodeTableModel bigger;
    QList<NodeSpec> many = jatosNodes() + openSpecimenNodes();
    bigger.setNodes(many);
    const QModelIndex foreign = bigger.index(4, 0);
    QVERIFY(foreign.isValid());
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^Index .* which is different from this model"_s));
    QVERIFY(!m_model->data(foreign).isValid());
}

void TestNodeTableModel::rowOf_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("row");

    QTest::addRow("first") << u"jatos-1"_s << 0;
    QTest::addRow("middle") << u"jatos-2"_s << 1;
    QTest::addRow("last") << u"jatos-3"_s << 2;
    QTest::addRow("unknown") << u"jatos-4"_s << -1;
    QTest::addRow("case matters") << u"JATOS-1"_s << -1;
    QTest::addRow("no prefix match") << u"jatos"_s << -1;
    QTest::addRow("empty") << QString() << -1;
}

void TestNodeTableModel::rowOf()
{
    QFETCH(QString, name);
    QFETCH(int, row);

    m_model->setNodes(jatosNodes());
    QCOMPARE(m_model->rowOf(name), row);
    if (row >= 0)
        QCOMPARE(m_model->index(row, NodeTableModel::NameColumn).data().toString(), name);
}

void TestNodeTableModel::rowOfManyNodes()
{
    // Every name of a large cluster finds its own row; the lookup is by hash, so
    // this stays fast even though it does 20 000 of them.
    QList<NodeSpec> nodes;
    for (int i = 0; i < 20000; ++i)
        nodes << node(u"node-%1"_s.arg(i), u"http://10.%1.%2.1:8080/"_s.arg(i / 250).arg(i % 250));
    m_model->setNodes(nodes);
    QCOMPARE(m_model->rowCount(), 20000);
    for (int i = 0; i < 20000; ++i) {
        if (m_model->rowOf(u"node-%1"_s.arg(i)) != i)
            QFAIL(qPrintable(u"node-%1 is not in row %1"_s.arg(i)));
    }
    QCOMPARE(m_model->rowOf(u"node-20000"_s), -1);
}

void TestNodeTableModel::sortsOnSortRole_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QStringList>("byDisplay");
    QTest::addColumn<QStringList>("bySortRole");

    // amy@z-host displays before zed@a-host, but a-host sorts first; no ssh sorts before both.
    QTest::addRow("ssh by host") << static_cast<int>(NodeTableModel::ControlColumn)
                                 << QStringList {u"b"_s, u"c"_s, u"a"_s}
                                 << QStringList {u"c"_s, u"a"_s, u"b"_s};
    // "not set" displays after "/opt", but an unset folder sorts first.
    QTest::addRow("install folder unset first")
        << static_cast<int>(NodeTableModel::InstallDirColumn) << QStringList {u"a"_s, u"b"_s, u"c"_s}
        << QStringList {u"c"_s, u"a"_s, u"b"_s};
}

void TestNodeTableModel::sortsOnSortRole()
{
    QFETCH(int, column);
    QFETCH(QStringList, byDisplay);
    QFETCH(QStringList, bySortRole);

    m_model->setNodes({node(u"a"_s, u"http://a/"_s, u"/opt/a"_s, ssh(u"zed"_s, u"a-host"_s)),
        node(u"b"_s, u"http://b/"_s, u"/opt/b"_s, ssh(u"amy"_s, u"z-host"_s)), node(u"c"_s, u"http://c/"_s)});

    QSortFilterProxyModel proxy;
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(m_model.get());
    const auto namesInOrder = [&proxy] {
        QStringList names;
        for (int row = 0; row < proxy.rowCount(); ++row)
            names << proxy.index(row, 0).data(NodeTableModel::NodeNameRole).toString();
        return names;
    };

    proxy.setSortRole(Qt::DisplayRole);
    proxy.sort(column, Qt::AscendingOrder);
    QCOMPARE(namesInOrder(), byDisplay);

    proxy.setSortRole(NodeTableModel::SortRole);
    QCOMPARE(namesInOrder(), bySortRole);

    proxy.sort(column, Qt::DescendingOrder);
    QStringList reversed(bySortRole.crbegin(), bySortRole.crend());
    QCOMPARE(namesInOrder(), reversed);
}

void TestNodeTableModel::setNodesTwiceResets()
{
    QSignalSpy aboutToReset(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);

    m_model->setNodes(jatosNodes());
    QCOMPARE(aboutToReset.size(), 1);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_model->rowOf(u"jatos-3"_s), 2);

    // A persistent index does not survive a reset.
    const QPersistentModelIndex kept(m_model->index(2, 0));
    QVERIFY(kept.isValid());

    m_model->setNodes(openSpecimenNodes());
    QCOMPARE(aboutToReset.size(), 2);
    QCOMPARE(reset.size(), 2);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(changed.size(), 0);
    QVERIFY(!kept.isValid());

    QCOMPARE(m_model->rowCount(), 2);
    QCOMPARE(m_model->nodes(), openSpecimenNodes());
    // The old names are gone from the lookup, the new ones are in it.
    for (const NodeSpec &old : jatosNodes())
        QCOMPARE(m_model->rowOf(old.name), -1);
    QCOMPARE(m_model->rowOf(u"lion"_s), 0);
    QCOMPARE(m_model->rowOf(u"tiger"_s), 1);
    QCOMPARE(m_model->index(1, NodeTableModel::NameColumn).data().toString(), u"tiger"_s);
    QCOMPARE(m_model->index(0, NodeTableModel::ControlColumn).data().toString(), u"none"_s);
    QCOMPARE(m_model->index(0, NodeTableModel::InstallDirColumn).data().toString(), u"/opt/tomcat"_s);

    // The same list again: still a reset, same content, same lookup.
    m_model->setNodes(openSpecimenNodes());
    QCOMPARE(reset.size(), 3);
    QCOMPARE(m_model->rowOf(u"tiger"_s), 1);

    // Back to the first list, reordered: rows follow the new order.
    QList<NodeSpec> reordered = jatosNodes();
    std::reverse(reordered.begin(), reordered.end());
    m_model->setNodes(reordered);
    QCOMPARE(m_model->rowOf(u"jatos-3"_s), 0);
    QCOMPARE(m_model->rowOf(u"jatos-1"_s), 2);
    QCOMPARE(m_model->rowOf(u"lion"_s), -1);
    QCOMPARE(m_model->index(0, NodeTableModel::ControlColumn).data().toString(), u"none"_s);
    QCOMPARE(
        m_model->index(2, NodeTableModel::ControlColumn).data().toString(), u"jatos@jatos-1.example.org"_s);
}

void TestNodeTableModel::setNodesEmptyClears()
{
    m_model->setNodes(jatosNodes());
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    m_model->setNodes({});
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m_model->rowCount(), 0);
    QVERIFY(m_model->nodes().isEmpty());
    QCOMPARE(m_model->rowOf(u"jatos-1"_s), -1);
    QVERIFY(!m_model->index(0, 0).isValid());
}

QTEST_GUILESS_MAIN(TestNodeTableModel)
#include "tst_nodetablemodel.moc"
