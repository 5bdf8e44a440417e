#include "DatabaseProbe.h"

#include "DatabaseWorker.h"

using namespace Qt::StringLiterals;

DatabaseProbe::DatabaseProbe(QObject *parent)
    : QObject(parent)
    , m_thread(new QThread)
    , m_worker(new DatabaseWorker)
{
    qRegisterMetaType<DatabaseStatus>();
    m_thread->setObjectName(u"clusterdesk-database"_s);
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &DatabaseWorker::finished, this, [this](quint64 request, const DatabaseStatus &status) {
        if (request != m_request)
            return;
        m_busy = false;
        Q_EMIT finished(status);
    });
    m_thread->start();
}

DatabaseProbe::~DatabaseProbe() = default;

bool DatabaseProbe::probe(const DatabaseSpec &spec, const QByteArray &password, const ProductPreset &preset)
{
    if (m_busy)
        return false;
    m_busy = true;
    const quint64 request = ++m_request;
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, request, spec, password, preset, options = m_options] {
            worker->probe(request, spec, password, preset, options);
        },
        Qt::QueuedConnection);
    return true;
}
