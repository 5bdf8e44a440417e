#pragma once

#include "KubeStatus.h"
#include "Result.h"

#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

#include <chrono>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;
class QTimer;

// What KubeClient and KubeConfigObjects share about talking to an API server: one
// QNetworkAccessManager that follows no redirect (the token goes to the API server
// only) and keeps no cookies, requests that carry the bearer token and verify TLS
// against the CA file alone when one is set, and the texts of failures that happen
// before an HTTP status (timeout, too large, TLS, unreachable).
namespace KubeHttp {

// A manager as both clients use it, owned by parent.
QNetworkAccessManager *newManager(QObject *parent);
// The PEM certificates of a CA file; fails naming the file.
Result<QList<QSslCertificate>> readCaFile(const QString &absolutePath);
// path appended to the API server's own path (it may sit under a proxy's prefix).
QUrl apiUrl(const QUrl &apiServer, const QString &path);
// A URL for messages: no user info, no query.
QString display(const QUrl &url);
QString secondsText(std::chrono::milliseconds timeout);
// A JSON request to url: "Authorization: Bearer" when token is not empty; for https,
// peer verification against caCertificates only (empty: the system's CAs).
QNetworkRequest request(
    const QUrl &url, const QByteArray &token, const QList<QSslCertificate> &caCertificates);

// Where and how a client reaches the API server: its manager, the bearer token (never
// logged), the CA certificates it trusts (empty: the system's) and the request timeout.
struct Endpoint
{
    QNetworkAccessManager *manager = nullptr;
    QByteArray token;
    QList<QSslCertificate> caCertificates;
    QString caFile;
    std::chrono::milliseconds timeout {10000};

    // Trusts only the PEM certificates in the file; empty goes back to the system's CAs.
    // Fails (and changes nothing) when the file cannot be read or holds no certificate.
    Result<void> setCaFile(const QString &absolutePath);
    void setTimeout(std::chrono::milliseconds value)
    {
        timeout = std::max(value, std::chrono::milliseconds(1));
    }
    QNetworkRequest request(const QUrl &url) const;
};

// What a reply's failure before (or instead of) an HTTP status was; None when it has a
// status to look at.
struct TransportFailure
{
    KubeStatus::Failure failure = KubeStatus::Failure::None;
    QString error;
};

} // namespace KubeHttp

// Watches one reply (as its child): aborts it when it goes `timeout` without bytes or
// its body passes maxBytes, and keeps the TLS problems it met (never ignored: the
// handshake fails). The reply's owner reads the flags when it finishes.
class KubeReplyWatch final : public QObject
{
    Q_OBJECT

public:
    static KubeReplyWatch *watch(QNetworkReply *reply, std::chrono::milliseconds timeout, qint64 maxBytes);

    bool timedOut() const { return m_timedOut; }
    bool tooLarge() const { return m_tooLarge; }
    const QString &sslProblems() const { return m_sslProblems; }

    // The failure of a reply that finished without an HTTP status to judge (or timed
    // out, or was too large); None otherwise. `server` is the API server as shown,
    // `action` says what was being done ("reading Secret jatos/jatos-secret"), caFile
    // the CA file in use (empty: the system's CAs).
    KubeHttp::TransportFailure transportFailure(const QString &server, const QString &object,
        const QString &action, std::chrono::milliseconds timeout, qint64 maxBytes,
        const QString &caFile) const;

private:
    explicit KubeReplyWatch(QNetworkReply *reply);

    QNetworkReply *m_reply;
    QTimer *m_timer;
    bool m_timedOut = false;
    bool m_tooLarge = false;
    QString m_sslProblems;
};
