#pragma once

#include "diagnostics/DiagnosticsTypes.h"

#include <QObject>
#include <QStringList>

class DiagnosticsEngine;
class QTextStream;
class SecretStore;

// `clusterdesk-cli diagnostics`: one redacted diagnostics bundle of a cluster, on the
// same engine as the GUI (docs/cli.md, docs/diagnostics.md). Progress goes to standard
// error, the result to standard output (one JSON object with --json). Ctrl+C or
// SIGTERM cancels and leaves no file.
class DiagnosticsCommand final : public QObject
{
    Q_OBJECT

public:
    enum ExitCode
    {
        Written = 0, // the bundle is written; parts that failed are listed in it
        Failed = 1, // no bundle (the folder, the disk, cancelled)
        Usage = 2
    };

    DiagnosticsCommand(QTextStream &out, QTextStream &err, QObject *parent = nullptr);
    ~DiagnosticsCommand() override;

    static QString help();
    void run(const QStringList &arguments); // the arguments after "diagnostics"

    // "24h", "7d", "90m", "3600s" -> seconds; nullopt when not understood.
    static std::optional<std::chrono::seconds> parseDuration(const QString &text);

Q_SIGNALS:
    void finished(int exitCode);

private:
    void usage(const QString &problem);
    void done(const DiagnosticsResult &result);

    QTextStream &m_out;
    QTextStream &m_err;
    SecretStore *m_secrets = nullptr;
    DiagnosticsEngine *m_engine = nullptr;
    bool m_json = false;
};
