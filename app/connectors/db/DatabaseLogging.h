#pragma once

#include <QLoggingCategory>

// The database connector's category; passwords are never logged.
Q_DECLARE_LOGGING_CATEGORY(lcDatabase)
