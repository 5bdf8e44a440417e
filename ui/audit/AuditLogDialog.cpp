#include "AuditLogDialog.h"

#include "AuditTableModel.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

AuditLogDialog::AuditLogDialog(AuditLog *log, const QString &cluster, QWidget *parent)
    : QDialog(parent)
    , m_log(log)
    , m_cluster(cluster)
    , m_model(new AuditTableModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_filter(new QLineEdit(this))
    , m_view(new QTableView(this))
    , m_details(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
    , m_export(new QPushButton(tr("&Export…"), this))
{
    setWindowTitle(cluster.isEmpty() ? tr("Audit Log") : tr("Audit Log: %1").arg(cluster));
    resize(900, 600);

    m_filter->setObjectName(QStringLiteral("filterEdit"));
    m_filter->setPlaceholderText(tr("Filter by text in any field"));
    m_filter->setAccessibleName(tr("Filter"));
    m_filter->setClearButtonEnabled(true);
    auto *filterLabel = new QLabel(tr("&Filter:"), this);
    filterLabel->setBuddy(m_filter);
    connect(m_filter, &QLineEdit::textChanged, this, &AuditLogDialog::reload);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(AuditTableModel::SortRole);
    m_view->setObjectName(QStringLiteral("entriesView"));
    m_view->setAccessibleName(tr("Audit entries"));
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(AuditTableModel::When, Qt::DescendingOrder);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &AuditLogDialog::showSelected);

    m_details->setObjectName(QStringLiteral("detailsView"));
    m_details->setAccessibleName(tr("Entry details"));
    m_details->setReadOnly(true);
    m_details->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_details->setPlaceholderText(tr("Select an entry to see what changed."));
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);

    m_export->setObjectName(QStringLiteral("exportButton"));
    m_export->setAccessibleName(tr("Export"));
    m_export->setToolTip(tr("Save the entries listed to a CSV or JSON file"));
    connect(m_export, &QPushButton::clicked, this, &AuditLogDialog::chooseExportFile);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_export, QDialogButtonBox::ActionRole);
    buttons->button(QDialogButtonBox::Close)->setAccessibleName(tr("Close"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_view);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(filterLabel);
    filterRow->addWidget(m_filter, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filterRow);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    reload();
}

AuditLogDialog::~AuditLogDialog() = default;

AuditQuery AuditLogDialog::currentQuery() const
{
    AuditQuery query;
    query.cluster = m_cluster;
    query.text = m_filter->text().trimmed();
    query.limit = listLimit;
    return query;
}

void AuditLogDialog::reload()
{
    if (!m_log) {
        m_model->setEntries({});
        m_status->setText(tr("There is no audit log."));
        m_export->setEnabled(false);
        return;
    }
    const qint64 selectedId = [this]() -> qint64 {
        const QModelIndex current = m_proxy->mapToSource(m_view->currentIndex());
        return current.isValid() ? m_model->entry(current.row()).id : 0;
    }();

    Result<QList<AuditEntry>> found = m_log->entries(currentQuery());
    if (!found) {
        m_model->setEntries({});
        m_status->setText(found.error().message);
    } else {
        const qsizetype count = found->size();
        m_model->setEntries(std::move(*found));
        m_status->setText(count >= listLimit ? tr("Showing the newest %1 entries.").arg(listLimit)
                                             : tr("%n entries", nullptr, int(count)));
    }
    m_export->setEnabled(m_model->rowCount() > 0);

    // Keep the entry the user was reading selected when it is still listed.
    for (int row = 0; row < m_model->rowCount() && selectedId != 0; ++row) {
        if (m_model->entry(row).id == selectedId) {
            m_view->setCurrentIndex(m_proxy->mapFromSource(m_model->index(row, 0)));
            return;
        }
    }
    showSelected();
}

void AuditLogDialog::showSelected()
{
    const QModelIndex current = m_proxy->mapToSource(m_view->currentIndex());
    if (!current.isValid()) {
        m_details->clear();
        return;
    }
    const AuditEntry &entry = m_model->entry(current.row());
    QString text = entry.summary + QLatin1Char('\n');
    text += tr("When: %1 (%2 UTC)")
                .arg(AuditTableModel::localTime(entry.when), entry.when.toUTC().toString(Qt::ISODateWithMs))
        + QLatin1Char('\n');
    text += tr("User: %1").arg(entry.osUser) + QLatin1Char('\n');
    text += tr("Profile: %1 (%2)").arg(entry.cluster, QDir::toNativeSeparators(entry.profilePath))
        + QLatin1Char('\n');
    text += tr("Target: %1").arg(entry.target) + QLatin1Char('\n');
    text += tr("Outcome: %1").arg(entry.outcome) + QLatin1Char('\n');
    if (!entry.details.isEmpty())
        text += QLatin1Char('\n') + entry.details;
    m_details->setPlainText(text);
}

bool AuditLogDialog::exportEntries(const QString &file, AuditLog::Format format)
{
    if (!m_log)
        return false;
    const Result<void> written = m_log->exportTo(file, format, currentQuery());
    if (!written) {
        QMessageBox::warning(this, tr("Export Failed"), written.error().message);
        return false;
    }
    m_status->setText(tr("Exported to %1.").arg(QDir::toNativeSeparators(file)));
    return true;
}

void AuditLogDialog::chooseExportFile()
{
    const QString csvFilter = tr("CSV files (*.csv)");
    const QString jsonFilter = tr("JSON files (*.json)");
    QString selected = csvFilter;
    QString file = QFileDialog::getSaveFileName(this, tr("Export Audit Log"),
        QDir::home().filePath(QStringLiteral("clusterdesk-audit.csv")),
        csvFilter + QLatin1String(";;") + jsonFilter, &selected);
    if (file.isEmpty())
        return;
    const bool json = selected == jsonFilter;
    const QString suffix = json ? QStringLiteral("json") : QStringLiteral("csv");
    if (QFileInfo(file).suffix().isEmpty())
        file += QLatin1Char('.') + suffix;
    exportEntries(file, json ? AuditLog::Format::Json : AuditLog::Format::Csv);
}
