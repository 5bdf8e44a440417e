// The diagnostics dialog driven the way an admin drives it, against a cluster whose
// two nodes refuse every connection (127.0.0.1 on a port nobody listens on): the
// bundle is still written, names both nodes as failed and can be opened in its
// folder; Cancel right after Collect, and Esc while collecting, leave the folder
// empty. Every widget has an accessible name.
#include "UiTestSupport.h"
#include "diagnostics/DiagnosticsDialog.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"
#include "secrets/SecretStore.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTcpServer>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace Qt::StringLiterals;

namespace {

// Ports on 127.0.0.1 that nothing listens on, all different.
QList<quint16> closedPorts(int count)
{
    std::vector<std::unique_ptr<QTcpServer>> servers;
    QList<quint16> ports;
    for (int i = 0; i < count; ++i) {
        servers.push_back(std::make_unique<QTcpServer>());
        if (!servers.back()->listen(QHostAddress::LocalHost))
            qFatal("cannot bind a port on 127.0.0.1");
        ports << servers.back()->serverPort();
    }
    return ports; // closed when the servers go
}

QJsonObject node(const QString &name, quint16 port)
{
    return QJsonObject {
        {u"name"_s, name},
        {u"url"_s, u"http://127.0.0.1:%1/"_s.arg(port)},
        {u"ssh"_s, QJsonObject {{u"host"_s, u"127.0.0.1"_s}, {u"port"_s, port}, {u"user"_s, u"jatos"_s}}},
    };
}

QStringList texts(const QListWidget *list)
{
    QStringList all;
    for (int i = 0; i < list->count(); ++i)
        all << list->item(i)->text();
    return all;
}

QStringList folderEntries(const QString &path)
{
    return QDir(path).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
}

} // namespace

class TestDiagnosticsDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void optionsFollowTheWidgets();
    void unreachableNodesStillGiveABundle();
    void cancelRightAfterCollectLeavesNoFile();
    void escapeWhileCollectingAsksAndStops();

private:
    void startCollecting();

    IsolatedSettings m_settings {u"tst_diagnosticsdialog"_s};
    QTemporaryDir m_files;
    LoadedProfile m_profile;
    SecretStore *m_secrets = nullptr;
    DiagnosticsDialog *m_dialog = nullptr;
    std::unique_ptr<QTemporaryDir> m_out;
};

void TestDiagnosticsDialog::initTestCase()
{
    QVERIFY(m_settings.isValid());
    QVERIFY(m_files.isValid());
    const QList<quint16> ports = closedPorts(2);
    const QJsonObject profile {
        {u"format"_s, 1},
        {u"name"_s, u"Diagnostics test cluster"_s},
        {u"product"_s, u"jatos"_s},
        {u"deployment"_s, QJsonObject {{u"kind"_s, u"hosts"_s}}},
        {u"nodes"_s, QJsonArray {node(u"web-a"_s, ports[0]), node(u"web-b"_s, ports[1])}},
    };
    const QString path = m_files.filePath(u"unreachable.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QJsonDocument(profile).toJson());
    file.close();
    const auto loaded = ProfileFile::load(path, PresetRegistry::builtIn());
    QVERIFY2(loaded, loaded ? "" : qPrintable(formatIssues(loaded.error())));
    m_profile = *loaded;
}

void TestDiagnosticsDialog::init()
{
    IsolatedSettings::clear();
    m_out = std::make_unique<QTemporaryDir>();
    QVERIFY(m_out->isValid());
    m_secrets = new SecretStore(this);
    m_dialog = new DiagnosticsDialog(m_profile, m_secrets);
    m_dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dialog));
}

void TestDiagnosticsDialog::cleanup()
{
    // A collection still running is stopped by its engine's destructor.
    delete m_dialog;
    m_dialog = nullptr;
    delete m_secrets;
    m_secrets = nullptr;
    m_out.reset();
}

void TestDiagnosticsDialog::startCollecting()
{
    m_dialog->folderEdit()->selectAll();
    QTest::keyClicks(m_dialog->folderEdit(), QDir::toNativeSeparators(m_out->path()));
    QCOMPARE(m_dialog->folderEdit()->text(), QDir::toNativeSeparators(m_out->path()));
    QVERIFY(m_dialog->collectButton()->isEnabled());
    QVERIFY(m_dialog->collectButton()->isDefault());
    QTest::mouseClick(m_dialog->collectButton(), Qt::LeftButton);
}

void TestDiagnosticsDialog::optionsFollowTheWidgets()
{
    // The defaults: 20 MB of each log, no rotated logs, real host names.
    DiagnosticsOptions options = m_dialog->options();
    QCOMPARE(options.maxLogBytes, 20LL * 1024 * 1024);
    QVERIFY(!options.since);
    QVERIFY(!options.maskHosts);
    QVERIFY(!m_dialog->folderEdit()->text().isEmpty());
    QVERIFY(m_dialog->maskHostsBox()->toolTip().contains(u"this computer"_s));
    QCOMPARE(m_dialog->logSizeBox()->minimum(), 1);
    QCOMPARE(m_dialog->logSizeBox()->maximum(), 2048);

    m_dialog->logSizeBox()->setValue(5);
    m_dialog->rotatedBox()->setCurrentIndex(1);
    m_dialog->maskHostsBox()->setChecked(true);
    options = m_dialog->options();
    QCOMPARE(options.maxLogBytes, 5LL * 1024 * 1024);
    QVERIFY(options.since);
    QCOMPARE(options.since->count(), 24LL * 3600);
    QVERIFY(options.maskHosts);
    m_dialog->rotatedBox()->setCurrentIndex(2);
    QCOMPARE(m_dialog->options().since->count(), 168LL * 3600);
    m_dialog->rotatedBox()->setCurrentIndex(0);
    QVERIFY(!m_dialog->options().since);

    // An empty folder cannot be collected into.
    m_dialog->folderEdit()->clear();
    QVERIFY(!m_dialog->collectButton()->isEnabled());
    QCOMPARE(widgetsWithoutAccessibleName(m_dialog), QStringList());
}

void TestDiagnosticsDialog::unreachableNodesStillGiveABundle()
{
    QTest::keyClick(m_dialog->maskHostsBox(), Qt::Key_Space);
    QVERIFY(m_dialog->maskHostsBox()->isChecked());
    startCollecting();
    QVERIFY(m_dialog->running());
    QVERIFY(!m_dialog->collectButton()->isEnabled());
    QVERIFY(m_dialog->cancelButton()->isEnabled());
    QCOMPARE(m_dialog->progressBar()->maximum(), 0); // busy
    QTRY_VERIFY_WITH_TIMEOUT(m_dialog->result(), 60000);

    const DiagnosticsResult *result = m_dialog->result();
    QVERIFY2(result->ok, qPrintable(result->error));
    const QStringList zips = QDir(m_out->path()).entryList({u"clusterdesk-diagnostics-*.zip"_s}, QDir::Files);
    QCOMPARE(zips.size(), 1);
    QVERIFY(m_dialog->summaryLabel()->text().contains(zips.first()));

    // One row per source, each ended in words.
    const QTreeWidget *sources = m_dialog->sourcesTree();
    QVERIFY(sources->topLevelItemCount() >= 2);
    for (int i = 0; i < sources->topLevelItemCount(); ++i) {
        const QString state = sources->topLevelItem(i)->text(DiagnosticsDialog::StateColumn);
        QVERIFY2(state == u"Done"_s || state.startsWith(u"Failed: "_s), qPrintable(state));
    }

    const QString failures = texts(m_dialog->failuresList()).join(u'\n');
    QVERIFY(m_dialog->failuresList()->isVisibleTo(m_dialog));
    QVERIFY2(failures.contains(u"web-a"_s), qPrintable(failures));
    QVERIFY2(failures.contains(u"web-b"_s), qPrintable(failures));

    // The mapping of masked names is named, and said to stay here.
    QCOMPARE(m_dialog->hostMapLabel()->isVisibleTo(m_dialog), !result->hostMapPath.isEmpty());
    if (!result->hostMapPath.isEmpty()) {
        QVERIFY(m_dialog->hostMapLabel()->text().contains(QDir::toNativeSeparators(result->hostMapPath)));
        QVERIFY(m_dialog->hostMapLabel()->text().contains(u"stays on this computer"_s));
    }

    QVERIFY(m_dialog->openFolderButton()->isEnabled());
    QVERIFY(m_dialog->collectButton()->isEnabled()); // again, if wanted
    QCOMPARE(m_dialog->progressBar()->maximum(), 1);
    QCOMPARE(widgetsWithoutAccessibleName(m_dialog), QStringList());

    // The folder is remembered for the next time.
    DiagnosticsDialog next(m_profile, m_secrets);
    QCOMPARE(next.folderEdit()->text(), QDir::toNativeSeparators(m_out->path()));
}

void TestDiagnosticsDialog::cancelRightAfterCollectLeavesNoFile()
{
    startCollecting();
    QVERIFY(m_dialog->cancelButton()->isEnabled());
    QTest::mouseClick(m_dialog->cancelButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_dialog->result(), 60000);

    QVERIFY(m_dialog->result()->cancelled);
    QVERIFY(!m_dialog->result()->ok);
    QCOMPARE(folderEntries(m_out->path()), QStringList());
    QCOMPARE(m_dialog->summaryLabel()->text(), u"Cancelled; no file was written."_s);
    QVERIFY(!m_dialog->openFolderButton()->isEnabled());
    QVERIFY(!m_dialog->cancelButton()->isEnabled());
    QVERIFY(m_dialog->isVisible()); // Cancel stops the collection, not the dialog
    QCOMPARE(widgetsWithoutAccessibleName(m_dialog), QStringList());
}

void TestDiagnosticsDialog::escapeWhileCollectingAsksAndStops()
{
    startCollecting();
    QVERIFY(m_dialog->running());
    QString question;
    QTimer::singleShot(0, this, [&question] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        question = box->text();
        box->button(QMessageBox::Yes)->click();
    });
    QTest::keyClick(m_dialog, Qt::Key_Escape);
    QVERIFY2(question.startsWith(u"Stop collecting?"_s), qPrintable(question));
    // It closes once the engine has stopped, and no file is left.
    QTRY_VERIFY_WITH_TIMEOUT(!m_dialog->isVisible(), 60000);
    QVERIFY(m_dialog->result());
    QVERIFY(m_dialog->result()->cancelled);
    QCOMPARE(folderEntries(m_out->path()), QStringList());
}

QTEST_MAIN(TestDiagnosticsDialog)
#include "tst_diagnosticsdialog.moc"
