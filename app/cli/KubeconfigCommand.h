#pragma once

#include "connectors/kubernetes/Kubeconfig.h"

#include <QObject>
#include <QStringList>
#include <QTextStream>

class SecretStore;

// clusterdesk-cli's "kubeconfig" commands: list a kubeconfig's contexts, and import
// one into a profile (API server, namespace, deployment, CA, and the bearer token,
// which goes to the system keychain and nowhere else). finished() carries the exit
// code: 0 done, 1 the command failed (the message says why), 2 a wrong command line.
// The token is never printed.
class KubeconfigCommand final : public QObject
{
    Q_OBJECT

public:
    enum ExitCode
    {
        Success = 0,
        Failure = 1,
        UsageError = 2
    };

    // secrets may be null: the command then makes its own store when it needs one.
    KubeconfigCommand(QTextStream &out, QTextStream &err, SecretStore *secrets, QObject *parent = nullptr);

    // Lines for clusterdesk-cli --help, indented by two spaces like the other commands.
    static QString help();
    // The arguments after "kubeconfig".
    void run(const QStringList &args);

Q_SIGNALS:
    void finished(int exitCode);

private:
    struct Options
    {
        QString kubeconfig;
        QString profile;
        QString context;
        QString deployment;
        QString ns;
        QString hpa;
    };

    void finish(int exitCode);
    void usage(const QString &problem);
    bool parseOptions(const QStringList &args, const QStringList &allowed, Options &options);
    void listContexts(const QStringList &args);
    void import(const QStringList &args);
    void storeTokenAndSave(const Options &options, const KubeconfigContext &context, const QByteArray &token);

    QTextStream &m_out;
    QTextStream &m_err;
    SecretStore *m_secrets;
};
