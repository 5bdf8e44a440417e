#include "ClusterJsonExport.h"

#include <QCoreApplication>
#include <QDir>
#include <QSaveFile>

Result<QString> ClusterJsonExport::write(const ClusterConfigSnapshot &snapshot, const QString &path)
{
    for (const NodeConfigSnapshot &node : snapshot.nodes) {
        const ConfigFileState *json = node.file(ConfigFileRole::OpenSpecimenClusterJson);
        if (!json || !json->exists || !json->error.isEmpty())
            continue;
        QSaveFile out(path);
        if (!out.open(QIODevice::WriteOnly) || out.write(json->content) != json->content.size()
            || !out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) || !out.commit())
            return failure(QCoreApplication::translate("ClusterJsonExport", "%1 could not be written: %2")
                               .arg(QDir::toNativeSeparators(path), out.errorString()));
        return node.node;
    }
    return failure(QCoreApplication::translate("ClusterJsonExport", "no node could read the cluster JSON"));
}
