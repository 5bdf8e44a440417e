#include "UiTestSupport.h"
#include "about/AboutDialog.h"
#include "core/BuildInfo.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QTest>

class TestAboutDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsTheVersions_data();
    void showsTheVersions();
    void titleNamesTheVersion();
    void closeButtonCloses();
    void everyControlHasAnAccessibleName();

private:
    IsolatedSettings m_settings {QStringLiteral("tst_aboutdialog")};
};

void TestAboutDialog::showsTheVersions_data()
{
    QTest::addColumn<QString>("label");
    QTest::addColumn<QString>("accessibleName");
    QTest::addColumn<QString>("expected");
    QTest::newRow("Qt") << QStringLiteral("qtVersionLabel") << QStringLiteral("Qt version")
                        << BuildInfo::qtVersion();
    QTest::newRow("libssh") << QStringLiteral("libsshVersionLabel") << QStringLiteral("libssh version")
                            << BuildInfo::libsshVersion();
    QTest::newRow("QtKeychain") << QStringLiteral("keychainVersionLabel")
                                << QStringLiteral("QtKeychain version") << BuildInfo::keychainVersion();
}

void TestAboutDialog::showsTheVersions()
{
    QFETCH(QString, label);
    QFETCH(QString, accessibleName);
    QFETCH(QString, expected);
    AboutDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *shown = dialog.findChild<QLabel *>(label);
    QVERIFY(shown);
    QVERIFY(!expected.isEmpty());
    QCOMPARE(shown->text(), expected);
    QCOMPARE(shown->accessibleName(), accessibleName);
    QVERIFY(shown->isVisible());
}

void TestAboutDialog::titleNamesTheVersion()
{
    AboutDialog dialog;
    auto *title = dialog.findChild<QLabel *>(QStringLiteral("titleLabel"));
    QVERIFY(title);
    QCOMPARE(title->text(), QStringLiteral("Clusterdesk ") + BuildInfo::version());
    QVERIFY(!title->accessibleName().isEmpty());
}

void TestAboutDialog::closeButtonCloses()
{
    AboutDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *buttons = dialog.findChild<QDialogButtonBox *>(QStringLiteral("buttonBox"));
    QVERIFY(buttons);
    QPushButton *close = buttons->button(QDialogButtonBox::Close);
    QVERIFY(close);
    QTest::mouseClick(close, Qt::LeftButton);
    QTRY_VERIFY(!dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
}

void TestAboutDialog::everyControlHasAnAccessibleName()
{
    AboutDialog dialog;
    const QStringList missing = widgetsWithoutAccessibleName(&dialog);
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u", ")));
}

QTEST_MAIN(TestAboutDialog)
#include "tst_aboutdialog.moc"
