#pragma once

#include <QLoggingCategory>
#include <QString>

// One category per subsystem; switch them with QT_LOGGING_RULES, for example
// QT_LOGGING_RULES="clusterdesk.secrets.debug=true". Secret values are never logged.
Q_DECLARE_LOGGING_CATEGORY(lcSecrets)
Q_DECLARE_LOGGING_CATEGORY(lcProfile)
Q_DECLARE_LOGGING_CATEGORY(lcCli)

// Clusterdesk's own log file, which diagnostics bundles carry: every message that
// passes the category filters also goes, with time and category, to `path` (by
// default clusterdesk.log in the application's data folder). A file that has grown
// past 5 MB is kept as clusterdesk.log.1 and a new one begun. Messages are
// still written to the console as before.
namespace Logging {

void installFileLog(const QString &path = {});
QString defaultLogPath();
// The file installFileLog() writes to; the default path when none was installed.
QString logFilePath();

} // namespace Logging
