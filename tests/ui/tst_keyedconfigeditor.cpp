// The configuration editor of a Compose deployment against the sandbox's Compose
// emulation over real SSH, driven as a user would: the form shows what the project's
// .env holds, an edit is reviewed and written, bad input and a rotation without a
// keychain change nothing. Dialogs are answered by hooks.
#include "UiTestSupport.h"
#include "audit/AuditLog.h"
#include "config/ConfigChecksView.h"
#include "config/KeyedConfigEditor.h"
#include "profile/PresetRegistry.h"
#include "secrets/SecretStore.h"
#include "widgets/SecretField.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

using namespace Qt::StringLiterals;

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestKeyedConfigEditor : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void formShowsWhatTheStoreHolds();
    void editIsReviewedAndWritten();
    void badInputChangesNothing();
    void rawViewMasksAndReplacesTheFile();
    void rotationWithoutKeychainChangesNothing();

private:
    QString envPath() const { return m_profile.profile.deployment.compose.projectDir + u"/.env"_s; }

    IsolatedSettings m_settings {u"tst_keyedconfigeditor"_s};
    QString m_dir;
    LoadedProfile m_profile;
    QTemporaryDir m_auditDir;
    std::unique_ptr<AuditLog> m_audit;
    SecretStore *m_secrets = nullptr;
    KeyedConfigEditor *m_editor = nullptr;
    QStringList m_notices;
    QStringList m_reviews;
    bool m_accept = false;
};

void TestKeyedConfigEditor::initTestCase()
{
    m_dir = qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR");
    if (m_dir.isEmpty())
        QSKIP("needs the sandbox fixture (run through CTest)");
    const auto loaded = ProfileFile::load(m_dir + u"/profile.json"_s, PresetRegistry::builtIn());
    QVERIFY(loaded);
    m_profile = *loaded;
    QCOMPARE(m_profile.profile.deployment.kind, DeploymentKind::Compose);
    auto audit = AuditLog::open(m_auditDir.filePath(u"audit.sqlite"_s));
    QVERIFY(audit);
    m_audit = std::move(*audit);
}

void TestKeyedConfigEditor::init()
{
    m_notices.clear();
    m_reviews.clear();
    m_accept = false;
    m_secrets = new SecretStore(this);
    ConfigSession::Options options;
    options.hostKeyPolicy = HostKeyPolicy::AcceptNewHostKeys;
    m_editor = new KeyedConfigEditor(KeyedConfigSession::create(m_profile, m_secrets, options), m_secrets);
    m_editor->setAuditLog(m_audit.get());
    m_editor->setNoticeHandler([this](const QString &title, const QString &text, bool problem) {
        m_notices.append((problem ? u"problem: "_s : u"info: "_s) + title + u"\n"_s + text);
    });
    m_editor->setQuestionHandler([](const QString &, const QString &) { return true; });
    m_editor->setReviewHandler([this](const QString &text, bool *restart) {
        m_reviews.append(text);
        *restart = false; // the values are checked in the file; restarts are tst_composeconfigsession's
        return m_accept;
    });
    QSignalSpy reloaded(m_editor, &KeyedConfigEditor::reloaded);
    QVERIFY(reloaded.wait(60000));
}

void TestKeyedConfigEditor::cleanup()
{
    delete m_editor;
    m_editor = nullptr;
    delete m_secrets;
}

void TestKeyedConfigEditor::formShowsWhatTheStoreHolds()
{
    m_editor->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_editor));
    const auto *multiNode = qobject_cast<QComboBox *>(m_editor->editorFor(u"jatos.multiNode"_s));
    QVERIFY(multiNode);
    QCOMPARE(multiNode->currentText(), u"true"_s);
    const auto *url = qobject_cast<QLineEdit *>(m_editor->editorFor(u"jatos.db.url"_s));
    QVERIFY(url);
    QVERIFY(url->text().startsWith(u"jdbc:"_s));
    QVERIFY(url->toolTip().contains(u"JATOS_DB_URL"_s));
    // Secrets: the keychain's (here: none) beside the store's fingerprint, never a value.
    QVERIFY(m_editor->secretField(u"appSecret"_s));
    QVERIFY(!m_editor->pushSecretBox(u"appSecret"_s)->isEnabled()); // nothing in the keychain to write
    QVERIFY(!m_editor->editorFor(u"jatos.secret"_s));
    // The checks ran on the .env and passed.
    const QTreeWidget *checks = m_editor->checksView()->tree();
    QCOMPARE(checks->topLevelItemCount(), 3);
    QCOMPARE(m_editor->checksView()->failedCount(), 0);
    QVERIFY(!m_editor->applyButton()->isEnabled()); // nothing changed yet
    QVERIFY2(widgetsWithoutAccessibleName(m_editor).isEmpty(),
        qPrintable(widgetsWithoutAccessibleName(m_editor).join(u", "_s)));
}

void TestKeyedConfigEditor::editIsReviewedAndWritten()
{
    const QByteArray before = readFile(envPath());
    auto *combo = qobject_cast<QComboBox *>(m_editor->editorFor(u"jatos.multiNode"_s));
    QVERIFY(combo);
    combo->setCurrentText(u"false"_s);
    QVERIFY(m_editor->applyButton()->isEnabled());

    // Declined: nothing is written.
    m_editor->applyButton()->click();
    QCOMPARE(m_reviews.size(), 1);
    QVERIFY2(m_reviews.first().contains(u"JATOS_MULTINODE"_s) && m_reviews.first().contains(u"false"_s),
        qPrintable(m_reviews.first()));
    QCOMPARE(readFile(envPath()), before);

    // Accepted: written, the checks now fail on it, the dashboard-style summary says so.
    m_accept = true;
    QSignalSpy finished(m_editor, &KeyedConfigEditor::pushFinished);
    QSignalSpy reloaded(m_editor, &KeyedConfigEditor::reloaded);
    m_editor->applyButton()->click();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(0).value<PushReport>().outcome, PushReport::Outcome::Applied);
    QVERIFY(reloaded.wait(60000));
    QVERIFY(readFile(envPath()).contains("\nJATOS_MULTINODE=false\n"));
    QCOMPARE(m_editor->checksView()->failedCount(), 1);
    QVERIFY2(m_notices.last().startsWith(u"info: Change Applied"_s), qPrintable(m_notices.last()));

    // And back, through the form again.
    combo = qobject_cast<QComboBox *>(m_editor->editorFor(u"jatos.multiNode"_s));
    QCOMPARE(combo->currentText(), u"false"_s);
    combo->setCurrentText(u"true"_s);
    m_editor->applyButton()->click();
    QVERIFY(finished.wait(60000));
    QVERIFY(reloaded.wait(60000));
    QCOMPARE(readFile(envPath()), before);
    QCOMPARE(m_editor->checksView()->failedCount(), 0);
}

void TestKeyedConfigEditor::badInputChangesNothing()
{
    const QByteArray before = readFile(envPath());
    auto *url = qobject_cast<QLineEdit *>(m_editor->editorFor(u"jatos.db.url"_s));
    url->setText(u"not a url"_s);
    m_accept = true;
    m_editor->applyButton()->click();
    QVERIFY(m_reviews.isEmpty()); // refused before the review
    QCOMPARE(m_notices.size(), 1);
    QVERIFY2(m_notices.first().contains(u"jatos.db.url"_s), qPrintable(m_notices.first()));
    QCOMPARE(readFile(envPath()), before);
}

void TestKeyedConfigEditor::rawViewMasksAndReplacesTheFile()
{
    const QByteArray before = readFile(envPath());
    QByteArray secret;
    for (const QByteArray &line : before.split('\n')) {
        if (line.startsWith("JATOS_SECRET="))
            secret = line.mid(13);
    }
    QVERIFY(secret.size() >= 15);
    QPlainTextEdit *raw = m_editor->rawView();
    QVERIFY(raw);
    // Masked until revealed.
    QVERIFY(raw->toPlainText().contains(u"JATOS_SECRET="_s));
    QVERIFY(!raw->toPlainText().contains(QString::fromUtf8(secret)));
    QVERIFY(raw->isReadOnly());
    m_editor->rawEditButton()->setChecked(true);
    QCOMPARE(raw->toPlainText().toUtf8(), before);
    QVERIFY(!raw->isReadOnly());

    // Text that does not parse is refused here, with the line.
    raw->setPlainText(QString::fromUtf8(before) + u"BROKEN='unclosed\n"_s);
    m_accept = true;
    m_editor->applyButton()->click();
    QVERIFY(m_reviews.isEmpty());
    QCOMPARE(m_notices.size(), 1);
    QVERIFY2(m_notices.first().contains(u"no closing single quote"_s), qPrintable(m_notices.first()));
    QCOMPARE(readFile(envPath()), before);

    // A note added by hand: reviewed as a diff with the secret masked, then written whole.
    const QByteArray edited = before + "# maintained by the IT team\n";
    raw->setPlainText(QString::fromUtf8(edited));
    QSignalSpy finished(m_editor, &KeyedConfigEditor::pushFinished);
    QSignalSpy reloaded(m_editor, &KeyedConfigEditor::reloaded);
    m_editor->applyButton()->click();
    QCOMPARE(m_reviews.size(), 1);
    QVERIFY2(m_reviews.first().contains(u"+# maintained by the IT team"_s), qPrintable(m_reviews.first()));
    QVERIFY(!m_reviews.first().contains(QString::fromUtf8(secret)));
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(0).value<PushReport>().outcome, PushReport::Outcome::Applied);
    QVERIFY(reloaded.wait(60000));
    QCOMPARE(readFile(envPath()), edited);
    QVERIFY(!m_editor->rawEditButton()->isChecked()); // masked again after the reload

    // And back.
    m_editor->rawEditButton()->setChecked(true);
    raw->setPlainText(QString::fromUtf8(before));
    m_editor->applyButton()->click();
    QVERIFY(finished.wait(60000));
    QVERIFY(reloaded.wait(60000));
    QCOMPARE(readFile(envPath()), before);
}

void TestKeyedConfigEditor::rotationWithoutKeychainChangesNothing()
{
    const QByteArray before = readFile(envPath());
    m_editor->rotateSecret(u"appSecret"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!m_notices.isEmpty(), 20000);
    QVERIFY2(m_notices.first().startsWith(u"problem: "_s), qPrintable(m_notices.first()));
    QVERIFY(!m_editor->isBusy());
    QCOMPARE(readFile(envPath()), before);
}

QTEST_MAIN(TestKeyedConfigEditor)
#include "tst_keyedconfigeditor.moc"
