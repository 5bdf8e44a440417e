#include "NewProfileDialog.h"

#include "profile/PresetRegistry.h"
#include "ui_NewProfileDialog.h"

#include <QPushButton>
#include <QStandardItemModel>
#include <QStyle>

NewProfileDialog::NewProfileDialog(const PresetRegistry &presets, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::NewProfileDialog>())
    , m_presets(presets)
{
    m_ui->setupUi(this);
    m_okButton = m_ui->buttonBox->button(QDialogButtonBox::Ok);
    m_okButton->setText(tr("&Create…"));
    m_okButton->setAccessibleName(tr("Create profile"));
    m_ui->buttonBox->button(QDialogButtonBox::Cancel)->setAccessibleName(tr("Cancel"));

    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_ui->problemIcon->setPixmap(
        style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this).pixmap(iconSize));

    for (const QString &id : presets.ids())
        m_ui->productCombo->addItem(presets.displayName(id), id);
    if (const int jatos = m_ui->productCombo->findData(QStringLiteral("jatos")); jatos >= 0)
        m_ui->productCombo->setCurrentIndex(jatos);

    // Compose and Kubernetes clusters need settings this dialog does not ask for yet;
    // they are listed so users see they exist, but cannot be chosen.
    const std::pair<DeploymentKind, QString> kinds[] = {
        {DeploymentKind::Hosts, tr("Hosts over SSH")},
        {DeploymentKind::Compose, tr("Docker Compose (edit the profile file)")},
        {DeploymentKind::Kubernetes, tr("Kubernetes (edit the profile file)")},
    };
    for (const auto &[kind, text] : kinds)
        m_ui->deploymentCombo->addItem(text, QVariant::fromValue(static_cast<int>(kind)));
    if (auto *model = qobject_cast<QStandardItemModel *>(m_ui->deploymentCombo->model())) {
        for (int row = 1; row < model->rowCount(); ++row)
            model->item(row)->setEnabled(false);
    }

    connect(m_ui->productCombo, &QComboBox::currentIndexChanged, this, &NewProfileDialog::productChanged);
    connect(m_ui->sshUserEdit, &QLineEdit::textEdited, this, [this] { m_sshUserEdited = true; });
    for (QLineEdit *edit : {m_ui->nameEdit, m_ui->sshUserEdit, m_ui->databaseHostEdit,
             m_ui->databaseSchemaEdit, m_ui->databaseUserEdit})
        connect(edit, &QLineEdit::textChanged, this, &NewProfileDialog::revalidate);
    connect(m_ui->nodesEdit, &QPlainTextEdit::textChanged, this, &NewProfileDialog::revalidate);
    connect(m_ui->databasePortSpin, &QSpinBox::valueChanged, this, &NewProfileDialog::revalidate);
    connect(m_ui->databaseGroup, &QGroupBox::toggled, this, &NewProfileDialog::revalidate);

    productChanged();
}

NewProfileDialog::~NewProfileDialog() = default;

ProfileDraft NewProfileDialog::draft() const
{
    ProfileDraft draft;
    draft.name = m_ui->nameEdit->text();
    draft.product = m_ui->productCombo->currentData().toString();
    draft.kind = static_cast<DeploymentKind>(m_ui->deploymentCombo->currentData().toInt());
    draft.hosts = m_ui->nodesEdit->toPlainText();
    draft.sshUser = m_ui->sshUserEdit->text();
    draft.withDatabase = m_ui->databaseGroup->isChecked();
    draft.databaseHost = m_ui->databaseHostEdit->text();
    draft.databasePort = m_ui->databasePortSpin->value();
    draft.databaseSchema = m_ui->databaseSchemaEdit->text();
    draft.databaseUser = m_ui->databaseUserEdit->text();
    return draft;
}

void NewProfileDialog::productChanged()
{
    ClusterProfile probe;
    probe.product = m_ui->productCombo->currentData().toString();
    const auto preset = m_presets.presetFor(probe);
    if (preset && !m_sshUserEdited)
        m_ui->sshUserEdit->setText(preset->sshUser);
    revalidate();
}

// Names and URLs go on lines of their own: a label would wrap them at "/" or "-".
void NewProfileDialog::updateHints(const ProfileDraft &current)
{
    ClusterProfile probe;
    probe.product = current.product;
    if (const auto preset = m_presets.presetFor(probe)) {
        // Spelled out rather than built with QUrl, which would lower-case the placeholder.
        const QString address = QStringLiteral("%1://HOST:%2%3")
                                    .arg(preset->scheme)
                                    .arg(preset->httpPort)
                                    .arg(preset->basePath);
        const QString user = current.sshUser.trimmed().isEmpty() ? tr("USER") : current.sshUser.trimmed();
        m_ui->nodesHint->setText(tr("One host name or address per line. Each node is reached at<br>"
                                    "%1 and over SSH as %2@HOST (port 22).")
                                     .arg(address.toHtmlEscaped(), user.toHtmlEscaped()));
    }

    QStringList secrets = current.secretNames(m_presets);
    for (QString &name : secrets)
        name = name.toHtmlEscaped();
    m_ui->secretsNote->setText(tr("No passwords are entered here. The profile names these keychain entries; "
                                  "fill them with <i>clusterdesk-cli secret set NAME</i>:<br>%1")
                                   .arg(secrets.join(QStringLiteral("<br>"))));
    m_ui->secretsNote->setVisible(!secrets.isEmpty());
}

void NewProfileDialog::revalidate()
{
    const ProfileDraft current = draft();
    updateHints(current);

    auto built = current.build(m_presets);
    if (built) {
        m_profile = std::move(*built);
        m_problem.clear();
    } else {
        m_profile.reset();
        m_problem
            = built.error().isEmpty() ? tr("The profile is not complete.") : built.error().first().toString();
    }
    m_ui->problemLabel->setText(m_problem);
    m_ui->problemIcon->setVisible(!m_problem.isEmpty());
    m_okButton->setEnabled(m_profile.has_value());
}
