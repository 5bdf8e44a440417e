// Version parsing and ordering: the rule that decides whether an upgrade is allowed,
// so every comparison is checked in both directions and through every operator.

#include "Version.h"

#include <QStringList>
#include <QTest>

#include <algorithm>
#include <compare>

using namespace Qt::StringLiterals;

namespace {

const char *orderingName(std::partial_ordering order)
{
    if (order == std::partial_ordering::less)
        return "less";
    if (order == std::partial_ordering::greater)
        return "greater";
    if (order == std::partial_ordering::equivalent)
        return "equivalent";
    return "unordered";
}

// Versions that are certainly known, to compare the unknown ones against.
QStringList knownSamples()
{
    return {u"3.10.4"_s, u"v3.10.4"_s, u"0.0"_s, u"3.9.8-beta"_s, u"8.0-RC2"_s, u"11.0"_s, u"1.2.3.4"_s};
}

} // namespace

class TestVersion : public QObject
{
    Q_OBJECT

private slots:
    void defaultIsUnknown();

    void parse_data();
    void parse();

    void lessThan_data();
    void lessThan();

    void equal_data();
    void equal();

    void unknown_data();
    void unknown();

    void sortsReleaseHistory();
};

void TestVersion::defaultIsUnknown()
{
    const Version none;
    QVERIFY(!none.isKnown());
    QVERIFY(!none.isPreRelease());
    QVERIFY(none.text().isEmpty());
    QVERIFY(none.normalized().isEmpty());
    QCOMPARE(none.componentCount(), 0);
    QVERIFY(!(none == none));
    QVERIFY((none <=> none) == std::partial_ordering::unordered);
    QVERIFY(!(none == Version::parse(u"3.10.4")));
}

void TestVersion::parse_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("normalized");
    QTest::addColumn<QList<int>>("components");
    QTest::addColumn<int>("stage");
    QTest::addColumn<int>("stageNumber");

    const int alpha = static_cast<int>(Version::Stage::Alpha);
    const int beta = static_cast<int>(Version::Stage::Beta);
    const int rc = static_cast<int>(Version::Stage::ReleaseCandidate);
    const int release = static_cast<int>(Version::Stage::Release);

    // JATOS
    QTest::addRow("jatos release") << u"3.10.4"_s << u"3.10.4"_s << u"3.10.4"_s << QList<int> {3, 10, 4}
                                   << release << 0;
    QTest::addRow("jatos git tag") << u"v3.10.4"_s << u"v3.10.4"_s << u"3.10.4"_s << QList<int> {3, 10, 4}
                                   << release << 0;
    QTest::addRow("jatos beta") << u"3.9.8-beta"_s << u"3.9.8-beta"_s << u"3.9.8-beta"_s
                                << QList<int> {3, 9, 8} << beta << 0;
    QTest::addRow("jatos alpha") << u"3.8.1-alpha"_s << u"3.8.1-alpha"_s << u"3.8.1-alpha"_s
                                 << QList<int> {3, 8, 1} << alpha << 0;
    QTest::addRow("rc with number") << u"3.8.1-rc1"_s << u"3.8.1-rc1"_s << u"3.8.1-rc1"_s
                                    << QList<int> {3, 8, 1} << rc << 1;
    QTest::addRow("rc with dot number")
        << u"3.8.1-rc.2"_s << u"3.8.1-rc.2"_s << u"3.8.1-rc2"_s << QList<int> {3, 8, 1} << rc << 2;
    QTest::addRow("alpha with number")
        << u"3.8.1-alpha3"_s << u"3.8.1-alpha3"_s << u"3.8.1-alpha3"_s << QList<int> {3, 8, 1} << alpha << 3;
    // OpenSpecimen
    QTest::addRow("openspecimen two parts")
        << u"v11.0"_s << u"v11.0"_s << u"11.0"_s << QList<int> {11, 0} << release << 0;
    QTest::addRow("openspecimen three parts")
        << u"v10.3.2"_s << u"v10.3.2"_s << u"10.3.2"_s << QList<int> {10, 3, 2} << release << 0;
    QTest::addRow("capital V") << u"V11.0.2"_s << u"V11.0.2"_s << u"11.0.2"_s << QList<int> {11, 0, 2}
                               << release << 0;
    // Joget
    QTest::addRow("joget release") << u"8.0.12"_s << u"8.0.12"_s << u"8.0.12"_s << QList<int> {8, 0, 12}
                                   << release << 0;
    QTest::addRow("joget RC2") << u"8.0-RC2"_s << u"8.0-RC2"_s << u"8.0-rc2"_s << QList<int> {8, 0} << rc
                               << 2;
    QTest::addRow("joget BETA") << u"8.0-BETA"_s << u"8.0-BETA"_s << u"8.0-beta"_s << QList<int> {8, 0}
                                << beta << 0;
    // Tag case does not matter; the canonical spelling is lower case.
    QTest::addRow("tag Beta") << u"3.9.8-Beta"_s << u"3.9.8-Beta"_s << u"3.9.8-beta"_s << QList<int> {3, 9, 8}
                              << beta << 0;
    QTest::addRow("tag ALPHA") << u"3.8.1-ALPHA"_s << u"3.8.1-ALPHA"_s << u"3.8.1-alpha"_s
                               << QList<int> {3, 8, 1} << alpha << 0;
    QTest::addRow("tag Rc") << u"8.0-Rc1"_s << u"8.0-Rc1"_s << u"8.0-rc1"_s << QList<int> {8, 0} << rc << 1;
    // Whitespace around the text is not part of it.
    QTest::addRow("leading and trailing spaces")
        << u"  3.10.4  "_s << u"3.10.4"_s << u"3.10.4"_s << QList<int> {3, 10, 4} << release << 0;
    QTest::addRow("tab and newline") << u"\tv11.0\n"_s << u"v11.0"_s << u"11.0"_s << QList<int> {11, 0}
                                     << release << 0;
    QTest::addRow("VERSION.txt line end")
        << u"8.0.12\r\n"_s << u"8.0.12"_s << u"8.0.12"_s << QList<int> {8, 0, 12} << release << 0;
    // Leading zeros are read as numbers.
    QTest::addRow("leading zeros") << u"03.010.04"_s << u"03.010.04"_s << u"3.10.4"_s << QList<int> {3, 10, 4}
                                   << release << 0;
    QTest::addRow("four components") << u"1.2.3.4"_s << u"1.2.3.4"_s << u"1.2.3.4"_s
                                     << QList<int> {1, 2, 3, 4} << release << 0;
    QTest::addRow("nine-digit component") << u"999999999.0"_s << u"999999999.0"_s << u"999999999.0"_s
                                          << QList<int> {999999999, 0} << release << 0;
}

void TestVersion::parse()
{
    QFETCH(QString, input);
    QFETCH(QString, text);
    QFETCH(QString, normalized);
    QFETCH(QList<int>, components);
    QFETCH(int, stage);
    QFETCH(int, stageNumber);

    const Version version = Version::parse(input);
    QVERIFY(version.isKnown());
    QCOMPARE(version.text(), text);
    QCOMPARE(version.normalized(), normalized);
    QCOMPARE(version.componentCount(), components.size());
    for (int i = 0; i < components.size(); ++i)
        QCOMPARE(version.component(i), components.at(i));
    // Components past the end read as zero, and so do nonsense indexes.
    QCOMPARE(version.component(static_cast<int>(components.size())), 0);
    QCOMPARE(version.component(Version::MaxComponents), 0);
    QCOMPARE(version.component(-1), 0);
    QCOMPARE(static_cast<int>(version.stage()), stage);
    QCOMPARE(version.stageNumber(), stageNumber);
    QCOMPARE(version.isPreRelease(), stage != static_cast<int>(Version::Stage::Release));

    // The canonical spelling is itself a known version equal to the original.
    const Version reparsed = Version::parse(version.normalized());
    QVERIFY(reparsed.isKnown());
    QVERIFY(reparsed == version);
    QCOMPARE(reparsed.normalized(), normalized);
}

void TestVersion::lessThan_data()
{
    QTest::addColumn<QString>("lower");
    QTest::addColumn<QString>("higher");

    // JATOS
    QTest::addRow("beta before its release") << u"3.9.8-beta"_s << u"3.9.8"_s;
    QTest::addRow("alpha before beta") << u"3.8.1-alpha"_s << u"3.8.1-beta"_s;
    QTest::addRow("beta before rc1") << u"3.8.1-beta"_s << u"3.8.1-rc1"_s;
    QTest::addRow("rc1 before release") << u"3.8.1-rc1"_s << u"3.8.1"_s;
    QTest::addRow("alpha before release") << u"3.8.1-alpha"_s << u"3.8.1"_s;
    QTest::addRow("rc1 before rc2") << u"3.8.1-rc1"_s << u"3.8.1-rc2"_s;
    QTest::addRow("rc without number before rc1") << u"3.8.1-rc"_s << u"3.8.1-rc1"_s;
    QTest::addRow("numeric not lexical minor") << u"3.9.99"_s << u"3.10.4"_s;
    QTest::addRow("numeric not lexical patch") << u"3.10.9"_s << u"3.10.10"_s;
    QTest::addRow("release before next alpha") << u"3.9.8"_s << u"3.9.9-alpha"_s;
    QTest::addRow("pre-release of newer minor") << u"3.9.99"_s << u"3.10.0-alpha"_s;
    QTest::addRow("git tag against plain") << u"v3.9.8"_s << u"3.10.4"_s;
    QTest::addRow("plain against git tag") << u"3.9.8"_s << u"v3.10.4"_s;
    // OpenSpecimen
    QTest::addRow("v10.3 before v10.3.2") << u"v10.3"_s << u"v10.3.2"_s;
    QTest::addRow("v10.3.2 before v11.0") << u"v10.3.2"_s << u"v11.0"_s;
    QTest::addRow("v10.3 before v11.0") << u"v10.3"_s << u"v11.0"_s;
    QTest::addRow("v11.0 before v11.0.2") << u"v11.0"_s << u"v11.0.2"_s;
    QTest::addRow("major 9 before major 10") << u"9.99.99.99"_s << u"10.0"_s;
    // Joget
    QTest::addRow("RC1 before RC2") << u"8.0-RC1"_s << u"8.0-RC2"_s;
    QTest::addRow("BETA before RC2") << u"8.0-BETA"_s << u"8.0-RC2"_s;
    QTest::addRow("RC2 before release") << u"8.0-RC2"_s << u"8.0"_s;
    QTest::addRow("BETA before release") << u"8.0-BETA"_s << u"8.0"_s;
    QTest::addRow("8.0 before 8.0.12") << u"8.0"_s << u"8.0.12"_s;
    QTest::addRow("RC2 before 8.0.12") << u"8.0-RC2"_s << u"8.0.12"_s;
    QTest::addRow("8.0.9 before 8.0.12") << u"8.0.9"_s << u"8.0.12"_s;
    // Mixed tag case and four components
    QTest::addRow("beta upper before rc lower") << u"8.0-BETA"_s << u"8.0-rc1"_s;
    QTest::addRow("three before four components") << u"1.2.3"_s << u"1.2.3.1"_s;
    QTest::addRow("fourth component") << u"1.2.3.4"_s << u"1.2.3.5"_s;
}

void TestVersion::lessThan()
{
    QFETCH(QString, lower);
    QFETCH(QString, higher);
    const Version a = Version::parse(lower);
    const Version b = Version::parse(higher);
    QVERIFY(a.isKnown());
    QVERIFY(b.isKnown());

    QVERIFY(a < b);
    QVERIFY(b > a);
    QVERIFY(a <= b);
    QVERIFY(b >= a);
    QVERIFY(a != b);
    QVERIFY(b != a);
    QVERIFY(!(b < a));
    QVERIFY(!(a > b));
    QVERIFY(!(b <= a));
    QVERIFY(!(a >= b));
    QVERIFY(!(a == b));
    QVERIFY(!(b == a));
    QVERIFY2((a <=> b) == std::partial_ordering::less, orderingName(a <=> b));
    QVERIFY2((b <=> a) == std::partial_ordering::greater, orderingName(b <=> a));
}

void TestVersion::equal_data()
{
    QTest::addColumn<QString>("left");
    QTest::addColumn<QString>("right");

    QTest::addRow("v3.10.4 equals 3.10.4") << u"v3.10.4"_s << u"3.10.4"_s;
    QTest::addRow("v11.0 equals 11.0.0") << u"v11.0"_s << u"11.0.0"_s;
    QTest::addRow("v11.0 equals 11.0") << u"v11.0"_s << u"11.0"_s;
    QTest::addRow("V11.0 equals v11.0") << u"V11.0"_s << u"v11.0"_s;
    QTest::addRow("missing components are zero") << u"11.0"_s << u"11.0.0.0"_s;
    QTest::addRow("RC2 equals rc2") << u"8.0-RC2"_s << u"8.0-rc2"_s;
    QTest::addRow("rc.1 equals rc1") << u"3.8.1-rc.1"_s << u"3.8.1-rc1"_s;
    QTest::addRow("BETA equals beta") << u"3.9.8-BETA"_s << u"3.9.8-beta"_s;
    QTest::addRow("Alpha equals alpha") << u"3.8.1-Alpha"_s << u"3.8.1-alpha"_s;
    QTest::addRow("surrounding whitespace") << u"  3.10.4\n"_s << u"3.10.4"_s;
    QTest::addRow("leading zeros") << u"03.010.04"_s << u"3.10.4"_s;
    QTest::addRow("same text") << u"8.0.12"_s << u"8.0.12"_s;
}

void TestVersion::equal()
{
    QFETCH(QString, left);
    QFETCH(QString, right);
    const Version a = Version::parse(left);
    const Version b = Version::parse(right);
    QVERIFY(a.isKnown());
    QVERIFY(b.isKnown());

    QVERIFY(a == b);
    QVERIFY(b == a);
    QVERIFY(!(a != b));
    QVERIFY(!(a < b));
    QVERIFY(!(b < a));
    QVERIFY(!(a > b));
    QVERIFY(!(b > a));
    QVERIFY(a <= b);
    QVERIFY(a >= b);
    QVERIFY(b <= a);
    QVERIFY(b >= a);
    QVERIFY2((a <=> b) == std::partial_ordering::equivalent, orderingName(a <=> b));
    QVERIFY2((b <=> a) == std::partial_ordering::equivalent, orderingName(b <=> a));
}

void TestVersion::unknown_data()
{
    QTest::addColumn<QString>("input");

    QTest::addRow("joget snapshot") << u"8.0-SNAPSHOT"_s;
    QTest::addRow("branch develop") << u"develop"_s;
    QTest::addRow("branch feature/x") << u"feature/x"_s;
    QTest::addRow("empty") << QString();
    QTest::addRow("blanks") << u"   "_s;
    QTest::addRow("one component") << u"3"_s;
    QTest::addRow("wildcard component") << u"3.x"_s;
    QTest::addRow("only v") << u"v"_s;
    QTest::addRow("five components") << u"1.2.3.4.5"_s;
    QTest::addRow("unknown tag gamma") << u"3.9.8-gamma"_s;
    QTest::addRow("tag without dash") << u"3.9.8beta"_s;
    QTest::addRow("dangling dash") << u"3.9.8-"_s;
    QTest::addRow("space before tag") << u"3.9.8 beta"_s;
    QTest::addRow("empty component") << u"3..8"_s;
    QTest::addRow("trailing dot") << u"3.9."_s;
    QTest::addRow("negative") << u"-3.9"_s;
    QTest::addRow("docker image tag") << u"jatos/jatos:3.10.4"_s;
    QTest::addRow("VERSION.txt with build") << u"8.0.12 - build abc1234"_s;
    QTest::addRow("ten-digit component") << u"1234567890.0"_s;
    QTest::addRow("fullwidth digits") << u"\uFF13.\uFF11\uFF10.\uFF14"_s;
    QTest::addRow("arabic-indic digits") << u"\u0663.\u0661\u0660"_s;
    QTest::addRow("latest") << u"latest"_s;
}

void TestVersion::unknown()
{
    QFETCH(QString, input);
    const Version version = Version::parse(input);

    QVERIFY(!version.isKnown());
    QVERIFY(!version.isPreRelease());
    QCOMPARE(version.text(), input.trimmed());
    QCOMPARE(version.normalized(), input.trimmed());

    // Against itself, a second parse of the same text, a default Version and
    // every known sample, in both directions: nothing is ordered.
    QList<Version> others {version, Version::parse(input), Version()};
    for (const QString &sample : knownSamples()) {
        const Version known = Version::parse(sample);
        QVERIFY2(known.isKnown(), qPrintable(sample));
        others << known;
    }
    for (const Version &other : std::as_const(others)) {
        const QByteArray what = "against \"" + other.text().toUtf8() + '"';
        QVERIFY2(!(version < other), what.constData());
        QVERIFY2(!(version > other), what.constData());
        QVERIFY2(!(version == other), what.constData());
        QVERIFY2(!(version <= other), what.constData());
        QVERIFY2(!(version >= other), what.constData());
        QVERIFY2(version != other, what.constData());
        QVERIFY2((version <=> other) == std::partial_ordering::unordered, what.constData());
        QVERIFY2(!(other < version), what.constData());
        QVERIFY2(!(other > version), what.constData());
        QVERIFY2(!(other == version), what.constData());
        QVERIFY2(!(other <= version), what.constData());
        QVERIFY2(!(other >= version), what.constData());
        QVERIFY2((other <=> version) == std::partial_ordering::unordered, what.constData());
    }
}

void TestVersion::sortsReleaseHistory()
{
    // JATOS releases in the order they shipped, pre-releases before their release.
    const QStringList shipped {u"3.8.1-alpha"_s, u"3.8.1-beta"_s, u"3.8.1-rc1"_s, u"3.8.1"_s, u"3.8.2"_s,
        u"3.8.3"_s, u"3.9.1"_s, u"3.9.5"_s, u"3.9.8-beta"_s, u"3.9.8"_s, u"3.10.1"_s, u"v3.10.4"_s};
    QList<Version> versions;
    for (qsizetype i = shipped.size() - 1; i >= 0; --i)
        versions << Version::parse(shipped.at(i));
    std::rotate(versions.begin(), versions.begin() + 5, versions.end());

    std::sort(versions.begin(), versions.end(), [](const Version &a, const Version &b) { return a < b; });
    QStringList sorted;
    for (const Version &version : std::as_const(versions))
        sorted << version.text();
    QCOMPARE(sorted, shipped);
}

QTEST_GUILESS_MAIN(TestVersion)
#include "tst_version.moc"
