#pragma once

#include "ClusterProfile.h"
#include "HttpProbeWorker.h"
#include "NodeHttpStatus.h"
#include "ProductPreset.h"
#include "core/WorkerThread.h"

#include <QList>
#include <QObject>
#include <QSet>

#include <chrono>
#include <memory>

class QThread;

// Probes nodes over HTTP by their product preset (health and version) without ever
// blocking the calling thread: the requests run on one QNetworkAccessManager in a
// thread of its own, and every result comes back by a queued signal, each as soon
// as it is in. A node already being probed is not probed again until its result
// is in: the running probe answers both requests.
class HttpProber final : public QObject
{
    Q_OBJECT

public:
    static constexpr std::chrono::milliseconds DefaultTimeout {10000};

    explicit HttpProber(QObject *parent = nullptr);
    ~HttpProber() override;

    // Each request of a probe fails when nothing arrives for this long.
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    std::chrono::milliseconds timeout() const { return m_timeout; }

    // Starts probing one node; false when it is already in flight (merged).
    // readVersion false asks for health only (the version is known and cannot have
    // changed without the node going down).
    bool probe(const NodeSpec &node, const ProductPreset &preset, bool readVersion = true);
    // Starts probing several nodes with one message to the worker; returns the names
    // of those started (the others were in flight already).
    QStringList probeBatch(const QList<HttpProbeWorker::Request> &requests, const ProductPreset &preset);
    // Starts probing every node at once; returns how many were started (the others
    // were in flight already). finished() follows when none is left in flight.
    int probeAll(const QList<NodeSpec> &nodes, const ProductPreset &preset);

    bool isBusy() const { return !m_inFlight.isEmpty(); }
    bool isInFlight(const QString &nodeName) const { return m_inFlight.contains(nodeName); }

signals:
    void nodeProbed(const NodeHttpStatus &status);
    void finished(); // the last probe in flight is in

private:
    void onProbed(const NodeHttpStatus &status);

    WorkerThread m_thread;
    HttpProbeWorker *m_worker = nullptr; // lives in m_thread, deleted when it ends
    QSet<QString> m_inFlight; // node names
    std::chrono::milliseconds m_timeout = DefaultTimeout;
};
