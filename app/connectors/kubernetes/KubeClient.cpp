#include "KubeClient.h"

#include "KubeLogging.h"
#include "core/TextHelpers.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QSslError>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {

QString secondsText(std::chrono::milliseconds timeout)
{
    return QString::number(double(timeout.count()) / 1000.0, 'g', 3);
}

QString display(const QUrl &url)
{
    return url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
}

} // namespace

KubeClient::KubeClient(const KubernetesSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_manager(new QNetworkAccessManager(this))
{
    m_manager->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_manager->setCookieJar(nullptr);
}

KubeClient::~KubeClient()
{
    abortAll();
}

void KubeClient::setToken(const QByteArray &token)
{
    m_token = token;
}

Result<void> KubeClient::setCaFile(const QString &absolutePath)
{
    if (absolutePath.isEmpty()) {
        m_caCertificates.clear();
        m_caFile.clear();
        m_manager->clearConnectionCache();
        return {};
    }
    QFile file(absolutePath);
    if (!file.open(QIODevice::ReadOnly))
        return failure(tr("Cannot read the Kubernetes CA file %1: %2").arg(absolutePath, file.errorString()));
    const QList<QSslCertificate> certificates
        = QSslCertificate::fromData(file.read(4 * 1024 * 1024), QSsl::Pem);
    if (certificates.isEmpty())
        return failure(tr("The Kubernetes CA file %1 holds no PEM certificate").arg(absolutePath));
    m_caCertificates = certificates;
    m_caFile = absolutePath;
    m_manager->clearConnectionCache(); // a kept connection was verified against the old CAs
    return {};
}

void KubeClient::setTimeout(std::chrono::milliseconds timeout)
{
    m_timeout = std::max(timeout, std::chrono::milliseconds(1));
}

QUrl KubeClient::apiUrl(const QString &path) const
{
    // The API server may sit under a path (a proxy such as Rancher's): keep it.
    QUrl url = m_settings.apiServer;
    QString base = url.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + path);
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
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
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("Clusterdesk"));
    request.setRawHeader("Accept", "application/json");
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    if (url.scheme() == u"https") {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
        if (!m_caCertificates.isEmpty())
            ssl.setCaCertificates(m_caCertificates); // only these: the system's CAs are not asked
        request.setSslConfiguration(ssl);
    }

    qCDebug(lcKubernetes) << "GET" << url.toDisplayString(QUrl::RemoveUserInfo);
    QNetworkReply *reply = m_manager->get(request);
    Pending pending;
    pending.stage = stage;
    pending.url = url;
    m_pending.insert(reply, pending);

    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    timer->setTimerType(Qt::PreciseTimer);
    connect(timer, &QTimer::timeout, this, [this, reply] {
        m_pending[reply].timedOut = true;
        reply->abort();
    });
    connect(reply, &QNetworkReply::downloadProgress, this, [this, reply, timer](qint64 received, qint64) {
        if (received > MaxBodyBytes) {
            m_pending[reply].tooLarge = true;
            reply->abort();
            return;
        }
        timer->start(); // bytes came: the timeout starts again
    });
    connect(reply, &QNetworkReply::sslErrors, this, [this, reply](const QList<QSslError> &errors) {
        QStringList problems;
        for (const QSslError &error : errors)
            problems.append(error.errorString());
        problems.removeDuplicates();
        m_pending[reply].sslProblems = problems.join(u"; "_s);
        // Not ignored: the handshake fails.
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onReply(reply); });
    timer->start(m_timeout);
}

KubeClient::Answer KubeClient::answerOf(QNetworkReply *reply, const Pending &pending) const
{
    using Failure = KubeStatus::Failure;
    Answer answer;
    const QString server = display(m_settings.apiServer);
    const QString object = objectName(pending.stage);
    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int httpStatus = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
    const QNetworkReply::NetworkError error = reply->error();

    if (pending.timedOut) {
        answer.failure = Failure::Timeout;
        answer.error = tr("The Kubernetes API at %1 gave no answer within %2 s (reading %3).")
                           .arg(server, secondsText(m_timeout), object);
        return answer;
    }
    if (pending.tooLarge) {
        answer.failure = Failure::BadResponse;
        answer.error = tr("The Kubernetes API at %1 sent more than %2 MiB for %3.")
                           .arg(server)
                           .arg(MaxBodyBytes >> 20)
                           .arg(object);
        return answer;
    }
    if (!pending.sslProblems.isEmpty() || error == QNetworkReply::SslHandshakeFailedError) {
        answer.failure = Failure::Tls;
        const QString problems = pending.sslProblems.isEmpty() ? reply->errorString() : pending.sslProblems;
        answer.error = m_caFile.isEmpty()
            ? tr("The Kubernetes API at %1 presented a TLS certificate that is not trusted (%2). No CA "
                 "file is set, so the system's CAs were asked.")
                  .arg(server, problems)
            : tr("The Kubernetes API at %1 presented a TLS certificate that is not trusted (%2). It "
                 "must be signed by the CA in %3.")
                  .arg(server, problems, m_caFile);
        return answer;
    }
    if (httpStatus <= 0) {
        answer.failure = Failure::Unreachable;
        if (error == QNetworkReply::TimeoutError)
            answer.failure = Failure::Timeout;
        const QString reason = TextHelpers::networkFailure(error, reply->errorString());
        answer.error = tr("The Kubernetes API at %1 cannot be reached: %2.").arg(server, reason);
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
        answer.error = m_token.isEmpty()
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
