#include "WarningBanner.h"

#include "dashboard/HealthIcons.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>

WarningBanner::WarningBanner(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
{
    setFrameShape(QFrame::StyledPanel);
    // A light tint of the palette's warning-free base keeps it readable in dark themes;
    // the icon and the words carry the meaning, the tint only draws the eye.
    setAutoFillBackground(true);
    QPalette tinted = palette();
    const QColor base = tinted.color(QPalette::Base);
    const QColor amber(0xf9, 0xa8, 0x25);
    tinted.setColor(QPalette::Window,
        QColor::fromRgbF(base.redF() * 0.8f + amber.redF() * 0.2f,
            base.greenF() * 0.8f + amber.greenF() * 0.2f, base.blueF() * 0.8f + amber.blueF() * 0.2f));
    setPalette(tinted);

    const int size = style()->pixelMetric(QStyle::PM_LargeIconSize, nullptr, this);
    m_icon->setPixmap(HealthIcons::warning().pixmap(QSize(size, size), devicePixelRatioF()));
    m_icon->setAlignment(Qt::AlignTop);
    m_icon->setAccessibleName(tr("Warning"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setObjectName(QStringLiteral("warningText"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->setSpacing(10);
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    setVisible(false);
}

void WarningBanner::setWarnings(const QStringList &warnings)
{
    m_warnings = warnings;
    m_text->setText(warnings.join(u'\n'));
    m_text->setAccessibleName(tr("Warnings: %1").arg(warnings.join(QStringLiteral("; "))));
    setVisible(!warnings.isEmpty());
}

QString WarningBanner::text() const
{
    return m_text->text();
}
