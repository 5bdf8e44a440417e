// ConfigFields and ConfigFiles: which settings the editors know, what they may hold,
// and reading and writing them in the products' real files without touching the rest.

#include "ConfigTestData.h"
#include "ProductPreset.h"
#include "config/ConfigFields.h"
#include "config/ConfigFiles.h"
#include "formats/OpenSpecimenClusterJson.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace ConfigTestData;

using Role = ConfigFileRole;
using Kind = ConfigField::Kind;
using Scope = ConfigField::Scope;

Q_DECLARE_METATYPE(ConfigFileRole)

namespace {

ConfigField fieldOf(const QString &product, const QString &id)
{
    const std::optional<ConfigField> field = ConfigFields::find(product, id);
    if (!field)
        qFatal("no field %s for %s", qPrintable(id), qPrintable(product));
    return *field;
}

QStringList ids(const QList<ConfigField> &fields)
{
    QStringList out;
    for (const ConfigField &field : fields)
        out << field.id;
    return out;
}

// The indexes of the lines that differ; the line counts must be equal.
QList<qsizetype> changedLines(const QStringList &before, const QStringList &after)
{
    QList<qsizetype> out;
    for (qsizetype i = 0; i < std::min(before.size(), after.size()); ++i) {
        if (before[i] != after[i])
            out << i;
    }
    return out;
}

} // namespace

class TestConfigFields : public QObject
{
    Q_OBJECT

private slots:
    void fieldsPerProduct_data();
    void fieldsPerProduct();
    void fieldAttributes();
    void genericHasNoFields();

    void validate_data();
    void validate();

    void read_data();
    void read();
    void readFailsOnGarbledFile_data();
    void readFailsOnGarbledFile();

    void writeChangesOneLine_data();
    void writeChangesOneLine();
    void writeAddsAbsentSetting_data();
    void writeAddsAbsentSetting();
    void writeClusterJson_data();
    void writeClusterJson();
    void writeClusterJsonIntoEmptyFile();
    void writeClusterJsonSameValueKeepsBytes_data();
    void writeClusterJsonSameValueKeepsBytes();
    void writeFailsOnGarbledFile();

    void filesForNode();
    void filesNeedAbsoluteFolders();
    void roleNamesAndEditors();
};

void TestConfigFields::fieldsPerProduct_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("jatos") << u"jatos"_s
                           << QStringList {u"jatos.multiNode"_s, u"jatos.db.url"_s, u"jatos.db.username"_s,
                                  u"jatos.db.password"_s, u"jatos.secret"_s, u"jatos.http.port"_s,
                                  u"jatos.studyAssetsRootPath"_s, u"jatos.resultUploads.path"_s,
                                  u"jatos.studyLogs.path"_s, u"jatos.tmpPath"_s};
    QTest::newRow("openspecimen") << u"openspecimen"_s
                                  << QStringList {u"node.name"_s, u"database.host"_s, u"database.port"_s,
                                         u"database.name"_s, u"database.username"_s, u"database.password"_s,
                                         u"cluster.secret"_s, u"cluster.notifTimeout"_s,
                                         u"cluster.notifErrorRcpts"_s, u"tomcat.jvmRoute"_s};
    QTest::newRow("joget") << u"joget"_s
                           << QStringList {u"workflowDriver"_s, u"workflowUrl"_s, u"workflowUser"_s,
                                  u"workflowPassword"_s, u"wflow.name"_s, u"tomcat.jvmRoute"_s};
}

void TestConfigFields::fieldsPerProduct()
{
    QFETCH(QString, product);
    QFETCH(QStringList, expected);
    QCOMPARE(ids(ConfigFields::forProduct(product)), expected);
    for (const QString &id : std::as_const(expected)) {
        const std::optional<ConfigField> field = ConfigFields::find(product, id);
        QVERIFY2(field, qPrintable(id));
        QCOMPARE(field->id, id);
        QVERIFY(!field->label.isEmpty());
        QVERIFY(!field->key.isEmpty());
    }
    QVERIFY(!ConfigFields::find(product, u"no.such.field"_s));
}

void TestConfigFields::fieldAttributes()
{
    // Only the node names are identities; jvmRoute differs per node but may change.
    for (const QString &product : {u"jatos"_s, u"openspecimen"_s, u"joget"_s}) {
        for (const ConfigField &field : ConfigFields::forProduct(product)) {
            const bool identity = field.id == u"node.name"_s || field.id == u"wflow.name"_s;
            QVERIFY2(field.identity == identity, qPrintable(product + u' ' + field.id));
            const bool perNode = identity || field.id == u"tomcat.jvmRoute"_s;
            QVERIFY2((field.scope == Scope::Node) == perNode, qPrintable(product + u' ' + field.id));
            QVERIFY2((field.kind == Kind::Secret) == !field.secretName.isEmpty(), qPrintable(field.id));
        }
    }
    QCOMPARE(fieldOf(u"jatos"_s, u"jatos.secret"_s).key, u"play.http.secret.key"_s);
    QCOMPARE(fieldOf(u"jatos"_s, u"jatos.secret"_s).secretName, u"appSecret"_s);
    QCOMPARE(fieldOf(u"jatos"_s, u"jatos.db.password"_s).secretName, u"database.password"_s);
    QCOMPARE(fieldOf(u"openspecimen"_s, u"cluster.secret"_s).secretName, u"clusterSecret"_s);
    QCOMPARE(fieldOf(u"openspecimen"_s, u"cluster.secret"_s).role, Role::OpenSpecimenClusterJson);
    QCOMPARE(fieldOf(u"openspecimen"_s, u"tomcat.jvmRoute"_s).role, Role::TomcatServerXml);
    QCOMPARE(fieldOf(u"joget"_s, u"wflow.name"_s).role, Role::JogetCatalinaProperties);
    QCOMPARE(fieldOf(u"joget"_s, u"workflowPassword"_s).role, Role::JogetDatasource);
}

void TestConfigFields::genericHasNoFields()
{
    QVERIFY(ConfigFields::forProduct(u"generic"_s).isEmpty());
    QVERIFY(ConfigFields::forProduct(QString()).isEmpty());
    QVERIFY(!ConfigFields::find(u"generic"_s, u"jatos.secret"_s));
    // A field of one product is not one of another.
    QVERIFY(!ConfigFields::find(u"joget"_s, u"node.name"_s));
    QVERIFY(!ConfigFields::find(u"jatos"_s, u"tomcat.jvmRoute"_s));
}

void TestConfigFields::validate_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("minLength");
    QTest::addColumn<bool>("valid");

    const QString jatos = u"jatos"_s;
    const QString os = u"openspecimen"_s;
    // Bool
    QTest::newRow("bool true") << jatos << u"jatos.multiNode"_s << u"true"_s << 0 << true;
    QTest::newRow("bool false") << jatos << u"jatos.multiNode"_s << u"false"_s << 0 << true;
    QTest::newRow("bool yes") << jatos << u"jatos.multiNode"_s << u"yes"_s << 0 << false;
    QTest::newRow("bool True") << jatos << u"jatos.multiNode"_s << u"True"_s << 0 << false;
    QTest::newRow("bool empty") << jatos << u"jatos.multiNode"_s << QString() << 0 << false;
    // Port
    QTest::newRow("port 9000") << jatos << u"jatos.http.port"_s << u"9000"_s << 0 << true;
    QTest::newRow("port 1") << jatos << u"jatos.http.port"_s << u"1"_s << 0 << true;
    QTest::newRow("port 65535") << os << u"database.port"_s << u"65535"_s << 0 << true;
    QTest::newRow("port 0") << jatos << u"jatos.http.port"_s << u"0"_s << 0 << false;
    QTest::newRow("port 65536") << os << u"database.port"_s << u"65536"_s << 0 << false;
    QTest::newRow("port -1") << jatos << u"jatos.http.port"_s << u"-1"_s << 0 << false;
    QTest::newRow("port word") << jatos << u"jatos.http.port"_s << u"http"_s << 0 << false;
    QTest::newRow("port empty") << jatos << u"jatos.http.port"_s << QString() << 0 << false;
    // Seconds (OpenSpecimen's notifTimeout: 5 to 3600)
    QTest::newRow("seconds 5") << os << u"cluster.notifTimeout"_s << u"5"_s << 0 << true;
    QTest::newRow("seconds 3600") << os << u"cluster.notifTimeout"_s << u"3600"_s << 0 << true;
    QTest::newRow("seconds 4") << os << u"cluster.notifTimeout"_s << u"4"_s << 0 << false;
    QTest::newRow("seconds 3601") << os << u"cluster.notifTimeout"_s << u"3601"_s << 0 << false;
    QTest::newRow("seconds 1.5") << os << u"cluster.notifTimeout"_s << u"1.5"_s << 0 << false;
    QTest::newRow("seconds word") << os << u"cluster.notifTimeout"_s << u"ten"_s << 0 << false;
    // JDBC URL
    QTest::newRow("jdbc mysql") << jatos << u"jatos.db.url"_s << QString::fromUtf8(JdbcUrl) << 0 << true;
    QTest::newRow("jdbc mariadb") << u"joget"_s << u"workflowUrl"_s << u"jdbc:mariadb://db:3306/jwdb"_s << 0
                                  << true;
    QTest::newRow("jdbc h2") << jatos << u"jatos.db.url"_s << u"jdbc:h2:./database/jatos"_s << 0 << false;
    QTest::newRow("jdbc postgresql") << jatos << u"jatos.db.url"_s << u"jdbc:postgresql://db/jatos"_s << 0
                                     << false;
    QTest::newRow("jdbc with space") << jatos << u"jatos.db.url"_s << u"jdbc:mysql://db/ja tos"_s << 0
                                     << false;
    QTest::newRow("jdbc empty") << jatos << u"jatos.db.url"_s << QString() << 0 << false;
    // Path
    QTest::newRow("path absolute") << jatos << u"jatos.tmpPath"_s << u"/srv/jatos/tmp"_s << 0 << true;
    QTest::newRow("path relative") << jatos << u"jatos.tmpPath"_s << u"tmp"_s << 0 << false;
    QTest::newRow("path empty") << jatos << u"jatos.studyLogs.path"_s << QString() << 0 << false;
    QTest::newRow("path two lines") << jatos << u"jatos.tmpPath"_s << u"/srv\n/tmp"_s << 0 << false;
    // E-mail list
    QTest::newRow("emails none") << os << u"cluster.notifErrorRcpts"_s << QString() << 0 << true;
    QTest::newRow("emails one") << os << u"cluster.notifErrorRcpts"_s << u"ops@example.org"_s << 0 << true;
    QTest::newRow("emails two") << os << u"cluster.notifErrorRcpts"_s << u"ops@example.org, dba@example.com"_s
                                << 0 << true;
    QTest::newRow("emails one bad") << os << u"cluster.notifErrorRcpts"_s << u"ops@example.org, nobody"_s << 0
                                    << false;
    QTest::newRow("emails no domain")
        << os << u"cluster.notifErrorRcpts"_s << u"root@localhost"_s << 0 << false;
    // Node names
    QTest::newRow("name os-1") << os << u"node.name"_s << u"os-1"_s << 0 << true;
    QTest::newRow("name 63") << os << u"node.name"_s << QString(63, u'n') << 0 << true;
    QTest::newRow("name 64") << os << u"node.name"_s << QString(64, u'n') << 0 << false;
    QTest::newRow("name with space") << os << u"node.name"_s << u"os 1"_s << 0 << false;
    QTest::newRow("name empty") << u"joget"_s << u"wflow.name"_s << QString() << 0 << false;
    QTest::newRow("route slash") << os << u"tomcat.jvmRoute"_s << u"a/b"_s << 0 << false;
    QTest::newRow("route ok") << os << u"tomcat.jvmRoute"_s << u"route_1.b"_s << 0 << true;
    // Text
    QTest::newRow("text") << jatos << u"jatos.db.username"_s << u"jatos"_s << 0 << true;
    QTest::newRow("text empty") << jatos << u"jatos.db.username"_s << QString() << 0 << true;
    QTest::newRow("text two lines") << jatos << u"jatos.db.username"_s << u"a\nb"_s << 0 << false;
    QTest::newRow("text carriage return") << u"joget"_s << u"workflowUser"_s << u"a\rb"_s << 0 << false;
    // Secret
    QTest::newRow("secret no minimum") << jatos << u"jatos.secret"_s << u"x"_s << 0 << true;
    QTest::newRow("secret at minimum") << jatos << u"jatos.secret"_s << QString(32, u's') << 32 << true;
    QTest::newRow("secret below minimum") << jatos << u"jatos.secret"_s << QString(31, u's') << 32 << false;
    QTest::newRow("secret two lines") << os << u"database.password"_s << u"pass\nword"_s << 0 << false;
}

void TestConfigFields::validate()
{
    QFETCH(QString, product);
    QFETCH(QString, id);
    QFETCH(QString, value);
    QFETCH(int, minLength);
    QFETCH(bool, valid);

    const ConfigField field = fieldOf(product, id);
    const Result<void> result = ConfigFields::validate(field, value, minLength);
    QCOMPARE(result.has_value(), valid);
    if (!valid) {
        QVERIFY2(result.error().message.contains(id), qPrintable(result.error().message));
        QVERIFY2(result.error().message.contains(field.label), qPrintable(result.error().message));
    }
    if (!valid && field.kind == Kind::Secret && !value.contains(u'\n')) {
        QVERIFY2(!result.error().message.contains(value), "a refused secret is not repeated");
    }
}

void TestConfigFields::read_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("present");
    QTest::addColumn<QString>("expected");

    const QString jatos = u"jatos"_s;
    const QByteArray conf = jatosConf();
    QTest::newRow("jatos multiNode") << jatos << conf << u"jatos.multiNode"_s << true << u"true"_s;
    QTest::newRow("jatos db url") << jatos << conf << u"jatos.db.url"_s << true << QString::fromUtf8(JdbcUrl);
    QTest::newRow("jatos db user") << jatos << conf << u"jatos.db.username"_s << true << u"jatos"_s;
    QTest::newRow("jatos db password")
        << jatos << conf << u"jatos.db.password"_s << true << QString::fromUtf8(DbPassword);
    QTest::newRow("jatos secret") << jatos << conf << u"jatos.secret"_s << true
                                  << QString::fromUtf8(AppSecret);
    QTest::newRow("jatos port") << jatos << conf << u"jatos.http.port"_s << true << u"9000"_s;
    QTest::newRow("jatos tmp") << jatos << conf << u"jatos.tmpPath"_s << true << u"/srv/jatos-shared/tmp"_s;
    QTest::newRow("jatos assets") << jatos << conf << u"jatos.studyAssetsRootPath"_s << true
                                  << u"/srv/jatos-shared/study_assets_root"_s;
    QTest::newRow("jatos default: multiNode commented out")
        << jatos << JatosDefaultConf << u"jatos.multiNode"_s << false << QString();
    QTest::newRow("jatos default: secret commented out")
        << jatos << JatosDefaultConf << u"jatos.secret"_s << false << QString();

    const QString os = u"openspecimen"_s;
    OpenSpecimenNode lion;
    lion.nodeName = u"lion"_s;
    const QByteArray props = openSpecimenProperties(lion);
    QTest::newRow("os node.name") << os << props << u"node.name"_s << true << u"lion"_s;
    QTest::newRow("os host") << os << props << u"database.host"_s << true << u"10.0.0.5"_s;
    QTest::newRow("os port") << os << props << u"database.port"_s << true << u"3306"_s;
    QTest::newRow("os schema") << os << props << u"database.name"_s << true << u"openspecimen"_s;
    QTest::newRow("os user") << os << props << u"database.username"_s << true << u"openspecimen"_s;
    QTest::newRow("os password") << os << props << u"database.password"_s << true
                                 << QString::fromUtf8(DbPassword);
    OpenSpecimenNode unnamed;
    unnamed.nodeName.clear();
    QTest::newRow("os without node.name")
        << os << openSpecimenProperties(unnamed) << u"node.name"_s << false << QString();
    QTest::newRow("os cluster secret")
        << os << clusterJson() << u"cluster.secret"_s << true << QString::fromUtf8(ClusterSecret);
    QTest::newRow("os notifTimeout") << os << clusterJson() << u"cluster.notifTimeout"_s << true << u"60"_s;
    QTest::newRow("os recipients") << os << clusterJson() << u"cluster.notifErrorRcpts"_s << true
                                   << u"ops@example.org"_s;
    QTest::newRow("os recipients, two")
        << os
        << QByteArray(R"({"notifErrorRcpts":["a@example.org","b@example.org"],"secret":"s","nodes":[]})")
        << u"cluster.notifErrorRcpts"_s << true << u"a@example.org, b@example.org"_s;
    QTest::newRow("os empty cluster JSON")
        << os << QByteArray("\n") << u"cluster.secret"_s << false << QString();
    QTest::newRow("os jvmRoute") << os << serverXml(u"OpenSpecimen"_s, 8080, u"os-2"_s)
                                 << u"tomcat.jvmRoute"_s << true << u"os-2"_s;
    QTest::newRow("os no jvmRoute") << os << serverXml(u"OpenSpecimen"_s, 8080, QString())
                                    << u"tomcat.jvmRoute"_s << false << QString();

    const QString joget = u"joget"_s;
    QTest::newRow("joget user") << joget << jogetDatasource() << u"workflowUser"_s << true << u"joget"_s;
    QTest::newRow("joget password") << joget << jogetDatasource() << u"workflowPassword"_s << true
                                    << QString::fromUtf8(DbPassword);
    QTest::newRow("joget driver") << joget << jogetDatasource() << u"workflowDriver"_s << true
                                  << u"com.mysql.cj.jdbc.Driver"_s;
    QTest::newRow("joget url") << joget << jogetDatasource() << u"workflowUrl"_s << true
                               << u"jdbc:mysql://10.0.0.5:3306/jwdb?characterEncoding=UTF-8&useSSL=false&"
                                  "serverTimezone=UTC"_s;
    QTest::newRow("joget wflow.name")
        << joget << catalinaProperties(u"joget-2"_s) << u"wflow.name"_s << true << u"joget-2"_s;
    QTest::newRow("joget no wflow.name")
        << joget << catalinaProperties(QString()) << u"wflow.name"_s << false << QString();
}

void TestConfigFields::read()
{
    QFETCH(QString, product);
    QFETCH(QByteArray, content);
    QFETCH(QString, id);
    QFETCH(bool, present);
    QFETCH(QString, expected);

    const Result<std::optional<QString>> value
        = ConfigFields::read(fieldOf(product, id), content, u"node-1:f"_s);
    QVERIFY2(value, value ? "" : qPrintable(value.error().message));
    QCOMPARE(value->has_value(), present);
    if (present)
        QCOMPARE(**value, expected);
}

void TestConfigFields::readFailsOnGarbledFile_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QByteArray>("content");

    QTest::newRow("jatos.conf unterminated string")
        << u"jatos"_s << u"jatos.multiNode"_s
        << QByteArray("jatos.multiNode = true\njatos.db.url = \"jdbc:mysql\n");
    QTest::newRow("jatos.conf unbalanced brace")
        << u"jatos"_s << u"jatos.secret"_s << QByteArray("jatos {\n");
    QTest::newRow("properties not UTF-8")
        << u"openspecimen"_s << u"database.host"_s << QByteArray("database.host=db\xff\xfe\n");
    QTest::newRow("server.xml not well-formed")
        << u"openspecimen"_s << u"tomcat.jvmRoute"_s
        << QByteArray("<Server><Service><Engine name=\"x\"></Server>");
    QTest::newRow("server.xml without Engine")
        << u"joget"_s << u"tomcat.jvmRoute"_s << QByteArray("<?xml version=\"1.0\"?>\n<Server/>\n");
    QTest::newRow("cluster JSON not JSON")
        << u"openspecimen"_s << u"cluster.secret"_s << QByteArray("{nodes: [}");
    QTest::newRow("cluster JSON wrong type")
        << u"openspecimen"_s << u"cluster.notifTimeout"_s << QByteArray(R"({"secret": 5, "nodes": []})");
}

void TestConfigFields::readFailsOnGarbledFile()
{
    QFETCH(QString, product);
    QFETCH(QString, id);
    QFETCH(QByteArray, content);

    const QString label = u"node-7:/opt/x/conf/file"_s;
    const Result<std::optional<QString>> value = ConfigFields::read(fieldOf(product, id), content, label);
    QVERIFY(!value);
    QVERIFY2(value.error().message.contains(label), qPrintable(value.error().message));
}

void TestConfigFields::writeChangesOneLine_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expectedLine");

    const QString jatos = u"jatos"_s;
    const QByteArray conf = jatosConf();
    QTest::newRow("jatos bool unquoted")
        << jatos << conf << u"jatos.multiNode"_s << u"false"_s << u"jatos.multiNode = false"_s;
    QTest::newRow("jatos port unquoted")
        << jatos << conf << u"jatos.http.port"_s << u"9001"_s << u"jatos.http.port = 9001"_s;
    QTest::newRow("jatos url quoted")
        << jatos << conf << u"jatos.db.url"_s << u"jdbc:mariadb://db2:3306/jatos"_s
        << u"jatos.db.url = \"jdbc:mariadb://db2:3306/jatos\""_s;
    QTest::newRow("jatos user quoted") << jatos << conf << u"jatos.db.username"_s << u"jatos_app"_s
                                       << u"jatos.db.username = \"jatos_app\""_s;
    QTest::newRow("jatos numeric-looking user quoted")
        << jatos << conf << u"jatos.db.username"_s << u"1234"_s << u"jatos.db.username = \"1234\""_s;
    QTest::newRow("jatos password with quote") << jatos << conf << u"jatos.db.password"_s << u"p\"w\\d"_s
                                               << u"jatos.db.password = \"p\\\"w\\\\d\""_s;
    QTest::newRow("jatos secret") << jatos << conf << u"jatos.secret"_s
                                  << u"n3w-S3cret-value-of-some-length"_s
                                  << u"play.http.secret.key = \"n3w-S3cret-value-of-some-length\""_s;
    QTest::newRow("jatos path") << jatos << conf << u"jatos.tmpPath"_s << u"/mnt/jatos/tmp"_s
                                << u"jatos.tmpPath = \"/mnt/jatos/tmp\""_s;

    const QString os = u"openspecimen"_s;
    const QByteArray props = openSpecimenProperties();
    QTest::newRow("os node.name") << os << props << u"node.name"_s << u"lion"_s << u"node.name=lion"_s;
    QTest::newRow("os host") << os << props << u"database.host"_s << u"db.example.org"_s
                             << u"database.host=db.example.org"_s;
    QTest::newRow("os port") << os << props << u"database.port"_s << u"3307"_s << u"database.port=3307"_s;
    QTest::newRow("os password") << os << props << u"database.password"_s << u"n3w-pass"_s
                                 << u"database.password=n3w-pass"_s;
    QTest::newRow("os password with leading space")
        << os << props << u"database.password"_s << u" lead"_s << u"database.password=\\ lead"_s;
    QTest::newRow("os jvmRoute")
        << os << serverXml(u"OpenSpecimen"_s, 8080, u"os-1"_s) << u"tomcat.jvmRoute"_s << u"route-b"_s
        << u"    <Engine name=\"Catalina\" defaultHost=\"localhost\" jvmRoute=\"route-b\">"_s;
    QTest::newRow("os jvmRoute added")
        << os << serverXml(u"OpenSpecimen"_s, 8080, QString()) << u"tomcat.jvmRoute"_s << u"os-3"_s
        << u"    <Engine name=\"Catalina\" defaultHost=\"localhost\" jvmRoute=\"os-3\">"_s;

    const QString joget = u"joget"_s;
    QTest::newRow("joget user") << joget << jogetDatasource() << u"workflowUser"_s << u"jw"_s
                                << u"workflowUser=jw"_s;
    QTest::newRow("joget url") << joget << jogetDatasource() << u"workflowUrl"_s << u"jdbc:mariadb://db/jw"_s
                               << u"workflowUrl=jdbc:mariadb://db/jw"_s;
    QTest::newRow("joget wflow.name") << joget << catalinaProperties(u"joget-1"_s) << u"wflow.name"_s
                                      << u"joget-9"_s << u"wflow.name=joget-9"_s;
}

void TestConfigFields::writeChangesOneLine()
{
    QFETCH(QString, product);
    QFETCH(QByteArray, content);
    QFETCH(QString, id);
    QFETCH(QString, value);
    QFETCH(QString, expectedLine);

    const ConfigField field = fieldOf(product, id);
    const Result<QByteArray> written = ConfigFields::write(field, content, value, u"n:f"_s);
    QVERIFY2(written, written ? "" : qPrintable(written.error().message));

    const QStringList before = linesOf(content);
    const QStringList after = linesOf(*written);
    QCOMPARE(after.size(), before.size());
    const QList<qsizetype> changed = changedLines(before, after);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(after[changed.first()], expectedLine);

    const Result<std::optional<QString>> reread = ConfigFields::read(field, *written, u"n:f"_s);
    QVERIFY(reread && *reread);
    QCOMPARE(**reread, value);
}

void TestConfigFields::writeAddsAbsentSetting_data()
{
    QTest::addColumn<QString>("product");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expectedLine");

    QTest::newRow("jatos multiNode in the release's file")
        << u"jatos"_s << JatosDefaultConf << u"jatos.multiNode"_s << u"true"_s << u"jatos.multiNode = true"_s;
    QTest::newRow("jatos secret in the release's file") << u"jatos"_s << JatosDefaultConf << u"jatos.secret"_s
                                                        << u"abc"_s << u"play.http.secret.key = \"abc\""_s;
    QTest::newRow("joget wflow.name") << u"joget"_s << catalinaProperties(QString()) << u"wflow.name"_s
                                      << u"joget-1"_s << u"wflow.name=joget-1"_s;
    OpenSpecimenNode unnamed;
    unnamed.nodeName.clear();
    QTest::newRow("os node.name") << u"openspecimen"_s << openSpecimenProperties(unnamed) << u"node.name"_s
                                  << u"os-1"_s << u"node.name=os-1"_s;
}

void TestConfigFields::writeAddsAbsentSetting()
{
    QFETCH(QString, product);
    QFETCH(QByteArray, content);
    QFETCH(QString, id);
    QFETCH(QString, value);
    QFETCH(QString, expectedLine);

    const ConfigField field = fieldOf(product, id);
    const Result<QByteArray> written = ConfigFields::write(field, content, value, u"n:f"_s);
    QVERIFY2(written, written ? "" : qPrintable(written.error().message));
    QVERIFY(written->startsWith(content)); // nothing before is touched
    QCOMPARE(QString::fromUtf8(written->mid(content.size())).trimmed(), expectedLine);
    const Result<std::optional<QString>> reread = ConfigFields::read(field, *written, u"n:f"_s);
    QVERIFY(reread && *reread);
    QCOMPARE(**reread, value);
}

void TestConfigFields::writeClusterJson_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QStringList>("recipients");
    QTest::addColumn<int>("timeout");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("reread");

    const QStringList ops {u"ops@example.org"_s};
    const QString secret = QString::fromUtf8(ClusterSecret);
    QTest::newRow("recipients split on commas")
        << u"cluster.notifErrorRcpts"_s << u"a@example.org, b@example.org,c@example.org"_s
        << QStringList {u"a@example.org"_s, u"b@example.org"_s, u"c@example.org"_s} << 60 << secret
        << u"a@example.org, b@example.org, c@example.org"_s;
    QTest::newRow("recipients, empty parts dropped")
        << u"cluster.notifErrorRcpts"_s << u" ,a@example.org,, "_s << QStringList {u"a@example.org"_s} << 60
        << secret << u"a@example.org"_s;
    QTest::newRow("recipients cleared")
        << u"cluster.notifErrorRcpts"_s << QString() << QStringList {} << 60 << secret << QString();
    QTest::newRow("timeout") << u"cluster.notifTimeout"_s << u"120"_s << ops << 120 << secret << u"120"_s;
    QTest::newRow("secret") << u"cluster.secret"_s << u"another-cluster-secret-0123456789abcdef"_s << ops
                            << 60 << u"another-cluster-secret-0123456789abcdef"_s
                            << u"another-cluster-secret-0123456789abcdef"_s;
}

void TestConfigFields::writeClusterJson()
{
    QFETCH(QString, id);
    QFETCH(QString, value);
    QFETCH(QStringList, recipients);
    QFETCH(int, timeout);
    QFETCH(QString, secret);
    QFETCH(QString, reread);

    const ConfigField field = fieldOf(u"openspecimen"_s, id);
    const QByteArray before = clusterJson();
    const Result<QByteArray> written = ConfigFields::write(field, before, value, u"n:cluster.json"_s);
    QVERIFY2(written, written ? "" : qPrintable(written.error().message));

    const auto parsed = OpenSpecimenClusterJson::parse(*written);
    QVERIFY2(parsed, qPrintable(parsed ? QString() : formatIssues(parsed.error())));
    QCOMPARE(parsed->notifErrorRcpts, recipients);
    QCOMPARE(parsed->notifTimeout, timeout);
    QCOMPARE(parsed->secret, secret);
    // The node list is kept as it was.
    const QList<OpenSpecimenClusterNode> nodes {
        {u"os-1"_s, openSpecimenUrl(1)}, {u"os-2"_s, openSpecimenUrl(2)}, {u"os-3"_s, openSpecimenUrl(3)}};
    QCOMPARE(parsed->nodes, nodes);

    const Result<std::optional<QString>> value2 = ConfigFields::read(field, *written, u"n:cluster.json"_s);
    QVERIFY(value2 && *value2);
    QCOMPARE(**value2, reread);
}

void TestConfigFields::writeClusterJsonIntoEmptyFile()
{
    const ConfigField field = fieldOf(u"openspecimen"_s, u"cluster.secret"_s);
    const Result<QByteArray> written
        = ConfigFields::write(field, QByteArray(), u"s3cret"_s, u"n:cluster.json"_s);
    QVERIFY(written);
    const auto parsed = OpenSpecimenClusterJson::parse(*written);
    QVERIFY(parsed);
    QCOMPARE(parsed->secret, u"s3cret"_s);
    QVERIFY(parsed->nodes.isEmpty());
}

void TestConfigFields::writeClusterJsonSameValueKeepsBytes_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("value");
    QTest::newRow("timeout") << u"cluster.notifTimeout"_s << u"60"_s;
    QTest::newRow("recipients, other spacing") << u"cluster.notifErrorRcpts"_s << u" ops@example.org ,"_s;
    QTest::newRow("secret") << u"cluster.secret"_s << QString::fromUtf8(ClusterSecret);
}

void TestConfigFields::writeClusterJsonSameValueKeepsBytes()
{
    // The hand-written file is laid out unlike toJson(): a value it already has must
    // not turn into a rewrite of the whole file.
    QFETCH(QString, id);
    QFETCH(QString, value);
    const QByteArray before = clusterJson();
    const Result<QByteArray> written
        = ConfigFields::write(fieldOf(u"openspecimen"_s, id), before, value, u"n:cluster.json"_s);
    QVERIFY(written);
    QCOMPARE(*written, before);
}

void TestConfigFields::writeFailsOnGarbledFile()
{
    const QString label = u"jatos-2:/opt/jatos/conf/jatos.conf"_s;
    const Result<QByteArray> conf = ConfigFields::write(fieldOf(u"jatos"_s, u"jatos.multiNode"_s),
        QByteArray("jatos {\n  multiNode = true\n"), u"true"_s, label);
    QVERIFY(!conf);
    QVERIFY2(conf.error().message.contains(label), qPrintable(conf.error().message));

    const Result<QByteArray> json = ConfigFields::write(fieldOf(u"openspecimen"_s, u"cluster.notifTimeout"_s),
        QByteArray("[1, 2"), u"60"_s, u"os-1:cluster.json"_s);
    QVERIFY(!json);
    QVERIFY2(json.error().message.contains(u"os-1:cluster.json"_s), qPrintable(json.error().message));

    const Result<QByteArray> xml = ConfigFields::write(
        fieldOf(u"joget"_s, u"tomcat.jvmRoute"_s), QByteArray("<Server>"), u"r"_s, u"joget-1:server.xml"_s);
    QVERIFY(!xml);
    QVERIFY2(xml.error().message.contains(u"joget-1:server.xml"_s), qPrintable(xml.error().message));
}

void TestConfigFields::filesForNode()
{
    ProductPreset preset;
    preset.installDir = u"/opt/product/"_s; // a trailing slash is not doubled
    const NodeSpec plain {u"n1"_s, QUrl(u"http://10.0.1.1/"_s), {}, {}, {}};
    const NodeSpec own {u"n2"_s, QUrl(u"http://10.0.1.2/"_s), u"/srv/n2"_s, {}, {}};

    ClusterProfile jatos = profile(u"jatos"_s);
    const auto jatosFiles = ConfigFiles::forNode(jatos, preset, plain);
    QVERIFY(jatosFiles);
    QCOMPARE(
        *jatosFiles, (QList<ConfigFileSpec> {{Role::JatosConf, u"/opt/product/conf/jatos.conf"_s, false}}));
    const auto ownFiles = ConfigFiles::forNode(jatos, preset, own);
    QVERIFY(ownFiles);
    QCOMPARE(*ownFiles, (QList<ConfigFileSpec> {{Role::JatosConf, u"/srv/n2/conf/jatos.conf"_s, false}}));

    // The data folder: the preset's, else the profile's shared folder.
    const auto osFiles = ConfigFiles::forNode(profile(u"openspecimen"_s), preset, plain);
    QVERIFY(osFiles);
    QCOMPARE(*osFiles,
        (QList<ConfigFileSpec> {
            {Role::OpenSpecimenProperties, u"/opt/product/conf/openspecimen.properties"_s, false},
            {Role::TomcatServerXml, u"/opt/product/conf/server.xml"_s, false},
            {Role::OpenSpecimenClusterJson, u"/srv/os-data/config-settings/cluster.json"_s, true},
        }));

    ProductPreset joget = preset;
    joget.dataDir = u"/srv/joget/wflow"_s;
    const auto jogetFiles = ConfigFiles::forNode(profile(u"joget"_s), joget, plain);
    QVERIFY(jogetFiles);
    QCOMPARE(*jogetFiles,
        (QList<ConfigFileSpec> {
            {Role::JogetDatasource, u"/srv/joget/wflow/app_datasource-default.properties"_s, true},
            {Role::JogetCatalinaProperties, u"/opt/product/apache-tomcat/conf/catalina.properties"_s, false},
            {Role::TomcatServerXml, u"/opt/product/apache-tomcat/conf/server.xml"_s, false},
        }));

    ClusterProfile generic = profile(u"jatos"_s);
    generic.product = u"generic"_s;
    const auto none = ConfigFiles::forNode(generic, preset, plain);
    QVERIFY(none);
    QVERIFY(none->isEmpty());
}

void TestConfigFields::filesNeedAbsoluteFolders()
{
    ProductPreset preset;
    preset.installDir = u"opt/product"_s;
    const NodeSpec node {u"node-3"_s, QUrl(u"http://10.0.1.3/"_s), {}, {}, {}};
    const auto relative = ConfigFiles::forNode(profile(u"jatos"_s), preset, node);
    QVERIFY(!relative);
    QVERIFY2(relative.error().message.contains(u"node-3"_s), qPrintable(relative.error().message));
    QVERIFY2(relative.error().message.contains(u"opt/product"_s), qPrintable(relative.error().message));

    preset.installDir = u"/opt/openspecimen"_s;
    ClusterProfile os = profile(u"openspecimen"_s);
    os.sharedDataDir.clear();
    const auto noData = ConfigFiles::forNode(os, preset, node);
    QVERIFY(!noData);
    QVERIFY2(noData.error().message.contains(u"node-3"_s), qPrintable(noData.error().message));
}

void TestConfigFields::roleNamesAndEditors()
{
    QCOMPARE(ConfigFiles::roleName(Role::JatosConf), u"jatos.conf"_s);
    QCOMPARE(ConfigFiles::roleName(Role::OpenSpecimenProperties), u"openspecimen.properties"_s);
    QCOMPARE(ConfigFiles::roleName(Role::TomcatServerXml), u"server.xml"_s);
    QCOMPARE(ConfigFiles::roleName(Role::JogetDatasource), u"app_datasource-default.properties"_s);
    QCOMPARE(ConfigFiles::roleName(Role::JogetCatalinaProperties), u"catalina.properties"_s);
    QVERIFY(!ConfigFiles::roleName(Role::OpenSpecimenClusterJson).isEmpty());
    QVERIFY(ConfigFiles::hasEditor(u"jatos"_s));
    QVERIFY(ConfigFiles::hasEditor(u"openspecimen"_s));
    QVERIFY(ConfigFiles::hasEditor(u"joget"_s));
    QVERIFY(!ConfigFiles::hasEditor(u"generic"_s));

    ClusterConfigSnapshot snapshot = healthy(u"openspecimen"_s);
    QVERIFY(snapshot.node(u"os-2"_s));
    QVERIFY(!snapshot.node(u"os-9"_s));
    const NodeConfigSnapshot *node = snapshot.node(u"os-2"_s);
    QVERIFY(node->file(Role::TomcatServerXml));
    QCOMPARE(node->file(Role::TomcatServerXml)->spec.role, Role::TomcatServerXml);
    QVERIFY(!node->file(Role::JatosConf));
}

QTEST_APPLESS_MAIN(TestConfigFields)

#include "tst_configfields.moc"
