// ClusterProfile: reading and writing the document a user opens, and the rules
// checked on profiles built in code. Rejected documents: tst_profilerejects.

#include "ProfileTestSupport.h"

using namespace ProfileTestSupport;

Q_DECLARE_METATYPE(ClusterProfile)

class TestClusterProfile : public QObject
{
    Q_OBJECT

private slots:
    void loadsHostsProfile();
    void loadsComposeProfile();
    void loadsKubernetesProfile();
    void appliesDefaults();
    void loadsBalancer();

    void roundTrip_data();
    void roundTrip();
    void roundTripConstructed_data();
    void roundTripConstructed();

    void secretUses_data();
    void secretUses();

    void validateConstructed_data();
    void validateConstructed();

    void deploymentKindNames();
    void nodeNames_data();
    void nodeNames();
    void secretNames_data();
    void secretNames();
};

void TestClusterProfile::loadsHostsProfile()
{
    const auto result = ClusterProfile::fromJson(readProfileFile(HostsFile));
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    const ClusterProfile &profile = *result;

    QCOMPARE(profile.name, u"JATOS on three hosts"_s);
    QCOMPARE(profile.product, u"jatos"_s);
    QCOMPARE(profile.deployment.kind, DeploymentKind::Hosts);
    QCOMPARE(profile.deployment.knownHosts, u"~/.ssh/known_hosts_jatos"_s);
    QVERIFY(profile.validate().isEmpty());

    QCOMPARE(profile.nodes.size(), 3);
    const NodeSpec &first = profile.nodes.at(0);
    QCOMPARE(first.name, u"jatos-1"_s);
    QCOMPARE(first.url, QUrl(u"http://jatos-1.example.org:9000/"_s));
    QVERIFY(first.installDir.isEmpty());
    QVERIFY(first.ssh.has_value());
    QCOMPARE(first.ssh->host, u"jatos-1.example.org"_s);
    QCOMPARE(first.ssh->port, 22); // not given: the SSH default
    QCOMPARE(first.ssh->user, u"jatos"_s);
    QCOMPARE(first.ssh->identity, u"~/.ssh/id_ed25519_jatos"_s);
    QCOMPARE(first.ssh->passphrase.name, u"jatos-demo/ssh-key"_s);
    QVERIFY(first.ssh->password.isNull());

    const NodeSpec &second = profile.nodes.at(1);
    QCOMPARE(second.name, u"jatos-2"_s);
    QCOMPARE(second.installDir, u"/srv/jatos"_s);
    QVERIFY(second.ssh.has_value());
    QCOMPARE(second.ssh->host, u"10.0.1.2"_s);
    QCOMPARE(second.ssh->port, 2222);
    QCOMPARE(second.ssh->user, u"deploy"_s);
    QVERIFY(second.ssh->identity.isEmpty());
    QVERIFY(second.ssh->passphrase.isNull());
    QCOMPARE(second.ssh->password.name, u"jatos-demo/deploy@jatos-2"_s);

    const NodeSpec &third = profile.nodes.at(2);
    QCOMPARE(third.name, u"jatos-3"_s);
    QCOMPARE(third.url.scheme(), u"https"_s);
    QVERIFY(!third.ssh.has_value());

    QVERIFY(profile.database.has_value());
    QCOMPARE(profile.database->driver, u"mariadb"_s);
    QCOMPARE(profile.database->host, u"db.example.org"_s);
    QCOMPARE(profile.database->port, 3307);
    QCOMPARE(profile.database->schema, u"jatos"_s);
    QCOMPARE(profile.database->user, u"jatos"_s);
    QCOMPARE(profile.database->password.name, u"jatos-demo/db-password"_s);

    QCOMPARE(profile.sharedDataDir, u"/mnt/jatos-shared"_s);
    QCOMPARE(profile.secrets.size(), 1);
    QCOMPARE(profile.secrets.value(u"appSecret"_s).name, u"jatos-demo/app-secret"_s);

    QVERIFY(profile.presetOverrides.is_object());
    QCOMPARE(QString::fromStdString(profile.presetOverrides.at("health").at("path").get<std::string>()),
        u"ping"_s);
    QCOMPARE(profile.presetOverrides.at("startup").at("warmupSeconds").get<int>(), 120);
}

void TestClusterProfile::loadsComposeProfile()
{
    const auto result = ClusterProfile::fromJson(readProfileFile(ComposeFile));
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    const ClusterProfile &profile = *result;

    QCOMPARE(profile.product, u"joget"_s);
    QCOMPARE(profile.deployment.kind, DeploymentKind::Compose);
    const ComposeSettings &compose = profile.deployment.compose;
    QCOMPARE(compose.host.host, u"docker.example.org"_s);
    QCOMPARE(compose.host.user, u"ops"_s);
    QCOMPARE(compose.host.identity, u"~/.ssh/id_rsa_ops"_s);
    QCOMPARE(compose.host.passphrase.name, u"joget-demo/ops-key"_s);
    QCOMPARE(compose.projectDir, u"/srv/joget"_s);
    QCOMPARE(compose.service, u"joget"_s);
    QCOMPARE(profile.nodes.size(), 2);
    QVERIFY(!profile.nodes.at(0).ssh.has_value());
    QCOMPARE(profile.nodes.at(1).url, QUrl(u"http://docker.example.org:8082/jw/"_s));
    QVERIFY(profile.database.has_value());
    QCOMPARE(profile.database->driver, u"mysql"_s);
    QCOMPARE(profile.database->port, 3306); // not given: the MySQL default
    QVERIFY(profile.secrets.isEmpty());
    QVERIFY(profile.presetOverrides.is_object());
    QVERIFY(profile.presetOverrides.empty());
}

void TestClusterProfile::loadsKubernetesProfile()
{
    const auto result = ClusterProfile::fromJson(readProfileFile(KubernetesFile));
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    const ClusterProfile &profile = *result;

    QCOMPARE(profile.product, u"openspecimen"_s);
    QCOMPARE(profile.deployment.kind, DeploymentKind::Kubernetes);
    const KubernetesSettings &k8s = profile.deployment.kubernetes;
    QCOMPARE(k8s.apiServer, QUrl(u"https://k8s.example.org:6443"_s));
    QCOMPARE(k8s.context, u"biobank-prod"_s);
    QCOMPARE(k8s.ns, u"biobank"_s);
    QCOMPARE(k8s.deployment, u"openspecimen"_s);
    QCOMPARE(k8s.hpa, u"openspecimen-hpa"_s);
    QCOMPARE(k8s.caFile, u"/etc/clusterdesk/k8s-ca.pem"_s);
    QCOMPARE(k8s.token.name, u"os-demo/k8s-token"_s);
    QCOMPARE(profile.nodes.size(), 2);
    QCOMPARE(profile.nodes.at(0).name, u"lion"_s);
    QVERIFY(profile.database.has_value());
    QCOMPARE(profile.database->driver, u"mariadb"_s); // not given: the default driver
    QVERIFY(profile.database->password.isNull());
    QCOMPARE(profile.secrets.size(), 2);
    QCOMPARE(profile.secrets.value(u"adminToken"_s).name, u"os-demo/admin-api-token"_s);
}

void TestClusterProfile::appliesDefaults()
{
    // Kubernetes needs no nodes (pods come and go), no database and no secrets.
    const QByteArray text = R"({"format": 1, "name": "k", "product": "generic",
        "deployment": {"kind": "kubernetes", "apiServer": "https://k8s:6443",
                       "namespace": "ns", "deployment": "app"}})"_ba;
    const auto result = ClusterProfile::fromJson(text);
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    QVERIFY(result->nodes.isEmpty());
    QVERIFY(!result->database.has_value());
    QVERIFY(result->secrets.isEmpty());
    QVERIFY(result->sharedDataDir.isEmpty());
    QVERIFY(result->deployment.knownHosts.isEmpty());
    QVERIFY(result->deployment.kubernetes.token.isNull());
    QVERIFY(result->secretUses().isEmpty());
}

namespace {

// The hosts example with a load balancer whose configuration may be read.
const QByteArray BalancerJson = R"({"ssh": {"host": "lb.example.org", "port": 2200, "user": "ops",
    "identity": "~/.ssh/id_lb", "passphrase": {"keychain": "jatos-demo/lb-key"},
    "password": {"keychain": "jatos-demo/lb-password"}},
    "configFile": "/etc/apache2/conf-enabled/balancer.conf"})"_ba;

} // namespace

void TestClusterProfile::loadsBalancer()
{
    const auto result
        = ClusterProfile::fromJson(dump(edited(loadJson(HostsFile), u"/balancer"_s, BalancerJson)));
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    QVERIFY(result->balancer.has_value());
    const BalancerSpec &balancer = *result->balancer;
    QCOMPARE(balancer.ssh.host, u"lb.example.org"_s);
    QCOMPARE(balancer.ssh.port, 2200);
    QCOMPARE(balancer.ssh.user, u"ops"_s);
    QCOMPARE(balancer.ssh.identity, u"~/.ssh/id_lb"_s);
    QCOMPARE(balancer.ssh.passphrase.name, u"jatos-demo/lb-key"_s);
    QCOMPARE(balancer.ssh.password.name, u"jatos-demo/lb-password"_s);
    QCOMPARE(balancer.configFile, u"/etc/apache2/conf-enabled/balancer.conf"_s);

    // The port defaults as for the nodes; a profile without a balancer has none.
    const auto minimal = ClusterProfile::fromJson(dump(edited(loadJson(HostsFile), u"/balancer"_s,
        R"({"ssh": {"host": "10.0.0.5", "user": "root"}, "configFile": "/etc/httpd/conf.d/lb.conf"})"_ba)));
    QVERIFY2(minimal, minimal ? "" : qPrintable(formatIssues(minimal.error())));
    QCOMPARE(minimal->balancer->ssh.port, 22);
    QVERIFY(minimal->balancer->ssh.identity.isEmpty());
    QVERIFY(!ClusterProfile::fromJson(readProfileFile(HostsFile))->balancer.has_value());
}

void TestClusterProfile::roundTrip_data()
{
    QTest::addColumn<QByteArray>("text");

    QTest::addRow("hosts file") << readProfileFile(HostsFile);
    QTest::addRow("compose file") << readProfileFile(ComposeFile);
    QTest::addRow("kubernetes file") << readProfileFile(KubernetesFile);
    QTest::addRow("non-ASCII name and paths")
        << dump(edited(edited(loadJson(HostsFile), u"/name"_s, R"("Zürich Studien ☃")"_ba),
               u"/sharedDataDir"_s, R"("/mnt/geteilt/daten-ä")"_ba));
    QTest::addRow("overrides with arrays and nulls") << dump(edited(loadJson(ComposeFile),
        u"/presetOverrides"_s,
        R"({"logs": ["{installDir}/logs/joget.log"], "version": null, "upgrade": {"rolling": true}})"_ba));
    QTest::addRow("ipv6 node address") << dump(
        edited(loadJson(KubernetesFile), u"/nodes/1/url"_s, R"("http://[fd00::2]:8080/openspecimen/")"_ba));
    QTest::addRow("balancer") << dump(edited(loadJson(HostsFile), u"/balancer"_s, BalancerJson));
    QTest::addRow("balancer of a compose cluster") << dump(edited(loadJson(ComposeFile), u"/balancer"_s,
        R"({"ssh": {"host": "lb", "user": "u"}, "configFile": "/etc/apache2/sites-enabled/joget.conf"})"_ba));
    // A space in a URL path is written "%20" in a profile, and must still be after a save.
    QTest::addRow("percent-encoded url path") << dump(edited(
        loadJson(HostsFile), u"/nodes/0/url"_s, R"("http://jatos-1.example.org:9000/study%20assets/")"_ba));
}

void TestClusterProfile::roundTrip()
{
    QFETCH(QByteArray, text);

    const auto loaded = ClusterProfile::fromJson(text);
    QVERIFY2(loaded, loaded ? "" : qPrintable(formatIssues(loaded.error())));

    const QByteArray saved = loaded->toJson();
    QVERIFY(saved.endsWith('\n'));
    // A saved profile is valid JSON carrying the current format.
    const Json savedJson = Json::parse(saved.constBegin(), saved.constEnd());
    QCOMPARE(savedJson.at("format").get<int>(), ClusterProfile::CurrentFormat);

    const auto reloaded = ClusterProfile::fromJson(saved);
    QVERIFY2(reloaded, reloaded ? "" : qPrintable(formatIssues(reloaded.error())));
    QVERIFY(*reloaded == *loaded);
    QCOMPARE(reloaded->toJson(), saved);
    QCOMPARE(secretUsePaths(*reloaded), secretUsePaths(*loaded));
}

void TestClusterProfile::roundTripConstructed_data()
{
    QTest::addColumn<ClusterProfile>("profile");

    ClusterProfile hosts;
    hosts.name = u"Built in code"_s;
    hosts.product = u"jatos"_s;
    hosts.nodes = {NodeSpec {u"a"_s, QUrl(u"http://a.example.org:9000/"_s), u"/opt/a"_s,
                       SshTarget {u"a.example.org"_s, 2200, u"root"_s, u"/keys/a"_s, SecretRef {u"k/a"_s},
                           SecretRef {u"k/a-pw"_s}}},
        NodeSpec {u"b"_s, QUrl(u"https://b.example.org/"_s), QString(), std::nullopt}};
    hosts.database = DatabaseSpec {u"mysql"_s, u"db"_s, 3306, u"s"_s, u"u"_s, SecretRef {u"k/db"_s}};
    hosts.sharedDataDir = u"/shared"_s;
    hosts.secrets.insert(u"appSecret"_s, SecretRef {u"k/app"_s});
    hosts.secrets.insert(u"apiToken"_s, SecretRef {u"k/api@host"_s});
    hosts.presetOverrides = Json::parse(R"({"health": {"expectStatus": 204}})");
    QTest::addRow("hosts") << hosts;

    ClusterProfile balanced = hosts;
    balanced.balancer
        = BalancerSpec {SshTarget {u"lb.example.org"_s, 22, u"ops"_s, QString(), {}, SecretRef {u"k/lb"_s}},
            u"/etc/lb.conf"_s};
    QTest::addRow("hosts with balancer") << balanced;

    ClusterProfile compose;
    compose.name = u"c"_s;
    compose.product = u"joget"_s;
    compose.deployment.kind = DeploymentKind::Compose;
    compose.deployment.knownHosts = u"/etc/ssh/known"_s;
    compose.deployment.compose = ComposeSettings {
        SshTarget {u"h"_s, 22, u"u"_s, QString(), {}, {}}, u"/p"_s, u"s"_s, u"APP_IMAGE"_s};
    QTest::addRow("compose without database") << compose;

    ClusterProfile k8s;
    k8s.name = u"k"_s;
    k8s.product = u"openspecimen"_s;
    k8s.deployment.kind = DeploymentKind::Kubernetes;
    k8s.deployment.kubernetes.apiServer = QUrl(u"https://10.0.0.1:6443"_s);
    k8s.deployment.kubernetes.ns = u"os"_s;
    k8s.deployment.kubernetes.deployment = u"os"_s;
    k8s.deployment.kubernetes.token = SecretRef {u"k/token"_s};
    QTest::addRow("kubernetes without nodes") << k8s;
}

void TestClusterProfile::roundTripConstructed()
{
    QFETCH(ClusterProfile, profile);
    QVERIFY2(profile.validate().isEmpty(), qPrintable(formatIssues(profile.validate())));

    const auto reloaded = ClusterProfile::fromJson(profile.toJson());
    QVERIFY2(reloaded, reloaded ? "" : qPrintable(formatIssues(reloaded.error())));
    QVERIFY(*reloaded == profile);
    QCOMPARE(reloaded->toJson(), profile.toJson());
}

void TestClusterProfile::secretUses_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("expected");

    QTest::addRow("hosts") << readProfileFile(HostsFile)
                           << QStringList {u"nodes[0].ssh.passphrase -> jatos-demo/ssh-key"_s,
                                  u"nodes[1].ssh.password -> jatos-demo/deploy@jatos-2"_s,
                                  u"database.password -> jatos-demo/db-password"_s,
                                  u"secrets.appSecret -> jatos-demo/app-secret"_s};
    QTest::addRow("compose") << readProfileFile(ComposeFile)
                             << QStringList {u"deployment.host.passphrase -> joget-demo/ops-key"_s,
                                    u"database.password -> joget-demo/db"_s};
    QTest::addRow("kubernetes") << readProfileFile(KubernetesFile)
                                << QStringList {u"deployment.token -> os-demo/k8s-token"_s,
                                       u"secrets.adminToken -> os-demo/admin-api-token"_s,
                                       u"secrets.clusterSecret -> os-demo/cluster-secret"_s};
    QTest::addRow("balancer") << dump(edited(loadJson(HostsFile), u"/balancer"_s, BalancerJson))
                              << QStringList {u"nodes[0].ssh.passphrase -> jatos-demo/ssh-key"_s,
                                     u"nodes[1].ssh.password -> jatos-demo/deploy@jatos-2"_s,
                                     u"database.password -> jatos-demo/db-password"_s,
                                     u"balancer.ssh.passphrase -> jatos-demo/lb-key"_s,
                                     u"balancer.ssh.password -> jatos-demo/lb-password"_s,
                                     u"secrets.appSecret -> jatos-demo/app-secret"_s};
    QTest::addRow("no references") << dump(
        edited(edited(edited(edited(loadJson(HostsFile), u"/secrets"_s, {}), u"/database/password"_s, {}),
                   u"/nodes/0/ssh"_s, {}),
            u"/nodes/1/ssh"_s, {})) << QStringList {};
}

void TestClusterProfile::secretUses()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, expected);

    const auto profile = ClusterProfile::fromJson(text);
    QVERIFY2(profile, profile ? "" : qPrintable(formatIssues(profile.error())));
    QCOMPARE(secretUsePaths(*profile), expected);
}

void TestClusterProfile::validateConstructed_data()
{
    QTest::addColumn<ClusterProfile>("profile");
    QTest::addColumn<QStringList>("expected"); // formatted issues, in order

    QTest::addRow("empty profile") << ClusterProfile()
                                   << QStringList {u"name: must not be empty"_s,
                                          u"nodes: a cluster on hosts needs at least one node"_s};

    ClusterProfile valid;
    valid.name = u"ok"_s;
    valid.product = u"jatos"_s;
    valid.nodes = {NodeSpec {u"n1"_s, QUrl(u"http://n1:9000/"_s), {}, {}}};
    QTest::addRow("minimal valid") << valid << QStringList {};

    ClusterProfile badNodes = valid;
    badNodes.nodes = {NodeSpec {u"n1"_s, QUrl(u"http://n1:9000/app/"_s), {}, {}},
        NodeSpec {u"n1"_s, QUrl(u"http://n1:9000/app"_s), {}, SshTarget {u""_s, 22, u""_s, {}, {}, {}}}};
    QTest::addRow("duplicate node and empty ssh")
        << badNodes
        << QStringList {u"nodes[1].name: \"n1\" is used by another node"_s,
               u"nodes[1].url: is used by another node"_s,
               u"nodes[1].ssh.host: must be a host name or address"_s,
               u"nodes[1].ssh.user: must not be empty"_s};

    ClusterProfile k8s = valid;
    k8s.deployment.kind = DeploymentKind::Kubernetes;
    k8s.deployment.kubernetes.apiServer = QUrl(u"http://k8s:6443"_s);
    QTest::addRow("kubernetes over http") << k8s
                                          << QStringList {u"deployment.apiServer: must be an https:// URL"_s,
                                                 u"deployment.namespace: missing"_s,
                                                 u"deployment.deployment: missing: the Deployment's name"_s};

    ClusterProfile compose = valid;
    compose.deployment.kind = DeploymentKind::Compose;
    compose.database = DatabaseSpec {u"sqlite"_s, {}, 3306, {}, u"u"_s, {}};
    QTest::addRow("compose without settings, bad database")
        << compose
        << QStringList {u"deployment.host.host: must be a host name or address"_s,
               u"deployment.host.user: must not be empty"_s,
               u"deployment.projectDir: missing: the Compose project folder"_s,
               u"deployment.service: missing: the Compose service name"_s,
               u"database.driver: \"sqlite\" is not supported (mariadb, mysql)"_s,
               u"database.host: must not be empty"_s, u"database.schema: must not be empty"_s};

    ClusterProfile balancer = valid;
    balancer.balancer = BalancerSpec {};
    QTest::addRow("empty balancer")
        << balancer
        << QStringList {u"balancer.ssh: missing: how to reach the load balancer over SSH (host, port, user, "
                        "identity)"_s,
               u"balancer.configFile: missing: the balancer's configuration file (its BalancerMember lines)"_s};
    balancer.balancer = BalancerSpec {SshTarget {u"lb host"_s, 22, u"ops"_s, {}, {}, {}}, u"conf/lb.conf"_s};
    QTest::addRow("balancer with bad host and relative file")
        << balancer
        << QStringList {u"balancer.ssh.host: must be a host name or address"_s,
               u"balancer.configFile: must be an absolute path on the load balancer's host, such as "
               "/etc/apache2/conf-enabled/balancer.conf"_s};
    balancer.balancer = BalancerSpec {SshTarget {u"lb"_s, 22, u"ops"_s, {}, {}, {}}, u"/etc/lb.conf"_s};
    QTest::addRow("valid balancer") << balancer << QStringList {};

    ClusterProfile longName = valid;
    longName.name = QString(120, u'x');
    QTest::addRow("name of exactly 120 characters") << longName << QStringList {};
    longName.name = QString(121, u'x');
    QTest::addRow("name of 121 characters")
        << longName << QStringList {u"name: is longer than 120 characters"_s};
}

void TestClusterProfile::validateConstructed()
{
    QFETCH(ClusterProfile, profile);
    QFETCH(QStringList, expected);

    QStringList actual;
    for (const ValidationIssue &issue : profile.validate())
        actual << issue.toString();
    QCOMPARE(actual, expected);
}

void TestClusterProfile::deploymentKindNames()
{
    for (const auto kind : {DeploymentKind::Hosts, DeploymentKind::Compose, DeploymentKind::Kubernetes}) {
        const QString name = ClusterProfile::deploymentKindName(kind);
        QVERIFY(!name.isEmpty());
        QVERIFY(ClusterProfile::deploymentKindFromName(name) == kind);
    }
    QCOMPARE(ClusterProfile::deploymentKindName(DeploymentKind::Kubernetes), u"kubernetes"_s);
    QVERIFY(!ClusterProfile::deploymentKindFromName(u"k8s").has_value());
    QVERIFY(!ClusterProfile::deploymentKindFromName(u"").has_value());
    QVERIFY(!ClusterProfile::deploymentKindFromName(u"Compose").has_value());
}

void TestClusterProfile::nodeNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");

    QTest::addRow("jatos-1") << u"jatos-1"_s << true;
    QTest::addRow("lion") << u"lion"_s << true;
    QTest::addRow("node01") << u"node01"_s << true;
    QTest::addRow("dots and underscores") << u"a.b_c-d"_s << true;
    QTest::addRow("one character") << u"a"_s << true;
    QTest::addRow("digit first") << u"1node"_s << true;
    QTest::addRow("63 characters") << QString(63, u'a') << true;
    QTest::addRow("64 characters") << QString(64, u'a') << false;
    QTest::addRow("empty") << QString() << false;
    QTest::addRow("space") << u"jatos 1"_s << false;
    QTest::addRow("dash first") << u"-node"_s << false;
    QTest::addRow("dot first") << u".node"_s << false;
    QTest::addRow("slash") << u"a/b"_s << false;
    QTest::addRow("non-ASCII letter") << u"knoten-ü"_s << false;
    QTest::addRow("trailing newline") << u"node1\n"_s << false;
}

void TestClusterProfile::nodeNames()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(ClusterProfile::isValidNodeName(name), valid);
}

void TestClusterProfile::secretNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");

    QTest::addRow("folder style") << u"jatos-demo/db-password"_s << true;
    QTest::addRow("user at host") << u"deploy@jatos-2"_s << true;
    QTest::addRow("dots and underscores") << u"a.b_c"_s << true;
    QTest::addRow("128 characters") << QString(128, u'k') << true;
    QTest::addRow("129 characters") << QString(129, u'k') << false;
    QTest::addRow("empty") << QString() << false;
    QTest::addRow("slash first") << u"/db"_s << false;
    QTest::addRow("space") << u"db password"_s << false;
    QTest::addRow("colon") << u"db:password"_s << false;
    QTest::addRow("trailing newline") << u"db/password\n"_s << false;
}

void TestClusterProfile::secretNames()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(ClusterProfile::isValidSecretName(name), valid);
}

QTEST_GUILESS_MAIN(TestClusterProfile)
#include "tst_clusterprofile.moc"