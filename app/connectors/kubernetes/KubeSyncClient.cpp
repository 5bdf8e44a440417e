#include "KubeSyncClient.h"

#include "KubeLogging.h"
#include "KubeStatus.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace {

QString part(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

} // namespace

KubeSyncClient::KubeSyncClient(KubernetesSettings settings, QByteArray token)
    : m_settings(std::move(settings))
    , m_manager(KubeHttp::newManager(nullptr))
{
    m_endpoint.manager = m_manager.get();
    m_endpoint.token = std::move(token);
}

KubeSyncClient::~KubeSyncClient() = default;

Result<void> KubeSyncClient::setCaFile(const QString &absolutePath)
{
    return m_endpoint.setCaFile(absolutePath);
}

Result<KubeSyncClient::Answer> KubeSyncClient::send(const QByteArray &method, const QString &path,
    const QString &what, const QByteArray &contentType, const QByteArray &body)
{
    QUrl url = KubeHttp::apiUrl(m_settings.apiServer, path.section(u'?', 0, 0));
    if (path.contains(u'?'))
        url.setQuery(path.section(u'?', 1), QUrl::StrictMode);
    QNetworkRequest request = m_endpoint.request(url);
    if (!contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    qCDebug(lcKubernetes).noquote() << method << KubeHttp::display(url);
    QNetworkReply *reply = body.isEmpty() && method == "GET"
        ? m_manager->get(request)
        : m_manager->sendCustomRequest(request, method, body);
    KubeReplyWatch *watch = KubeReplyWatch::watch(reply, m_endpoint.timeout, MaxBodyBytes);
    if (!reply->isFinished()) {
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
    }
    const std::unique_ptr<QNetworkReply> owned(reply);
    const KubeHttp::TransportFailure transport
        = watch->transportFailure(server(), what, tr("%1 %2").arg(QString::fromLatin1(method), what),
            m_endpoint.timeout, MaxBodyBytes, m_endpoint.caFile);
    if (transport.failure != KubeStatus::Failure::None)
        return failure(transport.error);
    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    return answer;
}

Result<QByteArray> KubeSyncClient::get(const QString &path, const QString &what)
{
    Result<Answer> answer = send("GET", path, what);
    if (!answer)
        return std::unexpected(answer.error());
    if (answer->status != 200)
        return failure(statusError(*answer, what, tr("reading it")));
    return answer->body;
}

QString KubeSyncClient::statusError(const Answer &answer, const QString &what, const QString &action) const
{
    const QString message = KubeParsing::statusMessage(answer.body);
    const QString because = message.isEmpty() ? QString() : u": "_s + message;
    switch (answer.status) {
    case 401:
        return tr("%1: 401 Unauthorized%2. The Kubernetes API at %3 refused the token stored as '%4' in "
                  "the keychain.")
            .arg(what, because, server(), m_settings.token.name);
    case 403:
        return tr("%1: 403 Forbidden%2. The token may not do this (%3) at the Kubernetes API at %4.")
            .arg(what, because, action, server());
    case 404:
        return tr("%1: 404 Not Found%2 (Kubernetes API at %3).").arg(what, because, server());
    default:
        return tr("%1: HTTP %2%3 while %4 (Kubernetes API at %5).")
            .arg(what)
            .arg(answer.status)
            .arg(because, action, server());
    }
}

QString KubeSyncClient::deploymentPath() const
{
    return u"/apis/apps/v1/namespaces/%1/deployments/%2"_s.arg(
        part(m_settings.ns), part(m_settings.deployment));
}

QString KubeSyncClient::podsPath(const QString &labelSelector) const
{
    return u"/api/v1/namespaces/%1/pods?labelSelector=%2"_s.arg(part(m_settings.ns), part(labelSelector));
}

QString KubeSyncClient::hpaCollectionPath() const
{
    return u"/apis/autoscaling/v2/namespaces/%1/horizontalpodautoscalers"_s.arg(part(m_settings.ns));
}

QString KubeSyncClient::hpaPath(const QString &name) const
{
    return hpaCollectionPath() + u'/' + part(name);
}
