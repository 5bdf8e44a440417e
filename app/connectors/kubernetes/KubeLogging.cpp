#include "KubeLogging.h"

Q_LOGGING_CATEGORY(lcKubernetes, "clusterdesk.kubernetes", QtInfoMsg)
