#pragma once

#include "upgrade/UpgradeInputs.h"

#include <QString>

// The inputs of a cluster ready to upgrade from 3.9.8 to 3.10.4: three nodes up,
// the package verified, a backup configured, nothing locked or interrupted.
namespace UpgradeTestSupport {

using namespace Qt::StringLiterals;

inline const QString PackageSha = u"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"_s;
inline const QString DumpSha = u"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"_s;

inline UpgradeNodeInputs node(const QString &name, const QString &version = u"3.9.8"_s)
{
    UpgradeNodeInputs n;
    n.name = name;
    n.version = Version::parse(version);
    n.reachableForControl = true;
    n.healthy = true;
    n.freeDiskBytes = 10'000'000'000;
    return n;
}

inline UpgradeInputs readyInputs(DeploymentKind kind = DeploymentKind::Hosts)
{
    UpgradeInputs in;
    in.kind = kind;
    in.clusterName = u"prod-jatos"_s;
    in.target = Version::parse(u"3.10.4");
    in.nodes = {node(u"n1"_s), node(u"n2"_s), node(u"n3"_s)};
    in.database.reachable = true;
    in.database.schemaVersion = Version::parse(u"3.9.8");
    in.package.path = u"/home/admin/jatos-3.10.4.zip"_s;
    in.package.size = 150'000'000;
    in.package.expectedSha256 = PackageSha;
    in.package.actualSha256 = PackageSha;
    in.requiredFreeDiskBytes = 500'000'000;
    in.backup.command = u"mariadb-dump --single-transaction jatos"_s;
    if (kind != DeploymentKind::Hosts) {
        in.imageTag = u"jatos/jatos:3.10.4"_s;
        in.replicas = 3;
    }
    if (kind == DeploymentKind::Kubernetes)
        in.hpa = HpaSettings {u"jatos"_s, 2, 10};
    return in;
}

} // namespace UpgradeTestSupport
