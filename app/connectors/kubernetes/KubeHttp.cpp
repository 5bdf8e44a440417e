#include "KubeHttp.h"

#include "core/TextHelpers.h"

#include <QCoreApplication>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QSslError>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace KubeHttp {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("KubeHttp", text);
}

} // namespace

QNetworkAccessManager *newManager(QObject *parent)
{
    auto *manager = new QNetworkAccessManager(parent);
    manager->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    manager->setCookieJar(nullptr);
    return manager;
}

Result<QList<QSslCertificate>> readCaFile(const QString &absolutePath)
{
    QFile file(absolutePath);
    if (!file.open(QIODevice::ReadOnly))
        return failure(tr("Cannot read the Kubernetes CA file %1: %2").arg(absolutePath, file.errorString()));
    const QList<QSslCertificate> certificates
        = QSslCertificate::fromData(file.read(4 * 1024 * 1024), QSsl::Pem);
    if (certificates.isEmpty())
        return failure(tr("The Kubernetes CA file %1 holds no PEM certificate").arg(absolutePath));
    return certificates;
}

QUrl apiUrl(const QUrl &apiServer, const QString &path)
{
    QUrl url = apiServer;
    QString base = url.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + path);
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

QString display(const QUrl &url)
{
    return url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
}

QString secondsText(std::chrono::milliseconds timeout)
{
    return QString::number(double(timeout.count()) / 1000.0, 'g', 3);
}

QNetworkRequest request(
    const QUrl &url, const QByteArray &token, const QList<QSslCertificate> &caCertificates)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("Clusterdesk"));
    request.setRawHeader("Accept", "application/json");
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    if (url.scheme() == u"https") {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
        if (!caCertificates.isEmpty())
            ssl.setCaCertificates(caCertificates); // only these: the system's CAs are not asked
        request.setSslConfiguration(ssl);
    }
    return request;
}

} // namespace KubeHttp

KubeReplyWatch::KubeReplyWatch(QNetworkReply *reply)
    : QObject(reply)
    , m_reply(reply)
    , m_timer(new QTimer(this))
{ }

KubeReplyWatch *KubeReplyWatch::watch(
    QNetworkReply *reply, std::chrono::milliseconds timeout, qint64 maxBytes)
{
    auto *watch = new KubeReplyWatch(reply);
    QTimer *timer = watch->m_timer;
    timer->setSingleShot(true);
    timer->setTimerType(Qt::PreciseTimer);
    connect(timer, &QTimer::timeout, watch, [watch] {
        watch->m_timedOut = true;
        watch->m_reply->abort();
    });
    connect(reply, &QNetworkReply::downloadProgress, watch, [watch, maxBytes](qint64 received, qint64) {
        if (received > maxBytes) {
            watch->m_tooLarge = true;
            watch->m_reply->abort();
            return;
        }
        watch->m_timer->start(); // bytes came: the timeout starts again
    });
    connect(reply, &QNetworkReply::sslErrors, watch, [watch](const QList<QSslError> &errors) {
        QStringList problems;
        for (const QSslError &error : errors)
            problems.append(error.errorString());
        problems.removeDuplicates();
        watch->m_sslProblems = problems.join(u"; "_s);
        // Not ignored: the handshake fails.
    });
    connect(reply, &QNetworkReply::finished, watch, [timer] { timer->stop(); });
    timer->start(timeout);
    return watch;
}

KubeHttp::TransportFailure KubeReplyWatch::transportFailure(const QString &server, const QString &object,
    const QString &action, std::chrono::milliseconds timeout, qint64 maxBytes, const QString &caFile) const
{
    using Failure = KubeStatus::Failure;
    KubeHttp::TransportFailure answer;
    const QVariant statusAttribute = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int httpStatus = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
    const QNetworkReply::NetworkError error = m_reply->error();

    if (m_timedOut) {
        answer.failure = Failure::Timeout;
        answer.error = tr("The Kubernetes API at %1 gave no answer within %2 s (%3).")
                           .arg(server, KubeHttp::secondsText(timeout), action);
        return answer;
    }
    if (m_tooLarge) {
        answer.failure = Failure::BadResponse;
        answer.error = tr("The Kubernetes API at %1 sent more than %2 MiB for %3.")
                           .arg(server)
                           .arg(maxBytes >> 20)
                           .arg(object);
        return answer;
    }
    if (!m_sslProblems.isEmpty() || error == QNetworkReply::SslHandshakeFailedError) {
        answer.failure = Failure::Tls;
        const QString problems = m_sslProblems.isEmpty() ? m_reply->errorString() : m_sslProblems;
        answer.error = caFile.isEmpty()
            ? tr("The Kubernetes API at %1 presented a TLS certificate that is not trusted (%2). No CA "
                 "file is set, so the system's CAs were asked.")
                  .arg(server, problems)
            : tr("The Kubernetes API at %1 presented a TLS certificate that is not trusted (%2). It "
                 "must be signed by the CA in %3.")
                  .arg(server, problems, caFile);
        return answer;
    }
    if (httpStatus <= 0) {
        answer.failure = Failure::Unreachable;
        if (error == QNetworkReply::TimeoutError)
            answer.failure = Failure::Timeout;
        const QString reason = TextHelpers::networkFailure(error, m_reply->errorString());
        answer.error = tr("The Kubernetes API at %1 cannot be reached: %2.").arg(server, reason);
        return answer;
    }
    return answer;
}

Result<void> KubeHttp::Endpoint::setCaFile(const QString &absolutePath)
{
    if (absolutePath.isEmpty()) {
        caCertificates.clear();
        caFile.clear();
        manager->clearConnectionCache();
        return {};
    }
    auto certificates = readCaFile(absolutePath);
    if (!certificates)
        return std::unexpected(certificates.error());
    caCertificates = *certificates;
    caFile = absolutePath;
    manager->clearConnectionCache(); // a kept connection was verified against the old CAs
    return {};
}

QNetworkRequest KubeHttp::Endpoint::request(const QUrl &url) const
{
    return KubeHttp::request(url, token, caCertificates);
}
