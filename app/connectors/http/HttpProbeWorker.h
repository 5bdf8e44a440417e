#pragma once

#include "ClusterProfile.h"
#include "NodeHttpStatus.h"
#include "ProductPreset.h"

#include <QList>
#include <QObject>

#include <memory>

class QNetworkAccessManager;

// Lives in the HTTP thread and owns its QNetworkAccessManager (created there, on
// first use): starts one HttpProbeJob per request and passes its result on.
class HttpProbeWorker final : public QObject
{
    Q_OBJECT

public:
    explicit HttpProbeWorker(QObject *parent = nullptr);
    ~HttpProbeWorker() override;

    struct Request
    {
        NodeSpec node;
        bool readVersion = true;
    };

    // Called in the worker's thread (queued from HttpProber): one job per request,
    // all sharing one copy of the preset.
    void probe(
        const QList<Request> &requests, const std::shared_ptr<const ProductPreset> &preset, int timeoutMs);

signals:
    void probed(const NodeHttpStatus &status);

private:
    QNetworkAccessManager *m_manager = nullptr;
};
