#include "ConfigDialogBase.h"

#include "audit/AuditLog.h"
#include "config/SecretText.h"
#include "secrets/SecretStore.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

ConfigDialogBase::ConfigDialogBase(SecretStore *secrets, const QString &activityPlaceholder, QWidget *parent)
    : QDialog(parent)
    , m_secrets(secrets)
    , m_statusLabel(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_activity(new QPlainTextEdit(this))
    , m_progress(new QProgressBar(this))
    , m_reload(new QPushButton(tr("Re&load"), this))
    , m_apply(new QPushButton(tr("Review and &Apply…"), this))
{
    m_statusLabel->setWordWrap(true);
    m_activity->setReadOnly(true);
    m_activity->setMaximumBlockCount(2000);
    m_activity->setPlaceholderText(activityPlaceholder);
    m_activity->setAccessibleName(tr("Activity"));
    m_progress->setRange(0, 0);
    m_progress->setVisible(false);
    m_progress->setMaximumHeight(12);
    m_progress->setTextVisible(false);
    m_progress->setAccessibleName(tr("Working"));
    m_reload->setAccessibleName(tr("Reload the configuration"));
    m_apply->setAccessibleName(tr("Review and apply the changes"));
    m_apply->setEnabled(false);
    m_apply->setAutoDefault(false);
}

ConfigDialogBase::~ConfigDialogBase() = default;

void ConfigDialogBase::finishLayout(const QList<QPushButton *> &extra)
{
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_tabs);
    splitter->addWidget(m_activity);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);

    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_reload, QDialogButtonBox::ResetRole);
    buttons->addButton(m_apply, QDialogButtonBox::ActionRole);
    for (QPushButton *button : extra)
        buttons->addButton(button, QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Close)->setAccessibleName(tr("Close"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_statusLabel);
    layout->addWidget(m_progress);
    layout->addWidget(splitter, 1);
    layout->addWidget(buttons);
}

AuditLog *ConfigDialogBase::openOwnAuditLog()
{
    Result<std::unique_ptr<AuditLog>> audit = AuditLog::open();
    if (!audit) {
        log(tr("The audit log cannot be opened (%1); changes are disabled until it can.")
                .arg(audit.error().message));
        return nullptr;
    }
    m_ownAudit = std::move(*audit);
    m_auditReady = true;
    return m_ownAudit.get();
}

void ConfigDialogBase::replaceAuditLog(AuditLog *log)
{
    m_ownAudit.reset();
    m_auditReady = log != nullptr;
    updateApply();
}

void ConfigDialogBase::setBusy(bool busy, const QString &what)
{
    m_busy = busy;
    m_progress->setVisible(busy);
    m_reload->setEnabled(!busy);
    busyChanged(busy);
    if (!what.isEmpty())
        m_statusLabel->setText(what);
    updateApply();
}

void ConfigDialogBase::setStatus(const QString &text)
{
    m_statusLabel->setText(text);
}

QString ConfigDialogBase::status() const
{
    return m_statusLabel->text();
}

void ConfigDialogBase::log(const QString &line)
{
    m_activity->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

bool ConfigDialogBase::ask(const QString &title, const QString &text)
{
    if (m_question)
        return m_question(title, text);
    return QMessageBox::question(
               this, title, text, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
        == QMessageBox::Yes;
}

void ConfigDialogBase::notice(const QString &title, const QString &text, bool problem)
{
    if (m_notice)
        return m_notice(title, text, problem);
    if (problem)
        QMessageBox::warning(this, title, text);
    else
        QMessageBox::information(this, title, text);
}

void ConfigDialogBase::storeRotatedSecret(
    const QString &entry, const QByteArray &old, const QByteArray &fresh, std::function<void()> then)
{
    m_rotating = entry;
    m_rotationOld = old;
    setBusy(true, tr("Storing the new secret in the keychain…"));
    SecretRequest *write = m_secrets->write(entry, fresh);
    connect(write, &SecretRequest::finished, this, [this, write, fresh, then = std::move(then)] {
        write->deleteLater();
        if (write->status() != SecretRequest::Status::Ok
            || m_secrets->backend() == SecretStore::Backend::MemoryOnly) {
            m_rotating.clear();
            setBusy(false);
            notice(tr("Secret Not Rotated"),
                tr("The new secret could not be stored in the keychain, so nothing was changed: %1")
                    .arg(write->errorString().isEmpty() ? m_secrets->unavailableReason()
                                                        : write->errorString()),
                true);
            return;
        }
        log(tr("The keychain holds the new secret (sha256 %1)").arg(SecretText::fingerprint(fresh)));
        then();
    });
}

void ConfigDialogBase::settleRotation(bool applied, std::function<void()> conclude)
{
    if (m_rotating.isEmpty() || applied) {
        m_rotating.clear();
        return conclude();
    }
    const QString entry = std::exchange(m_rotating, QString());
    SecretRequest *restore
        = m_rotationOld.isEmpty() ? m_secrets->remove(entry) : m_secrets->write(entry, m_rotationOld);
    connect(restore, &SecretRequest::finished, this, [this, restore, conclude = std::move(conclude)] {
        restore->deleteLater();
        if (restore->status() == SecretRequest::Status::Ok)
            log(tr("The keychain holds the old secret again."));
        else
            log(tr("The keychain still holds the new secret, which no node uses: %1")
                    .arg(restore->errorString()));
        conclude();
    });
}
