#include "ProductPreset.h"

#include <QRegularExpression>

namespace {

using Need = JsonReader::Need;

const QRegularExpression &placeholderPattern()
{
    static const QRegularExpression pattern(QStringLiteral(R"(\{([A-Za-z]+)\})"));
    return pattern;
}

void checkPlaceholders(const JsonReader &reader, const char *key, const QString &value)
{
    auto it = placeholderPattern().globalMatch(value);
    while (it.hasNext()) {
        const QString name = it.next().captured(1);
        if (!ProductPreset::placeholders().contains(name))
            reader.addIssue(reader.pathOf(key),
                ProductPreset::tr("unknown placeholder {%1} (known: %2)")
                    .arg(name, ProductPreset::placeholders().join(QStringLiteral(", "))));
    }
}

QString templateString(const JsonReader &reader, const char *key, Need need)
{
    const QString value = reader.string(key, need).value_or(QString());
    checkPlaceholders(reader, key, value);
    return value;
}

QString relativePath(const JsonReader &reader, const char *key, Need need)
{
    const QString value = reader.string(key, need).value_or(QString());
    if (value.startsWith(QLatin1Char('/')) || value.contains(QStringLiteral("://")))
        reader.addIssue(reader.pathOf(key),
            ProductPreset::tr("must be a path relative to the node's base URL "
                              "(no leading / and no scheme)"));
    return value;
}

void checkPattern(const JsonReader &reader, const char *key, const QString &pattern)
{
    const QRegularExpression regex(pattern);
    if (!regex.isValid())
        reader.addIssue(reader.pathOf(key),
            ProductPreset::tr("is not a valid regular expression: %1").arg(regex.errorString()));
    else if (regex.captureCount() != 1)
        reader.addIssue(reader.pathOf(key),
            ProductPreset::tr("must have exactly one capture group, which "
                              "holds the version"));
}

HealthCheck readHealth(const Json &value, const QString &path, ValidationIssues &issues)
{
    HealthCheck health;
    JsonReader reader(value, path, issues, {"path", "expectStatus", "expectBody", "expectJsonKey"});
    health.path = relativePath(reader, "path", Need::Required);
    health.expectStatus = reader.integer("expectStatus", Need::Optional, 100, 599).value_or(200);
    health.expectBody = reader.string("expectBody", Need::Optional).value_or(QString());
    health.expectJsonKey = reader.string("expectJsonKey", Need::Optional).value_or(QString());
    return health;
}

VersionProbe readVersion(const Json &value, const QString &path, ValidationIssues &issues)
{
    VersionProbe probe;
    JsonReader reader(value, path, issues, {"source", "path", "pattern", "jsonKey"});
    const QString source = reader.string("source", Need::Required).value_or(QString());
    if (source == u"none") {
        probe.source = VersionProbe::Source::None;
    } else if (source == u"http-body") {
        probe.source = VersionProbe::Source::HttpBody;
        probe.path = relativePath(reader, "path", Need::Required);
        probe.pattern = reader.string("pattern", Need::Required).value_or(QString());
        checkPattern(reader, "pattern", probe.pattern);
    } else if (source == u"http-json") {
        probe.source = VersionProbe::Source::HttpJson;
        probe.path = relativePath(reader, "path", Need::Required);
        probe.jsonKey = reader.string("jsonKey", Need::Required).value_or(QString());
    } else if (source == u"file") {
        probe.source = VersionProbe::Source::File;
        probe.path = templateString(reader, "path", Need::Required);
        probe.pattern = reader.string("pattern", Need::Required).value_or(QString());
        checkPattern(reader, "pattern", probe.pattern);
    } else if (!source.isEmpty()) {
        reader.addIssue(reader.pathOf("source"),
            ProductPreset::tr("\"%1\" is not a version source (none, http-body, http-json, file)")
                .arg(source));
    }
    return probe;
}

SchemaProbe readSchema(const Json &value, const QString &path, ValidationIssues &issues)
{
    SchemaProbe schema;
    JsonReader reader(value, path, issues, {"kind", "query", "evolutionVersions"});
    const QString kind = reader.string("kind", Need::Required).value_or(QString());
    if (kind == u"none") {
        schema.kind = SchemaProbe::Kind::None;
        return schema;
    }
    if (kind == u"evolutions")
        schema.kind = SchemaProbe::Kind::Evolutions;
    else if (kind == u"upgrade-log")
        schema.kind = SchemaProbe::Kind::UpgradeLog;
    else if (!kind.isEmpty())
        reader.addIssue(reader.pathOf("kind"),
            ProductPreset::tr("\"%1\" is not a schema kind (none, evolutions, upgrade-log)").arg(kind));

    schema.query = reader.string("query", Need::Required).value_or(QString());
    if (!schema.query.isEmpty()
        && !schema.query.trimmed().startsWith(QStringLiteral("SELECT"), Qt::CaseInsensitive))
        reader.addIssue(reader.pathOf("query"), ProductPreset::tr("must be a SELECT statement"));

    if (schema.kind != SchemaProbe::Kind::Evolutions)
        return schema;
    const Json *map = reader.child("evolutionVersions");
    if (!map || !map->is_object() || map->empty()) {
        reader.addIssue(reader.pathOf("evolutionVersions"),
            ProductPreset::tr("must map evolution ids to the first version that shipped them"));
        return schema;
    }
    for (const auto &item : map->items()) {
        const QString entryPath
            = reader.pathOf("evolutionVersions") + QLatin1Char('.') + QString::fromStdString(item.key());
        bool isNumber = false;
        const QString key = QString::fromStdString(item.key());
        const int id = key.toInt(&isNumber);
        // "019" or " 19" would silently replace the mapping of 19.
        isNumber = isNumber && key == QString::number(id);
        const Version version = item.value().is_string()
            ? Version::parse(QString::fromStdString(item.value().get<std::string>()))
            : Version();
        if (!isNumber || id < 0)
            issues.append({entryPath, ProductPreset::tr("the key must be an evolution id (a whole number)")});
        else if (schema.evolutionVersions.contains(id))
            issues.append({entryPath, ProductPreset::tr("evolution %1 is mapped twice").arg(id)});
        else if (!version.isKnown())
            issues.append({entryPath, ProductPreset::tr("must be a version such as \"3.9.1\"")});
        else
            schema.evolutionVersions.insert(id, version.text());
    }
    // A later evolution must never map to an earlier version.
    Version previous;
    for (auto it = schema.evolutionVersions.cbegin(); it != schema.evolutionVersions.cend(); ++it) {
        const Version current = Version::parse(it.value());
        if (previous.isKnown() && current < previous)
            issues.append({reader.pathOf("evolutionVersions") + QLatin1Char('.') + QString::number(it.key()),
                ProductPreset::tr("maps to %1, older than an earlier evolution's %2")
                    .arg(it.value(), previous.text())});
        previous = current;
    }
    return schema;
}

} // namespace

const QStringList &ProductPreset::placeholders()
{
    static const QStringList names {QStringLiteral("installDir"), QStringLiteral("dataDir"),
        QStringLiteral("sharedDataDir"), QStringLiteral("nodeName"), QStringLiteral("package"),
        QStringLiteral("version")};
    return names;
}

QString ProductPreset::expand(const QString &templ, const QMap<QString, QString> &values)
{
    QString result;
    qsizetype last = 0;
    auto it = placeholderPattern().globalMatch(templ);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        result += QStringView(templ).mid(last, match.capturedStart() - last);
        const QString name = match.captured(1);
        result += values.contains(name) ? values.value(name) : match.captured(0);
        last = match.capturedEnd();
    }
    result += QStringView(templ).mid(last);
    return result;
}

std::expected<ProductPreset, ValidationIssues> ProductPreset::fromJson(QByteArrayView text)
{
    ValidationIssues issues;
    const std::optional<Json> document = parseJsonText(text, issues);
    if (!document)
        return std::unexpected(issues);
    return fromJson(*document);
}

std::expected<ProductPreset, ValidationIssues> ProductPreset::fromJson(const Json &document)
{
    ValidationIssues issues;
    JsonReader root(document, QString(), issues,
        {"format", "id", "displayName", "defaults", "health", "version", "schema", "commands", "logs",
            "configFiles", "secrets", "startup", "upgrade"});
    if (!root.isObject())
        return std::unexpected(issues);

    const int format = root.integer("format", Need::Required, 1, 1000).value_or(CurrentFormat);
    if (format > CurrentFormat)
        root.addIssue(QStringLiteral("format"),
            tr("preset format %1 is newer than this Clusterdesk reads (%2)").arg(format).arg(CurrentFormat));

    ProductPreset preset;
    preset.id = root.string("id", Need::Required).value_or(QString());
    if (!preset.id.isEmpty()
        && !QRegularExpression(QStringLiteral("^[a-z][a-z0-9-]{0,31}\\z")).match(preset.id).hasMatch())
        root.addIssue(QStringLiteral("id"), tr("must be lower-case letters, digits and -"));
    preset.displayName = root.string("displayName", Need::Required).value_or(QString());

    if (const Json *defaults = root.child("defaults")) {
        JsonReader reader(*defaults, QStringLiteral("defaults"), issues,
            {"scheme", "httpPort", "basePath", "installDir", "dataDir", "sshUser"});
        preset.scheme = reader.string("scheme", Need::Optional).value_or(preset.scheme);
        if (preset.scheme != u"http" && preset.scheme != u"https")
            reader.addIssue(reader.pathOf("scheme"), tr("must be http or https"));
        preset.httpPort = reader.integer("httpPort", Need::Required, 1, 65535).value_or(preset.httpPort);
        preset.basePath = reader.string("basePath", Need::Optional).value_or(preset.basePath);
        if (!preset.basePath.startsWith(QLatin1Char('/')) || !preset.basePath.endsWith(QLatin1Char('/')))
            reader.addIssue(reader.pathOf("basePath"), tr("must start and end with /"));
        preset.installDir = templateString(reader, "installDir", Need::Optional);
        preset.dataDir = templateString(reader, "dataDir", Need::Optional);
        preset.sshUser = reader.string("sshUser", Need::Optional).value_or(QString());
    } else {
        root.addIssue(QStringLiteral("defaults"), tr("missing"));
    }

    if (const Json *health = root.child("health"))
        preset.health = readHealth(*health, QStringLiteral("health"), issues);
    else
        root.addIssue(QStringLiteral("health"), tr("missing"));
    if (const Json *version = root.child("version"))
        preset.version = readVersion(*version, QStringLiteral("version"), issues);
    else
        root.addIssue(QStringLiteral("version"), tr("missing"));
    if (const Json *schema = root.child("schema"))
        preset.schema = readSchema(*schema, QStringLiteral("schema"), issues);
    else
        root.addIssue(QStringLiteral("schema"), tr("missing"));

    if (const Json *commands = root.child("commands")) {
        JsonReader reader(
            *commands, QStringLiteral("commands"), issues, {"start", "stop", "running", "install"});
        preset.commands.start = templateString(reader, "start", Need::Optional);
        preset.commands.stop = templateString(reader, "stop", Need::Optional);
        preset.commands.running = templateString(reader, "running", Need::Optional);
        preset.commands.install = templateString(reader, "install", Need::Optional);
    }
    preset.logFiles = root.stringList("logs", Need::Optional).value_or(QStringList());
    preset.configFiles = root.stringList("configFiles", Need::Optional).value_or(QStringList());
    for (qsizetype i = 0; i < preset.logFiles.size(); ++i)
        checkPlaceholders(root, qPrintable(QStringLiteral("logs[%1]").arg(i)), preset.logFiles[i]);
    for (qsizetype i = 0; i < preset.configFiles.size(); ++i)
        checkPlaceholders(root, qPrintable(QStringLiteral("configFiles[%1]").arg(i)), preset.configFiles[i]);

    if (const Json *secrets = root.child("secrets")) {
        if (!secrets->is_object()) {
            root.addIssue(QStringLiteral("secrets"), tr("must be an object of secret rules"));
        } else {
            for (const auto &item : secrets->items()) {
                const QString path = QStringLiteral("secrets.") + QString::fromStdString(item.key());
                JsonReader reader(item.value(), path, issues, {"minLength", "description", "optional"});
                SecretRule rule;
                rule.name = QString::fromStdString(item.key());
                rule.minLength = reader.integer("minLength", Need::Optional, 0, 4096).value_or(0);
                rule.description = reader.string("description", Need::Optional).value_or(QString());
                rule.optional = reader.boolean("optional", Need::Optional).value_or(false);
                preset.secretRules.append(rule);
            }
        }
    }
    if (const Json *startup = root.child("startup")) {
        JsonReader reader(*startup, QStringLiteral("startup"), issues, {"warmupSeconds", "oneAtATime"});
        preset.warmupSeconds
            = reader.integer("warmupSeconds", Need::Optional, 0, 3600).value_or(preset.warmupSeconds);
        preset.startOneAtATime
            = reader.boolean("oneAtATime", Need::Optional).value_or(preset.startOneAtATime);
    }
    if (const Json *upgrade = root.child("upgrade")) {
        JsonReader reader(*upgrade, QStringLiteral("upgrade"), issues, {"rolling"});
        preset.rollingUpgrade = reader.boolean("rolling", Need::Optional).value_or(preset.rollingUpgrade);
    }

    if (!issues.isEmpty())
        return std::unexpected(issues);
    return preset;
}

std::expected<ProductPreset, ValidationIssues> ProductPreset::withOverrides(
    const Json &document, const Json &overrides)
{
    if (!overrides.is_object() || overrides.empty())
        return fromJson(document);
    // Problems of the preset itself are not the profile's; name them as they are.
    if (auto base = fromJson(document); !base)
        return base;
    Json merged = document;
    merged.merge_patch(overrides);
    auto result = fromJson(merged);
    if (result)
        return result;
    ValidationIssues issues = result.error();
    for (ValidationIssue &issue : issues)
        issue.path = issue.path.isEmpty() ? QStringLiteral("presetOverrides")
                                          : QStringLiteral("presetOverrides.") + issue.path;
    return std::unexpected(issues);
}

Version ProductPreset::versionForEvolution(int evolutionId) const
{
    auto it = schema.evolutionVersions.upperBound(evolutionId);
    if (it == schema.evolutionVersions.cbegin())
        return Version();
    --it;
    return Version::parse(it.value());
}
