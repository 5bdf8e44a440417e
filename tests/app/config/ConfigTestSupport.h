#pragma once

// Shared by the configuration tests: the sandbox's files, read and planted directly
// (as an admin editing a node by hand would), and the sandbox tool.
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QString>

namespace ConfigTest {

inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

// Replaces the line starting with `key` (up to its end) in a node's file.
inline bool plant(const QString &path, const QString &key, const QString &line)
{
    QByteArray text = readFile(path);
    const QRegularExpression pattern(
        QStringLiteral("(?m)^") + QRegularExpression::escape(key) + QStringLiteral(".*$"));
    QString edited = QString::fromUtf8(text);
    if (!edited.contains(pattern))
        return false;
    edited.replace(pattern, line);
    return writeFile(path, edited.toUtf8());
}

inline QString sandboxTool()
{
    return QStringLiteral(CLUSTERDESK_SOURCE_DIR "/tests/sandbox/clusterdesk-sandbox");
}

// `clusterdesk-sandbox ARGS --dir DIR`; the exit code.
inline int sandbox(const QString &dir, QStringList arguments)
{
    arguments << QStringLiteral("--dir") << dir;
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedChannels);
    process.start(sandboxTool(), arguments);
    if (!process.waitForFinished(120000))
        return -1;
    return process.exitCode();
}

// The configuration each node took when it last started ({node: {...}}).
inline QJsonObject effective(const QString &dir)
{
    QProcess process;
    process.start(sandboxTool(), {QStringLiteral("effective"), QStringLiteral("--dir"), dir});
    process.waitForFinished(60000);
    return QJsonDocument::fromJson(process.readAllStandardOutput()).object();
}

inline QString sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

// Every file under `root` whose bytes contain `needle`.
inline QStringList filesContaining(const QString &root, const QByteArray &needle)
{
    QStringList hits;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (readFile(path).contains(needle))
            hits.append(path);
    }
    return hits;
}

inline int countFiles(const QString &root)
{
    int n = 0;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++n;
    }
    return n;
}

} // namespace ConfigTest
