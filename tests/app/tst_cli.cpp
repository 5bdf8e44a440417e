// Black-box tests of clusterdesk-cli: the real executable, its exit codes and
// its output. Runs inside tests/scripts/with-keyring.sh; secrets it stores are
// checked with secret-tool, an independent Secret Service client.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run cli(const QStringList &arguments, const QByteArray &input = {},
    const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(CLUSTERDESK_CLI), arguments);
    if (!process.waitForStarted(10000))
        return {};
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(30000))
        process.kill();
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
        QString::fromUtf8(process.readAllStandardOutput()),
        QString::fromUtf8(process.readAllStandardError())};
}

QByteArray secretToolLookup(const QString &name)
{
    QProcess tool;
    tool.start(u"secret-tool"_s, {u"lookup"_s, u"server"_s, u"clusterdesk"_s, u"user"_s, name});
    tool.waitForFinished(10000);
    return tool.exitCode() == 0 ? tool.readAllStandardOutput() : QByteArray();
}

QString dataFile(const QString &name)
{
    return QStringLiteral(CLUSTERDESK_TEST_DATA_DIR "/cli/") + name;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void version();
    void help();
    void usageErrors_data();
    void usageErrors();
    void validateGoodProfile();
    void validateBadProfile_data();
    void validateBadProfile();
    void secretSetAndDelete();
    void secretValueNeverFromArguments();
    void secretSetNeedsAValue();
    void secretWithoutKeychain();
};

void TestCli::version()
{
    const Run run = cli({u"--version"_s});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.startsWith(u"Clusterdesk " CLUSTERDESK_VERSION_TEXT), qPrintable(run.out));
    QVERIFY(run.out.contains(u"Qt 6."_s));
    QVERIFY(run.out.contains(u"libssh 0."_s));
    QVERIFY(run.out.contains(u"QtKeychain"_s));
    QVERIFY(run.err.isEmpty());
}

void TestCli::help()
{
    const Run run = cli({u"--help"_s});
    QCOMPARE(run.exitCode, 0);
    for (const QString &command : {u"profile validate"_s, u"secret set"_s, u"secret delete"_s})
        QVERIFY2(run.out.contains(command), qPrintable(command));
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::addRow("no command") << QStringList() << u"no command given"_s;
    QTest::addRow("unknown command") << QStringList {u"frobnicate"_s} << u"unknown command 'frobnicate'"_s;
    QTest::addRow("unknown subcommand") << QStringList {u"profile"_s, u"lint"_s} << u"unknown command"_s;
    QTest::addRow("validate without file")
        << QStringList {u"profile"_s, u"validate"_s} << u"one profile file"_s;
    QTest::addRow("validate two files")
        << QStringList {u"profile"_s, u"validate"_s, u"a"_s, u"b"_s} << u"one profile file"_s;
    QTest::addRow("secret set without name")
        << QStringList {u"secret"_s, u"set"_s} << u"needs the secret's name"_s;
    QTest::addRow("bad secret name") << QStringList {u"secret"_s, u"delete"_s, u"has space"_s}
                                     << u"not a valid secret name"_s;
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Run run = cli(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
    QVERIFY(run.err.contains(u"--help"_s));
}

void TestCli::validateGoodProfile()
{
    const Run run = cli({u"profile"_s, u"validate"_s, dataFile(u"good.json"_s)});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(u"valid profile \"CLI test cluster\""_s), qPrintable(run.out));
    QVERIFY(run.out.contains(u"JATOS on hosts, nodes: 2"_s));
}

void TestCli::validateBadProfile_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("several problems")
        << dataFile(u"bad.json"_s)
        << QStringList {u"nodes[1].name: contains whitespace"_s, u"nodes[0].url: must be an absolute http"_s,
               u"database.password: holds a secret in clear text"_s, u"nodes[0].ssh.prot: unknown key"_s};
    QTest::addRow("unknown product") << dataFile(u"unknown-product.json"_s)
                                     << QStringList {u"product: no preset for \"tomcat-app\""_s};
    QTest::addRow("not json") << dataFile(u"broken.json"_s) << QStringList {u"not valid JSON at line 3"_s};
    QTest::addRow("missing file") << dataFile(u"does-not-exist.json"_s) << QStringList {u"does not exist"_s};
}

void TestCli::validateBadProfile()
{
    QFETCH(QString, file);
    QFETCH(QStringList, expected);
    const Run run = cli({u"profile"_s, u"validate"_s, file});
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.out.isEmpty());
    for (const QString &line : expected)
        QVERIFY2(run.err.contains(line), qPrintable(u"missing \"%1\" in:\n%2"_s.arg(line, run.err)));
}

void TestCli::secretSetAndDelete()
{
    const QString name = u"cli-test/db-password"_s;
    Run run = cli({u"secret"_s, u"set"_s, name}, "piped-secret-value\n");
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.contains(u"Stored 'cli-test/db-password'"_s));
    QVERIFY2(!run.out.contains(u"piped-secret-value"_s) && !run.err.contains(u"piped-secret-value"_s),
        "the value must never be echoed");
    QCOMPARE(secretToolLookup(name), QByteArray("piped-secret-value")); // trailing line break dropped

    run = cli({u"secret"_s, u"delete"_s, name});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.contains(u"Deleted 'cli-test/db-password'"_s));
    QVERIFY(secretToolLookup(name).isEmpty());

    run = cli({u"secret"_s, u"delete"_s, name});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.contains(u"nothing to delete"_s));
}

void TestCli::secretValueNeverFromArguments()
{
    const Run run = cli({u"secret"_s, u"set"_s, u"cli-test/argv"_s, u"value-on-command-line"_s});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains(u"never from the command line"_s));
    QVERIFY(secretToolLookup(u"cli-test/argv"_s).isEmpty());
}

void TestCli::secretSetNeedsAValue()
{
    const Run run = cli({u"secret"_s, u"set"_s, u"cli-test/empty"_s}, "");
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.err.contains(u"no value on standard input"_s));
    QVERIFY(secretToolLookup(u"cli-test/empty"_s).isEmpty());
}

void TestCli::secretWithoutKeychain()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(u"DBUS_SESSION_BUS_ADDRESS"_s);
    environment.remove(u"DISPLAY"_s);
    const Run run = cli({u"secret"_s, u"set"_s, u"cli-test/nokeychain"_s}, "value", environment);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(u"no system keychain is available"_s), qPrintable(run.err));
    QVERIFY(run.err.contains(u"was not stored"_s));
    QVERIFY(secretToolLookup(u"cli-test/nokeychain"_s).isEmpty());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
