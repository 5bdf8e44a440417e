#include "HttpProbeJob.h"

#include "HttpLogging.h"
#include "core/TextHelpers.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslConfiguration>

#include <cmath>
#include <utility>

namespace {

// Problems a pinned certificate may have: who signed it and which name it carries.
// Expiry, revocation, a broken signature or chain stay refusals.
bool isPinnable(const QSslError &error)
{
    switch (error.error()) {
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::CertificateUntrusted:
    case QSslError::HostNameMismatch:
        return true;
    default:
        return false;
    }
}

QString sha256Of(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex());
}

QString secondsText(int ms)
{
    return QString::number(ms / 1000.0, 'g', 3);
}

} // namespace

HttpProbeJob::HttpProbeJob(QNetworkAccessManager *manager, NodeSpec node,
    std::shared_ptr<const ProductPreset> preset, int timeoutMs, bool readVersion, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
    , m_node(std::move(node))
    , m_presetHolder(std::move(preset))
    , m_preset(*m_presetHolder)
    , m_readVersion(readVersion)
    , m_timeoutMs(timeoutMs)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer); // a coarse timer may fire 5 % early: "no answer within N s"
    connect(&m_timer, &QTimer::timeout, this, [this] {
        m_timedOut = true;
        if (m_reply)
            m_reply->abort();
    });
    m_status.nodeName = m_node.name;
}

HttpProbeJob::~HttpProbeJob()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        delete m_reply;
    }
}

QUrl HttpProbeJob::resolve(const QUrl &base, const QString &path)
{
    QUrl folder = base;
    if (!folder.path().endsWith(QLatin1Char('/')))
        folder.setPath(folder.path() + QLatin1Char('/'));
    if (path.isEmpty())
        return folder;
    return folder.resolved(QUrl(path));
}

QString HttpProbeJob::displayUrl(const QUrl &url)
{
    return url.toDisplayString(QUrl::RemoveUserInfo);
}

void HttpProbeJob::start()
{
    m_status.healthUrl = resolve(m_node.url, m_preset.health.path).adjusted(QUrl::RemoveUserInfo);
    send(Stage::Health, resolve(m_node.url, m_preset.health.path));
}

void HttpProbeJob::send(Stage stage, const QUrl &url)
{
    m_stage = stage;
    m_url = url;
    m_timedOut = false;
    m_tooLarge = false;
    m_pinMismatch = false;
    m_sslProblems.clear();

    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("Clusterdesk"));

    qCDebug(lcHttp) << "GET" << displayUrl(url) << "for" << m_node.name;
    m_elapsed.start();
    m_reply = m_manager->get(request);
    m_reply->setParent(this);
    connect(m_reply, &QNetworkReply::finished, this, &HttpProbeJob::onFinished);
    connect(m_reply, &QNetworkReply::sslErrors, this, &HttpProbeJob::onSslErrors);
    connect(m_reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64) {
        if (received > MaxBodyBytes) {
            m_tooLarge = true;
            m_reply->abort();
            return;
        }
        m_timer.start(); // activity: the timeout starts again
    });
    m_timer.start(m_timeoutMs);
}

void HttpProbeJob::onSslErrors(const QList<QSslError> &errors)
{
    QSslCertificate peer = m_reply->sslConfiguration().peerCertificate();
    if (peer.isNull() && !errors.isEmpty())
        peer = errors.constFirst().certificate();
    m_status.presentedCertificateSha256 = sha256Of(peer);

    QStringList problems;
    bool pinnable = !errors.isEmpty();
    for (const QSslError &error : errors) {
        problems.append(error.errorString());
        pinnable = pinnable && isPinnable(error);
    }
    problems.removeDuplicates();
    m_sslProblems = problems.join(QStringLiteral("; "));

    const QString &pin = m_node.tlsCertificateSha256;
    if (pin.isEmpty())
        return;
    if (pinnable && !m_status.presentedCertificateSha256.isEmpty()
        && m_status.presentedCertificateSha256.compare(pin, Qt::CaseInsensitive) == 0) {
        qCDebug(lcHttp) << "accepting the pinned certificate of" << m_node.name;
        m_reply->ignoreSslErrors(errors); // exactly these, for this reply only
        m_sslProblems.clear();
        return;
    }
    m_pinMismatch = true;
}

HttpProbeJob::Answer HttpProbeJob::takeAnswer()
{
    Answer answer;
    const QString where = tr("%1 (%2)").arg(m_node.name, displayUrl(m_url));
    const QNetworkReply::NetworkError error = m_reply->error();
    const QVariant status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (m_reply->sslConfiguration().peerCertificate().isNull() == false
        && m_status.presentedCertificateSha256.isEmpty())
        m_status.presentedCertificateSha256 = sha256Of(m_reply->sslConfiguration().peerCertificate());

    if (m_timedOut) {
        answer.failure = tr("%1: no answer within %2 s").arg(where, secondsText(m_timeoutMs));
    } else if (m_tooLarge) {
        answer.failure = tr("%1: the answer is larger than %2 MiB").arg(where).arg(MaxBodyBytes >> 20);
    } else if (error == QNetworkReply::InsecureRedirectError) {
        const QString target = QString::fromUtf8(m_reply->rawHeader("Location"));
        answer.failure = tr("%1: refused a redirect from https to http (%2): the answer would travel "
                            "unencrypted")
                             .arg(where, target.isEmpty() ? tr("an http:// address") : target);
        answer.health = NodeHttpStatus::Health::Unknown;
    } else if (error == QNetworkReply::SslHandshakeFailedError || !m_sslProblems.isEmpty()) {
        const QString fingerprint = m_status.presentedCertificateSha256.isEmpty()
            ? tr("(none presented)")
            : m_status.presentedCertificateSha256;
        if (m_pinMismatch)
            answer.failure = tr("%1: the TLS certificate does not match the pinned SHA-256 fingerprint "
                                "(%2). The certificate presented has SHA-256 fingerprint %3.")
                                 .arg(where, m_sslProblems, fingerprint);
        else
            answer.failure = tr("%1: the TLS certificate is not trusted (%2). The certificate presented "
                                "has SHA-256 fingerprint %3.")
                                 .arg(where, m_sslProblems.isEmpty() ? m_reply->errorString() : m_sslProblems,
                                     fingerprint);
        answer.health = NodeHttpStatus::Health::Unknown;
    } else if (status.isValid() && status.toInt() > 0) {
        answer.ok = true;
        answer.status = status.toInt();
        answer.body = m_reply->readAll();
    } else {
        const QString reason = TextHelpers::networkFailure(error, m_reply->errorString());
        answer.failure = tr("%1: %2").arg(where, reason);
    }
    return answer;
}

void HttpProbeJob::onFinished()
{
    m_timer.stop();
    const qint64 nanoseconds = m_elapsed.nsecsElapsed();
    const Answer answer = takeAnswer();
    m_reply->disconnect(this);
    m_reply->deleteLater();
    m_reply = nullptr;

    if (m_stage == Stage::Health) {
        // Rounded up: an answer came, so it took time, even below a millisecond.
        if (answer.ok) {
            m_status.latencyMs = int(std::ceil(double(nanoseconds) / 1e6));
            m_status.httpStatus = answer.status;
        }
        evaluateHealth(answer);
        if (m_status.health != NodeHttpStatus::Health::Up || !m_readVersion) {
            finish();
            return;
        }
        m_status.versionRead = true;
        switch (m_preset.version.source) {
        case VersionProbe::Source::None:
            break;
        case VersionProbe::Source::File:
            m_status.versionNote
                = tr("the version is in a file on the node (%1): read over SSH").arg(m_preset.version.path);
            break;
        case VersionProbe::Source::HttpBody:
        case VersionProbe::Source::HttpJson: {
            const QUrl versionUrl = resolve(m_node.url, m_preset.version.path);
            if (versionUrl == resolve(m_node.url, m_preset.health.path)) {
                extractVersion(answer.body);
                break;
            }
            send(Stage::Version, versionUrl);
            return;
        }
        }
        finish();
        return;
    }

    if (!answer.ok)
        m_status.versionNote = tr("version unknown: %1").arg(answer.failure);
    else if (answer.status != 200)
        m_status.versionNote = tr("version unknown: %1 (%2) answered HTTP %3")
                                   .arg(m_node.name, displayUrl(m_url))
                                   .arg(answer.status);
    else
        extractVersion(answer.body);
    finish();
}

void HttpProbeJob::evaluateHealth(const Answer &answer)
{
    using Health = NodeHttpStatus::Health;
    if (!answer.ok) {
        m_status.health = answer.health;
        m_status.error = answer.failure;
        return;
    }
    const QString where = tr("%1 (%2)").arg(m_node.name, displayUrl(m_url));
    const HealthCheck &check = m_preset.health;
    if (answer.status != check.expectStatus) {
        m_status.health = answer.status == 503 ? Health::Starting : Health::Down;
        m_status.error = answer.status == 503
            ? tr("%1: answered HTTP 503 (service unavailable): starting or overloaded").arg(where)
            : tr("%1: answered HTTP %2 instead of %3").arg(where).arg(answer.status).arg(check.expectStatus);
        return;
    }
    if (!check.expectBody.isEmpty() && QString::fromUtf8(answer.body).trimmed() != check.expectBody) {
        m_status.health = Health::Down;
        m_status.error = tr("%1: the answer is not \"%2\"").arg(where, check.expectBody);
        return;
    }
    if (!check.expectJsonKey.isEmpty()) {
        const QJsonDocument document = QJsonDocument::fromJson(answer.body);
        if (!document.isObject() || !document.object().contains(check.expectJsonKey)) {
            m_status.health = Health::Down;
            m_status.error
                = tr("%1: the answer is not a JSON object with \"%2\"").arg(where, check.expectJsonKey);
            return;
        }
    }
    m_status.health = Health::Up;
}

void HttpProbeJob::extractVersion(const QByteArray &body)
{
    const VersionProbe &probe = m_preset.version;
    const QString where = tr("%1 (%2)").arg(m_node.name, displayUrl(m_url));
    if (probe.source == VersionProbe::Source::HttpBody) {
        const QRegularExpression pattern(probe.pattern, QRegularExpression::MultilineOption);
        const QRegularExpressionMatch match = pattern.match(QString::fromUtf8(body));
        if (match.hasMatch() && pattern.captureCount() >= 1)
            m_status.versionText = match.captured(1).trimmed();
        else
            m_status.versionNote = tr("version unknown: %1 shows no version").arg(where);
    } else {
        const QJsonDocument document = QJsonDocument::fromJson(body);
        const QJsonValue value = document.isObject() ? document.object().value(probe.jsonKey) : QJsonValue();
        if (value.isString())
            m_status.versionText = value.toString().trimmed();
        else if (value.isDouble())
            m_status.versionText = QString::number(value.toDouble());
        else
            m_status.versionNote
                = tr("version unknown: %1 has no \"%2\" in its JSON answer").arg(where, probe.jsonKey);
    }
    if (!m_status.versionText.isEmpty()) {
        m_status.version = Version::parse(m_status.versionText);
        if (!m_status.version.isKnown())
            m_status.versionNote
                = tr("\"%1\" is not a version that can be ordered").arg(m_status.versionText);
    }
}

void HttpProbeJob::finish()
{
    if (m_done)
        return;
    m_done = true;
    m_status.checkedAt = QDateTime::currentDateTimeUtc();
    qCDebug(lcHttp) << m_node.name << NodeHttpStatus::healthName(m_status.health) << m_status.latencyMs
                    << "ms" << m_status.versionText << m_status.error;
    emit finished(m_status);
    deleteLater();
}
