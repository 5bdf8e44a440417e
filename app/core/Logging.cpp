#include "Logging.h"

Q_LOGGING_CATEGORY(lcSecrets, "clusterdesk.secrets", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProfile, "clusterdesk.profile", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCli, "clusterdesk.cli", QtInfoMsg)
