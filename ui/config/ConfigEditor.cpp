#include "ConfigEditor.h"

#include "ChangeReviewDialog.h"
#include "ConfigChecksView.h"
#include "ConfigForm.h"
#include "UiLogging.h"
#include "audit/AuditLog.h"
#include "config/ClusterJsonExport.h"
#include "config/ConfigFields.h"
#include "config/SecretText.h"
#include "dashboard/HostKeyPrompter.h"
#include "secrets/SecretStore.h"
#include "secrets/SecretTools.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

ConfigEditor::ConfigEditor(
    const LoadedProfile &profile, SecretStore *secrets, QWidget *parent, ConfigSession::Options options)
    : ConfigDialogBase(secrets, tr("What Clusterdesk does on the nodes appears here."), parent)
    , m_profile(profile)
    , m_session(new ConfigSession(profile, secrets, options, this))
    , m_hostKeys(new HostKeyPrompter(this))
    , m_form(new ConfigForm(this))
    , m_checks(new ConfigChecksView(this))
    , m_rawNode(new QComboBox(this))
    , m_rawFile(new QComboBox(this))
    , m_raw(new QPlainTextEdit(this))
    , m_rawEdit(new QPushButton(tr("Reveal and &Edit"), this))
{
    setWindowTitle(tr("Configuration — %1").arg(profile.profile.name));
    setAttribute(Qt::WA_DeleteOnClose, false);

    // Files: each node's files as text, secrets masked until "Reveal and Edit".
    auto *filesPage = new QWidget(this);
    auto *pick = new QHBoxLayout;
    auto *nodeLabel = new QLabel(tr("&Node:"), filesPage);
    nodeLabel->setBuddy(m_rawNode);
    auto *fileLabel = new QLabel(tr("&File:"), filesPage);
    fileLabel->setBuddy(m_rawFile);
    pick->addWidget(nodeLabel);
    pick->addWidget(m_rawNode);
    pick->addWidget(fileLabel);
    pick->addWidget(m_rawFile, 1);
    pick->addWidget(m_rawEdit);
    m_rawEdit->setCheckable(true);
    m_rawEdit->setAccessibleName(tr("Reveal and edit the file"));
    m_rawNode->setAccessibleName(tr("Node"));
    m_rawFile->setAccessibleName(tr("File"));
    m_rawEdit->setToolTip(tr("Show the file as it is, secrets included, and edit it"));
    m_raw->setReadOnly(true);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_raw->setAccessibleName(tr("File text"));
    auto *filesLayout = new QVBoxLayout(filesPage);
    filesLayout->addLayout(pick);
    filesLayout->addWidget(m_raw, 1);

    m_tabs->addTab(m_form, tr("&Settings"));
    m_tabs->addTab(filesPage, tr("F&iles"));
    m_tabs->addTab(m_checks, tr("&Checks"));

    QList<QPushButton *> extra;
    if (profile.profile.product == QLatin1String("openspecimen")) {
        auto *exportJson = new QPushButton(tr("E&xport Cluster JSON…"), this);
        exportJson->setAccessibleName(tr("Export the cluster JSON"));
        exportJson->setToolTip(tr("Save the cluster JSON for the upload under Settings → Cluster"));
        extra.append(exportJson);
        connect(exportJson, &QPushButton::clicked, this, [this] {
            const QString path = QFileDialog::getSaveFileName(
                this, tr("Export Cluster JSON"), QStringLiteral("cluster.json"), tr("JSON files (*.json)"));
            if (!path.isEmpty())
                exportClusterJson(path);
        });
    }
    finishLayout(extra);
    resize(900, 720);

    connect(m_reload, &QPushButton::clicked, this, &ConfigEditor::reload);
    connect(m_apply, &QPushButton::clicked, this, &ConfigEditor::applyChanges);
    connect(m_checks, &ConfigChecksView::runRequested, this, &ConfigEditor::reload);
    connect(m_form, &ConfigForm::changed, this, &ConfigEditor::updateApply);
    connect(m_form, &ConfigForm::rotateRequested, this, &ConfigEditor::rotateSecret);
    connect(m_rawNode, &QComboBox::currentIndexChanged, this, &ConfigEditor::showRawFile);
    connect(m_rawFile, &QComboBox::currentIndexChanged, this, &ConfigEditor::showRawFile);
    connect(m_rawEdit, &QPushButton::toggled, this, &ConfigEditor::showRawFile);
    connect(m_raw, &QPlainTextEdit::textChanged, this, &ConfigEditor::updateApply);

    connect(m_session, &ConfigSession::hostKeyUnknown, m_hostKeys, &HostKeyPrompter::ask);
    connect(m_hostKeys, &HostKeyPrompter::decided, m_session, &ConfigSession::acceptHostKey);
    connect(m_session, &ConfigSession::ready, this, &ConfigEditor::reload);
    connect(m_session, &ConfigSession::checksFinished, this, &ConfigEditor::showChecks);
    connect(m_session, &ConfigSession::progress, this, [this](const QString &step) {
        setStatus(step);
        log(step);
    });
    connect(m_session, &ConfigSession::pushFinished, this, &ConfigEditor::finishPush);

    if (AuditLog *audit = openOwnAuditLog())
        m_session->setAuditLog(audit);
    setBusy(true, tr("Reading the keychain…"));
    m_session->open();
}

ConfigEditor::~ConfigEditor() = default;

void ConfigEditor::setAuditLog(AuditLog *log)
{
    m_session->setAuditLog(log);
    replaceAuditLog(log);
}

void ConfigEditor::busyChanged(bool busy)
{
    m_form->setEnabled(!busy);
    m_checks->setRunning(busy);
}

void ConfigEditor::updateApply()
{
    m_apply->setEnabled(!isBusy() && !m_snapshot.nodes.isEmpty() && auditReady()
        && (m_form->hasChanges() || !rawChanges().isEmpty()));
}

void ConfigEditor::reload()
{
    setBusy(
        true, tr("Reading the configuration of %n node(s)…", nullptr, int(m_profile.profile.nodes.size())));
    m_session->runChecks();
}

void ConfigEditor::showChecks(const QList<ConfigCheck> &checks, const ClusterConfigSnapshot &snapshot)
{
    m_snapshot = snapshot;
    QList<NodeConfigFacts> facts;
    QStringList nodes;
    int reachable = 0;
    for (const NodeConfigSnapshot &node : snapshot.nodes) {
        facts.append(NodeConfigReader::facts(m_profile.profile.product, node));
        nodes.append(node.node);
        if (node.error.isEmpty())
            ++reachable;
        else
            log(tr("%1: %2").arg(node.node, node.error));
    }
    QMap<QString, QByteArray> keychain;
    for (const QString &name :
        {QStringLiteral("appSecret"), QStringLiteral("clusterSecret"), QStringLiteral("database.password")})
        keychain.insert(name, m_session->keychainSecret(name));
    m_form->setContent(m_profile.profile.product, nodes, facts, keychain);
    m_checks->setChecks(checks);

    const QSignalBlocker nodeBlocker(m_rawNode);
    const QSignalBlocker fileBlocker(m_rawFile);
    const QString node = m_rawNode->currentText();
    const int file = m_rawFile->currentIndex();
    m_rawNode->clear();
    m_rawNode->addItems(nodes);
    m_rawNode->setCurrentText(node);
    m_rawFile->clear();
    if (!snapshot.nodes.isEmpty()) {
        for (const NodeConfigSnapshot &n : snapshot.nodes) {
            if (!n.files.isEmpty()) {
                for (const ConfigFileState &state : n.files)
                    m_rawFile->addItem(ConfigFiles::roleName(state.spec.role), int(state.spec.role));
                break;
            }
        }
    }
    m_rawFile->setCurrentIndex(std::max(0, file));
    m_rawEdit->setChecked(false);
    showRawFile();

    const int failed = m_checks->failedCount();
    setBusy(false,
        failed > 0
            ? tr("Read %1 of %n node(s). %2 check(s) failed: see Checks.", nullptr, int(nodes.size()))
                  .arg(reachable)
                  .arg(failed)
            : tr("Read %1 of %n node(s). The nodes agree.", nullptr, int(nodes.size())).arg(reachable));
    log(status());
    Q_EMIT reloaded();
}

void ConfigEditor::showRawFile()
{
    const QSignalBlocker blocker(m_raw);
    const NodeConfigSnapshot *node = m_snapshot.node(m_rawNode->currentText());
    const ConfigFileState *file
        = node ? node->file(static_cast<ConfigFileRole>(m_rawFile->currentData().toInt())) : nullptr;
    m_rawOriginal.clear();
    if (!node || !node->error.isEmpty() || !file) {
        m_raw->setPlainText(node && !node->error.isEmpty() ? node->error : QString());
        m_raw->setReadOnly(true);
        m_rawEdit->setEnabled(false);
        return;
    }
    m_rawEdit->setEnabled(file->error.isEmpty());
    if (!file->error.isEmpty()) {
        m_raw->setPlainText(file->error);
        m_raw->setReadOnly(true);
        return;
    }
    m_rawOriginal = file->content;
    if (m_rawEdit->isChecked()) {
        m_raw->setPlainText(QString::fromUtf8(file->content));
        m_raw->setReadOnly(false);
        m_raw->setFocus();
    } else {
        // Masked: every secret value the form knows of, and those in the file itself.
        QList<QByteArray> secrets;
        for (const QString &name : {QStringLiteral("appSecret"), QStringLiteral("clusterSecret"),
                 QStringLiteral("database.password")})
            secrets.append(m_session->keychainSecret(name));
        for (const ConfigField &field : ConfigFields::forProduct(m_profile.profile.product)) {
            if (field.kind != ConfigField::Kind::Secret || field.role != file->spec.role)
                continue;
            if (const auto value = ConfigFields::read(field, file->content, node->node); value && *value)
                secrets.append((*value)->toUtf8());
        }
        m_raw->setPlainText(SecretText::maskAll(QString::fromUtf8(file->content), secrets));
        m_raw->setReadOnly(true);
    }
    updateApply();
}

QList<ConfigChange> ConfigEditor::rawChanges() const
{
    if (!m_rawEdit->isChecked() || m_rawOriginal.isEmpty())
        return {};
    const QByteArray text = m_raw->toPlainText().toUtf8();
    if (text == m_rawOriginal)
        return {};
    const auto role = static_cast<ConfigFileRole>(m_rawFile->currentData().toInt());
    const NodeConfigSnapshot *node = m_snapshot.node(m_rawNode->currentText());
    const ConfigFileState *file = node ? node->file(role) : nullptr;
    // A shared file is one file whichever node it is read through.
    const QString target = file && file->spec.shared ? QString() : m_rawNode->currentText();
    return {ConfigChange {{}, target, QString::fromUtf8(text), role}};
}

std::optional<ConfigPlan> ConfigEditor::planOrWarn(
    const QList<ConfigChange> &changes, const PlanOptions &options)
{
    const auto plan = ConfigPlanner::plan(m_profile.profile, m_snapshot, changes, options);
    if (plan)
        return *plan;
    QStringList lines;
    for (const ValidationIssue &issue : plan.error())
        lines.append(QStringLiteral("• ") + issue.toString());
    notice(tr("Nothing Was Changed"),
        tr("The change cannot be made as it is:\n\n%1\n\nNothing left this computer.")
            .arg(lines.join(QLatin1Char('\n'))),
        true);
    return std::nullopt;
}

void ConfigEditor::applyChanges()
{
    if (isBusy())
        return;
    const QList<ConfigChange> changes = m_form->changes() + rawChanges();
    PlanOptions options;
    options.secretMinLength = m_session->secretMinLengths();
    // A node's name is its identity to the cluster: renaming one needs a clear yes.
    QStringList renames;
    for (const ConfigChange &change : changes) {
        const std::optional<ConfigField> field = ConfigFields::find(m_profile.profile.product, change.field);
        const NodeConfigSnapshot *node = m_snapshot.node(change.node);
        if (!field || !field->identity || !node)
            continue;
        const QString current = NodeConfigReader::facts(m_profile.profile.product, *node).value(field->id);
        if (!current.isEmpty() && current != change.value)
            renames.append(tr("%1: %2 \u2192 %3").arg(change.node, current, change.value));
    }
    if (!renames.isEmpty()) {
        if (!ask(tr("Rename Nodes?"),
                tr("%1\n\nA node's name is how the cluster knows it. Renamed, it joins as a new node: its "
                   "history and the other nodes' records of it stay under the old name. Rename only to "
                   "repair a "
                   "name that was set wrongly.\n\nRename anyway?")
                    .arg(renames.join(QLatin1Char('\n')))))
            return;
        options.allowRename = true;
    }
    std::optional<ConfigPlan> plan = planOrWarn(changes, options);
    if (!plan)
        return;
    if (plan->isEmpty()) {
        notice(tr("Nothing to Change"), tr("Every node already has these settings."), false);
        return;
    }
    ChangeReviewDialog review(*plan,
        tr("Each file is written next to the old one first, then replaced on every node in one step after a "
           "backup. If any node fails, the nodes already changed are put back."),
        true, this);
    const bool accepted = m_review ? m_review(review) : review.exec() == QDialog::Accepted;
    if (!accepted) {
        log(tr("Change cancelled; nothing was changed."));
        return;
    }
    startPush(*plan, review.restart(), QStringLiteral("config.push"));
}

void ConfigEditor::rotateSecret(const QString &secretName)
{
    if (isBusy())
        return;
    const std::optional<ConfigField> field = [&]() -> std::optional<ConfigField> {
        for (const ConfigField &candidate : ConfigFields::forProduct(m_profile.profile.product)) {
            if (candidate.kind == ConfigField::Kind::Secret && candidate.secretName == secretName)
                return candidate;
        }
        return std::nullopt;
    }();
    const SecretRef ref = m_session->secretRef(secretName);
    if (!field || ref.isNull()) {
        notice(tr("Cannot Rotate"),
            tr("The profile names no keychain entry for %1; add it under \"secrets\" in the profile.")
                .arg(secretName),
            true);
        return;
    }
    if (!ask(tr("Rotate %1?").arg(field->label),
            tr("A new random secret replaces %1 on every node at the same time, because nodes with different "
               "secrets "
               "break each other's sessions.\n\nAll %n node(s) stop, then start again one at a time with the "
               "new "
               "secret. Signed-in users have to sign in again. The keychain keeps the new secret; if any "
               "node "
               "cannot be changed, every node and the keychain keep the old one.",
                nullptr, int(m_profile.profile.nodes.size()))
                .arg(field->label)))
        return;

    const int minimum = SecretTools::minimumLength(m_session->secretMinLengths().value(secretName));
    const QByteArray fresh = SecretTools::generate(std::max(48, minimum));
    PlanOptions options;
    options.secretMinLength = m_session->secretMinLengths();
    std::optional<ConfigPlan> plan
        = planOrWarn({{field->id, {}, QString::fromUtf8(fresh), std::nullopt}}, options);
    if (!plan || plan->isEmpty())
        return;
    storeRotatedSecret(ref.name, m_session->keychainSecret(secretName), fresh,
        [this, plan = *plan] { startPush(plan, true, QStringLiteral("secret.rotate")); });
}

void ConfigEditor::startPush(const ConfigPlan &plan, bool restart, const QString &action)
{
    setBusy(true, tr("Applying the change to %n node(s)…", nullptr, int(plan.nodes().size())));
    log(tr("Applying: %1").arg(plan.summary.join(QStringLiteral("; "))));
    ConfigSession::PushOptions options;
    options.restart = restart;
    options.auditAction = action;
    m_session->push(plan, options);
}

void ConfigEditor::finishPush(const PushReport &report)
{
    for (const QString &line : report.log)
        log(line);
    const bool applied = report.outcome == PushReport::Outcome::Applied;
    const auto conclude = [this, report, applied] {
        if (applied && report.restartError.isEmpty())
            notice(tr("Change Applied"),
                tr("Every node has the new configuration%1.")
                    .arg(report.restarted.isEmpty() ? QString() : tr(" and is running again")),
                false);
        else if (applied)
            notice(tr("Restart Failed"),
                tr("Every node has the new files, but a node did not come back:\n%1")
                    .arg(report.restartError),
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

bool ConfigEditor::exportClusterJson(const QString &path)
{
    const Result<QString> readThrough = ClusterJsonExport::write(m_snapshot, path);
    if (!readThrough) {
        notice(tr("Export Failed"), readThrough.error().message, true);
        return false;
    }
    log(tr("Cluster JSON (read through %1) exported to %2")
            .arg(*readThrough, QDir::toNativeSeparators(path)));
    notice(tr("Cluster JSON Exported"),
        tr("%1 holds the cluster JSON, and with it the cluster secret. Upload it under Settings → Cluster, "
           "then "
           "delete the file.")
            .arg(QDir::toNativeSeparators(path)),
        false);
    return true;
}
