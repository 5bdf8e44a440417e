#include "UiLogging.h"

Q_LOGGING_CATEGORY(lcUi, "clusterdesk.ui", QtInfoMsg)
