#pragma once

#include "upgrade/UpgradeEngine.h"

#include <QWizard>

#include <optional>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QTreeWidget;
class SecretStore;

// The guided upgrade, page by page: the target and the backup; the checks, with
// warnings to acknowledge; a confirmation that names what goes down; the run, step
// by step with times and a log, and Retry / Show log / Abort when a step fails; the
// result. When the journal holds an interrupted run of this profile, the first page
// offers to resume it (or to abort it) instead.
class UpgradeWizard final : public QWizard
{
    Q_OBJECT

public:
    enum PageId
    {
        TargetPage,
        ChecksPage,
        ConfirmPage,
        RunPage,
        ResultPage
    };

    UpgradeWizard(const LoadedProfile &profile, SecretStore *secrets, UpgradeWorker::Options options = {},
        QWidget *parent = nullptr);
    ~UpgradeWizard() override;

    UpgradeEngine *engine() const { return m_engine; }
    std::optional<UpgradeAssessment> assessment() const { return m_assessment; }
    std::optional<UpgradeReport> report() const { return m_report; }

    // For tests and keyboard users alike: the widgets by role.
    QLineEdit *packageEdit() const { return m_package; } // hosts only
    QLineEdit *imageEdit() const { return m_image; } // Kubernetes and Compose only
    QLineEdit *versionEdit() const { return m_version; }
    QLineEdit *sha256Edit() const { return m_sha256; }
    QTreeWidget *checksTree() const { return m_checks; }
    QTreeWidget *stepsTree() const { return m_steps; }
    QCheckBox *confirmBox() const { return m_confirm; }
    QPushButton *retryButton() const { return m_retry; }
    QPushButton *abortButton() const { return m_abort; }
    QPushButton *resumeButton() const { return m_resume; }

    bool validateCurrentPage() override;
    int nextId() const override;

Q_SIGNALS:
    void runEnded(const UpgradeReport &report);

protected:
    void reject() override;

private:
    QWizardPage *makeTargetPage();
    QWizardPage *makeChecksPage();
    QWizardPage *makeConfirmPage();
    QWizardPage *makeRunPage();
    QWizardPage *makeResultPage();

    UpgradeRequest request() const;
    void runChecks();
    void showAssessment(const UpgradeAssessment &a);
    void onPageChanged(int id);
    void onRunStarted(const UpgradePlan &plan);
    void onStepStarted(int step);
    void onStepFinished(int step, bool ok, const QString &detail, qint64 ms);
    void onPaused(int step, const QString &reason);
    void onFinished(const UpgradeReport &report);
    void setRunButtons(bool running, bool paused);
    bool running() const;

    UpgradeEngine *m_engine;
    bool m_engineReady = false;
    bool m_resuming = false;
    bool m_started = false;
    std::optional<UpgradeJournal::RunRecord> m_interrupted;
    std::optional<UpgradeAssessment> m_assessment;
    std::optional<UpgradeReport> m_report;
    int m_pausedStep = -1;

    // Target page
    QLabel *m_interruptedLabel = nullptr;
    QPushButton *m_resume = nullptr;
    QPushButton *m_abortInterrupted = nullptr;
    QLineEdit *m_package = nullptr;
    QLineEdit *m_version = nullptr;
    QString m_versionGuess; // the version last read from the package's name
    QString m_imageGuess; // the image field's text as the version filled it in
    QLineEdit *m_sha256 = nullptr;
    QLineEdit *m_image = nullptr;
    QRadioButton *m_dump = nullptr;
    QRadioButton *m_custom = nullptr;
    QRadioButton *m_noBackup = nullptr;
    QLineEdit *m_backupCommand = nullptr;
    QLineEdit *m_waiver = nullptr;
    // Checks page
    QLabel *m_checksSummary = nullptr;
    QTreeWidget *m_checks = nullptr;
    QPushButton *m_recheck = nullptr;
    // Confirm page
    QLabel *m_confirmText = nullptr;
    QPlainTextEdit *m_planText = nullptr;
    QCheckBox *m_confirm = nullptr;
    // Run page
    QTreeWidget *m_steps = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_runState = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QPushButton *m_pause = nullptr;
    QPushButton *m_retry = nullptr;
    QComboBox *m_logNode = nullptr;
    QPushButton *m_showLog = nullptr;
    QPushButton *m_abort = nullptr;
    // Result page
    QLabel *m_resultText = nullptr;
    QPlainTextEdit *m_resultDetails = nullptr;
};
