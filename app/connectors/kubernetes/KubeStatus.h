#pragma once

#include "Result.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>

// One Pod of the Deployment, as the API's core/v1 Pod reports it.
struct KubePod
{
    QString name;
    QString phase; // Pending, Running, Succeeded, Failed, Unknown
    bool ready = false; // the Ready condition (else: every container ready)
    int restarts = 0; // the sum of the containers' restartCount
    QString podIP, hostIP, nodeName;
    QString containerState; // of the first container: "running", "waiting", "terminated" or empty
    QString stateReason; // e.g. CrashLoopBackOff, Error, "exit code 137"
    QDateTime startedAt; // UTC, of the running container, else of the pod
    QString image; // the first container's image
};

// An apps/v1 Deployment: what it asks for and what it has.
struct KubeDeployment
{
    int desired = -1; // spec.replicas; -1 when the API did not say
    int ready = 0, available = 0, updated = 0, total = 0; // status counts; omitted means 0
    QString image; // the first container's image
    QString imageTag; // KubeParsing::imageTag(image)
    QMap<QString, QString> selector; // spec.selector.matchLabels
    qint64 generation = 0, observedGeneration = 0;
};

// An autoscaling/v2 HorizontalPodAutoscaler; present is false when none was asked for.
struct KubeHpa
{
    bool present = false;
    int min = -1, max = -1, current = -1, desired = -1;
};

// What one refresh of a Kubernetes deployment found. A plain value.
struct KubeStatus
{
    enum class Failure
    {
        None,
        Unreachable, // refused, no route, unknown host
        Timeout, // no answer within the timeout
        Tls, // the API server's certificate is not trusted
        Unauthorized, // 401: the token was refused
        Forbidden, // 403: the token may not read the object
        NotFound, // 404: no such namespace or deployment
        BadResponse // another HTTP status, or an answer that is not the object asked for
    };

    Failure failure = Failure::None;
    QString error; // translated, names the API server and the object; never the token
    KubeDeployment deployment;
    QList<KubePod> pods;
    KubeHpa hpa;
    QString hpaError; // the HPA could not be read (the rest of the status stands)
    qint64 elapsedMs = 0;
    QDateTime checkedAt;

    bool ok() const { return failure == Failure::None; }
    // "none", "unreachable", "timeout", "tls", ...: stable words for JSON and logs.
    static QString failureName(Failure failure);
};

Q_DECLARE_METATYPE(KubePod)
Q_DECLARE_METATYPE(KubeDeployment)
Q_DECLARE_METATYPE(KubeHpa)
Q_DECLARE_METATYPE(KubeStatus)

// The pure parts: the API's JSON in, the values above out. Errors say what is wrong
// with the document; the caller adds where it came from.
namespace KubeParsing {

Result<KubeDeployment> deployment(QByteArrayView json);
Result<QList<KubePod>> pods(QByteArrayView podListJson);
Result<KubeHpa> hpa(QByteArrayView json);
// The message of a meta/v1 Status body; empty when the body is not one.
QString statusMessage(QByteArrayView body);
// The tag of an image reference: "registry:5000/jatos/jatos:3.10.4" -> "3.10.4";
// "repo@sha256:..." and "repo" -> "" (a digest is not a tag; the port is not one either).
QString imageTag(const QString &image);
// matchLabels as a label selector, "app=jatos,tier=web" (sorted by key).
QString labelSelector(const QMap<QString, QString> &labels);

} // namespace KubeParsing
