#include "RemoteFiles.h"

#include "SshLogging.h"
#include "core/TextHelpers.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <fcntl.h>
#include <sys/stat.h>

using TextHelpers::shellQuote;

namespace {

struct FileDeleter
{
    void operator()(sftp_file file) const { sftp_close(file); }
};
using FilePtr = std::unique_ptr<sftp_file_struct, FileDeleter>;

struct AttributesDeleter
{
    void operator()(sftp_attributes attributes) const { sftp_attributes_free(attributes); }
};
using AttributesPtr = std::unique_ptr<sftp_attributes_struct, AttributesDeleter>;

QString folderOf(const QString &path)
{
    const qsizetype slash = path.lastIndexOf(QLatin1Char('/'));
    return slash <= 0 ? QStringLiteral("/") : path.left(slash);
}

} // namespace

RemoteFiles::RemoteFiles(ssh_session session, QString address, RunCommand run)
    : m_session(session)
    , m_address(std::move(address))
    , m_run(std::move(run))
{ }

RemoteFiles::~RemoteFiles() = default;

QString RemoteFiles::sftpError() const
{
    const int code = m_sftp ? sftp_get_error(m_sftp.get()) : -1;
    switch (code) {
    case SSH_FX_NO_SUCH_FILE:
        return tr("no such file");
    case SSH_FX_PERMISSION_DENIED:
        return tr("permission denied");
    case SSH_FX_NO_SUCH_PATH:
        return tr("no such folder");
    case SSH_FX_FILE_ALREADY_EXISTS:
        return tr("the file already exists");
    default:
        return QString::fromUtf8(ssh_get_error(m_session));
    }
}

Result<void> RemoteFiles::ensureSftp()
{
    if (m_sftp)
        return {};
    m_sftp.reset(sftp_new(m_session));
    if (!m_sftp)
        return failure(
            tr("%1 refused an SFTP channel: %2").arg(m_address, QString::fromUtf8(ssh_get_error(m_session))));
    if (sftp_init(m_sftp.get()) != SSH_OK) {
        const QString why = QString::fromUtf8(ssh_get_error(m_session));
        m_sftp.reset();
        return failure(
            tr("%1 has no SFTP service (is the sftp subsystem configured in sshd?): %2").arg(m_address, why));
    }
    return {};
}

Result<void> RemoteFiles::runChecked(const QString &command, const QString &what)
{
    const Result<std::pair<int, QByteArray>> ran = m_run(command);
    if (!ran)
        return std::unexpected(ran.error());
    if (ran->first != 0) {
        const QString detail = QString::fromUtf8(ran->second).trimmed();
        return failure(tr("%1 on %2 failed (exit status %3)%4")
                           .arg(what, m_address)
                           .arg(ran->first)
                           .arg(detail.isEmpty() ? QString() : QStringLiteral(": ") + detail));
    }
    return {};
}

Result<RemoteFileResult> RemoteFiles::perform(const RemoteFileOp &op)
{
    if (!op.path.startsWith(QLatin1Char('/')))
        return failure(tr("%1 is not an absolute path").arg(op.path));
    if (const Result<void> ready = ensureSftp(); !ready)
        return std::unexpected(ready.error());
    switch (op.kind) {
    case RemoteFileOp::Kind::Read:
        return read(op.path, RemoteFileOp::MaxReadSize);
    case RemoteFileOp::Kind::Stage:
        return stage(op);
    case RemoteFileOp::Kind::Commit:
        return commit(op);
    case RemoteFileOp::Kind::Restore:
        return restore(op);
    case RemoteFileOp::Kind::Discard:
        return discard(op);
    }
    return failure(tr("unknown file operation"));
}

Result<RemoteFileResult> RemoteFiles::read(const QString &path, qsizetype limit)
{
    RemoteFileResult result;
    const QByteArray name = path.toUtf8();
    const AttributesPtr attributes(sftp_stat(m_sftp.get(), name.constData()));
    if (!attributes) {
        if (sftp_get_error(m_sftp.get()) == SSH_FX_NO_SUCH_FILE)
            return result; // exists = false
        return failure(tr("cannot read %1 on %2: %3").arg(path, m_address, sftpError()));
    }
    if (attributes->type != SSH_FILEXFER_TYPE_REGULAR)
        return failure(tr("%1 on %2 is not a regular file").arg(path, m_address));
    if (attributes->size > static_cast<quint64>(limit))
        return failure(tr("%1 on %2 is larger than %3 MiB; not a configuration file?")
                           .arg(path, m_address)
                           .arg(limit / (1024 * 1024)));
    result.exists = true;
    result.permissions = attributes->permissions & 07777;

    const FilePtr file(sftp_open(m_sftp.get(), name.constData(), O_RDONLY, 0));
    if (!file)
        return failure(tr("cannot open %1 on %2: %3").arg(path, m_address, sftpError()));
    char buffer[32768];
    for (;;) {
        const ssize_t n = sftp_read(file.get(), buffer, sizeof buffer);
        if (n < 0)
            return failure(tr("reading %1 on %2 failed: %3").arg(path, m_address, sftpError()));
        if (n == 0)
            break;
        result.content.append(buffer, n);
        if (result.content.size() > limit)
            return failure(tr("%1 on %2 grew past %3 MiB while it was read")
                               .arg(path, m_address)
                               .arg(limit / (1024 * 1024)));
    }
    return result;
}

Result<RemoteFileResult> RemoteFiles::stage(const RemoteFileOp &op)
{
    // The staged file takes the mode of the file it replaces; a new file is private.
    const Result<RemoteFileResult> current = read(op.path, RemoteFileOp::MaxReadSize);
    if (!current)
        return std::unexpected(current.error());
    const mode_t mode = current->exists ? static_cast<mode_t>(current->permissions) : mode_t(0600);

    const QString staged = folderOf(op.path) + QLatin1Char('/') + QLatin1Char('.')
        + QFileInfo(op.path).fileName()
        + QStringLiteral(".clusterdesk-%1.tmp")
              .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    const QByteArray name = staged.toUtf8();
    FilePtr file(sftp_open(m_sftp.get(), name.constData(), O_WRONLY | O_CREAT | O_EXCL, mode));
    if (!file)
        return failure(tr("cannot create %1 on %2: %3").arg(staged, m_address, sftpError()));
    qsizetype written = 0;
    while (written < op.content.size()) {
        const qsizetype chunk = std::min<qsizetype>(op.content.size() - written, 32768);
        const ssize_t n
            = sftp_write(file.get(), op.content.constData() + written, static_cast<size_t>(chunk));
        if (n <= 0) {
            const QString why = sftpError();
            file.reset();
            sftp_unlink(m_sftp.get(), name.constData());
            return failure(tr("writing %1 on %2 failed: %3").arg(staged, m_address, why));
        }
        written += n;
    }
    // On disk before the rename makes it the real file (where the server can).
    if (sftp_extension_supported(m_sftp.get(), "fsync@openssh.com", "1") && sftp_fsync(file.get()) != 0) {
        const QString why = sftpError();
        file.reset();
        sftp_unlink(m_sftp.get(), name.constData());
        return failure(tr("syncing %1 on %2 failed: %3").arg(staged, m_address, why));
    }
    // The umask may have narrowed the mode given to open.
    sftp_chmod(m_sftp.get(), name.constData(), mode);
    RemoteFileResult result;
    result.stagedPath = staged;
    return result;
}

Result<void> RemoteFiles::upload(const QString &localPath, const QString &remotePath,
    const Progress &progress, const std::atomic_bool &abort)
{
    if (!remotePath.startsWith(QLatin1Char('/')))
        return failure(tr("%1 is not an absolute path").arg(remotePath));
    QFile source(localPath);
    if (!source.open(QIODevice::ReadOnly))
        return failure(
            tr("cannot read %1: %2").arg(QDir::toNativeSeparators(localPath), source.errorString()));
    if (const Result<void> ready = ensureSftp(); !ready)
        return ready;
    const QString folder = folderOf(remotePath);
    if (const Result<void> made
        = runChecked(QStringLiteral("mkdir -p -- ") + shellQuote(folder), tr("Creating %1").arg(folder));
        !made)
        return made;

    const QString partial = folder + QLatin1Char('/') + QLatin1Char('.') + QFileInfo(remotePath).fileName()
        + QStringLiteral(".clusterdesk-%1.part")
              .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    const QByteArray name = partial.toUtf8();
    FilePtr file(sftp_open(m_sftp.get(), name.constData(), O_WRONLY | O_CREAT | O_EXCL, 0600));
    if (!file)
        return failure(tr("cannot create %1 on %2: %3").arg(partial, m_address, sftpError()));
    const auto giveUp = [&](const QString &message) {
        file.reset();
        sftp_unlink(m_sftp.get(), name.constData());
        return failure(message);
    };

    const qint64 total = source.size();
    qint64 sent = 0;
    QByteArray buffer(64 * 1024, Qt::Uninitialized);
    if (progress)
        progress(0, total);
    while (!source.atEnd()) {
        if (abort.load())
            return giveUp(
                tr("the upload of %1 to %2 was cancelled").arg(QFileInfo(localPath).fileName(), m_address));
        const qint64 n = source.read(buffer.data(), buffer.size());
        if (n < 0)
            return giveUp(
                tr("cannot read %1: %2").arg(QDir::toNativeSeparators(localPath), source.errorString()));
        qint64 done = 0;
        while (done < n) {
            const ssize_t w
                = sftp_write(file.get(), buffer.constData() + done, static_cast<size_t>(n - done));
            if (w <= 0)
                return giveUp(tr("writing %1 on %2 failed: %3").arg(partial, m_address, sftpError()));
            done += w;
        }
        sent += n;
        if (progress)
            progress(sent, total);
    }
    if (sftp_extension_supported(m_sftp.get(), "fsync@openssh.com", "1") && sftp_fsync(file.get()) != 0)
        return giveUp(tr("syncing %1 on %2 failed: %3").arg(partial, m_address, sftpError()));
    file.reset();
    if (const Result<void> moved
        = runChecked(QStringLiteral("mv -f -- %1 %2").arg(shellQuote(partial), shellQuote(remotePath)),
            tr("Moving the upload into place"));
        !moved) {
        sftp_unlink(m_sftp.get(), name.constData());
        return moved;
    }
    return {};
}

Result<RemoteFileResult> RemoteFiles::commit(const RemoteFileOp &op)
{
    if (op.stagedPath.isEmpty() || folderOf(op.stagedPath) != folderOf(op.path))
        return failure(tr("nothing staged next to %1").arg(op.path));
    RemoteFileResult result;
    const QByteArray name = op.path.toUtf8();
    const AttributesPtr existing(sftp_stat(m_sftp.get(), name.constData()));
    if (existing) {
        result.backupPath = op.path + op.backupSuffix;
        if (const Result<void> copied = runChecked(
                QStringLiteral("cp -p -- %1 %2").arg(shellQuote(op.path), shellQuote(result.backupPath)),
                tr("backing up %1").arg(op.path));
            !copied)
            return std::unexpected(copied.error());
    } else if (sftp_get_error(m_sftp.get()) != SSH_FX_NO_SUCH_FILE) {
        return failure(tr("cannot look at %1 on %2: %3").arg(op.path, m_address, sftpError()));
    }
    // rename(2) in one folder: readers see the old file or the new one, never a part.
    if (const Result<void> moved
        = runChecked(QStringLiteral("mv -f -- %1 %2").arg(shellQuote(op.stagedPath), shellQuote(op.path)),
            tr("replacing %1").arg(op.path));
        !moved)
        return std::unexpected(moved.error());

    const Result<RemoteFileResult> back = read(op.path, RemoteFileOp::MaxReadSize);
    if (!back)
        return failure(tr("%1 was replaced on %2 but could not be read back: %3")
                           .arg(op.path, m_address, back.error().message));
    if (!back->exists
        || QCryptographicHash::hash(back->content, QCryptographicHash::Sha256) != op.expectedSha256)
        return failure(
            tr("%1 on %2 does not hold what was written (read back differs)").arg(op.path, m_address));
    return result;
}

Result<RemoteFileResult> RemoteFiles::restore(const RemoteFileOp &op)
{
    if (op.backupPath.isEmpty()) {
        // The file was new: restoring is removing it.
        if (const Result<void> removed = runChecked(
                QStringLiteral("rm -f -- %1").arg(shellQuote(op.path)), tr("removing %1").arg(op.path));
            !removed)
            return std::unexpected(removed.error());
        return RemoteFileResult {};
    }
    // Copy, then rename: the backup stays, and the file is never half restored.
    const QString temporary = op.path + QStringLiteral(".clusterdesk-restore.tmp");
    if (const Result<void> restored
        = runChecked(QStringLiteral("cp -p -- %1 %2 && mv -f -- %2 %3")
                         .arg(shellQuote(op.backupPath), shellQuote(temporary), shellQuote(op.path)),
            tr("restoring %1 from %2").arg(op.path, op.backupPath));
        !restored)
        return std::unexpected(restored.error());
    RemoteFileResult result;
    result.backupPath = op.backupPath;
    return result;
}

Result<RemoteFileResult> RemoteFiles::discard(const RemoteFileOp &op)
{
    const QByteArray name = op.path.toUtf8();
    if (sftp_unlink(m_sftp.get(), name.constData()) != 0
        && sftp_get_error(m_sftp.get()) != SSH_FX_NO_SUCH_FILE)
        return failure(tr("cannot remove %1 on %2: %3").arg(op.path, m_address, sftpError()));
    return RemoteFileResult {};
}
