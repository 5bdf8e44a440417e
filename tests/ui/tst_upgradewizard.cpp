// The upgrade wizard against real sandboxes: on hosts (JATOS, 2 nodes, 3.10.0) a
// downgrade is shown blocked and cannot go on, and an upgrade to 3.10.5 is driven
// page by page the way an admin does it and ends with both nodes on the target; on
// Kubernetes (Joget, 2 replicas, 8.0.12) the admin types only the version, the image
// tag follows it, and the upgrade ends with both replicas on 8.1.1. Every widget has
// an accessible name.
#include "UiTestSupport.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"
#include "secrets/SecretStore.h"
#include "upgrade/UpgradeWizard.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QFile>
#include <QLineEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Qt::StringLiterals;

class TestUpgradeWizard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void downgradeIsBlocked();
    void upgradeRunsPageByPage();
    void kubernetesUpgradeByImageTag();

private:
    bool waitForChecks();
    void openWizard(const QString &dir);
    // From the target page on, as an admin goes: checks, confirmation, the run.
    void runToTheEnd();

    QString m_dir;
    LoadedProfile m_profile;
    QTemporaryDir m_work;
    QString m_package;
    SecretStore *m_secrets = nullptr;
    UpgradeWizard *m_wizard = nullptr;
};

void TestUpgradeWizard::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_dir = qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR");
    if (m_dir.isEmpty())
        QSKIP("needs the sandbox fixture (run through CTest)");
    const auto loaded = ProfileFile::load(m_dir + u"/profile.json"_s, PresetRegistry::builtIn());
    QVERIFY(loaded);
    m_profile = *loaded;
    m_package = m_work.filePath(u"jatos-3.10.5.zip"_s);
    QProcess make;
    make.start(qEnvironmentVariable("CLUSTERDESK_SANDBOX"),
        {u"make-release"_s, u"--product"_s, u"jatos"_s, u"--version"_s, u"3.10.5"_s, u"--out"_s, m_package});
    QVERIFY(make.waitForFinished(120000));
    QCOMPARE(make.exitCode(), 0);
    QVERIFY(QFile::exists(m_package + u".sha256"_s));
}

void TestUpgradeWizard::init()
{
    openWizard(m_dir);
}

void TestUpgradeWizard::openWizard(const QString &dir)
{
    const auto loaded = ProfileFile::load(dir + u"/profile.json"_s, PresetRegistry::builtIn());
    QVERIFY(loaded);
    // No keychain here: the sandbox's secrets go into the session's memory store.
    m_secrets = new SecretStore(this);
    QFile secrets(dir + u"/secrets.env"_s);
    QVERIFY(secrets.open(QIODevice::ReadOnly));
    int pending = 0;
    for (const QByteArray &line : secrets.readAll().split('\n')) {
        const qsizetype eq = line.indexOf('=');
        if (eq <= 0)
            continue;
        SecretRequest *request
            = m_secrets->write(QString::fromUtf8(line.left(eq)), line.mid(eq + 1).trimmed());
        ++pending;
        connect(request, &SecretRequest::finished, this, [&pending] { --pending; });
    }
    QTRY_COMPARE_WITH_TIMEOUT(pending, 0, 10000);
    UpgradeWorker::Options options;
    options.hostKeyPolicy = HostKeyPolicy::AcceptNewHostKeys;
    options.journalPath = m_work.filePath(u"upgrades.sqlite"_s);
    options.reportFolder = m_work.filePath(u"reports"_s);
    m_wizard = new UpgradeWizard(*loaded, m_secrets, options);
    m_wizard->show();
    // The keychain is read before the first page lets anyone on.
    QTRY_VERIFY_WITH_TIMEOUT(m_wizard->currentPage()->isComplete(), 10000);
}

void TestUpgradeWizard::cleanup()
{
    delete m_wizard;
    m_wizard = nullptr;
    delete m_secrets;
    m_secrets = nullptr;
}

bool TestUpgradeWizard::waitForChecks()
{
    QSignalSpy assessed(m_wizard->engine(), &UpgradeEngine::assessed);
    return assessed.wait(60000);
}

void TestUpgradeWizard::downgradeIsBlocked()
{
    m_wizard->packageEdit()->setText(m_package);
    QCOMPARE(m_wizard->versionEdit()->text(), u"3.10.5"_s); // read from the package's name
    QCOMPARE(m_wizard->sha256Edit()->text().size(), 64); // from the .sha256 beside it
    m_wizard->versionEdit()->setText(u"3.9.8"_s);
    m_wizard->next();
    QCOMPARE(m_wizard->currentId(), int(UpgradeWizard::ChecksPage));
    QVERIFY(waitForChecks());
    const QTreeWidget *checks = m_wizard->checksTree();
    QVERIFY(checks->topLevelItemCount() >= 10);
    bool downgradeBlocked = false;
    for (int i = 0; i < checks->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = checks->topLevelItem(i);
        if (item->data(0, Qt::UserRole).toString() == u"downgrade"_s) {
            QCOMPARE(item->text(1), u"Blocked"_s); // in words, not by colour alone
            QVERIFY2(item->text(2).contains(u"3.10.0"_s), qPrintable(item->text(2)));
            downgradeBlocked = true;
        }
    }
    QVERIFY(downgradeBlocked);
    QVERIFY(!m_wizard->currentPage()->isComplete());
    QVERIFY(!m_wizard->button(QWizard::NextButton)->isEnabled());
    const QStringList missing = widgetsWithoutAccessibleName(m_wizard);
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u", "_s)));
}

void TestUpgradeWizard::upgradeRunsPageByPage()
{
    m_wizard->packageEdit()->setText(m_package);
    runToTheEnd();
}

void TestUpgradeWizard::kubernetesUpgradeByImageTag()
{
    const QString dir = qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR_KUBE");
    if (dir.isEmpty())
        QSKIP("needs the Kubernetes sandbox fixture (run through CTest)");
    cleanup();
    openWizard(dir);
    QVERIFY(!m_wizard->packageEdit()); // an image, not a package
    m_wizard->versionEdit()->setText(u"8.1.1"_s);
    QCOMPARE(m_wizard->imageEdit()->text(), u"8.1.1"_s); // the version's tag, until edited
    runToTheEnd();
    const auto report = m_wizard->report();
    QVERIFY(report);
    QStringList kinds;
    for (const UpgradeReport::Step &step : report->steps)
        kinds << step.description;
    QVERIFY2(kinds.first().startsWith(u"Remember the replica count (2)"_s), qPrintable(kinds.join(u'\n')));
    QVERIFY2(kinds.join(u'\n').contains(u"Set the image to 8.1.1"_s), qPrintable(kinds.join(u'\n')));
    QVERIFY(report->steps.last().detail.contains(u"joget-2: up, 8.1.1"_s));
}

void TestUpgradeWizard::runToTheEnd()
{
    m_wizard->next();
    QVERIFY(waitForChecks());
    QTRY_VERIFY(m_wizard->currentPage()->isComplete());
    m_wizard->next();
    QCOMPARE(m_wizard->currentId(), int(UpgradeWizard::ConfirmPage));
    // Nothing starts before the downtime is confirmed.
    QVERIFY(!m_wizard->button(QWizard::CommitButton)->isEnabled());
    m_wizard->confirmBox()->setChecked(true);
    QVERIFY(m_wizard->button(QWizard::CommitButton)->isEnabled());

    QSignalSpy ended(m_wizard, &UpgradeWizard::runEnded);
    m_wizard->next();
    QCOMPARE(m_wizard->currentId(), int(UpgradeWizard::RunPage));
    QVERIFY(!m_wizard->button(QWizard::BackButton)->isEnabled());
    QVERIFY(ended.wait(240000));
    const auto report = m_wizard->report();
    QVERIFY(report);
    QVERIFY2(report->outcome == UpgradeReport::Outcome::Completed, qPrintable(report->toText()));
    QVERIFY(report->backup);
    QVERIFY(QFile::exists(report->backup->path));
    QCOMPARE(m_wizard->currentId(), int(UpgradeWizard::ResultPage));
    const QTreeWidget *steps = m_wizard->stepsTree();
    QCOMPARE(steps->topLevelItemCount(), int(report->steps.size()));
    for (int i = 0; i < steps->topLevelItemCount(); ++i)
        QCOMPARE(steps->topLevelItem(i)->text(1), u"Done"_s);
    const QStringList missing = widgetsWithoutAccessibleName(m_wizard);
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u", "_s)));
}

QTEST_MAIN(TestUpgradeWizard)
#include "tst_upgradewizard.moc"
