#pragma once

#include "ClusterProfile.h"
#include "DatabaseProbeOptions.h"
#include "DatabaseStatus.h"
#include "ProductPreset.h"
#include "core/WorkerThread.h"

#include <QObject>
#include <QThread>

#include <memory>

class DatabaseWorker;

// Asks a cluster's database how it is: reachable, server version, the product's
// schema bookkeeping and the database's own replicas. Lives on the caller's
// (GUI) thread and never blocks it: the QtSql work runs in a DatabaseWorker in a
// thread of this object's own, and the answer comes back by finished().
//
// One probe at a time: probe() while one is running starts nothing and returns
// false. Destroying the object waits for a running probe to end (at most the
// connect and read timeouts).
class DatabaseProbe final : public QObject
{
    Q_OBJECT

public:
    explicit DatabaseProbe(QObject *parent = nullptr);
    ~DatabaseProbe() override;

    void setOptions(const DatabaseProbeOptions &options) { m_options = options; }
    DatabaseProbeOptions options() const { return m_options; }

    // Returns at once. The password is used for this connection only and kept nowhere.
    bool probe(const DatabaseSpec &spec, const QByteArray &password, const ProductPreset &preset);
    bool isBusy() const { return m_busy; }

Q_SIGNALS:
    void finished(const DatabaseStatus &status);

private:
    WorkerThread m_thread;
    DatabaseWorker *m_worker = nullptr; // lives in m_thread; deleted when that thread ends
    DatabaseProbeOptions m_options;
    quint64 m_request = 0;
    bool m_busy = false;
};
