#pragma once

#include "Result.h"

#include <QByteArrayView>
#include <QCoreApplication>
#include <QDateTime>
#include <QString>

#include <memory>
#include <optional>

class QSaveFile;
struct archive;

// Writes a zip file with libarchive, entry by entry, each streamed in pieces of any
// size (an entry's size need not be known before it is written), so memory stays
// the same whatever the entries' sizes. Deflate-compressed, UTF-8 names, so that the
// file opens with the tools of Windows and macOS and with `unzip`.
//
// The file appears only when close() succeeds: it is written to a temporary file
// beside it (QSaveFile) and renamed at the end. A writer destroyed before close(), or
// whose writing failed, leaves nothing behind.
//
// Not thread-safe: one thread writes, one entry at a time.
class ZipWriter final
{
    Q_DECLARE_TR_FUNCTIONS(ZipWriter)

public:
    explicit ZipWriter(const QString &path);
    ~ZipWriter();
    ZipWriter(const ZipWriter &) = delete;
    ZipWriter &operator=(const ZipWriter &) = delete;

    Result<void> open();
    // `name` is the path inside the archive ("nodes/jatos-1/application.log"); it must be
    // relative, without "." or ".." parts. `size`, when known, lets small entries go
    // without a data descriptor; an entry of unknown size may have any length.
    Result<void> beginEntry(const QString &name, const QDateTime &modified = QDateTime::currentDateTimeUtc(),
        std::optional<qint64> size = std::nullopt);
    Result<void> write(QByteArrayView data);
    Result<void> endEntry();
    // Finishes the archive and renames it into place.
    Result<void> close();

    QString path() const { return m_path; }
    qint64 entryBytes() const { return m_entryBytes; } // written to the current entry, uncompressed
    qint64 fileBytes() const { return m_fileBytes; } // written to the file so far, compressed

    // Why `name` cannot be an entry's name; ok when it can.
    static Result<void> checkName(const QString &name);

private:
    Result<void> failed(const QString &what);

    QString m_path;
    std::unique_ptr<QSaveFile> m_file;
    archive *m_archive = nullptr;
    bool m_inEntry = false;
    bool m_broken = false; // a write failed: only destruction is left
    qint64 m_entryBytes = 0;
    qint64 m_fileBytes = 0;
    friend struct ZipWriterCallbacks;
};
