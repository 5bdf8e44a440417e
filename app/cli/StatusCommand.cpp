#include "StatusCommand.h"

#include "NodeTableModel.h"
#include "StatusJson.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"
#include "secrets/SecretStore.h"
#include "status/ClusterPoller.h"

#include <QDir>
#include <QMetaObject>
#include <QTextStream>

namespace {

constexpr int Unreachable = 2;

// Pads `text` to `width` characters, for the plain-text table.
QString cell(const QString &text, qsizetype width)
{
    return text.leftJustified(width, QLatin1Char(' '));
}

QString dash(const QString &text)
{
    return text.isEmpty() ? QStringLiteral("-") : text;
}

} // namespace

StatusCommand::StatusCommand(QTextStream &out, QTextStream &err, QObject *parent)
    : QObject(parent)
    , m_out(out)
    , m_err(err)
{ }

StatusCommand::~StatusCommand() = default;

QString StatusCommand::help()
{
    return tr("  status --profile FILE [--json] [--watch] [--interval SECONDS] [--timeout SECONDS]\n"
              "         [--accept-new-host-keys]\n"
              "                          Show every node's health and version, the replica counts and the\n"
              "                          database. Exit status 0: all healthy; 1: degraded; 2: the cluster\n"
              "                          or its database cannot be reached. --json prints the document\n"
              "                          described in docs/cli.md (one per line with --watch). Unknown SSH\n"
              "                          host keys are refused unless --accept-new-host-keys saves them;\n"
              "                          changed keys are always refused.\n");
}

void StatusCommand::usage(const QString &problem)
{
    m_err << "clusterdesk-cli: " << problem << '\n'
          << tr("Run 'clusterdesk-cli --help' for the commands.") << '\n';
    m_err.flush();
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT finished(Unreachable); }, Qt::QueuedConnection);
}

void StatusCommand::run(const QStringList &arguments)
{
    QString profilePath;
    ClusterPoller::Options options;
    options.refuseUnknownHostKeys = true;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        const auto value = [&](QString *into) {
            if (i + 1 >= arguments.size())
                return false;
            *into = arguments.at(++i);
            return true;
        };
        QString text;
        if (arg == u"--profile") {
            if (!value(&profilePath))
                return usage(tr("--profile needs a file"));
        } else if (arg == u"--json") {
            m_json = true;
        } else if (arg == u"--watch") {
            m_watch = true;
        } else if (arg == u"--accept-new-host-keys") {
            options.hostKeyPolicy = HostKeyPolicy::AcceptNewHostKeys;
            options.refuseUnknownHostKeys = false;
        } else if (arg == u"--interval" || arg == u"--timeout") {
            bool ok = false;
            const int seconds = value(&text) ? text.toInt(&ok) : 0;
            if (!ok || seconds < 1 || seconds > 3600)
                return usage(tr("%1 needs a number of seconds from 1 to 3600").arg(arg));
            if (arg == u"--interval") {
                options.interval = std::chrono::seconds(seconds);
            } else {
                options.httpTimeout = std::chrono::seconds(seconds);
                options.orchestratorTimeout = std::chrono::seconds(seconds);
                options.sshTimeout = std::chrono::seconds(seconds);
            }
        } else {
            return usage(tr("'status' does not know the argument '%1'").arg(arg));
        }
    }
    if (profilePath.isEmpty())
        return usage(tr("'status' needs --profile FILE"));

    const auto loaded = ProfileFile::load(profilePath, PresetRegistry::builtIn());
    if (!loaded) {
        m_err << ProfileFile::problemsText(profilePath, loaded.error());
        return usage(tr("fix the profile first"));
    }

    m_secrets = new SecretStore(this);
    m_poller = new ClusterPoller(*loaded, m_secrets, options, this);
    connect(m_poller, &ClusterPoller::refreshFinished, this, &StatusCommand::report);
    if (m_watch)
        m_poller->start();
    else
        m_poller->refreshNow();
}

void StatusCommand::report()
{
    const ClusterStatus &status = m_poller->status();
    const ClusterAssessment assessment = m_poller->assessment();
    if (m_json) {
        m_out << QString::fromStdString(StatusJson::toJson(status, assessment).dump(m_watch ? -1 : 2))
              << '\n';
    } else {
        if (m_watch)
            m_out << "--- " << status.refreshedAt.toLocalTime().toString(Qt::ISODate) << '\n';
        m_out << tr("Cluster %1 (%2 on %3): %4")
                     .arg(status.cluster, status.productName, status.deployment,
                         ClusterAssessment::overallName(assessment.overall))
              << '\n';
        const ReplicaCounts &replicas = status.replicas;
        if (replicas.desired >= 0)
            m_out << tr("Replicas: %1 of %2 ready").arg(replicas.ready).arg(replicas.desired) << '\n';
        else
            m_out << tr("Replicas: unknown") << '\n';
        const DatabaseSummary &db = status.database;
        if (db.configured) {
            if (db.reachable)
                m_out << tr("Database: %1:%2 reachable, %3; schema: %4; %5")
                             .arg(db.host)
                             .arg(db.port)
                             .arg(db.serverVersion, dash(db.schemaText), dash(db.replicasSummary))
                      << '\n';
            else
                m_out << tr("Database: %1:%2 unreachable").arg(db.host).arg(db.port) << '\n';
        }
        QStringList versions;
        for (const Version &version : assessment.versions)
            versions.append(version.normalized());
        m_out << tr("Versions: %1").arg(dash(versions.join(QStringLiteral(", ")))) << "\n\n";

        const QStringList headers {
            tr("NODE"), tr("HEALTH"), tr("VERSION"), tr("LATENCY"), tr("UPTIME"), tr("ERROR")};
        QList<QStringList> rows;
        for (const NodeStatus &node : status.nodes) {
            const auto uptime = node.uptimeSeconds(status.refreshedAt);
            rows.append({node.name, node.scheduled ? NodeHealthText::name(node.health) : tr("no-replica"),
                dash(node.version.isKnown() ? node.version.normalized() : node.versionText),
                node.latencyMs < 0 ? QStringLiteral("-") : tr("%1 ms").arg(node.latencyMs),
                uptime ? NodeTableModel::durationText(*uptime) : QStringLiteral("-"),
                dash(node.error.isEmpty() ? node.controlError : node.error)});
        }
        QList<qsizetype> widths;
        for (qsizetype column = 0; column < headers.size(); ++column) {
            qsizetype width = headers.at(column).size();
            for (const QStringList &row : std::as_const(rows))
                width = std::max(width, row.at(column).size());
            widths.append(width + 2);
        }
        const auto printRow = [&](const QStringList &row) {
            QString line;
            for (qsizetype column = 0; column < row.size(); ++column)
                line += column + 1 < row.size() ? cell(row.at(column), widths.at(column)) : row.at(column);
            m_out << line << '\n';
        };
        printRow(headers);
        for (const QStringList &row : std::as_const(rows))
            printRow(row);
        if (!assessment.warnings.isEmpty()) {
            m_out << '\n' << tr("Warnings:") << '\n';
            for (const QString &warning : assessment.warnings)
                m_out << "  - " << warning << '\n';
        }
    }
    m_out.flush();
    if (!m_watch) {
        const int code = assessment.exitCode();
        QMetaObject::invokeMethod(
            this, [this, code] { Q_EMIT finished(code); }, Qt::QueuedConnection);
    }
}
