#pragma once

#include "ClusterProfile.h"
#include "ProductPreset.h"
#include "Result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>

// The configuration files Clusterdesk reads and edits, per product and node.
enum class ConfigFileRole
{
    JatosConf, // {installDir}/conf/jatos.conf
    OpenSpecimenProperties, // {installDir}/conf/openspecimen.properties
    OpenSpecimenClusterJson, // {dataDir}/config-settings/cluster.json, shared
    TomcatServerXml, // the node's Tomcat conf/server.xml (jvmRoute)
    JogetDatasource, // {dataDir}/app_datasource-default.properties, shared
    JogetCatalinaProperties // {installDir}/apache-tomcat/conf/catalina.properties (wflow.name)
};

struct ConfigFileSpec
{
    ConfigFileRole role = ConfigFileRole::JatosConf;
    QString path; // absolute, on the node
    bool shared = false; // in the shared folder: one file for the whole cluster

    friend bool operator==(const ConfigFileSpec &, const ConfigFileSpec &) = default;
};

// One file as read from one node.
struct ConfigFileState
{
    ConfigFileSpec spec;
    bool exists = false;
    QByteArray content;
    QString error; // reading failed (the node is reachable, the file is not)
};

struct NodeConfigSnapshot
{
    QString node;
    QString error; // the node could not be reached: no file was read
    QList<ConfigFileState> files;

    const ConfigFileState *file(ConfigFileRole role) const;
};

// What every node's files said at one moment: the input of the checks and of an edit.
struct ClusterConfigSnapshot
{
    QString product;
    QList<NodeConfigSnapshot> nodes;

    const NodeConfigSnapshot *node(const QString &name) const;
};

class ConfigFiles
{
    Q_DECLARE_TR_FUNCTIONS(ConfigFiles)

public:
    // The files of a node, their paths from the preset's folders. A product without
    // an editor (generic) has none.
    static Result<QList<ConfigFileSpec>> forNode(
        const ClusterProfile &profile, const ProductPreset &preset, const NodeSpec &node);
    static QString roleName(ConfigFileRole role); // "jatos.conf", "cluster JSON", ...
    static bool hasEditor(const QString &product);
};
