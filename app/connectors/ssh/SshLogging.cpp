#include "SshLogging.h"

Q_LOGGING_CATEGORY(lcSsh, "clusterdesk.ssh", QtInfoMsg)
