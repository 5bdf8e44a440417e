#pragma once

// Shared by the tests that run against a sandbox: its secrets.env, and a record of
// every log message (to prove no secret reaches one).
#include <QByteArray>
#include <QFile>
#include <QMutex>
#include <QMutexLocker>
#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace SandboxTest {

// The value of NAME in DIR/secrets.env ("NAME=value" lines; the fixtures run without a keychain).
inline QByteArray secret(const QString &dir, const QString &name)
{
    QFile file(dir + QStringLiteral("/secrets.env"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray key = name.toUtf8() + '=';
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed();
    }
    return {};
}

inline QMutex logMutex;
inline QStringList loggedMessages;
inline QtMessageHandler previousHandler = nullptr;

inline void recordMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&logMutex);
        loggedMessages.append(message);
    }
    if (previousHandler)
        previousHandler(type, context, message);
}

// Every message logged from now on is kept (and still printed).
inline void recordLog()
{
    previousHandler = qInstallMessageHandler(recordMessage);
}

inline QStringList logged()
{
    QMutexLocker lock(&logMutex);
    return loggedMessages;
}

} // namespace SandboxTest
