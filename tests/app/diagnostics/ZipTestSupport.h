#pragma once

// Reading zips back in tests with libarchive's reader: not with the code under test.
#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

#include <archive.h>
#include <archive_entry.h>

namespace {

struct ReadEntry
{
    QString name;
    QByteArray data;
    qint64 mtime = 0;
};

// Every entry of a zip, read with libarchive (not with the code under test).
QList<ReadEntry> readZip(const QString &path, QString *error)
{
    QList<ReadEntry> out;
    archive *a = archive_read_new();
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, QFile::encodeName(path).constData(), 65536) != ARCHIVE_OK) {
        *error = QString::fromUtf8(archive_error_string(a));
        archive_read_free(a);
        return out;
    }
    archive_entry *entry = nullptr;
    int status = ARCHIVE_OK;
    while ((status = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
        ReadEntry e;
        e.name = QString::fromUtf8(archive_entry_pathname_utf8(entry));
        e.mtime = qint64(archive_entry_mtime(entry));
        char buffer[65536];
        la_ssize_t n = 0;
        while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0)
            e.data.append(buffer, qsizetype(n));
        if (n < 0) {
            *error = QString::fromUtf8(archive_error_string(a));
            break;
        }
        out << e;
    }
    if (status != ARCHIVE_EOF && error->isEmpty())
        *error = QString::fromUtf8(archive_error_string(a));
    archive_read_free(a);
    return out;
}

} // namespace
