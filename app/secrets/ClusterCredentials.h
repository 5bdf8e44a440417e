#pragma once

#include "ClusterProfile.h"
#include "connectors/ssh/SshTypes.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

class ProfileSecrets;

// The keychain values a long piece of work on a cluster needs (an upgrade, a
// diagnostics bundle), read by the caller on its own thread and handed to the worker
// thread as plain values. Never logged, never written.
struct ClusterCredentials
{
    QByteArray databasePassword;
    QHash<QString, SshCredentials> ssh; // by node name
    SshCredentials composeHost; // Compose: the host that runs `docker compose`
    QByteArray kubeToken; // Kubernetes: the bearer token
    QList<QByteArray> all; // every value, kept out of journals, logs and bundles
    // Every value with the profile path that names it ("database.password",
    // "secrets.appSecret", "nodes[0].ssh.password"), for redaction markers.
    QList<std::pair<QString, QByteArray>> named;

    // Sorted out of what ProfileSecrets read for the profile.
    static ClusterCredentials from(const ClusterProfile &profile, const ProfileSecrets &keychain);
};
