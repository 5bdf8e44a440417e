// The pure parsing of the Kubernetes API's answers: documents as the sandbox's
// emulation sends them and as the API reference shows them (zero counts left out,
// pods pending, crash-looping and killed), image tags and broken documents.
#include "connectors/kubernetes/KubeStatus.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QByteArray data(const char *name)
{
    QFile file(QStringLiteral(CLUSTERDESK_KUBE_TEST_DATA) + u'/' + QString::fromLatin1(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read test data %s", name);
    return file.readAll();
}

const KubePod *podNamed(const QList<KubePod> &pods, const QString &name)
{
    for (const KubePod &pod : pods) {
        if (pod.name == name)
            return &pod;
    }
    return nullptr;
}

} // namespace

class TestKubeParsing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sandboxDeployment();
    void deploymentWithOmittedCounts();
    void deploymentScaledToZero();
    void sandboxPods();
    void podStates();
    void emptyPodList();
    void hpa();
    void statusMessage_data();
    void statusMessage();
    void imageTag_data();
    void imageTag();
    void labelSelector();
    void badDocuments_data();
    void badDocuments();
    void failureNames();
};

void TestKubeParsing::sandboxDeployment()
{
    const auto d = KubeParsing::deployment(data("sandbox-deployment.json"));
    QVERIFY2(d, qPrintable(d ? QString() : d.error().message));
    QCOMPARE(d->desired, 3);
    QCOMPARE(d->total, 3);
    QCOMPARE(d->ready, 3);
    QCOMPARE(d->available, 3);
    QCOMPARE(d->updated, 3);
    QCOMPARE(d->image, u"jatos/jatos:3.10.4"_s);
    QCOMPARE(d->imageTag, u"3.10.4"_s);
    QCOMPARE(d->selector, (QMap<QString, QString> {{u"app"_s, u"jatos"_s}}));
    QCOMPARE(d->generation, 1);
    QCOMPARE(d->observedGeneration, 1);
}

void TestKubeParsing::deploymentWithOmittedCounts()
{
    // A rollout just started: nothing ready, so readyReplicas, availableReplicas and
    // updatedReplicas are left out of the status, as the real API does.
    const auto d = KubeParsing::deployment(data("deployment-new.json"));
    QVERIFY2(d, qPrintable(d ? QString() : d.error().message));
    QCOMPARE(d->desired, 2);
    QCOMPARE(d->total, 2);
    QCOMPARE(d->ready, 0);
    QCOMPARE(d->available, 0);
    QCOMPARE(d->updated, 0);
    QCOMPARE(d->generation, 4);
    QCOMPARE(d->observedGeneration, 3); // the controller has not seen the newest spec yet
    QCOMPARE(d->image, u"registry.example.org:5000/jatos/jatos:3.10.5"_s); // the first container's
    QCOMPARE(d->imageTag, u"3.10.5"_s);
    QCOMPARE(d->selector.size(), 2);
    QCOMPARE(d->selector.value(u"tier"_s), u"web"_s);
    QCOMPARE(d->selector.value(u"app.kubernetes.io/name"_s), u"jatos"_s);
}

void TestKubeParsing::deploymentScaledToZero()
{
    const QByteArray json
        = R"({"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"jatos","generation":2},
        "spec":{"replicas":0,"selector":{"matchLabels":{"app":"jatos"}},
                "template":{"spec":{"containers":[{"name":"jatos","image":"jatos/jatos:3.10.4"}]}}},
        "status":{"observedGeneration":2,"conditions":[]}})";
    const auto d = KubeParsing::deployment(json);
    QVERIFY(d);
    QCOMPARE(d->desired, 0);
    QCOMPARE(d->total, 0);
    QCOMPARE(d->ready, 0);

    // No spec.replicas at all: unknown, not zero.
    const auto noSpec = KubeParsing::deployment(R"({"kind":"Deployment","spec":{},"status":{}})");
    QVERIFY(noSpec);
    QCOMPARE(noSpec->desired, -1);
    QVERIFY(noSpec->image.isEmpty());
    QVERIFY(noSpec->imageTag.isEmpty());
}

void TestKubeParsing::sandboxPods()
{
    const auto pods = KubeParsing::pods(data("sandbox-pods.json"));
    QVERIFY2(pods, qPrintable(pods ? QString() : pods.error().message));
    QCOMPARE(pods->size(), 3);
    for (int k = 0; k < 3; ++k) {
        const KubePod &pod = pods->at(k);
        QVERIFY(pod.name.startsWith(u"jatos-"_s));
        QCOMPARE(pod.phase, u"Running"_s);
        QVERIFY(pod.ready);
        QCOMPARE(pod.containerState, u"running"_s);
        QCOMPARE(pod.nodeName, u"jatos-%1"_s.arg(k + 1));
        QCOMPARE(pod.podIP, u"127.59.1.%1"_s.arg(k + 1));
        QCOMPARE(pod.hostIP, pod.podIP);
        QCOMPARE(pod.image, u"jatos/jatos:3.10.4"_s);
        QCOMPARE(pod.restarts, 1);
        QVERIFY(pod.startedAt.isValid());
        QCOMPARE(pod.startedAt.timeSpec(), Qt::UTC);
        QVERIFY(pod.stateReason.isEmpty());
    }
}

void TestKubeParsing::podStates()
{
    const auto pods = KubeParsing::pods(data("pods-mixed.json"));
    QVERIFY2(pods, qPrintable(pods ? QString() : pods.error().message));
    QCOMPARE(pods->size(), 5);

    const KubePod *running = podNamed(*pods, u"jatos-7c9f6d8b5d-2xq8v"_s);
    QVERIFY(running);
    QVERIFY(running->ready);
    QCOMPARE(running->restarts, 3); // 2 + 1: every container counts
    QCOMPARE(running->containerState, u"running"_s);
    QVERIFY(running->stateReason.isEmpty()); // lastState's OOMKilled is history
    QCOMPARE(running->startedAt, QDateTime(QDate(2025, 3, 14), QTime(9, 27, 2), Qt::UTC));
    QCOMPARE(running->podIP, u"10.244.1.23"_s);
    QCOMPARE(running->hostIP, u"10.0.4.17"_s);
    QCOMPARE(running->nodeName, u"worker-a"_s);
    QCOMPARE(running->image, u"registry.example.org:5000/jatos/jatos:3.10.5"_s);

    const KubePod *pending = podNamed(*pods, u"jatos-7c9f6d8b5d-pend1"_s);
    QVERIFY(pending);
    QCOMPARE(pending->phase, u"Pending"_s);
    QVERIFY(!pending->ready); // no Ready condition and no containers
    QVERIFY(pending->containerState.isEmpty());
    QVERIFY(pending->podIP.isEmpty());
    QVERIFY(pending->nodeName.isEmpty());
    QVERIFY(!pending->startedAt.isValid());
    QCOMPARE(pending->restarts, 0);

    const KubePod *crash = podNamed(*pods, u"jatos-7c9f6d8b5d-crash"_s);
    QVERIFY(crash);
    QCOMPARE(crash->phase, u"Running"_s);
    QVERIFY(!crash->ready);
    QCOMPARE(crash->containerState, u"waiting"_s);
    QCOMPARE(crash->stateReason, u"CrashLoopBackOff"_s);
    QCOMPARE(crash->restarts, 7);
    QCOMPARE(crash->startedAt, QDateTime(QDate(2025, 3, 14), QTime(9, 26, 54), Qt::UTC)); // the pod's

    const KubePod *killed = podNamed(*pods, u"jatos-7c9f6d8b5d-kill9"_s);
    QVERIFY(killed);
    QCOMPARE(killed->phase, u"Failed"_s);
    QVERIFY(!killed->ready);
    QCOMPARE(killed->containerState, u"terminated"_s);
    QVERIFY2(killed->stateReason.contains(u"Error"_s), qPrintable(killed->stateReason));
    QVERIFY2(killed->stateReason.contains(u"137"_s), qPrintable(killed->stateReason));

    // No conditions: ready when every container is; fractional seconds are read.
    const KubePod *noConditions = podNamed(*pods, u"jatos-7c9f6d8b5d-nocond"_s);
    QVERIFY(noConditions);
    QVERIFY(noConditions->ready);
    QCOMPARE(noConditions->startedAt, QDateTime(QDate(2025, 3, 14), QTime(9, 30, 0, 123), Qt::UTC));
    QCOMPARE(noConditions->image,
        u"jatos/jatos@sha256:4b2c1f0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"_s);
}

void TestKubeParsing::emptyPodList()
{
    // As the API answers a selector nothing matches (and as kubectl -o json lists it).
    const auto api = KubeParsing::pods(R"({"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]})");
    QVERIFY(api);
    QVERIFY(api->isEmpty());
    const auto kubectl = KubeParsing::pods(R"({"apiVersion":"v1","items":[],"kind":"List","metadata":{}})");
    QVERIFY(kubectl);
    QVERIFY(kubectl->isEmpty());
}

void TestKubeParsing::hpa()
{
    const auto sandbox = KubeParsing::hpa(data("sandbox-hpa.json"));
    QVERIFY2(sandbox, qPrintable(sandbox ? QString() : sandbox.error().message));
    QVERIFY(sandbox->present);
    QCOMPARE(sandbox->min, 1);
    QCOMPARE(sandbox->max, 3);
    QCOMPARE(sandbox->current, 3);
    QCOMPARE(sandbox->desired, 3);

    const auto docs = KubeParsing::hpa(data("hpa-v2.json"));
    QVERIFY(docs);
    QCOMPARE(docs->min, 2);
    QCOMPARE(docs->max, 6);
    QCOMPARE(docs->current, 2);
    QCOMPARE(docs->desired, 4);

    // minReplicas left out means the API's default, 1; currentReplicas left out means 0.
    const auto defaults = KubeParsing::hpa(
        R"({"kind":"HorizontalPodAutoscaler","spec":{"maxReplicas":5},"status":{"desiredReplicas":0}})");
    QVERIFY(defaults);
    QCOMPARE(defaults->min, 1);
    QCOMPARE(defaults->max, 5);
    QCOMPARE(defaults->current, 0);
    QCOMPARE(defaults->desired, 0);
}

void TestKubeParsing::statusMessage_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("401") << data("status-401.json") << u"Unauthorized"_s;
    QTest::newRow("403")
        << QByteArray(
               R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"jatos\" is forbidden: User \"system:serviceaccount:research:viewer\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"research\"","reason":"Forbidden","details":{"name":"jatos","group":"apps","kind":"deployments"},"code":403})")
        << uR"(deployments.apps "jatos" is forbidden: User "system:serviceaccount:research:viewer" cannot get resource "deployments" in API group "apps" in the namespace "research")"_s;
    QTest::newRow("404") << QByteArray(
        R"({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": "deployments.apps \"nope\" not found", "reason": "NotFound", "code": 404})")
                         << uR"(deployments.apps "nope" not found)"_s;
    QTest::newRow("not a Status") << data("sandbox-hpa.json") << QString();
    QTest::newRow("html") << QByteArray("<html><body>502 Bad Gateway</body></html>") << QString();
    QTest::newRow("empty") << QByteArray() << QString();
}

void TestKubeParsing::statusMessage()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QCOMPARE(KubeParsing::statusMessage(body), message);
}

void TestKubeParsing::imageTag_data()
{
    QTest::addColumn<QString>("image");
    QTest::addColumn<QString>("tag");
    QTest::newRow("docker hub") << u"jatos/jatos:3.10.4"_s << u"3.10.4"_s;
    QTest::newRow("registry with port") << u"registry:5000/jatos/jatos:3.10.4"_s << u"3.10.4"_s;
    QTest::newRow("registry port, no tag") << u"registry:5000/jatos/jatos"_s << QString();
    QTest::newRow("no tag") << u"jatos/jatos"_s << QString();
    QTest::newRow("digest only")
        << u"jatos/jatos@sha256:4b2c1f0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"_s
        << QString();
    QTest::newRow("tag and digest")
        << u"registry:5000/jatos/jatos:3.10.4@sha256:4b2c1f0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"_s
        << u"3.10.4"_s;
    QTest::newRow("openspecimen") << u"krishagni/openspecimen:v11.0.2"_s << u"v11.0.2"_s;
    QTest::newRow("latest") << u"docker.io/library/tomcat:latest"_s << u"latest"_s;
    QTest::newRow("empty") << QString() << QString();
}

void TestKubeParsing::imageTag()
{
    QFETCH(QString, image);
    QFETCH(QString, tag);
    QCOMPARE(KubeParsing::imageTag(image), tag);
}

void TestKubeParsing::labelSelector()
{
    QCOMPARE(KubeParsing::labelSelector({{u"app"_s, u"jatos"_s}}), u"app=jatos"_s);
    QCOMPARE(KubeParsing::labelSelector({{u"tier"_s, u"web"_s}, {u"app.kubernetes.io/name"_s, u"jatos"_s}}),
        u"app.kubernetes.io/name=jatos,tier=web"_s);
    QCOMPARE(KubeParsing::labelSelector({}), QString());
}

void TestKubeParsing::badDocuments_data()
{
    QTest::addColumn<QString>("which");
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected"); // a part of the error

    QTest::newRow("deployment: not JSON")
        << u"deployment"_s << QByteArray("{\"kind\": \"Deployment\",\n  \"spec\": {") << u"line 2"_s;
    QTest::newRow("deployment: HTML")
        << u"deployment"_s << QByteArray("<html>502</html>") << u"not valid JSON"_s;
    QTest::newRow("deployment: an array")
        << u"deployment"_s << QByteArray("[1, 2]") << u"not a JSON object"_s;
    QTest::newRow("deployment: a Status") << u"deployment"_s << data("status-401.json") << u"Status"_s;
    QTest::newRow("deployment: replicas a string")
        << u"deployment"_s << QByteArray(R"({"kind":"Deployment","spec":{"replicas":"3"}})")
        << u"spec.replicas"_s;
    QTest::newRow("deployment: readyReplicas a float")
        << u"deployment"_s << QByteArray(R"({"kind":"Deployment","status":{"readyReplicas":2.5}})")
        << u"status.readyReplicas"_s;
    QTest::newRow("deployment: matchLabels a list")
        << u"deployment"_s
        << QByteArray(R"({"kind":"Deployment","spec":{"selector":{"matchLabels":["app"]}}})")
        << u"spec.selector.matchLabels"_s;
    QTest::newRow("pods: a Deployment") << u"pods"_s << data("sandbox-deployment.json") << u"Deployment"_s;
    QTest::newRow("pods: items an object")
        << u"pods"_s << QByteArray(R"({"kind":"PodList","items":{}})") << u"items"_s;
    QTest::newRow("pods: restartCount a string")
        << u"pods"_s
        << QByteArray(
               R"({"kind":"PodList","items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"},"status":{"containerStatuses":[{"restartCount":"1"}]}}]})")
        << u"items[1].status.containerStatuses[0].restartCount"_s;
    QTest::newRow("pods: truncated") << u"pods"_s << data("sandbox-pods.json").left(500)
                                     << u"not valid JSON"_s;
    QTest::newRow("hpa: a Deployment") << u"hpa"_s << data("sandbox-deployment.json") << u"Deployment"_s;
    QTest::newRow("hpa: maxReplicas null is fine, a string is not")
        << u"hpa"_s << QByteArray(R"({"kind":"HorizontalPodAutoscaler","spec":{"maxReplicas":"3"}})")
        << u"spec.maxReplicas"_s;
}

void TestKubeParsing::badDocuments()
{
    QFETCH(QString, which);
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    QString error;
    if (which == u"deployment") {
        const auto result = KubeParsing::deployment(json);
        QVERIFY(!result);
        error = result.error().message;
    } else if (which == u"pods") {
        const auto result = KubeParsing::pods(json);
        QVERIFY(!result);
        error = result.error().message;
    } else {
        const auto result = KubeParsing::hpa(json);
        QVERIFY(!result);
        error = result.error().message;
    }
    QVERIFY2(error.contains(expected), qPrintable(error));
}

void TestKubeParsing::failureNames()
{
    QCOMPARE(KubeStatus::failureName(KubeStatus::Failure::None), u"none"_s);
    QCOMPARE(KubeStatus::failureName(KubeStatus::Failure::Unauthorized), u"unauthorized"_s);
    QCOMPARE(KubeStatus::failureName(KubeStatus::Failure::NotFound), u"not-found"_s);
    QCOMPARE(KubeStatus::failureName(KubeStatus::Failure::Tls), u"tls"_s);
    KubeStatus status;
    QVERIFY(status.ok());
    status.failure = KubeStatus::Failure::Timeout;
    QVERIFY(!status.ok());
}

QTEST_GUILESS_MAIN(TestKubeParsing)
#include "tst_kubeparsing.moc"
