#include "ProfileFile.h"

#include "PresetRegistry.h"
#include "core/Logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ProfileFile", text);
}

ValidationIssues fileIssue(const QString &reason)
{
    return ValidationIssues {{QString(), reason}};
}

} // namespace

namespace ProfileFile {

std::expected<LoadedProfile, ValidationIssues> load(const QString &path, const PresetRegistry &presets)
{
    const QString shown = QDir::toNativeSeparators(path);
    QFile file(path);
    if (!file.exists())
        return std::unexpected(fileIssue(tr("%1 does not exist").arg(shown)));
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(fileIssue(tr("cannot read %1: %2").arg(shown, file.errorString())));
    if (file.size() > MaxSize)
        return std::unexpected(
            fileIssue(tr("%1 is %2 bytes, too large to be a profile").arg(shown).arg(file.size())));

    auto profile = ClusterProfile::fromJson(file.read(MaxSize + 1));
    if (!profile)
        return std::unexpected(profile.error());
    auto preset = check(*profile, presets);
    if (!preset)
        return std::unexpected(preset.error());
    qCInfo(lcProfile).noquote() << "loaded profile" << shown << "with" << profile->nodes.size() << "nodes";
    return LoadedProfile {QFileInfo(path).absoluteFilePath(), std::move(*profile), std::move(*preset)};
}

std::expected<ProductPreset, ValidationIssues> check(
    const ClusterProfile &profile, const PresetRegistry &presets)
{
    auto preset = presets.presetFor(profile);
    if (!preset)
        return preset;
    // An application secret shorter than the product allows would be refused by
    // the product at start; the rule lives in the preset, the name in the profile.
    ValidationIssues issues;
    for (auto it = profile.secrets.cbegin(); it != profile.secrets.cend(); ++it) {
        const bool known = std::any_of(preset->secretRules.cbegin(), preset->secretRules.cend(),
            [&](const SecretRule &rule) { return rule.name == it.key(); });
        if (!known && !preset->secretRules.isEmpty()) {
            QStringList names;
            for (const SecretRule &rule : std::as_const(preset->secretRules))
                names << rule.name;
            issues.append({QStringLiteral("secrets.") + it.key(),
                tr("%1 has no secret of this name (known: %2)")
                    .arg(preset->displayName, names.join(QStringLiteral(", ")))});
        }
    }
    if (!issues.isEmpty())
        return std::unexpected(issues);
    return preset;
}

Result<void> save(const ClusterProfile &profile, const QString &path)
{
    const QString shown = QDir::toNativeSeparators(path);
    if (const ValidationIssues issues = profile.validate(); !issues.isEmpty())
        return failure(
            tr("The profile was not saved because it has problems:\n%1").arg(formatIssues(issues)));

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return failure(tr("Cannot write %1: %2").arg(shown, file.errorString()));
    const QByteArray bytes = profile.toJson();
    if (file.write(bytes) != bytes.size()) {
        file.cancelWriting();
        return failure(tr("Cannot write %1: %2").arg(shown, file.errorString()));
    }
    if (!file.commit())
        return failure(tr("Cannot write %1: %2").arg(shown, file.errorString()));
    qCInfo(lcProfile).noquote() << "saved profile" << shown;
    return {};
}

QString problemsText(const QString &path, const ValidationIssues &issues)
{
    QString text = tr("%1 is not a valid profile (problems: %2):")
                       .arg(QDir::toNativeSeparators(path))
                       .arg(issues.size())
        + u'\n';
    for (const ValidationIssue &issue : issues)
        text += QStringLiteral("  ") + issue.toString() + u'\n';
    return text;
}

QString resolvePath(const QString &profilePath, const QString &path)
{
    if (path.isEmpty())
        return {};
    if (path == u"~")
        return QDir::homePath();
    if (path.startsWith(QStringLiteral("~/")))
        return QDir::home().filePath(path.mid(2));
    if (QDir::isAbsolutePath(path))
        return QDir::cleanPath(path);
    return QDir::cleanPath(QFileInfo(profilePath).absoluteDir().filePath(path));
}

} // namespace ProfileFile
