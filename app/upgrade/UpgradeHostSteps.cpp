// The steps of an upgrade on plain hosts, each over the node's SSH connection.
#include "UpgradeWorker.h"
#include "config/ConfigFiles.h"
#include "connectors/ssh/SshShell.h"
#include "core/TextHelpers.h"
#include "upgrade/UpgradeVerify.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QThread>

using TextHelpers::shellQuote;

namespace {

QString outputTail(const SshCommandResult &r)
{
    QString text = QString::fromUtf8(r.standardError).trimmed();
    if (text.isEmpty())
        text = QString::fromUtf8(r.standardOutput).trimmed();
    const QStringList lines = text.split(QLatin1Char('\n'));
    return lines.mid(std::max<qsizetype>(0, lines.size() - 5)).join(QLatin1Char('\n'));
}

constexpr std::chrono::seconds shortCommand {30};

} // namespace

Result<QString> UpgradeWorker::packagePathOn(const QString &node)
{
    if (const auto it = m_packagePaths.constFind(node); it != m_packagePaths.cend())
        return *it;
    // The home folder of the node's SSH user: writable there, and kept apart per node.
    const Result<SshCommandResult> home = run(node, QStringLiteral("printf %s \"$HOME\""), shortCommand);
    if (!home)
        return std::unexpected(home.error());
    const QString folder = QString::fromUtf8(home->standardOutput).trimmed();
    if (home->exitStatus != 0 || !folder.startsWith(QLatin1Char('/')))
        return failure(tr("Cannot tell the home folder of the SSH user on %1.").arg(node));
    const QString path
        = folder + QStringLiteral("/clusterdesk-packages/") + QFileInfo(m_request.packagePath).fileName();
    m_packagePaths.insert(node, path);
    return path;
}

UpgradeWorker::StepResult UpgradeWorker::stopAll()
{
    QStringList problems;
    QStringList lines;
    for (const NodeSpec &spec : m_profile.profile.nodes) {
        Result<QString> stop = nodeCommand(spec.name, m_profile.preset.commands.stop);
        Result<QString> running = nodeCommand(spec.name, m_profile.preset.commands.running);
        if (!stop || !running) {
            problems << (stop ? running.error().message : stop.error().message);
            continue;
        }
        const Result<SshCommandResult> isRunning = run(spec.name, *running, shortCommand);
        if (!isRunning) {
            problems << isRunning.error().message;
            continue;
        }
        if (isRunning->exitStatus != 0) {
            lines << tr("%1: not running").arg(spec.name);
            continue;
        }
        log(tr("Stopping %1: %2").arg(spec.name, *stop));
        const Result<SshCommandResult> stopped = run(spec.name, *stop, m_options.stopTimeout);
        if (!stopped) {
            problems << stopped.error().message;
            continue;
        }
        if (stopped->exitStatus != 0) {
            const Result<SshCommandResult> after = run(spec.name, *running, shortCommand);
            if (!after || after->exitStatus == 0) {
                problems << tr("The stop command failed on %1 (exit status %2): %3")
                                .arg(spec.name)
                                .arg(stopped->exitStatus)
                                .arg(outputTail(*stopped));
                continue;
            }
        }
        lines << tr("%1: stopped").arg(spec.name);
    }
    if (!problems.isEmpty())
        return {false, problems.join(QLatin1Char('\n'))};
    return {true, lines.join(QLatin1Char('\n'))};
}

UpgradeWorker::StepResult UpgradeWorker::verifyStopped()
{
    QStringList waiting;
    for (const NodeSpec &spec : m_profile.profile.nodes)
        waiting << spec.name;
    QHash<QString, QString> why;
    const QDeadlineTimer deadline(std::chrono::milliseconds(m_options.stopTimeout));
    while (true) {
        for (const QString &name : QStringList(waiting)) {
            Result<QString> running = nodeCommand(name, m_profile.preset.commands.running);
            if (!running)
                return {false, running.error().message};
            const Result<SshCommandResult> r = run(name, *running, shortCommand);
            if (!r) {
                why.insert(name, r.error().message);
                continue;
            }
            if (r->exitStatus == 0) {
                why.insert(name, tr("its process still runs"));
                continue;
            }
            const NodeHttpStatus http = probeHttp(*nodeSpec(name), false);
            if (http.health != NodeHttpStatus::Health::Down) {
                why.insert(name, tr("it still answers its health check"));
                continue;
            }
            log(tr("%1 is down: process gone, health check fails (%2)").arg(name, http.error));
            waiting.removeAll(name);
        }
        if (waiting.isEmpty())
            return {true, tr("Every node is down.")};
        if (deadline.hasExpired() || !nextLook())
            break;
    }
    QStringList problems;
    for (const QString &name : std::as_const(waiting))
        problems << tr("%1 is not down: %2").arg(name, why.value(name));
    return {false, problems.join(QLatin1Char('\n'))};
}

UpgradeWorker::StepResult UpgradeWorker::backupConfig()
{
    const QString suffix
        = QStringLiteral(".clusterdesk-upgrade-%1.bak")
              .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")));
    QStringList lines;
    QStringList problems;
    QSet<QString> sharedDone;
    for (const NodeSpec &spec : m_profile.profile.nodes) {
        QStringList paths;
        if (ConfigFiles::hasEditor(m_profile.profile.product)) {
            Result<QList<ConfigFileSpec>> files
                = ConfigFiles::forNode(m_profile.profile, m_profile.preset, spec);
            if (!files) {
                problems << files.error().message;
                continue;
            }
            for (const ConfigFileSpec &f : *files) {
                if (f.shared && sharedDone.contains(f.path))
                    continue;
                if (f.shared)
                    sharedDone.insert(f.path);
                paths << f.path;
            }
        } else {
            for (const QString &templ : m_profile.preset.configFiles) {
                Result<QString> path = nodeCommand(spec.name, templ);
                if (path)
                    paths << *path;
            }
        }
        for (const QString &path : std::as_const(paths)) {
            const QString copy = path + suffix;
            const Result<SshCommandResult> r = run(spec.name,
                QStringLiteral("if [ -e %1 ]; then cp -p -- %1 %2 && echo copied; else echo missing; fi")
                    .arg(shellQuote(path), shellQuote(copy)),
                shortCommand);
            if (!r || r->exitStatus != 0) {
                problems << tr("Cannot back up %1 on %2: %3")
                                .arg(path, spec.name, r ? outputTail(*r) : r.error().message);
                continue;
            }
            if (r->standardOutput.trimmed() == "copied")
                lines << QStringLiteral("%1:%2").arg(spec.name, copy);
            else
                lines << tr("%1:%2 does not exist (nothing to back up)").arg(spec.name, path);
        }
    }
    if (!problems.isEmpty())
        return {false, problems.join(QLatin1Char('\n'))};
    return {true, lines.join(QLatin1Char('\n'))};
}

UpgradeWorker::StepResult UpgradeWorker::upload(const QString &node, int step)
{
    Result<QString> remote = packagePathOn(node);
    if (!remote)
        return {false, remote.error().message};
    // A package already there (a retry, a resume) is not sent again when it is intact.
    const Result<SshCommandResult> sum = run(node,
        QStringLiteral("(sha256sum -- %1 || shasum -a 256 -- %1) 2>/dev/null").arg(shellQuote(*remote)),
        shortCommand);
    if (sum && sum->exitStatus == 0
        && QString::fromUtf8(sum->standardOutput).section(QLatin1Char(' '), 0, 0).trimmed()
            == m_request.actualSha256)
        return {true, tr("%1 is already on %2").arg(*remote, node)};
    Result<SshShell *> sh = shell(node);
    if (!sh)
        return {false, sh.error().message};
    log(tr("Uploading %1 to %2:%3").arg(QFileInfo(m_request.packagePath).fileName(), node, *remote));
    int lastPercent = -1;
    const Result<void> sent = (*sh)->upload(
        m_request.packagePath, *remote,
        [&](qint64 done, qint64 total) {
            const int percent = total > 0 ? int(done * 100 / total) : 100;
            if (percent != lastPercent) {
                lastPercent = percent;
                Q_EMIT stepProgress(step, done, total);
            }
        },
        *m_cancel);
    if (!sent)
        return {false, sent.error().message};
    return {true, tr("%1 uploaded to %2").arg(*remote, node)};
}

UpgradeWorker::StepResult UpgradeWorker::verifyPackage(const QString &node)
{
    Result<QString> remote = packagePathOn(node);
    if (!remote)
        return {false, remote.error().message};
    const Result<SshCommandResult> sum = run(node,
        QStringLiteral("(sha256sum -- %1 || shasum -a 256 -- %1) 2>/dev/null").arg(shellQuote(*remote)),
        std::chrono::seconds(300));
    if (!sum)
        return {false, sum.error().message};
    const QString actual
        = QString::fromUtf8(sum->standardOutput).section(QLatin1Char(' '), 0, 0).trimmed().toLower();
    if (sum->exitStatus != 0 || actual.size() != 64)
        return {false, tr("Cannot compute the SHA-256 of %1 on %2: %3").arg(*remote, node, outputTail(*sum))};
    if (actual != m_request.actualSha256)
        return {false,
            tr("The package on %1 has SHA-256 %2, not %3: it was damaged on the way.")
                .arg(node, actual, m_request.actualSha256)};
    return {true, tr("SHA-256 %1 on %2").arg(actual, node)};
}

UpgradeWorker::StepResult UpgradeWorker::install(const QString &node)
{
    Result<QString> remote = packagePathOn(node);
    if (!remote)
        return {false, remote.error().message};
    Result<QString> command = nodeCommand(node, m_profile.preset.commands.install,
        {{QStringLiteral("package"), *remote}, {QStringLiteral("version"), m_request.target}});
    if (!command)
        return {false, command.error().message};
    log(tr("Installing on %1: %2").arg(node, *command));
    const Result<SshCommandResult> r = run(node, *command, m_options.commandTimeout);
    if (!r)
        return {false, r.error().message};
    if (r->exitStatus != 0)
        return {false,
            tr("The install command failed on %1 (exit status %2): %3")
                .arg(node)
                .arg(r->exitStatus)
                .arg(outputTail(*r))};
    return {true, outputTail(*r)};
}

UpgradeWorker::StepResult UpgradeWorker::startNode(const QString &node)
{
    Result<QString> command = nodeCommand(node, m_profile.preset.commands.start);
    if (!command)
        return {false, command.error().message};
    // A start that ran before the console stopped (or by hand): the process runs, so
    // starting again would fail. The verification that follows decides whether it is
    // the right version.
    if (Result<QString> running = nodeCommand(node, m_profile.preset.commands.running); running) {
        const Result<SshCommandResult> r = run(node, *running, shortCommand);
        if (r && r->exitStatus == 0) {
            log(tr("%1 is already running; its verification follows").arg(node));
            return {true, tr("%1 was already running").arg(node)};
        }
    }
    log(tr("Starting %1: %2").arg(node, *command));
    const Result<SshCommandResult> r = run(node, *command, std::chrono::seconds(300));
    if (!r)
        return {false, r.error().message};
    if (r->exitStatus != 0)
        return {false,
            tr("%1 did not start (exit status %2): %3").arg(node).arg(r->exitStatus).arg(outputTail(*r))};
    return {true, tr("start command done on %1").arg(node)};
}

UpgradeWorker::StepResult UpgradeWorker::verifyNode(const QString &node)
{
    const NodeSpec *spec = nodeSpec(node);
    if (!spec)
        return {false, tr("The profile has no node %1.").arg(node)};
    const std::chrono::seconds limit = m_options.healthTimeout.count() > 0
        ? m_options.healthTimeout
        : std::chrono::seconds(m_profile.preset.warmupSeconds);
    const QDeadlineTimer deadline(limit);
    QElapsedTimer sinceRunningCheck;
    sinceRunningCheck.start();
    NodeHttpStatus http;
    log(tr("Waiting up to %1 s for %2 to answer its health check").arg(limit.count()).arg(node));
    while (true) {
        http = probeHttp(*spec, false);
        if (http.health == NodeHttpStatus::Health::Up)
            break;
        // A node whose process died does not need the rest of the warm-up to fail.
        if (sinceRunningCheck.elapsed() >= 3000) {
            sinceRunningCheck.restart();
            Result<QString> running = nodeCommand(node, m_profile.preset.commands.running);
            if (running) {
                const Result<SshCommandResult> r = run(node, *running, shortCommand);
                if (r && r->exitStatus != 0)
                    return {false, tr("%1 stopped during its warm-up; see its log.").arg(node)};
            }
        }
        if (deadline.hasExpired())
            return {false,
                tr("%1 did not become healthy within %2 s: %3").arg(node).arg(limit.count()).arg(http.error)};
        if (!nextLook())
            return {false, tr("Cancelled while waiting for %1.").arg(node)};
    }
    http = probeHttp(*spec, true);
    QString why;
    const Version version = nodeVersion(node, http, &why);
    if (const std::optional<QString> problem
        = UpgradeVerify::nodeVersion(node, version, m_request.targetVersion()))
        return {
            false, *problem + (why.isEmpty() ? QString() : QStringLiteral(" (") + why + QLatin1Char(')'))};
    return {true, tr("%1 is healthy and runs %2").arg(node, version.text())};
}

void UpgradeWorker::tailLog(const QString &node)
{
    if (m_profile.profile.deployment.kind != DeploymentKind::Hosts) {
        tailReplicaLog(node);
        return;
    }
    if (m_profile.preset.logFiles.isEmpty()) {
        Q_EMIT logTailRead(node, {}, tr("The preset names no log file."));
        return;
    }
    QStringList parts;
    for (const QString &templ : m_profile.preset.logFiles) {
        Result<QString> path = nodeCommand(node, templ);
        if (path)
            parts << QStringLiteral("echo \"==> %1 <==\"; tail -n 100 -- %1 2>&1").arg(shellQuote(*path));
    }
    const Result<SshCommandResult> r = run(node, parts.join(QStringLiteral("; ")), shortCommand);
    if (!r) {
        Q_EMIT logTailRead(node, {}, r.error().message);
        return;
    }
    QString text = QString::fromUtf8(r->standardOutput);
    for (const QByteArray &secret : std::as_const(m_secrets.all)) {
        if (secret.size() >= 4)
            text.replace(QString::fromUtf8(secret), QStringLiteral("********"));
    }
    Q_EMIT logTailRead(node, text, {});
}
