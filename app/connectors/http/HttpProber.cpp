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

bool HttpProber::probe(const NodeSpec &node, const ProductPreset &preset, bool readVersion)
{
    return !probeBatch({{node, readVersion}}, preset).isEmpty();
}

QStringList HttpProber::probeBatch(
    const QList<HttpProbeWorker::Request> &requests, const ProductPreset &preset)
{
    QList<HttpProbeWorker::Request> starting;
    QStringList started;
    starting.reserve(requests.size());
    for (const HttpProbeWorker::Request &request : requests) {
        if (m_inFlight.contains(request.node.name)) {
            qCDebug(lcHttp) << "still probing" << request.node.name << "- not starting another probe";
            continue;
        }
        m_inFlight.insert(request.node.name);
        starting.append(request);
        started.append(request.node.name);
    }
    if (starting.isEmpty())
        return started;
    const int timeoutMs = int(m_timeout.count());
    auto shared = std::make_shared<const ProductPreset>(preset);
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, starting = std::move(starting), shared = std::move(shared), timeoutMs] {
            worker->probe(starting, shared, timeoutMs);
        },
        Qt::QueuedConnection);
    return started;
}

int HttpProber::probeAll(const QList<NodeSpec> &nodes, const ProductPreset &preset)
{
    QList<HttpProbeWorker::Request> requests;
    requests.reserve(nodes.size());
    for (const NodeSpec &node : nodes)
        requests.append({node, true});
    const int started = int(probeBatch(requests, preset).size());
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
