#include "KubeConfigObjects.h"

#include "JsonReader.h"
#include "KubeHttp.h"
#include "KubeLogging.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace {

const std::string *stringAt(const Json &json, std::initializer_list<const char *> path)
{
    const Json *current = &json;
    for (const char *key : path) {
        if (!current->is_object())
            return nullptr;
        const auto it = current->find(key);
        if (it == current->end())
            return nullptr;
        current = &*it;
    }
    return current->is_string() ? current->get_ptr<const std::string *>() : nullptr;
}

// The API's Status message with every value we sent cut out: an API server may quote
// an invalid value, and errors never carry one.
QString scrubbed(QString message, const QMap<QString, QByteArray> &values)
{
    for (const QByteArray &value : values) {
        if (value.size() < 3)
            continue; // too short to tell apart from ordinary words
        message.replace(QString::fromUtf8(value), u"…"_s);
        message.replace(QString::fromLatin1(value.toBase64()), u"…"_s);
    }
    return message;
}

} // namespace

KubeConfigObjects::KubeConfigObjects(const KubernetesSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
{
    m_endpoint.manager = KubeHttp::newManager(this);
    qRegisterMetaType<KubeObjectReply>();
    qRegisterMetaType<KubeScaleReply>();
}

KubeConfigObjects::~KubeConfigObjects()
{
    abortAll();
}

void KubeConfigObjects::setToken(const QByteArray &token)
{
    m_endpoint.token = token;
}

Result<void> KubeConfigObjects::setCaFile(const QString &absolutePath)
{
    return m_endpoint.setCaFile(absolutePath);
}

void KubeConfigObjects::setTimeout(std::chrono::milliseconds timeout)
{
    m_endpoint.setTimeout(timeout);
}

QString KubeConfigObjects::kindName(Kind kind)
{
    return kind == Kind::Secret ? u"Secret"_s : u"ConfigMap"_s;
}

QString KubeConfigObjects::objectPath(Kind kind, const QString &ns, const QString &name)
{
    const auto part = [](const QString &text) { return QString::fromLatin1(QUrl::toPercentEncoding(text)); };
    return u"/api/v1/namespaces/%1/%2/%3"_s.arg(
        part(ns), kind == Kind::Secret ? u"secrets"_s : u"configmaps"_s, part(name));
}

QList<KubeConfigObjects::Entry> KubeConfigObjects::productObjects(const QString &product)
{
    if (product == u"jatos")
        return {
            {Kind::Secret, u"jatos-secret"_s, u"JATOS_SECRET"_s, u"appSecret"_s},
            {Kind::Secret, u"mysql-pass"_s, u"password"_s, u"database.password"_s},
            {Kind::ConfigMap, u"jatos-config"_s, u"JATOS_DB_URL"_s, u"jatos.db.url"_s},
            {Kind::ConfigMap, u"jatos-config"_s, u"JATOS_DB_USERNAME"_s, u"jatos.db.username"_s},
            {Kind::ConfigMap, u"jatos-config"_s, u"JATOS_MULTINODE"_s, u"jatos.multiNode"_s},
        };
    if (product == u"openspecimen")
        return {
            {Kind::Secret, u"openspecimen-secret"_s, u"clusterSecret"_s, u"clusterSecret"_s},
            {Kind::Secret, u"openspecimen-secret"_s, u"dbPassword"_s, u"database.password"_s},
        };
    if (product == u"joget")
        return {
            {Kind::Secret, u"joget-secret"_s, u"workflowPassword"_s, u"database.password"_s},
        };
    return {};
}

QString KubeConfigObjects::objectText(Kind kind, const QString &name) const
{
    return u"%1 %2/%3"_s.arg(kindName(kind), m_settings.ns, name);
}

quint64 KubeConfigObjects::read(Kind kind, const QString &name)
{
    Pending pending;
    pending.kind = kind;
    pending.name = name;
    return start(pending, {});
}

quint64 KubeConfigObjects::patch(Kind kind, const QString &name, const QMap<QString, QByteArray> &data,
    const QString &expectedResourceVersion)
{
    Json body = Json::object();
    if (!expectedResourceVersion.isEmpty())
        body["metadata"]["resourceVersion"] = expectedResourceVersion.toStdString();
    Json values = Json::object();
    for (auto it = data.cbegin(); it != data.cend(); ++it) {
        values[it.key().toStdString()]
            = kind == Kind::Secret ? it.value().toBase64().toStdString() : it.value().toStdString();
    }
    body["data"] = std::move(values);

    Pending pending;
    pending.isPatch = true;
    pending.kind = kind;
    pending.name = name;
    pending.values = data;
    qCDebug(lcKubernetes).noquote() << "patching the keys" << QStringList(data.keys()).join(u", "_s) << "of"
                                    << objectText(kind, name);
    return start(pending, QByteArray::fromStdString(body.dump()));
}

quint64 KubeConfigObjects::scale(const QString &deployment, int replicas)
{
    Pending pending;
    pending.isScale = true;
    pending.name = deployment;
    pending.replicas = replicas;
    pending.id = m_nextId++;
    const QString object = u"Deployment %1/%2"_s.arg(m_settings.ns, deployment);
    if (deployment.isEmpty() || m_settings.ns.isEmpty() || replicas < 0) {
        const KubeScaleReply reply {pending.id,
            failure(tr("%1: cannot scale it to %2 replicas (no name, no namespace or a negative count).")
                        .arg(object)
                        .arg(replicas))};
        QMetaObject::invokeMethod(
            this, [this, reply] { Q_EMIT scaleFinished(reply); }, Qt::QueuedConnection);
        return pending.id;
    }
    const auto part = [](const QString &text) { return QString::fromLatin1(QUrl::toPercentEncoding(text)); };
    pending.url = KubeHttp::apiUrl(m_settings.apiServer,
        u"/apis/apps/v1/namespaces/%1/deployments/%2/scale"_s.arg(part(m_settings.ns), part(deployment)));
    QNetworkRequest request = m_endpoint.request(pending.url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/merge-patch+json"));
    Json body = Json::object();
    body["spec"]["replicas"] = replicas;
    qCDebug(lcKubernetes).noquote() << "scaling" << object << "to" << replicas << "replicas";
    QNetworkReply *reply = m_endpoint.manager->sendCustomRequest(
        request, QByteArrayLiteral("PATCH"), QByteArray::fromStdString(body.dump()));
    pending.watch = KubeReplyWatch::watch(reply, m_endpoint.timeout, MaxBodyBytes);
    m_pending.insert(reply, pending);
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onReply(reply); });
    return pending.id;
}

Result<int> KubeConfigObjects::scaleAnswerOf(QNetworkReply *reply, const Pending &pending) const
{
    const QString server = KubeHttp::display(m_settings.apiServer);
    const QString object = u"Deployment %1/%2"_s.arg(m_settings.ns, pending.name);
    const QString action = tr("scaling %1 to %2 replicas").arg(object).arg(pending.replicas);
    const KubeHttp::TransportFailure transport = pending.watch->transportFailure(
        server, object, action, m_endpoint.timeout, MaxBodyBytes, m_endpoint.caFile);
    if (transport.failure != KubeStatus::Failure::None)
        return failure(transport.error);
    const int httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (httpStatus != 200) {
        QString message = KubeParsing::statusMessage(body);
        if (message.isEmpty())
            message = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        const QString because = message.isEmpty() ? QString() : u": "_s + message;
        if (httpStatus == 401)
            return failure(tr("%1: 401 Unauthorized%2. The Kubernetes API at %3 refused the token stored as "
                              "'%4' in the keychain.")
                               .arg(object, because, server, m_settings.token.name));
        if (httpStatus == 403)
            return failure(tr("%1: 403 Forbidden%2. The token may not scale it (Kubernetes API at %3).")
                               .arg(object, because, server));
        return failure(tr("%1: HTTP %2%3 while %4 (Kubernetes API at %5).")
                           .arg(object)
                           .arg(httpStatus)
                           .arg(because, action, server));
    }
    ValidationIssues issues;
    const auto json = parseJsonText(body, issues);
    if (!json || !json->is_object())
        return failure(tr("The Kubernetes API at %1 sent an unreadable answer for %2: not a JSON object.")
                           .arg(server, object));
    const auto spec = json->find("spec");
    if (spec == json->end() || !spec->is_object())
        return 0; // replicas 0 is left out, as the API does
    const auto replicas = spec->find("replicas");
    if (replicas == spec->end())
        return 0;
    if (!replicas->is_number_integer())
        return failure(tr("The Kubernetes API at %1 sent an unreadable answer for %2: spec.replicas is not a "
                          "number.")
                           .arg(server, object));
    return replicas->get<int>();
}

quint64 KubeConfigObjects::start(Pending pending, const QByteArray &patchBody)
{
    pending.id = m_nextId++;
    const QString object = objectText(pending.kind, pending.name);
    if (pending.name.isEmpty() || m_settings.ns.isEmpty()) {
        // Answered from the event loop like any other request.
        const KubeObjectReply reply {pending.id,
            failure(tr("%1: no %2 name to ask the Kubernetes API for.")
                        .arg(object, pending.name.isEmpty() ? kindName(pending.kind) : tr("namespace")))};
        const bool isPatch = pending.isPatch;
        QMetaObject::invokeMethod(
            this,
            [this, reply, isPatch] {
                if (isPatch)
                    Q_EMIT patchFinished(reply);
                else
                    Q_EMIT readFinished(reply);
            },
            Qt::QueuedConnection);
        return pending.id;
    }

    pending.url
        = KubeHttp::apiUrl(m_settings.apiServer, objectPath(pending.kind, m_settings.ns, pending.name));
    QNetworkRequest request = m_endpoint.request(pending.url);
    QNetworkReply *reply = nullptr;
    if (pending.isPatch) {
        request.setHeader(
            QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/merge-patch+json"));
        qCDebug(lcKubernetes) << "PATCH" << pending.url.toDisplayString(QUrl::RemoveUserInfo);
        reply = m_endpoint.manager->sendCustomRequest(request, QByteArrayLiteral("PATCH"), patchBody);
    } else {
        qCDebug(lcKubernetes) << "GET" << pending.url.toDisplayString(QUrl::RemoveUserInfo);
        reply = m_endpoint.manager->get(request);
    }
    pending.watch = KubeReplyWatch::watch(reply, m_endpoint.timeout, MaxBodyBytes);
    m_pending.insert(reply, pending);
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onReply(reply); });
    return pending.id;
}

Result<KubeObject> KubeConfigObjects::answerOf(QNetworkReply *reply, const Pending &pending) const
{
    const QString server = KubeHttp::display(m_settings.apiServer);
    const QString object = objectText(pending.kind, pending.name);
    const QString action = pending.isPatch ? tr("patching %1").arg(object) : tr("reading %1").arg(object);
    const KubeHttp::TransportFailure transport = pending.watch->transportFailure(
        server, object, action, m_endpoint.timeout, MaxBodyBytes, m_endpoint.caFile);
    if (transport.failure != KubeStatus::Failure::None)
        return failure(transport.error);

    const int httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (httpStatus == 404 && !pending.isPatch) {
        KubeObject missing;
        missing.kind = pending.kind;
        missing.name = pending.name;
        missing.ns = m_settings.ns;
        return missing;
    }
    if (httpStatus != 200) {
        // The API server may quote a value it refused: cut out every value sent.
        QString message = scrubbed(KubeParsing::statusMessage(body), pending.values);
        if (message.isEmpty())
            message = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        const QString because = message.isEmpty() ? QString() : u": "_s + message;
        switch (httpStatus) {
        case 401:
            return failure(m_endpoint.token.isEmpty()
                    ? tr("%1: 401 Unauthorized%2. The Kubernetes API at %3 wants a token: store one as '%4' "
                         "in the keychain.")
                          .arg(object, because, server, m_settings.token.name)
                    : tr("%1: 401 Unauthorized%2. The Kubernetes API at %3 refused the token: check the "
                         "token stored as '%4' in the keychain.")
                          .arg(object, because, server, m_settings.token.name));
        case 403:
            return failure(pending.isPatch
                    ? tr("%1: 403 Forbidden%2. The token may not patch it (Kubernetes API at %3).")
                          .arg(object, because, server)
                    : tr("%1: 403 Forbidden%2. The token may not read it (Kubernetes API at %3).")
                          .arg(object, because, server));
        case 404:
            return failure(tr("%1: 404 Not Found%2 (Kubernetes API at %3).").arg(object, because, server));
        case 409:
            return failure(tr("%1 changed since it was read (409 Conflict%2). Read it again and repeat "
                              "the change.")
                               .arg(object, because));
        default:
            return failure(
                tr("%1: HTTP %2%3 (Kubernetes API at %4).").arg(object).arg(httpStatus).arg(because, server));
        }
    }

    // Never quote the body: it holds the values.
    const auto unreadable = [&](const QString &why) {
        return failure(
            tr("The Kubernetes API at %1 sent an unreadable answer for %2: %3.").arg(server, object, why));
    };
    ValidationIssues issues;
    const auto json = parseJsonText(body, issues);
    if (!json || !json->is_object())
        return unreadable(tr("not a JSON object"));
    const std::string *kind = stringAt(*json, {"kind"});
    if (kind && QString::fromStdString(*kind) != kindName(pending.kind))
        return unreadable(tr("it is a %1").arg(QString::fromStdString(*kind)));

    KubeObject result;
    result.kind = pending.kind;
    result.found = true;
    const std::string *name = stringAt(*json, {"metadata", "name"});
    result.name = name ? QString::fromStdString(*name) : pending.name;
    const std::string *ns = stringAt(*json, {"metadata", "namespace"});
    result.ns = ns ? QString::fromStdString(*ns) : m_settings.ns;
    const std::string *version = stringAt(*json, {"metadata", "resourceVersion"});
    result.resourceVersion = version ? QString::fromStdString(*version) : QString();

    const auto data = json->find("data");
    if (data != json->end() && !data->is_null()) {
        if (!data->is_object())
            return unreadable(tr("data is not an object"));
        for (auto it = data->begin(); it != data->end(); ++it) {
            const QString key = QString::fromStdString(it.key());
            if (!it->is_string())
                return unreadable(tr("data.%1 is not a string").arg(key));
            const QByteArray raw = QByteArray::fromStdString(it->get<std::string>());
            if (pending.kind == Kind::ConfigMap) {
                result.data.insert(key, raw);
                continue;
            }
            const auto decoded = QByteArray::fromBase64Encoding(raw, QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                return unreadable(tr("data.%1 is not base64").arg(key));
            result.data.insert(key, *decoded);
        }
    }
    if (result.name != pending.name)
        return unreadable(tr("it is %1").arg(objectText(pending.kind, result.name)));
    return result;
}

void KubeConfigObjects::onReply(QNetworkReply *reply)
{
    const auto it = m_pending.constFind(reply);
    if (it == m_pending.constEnd())
        return;
    const Pending pending = it.value();
    m_pending.erase(it);
    reply->disconnect(this);
    reply->deleteLater();

    if (pending.isScale) {
        const KubeScaleReply scaled {pending.id, scaleAnswerOf(reply, pending)};
        if (scaled.result)
            qCDebug(lcKubernetes).noquote() << "scaled Deployment" << pending.name << "to" << *scaled.result;
        else
            qCInfo(lcKubernetes).noquote() << scaled.result.error().message;
        Q_EMIT scaleFinished(scaled);
        return;
    }

    const KubeObjectReply answer {pending.id, answerOf(reply, pending)};
    const int httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (answer.result) {
        // Names and keys only.
        qCDebug(lcKubernetes).noquote()
            << (pending.isPatch ? "patched" : "read") << objectText(pending.kind, pending.name) << "HTTP"
            << httpStatus << (answer.result->found ? "keys" : "not found")
            << QStringList(answer.result->data.keys()).join(u", "_s) << "resourceVersion"
            << answer.result->resourceVersion;
    } else {
        qCInfo(lcKubernetes).noquote() << answer.result.error().message;
    }
    if (pending.isPatch)
        Q_EMIT patchFinished(answer);
    else
        Q_EMIT readFinished(answer);
}

void KubeConfigObjects::abortAll()
{
    const auto replies = m_pending.keys();
    m_pending.clear();
    for (QNetworkReply *reply : replies) {
        reply->disconnect(this);
        reply->abort();
        delete reply;
    }
}
