#pragma once

#include <QLoggingCategory>

// The Compose connector's category: refreshes, their outcome, timing and errors (never
// the JSON output, which may hold anything the containers were started with).
Q_DECLARE_LOGGING_CATEGORY(lcCompose)
