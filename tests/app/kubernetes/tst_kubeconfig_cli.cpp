// clusterdesk-cli's kubeconfig commands, run in-process against the sandbox's
// kubeconfig and a real Secret Service (with-keyring.sh), or with no keychain at all
// (without-keyring.sh, CLUSTERDESK_EXPECT_NO_KEYCHAIN): contexts listed, a context
// imported into a profile (CA file, token in the keychain) and then used for real,
// and every refusal explained. The token is never printed.
#include "KubeTestSupport.h"
#include "cli/KubeconfigCommand.h"
#include "connectors/kubernetes/KubeClient.h"
#include "secrets/SecretStore.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace {

struct CommandRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

CommandRun runCommand(const QStringList &args, SecretStore *secrets)
{
    CommandRun run;
    QTextStream out(&run.out);
    QTextStream err(&run.err);
    KubeconfigCommand command(out, err, secrets);
    QSignalSpy finished(&command, &KubeconfigCommand::finished);
    command.run(args);
    if (finished.wait(30000) && finished.count() == 1)
        run.exitCode = finished.at(0).at(0).toInt();
    out.flush();
    err.flush();
    return run;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

[[maybe_unused]] bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

// The sandbox's profile, switched to plain hosts, saved where the import may change it.
QString hostsProfile(const KubeSandbox &sandbox, const QTemporaryDir &dir)
{
    ClusterProfile profile = sandbox.loaded.profile;
    profile.deployment = DeploymentSpec();
    const QString path = dir.filePath(u"cluster.json"_s);
    if (!ProfileFile::save(profile, path))
        return {};
    return path;
}

[[maybe_unused]] std::optional<QByteArray> readSecret(SecretStore &store, const QString &name)
{
    SecretRequest *request = store.read(name);
    QSignalSpy done(request, &SecretRequest::finished);
    if (!done.wait(20000) || request->status() != SecretRequest::Status::Ok)
        return std::nullopt;
    return request->value();
}

[[maybe_unused]] std::optional<KubeStatus> refreshWith(const QString &profilePath, const QByteArray &token)
{
    const auto loaded = ProfileFile::load(profilePath, PresetRegistry::builtIn());
    if (!loaded)
        return std::nullopt;
    const KubernetesSettings &settings = loaded->profile.deployment.kubernetes;
    KubeClient client(settings);
    if (!client.setCaFile(ProfileFile::resolvePath(profilePath, settings.caFile)))
        return std::nullopt;
    client.setToken(token);
    QSignalSpy finished(&client, &KubeClient::finished);
    if (!client.refresh() || !finished.wait(20000))
        return std::nullopt;
    return finished.at(0).at(0).value<KubeStatus>();
}

} // namespace

#ifndef CLUSTERDESK_EXPECT_NO_KEYCHAIN

class TestKubeconfigCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void help();
    void usageErrors_data();
    void usageErrors();
    void listContexts();
    void listContextsFromEnvironment();
    void importSandboxContext();
    void importInlineCaAndTokenFile();
    void unknownContext();
    void refusals_data();
    void refusals();
};

void TestKubeconfigCli::help()
{
    const QString help = KubeconfigCommand::help();
    QVERIFY(help.contains(u"kubeconfig contexts"_s));
    QVERIFY(help.contains(u"kubeconfig import --profile FILE --context NAME"_s));
    for (const QString &line : help.split(u'\n', Qt::SkipEmptyParts))
        QVERIFY2(line.startsWith(u"  "_s), qPrintable(line));
}

void TestKubeconfigCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QTest::newRow("nothing") << QStringList() << u"contexts or import"_s;
    QTest::newRow("unknown command") << QStringList {u"merge"_s} << u"kubeconfig merge"_s;
    QTest::newRow("unknown option") << QStringList {u"contexts"_s, u"--all"_s} << u"--all"_s;
    QTest::newRow("no value") << QStringList {u"contexts"_s, u"--kubeconfig"_s}
                              << u"--kubeconfig needs a value"_s;
    QTest::newRow("no profile") << QStringList {u"import"_s, u"--context"_s, u"x"_s} << u"--profile"_s;
    QTest::newRow("no context") << QStringList {u"import"_s, u"--profile=p.json"_s} << u"--context"_s;
    QTest::newRow("stray argument") << QStringList {u"import"_s, u"extra"_s} << u"extra"_s;
}

void TestKubeconfigCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    const CommandRun run = runCommand(args, nullptr);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(expected), qPrintable(run.err));
    QVERIFY(run.out.isEmpty());
}

void TestKubeconfigCli::listContexts()
{
    LOAD_SANDBOX(sandbox);
    const CommandRun run
        = runCommand({u"contexts"_s, u"--kubeconfig"_s, sandbox->dir + u"/kubeconfig"_s}, nullptr);
    QCOMPARE(run.exitCode, 0);
    const QStringList lines = run.out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2); // the header and the sandbox's one context
    QVERIFY2(lines.at(0).contains(u"NAMESPACE"_s), qPrintable(run.out));
    const QString row = lines.at(1);
    QVERIFY2(row.startsWith(u"*"_s), qPrintable(row)); // the current context
    QVERIFY2(row.contains(u"sandbox"_s), qPrintable(row));
    QVERIFY2(row.contains(sandbox->settings.apiServer.toString()), qPrintable(row));
    QVERIFY2(row.contains(u" jatos "_s), qPrintable(row));
    QVERIFY2(row.endsWith(u"token"_s), qPrintable(row));
    QVERIFY(!run.out.contains(QString::fromLatin1(sandbox->token)));
    QVERIFY(run.err.isEmpty());
}

void TestKubeconfigCli::listContextsFromEnvironment()
{
    LOAD_SANDBOX(sandbox);
    QTemporaryDir dir;
    const QByteArray saved = qgetenv("KUBECONFIG");
    qputenv("KUBECONFIG",
        QFile::encodeName(
            sandbox->dir + u"/kubeconfig"_s + QDir::listSeparator() + dir.filePath(u"absent"_s)));
    const CommandRun run = runCommand({u"contexts"_s}, nullptr);
    qputenv("KUBECONFIG", QFile::encodeName(dir.filePath(u"absent"_s)));
    const CommandRun missing = runCommand({u"contexts"_s}, nullptr);
    if (saved.isNull())
        qunsetenv("KUBECONFIG");
    else
        qputenv("KUBECONFIG", saved);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(u"sandbox"_s), qPrintable(run.out));
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains(u"absent"_s), qPrintable(missing.err));
}

void TestKubeconfigCli::importSandboxContext()
{
    LOAD_SANDBOX(sandbox);
    QTemporaryDir dir;
    const QString profilePath = hostsProfile(*sandbox, dir);
    QVERIFY(!profilePath.isEmpty());

    SecretStore store;
    const CommandRun run
        = runCommand({u"import"_s, u"--profile"_s, profilePath, u"--context"_s, u"sandbox"_s,
                         u"--kubeconfig"_s, sandbox->dir + u"/kubeconfig"_s, u"--hpa"_s, u"jatos"_s},
            &store);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(store.backend(), SecretStore::Backend::Keychain);
    QVERIFY(!run.out.contains(QString::fromLatin1(sandbox->token)));
    QVERIFY(!run.err.contains(QString::fromLatin1(sandbox->token)));
    QVERIFY(!readFile(profilePath).contains(sandbox->token)); // only its name is in the profile

    const auto loaded = ProfileFile::load(profilePath, PresetRegistry::builtIn());
    QVERIFY(loaded);
    const ClusterProfile &profile = loaded->profile;
    QCOMPARE(profile.deployment.kind, DeploymentKind::Kubernetes);
    const KubernetesSettings &k8s = profile.deployment.kubernetes;
    QCOMPARE(k8s.apiServer, sandbox->settings.apiServer);
    QCOMPARE(k8s.context, u"sandbox"_s);
    QCOMPARE(k8s.ns, u"jatos"_s); // the context's
    QCOMPARE(k8s.deployment, u"jatos"_s); // none before: the preset's id
    QCOMPARE(k8s.hpa, u"jatos"_s);
    QCOMPARE(k8s.caFile, sandbox->settings.caFile); // a file in the kubeconfig stays where it is
    QCOMPARE(k8s.token.name, u"Sandbox-JATOS-3-nodes/k8s-token"_s);
    QCOMPARE(profile.nodes, sandbox->loaded.profile.nodes); // the rest is kept
    QVERIFY2(run.out.contains(k8s.token.name), qPrintable(run.out));

    const auto stored = readSecret(store, k8s.token.name);
    QVERIFY(stored);
    QCOMPARE(*stored, sandbox->token);

    // The imported profile and the stored token reach the API server.
    const auto status = refreshWith(profilePath, *stored);
    QVERIFY(status);
    QVERIFY2(status->ok(), qPrintable(status->error));
    QCOMPARE(status->deployment.desired, 3);
    QCOMPARE(status->hpa.max, 3);
}

void TestKubeconfigCli::importInlineCaAndTokenFile()
{
    LOAD_SANDBOX(sandbox);
    QTemporaryDir dir;
    const QString profilePath = hostsProfile(*sandbox, dir);
    QVERIFY(!profilePath.isEmpty());

    // The CA inline, the token in a file next to the kubeconfig, a context name that
    // is no file name, no namespace in the context.
    const QByteArray ca = readFile(sandbox->settings.caFile);
    QVERIFY(ca.contains("BEGIN CERTIFICATE"));
    QVERIFY(QDir(dir.path()).mkpath(u"kube/tokens"_s));
    QVERIFY(writeFile(dir.filePath(u"kube/tokens/ci.token"_s), sandbox->token + "\n"));
    const QByteArray kubeconfig = "apiVersion: v1\nkind: Config\n"
                                  "clusters:\n- name: lab\n  cluster:\n    server: "
        + sandbox->settings.apiServer.toString().toUtf8()
        + "\n    certificate-authority-data: " + ca.toBase64()
        + "\nusers:\n- name: ci\n  user:\n    tokenFile: tokens/ci.token\n"
          "contexts:\n- name: ci/lab:1\n  context: {cluster: lab, user: ci}\n";
    const QString kubeconfigPath = dir.filePath(u"kube/config"_s);
    QVERIFY(writeFile(kubeconfigPath, kubeconfig));

    SecretStore store;
    const CommandRun run = runCommand(
        {u"import"_s, u"--profile"_s, profilePath, u"--context"_s, u"ci/lab:1"_s, u"--kubeconfig"_s,
            kubeconfigPath, u"--namespace"_s, u"jatos"_s, u"--deployment"_s, u"jatos"_s},
        &store);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY(!run.out.contains(QString::fromLatin1(sandbox->token)));

    const auto loaded = ProfileFile::load(profilePath, PresetRegistry::builtIn());
    QVERIFY(loaded);
    const KubernetesSettings &k8s = loaded->profile.deployment.kubernetes;
    QCOMPARE(k8s.caFile, u"cluster-ci-lab-1-ca.crt"_s); // next to the profile, named relatively
    QCOMPARE(readFile(dir.filePath(k8s.caFile)), ca);
    QCOMPARE(k8s.ns, u"jatos"_s); // from --namespace
    QVERIFY(k8s.hpa.isEmpty()); // not asked for
    const auto stored = readSecret(store, k8s.token.name);
    QVERIFY(stored);
    QCOMPARE(*stored, sandbox->token); // trimmed of the file's newline

    const auto status = refreshWith(profilePath, *stored);
    QVERIFY(status);
    QVERIFY2(status->ok(), qPrintable(status->error));
    QCOMPARE(status->pods.size(), 3);
}

void TestKubeconfigCli::unknownContext()
{
    LOAD_SANDBOX(sandbox);
    QTemporaryDir dir;
    const QString profilePath = hostsProfile(*sandbox, dir);
    const CommandRun run = runCommand({u"import"_s, u"--profile"_s, profilePath, u"--context"_s, u"prod"_s,
                                          u"--kubeconfig"_s, sandbox->dir + u"/kubeconfig"_s},
        nullptr);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(u"no context 'prod' (contexts: sandbox)"_s), qPrintable(run.err));
}

void TestKubeconfigCli::refusals_data()
{
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("cluster");
    QTest::addColumn<QString>("expected");
    const QByteArray verified = "certificate-authority: /nonexistent/ca.crt";
    QTest::newRow("insecure") << QByteArray("token: abc") << QByteArray("insecure-skip-tls-verify: true")
                              << u"insecure-skip-tls-verify"_s;
    QTest::newRow("exec") << QByteArray("exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}")
                          << verified << u"kubectl create token SERVICEACCOUNT"_s;
    QTest::newRow("client certificate")
        << QByteArray("{client-certificate-data: QUJD, client-key-data: REVG}") << verified
        << u"client certificate"_s;
    QTest::newRow("empty token file") << QByteArray("tokenFile: empty.token") << verified << u"is empty"_s;
    QTest::newRow("missing token file") << QByteArray("tokenFile: gone.token") << verified << u"gone.token"_s;
}

void TestKubeconfigCli::refusals()
{
    QFETCH(QByteArray, user);
    QFETCH(QByteArray, cluster);
    QFETCH(QString, expected);
    LOAD_SANDBOX(sandbox);
    QTemporaryDir dir;
    const QString profilePath = hostsProfile(*sandbox, dir);
    const QByteArray before = readFile(profilePath);
    QVERIFY(writeFile(dir.filePath(u"empty.token"_s), "\n"));
    const QByteArray kubeconfig = "clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\n    "
        + cluster + "\nusers:\n- name: u\n  user:\n    " + user
        + "\ncontexts:\n- name: x\n  context: {cluster: c, user: u, namespace: jatos}\n";
    QVERIFY(writeFile(dir.filePath(u"kubeconfig"_s), kubeconfig));
    const CommandRun run = runCommand({u"import"_s, u"--profile"_s, profilePath, u"--context"_s, u"x"_s,
                                          u"--kubeconfig"_s, dir.filePath(u"kubeconfig"_s)},
        nullptr);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(expected), qPrintable(run.err));
    QCOMPARE(readFile(profilePath), before); // nothing changed
}

QTEST_GUILESS_MAIN(TestKubeconfigCli)

#else

// No Secret Service at all: the import refuses, as `secret set` does, and changes nothing.
class TestKubeconfigCliNoKeychain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void importRefused();
};

void TestKubeconfigCliNoKeychain::importRefused()
{
    LOAD_SANDBOX(sandbox);
    QTemporaryDir dir;
    const QString profilePath = hostsProfile(*sandbox, dir);
    const QByteArray before = readFile(profilePath);
    SecretStore store;
    const CommandRun run = runCommand({u"import"_s, u"--profile"_s, profilePath, u"--context"_s, u"sandbox"_s,
                                          u"--kubeconfig"_s, sandbox->dir + u"/kubeconfig"_s},
        &store);
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(store.backend(), SecretStore::Backend::MemoryOnly);
    QVERIFY2(run.err.contains(u"no system keychain is available"_s), qPrintable(run.err));
    QVERIFY2(run.err.contains(u"Sandbox-JATOS-3-nodes/k8s-token"_s), qPrintable(run.err));
    QVERIFY(!run.err.contains(QString::fromLatin1(sandbox->token)));
    QCOMPARE(readFile(profilePath), before);
    QVERIFY(!QFileInfo::exists(dir.filePath(u"cluster-sandbox-ca.crt"_s)));
}

QTEST_GUILESS_MAIN(TestKubeconfigCliNoKeychain)

#endif

#include "tst_kubeconfig_cli.moc"
