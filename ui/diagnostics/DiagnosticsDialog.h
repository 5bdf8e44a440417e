#pragma once

#include "diagnostics/DiagnosticsTypes.h"
#include "profile/ProfileFile.h"

#include <QDialog>
#include <QHash>
#include <QPointer>

#include <optional>

class DiagnosticsEngine;
class QCheckBox;
class QComboBox;
class QGroupBox;
class QIcon;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTreeWidget;
class QTreeWidgetItem;
class SecretStore;

// Collects a diagnostics bundle of one cluster: the options (where the zip goes, how
// much of each log, rotated logs, host masking), then one row per source while the
// engine works, then what was written and what could not be collected. Non-modal;
// closing it while it collects asks first, and stopping leaves no file behind.
class DiagnosticsDialog final : public QDialog
{
    Q_OBJECT

public:
    enum Column
    {
        SourceColumn,
        ActivityColumn,
        DataColumn,
        StateColumn,
        ColumnCount
    };

    DiagnosticsDialog(const LoadedProfile &profile, SecretStore *secrets, QWidget *parent = nullptr);
    ~DiagnosticsDialog() override;

    bool running() const;
    // The options as the widgets set them.
    DiagnosticsOptions options() const;
    // The last collection's outcome, once one has ended.
    const DiagnosticsResult *result() const { return m_result ? &*m_result : nullptr; }

    // For tests and keyboard users alike: the widgets by role.
    QLineEdit *folderEdit() const { return m_folder; }
    QSpinBox *logSizeBox() const { return m_logMegabytes; }
    QComboBox *rotatedBox() const { return m_rotated; }
    QCheckBox *maskHostsBox() const { return m_maskHosts; }
    QTreeWidget *sourcesTree() const { return m_sources; }
    QProgressBar *progressBar() const { return m_progress; }
    QLabel *summaryLabel() const { return m_summary; }
    QListWidget *failuresList() const { return m_failures; }
    QLabel *hostMapLabel() const { return m_hostMap; }
    QPushButton *collectButton() const { return m_collect; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *openFolderButton() const { return m_openFolder; }

Q_SIGNALS:
    void collectionEnded(const DiagnosticsResult &result);

public Q_SLOTS:
    void reject() override;

private:
    void collect();
    void browse();
    void onSourcesPlanned(const QStringList &sources);
    void onSourceProgress(const QString &source, const QString &activity, qint64 bytes);
    void onSourceFinished(const QString &source, bool ok, const QString &detail);
    void onFinished(const DiagnosticsResult &result);
    void showFailures(const DiagnosticsResult &result);
    void setRunning(bool running);
    void setRowState(QTreeWidgetItem *row, const QString &text, const QIcon &icon);
    QString defaultFolder() const;

    LoadedProfile m_profile;
    SecretStore *m_secrets;
    QPointer<DiagnosticsEngine> m_engine;
    std::optional<DiagnosticsResult> m_result;
    QHash<QString, QTreeWidgetItem *> m_rows;
    QHash<QString, QString> m_sourceFailures; // whole sources that failed, and why
    bool m_closeWhenDone = false;

    QGroupBox *m_optionsBox = nullptr;
    QLineEdit *m_folder = nullptr;
    QPushButton *m_browse = nullptr;
    QSpinBox *m_logMegabytes = nullptr;
    QComboBox *m_rotated = nullptr;
    QCheckBox *m_maskHosts = nullptr;
    QTreeWidget *m_sources = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_summary = nullptr;
    QListWidget *m_failures = nullptr;
    QLabel *m_hostMap = nullptr;
    QPushButton *m_collect = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_openFolder = nullptr;
    QPushButton *m_close = nullptr;
};
