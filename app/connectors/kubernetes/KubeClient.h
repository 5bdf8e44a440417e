#pragma once

#include "ClusterProfile.h"
#include "KubeHttp.h"
#include "KubeStatus.h"
#include "Result.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

#include <chrono>

class KubeReplyWatch;
class QNetworkAccessManager;
class QNetworkReply;

// Reads one Deployment, its Pods and (when the profile names one) its
// HorizontalPodAutoscaler from a Kubernetes API server. Lives on the caller's
// thread and never blocks it: refresh() starts the requests on its own
// QNetworkAccessManager and finished() reports once with everything found.
//
// The bearer token is given by the caller (read from the keychain) and is never
// logged or shown. TLS is always verified: against the CA file when one is set (and
// then only against it), else against the system's CAs. Redirects are not followed,
// so the token goes to the API server only.
class KubeClient final : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 MaxBodyBytes = 32 * 1024 * 1024;

    explicit KubeClient(const KubernetesSettings &settings, QObject *parent = nullptr);
    ~KubeClient() override;

    const KubernetesSettings &settings() const { return m_settings; }

    // The token sent as "Authorization: Bearer"; empty sends none.
    void setToken(const QByteArray &token);
    // Trusts only the PEM certificates in this file for the API server; an empty path
    // goes back to the system's CAs. Fails (and changes nothing) when the file cannot
    // be read or holds no certificate.
    Result<void> setCaFile(const QString &absolutePath);
    // How long a request may go without an answer (reset whenever bytes arrive).
    void setTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds timeout() const { return m_endpoint.timeout; }

    // Starts a refresh; false (and nothing happens) while one is running.
    bool refresh();
    bool isRefreshing() const { return m_running; }

Q_SIGNALS:
    void finished(const KubeStatus &status);

private:
    enum class Stage
    {
        Deployment,
        Pods,
        Hpa
    };

    struct Pending
    {
        Stage stage = Stage::Deployment;
        QUrl url;
        KubeReplyWatch *watch = nullptr; // a child of the reply
    };

    // The outcome of one request: a failure, or the body of a 200 answer.
    struct Answer
    {
        KubeStatus::Failure failure = KubeStatus::Failure::None;
        QString error;
        QByteArray body;
    };

    QUrl apiUrl(const QString &path) const;
    QString objectName(Stage stage) const;
    void get(Stage stage, const QUrl &url);
    void onReply(QNetworkReply *reply);
    Answer answerOf(QNetworkReply *reply, const Pending &pending) const;
    void handle(Stage stage, const Answer &answer);
    void fail(KubeStatus::Failure failure, const QString &error);
    void finishIfDone();
    void abortAll();

    KubernetesSettings m_settings;
    KubeHttp::Endpoint m_endpoint;

    bool m_running = false;
    QHash<QNetworkReply *, Pending> m_pending;
    KubeStatus m_status;
    QElapsedTimer m_elapsed;
};
