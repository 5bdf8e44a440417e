#include "KeyedConfigEditor.h"

#include "ConfigChecksView.h"
#include "audit/AuditLog.h"
#include "config/ComposeConfigSession.h"
#include "config/ConfigFields.h"
#include "config/SecretText.h"
#include "config/TextDiff.h"
#include "dashboard/HostKeyPrompter.h"
#include "formats/DotEnvDocument.h"
#include "secrets/SecretStore.h"
#include "secrets/SecretTools.h"
#include "widgets/SecretField.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

KeyedConfigEditor::KeyedConfigEditor(KeyedConfigSession *session, SecretStore *secrets, QWidget *parent)
    : ConfigDialogBase(
        secrets, tr("What Clusterdesk does in %1 appears here.").arg(session->storeName()), parent)
    , m_session(session)
    , m_hostKeys(new HostKeyPrompter(this))
    , m_formPage(new QWidget(this))
    , m_settingsForm(new QFormLayout)
    , m_secretsForm(new QFormLayout)
    , m_checks(new ConfigChecksView(this))
{
    m_session->setParent(this);
    const ClusterProfile &profile = m_session->profile().profile;
    setWindowTitle(tr("Configuration — %1").arg(profile.name));

    auto *where
        = new QLabel(tr("Every node takes these settings from %1. Files on the nodes are not edited here.")
                         .arg(m_session->storeName()),
            m_formPage);
    where->setWordWrap(true);
    auto *settingsBox = new QGroupBox(tr("Settings"), m_formPage);
    settingsBox->setLayout(m_settingsForm);
    auto *secretsBox = new QGroupBox(tr("Secrets"), m_formPage);
    secretsBox->setLayout(m_secretsForm);
    auto *formLayout = new QVBoxLayout(m_formPage);
    formLayout->addWidget(where);
    formLayout->addWidget(settingsBox);
    formLayout->addWidget(secretsBox);
    formLayout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_formPage);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    m_tabs->addTab(scroll, tr("&Settings"));
    if (qobject_cast<ComposeConfigSession *>(m_session)) {
        // The .env as a whole: masked until revealed, then editable as text.
        auto *filePage = new QWidget(this);
        m_raw = new QPlainTextEdit(filePage);
        m_rawEdit = new QPushButton(tr("Reveal and &Edit"), filePage);
        m_rawEdit->setCheckable(true);
        m_rawEdit->setAccessibleName(tr("Reveal and edit the file"));
        m_rawEdit->setToolTip(tr("Show the file as it is, secrets included, and edit it"));
        m_raw->setReadOnly(true);
        m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
        m_raw->setAccessibleName(tr("File text"));
        auto *top = new QHBoxLayout;
        top->addWidget(new QLabel(qobject_cast<ComposeConfigSession *>(m_session)->envPath(), filePage), 1);
        top->addWidget(m_rawEdit);
        auto *fileLayout = new QVBoxLayout(filePage);
        fileLayout->addLayout(top);
        fileLayout->addWidget(m_raw, 1);
        m_tabs->addTab(filePage, tr("F&ile"));
        connect(m_rawEdit, &QPushButton::toggled, this, &KeyedConfigEditor::showRawText);
        connect(m_raw, &QPlainTextEdit::textChanged, this, &KeyedConfigEditor::updateApply);
    }
    m_tabs->addTab(m_checks, tr("&Checks"));

    finishLayout();
    resize(820, 640);

    connect(m_reload, &QPushButton::clicked, this, &KeyedConfigEditor::reload);
    connect(m_apply, &QPushButton::clicked, this, &KeyedConfigEditor::applyChanges);
    connect(m_checks, &ConfigChecksView::runRequested, this, &KeyedConfigEditor::reload);
    connect(m_session, &KeyedConfigSession::hostKeyUnknown, m_hostKeys, &HostKeyPrompter::ask);
    connect(m_hostKeys, &HostKeyPrompter::decided, m_session,
        [this](const QString &, HostKeyDecision decision) { m_session->acceptHostKey(decision); });
    connect(m_session, &KeyedConfigSession::ready, this, &KeyedConfigEditor::reload);
    connect(m_session, &KeyedConfigSession::stateRead, this, &KeyedConfigEditor::showState);
    connect(m_session, &KeyedConfigSession::progress, this, [this](const QString &step) {
        setStatus(step);
        log(step);
    });
    connect(m_session, &KeyedConfigSession::pushFinished, this, &KeyedConfigEditor::finishPush);

    if (AuditLog *audit = openOwnAuditLog())
        m_session->setAuditLog(audit);
    setBusy(true, tr("Reading the keychain…"));
    m_session->open();
}

KeyedConfigEditor::~KeyedConfigEditor() = default;

void KeyedConfigEditor::setAuditLog(AuditLog *log)
{
    m_session->setAuditLog(log);
    replaceAuditLog(log);
}

void KeyedConfigEditor::busyChanged(bool busy)
{
    m_formPage->setEnabled(!busy);
    m_checks->setRunning(busy);
}

void KeyedConfigEditor::updateApply()
{
    m_apply->setEnabled(
        !isBusy() && m_stateRead && auditReady() && (!changes().isEmpty() || rawChange().has_value()));
}

void KeyedConfigEditor::reload()
{
    setBusy(true, tr("Reading the configuration from %1…").arg(m_session->storeName()));
    m_session->read();
}

void KeyedConfigEditor::showState(const KeyedConfigStateResult &answer)
{
    if (!answer.result) {
        m_stateRead = false;
        m_checks->clear();
        setBusy(false, tr("The configuration could not be read: %1").arg(answer.result.error().message));
        log(status());
        Q_EMIT reloaded();
        return;
    }
    m_state = *answer.result;
    m_stateRead = true;
    buildForm();
    if (m_rawEdit)
        m_rawEdit->setChecked(false);
    showRawText();
    const QList<ConfigCheck> checks = m_session->checks(m_state);
    m_checks->setChecks(checks);
    for (const QString &problem : std::as_const(m_state.problems))
        log(problem);
    const int failed = m_checks->failedCount();
    setBusy(false,
        failed > 0
            ? tr("Read from %1. %n check(s) failed: see Checks.", nullptr, failed).arg(m_session->storeName())
            : tr("Read from %1. The checks pass.").arg(m_session->storeName()));
    log(status());
    Q_EMIT reloaded();
}

void KeyedConfigEditor::buildForm()
{
    const auto clear = [](QFormLayout *form) {
        while (form->rowCount() > 0)
            form->removeRow(0);
    };
    clear(m_settingsForm);
    clear(m_secretsForm);
    m_editors.clear();
    m_original.clear();
    m_secretFields.clear();
    m_pushSecret.clear();

    const QString product = m_session->profile().profile.product;
    const QMap<QString, QString> keychainPrints = m_session->keychainFingerprints();
    for (const KeyedConfigValue &value : std::as_const(m_state.values)) {
        const std::optional<ConfigField> field = ConfigFields::find(product, value.fieldId);
        if (!field)
            continue;
        const QString where = tr("%1, key %2").arg(value.entry.container, value.entry.key);
        if (value.entry.secret) {
            const QByteArray keychain = m_session->keychainSecret(field->secretName);
            auto *secret = new SecretField(m_formPage);
            secret->setSecret(keychain);
            secret->generateButton()->hide(); // "Rotate…" says what generating means here
            secret->setToolTip(tr("The keychain's value"));
            auto *inStore = new QLabel(m_formPage);
            inStore->setWordWrap(true);
            const QString print = keychainPrints.value(field->secretName);
            if (!value.present)
                inStore->setText(tr("In %1: not set").arg(where));
            else if (value.interpolated)
                inStore->setText(tr("In %1: taken from the host's environment").arg(where));
            else if (!print.isEmpty() && print == value.value)
                inStore->setText(tr("In %1: sha256 %2, the keychain's").arg(where, value.value));
            else
                inStore->setText(tr("In %1: sha256 %2, not the keychain's").arg(where, value.value));
            auto *push = new QCheckBox(
                tr("&Write the keychain's value to %1").arg(m_session->storeName()), m_formPage);
            push->setEnabled(!keychain.isEmpty());
            push->setAccessibleName(tr("Write the keychain's %1").arg(field->label));
            if (keychain.isEmpty())
                push->setToolTip(tr("The keychain holds no value for this secret"));
            auto *rotate = new QPushButton(tr("&Rotate…"), m_formPage);
            rotate->setAccessibleName(tr("Rotate %1").arg(field->label));
            rotate->setToolTip(tr("Generate a new secret and give it to every node at once"));
            if (field->secretName == QLatin1String("database.password")) {
                // A database password changes in the database first, then here.
                rotate->setEnabled(false);
                rotate->setToolTip(tr("Change the password in the database first, store it in the keychain, "
                                      "then write it here"));
            }
            auto *box = new QWidget(m_formPage);
            auto *v = new QVBoxLayout(box);
            v->setContentsMargins(0, 0, 0, 0);
            v->addWidget(secret);
            v->addWidget(inStore);
            auto *h = new QHBoxLayout;
            h->addWidget(push, 1);
            h->addWidget(rotate);
            v->addLayout(h);
            m_secretsForm->addRow(field->label + QLatin1Char(':'), box);
            m_secretFields.insert(field->secretName, secret);
            m_pushSecret.insert(field->secretName, push);
            connect(push, &QCheckBox::toggled, this, &KeyedConfigEditor::updateApply);
            connect(rotate, &QPushButton::clicked, this,
                [this, name = field->secretName] { rotateSecret(name); });
            continue;
        }
        QWidget *editor = nullptr;
        const QString shown = value.present ? value.value : QString();
        if (field->kind == ConfigField::Kind::Bool) {
            auto *combo = new QComboBox(m_formPage);
            combo->addItems({QStringLiteral("true"), QStringLiteral("false")});
            combo->setPlaceholderText(tr("(not set)"));
            combo->setCurrentIndex(value.present ? combo->findText(shown) : -1);
            connect(combo, &QComboBox::currentTextChanged, this, &KeyedConfigEditor::updateApply);
            editor = combo;
        } else {
            auto *line = new QLineEdit(shown, m_formPage);
            line->setPlaceholderText(tr("(not set)"));
            line->setClearButtonEnabled(true);
            connect(line, &QLineEdit::textChanged, this, &KeyedConfigEditor::updateApply);
            editor = line;
        }
        editor->setAccessibleName(field->label);
        editor->setToolTip(where);
        auto *label = new QLabel(field->label + QLatin1Char(':'), m_formPage);
        label->setBuddy(editor);
        m_settingsForm->addRow(label, editor);
        m_editors.insert(field->id, editor);
        m_original.insert(field->id, shown);
    }
}

QList<ConfigChange> KeyedConfigEditor::changes() const
{
    QList<ConfigChange> out;
    for (auto it = m_editors.cbegin(); it != m_editors.cend(); ++it) {
        QString now;
        if (const auto *combo = qobject_cast<const QComboBox *>(it.value()))
            now = combo->currentText();
        else if (const auto *line = qobject_cast<const QLineEdit *>(it.value()))
            now = line->text();
        if (now != m_original.value(it.key()))
            out.append({it.key(), {}, now, std::nullopt});
    }
    const QString product = m_session->profile().profile.product;
    for (auto it = m_pushSecret.cbegin(); it != m_pushSecret.cend(); ++it) {
        if (!it.value()->isChecked())
            continue;
        for (const ConfigField &field : ConfigFields::forProduct(product)) {
            if (field.kind == ConfigField::Kind::Secret && field.secretName == it.key())
                out.append(
                    {field.id, {}, QString::fromUtf8(m_session->keychainSecret(it.key())), std::nullopt});
        }
    }
    return out;
}

void KeyedConfigEditor::showRawText()
{
    if (!m_raw)
        return;
    const QSignalBlocker blocker(m_raw);
    if (m_rawEdit->isChecked()) {
        m_raw->setPlainText(QString::fromUtf8(m_state.text));
        m_raw->setReadOnly(false);
        m_raw->setFocus();
    } else {
        // Masked: the keychain's secrets and the secret values the file holds.
        QList<QByteArray> secrets;
        for (const QString &name : {QStringLiteral("appSecret"), QStringLiteral("database.password")})
            secrets.append(m_session->keychainSecret(name));
        if (const Result<DotEnvDocument> document = DotEnvDocument::parse(m_state.text, QString())) {
            for (const KeyedConfigValue &value : std::as_const(m_state.values)) {
                if (value.entry.secret)
                    secrets.append(document->value(value.entry.key).value_or(QString()).toUtf8());
            }
        }
        m_raw->setPlainText(SecretText::maskAll(QString::fromUtf8(m_state.text), secrets));
        m_raw->setReadOnly(true);
    }
    updateApply();
}

std::optional<QByteArray> KeyedConfigEditor::rawChange() const
{
    if (!m_rawEdit || !m_rawEdit->isChecked() || !m_stateRead)
        return std::nullopt;
    const QByteArray text = m_raw->toPlainText().toUtf8();
    if (text == m_state.text)
        return std::nullopt;
    return text;
}

void KeyedConfigEditor::applyRawChange(const QByteArray &text)
{
    auto *compose = qobject_cast<ComposeConfigSession *>(m_session);
    const Result<DotEnvDocument> before = DotEnvDocument::parse(m_state.text, compose->envPath());
    const Result<DotEnvDocument> after = DotEnvDocument::parse(text, compose->envPath());
    if (!after) {
        notice(tr("Nothing Was Changed"),
            tr("The new text cannot be used as it is:\n\n%1\n\nNothing left this computer.")
                .arg(after.error().message),
            true);
        return;
    }
    QList<QByteArray> secrets;
    for (const QString &name : {QStringLiteral("appSecret"), QStringLiteral("database.password")})
        secrets.append(m_session->keychainSecret(name));
    for (const KeyedConfigEntry &entry : m_session->entries()) {
        if (!entry.secret)
            continue;
        if (before)
            secrets.append(before->value(entry.key).value_or(QString()).toUtf8());
        secrets.append(after->value(entry.key).value_or(QString()).toUtf8());
    }
    const QString diff
        = SecretText::maskAll(TextDiff::unified(QString::fromUtf8(m_state.text), QString::fromUtf8(text),
                                  compose->envPath(), compose->envPath()),
            secrets);
    const QString review
        = tr("The whole file is replaced (secrets masked):\n\n%1\nIt is written in one step, after "
             "a backup. %2")
              .arg(diff, m_session->restartText());
    bool restart = true;
    if (!confirm(review, &restart)) {
        log(tr("Change cancelled; nothing was changed."));
        return;
    }
    setBusy(true, tr("Writing the change to %1…").arg(m_session->storeName()));
    compose->pushText(m_state, text, restart);
}

bool KeyedConfigEditor::confirm(const QString &text, bool *restart)
{
    if (m_review)
        return m_review(text, restart);
    QMessageBox box(QMessageBox::Question, tr("Apply the Change?"), text, QMessageBox::Cancel, this);
    QPushButton *apply = box.addButton(tr("&Apply"), QMessageBox::AcceptRole);
    box.setDefaultButton(QMessageBox::Cancel);
    auto *restartBox = new QCheckBox(tr("&Restart the nodes so they take the new values"), &box);
    restartBox->setChecked(true);
    box.setCheckBox(restartBox);
    box.exec();
    *restart = restartBox->isChecked();
    return box.clickedButton() == apply;
}

void KeyedConfigEditor::applyChanges()
{
    if (isBusy())
        return;
    const QList<ConfigChange> wanted = changes();
    const std::optional<QByteArray> raw = rawChange();
    if (raw && !wanted.isEmpty()) {
        notice(tr("Nothing Was Changed"),
            tr("Both the form and the file were edited. Apply one of them: reload to drop the other."), true);
        return;
    }
    if (raw)
        return applyRawChange(*raw);
    if (wanted.isEmpty())
        return;
    // Validate before asking: the review shows only what can be applied.
    const Result<QList<KeyedConfigEdit>> planned = KeyedConfig::plan(m_session->profile().profile.product,
        m_session->entries(), wanted, m_session->secretMinLengths(), m_session->storeName(), nullptr);
    if (!planned) {
        notice(tr("Nothing Was Changed"),
            tr("The change cannot be made as it is:\n\n%1\n\nNothing left this computer.")
                .arg(planned.error().message),
            true);
        return;
    }
    QStringList lines;
    for (const KeyedConfigEdit &edit : *planned) {
        const QString shown = edit.entry.secret
            ? tr("the keychain's value (sha256 %1)").arg(SecretText::fingerprint(edit.value.toUtf8()))
            : (edit.value.isEmpty() ? tr("(empty)") : edit.value);
        lines.append(
            tr("• %1 (%2, key %3) = %4").arg(edit.field.label, edit.entry.container, edit.entry.key, shown));
    }
    const QString text = tr("%1\n\nThe values are written in one step, after a backup where the store keeps "
                            "files. %2")
                             .arg(lines.join(QLatin1Char('\n')), m_session->restartText());
    bool restart = true;
    const bool accepted = confirm(text, &restart);
    if (!accepted) {
        log(tr("Change cancelled; nothing was changed."));
        return;
    }
    startPush(wanted, restart, QStringLiteral("config.push"));
}

void KeyedConfigEditor::rotateSecret(const QString &secretName)
{
    if (isBusy() || !m_stateRead)
        return;
    const QString product = m_session->profile().profile.product;
    std::optional<ConfigField> field;
    for (const ConfigField &candidate : ConfigFields::forProduct(product)) {
        if (candidate.kind == ConfigField::Kind::Secret && candidate.secretName == secretName)
            field = candidate;
    }
    const SecretRef ref = m_session->secretRef(secretName);
    if (!field || ref.isNull() || !m_state.find(field->id)) {
        notice(tr("Cannot Rotate"),
            tr("The profile names no keychain entry for %1, or %2 does not keep it; add it under \"secrets\" "
               "in the profile.")
                .arg(secretName, m_session->storeName()),
            true);
        return;
    }
    if (!ask(tr("Rotate %1?").arg(field->label),
            tr("A new random secret replaces %1 in %2, which every node reads, because nodes with different "
               "secrets break each other's sessions.\n\n%3 Signed-in users have to sign in again. The "
               "keychain "
               "keeps the new secret; if the change fails, the keychain keeps the old one.")
                .arg(field->label, m_session->storeName(), m_session->restartText())))
        return;
    const int minimum = SecretTools::minimumLength(m_session->secretMinLengths().value(secretName));
    const QByteArray fresh = SecretTools::generate(std::max(48, minimum));
    storeRotatedSecret(ref.name, m_session->keychainSecret(secretName), fresh, [this, fresh, id = field->id] {
        startPush({{id, {}, QString::fromUtf8(fresh), std::nullopt}}, true, QStringLiteral("secret.rotate"));
    });
}

void KeyedConfigEditor::startPush(const QList<ConfigChange> &changes, bool restart, const QString &action)
{
    setBusy(true, tr("Writing the change to %1…").arg(m_session->storeName()));
    m_session->push(m_state, changes, restart, action);
}

void KeyedConfigEditor::finishPush(const PushReport &report)
{
    for (const QString &line : report.log)
        log(line);
    const bool applied = report.outcome == PushReport::Outcome::Applied;
    const auto conclude = [this, report, applied] {
        if (applied && report.restartError.isEmpty())
            notice(tr("Change Applied"),
                tr("%1 holds the new configuration%2.")
                    .arg(m_session->storeName(),
                        report.restarted.isEmpty() ? QString() : tr(" and every node is running again")),
                false);
        else if (applied)
            notice(tr("Restart Failed"),
                tr("%1 holds the new configuration, but the nodes did not all come back:\n%2")
                    .arg(m_session->storeName(), report.restartError),
                true);
        else
            notice(tr("Change Not Applied"),
                tr("%1\n\nOutcome: %2. The log below lists every step.")
                    .arg(report.error, PushReport::outcomeName(report.outcome)),
                true);
        Q_EMIT pushFinished(report);
        reload();
    };
    settleRotation(applied, conclude);
}
