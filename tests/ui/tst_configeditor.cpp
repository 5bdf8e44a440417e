// The configuration editor against a real sandbox over real SSH, driven as a user
// would: the form shows what the nodes hold, an edit is reviewed as a masked diff
// and applied to every node, the raw view hides secrets until asked, bad input and
// a rotation without a keychain change nothing. Dialogs are answered by hooks.
#include "UiTestSupport.h"
#include "audit/AuditLog.h"
#include "config/ChangeReviewDialog.h"
#include "config/ConfigChecksView.h"
#include "config/ConfigEditor.h"
#include "config/ConfigForm.h"
#include "profile/PresetRegistry.h"
#include "secrets/SecretStore.h"
#include "widgets/SecretField.h"

#include <QCheckBox>
#include <QFile>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTabWidget>
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

class TestConfigEditor : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void formShowsWhatTheNodesHold();
    void rawViewMasksSecretsUntilRevealed();
    void editIsReviewedAndApplied();
    void badInputChangesNothing();
    void rotationWithoutKeychainChangesNothing();

private:
    QString conf(int node) const { return m_dir + u"/nodes/jatos-%1/current/conf/jatos.conf"_s.arg(node); }

    IsolatedSettings m_settings {u"tst_configeditor"_s};
    QString m_dir;
    LoadedProfile m_profile;
    QTemporaryDir m_auditDir;
    std::unique_ptr<AuditLog> m_audit;
    SecretStore *m_secrets = nullptr;
    ConfigEditor *m_editor = nullptr;
    QStringList m_notices;
    QStringList m_questions;
    bool m_answer = true;
    std::function<bool(ChangeReviewDialog &)> m_review;
};

void TestConfigEditor::initTestCase()
{
    m_dir = qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR");
    if (m_dir.isEmpty())
        QSKIP("needs the sandbox fixture (run through CTest)");
    const auto loaded = ProfileFile::load(m_dir + u"/profile.json"_s, PresetRegistry::builtIn());
    QVERIFY(loaded);
    m_profile = *loaded;
    auto audit = AuditLog::open(m_auditDir.filePath(u"audit.sqlite"_s));
    QVERIFY(audit);
    m_audit = std::move(*audit);
}

void TestConfigEditor::init()
{
    m_notices.clear();
    m_questions.clear();
    m_answer = true;
    m_review = nullptr;
    m_secrets = new SecretStore(this);
    ConfigSession::Options options;
    options.hostKeyPolicy = HostKeyPolicy::AcceptNewHostKeys;
    m_editor = new ConfigEditor(m_profile, m_secrets, nullptr, options);
    m_editor->setAuditLog(m_audit.get());
    m_editor->setNoticeHandler([this](const QString &title, const QString &text, bool problem) {
        m_notices.append((problem ? u"problem: "_s : u"info: "_s) + title + u"\n"_s + text);
    });
    m_editor->setQuestionHandler([this](const QString &title, const QString &) {
        m_questions.append(title);
        return m_answer;
    });
    m_editor->setReviewHandler(
        [this](ChangeReviewDialog &dialog) { return m_review ? m_review(dialog) : false; });
    QSignalSpy reloaded(m_editor, &ConfigEditor::reloaded);
    QVERIFY(reloaded.wait(60000));
}

void TestConfigEditor::cleanup()
{
    delete m_editor;
    m_editor = nullptr;
    delete m_secrets;
}

void TestConfigEditor::formShowsWhatTheNodesHold()
{
    const auto *multiNode = qobject_cast<QComboBox *>(m_editor->form()->editorFor(u"jatos.multiNode"_s));
    QVERIFY(multiNode);
    QCOMPARE(multiNode->currentText(), u"true"_s);
    const auto *url = qobject_cast<QLineEdit *>(m_editor->form()->editorFor(u"jatos.db.url"_s));
    QVERIFY(url);
    QVERIFY(url->text().startsWith(u"jdbc:mysql://"_s));
    QVERIFY(m_editor->form()->secretField(u"appSecret"_s));
    // The checks ran and passed (the sandbox is consistent).
    const QTreeWidget *checks = m_editor->checksView()->tree();
    QCOMPARE(checks->topLevelItemCount(), 5);
    QCOMPARE(m_editor->checksView()->failedCount(), 0);
    QVERIFY(!m_editor->applyButton()->isEnabled()); // nothing edited yet
    const QStringList missing = widgetsWithoutAccessibleName(m_editor);
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u", "_s)));
}

void TestConfigEditor::rawViewMasksSecretsUntilRevealed()
{
    const QString secret = QRegularExpression(u"play.http.secret.key = \"([^\"]+)\""_s)
                               .match(QString::fromUtf8(readFile(conf(1))))
                               .captured(1);
    QVERIFY(secret.size() >= 15);
    m_editor->tabs()->setCurrentIndex(1);
    m_editor->rawNodeBox()->setCurrentText(u"jatos-1"_s);
    QVERIFY(m_editor->rawView()->isReadOnly());
    QVERIFY(!m_editor->rawView()->toPlainText().contains(secret));
    QVERIFY(m_editor->rawView()->toPlainText().contains(u"sha256 "_s));
    QVERIFY(m_editor->rawView()->toPlainText().contains(u"jatos.multiNode = true"_s));
    m_editor->rawEditButton()->click();
    QVERIFY(!m_editor->rawView()->isReadOnly());
    QVERIFY(m_editor->rawView()->toPlainText().contains(secret));
    QVERIFY(!m_editor->applyButton()->isEnabled());
    m_editor->rawView()->appendPlainText(u"# a note"_s);
    QVERIFY(m_editor->applyButton()->isEnabled());
}

void TestConfigEditor::editIsReviewedAndApplied()
{
    auto *logs = qobject_cast<QLineEdit *>(m_editor->form()->editorFor(u"jatos.studyLogs.path"_s));
    QVERIFY(logs);
    const QString path = m_profile.profile.sharedDataDir + u"/study_logs_editor"_s;
    logs->setText(path);
    QVERIFY(m_editor->applyButton()->isEnabled());

    // Cancelled at the review: nothing changes.
    const QByteArray before = readFile(conf(2));
    QString diff;
    m_review = [&](ChangeReviewDialog &dialog) {
        diff = dialog.diffView()->toPlainText();
        const QStringList missing = widgetsWithoutAccessibleName(&dialog);
        if (!missing.isEmpty())
            diff = u"inaccessible: "_s + missing.join(u", "_s);
        return false;
    };
    m_editor->applyButton()->click();
    QVERIFY(diff.contains(u"+jatos.studyLogs.path = \"%1\""_s.arg(path)));
    QCOMPARE(diff.count(u"+++ "_s), 3);
    QCOMPARE(readFile(conf(2)), before);

    // Accepted without restart: every node's file changes, the audit log says so.
    m_review = [](ChangeReviewDialog &dialog) {
        dialog.findChild<QCheckBox *>()->setChecked(false);
        return true;
    };
    QSignalSpy finished(m_editor, &ConfigEditor::pushFinished);
    m_editor->applyButton()->click();
    QVERIFY(m_editor->isBusy());
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.first().first().value<PushReport>().outcome, PushReport::Outcome::Applied);
    for (int node = 1; node <= 3; ++node)
        QVERIFY(readFile(conf(node)).contains(u"jatos.studyLogs.path = \"%1\""_s.arg(path).toUtf8()));
    QVERIFY(m_notices.last().startsWith(u"info: "_s));
    const auto entries = m_audit->entries(AuditQuery {});
    QVERIFY(entries);
    QVERIFY(!entries->isEmpty());
    QCOMPARE(entries->first().action, u"config.push"_s);
    QCOMPARE(entries->first().outcome, u"ok"_s);
    QVERIFY(entries->first().summary.contains(u"jatos.studyLogs.path"_s));
}

void TestConfigEditor::badInputChangesNothing()
{
    auto *port = qobject_cast<QLineEdit *>(m_editor->form()->editorFor(u"jatos.http.port"_s));
    QVERIFY(port);
    port->setText(u"99999"_s);
    const QByteArray before = readFile(conf(1));
    bool reviewed = false;
    m_review = [&](ChangeReviewDialog &) {
        reviewed = true;
        return true;
    };
    m_editor->applyButton()->click();
    QVERIFY(!reviewed);
    QCOMPARE(m_notices.size(), 1);
    QVERIFY(m_notices.first().startsWith(u"problem: "_s));
    QVERIFY(m_notices.first().contains(u"jatos.http.port"_s));
    QVERIFY(m_notices.first().contains(u"65535"_s));
    QCOMPARE(readFile(conf(1)), before);
}

void TestConfigEditor::rotationWithoutKeychainChangesNothing()
{
    // This test runs without a Secret Service: the new secret could only be kept in
    // memory, so the rotation must stop before any node changes.
    const QByteArray before = readFile(conf(1));
    m_editor->rotateSecret(u"appSecret"_s);
    QCOMPARE(m_questions.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(m_notices.size(), 1, 20000);
    QVERIFY(m_notices.first().contains(u"could not be stored in the keychain"_s));
    QCOMPARE(readFile(conf(1)), before);
    QVERIFY(!m_editor->isBusy());

    // Declined at the question: nothing is even generated.
    m_answer = false;
    m_editor->rotateSecret(u"appSecret"_s);
    QCOMPARE(m_questions.size(), 2);
    QCOMPARE(m_notices.size(), 1);
}

QTEST_MAIN(TestConfigEditor)
#include "tst_configeditor.moc"
