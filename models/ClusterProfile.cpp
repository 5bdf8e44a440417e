#include "ClusterProfile.h"

#include <QRegularExpression>
#include <QSet>

namespace {

using Need = JsonReader::Need;

const QRegularExpression &nodeNamePattern()
{
    static const QRegularExpression pattern(QStringLiteral(R"(^[A-Za-z0-9][A-Za-z0-9._-]{0,62}\z)"));
    return pattern;
}

const QRegularExpression &secretNamePattern()
{
    static const QRegularExpression pattern(QStringLiteral(R"(^[A-Za-z0-9][A-Za-z0-9._/@-]{0,127}\z)"));
    return pattern;
}

const QRegularExpression &productPattern()
{
    static const QRegularExpression pattern(QStringLiteral(R"(^[a-z][a-z0-9-]{0,31}\z)"));
    return pattern;
}

// Keys whose string value would be a secret. Keys that only name or locate one
// ("tokenFile", "secretName") are not secrets themselves.
bool isSecretKey(const std::string &key)
{
    static const QRegularExpression secretWord(
        QStringLiteral(
            "password|passwd|secret|token|passphrase|apikey|api_key|privatekey|private_key|credential"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression locator(
        QStringLiteral("(name|file|path|rules|ref)\\z"), QRegularExpression::CaseInsensitiveOption);
    const QString name = QString::fromStdString(key);
    return secretWord.match(name).hasMatch() && !locator.match(name).hasMatch();
}

QString clearSecretReason()
{
    return ClusterProfile::tr("holds a secret in clear text; Clusterdesk keeps secrets only in the system "
                              "keychain. Store it with 'clusterdesk-cli secret set NAME' and write "
                              "{\"keychain\": \"NAME\"} here instead");
}

void findClearSecrets(const Json &value, const QString &path, ValidationIssues &issues)
{
    if (value.is_object()) {
        for (const auto &item : value.items()) {
            const QString childPath = path.isEmpty()
                ? QString::fromStdString(item.key())
                : path + QLatin1Char('.') + QString::fromStdString(item.key());
            if (item.value().is_primitive() && !item.value().is_null() && isSecretKey(item.key()))
                issues.append({childPath, clearSecretReason()});
            else
                findClearSecrets(item.value(), childPath, issues);
        }
    } else if (value.is_array()) {
        int index = 0;
        for (const Json &item : value)
            findClearSecrets(
                item, path + QLatin1Char('[') + QString::number(index++) + QLatin1Char(']'), issues);
    }
}

// A keychain reference at `path`. `keyIsSecret` says whether findClearSecrets already
// reports a string here, so the clear-text refusal is given exactly once.
SecretRef readSecretRefValue(
    const Json &value, const QString &path, bool keyIsSecret, ValidationIssues &issues)
{
    if (value.is_primitive() && !value.is_null()) {
        if (!keyIsSecret)
            issues.append({path, clearSecretReason()});
        return {};
    }
    JsonReader reader(value, path, issues, {"keychain"});
    if (!reader.isObject())
        return {};
    const std::optional<QString> name = reader.string("keychain", Need::Required);
    if (!name)
        return {};
    SecretRef ref {*name};
    if (ref.isNull())
        issues.append(
            {reader.pathOf("keychain"), ClusterProfile::tr("must name a keychain entry, not be empty")});
    else if (!ClusterProfile::isValidSecretName(ref.name))
        issues.append({reader.pathOf("keychain"),
            ClusterProfile::tr("\"%1\" is not a valid keychain entry name (letters, digits "
                               "and . _ / @ -, at most 128)")
                .arg(ref.name)});
    return ref;
}

SecretRef readSecretRef(const JsonReader &parent, const char *key, ValidationIssues &issues)
{
    const Json *value = parent.child(key);
    return value ? readSecretRefValue(*value, parent.pathOf(key), isSecretKey(key), issues) : SecretRef {};
}

std::optional<SshTarget> readSshTarget(const Json &value, const QString &path, ValidationIssues &issues)
{
    JsonReader reader(value, path, issues, {"host", "port", "user", "identity", "passphrase", "password"});
    if (!reader.isObject())
        return std::nullopt;
    SshTarget ssh;
    ssh.host = reader.string("host", Need::Required).value_or(QString());
    ssh.port = reader.integer("port", Need::Optional, 1, 65535).value_or(22);
    ssh.user = reader.string("user", Need::Required).value_or(QString());
    ssh.identity = reader.string("identity", Need::Optional).value_or(QString());
    ssh.passphrase = readSecretRef(reader, "passphrase", issues);
    ssh.password = readSecretRef(reader, "password", issues);
    return ssh;
}

NodeSpec readNode(const Json &value, const QString &path, ValidationIssues &issues)
{
    NodeSpec node;
    JsonReader reader(value, path, issues, {"name", "url", "installDir", "ssh", "tlsCertificateSha256"});
    if (!reader.isObject())
        return node;
    node.name = reader.string("name", Need::Required).value_or(QString());
    if (const auto url = reader.string("url", Need::Required))
        node.url = QUrl(*url, QUrl::StrictMode);
    node.installDir = reader.string("installDir", Need::Optional).value_or(QString());
    if (const Json *ssh = reader.child("ssh"))
        node.ssh = readSshTarget(*ssh, reader.pathOf("ssh"), issues);
    if (const auto pin = reader.string("tlsCertificateSha256", Need::Optional)) {
        static const QRegularExpression sha256(QStringLiteral(R"(^[0-9A-Fa-f]{64}\z)"));
        if (sha256.match(*pin).hasMatch())
            node.tlsCertificateSha256 = pin->toLower();
        else
            reader.addIssue(reader.pathOf("tlsCertificateSha256"),
                ClusterProfile::tr("must be a SHA-256 fingerprint: 64 hexadecimal digits"));
    }
    return node;
}

DeploymentSpec readDeployment(const Json &value, const QString &path, ValidationIssues &issues)
{
    DeploymentSpec deployment;
    JsonReader reader(value, path, issues,
        {"kind", "knownHosts", "host", "projectDir", "service", "imageVariable", "apiServer", "context",
            "namespace", "deployment", "hpa", "caFile", "token"});
    if (!reader.isObject())
        return deployment;
    if (const auto kind = reader.string("kind", Need::Required)) {
        if (const auto parsed = ClusterProfile::deploymentKindFromName(*kind))
            deployment.kind = *parsed;
        else
            reader.addIssue(reader.pathOf("kind"),
                ClusterProfile::tr("\"%1\" is not a deployment kind (hosts, compose, kubernetes)")
                    .arg(*kind));
    }
    // Settings of another kind would be kept on load and dropped on save; refuse them.
    const auto refuseUnless = [&](DeploymentKind owner, std::initializer_list<const char *> keys) {
        if (deployment.kind == owner)
            return;
        for (const char *key : keys) {
            if (reader.has(key))
                reader.addIssue(reader.pathOf(key),
                    ClusterProfile::tr("only used by a %1 deployment, this one is %2")
                        .arg(ClusterProfile::deploymentKindName(owner),
                            ClusterProfile::deploymentKindName(deployment.kind)));
        }
    };
    refuseUnless(DeploymentKind::Compose, {"host", "projectDir", "service", "imageVariable"});
    refuseUnless(DeploymentKind::Kubernetes,
        {"apiServer", "context", "namespace", "deployment", "hpa", "caFile", "token"});
    deployment.knownHosts = reader.string("knownHosts", Need::Optional).value_or(QString());
    if (const Json *host = reader.child("host")) {
        if (auto ssh = readSshTarget(*host, reader.pathOf("host"), issues))
            deployment.compose.host = *ssh;
    }
    deployment.compose.projectDir = reader.string("projectDir", Need::Optional).value_or(QString());
    deployment.compose.service = reader.string("service", Need::Optional).value_or(QString());
    deployment.compose.imageVariable = reader.string("imageVariable", Need::Optional).value_or(QString());
    if (const auto api = reader.string("apiServer", Need::Optional))
        deployment.kubernetes.apiServer = QUrl(*api, QUrl::StrictMode);
    deployment.kubernetes.context = reader.string("context", Need::Optional).value_or(QString());
    deployment.kubernetes.ns = reader.string("namespace", Need::Optional).value_or(QString());
    deployment.kubernetes.deployment = reader.string("deployment", Need::Optional).value_or(QString());
    deployment.kubernetes.hpa = reader.string("hpa", Need::Optional).value_or(QString());
    deployment.kubernetes.caFile = reader.string("caFile", Need::Optional).value_or(QString());
    deployment.kubernetes.token = readSecretRef(reader, "token", issues);
    return deployment;
}

DatabaseSpec readDatabase(const Json &value, const QString &path, ValidationIssues &issues)
{
    DatabaseSpec database;
    JsonReader reader(value, path, issues, {"driver", "host", "port", "schema", "user", "password"});
    if (!reader.isObject())
        return database;
    database.driver = reader.string("driver", Need::Optional).value_or(database.driver);
    database.host = reader.string("host", Need::Required).value_or(QString());
    database.port = reader.integer("port", Need::Optional, 1, 65535).value_or(database.port);
    database.schema = reader.string("schema", Need::Required).value_or(QString());
    database.user = reader.string("user", Need::Required).value_or(QString());
    database.password = readSecretRef(reader, "password", issues);
    return database;
}

// Missing parts are left empty for validate() to name, so that a profile built in code
// is judged the same way and nothing is reported twice.
std::optional<BalancerSpec> readBalancer(const Json &value, const QString &path, ValidationIssues &issues)
{
    BalancerSpec balancer;
    JsonReader reader(value, path, issues, {"ssh", "configFile"});
    if (!reader.isObject())
        return std::nullopt;
    if (const Json *ssh = reader.child("ssh")) {
        if (auto target = readSshTarget(*ssh, reader.pathOf("ssh"), issues))
            balancer.ssh = *target;
    }
    balancer.configFile = reader.string("configFile", Need::Optional).value_or(QString());
    return balancer;
}

bool isHttpUrl(const QUrl &url)
{
    return url.isValid() && !url.isRelative() && !url.host().isEmpty()
        && (url.scheme() == u"http" || url.scheme() == u"https");
}

void validateSsh(const SshTarget &ssh, const QString &path, ValidationIssues &issues)
{
    if (ssh.host.trimmed().isEmpty() || ssh.host.contains(QLatin1Char(' ')))
        issues.append({path + u".host", ClusterProfile::tr("must be a host name or address")});
    if (ssh.user.trimmed().isEmpty())
        issues.append({path + u".user", ClusterProfile::tr("must not be empty")});
}

Json secretRefJson(const SecretRef &ref)
{
    return Json {{"keychain", ref.name.toStdString()}};
}

Json sshJson(const SshTarget &ssh)
{
    Json json {{"host", ssh.host.toStdString()}, {"port", ssh.port}, {"user", ssh.user.toStdString()}};
    if (!ssh.identity.isEmpty())
        json["identity"] = ssh.identity.toStdString();
    if (!ssh.passphrase.isNull())
        json["passphrase"] = secretRefJson(ssh.passphrase);
    if (!ssh.password.isNull())
        json["password"] = secretRefJson(ssh.password);
    return json;
}

void putIfSet(Json &json, const char *key, const QString &value)
{
    if (!value.isEmpty())
        json[key] = value.toStdString();
}

} // namespace

QString ClusterProfile::deploymentKindName(DeploymentKind kind)
{
    switch (kind) {
    case DeploymentKind::Hosts:
        return QStringLiteral("hosts");
    case DeploymentKind::Compose:
        return QStringLiteral("compose");
    case DeploymentKind::Kubernetes:
        return QStringLiteral("kubernetes");
    }
    return {};
}

std::optional<DeploymentKind> ClusterProfile::deploymentKindFromName(QStringView name)
{
    for (auto kind : {DeploymentKind::Hosts, DeploymentKind::Compose, DeploymentKind::Kubernetes}) {
        if (name == deploymentKindName(kind))
            return kind;
    }
    return std::nullopt;
}

bool ClusterProfile::isValidNodeName(const QString &name)
{
    return nodeNamePattern().match(name).hasMatch();
}

bool ClusterProfile::isValidSecretName(const QString &name)
{
    return secretNamePattern().match(name).hasMatch();
}

std::expected<ClusterProfile, ValidationIssues> ClusterProfile::fromJson(QByteArrayView text)
{
    ValidationIssues issues;
    const std::optional<Json> document = parseJsonText(text, issues);
    if (!document)
        return std::unexpected(issues);

    // A newer format is judged first and alone: its fields may mean things this
    // version does not know, so they are neither "unknown keys" nor errors.
    if (document->is_object() && document->contains("format") && document->at("format").is_number_integer()
        && document->at("format").get<long long>() > CurrentFormat) {
        return std::unexpected(ValidationIssues {{QStringLiteral("format"),
            tr("this profile was written by a newer Clusterdesk (format %1); this version reads "
               "format %2. Update Clusterdesk to open it")
                .arg(document->at("format").get<long long>())
                .arg(CurrentFormat)}});
    }

    findClearSecrets(*document, QString(), issues);

    JsonReader root(*document, QString(), issues,
        {"format", "name", "product", "deployment", "nodes", "database", "balancer", "sharedDataDir",
            "secrets", "presetOverrides"});
    if (!root.isObject())
        return std::unexpected(issues);

    if (const Json *format = root.child("format"); !format) {
        root.addIssue(QStringLiteral("format"),
            tr("missing; a Clusterdesk profile starts with \"format\": %1").arg(CurrentFormat));
    } else if (!format->is_number_integer() || format->get<long long>() < 1) {
        root.addIssue(QStringLiteral("format"), tr("must be a whole number from 1"));
    }

    ClusterProfile profile;
    profile.name = root.string("name", Need::Required).value_or(QString());
    profile.product = root.string("product", Need::Required).value_or(QString());
    if (const Json *deployment = root.child("deployment"))
        profile.deployment = readDeployment(*deployment, QStringLiteral("deployment"), issues);
    else
        root.addIssue(QStringLiteral("deployment"), tr("missing"));

    if (const Json *nodes = root.child("nodes")) {
        if (!nodes->is_array()) {
            root.addIssue(QStringLiteral("nodes"), tr("must be a list of nodes"));
        } else {
            int index = 0;
            for (const Json &node : *nodes)
                profile.nodes.append(readNode(node, root.pathOf("nodes", index++), issues));
        }
    }
    if (const Json *database = root.child("database"))
        profile.database = readDatabase(*database, QStringLiteral("database"), issues);
    if (const Json *balancer = root.child("balancer"))
        profile.balancer = readBalancer(*balancer, QStringLiteral("balancer"), issues);
    profile.sharedDataDir = root.string("sharedDataDir", Need::Optional).value_or(QString());

    if (const Json *secrets = root.child("secrets")) {
        if (!secrets->is_object()) {
            root.addIssue(QStringLiteral("secrets"), tr("must be an object of named keychain references"));
        } else {
            for (const auto &item : secrets->items()) {
                const QString path = QStringLiteral("secrets.") + QString::fromStdString(item.key());
                const SecretRef ref = readSecretRefValue(item.value(), path, isSecretKey(item.key()), issues);
                if (!ref.isNull())
                    profile.secrets.insert(QString::fromStdString(item.key()), ref);
            }
        }
    }
    if (const Json *overrides = root.child("presetOverrides")) {
        if (overrides->is_object())
            profile.presetOverrides = *overrides;
        else
            root.addIssue(QStringLiteral("presetOverrides"), tr("must be an object"));
    }

    issues.append(profile.validate());

    // The same place can be reported by two checks (a clear secret, say); say it once.
    ValidationIssues unique;
    for (const ValidationIssue &issue : std::as_const(issues)) {
        if (!unique.contains(issue))
            unique.append(issue);
    }
    if (!unique.isEmpty())
        return std::unexpected(unique);
    return profile;
}

ValidationIssues ClusterProfile::validate() const
{
    ValidationIssues issues;
    if (name.trimmed().isEmpty())
        issues.append({QStringLiteral("name"), tr("must not be empty")});
    else if (name.size() > 120)
        issues.append({QStringLiteral("name"), tr("is longer than 120 characters")});

    if (!product.isEmpty() && !productPattern().match(product).hasMatch())
        issues.append({QStringLiteral("product"),
            tr("\"%1\" is not a product name (lower-case letters, digits and -)").arg(product)});

    QSet<QString> names;
    QSet<QString> urls;
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        const NodeSpec &node = nodes.at(i);
        const QString path = QStringLiteral("nodes[%1]").arg(i);
        if (node.name.isEmpty()) {
            issues.append({path + u".name", tr("must not be empty")});
        } else if (node.name.contains(QRegularExpression(QStringLiteral("\\s")))) {
            issues.append({path + u".name", tr("contains whitespace")});
        } else if (!isValidNodeName(node.name)) {
            issues.append({path + u".name",
                tr("\"%1\" may hold only letters, digits and . _ - (at most 63, "
                   "starting with a letter or digit)")
                    .arg(node.name)});
        } else if (names.contains(node.name)) {
            issues.append({path + u".name", tr("\"%1\" is used by another node").arg(node.name)});
        }
        names.insert(node.name);

        if (!isHttpUrl(node.url)) {
            issues.append({path + u".url", tr("must be an absolute http:// or https:// URL")});
        } else {
            // "http://h:9000" and "http://h:9000/" are the same node.
            QUrl normal = node.url.adjusted(QUrl::NormalizePathSegments);
            if (!normal.path().endsWith(QLatin1Char('/')))
                normal.setPath(normal.path() + QLatin1Char('/'));
            const QString key = normal.toString(QUrl::FullyEncoded);
            if (urls.contains(key))
                issues.append({path + u".url", tr("is used by another node")});
            urls.insert(key);
        }
        if (node.ssh)
            validateSsh(*node.ssh, path + u".ssh", issues);
    }

    switch (deployment.kind) {
    case DeploymentKind::Hosts:
        if (nodes.isEmpty())
            issues.append({QStringLiteral("nodes"), tr("a cluster on hosts needs at least one node")});
        break;
    case DeploymentKind::Compose:
        validateSsh(deployment.compose.host, QStringLiteral("deployment.host"), issues);
        if (deployment.compose.projectDir.isEmpty())
            issues.append(
                {QStringLiteral("deployment.projectDir"), tr("missing: the Compose project folder")});
        if (deployment.compose.service.isEmpty())
            issues.append({QStringLiteral("deployment.service"), tr("missing: the Compose service name")});
        break;
    case DeploymentKind::Kubernetes:
        if (deployment.kubernetes.apiServer.scheme() != u"https"
            || deployment.kubernetes.apiServer.host().isEmpty())
            issues.append({QStringLiteral("deployment.apiServer"), tr("must be an https:// URL")});
        if (deployment.kubernetes.ns.isEmpty())
            issues.append({QStringLiteral("deployment.namespace"), tr("missing")});
        if (deployment.kubernetes.deployment.isEmpty())
            issues.append({QStringLiteral("deployment.deployment"), tr("missing: the Deployment's name")});
        break;
    }

    if (database) {
        if (database->driver != u"mariadb" && database->driver != u"mysql")
            issues.append({QStringLiteral("database.driver"),
                tr("\"%1\" is not supported (mariadb, mysql)").arg(database->driver)});
        if (database->host.trimmed().isEmpty())
            issues.append({QStringLiteral("database.host"), tr("must not be empty")});
        if (database->schema.trimmed().isEmpty())
            issues.append({QStringLiteral("database.schema"), tr("must not be empty")});
        if (database->user.trimmed().isEmpty())
            issues.append({QStringLiteral("database.user"), tr("must not be empty")});
    }

    if (balancer) {
        // No host and no user is no SSH target at all: one problem, not two.
        if (balancer->ssh.host.isEmpty() && balancer->ssh.user.isEmpty())
            issues.append({QStringLiteral("balancer.ssh"),
                tr("missing: how to reach the load balancer over SSH (host, port, user, identity)")});
        else
            validateSsh(balancer->ssh, QStringLiteral("balancer.ssh"), issues);
        // A path on another machine: relative to which folder would be a guess.
        if (balancer->configFile.isEmpty())
            issues.append({QStringLiteral("balancer.configFile"),
                tr("missing: the balancer's configuration file (its BalancerMember lines)")});
        else if (!balancer->configFile.startsWith(QLatin1Char('/')))
            issues.append({QStringLiteral("balancer.configFile"),
                tr("must be an absolute path on the load balancer's host, such as "
                   "/etc/apache2/conf-enabled/balancer.conf")});
    }
    return issues;
}

QList<SecretUse> ClusterProfile::secretUses() const
{
    QList<SecretUse> uses;
    auto add = [&uses](const QString &path, const SecretRef &ref) {
        if (!ref.isNull())
            uses.append({path, ref});
    };
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        if (nodes[i].ssh) {
            add(QStringLiteral("nodes[%1].ssh.passphrase").arg(i), nodes[i].ssh->passphrase);
            add(QStringLiteral("nodes[%1].ssh.password").arg(i), nodes[i].ssh->password);
        }
    }
    add(QStringLiteral("deployment.host.passphrase"), deployment.compose.host.passphrase);
    add(QStringLiteral("deployment.host.password"), deployment.compose.host.password);
    add(QStringLiteral("deployment.token"), deployment.kubernetes.token);
    if (database)
        add(QStringLiteral("database.password"), database->password);
    if (balancer) {
        add(QStringLiteral("balancer.ssh.passphrase"), balancer->ssh.passphrase);
        add(QStringLiteral("balancer.ssh.password"), balancer->ssh.password);
    }
    for (auto it = secrets.cbegin(); it != secrets.cend(); ++it)
        add(QStringLiteral("secrets.") + it.key(), it.value());
    return uses;
}

QByteArray ClusterProfile::toJson() const
{
    Json json;
    json["format"] = CurrentFormat;
    json["name"] = name.toStdString();
    json["product"] = product.toStdString();

    Json dep {{"kind", deploymentKindName(deployment.kind).toStdString()}};
    putIfSet(dep, "knownHosts", deployment.knownHosts);
    if (deployment.kind == DeploymentKind::Compose) {
        dep["host"] = sshJson(deployment.compose.host);
        putIfSet(dep, "projectDir", deployment.compose.projectDir);
        putIfSet(dep, "service", deployment.compose.service);
        putIfSet(dep, "imageVariable", deployment.compose.imageVariable);
    } else if (deployment.kind == DeploymentKind::Kubernetes) {
        const KubernetesSettings &k8s = deployment.kubernetes;
        putIfSet(dep, "apiServer", k8s.apiServer.toString(QUrl::FullyEncoded));
        putIfSet(dep, "context", k8s.context);
        putIfSet(dep, "namespace", k8s.ns);
        putIfSet(dep, "deployment", k8s.deployment);
        putIfSet(dep, "hpa", k8s.hpa);
        putIfSet(dep, "caFile", k8s.caFile);
        if (!k8s.token.isNull())
            dep["token"] = secretRefJson(k8s.token);
    }
    json["deployment"] = dep;

    Json nodeList = Json::array();
    for (const NodeSpec &node : nodes) {
        Json item {
            {"name", node.name.toStdString()}, {"url", node.url.toString(QUrl::FullyEncoded).toStdString()}};
        putIfSet(item, "installDir", node.installDir);
        if (node.ssh)
            item["ssh"] = sshJson(*node.ssh);
        putIfSet(item, "tlsCertificateSha256", node.tlsCertificateSha256);
        nodeList.push_back(std::move(item));
    }
    json["nodes"] = std::move(nodeList);

    if (database) {
        Json db {{"driver", database->driver.toStdString()}, {"host", database->host.toStdString()},
            {"port", database->port}, {"schema", database->schema.toStdString()},
            {"user", database->user.toStdString()}};
        if (!database->password.isNull())
            db["password"] = secretRefJson(database->password);
        json["database"] = std::move(db);
    }
    if (balancer)
        json["balancer"]
            = Json {{"ssh", sshJson(balancer->ssh)}, {"configFile", balancer->configFile.toStdString()}};
    putIfSet(json, "sharedDataDir", sharedDataDir);
    if (!secrets.isEmpty()) {
        Json refs = Json::object();
        for (auto it = secrets.cbegin(); it != secrets.cend(); ++it)
            refs[it.key().toStdString()] = secretRefJson(it.value());
        json["secrets"] = std::move(refs);
    }
    if (presetOverrides.is_object() && !presetOverrides.empty())
        json["presetOverrides"] = presetOverrides;

    return QByteArray::fromStdString(json.dump(4)) + '\n';
}
