// ConfigPlanner: requested changes turned into file edits, or refused with every
// reason at once. Nothing here writes a file: the plan is what app/config would write.

#include "ConfigTestData.h"
#include "config/ConfigFields.h"
#include "config/ConfigPlan.h"
#include "formats/OpenSpecimenClusterJson.h"

#include <QCryptographicHash>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ConfigTestData;

using Role = ConfigFileRole;

Q_DECLARE_METATYPE(ConfigChange)
Q_DECLARE_METATYPE(ConfigFileRole)

namespace {

// Hand-computed with sha256sum.
const QString AppSecretPrint = u"7d9b0986"_s;
const QString DbPasswordPrint = u"01f83726"_s;

PlanOptions withOptions(bool allowRename, bool syncClusterNodes)
{
    PlanOptions options;
    options.allowRename = allowRename;
    options.syncClusterNodes = syncClusterNodes;
    return options;
}

ConfigChange set(const QString &field, const QString &value, const QString &node = {})
{
    return ConfigChange {field, node, value, std::nullopt};
}

ConfigChange raw(Role role, const QByteArray &text, const QString &node = {})
{
    return ConfigChange {{}, node, QString::fromUtf8(text), role};
}

std::expected<ConfigPlan, ValidationIssues> planFor(const QString &product,
    const QList<ConfigChange> &changes, const PlanOptions &options = {},
    const ClusterConfigSnapshot *snapshot = nullptr)
{
    return ConfigPlanner::plan(profile(product), snapshot ? *snapshot : healthy(product), changes, options);
}

QByteArray issuesText(const std::expected<ConfigPlan, ValidationIssues> &plan)
{
    return plan ? QByteArray("planned") : formatIssues(plan.error()).toUtf8();
}

QList<qsizetype> changedLines(const QByteArray &before, const QByteArray &after)
{
    const QStringList a = linesOf(before);
    const QStringList b = linesOf(after);
    QList<qsizetype> out;
    for (qsizetype i = 0; i < std::max(a.size(), b.size()); ++i) {
        if (i >= a.size() || i >= b.size() || a[i] != b[i])
            out << i;
    }
    return out;
}

QString readField(const QString &product, const QString &id, const QByteArray &content)
{
    const std::optional<ConfigField> field = ConfigFields::find(product, id);
    const Result<std::optional<QString>> value = ConfigFields::read(*field, content, u"test"_s);
    return value && *value ? **value : QString();
}

bool anyIssue(const ValidationIssues &issues, const QString &path, const QString &reasonPart)
{
    return std::any_of(issues.cbegin(), issues.cend(), [&](const ValidationIssue &issue) {
        return issue.path.contains(path) && issue.reason.contains(reasonPart);
    });
}

} // namespace

class TestConfigPlan : public QObject
{
    Q_OBJECT

private slots:
    void clusterScopeEditsEveryNode();
    void sharedFileEditedOnce_data();
    void sharedFileEditedOnce();
    void nodeScopeChangesOneNode();
    void nodeScopeNeedsANode();
    void unknownFieldOrNode_data();
    void unknownFieldOrNode();
    void invalidValueRefused();
    void rename_data();
    void rename();
    void duplicatesRefused_data();
    void duplicatesRefused();
    void secretMinLength();
    void rawEdit();
    void rawInvalidRefused_data();
    void rawInvalidRefused();
    void unreachableNode();
    void syncClusterNodes();
    void syncClusterNodesUnchanged();
    void clusterJsonValidatedWhenChanged();
    void nothingChanges_data();
    void nothingChanges();
    void maskedDiff();
    void maskedDiffOfSpecialSecret_data();
    void maskedDiffOfSpecialSecret();
    void allIssuesTogether();
};

void TestConfigPlan::clusterScopeEditsEveryNode()
{
    const auto plan = planFor(u"jatos"_s, {set(u"jatos.db.username"_s, u"jatos_app"_s)});
    QVERIFY2(plan, issuesText(plan).constData());
    QCOMPARE(plan->edits.size(), 3);
    QCOMPARE(plan->nodes(), (QStringList {u"jatos-1"_s, u"jatos-2"_s, u"jatos-3"_s}));
    for (const FileEdit &edit : plan->edits) {
        QCOMPARE(edit.spec.role, Role::JatosConf);
        QVERIFY(edit.existed);
        QCOMPARE(edit.before, healthy(u"jatos"_s).node(edit.node)->files.first().content);
        const QList<qsizetype> changed = changedLines(edit.before, edit.after);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(linesOf(edit.after)[changed.first()], u"jatos.db.username = \"jatos_app\""_s);
    }
    QCOMPARE(plan->summary.size(), 1);
    QVERIFY(plan->summary.first().contains(u"jatos_app"_s));
    QVERIFY(plan->secrets.contains(DbPassword)); // the untouched password is in the file and masked too
}

void TestConfigPlan::sharedFileEditedOnce_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("writer");
    QTest::addColumn<ConfigFileRole>("role");

    QTest::newRow("openspecimen notifTimeout") << u"openspecimen"_s << u"cluster.notifTimeout"_s << u"120"_s
                                               << u"os-1"_s << Role::OpenSpecimenClusterJson;
    QTest::newRow("openspecimen recipients")
        << u"openspecimen"_s << u"cluster.notifErrorRcpts"_s << u"a@example.org, b@example.org"_s << u"os-1"_s
        << Role::OpenSpecimenClusterJson;
    QTest::newRow("joget user") << u"joget"_s << u"workflowUser"_s << u"jw"_s << u"joget-1"_s
                                << Role::JogetDatasource;
    QTest::newRow("joget password") << u"joget"_s << u"workflowPassword"_s << u"another-password"_s
                                    << u"joget-1"_s << Role::JogetDatasource;
}

void TestConfigPlan::sharedFileEditedOnce()
{
    QFETCH(QString, product);
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, writer);
    QFETCH(ConfigFileRole, role);

    const auto plan = planFor(product, {set(field, value)});
    QVERIFY2(plan, issuesText(plan).constData());
    QCOMPARE(plan->edits.size(), 1);
    const FileEdit &edit = plan->edits.first();
    QCOMPARE(edit.node, writer);
    QCOMPARE(edit.spec.role, role);
    QVERIFY(edit.spec.shared);
    QCOMPARE(readField(product, field, edit.after), value);
    QCOMPARE(plan->nodes(), QStringList {writer});
    QVERIFY(plan->maskedDiff().contains(u"(shared)"_s));
}

void TestConfigPlan::nodeScopeChangesOneNode()
{
    const auto plan = planFor(u"openspecimen"_s, {set(u"tomcat.jvmRoute"_s, u"route-b"_s, u"os-2"_s)});
    QVERIFY2(plan, issuesText(plan).constData());
    QCOMPARE(plan->edits.size(), 1);
    QCOMPARE(plan->edits.first().node, u"os-2"_s);
    QCOMPARE(plan->edits.first().spec.role, Role::TomcatServerXml);
    QCOMPARE(changedLines(plan->edits.first().before, plan->edits.first().after).size(), 1);
    QCOMPARE(readField(u"openspecimen"_s, u"tomcat.jvmRoute"_s, plan->edits.first().after), u"route-b"_s);
    QVERIFY(plan->summary.first().contains(u"os-2"_s));
}

void TestConfigPlan::nodeScopeNeedsANode()
{
    const auto plan = planFor(u"openspecimen"_s, {set(u"tomcat.jvmRoute"_s, u"route-b"_s)});
    QVERIFY(!plan);
    QCOMPARE(plan.error().size(), 1);
    QCOMPARE(plan.error().first().path, u"tomcat.jvmRoute"_s);

    const auto name = planFor(u"joget"_s, {set(u"wflow.name"_s, u"joget-9"_s)}, withOptions(true, false));
    QVERIFY(!name);
    QCOMPARE(name.error().first().path, u"wflow.name"_s);
}

void TestConfigPlan::unknownFieldOrNode_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<ConfigChange>("change");
    QTest::addColumn<QString>("path");

    QTest::newRow("unknown field") << u"jatos"_s << set(u"jatos.nope"_s, u"1"_s) << u"jatos.nope"_s;
    QTest::newRow("field of another product")
        << u"jatos"_s << set(u"node.name"_s, u"x"_s, u"jatos-1"_s) << u"node.name"_s;
    QTest::newRow("generic product") << u"generic"_s << set(u"jatos.secret"_s, u"x"_s) << u"jatos.secret"_s;
    QTest::newRow("unknown node") << u"openspecimen"_s << set(u"tomcat.jvmRoute"_s, u"r"_s, u"os-9"_s)
                                  << u"os-9"_s;
    QTest::newRow("unknown node, raw")
        << u"jatos"_s << raw(Role::JatosConf, "a = 1\n", u"jatos-4"_s) << u"jatos-4"_s;
}

void TestConfigPlan::unknownFieldOrNode()
{
    QFETCH(QString, product);
    QFETCH(ConfigChange, change);
    QFETCH(QString, path);

    ClusterConfigSnapshot snapshot = healthy(product == u"generic"_s ? u"jatos"_s : product);
    ClusterProfile cluster = profile(product == u"generic"_s ? u"jatos"_s : product);
    cluster.product = product;
    const auto plan = ConfigPlanner::plan(cluster, snapshot, {change});
    QVERIFY(!plan);
    QCOMPARE(plan.error().size(), 1);
    QCOMPARE(plan.error().first().path, path);
}

void TestConfigPlan::invalidValueRefused()
{
    const auto plan = planFor(u"jatos"_s, {set(u"jatos.multiNode"_s, u"yes"_s)});
    QVERIFY(!plan);
    QCOMPARE(plan.error().size(), 1);
    QCOMPARE(plan.error().first().path, u"jatos.multiNode"_s);
    QVERIFY(plan.error().first().reason.contains(u"yes"_s));

    const auto node = planFor(u"openspecimen"_s, {set(u"tomcat.jvmRoute"_s, u"a b"_s, u"os-1"_s)});
    QVERIFY(!node);
    QCOMPARE(node.error().first().path, u"os-1.tomcat.jvmRoute"_s);
}

void TestConfigPlan::rename_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<ConfigChange>("change");
    QTest::addColumn<bool>("allowRename");
    QTest::addColumn<bool>("planned");

    const ConfigChange osRename = set(u"node.name"_s, u"lion"_s, u"os-2"_s);
    const ConfigChange jogetRename = set(u"wflow.name"_s, u"joget-9"_s, u"joget-3"_s);
    const ConfigChange route = set(u"tomcat.jvmRoute"_s, u"route-9"_s, u"joget-3"_s);
    QTest::newRow("node.name refused") << u"openspecimen"_s << osRename << false << false;
    QTest::newRow("node.name allowed") << u"openspecimen"_s << osRename << true << true;
    QTest::newRow("wflow.name refused") << u"joget"_s << jogetRename << false << false;
    QTest::newRow("wflow.name allowed") << u"joget"_s << jogetRename << true << true;
    QTest::newRow("jvmRoute is no identity") << u"joget"_s << route << false << true;
    QTest::newRow("openspecimen jvmRoute is no identity")
        << u"openspecimen"_s << set(u"tomcat.jvmRoute"_s, u"route-9"_s, u"os-1"_s) << false << true;
}

void TestConfigPlan::rename()
{
    QFETCH(QString, product);
    QFETCH(ConfigChange, change);
    QFETCH(bool, allowRename);
    QFETCH(bool, planned);

    const auto plan = planFor(product, {change}, withOptions(allowRename, false));
    QCOMPARE(plan.has_value(), planned);
    if (!planned) {
        QCOMPARE(plan.error().size(), 1);
        QCOMPARE(plan.error().first().path, change.node + u'.' + change.field);
        // The current name is named, so the admin sees what would be lost.
        QVERIFY2(plan.error().first().reason.contains(u'"' + change.node + u'"'),
            qPrintable(plan.error().first().reason));
        return;
    }
    QCOMPARE(plan->edits.size(), 1);
    QCOMPARE(plan->edits.first().node, change.node);
    QCOMPARE(readField(product, change.field, plan->edits.first().after), change.value);
}

void TestConfigPlan::duplicatesRefused_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<QList<ConfigChange>>("changes");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reasonPart");

    QTest::newRow("node.name taken") << u"openspecimen"_s
                                     << QList<ConfigChange> {set(u"node.name"_s, u"os-1"_s, u"os-2"_s)}
                                     << u"node.name"_s << u"\"os-1\" would be used by os-1, os-2"_s;
    QTest::newRow("jvmRoute taken") << u"openspecimen"_s
                                    << QList<ConfigChange> {set(u"tomcat.jvmRoute"_s, u"os-1"_s, u"os-3"_s)}
                                    << u"tomcat.jvmRoute"_s << u"os-1, os-3"_s;
    QTest::newRow("wflow.name taken")
        << u"joget"_s << QList<ConfigChange> {set(u"wflow.name"_s, u"joget-1"_s, u"joget-2"_s)}
        << u"wflow.name"_s << u"joget-1, joget-2"_s;
    QTest::newRow("two nodes given one new route")
        << u"joget"_s
        << QList<ConfigChange> {set(u"tomcat.jvmRoute"_s, u"r"_s, u"joget-1"_s),
               set(u"tomcat.jvmRoute"_s, u"r"_s, u"joget-3"_s)}
        << u"tomcat.jvmRoute"_s << u"joget-1, joget-3"_s;
}

void TestConfigPlan::duplicatesRefused()
{
    QFETCH(QString, product);
    QFETCH(QList<ConfigChange>, changes);
    QFETCH(QString, path);
    QFETCH(QString, reasonPart);

    const auto plan = planFor(product, changes, withOptions(true, false));
    QVERIFY(!plan);
    QCOMPARE(plan.error().size(), 1);
    QCOMPARE(plan.error().first().path, path);
    QVERIFY2(plan.error().first().reason.contains(reasonPart), qPrintable(plan.error().first().reason));

    // Swapping two routes in one plan is fine: only the end state must be unique.
    const auto swap = planFor(u"joget"_s,
        {set(u"tomcat.jvmRoute"_s, u"joget-2"_s, u"joget-1"_s),
            set(u"tomcat.jvmRoute"_s, u"joget-1"_s, u"joget-2"_s)});
    QVERIFY2(swap, issuesText(swap).constData());
    QCOMPARE(swap->edits.size(), 2);
}

void TestConfigPlan::secretMinLength()
{
    PlanOptions options;
    options.secretMinLength = {{u"appSecret"_s, 32}};
    const auto shortSecret = planFor(u"jatos"_s, {set(u"jatos.secret"_s, QString(31, u'k'))}, options);
    QVERIFY(!shortSecret);
    QCOMPARE(shortSecret.error().size(), 1);
    QCOMPARE(shortSecret.error().first().path, u"jatos.secret"_s);
    QVERIFY(shortSecret.error().first().reason.contains(u"32"_s));
    QVERIFY(!shortSecret.error().first().reason.contains(QString(31, u'k')));

    const auto longEnough = planFor(u"jatos"_s, {set(u"jatos.secret"_s, QString(32, u'k'))}, options);
    QVERIFY2(longEnough, issuesText(longEnough).constData());
    QCOMPARE(longEnough->edits.size(), 3);

    // The minimum is per secret: the database password has none here.
    const auto password = planFor(u"jatos"_s, {set(u"jatos.db.password"_s, u"pw"_s)}, options);
    QVERIFY2(password, issuesText(password).constData());
}

void TestConfigPlan::rawEdit()
{
    const QByteArray text = "jatos.multiNode = true\njatos.db.url = \"jdbc:mysql://db/jatos\"\n";
    const auto plan = planFor(u"jatos"_s, {raw(Role::JatosConf, text, u"jatos-2"_s)});
    QVERIFY2(plan, issuesText(plan).constData());
    QCOMPARE(plan->edits.size(), 1);
    QCOMPARE(plan->edits.first().node, u"jatos-2"_s);
    QCOMPARE(plan->edits.first().after, text);
    QVERIFY(plan->summary.first().contains(u"jatos-2"_s));

    const auto everywhere = planFor(u"jatos"_s, {raw(Role::JatosConf, text)});
    QVERIFY2(everywhere, issuesText(everywhere).constData());
    QCOMPARE(everywhere->edits.size(), 3);

    // A raw edit of a role the product has not.
    const auto none = planFor(u"jatos"_s, {raw(Role::TomcatServerXml, serverXml(u"x"_s, 8080, u"r"_s))});
    QVERIFY(!none);
    QCOMPARE(none.error().size(), 1);
}

void TestConfigPlan::rawInvalidRefused_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<ConfigChange>("change");
    QTest::addColumn<QString>("pathPart");

    QTest::newRow("jatos.conf") << u"jatos"_s << raw(Role::JatosConf, "jatos {\n", u"jatos-2"_s)
                                << u"jatos-2:jatos.conf"_s;
    QTest::newRow("properties") << u"openspecimen"_s
                                << raw(Role::OpenSpecimenProperties, "node.name=\\uZZZZ\n", u"os-3"_s)
                                << u"os-3:openspecimen.properties"_s;
    QTest::newRow("server.xml") << u"joget"_s << raw(Role::TomcatServerXml, "<Server>", u"joget-1"_s)
                                << u"joget-1:server.xml"_s;
    QTest::newRow("catalina.properties ends in a continuation")
        << u"joget"_s << raw(Role::JogetCatalinaProperties, "wflow.name=joget-2\\", u"joget-2"_s)
        << u"joget-2:catalina.properties"_s;
    QTest::newRow("cluster JSON syntax")
        << u"openspecimen"_s << raw(Role::OpenSpecimenClusterJson, "{") << u"cluster JSON"_s;
    QTest::newRow("cluster JSON rule")
        << u"openspecimen"_s << raw(Role::OpenSpecimenClusterJson, clusterJson({u"os-1"_s}, "short"))
        << u"cluster JSON.secret"_s;
}

void TestConfigPlan::rawInvalidRefused()
{
    QFETCH(QString, product);
    QFETCH(ConfigChange, change);
    QFETCH(QString, pathPart);

    const auto plan = planFor(product, {change});
    QVERIFY(!plan);
    QVERIFY(!plan.error().isEmpty());
    for (const ValidationIssue &issue : plan.error())
        QVERIFY2(issue.path.contains(pathPart), qPrintable(issue.toString()));
}

void TestConfigPlan::unreachableNode()
{
    ClusterConfigSnapshot snapshot = healthy(u"jatos"_s);
    nodeOf(snapshot, u"jatos-2"_s).error = u"jatos-2: connection timed out"_s;
    nodeOf(snapshot, u"jatos-2"_s).files.clear();
    const auto plan = planFor(u"jatos"_s, {set(u"jatos.db.username"_s, u"x"_s)}, {}, &snapshot);
    QVERIFY(!plan);
    QCOMPARE(plan.error().size(), 1);
    QCOMPARE(plan.error().first().path, u"jatos-2"_s);
    QVERIFY(plan.error().first().reason.contains(u"timed out"_s));
}

void TestConfigPlan::syncClusterNodes()
{
    ClusterConfigSnapshot snapshot = healthy(u"openspecimen"_s);
    setShared(snapshot, Role::OpenSpecimenClusterJson, clusterJson({u"os-1"_s}));
    // os-2's node.name differs from its name in the profile: the cluster JSON lists node.name.
    fileOf(snapshot, u"os-2"_s, Role::OpenSpecimenProperties)
        .content.replace("node.name=os-2", "node.name=lion");

    const auto plan = planFor(u"openspecimen"_s, {}, withOptions(false, true), &snapshot);
    QVERIFY2(plan, issuesText(plan).constData());
    QCOMPARE(plan->edits.size(), 1);
    QCOMPARE(plan->edits.first().node, u"os-1"_s);
    const auto json = OpenSpecimenClusterJson::parse(plan->edits.first().after);
    QVERIFY(json);
    const QList<OpenSpecimenClusterNode> expected {
        {u"os-1"_s, openSpecimenUrl(1)}, {u"lion"_s, openSpecimenUrl(2)}, {u"os-3"_s, openSpecimenUrl(3)}};
    QCOMPARE(json->nodes, expected);
    QCOMPARE(json->secret, QString::fromUtf8(ClusterSecret)); // kept
    QCOMPARE(json->notifErrorRcpts, QStringList {u"ops@example.org"_s});

    // A node renamed in the same plan is listed by its new name.
    const auto renamed = planFor(
        u"openspecimen"_s, {set(u"node.name"_s, u"tiger"_s, u"os-3"_s)}, withOptions(true, true), &snapshot);
    QVERIFY2(renamed, issuesText(renamed).constData());
    bool found = false;
    for (const FileEdit &edit : renamed->edits) {
        if (edit.spec.role != Role::OpenSpecimenClusterJson)
            continue;
        found = true;
        const auto after = OpenSpecimenClusterJson::parse(edit.after);
        QVERIFY(after);
        QCOMPARE(after->nodes.size(), 3);
        QCOMPARE(after->nodes[2].name, u"tiger"_s);
    }
    QVERIFY(found);
}

void TestConfigPlan::syncClusterNodesUnchanged()
{
    // The healthy cluster JSON already lists exactly the nodes, in the profile's order.
    const auto plan = planFor(u"openspecimen"_s, {}, withOptions(false, true));
    QVERIFY2(plan, issuesText(plan).constData());
    QVERIFY(plan->isEmpty());
}

void TestConfigPlan::clusterJsonValidatedWhenChanged()
{
    // An existing cluster JSON with a short secret: changing anything in it is refused
    // until the secret is fixed, since OpenSpecimen would refuse the upload.
    ClusterConfigSnapshot snapshot = healthy(u"openspecimen"_s);
    setShared(
        snapshot, Role::OpenSpecimenClusterJson, clusterJson({u"os-1"_s, u"os-2"_s, u"os-3"_s}, "short"));
    const auto plan = planFor(u"openspecimen"_s, {set(u"cluster.notifTimeout"_s, u"30"_s)}, {}, &snapshot);
    QVERIFY(!plan);
    QVERIFY2(anyIssue(plan.error(), u"cluster JSON.secret"_s, u"32"_s), issuesText(plan).constData());

    const auto fixed = planFor(u"openspecimen"_s,
        {set(u"cluster.notifTimeout"_s, u"30"_s), set(u"cluster.secret"_s, QString(40, u'c'))}, {},
        &snapshot);
    QVERIFY2(fixed, issuesText(fixed).constData());
    QCOMPARE(fixed->edits.size(), 1);

    // A node's URL that is no OpenSpecimen URL is refused when the nodes are synced.
    ClusterProfile cluster = profile(u"openspecimen"_s);
    cluster.nodes[1].url = QUrl(u"http://10.0.1.2:8080"_s);
    setShared(snapshot, Role::OpenSpecimenClusterJson, clusterJson({u"os-1"_s}));
    const auto badUrl = ConfigPlanner::plan(cluster, snapshot, {}, withOptions(false, true));
    QVERIFY(!badUrl);
}

void TestConfigPlan::nothingChanges_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<QList<ConfigChange>>("changes");
    QTest::newRow("no changes") << u"jatos"_s << QList<ConfigChange> {};
    QTest::newRow("jatos same user") << u"jatos"_s
                                     << QList<ConfigChange> {set(u"jatos.db.username"_s, u"jatos"_s)};
    QTest::newRow("jatos same secret")
        << u"jatos"_s << QList<ConfigChange> {set(u"jatos.secret"_s, QString::fromUtf8(AppSecret))};
    QTest::newRow("same node.name") << u"openspecimen"_s
                                    << QList<ConfigChange> {set(u"node.name"_s, u"os-2"_s, u"os-2"_s)};
    QTest::newRow("same notifTimeout")
        << u"openspecimen"_s << QList<ConfigChange> {set(u"cluster.notifTimeout"_s, u"60"_s)};
    QTest::newRow("same wflow.name") << u"joget"_s
                                     << QList<ConfigChange> {
                                            set(u"wflow.name"_s, u"joget-1"_s, u"joget-1"_s)};
}

void TestConfigPlan::nothingChanges()
{
    QFETCH(QString, product);
    QFETCH(QList<ConfigChange>, changes);
    const auto plan = planFor(product, changes);
    QVERIFY2(plan, issuesText(plan).constData());
    QVERIFY(plan->isEmpty());
    QVERIFY(plan->nodes().isEmpty());
    QVERIFY(plan->maskedDiff().isEmpty());
}

void TestConfigPlan::maskedDiff()
{
    const QString newSecret = u"brand-new-application-secret-0123456789"_s;
    const auto plan = planFor(u"jatos"_s, {set(u"jatos.secret"_s, newSecret)});
    QVERIFY2(plan, issuesText(plan).constData());
    QCOMPARE(plan->edits.size(), 3);
    const QString diff = plan->maskedDiff();
    QVERIFY(!diff.contains(QString::fromUtf8(AppSecret)));
    QVERIFY(!diff.contains(newSecret));
    QVERIFY(!diff.contains(QString::fromUtf8(DbPassword))); // in the context lines
    QVERIFY2(diff.contains(AppSecretPrint), qPrintable(diff));
    QVERIFY2(diff.contains(u"sha256 28e19ac1"_s), qPrintable(diff)); // the new secret's, by sha256sum
    QCOMPARE(diff.count(u"--- jatos-"_s), 3);
    QVERIFY(diff.contains(u"--- jatos-2:/opt/jatos/conf/jatos.conf\n"_s));

    for (const QString &line : plan->summary)
        QVERIFY2(!line.contains(newSecret), qPrintable(line));
    QVERIFY(plan->summary.first().contains(u"28e19ac1"_s));
}

void TestConfigPlan::maskedDiffOfSpecialSecret_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("secret");

    // Passwords people choose hold quotes and backslashes, which the files escape.
    QTest::newRow("jatos quote") << u"jatos"_s << u"jatos.db.password"_s << u"Kx9q\"Vb2w\"Tz7m"_s;
    QTest::newRow("jatos backslash") << u"jatos"_s << u"jatos.db.password"_s << u"C:\\Kx9q\\Vb2w"_s;
    QTest::newRow("jatos secret with both") << u"jatos"_s << u"jatos.secret"_s << u"Kx9q\\\"Vb2wTz7m"_s;
    QTest::newRow("properties backslash")
        << u"openspecimen"_s << u"database.password"_s << u"Kx9q\\Vb2wTz7m"_s;
    QTest::newRow("properties leading space") << u"joget"_s << u"workflowPassword"_s << u" Kx9qVb2w"_s;
    QTest::newRow("cluster JSON quote and backslash")
        << u"openspecimen"_s << u"cluster.secret"_s << u"Kx9q\"Vb2w\\Tz7m-0123456789abcdefghijklmnop"_s;
}

void TestConfigPlan::maskedDiffOfSpecialSecret()
{
    QFETCH(QString, product);
    QFETCH(QString, field);
    QFETCH(QString, secret);

    const auto plan = planFor(product, {set(field, secret)});
    QVERIFY2(plan, issuesText(plan).constData());
    QVERIFY(!plan->isEmpty());
    QCOMPARE(readField(product, field, plan->edits.first().after), secret);
    const QString diff = plan->maskedDiff();
    // No piece of the secret, however the file escapes it.
    for (const QString &piece : {u"Kx9q"_s, u"Vb2w"_s, u"Tz7m"_s, u"abcdefghijklmnop"_s})
        QVERIFY2(!diff.contains(piece), qPrintable(diff));
    const QString print = QString::fromLatin1(
        QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256).toHex().left(8));
    QVERIFY2(diff.contains(print), qPrintable(diff));
}

void TestConfigPlan::allIssuesTogether()
{
    PlanOptions options;
    options.secretMinLength = {{u"appSecret"_s, 32}};
    const auto plan = planFor(u"jatos"_s,
        {set(u"jatos.http.port"_s, u"99999"_s), set(u"jatos.db.username"_s, u"fine"_s),
            set(u"jatos.secret"_s, u"short"_s), set(u"jatos.tmpPath"_s, u"relative/tmp"_s)},
        options);
    QVERIFY(!plan);
    QCOMPARE(plan.error().size(), 3);
    QCOMPARE(plan.error()[0].path, u"jatos.http.port"_s);
    QCOMPARE(plan.error()[1].path, u"jatos.secret"_s);
    QCOMPARE(plan.error()[2].path, u"jatos.tmpPath"_s);

    const auto two = planFor(
        u"openspecimen"_s, {set(u"tomcat.jvmRoute"_s, u"x"_s), set(u"node.name"_s, u"other"_s, u"os-1"_s)});
    QVERIFY(!two);
    QCOMPARE(two.error().size(), 2);
}

QTEST_APPLESS_MAIN(TestConfigPlan)

#include "tst_configplan.moc"
