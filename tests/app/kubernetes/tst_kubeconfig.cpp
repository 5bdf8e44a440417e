// Reading kubeconfig files: YAML and JSON, contexts resolved to their cluster and
// user, inline and file CAs, tokens, and errors that name the file, the line or the
// context at fault.
#include "connectors/kubernetes/Kubeconfig.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// A CA certificate in PEM, as certificate-authority-data carries it (base64 of the PEM).
const QByteArray caPem = "-----BEGIN CERTIFICATE-----\n"
                         "MIIBdzCCAR2gAwIBAgIUEXAMPLEEXAMPLEEXAMPLEEXAMPLEwCgYIKoZIzj0EAwIw\n"
                         "-----END CERTIFICATE-----\n";

QByteArray twoContexts()
{
    return "apiVersion: v1\n"
           "kind: Config\n"
           "preferences: {}\n"
           "current-context: staging\n"
           "clusters:\n"
           "- name: prod-cluster\n"
           "  cluster:\n"
           "    server: https://k8s.example.org:6443\n"
           "    certificate-authority-data: "
        + caPem.toBase64()
        + "\n"
          "- name: staging-cluster\n"
          "  cluster:\n"
          "    server: https://10.0.0.5:6443/k8s/clusters/c-m-abc\n"
          "    certificate-authority: certs/staging-ca.crt\n"
          "users:\n"
          "- name: prod-admin\n"
          "  user:\n"
          "    token: eyJhbGciOiJSUzI1NiIsImtpZCI6InByb2QifQ.payload.signature\n"
          "- name: staging-reader\n"
          "  user:\n"
          "    tokenFile: tokens/staging.token\n"
          "contexts:\n"
          "- name: prod\n"
          "  context:\n"
          "    cluster: prod-cluster\n"
          "    user: prod-admin\n"
          "    namespace: research\n"
          "- name: staging\n"
          "  context:\n"
          "    cluster: staging-cluster\n"
          "    user: staging-reader\n";
}

} // namespace

class TestKubeconfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void yamlWithTwoContexts();
    void jsonForm();
    void otherAuthKinds();
    void loadFromFile();
    void brokenYaml();
    void errors_data();
    void errors();
    void defaultPath();
};

void TestKubeconfig::yamlWithTwoContexts()
{
    const auto config = Kubeconfig::parse(twoContexts(), u"/home/ada/.kube/config"_s);
    QVERIFY2(config, qPrintable(config ? QString() : config.error().message));
    QCOMPARE(config->path, u"/home/ada/.kube/config"_s);
    QCOMPARE(config->currentContext, u"staging"_s);
    QCOMPARE(config->contexts.size(), 2);
    QCOMPARE(config->contexts.at(0).name, u"prod"_s); // in the file's order
    QCOMPARE(config->contexts.at(1).name, u"staging"_s);

    const auto prod = config->context(u"prod"_s);
    QVERIFY(prod);
    QCOMPARE(prod->cluster, u"prod-cluster"_s);
    QCOMPARE(prod->user, u"prod-admin"_s);
    QCOMPARE(prod->ns, u"research"_s);
    QCOMPARE(prod->server, QUrl(u"https://k8s.example.org:6443"_s));
    QCOMPARE(prod->caData, caPem);
    QVERIFY(prod->caFile.isEmpty());
    QCOMPARE(prod->token, QByteArray("eyJhbGciOiJSUzI1NiIsImtpZCI6InByb2QifQ.payload.signature"));
    QVERIFY(prod->tokenFile.isEmpty());
    QVERIFY(!prod->insecureSkipTlsVerify);
    QVERIFY(!prod->hasClientCertificate);
    QVERIFY(!prod->hasExec);

    const auto staging = config->context(u"staging"_s);
    QVERIFY(staging);
    QVERIFY(staging->ns.isEmpty());
    QCOMPARE(staging->server, QUrl(u"https://10.0.0.5:6443/k8s/clusters/c-m-abc"_s));
    // Relative to the kubeconfig's folder, made absolute.
    QCOMPARE(staging->caFile, u"/home/ada/.kube/certs/staging-ca.crt"_s);
    QVERIFY(staging->caData.isEmpty());
    QVERIFY(staging->token.isEmpty());
    QCOMPARE(staging->tokenFile, u"tokens/staging.token"_s); // read at import, not here

    QVERIFY(!config->context(u"nope"_s));
}

void TestKubeconfig::jsonForm()
{
    // As the sandbox (and kubectl config view -o json) writes it.
    const QByteArray json = R"({
  "apiVersion": "v1",
  "kind": "Config",
  "preferences": {},
  "current-context": "sandbox",
  "clusters": [{"name": "sandbox", "cluster": {"server": "https://127.0.0.1:41889",
                "certificate-authority": "/tmp/k8s/k8s/ca.crt"}}],
  "users": [{"name": "sandbox", "user": {"token": "8gzYrIBOvky7sa8HmCDTFoPVOVol5AtHOek1Kv4-zFo"}}],
  "contexts": [{"name": "sandbox", "context": {"cluster": "sandbox", "user": "sandbox", "namespace": "jatos"}}]
})";
    const auto config = Kubeconfig::parse(json, u"/tmp/k8s/kubeconfig"_s);
    QVERIFY2(config, qPrintable(config ? QString() : config.error().message));
    QCOMPARE(config->currentContext, u"sandbox"_s);
    QCOMPARE(config->contexts.size(), 1);
    const KubeconfigContext &context = config->contexts.first();
    QCOMPARE(context.server, QUrl(u"https://127.0.0.1:41889"_s));
    QCOMPARE(context.caFile, u"/tmp/k8s/k8s/ca.crt"_s);
    QCOMPARE(context.ns, u"jatos"_s);
    QCOMPARE(context.token, QByteArray("8gzYrIBOvky7sa8HmCDTFoPVOVol5AtHOek1Kv4-zFo"));
}

void TestKubeconfig::otherAuthKinds()
{
    const QByteArray yaml = "clusters:\n"
                            "- name: c\n"
                            "  cluster: {server: 'https://k8s.example.org', insecure-skip-tls-verify: true}\n"
                            "users:\n"
                            "- name: cert\n"
                            "  user:\n"
                            "    client-certificate-data: QUJD\n"
                            "    client-key-data: REVG\n"
                            "- name: eks\n"
                            "  user:\n"
                            "    exec:\n"
                            "      apiVersion: client.authentication.k8s.io/v1beta1\n"
                            "      command: aws\n"
                            "      args: [eks, get-token, --cluster-name, prod]\n"
                            "contexts:\n"
                            "- {name: with-cert, context: {cluster: c, user: cert}}\n"
                            "- {name: with-exec, context: {cluster: c, user: eks}}\n"
                            "- {name: anonymous, context: {cluster: c}}\n";
    const auto config = Kubeconfig::parse(yaml, u"/etc/kube.yaml"_s);
    QVERIFY2(config, qPrintable(config ? QString() : config.error().message));
    QVERIFY(config->currentContext.isEmpty());
    const auto cert = config->context(u"with-cert"_s);
    QVERIFY(cert && cert->hasClientCertificate && !cert->hasExec && cert->token.isEmpty());
    QVERIFY(cert->insecureSkipTlsVerify);
    const auto exec = config->context(u"with-exec"_s);
    QVERIFY(exec && exec->hasExec && !exec->hasClientCertificate);
    const auto anonymous = config->context(u"anonymous"_s);
    QVERIFY(anonymous && anonymous->user.isEmpty() && !anonymous->hasExec && anonymous->token.isEmpty());
}

void TestKubeconfig::loadFromFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"config"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(twoContexts());
    file.close();
    const auto config = Kubeconfig::load(path);
    QVERIFY2(config, qPrintable(config ? QString() : config.error().message));
    QCOMPARE(config->context(u"staging"_s)->caFile, QDir(dir.path()).filePath(u"certs/staging-ca.crt"_s));

    const auto missing = Kubeconfig::load(dir.filePath(u"absent"_s));
    QVERIFY(!missing);
    QVERIFY2(missing.error().message.contains(u"absent"_s), qPrintable(missing.error().message));
}

void TestKubeconfig::brokenYaml()
{
    const QByteArray yaml = "apiVersion: v1\n"
                            "clusters:\n"
                            "- name: c\n"
                            "  cluster: {server: https://k8s.example.org\n" // the brace never closes
                            "users: []\n";
    const auto config = Kubeconfig::parse(yaml, QDir::homePath() + u"/.kube/config"_s);
    QVERIFY(!config);
    const QString error = config.error().message;
    QVERIFY2(error.startsWith(u"kubeconfig ~/.kube/config: "_s), qPrintable(error));
    QVERIFY2(error.contains(u"(line 5, column 6)"_s), qPrintable(error));

    const QByteArray badIndent = "clusters:\n- name: c\n  cluster:\n    server: https://a\n    bad: a: b\n";
    const auto indented = Kubeconfig::parse(badIndent, u"/k/config"_s);
    QVERIFY(!indented);
    QVERIFY2(indented.error().message.contains(u"line 5, column 11"_s), qPrintable(indented.error().message));
}

void TestKubeconfig::errors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected");

    const QByteArray clusters = "clusters:\n- name: c\n  cluster: {server: 'https://k8s.example.org'}\n";
    const QByteArray users = "users:\n- name: u\n  user: {token: abc}\n";
    QTest::newRow("dangling user")
        << clusters + users + "contexts:\n- name: prod\n  context: {cluster: c, user: admin}\n"
        << u"kubeconfig /k/config: context 'prod' names user 'admin', which is not defined"_s;
    QTest::newRow("dangling cluster")
        << clusters + users + "contexts:\n- name: prod\n  context: {cluster: gone, user: u}\n"
        << u"context 'prod' names cluster 'gone', which is not defined"_s;
    QTest::newRow("no cluster") << clusters + "contexts:\n- name: prod\n  context: {user: u}\n"
                                << u"context 'prod' names no cluster"_s;
    QTest::newRow("dangling current-context") << clusters + "current-context: gone\n"
                                              << u"current-context 'gone' is not defined"_s;
    QTest::newRow("no server") << QByteArray("clusters:\n- name: c\n  cluster: {}\ncontexts:\n- name: x\n"
                                             "  context: {cluster: c}\n")
                               << u"cluster 'c' has no valid server URL"_s;
    QTest::newRow("bad CA data") << QByteArray("clusters:\n- name: c\n  cluster:\n    server: https://a\n"
                                               "    certificate-authority-data: '!!not base64!!'\n"
                                               "contexts:\n- name: x\n  context: {cluster: c}\n")
                                 << u"certificate-authority-data"_s;
    QTest::newRow("twice") << clusters + clusters.mid(10) << u"clusters defines 'c' twice"_s;
    QTest::newRow("contexts a map") << QByteArray("contexts: {a: b}\n") << u"contexts is not a list"_s;
    QTest::newRow("entry without a name")
        << QByteArray("users:\n- user: {token: x}\n") << u"users[0] has no name"_s;
    QTest::newRow("server a list") << QByteArray("clusters:\n- name: c\n  cluster:\n    server: [a]\n"
                                                 "contexts:\n- {name: x, context: {cluster: c}}\n")
                                   << u"cluster 'c'.server is not a string (line 4"_s;
    QTest::newRow("not a map") << QByteArray("- a\n- b\n") << u"not a kubeconfig"_s;
    QTest::newRow("empty") << QByteArray("") << u"empty"_s;
}

void TestKubeconfig::errors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    const auto config = Kubeconfig::parse(yaml, u"/k/config"_s);
    QVERIFY(!config);
    QVERIFY2(config.error().message.contains(expected), qPrintable(config.error().message));
    QVERIFY2(
        config.error().message.startsWith(u"kubeconfig /k/config: "_s), qPrintable(config.error().message));
}

void TestKubeconfig::defaultPath()
{
    const QByteArray saved = qgetenv("KUBECONFIG");
    const QString separator(QDir::listSeparator());
    qputenv("KUBECONFIG", (u"/a/first"_s + separator + u"/b/second"_s).toLocal8Bit());
    QCOMPARE(Kubeconfig::defaultPath(), u"/a/first"_s);
    qputenv("KUBECONFIG", (separator + u"/b/second"_s).toLocal8Bit()); // an empty entry is skipped
    QCOMPARE(Kubeconfig::defaultPath(), u"/b/second"_s);
    qputenv("KUBECONFIG", QByteArray());
    QCOMPARE(Kubeconfig::defaultPath(), QDir::homePath() + u"/.kube/config"_s);
    qunsetenv("KUBECONFIG");
    QCOMPARE(Kubeconfig::defaultPath(), QDir::homePath() + u"/.kube/config"_s);
    if (!saved.isNull())
        qputenv("KUBECONFIG", saved);
}

QTEST_GUILESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
