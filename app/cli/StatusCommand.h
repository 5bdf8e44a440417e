#pragma once

#include <QObject>
#include <QStringList>

class ClusterPoller;
class QTextStream;
class SecretStore;

// `clusterdesk-cli status`: one refresh of every node, the database and the
// orchestrator, printed as a table or as JSON (docs/cli.md), with the exit code
// 0 healthy, 1 degraded, 2 unreachable; --watch repeats it every interval.
class StatusCommand final : public QObject
{
    Q_OBJECT

public:
    StatusCommand(QTextStream &out, QTextStream &err, QObject *parent = nullptr);
    ~StatusCommand() override;

    static QString help();
    void run(const QStringList &arguments); // the arguments after "status"

Q_SIGNALS:
    void finished(int exitCode);

private:
    void usage(const QString &problem);
    void report();

    QTextStream &m_out;
    QTextStream &m_err;
    SecretStore *m_secrets = nullptr;
    ClusterPoller *m_poller = nullptr;
    bool m_json = false;
    bool m_watch = false;
};
