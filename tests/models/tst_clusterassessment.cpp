// ClusterAssessment: the verdict the dashboard shows and the CLI turns into its exit
// status. Each rule is checked on its own, on a cluster that is healthy but for it.

#include "ClusterStatus.h"
#include "StatusTestSupport.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace StatusTestSupport;

using Overall = ClusterAssessment::Overall;
using Relation = ClusterAssessment::SchemaRelation;

Q_DECLARE_METATYPE(ClusterAssessment::Overall)
Q_DECLARE_METATYPE(ClusterAssessment::SchemaRelation)
Q_DECLARE_METATYPE(NodeHealth)
Q_DECLARE_METATYPE(ControlState)

namespace {

ClusterStatus healthyJatos()
{
    return cluster(
        {upNode(u"jatos-1"_s), upNode(u"jatos-2"_s), upNode(u"jatos-3"_s)}, jatosDatabase(23, u"3.10.1"_s));
}

QStringList versionTexts(const QList<Version> &versions)
{
    QStringList texts;
    for (const Version &version : versions)
        texts << version.normalized();
    return texts;
}

bool anyContains(const QStringList &lines, const QString &part)
{
    return std::any_of(
        lines.cbegin(), lines.cend(), [&](const QString &line) { return line.contains(part); });
}

} // namespace

class TestClusterAssessment : public QObject
{
    Q_OBJECT

private slots:
    void healthNames_data();
    void healthNames();

    void uptimePrefersReplicaStart();

    void exitCodes_data();
    void exitCodes();
    void relationNames();

    void healthy();
    void oneNodeDown();
    void downNodeWithoutError();
    void allNodesDown();
    void databaseUnreachable();
    void databaseNotCheckedIsNoVerdict();
    void databaseErrorWhileReachable();
    void orchestratorError();
    void mixedVersions();
    void unknownVersion();
    void downNodeIgnoredForVersions();

    void jatosSchema_data();
    void jatosSchema();
    void schemaAheadIsFirstSeriousWarning();
    void openSpecimenSchema_data();
    void openSpecimenSchema();
    void schemaNotApplicable();
    void jatosSchemaPastTheMap();

    void unscheduledNodes();
    void allUnscheduledScaledToZero();
    void replicasShort();
    void scaledToZero();
    void startingNodesAnswer();
    void controlFailures_data();
    void controlFailures();
    void unknownHealthWithError();
};

void TestClusterAssessment::healthNames_data()
{
    QTest::addColumn<NodeHealth>("health");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("display");

    QTest::addRow("up") << NodeHealth::Up << u"up"_s << u"Up"_s;
    QTest::addRow("starting") << NodeHealth::Starting << u"starting"_s << u"Starting"_s;
    QTest::addRow("down") << NodeHealth::Down << u"down"_s << u"Down"_s;
    QTest::addRow("unknown") << NodeHealth::Unknown << u"unknown"_s << u"Unknown"_s;
}

void TestClusterAssessment::healthNames()
{
    QFETCH(NodeHealth, health);
    QFETCH(QString, name);
    QFETCH(QString, display);

    QCOMPARE(NodeHealthText::name(health), name);
    QCOMPARE(NodeHealthText::display(health), display);
}

void TestClusterAssessment::uptimePrefersReplicaStart()
{
    const QDateTime now(QDate(2026, 11, 23), QTime(12, 0), Qt::UTC);
    NodeStatus node = upNode(u"jatos-1"_s);
    QVERIFY(!node.uptimeSeconds(now).has_value());

    node.hostUptimeSeconds = 86400;
    QCOMPARE(node.uptimeSeconds(now), std::optional<qint64>(86400));

    // The container restarted an hour ago: that is the application's uptime, not the host's.
    node.replicaStartedAt = now.addSecs(-3600);
    QCOMPARE(node.uptimeSeconds(now), std::optional<qint64>(3600));

    // A start in the future (clocks apart) is no uptime; the host's is used.
    node.replicaStartedAt = now.addSecs(120);
    QCOMPARE(node.uptimeSeconds(now), std::optional<qint64>(86400));
    node.hostUptimeSeconds.reset();
    QVERIFY(!node.uptimeSeconds(now).has_value());

    // Started at this very moment: zero, not unknown.
    node.replicaStartedAt = now;
    QCOMPARE(node.uptimeSeconds(now), std::optional<qint64>(0));
}

void TestClusterAssessment::exitCodes_data()
{
    QTest::addColumn<Overall>("overall");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("name");

    QTest::addRow("healthy") << Overall::Healthy << 0 << u"healthy"_s;
    QTest::addRow("degraded") << Overall::Degraded << 1 << u"degraded"_s;
    QTest::addRow("unreachable") << Overall::Unreachable << 2 << u"unreachable"_s;
}

void TestClusterAssessment::exitCodes()
{
    QFETCH(Overall, overall);
    QFETCH(int, exitCode);
    QFETCH(QString, name);

    ClusterAssessment assessment;
    assessment.overall = overall;
    QCOMPARE(assessment.exitCode(), exitCode);
    QCOMPARE(ClusterAssessment::overallName(overall), name);
}

void TestClusterAssessment::relationNames()
{
    QCOMPARE(ClusterAssessment::schemaRelationName(Relation::Matches), u"matches"_s);
    QCOMPARE(ClusterAssessment::schemaRelationName(Relation::AheadOfApp), u"ahead"_s);
    QCOMPARE(ClusterAssessment::schemaRelationName(Relation::BehindApp), u"behind"_s);
    QCOMPARE(ClusterAssessment::schemaRelationName(Relation::Unknown), u"unknown"_s);
}

void TestClusterAssessment::healthy()
{
    const ClusterAssessment assessment = ClusterAssessment::of(healthyJatos(), jatosEvolutions());
    QVERIFY2(assessment.warnings.isEmpty(), qPrintable(assessment.warnings.join(u'\n')));
    QCOMPARE(assessment.overall, Overall::Healthy);
    QCOMPARE(assessment.exitCode(), 0);
    QCOMPARE(versionTexts(assessment.versions), QStringList {u"3.10.4"_s});
    QVERIFY(!assessment.mixedVersions);
    QVERIFY(!assessment.unknownVersion);
    QCOMPARE(assessment.schema, Relation::Matches);
}

void TestClusterAssessment::oneNodeDown()
{
    ClusterStatus status = healthyJatos();
    status.nodes[1] = downNode(u"jatos-2"_s, u"connection refused by 10.0.1.2:9000"_s);
    const ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QCOMPARE(assessment.overall, Overall::Degraded);
    QCOMPARE(assessment.exitCode(), 1);
    QCOMPARE(assessment.warnings, QStringList {u"jatos-2 is down: connection refused by 10.0.1.2:9000"_s});
    // The two that answer still agree with the schema.
    QCOMPARE(assessment.schema, Relation::Matches);
}

void TestClusterAssessment::downNodeWithoutError()
{
    ClusterStatus status = healthyJatos();
    status.nodes[2] = downNode(u"jatos-3"_s);
    const ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QCOMPARE(assessment.overall, Overall::Degraded);
    QCOMPARE(assessment.warnings, QStringList {u"jatos-3 is down."_s});
}

void TestClusterAssessment::allNodesDown()
{
    ClusterStatus status
        = cluster({downNode(u"jatos-1"_s, u"no answer within 5 s"_s), downNode(u"jatos-2"_s)},
            jatosDatabase(23, u"3.10.1"_s));
    const ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QCOMPARE(assessment.overall, Overall::Unreachable);
    QCOMPARE(assessment.exitCode(), 2);
    QVERIFY(!assessment.warnings.isEmpty());
    QCOMPARE(assessment.warnings.first(), u"No node of the cluster answers."_s);
    QVERIFY(assessment.warnings.contains(u"jatos-1 is down: no answer within 5 s"_s));
    QVERIFY(assessment.warnings.contains(u"jatos-2 is down."_s));
    // Nothing answers, so nothing is known about versions or the schema.
    QVERIFY(assessment.versions.isEmpty());
    QCOMPARE(assessment.schema, Relation::Unknown);
}

void TestClusterAssessment::databaseUnreachable()
{
    ClusterStatus status = healthyJatos();
    status.database.reachable = false;
    status.database.schema = DatabaseSummary::Schema::Unknown;
    status.database.error = u"Can't connect to server on '10.0.1.10' (115)"_s;
    const ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QCOMPARE(assessment.overall, Overall::Unreachable);
    QCOMPARE(assessment.exitCode(), 2);
    QCOMPARE(assessment.warnings,
        QStringList {u"The database cannot be reached: Can't connect to server on '10.0.1.10' (115)"_s});
    QCOMPARE(assessment.schema, Relation::Unknown);
}

void TestClusterAssessment::databaseNotCheckedIsNoVerdict()
{
    // Configured but no answer yet (the first refresh is still running): not a fault.
    ClusterStatus status = cluster({upNode(u"jatos-1"_s)});
    status.database.configured = true;
    status.database.checked = false;
    QCOMPARE(ClusterAssessment::of(status).overall, Overall::Healthy);

    // Not configured at all, even if it says unreachable: nothing to complain about.
    status.database = {};
    status.database.checked = true;
    QCOMPARE(ClusterAssessment::of(status).overall, Overall::Healthy);
}

void TestClusterAssessment::databaseErrorWhileReachable()
{
    ClusterStatus status = healthyJatos();
    status.database.schema = DatabaseSummary::Schema::Unknown;
    status.database.error = u"Table 'jatos.play_evolutions' doesn't exist"_s;
    const ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QCOMPARE(assessment.overall, Overall::Degraded);
    QCOMPARE(assessment.warnings, QStringList {u"Database: Table 'jatos.play_evolutions' doesn't exist"_s});
}

void TestClusterAssessment::orchestratorError()
{
    ClusterStatus status = healthyJatos();
    status.deployment = u"kubernetes"_s;
    status.orchestratorError = u"The Kubernetes API refused the token (401)."_s;
    const ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QCOMPARE(assessment.overall, Overall::Unreachable);
    QCOMPARE(assessment.exitCode(), 2);
    QCOMPARE(assessment.warnings.first(), status.orchestratorError);
}

void TestClusterAssessment::mixedVersions()
{
    // Listed newest first on purpose: the assessment sorts them.
    ClusterStatus status = cluster({upNode(u"jatos-1"_s, u"3.10.5"_s), upNode(u"jatos-2"_s, u"3.10.4"_s),
        upNode(u"jatos-3"_s, u"v3.10.5"_s)});
    const ClusterAssessment assessment = ClusterAssessment::of(status);
    QVERIFY(assessment.mixedVersions);
    QCOMPARE(versionTexts(assessment.versions), (QStringList {u"3.10.4"_s, u"3.10.5"_s}));
    QCOMPARE(assessment.overall, Overall::Degraded);
    QCOMPARE(assessment.warnings.size(), 1);
    QVERIFY2(assessment.warnings.first().startsWith(u"Mixed versions: the nodes run 3.10.4, 3.10.5."_s),
        qPrintable(assessment.warnings.first()));
}

void TestClusterAssessment::unknownVersion()
{
    ClusterStatus status = cluster(
        {upNode(u"jatos-1"_s, u"8.0-SNAPSHOT"_s), upNode(u"jatos-2"_s)}, jatosDatabase(23, u"3.10.1"_s));
    QVERIFY(!status.nodes[0].version.isKnown());
    const ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QVERIFY(assessment.unknownVersion);
    QCOMPARE(assessment.schema, Relation::Unknown);
    // An unknown version is no second version: only the comparable one is listed.
    QVERIFY(!assessment.mixedVersions);
    QCOMPARE(versionTexts(assessment.versions), QStringList {u"3.10.4"_s});
    QCOMPARE(assessment.overall, Overall::Degraded);
    QCOMPARE(assessment.warnings,
        QStringList {u"jatos-1 reports the version \"8.0-SNAPSHOT\", which Clusterdesk cannot compare."_s});
}

void TestClusterAssessment::downNodeIgnoredForVersions()
{
    // The down node's last known version is stale: it neither mixes versions nor
    // puts the schema behind.
    ClusterStatus status = healthyJatos();
    status.nodes[2].health = NodeHealth::Down;
    status.nodes[2].version = Version::parse(u"3.9.8");
    status.nodes[2].versionText = u"3.9.8"_s;
    const ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QVERIFY(!assessment.mixedVersions);
    QCOMPARE(versionTexts(assessment.versions), QStringList {u"3.10.4"_s});
    QCOMPARE(assessment.schema, Relation::Matches);
    QCOMPARE(assessment.warnings, QStringList {u"jatos-3 is down."_s});

    // Nor does an unparsable version on a down node count as unknown.
    status.nodes[2].version = {};
    status.nodes[2].versionText = u"8.0-SNAPSHOT"_s;
    QVERIFY(!ClusterAssessment::of(status, jatosEvolutions()).unknownVersion);
}

void TestClusterAssessment::jatosSchema_data()
{
    QTest::addColumn<int>("revision");
    QTest::addColumn<QString>("schemaVersion");
    QTest::addColumn<QString>("nodeVersion");
    QTest::addColumn<Relation>("relation");
    QTest::addColumn<Overall>("overall");

    // 3.10.4 ships no evolution past 23, so it matches a schema stamped 3.10.1.
    QTest::addRow("23 with 3.10.4 matches")
        << 23 << u"3.10.1"_s << u"3.10.4"_s << Relation::Matches << Overall::Healthy;
    QTest::addRow("23 with 3.10.1 matches")
        << 23 << u"3.10.1"_s << u"3.10.1"_s << Relation::Matches << Overall::Healthy;
    QTest::addRow("23 with 3.9.8 is ahead")
        << 23 << u"3.10.1"_s << u"3.9.8"_s << Relation::AheadOfApp << Overall::Degraded;
    QTest::addRow("22 with 3.10.4 is behind")
        << 22 << u"3.9.8"_s << u"3.10.4"_s << Relation::BehindApp << Overall::Degraded;
    // 3.9.9 ships nothing past 22, so a schema at 22 is where it belongs.
    QTest::addRow("22 with 3.9.9 matches")
        << 22 << u"3.9.8"_s << u"3.9.9"_s << Relation::Matches << Overall::Healthy;
    QTest::addRow("20 with 3.10.4 is behind")
        << 20 << u"3.9.1"_s << u"3.10.4"_s << Relation::BehindApp << Overall::Degraded;
}

void TestClusterAssessment::jatosSchema()
{
    QFETCH(int, revision);
    QFETCH(QString, schemaVersion);
    QFETCH(QString, nodeVersion);
    QFETCH(Relation, relation);
    QFETCH(Overall, overall);

    const ClusterStatus status
        = cluster({upNode(u"jatos-1"_s, nodeVersion), upNode(u"jatos-2"_s, nodeVersion)},
            jatosDatabase(revision, schemaVersion));
    const ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QCOMPARE(assessment.schema, relation);
    QCOMPARE(assessment.overall, overall);
    switch (relation) {
    case Relation::AheadOfApp:
        QVERIFY(anyContains(assessment.warnings, u"The database schema is ahead of jatos-1"_s));
        break;
    case Relation::BehindApp:
        QVERIFY(anyContains(assessment.warnings, u"The database schema is behind jatos-2"_s));
        QVERIFY(anyContains(assessment.warnings, status.database.schemaText));
        break;
    case Relation::Matches:
    case Relation::Unknown:
        QVERIFY2(assessment.warnings.isEmpty(), qPrintable(assessment.warnings.join(u'\n')));
        break;
    }
}

void TestClusterAssessment::schemaAheadIsFirstSeriousWarning()
{
    // Mixed versions and a node down are serious too; a node older than the schema
    // is the worst of them and comes first.
    ClusterStatus status = cluster({upNode(u"jatos-1"_s, u"3.10.1"_s), upNode(u"jatos-2"_s, u"3.9.8"_s),
                                       downNode(u"jatos-3"_s, u"refused"_s)},
        jatosDatabase(23, u"3.10.1"_s));
    const ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QCOMPARE(assessment.schema, Relation::AheadOfApp);
    QVERIFY(assessment.mixedVersions);
    QCOMPARE(assessment.overall, Overall::Degraded);
    QVERIFY(assessment.warnings.size() >= 3);
    QCOMPARE(assessment.warnings.at(0),
        u"The database schema is ahead of jatos-2: it belongs to version 3.10.1, the node runs 3.9.8. "
        u"A node must never run against a newer schema."_s);
    QVERIFY(assessment.warnings.at(1).startsWith(u"Mixed versions"_s));
    QCOMPARE(assessment.warnings.at(2), u"jatos-3 is down: refused"_s);

    // Ahead wins over behind, whichever node comes first.
    status.nodes[2] = upNode(u"jatos-3"_s, u"3.10.4"_s);
    status.database = jatosDatabase(22, u"3.9.8"_s);
    status.nodes[1] = upNode(u"jatos-2"_s, u"3.9.5"_s);
    QCOMPARE(ClusterAssessment::of(status, jatosEvolutions()).schema, Relation::AheadOfApp);
}

void TestClusterAssessment::openSpecimenSchema_data()
{
    QTest::addColumn<QString>("nodeVersion");
    QTest::addColumn<Relation>("relation");

    QTest::addRow("same") << u"v11.0.2"_s << Relation::Matches;
    QTest::addRow("node newer") << u"v11.0.3"_s << Relation::BehindApp;
    QTest::addRow("node older") << u"v11.0.1"_s << Relation::AheadOfApp;
}

void TestClusterAssessment::openSpecimenSchema()
{
    QFETCH(QString, nodeVersion);
    QFETCH(Relation, relation);

    ClusterStatus status = cluster({upNode(u"lion"_s, nodeVersion)}, openSpecimenDatabase(u"v11.0.2"_s));
    status.product = u"openspecimen"_s;
    QCOMPARE(status.database.schemaRevision, -1);
    const ClusterAssessment assessment = ClusterAssessment::of(status);
    QCOMPARE(assessment.schema, relation);
    QCOMPARE(assessment.overall, relation == Relation::Matches ? Overall::Healthy : Overall::Degraded);
}

void TestClusterAssessment::schemaNotApplicable()
{
    // Joget keeps no bookkeeping: the relation stays unknown and that is no fault.
    ClusterStatus status = cluster({upNode(u"joget-1"_s, u"8.1.6"_s)}, reachableDatabase());
    status.product = u"joget"_s;
    const ClusterAssessment assessment = ClusterAssessment::of(status);
    QCOMPARE(assessment.schema, Relation::Unknown);
    QCOMPARE(assessment.overall, Overall::Healthy);
}

void TestClusterAssessment::jatosSchemaPastTheMap()
{
    // A newer JATOS migrated the schema to evolution 24, which the preset's map does
    // not know yet. Nodes on 3.10.4 may or may not ship it (the map ends at 3.10.1):
    // not "matches", and said so. Nodes on 3.9.8 predate evolution 23 (3.10.1), which
    // the schema holds: certainly ahead.
    DatabaseSummary db = jatosDatabase(24, u"3.10.1"_s);
    db.schemaVersion = {};
    db.schemaText = u"evolution 24"_s;
    ClusterStatus status = cluster({upNode(u"jatos-1"_s), upNode(u"jatos-2"_s)}, db);
    ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QCOMPARE(assessment.schema, Relation::Unknown);
    QCOMPARE(assessment.overall, Overall::Degraded);
    QVERIFY(assessment.warnings.join(u'\n').contains(u"evolution 24"_s));

    status = cluster({upNode(u"jatos-1"_s, u"3.9.8"_s), upNode(u"jatos-2"_s, u"3.9.8"_s)}, db);
    assessment = ClusterAssessment::of(status, jatosEvolutions());
    QCOMPARE(assessment.schema, Relation::AheadOfApp);
    QCOMPARE(assessment.overall, Overall::Degraded);
    QVERIFY(assessment.warnings.first().startsWith(u"The database schema is ahead of jatos-"_s));
}

void TestClusterAssessment::unscheduledNodes()
{
    // jatos-3 is scaled away: neither down nor answering, whatever its health says.
    ClusterStatus status = healthyJatos();
    status.nodes[2] = downNode(u"jatos-3"_s, u"refused"_s);
    status.nodes[2].scheduled = false;
    ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QVERIFY2(assessment.warnings.isEmpty(), qPrintable(assessment.warnings.join(u'\n')));
    QCOMPARE(assessment.overall, Overall::Healthy);

    // An unscheduled node that still says up, with another version, adds no version.
    status.nodes[2] = upNode(u"jatos-3"_s, u"3.9.8"_s);
    status.nodes[2].scheduled = false;
    assessment = ClusterAssessment::of(status, jatosEvolutions());
    QVERIFY(!assessment.mixedVersions);
    QCOMPARE(assessment.schema, Relation::Matches);

    // When only unscheduled nodes would answer, no node answers.
    status.nodes[0] = downNode(u"jatos-1"_s);
    status.nodes[1] = downNode(u"jatos-2"_s);
    assessment = ClusterAssessment::of(status, jatosEvolutions());
    QCOMPARE(assessment.overall, Overall::Unreachable);
    QCOMPARE(assessment.warnings.first(), u"No node of the cluster answers."_s);
}

void TestClusterAssessment::allUnscheduledScaledToZero()
{
    // Scaled to zero on purpose: nothing answers, but that is no outage.
    ClusterStatus status = cluster({upNode(u"jatos-1"_s)});
    status.nodes[0].scheduled = false;
    status.nodes[0].health = NodeHealth::Unknown;
    status.replicas.source = ReplicaCounts::Source::Kubernetes;
    status.replicas.desired = 0;
    status.replicas.ready = 0;
    const ClusterAssessment assessment = ClusterAssessment::of(status);
    QCOMPARE(assessment.overall, Overall::Degraded);
    QCOMPARE(assessment.warnings, QStringList {u"The cluster is scaled to zero replicas."_s});
}

void TestClusterAssessment::replicasShort()
{
    ClusterStatus status = healthyJatos();
    status.replicas.source = ReplicaCounts::Source::Kubernetes;
    status.replicas.desired = 3;
    status.replicas.ready = 2;
    ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QCOMPARE(assessment.overall, Overall::Degraded);
    QCOMPARE(assessment.warnings, QStringList {u"2 of 3 replicas are ready."_s});

    // Complete, or more ready than desired while scaling down: no warning.
    status.replicas.ready = 3;
    QCOMPARE(ClusterAssessment::of(status, jatosEvolutions()).overall, Overall::Healthy);
    status.replicas.ready = 4;
    QCOMPARE(ClusterAssessment::of(status, jatosEvolutions()).overall, Overall::Healthy);

    // Counts not known: no claim about them.
    status.replicas.ready = -1;
    QCOMPARE(ClusterAssessment::of(status, jatosEvolutions()).overall, Overall::Healthy);
}

void TestClusterAssessment::scaledToZero()
{
    ClusterStatus status = healthyJatos();
    status.replicas.desired = 0;
    status.replicas.ready = 0;
    ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QCOMPARE(assessment.overall, Overall::Degraded);
    QVERIFY(anyContains(assessment.warnings, u"scaled to zero"_s));

    // When the orchestrator cannot be asked, zero is not a finding.
    status.orchestratorError = u"The Compose host does not answer."_s;
    assessment = ClusterAssessment::of(status, jatosEvolutions());
    QVERIFY(!anyContains(assessment.warnings, u"scaled to zero"_s));
}

void TestClusterAssessment::startingNodesAnswer()
{
    ClusterStatus status = cluster({upNode(u"jatos-1"_s), upNode(u"jatos-2"_s, u"3.10.5"_s)});
    status.nodes[0].health = NodeHealth::Starting;
    status.nodes[1].health = NodeHealth::Starting;
    const ClusterAssessment assessment = ClusterAssessment::of(status);
    // Starting nodes answer (HTTP 503): reachable, but not yet healthy.
    QCOMPARE(assessment.overall, Overall::Degraded);
    QVERIFY(!assessment.warnings.contains(u"No node of the cluster answers."_s));
    QVERIFY(assessment.warnings.contains(u"jatos-1 is starting."_s));
    QVERIFY(assessment.warnings.contains(u"jatos-2 is starting."_s));
    // Their versions count.
    QVERIFY(assessment.mixedVersions);
}

void TestClusterAssessment::controlFailures_data()
{
    QTest::addColumn<ControlState>("state");
    QTest::addColumn<bool>("warns");

    QTest::addRow("failed") << ControlState::Failed << true;
    QTest::addRow("host key unknown") << ControlState::HostKeyUnknown << true;
    QTest::addRow("host key changed") << ControlState::HostKeyChanged << true;
    QTest::addRow("ok") << ControlState::Ok << false;
    QTest::addRow("pending") << ControlState::Pending << false;
    QTest::addRow("not configured") << ControlState::NotConfigured << false;
}

void TestClusterAssessment::controlFailures()
{
    QFETCH(ControlState, state);
    QFETCH(bool, warns);

    ClusterStatus status = healthyJatos();
    status.nodes[1].control = state;
    status.nodes[1].controlError = u"Authentication failed"_s;
    const ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    if (warns) {
        QCOMPARE(assessment.overall, Overall::Degraded);
        QCOMPARE(assessment.exitCode(), 1);
        QCOMPARE(assessment.warnings,
            QStringList {u"jatos-2 cannot be controlled over SSH: Authentication failed"_s});
    } else {
        QCOMPARE(assessment.overall, Overall::Healthy);
    }
}

void TestClusterAssessment::unknownHealthWithError()
{
    // An untrusted certificate: not checked, said so, but the node is not called down.
    ClusterStatus status = healthyJatos();
    status.nodes[0].health = NodeHealth::Unknown;
    status.nodes[0].error = u"the TLS certificate is not trusted"_s;
    const ClusterAssessment assessment = ClusterAssessment::of(status, jatosEvolutions());
    QCOMPARE(assessment.overall, Overall::Degraded);
    QCOMPARE(assessment.warnings,
        QStringList {u"jatos-1 could not be checked: the TLS certificate is not trusted"_s});
}

QTEST_GUILESS_MAIN(TestClusterAssessment)
#include "tst_clusterassessment.moc"
