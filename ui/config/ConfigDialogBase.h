#pragma once

#include <QDialog>

#include <functional>
#include <memory>

class AuditLog;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class SecretStore;

// What the configuration editors share (ConfigEditor for nodes reached over SSH,
// KeyedConfigEditor for Kubernetes and Compose): a status line with progress, tabs
// above an activity log, Reload / Review and Apply / Close, the audit log every change
// needs, the question and notice hooks, and a rotation's keychain half (the new
// secret stored first, the old one put back when the push fails).
class ConfigDialogBase : public QDialog
{
    Q_OBJECT

public:
    // Hooks for tests; the defaults show modal dialogs.
    using QuestionHandler = std::function<bool(const QString &title, const QString &text)>;
    using NoticeHandler = std::function<void(const QString &title, const QString &text, bool problem)>;

    ~ConfigDialogBase() override;

    void setQuestionHandler(QuestionHandler handler) { m_question = std::move(handler); }
    void setNoticeHandler(NoticeHandler handler) { m_notice = std::move(handler); }

    QPlainTextEdit *activity() const { return m_activity; }
    QPushButton *applyButton() const { return m_apply; }
    QTabWidget *tabs() const { return m_tabs; }
    bool isBusy() const { return m_busy; }

protected:
    ConfigDialogBase(SecretStore *secrets, const QString &activityPlaceholder, QWidget *parent);

    // Lays the parts out; `extra` buttons come between Apply and Close.
    void finishLayout(const QList<QPushButton *> &extra = {});
    // The user's audit log, or why it cannot be opened (changes stay disabled).
    AuditLog *openOwnAuditLog();
    // Another audit log (tests): the own one is closed.
    void replaceAuditLog(AuditLog *log);
    bool auditReady() const { return m_auditReady; }

    void setBusy(bool busy, const QString &what = {});
    // The editor's own widgets follow the busy state.
    virtual void busyChanged(bool busy) = 0;
    virtual void updateApply() = 0;
    void setStatus(const QString &text);
    QString status() const;
    void log(const QString &line);
    bool ask(const QString &title, const QString &text);
    void notice(const QString &title, const QString &text, bool problem);

    // Rotation: stores `fresh` under the keychain entry, remembering `old`; then()
    // follows once stored. When the keychain cannot keep it, says so and stops.
    void storeRotatedSecret(
        const QString &entry, const QByteArray &old, const QByteArray &fresh, std::function<void()> then);
    // After the push: a rotation whose push failed gets the keychain's old value back
    // (the nodes kept it) before conclude() runs.
    void settleRotation(bool applied, std::function<void()> conclude);

    SecretStore *m_secrets;
    QLabel *m_statusLabel;
    QTabWidget *m_tabs;
    QPlainTextEdit *m_activity;
    QProgressBar *m_progress;
    QPushButton *m_reload;
    QPushButton *m_apply;

private:
    std::unique_ptr<AuditLog> m_ownAudit;
    bool m_busy = false;
    bool m_auditReady = false; // no change without an audit log to record it
    QString m_rotating; // the keychain entry of a rotation under way
    QByteArray m_rotationOld;
    QuestionHandler m_question;
    NoticeHandler m_notice;
};
