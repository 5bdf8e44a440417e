// ProductPreset: reading a product description, merging a profile's overrides into
// it, mapping schema revisions to versions, and filling command templates. The
// presets shipped in resources/presets/ are tested elsewhere; these documents are
// made up to exercise one rule each.

#include "ProductPreset.h"

#include <QTest>

#include <climits>
#include <string>

using namespace Qt::StringLiterals;

using Values = QMap<QString, QString>;
Q_DECLARE_METATYPE(Values)

namespace {

// The least a preset must say.
Json minimalPreset()
{
    return Json::parse(R"J({
        "format": 1,
        "id": "mini",
        "displayName": "Minimal",
        "defaults": {"httpPort": 8080},
        "health": {"path": "ping"},
        "version": {"source": "none"},
        "schema": {"kind": "none"}
    })J");
}

// Every section filled, modelled on a Play application with evolutions.
Json fullPreset()
{
    return Json::parse(R"J({
        "format": 1,
        "id": "study-server",
        "displayName": "Study Server",
        "defaults": {
            "scheme": "https",
            "httpPort": 9443,
            "basePath": "/study/",
            "installDir": "/opt/study",
            "dataDir": "{sharedDataDir}/study",
            "sshUser": "study"
        },
        "health": {"path": "health/ping", "expectStatus": 204, "expectBody": "pong", "expectJsonKey": "status"},
        "version": {
            "source": "http-body",
            "path": "signin",
            "pattern": "studyVersion\\s*=\\s*\"([^\"]+)\""
        },
        "schema": {
            "kind": "evolutions",
            "query": "SELECT MAX(id) FROM play_evolutions",
            "evolutionVersions": {"18": "3.8.2", "19": "3.8.3", "20": "3.9.1", "21": "3.9.5", "22": "3.9.8",
                                  "23": "3.10.1"}
        },
        "commands": {
            "start": "{installDir}/loader.sh start",
            "stop": "{installDir}/loader.sh stop",
            "running": "test -f {installDir}/RUNNING_PID",
            "install": "{installDir}/install.sh {package} {version}"
        },
        "logs": ["{installDir}/logs/application.log", "{dataDir}/logs/{nodeName}.log"],
        "configFiles": ["{installDir}/conf/study.conf"],
        "secrets": {
            "appSecret": {"minLength": 15, "description": "signs session cookies"},
            "apiToken": { "optional": true }
        },
        "startup": {"warmupSeconds": 300, "oneAtATime": false},
        "upgrade": {"rolling": true}
    })J");
}

Json presetNamed(const QString &name)
{
    return name == u"full" ? fullPreset() : minimalPreset();
}

Json parsed(const QByteArray &text)
{
    return Json::parse(text.constBegin(), text.constEnd());
}

// The document with the value at `pointer` replaced by the JSON `value` (created
// if missing), or removed when `value` is empty.
Json edited(Json document, const QString &pointer, const QByteArray &value)
{
    const Json::json_pointer where(pointer.toStdString());
    if (value.isEmpty())
        document.at(where.parent_pointer()).erase(where.back());
    else
        document[where] = parsed(value);
    return document;
}

qsizetype countIssues(const ValidationIssues &issues, const QString &path, const QString &reasonPart)
{
    return std::count_if(issues.cbegin(), issues.cend(), [&](const ValidationIssue &issue) {
        return issue.path == path && issue.reason.contains(reasonPart);
    });
}

QByteArray describe(const QString &path, const QString &reason, const ValidationIssues &issues)
{
    return (u"expected \""_s + path + u": ..."_s + reason + u"...\", got:\n"_s + formatIssues(issues))
        .toUtf8();
}

} // namespace

class TestProductPreset : public QObject
{
    Q_OBJECT

private slots:
    void parsesMinimal();
    void parsesFull();
    void parsesText();

    void versionSources_data();
    void versionSources();
    void upgradeLogSchema();

    void rejects_data();
    void rejects();
    void rejectsText_data();
    void rejectsText();
    void reportsEverythingInOnePass();

    void overrideChangesHealthPath();
    void overrideMergesNestedMaps();
    void overrideNullRemovesKey();
    void overrideReplacesLists();
    void emptyOverridesKeepPreset();
    void badOverride_data();
    void badOverride();

    void versionForEvolution_data();
    void versionForEvolution();
    void versionForEvolutionWithoutMap();
    void versionForEvolutionKeepsSpelling();

    void expand_data();
    void expand();
    void placeholders();
};

void TestProductPreset::parsesMinimal()
{
    const auto result = ProductPreset::fromJson(minimalPreset());
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    const ProductPreset &preset = *result;

    QCOMPARE(preset.id, u"mini"_s);
    QCOMPARE(preset.displayName, u"Minimal"_s);
    QCOMPARE(preset.scheme, u"http"_s);
    QCOMPARE(preset.httpPort, 8080);
    QCOMPARE(preset.basePath, u"/"_s);
    QVERIFY(preset.installDir.isEmpty());
    QVERIFY(preset.dataDir.isEmpty());
    QVERIFY(preset.sshUser.isEmpty());
    QCOMPARE(preset.health.path, u"ping"_s);
    QCOMPARE(preset.health.expectStatus, 200);
    QVERIFY(preset.health.expectBody.isEmpty());
    QVERIFY(preset.health.expectJsonKey.isEmpty());
    QCOMPARE(preset.version.source, VersionProbe::Source::None);
    QCOMPARE(preset.schema.kind, SchemaProbe::Kind::None);
    QVERIFY(preset.schema.evolutionVersions.isEmpty());
    QVERIFY(preset.commands.start.isEmpty());
    QVERIFY(preset.logFiles.isEmpty());
    QVERIFY(preset.configFiles.isEmpty());
    QVERIFY(preset.secretRules.isEmpty());
    QCOMPARE(preset.warmupSeconds, 60);
    QCOMPARE(preset.startOneAtATime, true);
    QCOMPARE(preset.rollingUpgrade, false);
}

void TestProductPreset::parsesFull()
{
    const auto result = ProductPreset::fromJson(fullPreset());
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    const ProductPreset &preset = *result;

    QCOMPARE(preset.id, u"study-server"_s);
    QCOMPARE(preset.scheme, u"https"_s);
    QCOMPARE(preset.httpPort, 9443);
    QCOMPARE(preset.basePath, u"/study/"_s);
    QCOMPARE(preset.installDir, u"/opt/study"_s);
    QCOMPARE(preset.dataDir, u"{sharedDataDir}/study"_s); // templates stay templates
    QCOMPARE(preset.sshUser, u"study"_s);
    QCOMPARE(preset.health.path, u"health/ping"_s);
    QCOMPARE(preset.health.expectStatus, 204);
    QCOMPARE(preset.health.expectBody, u"pong"_s);
    QCOMPARE(preset.health.expectJsonKey, u"status"_s);
    QCOMPARE(preset.version.source, VersionProbe::Source::HttpBody);
    QCOMPARE(preset.version.path, u"signin"_s);
    QCOMPARE(preset.version.pattern, uR"J(studyVersion\s*=\s*"([^"]+)")J"_s);
    QCOMPARE(preset.schema.kind, SchemaProbe::Kind::Evolutions);
    QCOMPARE(preset.schema.query, u"SELECT MAX(id) FROM play_evolutions"_s);
    QCOMPARE(preset.schema.evolutionVersions.size(), 6);
    QCOMPARE(preset.schema.evolutionVersions.value(20), u"3.9.1"_s);
    QCOMPARE(preset.commands.start, u"{installDir}/loader.sh start"_s);
    QCOMPARE(preset.commands.stop, u"{installDir}/loader.sh stop"_s);
    QCOMPARE(preset.commands.running, u"test -f {installDir}/RUNNING_PID"_s);
    QCOMPARE(preset.commands.install, u"{installDir}/install.sh {package} {version}"_s);
    QCOMPARE(preset.logFiles,
        (QStringList {u"{installDir}/logs/application.log"_s, u"{dataDir}/logs/{nodeName}.log"_s}));
    QCOMPARE(preset.configFiles, QStringList {u"{installDir}/conf/study.conf"_s});
    QCOMPARE(preset.secretRules.size(), 2);
    QCOMPARE(preset.secretRules.at(0).name, u"appSecret"_s);
    QCOMPARE(preset.secretRules.at(0).minLength, 15);
    QCOMPARE(preset.secretRules.at(0).description, u"signs session cookies"_s);
    QCOMPARE(preset.secretRules.at(1).name, u"apiToken"_s);
    QCOMPARE(preset.secretRules.at(1).minLength, 0);
    QCOMPARE(preset.secretRules.at(0).optional, false);
    QCOMPARE(preset.secretRules.at(1).optional, true);
    QCOMPARE(preset.warmupSeconds, 300);
    QCOMPARE(preset.startOneAtATime, false);
    QCOMPARE(preset.rollingUpgrade, true);
}

void TestProductPreset::parsesText()
{
    const QByteArray text = QByteArray::fromStdString(fullPreset().dump(2));
    const auto fromText = ProductPreset::fromJson(QByteArrayView(text));
    QVERIFY2(fromText, fromText ? "" : qPrintable(formatIssues(fromText.error())));
    QCOMPARE(fromText->id, u"study-server"_s);
    QCOMPARE(fromText->schema.evolutionVersions.size(), 6);
    QCOMPARE(fromText->logFiles.size(), 2);
}

void TestProductPreset::versionSources_data()
{
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<int>("source");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("jsonKey");

    QTest::addRow("none") << R"J({"source": "none"})J"_ba << static_cast<int>(VersionProbe::Source::None)
                          << QString() << QString() << QString();
    QTest::addRow("http-body")
        << R"J({"source": "http-body", "path": "jatos/signin", "pattern": "v=\"([^\"]+)\""})J"_ba
        << static_cast<int>(VersionProbe::Source::HttpBody) << u"jatos/signin"_s << u"v=\"([^\"]+)\""_s
        << QString();
    QTest::addRow("http-json")
        << R"J({"source": "http-json", "path": "rest/ng/config-settings/app-props", "jsonKey": "build_version"})J"_ba
        << static_cast<int>(VersionProbe::Source::HttpJson) << u"rest/ng/config-settings/app-props"_s
        << QString() << u"build_version"_s;
    QTest::addRow("file")
        << R"J({"source": "file", "path": "{installDir}/VERSION.txt", "pattern": "^(\\S+) - build"})J"_ba
        << static_cast<int>(VersionProbe::Source::File) << u"{installDir}/VERSION.txt"_s
        << u"^(\\S+) - build"_s << QString();
    QTest::addRow("named group counts as one")
        << R"J({"source": "file", "path": "/v", "pattern": "(?<v>\\d+)(?:\\.\\d+)*"})J"_ba
        << static_cast<int>(VersionProbe::Source::File) << u"/v"_s << u"(?<v>\\d+)(?:\\.\\d+)*"_s
        << QString();
}

void TestProductPreset::versionSources()
{
    QFETCH(QByteArray, version);
    QFETCH(int, source);
    QFETCH(QString, path);
    QFETCH(QString, pattern);
    QFETCH(QString, jsonKey);

    Json document = minimalPreset();
    document["version"] = parsed(version);
    const auto result = ProductPreset::fromJson(document);
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    QCOMPARE(static_cast<int>(result->version.source), source);
    QCOMPARE(result->version.path, path);
    QCOMPARE(result->version.pattern, pattern);
    QCOMPARE(result->version.jsonKey, jsonKey);
}

void TestProductPreset::upgradeLogSchema()
{
    Json document = minimalPreset();
    document["schema"] = parsed(
        R"J({"kind": "upgrade-log", "query": "  select VERSION from OS_UPGRADE_LOG order by UPGRADE_DATE desc limit 1"})J"_ba);
    const auto result = ProductPreset::fromJson(document);
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    QCOMPARE(result->schema.kind, SchemaProbe::Kind::UpgradeLog);
    QVERIFY(result->schema.query.contains(u"OS_UPGRADE_LOG"_s));
    QVERIFY(result->schema.evolutionVersions.isEmpty());
}

void TestProductPreset::rejects_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<QByteArray>("value"); // JSON; empty removes the key
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reason");

    const QString m = u"minimal"_s;
    const QString f = u"full"_s;

    // top level
    QTest::addRow("missing format") << m << u"/format"_s << QByteArray() << u"format"_s << u"missing"_s;
    QTest::addRow("format 2") << m << u"/format"_s << "2"_ba << u"format"_s << u"preset format 2 is newer"_s;
    QTest::addRow("format 0") << m << u"/format"_s << "0"_ba << u"format"_s << u"between 1 and 1000"_s;
    QTest::addRow("missing id") << m << u"/id"_s << QByteArray() << u"id"_s << u"missing"_s;
    QTest::addRow("upper-case id") << m << u"/id"_s << R"J("Mini")J"_ba << u"id"_s << u"lower-case letters"_s;
    QTest::addRow("id with space") << m << u"/id"_s << R"J("mini preset")J"_ba << u"id"_s
                                   << u"lower-case letters"_s;
    QTest::addRow("missing displayName")
        << m << u"/displayName"_s << QByteArray() << u"displayName"_s << u"missing"_s;
    QTest::addRow("unknown top-level key")
        << m << u"/helth"_s << R"J({"path": "ping"})J"_ba << u"helth"_s << u"unknown key"_s;
    QTest::addRow("misspelt logs key") << f << u"/logfiles"_s << "[]"_ba << u"logfiles"_s << u"unknown key"_s;
    // defaults
    QTest::addRow("missing defaults") << m << u"/defaults"_s << QByteArray() << u"defaults"_s << u"missing"_s;
    QTest::addRow("missing httpPort")
        << m << u"/defaults/httpPort"_s << QByteArray() << u"defaults.httpPort"_s << u"missing"_s;
    QTest::addRow("httpPort 0") << m << u"/defaults/httpPort"_s << "0"_ba << u"defaults.httpPort"_s
                                << u"between 1 and 65535, not 0"_s;
    QTest::addRow("httpPort 70000") << m << u"/defaults/httpPort"_s << "70000"_ba << u"defaults.httpPort"_s
                                    << u"between 1 and 65535, not 70000"_s;
    QTest::addRow("scheme ftp") << m << u"/defaults/scheme"_s << R"J("ftp")J"_ba << u"defaults.scheme"_s
                                << u"must be http or https"_s;
    QTest::addRow("basePath without slashes") << m << u"/defaults/basePath"_s << R"J("jw")J"_ba
                                              << u"defaults.basePath"_s << u"must start and end with /"_s;
    QTest::addRow("basePath without trailing slash")
        << m << u"/defaults/basePath"_s << R"J("/openspecimen")J"_ba << u"defaults.basePath"_s
        << u"must start and end with /"_s;
    QTest::addRow("unknown placeholder in installDir")
        << f << u"/defaults/installDir"_s << R"J("/opt/{product}")J"_ba << u"defaults.installDir"_s
        << u"unknown placeholder {product}"_s;
    QTest::addRow("unknown key in defaults")
        << m << u"/defaults/port"_s << "80"_ba << u"defaults.port"_s << u"unknown key"_s;
    // health
    QTest::addRow("missing health") << m << u"/health"_s << QByteArray() << u"health"_s << u"missing"_s;
    QTest::addRow("health as string")
        << m << u"/health"_s << R"J("ping")J"_ba << u"health"_s << u"must be an object, not a string"_s;
    QTest::addRow("missing health path")
        << m << u"/health/path"_s << QByteArray() << u"health.path"_s << u"missing"_s;
    QTest::addRow("absolute health path") << m << u"/health/path"_s << R"J("/ping")J"_ba << u"health.path"_s
                                          << u"must be a path relative to the node's base URL"_s;
    QTest::addRow("health path with scheme")
        << m << u"/health/path"_s << R"J("http://localhost:9000/ping")J"_ba << u"health.path"_s
        << u"no leading / and no scheme"_s;
    QTest::addRow("expectStatus 99") << m << u"/health/expectStatus"_s << "99"_ba << u"health.expectStatus"_s
                                     << u"between 100 and 599, not 99"_s;
    QTest::addRow("expectStatus 600") << m << u"/health/expectStatus"_s << "600"_ba
                                      << u"health.expectStatus"_s << u"between 100 and 599, not 600"_s;
    QTest::addRow("expectStatus as string") << m << u"/health/expectStatus"_s << R"J("200")J"_ba
                                            << u"health.expectStatus"_s << u"must be a whole number"_s;
    QTest::addRow("unknown key in health")
        << m << u"/health/expectedStatus"_s << "200"_ba << u"health.expectedStatus"_s << u"unknown key"_s;
    // version
    QTest::addRow("missing version") << m << u"/version"_s << QByteArray() << u"version"_s << u"missing"_s;
    QTest::addRow("missing version source")
        << m << u"/version/source"_s << QByteArray() << u"version.source"_s << u"missing"_s;
    QTest::addRow("unknown version source")
        << m << u"/version/source"_s << R"J("http-head")J"_ba << u"version.source"_s
        << u"\"http-head\" is not a version source"_s;
    QTest::addRow("bad regex") << f << u"/version/pattern"_s << R"J("version = \"([^\"]+\"")J"_ba
                               << u"version.pattern"_s << u"is not a valid regular expression"_s;
    QTest::addRow("regex with no capture group")
        << f << u"/version/pattern"_s << R"J("\\d+\\.\\d+\\.\\d+")J"_ba << u"version.pattern"_s
        << u"exactly one capture group"_s;
    QTest::addRow("regex with two capture groups")
        << f << u"/version/pattern"_s << R"J("(\\d+)\\.(\\d+)")J"_ba << u"version.pattern"_s
        << u"exactly one capture group"_s;
    QTest::addRow("empty regex") << f << u"/version/pattern"_s << R"J("")J"_ba << u"version.pattern"_s
                                 << u"exactly one capture group"_s;
    QTest::addRow("missing regex") << f << u"/version/pattern"_s << QByteArray() << u"version.pattern"_s
                                   << u"missing"_s;
    QTest::addRow("absolute version path") << f << u"/version/path"_s << R"J("/signin")J"_ba
                                           << u"version.path"_s << u"must be a path relative"_s;
    QTest::addRow("http-json without jsonKey")
        << m << u"/version"_s << R"J({"source": "http-json", "path": "props"})J"_ba << u"version.jsonKey"_s
        << u"missing"_s;
    QTest::addRow("file source with two groups")
        << m << u"/version"_s
        << R"J({"source": "file", "path": "{installDir}/VERSION.txt", "pattern": "(\\d+)-(\\w+)"})J"_ba
        << u"version.pattern"_s << u"exactly one capture group"_s;
    QTest::addRow("file source with unknown placeholder")
        << m << u"/version"_s
        << R"J({"source": "file", "path": "{instalDir}/VERSION.txt", "pattern": "(.+)"})J"_ba
        << u"version.path"_s << u"unknown placeholder {instalDir}"_s;
    QTest::addRow("unknown key in version")
        << f << u"/version/regex"_s << R"J("(.+)")J"_ba << u"version.regex"_s << u"unknown key"_s;
    // schema
    QTest::addRow("missing schema") << m << u"/schema"_s << QByteArray() << u"schema"_s << u"missing"_s;
    QTest::addRow("unknown schema kind")
        << m << u"/schema"_s << R"J({"kind": "liquibase", "query": "SELECT 1"})J"_ba << u"schema.kind"_s
        << u"\"liquibase\" is not a schema kind"_s;
    QTest::addRow("schema query not a SELECT")
        << f << u"/schema/query"_s << R"J("DELETE FROM play_evolutions")J"_ba << u"schema.query"_s
        << u"must be a SELECT statement"_s;
    QTest::addRow("schema without query")
        << f << u"/schema/query"_s << QByteArray() << u"schema.query"_s << u"missing"_s;
    QTest::addRow("evolutions without map") << f << u"/schema/evolutionVersions"_s << QByteArray()
                                            << u"schema.evolutionVersions"_s << u"must map evolution ids"_s;
    QTest::addRow("evolutions with empty map")
        << f << u"/schema/evolutionVersions"_s << "{}"_ba << u"schema.evolutionVersions"_s
        << u"must map evolution ids"_s;
    QTest::addRow("evolution map as list") << f << u"/schema/evolutionVersions"_s << R"J(["3.8.2"])J"_ba
                                           << u"schema.evolutionVersions"_s << u"must map evolution ids"_s;
    QTest::addRow("evolutions not monotonic")
        << f << u"/schema/evolutionVersions/21"_s << R"J("3.8.9")J"_ba << u"schema.evolutionVersions.21"_s
        << u"maps to 3.8.9, older than an earlier evolution's 3.9.1"_s;
    QTest::addRow("evolutions not monotonic at the end")
        << f << u"/schema/evolutionVersions/24"_s << R"J("3.10.0")J"_ba << u"schema.evolutionVersions.24"_s
        << u"older than"_s;
    QTest::addRow("pre-release after its release")
        << f << u"/schema/evolutionVersions/24"_s << R"J("3.10.1-rc1")J"_ba
        << u"schema.evolutionVersions.24"_s << u"older than"_s;
    QTest::addRow("evolution key not a number")
        << f << u"/schema/evolutionVersions/latest"_s << R"J("3.10.4")J"_ba
        << u"schema.evolutionVersions.latest"_s << u"evolution id"_s;
    QTest::addRow("negative evolution key") << f << u"/schema/evolutionVersions/-1"_s << R"J("3.0.0")J"_ba
                                            << u"schema.evolutionVersions.-1"_s << u"evolution id"_s;
    QTest::addRow("evolution version unknown")
        << f << u"/schema/evolutionVersions/19"_s << R"J("develop")J"_ba << u"schema.evolutionVersions.19"_s
        << u"must be a version"_s;
    QTest::addRow("evolution version as number")
        << f << u"/schema/evolutionVersions/19"_s << "3.8"_ba << u"schema.evolutionVersions.19"_s
        << u"must be a version"_s;
    // The same id written twice ("19" and "019") must not silently replace a mapping.
    QTest::addRow("duplicate evolution id") << f << u"/schema/evolutionVersions/019"_s << R"J("3.8.4")J"_ba
                                            << u"schema.evolutionVersions.019"_s << QString();
    QTest::addRow("unknown key in schema")
        << f << u"/schema/table"_s << R"J("play_evolutions")J"_ba << u"schema.table"_s << u"unknown key"_s;
    // commands and file lists
    QTest::addRow("unknown placeholder {instalDir}")
        << f << u"/commands/start"_s << R"J("{instalDir}/loader.sh start")J"_ba << u"commands.start"_s
        << u"unknown placeholder {instalDir}"_s;
    QTest::addRow("unknown placeholder lists the known ones")
        << f << u"/commands/stop"_s << R"J("{home}/stop.sh")J"_ba << u"commands.stop"_s
        << u"(known: installDir, dataDir, sharedDataDir, nodeName, package, version)"_s;
    QTest::addRow("placeholder case matters")
        << f << u"/commands/install"_s << R"J("{InstallDir}/i.sh")J"_ba << u"commands.install"_s
        << u"unknown placeholder {InstallDir}"_s;
    QTest::addRow("unknown placeholder in running")
        << f << u"/commands/running"_s << R"J("pgrep -f {pidFile}")J"_ba << u"commands.running"_s
        << u"{pidFile}"_s;
    QTest::addRow("unknown command") << f << u"/commands/restart"_s << R"J("x")J"_ba << u"commands.restart"_s
                                     << u"unknown key"_s;
    QTest::addRow("unknown placeholder in logs") << f << u"/logs/1"_s << R"J("{logDir}/app.log")J"_ba
                                                 << u"logs[1]"_s << u"unknown placeholder {logDir}"_s;
    QTest::addRow("unknown placeholder in configFiles")
        << f << u"/configFiles/0"_s << R"J("{confDir}/a.conf")J"_ba << u"configFiles[0]"_s
        << u"unknown placeholder {confDir}"_s;
    QTest::addRow("log entry not a string")
        << f << u"/logs/0"_s << "7"_ba << u"logs[0]"_s << u"must be a string, not a number"_s;
    QTest::addRow("logs not a list") << f << u"/logs"_s << R"J("{installDir}/a.log")J"_ba << u"logs"_s
                                     << u"must be a list of strings"_s;
    // secrets, startup, upgrade
    QTest::addRow("secrets as list") << f << u"/secrets"_s << "[]"_ba << u"secrets"_s
                                     << u"must be an object of secret rules"_s;
    QTest::addRow("negative minLength") << f << u"/secrets/appSecret/minLength"_s << "-1"_ba
                                        << u"secrets.appSecret.minLength"_s << u"between 0 and 4096"_s;
    QTest::addRow("unknown key in secret rule") << f << u"/secrets/appSecret/maxLength"_s << "64"_ba
                                                << u"secrets.appSecret.maxLength"_s << u"unknown key"_s;
    QTest::addRow("warmup over an hour") << f << u"/startup/warmupSeconds"_s << "3601"_ba
                                         << u"startup.warmupSeconds"_s << u"between 0 and 3600, not 3601"_s;
    QTest::addRow("oneAtATime as string")
        << f << u"/startup/oneAtATime"_s << R"J("yes")J"_ba << u"startup.oneAtATime"_s
        << u"must be true or false, not a string"_s;
    QTest::addRow("rolling as number") << f << u"/upgrade/rolling"_s << "0"_ba << u"upgrade.rolling"_s
                                       << u"must be true or false, not a number"_s;
}

void TestProductPreset::rejects()
{
    QFETCH(QString, base);
    QFETCH(QString, pointer);
    QFETCH(QByteArray, value);
    QFETCH(QString, path);
    QFETCH(QString, reason);

    const auto result = ProductPreset::fromJson(edited(presetNamed(base), pointer, value));
    QVERIFY(!result);
    const ValidationIssues &issues = result.error();
    QVERIFY2(countIssues(issues, path, reason) >= 1, describe(path, reason, issues).constData());
    QCOMPARE(countIssues(issues, path, reason), 1);
}

void TestProductPreset::rejectsText_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("reason");

    QTest::addRow("truncated") << R"J({"format": 1, "id": )J"_ba << u"not valid JSON at line 1, column "_s;
    QTest::addRow("error on line 3") << "{\n  \"format\": 1,\n  \"id\": mini\n}"_ba
                                     << u"not valid JSON at line 3, column 9"_s;
    QTest::addRow("empty") << QByteArray() << u"not valid JSON at line 1, column 1"_s;
    QTest::addRow("list at the root") << "[]"_ba << u"must be an object, not an array"_s;
    QTest::addRow("string at the root") << R"J("jatos")J"_ba << u"must be an object, not a string"_s;
}

void TestProductPreset::rejectsText()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, reason);

    const auto result = ProductPreset::fromJson(QByteArrayView(text));
    QVERIFY(!result);
    QCOMPARE(result.error().size(), 1);
    QVERIFY(result.error().first().path.isEmpty());
    QVERIFY2(result.error().first().reason.startsWith(reason), qPrintable(result.error().first().reason));
}

void TestProductPreset::reportsEverythingInOnePass()
{
    Json document = fullPreset();
    document = edited(document, u"/health/path"_s, R"J("/ping")J"_ba);
    document = edited(document, u"/version/pattern"_s, R"J("(a)(b)")J"_ba);
    document = edited(document, u"/commands/start"_s, R"J("{instalDir}/start")J"_ba);
    document = edited(document, u"/schema/evolutionVersions/22"_s, R"J("3.0.0")J"_ba);
    document = edited(document, u"/defaults/httpPort"_s, "0"_ba);
    document = edited(document, u"/colour"_s, R"J("blue")J"_ba);

    const auto result = ProductPreset::fromJson(document);
    QVERIFY(!result);
    const ValidationIssues &issues = result.error();
    const QStringList expected {u"colour"_s, u"defaults.httpPort"_s, u"health.path"_s, u"version.pattern"_s,
        u"schema.evolutionVersions.22"_s, u"commands.start"_s};
    QStringList paths;
    for (const ValidationIssue &issue : issues)
        paths << issue.path;
    QCOMPARE(paths, expected);
}

void TestProductPreset::overrideChangesHealthPath()
{
    const auto result
        = ProductPreset::withOverrides(fullPreset(), parsed(R"J({"health": {"path": "healthz"}})J"_ba));
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    QCOMPARE(result->health.path, u"healthz"_s);
    // Only that key changes: its siblings and every other section stay.
    QCOMPARE(result->health.expectStatus, 204);
    QCOMPARE(result->health.expectBody, u"pong"_s);
    QCOMPARE(result->id, u"study-server"_s);
    QCOMPARE(result->schema.evolutionVersions.size(), 6);
}

void TestProductPreset::overrideMergesNestedMaps()
{
    const Json overrides = parsed(R"J({"schema": {"evolutionVersions": {"24": "3.11.0"}},
                                      "defaults": {"httpPort": 9000}, "startup": {"warmupSeconds": 30}})J"_ba);
    const auto result = ProductPreset::withOverrides(fullPreset(), overrides);
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    QCOMPARE(result->schema.evolutionVersions.size(), 7);
    QCOMPARE(result->versionForEvolution(24).normalized(), u"3.11.0"_s);
    QCOMPARE(result->versionForEvolution(23).normalized(), u"3.10.1"_s);
    QCOMPARE(result->httpPort, 9000);
    QCOMPARE(result->scheme, u"https"_s);
    QCOMPARE(result->warmupSeconds, 30);
    QCOMPARE(result->startOneAtATime, false);
}

void TestProductPreset::overrideNullRemovesKey()
{
    // RFC 7386: null removes the key, so the default applies again.
    const auto result = ProductPreset::withOverrides(fullPreset(),
        parsed(R"J({"health": {"expectBody": null, "expectStatus": null}, "upgrade": null})J"_ba));
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    QVERIFY(result->health.expectBody.isEmpty());
    QCOMPARE(result->health.expectStatus, 200);
    QCOMPARE(result->health.path, u"health/ping"_s);
    QCOMPARE(result->rollingUpgrade, false);
}

void TestProductPreset::overrideReplacesLists()
{
    const auto result = ProductPreset::withOverrides(
        fullPreset(), parsed(R"J({"logs": ["{dataDir}/logs/os.{nodeName}.log"]})J"_ba));
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    QCOMPARE(result->logFiles, QStringList {u"{dataDir}/logs/os.{nodeName}.log"_s});
    QCOMPARE(result->configFiles, QStringList {u"{installDir}/conf/study.conf"_s});
}

void TestProductPreset::emptyOverridesKeepPreset()
{
    for (const Json &overrides : {Json::object(), Json(), Json::array()}) {
        const auto result = ProductPreset::withOverrides(fullPreset(), overrides);
        QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
        QCOMPARE(result->health.path, u"health/ping"_s);
        QCOMPARE(result->httpPort, 9443);
        QCOMPARE(result->logFiles.size(), 2);
    }
    // A broken preset stays broken, and its issues keep their own paths.
    const auto broken
        = ProductPreset::withOverrides(edited(minimalPreset(), u"/health"_s, {}), Json::object());
    QVERIFY(!broken);
    QCOMPARE(broken.error().size(), 1);
    QCOMPARE(broken.error().first().path, u"health"_s);
}

void TestProductPreset::badOverride_data()
{
    QTest::addColumn<QByteArray>("overrides");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reason");

    QTest::addRow("absolute health path") << R"J({"health": {"path": "/ping"}})J"_ba
                                          << u"presetOverrides.health.path"_s << u"must be a path relative"_s;
    QTest::addRow("removing health") << R"J({"health": null})J"_ba << u"presetOverrides.health"_s
                                     << u"missing"_s;
    QTest::addRow("removing required health path")
        << R"J({"health": {"path": null}})J"_ba << u"presetOverrides.health.path"_s << u"missing"_s;
    QTest::addRow("unknown key") << R"J({"helth": {"path": "ping"}})J"_ba << u"presetOverrides.helth"_s
                                 << u"unknown key"_s;
    QTest::addRow("bad regex") << R"J({"version": {"pattern": "(("}})J"_ba
                               << u"presetOverrides.version.pattern"_s << u"not a valid regular expression"_s;
    QTest::addRow("regex without group")
        << R"J({"version": {"pattern": "\\d+"}})J"_ba << u"presetOverrides.version.pattern"_s
        << u"exactly one capture group"_s;
    QTest::addRow("unknown placeholder")
        << R"J({"commands": {"start": "{instalDir}/start"}})J"_ba << u"presetOverrides.commands.start"_s
        << u"unknown placeholder {instalDir}"_s;
    QTest::addRow("evolution going back")
        << R"J({"schema": {"evolutionVersions": {"24": "3.9.0"}}})J"_ba
        << u"presetOverrides.schema.evolutionVersions.24"_s << u"older than"_s;
    QTest::addRow("port out of range") << R"J({"defaults": {"httpPort": 65536}})J"_ba
                                       << u"presetOverrides.defaults.httpPort"_s << u"between 1 and 65535"_s;
    QTest::addRow("section replaced by a string")
        << R"J({"startup": "fast"})J"_ba << u"presetOverrides.startup"_s
        << u"must be an object, not a string"_s;
    QTest::addRow("newer format") << R"J({"format": 2})J"_ba << u"presetOverrides.format"_s << u"newer"_s;
}

void TestProductPreset::badOverride()
{
    QFETCH(QByteArray, overrides);
    QFETCH(QString, path);
    QFETCH(QString, reason);

    const auto result = ProductPreset::withOverrides(fullPreset(), parsed(overrides));
    QVERIFY(!result);
    const ValidationIssues &issues = result.error();
    QVERIFY2(countIssues(issues, path, reason) == 1, describe(path, reason, issues).constData());
    for (const ValidationIssue &issue : issues)
        QVERIFY2(issue.path.startsWith(u"presetOverrides."_s), qPrintable(issue.toString()));
}

void TestProductPreset::versionForEvolution_data()
{
    QTest::addColumn<int>("evolution");
    QTest::addColumn<QString>("expected"); // empty: unknown

    QTest::addRow("17, below the map") << 17 << QString();
    QTest::addRow("0") << 0 << QString();
    QTest::addRow("-1") << -1 << QString();
    QTest::addRow("INT_MIN") << INT_MIN << QString();
    QTest::addRow("18, the first") << 18 << u"3.8.2"_s;
    QTest::addRow("19") << 19 << u"3.8.3"_s;
    QTest::addRow("20") << 20 << u"3.9.1"_s;
    QTest::addRow("21") << 21 << u"3.9.5"_s;
    QTest::addRow("22") << 22 << u"3.9.8"_s;
    QTest::addRow("23, the last") << 23 << u"3.10.1"_s;
    QTest::addRow("24, above the map") << 24 << u"3.10.1"_s;
    QTest::addRow("30") << 30 << u"3.10.1"_s;
    QTest::addRow("INT_MAX") << INT_MAX << u"3.10.1"_s;
}

void TestProductPreset::versionForEvolution()
{
    QFETCH(int, evolution);
    QFETCH(QString, expected);

    const auto preset = ProductPreset::fromJson(fullPreset());
    QVERIFY(preset);
    const Version version = preset->versionForEvolution(evolution);
    if (expected.isEmpty()) {
        QVERIFY2(!version.isKnown(), qPrintable(version.text()));
        QVERIFY((version <=> Version::parse(u"3.8.2")) == std::partial_ordering::unordered);
    } else {
        QVERIFY(version.isKnown());
        QCOMPARE(version.normalized(), expected);
        QVERIFY(version == Version::parse(expected));
    }
}

void TestProductPreset::versionForEvolutionWithoutMap()
{
    const auto preset = ProductPreset::fromJson(minimalPreset());
    QVERIFY(preset);
    for (const int id : {INT_MIN, 0, 18, INT_MAX})
        QVERIFY(!preset->versionForEvolution(id).isKnown());
}

void TestProductPreset::versionForEvolutionKeepsSpelling()
{
    // The map keeps the preset's spelling; the lookup still compares as a version.
    Json document = fullPreset();
    document["schema"]["evolutionVersions"] = parsed(R"J({"18": "v3.8.2", "19": "3.8.3-RC1"})J"_ba);
    const auto preset = ProductPreset::fromJson(document);
    QVERIFY2(preset, preset ? "" : qPrintable(formatIssues(preset.error())));
    QCOMPARE(preset->schema.evolutionVersions.value(18), u"v3.8.2"_s);
    QCOMPARE(preset->versionForEvolution(18).normalized(), u"3.8.2"_s);
    QCOMPARE(preset->versionForEvolution(19).normalized(), u"3.8.3-rc1"_s);
    QVERIFY(preset->versionForEvolution(18) < preset->versionForEvolution(19));
}

void TestProductPreset::expand_data()
{
    QTest::addColumn<QString>("templ");
    QTest::addColumn<Values>("values");
    QTest::addColumn<QString>("expected");

    const Values jatos {{u"installDir"_s, u"/opt/jatos"_s}, {u"dataDir"_s, u"/data"_s},
        {u"sharedDataDir"_s, u"/mnt/shared"_s}, {u"nodeName"_s, u"jatos-1"_s},
        {u"package"_s, u"/tmp/jatos-3.10.4.zip"_s}, {u"version"_s, u"3.10.4"_s}};

    QTest::addRow("one placeholder") << u"{installDir}/loader.sh start"_s << jatos
                                     << u"/opt/jatos/loader.sh start"_s;
    QTest::addRow("same placeholder twice")
        << u"test -f {installDir}/RUNNING_PID && cat {installDir}/RUNNING_PID"_s << jatos
        << u"test -f /opt/jatos/RUNNING_PID && cat /opt/jatos/RUNNING_PID"_s;
    QTest::addRow("every placeholder")
        << u"{installDir}|{dataDir}|{sharedDataDir}|{nodeName}|{package}|{version}"_s << jatos
        << u"/opt/jatos|/data|/mnt/shared|jatos-1|/tmp/jatos-3.10.4.zip|3.10.4"_s;
    QTest::addRow("adjacent placeholders") << u"{nodeName}{version}"_s << jatos << u"jatos-13.10.4"_s;
    QTest::addRow("no placeholder") << u"systemctl start openspecimen"_s << jatos
                                    << u"systemctl start openspecimen"_s;
    QTest::addRow("empty template") << QString() << jatos << QString();
    QTest::addRow("unknown placeholder left alone")
        << u"{installDir}/{instalDir}/x"_s << jatos << u"/opt/jatos/{instalDir}/x"_s;
    QTest::addRow("known placeholder without a value left alone")
        << u"{installDir}/logs/os.{nodeName}.log"_s << Values {{u"installDir"_s, u"/srv/os"_s}}
        << u"/srv/os/logs/os.{nodeName}.log"_s;
    QTest::addRow("no values at all") << u"{installDir}/bin"_s << Values {} << u"{installDir}/bin"_s;
    QTest::addRow("not a placeholder: digits") << u"{installDir}/{1}"_s << jatos << u"/opt/jatos/{1}"_s;
    QTest::addRow("not a placeholder: shell braces")
        << u"${HOME} {installDir} ${JATOS_HOME}"_s << jatos << u"${HOME} /opt/jatos ${JATOS_HOME}"_s;
    QTest::addRow("not a placeholder: empty braces") << u"{} {installDir"_s << jatos << u"{} {installDir"_s;
    QTest::addRow("doubled braces") << u"{{installDir}}"_s << jatos << u"{/opt/jatos}"_s;
    QTest::addRow("value may be empty") << u"[{dataDir}]"_s << Values {{u"dataDir"_s, QString()}} << u"[]"_s;
    // One pass: a value that looks like a placeholder is not expanded again.
    QTest::addRow("values are not expanded again")
        << u"{installDir}/x"_s << Values {{u"installDir"_s, u"{version}"_s}, {u"version"_s, u"1.0"_s}}
        << u"{version}/x"_s;
    QTest::addRow("non-ASCII around") << u"→{nodeName}←"_s << jatos << u"→jatos-1←"_s;
}

void TestProductPreset::expand()
{
    QFETCH(QString, templ);
    QFETCH(Values, values);
    QFETCH(QString, expected);
    QCOMPARE(ProductPreset::expand(templ, values), expected);
}

void TestProductPreset::placeholders()
{
    const QStringList expected {
        u"installDir"_s, u"dataDir"_s, u"sharedDataDir"_s, u"nodeName"_s, u"package"_s, u"version"_s};
    QCOMPARE(ProductPreset::placeholders(), expected);
    // Every placeholder a preset may use is accepted in a command.
    std::string command = "run";
    for (const QString &name : expected)
        command += " {" + name.toStdString() + "}";
    Json document = minimalPreset();
    document["commands"] = Json {{"start", command}};
    const auto result = ProductPreset::fromJson(document);
    QVERIFY2(result, result ? "" : qPrintable(formatIssues(result.error())));
    QCOMPARE(result->commands.start.count(u'{'), expected.size());
}

QTEST_GUILESS_MAIN(TestProductPreset)
#include "tst_productpreset.moc"
