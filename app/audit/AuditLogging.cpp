#include "AuditLogging.h"

Q_LOGGING_CATEGORY(lcAudit, "clusterdesk.audit", QtInfoMsg)
