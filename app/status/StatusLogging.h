#pragma once

#include <QLoggingCategory>

// The poller's category: refreshes and state changes, never secrets.
Q_DECLARE_LOGGING_CATEGORY(lcStatus)
