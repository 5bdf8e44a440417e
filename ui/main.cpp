#include "core/BuildInfo.h"
#include "core/Logging.h"
#include "mainwindow/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

#include <cstdio>
#include <cstring>

int main(int argc, char *argv[])
{
    // --version is answered before QApplication exists, so it works without a display.
    for (int i = 1; i < argc && std::strcmp(argv[i], "--") != 0; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("%s\n", qUtf8Printable(BuildInfo::summary()));
            return 0;
        }
    }

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Clusterdesk"));
    QApplication::setApplicationName(QStringLiteral("clusterdesk"));
    QApplication::setApplicationVersion(QStringLiteral(CLUSTERDESK_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("clusterdesk"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/clusterdesk.svg")));
    Logging::installFileLog();

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Desktop console for clusters of Java web applications."));
    parser.addHelpOption();
    parser.addOption(
        {QStringLiteral("version"), QApplication::translate("main", "Show the versions and exit.")});
    parser.addPositionalArgument(QStringLiteral("profile"),
        QApplication::translate("main", "A cluster profile to open."), QStringLiteral("[profile]"));
    parser.process(app);

    MainWindow window;
    window.show();
    if (const QStringList profiles = parser.positionalArguments(); !profiles.isEmpty()) {
        // Opened from the event loop so a problem with the file is shown over the window.
        QTimer::singleShot(0, &window, [&window, path = profiles.first()] { window.openProfile(path); });
    }
    return QApplication::exec();
}
