// `clusterdesk-cli config show|check|push` and `secret rotate` as an admin runs them:
// the real executable against sandboxes of all three products, over real SSH, with
// the secrets in a real Secret Service (with-keyring.sh). Inconsistencies are
// planted by editing the nodes' files directly, as a hand edit on a node would.
#include "ConfigTestSupport.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ConfigTest;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

QJsonObject checkById(const QJsonObject &report, const QString &id)
{
    for (const QJsonValue &value : report[u"checks"_s].toArray()) {
        if (value.toObject()[u"id"_s].toString() == id)
            return value.toObject();
    }
    return {};
}

QStringList strings(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &item : value.toArray())
        out.append(item.toString());
    return out;
}

} // namespace

class TestCliConfig : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void jatosChecksPassOnAFreshCluster();
    void jatosChecksCatchPlantedInconsistencies();
    void jatosPushRepairsEveryNode();
    void jatosInvalidInputChangesNothing();
    void jatosRotationEndsWithOneFingerprint();
    void openSpecimenNamesAndClusterJson();
    void jogetJvmRoutes();
    void jogetBalancerRoutes();
    void kubernetesSecretsAndRotation();
    void composeEnvAndRotation();
    void noSecretInLocalFiles();

private:
    Run cli(const QStringList &arguments, int timeoutMs = 240000);
    QString jatosConf(int node) const
    {
        return m_jatos + u"/nodes/jatos-%1/current/conf/jatos.conf"_s.arg(node);
    }

    QString m_jatos;
    QString m_os;
    QString m_joget;
    QString m_k8s;
    QString m_compose;
    QTemporaryDir m_home; // XDG data and config folders of the CLI runs
    QList<QByteArray> m_secrets; // every secret value the test has seen
};

Run TestCliConfig::cli(const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"XDG_DATA_HOME"_s, m_home.filePath(u"data"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, m_home.filePath(u"config"_s));
    env.insert(u"XDG_CACHE_HOME"_s, m_home.filePath(u"cache"_s));
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(CLUSTERDESK_CLI), arguments);
    Run run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    if (run.exitCode != 0)
        qInfo().noquote() << "clusterdesk-cli" << arguments.join(u' ') << "->" << run.exitCode << "\n"
                          << QString::fromUtf8(run.out) << QString::fromUtf8(run.err);
    return run;
}

void TestCliConfig::initTestCase()
{
    m_jatos = qEnvironmentVariable("CLUSTERDESK_CONFIG_JATOS_DIR");
    m_os = qEnvironmentVariable("CLUSTERDESK_CONFIG_OS_DIR");
    m_joget = qEnvironmentVariable("CLUSTERDESK_CONFIG_JOGET_DIR");
    m_k8s = qEnvironmentVariable("CLUSTERDESK_CONFIG_K8S_DIR");
    m_compose = qEnvironmentVariable("CLUSTERDESK_CONFIG_COMPOSE_DIR");
    if (m_jatos.isEmpty() || m_os.isEmpty() || m_joget.isEmpty() || m_k8s.isEmpty() || m_compose.isEmpty())
        QSKIP("needs the sandbox fixtures (run through CTest)");
    QVERIFY(m_home.isValid());
    // The sandboxes' secrets into this session's keychain, as an admin stores them.
    for (const QString &dir : {m_jatos, m_os, m_joget, m_k8s, m_compose}) {
        for (const QByteArray &line : readFile(dir + u"/secrets.env"_s).split('\n')) {
            const qsizetype eq = line.indexOf('=');
            if (eq <= 0)
                continue;
            QProcess set;
            set.start(
                QStringLiteral(CLUSTERDESK_CLI), {u"secret"_s, u"set"_s, QString::fromUtf8(line.left(eq))});
            set.write(line.mid(eq + 1));
            set.closeWriteChannel();
            QVERIFY(set.waitForFinished(30000));
            QCOMPARE(set.exitCode(), 0);
            m_secrets.append(line.mid(eq + 1));
        }
    }
    QVERIFY(!m_secrets.isEmpty());
}

void TestCliConfig::jatosChecksPassOnAFreshCluster()
{
    const Run run = cli({u"config"_s, u"check"_s, u"--profile"_s, m_jatos + u"/profile.json"_s, u"--json"_s});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject report = run.json();
    const QJsonArray checks = report[u"checks"_s].toArray();
    QCOMPARE(checks.size(), 5);
    for (const QJsonValue &check : checks)
        QCOMPARE(check.toObject()[u"status"_s].toString(), u"pass"_s);
    QCOMPARE(checkById(report, u"sharedFolder"_s)[u"detail"_s].toString().count(u"jatos-"_s), 3);

    const Run show = cli({u"config"_s, u"show"_s, u"--profile"_s, m_jatos + u"/profile.json"_s, u"--json"_s});
    QCOMPARE(show.exitCode, 0);
    const QJsonObject values
        = show.json()[u"nodes"_s].toObject()[u"jatos-2"_s].toObject()[u"values"_s].toObject();
    QCOMPARE(values[u"jatos.multiNode"_s].toString(), u"true"_s);
    QVERIFY(values[u"jatos.db.url"_s].toString().startsWith(u"jdbc:mysql://"_s));
    QCOMPARE(values[u"jatos.secret"_s].toString().size(), 8); // a fingerprint, not the secret
    for (const QByteArray &secret : std::as_const(m_secrets))
        QVERIFY(!show.out.contains(secret));
}

void TestCliConfig::jatosChecksCatchPlantedInconsistencies()
{
    QVERIFY(plant(jatosConf(2), u"play.http.secret.key"_s,
        u"play.http.secret.key = \"another-secret-on-one-node-only\""_s));
    QVERIFY(plant(jatosConf(2), u"jatos.multiNode"_s, u"jatos.multiNode = false"_s));
    QVERIFY(plant(jatosConf(3), u"jatos.db.url"_s, u"jatos.db.url = \"jdbc:h2:./database/jatos\""_s));

    const Run run = cli({u"config"_s, u"check"_s, u"--profile"_s, m_jatos + u"/profile.json"_s, u"--json"_s});
    QCOMPARE(run.exitCode, 2);
    const QJsonObject report = run.json();
    const QJsonObject secret = checkById(report, u"secret"_s);
    QCOMPARE(secret[u"status"_s].toString(), u"fail"_s);
    QCOMPARE(strings(secret[u"nodes"_s]), QStringList {u"jatos-2"_s});
    QVERIFY(!secret[u"fix"_s].toString().isEmpty());
    const QJsonObject multiNode = checkById(report, u"multiNode"_s);
    QCOMPARE(multiNode[u"status"_s].toString(), u"fail"_s);
    QCOMPARE(strings(multiNode[u"nodes"_s]), (QStringList {u"jatos-2"_s, u"jatos-3"_s}));
    QVERIFY(multiNode[u"detail"_s].toString().contains(u"H2"_s));
    const QJsonObject database = checkById(report, u"database"_s);
    QCOMPARE(database[u"status"_s].toString(), u"fail"_s);
    QCOMPARE(strings(database[u"nodes"_s]), QStringList {u"jatos-3"_s});
    QCOMPARE(checkById(report, u"sharedFolder"_s)[u"status"_s].toString(), u"pass"_s);
}

void TestCliConfig::jatosPushRepairsEveryNode()
{
    const QByteArray before1 = readFile(jatosConf(1));
    const QString url
        = QRegularExpression(u"jatos.db.url = \"([^\"]+)\""_s).match(QString::fromUtf8(before1)).captured(1);
    QVERIFY(url.startsWith(u"jdbc:mysql://"_s));

    const Run run = cli({u"config"_s, u"push"_s, u"--profile"_s, m_jatos + u"/profile.json"_s,
        u"--push-secrets"_s, u"--set"_s, u"jatos.multiNode=true"_s, u"--set"_s, u"jatos.db.url="_s + url,
        u"--yes"_s, u"--json"_s});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject report = run.json();
    QCOMPARE(report[u"outcome"_s].toString(), u"applied"_s);
    QCOMPARE(strings(report[u"restarted"_s]), (QStringList {u"jatos-1"_s, u"jatos-2"_s, u"jatos-3"_s}));
    QCOMPARE(report[u"backups"_s].toArray().size(), 2); // jatos-1 already held these settings

    // Only the planted lines changed; comments and every other line stay.
    const QByteArray after3 = readFile(jatosConf(3));
    QVERIFY(after3.contains("# Multi-node: every node shares the MariaDB database"));
    QVERIFY(after3.contains(u"jatos.db.url = \"%1\""_s.arg(url).toUtf8()));
    QCOMPARE(readFile(jatosConf(1)), before1);
    // The nodes picked it up: one secret, multi-node, MySQL, on every node.
    const QJsonObject nodes = effective(m_jatos);
    QCOMPARE(nodes.size(), 3);
    const QString secret = nodes[u"jatos-1"_s].toObject()[u"secretSha256"_s].toString();
    for (const QString &node : {u"jatos-1"_s, u"jatos-2"_s, u"jatos-3"_s}) {
        const QJsonObject facts = nodes[node].toObject();
        QCOMPARE(facts[u"secretSha256"_s].toString(), secret);
        QCOMPARE(facts[u"multiNode"_s].toBool(), true);
        QCOMPARE(facts[u"dbUrl"_s].toString(), url);
    }
    QCOMPARE(cli({u"config"_s, u"check"_s, u"--profile"_s, m_jatos + u"/profile.json"_s}).exitCode, 0);
    // The backups hold the planted text.
    QDir conf(m_jatos + u"/nodes/jatos-2/current/conf"_s);
    const QStringList backups = conf.entryList({u"jatos.conf.clusterdesk-*.bak"_s}, QDir::Files);
    QCOMPARE(backups.size(), 1);
    QVERIFY(readFile(conf.filePath(backups.first())).contains("another-secret-on-one-node-only"));
    QVERIFY(conf.entryList({u".jatos.conf.clusterdesk-*"_s}, QDir::Files | QDir::Hidden).isEmpty());
}

void TestCliConfig::jatosInvalidInputChangesNothing()
{
    const QByteArray before = readFile(jatosConf(2));
    const Run port = cli({u"config"_s, u"push"_s, u"--profile"_s, m_jatos + u"/profile.json"_s, u"--set"_s,
        u"jatos.http.port=99999"_s, u"--yes"_s});
    QCOMPARE(port.exitCode, 1);
    QVERIFY(port.err.contains("jatos.http.port"));
    QVERIFY(port.err.contains("1 to 65535"));
    const Run h2 = cli({u"config"_s, u"push"_s, u"--profile"_s, m_jatos + u"/profile.json"_s, u"--set"_s,
        u"jatos.db.url=jdbc:h2:./db"_s, u"--yes"_s});
    QCOMPARE(h2.exitCode, 1);
    QVERIFY(h2.err.contains("H2"));
    const Run secret = cli({u"config"_s, u"push"_s, u"--profile"_s, m_jatos + u"/profile.json"_s, u"--set"_s,
        u"jatos.secret=0123456789abcdef0123"_s, u"--yes"_s});
    QCOMPARE(secret.exitCode, 2);
    QVERIFY(secret.err.contains("never taken from the command line"));
    const Run unknown = cli({u"config"_s, u"push"_s, u"--profile"_s, m_jatos + u"/profile.json"_s, u"--set"_s,
        u"jatos.colour=blue"_s, u"--yes"_s});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY(unknown.err.contains("jatos.multiNode")); // lists the known settings
    QCOMPARE(readFile(jatosConf(2)), before);
}

void TestCliConfig::jatosRotationEndsWithOneFingerprint()
{
    const QString oldSecret = effective(m_jatos)[u"jatos-1"_s].toObject()[u"secretSha256"_s].toString();
    const Run run = cli({u"secret"_s, u"rotate"_s, u"--profile"_s, m_jatos + u"/profile.json"_s, u"--name"_s,
        u"appSecret"_s, u"--yes"_s, u"--json"_s});
    QCOMPARE(run.exitCode, 0);
    const QString fingerprint = run.json()[u"fingerprint"_s].toString();
    QCOMPARE(fingerprint.size(), 8);
    QVERIFY(!oldSecret.startsWith(fingerprint));

    const QJsonObject nodes = effective(m_jatos);
    for (const QString &node : {u"jatos-1"_s, u"jatos-2"_s, u"jatos-3"_s})
        QVERIFY2(
            nodes[node].toObject()[u"secretSha256"_s].toString().startsWith(fingerprint), qPrintable(node));
    // The files hold it, it is long and random, and the keychain has it (the check compares).
    const QString secret = QRegularExpression(u"play.http.secret.key = \"([^\"]+)\""_s)
                               .match(QString::fromUtf8(readFile(jatosConf(3))))
                               .captured(1);
    QVERIFY(secret.size() >= 32);
    QCOMPARE(sha256Hex(secret.toUtf8()).left(8), fingerprint);
    m_secrets.append(secret.toUtf8());
    const Run check
        = cli({u"config"_s, u"check"_s, u"--profile"_s, m_jatos + u"/profile.json"_s, u"--json"_s});
    QCOMPARE(check.exitCode, 0);
    QVERIFY(checkById(check.json(), u"secret"_s)[u"detail"_s].toString().contains(fingerprint));
    // And the cluster is healthy.
    QCOMPARE(cli({u"status"_s, u"--profile"_s, m_jatos + u"/profile.json"_s}).exitCode, 0);
}

void TestCliConfig::openSpecimenNamesAndClusterJson()
{
    const QString profile = m_os + u"/profile.json"_s;
    QCOMPARE(cli({u"config"_s, u"check"_s, u"--profile"_s, profile}).exitCode, 0);

    const QString props2 = m_os + u"/nodes/openspecimen-2/current/conf/openspecimen.properties"_s;
    QVERIFY(plant(props2, u"node.name="_s, u"node.name=openspecimen-1"_s));
    const Run check = cli({u"config"_s, u"check"_s, u"--profile"_s, profile, u"--json"_s});
    QCOMPARE(check.exitCode, 2);
    const QJsonObject names = checkById(check.json(), u"nodeNames"_s);
    QCOMPARE(names[u"status"_s].toString(), u"fail"_s);
    QVERIFY(strings(names[u"nodes"_s]).contains(u"openspecimen-2"_s));
    QVERIFY(names[u"detail"_s].toString().contains(u"openspecimen-1"_s));

    // A rename needs the explicit override; without it nothing changes.
    const QByteArray planted = readFile(props2);
    const Run refused = cli({u"config"_s, u"push"_s, u"--profile"_s, profile, u"--set"_s,
        u"openspecimen-2:node.name=openspecimen-2"_s, u"--yes"_s});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY(refused.err.contains("keeps its name"));
    QCOMPARE(readFile(props2), planted);

    const Run bad
        = cli({u"config"_s, u"push"_s, u"--profile"_s, profile, u"--set"_s, u"cluster.notifTimeout=1"_s,
            u"--set"_s, u"cluster.notifErrorRcpts=ops@example.org, not an address"_s, u"--yes"_s});
    QCOMPARE(bad.exitCode, 1);
    QVERIFY(bad.err.contains("cluster.notifTimeout"));
    QVERIFY(bad.err.contains("not an address"));

    const Run fixed = cli({u"config"_s, u"push"_s, u"--profile"_s, profile, u"--set"_s,
        u"openspecimen-2:node.name=openspecimen-2"_s, u"--allow-rename"_s, u"--set"_s,
        u"cluster.notifTimeout=90"_s, u"--set"_s, u"cluster.notifErrorRcpts=ops@example.org"_s,
        u"--sync-cluster-nodes"_s, u"--yes"_s, u"--json"_s});
    QCOMPARE(fixed.exitCode, 0);
    // The profile names an admin token: the file was also saved as Settings → Cluster.
    QVERIFY(fixed.json()[u"uploadedAs"_s].toString().endsWith(u"cluster.json"_s));
    const QByteArray clusterJson = readFile(m_os + u"/shared/config-settings/cluster.json"_s);
    const QJsonObject json = QJsonDocument::fromJson(clusterJson).object();
    QCOMPARE(json[u"notifTimeout"_s].toInt(), 90);
    QCOMPARE(json[u"notifErrorRcpts"_s].toArray().first().toString(), u"ops@example.org"_s);
    QCOMPARE(json[u"nodes"_s].toArray().size(), 3);
    const QJsonObject nodes = effective(m_os);
    for (const QString &node : {u"openspecimen-1"_s, u"openspecimen-2"_s, u"openspecimen-3"_s}) {
        QCOMPARE(nodes[node].toObject()[u"nodeName"_s].toString(), node);
        QCOMPARE(nodes[node].toObject()[u"clusterJsonSha256"_s].toString(), sha256Hex(clusterJson));
    }
    QCOMPARE(cli({u"config"_s, u"check"_s, u"--profile"_s, profile}).exitCode, 0);

    // The export for a manual upload: the same bytes, private to the user.
    const QString exported = m_home.filePath(u"export/cluster.json"_s);
    QVERIFY(QDir().mkpath(m_home.filePath(u"export"_s)));
    QCOMPARE(
        cli({u"config"_s, u"export-cluster-json"_s, u"--profile"_s, profile, u"--out"_s, exported}).exitCode,
        0);
    QCOMPARE(readFile(exported), clusterJson);
    QCOMPARE(QFileInfo(exported).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
        QFileDevice::Permissions());
    QVERIFY(QFile::remove(exported)); // it holds the cluster secret, like the nodes' file

    // The admin token is the product's API credential, not Clusterdesk's to rotate.
    const Run token
        = cli({u"secret"_s, u"rotate"_s, u"--profile"_s, profile, u"--name"_s, u"adminToken"_s, u"--yes"_s});
    QCOMPARE(token.exitCode, 2);
    QVERIFY(token.err.contains("clusterSecret"));
}

void TestCliConfig::jogetJvmRoutes()
{
    const QString profile = m_joget + u"/profile.json"_s;
    QCOMPARE(cli({u"config"_s, u"check"_s, u"--profile"_s, profile}).exitCode, 0);
    const QString xml2 = m_joget + u"/nodes/joget-2/current/apache-tomcat/conf/server.xml"_s;
    QByteArray xml = readFile(xml2);
    QVERIFY(xml.contains("jvmRoute=\"joget-2\""));
    QVERIFY(writeFile(xml2, xml.replace("jvmRoute=\"joget-2\"", "jvmRoute=\"joget-1\"")));
    const Run check = cli({u"config"_s, u"check"_s, u"--profile"_s, profile, u"--json"_s});
    QCOMPARE(check.exitCode, 2);
    const QJsonObject routes = checkById(check.json(), u"jvmRoute"_s);
    QCOMPARE(routes[u"status"_s].toString(), u"fail"_s);
    QCOMPARE(strings(routes[u"nodes"_s]), (QStringList {u"joget-1"_s, u"joget-2"_s}));

    const Run fixed = cli({u"config"_s, u"push"_s, u"--profile"_s, profile, u"--set"_s,
        u"joget-2:tomcat.jvmRoute=joget-2"_s, u"--yes"_s, u"--json"_s});
    QCOMPARE(fixed.exitCode, 0);
    QCOMPARE(effective(m_joget)[u"joget-2"_s].toObject()[u"jvmRoute"_s].toString(), u"joget-2"_s);
    // The rest of server.xml is byte for byte what it was.
    QCOMPARE(readFile(xml2), xml.replace("jvmRoute=\"joget-1\"", "jvmRoute=\"joget-2\""));
    QCOMPARE(cli({u"config"_s, u"check"_s, u"--profile"_s, profile}).exitCode, 0);
}

// The profile names the load balancer's configuration (the sandbox writes an Apache
// mod_proxy_balancer file from the nodes' jvmRoutes and reaches it through node 1's
// SSH): its route= values are compared with the jvmRoutes, and a balancer that cannot
// be read is reported, never taken as agreeing.
void TestCliConfig::jogetBalancerRoutes()
{
    const QString profile = m_joget + u"/profile.json"_s;
    const QString balancer = m_joget + u"/balancer/balancer.conf"_s;
    const QJsonObject named = QJsonDocument::fromJson(readFile(profile)).object()[u"balancer"_s].toObject();
    QCOMPARE(named[u"configFile"_s].toString(), balancer);
    const QByteArray original = readFile(balancer);
    QVERIFY(original.contains("BalancerMember \"http://"));
    QCOMPARE(original.count("route=joget-"), 3);

    const Run agreed = cli({u"config"_s, u"check"_s, u"--profile"_s, profile, u"--json"_s});
    QCOMPARE(agreed.exitCode, 0);
    QJsonObject routes = checkById(agreed.json(), u"jvmRoute"_s);
    QCOMPARE(routes[u"status"_s].toString(), u"pass"_s);
    QVERIFY2(routes[u"detail"_s].toString().contains(u"known to the balancer"_s),
        qPrintable(routes[u"detail"_s].toString()));

    // One member's route no longer matches joget-2's jvmRoute: its sessions would not stick.
    QVERIFY(writeFile(balancer, QByteArray(original).replace("route=joget-2", "route=node02")));
    const Run differs = cli({u"config"_s, u"check"_s, u"--profile"_s, profile, u"--json"_s});
    QCOMPARE(differs.exitCode, 2);
    routes = checkById(differs.json(), u"jvmRoute"_s);
    QCOMPARE(routes[u"status"_s].toString(), u"fail"_s);
    QCOMPARE(strings(routes[u"nodes"_s]), QStringList {u"joget-2"_s});
    QVERIFY2(routes[u"detail"_s].toString().contains(u"joget-2's jvmRoute \"joget-2\""_s),
        qPrintable(routes[u"detail"_s].toString()));
    QVERIFY(!routes[u"fix"_s].toString().isEmpty());

    // Gone: a warning that names the file and why, not a pass.
    QVERIFY(QFile::remove(balancer));
    const Run missing = cli({u"config"_s, u"check"_s, u"--profile"_s, profile, u"--json"_s});
    QCOMPARE(missing.exitCode, 1);
    routes = checkById(missing.json(), u"jvmRoute"_s);
    QCOMPARE(routes[u"status"_s].toString(), u"warning"_s);
    const QString detail = routes[u"detail"_s].toString();
    QVERIFY2(detail.contains(balancer), qPrintable(detail));
    QVERIFY2(detail.contains(u"does not exist"_s), qPrintable(detail));
    QVERIFY2(detail.contains(u"127."_s), qPrintable(detail)); // the balancer's host
    // The other checks are untouched by it.
    for (const QJsonValue &check : missing.json()[u"checks"_s].toArray()) {
        if (check.toObject()[u"id"_s].toString() != u"jvmRoute"_s)
            QCOMPARE(check.toObject()[u"status"_s].toString(), u"pass"_s);
    }

    QVERIFY(writeFile(balancer, original));
    QCOMPARE(cli({u"config"_s, u"check"_s, u"--profile"_s, profile}).exitCode, 0);
}

void TestCliConfig::kubernetesSecretsAndRotation()
{
    const QString profile = m_k8s + u"/profile.json"_s;
    const Run show = cli({u"config"_s, u"show"_s, u"--profile"_s, profile, u"--json"_s});
    QCOMPARE(show.exitCode, 0);
    const QJsonObject values = show.json()[u"kubernetes"_s].toObject();
    QCOMPARE(values[u"jatos.multiNode"_s].toObject()[u"value"_s].toString(), u"true"_s);
    QCOMPARE(
        values[u"jatos.secret"_s].toObject()[u"object"_s].toString(), u"Secret/jatos-secret JATOS_SECRET"_s);
    const QString before = values[u"jatos.secret"_s].toObject()[u"value"_s].toString();
    QCOMPARE(before.size(), 8);
    QCOMPARE(cli({u"config"_s, u"check"_s, u"--profile"_s, profile}).exitCode, 0);

    const Run rotated = cli({u"secret"_s, u"rotate"_s, u"--profile"_s, profile, u"--name"_s, u"appSecret"_s,
        u"--yes"_s, u"--json"_s});
    QCOMPARE(rotated.exitCode, 0);
    const QString fingerprint = rotated.json()[u"fingerprint"_s].toString();
    QCOMPARE(fingerprint.size(), 8);
    QVERIFY(fingerprint != before);
    QCOMPARE(rotated.json()[u"restarted"_s].toArray().size(), 2);
    // The pods started with the new Secret, and the keychain agrees with it.
    const QJsonObject nodes = effective(m_k8s);
    for (const QString &node : {u"jatos-1"_s, u"jatos-2"_s})
        QVERIFY2(
            nodes[node].toObject()[u"secretSha256"_s].toString().startsWith(fingerprint), qPrintable(node));
    const Run check = cli({u"config"_s, u"check"_s, u"--profile"_s, profile, u"--json"_s});
    QCOMPARE(check.exitCode, 0);
    QVERIFY(!rotated.out.contains(m_secrets.first()));
}

void TestCliConfig::composeEnvAndRotation()
{
    const QString profile = m_compose + u"/profile.json"_s;
    const QString env = m_compose + u"/compose/.env"_s;
    const Run show = cli({u"config"_s, u"show"_s, u"--profile"_s, profile, u"--json"_s});
    QCOMPARE(show.exitCode, 0);
    const QJsonObject values = show.json()[u"compose"_s].toObject();
    QCOMPARE(values[u"jatos.multiNode"_s].toObject()[u"value"_s].toString(), u"true"_s);
    QCOMPARE(values[u"jatos.secret"_s].toObject()[u"object"_s].toString(), env + u" JATOS_SECRET"_s);
    const QString before = values[u"jatos.secret"_s].toObject()[u"value"_s].toString();
    QCOMPARE(before.size(), 8);
    QCOMPARE(cli({u"config"_s, u"check"_s, u"--profile"_s, profile}).exitCode, 0);

    // A planted single-node switch fails the check, naming the file and the key.
    const QByteArray original = readFile(env);
    QVERIFY(plant(env, u"JATOS_MULTINODE="_s, u"JATOS_MULTINODE=false"_s));
    const Run planted = cli({u"config"_s, u"check"_s, u"--profile"_s, profile, u"--json"_s});
    QCOMPARE(planted.exitCode, 2);
    const QJsonObject multiNode = checkById(planted.json(), u"multiNode"_s);
    QCOMPARE(multiNode[u"status"_s].toString(), u"fail"_s);
    QVERIFY2(multiNode[u"detail"_s].toString().contains(u"JATOS_MULTINODE"_s), planted.out.constData());
    // Repaired through the CLI; a value Compose cannot read back is refused first.
    const Run refused = cli({u"config"_s, u"push"_s, u"--profile"_s, profile, u"--set"_s,
        u"jatos.db.username=o'brien"_s, u"--no-restart"_s, u"--yes"_s});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("single quote") || refused.out.contains("single quote"),
        refused.err.constData());
    QVERIFY(readFile(env).contains("JATOS_MULTINODE=false"));
    const Run repaired = cli({u"config"_s, u"push"_s, u"--profile"_s, profile, u"--set"_s,
        u"jatos.multiNode=true"_s, u"--no-restart"_s, u"--yes"_s});
    QCOMPARE(repaired.exitCode, 0);
    QCOMPARE(readFile(env), original);

    const Run rotated = cli({u"secret"_s, u"rotate"_s, u"--profile"_s, profile, u"--name"_s, u"appSecret"_s,
        u"--yes"_s, u"--json"_s});
    QCOMPARE(rotated.exitCode, 0);
    const QString fingerprint = rotated.json()[u"fingerprint"_s].toString();
    QCOMPARE(fingerprint.size(), 8);
    QVERIFY(fingerprint != before);
    QCOMPARE(rotated.json()[u"restarted"_s].toArray().size(), 2);
    // The containers were recreated with the new secret, and the keychain agrees.
    const QJsonObject nodes = effective(m_compose);
    for (const QString &node : {u"jatos-1"_s, u"jatos-2"_s})
        QVERIFY2(
            nodes[node].toObject()[u"secretSha256"_s].toString().startsWith(fingerprint), qPrintable(node));
    QCOMPARE(cli({u"config"_s, u"check"_s, u"--profile"_s, profile}).exitCode, 0);
}

void TestCliConfig::noSecretInLocalFiles()
{
    // The audit log was written (it names the rotation)...
    QVERIFY(countFiles(m_home.path()) > 0);
    QVERIFY(!filesContaining(m_home.path(), "secret.rotate").isEmpty());
    // ...and no secret value is in anything Clusterdesk wrote locally.
    QVERIFY(m_secrets.size() >= 4);
    for (const QByteArray &secret : std::as_const(m_secrets))
        QVERIFY2(filesContaining(m_home.path(), secret).isEmpty(),
            qPrintable(u"a secret with sha256 %1 is in %2"_s.arg(
                sha256Hex(secret).left(8), filesContaining(m_home.path(), secret).join(u", "_s))));
}

QTEST_GUILESS_MAIN(TestCliConfig)
#include "tst_cli_config.moc"
