#include "HostKeyDialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

HostKeyDialog::HostKeyDialog(const QString &nodeName, const HostKeyInfo &info, QWidget *parent)
    : QDialog(parent)
    , m_node(nodeName)
{
    setWindowTitle(tr("Unknown SSH Host Key"));

    auto *icon = new QLabel(this);
    const int size = style()->pixelMetric(QStyle::PM_MessageBoxIconSize, nullptr, this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxQuestion, nullptr, this).pixmap(size, size));
    icon->setAlignment(Qt::AlignTop);

    const QString address = tr("%1:%2").arg(info.host).arg(info.port);
    auto *headline = new QLabel(tr("The SSH host key of %1 (%2) is not known.").arg(nodeName, address), this);
    headline->setObjectName(QStringLiteral("hostKeyHeadline"));
    headline->setAccessibleName(tr("Host key question"));
    headline->setWordWrap(true);
    headline->setTextFormat(Qt::PlainText);
    QFont headlineFont = headline->font();
    headlineFont.setBold(true);
    headline->setFont(headlineFont);

    auto *explanation
        = new QLabel(tr("Compare the fingerprint with the one the host's administrator gives you "
                        "(ssh-keygen -l -f on the host). Accept it only if they match."),
            this);
    explanation->setWordWrap(true);

    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    const auto value = [this, &fixed](const QString &text, const QString &objectName, const QString &name) {
        auto *label = new QLabel(text, this);
        label->setObjectName(objectName);
        label->setAccessibleName(name);
        label->setTextFormat(Qt::PlainText);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        label->setFont(fixed);
        return label;
    };
    auto *form = new QFormLayout;
    form->addRow(tr("Key type:"), value(info.keyType, QStringLiteral("keyType"), tr("Key type")));
    form->addRow(
        tr("Fingerprint:"), value(info.fingerprint, QStringLiteral("fingerprint"), tr("Fingerprint")));
    const QString file = info.knownHostsFile.isEmpty() ? tr("your OpenSSH known_hosts file")
                                                       : QDir::toNativeSeparators(info.knownHostsFile);
    QLabel *fileLabel = value(file, QStringLiteral("knownHostsFile"), tr("Known hosts file"));
    fileLabel->setWordWrap(true);
    form->addRow(tr("Saved to:"), fileLabel);

    auto *buttons = new QDialogButtonBox(this);
    m_once = buttons->addButton(tr("Accept &Once"), QDialogButtonBox::AcceptRole);
    m_once->setAccessibleName(tr("Accept once"));
    m_once->setToolTip(tr("Trust the key for this session; it is not saved."));
    m_save = buttons->addButton(tr("Accept and &Save"), QDialogButtonBox::AcceptRole);
    m_save->setAccessibleName(tr("Accept and save"));
    m_save->setToolTip(tr("Trust the key and add it to the known_hosts file."));
    m_cancel = buttons->addButton(QDialogButtonBox::Cancel);
    m_cancel->setAccessibleName(tr("Cancel"));
    m_cancel->setToolTip(tr("Do not trust the key; Clusterdesk does not connect to the node."));
    for (QPushButton *button : {m_once, m_save})
        button->setAutoDefault(false);
    m_cancel->setDefault(true);
    connect(m_once, &QPushButton::clicked, this, [this] { decide(HostKeyDecision::Once); });
    connect(m_save, &QPushButton::clicked, this, [this] { decide(HostKeyDecision::Save); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { decide(HostKeyDecision::Cancel); });

    auto *text = new QVBoxLayout;
    text->addWidget(headline);
    text->addWidget(explanation);
    text->addSpacing(6);
    text->addLayout(form);
    auto *top = new QHBoxLayout;
    top->setSpacing(14);
    top->addWidget(icon);
    top->addLayout(text, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addSpacing(8);
    layout->addWidget(buttons);
    layout->setSizeConstraint(QLayout::SetFixedSize);
    m_cancel->setFocus();
}

void HostKeyDialog::decide(HostKeyDecision decision)
{
    m_decision = decision;
    if (decision == HostKeyDecision::Cancel)
        reject();
    else
        accept();
}
