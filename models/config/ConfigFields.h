#pragma once

#include "ConfigFiles.h"
#include "Result.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

#include <optional>

// A setting the editors know: where it lives and what it may hold. Everything else
// in a file is left exactly as it was.
struct ConfigField
{
    enum class Scope
    {
        Cluster, // the same value on every node (or in the one shared file)
        Node // each node its own (node names, jvmRoute)
    };
    enum class Kind
    {
        Text,
        Bool,
        Port,
        Seconds, // OpenSpecimen's notifTimeout
        JdbcUrl,
        Path, // absolute
        EmailList, // comma-separated
        NodeName, // the profile's node name rule; never renamed once set
        Secret
    };

    QString id; // "jatos.multiNode", "node.name", ...
    QString label; // for forms and messages
    ConfigFileRole role = ConfigFileRole::JatosConf;
    QString key; // in the file
    Scope scope = Scope::Cluster;
    Kind kind = Kind::Text;
    QString secretName; // Secret: "appSecret", "clusterSecret" or "database.password"
    bool identity = false; // a node's name to the cluster: never changed once set
};

class ConfigFields
{
    Q_DECLARE_TR_FUNCTIONS(ConfigFields)

public:
    static QList<ConfigField> forProduct(const QString &product);
    static std::optional<ConfigField> find(const QString &product, const QString &id);

    // Checks a value a user typed for a field; the message names the field.
    static Result<void> validate(const ConfigField &field, const QString &value, int secretMinLength = 0);

    // A field's value in a file's text; nullopt when the key is absent. Fails when
    // the file cannot be parsed (the message names the file and the line).
    static Result<std::optional<QString>> read(
        const ConfigField &field, const QByteArray &content, const QString &label);
    // The file's text with the field set; all other bytes unchanged.
    static Result<QByteArray> write(
        const ConfigField &field, const QByteArray &content, const QString &value, const QString &label);
};
