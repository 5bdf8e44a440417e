#include "ConfigLogging.h"

Q_LOGGING_CATEGORY(lcConfig, "clusterdesk.config", QtInfoMsg)
