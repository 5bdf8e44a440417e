#include "DiagnosticsDialog.h"

#include "dashboard/HealthIcons.h"
#include "diagnostics/DiagnosticsEngine.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <chrono>

namespace {

const QString folderKey = QStringLiteral("diagnostics/outDir");

// The rotated-logs choices, in the combo box's order.
enum Rotated
{
    NoRotated,
    LastDay,
    LastWeek
};

QString dataSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes);
}

} // namespace

DiagnosticsDialog::DiagnosticsDialog(const LoadedProfile &profile, SecretStore *secrets, QWidget *parent)
    : QDialog(parent)
    , m_profile(profile)
    , m_secrets(secrets)
{
    setWindowTitle(tr("Diagnostics Bundle of %1").arg(profile.profile.name));
    setAccessibleName(tr("Diagnostics bundle"));
    setMinimumSize(720, 560);

    auto *intro = new QLabel(tr("Collects the logs, configuration and status of every node, the database and "
                                "Clusterdesk's own records into one zip. Passwords, keys and tokens are "
                                "replaced before anything is written."),
        this);
    intro->setWordWrap(true);

    // Options
    m_optionsBox = new QGroupBox(tr("Options"), this);
    auto *form = new QFormLayout(m_optionsBox);
    m_folder = new QLineEdit(QDir::toNativeSeparators(defaultFolder()), m_optionsBox);
    m_folder->setAccessibleName(tr("Output folder"));
    m_folder->setClearButtonEnabled(true);
    m_browse = new QPushButton(tr("Bro&wse…"), m_optionsBox);
    m_browse->setAccessibleName(tr("Choose the output folder"));
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(m_browse);
    form->addRow(tr("Output &folder:"), folderRow);
    qobject_cast<QLabel *>(form->labelForField(folderRow))->setBuddy(m_folder);

    m_logMegabytes = new QSpinBox(m_optionsBox);
    m_logMegabytes->setRange(1, 2048);
    m_logMegabytes->setValue(20);
    m_logMegabytes->setSuffix(tr(" MB"));
    m_logMegabytes->setAccessibleName(tr("Last megabytes of each log"));
    form->addRow(tr("&Last MB of each log:"), m_logMegabytes);

    m_rotated = new QComboBox(m_optionsBox);
    m_rotated->addItem(tr("None"));
    m_rotated->addItem(tr("Last 24 hours"));
    m_rotated->addItem(tr("Last 7 days"));
    m_rotated->setAccessibleName(tr("Rotated logs"));
    form->addRow(tr("&Rotated logs:"), m_rotated);

    m_maskHosts = new QCheckBox(tr("&Mask host names and addresses"), m_optionsBox);
    m_maskHosts->setAccessibleName(tr("Mask host names and addresses"));
    m_maskHosts->setToolTip(
        tr("Host names and addresses in the bundle become host-1, ip-1, … The mapping back "
           "to the real names is saved on this computer only and never put in the bundle."));
    form->addRow(QString(), m_maskHosts);

    // Running
    m_sources = new QTreeWidget(this);
    m_sources->setAccessibleName(tr("Sources"));
    m_sources->setColumnCount(ColumnCount);
    m_sources->setHeaderLabels({tr("Source"), tr("Activity"), tr("Data"), tr("State")});
    m_sources->setRootIsDecorated(false);
    m_sources->setUniformRowHeights(true);
    m_sources->header()->setStretchLastSection(false);
    m_sources->header()->setSectionResizeMode(SourceColumn, QHeaderView::ResizeToContents);
    m_sources->header()->setSectionResizeMode(ActivityColumn, QHeaderView::Stretch);
    m_sources->header()->setSectionResizeMode(DataColumn, QHeaderView::ResizeToContents);
    m_sources->header()->setSectionResizeMode(StateColumn, QHeaderView::Interactive);
    m_sources->header()->resizeSection(StateColumn, 220);

    m_progress = new QProgressBar(this);
    m_progress->setAccessibleName(tr("Collection progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);

    // Finished
    m_summary = new QLabel(tr("Choose where the bundle goes, then Collect."), this);
    m_summary->setAccessibleName(tr("Summary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_failures = new QListWidget(this);
    m_failures->setAccessibleName(tr("What could not be collected"));
    m_failures->setWordWrap(true);
    m_failures->setVisible(false);
    m_hostMap = new QLabel(this);
    m_hostMap->setAccessibleName(tr("Host mapping"));
    m_hostMap->setWordWrap(true);
    m_hostMap->setTextFormat(Qt::PlainText);
    m_hostMap->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_hostMap->setVisible(false);

    m_collect = new QPushButton(tr("&Collect"), this);
    m_collect->setAccessibleName(tr("Collect the bundle"));
    m_collect->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setAccessibleName(tr("Cancel collecting"));
    m_openFolder = new QPushButton(tr("&Open Folder"), this);
    m_openFolder->setAccessibleName(tr("Open the folder of the bundle"));
    m_close = new QPushButton(tr("Close"), this);
    m_close->setAccessibleName(tr("Close"));
    m_close->setAutoDefault(false);
    m_cancel->setAutoDefault(false);
    m_openFolder->setAutoDefault(false);
    m_browse->setAutoDefault(false);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_collect);
    buttons->addWidget(m_cancel);
    buttons->addStretch();
    buttons->addWidget(m_openFolder);
    buttons->addWidget(m_close);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_optionsBox);
    layout->addWidget(m_sources, 2);
    layout->addWidget(m_progress);
    layout->addWidget(m_summary);
    layout->addWidget(m_failures, 1);
    layout->addWidget(m_hostMap);
    layout->addLayout(buttons);

    setTabOrder(m_folder, m_browse);
    setTabOrder(m_browse, m_logMegabytes);
    setTabOrder(m_logMegabytes, m_rotated);
    setTabOrder(m_rotated, m_maskHosts);
    setTabOrder(m_maskHosts, m_collect);
    setTabOrder(m_collect, m_cancel);
    setTabOrder(m_cancel, m_sources);
    setTabOrder(m_sources, m_failures);
    setTabOrder(m_failures, m_openFolder);
    setTabOrder(m_openFolder, m_close);

    connect(m_browse, &QPushButton::clicked, this, &DiagnosticsDialog::browse);
    connect(m_folder, &QLineEdit::textChanged, this,
        [this](const QString &text) { m_collect->setEnabled(!running() && !text.trimmed().isEmpty()); });
    connect(m_collect, &QPushButton::clicked, this, &DiagnosticsDialog::collect);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (!running())
            return;
        m_engine->cancel(); // may end it at once, before anything was started
        if (running()) {
            m_cancel->setEnabled(false);
            m_summary->setText(tr("Stopping…"));
        }
    });
    connect(m_openFolder, &QPushButton::clicked, this, [this] {
        if (m_result && m_result->ok)
            QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(m_result->path).absolutePath()));
    });
    connect(m_close, &QPushButton::clicked, this, &DiagnosticsDialog::reject);

    setRunning(false);
    m_openFolder->setEnabled(false);
    m_folder->setFocus();
}

DiagnosticsDialog::~DiagnosticsDialog() = default;

bool DiagnosticsDialog::running() const
{
    return m_engine && m_engine->busy();
}

QString DiagnosticsDialog::defaultFolder() const
{
    const QString remembered = QSettings().value(folderKey).toString();
    if (!remembered.isEmpty() && QFileInfo(remembered).isDir())
        return remembered;
    // The first of Desktop, Documents and home that exists (a fresh account may
    // have neither of the first two).
    for (const auto location : {QStandardPaths::DesktopLocation, QStandardPaths::DocumentsLocation}) {
        const QString folder = QStandardPaths::writableLocation(location);
        if (!folder.isEmpty() && QFileInfo(folder).isDir())
            return folder;
    }
    return QDir::homePath();
}

DiagnosticsOptions DiagnosticsDialog::options() const
{
    DiagnosticsOptions options;
    options.outDir = QDir::fromNativeSeparators(m_folder->text().trimmed());
    options.maxLogBytes = qint64(m_logMegabytes->value()) * 1024 * 1024;
    switch (m_rotated->currentIndex()) {
    case LastDay:
        options.since = std::chrono::hours(24);
        break;
    case LastWeek:
        options.since = std::chrono::hours(24 * 7);
        break;
    default:
        options.since.reset();
        break;
    }
    options.maskHosts = m_maskHosts->isChecked();
    return options;
}

void DiagnosticsDialog::browse()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Output Folder"), m_folder->text());
    if (!folder.isEmpty())
        m_folder->setText(QDir::toNativeSeparators(folder));
}

void DiagnosticsDialog::collect()
{
    if (running())
        return;
    const DiagnosticsOptions chosen = options();
    if (chosen.outDir.isEmpty() || !QFileInfo(chosen.outDir).isDir()) {
        m_summary->setText(
            tr("The folder \"%1\" does not exist. Choose a folder the bundle can be written to.")
                .arg(QDir::toNativeSeparators(chosen.outDir)));
        m_folder->setFocus();
        return;
    }
    QSettings().setValue(folderKey, chosen.outDir);

    if (m_engine)
        m_engine->deleteLater(); // the last collection's, finished
    m_result.reset();
    m_rows.clear();
    m_sourceFailures.clear();
    m_sources->clear();
    m_failures->clear();
    m_failures->setVisible(false);
    m_hostMap->clear();
    m_hostMap->setVisible(false);
    m_openFolder->setEnabled(false);

    m_engine = new DiagnosticsEngine(m_profile, m_secrets, chosen, this);
    connect(m_engine, &DiagnosticsEngine::sourcesPlanned, this, &DiagnosticsDialog::onSourcesPlanned);
    connect(m_engine, &DiagnosticsEngine::sourceProgress, this, &DiagnosticsDialog::onSourceProgress);
    connect(m_engine, &DiagnosticsEngine::sourceFinished, this, &DiagnosticsDialog::onSourceFinished);
    connect(m_engine, &DiagnosticsEngine::finished, this, &DiagnosticsDialog::onFinished);
    m_summary->setText(tr("Reading the keychain and the cluster's status…"));
    m_engine->start();
    setRunning(m_engine->busy());
}

void DiagnosticsDialog::setRunning(bool running)
{
    m_optionsBox->setEnabled(!running);
    m_collect->setEnabled(!running && !m_folder->text().trimmed().isEmpty());
    m_cancel->setEnabled(running);
    if (running) {
        m_progress->setRange(0, 0); // busy: the engine cannot know how much the logs hold
        m_cancel->setFocus();
    }
}

void DiagnosticsDialog::setRowState(QTreeWidgetItem *row, const QString &text, const QIcon &icon)
{
    row->setText(StateColumn, text);
    row->setToolTip(StateColumn, text);
    row->setIcon(StateColumn, icon);
}

void DiagnosticsDialog::onSourcesPlanned(const QStringList &sources)
{
    m_sources->clear();
    m_rows.clear();
    for (const QString &source : sources) {
        auto *row = new QTreeWidgetItem(m_sources);
        row->setText(SourceColumn, source);
        row->setText(DataColumn, dataSize(0));
        row->setTextAlignment(DataColumn, Qt::AlignRight | Qt::AlignVCenter);
        setRowState(row, tr("Collecting"), HealthIcons::forHealth(NodeHealth::Starting));
        m_rows.insert(source, row);
    }
    m_summary->setText(tr("Collecting from %n source(s)…", nullptr, int(sources.size())));
}

void DiagnosticsDialog::onSourceProgress(const QString &source, const QString &activity, qint64 bytes)
{
    QTreeWidgetItem *row = m_rows.value(source);
    if (!row)
        return;
    // The writer may still be taking a part's last bytes after the part ended: the
    // size goes on counting, the activity stays cleared.
    if (!row->data(StateColumn, Qt::UserRole).toBool()) {
        row->setText(ActivityColumn, activity);
        row->setToolTip(ActivityColumn, activity);
    }
    row->setText(DataColumn, dataSize(bytes));
}

void DiagnosticsDialog::onSourceFinished(const QString &source, bool ok, const QString &detail)
{
    QTreeWidgetItem *row = m_rows.value(source);
    if (!ok)
        m_sourceFailures.insert(source, detail);
    if (!row)
        return;
    row->setData(StateColumn, Qt::UserRole, true); // ended
    row->setText(ActivityColumn, QString());
    row->setToolTip(ActivityColumn, QString());
    if (ok) {
        setRowState(row, tr("Done"), HealthIcons::forHealth(NodeHealth::Up));
    } else {
        setRowState(row, tr("Failed: %1").arg(detail), HealthIcons::forHealth(NodeHealth::Down));
    }
}

void DiagnosticsDialog::onFinished(const DiagnosticsResult &result)
{
    m_result = result;
    // Sources the engine never reported as ended were stopped with it.
    for (QTreeWidgetItem *row : std::as_const(m_rows)) {
        if (!row->data(StateColumn, Qt::UserRole).toBool())
            setRowState(row, result.cancelled ? tr("Cancelled") : tr("Stopped"),
                HealthIcons::forHealth(NodeHealth::Unknown));
    }
    setRunning(false);
    m_progress->setRange(0, 1);
    m_progress->setValue(result.ok ? 1 : 0);

    if (result.cancelled) {
        m_summary->setText(tr("Cancelled; no file was written."));
    } else if (!result.ok) {
        m_summary->setText(tr("No bundle was written: %1").arg(result.error));
    } else {
        const QString elapsed = QLocale().toString(double(result.elapsedMs) / 1000.0, 'f', 1);
        m_summary->setText(tr("The bundle is ready: %1").arg(QDir::toNativeSeparators(result.path)) + u'\n'
            + tr("%1 (%2 before compression), %n file(s)", nullptr, result.entries)
                  .arg(dataSize(result.archiveBytes), dataSize(result.contentBytes))
            + u'\n' + tr("%n value(s) redacted", nullptr, int(result.redaction.total())) + u'\n'
            + tr("Took %1 s").arg(elapsed));
        if (!result.hostMapPath.isEmpty()) {
            m_hostMap->setText(
                tr("Host names and addresses are masked. The mapping back to the real names is in "
                   "%1; it stays on this computer and is not in the bundle.")
                    .arg(QDir::toNativeSeparators(result.hostMapPath)));
            m_hostMap->setVisible(true);
        }
        m_openFolder->setEnabled(true);
    }
    showFailures(result);

    Q_EMIT collectionEnded(result);
    if (m_closeWhenDone) {
        m_closeWhenDone = false;
        QDialog::reject();
    } else if (m_openFolder->isEnabled()) {
        m_openFolder->setFocus();
    }
}

void DiagnosticsDialog::showFailures(const DiagnosticsResult &result)
{
    if (result.cancelled)
        return;
    QSet<QString> listed;
    for (const DiagnosticsFailure &failure : result.failures) {
        m_failures->addItem(tr("%1 — %2: %3").arg(failure.source, failure.item, failure.reason));
        listed.insert(failure.source);
    }
    // A source that failed as a whole is named even when the result lists nothing of it.
    for (auto it = m_sourceFailures.cbegin(); it != m_sourceFailures.cend(); ++it) {
        if (!listed.contains(it.key()))
            m_failures->addItem(tr("%1: %2").arg(it.key(), it.value()));
    }
    m_failures->setVisible(m_failures->count() > 0);
}

void DiagnosticsDialog::reject()
{
    if (!running()) {
        QDialog::reject();
        return;
    }
    if (!m_closeWhenDone) {
        if (m_cancel->isEnabled()) {
            const auto answer = QMessageBox::question(this, tr("Stop Collecting?"),
                tr("Stop collecting? No bundle is written and nothing is left in the folder."),
                QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
            if (answer != QMessageBox::Yes)
                return;
            if (!running()) { // it ended while the question was open
                QDialog::reject();
                return;
            }
            m_engine->cancel();
            if (!running()) { // stopped at once
                QDialog::reject();
                return;
            }
            m_cancel->setEnabled(false);
        }
        // Closed once the engine has stopped, so that nothing is left half-written.
        m_closeWhenDone = true;
        m_summary->setText(tr("Stopping…"));
    }
}
