// ClusterProfile: documents that must be refused, each made by editing a valid
// example file at one JSON pointer, so every row changes exactly one thing and
// names the issue it must produce.

#include "ProfileTestSupport.h"

using namespace ProfileTestSupport;

class TestProfileRejects : public QObject
{
    Q_OBJECT

private slots:
    void invalidJson_data();
    void invalidJson();
    void numberTooLarge();
    void rootNotAnObject_data();
    void rootNotAnObject();

    void rejects_data();
    void rejects();

    void clearSecret_data();
    void clearSecret();
    void acceptsSecretLocators();

    void newerFormatStopsEarly();
    void reportsEverythingInOnePass();
    void sameIssueReportedOnce();
};

void TestProfileRejects::invalidJson_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");

    QTest::addRow("missing value") << "{\n  \"a\": ,\n}"_ba << 2 << 8;
    QTest::addRow("missing value after CRLF") << "{\r\n  \"a\": ,\r\n}"_ba << 2 << 8;
    QTest::addRow("trailing comma") << R"({"a": 1,})"_ba << 1 << 9;
    QTest::addRow("bare word on third line") << "{\n\"format\": 1,\n\"name\": x\n}"_ba << 3 << 9;
    QTest::addRow("single quotes") << "{'format': 1}"_ba << 1 << 2;
    QTest::addRow("not JSON at all") << "format: 1"_ba << 1 << 2;
    QTest::addRow("empty document") << QByteArray() << 1 << 1;
    QTest::addRow("unterminated object") << "{\n  \"format\": 1\n"_ba << 2 << -1;
    QTest::addRow("two documents") << "{}\n{}"_ba << 2 << 1;
    // Columns count characters, as an editor shows them, not UTF-8 bytes.
    QTest::addRow("after non-ASCII text") << "{\"name\": \"Zürich\" x}"_ba << 1 << 19;
}

void TestProfileRejects::invalidJson()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(int, column);

    const auto result = ClusterProfile::fromJson(text);
    QVERIFY(!result);
    const ValidationIssues &issues = result.error();
    QCOMPARE(issues.size(), 1);
    QVERIFY(issues.first().path.isEmpty());
    const QString &reason = issues.first().reason;
    QVERIFY2(reason.contains(u"not valid JSON"_s), qPrintable(reason));
    QVERIFY2(reason.contains(u"line %1,"_s.arg(line)), qPrintable(reason));
    if (column > 0) {
        QVERIFY2(reason.endsWith(u"column %1"_s.arg(column)), qPrintable(reason));
    } else {
        QVERIFY2(reason.contains(u"column "_s), qPrintable(reason));
    }
}

void TestProfileRejects::numberTooLarge()
{
    // nlohmann throws out_of_range (not parse_error) for it; found by fuzzing.
    const auto result = ClusterProfile::fromJson(R"({"format": 1e999})"_ba);
    QVERIFY(!result);
    QCOMPARE(result.error().size(), 1);
    QCOMPARE(result.error().first().reason, u"not valid JSON: a number is too large"_s);
}

void TestProfileRejects::rootNotAnObject_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("reason");

    QTest::addRow("array") << "[]"_ba << u"must be an object, not an array"_s;
    QTest::addRow("number") << "1"_ba << u"must be an object, not a number"_s;
    QTest::addRow("string") << R"("format")"_ba << u"must be an object, not a string"_s;
    QTest::addRow("null") << "null"_ba << u"must be an object, not null"_s;
    QTest::addRow("boolean") << "true"_ba << u"must be an object, not true or false"_s;
}

void TestProfileRejects::rootNotAnObject()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, reason);

    const ValidationIssues issues = issuesOf(text);
    QCOMPARE(issues.size(), 1);
    QCOMPARE(issues.first().path, QString());
    QCOMPARE(issues.first().reason, reason);
    QCOMPARE(issues.first().toString(), reason); // no "path: " prefix for the root
}

void TestProfileRejects::rejects_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<QByteArray>("value"); // JSON; empty removes the key
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reason");

    const QString h = HostsFile;
    const QString c = ComposeFile;
    const QString k = KubernetesFile;

    // format
    QTest::addRow("missing format") << h << u"/format"_s << QByteArray() << u"format"_s << u"missing"_s;
    QTest::addRow("format 0") << h << u"/format"_s << "0"_ba << u"format"_s << u"whole number from 1"_s;
    QTest::addRow("format -1") << h << u"/format"_s << "-1"_ba << u"format"_s << u"whole number from 1"_s;
    QTest::addRow("format as string")
        << h << u"/format"_s << R"("1")"_ba << u"format"_s << u"whole number from 1"_s;
    QTest::addRow("format as fraction")
        << h << u"/format"_s << "1.5"_ba << u"format"_s << u"whole number from 1"_s;
    QTest::addRow("format 2 is newer")
        << h << u"/format"_s << "2"_ba << u"format"_s << u"newer Clusterdesk (format 2)"_s;
    // name, product
    QTest::addRow("missing name") << h << u"/name"_s << QByteArray() << u"name"_s << u"missing"_s;
    QTest::addRow("blank name") << h << u"/name"_s << R"("   ")"_ba << u"name"_s << u"must not be empty"_s;
    QTest::addRow("name of 121 characters")
        << h << u"/name"_s << ('"' + QByteArray(121, 'n') + '"') << u"name"_s << u"longer than 120"_s;
    QTest::addRow("name as number") << h << u"/name"_s << "5"_ba << u"name"_s
                                    << u"must be a string, not a number"_s;
    QTest::addRow("missing product") << h << u"/product"_s << QByteArray() << u"product"_s << u"missing"_s;
    QTest::addRow("upper-case product")
        << h << u"/product"_s << R"("JATOS")"_ba << u"product"_s << u"\"JATOS\" is not a product name"_s;
    QTest::addRow("product with trailing newline")
        << h << u"/product"_s << R"("jatos\n")"_ba << u"product"_s << u"is not a product name"_s;
    // deployment
    QTest::addRow("missing deployment")
        << h << u"/deployment"_s << QByteArray() << u"deployment"_s << u"missing"_s;
    QTest::addRow("deployment as string") << h << u"/deployment"_s << R"("hosts")"_ba << u"deployment"_s
                                          << u"must be an object, not a string"_s;
    QTest::addRow("missing deployment kind")
        << h << u"/deployment/kind"_s << QByteArray() << u"deployment.kind"_s << u"missing"_s;
    QTest::addRow("unknown deployment kind") << h << u"/deployment/kind"_s << R"("vm")"_ba
                                             << u"deployment.kind"_s << u"\"vm\" is not a deployment kind"_s;
    QTest::addRow("deployment kind in capitals") << h << u"/deployment/kind"_s << R"("Hosts")"_ba
                                                 << u"deployment.kind"_s << u"is not a deployment kind"_s;
    QTest::addRow("unknown key in deployment")
        << h << u"/deployment/replicas"_s << "3"_ba << u"deployment.replicas"_s << u"unknown key"_s;
    // nodes
    QTest::addRow("hosts with empty node list")
        << h << u"/nodes"_s << "[]"_ba << u"nodes"_s << u"needs at least one node"_s;
    QTest::addRow("hosts without nodes key")
        << h << u"/nodes"_s << QByteArray() << u"nodes"_s << u"needs at least one node"_s;
    QTest::addRow("nodes as object") << h << u"/nodes"_s << "{}"_ba << u"nodes"_s
                                     << u"must be a list of nodes"_s;
    QTest::addRow("node as string") << h << u"/nodes/0"_s << R"("jatos-1")"_ba << u"nodes[0]"_s
                                    << u"must be an object, not a string"_s;
    QTest::addRow("node name with space")
        << h << u"/nodes/2/name"_s << R"("jatos 3")"_ba << u"nodes[2].name"_s << u"contains whitespace"_s;
    QTest::addRow("node name with tab")
        << h << u"/nodes/2/name"_s << R"("jatos\t3")"_ba << u"nodes[2].name"_s << u"contains whitespace"_s;
    QTest::addRow("node name with trailing newline")
        << h << u"/nodes/1/name"_s << R"("jatos-2\n")"_ba << u"nodes[1].name"_s << u"contains whitespace"_s;
    QTest::addRow("empty node name") << h << u"/nodes/1/name"_s << R"("")"_ba << u"nodes[1].name"_s
                                     << u"must not be empty"_s;
    QTest::addRow("missing node name")
        << h << u"/nodes/1/name"_s << QByteArray() << u"nodes[1].name"_s << u"missing"_s;
    QTest::addRow("node name with #") << h << u"/nodes/2/name"_s << R"("jatos#3")"_ba << u"nodes[2].name"_s
                                      << u"\"jatos#3\" may hold only letters"_s;
    QTest::addRow("node name starting with dash")
        << h << u"/nodes/0/name"_s << R"("-jatos")"_ba << u"nodes[0].name"_s << u"may hold only letters"_s;
    QTest::addRow("node name of 64 characters")
        << h << u"/nodes/0/name"_s << ('"' + QByteArray(64, 'a') + '"') << u"nodes[0].name"_s
        << u"at most 63"_s;
    QTest::addRow("duplicate node name") << h << u"/nodes/2/name"_s << R"("jatos-1")"_ba << u"nodes[2].name"_s
                                         << u"\"jatos-1\" is used by another node"_s;
    QTest::addRow("duplicate node url")
        << h << u"/nodes/1/url"_s << R"("http://jatos-1.example.org:9000/")"_ba << u"nodes[1].url"_s
        << u"is used by another node"_s;
    QTest::addRow("duplicate node url with host in capitals")
        << h << u"/nodes/1/url"_s << R"("http://JATOS-1.example.org:9000/")"_ba << u"nodes[1].url"_s
        << u"is used by another node"_s;
    QTest::addRow("duplicate url but for trailing slash")
        << KubernetesFile << u"/nodes/1/url"_s << R"("http://10.0.1.1:8080/openspecimen")"_ba
        << u"nodes[1].url"_s << u"is used by another node"_s;
    QTest::addRow("duplicate root url but for trailing slash")
        << h << u"/nodes/1/url"_s << R"("http://jatos-1.example.org:9000")"_ba << u"nodes[1].url"_s
        << u"is used by another node"_s;
    QTest::addRow("ftp url") << h << u"/nodes/1/url"_s << R"("ftp://jatos-2.example.org/")"_ba
                             << u"nodes[1].url"_s << u"absolute http:// or https:// URL"_s;
    QTest::addRow("relative url") << h << u"/nodes/1/url"_s << R"("jatos/")"_ba << u"nodes[1].url"_s
                                  << u"absolute http:// or https:// URL"_s;
    QTest::addRow("absolute path url") << h << u"/nodes/1/url"_s << R"("/jatos/")"_ba << u"nodes[1].url"_s
                                       << u"absolute http:// or https:// URL"_s;
    QTest::addRow("scheme-relative url") << h << u"/nodes/1/url"_s << R"("//jatos-2.example.org/")"_ba
                                         << u"nodes[1].url"_s << u"absolute http:// or https:// URL"_s;
    QTest::addRow("url without host") << h << u"/nodes/1/url"_s << R"("http:///jatos")"_ba
                                      << u"nodes[1].url"_s << u"absolute http:// or https:// URL"_s;
    QTest::addRow("url with space in host") << h << u"/nodes/1/url"_s << R"("http://jatos 2/")"_ba
                                            << u"nodes[1].url"_s << u"absolute http:// or https:// URL"_s;
    QTest::addRow("empty url") << h << u"/nodes/1/url"_s << R"("")"_ba << u"nodes[1].url"_s
                               << u"absolute http:// or https:// URL"_s;
    QTest::addRow("url as number") << h << u"/nodes/1/url"_s << "9000"_ba << u"nodes[1].url"_s
                                   << u"must be a string, not a number"_s;
    QTest::addRow("missing node url")
        << h << u"/nodes/1/url"_s << QByteArray() << u"nodes[1].url"_s << u"missing"_s;
    QTest::addRow("installDir as list") << h << u"/nodes/1/installDir"_s << R"(["/srv"])"_ba
                                        << u"nodes[1].installDir"_s << u"must be a string, not an array"_s;
    QTest::addRow("misspelt node key")
        << h << u"/nodes/0/adress"_s << R"("10.0.1.1")"_ba << u"nodes[0].adress"_s << u"unknown key"_s;
    QTest::addRow("misspelt root key") << h << u"/node"_s << "[]"_ba << u"node"_s << u"unknown key"_s;
    // ssh
    QTest::addRow("ssh port 0") << h << u"/nodes/0/ssh/port"_s << "0"_ba << u"nodes[0].ssh.port"_s
                                << u"between 1 and 65535, not 0"_s;
    QTest::addRow("ssh port 70000") << h << u"/nodes/0/ssh/port"_s << "70000"_ba << u"nodes[0].ssh.port"_s
                                    << u"between 1 and 65535, not 70000"_s;
    QTest::addRow("ssh port negative") << h << u"/nodes/1/ssh/port"_s << "-22"_ba << u"nodes[1].ssh.port"_s
                                       << u"between 1 and 65535, not -22"_s;
    QTest::addRow("ssh port as string")
        << h << u"/nodes/0/ssh/port"_s << R"("22")"_ba << u"nodes[0].ssh.port"_s
        << u"must be a whole number, not a string"_s;
    QTest::addRow("ssh port as fraction")
        << h << u"/nodes/0/ssh/port"_s << "22.5"_ba << u"nodes[0].ssh.port"_s
        << u"must be a whole number, not a number"_s;
    QTest::addRow("ssh as string") << h << u"/nodes/0/ssh"_s << R"("jatos@jatos-1")"_ba << u"nodes[0].ssh"_s
                                   << u"must be an object, not a string"_s;
    QTest::addRow("ssh without user")
        << h << u"/nodes/0/ssh/user"_s << QByteArray() << u"nodes[0].ssh.user"_s << u"missing"_s;
    QTest::addRow("ssh blank user") << h << u"/nodes/0/ssh/user"_s << R"(" ")"_ba << u"nodes[0].ssh.user"_s
                                    << u"must not be empty"_s;
    QTest::addRow("ssh empty host") << h << u"/nodes/1/ssh/host"_s << R"("")"_ba << u"nodes[1].ssh.host"_s
                                    << u"must be a host name or address"_s;
    QTest::addRow("ssh host with space") << h << u"/nodes/1/ssh/host"_s << R"("10.0.1.2 jatos-2")"_ba
                                         << u"nodes[1].ssh.host"_s << u"must be a host name or address"_s;
    QTest::addRow("misspelt ssh key")
        << h << u"/nodes/0/ssh/hostname"_s << R"("x")"_ba << u"nodes[0].ssh.hostname"_s << u"unknown key"_s;
    // database
    QTest::addRow("database port 0") << h << u"/database/port"_s << "0"_ba << u"database.port"_s
                                     << u"between 1 and 65535, not 0"_s;
    QTest::addRow("database port 70000") << h << u"/database/port"_s << "70000"_ba << u"database.port"_s
                                         << u"between 1 and 65535, not 70000"_s;
    QTest::addRow("database port as string")
        << h << u"/database/port"_s << R"("3306")"_ba << u"database.port"_s
        << u"must be a whole number, not a string"_s;
    QTest::addRow("database driver postgres") << h << u"/database/driver"_s << R"("postgres")"_ba
                                              << u"database.driver"_s << u"\"postgres\" is not supported"_s;
    QTest::addRow("database driver h2") << h << u"/database/driver"_s << R"("h2")"_ba << u"database.driver"_s
                                        << u"\"h2\" is not supported (mariadb, mysql)"_s;
    QTest::addRow("database without host")
        << h << u"/database/host"_s << QByteArray() << u"database.host"_s << u"missing"_s;
    QTest::addRow("database blank schema")
        << h << u"/database/schema"_s << R"("  ")"_ba << u"database.schema"_s << u"must not be empty"_s;
    QTest::addRow("database without user")
        << h << u"/database/user"_s << QByteArray() << u"database.user"_s << u"missing"_s;
    QTest::addRow("database as list")
        << h << u"/database"_s << "[]"_ba << u"database"_s << u"must be an object, not an array"_s;
    QTest::addRow("misspelt database key")
        << h << u"/database/schemaName"_s << R"("jatos")"_ba << u"database.schemaName"_s << u"unknown key"_s;
    // secrets and keychain references
    QTest::addRow("secrets as list") << h << u"/secrets"_s << "[]"_ba << u"secrets"_s
                                     << u"must be an object of named keychain references"_s;
    QTest::addRow("keychain reference without keychain")
        << h << u"/secrets/appSecret"_s << "{}"_ba << u"secrets.appSecret.keychain"_s << u"missing"_s;
    QTest::addRow("keychain name with space")
        << h << u"/secrets/appSecret/keychain"_s << R"("app secret")"_ba << u"secrets.appSecret.keychain"_s
        << u"\"app secret\" is not a valid keychain entry name"_s;
    QTest::addRow("keychain name of 129 characters")
        << h << u"/database/password/keychain"_s << ('"' + QByteArray(129, 'k') + '"')
        << u"database.password.keychain"_s << u"is not a valid keychain entry name"_s;
    QTest::addRow("keychain name as number")
        << h << u"/database/password/keychain"_s << "7"_ba << u"database.password.keychain"_s
        << u"must be a string, not a number"_s;
    QTest::addRow("extra key in keychain reference") << h << u"/secrets/appSecret/value"_s << R"("x")"_ba
                                                     << u"secrets.appSecret.value"_s << u"unknown key"_s;
    QTest::addRow("secret reference as number")
        << h << u"/secrets/appSecret"_s << "123456789012345"_ba << u"secrets.appSecret"_s
        << u"holds a secret in clear text"_s;
    // Settings of another deployment kind would be lost on save: refused on load.
    QTest::addRow("hosts deployment with compose keys")
        << h << u"/deployment/host"_s << R"({"host": "docker", "user": "ops"})"_ba << u"deployment.host"_s
        << u"only used by a compose deployment"_s;
    QTest::addRow("hosts deployment with kubernetes keys")
        << h << u"/deployment/namespace"_s << R"("jatos")"_ba << u"deployment.namespace"_s
        << u"only used by a kubernetes deployment"_s;
    QTest::addRow("empty keychain name in secrets")
        << h << u"/secrets/appSecret/keychain"_s << R"("")"_ba << u"secrets.appSecret.keychain"_s
        << u"must name a keychain entry, not be empty"_s;
    QTest::addRow("empty keychain name for database password")
        << h << u"/database/password/keychain"_s << R"("")"_ba << u"database.password.keychain"_s
        << u"must name a keychain entry, not be empty"_s;
    QTest::addRow("keychain name with trailing newline")
        << h << u"/secrets/appSecret/keychain"_s << R"("jatos-demo/app-secret\n")"_ba
        << u"secrets.appSecret.keychain"_s << u"is not a valid keychain entry name"_s;
    QTest::addRow("presetOverrides as list")
        << h << u"/presetOverrides"_s << "[]"_ba << u"presetOverrides"_s << u"must be an object"_s;
    // compose
    QTest::addRow("compose without projectDir") << c << u"/deployment/projectDir"_s << QByteArray()
                                                << u"deployment.projectDir"_s << u"Compose project folder"_s;
    QTest::addRow("compose without service") << c << u"/deployment/service"_s << QByteArray()
                                             << u"deployment.service"_s << u"Compose service name"_s;
    QTest::addRow("compose without host") << c << u"/deployment/host"_s << QByteArray()
                                          << u"deployment.host.host"_s << u"must be a host name or address"_s;
    QTest::addRow("compose host without user")
        << c << u"/deployment/host/user"_s << QByteArray() << u"deployment.host.user"_s << u"missing"_s;
    QTest::addRow("compose host port 70000") << c << u"/deployment/host/port"_s << "70000"_ba
                                             << u"deployment.host.port"_s << u"between 1 and 65535"_s;
    // kubernetes
    QTest::addRow("kubernetes http apiServer")
        << k << u"/deployment/apiServer"_s << R"("http://k8s.example.org:6443")"_ba
        << u"deployment.apiServer"_s << u"must be an https:// URL"_s;
    QTest::addRow("kubernetes apiServer without host")
        << k << u"/deployment/apiServer"_s << R"("https://")"_ba << u"deployment.apiServer"_s
        << u"must be an https:// URL"_s;
    QTest::addRow("kubernetes without apiServer")
        << k << u"/deployment/apiServer"_s << QByteArray() << u"deployment.apiServer"_s
        << u"must be an https:// URL"_s;
    // balancer
    QTest::addRow("balancer as string") << h << u"/balancer"_s << R"("lb.example.org")"_ba << u"balancer"_s
                                        << u"must be an object, not a string"_s;
    QTest::addRow("balancer without ssh")
        << h << u"/balancer"_s << R"({"configFile": "/etc/lb.conf"})"_ba << u"balancer.ssh"_s
        << u"missing: how to reach the load balancer"_s;
    QTest::addRow("balancer without configFile")
        << h << u"/balancer"_s << R"({"ssh": {"host": "lb", "user": "ops"}})"_ba << u"balancer.configFile"_s
        << u"missing"_s;
    QTest::addRow("balancer with relative configFile")
        << h << u"/balancer"_s
        << R"({"ssh": {"host": "lb", "user": "ops"}, "configFile": "balancer.conf"})"_ba
        << u"balancer.configFile"_s << u"must be an absolute path"_s;
    QTest::addRow("balancer with unknown key")
        << h << u"/balancer"_s
        << R"({"ssh": {"host": "lb", "user": "ops"}, "configFile": "/etc/lb.conf", "url": "http://lb/"})"_ba
        << u"balancer.url"_s << u"unknown key"_s;
    QTest::addRow("balancer ssh without user")
        << h << u"/balancer"_s << R"({"ssh": {"host": "lb"}, "configFile": "/etc/lb.conf"})"_ba
        << u"balancer.ssh.user"_s << u"missing"_s;
    QTest::addRow("balancer ssh port 0")
        << h << u"/balancer"_s << R"({"ssh": {"host": "lb", "user": "u", "port": 0}, "configFile": "/x"})"_ba
        << u"balancer.ssh.port"_s << u"between 1 and 65535"_s;
    QTest::addRow("kubernetes without namespace")
        << k << u"/deployment/namespace"_s << QByteArray() << u"deployment.namespace"_s << u"missing"_s;
    QTest::addRow("kubernetes without deployment name")
        << k << u"/deployment/deployment"_s << QByteArray() << u"deployment.deployment"_s
        << u"Deployment's name"_s;
}

void TestProfileRejects::rejects()
{
    QFETCH(QString, base);
    QFETCH(QString, pointer);
    QFETCH(QByteArray, value);
    QFETCH(QString, path);
    QFETCH(QString, reason);

    const ValidationIssues issues = issuesOf(dump(edited(loadJson(base), pointer, value)));

    QVERIFY2(countIssues(issues, path, reason) >= 1, describe(path, reason, issues).constData());
    // The same problem is never reported twice.
    QCOMPARE(countIssues(issues, path, reason), 1);
    // The reason is a sentence for a person: it never repeats the path.
    for (const ValidationIssue &issue : issues)
        QVERIFY2(!issue.reason.startsWith(issue.path + u':'), qPrintable(issue.toString()));
}

void TestProfileRejects::clearSecret_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("path");

    QTest::addRow("database password")
        << HostsFile << u"/database/password"_s << R"("hunter2")"_ba << u"database.password"_s;
    QTest::addRow("database password without other fields")
        << HostsFile << u"/database"_s << R"({"password": "hunter2"})"_ba << u"database.password"_s;
    QTest::addRow("app secret as string")
        << HostsFile << u"/secrets/appSecret"_s << R"("hunter2-hunter2")"_ba << u"secrets.appSecret"_s;
    QTest::addRow("secret under a plain name")
        << HostsFile << u"/secrets/jatos"_s << R"("hunter2")"_ba << u"secrets.jatos"_s;
    QTest::addRow("ssh passphrase") << HostsFile << u"/nodes/0/ssh/passphrase"_s << R"("hunter2")"_ba
                                    << u"nodes[0].ssh.passphrase"_s;
    QTest::addRow("ssh password") << HostsFile << u"/nodes/1/ssh/password"_s << R"("hunter2")"_ba
                                  << u"nodes[1].ssh.password"_s;
    QTest::addRow("compose host password") << ComposeFile << u"/deployment/host/password"_s
                                           << R"("hunter2")"_ba << u"deployment.host.password"_s;
    QTest::addRow("balancer ssh password")
        << HostsFile << u"/balancer"_s
        << R"({"ssh": {"host": "lb", "user": "ops", "password": "hunter2"}, "configFile": "/etc/lb.conf"})"_ba
        << u"balancer.ssh.password"_s;
    QTest::addRow("kubernetes token")
        << KubernetesFile << u"/deployment/token"_s << R"("hunter2")"_ba << u"deployment.token"_s;
    QTest::addRow("override database password")
        << HostsFile << u"/presetOverrides/database"_s << R"({"password": "hunter2"})"_ba
        << u"presetOverrides.database.password"_s;
    QTest::addRow("override JATOS_SECRET")
        << HostsFile << u"/presetOverrides/env"_s << R"({"JATOS_SECRET": "hunter2-hunter2"})"_ba
        << u"presetOverrides.env.JATOS_SECRET"_s;
    QTest::addRow("override play secret key")
        << HostsFile << u"/presetOverrides/config"_s << R"({"play.http.secret.key": "hunter2"})"_ba
        << u"presetOverrides.config.play.http.secret.key"_s;
    QTest::addRow("override api key in a list")
        << ComposeFile << u"/presetOverrides/hooks"_s << R"([{"url": "x"}, {"apiKey": "hunter2"}])"_ba
        << u"presetOverrides.hooks[1].apiKey"_s;
    QTest::addRow("override private key")
        << ComposeFile << u"/presetOverrides/tls"_s << R"({"private_key": "-----BEGIN hunter2"})"_ba
        << u"presetOverrides.tls.private_key"_s;
    QTest::addRow("override credentials")
        << KubernetesFile << u"/presetOverrides/registry"_s << R"({"Credentials": "user:hunter2"})"_ba
        << u"presetOverrides.registry.Credentials"_s;
    QTest::addRow("unknown root key holding a password")
        << HostsFile << u"/adminPassword"_s << R"("hunter2")"_ba << u"adminPassword"_s;
    // A number is as clear as a string: an all-digit PIN must be refused too.
    QTest::addRow("numeric password in overrides")
        << HostsFile << u"/presetOverrides/database"_s << R"({"password": 20241122})"_ba
        << u"presetOverrides.database.password"_s;
}

void TestProfileRejects::clearSecret()
{
    QFETCH(QString, base);
    QFETCH(QString, pointer);
    QFETCH(QByteArray, value);
    QFETCH(QString, path);

    const ValidationIssues issues = issuesOf(dump(edited(loadJson(base), pointer, value)));

    QVERIFY2(
        countIssues(issues, path, ClearSecretWord) >= 1, describe(path, ClearSecretWord, issues).constData());
    // Refused exactly once at that path, however many checks look at it.
    QCOMPARE(countIssues(issues, path, ClearSecretWord), 1);
    const auto clearAt = std::find_if(issues.cbegin(), issues.cend(), [&](const ValidationIssue &issue) {
        return issue.path == path && issue.reason.contains(ClearSecretWord);
    });
    QVERIFY(clearAt->reason.contains(u"clear text"_s));
    QVERIFY(clearAt->reason.contains(u"{\"keychain\": \"NAME\"}"_s));
    // No refusal anywhere else mentions a clear secret, and none repeats the secret.
    QCOMPARE(std::count_if(issues.cbegin(), issues.cend(),
                 [](const ValidationIssue &issue) { return issue.reason.contains(u"clear text"_s); }),
        1);
    QVERIFY2(!formatIssues(issues).contains(u"hunter2"_s), qPrintable(formatIssues(issues)));
}

void TestProfileRejects::acceptsSecretLocators()
{
    // Keys that only name or locate a secret are not secrets themselves.
    const Json overrides = Json::parse(R"({
        "secrets": {"appSecret": {"minLength": 15, "description": "the JATOS secret"}},
        "env": {"JATOS_SECRET_FILE": "/run/secrets/jatos", "tokenPath": "/run/token",
                "passwordRef": "db", "secretName": "jatos-secret", "credentialRules": "strict"}
    })");
    const QByteArray text = dump(
        edited(loadJson(HostsFile), u"/presetOverrides"_s, QByteArray::fromStdString(overrides.dump())));
    const auto result = ClusterProfile::fromJson(text);
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    QVERIFY(result->presetOverrides == overrides);
}

void TestProfileRejects::newerFormatStopsEarly()
{
    // Nothing else in a newer format is judged: its fields may mean something else.
    Json document = edited(loadJson(HostsFile), u"/format"_s, "7"_ba);
    document = edited(document, u"/nodes/2/name"_s, R"("jatos 3")"_ba);
    document = edited(document, u"/futureField"_s, "true"_ba);
    const ValidationIssues issues = issuesOf(dump(document));
    QCOMPARE(countIssues(issues, u"format"_s, u"newer Clusterdesk (format 7)"_s), 1);
    QCOMPARE(countIssues(issues, u"format"_s, u"reads format 1"_s), 1);
    QCOMPARE(countIssues(issues, u"nodes[2].name"_s, QString()), 0);
    QCOMPARE(formatIssues(issues), issues.value(0).toString());
}

void TestProfileRejects::reportsEverythingInOnePass()
{
    Json document = loadJson(HostsFile);
    document = edited(document, u"/nodes/2/name"_s, R"("jatos 3")"_ba);
    document = edited(document, u"/nodes/0/ssh/port"_s, "0"_ba);
    document = edited(document, u"/nodes/1/adress"_s, R"("10.0.1.2")"_ba);
    document = edited(document, u"/nodes/1/url"_s, R"("ftp://jatos-2.example.org/")"_ba);
    document = edited(document, u"/database/driver"_s, R"("postgres")"_ba);
    document = edited(document, u"/database/password"_s, R"("hunter2")"_ba);
    document = edited(document, u"/database/port"_s, "70000"_ba);
    document = edited(document, u"/secrets/appSecret"_s, R"("hunter2-hunter2")"_ba);
    document = edited(document, u"/name"_s, R"("")"_ba);

    const ValidationIssues issues = issuesOf(dump(document));
    const QList<std::pair<QString, QString>> expected {
        {u"nodes[2].name"_s, u"contains whitespace"_s},
        {u"nodes[0].ssh.port"_s, u"not 0"_s},
        {u"nodes[1].adress"_s, u"unknown key"_s},
        {u"nodes[1].url"_s, u"absolute http"_s},
        {u"database.driver"_s, u"\"postgres\""_s},
        {u"database.password"_s, ClearSecretWord},
        {u"database.port"_s, u"not 70000"_s},
        {u"secrets.appSecret"_s, ClearSecretWord},
        {u"name"_s, u"must not be empty"_s},
    };
    for (const auto &[path, reason] : expected)
        QVERIFY2(countIssues(issues, path, reason) == 1, describe(path, reason, issues).constData());
    QCOMPARE(issues.size(), expected.size());
}

void TestProfileRejects::sameIssueReportedOnce()
{
    // Two nodes with the same bad name each get their own issue, under their own path.
    Json document = loadJson(HostsFile);
    document = edited(document, u"/nodes/1/name"_s, R"("jatos 1")"_ba);
    document = edited(document, u"/nodes/2/name"_s, R"("jatos 1")"_ba);
    const ValidationIssues issues = issuesOf(dump(document));
    QCOMPARE(countIssues(issues, u"nodes[1].name"_s, u"contains whitespace"_s), 1);
    QCOMPARE(countIssues(issues, u"nodes[2].name"_s, u"contains whitespace"_s), 1);
    for (qsizetype i = 0; i < issues.size(); ++i) {
        for (qsizetype j = i + 1; j < issues.size(); ++j)
            QVERIFY2(!(issues.at(i) == issues.at(j)), qPrintable(issues.at(i).toString()));
    }
}

QTEST_GUILESS_MAIN(TestProfileRejects)
#include "tst_profilerejects.moc"
