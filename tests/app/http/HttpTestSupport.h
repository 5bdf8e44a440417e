#pragma once

#include "connectors/http/HttpProber.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"

#include <QElapsedTimer>
#include <QHash>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include <optional>

// The sandbox a test's CTest fixture brought up (CLUSTERDESK_SANDBOX_DIR), read
// through the same code the application uses.
inline std::optional<LoadedProfile> loadSandboxProfile(QString *problem)
{
    const QString dir = qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR");
    if (dir.isEmpty()) {
        *problem = QStringLiteral("CLUSTERDESK_SANDBOX_DIR is not set: run through ctest");
        return std::nullopt;
    }
    auto loaded = ProfileFile::load(dir + QStringLiteral("/profile.json"), PresetRegistry::builtIn());
    if (!loaded) {
        *problem = QStringLiteral("the sandbox profile does not load: ") + loaded.error().constFirst().reason;
        return std::nullopt;
    }
    return *loaded;
}

// Runs `clusterdesk-sandbox fault --dir DIR --node NODE ARGS...`; true when it exited 0.
inline bool sandboxFault(const QString &node, const QStringList &args)
{
    QProcess tool;
    tool.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    tool.start(qEnvironmentVariable("CLUSTERDESK_SANDBOX"),
        QStringList {QStringLiteral("fault"), QStringLiteral("--dir"),
            qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR"), QStringLiteral("--node"), node}
            + args);
    return tool.waitForFinished(30000) && tool.exitStatus() == QProcess::NormalExit && tool.exitCode() == 0;
}

// Starts a node again after a `down` fault (which `clear` does not undo): the preset's
// start command over the node's SSH, as the sandbox expects. True when it exited 0.
inline bool sandboxStartNode(const LoadedProfile &sandbox, const NodeSpec &node)
{
    if (!node.ssh)
        return false;
    const QString identity = ProfileFile::resolvePath(sandbox.path, node.ssh->identity);
    const QString installDir = node.installDir.isEmpty() ? sandbox.preset.installDir : node.installDir;
    const QString command
        = ProductPreset::expand(sandbox.preset.commands.start, {{QStringLiteral("installDir"), installDir}});
    QProcess ssh;
    ssh.setProcessChannelMode(QProcess::ForwardedChannels);
    ssh.start(QStringLiteral("ssh"),
        {QStringLiteral("-i"), identity, QStringLiteral("-p"), QString::number(node.ssh->port),
            QStringLiteral("-o"), QStringLiteral("BatchMode=yes"), QStringLiteral("-o"),
            QStringLiteral("StrictHostKeyChecking=no"), QStringLiteral("-o"),
            QStringLiteral("UserKnownHostsFile=/dev/null"), QStringLiteral("-o"),
            QStringLiteral("LogLevel=ERROR"), node.ssh->user + QLatin1Char('@') + node.ssh->host, command});
    return ssh.waitForFinished(60000) && ssh.exitStatus() == QProcess::NormalExit && ssh.exitCode() == 0;
}

// One batch through the prober: every result by node name, in the order they came.
struct BatchResult
{
    QHash<QString, NodeHttpStatus> byNode;
    QStringList order;
    QHash<QString, qint64> arrivedMs; // since the batch started
    bool finished = false;
};

inline BatchResult runBatch(
    HttpProber &prober, const QList<NodeSpec> &nodes, const ProductPreset &preset, int waitMs = 20000)
{
    BatchResult result;
    QElapsedTimer clock;
    clock.start();
    QSignalSpy finished(&prober, &HttpProber::finished);
    auto connection
        = QObject::connect(&prober, &HttpProber::nodeProbed, &prober, [&](const NodeHttpStatus &status) {
              result.byNode.insert(status.nodeName, status);
              result.order.append(status.nodeName);
              result.arrivedMs.insert(status.nodeName, clock.elapsed());
          });
    prober.probeAll(nodes, preset);
    result.finished = finished.wait(waitMs);
    QObject::disconnect(connection);
    return result;
}
