#include "BuildInfo.h"

#include <QtGlobal>

#include <libssh/libssh.h>

namespace BuildInfo {

QString applicationName()
{
    return QStringLiteral("Clusterdesk");
}

QString version()
{
    return QStringLiteral(CLUSTERDESK_VERSION);
}

QString qtVersion()
{
    return QString::fromLatin1(qVersion());
}

QString libsshVersion()
{
    // ssh_version(0) returns the run-time version string ("0.10.6/openssl/zlib").
    const QString full = QString::fromLatin1(ssh_version(0));
    return full.section(QLatin1Char('/'), 0, 0);
}

QString keychainVersion()
{
    return QStringLiteral(CLUSTERDESK_KEYCHAIN_VERSION);
}

QString summary()
{
    return QStringLiteral("%1 %2 (Qt %3, libssh %4, QtKeychain %5)")
        .arg(applicationName(), version(), qtVersion(), libsshVersion(), keychainVersion());
}

} // namespace BuildInfo
