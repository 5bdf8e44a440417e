#include "ConfigChecksView.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {

QIcon iconFor(ConfigCheck::Status status, const QStyle *style)
{
    switch (status) {
    case ConfigCheck::Status::Pass:
        return QIcon(QStringLiteral(":/icons/health-up.svg"));
    case ConfigCheck::Status::Warning:
        return QIcon(QStringLiteral(":/icons/warning.svg"));
    case ConfigCheck::Status::Fail:
        return QIcon(QStringLiteral(":/icons/health-down.svg"));
    case ConfigCheck::Status::Skipped:
        return style->standardIcon(QStyle::SP_MessageBoxQuestion);
    }
    return {};
}

QString statusText(ConfigCheck::Status status)
{
    switch (status) {
    case ConfigCheck::Status::Pass:
        return ConfigChecksView::tr("Passed");
    case ConfigCheck::Status::Warning:
        return ConfigChecksView::tr("Warning");
    case ConfigCheck::Status::Fail:
        return ConfigChecksView::tr("Failed");
    case ConfigCheck::Status::Skipped:
        return ConfigChecksView::tr("Not checked");
    }
    return {};
}

} // namespace

ConfigChecksView::ConfigChecksView(QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(tr("The nodes' configuration has not been checked yet."), this))
    , m_run(new QPushButton(tr("&Check Configuration"), this))
    , m_tree(new QTreeWidget(this))
{
    m_summary->setWordWrap(true);
    m_run->setToolTip(tr("Read every node's configuration files over SSH and compare them"));
    m_run->setAccessibleName(tr("Check configuration"));
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({tr("Check"), tr("Result"), tr("Nodes")});
    m_tree->setRootIsDecorated(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setWordWrap(true);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setAccessibleName(tr("Configuration checks"));

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_run);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_tree, 1);
    connect(m_run, &QPushButton::clicked, this, &ConfigChecksView::runRequested);
}

void ConfigChecksView::setRunning(bool running)
{
    m_run->setEnabled(!running);
    if (running)
        m_summary->setText(tr("Reading the nodes' configuration…"));
}

void ConfigChecksView::clear()
{
    m_tree->clear();
    m_failed = 0;
    m_summary->setText(tr("The nodes' configuration has not been checked yet."));
}

void ConfigChecksView::setChecks(const QList<ConfigCheck> &checks)
{
    m_tree->clear();
    m_failed = 0;
    int warnings = 0;
    for (const ConfigCheck &check : checks) {
        auto *item = new QTreeWidgetItem(
            m_tree, {check.title, statusText(check.status), check.nodes.join(QStringLiteral(", "))});
        item->setIcon(0, iconFor(check.status, style()));
        item->setData(0, Qt::UserRole, check.id);
        item->setToolTip(0, check.detail);
        if (!check.detail.isEmpty()) {
            auto *detail = new QTreeWidgetItem(item, {check.detail});
            detail->setFirstColumnSpanned(true);
            detail->setToolTip(0, check.detail);
        }
        if (check.status == ConfigCheck::Status::Fail || check.status == ConfigCheck::Status::Warning) {
            auto *fix = new QTreeWidgetItem(item, {tr("How to fix: %1").arg(check.fix)});
            fix->setFirstColumnSpanned(true);
            item->setExpanded(true);
            if (check.status == ConfigCheck::Status::Fail)
                ++m_failed;
            else
                ++warnings;
        }
    }
    m_tree->resizeColumnToContents(1);
    m_tree->setColumnWidth(
        0, std::max(m_tree->columnWidth(0), fontMetrics().horizontalAdvance(QLatin1Char('x')) * 48));
    if (m_failed > 0)
        m_summary->setText(
            tr("%n check(s) failed: the nodes disagree. Open Cluster → Configuration to fix it.", nullptr,
                m_failed));
    else if (warnings > 0)
        m_summary->setText(tr("%n warning(s); the nodes agree otherwise.", nullptr, warnings));
    else
        m_summary->setText(
            tr("The nodes' configuration is consistent (%n check(s) passed).", nullptr, int(checks.size())));
    m_run->setEnabled(true);
}
