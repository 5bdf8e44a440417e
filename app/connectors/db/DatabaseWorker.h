#pragma once

#include "ClusterProfile.h"
#include "DatabaseProbeOptions.h"
#include "DatabaseStatus.h"
#include "ProductPreset.h"

#include <QObject>

class QSqlDatabase;

// Does the blocking part of a database probe: lives in its own thread (see
// DatabaseProbe), opens a QMYSQL connection there under a name of its own, asks
// its questions and closes it again, then answers with finished(). Nothing of
// QtSql is ever touched from another thread.
class DatabaseWorker final : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    // Call only in the worker's thread (post it with QMetaObject::invokeMethod).
    void probe(quint64 requestId, const DatabaseSpec &spec, const QByteArray &password,
        const ProductPreset &preset, const DatabaseProbeOptions &options);

Q_SIGNALS:
    void finished(quint64 requestId, const DatabaseStatus &status);

private:
    void run(QSqlDatabase &db, DatabaseStatus &status, const DatabaseSpec &spec, const ProductPreset &preset);
    void readSchema(QSqlDatabase &db, DatabaseStatus &status, const ProductPreset &preset);
    void readReplicas(QSqlDatabase &db, DatabaseStatus &status, const DatabaseSpec &spec);

    quint64 m_connections = 0;
};
