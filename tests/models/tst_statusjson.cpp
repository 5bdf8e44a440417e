// StatusJson: the CLI's --json document. Scripts depend on its shape (docs/cli.md),
// so every documented key is checked for presence and JSON type, and every value
// that is not known for being null rather than -1 or "".

#include "StatusJson.h"
#include "StatusTestSupport.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace StatusTestSupport;

namespace {

QString text(const Json &json)
{
    return QString::fromStdString(json.get<std::string>());
}

ClusterStatus fullStatus()
{
    NodeStatus one = upNode(u"jatos-1"_s);
    one.url = QUrl(u"http://admin:s3cret@10.0.1.1:9000/"_s);
    one.hostUptimeSeconds = 86400;
    one.control = ControlState::Ok;
    one.processRunning = true;
    one.installDirFreeBytes = 40532254720;
    one.javaVersion = u"openjdk version \"17.0.13\" 2024-10-15"_s;
    NodeStatus two = downNode(u"jatos-2"_s, u"connection refused by 10.0.1.2:9000"_s);
    NodeStatus three = upNode(u"jatos-3"_s, u"8.0-SNAPSHOT"_s);
    three.health = NodeHealth::Starting;
    three.latencyMs = 0;
    NodeStatus four;
    four.name = u"jatos-4"_s;
    four.url = QUrl(u"https://jatos-4.example.org/"_s);
    ClusterStatus status = cluster({one, two, three, four}, jatosDatabase(23, u"3.10.1"_s));
    status.replicas.desired = 4;
    status.replicas.ready = 1;
    return status;
}

Json document(const ClusterStatus &status)
{
    return StatusJson::toJson(status, ClusterAssessment::of(status, jatosEvolutions()));
}

} // namespace

class TestStatusJson : public QObject
{
    Q_OBJECT

private slots:
    void topLevelKeys();
    void replicas();
    void replicasUnknownAreNull();
    void autoscaler();
    void nodeKeys();
    void nodeValues();
    void nodeHealthWords();
    void userInfoRemoved();
    void replicaOfNode();
    void database();
    void databaseNotConfigured();
    void databaseUnknownsAreNull();
    void versionsAndOverall();
    void overallNames();
    void serialisesAsUtf8();
};

void TestStatusJson::topLevelKeys()
{
    const Json json = document(fullStatus());
    QVERIFY(json.is_object());
    QVERIFY(json.at("cluster").is_string());
    QCOMPARE(text(json.at("cluster")), u"Study cluster"_s);
    QCOMPARE(text(json.at("product")), u"jatos"_s);
    QCOMPARE(text(json.at("deployment")), u"hosts"_s);
    QCOMPARE(text(json.at("checkedAt")), u"2026-11-23T09:14:02.117Z"_s);
    QVERIFY(json.at("overall").is_string());
    QVERIFY(json.at("replicas").is_object());
    QVERIFY(json.at("versions").is_array());
    QVERIFY(json.at("mixedVersions").is_boolean());
    QVERIFY(json.at("schema").is_string());
    QVERIFY(json.at("warnings").is_array());
    QVERIFY(json.at("orchestratorError").is_null());
    QVERIFY(json.at("nodes").is_array());
    QCOMPARE(json.at("nodes").size(), size_t(4));
    QVERIFY(json.at("database").is_object());

    ClusterStatus status = fullStatus();
    status.orchestratorError = u"The Compose host does not answer."_s;
    status.refreshedAt = {};
    const Json failed = document(status);
    QCOMPARE(text(failed.at("orchestratorError")), status.orchestratorError);
    QVERIFY(failed.at("checkedAt").is_null());
}

void TestStatusJson::replicas()
{
    const Json replicas = document(fullStatus()).at("replicas");
    QVERIFY(replicas.at("desired").is_number_integer());
    QCOMPARE(replicas.at("desired").get<int>(), 4);
    QCOMPARE(replicas.at("ready").get<int>(), 1);
    QCOMPARE(text(replicas.at("source")), u"nodes"_s);
    QVERIFY(replicas.at("available").is_null());
    QVERIFY(replicas.at("updated").is_null());
    QVERIFY(replicas.at("image").is_null());
    QVERIFY(replicas.at("autoscaler").is_null());
}

void TestStatusJson::replicasUnknownAreNull()
{
    ClusterStatus status = fullStatus();
    status.replicas.desired = -1;
    status.replicas.ready = -1;
    Json replicas = document(status).at("replicas");
    QVERIFY(replicas.at("desired").is_null());
    QVERIFY(replicas.at("ready").is_null());

    // Zero is a count, not an unknown.
    status.replicas.desired = 0;
    status.replicas.ready = 0;
    replicas = document(status).at("replicas");
    QVERIFY(replicas.at("desired").is_number_integer());
    QCOMPARE(replicas.at("desired").get<int>(), 0);
    QCOMPARE(replicas.at("ready").get<int>(), 0);
}

void TestStatusJson::autoscaler()
{
    ClusterStatus status = fullStatus();
    status.replicas.source = ReplicaCounts::Source::Kubernetes;
    status.replicas.available = 2;
    status.replicas.updated = 3;
    status.replicas.image = u"jatos/jatos:3.10.4"_s;
    status.replicas.autoscaler = {true, 2, 6, 3, -1};
    const Json replicas = document(status).at("replicas");
    QCOMPARE(text(replicas.at("source")), u"kubernetes"_s);
    QCOMPARE(replicas.at("available").get<int>(), 2);
    QCOMPARE(replicas.at("updated").get<int>(), 3);
    QCOMPARE(text(replicas.at("image")), u"jatos/jatos:3.10.4"_s);
    const Json hpa = replicas.at("autoscaler");
    QVERIFY(hpa.is_object());
    QCOMPARE(hpa.at("min").get<int>(), 2);
    QCOMPARE(hpa.at("max").get<int>(), 6);
    QCOMPARE(hpa.at("current").get<int>(), 3);
    QVERIFY(hpa.at("desired").is_null());

    status.replicas.source = ReplicaCounts::Source::Compose;
    QCOMPARE(text(document(status).at("replicas").at("source")), u"compose"_s);
}

void TestStatusJson::nodeKeys()
{
    const Json nodes = document(fullStatus()).at("nodes");
    for (const Json &node : nodes) {
        const QString name = text(node.at("name"));
        QVERIFY2(node.at("url").is_string(), qPrintable(name));
        QVERIFY2(node.at("health").is_string(), qPrintable(name));
        QVERIFY2(node.at("version").is_string() || node.at("version").is_null(), qPrintable(name));
        QVERIFY2(
            node.at("latencyMs").is_number_integer() || node.at("latencyMs").is_null(), qPrintable(name));
        QVERIFY2(node.at("error").is_string() || node.at("error").is_null(), qPrintable(name));
        QVERIFY2(node.at("uptimeSeconds").is_number_integer() || node.at("uptimeSeconds").is_null(),
            qPrintable(name));
        QVERIFY2(node.at("checkedAt").is_string() || node.at("checkedAt").is_null(), qPrintable(name));
        QVERIFY2(node.at("discovered").is_boolean(), qPrintable(name));
        QVERIFY2(node.at("scheduled").is_boolean(), qPrintable(name));
        QVERIFY2(node.at("control").is_object(), qPrintable(name));
        QVERIFY2(node.at("control").at("state").is_string(), qPrintable(name));
        QVERIFY2(node.contains("replica"), qPrintable(name));
        // "" is never written for a value that is not known.
        for (const auto &[key, value] : node.items())
            QVERIFY2(!value.is_string() || !value.get<std::string>().empty(),
                qPrintable(name + u' ' + QString::fromStdString(key)));
    }
}

void TestStatusJson::nodeValues()
{
    const Json nodes = document(fullStatus()).at("nodes");
    const Json &up = nodes.at(0);
    QCOMPARE(text(up.at("version")), u"3.10.4"_s);
    QCOMPARE(up.at("latencyMs").get<int>(), 12);
    QVERIFY(up.at("error").is_null());
    QCOMPARE(up.at("uptimeSeconds").get<qint64>(), 86400);
    QCOMPARE(text(up.at("checkedAt")), u"2026-11-23T09:14:01.000Z"_s);
    QCOMPARE(up.at("discovered").get<bool>(), false);
    QCOMPARE(up.at("scheduled").get<bool>(), true);
    const Json &control = up.at("control");
    QCOMPARE(text(control.at("state")), u"ok"_s);
    QVERIFY(control.at("error").is_null());
    QCOMPARE(control.at("processRunning").get<bool>(), true);
    QCOMPARE(control.at("installDirFreeBytes").get<qint64>(), 40532254720);
    QVERIFY(control.at("sharedDirFreeBytes").is_null());
    QCOMPARE(text(control.at("javaVersion")), u"openjdk version \"17.0.13\" 2024-10-15"_s);
    QVERIFY(up.at("replica").is_null());

    const Json &down = nodes.at(1);
    QVERIFY(down.at("version").is_null());
    QVERIFY(down.at("latencyMs").is_null());
    QCOMPARE(text(down.at("error")), u"connection refused by 10.0.1.2:9000"_s);
    QVERIFY(down.at("uptimeSeconds").is_null());
    QCOMPARE(text(down.at("control").at("state")), u"not-configured"_s);

    // An unparsable version is passed on as reported; a latency of 0 ms is a value.
    const Json &starting = nodes.at(2);
    QCOMPARE(text(starting.at("version")), u"8.0-SNAPSHOT"_s);
    QCOMPARE(starting.at("latencyMs").get<int>(), 0);

    const Json &never = nodes.at(3);
    QVERIFY(never.at("checkedAt").is_null());
    QVERIFY(never.at("version").is_null());
}

void TestStatusJson::nodeHealthWords()
{
    const Json nodes = document(fullStatus()).at("nodes");
    QCOMPARE(text(nodes.at(0).at("health")), u"up"_s);
    QCOMPARE(text(nodes.at(1).at("health")), u"down"_s);
    QCOMPARE(text(nodes.at(2).at("health")), u"starting"_s);
    QCOMPARE(text(nodes.at(3).at("health")), u"unknown"_s);
}

void TestStatusJson::userInfoRemoved()
{
    const Json json = document(fullStatus());
    QCOMPARE(text(json.at("nodes").at(0).at("url")), u"http://10.0.1.1:9000/"_s);
    QVERIFY(!json.dump().contains("s3cret"));
    QVERIFY(!json.dump().contains("admin@"));
}

void TestStatusJson::replicaOfNode()
{
    ClusterStatus status = fullStatus();
    NodeStatus &pod = status.nodes[0];
    pod.discovered = true;
    pod.replicaName = u"jatos-7d9f8-abcde"_s;
    pod.replicaState = u"running"_s;
    pod.replicaReady = false;
    pod.restarts = 0;
    pod.placement = u"worker-2"_s;
    pod.replicaStartedAt = status.refreshedAt.addSecs(-90);
    Json node = document(status).at("nodes").at(0);
    QCOMPARE(node.at("discovered").get<bool>(), true);
    // The pod's age, not the host's uptime, measured at the refresh.
    QCOMPARE(node.at("uptimeSeconds").get<qint64>(), 90);
    const Json replica = node.at("replica");
    QVERIFY(replica.is_object());
    QCOMPARE(text(replica.at("name")), u"jatos-7d9f8-abcde"_s);
    QCOMPARE(text(replica.at("state")), u"running"_s);
    QCOMPARE(replica.at("ready").get<bool>(), false);
    QCOMPARE(replica.at("restarts").get<int>(), 0);
    QCOMPARE(text(replica.at("placement")), u"worker-2"_s);

    pod.restarts = -1;
    pod.replicaReady.reset();
    pod.placement.clear();
    pod.replicaState.clear();
    node = document(status).at("nodes").at(0);
    QVERIFY(node.at("replica").at("restarts").is_null());
    QVERIFY(node.at("replica").at("ready").is_null());
    QVERIFY(node.at("replica").at("placement").is_null());
    QVERIFY(node.at("replica").at("state").is_null());
}

void TestStatusJson::database()
{
    const Json db = document(fullStatus()).at("database");
    QCOMPARE(db.at("reachable").get<bool>(), true);
    QVERIFY(db.at("reachable").is_boolean());
    QCOMPARE(text(db.at("host")), u"10.0.1.10"_s);
    QCOMPARE(db.at("port").get<int>(), 3306);
    QCOMPARE(text(db.at("serverVersion")), u"10.11.6-MariaDB-0+deb12u1"_s);
    QCOMPARE(text(db.at("schemaVersion")), u"3.10.1"_s);
    QCOMPARE(db.at("schemaRevision").get<int>(), 23);
    const Json replicas = db.at("replicas");
    QVERIFY(replicas.is_object());
    QCOMPARE(text(replicas.at("kind")), u"standalone"_s);
    QCOMPARE(replicas.at("size").get<int>(), 1);
    QCOMPARE(text(replicas.at("summary")), u"standalone server"_s);
    QVERIFY(db.at("error").is_null());
    QVERIFY(db.at("latencyMs").is_number_integer());
    QCOMPARE(db.at("latencyMs").get<qint64>(), 8);
}

void TestStatusJson::databaseNotConfigured()
{
    ClusterStatus status = fullStatus();
    status.database = {};
    const Json json = document(status);
    QVERIFY(json.contains("database"));
    QVERIFY(json.at("database").is_null());
}

void TestStatusJson::databaseUnknownsAreNull()
{
    ClusterStatus status = fullStatus();
    DatabaseSummary &db = status.database;
    db.reachable = false;
    db.serverVersion.clear();
    db.schema = DatabaseSummary::Schema::Unknown;
    db.schemaRevision = -1;
    db.replicasKind.clear();
    db.replicaCount = -1;
    db.replicasSummary.clear();
    db.error = u"Access denied for user 'jatos'"_s;
    db.latencyMs = -1;
    const Json json = document(status).at("database");
    QCOMPARE(json.at("reachable").get<bool>(), false);
    QVERIFY(json.at("serverVersion").is_null());
    QVERIFY(json.at("schemaVersion").is_null());
    QVERIFY(json.at("schemaRevision").is_null());
    QCOMPARE(text(json.at("replicas").at("kind")), u"unknown"_s);
    QVERIFY(json.at("replicas").at("size").is_null());
    QVERIFY(json.at("replicas").at("summary").is_null());
    QCOMPARE(text(json.at("error")), u"Access denied for user 'jatos'"_s);
    QVERIFY(json.at("latencyMs").is_null());

    // A schema that is read but not a version (an evolution past the preset's map)
    // is shown as its text.
    db.schema = DatabaseSummary::Schema::Known;
    db.schemaVersion = {};
    db.schemaRevision = 24;
    db.schemaText = u"evolution 24"_s;
    QCOMPARE(text(document(status).at("database").at("schemaVersion")), u"evolution 24"_s);
    QCOMPARE(document(status).at("database").at("schemaRevision").get<int>(), 24);
}

void TestStatusJson::versionsAndOverall()
{
    ClusterStatus status = cluster({upNode(u"jatos-1"_s, u"3.10.5"_s), upNode(u"jatos-2"_s, u"v3.10.4"_s)},
        jatosDatabase(23, u"3.10.1"_s));
    const ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    const Json json = StatusJson::toJson(status, assessment);
    QVERIFY(json.at("versions") == Json::parse(R"(["3.10.4", "3.10.5"])"));
    QCOMPARE(json.at("mixedVersions").get<bool>(), true);
    QCOMPARE(text(json.at("overall")), u"degraded"_s);
    QCOMPARE(text(json.at("schema")), u"matches"_s);
    QCOMPARE(json.at("warnings").size(), size_t(assessment.warnings.size()));
    QCOMPARE(text(json.at("warnings").at(0)), assessment.warnings.at(0));
    // Versions are normalised, also in the nodes.
    QCOMPARE(text(json.at("nodes").at(1).at("version")), u"3.10.4"_s);
}

void TestStatusJson::overallNames()
{
    ClusterStatus status = cluster({upNode(u"jatos-1"_s)}, jatosDatabase(23, u"3.10.1"_s));
    Json json = document(status);
    QCOMPARE(text(json.at("overall")), u"healthy"_s);
    QVERIFY(json.at("warnings").empty());

    status.nodes[0] = downNode(u"jatos-1"_s);
    json = document(status);
    QCOMPARE(text(json.at("overall")), u"unreachable"_s);
    QCOMPARE(text(json.at("schema")), u"unknown"_s);
    QVERIFY(json.at("versions").empty());

    // The document says what the assessment says, not what it would compute itself.
    ClusterAssessment assessment;
    assessment.overall = ClusterAssessment::Overall::Degraded;
    assessment.schema = ClusterAssessment::SchemaRelation::BehindApp;
    json = StatusJson::toJson(status, assessment);
    QCOMPARE(text(json.at("overall")), u"degraded"_s);
    QCOMPARE(text(json.at("schema")), u"behind"_s);
}

void TestStatusJson::serialisesAsUtf8()
{
    ClusterStatus status = fullStatus();
    status.cluster = u"Studien-Cluster Zürich"_s;
    status.nodes[1].error = u"Verbindung abgelehnt – 10.0.1.2"_s;
    const std::string dumped = document(status).dump();
    const Json back = Json::parse(dumped);
    QCOMPARE(text(back.at("cluster")), u"Studien-Cluster Zürich"_s);
    QCOMPARE(text(back.at("nodes").at(1).at("error")), u"Verbindung abgelehnt – 10.0.1.2"_s);
}

QTEST_GUILESS_MAIN(TestStatusJson)
#include "tst_statusjson.moc"
