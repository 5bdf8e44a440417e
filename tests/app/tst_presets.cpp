// The built-in product presets: every one loads, and each holds what its product's
// documentation says. Malformed preset files are refused with the file and the
// JSON path named.
#include "profile/PresetRegistry.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestPresets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyBuiltInPresetLoads();
    void jatosFacts();
    void openSpecimenFacts();
    void jogetFacts();
    void malformedPresetIsRefused_data();
    void malformedPresetIsRefused();
    void duplicateIdsAreRefused();
    void profileOverridesApply();
    void unknownProductNamesTheKnownOnes();
    void runningCommandSaysNoWhenNothingRuns_data();
    void runningCommandSaysNoWhenNothingRuns();
    void processPatternNeverMatchesItsOwnCommandLine_data();
    void processPatternNeverMatchesItsOwnCommandLine();
};

namespace {

ProductPreset builtIn(const QString &product)
{
    ClusterProfile profile;
    profile.product = product;
    auto preset = PresetRegistry::builtIn().presetFor(profile);
    if (!preset)
        qFatal("built-in preset %s does not load: %s", qPrintable(product),
            qPrintable(formatIssues(preset.error())));
    return *preset;
}

} // namespace

void TestPresets::everyBuiltInPresetLoads()
{
    const PresetRegistry &registry = PresetRegistry::builtIn();
    QCOMPARE(registry.ids(), (QStringList {u"generic"_s, u"jatos"_s, u"joget"_s, u"openspecimen"_s}));
    for (const QString &id : registry.ids()) {
        const ProductPreset preset = builtIn(id);
        QCOMPARE(preset.id, id);
        QVERIFY(!preset.displayName.isEmpty());
        QVERIFY2(!preset.rollingUpgrade, "none of the products allows rolling upgrades");
    }
    // The same folder, loaded as files, gives the same answer as the resources.
    const auto fromFiles
        = PresetRegistry::loadDirectory(QStringLiteral(CLUSTERDESK_SOURCE_DIR "/resources/presets"));
    QVERIFY2(fromFiles.has_value(), fromFiles ? "" : qPrintable(fromFiles.error().message));
    QCOMPARE(fromFiles->ids(), registry.ids());
}

void TestPresets::jatosFacts()
{
    const ProductPreset jatos = builtIn(u"jatos"_s);
    QCOMPARE(jatos.httpPort, 9000);
    QCOMPARE(jatos.health.path, u"ping"_s);
    QCOMPARE(jatos.health.expectBody, u"pong"_s);
    QCOMPARE(jatos.version.source, VersionProbe::Source::HttpBody);
    QCOMPARE(jatos.version.path, u"jatos/signin"_s);
    // The pattern finds the version in the sign-in page's marker.
    const QRegularExpression pattern(jatos.version.pattern);
    const auto match = pattern.match(u"<script>window.common.jatosVersion = \"3.10.4\";</script>"_s);
    QVERIFY(match.hasMatch());
    QCOMPARE(match.captured(1), u"3.10.4"_s);
    QCOMPARE(jatos.schema.kind, SchemaProbe::Kind::Evolutions);
    QCOMPARE(jatos.schema.query, u"SELECT MAX(id) FROM play_evolutions"_s);
    QCOMPARE(jatos.versionForEvolution(19).text(), u"3.8.3"_s);
    QCOMPARE(jatos.versionForEvolution(23).text(), u"3.10.1"_s);
    QVERIFY(!jatos.versionForEvolution(5).isKnown());
    QCOMPARE(jatos.secretRules.size(), 1);
    QCOMPARE(jatos.secretRules.first().name, u"appSecret"_s);
    QCOMPARE(jatos.secretRules.first().minLength, 15);
    QCOMPARE(jatos.warmupSeconds, 300);
    QCOMPARE(ProductPreset::expand(jatos.commands.stop, {{u"installDir"_s, u"/srv/jatos"_s}}),
        u"/srv/jatos/loader.sh stop"_s);
}

void TestPresets::openSpecimenFacts()
{
    const ProductPreset os = builtIn(u"openspecimen"_s);
    QCOMPARE(os.basePath, u"/openspecimen/"_s);
    QCOMPARE(os.version.source, VersionProbe::Source::HttpJson);
    QCOMPARE(os.version.jsonKey, u"build_version"_s);
    QCOMPARE(os.version.path, u"rest/ng/config-settings/app-props"_s);
    QCOMPARE(os.schema.kind, SchemaProbe::Kind::UpgradeLog);
    QVERIFY(os.schema.query.contains(u"OS_UPGRADE_LOG"_s));
    QVERIFY(os.logFiles.contains(u"{dataDir}/logs/os.{nodeName}.log"_s));
}

void TestPresets::jogetFacts()
{
    const ProductPreset joget = builtIn(u"joget"_s);
    QCOMPARE(joget.health.path, u"web/json/workflow/currentUsername"_s);
    QCOMPARE(joget.health.expectJsonKey, u"username"_s);
    QCOMPARE(joget.version.source, VersionProbe::Source::File);
    const auto match = QRegularExpression(joget.version.pattern).match(u"8.0.12 - build abc1234\n"_s);
    QVERIFY(match.hasMatch());
    QCOMPARE(match.captured(1), u"8.0.12"_s);
    QCOMPARE(joget.schema.kind, SchemaProbe::Kind::None);
}

void TestPresets::malformedPresetIsRefused_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    const QByteArray good
        = R"({"format":1,"id":"demo","displayName":"Demo","defaults":{"httpPort":8080},)"
          R"("health":{"path":"health"},"version":{"source":"none"},"schema":{"kind":"none"}})";
    QTest::addRow("valid control") << good << QString();
    QTest::addRow("not json") << QByteArray("{\"format\": 1,") << u"not valid JSON"_s;
    QTest::addRow("missing health") << QByteArray(good).replace(R"("health":{"path":"health"},)", "")
                                    << u"health: missing"_s;
    QTest::addRow("absolute health path") << QByteArray(good).replace(R"("path":"health")",
        R"("path":"/health")") << u"health.path: must be a path relative"_s;
    QTest::addRow("port out of range")
        << QByteArray(good).replace("8080", "80800") << u"defaults.httpPort: must be between 1 and 65535"_s;
    QTest::addRow("bad regex") << QByteArray(good).replace(
        R"({"source":"none"})", R"({"source":"http-body","path":"x","pattern":"(["})")
                               << u"version.pattern: is not a valid regular expression"_s;
    QTest::addRow("unknown placeholder")
        << QByteArray(good).replace(R"("schema")", R"("commands":{"stop":"{instalDir}/stop"},"schema")")
        << u"commands.stop: unknown placeholder {instalDir}"_s;
    QTest::addRow("unknown key") << QByteArray(good).replace(
        R"("format":1,)", R"("format":1,"colour":"red",)")
                                 << u"colour: unknown key"_s;
}

void TestPresets::malformedPresetIsRefused()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile file(dir.filePath(u"demo.json"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(json);
    file.close();

    const auto loaded = PresetRegistry::loadDirectory(dir.path());
    if (expected.isEmpty()) {
        QVERIFY2(loaded.has_value(), loaded ? "" : qPrintable(loaded.error().message));
        QCOMPARE(loaded->ids(), QStringList {u"demo"_s});
        return;
    }
    QVERIFY(!loaded.has_value());
    QVERIFY2(loaded.error().message.contains(u"demo.json"_s), qPrintable(loaded.error().message));
    QVERIFY2(loaded.error().message.contains(expected), qPrintable(loaded.error().message));
}

void TestPresets::duplicateIdsAreRefused()
{
    QTemporaryDir dir;
    for (const QString &name : {u"a.json"_s, u"b.json"_s}) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"format":1,"id":"twin","displayName":"Twin","defaults":{"httpPort":1},)"
                   R"("health":{"path":""},"version":{"source":"none"},"schema":{"kind":"none"}})");
    }
    const auto loaded = PresetRegistry::loadDirectory(dir.path());
    QVERIFY(!loaded.has_value());
    QVERIFY(loaded.error().message.contains(u"b.json: a preset with the id \"twin\" was loaded already"_s));
}

void TestPresets::profileOverridesApply()
{
    ClusterProfile profile;
    profile.product = u"jatos"_s;
    profile.presetOverrides
        = Json::parse(R"({"health":{"path":"custom/ping"},"startup":{"warmupSeconds":30}})");
    auto preset = PresetRegistry::builtIn().presetFor(profile);
    QVERIFY(preset.has_value());
    QCOMPARE(preset->health.path, u"custom/ping"_s);
    QCOMPARE(preset->health.expectBody, u"pong"_s); // untouched fields stay
    QCOMPARE(preset->warmupSeconds, 30);

    profile.presetOverrides = Json::parse(R"({"defaults":{"httpPort":"9000"}})");
    preset = PresetRegistry::builtIn().presetFor(profile);
    QVERIFY(!preset.has_value());
    QCOMPARE(preset.error().first().path, u"presetOverrides.defaults.httpPort"_s);
}

void TestPresets::unknownProductNamesTheKnownOnes()
{
    ClusterProfile profile;
    profile.product = u"wordpress"_s;
    const auto preset = PresetRegistry::builtIn().presetFor(profile);
    QVERIFY(!preset.has_value());
    QCOMPARE(preset.error().first().path, u"product"_s);
    QVERIFY(preset.error().first().reason.contains(u"generic, jatos, joget, openspecimen"_s));
}

void TestPresets::runningCommandSaysNoWhenNothingRuns_data()
{
    QTest::addColumn<QString>("product");
    QTest::addRow("jatos") << u"jatos"_s;
}

void TestPresets::runningCommandSaysNoWhenNothingRuns()
{
    // JATOS is judged by its RUNNING_PID file: an empty install folder is stopped.
    QFETCH(QString, product);
    const ProductPreset preset = builtIn(product);
    QTemporaryDir install;
    const QString command
        = ProductPreset::expand(preset.commands.running, {{u"installDir"_s, install.path()}});
    QProcess shell;
    shell.start(u"/bin/sh"_s, {u"-c"_s, command + u" </dev/null"_s});
    QVERIFY(shell.waitForFinished(10000));
    QCOMPARE(shell.exitStatus(), QProcess::NormalExit);
    QVERIFY2(shell.exitCode() != 0, qPrintable(command));
}

void TestPresets::processPatternNeverMatchesItsOwnCommandLine_data()
{
    QTest::addColumn<QString>("product");
    QTest::addRow("openspecimen") << u"openspecimen"_s;
    QTest::addRow("joget") << u"joget"_s;
}

void TestPresets::processPatternNeverMatchesItsOwnCommandLine()
{
    // Over SSH the command runs as "sh -c '<command>'". `pgrep -f PATTERN` searches
    // every command line, that shell's too: a pattern that matches its own text
    // ("a.b" does, "a[.]b" does not) reports every stopped node as running.
    QFETCH(QString, product);
    const QString command = builtIn(product).commands.running;
    const auto match = QRegularExpression(u"pgrep .*-f '([^']+)'"_s).match(command);
    QVERIFY2(match.hasMatch(), qPrintable(command));
    const QRegularExpression pattern(match.captured(1));
    QVERIFY(pattern.isValid());
    QVERIFY2(!pattern.match(u"sh -c "_s + command).hasMatch(), qPrintable(command));
    // ... and it still finds the process it is meant for.
    QVERIFY(pattern.match(u"java -classpath bootstrap.jar org.apache.catalina.startup.Bootstrap start"_s)
                .hasMatch());
}

QTEST_GUILESS_MAIN(TestPresets)
#include "tst_presets.moc"
