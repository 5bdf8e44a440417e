#pragma once

#include "ClusterProfile.h"
#include "ProductPreset.h"
#include "Result.h"

class PresetRegistry;

// A profile read from disk, checked against its product's preset.
struct LoadedProfile
{
    QString path;
    ClusterProfile profile;
    ProductPreset preset;
};

// Reading and writing profile files. Saving is atomic (QSaveFile): a crash or a
// full disk leaves the old file intact, never a half-written one.
namespace ProfileFile {

constexpr qint64 MaxSize = 4 * 1024 * 1024;

// Reads and checks a profile. On failure the issues name the JSON paths; an issue
// with an empty path is about the file itself (missing, unreadable, too large).
std::expected<LoadedProfile, ValidationIssues> load(const QString &path, const PresetRegistry &presets);
// Checks a parsed profile against its preset.
std::expected<ProductPreset, ValidationIssues> check(
    const ClusterProfile &profile, const PresetRegistry &presets);
Result<void> save(const ClusterProfile &profile, const QString &path);
// What load() found wrong, for a terminal: a heading naming the file, then one
// indented line per issue.
QString problemsText(const QString &path, const ValidationIssues &issues);

// A path in the profile ("known_hosts", "~/keys/id") made absolute: "~" is the
// home folder and relative paths are relative to the profile's folder.
QString resolvePath(const QString &profilePath, const QString &path);

} // namespace ProfileFile
