#pragma once

#include "upgrade/UpgradeRequest.h"
#include "upgrade/UpgradeWorker.h"

#include <QObject>
#include <QStringList>

class QTextStream;
class SecretStore;
class UpgradeEngine;
struct UpgradeReport;

// `clusterdesk-cli upgrade`: the guided upgrade without a window, on the same engine
// as the GUI (docs/cli.md, docs/upgrade.md). Progress goes to standard output as
// lines, or as JSON Lines with --json; the exit code tells how it ended.
class UpgradeCommand final : public QObject
{
    Q_OBJECT

public:
    // Exit codes, as docs/cli.md lists them.
    enum ExitCode
    {
        Completed = 0, // also: nothing to do; --check: the upgrade may start
        Failed = 1,
        Usage = 2,
        Refused = 3, // a check refused it (downgrade, unknown version, checksum, ...)
        Locked = 4, // another console holds the cluster's upgrade lock
        Paused = 5, // stopped at a failed step; --resume retries it
        Aborted = 6
    };

    UpgradeCommand(QTextStream &out, QTextStream &err, QObject *parent = nullptr);
    ~UpgradeCommand() override;

    static QString help();
    void run(const QStringList &arguments); // the arguments after "upgrade"

Q_SIGNALS:
    void finished(int exitCode);

private:
    enum class Mode
    {
        Start,
        Check,
        Resume,
        Abort
    };

    void usage(const QString &problem);
    void fail(int code, const QString &message);
    void begin();
    void printChecks(const UpgradeAssessment &a);
    bool confirm(const UpgradeAssessment &a);
    void emitJson(const QJsonObject &event);
    void done(const UpgradeReport &report);

    QTextStream &m_out;
    QTextStream &m_err;
    SecretStore *m_secrets = nullptr;
    UpgradeEngine *m_engine = nullptr;
    UpgradeRequest m_request;
    UpgradeWorker::Options m_options;
    Mode m_mode = Mode::Start;
    bool m_json = false;
    bool m_yes = false;
    bool m_noBackup = false;
    bool m_checked = false;
};
