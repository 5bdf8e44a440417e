// The database probe against the sandbox's real MariaDB (one sandbox per product):
// schema bookkeeping, replicas, every failure named, the password never shown or
// logged, and the caller's thread never blocked.
#include "connectors/db/DatabaseProbe.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"

#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QMutex>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// Every message logged while the tests run, to prove no password is in any of them.
QMutex logMutex;
QStringList loggedMessages;
QtMessageHandler previousHandler = nullptr;

void recordMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&logMutex);
        loggedMessages.append(message);
    }
    if (previousHandler)
        previousHandler(type, context, message);
}

struct Sandbox
{
    QString dir;
    DatabaseSpec spec;
    QByteArray password;
    ProductPreset preset;
};

// DIR/profile.json and the password from DIR/secrets.env ("NAME=value" lines,
// NAME being the profile's database.password.keychain).
std::optional<Sandbox> loadSandbox(const char *variable)
{
    Sandbox sandbox;
    sandbox.dir = qEnvironmentVariable(variable);
    if (sandbox.dir.isEmpty())
        return std::nullopt;
    const auto loaded = ProfileFile::load(sandbox.dir + u"/profile.json"_s, PresetRegistry::builtIn());
    if (!loaded || !loaded->profile.database)
        return std::nullopt;
    sandbox.spec = *loaded->profile.database;
    sandbox.preset = loaded->preset;
    QFile secrets(sandbox.dir + u"/secrets.env"_s);
    if (!secrets.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray key = sandbox.spec.password.name.toUtf8() + '=';
    for (const QByteArray &line : secrets.readAll().split('\n')) {
        if (line.startsWith(key))
            sandbox.password = line.mid(key.size()).trimmed();
    }
    if (sandbox.password.isEmpty())
        return std::nullopt;
    return sandbox;
}

// SQL as the sandbox's database administrator, through the sandbox's own tool.
bool adminSql(const Sandbox &sandbox, const QString &sql)
{
    QProcess process;
    process.start(qEnvironmentVariable("CLUSTERDESK_SANDBOX"), {u"sql"_s, u"--dir"_s, sandbox.dir, sql});
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        qWarning() << "sandbox sql failed:" << process.readAllStandardError();
        return false;
    }
    return true;
}

std::optional<DatabaseStatus> runProbe(DatabaseProbe &probe, const DatabaseSpec &spec,
    const QByteArray &password, const ProductPreset &preset, int waitMs = 20000)
{
    QSignalSpy spy(&probe, &DatabaseProbe::finished);
    if (!probe.probe(spec, password, preset))
        return std::nullopt;
    if (!spy.wait(waitMs) || spy.count() != 1)
        return std::nullopt;
    return spy.at(0).at(0).value<DatabaseStatus>();
}

} // namespace

#define LOAD_SANDBOX(name, variable)                                                                         \
    const auto name = loadSandbox(variable);                                                                 \
    if (!name)                                                                                               \
        QFAIL("no sandbox in $" variable " (run through ctest: it brings the fixture up)");

class TestDatabaseProbe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void jatosEvolutions();
    void openSpecimenUpgradeLog();
    void jogetRegisteredNodes();
    void wrongPassword();
    void unknownSchema();
    void closedPort();
    void schemaWithoutBookkeeping();
    void neverBlocksTheCaller();
    void cleanupTestCase();

private:
    QList<QByteArray> m_passwords;
};

void TestDatabaseProbe::initTestCase()
{
    previousHandler = qInstallMessageHandler(recordMessage);
    QLoggingCategory::setFilterRules(u"clusterdesk.*.debug=true"_s);
    for (const char *variable :
        {"CLUSTERDESK_DB_JATOS_DIR", "CLUSTERDESK_DB_OPENSPECIMEN_DIR", "CLUSTERDESK_DB_JOGET_DIR"}) {
        if (const auto sandbox = loadSandbox(variable))
            m_passwords.append(sandbox->password);
    }
}

void TestDatabaseProbe::jatosEvolutions()
{
    LOAD_SANDBOX(sandbox, "CLUSTERDESK_DB_JATOS_DIR");
    DatabaseProbe probe;
    auto status = runProbe(probe, sandbox->spec, sandbox->password, sandbox->preset);
    QVERIFY(status);
    QVERIFY2(status->ok(), qPrintable(status->error));
    QVERIFY(status->reachable);
    QVERIFY2(status->serverVersion.contains(u"MariaDB"_s), qPrintable(status->serverVersion));
    QCOMPARE(status->schemaState, DatabaseStatus::SchemaState::Present);
    QCOMPARE(status->evolutionRevision, 23);
    QVERIFY(status->evolutionVersion.isKnown());
    QCOMPARE(status->evolutionVersion, Version::parse(u"3.10.1"));
    QCOMPARE(status->replicas.kind, DatabaseReplicas::Kind::Standalone);
    QCOMPARE(status->host, sandbox->spec.host);
    QCOMPARE(status->port, sandbox->spec.port);

    // A newer JATOS applied evolution 24: the revision follows, the range stays the
    // newest one known (3.10.1 and later).
    QVERIFY(adminSql(*sandbox,
        u"INSERT INTO play_evolutions (id, hash, applied_at, state) VALUES (24, 'clusterdesk-test', NOW(), "
        "'applied')"_s));
    status = runProbe(probe, sandbox->spec, sandbox->password, sandbox->preset);
    QVERIFY(adminSql(*sandbox, u"DELETE FROM play_evolutions WHERE id = 24"_s));
    QVERIFY(status);
    QVERIFY2(status->ok(), qPrintable(status->error));
    QCOMPARE(status->evolutionRevision, 24);
    QCOMPARE(status->evolutionVersion, Version::parse(u"3.10.1"));
}

void TestDatabaseProbe::openSpecimenUpgradeLog()
{
    LOAD_SANDBOX(sandbox, "CLUSTERDESK_DB_OPENSPECIMEN_DIR");
    DatabaseProbe probe;
    const auto status = runProbe(probe, sandbox->spec, sandbox->password, sandbox->preset);
    QVERIFY(status);
    QVERIFY2(status->ok(), qPrintable(status->error));
    QCOMPARE(status->schemaState, DatabaseStatus::SchemaState::Present);
    QCOMPARE(status->upgradeLogText, u"v11.0.2"_s);
    QVERIFY(status->upgradeLogVersion.isKnown());
    QCOMPARE(status->upgradeLogVersion, Version::parse(u"v11.0.2"));
    QCOMPARE(status->evolutionRevision, -1);
    QCOMPARE(status->replicas.kind, DatabaseReplicas::Kind::Standalone);
}

void TestDatabaseProbe::jogetRegisteredNodes()
{
    LOAD_SANDBOX(sandbox, "CLUSTERDESK_DB_JOGET_DIR");
    DatabaseProbe probe;
    const auto status = runProbe(probe, sandbox->spec, sandbox->password, sandbox->preset);
    QVERIFY(status);
    QVERIFY2(status->ok(), qPrintable(status->error));
    QCOMPARE(status->schemaState, DatabaseStatus::SchemaState::Present);
    QCOMPARE(status->registeredNodes, QStringList {u"joget-1"_s});
    QCOMPARE(status->replicas.kind, DatabaseReplicas::Kind::Standalone);
}

void TestDatabaseProbe::wrongPassword()
{
    LOAD_SANDBOX(sandbox, "CLUSTERDESK_DB_JATOS_DIR");
    const QByteArray wrong = sandbox->password + "-wrong";
    m_passwords.append(wrong);
    DatabaseProbe probe;
    const auto status = runProbe(probe, sandbox->spec, wrong, sandbox->preset);
    QVERIFY(status);
    QVERIFY(!status->reachable);
    QCOMPARE(status->failure, DatabaseStatus::Failure::AccessDenied);
    QVERIFY2(status->error.contains(u"access denied"_s, Qt::CaseInsensitive), qPrintable(status->error));
    QVERIFY2(status->error.contains(sandbox->spec.user), qPrintable(status->error));
    QVERIFY2(status->error.contains(sandbox->spec.host + u':' + QString::number(sandbox->spec.port)),
        qPrintable(status->error));
    QVERIFY(!status->error.contains(QString::fromUtf8(wrong)));
    QVERIFY(!status->error.contains(QString::fromUtf8(sandbox->password)));
}

void TestDatabaseProbe::unknownSchema()
{
    LOAD_SANDBOX(sandbox, "CLUSTERDESK_DB_JATOS_DIR");
    DatabaseSpec spec = sandbox->spec;
    spec.schema = u"clusterdesk_no_such_schema"_s;
    DatabaseProbe probe;
    const auto status = runProbe(probe, spec, sandbox->password, sandbox->preset);
    QVERIFY(status);
    QVERIFY(!status->reachable);
    QCOMPARE(status->failure, DatabaseStatus::Failure::UnknownSchema);
    QVERIFY2(status->error.contains(spec.schema), qPrintable(status->error));
    QVERIFY2(
        status->error.contains(spec.host + u':' + QString::number(spec.port)), qPrintable(status->error));
}

void TestDatabaseProbe::closedPort()
{
    LOAD_SANDBOX(sandbox, "CLUSTERDESK_DB_JATOS_DIR");
    // A port that was free a moment ago: nothing listens, the connect is refused.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    DatabaseSpec spec = sandbox->spec;
    spec.host = u"127.0.0.1"_s;
    spec.port = server.serverPort();
    server.close();

    DatabaseProbe probe;
    probe.setOptions({.connectTimeoutSeconds = 2, .readTimeoutSeconds = 2});
    QElapsedTimer timer;
    timer.start();
    const auto status = runProbe(probe, spec, sandbox->password, sandbox->preset);
    QVERIFY(status);
    QVERIFY(timer.elapsed() < 2000);
    QVERIFY(!status->reachable);
    QCOMPARE(status->failure, DatabaseStatus::Failure::Unreachable);
    QVERIFY2(
        status->error.contains(spec.host + u':' + QString::number(spec.port)), qPrintable(status->error));
    QCOMPARE(status->replicas.kind, DatabaseReplicas::Kind::Unknown);
}

void TestDatabaseProbe::schemaWithoutBookkeeping()
{
    LOAD_SANDBOX(sandbox, "CLUSTERDESK_DB_JATOS_DIR");
    const QString schema = u"clusterdesk_empty"_s;
    const QString user = sandbox->spec.user;
    QVERIFY(adminSql(*sandbox,
        u"CREATE DATABASE IF NOT EXISTS %1; GRANT ALL PRIVILEGES ON %1.* TO '%2'@'127.0.0.1'; "
        "GRANT ALL PRIVILEGES ON %1.* TO '%2'@'localhost'"_s.arg(schema, user)));
    DatabaseSpec spec = sandbox->spec;
    spec.schema = schema;
    DatabaseProbe probe;
    const auto status = runProbe(probe, spec, sandbox->password, sandbox->preset);
    QVERIFY(status);
    QVERIFY2(status->ok(), qPrintable(status->error));
    QVERIFY(status->reachable);
    QCOMPARE(status->schemaState, DatabaseStatus::SchemaState::NoBookkeeping);
    QCOMPARE(status->evolutionRevision, -1);
    QVERIFY(!status->evolutionVersion.isKnown());
}

void TestDatabaseProbe::neverBlocksTheCaller()
{
    LOAD_SANDBOX(sandbox, "CLUSTERDESK_DB_JATOS_DIR");
    // A black hole: the kernel accepts the connection, nobody ever sends the greeting.
    QTcpServer blackHole;
    QVERIFY(blackHole.listen(QHostAddress::LocalHost));
    DatabaseSpec spec = sandbox->spec;
    spec.host = u"127.0.0.1"_s;
    spec.port = blackHole.serverPort();

    DatabaseProbe probe;
    probe.setOptions({.connectTimeoutSeconds = 1, .readTimeoutSeconds = 1});
    QSignalSpy spy(&probe, &DatabaseProbe::finished);
    QElapsedTimer timer;
    timer.start();
    QVERIFY(probe.probe(spec, sandbox->password, sandbox->preset));
    QVERIFY2(timer.elapsed() < 50, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(probe.isBusy());
    // Overlapping probes are not started twice.
    QVERIFY(!probe.probe(spec, sandbox->password, sandbox->preset));
    QVERIFY(spy.wait(15000));
    QCOMPARE(spy.count(), 1);
    QVERIFY(!probe.isBusy());
    QVERIFY(blackHole.hasPendingConnections());
    const auto status = spy.at(0).at(0).value<DatabaseStatus>();
    QVERIFY(!status.reachable);
    QCOMPARE(status.failure, DatabaseStatus::Failure::Timeout);
    QVERIFY2(status.error.contains(spec.host + u':' + QString::number(spec.port)), qPrintable(status.error));
    QVERIFY(timer.elapsed() >= 900);
}

void TestDatabaseProbe::cleanupTestCase()
{
    qInstallMessageHandler(previousHandler);
    QMutexLocker lock(&logMutex);
    QVERIFY(!loggedMessages.isEmpty());
    QVERIFY(!m_passwords.isEmpty());
    for (const QString &message : std::as_const(loggedMessages)) {
        for (const QByteArray &password : std::as_const(m_passwords))
            QVERIFY2(!message.contains(QString::fromUtf8(password)), "a password was logged");
    }
}

QTEST_GUILESS_MAIN(TestDatabaseProbe)
#include "tst_databaseprobe.moc"
