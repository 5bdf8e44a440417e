#pragma once

#include "JsonReader.h"
#include "ValidationIssue.h"
#include "Version.h"

#include <QCoreApplication>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <expected>

struct HealthCheck
{
    QString path; // relative to the node's base URL
    int expectStatus = 200;
    QString expectBody; // the whole body, trimmed; empty: any
    QString expectJsonKey; // a key the JSON object body must have; empty: any
};

struct VersionProbe
{
    enum class Source
    {
        None,
        HttpBody,
        HttpJson,
        File
    };
    Source source = Source::None;
    QString path; // HttpBody/HttpJson: relative URL path; File: a path template on the node
    QString pattern; // HttpBody/File: one capture group holds the version
    QString jsonKey; // HttpJson: the key holding the version
};

struct SchemaProbe
{
    enum class Kind
    {
        None,
        Evolutions,
        UpgradeLog
    };
    Kind kind = Kind::None;
    QString query; // one row, one column: an evolution id or a version string
    QMap<int, QString> evolutionVersions; // evolution id -> first version that shipped it
};

struct NodeCommands
{
    QString start;
    QString stop;
    QString running; // exits 0 while the application's process runs
    QString install; // installs {package} as {version}
};

struct SecretRule
{
    QString name; // key in the profile's "secrets"
    int minLength = 0;
    QString description;
    bool optional = false; // new profiles leave it out; a profile may name it
};

// What Clusterdesk knows about one product, loaded from a JSON preset file
// (resources/presets/<id>.json) and optionally amended by a profile's
// "presetOverrides". A new product needs a new file, not new code.
class ProductPreset
{
    Q_DECLARE_TR_FUNCTIONS(ProductPreset)

public:
    static constexpr int CurrentFormat = 1;

    QString id;
    QString displayName;
    QString scheme = QStringLiteral("http");
    int httpPort = 8080;
    QString basePath = QStringLiteral("/");
    QString installDir;
    QString dataDir;
    QString sshUser;
    HealthCheck health;
    VersionProbe version;
    SchemaProbe schema;
    NodeCommands commands;
    QStringList logFiles;
    QStringList configFiles;
    QList<SecretRule> secretRules;
    int warmupSeconds = 60;
    bool startOneAtATime = true;
    bool rollingUpgrade = false;

    static std::expected<ProductPreset, ValidationIssues> fromJson(const Json &document);
    static std::expected<ProductPreset, ValidationIssues> fromJson(QByteArrayView text);
    // The preset with a profile's overrides merged in (JSON merge patch, RFC 7386).
    // Issues are named by their path under "presetOverrides".
    static std::expected<ProductPreset, ValidationIssues> withOverrides(
        const Json &document, const Json &overrides);

    // The version range a JATOS-style evolution id belongs to: the first version
    // that shipped the highest mapped id not above `evolutionId`. Unknown below the map.
    Version versionForEvolution(int evolutionId) const;

    // Fills {installDir}, {nodeName}, ... in a command or path template.
    static QString expand(const QString &templ, const QMap<QString, QString> &values);
    static const QStringList &placeholders();
};
