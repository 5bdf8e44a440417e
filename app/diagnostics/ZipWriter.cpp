#include "ZipWriter.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#include <archive.h>
#include <archive_entry.h>

using namespace Qt::StringLiterals;

// libarchive hands the compressed bytes to these; they go to the QSaveFile.
struct ZipWriterCallbacks
{
    static la_ssize_t write(archive *, void *data, const void *buffer, size_t length)
    {
        auto *self = static_cast<ZipWriter *>(data);
        const qint64 written = self->m_file->write(static_cast<const char *>(buffer), qint64(length));
        if (written != qint64(length))
            return -1;
        self->m_fileBytes += written;
        return la_ssize_t(written);
    }
};

ZipWriter::ZipWriter(const QString &path)
    : m_path(path)
{ }

ZipWriter::~ZipWriter()
{
    if (m_archive) {
        // Not closed: the temporary file goes, and with it everything written.
        archive_write_free(m_archive);
        m_archive = nullptr;
    }
    if (m_file)
        m_file->cancelWriting();
}

Result<void> ZipWriter::failed(const QString &what)
{
    m_broken = true;
    QString why = m_archive ? QString::fromUtf8(archive_error_string(m_archive)) : QString();
    if (m_file && m_file->error() != QFileDevice::NoError)
        why = m_file->errorString();
    return failure(
        tr("Cannot write %1 (%2): %3")
            .arg(QDir::toNativeSeparators(m_path), what, why.isEmpty() ? tr("unknown error") : why));
}

Result<void> ZipWriter::open()
{
    if (m_archive)
        return failure(tr("%1 is already open.").arg(QDir::toNativeSeparators(m_path)));
    m_file = std::make_unique<QSaveFile>(m_path);
    if (!m_file->open(QIODevice::WriteOnly))
        return failure(
            tr("Cannot create %1: %2").arg(QDir::toNativeSeparators(m_path), m_file->errorString()));
    m_archive = archive_write_new();
    if (!m_archive)
        return failure(tr("Cannot create %1: out of memory").arg(QDir::toNativeSeparators(m_path)));
    // Deflate at level 3 (logs shrink almost as well as at zlib's default 6, at about
    // twice the speed: the writer is the one thread every byte passes), and names in
    // UTF-8 (the zip's language encoding flag), so that every unzip tool reads them alike.
    if (archive_write_set_format_zip(m_archive) != ARCHIVE_OK
        || archive_write_set_options(
               m_archive, "zip:compression=deflate,zip:compression-level=3,zip:hdrcharset=UTF-8")
            != ARCHIVE_OK
        // Blocks of 64 KiB, and no padding of the last one (a zip is no tape).
        || archive_write_set_bytes_per_block(m_archive, 65536) != ARCHIVE_OK
        || archive_write_set_bytes_in_last_block(m_archive, 1) != ARCHIVE_OK)
        return failed(tr("setting up the zip format"));
    if (archive_write_open2(m_archive, this, nullptr, &ZipWriterCallbacks::write, nullptr, nullptr)
        != ARCHIVE_OK)
        return failed(tr("opening it"));
    return {};
}

Result<void> ZipWriter::checkName(const QString &name)
{
    if (name.isEmpty())
        return failure(tr("An entry has no name."));
    if (name.startsWith(u'/') || name.contains(u'\\') || (name.size() > 1 && name.at(1) == u':'))
        return failure(tr("The entry name \"%1\" is not a relative path with / separators.").arg(name));
    const QStringList parts = name.split(u'/');
    for (const QString &part : parts) {
        if (part.isEmpty() || part == u"."_s || part == u".."_s)
            return failure(tr("The entry name \"%1\" has an empty, \".\" or \"..\" part.").arg(name));
        for (const QChar c : part) {
            if (c.unicode() < 0x20)
                return failure(tr("The entry name \"%1\" holds a control character.").arg(name));
        }
    }
    return {};
}

Result<void> ZipWriter::beginEntry(const QString &name, const QDateTime &modified, std::optional<qint64> size)
{
    if (!m_archive || m_broken)
        return failure(tr("%1 is not open for writing.").arg(QDir::toNativeSeparators(m_path)));
    if (m_inEntry)
        if (Result<void> ended = endEntry(); !ended)
            return ended;
    if (Result<void> ok = checkName(name); !ok)
        return ok;
    archive_entry *entry = archive_entry_new();
    if (!entry)
        return failed(tr("adding %1").arg(name));
    const QByteArray utf8 = name.toUtf8();
    archive_entry_set_pathname_utf8(entry, utf8.constData());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_mtime(entry, time_t(modified.toSecsSinceEpoch()), 0);
    if (size)
        archive_entry_set_size(entry, la_int64_t(*size));
    else
        archive_entry_unset_size(entry);
    const int status = archive_write_header(m_archive, entry);
    archive_entry_free(entry);
    if (status < ARCHIVE_WARN)
        return failed(tr("adding %1").arg(name));
    m_inEntry = true;
    m_entryBytes = 0;
    return {};
}

Result<void> ZipWriter::write(QByteArrayView data)
{
    if (!m_inEntry || m_broken)
        return failure(tr("No entry of %1 is open for writing.").arg(QDir::toNativeSeparators(m_path)));
    qsizetype done = 0;
    while (done < data.size()) {
        const la_ssize_t n = archive_write_data(m_archive, data.data() + done, size_t(data.size() - done));
        if (n <= 0)
            return failed(tr("writing an entry"));
        done += qsizetype(n);
    }
    m_entryBytes += data.size();
    return {};
}

Result<void> ZipWriter::endEntry()
{
    if (!m_inEntry)
        return {};
    m_inEntry = false;
    if (archive_write_finish_entry(m_archive) < ARCHIVE_WARN)
        return failed(tr("finishing an entry"));
    return {};
}

Result<void> ZipWriter::close()
{
    if (!m_archive || m_broken)
        return failure(tr("%1 is not open for writing.").arg(QDir::toNativeSeparators(m_path)));
    if (Result<void> ended = endEntry(); !ended)
        return ended;
    if (archive_write_close(m_archive) != ARCHIVE_OK)
        return failed(tr("finishing it"));
    archive_write_free(m_archive);
    m_archive = nullptr;
    if (!m_file->commit())
        return failure(
            tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(m_path), m_file->errorString()));
    m_file.reset();
    return {};
}
