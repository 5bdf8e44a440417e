#include "MainWindow.h"

#include "UiLogging.h"
#include "about/AboutDialog.h"
#include "audit/AuditLog.h"
#include "audit/AuditLogDialog.h"
#include "config/ConfigChecksView.h"
#include "config/ConfigEditor.h"
#include "config/ConfigFiles.h"
#include "config/KeyedConfigEditor.h"
#include "config/KeyedConfigSession.h"
#include "core/BuildInfo.h"
#include "dashboard/Dashboard.h"
#include "diagnostics/DiagnosticsDialog.h"
#include "mainwindow/EmptyStatePage.h"
#include "mainwindow/RecentProfiles.h"
#include "newprofile/NewProfileDialog.h"
#include "profile/PresetRegistry.h"
#include "secrets/SecretStore.h"
#include "status/ClusterPoller.h"
#include "upgrade/UpgradeWizard.h"

#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>

namespace {

const QString exampleProfile = QStringLiteral(":/examples/jatos-example.json");

QString fileFilter()
{
    return MainWindow::tr("Clusterdesk profiles (*.json);;All files (*)");
}

QString withJsonSuffix(const QString &path)
{
    return QFileInfo(path).suffix().isEmpty() ? path + QStringLiteral(".json") : path;
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_pages(new QStackedWidget(this))
    , m_emptyPage(new EmptyStatePage(m_pages))
    , m_dashboard(new Dashboard(m_pages))
    , m_recent(new RecentProfiles(this))
    , m_secrets(new SecretStore(this))
{
    m_pages->addWidget(m_emptyPage);
    m_pages->addWidget(m_dashboard);
    setCentralWidget(m_pages);
    // Created now so it is shown with the window; made later, it would stay hidden.
    statusBar()->setSizeGripEnabled(true);
    createMenus();
    startConfigChecks(); // no profile yet: the configuration actions wait for one

    connect(m_emptyPage, &EmptyStatePage::openProfileRequested, this, &MainWindow::chooseAndOpenProfile);
    connect(m_emptyPage, &EmptyStatePage::newProfileRequested, this, &MainWindow::newProfile);
    connect(m_emptyPage, &EmptyStatePage::exampleProfileRequested, this, &MainWindow::openExampleProfile);
    connect(m_emptyPage, &EmptyStatePage::recentProfileRequested, this, &MainWindow::openProfile);
    connect(m_recent, &RecentProfiles::changed, this, &MainWindow::refreshRecent);
    connect(m_dashboard, &Dashboard::statusMessage, this,
        [this](const QString &message) { statusBar()->showMessage(message, 10000); });

    // Find out now, without waiting, whether secrets can be kept in a keychain: one
    // read of an entry nobody writes. Only the store's backend switch matters here.
    connect(m_secrets, &SecretStore::keychainUnavailable, this, &MainWindow::showKeychainWarning);
    m_secrets->read(QStringLiteral("clusterdesk/keychain-check"));

    readSettings();
    refreshRecent();
    updateTitleAndActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New Profile…"), QKeySequence(Qt::CTRL | Qt::Key_N), this, &MainWindow::newProfile);
    file->addAction(
        tr("&Open Profile…"), QKeySequence(Qt::CTRL | Qt::Key_O), this, &MainWindow::chooseAndOpenProfile);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    m_recentMenu->setToolTipsVisible(true);
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::refreshRecent);
    file->addSeparator();
    m_saveAction = file->addAction(tr("&Save"), QKeySequence(Qt::CTRL | Qt::Key_S), this, &MainWindow::save);
    m_saveAsAction = file->addAction(
        tr("Save &As…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), this, &MainWindow::saveAs);
    m_closeAction = file->addAction(tr("&Close Profile"), QKeySequence(Qt::CTRL | Qt::Key_W), this, [this] {
        if (maybeDiscard())
            closeProfile();
    });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), QKeySequence(Qt::CTRL | Qt::Key_Q), this, &QWidget::close);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *cluster = menuBar()->addMenu(tr("&Cluster"));
    cluster->addAction(m_dashboard->refreshAction());
    cluster->addSeparator();
    m_configAction = cluster->addAction(
        tr("&Configuration…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, &MainWindow::openConfigEditor);
    m_checkAction = cluster->addAction(tr("C&heck Configuration"), this, &MainWindow::runConfigChecks);
    m_checkAction->setStatusTip(tr("Compare the nodes' configuration files"));
    cluster->addSeparator();
    m_upgradeAction = cluster->addAction(
        tr("&Upgrade…"), QKeySequence(Qt::CTRL | Qt::Key_U), this, &MainWindow::openUpgradeWizard);
    m_upgradeAction->setStatusTip(tr("Stop every node, back up, then upgrade and verify one node at a time"));
    m_diagnosticsAction = cluster->addAction(tr("&Diagnostics Bundle…"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D), this, &MainWindow::openDiagnostics);
    m_diagnosticsAction->setStatusTip(
        tr("Collect logs, configuration and status from every node into one redacted zip"));
    cluster->addAction(tr("&Audit Log…"), this, &MainWindow::openAuditLog);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Clusterdesk"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
}

bool MainWindow::openProfile(const QString &path)
{
    auto loaded = ProfileFile::load(path, PresetRegistry::builtIn());
    if (!loaded) {
        qCInfo(lcUi).noquote() << "cannot open" << path << ":" << formatIssues(loaded.error());
        warn(tr("Cannot Open Profile"),
            tr("\"%1\" is not a profile Clusterdesk can open.").arg(QFileInfo(path).fileName()),
            formatIssues(loaded.error()));
        return false;
    }
    const QString absolute = loaded->path;
    rememberFolder(absolute);
    m_recent->add(absolute);
    showProfile(std::move(*loaded), absolute);
    return true;
}

bool MainWindow::openExampleProfile()
{
    auto loaded = ProfileFile::load(exampleProfile, PresetRegistry::builtIn());
    if (!loaded) {
        // A broken built-in example is a build defect, but say so rather than do nothing.
        warn(tr("Cannot Open Example"), tr("The example profile is damaged."), formatIssues(loaded.error()));
        return false;
    }
    showProfile(std::move(*loaded), QString());
    return true;
}

void MainWindow::showProfile(LoadedProfile loaded, const QString &path)
{
    m_path = path;
    m_profile = std::move(loaded);
    m_dashboard->setPoller(nullptr); // the old cluster's, if any
    m_dashboard->setProfile(*m_profile, m_path);
    m_pages->setCurrentWidget(m_dashboard);
    setWindowModified(false);
    updateTitleAndActions();
    statusBar()->showMessage(tr("Opened %1").arg(m_profile->profile.name), 5000);
    if (m_editor)
        m_editor->close();
    if (m_upgrade && !m_upgrade->engine()->busy())
        m_upgrade->close();
    if (m_diagnostics && !m_diagnostics->running())
        m_diagnostics->close(); // it would collect the cluster that was open before
    startPolling();
    startConfigChecks();
    showInterruptedUpgrade();
}

void MainWindow::showInterruptedUpgrade()
{
    const std::optional<UpgradeJournal::RunRecord> run
        = m_profile ? UpgradeEngine::interruptedRun(m_profile->path) : std::nullopt;
    if (!run) {
        if (m_upgradeNotice)
            m_upgradeNotice->hide();
        return;
    }
    if (!m_upgradeNotice) {
        m_upgradeNotice = new QLabel(this);
        m_upgradeNotice->setObjectName(QStringLiteral("interruptedUpgrade"));
        m_upgradeNotice->setAccessibleName(tr("Interrupted upgrade"));
        statusBar()->addPermanentWidget(m_upgradeNotice);
    }
    m_upgradeNotice->setText(
        tr("⚠ An upgrade to %1 did not finish: Cluster ▸ Upgrade… resumes it").arg(run->target));
    m_upgradeNotice->show();
}

void MainWindow::openUpgradeWizard()
{
    if (!m_profile)
        return;
    if (!m_upgrade) {
        m_upgrade = new UpgradeWizard(*m_profile, m_secrets, UpgradeWorker::Options {}, this);
        m_upgrade->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_upgrade, &UpgradeWizard::runEnded, this, [this] {
            showInterruptedUpgrade();
            m_dashboard->refreshAction()->trigger();
        });
        connect(m_upgrade, &QDialog::finished, this, &MainWindow::showInterruptedUpgrade);
    }
    m_upgrade->show();
    m_upgrade->raise();
    m_upgrade->activateWindow();
}

UpgradeWizard *MainWindow::upgradeWizard() const
{
    return m_upgrade.data();
}

void MainWindow::openDiagnostics()
{
    if (!m_profile)
        return;
    if (!m_diagnostics) {
        m_diagnostics = new DiagnosticsDialog(*m_profile, m_secrets, this);
        m_diagnostics->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_diagnostics->show();
    m_diagnostics->raise();
    m_diagnostics->activateWindow();
}

DiagnosticsDialog *MainWindow::diagnosticsDialog() const
{
    return m_diagnostics.data();
}

void MainWindow::startConfigChecks()
{
    delete m_checks;
    m_checks = nullptr;
    delete m_keyedChecks;
    m_keyedChecks = nullptr;
    const bool hosts = m_profile && m_profile->profile.deployment.kind == DeploymentKind::Hosts;
    const bool known = m_profile && ConfigFiles::hasEditor(m_profile->profile.product);
    if (known && !hosts)
        m_keyedChecks = KeyedConfigSession::create(*m_profile, m_secrets, ConfigSession::Options {}, this);
    const bool editable = known
        && (hosts ? !m_profile->profile.nodes.isEmpty()
                  : m_keyedChecks && !m_keyedChecks->entries().isEmpty());
    m_configAction->setEnabled(editable);
    m_checkAction->setEnabled(editable);
    m_configAction->setStatusTip(editable || !m_profile
            ? tr("Edit the cluster's configuration and secrets, all nodes at once")
            : tr("Clusterdesk knows no settings of %1 in this deployment").arg(m_profile->profile.product));
    m_dashboard->configChecks()->setVisible(editable);
    if (!editable) {
        delete m_keyedChecks;
        m_keyedChecks = nullptr;
        return;
    }
    if (m_keyedChecks) {
        connect(m_keyedChecks, &KeyedConfigSession::hostKeyUnknown, m_dashboard, &Dashboard::askHostKey);
        connect(m_dashboard, &Dashboard::hostKeyDecided, m_keyedChecks,
            [this](const QString &, HostKeyDecision decision) { m_keyedChecks->acceptHostKey(decision); });
        connect(m_keyedChecks, &KeyedConfigSession::stateRead, this,
            [this](const KeyedConfigStateResult &answer) {
                QList<ConfigCheck> checks;
                if (answer.result) {
                    checks = m_keyedChecks->checks(*answer.result);
                } else {
                    ConfigCheck readable;
                    readable.id = QStringLiteral("readable");
                    readable.title = tr("Configuration readable");
                    readable.status = ConfigCheck::Status::Fail;
                    readable.detail = answer.result.error().message;
                    readable.fix = tr("Check the connection and the keychain entries the profile names.");
                    checks.append(readable);
                }
                m_dashboard->configChecks()->setChecks(checks);
                m_checkAction->setEnabled(true);
            });
        connect(m_keyedChecks, &KeyedConfigSession::ready, this, &MainWindow::runConfigChecks);
        m_keyedChecks->open();
        return;
    }
    m_checks = new ConfigSession(*m_profile, m_secrets, ConfigSession::Options {}, this);
    connect(m_checks, &ConfigSession::hostKeyUnknown, m_dashboard, &Dashboard::askHostKey);
    connect(m_dashboard, &Dashboard::hostKeyDecided, m_checks, &ConfigSession::acceptHostKey);
    connect(m_checks, &ConfigSession::checksFinished, this, [this](const QList<ConfigCheck> &checks) {
        m_dashboard->configChecks()->setChecks(checks);
        m_checkAction->setEnabled(true);
    });
    connect(m_checks, &ConfigSession::ready, this, &MainWindow::runConfigChecks);
    m_checks->open();
}

void MainWindow::runConfigChecks()
{
    if (!m_checks && !m_keyedChecks)
        return;
    m_checkAction->setEnabled(false);
    m_dashboard->configChecks()->setRunning(true);
    if (m_checks)
        m_checks->runChecks();
    else
        m_keyedChecks->read();
}

void MainWindow::openConfigEditor()
{
    if (!m_profile || !m_configAction->isEnabled())
        return;
    if (!m_editor) {
        if (m_profile->profile.deployment.kind == DeploymentKind::Hosts) {
            auto *editor = new ConfigEditor(*m_profile, m_secrets, this);
            // What the editor changed shows on the dashboard at once.
            connect(editor, &ConfigEditor::pushFinished, this, &MainWindow::runConfigChecks);
            m_editor = editor;
        } else {
            auto *editor = new KeyedConfigEditor(
                KeyedConfigSession::create(*m_profile, m_secrets, ConfigSession::Options {}), m_secrets,
                this);
            connect(editor, &KeyedConfigEditor::pushFinished, this, &MainWindow::runConfigChecks);
            m_editor = editor;
        }
        m_editor->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_editor->show();
    m_editor->raise();
    m_editor->activateWindow();
}

ConfigEditor *MainWindow::configEditor() const
{
    return qobject_cast<ConfigEditor *>(m_editor.data());
}

KeyedConfigEditor *MainWindow::keyedConfigEditor() const
{
    return qobject_cast<KeyedConfigEditor *>(m_editor.data());
}

void MainWindow::openAuditLog()
{
    Result<std::unique_ptr<AuditLog>> log = AuditLog::open();
    if (!log) {
        warn(tr("Cannot Open the Audit Log"), log.error().message);
        return;
    }
    AuditLog *raw = log->release();
    auto *dialog = new AuditLogDialog(raw, m_profile ? m_profile->profile.name : QString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QObject::destroyed, this, [raw] { delete raw; });
    dialog->show();
}

void MainWindow::startPolling()
{
    auto *poller = new ClusterPoller(*m_profile, m_secrets, ClusterPoller::Options {});
    m_dashboard->setPoller(poller);
    poller->start();
}

void MainWindow::closeProfile()
{
    if (m_editor)
        m_editor->close();
    m_profile.reset();
    startConfigChecks(); // none: disables the actions
    m_path.clear();
    m_dashboard->clear();
    m_pages->setCurrentWidget(m_emptyPage);
    setWindowModified(false);
    refreshRecent();
    updateTitleAndActions();
}

bool MainWindow::isShowingCluster() const
{
    return m_pages->currentWidget() == m_dashboard;
}

void MainWindow::chooseAndOpenProfile()
{
    if (!maybeDiscard())
        return;
    const QString path
        = QFileDialog::getOpenFileName(this, tr("Open Profile"), profileFolder(), fileFilter());
    if (!path.isEmpty())
        openProfile(path);
}

void MainWindow::newProfile()
{
    if (!maybeDiscard())
        return;
    NewProfileDialog dialog(PresetRegistry::builtIn(), this);
    if (dialog.exec() != QDialog::Accepted || !dialog.profile())
        return;
    const ClusterProfile profile = *dialog.profile();
    const auto preset = ProfileFile::check(profile, PresetRegistry::builtIn());
    if (!preset)
        return; // the dialog accepts only profiles that pass this check

    const QString suggested = QDir(profileFolder()).filePath(ProfileDraft::slug(profile.name) + u".json");
    const QString chosen
        = QFileDialog::getSaveFileName(this, tr("Save New Profile"), suggested, fileFilter());
    // Without a file the new cluster is still shown, untitled and unsaved, so
    // nothing typed is lost; Save asks again.
    showProfile(LoadedProfile {QString(), profile, *preset}, QString());
    if (chosen.isEmpty() || !saveProfileTo(withJsonSuffix(chosen)))
        setWindowModified(true);
}

bool MainWindow::save()
{
    return m_path.isEmpty() ? saveAs() : saveProfileTo(m_path);
}

bool MainWindow::saveAs()
{
    if (!m_profile)
        return false;
    const QString name = m_path.isEmpty() ? ProfileDraft::slug(m_profile->profile.name) + u".json"
                                          : QFileInfo(m_path).fileName();
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save Profile As"), QDir(profileFolder()).filePath(name), fileFilter());
    return !path.isEmpty() && saveProfileTo(withJsonSuffix(path));
}

bool MainWindow::saveProfileTo(const QString &path)
{
    if (!m_profile)
        return false;
    if (const auto saved = ProfileFile::save(m_profile->profile, path); !saved) {
        warn(tr("Cannot Save Profile"), saved.error().message);
        return false;
    }
    m_path = QFileInfo(path).absoluteFilePath();
    m_profile->path = m_path;
    rememberFolder(m_path);
    m_recent->add(m_path);
    m_dashboard->setProfileFile(m_path);
    setWindowModified(false);
    updateTitleAndActions();
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(m_path)), 5000);
    return true;
}

bool MainWindow::maybeDiscard()
{
    if (!isWindowModified() || !m_profile)
        return true;
    const auto answer = QMessageBox::question(this, tr("Unsaved Profile"),
        tr("The profile \"%1\" has not been saved. Save it first?").arg(m_profile->profile.name),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::showAbout()
{
    AboutDialog dialog(this);
    dialog.exec();
}

void MainWindow::refreshRecent()
{
    const QStringList paths = m_recent->paths();
    m_emptyPage->setRecentProfiles(paths);

    m_recentMenu->clear();
    for (qsizetype i = 0; i < paths.size(); ++i) {
        const QString path = paths.at(i);
        QAction *action = m_recentMenu->addAction(
            QStringLiteral("&%1 %2").arg(i + 1).arg(RecentProfiles::displayName(path)), this, [this, path] {
                if (maybeDiscard())
                    openProfile(path);
            });
        action->setData(path);
        action->setToolTip(QDir::toNativeSeparators(path));
    }
    if (paths.isEmpty())
        m_recentMenu->addAction(tr("No recent profiles"))->setEnabled(false);
    m_recentMenu->addSeparator();
    QAction *clear = m_recentMenu->addAction(tr("&Clear Recent"), m_recent, &RecentProfiles::clear);
    clear->setEnabled(!paths.isEmpty());
}

void MainWindow::updateTitleAndActions()
{
    if (m_profile)
        setWindowTitle(tr("%1[*] — %2").arg(m_profile->profile.name, BuildInfo::applicationName()));
    else
        setWindowTitle(BuildInfo::applicationName());
    for (QAction *action :
        {m_saveAction, m_saveAsAction, m_closeAction, m_upgradeAction, m_diagnosticsAction})
        action->setEnabled(m_profile.has_value());
}

void MainWindow::showKeychainWarning(const QString &reason)
{
    if (!m_keychainWarning) {
        m_keychainWarning
            = new QLabel(tr("No system keychain: secrets are kept in memory for this session only."), this);
        m_keychainWarning->setObjectName(QStringLiteral("keychainWarning"));
        m_keychainWarning->setAccessibleName(tr("Keychain warning"));
        statusBar()->addPermanentWidget(m_keychainWarning);
    }
    m_keychainWarning->setToolTip(reason);
}

void MainWindow::setWarningPresenter(WarningPresenter presenter)
{
    m_warningPresenter = std::move(presenter);
}

void MainWindow::warn(const QString &title, const QString &text, const QString &details)
{
    if (m_warningPresenter) {
        m_warningPresenter(title, text, details);
        return;
    }
    QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    // One problem per line; as a list, a problem that wraps still reads as one.
    const QStringList lines = details.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (lines.size() > 1) {
        QString list;
        for (const QString &line : lines)
            list += QStringLiteral("<li>%1</li>").arg(line.toHtmlEscaped());
        box.setTextFormat(Qt::RichText);
        box.setInformativeText(QStringLiteral("<ul style=\"margin-left: -20px\">%1</ul>").arg(list));
    } else {
        box.setInformativeText(details);
    }
    box.exec();
}

QString MainWindow::profileFolder() const
{
    const QString remembered = QSettings().value(QStringLiteral("lastProfileFolder")).toString();
    if (!remembered.isEmpty() && QFileInfo(remembered).isDir())
        return remembered;
    return QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
}

void MainWindow::rememberFolder(const QString &path)
{
    QSettings().setValue(QStringLiteral("lastProfileFolder"), QFileInfo(path).absolutePath());
}

void MainWindow::readSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray()))
        resize(1000, 640);
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
    m_dashboard->restoreHeaderState(
        settings.value(QStringLiteral("mainWindow/nodeTableHeader")).toByteArray());
    m_dashboard->restoreSplitterState(
        settings.value(QStringLiteral("mainWindow/dashboardSplitter")).toByteArray());
}

void MainWindow::writeSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
    settings.setValue(QStringLiteral("mainWindow/nodeTableHeader"), m_dashboard->saveHeaderState());
    settings.setValue(QStringLiteral("mainWindow/dashboardSplitter"), m_dashboard->saveSplitterState());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!maybeDiscard()) {
        event->ignore();
        return;
    }
    writeSettings();
    event->accept();
}
