#pragma once

#include "ClusterProfile.h"
#include "NodeConfigFacts.h"
#include "formats/BalancerConfig.h"

#include <QCoreApplication>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

// One finding about whether the nodes agree. Failed checks say which nodes differ
// and what to do about it.
struct ConfigCheck
{
    enum class Status
    {
        Pass,
        Warning,
        Fail,
        Skipped // could not be judged (nodes unreachable, nothing to compare)
    };

    QString id; // "secret", "multiNode", "database", "sharedFolder", "nodeNames", "jvmRoute", "readable"
    QString title;
    Status status = Status::Pass;
    QString detail;
    QStringList nodes; // the nodes that differ or fail
    QString fix;

    static QString statusName(Status status); // "pass", "warning", "fail", "skipped"
};

// Whether a marker file written through one node was read back through the others.
struct SharedFolderProbe
{
    QString folder;
    QString writer; // the node that wrote the marker; empty: nothing could write
    QString error; // writing failed
    QStringList seenBy; // nodes that read the marker back
    QMap<QString, QString> notSeenBy; // node -> why (missing, different content, unreachable)
};

struct ConfigCheckInputs
{
    QList<NodeConfigFacts> facts;
    std::optional<SharedFolderProbe> sharedFolder;
    QMap<QString, QString> keychainFingerprints; // secret name -> fingerprint of the keychain's value
    std::optional<QList<BalancerMember>> balancer; // when the balancer's configuration was readable
    // Why the balancer's configuration, which the profile names, could not be read or
    // understood (host, file and reason); empty when it was read or is not named.
    QString balancerProblem;
};

class ConfigChecks
{
    Q_DECLARE_TR_FUNCTIONS(ConfigChecks)

public:
    static QList<ConfigCheck> run(const ClusterProfile &profile, const ConfigCheckInputs &inputs);
    // 0 when every check passed or was skipped, 1 when one warned, 2 when one failed.
    static int exitCode(const QList<ConfigCheck> &checks);
};
