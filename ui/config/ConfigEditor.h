#pragma once

#include "ConfigDialogBase.h"
#include "config/ConfigSession.h"

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
class ConfigEditor final : public ConfigDialogBase
{
    Q_OBJECT

public:
    // Hook for tests; the default shows the dialog.
    using ReviewHandler = std::function<bool(ChangeReviewDialog &dialog)>;

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
    // Where the audit log lives (tests); by default the user's data folder.
    void setAuditLog(AuditLog *log);

    ConfigForm *form() const { return m_form; }
    ConfigChecksView *checksView() const { return m_checks; }
    QPlainTextEdit *rawView() const { return m_raw; }
    QPushButton *rawEditButton() const { return m_rawEdit; }
    QComboBox *rawNodeBox() const { return m_rawNode; }
    QComboBox *rawFileBox() const { return m_rawFile; }
    const ClusterConfigSnapshot &snapshot() const { return m_snapshot; }

Q_SIGNALS:
    void reloaded();
    void pushFinished(const PushReport &report);

private:
    void busyChanged(bool busy) override;
    void showChecks(const QList<ConfigCheck> &checks, const ClusterConfigSnapshot &snapshot);
    void showRawFile();
    void updateApply() override;
    std::optional<ConfigPlan> planOrWarn(const QList<ConfigChange> &changes, const PlanOptions &options);
    void startPush(const ConfigPlan &plan, bool restart, const QString &action);
    void finishPush(const PushReport &report);
    QList<ConfigChange> rawChanges() const;

    LoadedProfile m_profile;
    ConfigSession *m_session;
    HostKeyPrompter *m_hostKeys;
    ClusterConfigSnapshot m_snapshot;

    ConfigForm *m_form;
    ConfigChecksView *m_checks;
    QComboBox *m_rawNode;
    QComboBox *m_rawFile;
    QPlainTextEdit *m_raw;
    QPushButton *m_rawEdit;
    QByteArray m_rawOriginal; // the real text of the file shown
    ReviewHandler m_review;
};
