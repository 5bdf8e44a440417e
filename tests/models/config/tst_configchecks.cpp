// NodeConfigReader and ConfigChecks: what each node's files say, and whether the
// nodes agree. Each failing case breaks one thing in an otherwise healthy cluster.

#include "ConfigTestData.h"
#include "config/ConfigChecks.h"
#include "config/NodeConfigFacts.h"

#include <QTest>

#include <functional>

using namespace Qt::StringLiterals;
using namespace ConfigTestData;

using Role = ConfigFileRole;
using Status = ConfigCheck::Status;
using Mutation = std::function<void(ClusterConfigSnapshot &, ConfigCheckInputs &)>;
using StringMap = QMap<QString, QString>;

Q_DECLARE_METATYPE(ConfigCheck::Status)
Q_DECLARE_METATYPE(Mutation)

namespace {

// Hand-computed with sha256sum: the first 8 hex digits of each test secret.
const QString AppSecretPrint = u"7d9b0986"_s;
const QString DbPasswordPrint = u"01f83726"_s;
const QString ClusterSecretPrint = u"bc6ff83a"_s;

QList<NodeConfigFacts> factsOf(const ClusterConfigSnapshot &snapshot)
{
    QList<NodeConfigFacts> facts;
    for (const NodeConfigSnapshot &node : snapshot.nodes)
        facts << NodeConfigReader::facts(snapshot.product, node);
    return facts;
}

// The inputs of a healthy cluster: every file read, the shared folder shared.
ConfigCheckInputs healthyInputs(const QString &product)
{
    ConfigCheckInputs inputs;
    SharedFolderProbe probe;
    probe.folder = sharedDir(product);
    probe.writer = nodeName(product, 1);
    probe.seenBy = {nodeName(product, 2), nodeName(product, 3)};
    inputs.sharedFolder = probe;
    return inputs;
}

QList<ConfigCheck> runChecks(const QString &product, const Mutation &mutate = {})
{
    ClusterConfigSnapshot snapshot = healthy(product);
    ConfigCheckInputs inputs = healthyInputs(product);
    if (mutate)
        mutate(snapshot, inputs);
    inputs.facts = factsOf(snapshot);
    return ConfigChecks::run(profile(product), inputs);
}

std::optional<ConfigCheck> findCheck(const QList<ConfigCheck> &checks, const QString &id)
{
    for (const ConfigCheck &check : checks) {
        if (check.id == id)
            return check;
    }
    return std::nullopt;
}

QStringList idsOf(const QList<ConfigCheck> &checks)
{
    QStringList ids;
    for (const ConfigCheck &check : checks)
        ids << check.id;
    return ids;
}

QByteArray describe(const QList<ConfigCheck> &checks)
{
    QString out;
    for (const ConfigCheck &check : checks) {
        out += check.id + u' ' + ConfigCheck::statusName(check.status) + u" [" + check.nodes.join(u',')
            + u"] " + check.detail + u'\n';
    }
    return out.toUtf8();
}

// Replaces `from` with `to` in one node's file.
Mutation edit(const QString &node, Role role, const QByteArray &from, const QByteArray &to)
{
    return [=](ClusterConfigSnapshot &snapshot, ConfigCheckInputs &) {
        ConfigFileState &file = fileOf(snapshot, node, role);
        if (!file.content.contains(from))
            qFatal("%s is not in the file", from.constData());
        file.content.replace(from, to);
    };
}

Mutation setContent(const QString &node, Role role, const QByteArray &content)
{
    return [=](ClusterConfigSnapshot &snapshot, ConfigCheckInputs &) {
        fileOf(snapshot, node, role).content = content;
    };
}

Mutation both(const Mutation &first, const Mutation &second)
{
    return [=](ClusterConfigSnapshot &snapshot, ConfigCheckInputs &inputs) {
        first(snapshot, inputs);
        second(snapshot, inputs);
    };
}

Mutation unreachable(const QStringList &nodes)
{
    return [=](ClusterConfigSnapshot &snapshot, ConfigCheckInputs &) {
        for (const QString &node : nodes) {
            nodeOf(snapshot, node).error = node + u": connection refused"_s;
            nodeOf(snapshot, node).files.clear();
        }
    };
}

Mutation inputsWith(const std::function<void(ConfigCheckInputs &)> &change)
{
    return [=](ClusterConfigSnapshot &, ConfigCheckInputs &inputs) { change(inputs); };
}

QList<BalancerMember> members(const QStringList &routes)
{
    QList<BalancerMember> out;
    int line = 1;
    for (const QString &route : routes)
        out << BalancerMember {u"http://10.0.1.%1:8080"_s.arg(line), route, line++};
    return out;
}

} // namespace

class TestConfigChecks : public QObject
{
    Q_OBJECT

private slots:
    void factsOfHealthyNodes_data();
    void factsOfHealthyNodes();
    void factsKeepNoSecret();
    void factsOfBrokenFiles_data();
    void factsOfBrokenFiles();
    void factsOfUnreachableNode();

    void checksPerProduct_data();
    void checksPerProduct();
    void healthyClusterPasses_data();
    void healthyClusterPasses();

    void failures_data();
    void failures();

    void secretNeverInChecks();
    void keychainFingerprintMatches();
    void nothingReachableIsSkipped_data();
    void nothingReachableIsSkipped();
    void clusterJsonNamesDetails();
    void statusNames();
    void exitCode_data();
    void exitCode();
};

void TestConfigChecks::factsOfHealthyNodes_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<StringMap>("values");
    QTest::addColumn<StringMap>("secrets");

    QTest::newRow("jatos") << u"jatos"_s
                           << QMap<QString, QString> {
                                  {u"jatos.multiNode"_s, u"true"_s},
                                  {u"jatos.db.url"_s, QString::fromUtf8(JdbcUrl)},
                                  {u"jatos.db.username"_s, u"jatos"_s},
                                  {u"jatos.db.password"_s, DbPasswordPrint},
                                  {u"jatos.secret"_s, AppSecretPrint},
                                  {u"jatos.http.port"_s, u"9000"_s},
                                  {u"jatos.studyAssetsRootPath"_s, u"/srv/jatos-shared/study_assets_root"_s},
                                  {u"jatos.resultUploads.path"_s, u"/srv/jatos-shared/result_uploads"_s},
                                  {u"jatos.studyLogs.path"_s, u"/srv/jatos-shared/study_logs"_s},
                                  {u"jatos.tmpPath"_s, u"/srv/jatos-shared/tmp"_s},
                              }
                           << QMap<QString, QString> {
                                  {u"appSecret"_s, AppSecretPrint}, {u"database.password"_s, DbPasswordPrint}};
    QTest::newRow("openspecimen") << u"openspecimen"_s
                                  << QMap<QString, QString> {
                                         {u"node.name"_s, u"os-2"_s},
                                         {u"database.host"_s, u"10.0.0.5"_s},
                                         {u"database.port"_s, u"3306"_s},
                                         {u"database.name"_s, u"openspecimen"_s},
                                         {u"database.username"_s, u"openspecimen"_s},
                                         {u"database.password"_s, DbPasswordPrint},
                                         {u"cluster.secret"_s, ClusterSecretPrint},
                                         {u"cluster.notifTimeout"_s, u"60"_s},
                                         {u"cluster.notifErrorRcpts"_s, u"ops@example.org"_s},
                                         {u"tomcat.jvmRoute"_s, u"os-2"_s},
                                     }
                                  << QMap<QString, QString> {{u"clusterSecret"_s, ClusterSecretPrint},
                                         {u"database.password"_s, DbPasswordPrint}};
    QTest::newRow("joget") << u"joget"_s
                           << QMap<QString, QString> {
                                  {u"workflowDriver"_s, u"com.mysql.cj.jdbc.Driver"_s},
                                  {u"workflowUrl"_s,
                                      u"jdbc:mysql://10.0.0.5:3306/jwdb?characterEncoding=UTF-8&useSSL=false&"
                                      "serverTimezone=UTC"_s},
                                  {u"workflowUser"_s, u"joget"_s},
                                  {u"workflowPassword"_s, DbPasswordPrint},
                                  {u"wflow.name"_s, u"joget-2"_s},
                                  {u"tomcat.jvmRoute"_s, u"joget-2"_s},
                              }
                           << QMap<QString, QString> {{u"database.password"_s, DbPasswordPrint}};
}

void TestConfigChecks::factsOfHealthyNodes()
{
    QFETCH(QString, product);
    QFETCH(StringMap, values);
    QFETCH(StringMap, secrets);

    const NodeConfigFacts facts = NodeConfigReader::facts(product, healthyNode(product, 2));
    QCOMPARE(facts.node, nodeName(product, 2));
    QVERIFY(facts.reachable);
    QVERIFY2(facts.problems.isEmpty(), qPrintable(facts.problems.join(u'\n')));
    QCOMPARE(facts.values, values);
    QCOMPARE(facts.secretFingerprints, secrets);

    if (product == u"openspecimen"_s) {
        QVERIFY(facts.clusterJson);
        QVERIFY(facts.clusterJson->secret.isEmpty()); // cleared
        QCOMPARE(facts.clusterJson->nodes.size(), 3);
        QCOMPARE(facts.clusterJson->nodes[1].name, u"os-2"_s);
        QCOMPARE(facts.clusterJson->notifErrorRcpts, QStringList {u"ops@example.org"_s});
        QCOMPARE(facts.clusterJsonFingerprint.size(), 8);
        QCOMPARE(facts.sharedFiles, QStringList {u"/srv/os-data/config-settings/cluster.json"_s});
    } else {
        QVERIFY(!facts.clusterJson);
        QVERIFY(facts.clusterJsonFingerprint.isEmpty());
    }
    if (product == u"joget"_s)
        QCOMPARE(facts.sharedFiles, QStringList {u"/srv/joget/wflow/app_datasource-default.properties"_s});
    if (product == u"jatos"_s)
        QVERIFY(facts.sharedFiles.isEmpty());
}

void TestConfigChecks::factsKeepNoSecret()
{
    for (const QString &product : {u"jatos"_s, u"openspecimen"_s, u"joget"_s}) {
        for (int i = 1; i <= 3; ++i) {
            const NodeConfigFacts facts = NodeConfigReader::facts(product, healthyNode(product, i));
            QStringList everything
                = facts.values.values() + facts.secretFingerprints.values() + facts.problems;
            if (facts.clusterJson)
                everything << QString::fromUtf8(facts.clusterJson->toJson());
            for (const QByteArray &secret : {AppSecret, DbPassword, ClusterSecret}) {
                for (const QString &text : std::as_const(everything))
                    QVERIFY2(!text.contains(QString::fromUtf8(secret)), qPrintable(product + u": "_s + text));
            }
        }
    }
}

void TestConfigChecks::factsOfBrokenFiles_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<Mutation>("mutate");
    QTest::addColumn<QString>("problemPart");
    QTest::addColumn<QStringList>("stillRead"); // field ids read from the other files

    QTest::newRow("jatos.conf missing")
        << u"jatos"_s << Mutation([](ClusterConfigSnapshot &s, ConfigCheckInputs &) {
               ConfigFileState &file = fileOf(s, u"jatos-1"_s, Role::JatosConf);
               file.exists = false;
               file.content.clear();
           })
        << u"jatos-1:/opt/jatos/conf/jatos.conf"_s << QStringList {};
    QTest::newRow("jatos.conf unreadable")
        << u"jatos"_s << Mutation([](ClusterConfigSnapshot &s, ConfigCheckInputs &) {
               ConfigFileState &file = fileOf(s, u"jatos-1"_s, Role::JatosConf);
               file.error = u"jatos-1:/opt/jatos/conf/jatos.conf: permission denied"_s;
               file.content.clear();
           })
        << u"permission denied"_s << QStringList {};
    QTest::newRow("jatos.conf garbled")
        << u"jatos"_s
        << setContent(u"jatos-1"_s, Role::JatosConf,
               "jatos.multiNode = true\nplay.http.secret.key = \"" + AppSecret + "\"\njatos {\n")
        << u"jatos-1:/opt/jatos/conf/jatos.conf"_s << QStringList {};
    QTest::newRow("server.xml garbled, properties still read")
        << u"openspecimen"_s
        << setContent(u"os-1"_s, Role::TomcatServerXml, "<Server><Engine jvmRoute=\"os-1\">")
        << u"os-1:/opt/tomcat/conf/server.xml"_s
        << QStringList {u"node.name"_s, u"database.host"_s, u"cluster.secret"_s};
    QTest::newRow("cluster JSON missing, properties still read")
        << u"openspecimen"_s << Mutation([](ClusterConfigSnapshot &s, ConfigCheckInputs &) {
               ConfigFileState &file = fileOf(s, u"os-1"_s, Role::OpenSpecimenClusterJson);
               file.exists = false;
               file.content.clear();
           })
        << u"os-1:/srv/os-data/config-settings/cluster.json"_s
        << QStringList {u"node.name"_s, u"database.password"_s, u"tomcat.jvmRoute"_s};
    QTest::newRow("datasource garbled")
        << u"joget"_s << setContent(u"joget-1"_s, Role::JogetDatasource, "workflowUser=\xff\n")
        << u"joget-1:/srv/joget/wflow/app_datasource-default.properties"_s
        << QStringList {u"wflow.name"_s, u"tomcat.jvmRoute"_s};
}

void TestConfigChecks::factsOfBrokenFiles()
{
    QFETCH(QString, product);
    QFETCH(Mutation, mutate);
    QFETCH(QString, problemPart);
    QFETCH(QStringList, stillRead);

    ClusterConfigSnapshot snapshot = healthy(product);
    ConfigCheckInputs unused;
    mutate(snapshot, unused);
    const NodeConfigFacts facts = NodeConfigReader::facts(product, snapshot.nodes.first());
    QVERIFY(facts.reachable);
    QCOMPARE(facts.problems.size(), 1); // one problem per file, not one per field
    QVERIFY2(facts.problems.first().contains(problemPart), qPrintable(facts.problems.first()));
    QVERIFY2(!facts.problems.first().contains(QString::fromUtf8(AppSecret)), "a parse error shows no secret");
    if (stillRead.isEmpty())
        QVERIFY(facts.values.isEmpty());
    for (const QString &id : std::as_const(stillRead))
        QVERIFY2(facts.has(id), qPrintable(id));
}

void TestConfigChecks::factsOfUnreachableNode()
{
    ClusterConfigSnapshot snapshot = healthy(u"jatos"_s);
    ConfigCheckInputs unused;
    unreachable({u"jatos-3"_s})(snapshot, unused);
    const NodeConfigFacts facts = NodeConfigReader::facts(u"jatos"_s, snapshot.nodes[2]);
    QCOMPARE(facts.node, u"jatos-3"_s);
    QVERIFY(!facts.reachable);
    QCOMPARE(facts.problems, QStringList {u"jatos-3: connection refused"_s});
    QVERIFY(facts.values.isEmpty());
    QVERIFY(facts.secretFingerprints.isEmpty());
}

void TestConfigChecks::checksPerProduct_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<QStringList>("ids");
    QTest::newRow("jatos") << u"jatos"_s
                           << QStringList {u"readable"_s, u"secret"_s, u"multiNode"_s, u"database"_s,
                                  u"sharedFolder"_s};
    QTest::newRow("openspecimen") << u"openspecimen"_s
                                  << QStringList {u"readable"_s, u"secret"_s, u"database"_s,
                                         u"sharedFolder"_s, u"nodeNames"_s, u"jvmRoute"_s};
    QTest::newRow("joget") << u"joget"_s
                           << QStringList {u"readable"_s, u"database"_s, u"sharedFolder"_s, u"nodeNames"_s,
                                  u"jvmRoute"_s};
}

void TestConfigChecks::checksPerProduct()
{
    QFETCH(QString, product);
    QFETCH(QStringList, ids);
    QCOMPARE(idsOf(runChecks(product)), ids);
}

void TestConfigChecks::healthyClusterPasses_data()
{
    QTest::addColumn<QString>("product");
    QTest::newRow("jatos") << u"jatos"_s;
    QTest::newRow("openspecimen") << u"openspecimen"_s;
    QTest::newRow("joget") << u"joget"_s;
}

void TestConfigChecks::healthyClusterPasses()
{
    QFETCH(QString, product);
    const QList<ConfigCheck> checks = runChecks(product);
    for (const ConfigCheck &check : checks) {
        QVERIFY2(check.status == Status::Pass, describe(checks).constData());
        QVERIFY(check.nodes.isEmpty());
        QVERIFY(!check.title.isEmpty());
        QVERIFY(check.fix.isEmpty());
    }
    QCOMPARE(ConfigChecks::exitCode(checks), 0);
}

void TestConfigChecks::failures_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<Mutation>("mutate");
    QTest::addColumn<QString>("id");
    QTest::addColumn<ConfigCheck::Status>("status");
    QTest::addColumn<QStringList>("nodes");
    QTest::addColumn<QString>("detailPart");

    const QString jatos = u"jatos"_s;
    const QString os = u"openspecimen"_s;
    const QString joget = u"joget"_s;
    const QByteArray secretLine = "play.http.secret.key = \"" + AppSecret + "\"";

    // readable
    QTest::newRow("readable: jatos.conf missing on jatos-2")
        << jatos << Mutation([](ClusterConfigSnapshot &s, ConfigCheckInputs &) {
               fileOf(s, u"jatos-2"_s, Role::JatosConf).exists = false;
           })
        << u"readable"_s << Status::Fail << QStringList {u"jatos-2"_s} << u"does not exist"_s;
    QTest::newRow("readable: garbled on jatos-3")
        << jatos << setContent(u"jatos-3"_s, Role::JatosConf, "jatos {\n") << u"readable"_s << Status::Fail
        << QStringList {u"jatos-3"_s} << u"jatos-3:/opt/jatos/conf/jatos.conf"_s;
    QTest::newRow("readable: unreachable")
        << jatos << unreachable({u"jatos-1"_s}) << u"readable"_s << Status::Fail << QStringList {u"jatos-1"_s}
        << u"connection refused"_s;
    QTest::newRow("readable: two nodes")
        << os << both(unreachable({u"os-1"_s}), setContent(u"os-3"_s, Role::TomcatServerXml, "<Server>"))
        << u"readable"_s << Status::Fail << QStringList {u"os-1"_s, u"os-3"_s}
        << u"os-1: connection refused"_s;

    // secret
    QTest::newRow("secret: other secret on jatos-3")
        << jatos
        << edit(u"jatos-3"_s, Role::JatosConf, AppSecret, "another-secret-of-the-same-length-or-so-xyz")
        << u"secret"_s << Status::Fail << QStringList {u"jatos-3"_s} << AppSecretPrint;
    QTest::newRow("secret: missing on jatos-2")
        << jatos << edit(u"jatos-2"_s, Role::JatosConf, secretLine, "") << u"secret"_s << Status::Fail
        << QStringList {u"jatos-2"_s} << AppSecretPrint;
    QTest::newRow("secret: missing everywhere")
        << jatos
        << both(edit(u"jatos-1"_s, Role::JatosConf, secretLine, ""),
               both(edit(u"jatos-2"_s, Role::JatosConf, secretLine, ""),
                   edit(u"jatos-3"_s, Role::JatosConf, secretLine, "")))
        << u"secret"_s << Status::Fail << QStringList {u"jatos-1"_s, u"jatos-2"_s, u"jatos-3"_s} << QString();
    QTest::newRow("secret: keychain holds another") << jatos << inputsWith([](ConfigCheckInputs &inputs) {
        inputs.keychainFingerprints[u"appSecret"_s] = u"0badc0de"_s;
    }) << u"secret"_s << Status::Warning << QStringList {u"jatos-1"_s, u"jatos-2"_s, u"jatos-3"_s}
                                                    << u"0badc0de"_s;
    QTest::newRow("secret: unreachable node ignored") << jatos << unreachable({u"jatos-2"_s}) << u"secret"_s
                                                      << Status::Pass << QStringList {} << AppSecretPrint;
    QTest::newRow("secret: openspecimen cluster secret differs")
        << os << Mutation([](ClusterConfigSnapshot &s, ConfigCheckInputs &) {
               // Each node read the shared file at another moment.
               fileOf(s, u"os-1"_s, Role::OpenSpecimenClusterJson).content
                   = clusterJson({u"os-1"_s, u"os-2"_s, u"os-3"_s}, "yet-another-cluster-secret-0123456789");
           })
        << u"secret"_s << Status::Fail << QStringList {u"os-1"_s} << ClusterSecretPrint;
    QTest::newRow("secret: openspecimen keychain") << os << inputsWith([](ConfigCheckInputs &inputs) {
        inputs.keychainFingerprints[u"clusterSecret"_s] = u"12345678"_s;
    }) << u"secret"_s << Status::Warning << QStringList {u"os-1"_s, u"os-2"_s, u"os-3"_s}
                                                   << u"12345678"_s;
    QTest::newRow("secret: keychain of another secret ignored")
        << jatos << inputsWith([](ConfigCheckInputs &inputs) {
               inputs.keychainFingerprints[u"database.password"_s] = u"1"_s;
           })
        << u"secret"_s << Status::Pass << QStringList {} << QString();

    // multiNode
    QTest::newRow("multiNode: false on jatos-2")
        << jatos << edit(u"jatos-2"_s, Role::JatosConf, "jatos.multiNode = true", "jatos.multiNode = false")
        << u"multiNode"_s << Status::Fail << QStringList {u"jatos-2"_s} << u"jatos-2"_s;
    QTest::newRow("multiNode: unset on jatos-3")
        << jatos << edit(u"jatos-3"_s, Role::JatosConf, "jatos.multiNode = true\n", "") << u"multiNode"_s
        << Status::Fail << QStringList {u"jatos-3"_s} << u"jatos.multiNode"_s;
    QTest::newRow("multiNode: H2 on jatos-1")
        << jatos << edit(u"jatos-1"_s, Role::JatosConf, JdbcUrl, "jdbc:h2:./database/jatos") << u"multiNode"_s
        << Status::Fail << QStringList {u"jatos-1"_s} << u"H2"_s;
    QTest::newRow("multiNode: off and H2 on different nodes")
        << jatos
        << both(edit(u"jatos-3"_s, Role::JatosConf, "jatos.multiNode = true", "jatos.multiNode = false"),
               edit(u"jatos-1"_s, Role::JatosConf, JdbcUrl, "jdbc:h2:./database/jatos"))
        << u"multiNode"_s << Status::Fail << QStringList {u"jatos-3"_s, u"jatos-1"_s} << u"H2"_s;
    QTest::newRow("multiNode: off and H2 on one node")
        << jatos
        << both(edit(u"jatos-2"_s, Role::JatosConf, "jatos.multiNode = true", "jatos.multiNode = false"),
               edit(u"jatos-2"_s, Role::JatosConf, JdbcUrl, "jdbc:h2:./database/jatos"))
        << u"multiNode"_s << Status::Fail << QStringList {u"jatos-2"_s} << u"H2"_s;
    QTest::newRow("multiNode: mariadb URL passes")
        << jatos
        << both(edit(u"jatos-1"_s, Role::JatosConf, JdbcUrl, "jdbc:mariadb://10.0.0.5:3306/jatos"),
               both(edit(u"jatos-2"_s, Role::JatosConf, JdbcUrl, "jdbc:mariadb://10.0.0.5:3306/jatos"),
                   edit(u"jatos-3"_s, Role::JatosConf, JdbcUrl, "jdbc:mariadb://10.0.0.5:3306/jatos")))
        << u"multiNode"_s << Status::Pass << QStringList {} << QString();

    // database
    QTest::newRow("database: user differs on jatos-3")
        << jatos
        << edit(
               u"jatos-3"_s, Role::JatosConf, "jatos.db.username = \"jatos\"", "jatos.db.username = \"root\"")
        << u"database"_s << Status::Fail << QStringList {u"jatos-3"_s} << u"jatos.db.username"_s;
    QTest::newRow("database: password differs on jatos-1")
        << jatos << edit(u"jatos-1"_s, Role::JatosConf, DbPassword, "other-db-password") << u"database"_s
        << Status::Fail << QStringList {u"jatos-1"_s} << DbPasswordPrint;
    QTest::newRow("database: url differs on jatos-2")
        << jatos << edit(u"jatos-2"_s, Role::JatosConf, "10.0.0.5", "10.0.0.6") << u"database"_s
        << Status::Fail << QStringList {u"jatos-2"_s} << u"jatos.db.url"_s;
    QTest::newRow("database: openspecimen host on os-2")
        << os
        << edit(u"os-2"_s, Role::OpenSpecimenProperties, "database.host=10.0.0.5", "database.host=localhost")
        << u"database"_s << Status::Fail << QStringList {u"os-2"_s} << u"localhost"_s;
    QTest::newRow("database: openspecimen two fields on two nodes")
        << os
        << both(edit(u"os-3"_s, Role::OpenSpecimenProperties, "database.port=3306", "database.port=3307"),
               edit(
                   u"os-1"_s, Role::OpenSpecimenProperties, "database.name=openspecimen", "database.name=os"))
        << u"database"_s << Status::Fail << QStringList {u"os-3"_s, u"os-1"_s} << u"database.port"_s;
    QTest::newRow("database: openspecimen user unset on os-1")
        << os << edit(u"os-1"_s, Role::OpenSpecimenProperties, "database.username=openspecimen\n", "")
        << u"database"_s << Status::Fail << QStringList {u"os-1"_s} << u"database.username"_s;

    // sharedFolder
    QTest::newRow("sharedFolder: not tested")
        << jatos << inputsWith([](ConfigCheckInputs &inputs) { inputs.sharedFolder.reset(); })
        << u"sharedFolder"_s << Status::Skipped << QStringList {} << QString();
    QTest::newRow("sharedFolder: write failed") << jatos << inputsWith([](ConfigCheckInputs &inputs) {
        inputs.sharedFolder->error = u"jatos-1: /srv/jatos-shared: permission denied"_s;
        inputs.sharedFolder->seenBy.clear();
    }) << u"sharedFolder"_s << Status::Fail << QStringList {u"jatos-1"_s}
                                                << u"permission denied"_s;
    QTest::newRow("sharedFolder: not seen by jatos-3") << jatos << inputsWith([](ConfigCheckInputs &inputs) {
        inputs.sharedFolder->seenBy = {u"jatos-2"_s};
        inputs.sharedFolder->notSeenBy = {{u"jatos-3"_s, u"missing"_s}};
    }) << u"sharedFolder"_s << Status::Fail << QStringList {u"jatos-3"_s}
                                                       << u"jatos-3: missing"_s;
    QTest::newRow("sharedFolder: not seen by two") << joget << inputsWith([](ConfigCheckInputs &inputs) {
        inputs.sharedFolder->seenBy.clear();
        inputs.sharedFolder->notSeenBy
            = {{u"joget-3"_s, u"different content"_s}, {u"joget-2"_s, u"unreachable"_s}};
    }) << u"sharedFolder"_s << Status::Fail << QStringList {u"joget-2"_s, u"joget-3"_s}
                                                   << u"different content"_s;

    // nodeNames
    QTest::newRow("nodeNames: duplicate node.name")
        << os << edit(u"os-2"_s, Role::OpenSpecimenProperties, "node.name=os-2", "node.name=os-1")
        << u"nodeNames"_s << Status::Fail << QStringList {u"os-1"_s, u"os-2"_s}
        << u"\"os-1\" is used by os-1, os-2"_s;
    QTest::newRow("nodeNames: node.name unset on os-3")
        << os << edit(u"os-3"_s, Role::OpenSpecimenProperties, "node.name=os-3\n", "") << u"nodeNames"_s
        << Status::Fail << QStringList {u"os-3"_s} << u"not set on os-3"_s;
    QTest::newRow("nodeNames: os-3 missing from the cluster JSON")
        << os << Mutation([](ClusterConfigSnapshot &s, ConfigCheckInputs &) {
               setShared(s, Role::OpenSpecimenClusterJson, clusterJson({u"os-1"_s, u"os-2"_s}));
           })
        << u"nodeNames"_s << Status::Fail << QStringList {u"os-3"_s} << u"os-3 (node.name os-3) is missing"_s;
    QTest::newRow("nodeNames: renamed node missing from the cluster JSON")
        << os << edit(u"os-2"_s, Role::OpenSpecimenProperties, "node.name=os-2", "node.name=lion")
        << u"nodeNames"_s << Status::Fail << QStringList {u"os-2"_s} << u"lists os-2"_s;
    QTest::newRow("nodeNames: extra entry in the cluster JSON")
        << os << Mutation([](ClusterConfigSnapshot &s, ConfigCheckInputs &) {
               setShared(s, Role::OpenSpecimenClusterJson,
                   clusterJson({u"os-1"_s, u"os-2"_s, u"os-3"_s, u"os-4"_s}));
           })
        << u"nodeNames"_s << Status::Fail << QStringList {} << u"lists os-4"_s;
    QTest::newRow("nodeNames: no valid cluster JSON")
        << os << Mutation([](ClusterConfigSnapshot &s, ConfigCheckInputs &) {
               setShared(s, Role::OpenSpecimenClusterJson, "{\"nodes\": 5}");
           })
        << u"nodeNames"_s << Status::Fail << QStringList {} << u"cluster JSON"_s;
    QTest::newRow("nodeNames: cluster JSON listed in another order passes")
        << os << Mutation([](ClusterConfigSnapshot &s, ConfigCheckInputs &) {
               setShared(s, Role::OpenSpecimenClusterJson, clusterJson({u"os-3"_s, u"os-1"_s, u"os-2"_s}));
           })
        << u"nodeNames"_s << Status::Pass << QStringList {} << QString();
    QTest::newRow("nodeNames: joget duplicate wflow.name")
        << joget
        << edit(u"joget-3"_s, Role::JogetCatalinaProperties, "wflow.name=joget-3", "wflow.name=joget-2")
        << u"nodeNames"_s << Status::Fail << QStringList {u"joget-2"_s, u"joget-3"_s} << u"wflow.name"_s;
    QTest::newRow("nodeNames: joget wflow.name unset")
        << joget << edit(u"joget-1"_s, Role::JogetCatalinaProperties, "wflow.name=joget-1\n", "")
        << u"nodeNames"_s << Status::Fail << QStringList {u"joget-1"_s} << u"not set on joget-1"_s;

    // jvmRoute
    QTest::newRow("jvmRoute: duplicate")
        << os << edit(u"os-3"_s, Role::TomcatServerXml, "jvmRoute=\"os-3\"", "jvmRoute=\"os-1\"")
        << u"jvmRoute"_s << Status::Fail << QStringList {u"os-1"_s, u"os-3"_s}
        << u"\"os-1\" is used by os-1, os-3"_s;
    QTest::newRow("jvmRoute: joget needs one")
        << joget << edit(u"joget-2"_s, Role::TomcatServerXml, " jvmRoute=\"joget-2\"", "") << u"jvmRoute"_s
        << Status::Fail << QStringList {u"joget-2"_s} << u"no jvmRoute on joget-2"_s;
    QTest::newRow("jvmRoute: openspecimen may have none")
        << os << edit(u"os-2"_s, Role::TomcatServerXml, " jvmRoute=\"os-2\"", "") << u"jvmRoute"_s
        << Status::Pass << QStringList {} << QString();
    QTest::newRow("jvmRoute: balancer agrees") << os << inputsWith([](ConfigCheckInputs &inputs) {
        inputs.balancer = members({u"os-1"_s, u"os-2"_s, u"os-3"_s});
    }) << u"jvmRoute"_s << Status::Pass << QStringList {}
                                               << u"balancer"_s;
    QTest::newRow("jvmRoute: balancer lacks os-3's route") << os << inputsWith([](ConfigCheckInputs &inputs) {
        inputs.balancer = members({u"os-1"_s, u"os-2"_s, u"node03"_s});
    }) << u"jvmRoute"_s << Status::Fail << QStringList {u"os-3"_s}
                                                           << u"os-3's jvmRoute \"os-3\""_s;
    QTest::newRow("jvmRoute: balancer without routes") << joget << inputsWith([](ConfigCheckInputs &inputs) {
        inputs.balancer = members({u""_s, u""_s, u""_s});
    }) << u"jvmRoute"_s << Status::Fail << QStringList {u"joget-1"_s, u"joget-2"_s, u"joget-3"_s}
                                                       << u"BalancerMember"_s;
    QTest::newRow("jvmRoute: duplicate and unknown to the balancer")
        << joget
        << both(edit(u"joget-2"_s, Role::TomcatServerXml, "jvmRoute=\"joget-2\"", "jvmRoute=\"joget-1\""),
               inputsWith([](ConfigCheckInputs &inputs) {
                   inputs.balancer = members({u"joget-2"_s, u"joget-3"_s});
               }))
        << u"jvmRoute"_s << Status::Fail << QStringList {u"joget-1"_s, u"joget-2"_s} << u"is used by"_s;
    // A balancer the profile names but that could not be read has not agreed.
    QTest::newRow("jvmRoute: balancer unreadable warns")
        << joget << inputsWith([](ConfigCheckInputs &inputs) {
               inputs.balancerProblem = u"cannot read /etc/lb.conf on the load balancer lb: no such file"_s;
           })
        << u"jvmRoute"_s << Status::Warning << QStringList {}
        << u"not compared with the balancer: cannot read /etc/lb.conf"_s;
    QTest::newRow("jvmRoute: duplicate and balancer unreadable")
        << joget
        << both(edit(u"joget-2"_s, Role::TomcatServerXml, "jvmRoute=\"joget-2\"", "jvmRoute=\"joget-1\""),
               inputsWith([](ConfigCheckInputs &inputs) { inputs.balancerProblem = u"lb: timed out"_s; }))
        << u"jvmRoute"_s << Status::Fail << QStringList {u"joget-1"_s, u"joget-2"_s} << u"lb: timed out"_s;
}

void TestConfigChecks::failures()
{
    QFETCH(QString, product);
    QFETCH(Mutation, mutate);
    QFETCH(QString, id);
    QFETCH(ConfigCheck::Status, status);
    QFETCH(QStringList, nodes);
    QFETCH(QString, detailPart);

    const QList<ConfigCheck> checks = runChecks(product, mutate);
    const std::optional<ConfigCheck> check = findCheck(checks, id);
    QVERIFY2(check, describe(checks).constData());
    QVERIFY2(check->status == status, describe(checks).constData());
    QCOMPARE(check->nodes, nodes);
    QVERIFY2(check->detail.contains(detailPart), qPrintable(check->detail));
    if (status == Status::Fail || status == Status::Warning)
        QVERIFY2(!check->fix.isEmpty(), "a failed check says what to do");
    if (status == Status::Fail)
        QCOMPARE(ConfigChecks::exitCode(checks), 2);
    if (status == Status::Warning)
        QVERIFY(ConfigChecks::exitCode(checks) >= 1);
}

void TestConfigChecks::secretNeverInChecks()
{
    const Mutation differ
        = both(edit(u"jatos-2"_s, Role::JatosConf, AppSecret, "different-application-secret-xyz"),
            edit(u"jatos-3"_s, Role::JatosConf, DbPassword, "different-db-password"));
    const QList<ConfigCheck> checks = runChecks(u"jatos"_s, differ);
    QCOMPARE(findCheck(checks, u"secret"_s)->status, Status::Fail);
    QCOMPARE(findCheck(checks, u"database"_s)->status, Status::Fail);
    for (const ConfigCheck &check : checks) {
        for (const QString &secret : {QString::fromUtf8(AppSecret), QString::fromUtf8(DbPassword),
                 u"different-application-secret-xyz"_s, u"different-db-password"_s}) {
            QVERIFY2(!check.detail.contains(secret), qPrintable(check.detail));
            QVERIFY(!check.fix.contains(secret));
            QVERIFY(!check.title.contains(secret));
        }
    }
}

void TestConfigChecks::keychainFingerprintMatches()
{
    const QList<ConfigCheck> checks = runChecks(u"jatos"_s, inputsWith([](ConfigCheckInputs &inputs) {
        inputs.keychainFingerprints[u"appSecret"_s] = AppSecretPrint;
    }));
    const std::optional<ConfigCheck> secret = findCheck(checks, u"secret"_s);
    QCOMPARE(secret->status, Status::Pass);
    QVERIFY(secret->detail.contains(AppSecretPrint));
}

void TestConfigChecks::nothingReachableIsSkipped_data()
{
    QTest::addColumn<QString>("product");
    QTest::newRow("jatos") << u"jatos"_s;
    QTest::newRow("openspecimen") << u"openspecimen"_s;
    QTest::newRow("joget") << u"joget"_s;
}

void TestConfigChecks::nothingReachableIsSkipped()
{
    QFETCH(QString, product);
    const QStringList all {nodeName(product, 1), nodeName(product, 2), nodeName(product, 3)};
    const QList<ConfigCheck> checks = runChecks(product,
        both(unreachable(all), inputsWith([](ConfigCheckInputs &inputs) { inputs.sharedFolder.reset(); })));
    for (const ConfigCheck &check : checks) {
        if (check.id == u"readable"_s) {
            QCOMPARE(check.status, Status::Fail);
            QCOMPARE(check.nodes, all);
        } else {
            QVERIFY2(check.status == Status::Skipped, describe(checks).constData());
        }
    }
    QCOMPARE(ConfigChecks::exitCode(checks), 2);
}

void TestConfigChecks::clusterJsonNamesDetails()
{
    // Missing entry and extra entry together: both named, the node listed once.
    const QList<ConfigCheck> checks
        = runChecks(u"openspecimen"_s, [](ClusterConfigSnapshot &s, ConfigCheckInputs &) {
              setShared(s, Role::OpenSpecimenClusterJson, clusterJson({u"os-1"_s, u"os-2"_s, u"tiger"_s}));
          });
    const std::optional<ConfigCheck> names = findCheck(checks, u"nodeNames"_s);
    QCOMPARE(names->status, Status::Fail);
    QCOMPARE(names->nodes, QStringList {u"os-3"_s});
    QVERIFY2(names->detail.contains(u"tiger"_s), qPrintable(names->detail));
    QVERIFY2(names->detail.contains(u"os-3"_s), qPrintable(names->detail));
    QVERIFY(names->fix.contains(u"cluster JSON"_s));
}

void TestConfigChecks::statusNames()
{
    QCOMPARE(ConfigCheck::statusName(Status::Pass), u"pass"_s);
    QCOMPARE(ConfigCheck::statusName(Status::Warning), u"warning"_s);
    QCOMPARE(ConfigCheck::statusName(Status::Fail), u"fail"_s);
    QCOMPARE(ConfigCheck::statusName(Status::Skipped), u"skipped"_s);
}

void TestConfigChecks::exitCode_data()
{
    QTest::addColumn<QList<int>>("statuses");
    QTest::addColumn<int>("expected");
    const int pass = int(Status::Pass);
    const int warning = int(Status::Warning);
    const int fail = int(Status::Fail);
    const int skipped = int(Status::Skipped);
    QTest::newRow("no checks") << QList<int> {} << 0;
    QTest::newRow("all pass") << QList<int> {pass, pass} << 0;
    QTest::newRow("skipped counts as pass") << QList<int> {pass, skipped} << 0;
    QTest::newRow("one warning") << QList<int> {pass, warning, skipped} << 1;
    QTest::newRow("one failure") << QList<int> {pass, fail} << 2;
    QTest::newRow("failure before warning") << QList<int> {fail, warning} << 2;
    QTest::newRow("warning before failure") << QList<int> {warning, fail, pass} << 2;
}

void TestConfigChecks::exitCode()
{
    QFETCH(QList<int>, statuses);
    QFETCH(int, expected);
    QList<ConfigCheck> checks;
    for (int status : std::as_const(statuses)) {
        ConfigCheck check;
        check.id = u"c"_s + QString::number(checks.size());
        check.status = Status(status);
        checks << check;
    }
    QCOMPARE(ConfigChecks::exitCode(checks), expected);
}

QTEST_APPLESS_MAIN(TestConfigChecks)

#include "tst_configchecks.moc"
