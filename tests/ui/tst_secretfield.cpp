#include "UiTestSupport.h"
#include "widgets/SecretField.h"

#include <QApplication>
#include <QClipboard>
#include <QCryptographicHash>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QToolButton>

using namespace std::chrono_literals;

namespace {

const QByteArray value = "vT3-q9_ZkLw2pXe7Rb4nYc8sHd1fGj6m";

QString expectedFingerprint(const QByteArray &secret)
{
    return QString::fromLatin1(QCryptographicHash::hash(secret, QCryptographicHash::Sha256).toHex().left(8));
}

} // namespace

class TestSecretField : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void fingerprintLabel();
    void maskedByDefault();
    void revealToggles();
    void editable();
    void copyMarksAndClears();
    void notClearedWhenUserCopiedElse();
    void clearedAfterWidgetIsGone();
    void generateAsks();
    void accessible();

private:
    QClipboard *clipboard() const { return QGuiApplication::clipboard(); }
    qsizetype pendingClears() const
    {
        return clipboard()->findChildren<QTimer *>(QStringLiteral("clusterdesk-clipboard-clear")).size();
    }
};

void TestSecretField::init()
{
    clipboard()->clear();
}

void TestSecretField::fingerprintLabel()
{
    SecretField field;
    QCOMPARE(field.fingerprintLabel()->text(), QStringLiteral("no value"));
    field.setSecret(value);
    QCOMPARE(field.fingerprintLabel()->text(), QStringLiteral("sha256 ") + expectedFingerprint(value));
    field.setSecret("abc");
    QCOMPARE(field.fingerprintLabel()->text(), QStringLiteral("sha256 ba7816bf"));
    QCOMPARE(field.secret(), QByteArray("abc"));
}

void TestSecretField::maskedByDefault()
{
    SecretField field;
    field.setSecret(value);
    QCOMPARE(field.lineEdit()->echoMode(), QLineEdit::Password);
    QVERIFY(field.lineEdit()->isReadOnly());
    QVERIFY(!field.revealButton()->isChecked());
    QVERIFY(field.revealButton()->isCheckable());
    QVERIFY(!field.fingerprintLabel()->text().contains(QString::fromUtf8(value)));
}

void TestSecretField::revealToggles()
{
    SecretField field;
    field.setSecret(value);
    QTest::mouseClick(field.revealButton(), Qt::LeftButton);
    QVERIFY(field.revealButton()->isChecked());
    QCOMPARE(field.lineEdit()->echoMode(), QLineEdit::Normal);
    QCOMPARE(field.lineEdit()->text(), QString::fromUtf8(value));
    QTest::mouseClick(field.revealButton(), Qt::LeftButton);
    QCOMPARE(field.lineEdit()->echoMode(), QLineEdit::Password);
}

void TestSecretField::editable()
{
    SecretField field;
    QSignalSpy edited(&field, &SecretField::secretEdited);
    field.setSecret(value);
    QCOMPARE(edited.count(), 0); // setSecret is not an edit
    field.setEditable(true);
    QVERIFY(!field.lineEdit()->isReadOnly());
    field.lineEdit()->clear();
    QTest::keyClicks(field.lineEdit(), QStringLiteral("abc"));
    QCOMPARE(edited.count(), 3);
    QCOMPARE(edited.last().at(0).toByteArray(), QByteArray("abc"));
    QCOMPARE(field.secret(), QByteArray("abc"));
    QCOMPARE(field.fingerprintLabel()->text(), QStringLiteral("sha256 ba7816bf"));
    field.setEditable(false);
    QVERIFY(field.lineEdit()->isReadOnly());
}

void TestSecretField::copyMarksAndClears()
{
    SecretField field;
    field.setSecret(value);
    field.setClearClipboardAfter(100ms);
    QCOMPARE(clipboard()->text(), QString()); // nothing until the click
    QTest::mouseClick(field.copyButton(), Qt::LeftButton);
    const QMimeData *data = clipboard()->mimeData();
    QVERIFY(data);
    QCOMPARE(data->text(), QString::fromUtf8(value));
    QCOMPARE(data->data(QStringLiteral("x-kde-passwordManagerHint")), QByteArray("secret"));
    QTRY_COMPARE(clipboard()->text(), QString());
    QTRY_COMPARE(pendingClears(), 0);
}

void TestSecretField::notClearedWhenUserCopiedElse()
{
    SecretField field;
    field.setSecret(value);
    field.setClearClipboardAfter(100ms);
    QTest::mouseClick(field.copyButton(), Qt::LeftButton);
    QCOMPARE(clipboard()->text(), QString::fromUtf8(value));
    clipboard()->setText(QStringLiteral("something the user copied"));
    QCOMPARE(pendingClears(), 1);
    // Wait for the clearing to have run (its timer deletes itself), then look.
    QTRY_COMPARE(pendingClears(), 0);
    QCOMPARE(clipboard()->text(), QStringLiteral("something the user copied"));
}

void TestSecretField::clearedAfterWidgetIsGone()
{
    {
        SecretField field;
        field.setSecret(value);
        field.setClearClipboardAfter(100ms);
        field.copyToClipboard();
    }
    QCOMPARE(clipboard()->text(), QString::fromUtf8(value));
    QTRY_COMPARE(clipboard()->text(), QString());
    QTRY_COMPARE(pendingClears(), 0);
}

void TestSecretField::generateAsks()
{
    SecretField field;
    QSignalSpy asked(&field, &SecretField::generateRequested);
    QTest::mouseClick(field.generateButton(), Qt::LeftButton);
    QCOMPARE(asked.count(), 1);
    QCOMPARE(field.secret(), QByteArray()); // the editor decides, not the field
}

void TestSecretField::accessible()
{
    SecretField field;
    field.setSecret(value);
    QCOMPARE(widgetsWithoutAccessibleName(&field), QStringList());
    QVERIFY(!field.revealButton()->toolTip().isEmpty());
    for (QToolButton *button : {field.revealButton(), field.copyButton(), field.generateButton()}) {
        QVERIFY(button->text().contains(QLatin1Char('&')));
        QVERIFY(button->focusPolicy() & Qt::TabFocus);
    }
    QCOMPARE(field.lineEdit()->nextInFocusChain(), field.revealButton());
    QCOMPARE(field.focusProxy(), field.lineEdit());
}

QTEST_MAIN(TestSecretField)
#include "tst_secretfield.moc"
