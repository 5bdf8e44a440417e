#include "ClusterSummary.h"

#include "dashboard/DashboardText.h"
#include "dashboard/HealthIcons.h"
#include "profile/ProfileFile.h"

#include <QDir>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace {

const QString dash = QStringLiteral("–");

QString deploymentText(DeploymentKind kind)
{
    switch (kind) {
    case DeploymentKind::Hosts:
        return ClusterSummary::tr("Hosts over SSH");
    case DeploymentKind::Compose:
        return ClusterSummary::tr("Docker Compose");
    case DeploymentKind::Kubernetes:
        return ClusterSummary::tr("Kubernetes");
    }
    return {};
}

QString replicasText(const ReplicaCounts &replicas)
{
    QString text = replicas.desired < 0
        ? ClusterSummary::tr("unknown")
        : ClusterSummary::tr("%1/%2 ready")
              .arg(replicas.ready < 0 ? dash : QString::number(replicas.ready))
              .arg(replicas.desired);
    const auto &scaler = replicas.autoscaler;
    if (scaler.present)
        text = ClusterSummary::tr("%1 (autoscaler %2–%3)")
                   .arg(text)
                   .arg(scaler.minReplicas)
                   .arg(scaler.maxReplicas);
    return text;
}

QString versionsText(const ClusterAssessment &assessment)
{
    QStringList versions;
    for (const Version &version : assessment.versions)
        versions << (version.isKnown() ? version.normalized() : ClusterSummary::tr("unknown"));
    if (versions.isEmpty())
        return dash;
    QString text = versions.join(QStringLiteral(", "));
    if (assessment.mixedVersions)
        text = ClusterSummary::tr("%1 (mixed)").arg(text);
    return text;
}

QString databaseText(const DatabaseSummary &database, const QString &spec)
{
    if (!database.configured)
        return spec;
    if (!database.checked)
        return ClusterSummary::tr("%1, not checked yet").arg(spec);
    if (!database.reachable)
        return ClusterSummary::tr("unreachable"); // why is in the warnings and the database panel
    // Short, so the header stays narrow: the server, the replicas and the schema's
    // details are in the database panel beside it.
    QStringList parts {ClusterSummary::tr("reachable")};
    if (database.schemaVersion.isKnown())
        parts << ClusterSummary::tr("schema of %1").arg(database.schemaVersion.normalized());
    else if (!database.schemaText.isEmpty())
        parts << ClusterSummary::tr("schema: %1").arg(database.schemaText);
    if (database.replicaCount > 1)
        parts << ClusterSummary::tr("%1 replicas").arg(database.replicaCount);
    return parts.join(QStringLiteral(" · "));
}

} // namespace

ClusterSummary::ClusterSummary(QAction *refresh, QWidget *parent)
    : QWidget(parent)
{
    m_name = new QLabel(this);
    m_name->setObjectName(QStringLiteral("clusterNameLabel"));
    m_name->setAccessibleName(tr("Cluster name"));
    m_name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont nameFont = m_name->font();
    nameFont.setPointSizeF(nameFont.pointSizeF() * 1.6);
    nameFont.setBold(true);
    m_name->setFont(nameFont);

    m_verdictIcon = new QLabel(this);
    m_verdict = new QLabel(this);
    m_verdict->setObjectName(QStringLiteral("verdictLabel"));
    m_verdict->setAccessibleName(tr("Overall health"));
    QFont verdictFont = m_verdict->font();
    verdictFont.setPointSizeF(verdictFont.pointSizeF() * 1.25);
    verdictFont.setBold(true);
    m_verdict->setFont(verdictFont);

    m_busy = new QLabel(tr("Refreshing…"), this);
    m_busy->setObjectName(QStringLiteral("refreshBusy"));
    m_busy->setAccessibleName(tr("Refreshing"));
    // Keeps its place when hidden, so the line does not jump at every refresh.
    QSizePolicy keep = m_busy->sizePolicy();
    keep.setRetainSizeWhenHidden(true);
    m_busy->setSizePolicy(keep);
    m_busy->setVisible(false);

    m_refreshed = new QLabel(this);
    m_refreshed->setObjectName(QStringLiteral("lastRefreshedLabel"));
    m_refreshed->setAccessibleName(tr("Last refreshed"));
    auto *refreshButton = new QToolButton(this);
    refreshButton->setDefaultAction(refresh);
    refreshButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    refreshButton->setAccessibleName(tr("Refresh"));

    auto *titleRow = new QHBoxLayout;
    titleRow->setSpacing(8);
    titleRow->addWidget(m_name);
    titleRow->addSpacing(16);
    titleRow->addWidget(m_verdictIcon);
    titleRow->addWidget(m_verdict);
    titleRow->addStretch();
    titleRow->addWidget(m_busy);
    titleRow->addWidget(m_refreshed);
    titleRow->addWidget(refreshButton);

    m_fields = new QGridLayout;
    m_fields->setHorizontalSpacing(12);
    m_fields->setVerticalSpacing(4);
    m_product = addField(tr("Product:"), tr("Product"), 0, 0);
    m_deployment = addField(tr("Deployment:"), tr("Deployment"), 1, 0);
    m_replicas = addField(tr("Replicas:"), tr("Replicas"), 2, 0);
    m_versions = addField(tr("Versions:"), tr("Versions"), 0, 2);
    m_database = addField(tr("Database:"), tr("Database state"), 1, 2);
    m_file = addField(tr("Profile file:"), tr("Profile file"), 2, 2);
    m_fields->setColumnStretch(1, 1);
    m_fields->setColumnStretch(3, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(titleRow);
    layout->addLayout(m_fields);
    layout->addStretch();
    clear();
}

QLabel *ClusterSummary::addField(const QString &caption, const QString &accessibleName, int row, int column)
{
    auto *label = new QLabel(caption, this);
    auto *value = new QLabel(this);
    value->setAccessibleName(accessibleName);
    value->setTextFormat(Qt::PlainText);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setBuddy(value);
    m_fields->addWidget(label, row, column, Qt::AlignTop);
    m_fields->addWidget(value, row, column + 1, Qt::AlignTop);
    return value;
}

void ClusterSummary::setVerdict(const QIcon &icon, const QString &text)
{
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this) * 3 / 2;
    m_verdictIcon->setPixmap(icon.pixmap(QSize(size, size), devicePixelRatioF()));
    m_verdict->setText(text);
}

void ClusterSummary::clear()
{
    for (QLabel *label : {m_name, m_product, m_deployment, m_replicas, m_versions, m_database, m_file})
        label->clear();
    m_databaseSpec.clear();
    m_refreshed->setText(tr("Not refreshed yet"));
    setVerdict(HealthIcons::forHealth(NodeHealth::Unknown), tr("Not checked yet"));
    setRefreshing(false);
}

void ClusterSummary::setProfile(const LoadedProfile &loaded, const QString &path)
{
    const ClusterProfile &profile = loaded.profile;
    m_name->setText(profile.name);
    m_product->setText(loaded.preset.displayName);
    m_deployment->setText(deploymentText(profile.deployment.kind));
    m_databaseSpec = profile.database
        ? tr("%1 on %2:%3").arg(profile.database->schema, profile.database->host).arg(profile.database->port)
        : tr("none");
    m_database->setText(m_databaseSpec);
    m_replicas->setText(tr("%n node(s) in the profile", nullptr, int(profile.nodes.size())));
    m_versions->setText(dash);
    setProfileFile(path);
}

void ClusterSummary::setProfileFile(const QString &path)
{
    m_file->setText(
        path.isEmpty() ? tr("not saved yet; use Save As to keep a copy") : QDir::toNativeSeparators(path));
    m_file->setToolTip(m_file->text());
}

void ClusterSummary::setStatus(
    const ClusterStatus &status, const ClusterAssessment &assessment, const QDateTime &now)
{
    m_replicas->setText(replicasText(status.replicas));
    m_versions->setText(versionsText(assessment));
    m_database->setText(databaseText(status.database, m_databaseSpec));
    m_database->setToolTip(status.database.error);
    if (status.refreshedAt.isValid()) {
        setVerdict(HealthIcons::forOverall(assessment.overall), HealthIcons::overallText(assessment.overall));
        m_refreshed->setText(tr("Last refreshed %1").arg(DashboardText::time(status.refreshedAt, now)));
    }
}

void ClusterSummary::setRefreshing(bool refreshing)
{
    m_busy->setVisible(refreshing);
}

QString ClusterSummary::fieldText(const QString &accessibleName) const
{
    for (const QLabel *label : findChildren<QLabel *>()) {
        if (label->accessibleName() == accessibleName)
            return label->text();
    }
    return {};
}
