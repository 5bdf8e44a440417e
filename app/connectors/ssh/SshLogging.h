#pragma once

#include <QLoggingCategory>

// The SSH connector's category: connections, host key decisions, commands (never a
// passphrase or a password, never command output).
Q_DECLARE_LOGGING_CATEGORY(lcSsh)
