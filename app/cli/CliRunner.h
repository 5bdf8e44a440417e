#pragma once

#include <QObject>
#include <QStringList>
#include <QTextStream>

class SecretStore;

// The clusterdesk-cli commands. run() parses the arguments and starts the command;
// finished() carries the exit code: 0 success, 1 the command failed (the message
// says why), 2 the command line itself was wrong.
class CliRunner final : public QObject
{
    Q_OBJECT

public:
    enum ExitCode
    {
        Success = 0,
        Failure = 1,
        UsageError = 2
    };

    explicit CliRunner(QObject *parent = nullptr);
    ~CliRunner() override;

    void run(const QStringList &arguments);

Q_SIGNALS:
    void finished(int exitCode);

private:
    void finish(int exitCode);
    void usage(const QString &problem);
    void printHelp();
    void profileValidate(const QStringList &arguments);
    void secretSet(const QStringList &arguments);
    void secretDelete(const QStringList &arguments);
    bool checkSecretName(const QString &name);
    void reportNoKeychain(const QString &name);

    QTextStream m_out;
    QTextStream m_err;
    SecretStore *m_secrets = nullptr;
};
