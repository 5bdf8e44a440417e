#pragma once

#include <QString>

// Why no keychain service can be reached, or an empty string when one can.
//
// QtKeychain reports a missing Linux Secret Service as a generic error ("Cannot
// autolaunch D-Bus", "name not provided by any .service files"), the same code it
// uses for real failures. This asks the session bus directly so the two can be
// told apart. macOS and Windows always have their keychain.
namespace KeychainProbe {

QString problem();

} // namespace KeychainProbe
