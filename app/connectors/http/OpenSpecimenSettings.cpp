#include "OpenSpecimenSettings.h"

#include "HttpLogging.h"
#include "core/TextHelpers.h"

#include <QHttpMultiPart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

namespace {

QNetworkRequest request(const QUrl &url, const QByteArray &token, std::chrono::milliseconds timeout)
{
    QNetworkRequest r(url);
    r.setRawHeader("X-OS-API-TOKEN", token);
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    r.setTransferTimeout(int(timeout.count()));
    return r;
}

QUrl endpoint(const QUrl &base, const QString &path)
{
    QUrl url = base;
    QString prefix = url.path();
    if (!prefix.endsWith(QLatin1Char('/')))
        prefix += QLatin1Char('/');
    url.setPath(prefix + path);
    return url;
}

} // namespace

OpenSpecimenSettings::OpenSpecimenSettings(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

OpenSpecimenSettings::~OpenSpecimenSettings() = default;

QString OpenSpecimenSettings::describe(QNetworkReply *reply, const QByteArray &body) const
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0)
        return TextHelpers::networkFailure(reply->error(), reply->errorString());
    // OpenSpecimen answers errors as [{"code": ..., "message": ...}].
    QStringList messages;
    const QJsonDocument document = QJsonDocument::fromJson(body);
    for (const QJsonValue &item : document.array()) {
        const QString message = item.toObject().value(QStringLiteral("message")).toString();
        if (!message.isEmpty())
            messages.append(message.left(300));
    }
    QString text = tr("HTTP %1").arg(status);
    if (status == 401 || status == 403)
        text
            += tr(" (the admin token was refused; check the keychain entry the profile names as adminToken)");
    if (!messages.isEmpty())
        text += QStringLiteral(": ") + messages.join(QStringLiteral("; "));
    return text;
}

void OpenSpecimenSettings::uploadClusterJson(
    const QUrl &baseUrl, const QByteArray &token, const QByteArray &json)
{
    QUrl url = endpoint(baseUrl, QStringLiteral("rest/ng/config-settings/files"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("module"), QString::fromLatin1(Module));
    query.addQueryItem(QStringLiteral("property"), QString::fromLatin1(Property));
    url.setQuery(query);

    auto *multipart = new QHttpMultiPart(QHttpMultiPart::FormDataType);
    QHttpPart file;
    file.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    file.setHeader(QNetworkRequest::ContentDispositionHeader,
        QStringLiteral("form-data; name=\"file\"; filename=\"cluster.json\""));
    file.setBody(json);
    multipart->append(file);

    qCInfo(lcHttp) << "uploading the cluster JSON to" << url.toDisplayString(QUrl::RemoveUserInfo);
    QNetworkReply *reply = m_network->post(request(url, token, m_timeout), multipart);
    multipart->setParent(reply);
    connect(reply, &QNetworkReply::finished, this, [this, reply, baseUrl, token] {
        reply->deleteLater();
        const QByteArray body = reply->readAll();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError || status != 200) {
            Q_EMIT uploaded(OpenSpecimenUpload {
                failure(tr("uploading the cluster JSON to %1 failed: %2")
                            .arg(baseUrl.toDisplayString(QUrl::RemoveUserInfo), describe(reply, body)))});
            return;
        }
        const QString stored = QString::fromUtf8(body).trimmed();
        if (stored.isEmpty() || stored.contains(QLatin1Char('/'))) {
            Q_EMIT uploaded(OpenSpecimenUpload {
                failure(tr("%1 did not answer the uploaded file's name").arg(baseUrl.toDisplayString()))});
            return;
        }
        saveSetting(baseUrl, token, stored);
    });
}

void OpenSpecimenSettings::saveSetting(
    const QUrl &baseUrl, const QByteArray &token, const QString &storedName)
{
    const QUrl url = endpoint(baseUrl, QStringLiteral("rest/ng/config-settings"));
    QNetworkRequest r = request(url, token, m_timeout);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    const QByteArray body = QJsonDocument(
        QJsonObject {{QStringLiteral("module"), QString::fromLatin1(Module)},
            {QStringLiteral("name"), QString::fromLatin1(Property)},
            {QStringLiteral("value"),
                storedName}}).toJson(QJsonDocument::Compact);
    QNetworkReply *reply = m_network->put(r, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, baseUrl, storedName] {
        reply->deleteLater();
        const QByteArray answer = reply->readAll();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError || status != 200) {
            Q_EMIT uploaded(OpenSpecimenUpload {
                failure(tr("saving the cluster setting on %1 failed: %2")
                            .arg(baseUrl.toDisplayString(QUrl::RemoveUserInfo), describe(reply, answer)))});
            return;
        }
        qCInfo(lcHttp) << "cluster JSON saved as" << storedName;
        Q_EMIT uploaded(OpenSpecimenUpload {storedName});
    });
}
