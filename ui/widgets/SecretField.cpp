#include "SecretField.h"

#include "secrets/SecretTools.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QTimer>
#include <QToolButton>

namespace {

bool clipboardHolds(const QByteArray &value)
{
    const QMimeData *data = QGuiApplication::clipboard()->mimeData();
    return data && data->hasFormat(SecretField::passwordManagerHintFormat())
        && data->text() == QString::fromUtf8(value);
}

} // namespace

SecretField::SecretField(QWidget *parent)
    : QWidget(parent)
    , m_fingerprint(new QLabel(this))
    , m_edit(new QLineEdit(this))
    , m_reveal(new QToolButton(this))
    , m_copy(new QToolButton(this))
    , m_generate(new QToolButton(this))
{
    m_fingerprint->setObjectName(QStringLiteral("fingerprint"));
    m_fingerprint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fingerprint->setToolTip(
        tr("The first digits of the value's SHA-256: compare values without showing them"));

    m_edit->setObjectName(QStringLiteral("secretEdit"));
    m_edit->setEchoMode(QLineEdit::Password);
    m_edit->setReadOnly(true);
    m_edit->setAccessibleName(tr("Secret value"));
    m_edit->setContextMenuPolicy(Qt::NoContextMenu); // copying goes through the Copy button only
    connect(m_edit, &QLineEdit::textEdited, this, [this](const QString &text) {
        m_secret = text.toUtf8();
        updateFingerprint();
        Q_EMIT secretEdited(m_secret);
    });

    m_reveal->setObjectName(QStringLiteral("revealButton"));
    m_reveal->setText(tr("&Reveal"));
    m_reveal->setCheckable(true);
    m_reveal->setToolTip(tr("Show the value while this button is on"));
    m_reveal->setAccessibleName(tr("Reveal secret"));
    connect(m_reveal, &QToolButton::toggled, this, &SecretField::setRevealed);

    m_copy->setObjectName(QStringLiteral("copyButton"));
    m_copy->setText(tr("&Copy"));
    m_copy->setAccessibleName(tr("Copy secret"));
    connect(m_copy, &QToolButton::clicked, this, &SecretField::copyToClipboard);

    m_generate->setObjectName(QStringLiteral("generateButton"));
    m_generate->setText(tr("&Generate"));
    m_generate->setToolTip(tr("Make a new random value"));
    m_generate->setAccessibleName(tr("Generate secret"));
    connect(m_generate, &QToolButton::clicked, this, &SecretField::generateRequested);

    for (QToolButton *button : {m_reveal, m_copy, m_generate})
        button->setFocusPolicy(Qt::StrongFocus);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_fingerprint);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_reveal);
    layout->addWidget(m_copy);
    layout->addWidget(m_generate);
    setTabOrder(m_edit, m_reveal);
    setTabOrder(m_reveal, m_copy);
    setTabOrder(m_copy, m_generate);
    setFocusProxy(m_edit);

    updateFingerprint();
}

SecretField::~SecretField() = default;

void SecretField::setSecret(const QByteArray &secret)
{
    m_secret = secret;
    m_edit->setText(QString::fromUtf8(secret));
    updateFingerprint();
}

void SecretField::setEditable(bool editable)
{
    m_edit->setReadOnly(!editable);
}

bool SecretField::isEditable() const
{
    return !m_edit->isReadOnly();
}

void SecretField::copyToClipboard()
{
    if (m_secret.isEmpty())
        return;
    QClipboard *clipboard = QGuiApplication::clipboard();
    auto *data = new QMimeData;
    data->setText(QString::fromUtf8(m_secret));
    data->setData(passwordManagerHintFormat(), QByteArrayLiteral("secret"));
    clipboard->setMimeData(data);

    // One clearing at a time: the latest copy decides when.
    if (m_clearTimer)
        m_clearTimer->deleteLater();
    auto *timer = new QTimer(clipboard);
    timer->setObjectName(QStringLiteral("clusterdesk-clipboard-clear"));
    timer->setSingleShot(true);
    timer->setInterval(m_clearAfter);
    connect(timer, &QTimer::timeout, clipboard, [timer, value = m_secret]() mutable {
        // Only our value: whatever the user copied since stays.
        if (clipboardHolds(value))
            QGuiApplication::clipboard()->clear();
        value.fill('\0');
        timer->deleteLater();
    });
    timer->start();
    m_clearTimer = timer;
}

void SecretField::updateFingerprint()
{
    const QString print = SecretTools::fingerprint(m_secret);
    m_fingerprint->setText(print.isEmpty() ? tr("no value") : tr("sha256 %1").arg(print));
    m_copy->setEnabled(!m_secret.isEmpty());
}

void SecretField::setRevealed(bool revealed)
{
    m_edit->setEchoMode(revealed ? QLineEdit::Normal : QLineEdit::Password);
}
