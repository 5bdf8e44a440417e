#pragma once

#include "ClusterProfile.h"
#include "ProductPreset.h"
#include "Result.h"

#include <QMap>
#include <QStringList>

// The product presets Clusterdesk knows: the built-in ones compiled in from
// resources/presets/, each checked when loaded. A profile names its product by id
// and may override any preset field.
class PresetRegistry
{
    Q_DECLARE_TR_FUNCTIONS(PresetRegistry)

public:
    // The built-in presets. A malformed built-in preset is a build defect; it is
    // reported in the log and left out rather than taking the application down.
    static const PresetRegistry &builtIn();

    // Loads every *.json in a folder; the first malformed file makes it fail,
    // with the file named and each problem listed.
    static Result<PresetRegistry> loadDirectory(const QString &directory);

    QStringList ids() const { return m_documents.keys(); }
    bool contains(const QString &id) const { return m_documents.contains(id); }
    QString displayName(const QString &id) const;

    // The profile's product preset with its overrides applied. Problems are named
    // by their profile path ("product", "presetOverrides.health.path").
    std::expected<ProductPreset, ValidationIssues> presetFor(const ClusterProfile &profile) const;

private:
    Result<void> add(const QString &origin, QByteArrayView text);

    QMap<QString, Json> m_documents;
    QMap<QString, QString> m_displayNames;
};
