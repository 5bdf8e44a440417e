#include "UpgradeWizard.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <functional>

namespace {

// A page whose completeness is a function of the wizard's state.
class Page final : public QWizardPage
{
public:
    explicit Page(std::function<bool()> complete)
        : m_complete(std::move(complete))
    { }
    bool isComplete() const override { return m_complete(); }
    void refresh() { Q_EMIT completeChanged(); }

private:
    std::function<bool()> m_complete;
};

void refreshPage(QWizardPage *page)
{
    if (auto *p = dynamic_cast<Page *>(page))
        p->refresh();
}

QString stepTime(qint64 ms)
{
    return UpgradeWizard::tr("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
}

} // namespace

UpgradeWizard::UpgradeWizard(
    const LoadedProfile &profile, SecretStore *secrets, UpgradeWorker::Options options, QWidget *parent)
    : QWizard(parent)
    , m_engine(new UpgradeEngine(profile, secrets, options, this))
{
    setWindowTitle(tr("Upgrade %1").arg(profile.profile.name));
    setAccessibleName(tr("Upgrade wizard"));
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoBackButtonOnLastPage, true);
    setOption(QWizard::HaveHelpButton, false);
    setMinimumSize(760, 560);
    m_interrupted = UpgradeEngine::interruptedRun(profile.path, options.journalPath);
    setOption(QWizard::NoCancelButtonOnLastPage, true);
    button(QWizard::BackButton)->setAccessibleName(tr("Back"));
    button(QWizard::NextButton)->setAccessibleName(tr("Next"));
    button(QWizard::CommitButton)->setAccessibleName(tr("Start the upgrade"));
    button(QWizard::FinishButton)->setAccessibleName(tr("Finish"));
    button(QWizard::CancelButton)->setAccessibleName(tr("Cancel"));

    setPage(TargetPage, makeTargetPage());
    setPage(ChecksPage, makeChecksPage());
    setPage(ConfirmPage, makeConfirmPage());
    setPage(RunPage, makeRunPage());
    setPage(ResultPage, makeResultPage());
    setStartId(TargetPage);

    connect(this, &QWizard::currentIdChanged, this, &UpgradeWizard::onPageChanged);
    connect(m_engine, &UpgradeEngine::ready, this, [this] {
        m_engineReady = true;
        refreshPage(page(TargetPage));
        if (m_resume)
            m_resume->setEnabled(m_interrupted.has_value());
    });
    connect(m_engine, &UpgradeEngine::assessed, this, &UpgradeWizard::showAssessment);
    connect(m_engine, &UpgradeEngine::runStarted, this,
        [this](const UpgradePlan &plan, qint64) { onRunStarted(plan); });
    connect(m_engine, &UpgradeEngine::stepStarted, this,
        [this](int step, const QString &) { onStepStarted(step); });
    connect(m_engine, &UpgradeEngine::stepProgress, this, [this](int, qint64 done, qint64 total) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(total > 0 ? int(done * 1000 / total) : 1000);
        m_progress->setVisible(true);
    });
    connect(m_engine, &UpgradeEngine::stepFinished, this, &UpgradeWizard::onStepFinished);
    connect(m_engine, &UpgradeEngine::paused, this, &UpgradeWizard::onPaused);
    connect(m_engine, &UpgradeEngine::finished, this, &UpgradeWizard::onFinished);
    connect(m_engine, &UpgradeEngine::logLine, this,
        [this](const QString &line) { m_log->appendPlainText(line); });
    connect(m_engine, &UpgradeEngine::logTailRead, this,
        [this](const QString &node, const QString &text, const QString &error) {
            m_log->appendPlainText(tr("──── the end of %1's log ────").arg(node));
            m_log->appendPlainText(error.isEmpty() ? text : error);
            m_log->appendPlainText(QStringLiteral("────"));
        });
    m_engine->open();
}

UpgradeWizard::~UpgradeWizard() = default;

bool UpgradeWizard::running() const
{
    return m_started && !m_report && m_pausedStep < 0;
}

// ---------------------------------------------------------------- pages

QWizardPage *UpgradeWizard::makeTargetPage()
{
    auto *page = new Page([this] { return m_engineReady; });
    page->setTitle(tr("What to upgrade to"));
    page->setSubTitle(tr("Every node is stopped, the database is backed up, then each node is upgraded and "
                         "verified before the next one starts."));
    auto *layout = new QVBoxLayout(page);

    const LoadedProfile &p = m_engine->profile();
    if (m_interrupted) {
        m_interruptedLabel = new QLabel(
            tr("<b>An upgrade to %1 started on %2 by %3 did not finish.</b> Resume it from the step it "
               "reached (the cluster's state is checked again first), or abort it; nothing else can start "
               "until then.")
                .arg(m_interrupted->target.toHtmlEscaped(),
                    QLocale().toString(m_interrupted->started.toLocalTime(), QLocale::ShortFormat),
                    m_interrupted->osUser.toHtmlEscaped()),
            page);
        m_interruptedLabel->setWordWrap(true);
        m_interruptedLabel->setAccessibleName(tr("Interrupted upgrade"));
        m_resume = new QPushButton(tr("&Resume the Upgrade"), page);
        m_resume->setAccessibleName(tr("Resume the interrupted upgrade"));
        m_resume->setEnabled(false);
        m_abortInterrupted = new QPushButton(tr("Abor&t It…"), page);
        m_abortInterrupted->setAccessibleName(tr("Abort the interrupted upgrade"));
        connect(m_resume, &QPushButton::clicked, this, [this] {
            m_resuming = true;
            m_started = true;
            m_engine->resume();
            next();
        });
        connect(m_abortInterrupted, &QPushButton::clicked, this, [this] {
            m_resuming = true;
            m_started = true;
            m_engine->abort();
            next();
        });
        auto *row = new QHBoxLayout;
        row->addWidget(m_resume);
        row->addWidget(m_abortInterrupted);
        row->addStretch();
        layout->addWidget(m_interruptedLabel);
        layout->addLayout(row);
    }

    auto *form = new QFormLayout;
    const bool hosts = p.profile.deployment.kind == DeploymentKind::Hosts;
    if (hosts) {
        m_package = new QLineEdit(page);
        m_package->setAccessibleName(tr("Release package"));
        m_package->setPlaceholderText(tr("the release's .zip or .tar.gz"));
        auto *browse = new QPushButton(tr("Bro&wse…"), page);
        browse->setAccessibleName(tr("Choose the release package"));
        connect(browse, &QPushButton::clicked, this, [this] {
            const QString file = QFileDialog::getOpenFileName(this, tr("Release Package"), m_package->text(),
                tr("Release packages (*.zip *.tar.gz *.tgz);;All files (*)"));
            if (!file.isEmpty())
                m_package->setText(QDir::toNativeSeparators(file));
        });
        connect(m_package, &QLineEdit::textChanged, this, [this](const QString &text) {
            // The version in the package's name, and the checksum published beside it.
            const QString path = QDir::fromNativeSeparators(text.trimmed());
            static const QRegularExpression number(QStringLiteral("(\\d+(?:\\.\\d+)+(?:-[A-Za-z0-9.]+)?)"));
            const QRegularExpressionMatch match = number.match(QFileInfo(path).fileName());
            // The guess follows the name as long as the admin has not typed a version.
            if (match.hasMatch() && (m_version->text().isEmpty() || m_version->text() == m_versionGuess)) {
                m_versionGuess
                    = match.captured(1).remove(QRegularExpression(QStringLiteral("\\.(zip|tar)$")));
                m_version->setText(m_versionGuess);
            }
            QFile sum(path + QStringLiteral(".sha256"));
            if (m_sha256->text().isEmpty() && sum.open(QIODevice::ReadOnly))
                m_sha256->setText(QString::fromUtf8(sum.read(200)).section(QLatin1Char(' '), 0, 0).trimmed());
        });
        m_version = new QLineEdit(page);
        auto *row = new QHBoxLayout;
        row->addWidget(m_package, 1);
        row->addWidget(browse);
        form->addRow(tr("Release &package:"), row);
        qobject_cast<QLabel *>(form->labelForField(row))->setBuddy(m_package);
        m_sha256 = new QLineEdit(page);
        m_sha256->setAccessibleName(tr("Published SHA-256 of the package"));
        m_sha256->setPlaceholderText(tr("from the release's download page, or its .sha256 file"));
        form->addRow(tr("&Version:"), m_version);
        form->addRow(tr("Published &SHA-256:"), m_sha256);
    } else {
        m_version = new QLineEdit(page);
        m_image = new QLineEdit(page);
        m_image->setAccessibleName(tr("Image or tag"));
        m_image->setPlaceholderText(tr("e.g. jatos/jatos:3.10.5, or only 3.10.5"));
        form->addRow(tr("&Version:"), m_version);
        form->addRow(tr("&Image or tag:"), m_image);
        // The version's own tag is the usual image: it follows the version until edited.
        connect(m_version, &QLineEdit::textChanged, this, [this](const QString &text) {
            if (m_image->text().isEmpty() || m_image->text() == m_imageGuess) {
                m_imageGuess = text.trimmed();
                m_image->setText(m_imageGuess);
            }
        });
    }
    m_version->setAccessibleName(tr("Target version"));
    m_version->setPlaceholderText(tr("e.g. 3.10.5"));
    layout->addLayout(form);

    auto *backupBox = new QLabel(tr("<b>Database backup</b>"), page);
    layout->addWidget(backupBox);
    m_dump = new QRadioButton(tr("&Dump the database with mariadb-dump / mysqldump on this computer"), page);
    m_dump->setAccessibleName(tr("Back up with mariadb-dump"));
    m_dump->setChecked(true);
    m_custom = new QRadioButton(tr("Run my own backup &command (its output is the dump):"), page);
    m_custom->setAccessibleName(tr("Back up with my own command"));
    m_backupCommand = new QLineEdit(page);
    m_backupCommand->setAccessibleName(tr("Backup command"));
    m_backupCommand->setEnabled(false);
    m_noBackup = new QRadioButton(tr("No bac&kup. I type the cluster's name to confirm:"), page);
    m_noBackup->setAccessibleName(tr("Upgrade without a backup"));
    m_waiver = new QLineEdit(page);
    m_waiver->setAccessibleName(tr("Cluster name, typed to go without a backup"));
    m_waiver->setPlaceholderText(p.profile.name);
    m_waiver->setEnabled(false);
    auto *group = new QButtonGroup(page);
    for (QRadioButton *b : {m_dump, m_custom, m_noBackup})
        group->addButton(b);
    connect(m_custom, &QRadioButton::toggled, m_backupCommand, &QWidget::setEnabled);
    connect(m_noBackup, &QRadioButton::toggled, m_waiver, &QWidget::setEnabled);
    layout->addWidget(m_dump);
    layout->addWidget(m_custom);
    layout->addWidget(m_backupCommand);
    layout->addWidget(m_noBackup);
    layout->addWidget(m_waiver);
    layout->addStretch();
    return page;
}

QWizardPage *UpgradeWizard::makeChecksPage()
{
    auto *page = new Page([this] {
        return m_assessment && m_assessment->error.isEmpty()
            && m_assessment->outcome != Preflight::Outcome::NothingToDo
            && Preflight::mayStart(m_assessment->checks, request().acknowledged);
    });
    page->setTitle(tr("Checks"));
    page->setSubTitle(tr("Nothing has changed yet. A blocking check stops the upgrade; a warning must be "
                         "acknowledged (tick it) before you go on."));
    auto *layout = new QVBoxLayout(page);
    m_checksSummary = new QLabel(page);
    m_checksSummary->setWordWrap(true);
    m_checksSummary->setAccessibleName(tr("Checks summary"));
    m_checks = new QTreeWidget(page);
    m_checks->setAccessibleName(tr("Pre-flight checks"));
    m_checks->setColumnCount(3);
    m_checks->setHeaderLabels({tr("Check"), tr("Result"), tr("Why, and the fix")});
    m_checks->setRootIsDecorated(false);
    m_checks->setWordWrap(true);
    m_checks->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_checks->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    connect(m_checks, &QTreeWidget::itemChanged, this, [page] { page->refresh(); });
    m_recheck = new QPushButton(tr("Check &Again"), page);
    m_recheck->setAccessibleName(tr("Run the checks again"));
    connect(m_recheck, &QPushButton::clicked, this, &UpgradeWizard::runChecks);
    layout->addWidget(m_checksSummary);
    layout->addWidget(m_checks, 1);
    layout->addWidget(m_recheck, 0, Qt::AlignLeft);
    return page;
}

QWizardPage *UpgradeWizard::makeConfirmPage()
{
    auto *page = new Page([this] { return m_confirm && m_confirm->isChecked(); });
    page->setTitle(tr("Confirm"));
    page->setCommitPage(true);
    page->setButtonText(QWizard::CommitButton, tr("&Start Upgrade"));
    auto *layout = new QVBoxLayout(page);
    m_confirmText = new QLabel(page);
    m_confirmText->setWordWrap(true);
    m_confirmText->setAccessibleName(tr("What will go down"));
    m_planText = new QPlainTextEdit(page);
    m_planText->setReadOnly(true);
    m_planText->setAccessibleName(tr("The upgrade's steps"));
    m_confirm = new QCheckBox(tr("I &understand that the application is down until the upgrade ends"), page);
    m_confirm->setAccessibleName(tr("Confirm the downtime"));
    connect(m_confirm, &QCheckBox::toggled, page, [page] { page->refresh(); });
    layout->addWidget(m_confirmText);
    layout->addWidget(m_planText, 1);
    layout->addWidget(m_confirm);
    return page;
}

QWizardPage *UpgradeWizard::makeRunPage()
{
    auto *page = new Page([this] { return m_report.has_value(); });
    page->setTitle(tr("Upgrading"));
    auto *layout = new QVBoxLayout(page);
    m_runState = new QLabel(tr("Starting…"), page);
    m_runState->setWordWrap(true);
    m_runState->setAccessibleName(tr("Upgrade state"));
    m_steps = new QTreeWidget(page);
    m_steps->setAccessibleName(tr("Upgrade steps"));
    m_steps->setColumnCount(3);
    m_steps->setHeaderLabels({tr("Step"), tr("State"), tr("Time")});
    m_steps->setRootIsDecorated(false);
    m_steps->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_progress = new QProgressBar(page);
    m_progress->setAccessibleName(tr("Upload progress"));
    m_progress->setVisible(false);
    m_log = new QPlainTextEdit(page);
    m_log->setReadOnly(true);
    m_log->setAccessibleName(tr("Upgrade log"));
    m_log->setMaximumBlockCount(5000);

    m_pause = new QPushButton(tr("&Pause After This Step"), page);
    m_pause->setAccessibleName(tr("Pause after the current step"));
    m_retry = new QPushButton(tr("&Retry"), page);
    m_retry->setAccessibleName(tr("Retry the failed step"));
    m_logNode = new QComboBox(page);
    m_logNode->setAccessibleName(tr("Node whose log to show"));
    for (const NodeSpec &n : m_engine->profile().profile.nodes)
        m_logNode->addItem(n.name);
    m_showLog = new QPushButton(tr("Show &Log"), page);
    m_showLog->setAccessibleName(tr("Show the end of the node's log"));
    m_abort = new QPushButton(tr("&Abort…"), page);
    m_abort->setAccessibleName(tr("Abort the upgrade"));
    connect(m_pause, &QPushButton::clicked, this, [this] {
        m_engine->requestPause();
        m_runState->setText(tr("Pausing after the current step…"));
        m_pause->setEnabled(false);
    });
    connect(m_retry, &QPushButton::clicked, this, [this] {
        m_pausedStep = -1;
        setRunButtons(true, false);
        m_runState->setText(tr("Retrying…"));
        m_engine->retry();
    });
    connect(m_showLog, &QPushButton::clicked, this, [this] { m_engine->showLog(m_logNode->currentText()); });
    connect(m_abort, &QPushButton::clicked, this, [this] {
        m_runState->setText(tr("Aborting: the cluster stays as it is now, nothing is rolled back."));
        setRunButtons(false, false);
        m_engine->abort();
    });
    auto *buttons = new QHBoxLayout;
    for (QWidget *w : std::initializer_list<QWidget *> {m_pause, m_retry, m_logNode, m_showLog, m_abort})
        buttons->addWidget(w);
    buttons->addStretch();
    layout->addWidget(m_runState);
    layout->addWidget(m_steps, 2);
    layout->addWidget(m_progress);
    layout->addLayout(buttons);
    layout->addWidget(m_log, 1);
    setRunButtons(true, false);
    return page;
}

QWizardPage *UpgradeWizard::makeResultPage()
{
    auto *page = new QWizardPage;
    page->setTitle(tr("Result"));
    page->setFinalPage(true);
    auto *layout = new QVBoxLayout(page);
    m_resultText = new QLabel(page);
    m_resultText->setWordWrap(true);
    m_resultText->setAccessibleName(tr("Upgrade result"));
    m_resultDetails = new QPlainTextEdit(page);
    m_resultDetails->setReadOnly(true);
    m_resultDetails->setAccessibleName(tr("Upgrade report"));
    layout->addWidget(m_resultText);
    layout->addWidget(m_resultDetails, 1);
    return page;
}

// ---------------------------------------------------------------- flow

UpgradeRequest UpgradeWizard::request() const
{
    UpgradeRequest r;
    r.target = m_version->text().trimmed();
    if (m_package)
        r.packagePath = QDir::fromNativeSeparators(m_package->text().trimmed());
    if (m_sha256)
        r.expectedSha256 = m_sha256->text().trimmed().toLower();
    if (m_image)
        r.imageTag = m_image->text().trimmed();
    if (m_custom->isChecked())
        r.backupCommand = m_backupCommand->text().trimmed();
    if (m_noBackup->isChecked())
        r.backupWaiver = m_waiver->text();
    for (int i = 0; i < m_checks->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_checks->topLevelItem(i);
        if ((item->flags() & Qt::ItemIsUserCheckable) && item->checkState(0) == Qt::Checked)
            r.acknowledged.insert(item->data(0, Qt::UserRole).toString());
    }
    return r;
}

bool UpgradeWizard::validateCurrentPage()
{
    if (currentId() == TargetPage) {
        QString problem;
        if (m_version->text().trimmed().isEmpty())
            problem = tr("Type the version to upgrade to.");
        else if (m_package && m_package->text().trimmed().isEmpty())
            problem = tr("Choose the release package.");
        else if (m_image && m_image->text().trimmed().isEmpty())
            problem = tr("Type the image or its tag.");
        else if (m_custom->isChecked() && m_backupCommand->text().trimmed().isEmpty())
            problem = tr("Type the backup command, or choose another kind of backup.");
        if (!problem.isEmpty()) {
            page(TargetPage)->setSubTitle(problem);
            return false;
        }
    }
    if (currentId() == ConfirmPage) {
        m_started = true;
        m_engine->start(request());
    }
    return QWizard::validateCurrentPage();
}

int UpgradeWizard::nextId() const
{
    if (currentId() == TargetPage && m_resuming)
        return RunPage;
    return QWizard::nextId();
}

void UpgradeWizard::onPageChanged(int id)
{
    if (id == ChecksPage)
        runChecks();
    if (id == ConfirmPage && m_assessment) {
        QStringList nodes;
        for (const UpgradeNodeInputs &n : m_assessment->inputs.nodes)
            nodes << n.name;
        m_confirmText->setText(
            tr("<b>This stops every node of %1: %2.</b> The application is unavailable "
               "until the last step; the nodes come back one at a time on %3. You can pause "
               "between steps, never inside one.")
                .arg(m_assessment->inputs.clusterName.toHtmlEscaped(),
                    nodes.join(QStringLiteral(", ")).toHtmlEscaped(),
                    m_assessment->request.target.toHtmlEscaped()));
        QStringList plan;
        for (const UpgradeStep &s : m_assessment->plan.steps())
            plan << QStringLiteral("%1. %2").arg(s.index + 1).arg(s.description);
        m_planText->setPlainText(plan.join(QLatin1Char('\n')));
    }
}

void UpgradeWizard::runChecks()
{
    m_assessment.reset();
    m_checks->clear();
    m_checksSummary->setText(tr("Checking every node, the database and the package…"));
    m_recheck->setEnabled(false);
    refreshPage(page(ChecksPage));
    m_engine->assess(request());
}

void UpgradeWizard::showAssessment(const UpgradeAssessment &a)
{
    if (m_started)
        return; // the engine's own look before it starts: the run page tells
    const QSet<QString> acknowledged = request().acknowledged;
    m_assessment = a;
    m_recheck->setEnabled(true);
    const QSignalBlocker block(m_checks);
    m_checks->clear();
    for (const PreflightCheck &c : a.checks) {
        auto *item = new QTreeWidgetItem(m_checks);
        item->setText(0, c.title);
        item->setData(0, Qt::UserRole, c.id);
        const bool pass = c.status == PreflightCheck::Status::Pass;
        const bool warning = c.severity == PreflightCheck::Severity::Warning;
        // In words, never by colour alone.
        item->setText(1, pass ? tr("Passed") : warning ? tr("Warning") : tr("Blocked"));
        item->setIcon(1,
            style()->standardIcon(pass ? QStyle::SP_DialogApplyButton
                    : warning          ? QStyle::SP_MessageBoxWarning
                                       : QStyle::SP_MessageBoxCritical));
        QString text = c.reason;
        if (!pass && !c.fix.isEmpty())
            text += QLatin1Char('\n') + tr("Fix: %1").arg(c.fix);
        item->setText(2, text);
        item->setToolTip(2, text);
        if (!pass && warning) {
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(0, acknowledged.contains(c.id) ? Qt::Checked : Qt::Unchecked);
            item->setToolTip(0, tr("Tick to acknowledge this warning"));
        }
    }
    QString summary;
    if (!a.error.isEmpty())
        summary = a.error;
    else if (a.outcome == Preflight::Outcome::NothingToDo)
        summary = tr("Nothing to do: every node already runs %1.").arg(a.request.target);
    else if (a.outcome == Preflight::Outcome::Blocked)
        summary = tr("<b>The upgrade cannot start.</b> Fix what is blocked below, then check again.");
    else if (a.outcome == Preflight::Outcome::NeedsAcknowledgement)
        summary = tr("The upgrade may start once you have ticked every warning below.");
    else
        summary = tr("Every check passed.");
    m_checksSummary->setText(summary);
    refreshPage(page(ChecksPage));
}

void UpgradeWizard::setRunButtons(bool isRunning, bool paused)
{
    m_pause->setEnabled(isRunning);
    m_retry->setEnabled(paused);
    m_abort->setEnabled(paused);
    m_showLog->setEnabled(paused);
    m_logNode->setEnabled(paused);
}

void UpgradeWizard::onRunStarted(const UpgradePlan &plan)
{
    m_steps->clear();
    for (const UpgradeStep &s : plan.steps()) {
        auto *item = new QTreeWidgetItem(m_steps);
        item->setText(0, QStringLiteral("%1. %2").arg(s.index + 1).arg(s.description));
        item->setText(1, tr("Waiting"));
    }
    m_runState->setText(tr("Upgrading to %1. Keep this window open; if it closes, reopen the profile to "
                           "resume.")
                            .arg(plan.target().text()));
    setRunButtons(true, false);
}

void UpgradeWizard::onStepStarted(int step)
{
    if (QTreeWidgetItem *item = m_steps->topLevelItem(step)) {
        item->setText(1, tr("Running…"));
        item->setIcon(1, style()->standardIcon(QStyle::SP_MediaPlay));
        m_steps->scrollToItem(item);
        m_steps->setCurrentItem(item);
    }
    m_progress->setVisible(false);
}

void UpgradeWizard::onStepFinished(int step, bool ok, const QString &detail, qint64 ms)
{
    if (QTreeWidgetItem *item = m_steps->topLevelItem(step)) {
        item->setText(1, ok ? tr("Done") : tr("Failed"));
        item->setIcon(
            1, style()->standardIcon(ok ? QStyle::SP_DialogApplyButton : QStyle::SP_MessageBoxCritical));
        item->setText(2, stepTime(ms));
        item->setToolTip(0, detail);
    }
    m_progress->setVisible(false);
}

void UpgradeWizard::onPaused(int step, const QString &reason)
{
    m_pausedStep = step;
    m_runState->setText(
        tr("<b>Paused at step %1.</b> %2<br>Fix the cause and press Retry, look at a node's log, "
           "or abort (the cluster stays as it is; nothing is rolled back).")
            .arg(step + 1)
            .arg(reason.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"))));
    setRunButtons(false, true);
    m_retry->setFocus();
}

void UpgradeWizard::onFinished(const UpgradeReport &report)
{
    if (!m_started)
        return;
    m_report = report;
    m_pausedStep = -1;
    setRunButtons(false, false);
    m_runState->setText(report.summary.toHtmlEscaped());
    QString headline;
    switch (report.outcome) {
    case UpgradeReport::Outcome::Completed:
        headline = tr("<b>Done.</b> %1").arg(report.summary.toHtmlEscaped());
        break;
    case UpgradeReport::Outcome::NothingToDo:
        headline = tr("<b>Nothing to do.</b> %1").arg(report.summary.toHtmlEscaped());
        break;
    case UpgradeReport::Outcome::Aborted:
        headline = tr("<b>Aborted.</b> %1").arg(report.summary.toHtmlEscaped());
        break;
    case UpgradeReport::Outcome::Paused:
    case UpgradeReport::Outcome::Refused:
        headline
            = tr("<b>The upgrade did not run.</b> %1")
                  .arg(report.summary.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
        break;
    }
    m_resultText->setText(headline);
    m_resultDetails->setPlainText(report.toText());
    refreshPage(page(RunPage));
    Q_EMIT runEnded(report);
    if (currentId() == RunPage)
        next();
}

void UpgradeWizard::reject()
{
    if (running()) {
        // Never inside a step: ask for a pause and stay open.
        m_engine->requestPause();
        m_runState->setText(tr("The upgrade is running. It pauses after the current step; then you can "
                               "close this window and resume later."));
        m_pause->setEnabled(false);
        return;
    }
    QWizard::reject();
}
