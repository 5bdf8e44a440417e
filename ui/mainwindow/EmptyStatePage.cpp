#include "EmptyStatePage.h"

#include "mainwindow/RecentProfiles.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace {

QPushButton *makeButton(const QString &text, const QString &accessibleName, QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    button->setAccessibleName(accessibleName);
    return button;
}

} // namespace

EmptyStatePage::EmptyStatePage(QWidget *parent)
    : QWidget(parent)
{
    auto *column = new QWidget(this);
    column->setMaximumWidth(620);

    auto *icon = new QLabel(column);
    icon->setPixmap(QApplication::windowIcon().pixmap(QSize(64, 64)));
    icon->setVisible(!icon->pixmap().isNull());
    icon->setAccessibleName(tr("Clusterdesk icon"));

    auto *heading = new QLabel(tr("No cluster open"), column);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.6);
    headingFont.setBold(true);
    heading->setFont(headingFont);
    heading->setAccessibleName(tr("No cluster open"));

    auto *explanation
        = new QLabel(tr("Clusterdesk shows and manages a cluster described by a profile file. "
                        "Open one, or create one for your JATOS, OpenSpecimen or Joget cluster."),
            column);
    explanation->setWordWrap(true);
    explanation->setAccessibleName(tr("What to do"));

    auto *open = makeButton(tr("&Open Profile…"), tr("Open profile"), column);
    open->setDefault(true);
    auto *create = makeButton(tr("&New Profile…"), tr("New profile"), column);
    auto *example = makeButton(tr("Open &Example Profile"), tr("Open example profile"), column);
    connect(open, &QPushButton::clicked, this, &EmptyStatePage::openProfileRequested);
    connect(create, &QPushButton::clicked, this, &EmptyStatePage::newProfileRequested);
    connect(example, &QPushButton::clicked, this, &EmptyStatePage::exampleProfileRequested);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(open);
    buttons->addWidget(create);
    buttons->addWidget(example);
    buttons->addStretch();

    m_recentHeading = new QLabel(tr("Recent profiles"), column);
    QFont recentFont = m_recentHeading->font();
    recentFont.setBold(true);
    m_recentHeading->setFont(recentFont);
    m_recentLayout = new QVBoxLayout;
    m_recentLayout->setSpacing(4);

    auto *layout = new QVBoxLayout(column);
    layout->addWidget(icon);
    layout->addWidget(heading);
    layout->addWidget(explanation);
    layout->addSpacing(8);
    layout->addLayout(buttons);
    layout->addSpacing(20);
    layout->addWidget(m_recentHeading);
    layout->addLayout(m_recentLayout);

    // The column sits a little above the middle, where the eye starts.
    auto *outer = new QVBoxLayout(this);
    outer->addStretch(2);
    auto *row = new QHBoxLayout;
    row->addStretch();
    row->addWidget(column, 4);
    row->addStretch();
    outer->addLayout(row);
    outer->addStretch(3);

    setRecentProfiles({});
}

void EmptyStatePage::setRecentProfiles(const QStringList &paths)
{
    m_recent = paths;
    while (QLayoutItem *item = m_recentLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (qsizetype i = 0; i < paths.size(); ++i) {
        const QString &path = paths.at(i);
        const QFileInfo info(path);
        auto *link = new QLabel; // the layout gives it its parent
        link->setObjectName(QStringLiteral("recentProfileLink"));
        // Only the file name is the link; the folder beside it tells same-named files apart.
        link->setText(QStringLiteral("<a href=\"%1\">%2</a>&nbsp;&nbsp;%3")
                          .arg(QString::number(i), info.fileName().toHtmlEscaped(),
                              RecentProfiles::folderName(path).toHtmlEscaped()));
        link->setTextFormat(Qt::RichText);
        link->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
        link->setToolTip(QDir::toNativeSeparators(path));
        link->setAccessibleName(tr("Open recent profile %1").arg(info.fileName()));
        connect(link, &QLabel::linkActivated, this,
            [this, path](const QString &) { Q_EMIT recentProfileRequested(path); });
        m_recentLayout->addWidget(link);
    }
    m_recentHeading->setVisible(!paths.isEmpty());
}
