// `clusterdesk-cli status` as an admin runs it: the real executable against the
// sandbox, with its secrets in a real Secret Service (with-keyring.sh). Checks the
// exit codes, the host key options and that the JSON is the one docs/cli.md shows.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run cli(const QStringList &arguments, int timeoutMs = 120000)
{
    QProcess process;
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
    return run;
}

QJsonObject readJson(const QByteArray &bytes)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    return document.object();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Writes the profile with `change` applied to its JSON into `dir`, keeping its
// relative paths valid by pointing them at the sandbox's folder.
QString profileCopy(
    const QString &sandboxDir, const QTemporaryDir &dir, const std::function<void(QJsonObject &)> &change)
{
    QJsonObject profile = readJson(readFile(sandboxDir + u"/profile.json"_s));
    QJsonObject deployment = profile[u"deployment"_s].toObject();
    deployment[u"knownHosts"_s] = QString(sandboxDir + u"/known_hosts"_s);
    profile[u"deployment"_s] = deployment;
    QJsonArray nodes = profile[u"nodes"_s].toArray();
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        QJsonObject node = nodes[i].toObject();
        QJsonObject ssh = node[u"ssh"_s].toObject();
        ssh[u"identity"_s] = QString(sandboxDir + u"/ssh/id_ed25519"_s);
        node[u"ssh"_s] = ssh;
        nodes[i] = node;
    }
    profile[u"nodes"_s] = nodes;
    change(profile);
    const QString path = dir.filePath(u"profile.json"_s);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(QJsonDocument(profile).toJson());
    return path;
}

// The JSON block of docs/cli.md's "The JSON document" section.
QJsonObject documentedExample()
{
    const QString doc
        = QString::fromUtf8(readFile(QStringLiteral(CLUSTERDESK_SOURCE_DIR) + u"/docs/cli.md"_s));
    const qsizetype section = doc.indexOf(u"### The JSON document"_s);
    const qsizetype start = doc.indexOf(u"```json\n"_s, section);
    const qsizetype end = doc.indexOf(u"\n```"_s, start + 8);
    if (section < 0 || start < 0 || end < 0)
        return {};
    return readJson(doc.mid(start + 8, end - start - 8).toUtf8());
}

// Every key of the documented example is in `actual` with a compatible type
// (null stands for "any type, may be null"), and `actual` has no undocumented key.
void compareShape(
    const QJsonValue &documented, const QJsonValue &actual, const QString &path, QStringList &problems)
{
    if (documented.isNull() || actual.isNull())
        return;
    if (documented.type() != actual.type()) {
        problems.append(
            u"%1: documented type %2, actual %3"_s.arg(path).arg(documented.type()).arg(actual.type()));
        return;
    }
    if (documented.isObject()) {
        const QJsonObject doc = documented.toObject();
        const QJsonObject act = actual.toObject();
        for (auto it = doc.begin(); it != doc.end(); ++it) {
            if (!act.contains(it.key()))
                problems.append(u"%1.%2: documented, missing"_s.arg(path, it.key()));
            else
                compareShape(it.value(), act.value(it.key()), path + u'.' + it.key(), problems);
        }
        for (auto it = act.begin(); it != act.end(); ++it)
            if (!doc.contains(it.key()))
                problems.append(u"%1.%2: present, not documented"_s.arg(path, it.key()));
    } else if (documented.isArray() && !documented.toArray().isEmpty()) {
        for (const QJsonValue &item : actual.toArray())
            compareShape(documented.toArray().first(), item, path + u"[]"_s, problems);
    }
}

int closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost);
    return server.serverPort();
}

} // namespace

class TestCliStatus : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void unknownHostKeysRefusedWithoutTheOption();
    void healthyJsonMatchesTheDocumentation();
    void tableOutput();
    void degradedWhenANodeIsDown();
    void unreachableWhenTheDatabaseIs();
    void changedHostKeyRefusedEvenWithTheOption();
    void watchPrintsOneDocumentPerRefresh();
    void badArguments();

private:
    QString m_dir;
    QString m_profile;
};

void TestCliStatus::initTestCase()
{
    m_dir = qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR");
    QVERIFY(!m_dir.isEmpty());
    m_profile = m_dir + u"/profile.json"_s;
    // The sandbox's secrets into this session's keychain, as an admin would store them.
    const QList<QByteArray> lines = readFile(m_dir + u"/secrets.env"_s).split('\n');
    int stored = 0;
    for (const QByteArray &line : lines) {
        const qsizetype eq = line.indexOf('=');
        if (line.startsWith('#') || eq < 0)
            continue;
        QProcess set;
        set.start(QStringLiteral(CLUSTERDESK_CLI), {u"secret"_s, u"set"_s, QString::fromUtf8(line.left(eq))});
        set.write(line.mid(eq + 1));
        set.closeWriteChannel();
        QVERIFY(set.waitForFinished(30000));
        QCOMPARE(set.exitCode(), 0);
        ++stored;
    }
    QVERIFY(stored >= 2);
}

void TestCliStatus::unknownHostKeysRefusedWithoutTheOption()
{
    // The fixture's known_hosts is empty: every node's key is unknown.
    QCOMPARE(readFile(m_dir + u"/known_hosts"_s).trimmed(), QByteArray());
    const Run run = cli({u"status"_s, u"--profile"_s, m_profile, u"--json"_s});
    QCOMPARE(run.exitCode, 1); // reachable, but the nodes cannot be controlled
    const QJsonObject json = readJson(run.out);
    const QJsonArray nodes = json[u"nodes"_s].toArray();
    QCOMPARE(nodes.size(), 3);
    for (const QJsonValue &node : nodes) {
        const QJsonObject control = node[u"control"_s].toObject();
        QCOMPARE(control[u"state"_s].toString(), u"host-key-unknown"_s);
        QVERIFY(control[u"error"_s].toString().contains(u"--accept-new-host-keys"_s));
        QCOMPARE(node[u"health"_s].toString(), u"up"_s);
    }
    QCOMPARE(readFile(m_dir + u"/known_hosts"_s).trimmed(), QByteArray()); // nothing saved
}

void TestCliStatus::healthyJsonMatchesTheDocumentation()
{
    const Run run = cli({u"status"_s, u"--profile"_s, m_profile, u"--json"_s, u"--accept-new-host-keys"_s});
    QVERIFY2(run.exitCode == 0, run.out.constData());
    QCOMPARE(readFile(m_dir + u"/known_hosts"_s).count('\n'), 3); // saved, one line per node

    const QJsonObject json = readJson(run.out);
    QCOMPARE(json[u"overall"_s].toString(), u"healthy"_s);
    QCOMPARE(json[u"product"_s].toString(), u"jatos"_s);
    QCOMPARE(json[u"deployment"_s].toString(), u"hosts"_s);
    QCOMPARE(json[u"replicas"_s][u"desired"_s].toInt(), 3);
    QCOMPARE(json[u"replicas"_s][u"ready"_s].toInt(), 3);
    const QJsonObject db = json[u"database"_s].toObject();
    QVERIFY(db[u"reachable"_s].toBool());
    QCOMPARE(db[u"schemaVersion"_s].toString(), u"3.10.1"_s);
    QVERIFY(db[u"serverVersion"_s].toString().contains(u"MariaDB"_s));
    QCOMPARE(db[u"replicas"_s][u"kind"_s].toString(), u"standalone"_s);
    for (const QJsonValue &node : json[u"nodes"_s].toArray()) {
        QCOMPARE(node[u"health"_s].toString(), u"up"_s);
        QCOMPARE(node[u"version"_s].toString(), u"3.10.4"_s);
        QVERIFY(node[u"latencyMs"_s].isDouble());
        QVERIFY(node[u"error"_s].isNull());
        QCOMPARE(node[u"control"_s][u"state"_s].toString(), u"ok"_s);
        QVERIFY(
            node[u"control"_s][u"javaVersion"_s].isString() || node[u"control"_s][u"javaVersion"_s].isNull());
    }

    const QJsonObject documented = documentedExample();
    QVERIFY2(!documented.isEmpty(), "docs/cli.md has no parsable JSON example");
    QStringList problems;
    compareShape(documented, json, u"$"_s, problems);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

void TestCliStatus::tableOutput()
{
    const Run run = cli({u"status"_s, u"--profile"_s, m_profile});
    QCOMPARE(run.exitCode, 0);
    const QString out = QString::fromUtf8(run.out);
    QVERIFY2(out.contains(u"Replicas: 3 of 3 ready"_s), qPrintable(out));
    QVERIFY(out.contains(u"healthy"_s));
    QVERIFY(QRegularExpression(u"jatos-2\\s+up\\s+3\\.10\\.4"_s).match(out).hasMatch());
    // No secret of the sandbox is ever printed.
    for (const QByteArray &line : readFile(m_dir + u"/secrets.env"_s).split('\n')) {
        const qsizetype eq = line.indexOf('=');
        if (eq > 0 && !line.startsWith('#'))
            QVERIFY(!run.out.contains(line.mid(eq + 1)) && !run.err.contains(line.mid(eq + 1)));
    }
}

void TestCliStatus::degradedWhenANodeIsDown()
{
    QTemporaryDir dir;
    // A fourth node that is not there: refused.
    const QString profile = profileCopy(m_dir, dir, [](QJsonObject &json) {
        QJsonArray nodes = json[u"nodes"_s].toArray();
        QJsonObject extra;
        extra[u"name"_s] = u"jatos-9"_s;
        extra[u"url"_s] = u"http://127.0.0.1:%1/"_s.arg(closedPort());
        nodes.append(extra);
        json[u"nodes"_s] = nodes;
    });
    const Run run = cli({u"status"_s, u"--profile"_s, profile, u"--json"_s});
    QCOMPARE(run.exitCode, 1);
    const QJsonObject json = readJson(run.out);
    QCOMPARE(json[u"overall"_s].toString(), u"degraded"_s);
    QCOMPARE(json[u"replicas"_s][u"ready"_s].toInt(), 3);
    QCOMPARE(json[u"replicas"_s][u"desired"_s].toInt(), 4);
    const QJsonObject down = json[u"nodes"_s].toArray().at(3).toObject();
    QCOMPARE(down[u"health"_s].toString(), u"down"_s);
    QVERIFY(down[u"error"_s].toString().contains(u"refused"_s));
    QVERIFY(down[u"latencyMs"_s].isNull());
}

void TestCliStatus::unreachableWhenTheDatabaseIs()
{
    QTemporaryDir dir;
    const QString profile = profileCopy(m_dir, dir, [](QJsonObject &json) {
        QJsonObject db = json[u"database"_s].toObject();
        db[u"port"_s] = closedPort();
        json[u"database"_s] = db;
    });
    const Run run = cli({u"status"_s, u"--profile"_s, profile, u"--json"_s});
    QCOMPARE(run.exitCode, 2);
    const QJsonObject json = readJson(run.out);
    QCOMPARE(json[u"overall"_s].toString(), u"unreachable"_s);
    QVERIFY(!json[u"database"_s][u"reachable"_s].toBool());
    QVERIFY(json[u"database"_s][u"error"_s].isString());
}

void TestCliStatus::changedHostKeyRefusedEvenWithTheOption()
{
    QTemporaryDir dir;
    const QString key = dir.filePath(u"other"_s);
    QCOMPARE(QProcess::execute(
                 u"ssh-keygen"_s, {u"-q"_s, u"-t"_s, u"ed25519"_s, u"-N"_s, QString(), u"-f"_s, key}),
        0);
    const QList<QByteArray> fields = readFile(key + u".pub"_s).split(' ');
    const QString knownHosts = dir.filePath(u"known_hosts"_s);
    QString host;
    const QString profile = profileCopy(m_dir, dir, [&](QJsonObject &json) {
        QJsonObject deployment = json[u"deployment"_s].toObject();
        deployment[u"knownHosts"_s] = knownHosts;
        json[u"deployment"_s] = deployment;
        host = json[u"nodes"_s].toArray().at(0)[u"ssh"_s][u"host"_s].toString();
    });
    QFile file(knownHosts);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[" + host.toUtf8() + "]:2222 " + fields.at(0) + ' ' + fields.at(1) + '\n');
    file.close();
    const QByteArray before = readFile(knownHosts);

    const Run run = cli({u"status"_s, u"--profile"_s, profile, u"--json"_s, u"--accept-new-host-keys"_s});
    QCOMPARE(run.exitCode, 1);
    const QJsonObject first = readJson(run.out)[u"nodes"_s].toArray().at(0).toObject();
    QCOMPARE(first[u"control"_s][u"state"_s].toString(), u"host-key-changed"_s);
    QVERIFY(first[u"control"_s][u"error"_s].toString().contains(u"HAS CHANGED"_s));
    QVERIFY(readFile(knownHosts).startsWith(before)); // the old line is still there
}

void TestCliStatus::watchPrintsOneDocumentPerRefresh()
{
    QProcess process;
    process.start(QStringLiteral(CLUSTERDESK_CLI),
        {u"status"_s, u"--profile"_s, m_profile, u"--json"_s, u"--watch"_s, u"--interval"_s, u"1"_s});
    QByteArray out;
    while (out.count('\n') < 2 && process.waitForReadyRead(60000))
        out += process.readAllStandardOutput();
    process.kill();
    process.waitForFinished();
    const QList<QByteArray> lines = out.split('\n');
    QVERIFY2(lines.size() >= 3, out.constData());
    const QJsonObject a = readJson(lines.at(0));
    const QJsonObject b = readJson(lines.at(1));
    QCOMPARE(a[u"cluster"_s].toString(), b[u"cluster"_s].toString());
    QVERIFY(a[u"checkedAt"_s].toString() < b[u"checkedAt"_s].toString());
}

void TestCliStatus::badArguments()
{
    Run run = cli({u"status"_s});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains("--profile"));
    run = cli({u"status"_s, u"--profile"_s, m_profile, u"--interval"_s, u"0"_s});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains("--interval"));
    run = cli({u"status"_s, u"--profile"_s, u"/nonexistent/profile.json"_s});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains("nonexistent"));
}

QTEST_GUILESS_MAIN(TestCliStatus)
#include "tst_cli_status.moc"
