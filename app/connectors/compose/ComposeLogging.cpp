#include "ComposeLogging.h"

Q_LOGGING_CATEGORY(lcCompose, "clusterdesk.compose", QtInfoMsg)
