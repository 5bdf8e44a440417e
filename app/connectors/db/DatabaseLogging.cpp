#include "DatabaseLogging.h"

Q_LOGGING_CATEGORY(lcDatabase, "clusterdesk.database", QtInfoMsg)
