#include "UiTestSupport.h"
#include "newprofile/NewProfileDialog.h"
#include "newprofile/ProfileDraft.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTest>

namespace {

template<typename T>
T *child(QWidget *parent, const char *name)
{
    return parent->findChild<T *>(QString::fromLatin1(name));
}

QPushButton *okButton(QDialog *dialog)
{
    return child<QDialogButtonBox>(dialog, "buttonBox")->button(QDialogButtonBox::Ok);
}

void selectProduct(QDialog *dialog, const QString &id)
{
    auto *combo = child<QComboBox>(dialog, "productCombo");
    combo->setCurrentIndex(combo->findData(id));
}

// Types a complete JATOS cluster into the dialog, as a user would.
void fillValidJatos(QDialog *dialog)
{
    QTest::keyClicks(child<QLineEdit>(dialog, "nameEdit"), QStringLiteral("Lab JATOS (prod)"));
    selectProduct(dialog, QStringLiteral("jatos"));
    child<QPlainTextEdit>(dialog, "nodesEdit")
        ->setPlainText(QStringLiteral("jatos-1.example.org\n\n  jatos-2.example.org  \n"));
    child<QLineEdit>(dialog, "databaseHostEdit")->setText(QStringLiteral("db.example.org"));
    child<QLineEdit>(dialog, "databaseSchemaEdit")->setText(QStringLiteral("jatos"));
    child<QLineEdit>(dialog, "databaseUserEdit")->setText(QStringLiteral("jatos"));
}

} // namespace

class TestNewProfileDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void startsWithOkDisabledAndSaysWhy();
    void validInputEnablesOkAndBuildsAValidProfile();
    void badHostLineKeepsOkDisabled_data();
    void badHostLineKeepsOkDisabled();
    void productSetsTheSshUserUntilTheUserTypesOne();
    void secretReferencesFollowThePresetRules();
    void withoutDatabaseThereIsNoDatabasePassword();
    void onlyHostDeploymentsCanBeChosen();
    void everyControlHasAnAccessibleName();

    void slug_data();
    void slug();
    void nodeNames_data();
    void nodeNames();

private:
    IsolatedSettings m_settings {QStringLiteral("tst_newprofiledialog")};
    const PresetRegistry &m_presets = PresetRegistry::builtIn();
};

void TestNewProfileDialog::initTestCase()
{
    QVERIFY(m_presets.contains(QStringLiteral("jatos")));
    QVERIFY(m_presets.contains(QStringLiteral("openspecimen")));
    QVERIFY(m_presets.contains(QStringLiteral("generic")));
}

void TestNewProfileDialog::startsWithOkDisabledAndSaysWhy()
{
    NewProfileDialog dialog(m_presets);
    QVERIFY(!okButton(&dialog)->isEnabled());
    QVERIFY(!dialog.profile());
    QVERIFY2(dialog.problem().startsWith(QStringLiteral("Cluster name:")), qPrintable(dialog.problem()));
    QCOMPARE(child<QLabel>(&dialog, "problemLabel")->text(), dialog.problem());
}

void TestNewProfileDialog::validInputEnablesOkAndBuildsAValidProfile()
{
    NewProfileDialog dialog(m_presets);
    fillValidJatos(&dialog);

    QVERIFY2(okButton(&dialog)->isEnabled(), qPrintable(dialog.problem()));
    QVERIFY(dialog.problem().isEmpty());
    QVERIFY(child<QLabel>(&dialog, "problemLabel")->text().isEmpty());
    QVERIFY(dialog.profile());

    const ClusterProfile &profile = *dialog.profile();
    QVERIFY(profile.validate().isEmpty());
    QVERIFY(ProfileFile::check(profile, m_presets));
    QCOMPARE(profile.name, QStringLiteral("Lab JATOS (prod)"));
    QCOMPARE(profile.product, QStringLiteral("jatos"));
    QCOMPARE(profile.nodes.size(), 2);
    QCOMPARE(profile.nodes[0].name, QStringLiteral("jatos-1"));
    QCOMPARE(profile.nodes[1].name, QStringLiteral("jatos-2"));
    QCOMPARE(profile.nodes[1].url.toString(), QStringLiteral("http://jatos-2.example.org:9000/"));
    QVERIFY(profile.nodes[1].ssh);
    QCOMPARE(profile.nodes[1].ssh->host, QStringLiteral("jatos-2.example.org"));
    QCOMPARE(profile.nodes[1].ssh->port, 22);
    QCOMPARE(profile.nodes[1].ssh->user, QStringLiteral("jatos"));
    QVERIFY(profile.database);
    QCOMPARE(profile.database->password.name, QStringLiteral("lab-jatos-prod/db-password"));
    QCOMPARE(
        profile.secrets.value(QStringLiteral("appSecret")).name, QStringLiteral("lab-jatos-prod/app-secret"));

    // What the dialog builds survives the file format unchanged.
    const auto reparsed = ClusterProfile::fromJson(profile.toJson());
    QVERIFY(reparsed);
    QCOMPARE(*reparsed, profile);

    okButton(&dialog)->click();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
}

void TestNewProfileDialog::badHostLineKeepsOkDisabled_data()
{
    QTest::addColumn<QString>("hosts");
    QTest::addColumn<QString>("expected");
    QTest::newRow("space") << QStringLiteral("jatos-1.example.org\nbad host")
                           << QStringLiteral("Nodes, line 2:");
    QTest::newRow("url") << QStringLiteral("http://jatos-1.example.org/")
                         << QStringLiteral("enter only the host");
    QTest::newRow("user@host") << QStringLiteral("jatos@jatos-1.example.org")
                               << QStringLiteral("Nodes, line 1:");
    QTest::newRow("same host twice") << QStringLiteral("a.example.org\na.example.org")
                                     << QStringLiteral("used by another node");
    QTest::newRow("nothing") << QStringLiteral("\n \n") << QStringLiteral("Nodes:");
}

void TestNewProfileDialog::badHostLineKeepsOkDisabled()
{
    QFETCH(QString, hosts);
    QFETCH(QString, expected);
    NewProfileDialog dialog(m_presets);
    fillValidJatos(&dialog);
    QVERIFY(okButton(&dialog)->isEnabled());

    child<QPlainTextEdit>(&dialog, "nodesEdit")->setPlainText(hosts);
    QVERIFY(!okButton(&dialog)->isEnabled());
    QVERIFY(!dialog.profile());
    QVERIFY2(dialog.problem().contains(expected), qPrintable(dialog.problem()));
    QCOMPARE(child<QLabel>(&dialog, "problemLabel")->text(), dialog.problem());
}

void TestNewProfileDialog::productSetsTheSshUserUntilTheUserTypesOne()
{
    NewProfileDialog dialog(m_presets);
    auto *sshUser = child<QLineEdit>(&dialog, "sshUserEdit");
    selectProduct(&dialog, QStringLiteral("openspecimen"));
    QCOMPARE(sshUser->text(), QStringLiteral("openspecimen"));
    QVERIFY(child<QLabel>(&dialog, "nodesHint")
                ->text()
                .contains(QStringLiteral("http://HOST:8080/openspecimen/")));

    // The generic preset names no SSH user, so one has to be typed.
    fillValidJatos(&dialog);
    selectProduct(&dialog, QStringLiteral("generic"));
    QVERIFY(sshUser->text().isEmpty());
    QVERIFY(!okButton(&dialog)->isEnabled());
    QVERIFY2(dialog.problem().startsWith(QStringLiteral("SSH user:")), qPrintable(dialog.problem()));

    QTest::keyClicks(sshUser, QStringLiteral("deploy"));
    QVERIFY2(okButton(&dialog)->isEnabled(), qPrintable(dialog.problem()));
    selectProduct(&dialog, QStringLiteral("joget"));
    QCOMPARE(sshUser->text(), QStringLiteral("deploy"));
    QCOMPARE(
        dialog.profile()->nodes[0].url.toString(), QStringLiteral("http://jatos-1.example.org:8080/jw/"));
}

void TestNewProfileDialog::secretReferencesFollowThePresetRules()
{
    NewProfileDialog dialog(m_presets);
    fillValidJatos(&dialog);
    selectProduct(&dialog, QStringLiteral("openspecimen"));
    QVERIFY2(dialog.profile(), qPrintable(dialog.problem()));
    QCOMPARE(dialog.profile()->secrets.keys(), QStringList {QStringLiteral("clusterSecret")});
    QCOMPARE(dialog.profile()->secrets.first().name, QStringLiteral("lab-jatos-prod/cluster-secret"));
    QVERIFY(child<QLabel>(&dialog, "secretsNote")
                ->text()
                .contains(QStringLiteral("lab-jatos-prod/cluster-secret")));

    selectProduct(&dialog, QStringLiteral("joget"));
    QVERIFY(dialog.profile()->secrets.isEmpty());
}

void TestNewProfileDialog::withoutDatabaseThereIsNoDatabasePassword()
{
    NewProfileDialog dialog(m_presets);
    fillValidJatos(&dialog);
    child<QLineEdit>(&dialog, "databaseHostEdit")->clear();
    QVERIFY(!okButton(&dialog)->isEnabled());
    QVERIFY2(dialog.problem().startsWith(QStringLiteral("Database host:")), qPrintable(dialog.problem()));

    child<QGroupBox>(&dialog, "databaseGroup")->setChecked(false);
    QVERIFY2(okButton(&dialog)->isEnabled(), qPrintable(dialog.problem()));
    QVERIFY(!dialog.profile()->database);
    QVERIFY(!dialog.draft().secretNames(m_presets).contains(QStringLiteral("lab-jatos-prod/db-password")));
}

void TestNewProfileDialog::onlyHostDeploymentsCanBeChosen()
{
    NewProfileDialog dialog(m_presets);
    auto *combo = child<QComboBox>(&dialog, "deploymentCombo");
    auto *model = qobject_cast<QStandardItemModel *>(combo->model());
    QVERIFY(model);
    QCOMPARE(model->rowCount(), 3);
    QVERIFY(model->item(0)->isEnabled());
    QVERIFY(!model->item(1)->isEnabled());
    QVERIFY(!model->item(2)->isEnabled());
    QCOMPARE(dialog.draft().kind, DeploymentKind::Hosts);
}

void TestNewProfileDialog::everyControlHasAnAccessibleName()
{
    NewProfileDialog dialog(m_presets);
    const QStringList missing = widgetsWithoutAccessibleName(&dialog);
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u", ")));
}

void TestNewProfileDialog::slug_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    QTest::newRow("words") << QStringLiteral("Lab JATOS (prod)") << QStringLiteral("lab-jatos-prod");
    QTest::newRow("kept") << QStringLiteral("os-2") << QStringLiteral("os-2");
    QTest::newRow("umlaut") << QStringLiteral("Größe 1") << QStringLiteral("gr-e-1");
    QTest::newRow("nothing usable") << QStringLiteral("  !!  ") << QStringLiteral("cluster");
    QTest::newRow("long") << QString(100, u'a') << QString(60, u'a');
}

void TestNewProfileDialog::slug()
{
    QFETCH(QString, name);
    QFETCH(QString, expected);
    QCOMPARE(ProfileDraft::slug(name), expected);
    QVERIFY(ClusterProfile::isValidSecretName(ProfileDraft::slug(name) + QStringLiteral("/db-password")));
}

void TestNewProfileDialog::nodeNames_data()
{
    QTest::addColumn<QStringList>("hosts");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("first labels") << QStringList {QStringLiteral("web-1.a.org"),
        QStringLiteral("web-2.a.org")}
                                  << QStringList {QStringLiteral("web-1"), QStringLiteral("web-2")};
    QTest::newRow("repeated label") << QStringList {QStringLiteral("web.a.org"), QStringLiteral("web.b.org")}
                                    << QStringList {QStringLiteral("web.a.org"), QStringLiteral("web.b.org")};
    QTest::newRow("addresses") << QStringList {QStringLiteral("10.0.0.5"), QStringLiteral("::1")}
                               << QStringList {QStringLiteral("node-1"), QStringLiteral("node-2")};
    QTest::newRow("single label") << QStringList {QStringLiteral("localhost")}
                                  << QStringList {QStringLiteral("localhost")};
}

void TestNewProfileDialog::nodeNames()
{
    QFETCH(QStringList, hosts);
    QFETCH(QStringList, expected);
    QCOMPARE(ProfileDraft::nodeNames(hosts), expected);
}

QTEST_MAIN(TestNewProfileDialog)
#include "tst_newprofiledialog.moc"
