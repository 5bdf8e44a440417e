#pragma once

#include "Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QUrl>

#include <optional>

// One context of a kubeconfig with its cluster and user resolved.
struct KubeconfigContext
{
    QString name;
    QString cluster;
    QString user;
    QString ns; // the context's namespace; empty when it names none
    QUrl server;
    QString caFile; // certificate-authority: absolute, resolved against the kubeconfig's folder
    QByteArray caData; // the PEM decoded from certificate-authority-data
    bool insecureSkipTlsVerify = false;
    QByteArray token; // the user's inline token
    QString tokenFile; // the user's tokenFile, as written (relative to the kubeconfig's folder)
    bool hasClientCertificate = false; // client-certificate(-data)
    bool hasExec = false; // exec or auth-provider plugins
};

// A kubeconfig file (kubectl's ~/.kube/config, YAML or JSON), read with yaml-cpp.
// Only what Clusterdesk uses is kept; secret values stay in memory and are never
// logged. Every context must name a cluster and a user that are defined.
struct Kubeconfig
{
    QString path;
    QString currentContext;
    QList<KubeconfigContext> contexts;

    // The first entry of $KUBECONFIG (separated by QDir::listSeparator()), else
    // ~/.kube/config, as kubectl reads it.
    static QString defaultPath();
    static Result<Kubeconfig> load(const QString &path);
    // path names the file in messages and is where relative paths are resolved.
    static Result<Kubeconfig> parse(QByteArrayView text, const QString &path);

    std::optional<KubeconfigContext> context(const QString &name) const;
};
