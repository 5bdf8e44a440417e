#include "ConfigFields.h"

#include "ClusterProfile.h"
#include "formats/HoconDocument.h"
#include "formats/OpenSpecimenClusterJson.h"
#include "formats/PropertiesDocument.h"
#include "formats/TomcatServerXml.h"

#include <QUrl>

namespace {

using Kind = ConfigField::Kind;
using Scope = ConfigField::Scope;

ConfigField field(QString id, QString label, ConfigFileRole role, QString key, Kind kind,
    Scope scope = Scope::Cluster, QString secretName = {})
{
    const bool identity = id == QLatin1String("node.name") || id == QLatin1String("wflow.name");
    return ConfigField {
        std::move(id), std::move(label), role, std::move(key), scope, kind, std::move(secretName), identity};
}

QString joinedEmails(const QStringList &list)
{
    return list.join(QStringLiteral(", "));
}

QStringList splitEmails(const QString &text)
{
    QStringList out;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString trimmed = part.trimmed();
        if (!trimmed.isEmpty())
            out.append(trimmed);
    }
    return out;
}

std::expected<OpenSpecimenClusterJson, Error> clusterJson(const QByteArray &content, const QString &label)
{
    if (content.trimmed().isEmpty())
        return OpenSpecimenClusterJson {};
    auto parsed = OpenSpecimenClusterJson::parse(content);
    if (!parsed)
        return failure(
            ConfigFields::tr("%1 is not a valid cluster JSON: %2").arg(label, formatIssues(parsed.error())));
    return *parsed;
}

} // namespace

QList<ConfigField> ConfigFields::forProduct(const QString &product)
{
    if (product == QLatin1String("jatos")) {
        const auto conf = ConfigFileRole::JatosConf;
        return {
            field(QStringLiteral("jatos.multiNode"), tr("Multi-node mode"), conf,
                QStringLiteral("jatos.multiNode"), Kind::Bool),
            field(QStringLiteral("jatos.db.url"), tr("Database URL"), conf, QStringLiteral("jatos.db.url"),
                Kind::JdbcUrl),
            field(QStringLiteral("jatos.db.username"), tr("Database user"), conf,
                QStringLiteral("jatos.db.username"), Kind::Text),
            field(QStringLiteral("jatos.db.password"), tr("Database password"), conf,
                QStringLiteral("jatos.db.password"), Kind::Secret, Scope::Cluster,
                QStringLiteral("database.password")),
            field(QStringLiteral("jatos.secret"), tr("Application secret (JATOS_SECRET)"), conf,
                QStringLiteral("play.http.secret.key"), Kind::Secret, Scope::Cluster,
                QStringLiteral("appSecret")),
            field(QStringLiteral("jatos.http.port"), tr("HTTP port"), conf, QStringLiteral("jatos.http.port"),
                Kind::Port),
            field(QStringLiteral("jatos.studyAssetsRootPath"), tr("Study assets folder"), conf,
                QStringLiteral("jatos.studyAssetsRootPath"), Kind::Path),
            field(QStringLiteral("jatos.resultUploads.path"), tr("Result uploads folder"), conf,
                QStringLiteral("jatos.resultUploads.path"), Kind::Path),
            field(QStringLiteral("jatos.studyLogs.path"), tr("Study logs folder"), conf,
                QStringLiteral("jatos.studyLogs.path"), Kind::Path),
            field(QStringLiteral("jatos.tmpPath"), tr("Temporary folder"), conf,
                QStringLiteral("jatos.tmpPath"), Kind::Path),
        };
    }
    if (product == QLatin1String("openspecimen")) {
        const auto props = ConfigFileRole::OpenSpecimenProperties;
        const auto json = ConfigFileRole::OpenSpecimenClusterJson;
        return {
            field(QStringLiteral("node.name"), tr("Node name"), props, QStringLiteral("node.name"),
                Kind::NodeName, Scope::Node),
            field(QStringLiteral("database.host"), tr("Database host"), props,
                QStringLiteral("database.host"), Kind::Text),
            field(QStringLiteral("database.port"), tr("Database port"), props,
                QStringLiteral("database.port"), Kind::Port),
            field(QStringLiteral("database.name"), tr("Database name"), props,
                QStringLiteral("database.name"), Kind::Text),
            field(QStringLiteral("database.username"), tr("Database user"), props,
                QStringLiteral("database.username"), Kind::Text),
            field(QStringLiteral("database.password"), tr("Database password"), props,
                QStringLiteral("database.password"), Kind::Secret, Scope::Cluster,
                QStringLiteral("database.password")),
            field(QStringLiteral("cluster.secret"), tr("Cluster secret"), json, QStringLiteral("secret"),
                Kind::Secret, Scope::Cluster, QStringLiteral("clusterSecret")),
            field(QStringLiteral("cluster.notifTimeout"), tr("Notification timeout (seconds)"), json,
                QStringLiteral("notifTimeout"), Kind::Seconds),
            field(QStringLiteral("cluster.notifErrorRcpts"), tr("Error notification recipients"), json,
                QStringLiteral("notifErrorRcpts"), Kind::EmailList),
            field(QStringLiteral("tomcat.jvmRoute"), tr("Tomcat jvmRoute"), ConfigFileRole::TomcatServerXml,
                QStringLiteral("jvmRoute"), Kind::NodeName, Scope::Node),
        };
    }
    if (product == QLatin1String("joget")) {
        const auto ds = ConfigFileRole::JogetDatasource;
        return {
            field(QStringLiteral("workflowDriver"), tr("JDBC driver class"), ds,
                QStringLiteral("workflowDriver"), Kind::Text),
            field(QStringLiteral("workflowUrl"), tr("Database URL"), ds, QStringLiteral("workflowUrl"),
                Kind::JdbcUrl),
            field(QStringLiteral("workflowUser"), tr("Database user"), ds, QStringLiteral("workflowUser"),
                Kind::Text),
            field(QStringLiteral("workflowPassword"), tr("Database password"), ds,
                QStringLiteral("workflowPassword"), Kind::Secret, Scope::Cluster,
                QStringLiteral("database.password")),
            field(QStringLiteral("wflow.name"), tr("Node name (wflow.name)"),
                ConfigFileRole::JogetCatalinaProperties, QStringLiteral("wflow.name"), Kind::NodeName,
                Scope::Node),
            field(QStringLiteral("tomcat.jvmRoute"), tr("Tomcat jvmRoute"), ConfigFileRole::TomcatServerXml,
                QStringLiteral("jvmRoute"), Kind::NodeName, Scope::Node),
        };
    }
    return {};
}

std::optional<ConfigField> ConfigFields::find(const QString &product, const QString &id)
{
    for (const ConfigField &candidate : forProduct(product)) {
        if (candidate.id == id)
            return candidate;
    }
    return std::nullopt;
}

Result<void> ConfigFields::validate(const ConfigField &field, const QString &value, int secretMinLength)
{
    const auto bad = [&](const QString &reason) {
        return failure(QStringLiteral("%1 (%2): %3").arg(field.label, field.id, reason));
    };
    switch (field.kind) {
    case Kind::Text:
        if (value.contains(QLatin1Char('\n')) || value.contains(QLatin1Char('\r')))
            return bad(tr("must be one line"));
        return {};
    case Kind::Bool:
        if (value != QLatin1String("true") && value != QLatin1String("false"))
            return bad(tr("must be true or false, not \"%1\"").arg(value));
        return {};
    case Kind::Port: {
        bool ok = false;
        const int port = value.toInt(&ok);
        if (!ok || port < 1 || port > 65535)
            return bad(tr("must be a port number from 1 to 65535, not \"%1\"").arg(value));
        return {};
    }
    case Kind::Seconds: {
        bool ok = false;
        const int seconds = value.toInt(&ok);
        if (!ok || seconds < OpenSpecimenClusterJson::MinNotifTimeout
            || seconds > OpenSpecimenClusterJson::MaxNotifTimeout)
            return bad(tr("must be a whole number of seconds from %1 to %2, not \"%3\"")
                           .arg(OpenSpecimenClusterJson::MinNotifTimeout)
                           .arg(OpenSpecimenClusterJson::MaxNotifTimeout)
                           .arg(value));
        return {};
    }
    case Kind::JdbcUrl:
        if (value.startsWith(QLatin1String("jdbc:h2:")))
            return bad(tr("an H2 database cannot be shared by several nodes; use MySQL or MariaDB"));
        if (!value.startsWith(QLatin1String("jdbc:mysql://"))
            && !value.startsWith(QLatin1String("jdbc:mariadb://")))
            return bad(tr("must be a MySQL or MariaDB JDBC URL (jdbc:mysql://host:3306/schema), not \"%1\"")
                           .arg(value));
        if (value.contains(QLatin1Char(' ')) || value.contains(QLatin1Char('\n')))
            return bad(tr("must not contain spaces or line breaks"));
        return {};
    case Kind::Path:
        if (!value.startsWith(QLatin1Char('/')) || value.contains(QLatin1Char('\n')))
            return bad(tr("must be an absolute folder path, not \"%1\"").arg(value));
        return {};
    case Kind::EmailList: {
        const QStringList addresses = splitEmails(value);
        for (const QString &address : addresses) {
            if (!OpenSpecimenClusterJson::isValidEmail(address))
                return bad(tr("\"%1\" is not an e-mail address").arg(address));
        }
        return {};
    }
    case Kind::NodeName:
        if (!ClusterProfile::isValidNodeName(value))
            return bad(
                tr("\"%1\" is not a valid name: use 1 to 63 letters, digits, '.', '_' or '-', no spaces")
                    .arg(value));
        return {};
    case Kind::Secret:
        if (value.size() < secretMinLength)
            return bad(tr("must be at least %1 characters long").arg(secretMinLength));
        if (value.contains(QLatin1Char('\n')) || value.contains(QLatin1Char('\r')))
            return bad(tr("must be one line"));
        return {};
    }
    return {};
}

Result<std::optional<QString>> ConfigFields::read(
    const ConfigField &field, const QByteArray &content, const QString &label)
{
    switch (field.role) {
    case ConfigFileRole::JatosConf: {
        const Result<HoconDocument> document = HoconDocument::parse(content, label);
        if (!document)
            return std::unexpected(document.error());
        return document->value(field.key);
    }
    case ConfigFileRole::OpenSpecimenProperties:
    case ConfigFileRole::JogetDatasource:
    case ConfigFileRole::JogetCatalinaProperties: {
        const Result<PropertiesDocument> document = PropertiesDocument::parse(content, label);
        if (!document)
            return std::unexpected(document.error());
        return document->value(field.key);
    }
    case ConfigFileRole::TomcatServerXml: {
        const Result<QString> route = TomcatServerXml::jvmRoute(content, label);
        if (!route)
            return std::unexpected(route.error());
        return route->isEmpty() ? std::nullopt : std::optional<QString>(*route);
    }
    case ConfigFileRole::OpenSpecimenClusterJson: {
        if (content.trimmed().isEmpty())
            return std::optional<QString>();
        const auto json = clusterJson(content, label);
        if (!json)
            return std::unexpected(json.error());
        if (field.key == QLatin1String("secret"))
            return json->secret.isEmpty() ? std::nullopt : std::optional<QString>(json->secret);
        if (field.key == QLatin1String("notifTimeout"))
            return std::optional<QString>(QString::number(json->notifTimeout));
        if (field.key == QLatin1String("notifErrorRcpts"))
            return std::optional<QString>(joinedEmails(json->notifErrorRcpts));
        return std::optional<QString>();
    }
    }
    return std::optional<QString>();
}

Result<QByteArray> ConfigFields::write(
    const ConfigField &field, const QByteArray &content, const QString &value, const QString &label)
{
    switch (field.role) {
    case ConfigFileRole::JatosConf: {
        Result<HoconDocument> document = HoconDocument::parse(content, label);
        if (!document)
            return std::unexpected(document.error());
        const bool raw = field.kind == Kind::Bool || field.kind == Kind::Port || field.kind == Kind::Seconds;
        document->setValue(field.key, value, raw ? HoconDocument::Kind::Raw : HoconDocument::Kind::String);
        return document->toBytes();
    }
    case ConfigFileRole::OpenSpecimenProperties:
    case ConfigFileRole::JogetDatasource:
    case ConfigFileRole::JogetCatalinaProperties: {
        Result<PropertiesDocument> document = PropertiesDocument::parse(content, label);
        if (!document)
            return std::unexpected(document.error());
        document->setValue(field.key, value);
        return document->toBytes();
    }
    case ConfigFileRole::TomcatServerXml:
        return TomcatServerXml::withJvmRoute(content, value, label);
    case ConfigFileRole::OpenSpecimenClusterJson: {
        auto json = clusterJson(content, label);
        if (!json)
            return std::unexpected(json.error());
        const OpenSpecimenClusterJson before = *json;
        if (field.key == QLatin1String("secret"))
            json->secret = value;
        else if (field.key == QLatin1String("notifTimeout"))
            json->notifTimeout = value.toInt();
        else if (field.key == QLatin1String("notifErrorRcpts"))
            json->notifErrorRcpts = splitEmails(value);
        if (*json == before)
            return content; // the value it already has: the file keeps its bytes and layout
        return json->toJson();
    }
    }
    return content;
}
