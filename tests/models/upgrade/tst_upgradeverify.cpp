// The judgements after an upgrade step: the version a node reports, and where the
// schema went, for each kind of schema bookkeeping.
#include "upgrade/UpgradeVerify.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestUpgradeVerify : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nodeVersion()
    {
        const Version target = Version::parse(u"3.10.5");
        QVERIFY(!UpgradeVerify::nodeVersion(u"jatos-1"_s, Version::parse(u"3.10.5"), target));
        const auto older = UpgradeVerify::nodeVersion(u"jatos-1"_s, Version::parse(u"3.10.4"), target);
        QVERIFY(older);
        QVERIFY(
            older->contains(u"jatos-1"_s) && older->contains(u"3.10.4"_s) && older->contains(u"3.10.5"_s));
        QVERIFY(UpgradeVerify::nodeVersion(u"jatos-1"_s, Version::parse(u"3.10.6"), target));
        const auto unknown = UpgradeVerify::nodeVersion(u"jatos-1"_s, Version(), target);
        QVERIFY(unknown && unknown->contains(u"does not report"_s));
    }

    void schema_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<bool>("ok");
        const int evolutions = int(SchemaProbe::Kind::Evolutions);
        const int log = int(SchemaProbe::Kind::UpgradeLog);
        // target 3.10.5 (JATOS) / 11.1 (OpenSpecimen)
        QTest::addRow("evolutions moved forward") << evolutions << u"3.9.8"_s << u"3.10.1"_s << true;
        QTest::addRow("evolutions unchanged (release without new ones)")
            << evolutions << u"3.10.1"_s << u"3.10.1"_s << true;
        QTest::addRow("evolutions beyond the target") << evolutions << u"3.10.1"_s << u"3.11.0"_s << false;
        QTest::addRow("evolutions went back") << evolutions << u"3.10.1"_s << u"3.9.8"_s << false;
        QTest::addRow("evolutions unreadable") << evolutions << u"3.10.1"_s << QString() << false;
        QTest::addRow("upgrade log at the target") << log << u"11.0"_s << u"11.1"_s << true;
        QTest::addRow("upgrade log still old") << log << u"11.0"_s << u"11.0"_s << false;
        QTest::addRow("upgrade log empty") << log << u"11.0"_s << QString() << false;
        QTest::addRow("no bookkeeping") << int(SchemaProbe::Kind::None) << QString() << QString() << true;
    }

    void schema()
    {
        QFETCH(int, kind);
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(bool, ok);
        const auto k = SchemaProbe::Kind(kind);
        const Version target = Version::parse(k == SchemaProbe::Kind::UpgradeLog ? u"11.1" : u"3.10.5");
        const auto problem
            = UpgradeVerify::schemaAfterUpgrade(k, before.isEmpty() ? Version() : Version::parse(before),
                after.isEmpty() ? Version() : Version::parse(after), target);
        QCOMPARE(!problem.has_value(), ok);
        if (problem)
            QVERIFY(!problem->isEmpty());
    }

    void imageToSet_data()
    {
        QTest::addColumn<QString>("current");
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("expected");
        QTest::addRow("tag replaces the tag")
            << u"jatos/jatos:3.10.4"_s << u"3.10.5"_s << u"jatos/jatos:3.10.5"_s;
        QTest::addRow("registry port kept") << u"registry:5000/jatos/jatos:3.10.4"_s << u" 3.10.5 "_s
                                            << u"registry:5000/jatos/jatos:3.10.5"_s;
        QTest::addRow("untagged image")
            << u"registry:5000/jatos/jatos"_s << u"3.10.5"_s << u"registry:5000/jatos/jatos:3.10.5"_s;
        QTest::addRow("digest replaced")
            << u"jatos/jatos@sha256:0123abcd"_s << u"3.10.5"_s << u"jatos/jatos:3.10.5"_s;
        QTest::addRow("whole reference as typed")
            << u"jatos/jatos:3.10.4"_s << u"mirror.example/jatos:3.10.5"_s
            << u"mirror.example/jatos:3.10.5"_s;
        QTest::addRow("name and tag as typed")
            << u"jatos/jatos:3.10.4"_s << u"jatos:3.10.5"_s << u"jatos:3.10.5"_s;
        QTest::addRow("tag without an image in use") << QString() << u"3.10.5"_s << QString();
        QTest::addRow("nothing typed") << u"jatos/jatos:3.10.4"_s << QString() << QString();
    }

    void imageToSet()
    {
        QFETCH(QString, current);
        QFETCH(QString, typed);
        QFETCH(QString, expected);
        QCOMPARE(UpgradeVerify::imageToSet(current, typed), expected);
    }
};

QTEST_GUILESS_MAIN(TestUpgradeVerify)
#include "tst_upgradeverify.moc"
