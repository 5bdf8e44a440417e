#include "HttpLogging.h"

Q_LOGGING_CATEGORY(lcHttp, "clusterdesk.http", QtInfoMsg)
