#include "ProfileDraft.h"

#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"

#include <QHostAddress>
#include <QRegularExpression>
#include <QUrl>

namespace {

// "appSecret" -> "app-secret", the last part of a keychain entry name.
QString kebab(const QString &identifier)
{
    QString out;
    for (const QChar c : identifier) {
        if (c.isUpper() && !out.isEmpty())
            out += QLatin1Char('-');
        out += c.toLower();
    }
    return out;
}

// The field a validation path belongs to, in the dialog's words.
QString fieldLabel(const QString &path, const QList<int> &lineOfNode)
{
    static const QRegularExpression nodePath(QStringLiteral(R"(^nodes\[(\d+)\]\.(.*)$)"));
    if (const auto match = nodePath.match(path); match.hasMatch()) {
        if (match.captured(2) == u"ssh.user")
            return ProfileDraft::tr("SSH user");
        const int index = match.captured(1).toInt();
        const int line = index < lineOfNode.size() ? lineOfNode.at(index) : index + 1;
        return ProfileDraft::tr("Nodes, line %1").arg(line);
    }
    if (path == u"name")
        return ProfileDraft::tr("Cluster name");
    if (path == u"product")
        return ProfileDraft::tr("Product");
    if (path == u"nodes")
        return ProfileDraft::tr("Nodes");
    if (path == u"database.host")
        return ProfileDraft::tr("Database host");
    if (path == u"database.schema")
        return ProfileDraft::tr("Database schema");
    if (path == u"database.user")
        return ProfileDraft::tr("Database user");
    return path;
}

} // namespace

QString ProfileDraft::slug(const QString &clusterName)
{
    QString out;
    for (const QChar c : clusterName.toLower()) {
        const bool plain = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9');
        if (plain)
            out += c;
        else if (!out.isEmpty() && !out.endsWith(QLatin1Char('-')))
            out += QLatin1Char('-');
    }
    out = out.left(60);
    while (out.endsWith(QLatin1Char('-')))
        out.chop(1);
    return out.isEmpty() ? QStringLiteral("cluster") : out;
}

QStringList ProfileDraft::nodeNames(const QStringList &hosts)
{
    const auto firstLabel = [](const QString &host) { return host.section(QLatin1Char('.'), 0, 0); };
    QStringList names;
    for (qsizetype i = 0; i < hosts.size(); ++i) {
        const QString &host = hosts.at(i);
        const QString label = firstLabel(host);
        const bool repeated = std::count_if(hosts.cbegin(), hosts.cend(), [&](const QString &other) {
            return firstLabel(other) == label;
        }) > 1;
        QString name = repeated ? host : label;
        if (!QHostAddress(host).isNull() || !ClusterProfile::isValidNodeName(name))
            name = QStringLiteral("node-%1").arg(i + 1);
        names << name;
    }
    return names;
}

QString ProfileDraft::hostProblem(const QString &host)
{
    if (host.contains(QRegularExpression(QStringLiteral("[\\s/@]")))
        || (host.contains(QLatin1Char(':')) && QHostAddress(host).isNull()))
        return tr("\"%1\" is not a host name or address; enter only the host, such as "
                  "jatos-1.example.org")
            .arg(host);
    QUrl url;
    url.setHost(host, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return tr("\"%1\" is not a host name or address").arg(host);
    return {};
}

QList<ProfileDraft::HostLine> ProfileDraft::hostLines() const
{
    QList<HostLine> lines;
    const QStringList raw = hosts.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const QString host = raw.at(i).trimmed();
        if (!host.isEmpty())
            lines.append({static_cast<int>(i + 1), host});
    }
    return lines;
}

QStringList ProfileDraft::secretNames(const PresetRegistry &presets) const
{
    const QString prefix = slug(name) + QLatin1Char('/');
    QStringList names;
    if (withDatabase)
        names << prefix + QStringLiteral("db-password");
    ClusterProfile probe;
    probe.product = product;
    if (const auto preset = presets.presetFor(probe)) {
        for (const SecretRule &rule : preset->secretRules) {
            if (!rule.optional)
                names << prefix + kebab(rule.name);
        }
    }
    return names;
}

std::expected<ClusterProfile, ValidationIssues> ProfileDraft::build(const PresetRegistry &presets) const
{
    ClusterProfile profile;
    profile.name = name.trimmed();
    profile.product = product;
    profile.deployment.kind = kind;

    const auto preset = presets.presetFor(profile);
    if (!preset)
        return std::unexpected(ValidationIssues {{tr("Product"), formatIssues(preset.error())}});

    // Lines that are not hosts are reported as such, not as the bad names and URLs
    // they would turn into.
    ValidationIssues hostIssues;
    QStringList goodHosts;
    QList<int> lineOfNode;
    for (const HostLine &line : hostLines()) {
        if (const QString problem = hostProblem(line.host); !problem.isEmpty()) {
            hostIssues.append({tr("Nodes, line %1").arg(line.line), problem});
        } else {
            goodHosts << line.host;
            lineOfNode << line.line;
        }
    }
    const QStringList names = nodeNames(goodHosts);
    for (qsizetype i = 0; i < goodHosts.size(); ++i) {
        NodeSpec node;
        node.name = names.at(i);
        node.url.setScheme(preset->scheme);
        node.url.setHost(goodHosts.at(i));
        node.url.setPort(preset->httpPort);
        node.url.setPath(preset->basePath);
        SshTarget ssh;
        ssh.host = goodHosts.at(i);
        ssh.user = sshUser.trimmed();
        node.ssh = ssh;
        profile.nodes.append(node);
    }

    const QString prefix = slug(profile.name) + QLatin1Char('/');
    if (withDatabase) {
        DatabaseSpec database;
        database.host = databaseHost.trimmed();
        database.port = databasePort;
        database.schema = databaseSchema.trimmed();
        database.user = databaseUser.trimmed();
        database.password = SecretRef {prefix + QStringLiteral("db-password")};
        profile.database = database;
    }
    for (const SecretRule &rule : preset->secretRules) {
        if (!rule.optional)
            profile.secrets.insert(rule.name, SecretRef {prefix + kebab(rule.name)});
    }

    // Keep the dialog's order: name and product first, then the node lines, then the rest.
    ValidationIssues issues;
    ValidationIssues later;
    for (const ValidationIssue &issue : profile.validate()) {
        if (issue.path == u"nodes" && !hostIssues.isEmpty())
            continue; // "needs at least one node" says less than the bad lines do
        const bool header = issue.path == u"name" || issue.path == u"product";
        (header ? issues : later).append({fieldLabel(issue.path, lineOfNode), issue.reason});
    }
    issues << hostIssues << later;
    if (!issues.isEmpty())
        return std::unexpected(issues);

    if (const auto checked = ProfileFile::check(profile, presets); !checked)
        return std::unexpected(checked.error());
    return profile;
}
