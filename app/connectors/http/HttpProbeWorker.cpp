#include "HttpProbeWorker.h"

#include "HttpProbeJob.h"

#include <QNetworkAccessManager>

HttpProbeWorker::HttpProbeWorker(QObject *parent)
    : QObject(parent)
{ }

HttpProbeWorker::~HttpProbeWorker()
{
    // Jobs own replies of the manager: they go first.
    qDeleteAll(findChildren<HttpProbeJob *>(Qt::FindDirectChildrenOnly));
    delete m_manager;
}

void HttpProbeWorker::probe(
    const QList<Request> &requests, const std::shared_ptr<const ProductPreset> &preset, int timeoutMs)
{
    if (!m_manager) {
        m_manager = new QNetworkAccessManager;
        m_manager->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
        m_manager->setAutoDeleteReplies(false);
    }
    for (const Request &request : requests) {
        auto *job = new HttpProbeJob(m_manager, request.node, preset, timeoutMs, request.readVersion, this);
        connect(job, &HttpProbeJob::finished, this, &HttpProbeWorker::probed);
        job->start();
    }
}
