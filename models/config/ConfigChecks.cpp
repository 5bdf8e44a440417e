#include "ConfigChecks.h"

#include <QSet>

namespace {

using Status = ConfigCheck::Status;

// Groups the reachable nodes by a value; nodes without it are grouped under "".
QMap<QString, QStringList> groupBy(
    const QList<NodeConfigFacts> &facts, const std::function<QString(const NodeConfigFacts &)> &key)
{
    QMap<QString, QStringList> groups;
    for (const NodeConfigFacts &node : facts) {
        if (node.reachable)
            groups[key(node)].append(node.node);
    }
    return groups;
}

QString describeGroups(const QMap<QString, QStringList> &groups, const QString &missing)
{
    QStringList parts;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it)
        parts.append(QStringLiteral("%1: %2").arg(
            it.key().isEmpty() ? missing : it.key(), it.value().join(QStringLiteral(", "))));
    return parts.join(QStringLiteral("; "));
}

// The nodes outside the largest group (on a tie, outside the first).
QStringList minority(const QMap<QString, QStringList> &groups)
{
    QString biggest;
    qsizetype size = -1;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        if (it.value().size() > size && !it.key().isEmpty()) {
            biggest = it.key();
            size = it.value().size();
        }
    }
    QStringList out;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        if (it.key() != biggest)
            out += it.value();
    }
    return out;
}

ConfigCheck check(QString id, QString title)
{
    ConfigCheck c;
    c.id = std::move(id);
    c.title = std::move(title);
    return c;
}

bool anyReachable(const QList<NodeConfigFacts> &facts)
{
    return std::any_of(facts.cbegin(), facts.cend(), [](const NodeConfigFacts &f) { return f.reachable; });
}

} // namespace

QString ConfigCheck::statusName(Status status)
{
    switch (status) {
    case Status::Pass:
        return QStringLiteral("pass");
    case Status::Warning:
        return QStringLiteral("warning");
    case Status::Fail:
        return QStringLiteral("fail");
    case Status::Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

int ConfigChecks::exitCode(const QList<ConfigCheck> &checks)
{
    int code = 0;
    for (const ConfigCheck &c : checks) {
        if (c.status == Status::Fail)
            code = 2;
        else if (c.status == Status::Warning)
            code = std::max(code, 1);
    }
    return code;
}

QList<ConfigCheck> ConfigChecks::run(const ClusterProfile &profile, const ConfigCheckInputs &inputs)
{
    const QList<NodeConfigFacts> &facts = inputs.facts;
    const QString &product = profile.product;
    QList<ConfigCheck> checks;

    // Every file read and understood.
    {
        ConfigCheck c = check(QStringLiteral("readable"), tr("Configuration files readable on every node"));
        QStringList problems;
        for (const NodeConfigFacts &node : facts) {
            if (!node.problems.isEmpty()) {
                c.nodes.append(node.node);
                problems += node.problems;
            }
        }
        if (!c.nodes.isEmpty()) {
            c.status = Status::Fail;
            c.detail = problems.join(QLatin1Char('\n'));
            c.fix = tr(
                "Make the files readable by the SSH user, or fix the syntax error named above; the other "
                "checks ignore what could not be read.");
        } else {
            c.detail = tr("%n node(s) read", nullptr, int(facts.size()));
        }
        checks.append(c);
    }

    // The application secret: one fingerprint everywhere, the keychain's.
    const QString secretName = product == QLatin1String("jatos") ? QStringLiteral("appSecret")
        : product == QLatin1String("openspecimen")               ? QStringLiteral("clusterSecret")
                                                                 : QString();
    if (!secretName.isEmpty()) {
        ConfigCheck c = check(QStringLiteral("secret"), tr("Same secret on every node"));
        const auto groups = groupBy(
            facts, [&](const NodeConfigFacts &f) { return f.secretFingerprints.value(secretName); });
        const QString keychain = inputs.keychainFingerprints.value(secretName);
        if (!anyReachable(facts)) {
            c.status = Status::Skipped;
            c.detail = tr("no node could be read");
        } else if (groups.size() > 1 || groups.contains(QString())) {
            c.status = Status::Fail;
            c.nodes = groups.size() > 1 ? minority(groups) : groups.value(QString());
            c.detail = tr("the nodes hold different secrets (fingerprints: %1); sessions break when a user's "
                          "requests reach another node")
                           .arg(describeGroups(groups, tr("none")));
            c.fix = tr("Write the keychain's secret to every node (Cluster → Configuration, or "
                       "clusterdesk-cli config push --push-secrets), or rotate it.");
        } else if (!keychain.isEmpty() && groups.firstKey() != keychain) {
            c.status = Status::Warning;
            c.nodes = groups.first();
            c.detail = tr("every node holds the secret %1, but the keychain's is %2")
                           .arg(groups.firstKey(), keychain);
            c.fix
                = tr("Push the keychain's secret to the nodes, or store the nodes' secret in the keychain.");
        } else {
            c.detail = tr("fingerprint %1 on every node").arg(groups.firstKey());
        }
        checks.append(c);
    }

    if (product == QLatin1String("jatos")) {
        ConfigCheck c
            = check(QStringLiteral("multiNode"), tr("Multi-node mode on every node, with MySQL/MariaDB"));
        QStringList off;
        QStringList h2;
        for (const NodeConfigFacts &node : facts) {
            if (!node.reachable)
                continue;
            if (node.value(QStringLiteral("jatos.multiNode")) != QLatin1String("true"))
                off.append(node.node);
            const QString url = node.value(QStringLiteral("jatos.db.url"));
            if (!url.startsWith(QLatin1String("jdbc:mysql:"))
                && !url.startsWith(QLatin1String("jdbc:mariadb:")))
                h2.append(node.node);
        }
        if (!anyReachable(facts)) {
            c.status = Status::Skipped;
        } else if (!off.isEmpty() || !h2.isEmpty()) {
            c.status = Status::Fail;
            c.nodes = off;
            for (const QString &n : std::as_const(h2)) {
                if (!c.nodes.contains(n))
                    c.nodes.append(n);
            }
            QStringList why;
            if (!off.isEmpty())
                why.append(tr("jatos.multiNode is not true on %1").arg(off.join(QStringLiteral(", "))));
            if (!h2.isEmpty())
                why.append(tr("no MySQL/MariaDB jatos.db.url (the embedded H2 database) on %1")
                               .arg(h2.join(QStringLiteral(", "))));
            c.detail = why.join(QStringLiteral("; "));
            c.fix = tr("Set jatos.multiNode = true and the shared database's URL on those nodes (Cluster → "
                       "Configuration); a "
                       "single-node JATOS in a cluster corrupts its state.");
        } else {
            c.detail = tr("on every node");
        }
        checks.append(c);
    }

    // Database settings: identical everywhere.
    {
        QStringList ids;
        if (product == QLatin1String("jatos"))
            ids = {QStringLiteral("jatos.db.url"), QStringLiteral("jatos.db.username"),
                QStringLiteral("jatos.db.password")};
        else if (product == QLatin1String("openspecimen"))
            ids = {QStringLiteral("database.host"), QStringLiteral("database.port"),
                QStringLiteral("database.name"), QStringLiteral("database.username"),
                QStringLiteral("database.password")};
        else if (product == QLatin1String("joget"))
            ids = {QStringLiteral("workflowUrl"), QStringLiteral("workflowUser"),
                QStringLiteral("workflowPassword")};
        if (!ids.isEmpty()) {
            ConfigCheck c = check(QStringLiteral("database"), tr("Same database settings on every node"));
            QStringList differing;
            for (const QString &id : std::as_const(ids)) {
                const auto groups = groupBy(facts, [&](const NodeConfigFacts &f) { return f.value(id); });
                if (groups.size() > 1) {
                    const bool secret
                        = id.endsWith(QLatin1String("password")) || id.endsWith(QLatin1String("Password"));
                    differing.append(
                        tr("%1 differs (%2)")
                            .arg(id,
                                secret ? tr("fingerprints: ") + describeGroups(groups, tr("unset"))
                                       : describeGroups(groups, tr("unset"))));
                    for (const QString &n : minority(groups)) {
                        if (!c.nodes.contains(n))
                            c.nodes.append(n);
                    }
                }
            }
            if (!anyReachable(facts)) {
                c.status = Status::Skipped;
            } else if (!differing.isEmpty()) {
                c.status = Status::Fail;
                c.detail = differing.join(QStringLiteral("; "));
                c.fix = tr("Every node must use the one shared database: set the same values everywhere "
                           "(Cluster → Configuration).");
            } else {
                c.detail = tr("identical on every node");
            }
            checks.append(c);
        }
    }

    // The shared folder really shared.
    {
        ConfigCheck c = check(QStringLiteral("sharedFolder"), tr("Shared folder really shared"));
        if (!inputs.sharedFolder) {
            c.status = Status::Skipped;
            c.detail = profile.sharedDataDir.isEmpty() ? tr("the profile names no shared folder")
                                                       : tr("not tested");
        } else if (!inputs.sharedFolder->error.isEmpty()) {
            c.status = Status::Fail;
            c.nodes.append(inputs.sharedFolder->writer);
            c.detail = inputs.sharedFolder->error;
            c.fix = tr("The SSH user must be able to write to %1.").arg(inputs.sharedFolder->folder);
        } else if (!inputs.sharedFolder->notSeenBy.isEmpty()) {
            c.status = Status::Fail;
            QStringList why;
            for (auto it = inputs.sharedFolder->notSeenBy.cbegin();
                 it != inputs.sharedFolder->notSeenBy.cend(); ++it) {
                c.nodes.append(it.key());
                why.append(QStringLiteral("%1: %2").arg(it.key(), it.value()));
            }
            c.detail = tr("a marker written through %1 in %2 was not found through %3")
                           .arg(inputs.sharedFolder->writer, inputs.sharedFolder->folder,
                               why.join(QStringLiteral("; ")));
            c.fix = tr("Mount the same shared file system (NFS or similar) at %1 on every node.")
                        .arg(inputs.sharedFolder->folder);
        } else {
            c.detail = tr("a marker written through %1 was read back through %2")
                           .arg(inputs.sharedFolder->writer,
                               inputs.sharedFolder->seenBy.join(QStringLiteral(", ")));
        }
        checks.append(c);
    }

    // Node names: unique, and (OpenSpecimen) matching the cluster JSON.
    const QString nameField = product == QLatin1String("openspecimen") ? QStringLiteral("node.name")
        : product == QLatin1String("joget")                            ? QStringLiteral("wflow.name")
                                                                       : QString();
    if (!nameField.isEmpty()) {
        ConfigCheck c = check(QStringLiteral("nodeNames"), tr("Node names unique"));
        QStringList problems;
        const auto groups = groupBy(facts, [&](const NodeConfigFacts &f) { return f.value(nameField); });
        for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
            if (it.key().isEmpty()) {
                problems.append(
                    tr("%1 is not set on %2").arg(nameField, it.value().join(QStringLiteral(", "))));
                c.nodes += it.value();
            } else if (it.value().size() > 1) {
                problems.append(tr("%1 \"%2\" is used by %3")
                                    .arg(nameField, it.key(), it.value().join(QStringLiteral(", "))));
                c.nodes += it.value();
            }
        }
        if (product == QLatin1String("openspecimen")) {
            c.title = tr("Node names unique and matching the cluster JSON");
            std::optional<OpenSpecimenClusterJson> json;
            for (const NodeConfigFacts &node : facts) {
                if (node.clusterJson) {
                    json = node.clusterJson;
                    break;
                }
            }
            if (!json) {
                problems.append(tr("no node could read a valid cluster JSON"));
            } else {
                QSet<QString> listed;
                for (const OpenSpecimenClusterNode &entry : json->nodes)
                    listed.insert(entry.name);
                QSet<QString> actual;
                for (const NodeConfigFacts &node : facts) {
                    const QString name = node.value(nameField);
                    if (!node.reachable || name.isEmpty())
                        continue;
                    actual.insert(name);
                    if (!listed.contains(name)) {
                        problems.append(
                            tr("%1 (node.name %2) is missing from the cluster JSON").arg(node.node, name));
                        if (!c.nodes.contains(node.node))
                            c.nodes.append(node.node);
                    }
                }
                for (const QString &name : std::as_const(listed)) {
                    if (!actual.contains(name))
                        problems.append(
                            tr("the cluster JSON lists %1, which no reachable node is named").arg(name));
                }
            }
        }
        if (!anyReachable(facts)) {
            c.status = Status::Skipped;
        } else if (!problems.isEmpty()) {
            c.status = Status::Fail;
            problems.sort();
            c.detail = problems.join(QStringLiteral("; "));
            c.fix = product == QLatin1String("openspecimen")
                ? tr("Give every node its own node.name and list exactly those nodes in the cluster JSON, "
                     "then upload it "
                     "under Settings → Cluster.")
                : tr("Give every node its own wflow.name.");
        } else {
            c.detail = tr("%n distinct name(s)", nullptr, int(groups.size()));
        }
        checks.append(c);
    }

    // Tomcat jvmRoutes: unique, and matching the balancer's route= where it is known.
    if (product == QLatin1String("joget") || product == QLatin1String("openspecimen")) {
        ConfigCheck c = check(QStringLiteral("jvmRoute"), tr("Tomcat jvmRoute unique per node"));
        QStringList problems;
        const auto groups = groupBy(
            facts, [](const NodeConfigFacts &f) { return f.value(QStringLiteral("tomcat.jvmRoute")); });
        for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
            if (!it.key().isEmpty() && it.value().size() > 1) {
                problems.append(
                    tr("jvmRoute \"%1\" is used by %2").arg(it.key(), it.value().join(QStringLiteral(", "))));
                c.nodes += it.value();
            }
        }
        if (product == QLatin1String("joget") && groups.contains(QString())) {
            problems.append(tr("no jvmRoute on %1").arg(groups.value(QString()).join(QStringLiteral(", "))));
            c.nodes += groups.value(QString());
        }
        if (inputs.balancer) {
            QSet<QString> routes;
            for (const BalancerMember &member : *inputs.balancer)
                routes.insert(member.route);
            for (const NodeConfigFacts &node : facts) {
                const QString route = node.value(QStringLiteral("tomcat.jvmRoute"));
                if (node.reachable && !route.isEmpty() && !routes.contains(route)) {
                    problems.append(
                        tr("%1's jvmRoute \"%2\" is no BalancerMember's route=").arg(node.node, route));
                    if (!c.nodes.contains(node.node))
                        c.nodes.append(node.node);
                }
            }
        }
        // A balancer that could not be read has not agreed: that is said, never passed over.
        const bool balancerUnknown = !inputs.balancer && !inputs.balancerProblem.isEmpty();
        if (!anyReachable(facts)) {
            c.status = Status::Skipped;
            if (balancerUnknown)
                c.detail = inputs.balancerProblem;
        } else if (!problems.isEmpty()) {
            c.status = Status::Fail;
            if (balancerUnknown)
                problems.append(inputs.balancerProblem);
            c.detail = problems.join(QStringLiteral("; "));
            c.fix = tr(
                "Give each node's Tomcat <Engine> its own jvmRoute and use the same names in the balancer's "
                "BalancerMember route= settings; sticky sessions depend on it.");
        } else if (balancerUnknown) {
            c.status = Status::Warning;
            c.detail = tr("unique, but not compared with the balancer: %1").arg(inputs.balancerProblem);
            c.fix = tr(
                "Make sure the balancer's host answers over SSH with a known host key and that the "
                "profile's user can read its configuration file (balancer.ssh and balancer.configFile in "
                "the profile), then check again.");
        } else {
            c.detail = inputs.balancer ? tr("unique and known to the balancer") : tr("unique");
        }
        checks.append(c);
    }
    return checks;
}
