#include "BundleAssembler.h"

#include "ZipWriter.h"

#include <QCryptographicHash>

using namespace Qt::StringLiterals;

BundleAssembler::BundleAssembler(ZipWriter &zip, QString topFolder, qsizetype queueLimit)
    : m_zip(zip)
    , m_top(std::move(topFolder))
    , m_limit(queueLimit)
{ }

BundleAssembler::~BundleAssembler() = default;

BundleAssembler::Channel *BundleAssembler::channel(const QString &source)
{
    m_channels.push_back(std::unique_ptr<Channel>(new Channel(this, source)));
    return m_channels.back().get();
}

// ---------------------------------------------------------------- producers

Result<void> BundleAssembler::Channel::push(Item item)
{
    std::unique_lock lock(m_owner->m_mutex);
    // A Begin or End always goes in, so an entry is never left half-announced; data
    // waits for room.
    m_owner->m_changed.wait(
        lock, [&] { return m_owner->m_cancelled || item.kind != Kind::Data || m_queued < m_owner->m_limit; });
    if (m_owner->m_cancelled)
        return failure(tr("cancelled"));
    m_queued += item.data.size();
    m_owner->m_peak = std::max(m_owner->m_peak, m_queued);
    m_queue.push_back(std::move(item));
    lock.unlock();
    m_owner->m_changed.notify_all();
    return {};
}

Result<void> BundleAssembler::Channel::begin(const QString &name, const QDateTime &modified)
{
    if (m_inEntry)
        return failure(u"%1: an entry began inside %2"_s.arg(m_source, name));
    m_stream.emplace(m_redactor);
    m_inEntry = true;
    return push(
        Item {Kind::Begin, name.toUtf8(), modified.isValid() ? modified : QDateTime::currentDateTimeUtc()});
}

Result<void> BundleAssembler::Channel::write(QByteArrayView raw)
{
    if (!m_inEntry || raw.isEmpty())
        return {};
    m_bytes += raw.size();
    QByteArray redacted = m_stream->write(raw);
    if (redacted.isEmpty())
        return {};
    return push(Item {Kind::Data, std::move(redacted), {}});
}

Result<void> BundleAssembler::Channel::end(const QString &note, bool dropPartialLine)
{
    if (!m_inEntry)
        return {};
    m_inEntry = false;
    QByteArray rest = m_stream->finish();
    if (dropPartialLine)
        rest.clear(); // what the stream still holds is a line without its end
    m_stream.reset();
    if (!rest.isEmpty()) {
        if (Result<void> pushed = push(Item {Kind::Data, std::move(rest), {}}); !pushed)
            return pushed;
    }
    return push(Item {Kind::End, note.toUtf8(), {}});
}

Result<void> BundleAssembler::Channel::add(const QString &name, QByteArrayView raw, const QDateTime &modified)
{
    if (Result<void> r = begin(name, modified); !r)
        return r;
    if (Result<void> r = write(raw); !r)
        return r;
    return end();
}

void BundleAssembler::Channel::fail(const QString &item, const QString &reason)
{
    // The reason may quote what a node said: redact it like everything else.
    Redactor redactor = m_redactor;
    const QString clean = QString::fromUtf8(redactor.redactLine(reason.toUtf8()));
    std::lock_guard lock(m_owner->m_mutex);
    m_owner->m_failures.append(Failure {m_source, item, clean});
}

void BundleAssembler::Channel::close()
{
    if (m_inEntry)
        (void)end(tr("incomplete: the collection of this part ended early"), true);
    {
        std::lock_guard lock(m_owner->m_mutex);
        m_closed = true;
    }
    m_owner->m_changed.notify_all();
}

// ---------------------------------------------------------------- the writer

void BundleAssembler::cancel()
{
    {
        std::lock_guard lock(m_mutex);
        m_cancelled = true;
    }
    m_changed.notify_all();
}

BundleAssembler::Channel *BundleAssembler::nextEntry()
{
    const size_t n = m_channels.size();
    for (size_t i = 0; i < n; ++i) {
        Channel *c = m_channels[(m_next + i) % n].get();
        if (!c->m_queue.empty() && c->m_queue.front().kind == Channel::Kind::Begin) {
            m_next = (m_next + i + 1) % n;
            return c;
        }
    }
    return nullptr;
}

bool BundleAssembler::hasPendingEntry() const
{
    for (const auto &c : m_channels) {
        if (!c->m_queue.empty() && c->m_queue.front().kind == Channel::Kind::Begin)
            return true;
    }
    return false;
}

bool BundleAssembler::allDone() const
{
    for (const auto &c : m_channels) {
        if (!c->m_closed || !c->m_queue.empty())
            return false;
    }
    return true;
}

QByteArray BundleAssembler::mask(const QByteArray &bytes)
{
    return m_masker ? m_masker->maskLine(bytes) : bytes;
}

Result<void> BundleAssembler::run()
{
    Channel *current = nullptr;
    Entry entry;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const auto stop = [this](const QString &error) -> Result<void> {
        cancel();
        return failure(error);
    };
    for (;;) {
        Channel::Item item;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [&] {
                if (m_cancelled)
                    return true;
                if (current)
                    return !current->m_queue.empty();
                return allDone() || hasPendingEntry();
            });
            if (m_cancelled)
                return failure(tr("cancelled"));
            if (!current) {
                current = nextEntry();
                if (!current)
                    return {}; // every channel closed and drained
            }
            item = std::move(current->m_queue.front());
            current->m_queue.pop_front();
            current->m_queued -= item.data.size();
        }
        m_changed.notify_all(); // room for the producer

        switch (item.kind) {
        case Channel::Kind::Begin: {
            entry = Entry {};
            entry.name = QString::fromUtf8(mask(item.data)); // "nodes/node-1/..." masked too
            entry.source = current->m_source;
            entry.modified = item.modified;
            hash.reset();
            if (Result<void> r = m_zip.beginEntry(m_top + u'/' + entry.name, entry.modified); !r)
                return stop(r.error().message);
            break;
        }
        case Channel::Kind::Data: {
            const QByteArray out = mask(item.data);
            hash.addData(out);
            entry.size += out.size();
            if (Result<void> r = m_zip.write(out); !r)
                return stop(r.error().message);
            if (m_progress)
                m_progress(entry.source, entry.name, entry.size);
            break;
        }
        case Channel::Kind::End:
            if (Result<void> r = m_zip.endEntry(); !r)
                return stop(r.error().message);
            entry.note = QString::fromUtf8(item.data);
            entry.sha256 = hash.result().toHex();
            m_entries.append(entry);
            if (m_progress)
                m_progress(entry.source, entry.name, entry.size);
            current = nullptr;
            break;
        }
    }
}

Result<void> BundleAssembler::addDirect(const QString &name, const QByteArray &bytes, const QString &source)
{
    const QByteArray out = mask(bytes);
    Entry e;
    e.name = QString::fromUtf8(mask(name.toUtf8()));
    e.source = source;
    e.modified = QDateTime::currentDateTimeUtc();
    e.size = out.size();
    e.sha256 = QCryptographicHash::hash(out, QCryptographicHash::Sha256).toHex();
    if (Result<void> r = m_zip.beginEntry(m_top + u'/' + e.name, e.modified, out.size()); !r)
        return r;
    if (Result<void> r = m_zip.write(out); !r)
        return r;
    if (Result<void> r = m_zip.endEntry(); !r)
        return r;
    m_entries.append(e);
    return {};
}

qsizetype BundleAssembler::peakQueued() const
{
    std::lock_guard lock(m_mutex);
    return m_peak;
}

QList<BundleAssembler::Failure> BundleAssembler::failures() const
{
    std::lock_guard lock(m_mutex);
    return m_failures;
}

RedactionSummary BundleAssembler::redaction() const
{
    RedactionSummary total;
    for (const auto &c : m_channels)
        total.merge(c->m_redactor.summary());
    return total;
}
