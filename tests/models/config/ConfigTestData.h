#pragma once

// Realistic configuration files of three-node clusters, as the sandbox's `up` writes
// them (tests/sandbox/sandbox/configs.py), and snapshots of them as app/config would
// read them from the nodes.

#include "ClusterProfile.h"
#include "config/ConfigFiles.h"
#include "formats/OpenSpecimenClusterJson.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace ConfigTestData {

// Secrets: long enough for every product rule, distinct, and not part of any other text.
inline const QByteArray AppSecret = "Zq8Ld0vXc3Pn6Rt1Yw4Hs7Kj2Mb5Gf9Ae0Uo3Ii6Ee8Ss1Tt4Rr7Qq0Pp2Nn5Mm";
inline const QByteArray DbPassword = "db-Pa55word-42";
inline const QByteArray ClusterSecret = "cl-7f3a9b2c4d5e6f708192a3b4c5d6e7f8";

inline const QByteArray JdbcUrl
    = "jdbc:mysql://10.0.0.5:3306/jatos?characterEncoding=UTF-8&useSSL=false&serverTimezone=UTC";

inline QString nodeName(const QString &product, int index)
{
    const QString prefix = product == u"openspecimen"_s ? u"os"_s : product;
    return prefix + u'-' + QString::number(index);
}

inline QString sharedDir(const QString &product)
{
    if (product == u"jatos"_s)
        return u"/srv/jatos-shared"_s;
    if (product == u"openspecimen"_s)
        return u"/srv/os-data"_s;
    return u"/srv/joget"_s;
}

// --- the files ----------------------------------------------------------------------

struct JatosNode
{
    QString name = u"jatos-1"_s;
    QString address = u"10.0.1.1"_s;
    QByteArray secret = AppSecret;
    QByteArray multiNode = "true";
    QByteArray dbUrl = JdbcUrl;
    QByteArray dbUser = "jatos";
    QByteArray dbPassword = DbPassword;
};

inline QByteArray jatosConf(const JatosNode &node = {})
{
    const QByteArray shared = sharedDir(u"jatos"_s).toUtf8();
    QByteArrayList lines {
        "# This is JATOS' configuration (clusterdesk-sandbox node " + node.name.toUtf8() + ")",
        "",
        "jatos.http.address = \"" + node.address.toUtf8() + "\"",
        "jatos.http.port = 9000",
        "jatos.urlBasePath = \"/\"",
        "",
        "# Multi-node: every node shares the MariaDB database and the folders below",
    };
    if (!node.multiNode.isEmpty())
        lines << "jatos.multiNode = " + node.multiNode;
    lines << "jatos.db.url = \"" + node.dbUrl + "\"";
    lines << "jatos.db.username = \"" + node.dbUser + "\"";
    lines << "jatos.db.password = \"" + node.dbPassword + "\"";
    lines << "jatos.db.driver = \"com.mysql.cj.jdbc.Driver\"";
    lines << "";
    lines << "# Identical on every node (JATOS_SECRET), else sessions break between nodes";
    if (!node.secret.isEmpty())
        lines << "play.http.secret.key = \"" + node.secret + "\"";
    lines << "";
    lines << "jatos.studyAssetsRootPath = \"" + shared + "/study_assets_root\"";
    lines << "jatos.resultUploads.path = \"" + shared + "/result_uploads\"";
    lines << "jatos.studyLogs.path = \"" + shared + "/study_logs\"";
    lines << "jatos.tmpPath = \"" + shared + "/tmp\"";
    lines << "";
    return lines.join('\n');
}

// What a fresh JATOS release ships: every setting commented out.
inline const QByteArray JatosDefaultConf
    = "# This is JATOS' configuration (clusterdesk-sandbox release 3.9.4)\n"
      "# ~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
      "\n"
      "# Multi-node installations must set this to true (and use MySQL/MariaDB)\n"
      "#jatos.multiNode = true\n"
      "\n"
      "#play.http.secret.key = \"change-me\"\n";

struct OpenSpecimenNode
{
    QString nodeName = u"os-1"_s; // empty: no node.name line
    QByteArray host = "10.0.0.5";
    QByteArray user = "openspecimen";
    QByteArray password = DbPassword;
};

inline QByteArray openSpecimenProperties(const OpenSpecimenNode &node = {})
{
    QByteArrayList lines {
        "# OpenSpecimen configuration (clusterdesk-sandbox node " + node.nodeName.toUtf8() + ")",
        "app.name=openspecimen",
        "app.data_dir=/srv/os-data",
        "datasource.type=fresh",
        "datasource.jndi=java:/comp/env/jdbc/openspecimen",
        "database.type=mysql",
        "database.host=" + node.host,
        "database.port=3306",
        "database.name=openspecimen",
        "database.username=" + node.user,
        "database.password=" + node.password,
        "# unique per node, no whitespace, never changed once set",
    };
    if (!node.nodeName.isEmpty())
        lines << "node.name=" + node.nodeName.toUtf8();
    lines << "";
    return lines.join('\n');
}

// Tomcat's conf/server.xml; an empty route leaves the attribute out.
inline QByteArray serverXml(const QString &what, int port, const QString &route)
{
    const QByteArray routeAttribute = route.isEmpty() ? QByteArray() : " jvmRoute=\"" + route.toUtf8() + "\"";
    const QByteArrayList lines {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<!-- Tomcat server configuration (" + what.toUtf8() + ") -->",
        "<Server port=\"-1\" shutdown=\"SHUTDOWN\">",
        "  <Service name=\"Catalina\">",
        "    <Connector port=\"" + QByteArray::number(port) + "\" address=\"0.0.0.0\" protocol=\"HTTP/1.1\"",
        "               connectionTimeout=\"20000\" redirectPort=\"8443\" />",
        "    <Engine name=\"Catalina\" defaultHost=\"localhost\"" + routeAttribute + ">",
        "      <Host name=\"localhost\" appBase=\"webapps\" unpackWARs=\"true\" autoDeploy=\"false\" />",
        "    </Engine>",
        "  </Service>",
        "</Server>",
        "",
    };
    return lines.join('\n');
}

inline QString openSpecimenUrl(int index)
{
    return u"http://10.0.1.%1:8080/openspecimen/"_s.arg(index);
}

// The cluster JSON listing `names` (os-1, os-2, ...) at the nodes' URLs, in file order.
inline QByteArray clusterJson(
    const QStringList &names = {u"os-1"_s, u"os-2"_s, u"os-3"_s}, const QByteArray &secret = ClusterSecret)
{
    QByteArrayList lines {
        "{",
        "  \"notifTimeout\": 60,",
        "  \"notifErrorRcpts\": [\"ops@example.org\"],",
        "  \"secret\": \"" + secret + "\",",
        "  \"nodes\": [",
    };
    for (qsizetype i = 0; i < names.size(); ++i) {
        lines << "    {\"name\": \"" + names[i].toUtf8() + "\", \"url\": \""
                + openSpecimenUrl(int(i) + 1).toUtf8() + "\"}" + (i + 1 < names.size() ? "," : "");
    }
    lines << "  ]"
          << "}"
          << "";
    return lines.join('\n');
}

inline QByteArray jogetDatasource(const QByteArray &user = "joget", const QByteArray &password = DbPassword)
{
    const QByteArrayList lines {
        "workflowDriver=com.mysql.cj.jdbc.Driver",
        "workflowUrl=jdbc:mysql://10.0.0.5:3306/jwdb?characterEncoding=UTF-8&useSSL=false&serverTimezone=UTC",
        "workflowUser=" + user,
        "workflowPassword=" + password,
        "profileName=default",
        "",
    };
    return lines.join('\n');
}

inline QByteArray catalinaProperties(const QString &name)
{
    QByteArrayList lines {
        "# Tomcat catalina.properties (clusterdesk-sandbox node joget)",
        "# Entries here become Java system properties of the Joget JVM.",
        "wflow.home=/srv/joget/wflow",
    };
    if (!name.isEmpty())
        lines << "wflow.name=" + name.toUtf8();
    lines << "";
    return lines.join('\n');
}

// --- profiles and snapshots -----------------------------------------------------------

inline QString nodeUrl(const QString &product, int index)
{
    if (product == u"openspecimen"_s)
        return openSpecimenUrl(index);
    if (product == u"joget"_s)
        return u"http://10.0.1.%1:8080/jw/"_s.arg(index);
    return u"http://10.0.1.%1:9000/"_s.arg(index);
}

inline ClusterProfile profile(const QString &product)
{
    ClusterProfile profile;
    profile.name = product + u"-test"_s;
    profile.product = product;
    profile.sharedDataDir = sharedDir(product);
    for (int i = 1; i <= 3; ++i)
        profile.nodes.append(NodeSpec {nodeName(product, i), QUrl(nodeUrl(product, i)), {}, {}, {}});
    return profile;
}

inline ConfigFileSpec spec(ConfigFileRole role)
{
    switch (role) {
    case ConfigFileRole::JatosConf:
        return {role, u"/opt/jatos/conf/jatos.conf"_s, false};
    case ConfigFileRole::OpenSpecimenProperties:
        return {role, u"/opt/openspecimen/conf/openspecimen.properties"_s, false};
    case ConfigFileRole::OpenSpecimenClusterJson:
        return {role, u"/srv/os-data/config-settings/cluster.json"_s, true};
    case ConfigFileRole::TomcatServerXml:
        return {role, u"/opt/tomcat/conf/server.xml"_s, false};
    case ConfigFileRole::JogetDatasource:
        return {role, u"/srv/joget/wflow/app_datasource-default.properties"_s, true};
    case ConfigFileRole::JogetCatalinaProperties:
        return {role, u"/opt/joget/apache-tomcat/conf/catalina.properties"_s, false};
    }
    return {};
}

inline ConfigFileState present(ConfigFileRole role, const QByteArray &content)
{
    return ConfigFileState {spec(role), true, content, {}};
}

// Node `index` (1 to 3) of a healthy cluster.
inline NodeConfigSnapshot healthyNode(const QString &product, int index)
{
    NodeConfigSnapshot node;
    node.node = nodeName(product, index);
    if (product == u"jatos"_s) {
        JatosNode conf;
        conf.name = node.node;
        conf.address = u"10.0.1.%1"_s.arg(index);
        node.files = {present(ConfigFileRole::JatosConf, jatosConf(conf))};
    } else if (product == u"openspecimen"_s) {
        OpenSpecimenNode props;
        props.nodeName = node.node;
        node.files = {present(ConfigFileRole::OpenSpecimenProperties, openSpecimenProperties(props)),
            present(ConfigFileRole::TomcatServerXml,
                serverXml(u"OpenSpecimen node "_s + node.node, 8080, node.node)),
            present(ConfigFileRole::OpenSpecimenClusterJson, clusterJson())};
    } else {
        node.files = {present(ConfigFileRole::JogetDatasource, jogetDatasource()),
            present(ConfigFileRole::JogetCatalinaProperties, catalinaProperties(node.node)),
            present(ConfigFileRole::TomcatServerXml,
                serverXml(u"Joget DX node "_s + node.node, 8080, node.node))};
    }
    return node;
}

inline ClusterConfigSnapshot healthy(const QString &product)
{
    ClusterConfigSnapshot snapshot;
    snapshot.product = product;
    for (int i = 1; i <= 3; ++i)
        snapshot.nodes.append(healthyNode(product, i));
    return snapshot;
}

// The file of `role` on `node`, to change or break it in a test.
inline ConfigFileState &fileOf(ClusterConfigSnapshot &snapshot, const QString &node, ConfigFileRole role)
{
    for (NodeConfigSnapshot &candidate : snapshot.nodes) {
        if (candidate.node != node)
            continue;
        for (ConfigFileState &file : candidate.files) {
            if (file.spec.role == role)
                return file;
        }
    }
    qFatal("no file %d on %s", int(role), qPrintable(node));
}

// A shared file has the same content on every node; sets it everywhere.
inline void setShared(ClusterConfigSnapshot &snapshot, ConfigFileRole role, const QByteArray &content)
{
    for (NodeConfigSnapshot &node : snapshot.nodes) {
        for (ConfigFileState &file : node.files) {
            if (file.spec.role == role)
                file.content = content;
        }
    }
}

inline NodeConfigSnapshot &nodeOf(ClusterConfigSnapshot &snapshot, const QString &node)
{
    for (NodeConfigSnapshot &candidate : snapshot.nodes) {
        if (candidate.node == node)
            return candidate;
    }
    qFatal("no node %s", qPrintable(node));
}

inline QStringList linesOf(const QByteArray &text)
{
    return QString::fromUtf8(text).split(u'\n');
}

} // namespace ConfigTestData
