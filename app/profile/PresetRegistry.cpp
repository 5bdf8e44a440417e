#include "PresetRegistry.h"

#include "core/Logging.h"

#include <QDir>
#include <QFile>

const PresetRegistry &PresetRegistry::builtIn()
{
    static const PresetRegistry registry = [] {
        PresetRegistry loaded;
        const QDir dir(QStringLiteral(":/presets"));
        for (const QString &file : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
            QFile in(dir.filePath(file));
            if (!in.open(QIODevice::ReadOnly)) {
                qCCritical(lcProfile) << "cannot open built-in preset" << file;
                continue;
            }
            if (const auto added = loaded.add(in.fileName(), in.readAll()); !added)
                qCCritical(lcProfile).noquote() << added.error().message;
        }
        return loaded;
    }();
    return registry;
}

Result<PresetRegistry> PresetRegistry::loadDirectory(const QString &directory)
{
    PresetRegistry loaded;
    const QDir dir(directory);
    if (!dir.exists())
        return failure(tr("The preset folder %1 does not exist.").arg(QDir::toNativeSeparators(directory)));
    for (const QString &file : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        QFile in(dir.filePath(file));
        if (!in.open(QIODevice::ReadOnly))
            return failure(
                tr("Cannot read %1: %2").arg(QDir::toNativeSeparators(in.fileName()), in.errorString()));
        if (auto added = loaded.add(QDir::toNativeSeparators(in.fileName()), in.readAll()); !added)
            return std::unexpected(added.error());
    }
    return loaded;
}

Result<void> PresetRegistry::add(const QString &origin, QByteArrayView text)
{
    ValidationIssues issues;
    std::optional<Json> document = parseJsonText(text, issues);
    if (document) {
        auto preset = ProductPreset::fromJson(*document);
        if (preset) {
            if (m_documents.contains(preset->id))
                return failure(
                    tr("%1: a preset with the id \"%2\" was loaded already").arg(origin, preset->id));
            m_displayNames.insert(preset->id, preset->displayName);
            m_documents.insert(preset->id, std::move(*document));
            return {};
        }
        issues = preset.error();
    }
    return failure(tr("%1 is not a valid preset:\n%2").arg(origin, formatIssues(issues)));
}

QString PresetRegistry::displayName(const QString &id) const
{
    return m_displayNames.value(id, id);
}

std::expected<ProductPreset, ValidationIssues> PresetRegistry::presetFor(const ClusterProfile &profile) const
{
    const auto it = m_documents.constFind(profile.product);
    if (it == m_documents.cend()) {
        return std::unexpected(ValidationIssues {{QStringLiteral("product"),
            tr("no preset for \"%1\" (known: %2)").arg(profile.product, ids().join(QStringLiteral(", ")))}});
    }
    return ProductPreset::withOverrides(it.value(), profile.presetOverrides);
}
