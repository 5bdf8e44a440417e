#include "HttpProber.h"

#include "HttpLogging.h"
#include "HttpProbeWorker.h"

#include <QMetaObject>
#include <QThread>

HttpProber::HttpProber(QObject *parent)
    : QObject(parent)
    , m_thread(new QThread)
{
    qRegisterMetaType<NodeHttpStatus>();
    m_thread->setObjectName(QStringLiteral("clusterdesk-http"));
    m_worker = new HttpProbeWorker;
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &HttpProbeWorker::probed, this, &HttpProber::onProbed, Qt::QueuedConnection);
    m_thread->start();
}

HttpProber::~HttpProber() = default;

bool HttpProber::probe(const NodeSpec &node, const ProductPreset &preset)
{
    if (m_inFlight.contains(node.name)) {
        qCDebug(lcHttp) << "still probing" << node.name << "- not starting another probe";
        return false;
    }
    m_inFlight.insert(node.name);
    const int timeoutMs = int(m_timeout.count());
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, node, preset, timeoutMs] { worker->probe(node, preset, timeoutMs); },
        Qt::QueuedConnection);
    return true;
}

int HttpProber::probeAll(const QList<NodeSpec> &nodes, const ProductPreset &preset)
{
    int started = 0;
    for (const NodeSpec &node : nodes)
        started += probe(node, preset) ? 1 : 0;
    if (m_inFlight.isEmpty())
        QMetaObject::invokeMethod(this, &HttpProber::finished, Qt::QueuedConnection);
    return started;
}

void HttpProber::onProbed(const NodeHttpStatus &status)
{
    m_inFlight.remove(status.nodeName);
    emit nodeProbed(status);
    if (m_inFlight.isEmpty())
        emit finished();
}
