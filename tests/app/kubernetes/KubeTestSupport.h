#pragma once

#include "ClusterProfile.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"

#include <QFile>
#include <QProcess>
#include <QString>

#include <optional>

// The Kubernetes sandbox the test's CTest fixture brought up (CLUSTERDESK_SANDBOX_DIR):
// its profile, read by the application's own code, and its token, from DIR/secrets.env
// ("NAME=value" lines; the fixture runs without a keychain).
struct KubeSandbox
{
    QString dir;
    LoadedProfile loaded;
    KubernetesSettings settings; // caFile made absolute
    QByteArray token;
};

inline std::optional<KubeSandbox> loadKubeSandbox(QString *problem)
{
    KubeSandbox sandbox;
    sandbox.dir = qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR");
    if (sandbox.dir.isEmpty()) {
        *problem = QStringLiteral("CLUSTERDESK_SANDBOX_DIR is not set: run through ctest");
        return std::nullopt;
    }
    auto loaded = ProfileFile::load(sandbox.dir + QStringLiteral("/profile.json"), PresetRegistry::builtIn());
    if (!loaded) {
        *problem = QStringLiteral("the sandbox profile does not load: ") + formatIssues(loaded.error());
        return std::nullopt;
    }
    sandbox.loaded = *loaded;
    sandbox.settings = loaded->profile.deployment.kubernetes;
    sandbox.settings.caFile = ProfileFile::resolvePath(loaded->path, sandbox.settings.caFile);
    QFile secrets(sandbox.dir + QStringLiteral("/secrets.env"));
    if (!secrets.open(QIODevice::ReadOnly)) {
        *problem = QStringLiteral("no secrets.env in the sandbox");
        return std::nullopt;
    }
    const QByteArray key = sandbox.settings.token.name.toUtf8() + '=';
    for (const QByteArray &line : secrets.readAll().split('\n')) {
        if (line.startsWith(key))
            sandbox.token = line.mid(key.size()).trimmed();
    }
    if (sandbox.token.isEmpty()) {
        *problem = QStringLiteral("secrets.env has no ") + sandbox.settings.token.name;
        return std::nullopt;
    }
    return sandbox;
}

// Runs `clusterdesk-sandbox fault --dir DIR --node NODE ARGS...`; true when it exited 0.
inline bool kubeSandboxFault(const QString &node, const QStringList &args)
{
    QProcess tool;
    tool.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    // The fixture's subnet (127.S.x.y), as the sandbox was brought up with.
    const QString dir = qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR");
    const auto loaded = ProfileFile::load(dir + QStringLiteral("/profile.json"), PresetRegistry::builtIn());
    if (loaded && !loaded->profile.nodes.isEmpty()) {
        const QStringList octets = loaded->profile.nodes.first().url.host().split(QLatin1Char('.'));
        if (octets.size() == 4) {
            QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
            environment.insert(QStringLiteral("CLUSTERDESK_SANDBOX_SUBNET"), octets.at(1));
            tool.setProcessEnvironment(environment);
        }
    }
    tool.start(qEnvironmentVariable("CLUSTERDESK_SANDBOX"),
        QStringList {QStringLiteral("fault"), QStringLiteral("--dir"),
            qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR"), QStringLiteral("--node"), node}
            + args);
    return tool.waitForFinished(30000) && tool.exitStatus() == QProcess::NormalExit && tool.exitCode() == 0;
}

// In a test function: loads the sandbox into `name`, or fails the test saying why.
#define LOAD_SANDBOX(name)                                                                                   \
    QString problem;                                                                                         \
    const auto name = loadKubeSandbox(&problem);                                                             \
    if (!name)                                                                                               \
        QFAIL(qPrintable(problem));
