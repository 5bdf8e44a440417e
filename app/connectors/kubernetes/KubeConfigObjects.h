#pragma once

#include "ClusterProfile.h"
#include "KubeHttp.h"
#include "KubeStatus.h"
#include "Result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

#include <chrono>

class KubeReplyWatch;
class QNetworkAccessManager;
class QNetworkReply;

// One Secret or ConfigMap as read (or as it stands after a patch).
struct KubeObject
{
    enum class Kind
    {
        Secret,
        ConfigMap
    };

    Kind kind = Kind::Secret;
    QString name;
    QString ns;
    QString resourceVersion;
    QMap<QString, QByteArray> data; // a Secret's values base64-decoded; a ConfigMap's as UTF-8
    bool found = false; // false: the API answered 404 (not an error)
};

// The answer to one read() or patch(): the object, or an error that names it (never
// a value of it).
struct KubeObjectReply
{
    quint64 id = 0;
    Result<KubeObject> result = KubeObject();
};

// The answer to one scale(): the replica count the API server now asks for.
struct KubeScaleReply
{
    quint64 id = 0;
    Result<int> result = 0;
};

Q_DECLARE_METATYPE(KubeObject)
Q_DECLARE_METATYPE(KubeObjectReply)
Q_DECLARE_METATYPE(KubeScaleReply)

// Reads and patches the Secrets and ConfigMaps in the profile's namespace that hold a
// product's configuration (see productObjects()), over the same REST API, token and
// TLS rules as KubeClient: only the CA file when one is set, no redirects, a timeout
// reset on activity, at most MaxBodyBytes. Every request answers once by signal with
// the id read() or patch() returned; nothing blocks the caller's thread.
//
// A patch is an RFC 7386 merge patch of `data` that carries the resourceVersion the
// caller read, so a change made in between is refused (409) instead of overwritten.
// Values never reach a log line or an error text: those name the object and keys.
class KubeConfigObjects final : public QObject
{
    Q_OBJECT

public:
    using Kind = KubeObject::Kind;
    static constexpr qint64 MaxBodyBytes = 32 * 1024 * 1024;

    // One place a product's configuration lives in Kubernetes.
    struct Entry
    {
        Kind kind;
        QString object; // the Secret's or ConfigMap's name
        QString key; // in its data
        QString meaning; // what Clusterdesk calls it: "appSecret", "database.password", ...
    };

    explicit KubeConfigObjects(const KubernetesSettings &settings, QObject *parent = nullptr);
    ~KubeConfigObjects() override;

    const KubernetesSettings &settings() const { return m_settings; }

    // As KubeClient: the bearer token (empty sends none), the only CA trusted (empty:
    // the system's CAs; fails and changes nothing when unreadable), the time a request
    // may go without an answer.
    void setToken(const QByteArray &token);
    Result<void> setCaFile(const QString &absolutePath);
    void setTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds timeout() const { return m_endpoint.timeout; }

    // Starts reading the object; readFinished() answers with the returned id.
    quint64 read(Kind kind, const QString &name);
    // Starts a merge patch of these data keys (the others stay); with a non-empty
    // expectedResourceVersion the API refuses it when the object changed since.
    // patchFinished() answers with the returned id and the object as patched.
    quint64 patch(Kind kind, const QString &name, const QMap<QString, QByteArray> &data,
        const QString &expectedResourceVersion);

    // Starts a merge patch of the Deployment's scale subresource (apps/v1
    // .../deployments/NAME/scale, spec.replicas); scaleFinished() answers with the id.
    quint64 scale(const QString &deployment, int replicas);

    int pendingCount() const { return int(m_pending.size()); }

    // "/api/v1/namespaces/NS/secrets/NAME" or ".../configmaps/NAME" (parts percent-encoded).
    static QString objectPath(Kind kind, const QString &ns, const QString &name);
    // "Secret", "ConfigMap".
    static QString kindName(Kind kind);
    // The naming convention Clusterdesk expects in a product's namespace, the same as
    // the products' own Kubernetes examples:
    //   jatos         Secret jatos-secret {JATOS_SECRET} (appSecret), Secret mysql-pass
    //                 {password} (database.password), ConfigMap jatos-config
    //                 {JATOS_DB_URL, JATOS_DB_USERNAME, JATOS_MULTINODE}
    //   openspecimen  Secret openspecimen-secret {clusterSecret, dbPassword}
    //   joget         Secret joget-secret {workflowPassword}
    // Empty for another product.
    static QList<Entry> productObjects(const QString &product);

Q_SIGNALS:
    void readFinished(const KubeObjectReply &reply);
    void patchFinished(const KubeObjectReply &reply);
    void scaleFinished(const KubeScaleReply &reply);

private:
    struct Pending
    {
        quint64 id = 0;
        bool isPatch = false;
        bool isScale = false; // a Deployment's scale; name is the Deployment's
        int replicas = 0; // of a scale
        Kind kind = Kind::Secret;
        QString name;
        QUrl url;
        QMap<QString, QByteArray> values; // of a patch: cut out of the API's error messages
        KubeReplyWatch *watch = nullptr; // a child of the reply
    };

    quint64 start(Pending pending, const QByteArray &patchBody);
    QString objectText(Kind kind, const QString &name) const;
    void onReply(QNetworkReply *reply);
    Result<KubeObject> answerOf(QNetworkReply *reply, const Pending &pending) const;
    Result<int> scaleAnswerOf(QNetworkReply *reply, const Pending &pending) const;
    void abortAll();

    KubernetesSettings m_settings;
    KubeHttp::Endpoint m_endpoint;
    quint64 m_nextId = 1;
    QHash<QNetworkReply *, Pending> m_pending;
};
