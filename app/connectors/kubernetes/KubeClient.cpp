#include "KubeClient.h"

#include "KubeHttp.h"
#include "KubeLogging.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

using KubeHttp::display;

KubeClient::KubeClient(const KubernetesSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
{
    m_endpoint.manager = KubeHttp::newManager(this);
}

KubeClient::~KubeClient()
{
    abortAll();
}

void KubeClient::setToken(const QByteArray &token)
{
    m_endpoint.token = token;
}

Result<void> KubeClient::setCaFile(const QString &absolutePath)
{
    return m_endpoint.setCaFile(absolutePath);
}

void KubeClient::setTimeout(std::chrono::milliseconds timeout)
{
    m_endpoint.setTimeout(timeout);
}

QUrl KubeClient::apiUrl(const QString &path) const
{
    // The API server may sit under a path (a proxy such as Rancher's): keep it.
    return KubeHttp::apiUrl(m_settings.apiServer, path);
}

QString KubeClient::objectName(Stage stage) const
{
    switch (stage) {
    case Stage::Deployment:
        return tr("deployment '%1' in namespace '%2'").arg(m_settings.deployment, m_settings.ns);
    case Stage::Pods:
        return tr("the pods of deployment '%1' in namespace '%2'").arg(m_settings.deployment, m_settings.ns);
    case Stage::Hpa:
        return tr("HorizontalPodAutoscaler '%1' in namespace '%2'").arg(m_settings.hpa, m_settings.ns);
    }
    return {};
}

bool KubeClient::refresh()
{
    if (m_running)
        return false;
    m_running = true;
    m_status = KubeStatus();
    m_status.checkedAt = QDateTime::currentDateTimeUtc();
    m_elapsed.start();

    get(Stage::Deployment,
        apiUrl(u"/apis/apps/v1/namespaces/%1/deployments/%2"_s.arg(m_settings.ns, m_settings.deployment)));
    if (!m_settings.hpa.isEmpty())
        get(Stage::Hpa,
            apiUrl(u"/apis/autoscaling/v2/namespaces/%1/horizontalpodautoscalers/%2"_s.arg(
                m_settings.ns, m_settings.hpa)));
    return true;
}

void KubeClient::get(Stage stage, const QUrl &url)
{
    const QNetworkRequest request = m_endpoint.request(url);

    qCDebug(lcKubernetes) << "GET" << url.toDisplayString(QUrl::RemoveUserInfo);
    QNetworkReply *reply = m_endpoint.manager->get(request);
    Pending pending;
    pending.stage = stage;
    pending.url = url;
    pending.watch = KubeReplyWatch::watch(reply, m_endpoint.timeout, MaxBodyBytes);
    m_pending.insert(reply, pending);
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onReply(reply); });
}

KubeClient::Answer KubeClient::answerOf(QNetworkReply *reply, const Pending &pending) const
{
    using Failure = KubeStatus::Failure;
    Answer answer;
    const QString server = display(m_settings.apiServer);
    const QString object = objectName(pending.stage);
    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int httpStatus = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
    const KubeHttp::TransportFailure transport = pending.watch->transportFailure(
        server, object, tr("reading %1").arg(object), m_endpoint.timeout, MaxBodyBytes, m_endpoint.caFile);
    if (transport.failure != Failure::None) {
        answer.failure = transport.failure;
        answer.error = transport.error;
        return answer;
    }

    const QByteArray body = reply->readAll();
    if (httpStatus == 200) {
        answer.body = body;
        return answer;
    }
    QString message = KubeParsing::statusMessage(body);
    if (message.isEmpty())
        message = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    const QString because = message.isEmpty() ? QString() : u": "_s + message;
    switch (httpStatus) {
    case 401:
        answer.failure = Failure::Unauthorized;
        answer.error = m_endpoint.token.isEmpty()
            ? tr("The Kubernetes API at %1 wants a token (401 Unauthorized)%2. Store one as '%3' in the "
                 "keychain.")
                  .arg(server, because, m_settings.token.name)
            : tr("The Kubernetes API at %1 refused the token (401 Unauthorized)%2. Check the token "
                 "stored as '%3' in the keychain.")
                  .arg(server, because, m_settings.token.name);
        break;
    case 403:
        answer.failure = Failure::Forbidden;
        answer.error = tr("The Kubernetes API at %1 does not let this token read %2 (403 Forbidden)%3.")
                           .arg(server, object, because);
        break;
    case 404:
        answer.failure = Failure::NotFound;
        answer.error
            = tr("The Kubernetes API at %1 has no %2 (404 Not Found)%3.").arg(server, object, because);
        break;
    default:
        answer.failure = Failure::BadResponse;
        answer.error = tr("The Kubernetes API at %1 answered HTTP %2 for %3%4.")
                           .arg(server)
                           .arg(httpStatus)
                           .arg(object, because);
        break;
    }
    return answer;
}

void KubeClient::onReply(QNetworkReply *reply)
{
    const auto it = m_pending.constFind(reply);
    if (it == m_pending.constEnd())
        return;
    const Pending pending = it.value();
    m_pending.erase(it);
    reply->disconnect(this);
    reply->deleteLater();

    const Answer answer = answerOf(reply, pending);
    qCDebug(lcKubernetes) << "answer for" << display(pending.url) << ":"
                          << reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt()
                          << KubeStatus::failureName(answer.failure);
    handle(pending.stage, answer);
    finishIfDone();
}

void KubeClient::handle(Stage stage, const Answer &answer)
{
    using Failure = KubeStatus::Failure;
    const QString server = display(m_settings.apiServer);
    switch (stage) {
    case Stage::Hpa: {
        if (answer.failure != Failure::None) {
            m_status.hpaError = answer.error;
            return;
        }
        auto hpa = KubeParsing::hpa(answer.body);
        if (!hpa) {
            m_status.hpaError = tr("The Kubernetes API at %1 sent an unreadable answer for %2: %3")
                                    .arg(server, objectName(stage), hpa.error().message);
            return;
        }
        m_status.hpa = *hpa;
        return;
    }
    case Stage::Deployment: {
        if (answer.failure != Failure::None)
            return fail(answer.failure, answer.error);
        auto deployment = KubeParsing::deployment(answer.body);
        if (!deployment)
            return fail(Failure::BadResponse,
                tr("The Kubernetes API at %1 sent an unreadable answer for %2: %3")
                    .arg(server, objectName(stage), deployment.error().message));
        m_status.deployment = *deployment;
        if (deployment->selector.isEmpty())
            return fail(Failure::BadResponse,
                tr("The Kubernetes API at %1: %2 selects its pods without matchLabels, which Clusterdesk "
                   "cannot follow.")
                    .arg(server, objectName(stage)));
        QUrl url = apiUrl(u"/api/v1/namespaces/%1/pods"_s.arg(m_settings.ns));
        url.setQuery(u"labelSelector="_s
                + QString::fromLatin1(
                    QUrl::toPercentEncoding(KubeParsing::labelSelector(deployment->selector))),
            QUrl::StrictMode);
        get(Stage::Pods, url);
        return;
    }
    case Stage::Pods: {
        if (answer.failure != Failure::None)
            return fail(answer.failure, answer.error);
        auto pods = KubeParsing::pods(answer.body);
        if (!pods)
            return fail(Failure::BadResponse,
                tr("The Kubernetes API at %1 sent an unreadable answer for %2: %3")
                    .arg(server, objectName(stage), pods.error().message));
        m_status.pods = *pods;
        return;
    }
    }
}

void KubeClient::fail(KubeStatus::Failure failure, const QString &error)
{
    if (m_status.failure != KubeStatus::Failure::None)
        return;
    m_status.failure = failure;
    m_status.error = error;
    qCInfo(lcKubernetes).noquote() << error;
}

void KubeClient::finishIfDone()
{
    if (!m_pending.isEmpty() || !m_running)
        return;
    m_running = false;
    m_status.elapsedMs = m_elapsed.elapsed();
    if (m_status.failure != KubeStatus::Failure::None)
        m_status.hpa = KubeHpa(); // half a status would mislead
    const KubeStatus status = m_status;
    Q_EMIT finished(status);
}

void KubeClient::abortAll()
{
    const auto replies = m_pending.keys();
    m_pending.clear();
    for (QNetworkReply *reply : replies) {
        reply->disconnect(this);
        reply->abort();
        delete reply;
    }
}
