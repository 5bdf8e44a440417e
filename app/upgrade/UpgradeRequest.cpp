#include "UpgradeRequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

QByteArray UpgradeRequest::toJson() const
{
    QJsonObject o {
        {QStringLiteral("target"), target},
        {QStringLiteral("package"), packagePath},
        {QStringLiteral("expectedSha256"), expectedSha256},
        {QStringLiteral("actualSha256"), actualSha256},
        {QStringLiteral("imageTag"), imageTag},
        {QStringLiteral("backupCommand"), backupCommand},
        {QStringLiteral("backupWaiver"), backupWaiver},
        {QStringLiteral("backupFolder"), backupFolder},
        {QStringLiteral("schemaBefore"), schemaBefore.text()},
        {QStringLiteral("replicas"), replicas},
    };
    QStringList acks(acknowledged.begin(), acknowledged.end());
    acks.sort();
    o.insert(QStringLiteral("acknowledged"), QJsonArray::fromStringList(acks));
    if (hpa)
        o.insert(QStringLiteral("hpa"),
            QJsonObject {{QStringLiteral("name"), hpa->name},
                {QStringLiteral("minReplicas"), hpa->minReplicas},
                {QStringLiteral("maxReplicas"), hpa->maxReplicas}});
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Result<UpgradeRequest> UpgradeRequest::fromJson(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isObject())
        return failure(
            tr("The upgrade's request in the journal cannot be read: %1").arg(error.errorString()));
    const QJsonObject o = doc.object();
    UpgradeRequest r;
    r.target = o.value(QStringLiteral("target")).toString();
    r.packagePath = o.value(QStringLiteral("package")).toString();
    r.expectedSha256 = o.value(QStringLiteral("expectedSha256")).toString();
    r.actualSha256 = o.value(QStringLiteral("actualSha256")).toString();
    r.imageTag = o.value(QStringLiteral("imageTag")).toString();
    r.backupCommand = o.value(QStringLiteral("backupCommand")).toString();
    r.backupWaiver = o.value(QStringLiteral("backupWaiver")).toString();
    r.backupFolder = o.value(QStringLiteral("backupFolder")).toString();
    r.schemaBefore = Version::parse(o.value(QStringLiteral("schemaBefore")).toString());
    r.replicas = o.value(QStringLiteral("replicas")).toInt();
    for (const QJsonValue &v : o.value(QStringLiteral("acknowledged")).toArray())
        r.acknowledged.insert(v.toString());
    if (const QJsonValue h = o.value(QStringLiteral("hpa")); h.isObject()) {
        const QJsonObject ho = h.toObject();
        r.hpa = HpaSettings {ho.value(QStringLiteral("name")).toString(),
            ho.value(QStringLiteral("minReplicas")).toInt(1),
            ho.value(QStringLiteral("maxReplicas")).toInt(1)};
    }
    if (r.target.isEmpty())
        return failure(tr("The upgrade's request in the journal names no target version."));
    return r;
}

QString UpgradeRequest::defaultBackupFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/backups");
}
