#pragma once

#include "connectors/ssh/SshTypes.h"
#include "diagnostics/HostMasker.h"
#include "diagnostics/RedactionSummary.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

#include <chrono>
#include <optional>

// What a diagnostics bundle collects and where it goes.
struct DiagnosticsOptions
{
    QString outDir; // the folder the bundle is written to; must exist
    qint64 maxLogBytes = 20LL * 1024 * 1024; // the last this many bytes of each log file
    // Rotated (.gz) logs changed within this window are added, each cut as above;
    // none when unset.
    std::optional<std::chrono::seconds> since;
    bool maskHosts = false; // host names and addresses replaced by host-1, ip-1, ...
    HostKeyPolicy hostKeyPolicy = HostKeyPolicy::AskForNewHostKeys; // unknown keys are refused
    std::chrono::seconds connectTimeout {10}; // per node
    std::chrono::seconds idleTimeout {30}; // a command that sends nothing for this long is given up
    int httpTimeoutMs = 5000; // the status snapshot's probes

    // Clusterdesk's own records; empty: the defaults.
    QString journalPath;
    QString reportFolder;
    QString auditPath;
    QString logPath;
    QString hostMapFolder; // where the host mapping is kept; empty: the data folder
};

// Something that could not be collected; the bundle lists it in its manifest.
struct DiagnosticsFailure
{
    QString source; // "node-1", "database", "kubernetes", "clusterdesk"
    QString item; // what was asked for: "logs/application.log", "connection", ...
    QString reason;
};

// How a collection ended.
struct DiagnosticsResult
{
    bool ok = false; // the bundle was written (failures may still be listed)
    bool cancelled = false;
    QString error; // ok == false: why no bundle was written
    QString path; // the bundle
    qint64 archiveBytes = 0;
    qint64 contentBytes = 0; // the entries' bytes before compression
    int entries = 0;
    qint64 elapsedMs = 0;
    QList<DiagnosticsFailure> failures;
    RedactionSummary redaction;
    QString hostMapPath; // maskHosts: the mapping, kept on this machine, never in the bundle
};

Q_DECLARE_METATYPE(DiagnosticsResult)
