#include "AboutDialog.h"

#include "core/BuildInfo.h"
#include "ui_AboutDialog.h"

#include <QApplication>
#include <QPushButton>

AboutDialog::AboutDialog(QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::AboutDialog>())
{
    m_ui->setupUi(this);
    layout()->setSizeConstraint(QLayout::SetFixedSize);

    const QIcon icon = QApplication::windowIcon();
    const QPixmap pixmap = icon.pixmap(QSize(64, 64));
    // Without an SVG image plugin the icon is empty; leave no hole where it would be.
    m_ui->iconLabel->setVisible(!pixmap.isNull());
    m_ui->iconLabel->setPixmap(pixmap);
    m_ui->iconLabel->setContentsMargins(0, 0, 12, 0);

    QFont titleFont = m_ui->titleLabel->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.5);
    titleFont.setBold(true);
    m_ui->titleLabel->setFont(titleFont);
    m_ui->titleLabel->setText(tr("%1 %2").arg(BuildInfo::applicationName(), BuildInfo::version()));

    m_ui->textLayout->insertSpacing(m_ui->textLayout->indexOf(m_ui->librariesHeading), 8);
    m_ui->qtVersionLabel->setText(BuildInfo::qtVersion());
    m_ui->libsshVersionLabel->setText(BuildInfo::libsshVersion());
    m_ui->keychainVersionLabel->setText(BuildInfo::keychainVersion());

    QPushButton *close = m_ui->buttonBox->button(QDialogButtonBox::Close);
    close->setAccessibleName(tr("Close"));
    close->setDefault(true);
}

AboutDialog::~AboutDialog() = default;
