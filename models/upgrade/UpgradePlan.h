#pragma once

#include "UpgradeInputs.h"

#include <QCoreApplication>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

struct UpgradeStep
{
    enum class Kind
    {
        // hosts
        StopAll,
        VerifyStopped,
        BackupDatabase,
        BackupConfig,
        Upload,
        VerifyPackage,
        Install,
        Start,
        VerifyNode,
        VerifySchema,
        FinalCheck,
        // Kubernetes and Compose
        RememberReplicas,
        PauseHpa,
        ScaleToZero,
        StopService,
        VerifyNoPods,
        SetImage,
        ScaleTo,
        RestoreHpa
    };

    int index = 0;
    Kind kind = Kind::StopAll;
    std::optional<QString> node; // hosts: the node the step acts on
    int replicas = 0; // ScaleTo, and VerifyNode of Kubernetes/Compose: the replica count
    QString description;

    static QString kindName(Kind kind); // "stopAll", "verifyStopped", ...
};

// The ordered steps of one upgrade, as the products demand it: everything stopped
// and verified down, a backup, then one node at a time, each verified before the
// next starts. Pure: the app carries the steps out.
class UpgradePlan
{
    Q_DECLARE_TR_FUNCTIONS(UpgradePlan)

public:
    UpgradePlan() = default;
    static UpgradePlan build(const UpgradeInputs &inputs);

    DeploymentKind kind() const { return m_kind; }
    Version target() const { return m_target; }
    QStringList nodes() const { return m_nodes; }
    bool backupWaived() const { return m_backupWaived; }
    int replicas() const { return m_replicas; }
    std::optional<HpaSettings> hpa() const { return m_hpa; }
    const QList<UpgradeStep> &steps() const { return m_steps; }

    // Why a list of steps would be unsafe; empty when it is safe. Every plan that
    // build() makes passes; the check exists so that no edit of build() can quietly
    // break the products' rules.
    QStringList violations() const { return violations(m_steps, m_backupWaived); }
    static QStringList violations(const QList<UpgradeStep> &steps, bool backupWaived);

private:
    void add(UpgradeStep::Kind kind, QString description, std::optional<QString> node = {}, int replicas = 0);

    DeploymentKind m_kind = DeploymentKind::Hosts;
    Version m_target;
    QStringList m_nodes;
    bool m_backupWaived = false;
    int m_replicas = 0;
    std::optional<HpaSettings> m_hpa;
    QList<UpgradeStep> m_steps;
};

Q_DECLARE_METATYPE(UpgradePlan)
