#include "StatusLogging.h"

Q_LOGGING_CATEGORY(lcStatus, "clusterdesk.status", QtInfoMsg)
