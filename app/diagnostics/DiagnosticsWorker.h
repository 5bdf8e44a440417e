#pragma once

#include "config/ConfigChecks.h"
#include "diagnostics/DiagnosticsSources.h"
#include "diagnostics/DiagnosticsTypes.h"

#include <QByteArray>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>
#include <mutex>

class BundleAssembler;

// Writes one diagnostics bundle on a thread of its own (DiagnosticsEngine owns it):
// collect() blocks that thread until the bundle is written, failed or cancelled.
//
// Every source runs on a thread of its own, in two steps: first each reads what
// redaction must know (the configuration files and the secrets in them), then, with
// the Redactor complete, all collect at once while this thread writes the zip entry
// by entry (BundleAssembler). The manifest and README come last.
class DiagnosticsWorker final : public QObject
{
    Q_OBJECT

public:
    DiagnosticsWorker(LoadedProfile profile, ClusterCredentials credentials, DiagnosticsOptions options,
        std::shared_ptr<std::atomic_bool> cancel);
    ~DiagnosticsWorker() override;

    // On the worker's thread. statusJson: StatusJson of the cluster, taken just before;
    // checksJson: the configuration checks when the caller ran them (Kubernetes,
    // Compose); on hosts the worker checks the files it reads.
    void collect(const QByteArray &statusJson, const QByteArray &givenChecks = {});
    // From any thread: stops the collection as soon as every part notices.
    void requestCancel();

    static QStringList sourcesOf(const ClusterProfile &profile);
    // cluster/config-checks.json: {"checks": [...]} or {"error": why they could not run}.
    static QByteArray checksJson(const QList<ConfigCheck> &checks, const QString &error = {});
    static QString bundleName(const QString &cluster, const QDateTime &utc);

Q_SIGNALS:
    void sourcesPlanned(const QStringList &sources);
    void sourceProgress(const QString &source, const QString &activity, qint64 bytes);
    void sourceFinished(const QString &source, bool ok, const QString &detail);
    void finished(const DiagnosticsResult &result);

private:
    DiagnosticsResult run(const QByteArray &statusJson, const QByteArray &givenChecks);
    QByteArray manifest(const DiagnosticsResult &result, const BundleAssembler &assembler,
        const QDateTime &created, const QList<std::pair<QString, QString>> &sources, Redactor redactor) const;
    QByteArray readme(const QString &top) const;
    Result<QString> saveHostMap(const QString &bundle, const HostMasker &masker) const;
    void progress(const QString &source, const QString &entry, qint64 bytes);

    DiagnosticsContext m_context;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::atomic_bool m_abort {false}; // m_context.cancel: cancelled, or the archive failed
    std::mutex m_mutex;
    BundleAssembler *m_assembler = nullptr; // guarded by m_mutex
    struct Progress
    {
        QString entry;
        qint64 done = 0; // finished entries
        qint64 current = 0;
        qint64 lastSignal = -1000;
    };
    QHash<QString, Progress> m_progress; // the writer's thread only
    QElapsedTimer m_clock;
};
