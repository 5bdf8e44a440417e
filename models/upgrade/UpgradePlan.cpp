#include "UpgradePlan.h"

#include <QSet>

using Kind = UpgradeStep::Kind;

QString UpgradeStep::kindName(Kind kind)
{
    switch (kind) {
    case Kind::StopAll:
        return QStringLiteral("stopAll");
    case Kind::VerifyStopped:
        return QStringLiteral("verifyStopped");
    case Kind::BackupDatabase:
        return QStringLiteral("backupDatabase");
    case Kind::BackupConfig:
        return QStringLiteral("backupConfig");
    case Kind::Upload:
        return QStringLiteral("upload");
    case Kind::VerifyPackage:
        return QStringLiteral("verifyPackage");
    case Kind::Install:
        return QStringLiteral("install");
    case Kind::Start:
        return QStringLiteral("start");
    case Kind::VerifyNode:
        return QStringLiteral("verifyNode");
    case Kind::VerifySchema:
        return QStringLiteral("verifySchema");
    case Kind::FinalCheck:
        return QStringLiteral("finalCheck");
    case Kind::RememberReplicas:
        return QStringLiteral("rememberReplicas");
    case Kind::PauseHpa:
        return QStringLiteral("pauseHpa");
    case Kind::ScaleToZero:
        return QStringLiteral("scaleToZero");
    case Kind::StopService:
        return QStringLiteral("stopService");
    case Kind::VerifyNoPods:
        return QStringLiteral("verifyNoPods");
    case Kind::SetImage:
        return QStringLiteral("setImage");
    case Kind::ScaleTo:
        return QStringLiteral("scaleTo");
    case Kind::RestoreHpa:
        return QStringLiteral("restoreHpa");
    }
    return {};
}

void UpgradePlan::add(Kind kind, QString description, std::optional<QString> node, int replicas)
{
    UpgradeStep step;
    step.index = int(m_steps.size());
    step.kind = kind;
    step.node = std::move(node);
    step.replicas = replicas;
    step.description = std::move(description);
    m_steps << step;
}

UpgradePlan UpgradePlan::build(const UpgradeInputs &in)
{
    UpgradePlan plan;
    plan.m_kind = in.kind;
    plan.m_target = in.target;
    for (const UpgradeNodeInputs &n : in.nodes)
        plan.m_nodes << n.name;
    plan.m_backupWaived = in.backup.command.trimmed().isEmpty();
    plan.m_replicas = in.replicas;
    plan.m_hpa = in.hpa;

    const QString target = in.target.normalized();
    const bool schema = in.database.schemaTracked;

    if (in.kind == DeploymentKind::Hosts) {
        plan.add(Kind::StopAll, tr("Stop every node"));
        plan.add(Kind::VerifyStopped, tr("Verify that every node is down: health check fails, process gone"));
        if (!plan.m_backupWaived)
            plan.add(Kind::BackupDatabase, tr("Back up the database and check the dump"));
        plan.add(Kind::BackupConfig, tr("Back up every node's configuration files"));
        bool first = true;
        for (const QString &node : std::as_const(plan.m_nodes)) {
            plan.add(Kind::Upload, tr("Upload the package of %1 to %2").arg(target, node), node);
            plan.add(Kind::VerifyPackage, tr("Check the package's SHA-256 on %1").arg(node), node);
            plan.add(Kind::Install, tr("Install %1 on %2").arg(target, node), node);
            plan.add(Kind::Start, tr("Start %1").arg(node), node);
            plan.add(
                Kind::VerifyNode, tr("Verify that %1 is healthy and reports %2").arg(node, target), node);
            if (first && schema)
                plan.add(Kind::VerifySchema,
                    tr("Verify that the database schema moved forward to %1").arg(target));
            first = false;
        }
        plan.add(Kind::FinalCheck,
            tr("Final check: every node up on %1, one secret, schema consistent").arg(target));
        return plan;
    }

    const bool kube = in.kind == DeploymentKind::Kubernetes;
    if (kube) {
        plan.add(Kind::RememberReplicas,
            tr("Remember the replica count (%1) and the autoscaler").arg(in.replicas));
        if (in.hpa)
            plan.add(Kind::PauseHpa, tr("Pause the autoscaler %1").arg(in.hpa->name));
        plan.add(Kind::ScaleToZero, tr("Scale to 0 replicas"));
        plan.add(Kind::VerifyNoPods, tr("Verify that no pod is left"));
    } else {
        plan.add(Kind::RememberReplicas, tr("Remember the replica count (%1)").arg(in.replicas));
        plan.add(Kind::StopService, tr("Stop the service"));
        plan.add(Kind::VerifyNoPods, tr("Verify that no container is left running"));
    }
    if (!plan.m_backupWaived)
        plan.add(Kind::BackupDatabase, tr("Back up the database and check the dump"));
    plan.add(Kind::SetImage, tr("Set the image to %1").arg(in.imageTag.trimmed()));
    for (int k = 1; k <= in.replicas; ++k) {
        plan.add(Kind::ScaleTo, tr("Scale to %n replica(s)", nullptr, k), {}, k);
        plan.add(Kind::VerifyNode,
            tr("Verify that %n replica(s) are ready and report %1", nullptr, k).arg(target), {}, k);
        if (k == 1 && schema)
            plan.add(
                Kind::VerifySchema, tr("Verify that the database schema moved forward to %1").arg(target));
    }
    if (kube && in.hpa)
        plan.add(Kind::RestoreHpa,
            tr("Restore the autoscaler %1 (min %2, max %3)")
                .arg(in.hpa->name)
                .arg(in.hpa->minReplicas)
                .arg(in.hpa->maxReplicas));
    plan.add(Kind::FinalCheck, tr("Final check: every replica up on %1, schema consistent").arg(target));
    return plan;
}

QStringList UpgradePlan::violations(const QList<UpgradeStep> &steps, bool backupWaived)
{
    QStringList out;
    auto at = [](const UpgradeStep &s) {
        return tr("step %1 (%2)").arg(s.index + 1).arg(UpgradeStep::kindName(s.kind));
    };

    bool stopped = false; // a stop step came
    bool verifiedDown = false; // and its verification after it
    bool backedUp = false;
    bool newVersionInPlace = false; // SetImage done (Kubernetes, Compose)
    QSet<QString> installed; // hosts: nodes with the new version installed
    QSet<QString> packageVerified;
    // The unit that started last and whether it was verified since: a node name, or
    // the replica count as text.
    std::optional<QString> lastStarted;
    bool lastVerified = true;
    int scaled = 0;
    bool anyStarted = false;

    for (qsizetype i = 0; i < steps.size(); ++i) {
        const UpgradeStep &s = steps.at(i);
        if (s.index != i)
            out << tr("Step %1 (%2) is numbered %3.")
                       .arg(i + 1)
                       .arg(UpgradeStep::kindName(s.kind))
                       .arg(s.index + 1);
        const QString node = s.node.value_or(QString());
        switch (s.kind) {
        case Kind::StopAll:
        case Kind::StopService:
        case Kind::ScaleToZero:
            if (anyStarted)
                out << tr("%1 stops nodes after the new version started.").arg(at(s));
            stopped = true;
            break;
        case Kind::VerifyStopped:
        case Kind::VerifyNoPods:
            if (!stopped)
                out << tr("%1 verifies a stop that never came.").arg(at(s));
            verifiedDown = stopped;
            break;
        case Kind::BackupDatabase:
            if (!verifiedDown)
                out << tr("%1 backs up while nodes may still write.").arg(at(s));
            backedUp = true;
            break;
        case Kind::VerifyPackage:
            packageVerified.insert(node);
            break;
        case Kind::Install:
        case Kind::SetImage:
            if (!verifiedDown)
                out << tr("%1 changes the version before every node is verified down.").arg(at(s));
            if (!backedUp && !backupWaived)
                out << tr("%1 changes the version before the backup.").arg(at(s));
            if (s.kind == Kind::Install && !packageVerified.contains(node))
                out << tr("%1 installs a package not verified on %2.").arg(at(s), node);
            if (s.kind == Kind::Install)
                installed.insert(node);
            else
                newVersionInPlace = true;
            break;
        case Kind::Start:
        case Kind::ScaleTo: {
            const bool scale = s.kind == Kind::ScaleTo;
            if (!verifiedDown)
                out << tr("%1 starts before every node is verified down.").arg(at(s));
            if (scale ? !newVersionInPlace : !installed.contains(node))
                out << tr("%1 starts the old version while another may run the new one.").arg(at(s));
            if (!lastVerified)
                out << tr("%1 starts before %2 was verified.").arg(at(s), *lastStarted);
            if (scale && s.replicas != scaled + 1)
                out << tr("%1 scales from %2 to %3 replicas, not one at a time.")
                           .arg(at(s))
                           .arg(scaled)
                           .arg(s.replicas);
            if (scale)
                scaled = s.replicas;
            lastStarted = scale ? tr("replica %1").arg(s.replicas) : node;
            lastVerified = false;
            anyStarted = true;
            break;
        }
        case Kind::VerifyNode: {
            const QString unit = s.node ? node : tr("replica %1").arg(s.replicas);
            if (lastStarted != unit)
                out << tr("%1 verifies %2, which was not the last to start.").arg(at(s), unit);
            else
                lastVerified = true;
            break;
        }
        case Kind::VerifySchema:
            // The schema is only final once the first node finished its migrations and
            // was verified.
            if (!anyStarted || !lastVerified)
                out << tr("%1 verifies the schema before a node on the new version was verified.").arg(at(s));
            break;
        case Kind::FinalCheck:
            if (i != steps.size() - 1)
                out << tr("%1 is not the last step.").arg(at(s));
            if (!lastVerified)
                out << tr("%1 comes before %2 was verified.").arg(at(s), *lastStarted);
            break;
        case Kind::BackupConfig:
        case Kind::Upload:
        case Kind::RememberReplicas:
        case Kind::PauseHpa:
        case Kind::RestoreHpa:
            break;
        }
    }
    if (!stopped)
        out << tr("Nothing stops the running nodes.");
    if (!backedUp && !backupWaived)
        out << tr("There is no backup.");
    if (!anyStarted)
        out << tr("No node is started on the new version.");
    if (steps.isEmpty() || steps.last().kind != Kind::FinalCheck)
        out << tr("The plan does not end with the final check.");
    return out;
}
