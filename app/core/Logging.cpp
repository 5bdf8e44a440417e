#include "Logging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QStandardPaths>

#include <memory>

Q_LOGGING_CATEGORY(lcSecrets, "clusterdesk.secrets", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProfile, "clusterdesk.profile", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCli, "clusterdesk.cli", QtInfoMsg)

namespace {

constexpr qint64 RotateBytes = 5 * 1024 * 1024;

QMutex s_mutex;
QFile *s_file = nullptr;
QString s_path;
QtMessageHandler s_previous = nullptr;

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "critical";
    case QtFatalMsg:
        return "fatal";
    }
    return "?";
}

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        const QMutexLocker lock(&s_mutex);
        if (s_file) {
            const QByteArray line = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8() + ' '
                + levelName(type) + ' ' + (context.category ? context.category : "default") + ": "
                + message.toUtf8() + '\n';
            s_file->write(line);
            s_file->flush();
        }
    }
    if (s_previous)
        s_previous(type, context, message);
}

} // namespace

QString Logging::defaultLogPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/clusterdesk.log");
}

QString Logging::logFilePath()
{
    const QMutexLocker lock(&s_mutex);
    return s_path.isEmpty() ? defaultLogPath() : s_path;
}

void Logging::installFileLog(const QString &path)
{
    const QString file = path.isEmpty() ? defaultLogPath() : path;
    QDir().mkpath(QFileInfo(file).absolutePath());
    if (QFileInfo(file).size() > RotateBytes) {
        QFile::remove(file + QStringLiteral(".1"));
        QFile::rename(file, file + QStringLiteral(".1"));
    }
    auto log = std::make_unique<QFile>(file);
    if (!log->open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text))
        return; // no file log; the console still has the messages
    {
        const QMutexLocker lock(&s_mutex);
        delete s_file;
        s_file = log.release();
        s_path = file;
    }
    if (!s_previous)
        s_previous = qInstallMessageHandler(handler);
}
