#pragma once

#include "config/ConfigSession.h"

#include <QDialog>

#include <functional>
#include <memory>

class AuditLog;
class ChangeReviewDialog;
class ConfigChecksView;
class ConfigForm;
class HostKeyPrompter;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class SecretStore;

// The configuration editor of one cluster: the product's settings as a form, each
// node's files as text, the consistency checks, and an activity log. Changes are
// reviewed as a diff (secrets masked) and applied to every node at once, all or
// nothing (ConfigSession); secrets are rotated the same way. Nothing here waits on
// a node: every step answers by signal.
class ConfigEditor final : public QDialog
{
    Q_OBJECT

public:
    // Hooks for tests; the defaults show modal dialogs.
    using ReviewHandler = std::function<bool(ChangeReviewDialog &dialog)>;
    using QuestionHandler = std::function<bool(const QString &title, const QString &text)>;
    using NoticeHandler = std::function<void(const QString &title, const QString &text, bool problem)>;

    ConfigEditor(const LoadedProfile &profile, SecretStore *secrets, QWidget *parent = nullptr,
        ConfigSession::Options options = {});
    ~ConfigEditor() override;

    void reload();
    void applyChanges();
    void rotateSecret(const QString &secretName);
    // OpenSpecimen: writes the cluster JSON as the nodes hold it, for a manual upload
    // under Settings → Cluster (it holds the cluster secret: the file is private).
    bool exportClusterJson(const QString &path);

    void setReviewHandler(ReviewHandler handler) { m_review = std::move(handler); }
    void setQuestionHandler(QuestionHandler handler) { m_question = std::move(handler); }
    void setNoticeHandler(NoticeHandler handler) { m_notice = std::move(handler); }
    // Where the audit log lives (tests); by default the user's data folder.
    void setAuditLog(AuditLog *log);

    ConfigForm *form() const { return m_form; }
    ConfigChecksView *checksView() const { return m_checks; }
    QPlainTextEdit *activity() const { return m_activity; }
    QPlainTextEdit *rawView() const { return m_raw; }
    QPushButton *rawEditButton() const { return m_rawEdit; }
    QComboBox *rawNodeBox() const { return m_rawNode; }
    QComboBox *rawFileBox() const { return m_rawFile; }
    QPushButton *applyButton() const { return m_apply; }
    QTabWidget *tabs() const { return m_tabs; }
    bool isBusy() const { return m_busy; }
    const ClusterConfigSnapshot &snapshot() const { return m_snapshot; }

Q_SIGNALS:
    void reloaded();
    void pushFinished(const PushReport &report);

private:
    void setBusy(bool busy, const QString &what = {});
    void log(const QString &line);
    void showChecks(const QList<ConfigCheck> &checks, const ClusterConfigSnapshot &snapshot);
    void showRawFile();
    void updateApply();
    std::optional<ConfigPlan> planOrWarn(const QList<ConfigChange> &changes, const PlanOptions &options);
    void startPush(const ConfigPlan &plan, bool restart, const QString &action);
    void finishPush(const PushReport &report);
    QList<ConfigChange> rawChanges() const;
    bool ask(const QString &title, const QString &text);
    void notice(const QString &title, const QString &text, bool problem);

    LoadedProfile m_profile;
    SecretStore *m_secrets;
    ConfigSession *m_session;
    std::unique_ptr<AuditLog> m_ownAudit;
    HostKeyPrompter *m_hostKeys;
    ClusterConfigSnapshot m_snapshot;

    QLabel *m_status;
    QTabWidget *m_tabs;
    ConfigForm *m_form;
    ConfigChecksView *m_checks;
    QComboBox *m_rawNode;
    QComboBox *m_rawFile;
    QPlainTextEdit *m_raw;
    QPushButton *m_rawEdit;
    QByteArray m_rawOriginal; // the real text of the file shown
    QPlainTextEdit *m_activity;
    QProgressBar *m_progress;
    QPushButton *m_reload;
    QPushButton *m_apply;
    bool m_busy = false;
    bool m_auditReady = false; // no change without an audit log to record it

    // Rotation under way: the keychain's value before, to put back on failure.
    QString m_rotating;
    QByteArray m_rotationOld;

    ReviewHandler m_review;
    QuestionHandler m_question;
    NoticeHandler m_notice;
};
