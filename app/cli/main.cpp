#include "cli/CliRunner.h"
#include "core/Logging.h"

#include <QCoreApplication>
#include <QLoggingCategory>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Clusterdesk"));
    QCoreApplication::setApplicationName(QStringLiteral("clusterdesk-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CLUSTERDESK_VERSION));

    // The CLI's own output is the report; log lines only on request (QT_LOGGING_RULES wins).
    QLoggingCategory::setFilterRules(QStringLiteral("clusterdesk.*.info=false"));
    Logging::installFileLog();

    CliRunner runner;
    QObject::connect(&runner, &CliRunner::finished, &app, &QCoreApplication::exit);
    runner.run(QCoreApplication::arguments());
    return QCoreApplication::exec();
}
