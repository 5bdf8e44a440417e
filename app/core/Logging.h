#pragma once

#include <QLoggingCategory>

// One category per subsystem; switch them with QT_LOGGING_RULES, for example
// QT_LOGGING_RULES="clusterdesk.secrets.debug=true". Secret values are never logged.
Q_DECLARE_LOGGING_CATEGORY(lcSecrets)
Q_DECLARE_LOGGING_CATEGORY(lcProfile)
Q_DECLARE_LOGGING_CATEGORY(lcCli)
