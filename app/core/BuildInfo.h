#pragma once

#include <QString>

// Versions of Clusterdesk and of the libraries it runs with, for --version and About.
namespace BuildInfo {

QString applicationName();
QString version();
QString qtVersion(); // the Qt loaded at run time
QString libsshVersion(); // the libssh loaded at run time
QString keychainVersion(); // the QtKeychain built against
QString summary(); // "Clusterdesk 0.1.0 (Qt 6.4.2, libssh 0.10.6, QtKeychain 0.13.2)"

} // namespace BuildInfo
