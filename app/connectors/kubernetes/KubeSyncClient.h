#pragma once

#include "ClusterProfile.h"
#include "KubeHttp.h"
#include "Result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

#include <chrono>
#include <memory>

class QNetworkAccessManager;

// Calls to a Kubernetes API server for code that runs start to end on a worker thread
// of its own (the guided upgrade): every call blocks that thread until the answer is
// in. Same rules as KubeClient: the bearer token only to the API server (no
// redirects), TLS verified against the CA file alone when one is set, a timeout reset
// whenever bytes arrive, at most MaxBodyBytes. Never use it on the GUI thread.
class KubeSyncClient final
{
    Q_DECLARE_TR_FUNCTIONS(KubeSyncClient)

public:
    static constexpr qint64 MaxBodyBytes = 32 * 1024 * 1024;

    struct Answer
    {
        int status = 0; // the HTTP status
        QByteArray body;
    };

    KubeSyncClient(KubernetesSettings settings, QByteArray token);
    ~KubeSyncClient();
    KubeSyncClient(const KubeSyncClient &) = delete;
    KubeSyncClient &operator=(const KubeSyncClient &) = delete;

    Result<void> setCaFile(const QString &absolutePath);
    void setTimeout(std::chrono::milliseconds timeout) { m_endpoint.setTimeout(timeout); }
    const KubernetesSettings &settings() const { return m_settings; }

    // One request; fails only when no HTTP answer came (unreachable, TLS, timeout, too
    // large). `what` names the object in errors ("Deployment jatos/jatos").
    Result<Answer> send(const QByteArray &method, const QString &path, const QString &what,
        const QByteArray &contentType = {}, const QByteArray &body = {});

    // GET; fails unless the answer is 200.
    Result<QByteArray> get(const QString &path, const QString &what);
    // An error text for an answer that is not what was hoped for: names the object, the
    // status and the API server's own message (never the token).
    QString statusError(const Answer &answer, const QString &what, const QString &action) const;

    // "/apis/apps/v1/namespaces/NS/deployments/NAME" (parts percent-encoded), and the
    // same for the other objects the upgrade touches.
    QString deploymentPath() const;
    QString podsPath(const QString &labelSelector) const;
    QString hpaCollectionPath() const;
    QString hpaPath(const QString &name) const;
    QString server() const { return KubeHttp::display(m_settings.apiServer); }

private:
    KubernetesSettings m_settings;
    KubeHttp::Endpoint m_endpoint;
    std::unique_ptr<QNetworkAccessManager> m_manager; // made on the calling thread
};
