#pragma once

#include "ConfigFiles.h"
#include "formats/OpenSpecimenClusterJson.h"

#include <QCoreApplication>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

// What one node's configuration files say, reduced to what the checks compare.
// Secret values stay out: only their fingerprints are kept.
struct NodeConfigFacts
{
    QString node;
    bool reachable = false;
    QStringList problems; // files missing or unreadable, parse errors
    QMap<QString, QString> values; // field id -> value as in the file; secrets as fingerprints
    QMap<QString, QString> secretFingerprints; // secret name ("appSecret", ...) -> fingerprint
    std::optional<OpenSpecimenClusterJson> clusterJson; // OpenSpecimen, secret cleared
    QString clusterJsonFingerprint; // of the cluster JSON file's bytes
    QStringList sharedFiles; // paths of the shared files as this node sees them

    QString value(const QString &fieldId) const { return values.value(fieldId); }
    bool has(const QString &fieldId) const { return values.contains(fieldId); }
};

class NodeConfigReader
{
    Q_DECLARE_TR_FUNCTIONS(NodeConfigReader)

public:
    static NodeConfigFacts facts(const QString &product, const NodeConfigSnapshot &snapshot);
};
