#pragma once

#include "Result.h"
#include "config/ConfigFiles.h"

#include <QString>

// OpenSpecimen's cluster JSON as the nodes hold it, written for a manual upload under
// Settings → Cluster. The file holds the cluster secret, so it is the user's alone
// (0600 where the file system has modes) and written atomically.
namespace ClusterJsonExport {

// The name of the node the file was read through.
Result<QString> write(const ClusterConfigSnapshot &snapshot, const QString &path);

} // namespace ClusterJsonExport
