#pragma once

#include "ProductPreset.h"
#include "Version.h"

#include <QCoreApplication>
#include <QString>

#include <optional>

// The judgements an upgrade makes after acting: did the node come back on the
// target, did the schema move the way the product moves it. Pure; nullopt means
// the check passed, otherwise the problem in words.
class UpgradeVerify
{
    Q_DECLARE_TR_FUNCTIONS(UpgradeVerify)

public:
    static std::optional<QString> nodeVersion(
        const QString &node, const Version &reported, const Version &target);

    // After the first node on the target started against the shared schema:
    // - JATOS (evolutions): the schema's version is known, not older than before and
    //   not newer than the target (a release without new evolutions leaves it where it was);
    // - OpenSpecimen (upgrade log): the newest entry is the target;
    // - none: nothing to compare.
    static std::optional<QString> schemaAfterUpgrade(
        SchemaProbe::Kind kind, const Version &before, const Version &after, const Version &target);

    // The image a Kubernetes Deployment or Compose service is set to when the admin
    // typed `typed`: a whole reference ("jatos/jatos:3.10.5", anything with a '/', ':'
    // or '@') as it is; a tag alone ("3.10.5") replaces the tag (or digest) of the
    // image in use now: "registry:5000/jatos/jatos:3.10.4" -> ".../jatos:3.10.5".
    // Empty when a tag alone is typed and no image is in use.
    static QString imageToSet(const QString &current, const QString &typed);
};
