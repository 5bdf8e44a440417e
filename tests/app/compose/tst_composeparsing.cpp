// Reading `docker compose ps --format json` in both of Compose's shapes, the
// command that asks for it, and the status's counts. No network: the JSON lines are
// the sandbox's Compose emulation's output, which prints Compose 2.21+'s field set.
#include "connectors/compose/ComposeStatus.h"

#include <QFile>
#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QByteArray readData(const QString &name)
{
    QFile file(QStringLiteral(CLUSTERDESK_SOURCE_DIR "/tests/app/compose/data/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    return file.readAll();
}

// `ps -a --format json` of a healthy 3-node JATOS sandbox (one object per line).
const QByteArray RunningLines = readData(u"ps-running.jsonl"_s);

// Node 2 killed (SIGKILL), node 3 restarted and still warming up.
const QByteArray DownLines = readData(u"ps-node-down.jsonl"_s);

// Compose 2.0 to 2.20: one array, without Image, Status or RunningFor (the field set
// of Compose's ContainerSummary then); full 64-digit IDs, an unpublished port with an
// empty URL, a container without ports (null), an unhealthy one.
const QByteArray LegacyArray = readData(u"ps-legacy-array.json"_s);

QByteArray line(const QByteArray &lines, int index)
{
    return lines.split('\n').at(index);
}

} // namespace

class TestComposeParsing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonLinesAllFields();
    void exitedAndStarting();
    void legacyArray();
    void legacyArrayPrettyPrinted();
    void emptyOutput_data();
    void emptyOutput();
    void badOutput_data();
    void badOutput();
    void isReady_data();
    void isReady();
    void imageTag_data();
    void imageTag();
    void psCommand();
    void psCommandSurvivesTheShell_data();
    void psCommandSurvivesTheShell();
    void statusCounts();
    void failureNames();
};

void TestComposeParsing::jsonLinesAllFields()
{
    const auto parsed = ComposeParsing::ps(RunningLines);
    QVERIFY2(parsed.has_value(), parsed ? "" : qPrintable(parsed.error().message));
    QCOMPARE(parsed->size(), 3);
    for (int k = 0; k < 3; ++k) {
        const ComposeContainer &container = parsed->at(k);
        QCOMPARE(container.name, u"compose-jatos-%1"_s.arg(k + 1));
        QCOMPARE(container.service, u"jatos"_s);
        QCOMPARE(container.state, u"running"_s);
        QCOMPARE(container.health, u"healthy"_s);
        QCOMPARE(container.exitCode, 0);
        QCOMPARE(container.image, u"jatos/jatos:3.10.4"_s);
        QCOMPARE(container.imageTag, u"3.10.4"_s);
        QCOMPARE(container.status, u"Up 2 seconds (healthy)"_s);
        QCOMPARE(container.runningFor, u"2 seconds ago"_s);
        QCOMPARE(container.publishers.size(), 1);
        QCOMPARE(container.publishers.at(0).url, u"127.63.1.%1"_s.arg(k + 1));
        QCOMPARE(container.publishers.at(0).targetPort, 9000);
        QCOMPARE(container.publishers.at(0).publishedPort, 9000);
        QCOMPARE(container.publishers.at(0).protocol, u"tcp"_s);
        QVERIFY(container.isReady());
    }
    QCOMPARE(parsed->at(0).id, u"e95dd606c27b"_s);
    QCOMPARE(parsed->at(2).id, u"d07b5fea11b5"_s);
}

void TestComposeParsing::exitedAndStarting()
{
    // Windows line ends and no final newline change nothing.
    QByteArray crlf = DownLines.trimmed();
    crlf.replace("\n", "\r\n");
    for (const QByteArray &output : {DownLines, crlf}) {
        const auto parsed = ComposeParsing::ps(output);
        QVERIFY2(parsed.has_value(), parsed ? "" : qPrintable(parsed.error().message));
        QCOMPARE(parsed->size(), 3);
        const ComposeContainer &killed = parsed->at(1);
        QCOMPARE(killed.name, u"compose-jatos-2"_s);
        QCOMPARE(killed.state, u"exited"_s);
        QCOMPARE(killed.exitCode, 137);
        QCOMPARE(killed.health, QString());
        QCOMPARE(killed.status, u"Exited (137) Less than a second ago"_s);
        QCOMPARE(killed.publishers.at(0).publishedPort, 0);
        QVERIFY(!killed.isReady());
        const ComposeContainer &warming = parsed->at(2);
        QCOMPARE(warming.state, u"running"_s);
        QCOMPARE(warming.health, u"starting"_s);
        QVERIFY(!warming.isReady());
        QVERIFY(parsed->at(0).isReady());
    }
}

void TestComposeParsing::legacyArray()
{
    const auto parsed = ComposeParsing::ps(QByteArray(LegacyArray + "\n"));
    QVERIFY2(parsed.has_value(), parsed ? "" : qPrintable(parsed.error().message));
    QCOMPARE(parsed->size(), 2);
    const ComposeContainer &web1 = parsed->at(0);
    QCOMPARE(web1.id.size(), 64);
    QCOMPARE(web1.name, u"shop-web-1"_s);
    QCOMPARE(web1.service, u"web"_s);
    QCOMPARE(web1.health, u"unhealthy"_s);
    QVERIFY(!web1.isReady());
    QCOMPARE(web1.image, QString()); // not printed before 2.21...
    QCOMPARE(web1.imageTag, QString()); // ...so no tag either (not "latest")
    QCOMPARE(web1.status, QString());
    QCOMPARE(web1.publishers.size(), 2);
    QCOMPARE(web1.publishers.at(0).url, u"0.0.0.0"_s);
    QCOMPARE(web1.publishers.at(0).publishedPort, 8080);
    QCOMPARE(web1.publishers.at(0).targetPort, 80);
    QCOMPARE(web1.publishers.at(1).url, QString());
    QCOMPARE(web1.publishers.at(1).targetPort, 443);
    const ComposeContainer &web2 = parsed->at(1);
    QCOMPARE(web2.state, u"restarting"_s);
    QCOMPARE(web2.exitCode, 1);
    QVERIFY(web2.publishers.isEmpty());
    QVERIFY(!web2.isReady());
}

void TestComposeParsing::legacyArrayPrettyPrinted()
{
    // As in Compose's documentation and bug reports (`| jq`), and an empty project.
    const QByteArray pretty
        = "  [\n  {\n    \"ID\": \"aa11\",\n    \"Name\": \"p-db-1\",\n    \"Service\": \"db\",\n"
          "    \"State\": \"running\",\n    \"Health\": \"\",\n    \"ExitCode\": 0,\n"
          "    \"Publishers\": []\n  }\n]\n";
    const auto parsed = ComposeParsing::ps(pretty);
    QVERIFY2(parsed.has_value(), parsed ? "" : qPrintable(parsed.error().message));
    QCOMPARE(parsed->size(), 1);
    QCOMPARE(parsed->at(0).name, u"p-db-1"_s);
    QVERIFY(parsed->at(0).isReady());

    const auto none = ComposeParsing::ps("[]\n");
    QVERIFY(none.has_value());
    QVERIFY(none->isEmpty());
}

void TestComposeParsing::emptyOutput_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::newRow("nothing") << QByteArray();
    QTest::newRow("newline") << "\n"_ba;
    QTest::newRow("blank lines") << "  \n\r\n\t\n"_ba;
}

void TestComposeParsing::emptyOutput()
{
    QFETCH(QByteArray, output);
    const auto parsed = ComposeParsing::ps(output);
    QVERIFY2(parsed.has_value(), parsed ? "" : qPrintable(parsed.error().message));
    QVERIFY(parsed->isEmpty());
}

void TestComposeParsing::badOutput_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<QStringList>("mentions");

    QTest::newRow("garbage line 2") << QByteArray(line(RunningLines, 0) + "\nWARN[0000] not json at all\n"
        + line(RunningLines, 2)) << QStringList {u"line 2"_s, u"column 1"_s};
    QTest::newRow("cut off line 3 after a blank line")
        << QByteArray(line(RunningLines, 0) + "\n\n" + line(RunningLines, 1).left(40))
        << QStringList {u"line 3"_s};
    QTest::newRow("a number, not an object")
        << QByteArray(line(RunningLines, 0) + "\n42\n") << QStringList {u"line 2"_s, u"not a JSON object"_s};
    QByteArray noName = line(RunningLines, 1);
    noName.replace("\"Name\":\"compose-jatos-2\",", "");
    QTest::newRow("Name missing") << QByteArray(line(RunningLines, 0) + "\n" + noName)
                                  << QStringList {u"line 2"_s, u"Name is missing"_s};
    QByteArray textExit = line(DownLines, 1);
    textExit.replace("\"ExitCode\":137", "\"ExitCode\":\"137\"");
    QTest::newRow("ExitCode a string")
        << textExit << QStringList {u"line 1"_s, u"ExitCode is not an integer"_s};
    QByteArray badPort = line(RunningLines, 0);
    badPort.replace("\"TargetPort\":9000", "\"TargetPort\":99999999999");
    QTest::newRow("port out of range")
        << badPort << QStringList {u"line 1"_s, u"Publishers[1].TargetPort is out of range"_s};
    QTest::newRow("array cut off") << LegacyArray.left(100) << QStringList {u"line 1"_s, u"column 101"_s};
    QTest::newRow("pretty array with a bad line 3")
        << "[\n  {\"ID\": \"a\",\n   \"Name\": oops}\n]"_ba << QStringList {u"line 3"_s, u"column 12"_s};
    QTest::newRow("array of strings")
        << "[\"compose-jatos-1\"]"_ba << QStringList {u"item 1"_s, u"not a JSON object"_s};
}

void TestComposeParsing::badOutput()
{
    QFETCH(QByteArray, output);
    QFETCH(QStringList, mentions);
    const auto parsed = ComposeParsing::ps(output);
    QVERIFY(!parsed.has_value());
    for (const QString &mention : std::as_const(mentions))
        QVERIFY2(parsed.error().message.contains(mention),
            qPrintable(u"\"%1\" does not mention \"%2\""_s.arg(parsed.error().message, mention)));
}

void TestComposeParsing::isReady_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("health");
    QTest::addColumn<bool>("ready");
    QTest::newRow("running, healthy") << u"running"_s << u"healthy"_s << true;
    QTest::newRow("running, no healthcheck") << u"running"_s << QString() << true;
    QTest::newRow("running, starting") << u"running"_s << u"starting"_s << false;
    QTest::newRow("running, unhealthy") << u"running"_s << u"unhealthy"_s << false;
    QTest::newRow("exited") << u"exited"_s << QString() << false;
    QTest::newRow("restarting") << u"restarting"_s << QString() << false;
    QTest::newRow("paused, healthy") << u"paused"_s << u"healthy"_s << false;
    QTest::newRow("created") << u"created"_s << QString() << false;
    QTest::newRow("dead") << u"dead"_s << QString() << false;
}

void TestComposeParsing::isReady()
{
    QFETCH(QString, state);
    QFETCH(QString, health);
    QFETCH(bool, ready);
    ComposeContainer container;
    container.state = state;
    container.health = health;
    QCOMPARE(container.isReady(), ready);
}

void TestComposeParsing::imageTag_data()
{
    QTest::addColumn<QString>("image");
    QTest::addColumn<QString>("tag");
    QTest::newRow("repository:tag") << u"jatos/jatos:3.10.4"_s << u"3.10.4"_s;
    QTest::newRow("no tag") << u"jatos/jatos"_s << u"latest"_s;
    QTest::newRow("registry with port, no tag") << u"registry.example.org:5000/jatos/jatos"_s << u"latest"_s;
    QTest::newRow("registry with port and tag") << u"registry.example.org:5000/jatos:3.9.1"_s << u"3.9.1"_s;
    QTest::newRow("tag and digest") << u"joget/dx:8.0.12@sha256:0123abcd"_s << u"8.0.12"_s;
    QTest::newRow("digest only") << u"openspecimen@sha256:0123abcd"_s << QString();
    QTest::newRow("empty") << QString() << QString();
}

void TestComposeParsing::imageTag()
{
    QFETCH(QString, image);
    QFETCH(QString, tag);
    QCOMPARE(ComposeParsing::imageTag(image), tag);
}

void TestComposeParsing::psCommand()
{
    ComposeSettings settings;
    settings.projectDir = u"/srv/compose"_s;
    settings.service = u"jatos"_s;
    QCOMPARE(ComposeParsing::psCommand(settings),
        u"docker compose --project-directory '/srv/compose' ps -a --format json 'jatos'"_s);
    settings.projectDir = u"/srv/my app/it's"_s;
    QCOMPARE(ComposeParsing::psCommand(settings),
        u"docker compose --project-directory '/srv/my app/it'\\''s' ps -a --format json 'jatos'"_s);
}

void TestComposeParsing::psCommandSurvivesTheShell_data()
{
    QTest::addColumn<QString>("projectDir");
    QTest::newRow("space and quote") << u"/srv/my app/it's"_s;
    QTest::newRow("shell syntax") << u"/srv/$HOME/`id`/$(id); rm -rf x && \"y\" 'z' \\ *"_s;
    QTest::newRow("newline") << u"/srv/a\nb"_s;
    QTest::newRow("only quotes") << u"''"_s;
}

// The strongest check of quoting: a real POSIX shell splits the command back into
// exactly the intended words.
void TestComposeParsing::psCommandSurvivesTheShell()
{
    QFETCH(QString, projectDir);
    ComposeSettings settings;
    settings.projectDir = projectDir;
    settings.service = u"jatos"_s;
    const QString command = ComposeParsing::psCommand(settings);
    QProcess shell;
    shell.start(u"/bin/sh"_s, {u"-c"_s, u"set -- "_s + command + u"; printf '%s\\0' \"$@\""_s});
    QVERIFY(shell.waitForFinished(10000));
    QCOMPARE(shell.exitCode(), 0);
    QList<QByteArray> words = shell.readAllStandardOutput().split('\0');
    QCOMPARE(words.takeLast(), QByteArray());
    const QList<QByteArray> expected {"docker", "compose", "--project-directory", projectDir.toUtf8(), "ps",
        "-a", "--format", "json", "jatos"};
    QCOMPARE(words, expected);
}

void TestComposeParsing::statusCounts()
{
    ComposeStatus status;
    QVERIFY(status.ok());
    QCOMPARE(status.desired(), 0);
    QCOMPARE(status.ready(), 0);
    status.containers = *ComposeParsing::ps(DownLines);
    QCOMPARE(status.desired(), 3);
    QCOMPARE(status.ready(), 1);
    status.containers = *ComposeParsing::ps(RunningLines);
    QCOMPARE(status.ready(), 3);
    status.failure = ComposeStatus::Failure::CommandFailed;
    QVERIFY(!status.ok());
}

void TestComposeParsing::failureNames()
{
    using F = ComposeStatus::Failure;
    QCOMPARE(ComposeStatus::failureName(F::None), u"none"_s);
    QCOMPARE(ComposeStatus::failureName(F::Connection), u"connection"_s);
    QCOMPARE(ComposeStatus::failureName(F::HostKey), u"host-key"_s);
    QCOMPARE(ComposeStatus::failureName(F::CommandFailed), u"command-failed"_s);
    QCOMPARE(ComposeStatus::failureName(F::BadOutput), u"bad-output"_s);
}

QTEST_GUILESS_MAIN(TestComposeParsing)
#include "tst_composeparsing.moc"
