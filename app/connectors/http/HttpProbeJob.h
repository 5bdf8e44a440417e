#pragma once

#include "ClusterProfile.h"
#include "NodeHttpStatus.h"
#include "ProductPreset.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QList>
#include <QNetworkReply>
#include <QObject>
#include <QSslError>
#include <QTimer>

#include <memory>

class QNetworkAccessManager;

// One probe of one node, living in the HTTP worker thread: the preset's health
// request, then (when the node is up and the version comes over HTTP) the version
// request, unless it is the same URL, whose body is then reused. Each request has a
// timeout that starts again whenever bytes arrive. The job owns its reply, emits
// finished() once and deletes itself.
//
// TLS: certificates are verified. A node with a pinned SHA-256
// (nodes[].tlsCertificateSha256) is accepted when the only complaints are a
// self-signed or untrusted chain or a host name mismatch and the presented
// certificate's digest equals the pin; never otherwise.
class HttpProbeJob final : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 MaxBodyBytes = 4 * 1024 * 1024;

    // readVersion false: only the health check; the caller keeps the version it has.
    HttpProbeJob(QNetworkAccessManager *manager, NodeSpec node, std::shared_ptr<const ProductPreset> preset,
        int timeoutMs, bool readVersion, QObject *parent = nullptr);
    ~HttpProbeJob() override;

    void start();

    // The URL of `path` under a node's base URL (a base without a trailing slash
    // is read as a folder).
    static QUrl resolve(const QUrl &base, const QString &path);
    static QString displayUrl(const QUrl &url);

signals:
    void finished(const NodeHttpStatus &status);

private:
    enum class Stage
    {
        Health,
        Version
    };

    struct Answer
    {
        bool ok = false; // an HTTP answer came (any status)
        int status = 0;
        QByteArray body;
        QString failure; // translated reason when !ok
        NodeHttpStatus::Health health = NodeHttpStatus::Health::Down; // when !ok
    };

    void send(Stage stage, const QUrl &url);
    void onFinished();
    void onSslErrors(const QList<QSslError> &errors);
    Answer takeAnswer();
    void evaluateHealth(const Answer &answer);
    void extractVersion(const QByteArray &body);
    void finish();

    QNetworkAccessManager *m_manager;
    NodeSpec m_node;
    std::shared_ptr<const ProductPreset> m_presetHolder; // shared by the jobs of one batch
    const ProductPreset &m_preset;
    bool m_readVersion = true;
    int m_timeoutMs;
    Stage m_stage = Stage::Health;
    QUrl m_url;
    QNetworkReply *m_reply = nullptr;
    QTimer m_timer;
    QElapsedTimer m_elapsed;
    bool m_timedOut = false;
    bool m_tooLarge = false;
    bool m_pinMismatch = false;
    QString m_sslProblems;
    NodeHttpStatus m_status;
    bool m_done = false;
};
