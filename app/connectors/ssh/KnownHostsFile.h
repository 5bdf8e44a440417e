#pragma once

#include "Result.h"

#include <QList>
#include <QString>

// Reading and editing an OpenSSH known_hosts file for one host. Entries are matched
// by exact name: plain ("[127.0.1.1]:2222", comma lists) and hashed ("|1|salt|hash",
// as HashKnownHosts writes them). Wildcard patterns and @cert-authority/@revoked
// lines are left alone; remove those with an editor or `ssh-keygen -R`.
namespace KnownHostsFile {

// The name OpenSSH records: "host" on port 22, "[host]:port" otherwise.
QString hostName(const QString &host, int port);

// 1-based numbers of the lines holding a key for host:port.
QList<int> linesFor(const QString &path, const QString &host, int port);

// Rewrites the file (atomically, QSaveFile) without host:port's entries and returns
// how many lines were removed. A missing file has nothing to remove.
Result<int> removeHost(const QString &path, const QString &host, int port);

} // namespace KnownHostsFile
