#include "KnownHostsFile.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QMessageAuthenticationCode>
#include <QSaveFile>

namespace KnownHostsFile {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("KnownHostsFile", text);
}

bool nameMatches(QByteArrayView entry, const QByteArray &name)
{
    if (entry.startsWith("|1|")) {
        const QList<QByteArray> parts = entry.toByteArray().split('|');
        if (parts.size() != 4)
            return false;
        const QByteArray salt = QByteArray::fromBase64(parts[2]);
        const QByteArray hash = QByteArray::fromBase64(parts[3]);
        return QMessageAuthenticationCode::hash(name, salt, QCryptographicHash::Sha1) == hash;
    }
    return entry.compare(name, Qt::CaseInsensitive) == 0;
}

// Does one known_hosts line hold a key for `name`? Comments, markers and
// negated or wildcard patterns never match.
bool lineMatches(QByteArrayView line, const QByteArray &name)
{
    const QByteArray trimmed = line.trimmed().toByteArray();
    if (trimmed.isEmpty() || trimmed.startsWith('#') || trimmed.startsWith('@'))
        return false;
    const qsizetype space = trimmed.indexOf(' ') >= 0 ? trimmed.indexOf(' ') : trimmed.indexOf('\t');
    const QByteArray hosts = space < 0 ? trimmed : trimmed.left(space);
    const QList<QByteArray> entries = hosts.split(',');
    for (const QByteArray &entry : entries) {
        if (entry.startsWith('!') || entry.contains('*') || entry.contains('?'))
            continue;
        if (nameMatches(entry, name))
            return true;
    }
    return false;
}

} // namespace

QString hostName(const QString &host, int port)
{
    return port == 22 ? host : QStringLiteral("[%1]:%2").arg(host).arg(port);
}

QList<int> linesFor(const QString &path, const QString &host, int port)
{
    QList<int> numbers;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return numbers;
    const QByteArray name = hostName(host, port).toUtf8();
    int number = 0;
    while (!file.atEnd()) {
        ++number;
        if (lineMatches(file.readLine(), name))
            numbers.append(number);
    }
    return numbers;
}

Result<int> removeHost(const QString &path, const QString &host, int port)
{
    QFile file(path);
    if (!file.exists())
        return 0;
    if (!file.open(QIODevice::ReadOnly))
        return failure(tr("cannot read %1: %2").arg(path, file.errorString()));
    const QByteArray name = hostName(host, port).toUtf8();
    QByteArray kept;
    int removed = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        if (lineMatches(line, name))
            ++removed;
        else
            kept += line;
    }
    file.close();
    if (removed == 0)
        return 0;

    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(kept) != kept.size() || !out.commit())
        return failure(tr("cannot write %1: %2").arg(path, out.errorString()));
    return removed;
}

} // namespace KnownHostsFile
