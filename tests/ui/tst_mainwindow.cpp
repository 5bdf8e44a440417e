#include "NodeTableModel.h"
#include "UiTestSupport.h"
#include "dashboard/ClusterSummary.h"
#include "dashboard/Dashboard.h"
#include "diagnostics/DiagnosticsDialog.h"
#include "mainwindow/EmptyStatePage.h"
#include "mainwindow/MainWindow.h"
#include "mainwindow/RecentProfiles.h"
#include "profile/PresetRegistry.h"
#include "secrets/SecretStore.h"
#include "status/ClusterPoller.h"

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

namespace {

QString dataFile(const QString &name)
{
    return QStringLiteral(CLUSTERDESK_TEST_DATA_DIR "/ui/") + name;
}

QStringList columnTexts(const QAbstractItemModel *model, int column)
{
    QStringList texts;
    for (int row = 0; row < model->rowCount(); ++row)
        texts << model->index(row, column).data().toString();
    return texts;
}

QStringList recentMenuPaths(QMenu *menu)
{
    QStringList paths;
    for (QAction *action : menu->actions()) {
        if (!action->data().toString().isEmpty())
            paths << action->data().toString();
    }
    return paths;
}

struct Warning
{
    QString title;
    QString text;
    QString details;
};

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void startsOnTheEmptyState();
    void openingAProfileShowsItsNodes();
    void nodeTableSortsByRawValues();
    void openedProfilesLeadTheRecentList();
    void recentListDropsMissingFilesAndClears();
    void invalidProfileWarnsAndKeepsTheEmptyState();
    void invalidProfileShowsAMessageBox();
    void failedOpenKeepsTheOpenProfile();
    void exampleProfileIsUntitledUntilSaved();
    void closeProfileReturnsToTheEmptyState();
    void geometryAndHeaderStateSurviveARestart();
    void statusBarSaysWhenThereIsNoKeychain();
    void everyControlHasAnAccessibleName();
    void openingAProfileStartsPolling();
    void diagnosticsBundleNeedsAProfile();

private:
    IsolatedSettings m_settings {QStringLiteral("tst_mainwindow")};
    QTemporaryDir m_files;
};

void TestMainWindow::initTestCase()
{
    QVERIFY(m_settings.isValid());
    QVERIFY(m_files.isValid());
    // No test may reach the user's keychain: without a session bus the store falls
    // back to memory, which is also what statusBarSaysWhenThereIsNoKeychain checks.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qunsetenv("DISPLAY");
    QVERIFY(!PresetRegistry::builtIn().ids().isEmpty());
}

void TestMainWindow::init()
{
    IsolatedSettings::clear();
}

void TestMainWindow::startsOnTheEmptyState()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QVERIFY(!window.isShowingCluster());
    auto *pages = qobject_cast<QStackedWidget *>(window.centralWidget());
    QVERIFY(pages);
    QCOMPARE(pages->currentWidget(), window.emptyStatePage());
    QCOMPARE(window.windowTitle(), QStringLiteral("Clusterdesk"));
    QVERIFY(!window.profile());

    QStringList buttons;
    for (QPushButton *button : window.emptyStatePage()->findChildren<QPushButton *>())
        buttons << button->accessibleName();
    QCOMPARE(buttons,
        (QStringList {QStringLiteral("Open profile"), QStringLiteral("New profile"),
            QStringLiteral("Open example profile")}));
    QVERIFY(window.emptyStatePage()->recentProfiles().isEmpty());
}

void TestMainWindow::openingAProfileShowsItsNodes()
{
    MainWindow window;
    window.show();
    QVERIFY(window.openProfile(dataFile(QStringLiteral("ui-jatos.json"))));

    QVERIFY(window.isShowingCluster());
    QTableView *view = window.dashboard()->nodeView();
    QCOMPARE(view->model()->rowCount(), 3);
    QCOMPARE(columnTexts(view->model(), 0),
        (QStringList {QStringLiteral("web-a"), QStringLiteral("web-b"), QStringLiteral("web-c")}));

    auto *name = window.dashboard()->findChild<QLabel *>(QStringLiteral("clusterNameLabel"));
    QVERIFY(name);
    QCOMPARE(name->text(), QStringLiteral("UI test cluster"));
    QCOMPARE(window.windowTitle(), QStringLiteral("UI test cluster[*] — Clusterdesk"));
    QVERIFY(!window.isWindowModified());

    QStringList header;
    for (QLabel *label : window.dashboard()->findChildren<QLabel *>())
        header << label->text();
    QVERIFY2(header.contains(QStringLiteral("JATOS")), qPrintable(header.join(u'|')));
    QVERIFY2(header.contains(QStringLiteral("Hosts over SSH")), qPrintable(header.join(u'|')));
    QVERIFY2(header.contains(QStringLiteral("jatos on db.test.invalid:3307")), qPrintable(header.join(u'|')));
}

void TestMainWindow::nodeTableSortsByRawValues()
{
    MainWindow window;
    QVERIFY(window.openProfile(dataFile(QStringLiteral("ui-jatos.json"))));
    QTableView *view = window.dashboard()->nodeView();
    auto *proxy = qobject_cast<QSortFilterProxyModel *>(view->model());
    QVERIFY(proxy);
    QCOMPARE(proxy->sortRole(), int(NodeTableModel::SortRole));
    QVERIFY(view->isSortingEnabled());
    QVERIFY(view->alternatingRowColors());
    QCOMPARE(view->selectionBehavior(), QAbstractItemView::SelectRows);
    QVERIFY(view->horizontalHeader()->stretchLastSection());

    QCOMPARE(proxy->headerData(NodeTableModel::AddressColumn, Qt::Horizontal).toString(),
        QStringLiteral("Address"));
    view->sortByColumn(NodeTableModel::AddressColumn, Qt::DescendingOrder);
    QCOMPARE(columnTexts(proxy, 0),
        (QStringList {QStringLiteral("web-c"), QStringLiteral("web-b"), QStringLiteral("web-a")}));
    QCOMPARE(proxy->index(2, NodeTableModel::AddressColumn).data().toString(),
        QStringLiteral("http://web-a.test.invalid:9000/"));
    // Before the first answer every node's health is unknown, in words and with an icon.
    QCOMPARE(proxy->index(0, NodeTableModel::HealthColumn).data().toString(), QStringLiteral("Unknown"));
    QVERIFY(!proxy->index(0, NodeTableModel::HealthColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
}

void TestMainWindow::openedProfilesLeadTheRecentList()
{
    const QString first = dataFile(QStringLiteral("ui-jatos.json"));
    const QString second = m_files.filePath(QStringLiteral("second.json"));
    QFile::remove(second);
    QVERIFY(QFile::copy(first, second));
    const QString firstAbsolute = QFileInfo(first).absoluteFilePath();

    MainWindow window;
    QVERIFY(window.openProfile(first));
    QCOMPARE(window.recentProfiles()->paths(), QStringList {firstAbsolute});
    QCOMPARE(QSettings().value(QStringLiteral("recentProfiles")).toStringList(), QStringList {firstAbsolute});
    QCOMPARE(recentMenuPaths(window.recentMenu()), QStringList {firstAbsolute});

    QVERIFY(window.openProfile(second));
    QCOMPARE(recentMenuPaths(window.recentMenu()), (QStringList {second, firstAbsolute}));

    // Opening again moves it to the front without a duplicate.
    QVERIFY(window.openProfile(first));
    QCOMPARE(window.recentProfiles()->paths(), (QStringList {firstAbsolute, second}));
    QCOMPARE(recentMenuPaths(window.recentMenu()), (QStringList {firstAbsolute, second}));
    QVERIFY(window.recentMenu()->actions().first()->text().startsWith(QStringLiteral("&1 ui-jatos.json")));
    QCOMPARE(window.emptyStatePage()->recentProfiles(), (QStringList {firstAbsolute, second}));

    // A new window starts with the same list.
    MainWindow another;
    QCOMPARE(recentMenuPaths(another.recentMenu()), (QStringList {firstAbsolute, second}));
    QCOMPARE(another.emptyStatePage()->findChildren<QLabel *>(QStringLiteral("recentProfileLink")).size(), 2);
}

void TestMainWindow::recentListDropsMissingFilesAndClears()
{
    RecentProfiles recent;
    for (int i = 0; i < RecentProfiles::MaxCount + 2; ++i) {
        const QString path = m_files.filePath(QStringLiteral("p%1.json").arg(i));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        recent.add(path);
    }
    QCOMPARE(recent.paths().size(), RecentProfiles::MaxCount);
    QCOMPARE(recent.paths().first(),
        m_files.filePath(QStringLiteral("p%1.json").arg(RecentProfiles::MaxCount + 1)));

    const QString gone = recent.paths().at(1);
    QVERIFY(QFile::remove(gone));
    MainWindow window;
    Q_EMIT window.recentMenu()->aboutToShow();
    QVERIFY(!recentMenuPaths(window.recentMenu()).contains(gone));
    QCOMPARE(recentMenuPaths(window.recentMenu()).size(), RecentProfiles::MaxCount - 1);
    QVERIFY(!window.emptyStatePage()->recentProfiles().contains(gone));

    QAction *clear = nullptr;
    for (QAction *action : window.recentMenu()->actions()) {
        if (action->text() == QStringLiteral("&Clear Recent"))
            clear = action;
    }
    QVERIFY(clear);
    QVERIFY(clear->isEnabled());
    clear->trigger();
    QVERIFY(window.recentProfiles()->paths().isEmpty());
    QVERIFY(recentMenuPaths(window.recentMenu()).isEmpty());
    QVERIFY(window.emptyStatePage()->recentProfiles().isEmpty());
}

void TestMainWindow::invalidProfileWarnsAndKeepsTheEmptyState()
{
    MainWindow window;
    QList<Warning> warnings;
    window.setWarningPresenter(
        [&warnings](const QString &title, const QString &text, const QString &details) {
            warnings.append({title, text, details});
        });
    QVERIFY(!window.openProfile(dataFile(QStringLiteral("ui-invalid.json"))));

    QCOMPARE(warnings.size(), 1);
    QVERIFY(warnings.first().text.contains(QStringLiteral("ui-invalid.json")));
    // Every problem is listed, not only the first.
    QVERIFY2(warnings.first().details.contains(QStringLiteral("nodes[1].name")),
        qPrintable(warnings.first().details));
    QVERIFY(warnings.first().details.contains(QStringLiteral("nodes[1].url")));
    QVERIFY(warnings.first().details.contains(QStringLiteral("database.password")));
    QVERIFY(!window.isShowingCluster());
    QVERIFY(!window.profile());
    QVERIFY(window.recentProfiles()->paths().isEmpty());
}

void TestMainWindow::invalidProfileShowsAMessageBox()
{
    MainWindow window;
    window.show();
    QString shownText;
    QString shownDetails;
    // The box is modal: a timer inside its event loop reads and closes it.
    QTimer closer;
    closer.setInterval(10);
    connect(&closer, &QTimer::timeout, this, [&] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            shownText = box->text();
            shownDetails = box->informativeText();
            QCOMPARE(box->icon(), QMessageBox::Warning);
            box->accept();
        }
    });
    closer.start();
    QVERIFY(!window.openProfile(dataFile(QStringLiteral("ui-invalid.json"))));
    closer.stop();

    QVERIFY2(shownText.contains(QStringLiteral("ui-invalid.json")), qPrintable(shownText));
    QVERIFY(shownDetails.contains(QStringLiteral("nodes[1].name")));
    QVERIFY(!window.isShowingCluster());
}

void TestMainWindow::failedOpenKeepsTheOpenProfile()
{
    MainWindow window;
    int warnings = 0;
    window.setWarningPresenter(
        [&warnings](const QString &, const QString &, const QString &) { ++warnings; });
    QVERIFY(window.openProfile(dataFile(QStringLiteral("ui-jatos.json"))));
    QVERIFY(!window.openProfile(m_files.filePath(QStringLiteral("does-not-exist.json"))));
    QCOMPARE(warnings, 1);
    QVERIFY(window.isShowingCluster());
    QCOMPARE(window.profile()->profile.name, QStringLiteral("UI test cluster"));
}

void TestMainWindow::exampleProfileIsUntitledUntilSaved()
{
    MainWindow window;
    QVERIFY(window.openExampleProfile());
    QVERIFY(window.isShowingCluster());
    QVERIFY(window.profilePath().isEmpty());
    QCOMPARE(window.dashboard()->nodeModel()->rowCount(), 3);
    QVERIFY(window.windowTitle().startsWith(QStringLiteral("Example JATOS cluster")));
    QVERIFY(window.recentProfiles()->paths().isEmpty()); // a resource is not a recent file

    const QString target = m_files.filePath(QStringLiteral("saved-example.json"));
    QFile::remove(target);
    QVERIFY(window.saveProfileTo(target));
    QCOMPARE(window.profilePath(), target);
    QCOMPARE(window.recentProfiles()->paths(), QStringList {target});
    const auto reloaded = ProfileFile::load(target, PresetRegistry::builtIn());
    QVERIFY(reloaded);
    QCOMPARE(reloaded->profile, window.profile()->profile);
}

void TestMainWindow::closeProfileReturnsToTheEmptyState()
{
    MainWindow window;
    QVERIFY(window.openProfile(dataFile(QStringLiteral("ui-jatos.json"))));
    window.closeProfile();
    QVERIFY(!window.isShowingCluster());
    QVERIFY(!window.profile());
    QCOMPARE(window.dashboard()->nodeModel()->rowCount(), 0);
    QCOMPARE(window.windowTitle(), QStringLiteral("Clusterdesk"));
    QCOMPARE(window.emptyStatePage()->recentProfiles(),
        QStringList {QFileInfo(dataFile(QStringLiteral("ui-jatos.json"))).absoluteFilePath()});
}

void TestMainWindow::geometryAndHeaderStateSurviveARestart()
{
    const QSize size(913, 587);
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.resize(size);
        QTRY_COMPARE(window.size(), size);
        window.dashboard()->nodeView()->sortByColumn(NodeTableModel::AddressColumn, Qt::DescendingOrder);
        QVERIFY(window.close());
    }
    QVERIFY(!QSettings().value(QStringLiteral("mainWindow/geometry")).toByteArray().isEmpty());
    QVERIFY(QSettings().contains(QStringLiteral("mainWindow/state")));

    MainWindow restored;
    QCOMPARE(restored.size(), size);
    const QHeaderView *header = restored.dashboard()->nodeView()->horizontalHeader();
    QCOMPARE(header->sortIndicatorSection(), int(NodeTableModel::AddressColumn));
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
}

void TestMainWindow::statusBarSaysWhenThereIsNoKeychain()
{
    MainWindow window;
    window.show();
    QTRY_VERIFY(window.findChild<QLabel *>(QStringLiteral("keychainWarning")));
    auto *label = window.findChild<QLabel *>(QStringLiteral("keychainWarning"));
    QCOMPARE(window.secretStore()->backend(), SecretStore::Backend::MemoryOnly);
    QCOMPARE(label->text(),
        QStringLiteral("No system keychain: secrets are kept in memory for this session only."));
    QVERIFY(label->isVisible());
    QCOMPARE(label->parentWidget(), window.statusBar());
    QVERIFY(!label->toolTip().isEmpty());
}

void TestMainWindow::everyControlHasAnAccessibleName()
{
    MainWindow window;
    window.show();
    QVERIFY(window.openProfile(dataFile(QStringLiteral("ui-jatos.json"))));
    window.closeProfile(); // the empty page now lists a recent profile
    const QStringList missing = widgetsWithoutAccessibleName(&window);
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u", ")));

    for (QAction *action : window.findChildren<QAction *>()) {
        if (action->isSeparator() || action->menu() || action->text().isEmpty() || !action->isEnabled())
            continue;
        const bool reachable = !action->shortcut().isEmpty() || action->text().contains(u'&');
        QVERIFY2(reachable, qPrintable(action->text()));
    }
}

void TestMainWindow::openingAProfileStartsPolling()
{
    // Two ports nobody listens on: taken, then given back, so connecting is refused at once.
    QList<quint16> ports;
    for (int i = 0; i < 2; ++i) {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        ports << server.serverPort();
    }
    const QString path = m_files.filePath(QStringLiteral("refusing.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QStringLiteral(R"({
        "format": 1,
        "name": "Refusing cluster",
        "product": "jatos",
        "deployment": { "kind": "hosts" },
        "nodes": [
            { "name": "local-1", "url": "http://127.0.0.1:%1/" },
            { "name": "local-2", "url": "http://127.0.0.1:%2/" }
        ]
    })")
                   .arg(ports[0])
                   .arg(ports[1])
                   .toUtf8());
    file.close();

    MainWindow window;
    window.show();
    QVERIFY(window.openProfile(path));
    Dashboard *dashboard = window.dashboard();
    QPointer<ClusterPoller> poller = dashboard->poller();
    QVERIFY(poller);
    QVERIFY(poller->isRunning());
    QCOMPARE(poller->parent(), dashboard);
    QCOMPARE(poller->options().interval, std::chrono::milliseconds(10000));

    NodeTableModel *model = dashboard->nodeModel();
    const auto health = [model](const QString &node) {
        const NodeStatus *status = model->statusOf(node);
        return status ? status->health : NodeHealth::Unknown;
    };
    QTRY_COMPARE_WITH_TIMEOUT(health(QStringLiteral("local-1")), NodeHealth::Down, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(health(QStringLiteral("local-2")), NodeHealth::Down, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard->summary()->fieldText(QStringLiteral("Overall health")),
        QStringLiteral("Unreachable"), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        window.statusBar()->currentMessage().startsWith(QStringLiteral("Refreshed at")), 10000);

    // F5 refreshes now, from the Cluster menu's action.
    QAction *refresh = dashboard->refreshAction();
    QCOMPARE(refresh->shortcut(), QKeySequence(Qt::Key_F5));
    QSignalSpy started(poller.data(), &ClusterPoller::refreshStarted);
    refresh->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!started.isEmpty(), 5000);

    // Another profile gets its own poller; closing the profile ends polling.
    QVERIFY(window.openProfile(dataFile(QStringLiteral("ui-jatos.json"))));
    QTRY_VERIFY(!poller);
    QVERIFY(dashboard->poller());
    window.closeProfile();
    QVERIFY(!dashboard->poller());
}

void TestMainWindow::diagnosticsBundleNeedsAProfile()
{
    MainWindow window;
    window.show();
    QAction *action = window.diagnosticsAction();
    QVERIFY(action);
    QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    QVERIFY(!action->statusTip().isEmpty());
    QVERIFY(!action->isEnabled());

    QVERIFY(window.openProfile(dataFile(QStringLiteral("ui-jatos.json"))));
    QVERIFY(action->isEnabled());
    action->trigger();
    QPointer<DiagnosticsDialog> dialog = window.diagnosticsDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY(!dialog->isModal());
    action->trigger(); // one at a time
    QCOMPARE(window.diagnosticsDialog(), dialog.data());

    window.closeProfile();
    QVERIFY(!action->isEnabled());
    dialog->close(); // not collecting: it goes
    QTRY_VERIFY(!dialog);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
