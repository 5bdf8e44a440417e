#pragma once

#include "profile/ProfileFile.h"

#include <QMainWindow>
#include <QPointer>

#include <functional>
#include <optional>

class AuditLog;
class ConfigEditor;
class ConfigSession;
class KeyedConfigEditor;
class KeyedConfigSession;
class Dashboard;
class DiagnosticsDialog;
class EmptyStatePage;
class QAction;
class QLabel;
class QMenu;
class QStackedWidget;
class RecentProfiles;
class SecretStore;
class UpgradeWizard;

// The main window: one open profile at a time, shown live on its dashboard, or the
// empty-state page when none is open. Profiles are small local files, so opening
// and saving run here on the GUI thread; anything that reaches a node, a database
// or the keychain goes through app/ services that answer asynchronously.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    // How a warning reaches the user. The default is a modal QMessageBox; tests
    // install their own so that nothing blocks.
    using WarningPresenter
        = std::function<void(const QString &title, const QString &text, const QString &details)>;

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens a profile file, or warns with every problem it has and keeps what is open.
    bool openProfile(const QString &path);
    // Opens the built-in example read-only: it is untitled, so Save asks for a file.
    bool openExampleProfile();
    bool saveProfileTo(const QString &path);
    void closeProfile();

    const std::optional<LoadedProfile> &profile() const { return m_profile; }
    // Where the open profile is saved; empty while it is untitled.
    QString profilePath() const { return m_path; }
    bool isShowingCluster() const;
    RecentProfiles *recentProfiles() const { return m_recent; }
    Dashboard *dashboard() const { return m_dashboard; }
    EmptyStatePage *emptyStatePage() const { return m_emptyPage; }
    QMenu *recentMenu() const { return m_recentMenu; }
    SecretStore *secretStore() const { return m_secrets; }
    ConfigEditor *configEditor() const;
    UpgradeWizard *upgradeWizard() const;
    QAction *upgradeAction() const { return m_upgradeAction; }
    DiagnosticsDialog *diagnosticsDialog() const;
    QAction *diagnosticsAction() const { return m_diagnosticsAction; }
    // Kubernetes and Compose profiles: the editor of the Secrets / ConfigMaps or the .env.
    KeyedConfigEditor *keyedConfigEditor() const;
    QAction *configAction() const { return m_configAction; }

    void setWarningPresenter(WarningPresenter presenter);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void chooseAndOpenProfile();
    void newProfile();
    bool save();
    bool saveAs();
    bool maybeDiscard();
    void showAbout();
    void showProfile(LoadedProfile loaded, const QString &path);
    void startPolling();
    void startConfigChecks();
    void runConfigChecks();
    void openConfigEditor();
    void openUpgradeWizard();
    void showInterruptedUpgrade();
    void openDiagnostics();
    void openAuditLog();
    void refreshRecent();
    void updateTitleAndActions();
    void showKeychainWarning(const QString &reason);
    void warn(const QString &title, const QString &text, const QString &details = {});
    QString profileFolder() const;
    void rememberFolder(const QString &path);
    void readSettings();
    void writeSettings() const;

    QStackedWidget *m_pages = nullptr;
    EmptyStatePage *m_emptyPage = nullptr;
    Dashboard *m_dashboard = nullptr;
    RecentProfiles *m_recent = nullptr;
    SecretStore *m_secrets = nullptr;
    QLabel *m_keychainWarning = nullptr;
    QMenu *m_recentMenu = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_saveAsAction = nullptr;
    QAction *m_closeAction = nullptr;
    QAction *m_configAction = nullptr;
    QAction *m_checkAction = nullptr;
    QAction *m_upgradeAction = nullptr;
    QLabel *m_upgradeNotice = nullptr;
    QPointer<UpgradeWizard> m_upgrade;
    QAction *m_diagnosticsAction = nullptr;
    QPointer<DiagnosticsDialog> m_diagnostics;
    ConfigSession *m_checks = nullptr; // the dashboard's configuration checks (hosts)
    KeyedConfigSession *m_keyedChecks = nullptr; // the same for Kubernetes and Compose
    QPointer<QDialog> m_editor; // a ConfigEditor or a KeyedConfigEditor
    WarningPresenter m_warningPresenter;

    std::optional<LoadedProfile> m_profile;
    QString m_path;
};
