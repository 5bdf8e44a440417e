#include "ConfigFiles.h"

const ConfigFileState *NodeConfigSnapshot::file(ConfigFileRole role) const
{
    for (const ConfigFileState &state : files) {
        if (state.spec.role == role)
            return &state;
    }
    return nullptr;
}

const NodeConfigSnapshot *ClusterConfigSnapshot::node(const QString &name) const
{
    for (const NodeConfigSnapshot &snapshot : nodes) {
        if (snapshot.node == name)
            return &snapshot;
    }
    return nullptr;
}

bool ConfigFiles::hasEditor(const QString &product)
{
    return product == QLatin1String("jatos") || product == QLatin1String("openspecimen")
        || product == QLatin1String("joget");
}

QString ConfigFiles::roleName(ConfigFileRole role)
{
    switch (role) {
    case ConfigFileRole::JatosConf:
        return QStringLiteral("jatos.conf");
    case ConfigFileRole::OpenSpecimenProperties:
        return QStringLiteral("openspecimen.properties");
    case ConfigFileRole::OpenSpecimenClusterJson:
        return tr("cluster JSON");
    case ConfigFileRole::TomcatServerXml:
        return QStringLiteral("server.xml");
    case ConfigFileRole::JogetDatasource:
        return QStringLiteral("app_datasource-default.properties");
    case ConfigFileRole::JogetCatalinaProperties:
        return QStringLiteral("catalina.properties");
    }
    return {};
}

Result<QList<ConfigFileSpec>> ConfigFiles::forNode(
    const ClusterProfile &profile, const ProductPreset &preset, const NodeSpec &node)
{
    const QString installDir = node.installDir.isEmpty() ? preset.installDir : node.installDir;
    const QString dataDir = preset.dataDir.isEmpty() ? profile.sharedDataDir : preset.dataDir;
    const auto under = [](const QString &folder, const QString &relative) -> QString {
        return folder.endsWith(QLatin1Char('/')) ? QString(folder + relative)
                                                 : QString(folder + QLatin1Char('/') + relative);
    };
    const auto need = [&](const QString &folder, const QString &what) -> Result<void> {
        if (!folder.startsWith(QLatin1Char('/')))
            return failure(tr("node %1: the %2 is not an absolute path (%3); set it in the profile")
                               .arg(node.name, what, folder.isEmpty() ? tr("empty") : folder));
        return {};
    };

    QList<ConfigFileSpec> files;
    if (profile.product == QLatin1String("jatos")) {
        if (const Result<void> ok = need(installDir, tr("install folder")); !ok)
            return std::unexpected(ok.error());
        files.append(ConfigFileSpec {
            ConfigFileRole::JatosConf, under(installDir, QStringLiteral("conf/jatos.conf")), false});
    } else if (profile.product == QLatin1String("openspecimen")) {
        if (const Result<void> ok = need(installDir, tr("install folder")); !ok)
            return std::unexpected(ok.error());
        if (const Result<void> ok = need(dataDir, tr("data folder")); !ok)
            return std::unexpected(ok.error());
        files.append(ConfigFileSpec {ConfigFileRole::OpenSpecimenProperties,
            under(installDir, QStringLiteral("conf/openspecimen.properties")), false});
        files.append(ConfigFileSpec {
            ConfigFileRole::TomcatServerXml, under(installDir, QStringLiteral("conf/server.xml")), false});
        files.append(ConfigFileSpec {ConfigFileRole::OpenSpecimenClusterJson,
            under(dataDir, QStringLiteral("config-settings/cluster.json")), true});
    } else if (profile.product == QLatin1String("joget")) {
        if (const Result<void> ok = need(installDir, tr("install folder")); !ok)
            return std::unexpected(ok.error());
        if (const Result<void> ok = need(dataDir, tr("wflow folder")); !ok)
            return std::unexpected(ok.error());
        files.append(ConfigFileSpec {ConfigFileRole::JogetDatasource,
            under(dataDir, QStringLiteral("app_datasource-default.properties")), true});
        files.append(ConfigFileSpec {ConfigFileRole::JogetCatalinaProperties,
            under(installDir, QStringLiteral("apache-tomcat/conf/catalina.properties")), false});
        files.append(ConfigFileSpec {ConfigFileRole::TomcatServerXml,
            under(installDir, QStringLiteral("apache-tomcat/conf/server.xml")), false});
    }
    return files;
}
