#pragma once

#include "ClusterProfile.h"
#include "NodeHttpStatus.h"
#include "ProductPreset.h"

#include <QObject>

class QNetworkAccessManager;

// Lives in the HTTP thread and owns its QNetworkAccessManager (created there, on
// first use): starts one HttpProbeJob per request and passes its result on.
class HttpProbeWorker final : public QObject
{
    Q_OBJECT

public:
    explicit HttpProbeWorker(QObject *parent = nullptr);
    ~HttpProbeWorker() override;

    // Called in the worker's thread (queued from HttpProber).
    void probe(const NodeSpec &node, const ProductPreset &preset, int timeoutMs);

signals:
    void probed(const NodeHttpStatus &status);

private:
    QNetworkAccessManager *m_manager = nullptr;
};
