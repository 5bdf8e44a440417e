#pragma once

#include <QLoggingCategory>

// The HTTP connector's category. URLs are logged without user info; bodies never.
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
