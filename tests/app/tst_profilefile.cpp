// Reading and writing profile files: every problem named, atomic saves, paths
// resolved against the profile's folder.
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QString example()
{
    return QStringLiteral(CLUSTERDESK_SOURCE_DIR "/resources/examples/jatos-example.json");
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestProfileFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loadsTheExampleFromDiskAndResources();
    void fileProblemsAreNamed();
    void saveAndLoadRoundTrip();
    void saveRefusesAnInvalidProfileAndKeepsTheOldFile();
    void saveFailureLeavesNoPartialFile();
    void unknownSecretNameForProduct();
    void resolvePath_data();
    void resolvePath();
};

void TestProfileFile::loadsTheExampleFromDiskAndResources()
{
    for (const QString &path : {example(), u":/examples/jatos-example.json"_s}) {
        const auto loaded = ProfileFile::load(path, PresetRegistry::builtIn());
        QVERIFY2(loaded.has_value(), loaded ? "" : qPrintable(formatIssues(loaded.error())));
        QCOMPARE(loaded->profile.name, u"Example JATOS cluster"_s);
        QCOMPARE(loaded->profile.nodes.size(), 3);
        QCOMPARE(loaded->preset.id, u"jatos"_s);
    }
}

void TestProfileFile::fileProblemsAreNamed()
{
    QTemporaryDir dir;
    auto loaded = ProfileFile::load(dir.filePath(u"missing.json"_s), PresetRegistry::builtIn());
    QVERIFY(!loaded.has_value());
    QVERIFY(loaded.error().first().reason.contains(u"missing.json does not exist"_s));

    const QString big = dir.filePath(u"big.json"_s);
    QVERIFY(writeFile(big, QByteArray(ProfileFile::MaxSize + 10, ' ')));
    loaded = ProfileFile::load(big, PresetRegistry::builtIn());
    QVERIFY(!loaded.has_value());
    QVERIFY(loaded.error().first().reason.contains(u"too large to be a profile"_s));

    loaded = ProfileFile::load(dir.path(), PresetRegistry::builtIn());
    QVERIFY(!loaded.has_value());
    QVERIFY(loaded.error().first().reason.contains(u"cannot read"_s));
}

void TestProfileFile::saveAndLoadRoundTrip()
{
    const auto loaded = ProfileFile::load(example(), PresetRegistry::builtIn());
    QVERIFY(loaded.has_value());
    QTemporaryDir dir;
    const QString path = dir.filePath(u"copy.json"_s);
    const auto saved = ProfileFile::save(loaded->profile, path);
    QVERIFY2(saved.has_value(), saved ? "" : qPrintable(saved.error().message));
    const auto again = ProfileFile::load(path, PresetRegistry::builtIn());
    QVERIFY(again.has_value());
    QCOMPARE(again->profile, loaded->profile);
    QVERIFY(readFile(path).startsWith("{\n    \"format\": 1,"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList {u"copy.json"_s}); // no temporary left
}

void TestProfileFile::saveRefusesAnInvalidProfileAndKeepsTheOldFile()
{
    auto loaded = ProfileFile::load(example(), PresetRegistry::builtIn());
    QVERIFY(loaded.has_value());
    QTemporaryDir dir;
    const QString path = dir.filePath(u"p.json"_s);
    QVERIFY(ProfileFile::save(loaded->profile, path).has_value());
    const QByteArray before = readFile(path);

    ClusterProfile broken = loaded->profile;
    broken.nodes[1].name = u"has space"_s;
    const auto saved = ProfileFile::save(broken, path);
    QVERIFY(!saved.has_value());
    QVERIFY(saved.error().message.contains(u"nodes[1].name: contains whitespace"_s));
    QCOMPARE(readFile(path), before);
}

void TestProfileFile::saveFailureLeavesNoPartialFile()
{
    const auto loaded = ProfileFile::load(example(), PresetRegistry::builtIn());
    QVERIFY(loaded.has_value());
    QTemporaryDir dir;
    const QString path = dir.filePath(u"no-such-folder/p.json"_s);
    const auto saved = ProfileFile::save(loaded->profile, path);
    QVERIFY(!saved.has_value());
    QVERIFY(saved.error().message.contains(u"Cannot write"_s));
    QVERIFY(saved.error().message.contains(u"p.json"_s));
    QVERIFY(!QFile::exists(path));
}

void TestProfileFile::unknownSecretNameForProduct()
{
    auto loaded = ProfileFile::load(example(), PresetRegistry::builtIn());
    QVERIFY(loaded.has_value());
    ClusterProfile profile = loaded->profile;
    profile.secrets.insert(u"appSecrte"_s, SecretRef {u"x/y"_s});
    const auto checked = ProfileFile::check(profile, PresetRegistry::builtIn());
    QVERIFY(!checked.has_value());
    QCOMPARE(checked.error().first().path, u"secrets.appSecrte"_s);
    QVERIFY(checked.error().first().reason.contains(u"known: appSecret"_s));
}

void TestProfileFile::resolvePath_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");
    const QString base = QDir::cleanPath(QDir::tempPath() + u"/profiles"_s);
    QTest::addRow("empty stays empty") << base + u"/p.json"_s << QString() << QString();
    QTest::addRow("relative to profile")
        << base + u"/p.json"_s << u"known_hosts"_s << base + u"/known_hosts"_s;
    QTest::addRow("relative with ..")
        << base + u"/p.json"_s << u"../keys/id"_s << QDir::cleanPath(QDir::tempPath() + u"/keys/id"_s);
    QTest::addRow("home") << base + u"/p.json"_s << u"~/.ssh/id_ed25519"_s
                          << QDir::homePath() + u"/.ssh/id_ed25519"_s;
    QTest::addRow("absolute") << base + u"/p.json"_s << u"/etc/ssh/known"_s << u"/etc/ssh/known"_s;
}

void TestProfileFile::resolvePath()
{
    QFETCH(QString, profile);
    QFETCH(QString, path);
    QFETCH(QString, expected);
    QCOMPARE(ProfileFile::resolvePath(profile, path), expected);
}

QTEST_GUILESS_MAIN(TestProfileFile)
#include "tst_profilefile.moc"
