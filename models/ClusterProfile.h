#pragma once

#include "JsonReader.h"
#include "ValidationIssue.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QMap>
#include <QString>
#include <QUrl>

#include <expected>
#include <optional>

// A reference to a value kept in the OS keychain. Profiles hold only these names,
// never the values: in JSON `{"keychain": "demo/db-password"}`.
struct SecretRef
{
    QString name;

    bool isNull() const { return name.isEmpty(); }
    friend bool operator==(const SecretRef &, const SecretRef &) = default;
};

struct SshTarget
{
    QString host;
    int port = 22;
    QString user;
    QString identity; // private key file; empty means ssh-agent or password
    SecretRef passphrase;
    SecretRef password;

    friend bool operator==(const SshTarget &, const SshTarget &) = default;
};

struct NodeSpec
{
    QString name;
    QUrl url; // the node's base URL, where the preset's paths are resolved
    QString installDir; // empty: the preset's default
    std::optional<SshTarget> ssh;
    // Pinned SHA-256 of the node's TLS certificate (64 lowercase hex digits), or empty.
    // A self-signed or otherwise untrusted certificate is accepted only when it matches.
    QString tlsCertificateSha256 {}; // initialised, so brace-initialised NodeSpecs may leave it out

    friend bool operator==(const NodeSpec &, const NodeSpec &) = default;
};

enum class DeploymentKind
{
    Hosts,
    Compose,
    Kubernetes
};

struct ComposeSettings
{
    SshTarget host;
    QString projectDir;
    QString service;
    QString imageVariable; // the .env key that holds the service's image; empty: none

    friend bool operator==(const ComposeSettings &, const ComposeSettings &) = default;
};

struct KubernetesSettings
{
    QUrl apiServer;
    QString context;
    QString ns;
    QString deployment;
    QString hpa;
    QString caFile;
    SecretRef token;

    friend bool operator==(const KubernetesSettings &, const KubernetesSettings &) = default;
};

struct DeploymentSpec
{
    DeploymentKind kind = DeploymentKind::Hosts;
    QString knownHosts; // empty: the user's OpenSSH known_hosts
    ComposeSettings compose;
    KubernetesSettings kubernetes;

    friend bool operator==(const DeploymentSpec &, const DeploymentSpec &) = default;
};

struct DatabaseSpec
{
    QString driver = QStringLiteral("mariadb");
    QString host;
    int port = 3306;
    QString schema;
    QString user;
    SecretRef password;

    friend bool operator==(const DatabaseSpec &, const DatabaseSpec &) = default;
};

// The load balancer in front of the nodes, when its configuration may be read: the
// Apache httpd file holding the BalancerMember lines, on a host reached over SSH. Its
// route= values are compared with the nodes' Tomcat jvmRoute (sticky sessions).
struct BalancerSpec
{
    SshTarget ssh;
    QString configFile; // absolute path on that host

    friend bool operator==(const BalancerSpec &, const BalancerSpec &) = default;
};

// Where a secret reference sits in a profile, for listing and checking them.
struct SecretUse
{
    QString path;
    SecretRef ref;
};

// The document a user opens: one cluster, as a versioned JSON file ("format": 1).
// Parsing checks the whole document and names every problem by its JSON path; a
// secret written in clear text anywhere is refused. This class does no file I/O.
class ClusterProfile
{
    Q_DECLARE_TR_FUNCTIONS(ClusterProfile)

public:
    static constexpr int CurrentFormat = 1;

    QString name;
    QString product;
    DeploymentSpec deployment;
    QList<NodeSpec> nodes;
    std::optional<DatabaseSpec> database;
    std::optional<BalancerSpec> balancer;
    QString sharedDataDir;
    QMap<QString, SecretRef> secrets; // named application secrets, e.g. "appSecret"
    Json presetOverrides = Json::object(); // merged onto the product preset (RFC 7386)

    static std::expected<ClusterProfile, ValidationIssues> fromJson(QByteArrayView text);
    QByteArray toJson() const;

    // Rules that hold whatever the product: names, URLs, ports, references.
    ValidationIssues validate() const;

    QList<SecretUse> secretUses() const;

    static QString deploymentKindName(DeploymentKind kind);
    static std::optional<DeploymentKind> deploymentKindFromName(QStringView name);
    static bool isValidNodeName(const QString &name);
    static bool isValidSecretName(const QString &name);

    friend bool operator==(const ClusterProfile &, const ClusterProfile &) = default;
};
