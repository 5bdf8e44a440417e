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

void HttpProbeWorker::probe(const NodeSpec &node, const ProductPreset &preset, int timeoutMs)
{
    if (!m_manager) {
        m_manager = new QNetworkAccessManager;
        m_manager->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
        m_manager->setAutoDeleteReplies(false);
    }
    auto *job = new HttpProbeJob(m_manager, node, preset, timeoutMs, this);
    connect(job, &HttpProbeJob::finished, this, &HttpProbeWorker::probed);
    job->start();
}
