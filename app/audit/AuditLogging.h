#pragma once

#include <QLoggingCategory>

// The audit log's category: opening, schema and refused entries, never their secrets.
Q_DECLARE_LOGGING_CATEGORY(lcAudit)
