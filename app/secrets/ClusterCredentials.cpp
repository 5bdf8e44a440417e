#include "ClusterCredentials.h"

#include "ProfileSecrets.h"

ClusterCredentials ClusterCredentials::from(const ClusterProfile &profile, const ProfileSecrets &keychain)
{
    ClusterCredentials c;
    if (profile.database)
        c.databasePassword = keychain.entry(profile.database->password.name);
    for (const NodeSpec &node : profile.nodes) {
        if (node.ssh)
            c.ssh.insert(node.name,
                SshCredentials {
                    keychain.entry(node.ssh->passphrase.name), keychain.entry(node.ssh->password.name)});
    }
    if (profile.deployment.kind == DeploymentKind::Compose) {
        const SshTarget &host = profile.deployment.compose.host;
        c.composeHost
            = SshCredentials {keychain.entry(host.passphrase.name), keychain.entry(host.password.name)};
    }
    if (profile.deployment.kind == DeploymentKind::Kubernetes)
        c.kubeToken = keychain.entry(profile.deployment.kubernetes.token.name);
    c.all = keychain.values();
    for (const SecretUse &use : profile.secretUses()) {
        const QByteArray value = keychain.entry(use.ref.name);
        if (!value.isEmpty())
            c.named.append({use.path, value});
    }
    return c;
}
