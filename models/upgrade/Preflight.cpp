#include "Preflight.h"

#include <QLocale>
#include <QMap>
#include <QRegularExpression>

#include <algorithm>

namespace {

using Severity = PreflightCheck::Severity;
using Status = PreflightCheck::Status;

// The name under which the database appears among a check's nodes.
const QString DatabaseName = QStringLiteral("database");

PreflightCheck check(QString id, QString title, Severity severity = Severity::Blocking)
{
    PreflightCheck c;
    c.id = std::move(id);
    c.title = std::move(title);
    c.severity = severity;
    return c;
}

void fail(PreflightCheck &c, QString reason, QString fix, QStringList nodes = {})
{
    c.status = Status::Fail;
    c.reason = std::move(reason);
    c.fix = std::move(fix);
    c.nodes = std::move(nodes);
}

QString joined(const QStringList &parts)
{
    return parts.join(QStringLiteral("; "));
}

bool isHex64(const QString &text)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]{64}$"));
    return hex.match(text).hasMatch();
}

// "jatos/jatos:3.10.4" and "3.10.4" both name 3.10.4; a digest names no version.
Version versionOfImage(const QString &image)
{
    if (image.contains(QLatin1Char('@')))
        return {};
    const qsizetype colon = image.lastIndexOf(QLatin1Char(':'));
    const qsizetype slash = image.lastIndexOf(QLatin1Char('/'));
    return Version::parse(colon > slash ? QStringView(image).mid(colon + 1) : QStringView(image));
}

bool schemaCompared(const UpgradeInputs &in)
{
    return in.database.schemaTracked;
}

} // namespace

bool Preflight::nothingToDo(const UpgradeInputs &in)
{
    if (!in.target.isKnown() || in.nodes.isEmpty())
        return false;
    const bool nodesDone = std::all_of(in.nodes.cbegin(), in.nodes.cend(),
        [&](const UpgradeNodeInputs &n) { return n.version.isKnown() && n.version == in.target; });
    const Version &schema = in.database.schemaVersion;
    const bool schemaDone = !schemaCompared(in) || schema == in.target
        || (in.database.schemaVersionIsLowerBound && schema.isKnown() && schema < in.target);
    return nodesDone && schemaDone;
}

QList<PreflightCheck> Preflight::run(const UpgradeInputs &in)
{
    QList<PreflightCheck> checks;
    const QString target = in.target.normalized();
    const bool hosts = in.kind == DeploymentKind::Hosts;

    PreflightCheck targetCheck = check(QStringLiteral("target"), tr("Target version"));
    if (!in.target.isKnown())
        fail(targetCheck,
            tr("The target version \"%1\" is not a version Clusterdesk can order.").arg(in.target.text()),
            tr("Give a release version such as 3.10.4 or v11.0; Clusterdesk never guesses."));
    else if (nothingToDo(in))
        fail(targetCheck, tr("Every node and the database already run %1: nothing to do.").arg(target),
            tr("Choose a newer version."));
    checks << targetCheck;

    // An unknown version is refused on its own; it is never counted as older or newer.
    PreflightCheck unknown = check(QStringLiteral("unknownVersion"), tr("Known versions"));
    QStringList unknownParts;
    QStringList unknownNodes;
    for (const UpgradeNodeInputs &n : in.nodes) {
        if (!n.version.isKnown()) {
            unknownNodes << n.name;
            unknownParts << tr("node %1 reports \"%2\"").arg(n.name, n.version.text());
        }
    }
    if (schemaCompared(in) && !in.database.schemaVersion.isKnown()) {
        unknownNodes << DatabaseName;
        unknownParts << tr("the database schema reports \"%1\"").arg(in.database.schemaVersion.text());
    }
    if (!unknownParts.isEmpty())
        fail(unknown, tr("The version is unknown: %1.").arg(joined(unknownParts)),
            tr("Bring the node up or make its version readable, then check again; Clusterdesk never guesses "
               "a version."),
            unknownNodes);
    checks << unknown;

    // A node or schema already on the target is allowed: that is where an aborted run
    // leaves the nodes it upgraded, and running again completes the others.
    PreflightCheck downgrade = check(QStringLiteral("downgrade"), tr("No downgrade"));
    if (in.target.isKnown()) {
        QStringList parts;
        QStringList newer;
        for (const UpgradeNodeInputs &n : in.nodes) {
            if (n.version.isKnown() && n.version > in.target) {
                newer << n.name;
                parts << tr("node %1 runs %2, newer than the target %3")
                             .arg(n.name, n.version.normalized(), target);
            }
        }
        if (schemaCompared(in) && in.database.schemaVersion.isKnown()
            && in.database.schemaVersion > in.target) {
            newer << DatabaseName;
            parts << tr("the database schema belongs to %1, newer than the target %2")
                         .arg(in.database.schemaVersion.normalized(), target);
        }
        if (!parts.isEmpty())
            fail(downgrade, tr("This would be a downgrade: %1.").arg(joined(parts)),
                tr("Choose a target at least as new as every node and the schema; the products cannot be "
                   "downgraded (restore a backup made with the older version instead)."),
                newer);
    }
    checks << downgrade;

    PreflightCheck mixed
        = check(QStringLiteral("mixedVersions"), tr("One version on every node"), Severity::Warning);
    {
        QMap<QString, QStringList> byVersion;
        for (const UpgradeNodeInputs &n : in.nodes) {
            if (n.version.isKnown())
                byVersion[n.version.normalized()] << n.name;
        }
        if (byVersion.size() > 1) {
            QStringList parts;
            QStringList nodes;
            for (auto it = byVersion.cbegin(); it != byVersion.cend(); ++it) {
                parts << tr("%1 on %2").arg(it.key(), it.value().join(QStringLiteral(", ")));
                nodes += it.value();
            }
            fail(mixed, tr("The nodes run different versions now: %1.").arg(joined(parts)),
                tr("Acknowledge that every node will be stopped and brought to %1 one at a time.")
                    .arg(target),
                nodes);
        }
    }
    checks << mixed;

    PreflightCheck reach = check(QStringLiteral("nodesReachable"), tr("Every node reachable for control"));
    if (in.nodes.isEmpty()) {
        fail(reach, tr("Clusterdesk sees no node of this cluster."),
            tr("Check the profile's nodes (or the Deployment / Compose service) and try again."));
    } else {
        QStringList parts;
        QStringList nodes;
        for (const UpgradeNodeInputs &n : in.nodes) {
            if (!n.reachableForControl) {
                nodes << n.name;
                parts << tr("%1: %2").arg(
                    n.name, n.controlError.isEmpty() ? tr("not reachable") : n.controlError);
            }
        }
        if (!parts.isEmpty())
            fail(reach, tr("Clusterdesk cannot control every node: %1.").arg(joined(parts)),
                hosts ? tr("Make SSH to these nodes work, then check again.")
                      : tr("Make the Kubernetes API or the Compose host reachable, then check again."),
                nodes);
    }
    checks << reach;

    PreflightCheck healthy
        = check(QStringLiteral("nodesHealthy"), tr("Every node healthy now"), Severity::Warning);
    {
        QStringList nodes;
        for (const UpgradeNodeInputs &n : in.nodes) {
            if (!n.healthy)
                nodes << n.name;
        }
        if (!nodes.isEmpty())
            fail(healthy, tr("Not healthy before the upgrade: %1.").arg(nodes.join(QStringLiteral(", "))),
                tr("Look at these nodes' logs first, or acknowledge that they will be stopped and upgraded "
                   "as they are."),
                nodes);
    }
    checks << healthy;

    PreflightCheck db = check(QStringLiteral("databaseReachable"), tr("Database reachable"));
    if (!in.database.reachable)
        fail(db,
            tr("The database cannot be reached: %1.")
                .arg(in.database.error.isEmpty() ? tr("no answer") : in.database.error),
            tr("The backup and the schema checks need the database: make it reachable, then check again."),
            {DatabaseName});
    checks << db;

    if (hosts) {
        PreflightCheck package = check(QStringLiteral("package"), tr("Release package present"));
        if (in.package.path.isEmpty())
            fail(package, tr("No release package was given."),
                tr("Choose the release package of %1.").arg(target));
        else if (!in.package.size)
            fail(package, tr("The release package %1 was not found.").arg(in.package.path),
                tr("Check the path, or download the package of %1 again.").arg(target));
        else if (*in.package.size <= 0)
            fail(package, tr("The release package %1 is empty.").arg(in.package.path),
                tr("Download the package of %1 again.").arg(target));
        checks << package;

        PreflightCheck sum = check(QStringLiteral("checksum"), tr("Release package checksum"));
        const QString expected = in.package.expectedSha256.trimmed();
        const QString actual = in.package.actualSha256.trimmed();
        if (expected.isEmpty())
            fail(sum,
                tr("No SHA-256 is known for %1, so its integrity cannot be checked.").arg(in.package.path),
                tr("Give the checksum published with the release (or put it beside the package as "
                   "a .sha256 file)."));
        else if (!isHex64(expected))
            fail(sum, tr("\"%1\" is not a SHA-256 (64 hexadecimal digits).").arg(expected),
                tr("Give the checksum published with the release."));
        else if (actual.isEmpty())
            fail(sum, tr("The checksum of %1 was not computed.").arg(in.package.path),
                tr("Check again once the package can be read."));
        else if (actual.compare(expected, Qt::CaseInsensitive) != 0)
            fail(sum,
                tr("%1 has the SHA-256 %2, not the expected %3.").arg(in.package.path, actual, expected),
                tr("Download the package again; do not use it as it is."));
        checks << sum;

        PreflightCheck disk = check(QStringLiteral("diskSpace"), tr("Free disk space on every node"));
        QStringList parts;
        QStringList nodes;
        const QLocale locale;
        for (const UpgradeNodeInputs &n : in.nodes) {
            if (!n.freeDiskBytes) {
                nodes << n.name;
                parts << tr("%1: not measured").arg(n.name);
            } else if (*n.freeDiskBytes < in.requiredFreeDiskBytes) {
                nodes << n.name;
                parts << tr("%1: %2 free").arg(n.name, locale.formattedDataSize(*n.freeDiskBytes));
            }
        }
        if (!parts.isEmpty())
            fail(disk,
                tr("Every node needs %1 free: %2.")
                    .arg(locale.formattedDataSize(in.requiredFreeDiskBytes), joined(parts)),
                tr("Free disk space on these nodes, then check again."), nodes);
        checks << disk;
    } else {
        PreflightCheck image = check(QStringLiteral("image"), tr("Image to set"));
        const QString tag = in.imageTag.trimmed();
        const Version tagged = versionOfImage(tag);
        if (tag.isEmpty()) {
            fail(image, tr("No image tag was given."), tr("Give the image tag of %1.").arg(target));
        } else if (!tagged.isKnown()) {
            // A tag that names no version ("latest", a digest) cannot be checked against
            // the target; the admin must vouch for it.
            image.severity = Severity::Warning;
            fail(image,
                tr("The image \"%1\" does not name a version; Clusterdesk cannot check it is %2.")
                    .arg(tag, target),
                tr("Use the version's own tag, or acknowledge that \"%1\" is %2.").arg(tag, target));
        } else if (in.target.isKnown() && !(tagged == in.target)) {
            fail(image,
                tr("The image \"%1\" names %2, not the target %3.").arg(tag, tagged.normalized(), target),
                tr("Give the image tag of %1.").arg(target));
        }
        checks << image;

        PreflightCheck replicas = check(QStringLiteral("replicas"), tr("Replica count to restore"));
        if (in.replicas < 1)
            fail(replicas, tr("The replica count to come back to is not known (%1).").arg(in.replicas),
                tr("Scale the cluster to the number of nodes it should run, then check again."));
        checks << replicas;
    }

    PreflightCheck lock = check(QStringLiteral("lock"), tr("No other upgrade in progress"));
    if (in.lock)
        fail(lock,
            tr("%1 on %2 has been upgrading this cluster since %3.")
                .arg(in.lock->who, in.lock->host, QLocale().toString(in.lock->since, QLocale::ShortFormat)),
            tr("Wait until that upgrade ends, or ask %1 about it.").arg(in.lock->who));
    checks << lock;

    PreflightCheck interrupted = check(QStringLiteral("interrupted"), tr("No interrupted upgrade"));
    if (in.interrupted)
        fail(interrupted,
            tr("An upgrade to %1 started on %2 was interrupted at step %3.")
                .arg(in.interrupted->target.normalized(),
                    QLocale().toString(in.interrupted->startedAt, QLocale::ShortFormat))
                .arg(in.interrupted->resumeStep + 1),
            tr("Resume that upgrade instead of starting a new one."));
    checks << interrupted;

    PreflightCheck backup = check(QStringLiteral("backup"), tr("Backup"));
    if (in.backup.command.trimmed().isEmpty()) {
        if (in.backup.waiver.isEmpty())
            fail(backup, tr("No backup command is configured."),
                tr("Configure a backup command, or type the cluster's name \"%1\" to go without a backup.")
                    .arg(in.clusterName));
        else if (in.backup.waiver != in.clusterName)
            fail(backup,
                tr("\"%1\" is not the cluster's name, so the backup is not waived.").arg(in.backup.waiver),
                tr("Type the cluster's name \"%1\" exactly, or configure a backup command.")
                    .arg(in.clusterName));
        else
            backup.reason = tr("Waived: the upgrade runs without a backup of the database.");
    }
    checks << backup;

    return checks;
}

bool Preflight::mayStart(const QList<PreflightCheck> &checks, const QSet<QString> &acknowledged)
{
    return std::none_of(checks.cbegin(), checks.cend(), [&](const PreflightCheck &c) {
        return c.status == Status::Fail && (c.severity == Severity::Blocking || !acknowledged.contains(c.id));
    });
}

Preflight::Outcome Preflight::outcome(const UpgradeInputs &inputs, const QList<PreflightCheck> &checks)
{
    if (nothingToDo(inputs))
        return Outcome::NothingToDo;
    const bool blocked = std::any_of(checks.cbegin(), checks.cend(),
        [](const PreflightCheck &c) { return c.status == Status::Fail && c.severity == Severity::Blocking; });
    if (blocked)
        return Outcome::Blocked;
    return mayStart(checks, inputs.acknowledged) ? Outcome::Ready : Outcome::NeedsAcknowledgement;
}
