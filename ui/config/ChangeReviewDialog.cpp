#include "ChangeReviewDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

ChangeReviewDialog::ChangeReviewDialog(
    const ConfigPlan &plan, const QString &explanation, bool restartChoice, QWidget *parent)
    : QDialog(parent)
    , m_diff(new QPlainTextEdit(this))
    , m_restart(new QCheckBox(
          tr("&Restart the nodes so they read the change (all stop, then they start one at a time)"), this))
    , m_buttons(new QDialogButtonBox(this))
{
    setWindowTitle(tr("Review Changes"));
    auto *heading = new QLabel(tr("<b>%n file(s) on %1 will change.</b>", nullptr, int(plan.edits.size()))
                                   .arg(plan.nodes().join(QStringLiteral(", ")).toHtmlEscaped()),
        this);
    auto *summary = new QLabel(QStringLiteral("• ") + plan.summary.join(QStringLiteral("\n• ")), this);
    summary->setWordWrap(true);
    summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *how = new QLabel(explanation, this);
    how->setWordWrap(true);
    m_diff->setReadOnly(true);
    m_diff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_diff->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_diff->setPlainText(plan.maskedDiff());
    m_diff->setAccessibleName(tr("Changes to the files, secrets masked"));
    m_restart->setChecked(true);
    m_restart->setAccessibleName(tr("Restart the nodes"));
    m_restart->setVisible(restartChoice);

    QPushButton *apply = m_buttons->addButton(tr("&Apply to Every Node"), QDialogButtonBox::AcceptRole);
    QPushButton *cancel = m_buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setDefault(true); // Enter does not change a cluster by accident
    apply->setAccessibleName(tr("Apply to every node"));
    cancel->setAccessibleName(tr("Cancel"));
    apply->setAutoDefault(false);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addWidget(summary);
    layout->addWidget(m_diff, 1);
    layout->addWidget(how);
    layout->addWidget(m_restart);
    layout->addWidget(m_buttons);
    resize(820, 560);
}

bool ChangeReviewDialog::restart() const
{
    return m_restart->isChecked();
}
