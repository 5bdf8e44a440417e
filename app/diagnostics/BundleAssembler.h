#pragma once

#include "Result.h"
#include "diagnostics/HostMasker.h"
#include "diagnostics/RedactingStream.h"
#include "diagnostics/Redactor.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

class ZipWriter;

// Puts the entries that many threads produce into one zip, one entry at a time.
//
// Each producer (a node, the database, ...) gets a Channel. What it writes is
// redacted on its own thread (its own Redactor copy, a RedactingStream per entry)
// and queued; when its queue holds queueLimit bytes, write() waits. run(), on the
// writer's thread, takes one producer's entry from begin to end, then the next
// producer's, so memory stays at about queueLimit per producer whatever the
// entries' sizes, and SSH flow control holds back a node while it waits its turn.
// The writer also masks hosts (one HostMasker, so a host gets the same token in
// every entry) and records each entry's size and SHA-256 for the manifest.
class BundleAssembler final
{
    Q_DECLARE_TR_FUNCTIONS(BundleAssembler)

public:
    static constexpr qsizetype DefaultQueueLimit = 1024 * 1024;

    struct Entry
    {
        QString name;
        QString source;
        QDateTime modified;
        qint64 size = 0; // as stored (redacted, masked)
        QByteArray sha256; // hex, of the stored bytes
        QString note; // "last 20 MiB of 54 MiB", "incomplete: ..."
    };

    struct Failure
    {
        QString source;
        QString item;
        QString reason;
    };

    class Channel
    {
    public:
        const QString &source() const { return m_source; }
        // The rules this producer redacts by; set before the first entry.
        void setRedactor(const Redactor &redactor) { m_redactor = redactor; }
        const Redactor &redactor() const { return m_redactor; }

        // `name` is the path in the bundle, below the bundle's top folder. Each fails
        // only when the collection was cancelled or the archive failed: stop then.
        Result<void> begin(const QString &name, const QDateTime &modified = {});
        Result<void> write(QByteArrayView raw);
        // dropPartialLine: a last line without its line end goes (it was cut off).
        Result<void> end(const QString &note = {}, bool dropPartialLine = false);
        // A whole small entry at once.
        Result<void> add(const QString &name, QByteArrayView raw, const QDateTime &modified = {});
        // Something that could not be collected; it goes to the manifest.
        void fail(const QString &item, const QString &reason);
        // The producer is done; an entry left open is ended as incomplete.
        void close();

        qint64 bytes() const { return m_bytes; } // raw bytes taken so far
        bool inEntry() const { return m_inEntry; }

    private:
        friend class BundleAssembler;
        enum class Kind
        {
            Begin,
            Data,
            End
        };
        struct Item
        {
            Kind kind = Kind::Data;
            QByteArray data; // Data: bytes; Begin: name (UTF-8); End: note (UTF-8)
            QDateTime modified;
        };
        Channel(BundleAssembler *owner, QString source)
            : m_owner(owner)
            , m_source(std::move(source))
        { }
        Result<void> push(Item item);

        BundleAssembler *m_owner;
        QString m_source;
        Redactor m_redactor;
        std::optional<RedactingStream> m_stream;
        bool m_inEntry = false;
        qint64 m_bytes = 0;
        // Guarded by the owner's mutex:
        std::deque<Item> m_queue;
        qsizetype m_queued = 0;
        bool m_closed = false;
    };

    BundleAssembler(ZipWriter &zip, QString topFolder, qsizetype queueLimit = DefaultQueueLimit);
    ~BundleAssembler();
    BundleAssembler(const BundleAssembler &) = delete;
    BundleAssembler &operator=(const BundleAssembler &) = delete;

    // Create every channel before producers start; it lives as long as the assembler.
    Channel *channel(const QString &source);
    void setHostMasker(HostMasker *masker) { m_masker = masker; }
    // Called on the writer's thread after each piece written (source, bytes of its entry).
    void setProgress(std::function<void(const QString &source, const QString &entry, qint64 bytes)> progress)
    {
        m_progress = std::move(progress);
    }

    // On the writer's thread: writes entries until every channel is closed and empty,
    // or cancel() or a write error. Producers blocked in write() are released then.
    Result<void> run();
    void cancel();
    bool cancelled() const { return m_cancelled; }

    // An entry written directly by the writer's thread (manifest, README): not redacted
    // here, masked when masking is on. Only between run() and the zip's close().
    Result<void> addDirect(const QString &name, const QByteArray &bytes, const QString &source = {});

    QList<Entry> entries() const { return m_entries; }
    // The most bytes any one channel held queued at once: what memory the queues took.
    qsizetype peakQueued() const;
    QList<Failure> failures() const;
    // Every channel's redaction counts together.
    RedactionSummary redaction() const;

private:
    Channel *nextEntry(); // locked: a channel whose queue starts with Begin, round robin
    bool hasPendingEntry() const; // locked
    bool allDone() const; // locked
    QByteArray mask(const QByteArray &bytes);

    ZipWriter &m_zip;
    QString m_top;
    qsizetype m_limit;
    HostMasker *m_masker = nullptr;
    std::function<void(const QString &, const QString &, qint64)> m_progress;
    std::vector<std::unique_ptr<Channel>> m_channels;
    size_t m_next = 0; // round robin
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::atomic_bool m_cancelled {false};
    QList<Failure> m_failures; // guarded by m_mutex
    qsizetype m_peak = 0; // guarded by m_mutex
    QList<Entry> m_entries; // the writer's thread only
};
