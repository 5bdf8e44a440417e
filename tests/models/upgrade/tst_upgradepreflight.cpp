// Preflight: every check passes on a ready cluster, and each one fails, with its
// reason naming the node or database and both versions, when one fact is broken.

#include "UpgradeTestSupport.h"
#include "upgrade/Preflight.h"

#include <QTest>

#include <functional>

using namespace Qt::StringLiterals;
using namespace UpgradeTestSupport;

using Mutation = std::function<void(UpgradeInputs &)>;
using Severity = PreflightCheck::Severity;
using Status = PreflightCheck::Status;
using Outcome = Preflight::Outcome;

Q_DECLARE_METATYPE(Mutation)
Q_DECLARE_METATYPE(DeploymentKind)
Q_DECLARE_METATYPE(PreflightCheck::Severity)

namespace {

PreflightCheck find(const QList<PreflightCheck> &checks, const QString &id)
{
    for (const PreflightCheck &c : checks) {
        if (c.id == id)
            return c;
    }
    return {};
}

Outcome outcomeWith(UpgradeInputs in, const QList<PreflightCheck> &checks, const QSet<QString> &acknowledged)
{
    in.acknowledged = acknowledged;
    return Preflight::outcome(in, checks);
}

QStringList failed(const QList<PreflightCheck> &checks)
{
    QStringList ids;
    for (const PreflightCheck &c : checks) {
        if (c.status == Status::Fail)
            ids << c.id;
    }
    return ids;
}

} // namespace

class TestUpgradePreflight : public QObject
{
    Q_OBJECT

private slots:
    void readyClusterPasses_data()
    {
        QTest::addColumn<DeploymentKind>("kind");
        QTest::addColumn<QStringList>("ids");
        const QStringList common {u"target"_s, u"unknownVersion"_s, u"downgrade"_s, u"mixedVersions"_s,
            u"nodesReachable"_s, u"nodesHealthy"_s, u"databaseReachable"_s};
        const QStringList tail {u"lock"_s, u"interrupted"_s, u"backup"_s};
        QTest::newRow("hosts") << DeploymentKind::Hosts
                               << (common + QStringList {u"package"_s, u"checksum"_s, u"diskSpace"_s} + tail);
        QTest::newRow("compose") << DeploymentKind::Compose
                                 << (common + QStringList {u"image"_s, u"replicas"_s} + tail);
        QTest::newRow("kubernetes") << DeploymentKind::Kubernetes
                                    << (common + QStringList {u"image"_s, u"replicas"_s} + tail);
    }

    void readyClusterPasses()
    {
        QFETCH(DeploymentKind, kind);
        QFETCH(QStringList, ids);
        const UpgradeInputs in = readyInputs(kind);
        const QList<PreflightCheck> checks = Preflight::run(in);
        QStringList got;
        for (const PreflightCheck &c : checks) {
            got << c.id;
            QVERIFY2(c.status == Status::Pass, qPrintable(c.id + u": "_s + c.reason));
            QVERIFY(!c.title.isEmpty());
        }
        QCOMPARE(got, ids);
        QVERIFY(Preflight::mayStart(checks, {}));
        QCOMPARE(outcomeWith(in, checks, {}), Outcome::Ready);
        QVERIFY(!Preflight::nothingToDo(in));
    }

    // One broken fact: exactly the named check fails, with its severity, and the
    // reason and the fix contain the expected words.
    void eachCheckFails_data()
    {
        QTest::addColumn<DeploymentKind>("kind");
        QTest::addColumn<Mutation>("mutate");
        QTest::addColumn<QString>("id");
        QTest::addColumn<Severity>("severity");
        QTest::addColumn<QStringList>("nodes");
        QTest::addColumn<QStringList>("reasonHas");
        QTest::addColumn<QString>("fixHas");

        const auto hosts = DeploymentKind::Hosts;
        const auto kube = DeploymentKind::Kubernetes;
        const auto compose = DeploymentKind::Compose;
        const auto B = Severity::Blocking;
        const auto W = Severity::Warning;

        QTest::newRow("target unknown")
            << hosts << Mutation([](UpgradeInputs &in) { in.target = Version::parse(u"3.11-SNAPSHOT"); })
            << u"target"_s << B << QStringList {} << QStringList {u"3.11-SNAPSHOT"_s} << u"never guesses"_s;
        QTest::newRow("every node newer: downgrade")
            << hosts << Mutation([](UpgradeInputs &in) {
                   for (UpgradeNodeInputs &n : in.nodes)
                       n.version = Version::parse(u"3.10.5");
                   in.database.schemaVersion = Version::parse(u"3.10.5");
               })
            << u"downgrade"_s << B << QStringList {u"n1"_s, u"n2"_s, u"n3"_s, u"database"_s}
            << QStringList {u"n1 runs 3.10.5"_s, u"target 3.10.4"_s, u"database schema belongs to 3.10.5"_s}
            << u"cannot be downgraded"_s;
        QTest::newRow("schema newer: downgrade")
            << hosts
            << Mutation([](UpgradeInputs &in) { in.database.schemaVersion = Version::parse(u"3.11.0"); })
            << u"downgrade"_s << B << QStringList {u"database"_s}
            << QStringList {u"database schema belongs to 3.11.0"_s, u"target 3.10.4"_s}
            << u"restore a backup"_s;
        QTest::newRow("node unknown")
            << hosts
            << Mutation([](UpgradeInputs &in) { in.nodes[1].version = Version::parse(u"feature-x"); })
            << u"unknownVersion"_s << B << QStringList {u"n2"_s}
            << QStringList {u"node n2 reports \"feature-x\""_s} << u"never guesses"_s;
        QTest::newRow("node version not read")
            << kube << Mutation([](UpgradeInputs &in) { in.nodes[0].version = Version(); })
            << u"unknownVersion"_s << B << QStringList {u"n1"_s} << QStringList {u"node n1"_s}
            << u"never guesses"_s;
        QTest::newRow("schema unknown")
            << hosts << Mutation([](UpgradeInputs &in) { in.database.schemaVersion = Version(); })
            << u"unknownVersion"_s << B << QStringList {u"database"_s} << QStringList {u"database schema"_s}
            << u"never guesses"_s;
        QTest::newRow("mixed versions")
            << hosts << Mutation([](UpgradeInputs &in) { in.nodes[2].version = Version::parse(u"3.9.5"); })
            << u"mixedVersions"_s << W << QStringList {u"n3"_s, u"n1"_s, u"n2"_s}
            << QStringList {u"3.9.5 on n3"_s, u"3.9.8 on n1, n2"_s} << u"Acknowledge"_s;
        QTest::newRow("node unreachable") << hosts << Mutation([](UpgradeInputs &in) {
            in.nodes[1].reachableForControl = false;
            in.nodes[1].controlError = u"connection refused"_s;
        }) << u"nodesReachable"_s << B << QStringList {u"n2"_s}
                                          << QStringList {u"n2: connection refused"_s} << u"SSH"_s;
        QTest::newRow("kube api unreachable") << kube << Mutation([](UpgradeInputs &in) {
            for (UpgradeNodeInputs &n : in.nodes)
                n.reachableForControl = false;
        }) << u"nodesReachable"_s << B << QStringList {u"n1"_s, u"n2"_s, u"n3"_s}
                                              << QStringList {u"n1: not reachable"_s} << u"Kubernetes API"_s;
        QTest::newRow("no nodes") << compose << Mutation([](UpgradeInputs &in) { in.nodes.clear(); })
                                  << u"nodesReachable"_s << B << QStringList {} << QStringList {u"no node"_s}
                                  << u"profile"_s;
        QTest::newRow("node unhealthy")
            << hosts << Mutation([](UpgradeInputs &in) { in.nodes[0].healthy = false; }) << u"nodesHealthy"_s
            << W << QStringList {u"n1"_s} << QStringList {u"n1"_s} << u"acknowledge"_s;
        QTest::newRow("database unreachable") << hosts << Mutation([](UpgradeInputs &in) {
            in.database.reachable = false;
            in.database.error = u"Access denied for user 'jatos'"_s;
        }) << u"databaseReachable"_s << B << QStringList {u"database"_s}
                                              << QStringList {u"Access denied"_s} << u"reachable"_s;
        QTest::newRow("no package") << hosts << Mutation([](UpgradeInputs &in) { in.package.path.clear(); })
                                    << u"package"_s << B << QStringList {}
                                    << QStringList {u"No release package"_s} << u"3.10.4"_s;
        QTest::newRow("package missing")
            << hosts << Mutation([](UpgradeInputs &in) { in.package.size.reset(); }) << u"package"_s << B
            << QStringList {} << QStringList {u"/home/admin/jatos-3.10.4.zip was not found"_s}
            << u"Check the path"_s;
        QTest::newRow("package empty")
            << hosts << Mutation([](UpgradeInputs &in) { in.package.size = 0; }) << u"package"_s << B
            << QStringList {} << QStringList {u"is empty"_s} << u"again"_s;
        QTest::newRow("no checksum known")
            << hosts << Mutation([](UpgradeInputs &in) { in.package.expectedSha256.clear(); })
            << u"checksum"_s << B << QStringList {} << QStringList {u"No SHA-256 is known"_s}
            << u"Give the checksum"_s;
        QTest::newRow("checksum not hex")
            << hosts << Mutation([](UpgradeInputs &in) { in.package.expectedSha256 = u"abc123"_s; })
            << u"checksum"_s << B << QStringList {} << QStringList {u"\"abc123\" is not a SHA-256"_s}
            << u"Give the checksum"_s;
        QTest::newRow("checksum not computed")
            << hosts << Mutation([](UpgradeInputs &in) { in.package.actualSha256.clear(); }) << u"checksum"_s
            << B << QStringList {} << QStringList {u"not computed"_s} << u"Check again"_s;
        QTest::newRow("checksum wrong")
            << hosts << Mutation([](UpgradeInputs &in) { in.package.actualSha256 = DumpSha; })
            << u"checksum"_s << B << QStringList {} << QStringList {DumpSha, PackageSha}
            << u"Download the package again"_s;
        QTest::newRow("disk short") << hosts
                                    << Mutation([](UpgradeInputs &in) { in.nodes[2].freeDiskBytes = 1000; })
                                    << u"diskSpace"_s << B << QStringList {u"n3"_s} << QStringList {u"n3: "_s}
                                    << u"Free disk space"_s;
        QTest::newRow("disk not measured")
            << hosts << Mutation([](UpgradeInputs &in) { in.nodes[0].freeDiskBytes.reset(); })
            << u"diskSpace"_s << B << QStringList {u"n1"_s} << QStringList {u"n1: not measured"_s}
            << u"Free disk space"_s;
        QTest::newRow("no image tag")
            << kube << Mutation([](UpgradeInputs &in) { in.imageTag.clear(); }) << u"image"_s << B
            << QStringList {} << QStringList {u"No image tag"_s} << u"3.10.4"_s;
        QTest::newRow("image tag other version")
            << compose << Mutation([](UpgradeInputs &in) { in.imageTag = u"jatos/jatos:3.10.3"_s; })
            << u"image"_s << B << QStringList {} << QStringList {u"names 3.10.3"_s, u"target 3.10.4"_s}
            << u"3.10.4"_s;
        QTest::newRow("image tag latest")
            << kube << Mutation([](UpgradeInputs &in) { in.imageTag = u"jatos/jatos:latest"_s; })
            << u"image"_s << W << QStringList {} << QStringList {u"does not name a version"_s}
            << u"acknowledge"_s;
        QTest::newRow("image digest")
            << kube << Mutation([](UpgradeInputs &in) { in.imageTag = u"jatos/jatos@sha256:"_s + DumpSha; })
            << u"image"_s << W << QStringList {} << QStringList {u"does not name a version"_s}
            << u"acknowledge"_s;
        QTest::newRow("no replicas") << compose << Mutation([](UpgradeInputs &in) { in.replicas = 0; })
                                     << u"replicas"_s << B << QStringList {} << QStringList {u"not known"_s}
                                     << u"Scale"_s;
        QTest::newRow("locked") << hosts << Mutation([](UpgradeInputs &in) {
            in.lock
                = UpgradeLockHolder {u"alice"_s, u"laptop-7"_s, QDateTime(QDate(2026, 11, 23), QTime(2, 0))};
        }) << u"lock"_s << B << QStringList {}
                                << QStringList {u"alice on laptop-7"_s,
                                       QLocale().toString(
                                           QDateTime(QDate(2026, 11, 23), QTime(2, 0)), QLocale::ShortFormat)}
                                << u"alice"_s;
        QTest::newRow("interrupted") << hosts << Mutation([](UpgradeInputs &in) {
            in.interrupted = InterruptedUpgrade {
                Version::parse(u"3.10.4"), QDateTime(QDate(2026, 11, 22), QTime(23, 0)), 6};
        }) << u"interrupted"_s << B << QStringList {}
                                     << QStringList {u"3.10.4"_s, u"step 7"_s} << u"Resume"_s;
        QTest::newRow("no backup") << hosts << Mutation([](UpgradeInputs &in) { in.backup.command.clear(); })
                                   << u"backup"_s << B << QStringList {}
                                   << QStringList {u"No backup command"_s} << u"\"prod-jatos\""_s;
        QTest::newRow("waiver mistyped") << kube << Mutation([](UpgradeInputs &in) {
            in.backup.command.clear();
            in.backup.waiver = u"prod-jatos "_s;
        }) << u"backup"_s << B << QStringList {}
                                         << QStringList {u"\"prod-jatos \" is not the cluster's name"_s}
                                         << u"exactly"_s;
        QTest::newRow("waiver wrong case") << hosts << Mutation([](UpgradeInputs &in) {
            in.backup.command = u"  "_s;
            in.backup.waiver = u"PROD-JATOS"_s;
        }) << u"backup"_s << B << QStringList {}
                                           << QStringList {u"not the cluster's name"_s} << u"exactly"_s;
    }

    void eachCheckFails()
    {
        QFETCH(DeploymentKind, kind);
        QFETCH(Mutation, mutate);
        QFETCH(QString, id);
        QFETCH(Severity, severity);
        QFETCH(QStringList, nodes);
        QFETCH(QStringList, reasonHas);
        QFETCH(QString, fixHas);

        UpgradeInputs in = readyInputs(kind);
        mutate(in);
        const QList<PreflightCheck> checks = Preflight::run(in);
        QCOMPARE(failed(checks), QStringList {id});
        const PreflightCheck c = find(checks, id);
        QCOMPARE(c.severity, severity);
        QCOMPARE(c.nodes, nodes);
        for (const QString &part : reasonHas)
            QVERIFY2(c.reason.contains(part), qPrintable(c.reason + u" lacks "_s + part));
        QVERIFY2(c.fix.contains(fixHas), qPrintable(c.fix + u" lacks "_s + fixHas));

        if (severity == Severity::Blocking) {
            QVERIFY(!Preflight::mayStart(checks, {id}));
            QCOMPARE(outcomeWith(in, checks, {id}), Outcome::Blocked);
        } else {
            QVERIFY(!Preflight::mayStart(checks, {}));
            QVERIFY(!Preflight::mayStart(checks, {u"other"_s}));
            QCOMPARE(outcomeWith(in, checks, {}), Outcome::NeedsAcknowledgement);
            QVERIFY(Preflight::mayStart(checks, {id}));
            QCOMPARE(outcomeWith(in, checks, {id}), Outcome::Ready);
        }
    }

    void waiverByExactName()
    {
        UpgradeInputs in = readyInputs();
        in.backup.command.clear();
        in.backup.waiver = in.clusterName;
        const QList<PreflightCheck> checks = Preflight::run(in);
        QVERIFY(failed(checks).isEmpty());
        QVERIFY(find(checks, u"backup"_s).reason.contains(u"Waived"_s));
        QVERIFY(Preflight::mayStart(checks, {}));
    }

    void checksumCaseAndSpaceInsensitive()
    {
        UpgradeInputs in = readyInputs();
        in.package.expectedSha256 = u" "_s + PackageSha.toUpper() + u"\n"_s;
        QVERIFY(failed(Preflight::run(in)).isEmpty());
    }

    // Kubernetes and Compose take an image, not a package: the package's checks
    // do not apply and its absence is no failure.
    void orchestratorsIgnorePackage_data()
    {
        QTest::addColumn<DeploymentKind>("kind");
        QTest::newRow("compose") << DeploymentKind::Compose;
        QTest::newRow("kubernetes") << DeploymentKind::Kubernetes;
    }

    void orchestratorsIgnorePackage()
    {
        QFETCH(DeploymentKind, kind);
        UpgradeInputs in = readyInputs(kind);
        in.package = {};
        for (UpgradeNodeInputs &n : in.nodes)
            n.freeDiskBytes.reset();
        QVERIFY(failed(Preflight::run(in)).isEmpty());
    }

    void imageTagForms_data()
    {
        QTest::addColumn<QString>("tag");
        QTest::addColumn<bool>("passes");
        QTest::newRow("bare tag") << u"3.10.4"_s << true;
        QTest::newRow("v tag") << u"v3.10.4"_s << true;
        QTest::newRow("registry with port") << u"registry.local:5000/jatos/jatos:3.10.4"_s << true;
        QTest::newRow("registry with port, no tag") << u"registry.local:5000/jatos/jatos"_s << false;
        QTest::newRow("pre-release of target") << u"jatos/jatos:3.10.4-beta"_s << false;
    }

    void imageTagForms()
    {
        QFETCH(QString, tag);
        QFETCH(bool, passes);
        UpgradeInputs in = readyInputs(DeploymentKind::Kubernetes);
        in.imageTag = tag;
        QCOMPARE(find(Preflight::run(in), u"image"_s).status == Status::Pass, passes);
    }

    void nothingToDo_data()
    {
        QTest::addColumn<bool>("schemaTracked");
        QTest::newRow("schema tracked") << true;
        QTest::newRow("joget: no schema version") << false;
    }

    void nothingToDo()
    {
        QFETCH(bool, schemaTracked);
        UpgradeInputs in = readyInputs();
        for (UpgradeNodeInputs &n : in.nodes)
            n.version = in.target;
        in.database.schemaTracked = schemaTracked;
        in.database.schemaVersion = schemaTracked ? in.target : Version();
        QVERIFY(Preflight::nothingToDo(in));
        const QList<PreflightCheck> checks = Preflight::run(in);
        QCOMPARE(failed(checks), QStringList {u"target"_s});
        QVERIFY(find(checks, u"target"_s).reason.contains(u"nothing to do"_s));
        QVERIFY(!Preflight::mayStart(checks, {}));
        QCOMPARE(outcomeWith(in, checks, {}), Outcome::NothingToDo);
    }

    // JATOS's evolutions name the first release that shipped them: a schema of 3.10.1
    // under nodes on 3.10.4 is that release's schema, so there is nothing to do. An
    // exact version (OpenSpecimen's upgrade log) must equal the target.
    void evolutionsAreALowerBound()
    {
        UpgradeInputs in = readyInputs();
        for (UpgradeNodeInputs &n : in.nodes)
            n.version = in.target;
        in.database.schemaVersion = Version::parse(u"3.9.1");
        in.database.schemaVersionIsLowerBound = true;
        QVERIFY(Preflight::nothingToDo(in));
        QCOMPARE(outcomeWith(in, Preflight::run(in), {}), Outcome::NothingToDo);
        in.database.schemaVersionIsLowerBound = false;
        QVERIFY(!Preflight::nothingToDo(in));
        // A node still older is work to do either way.
        in.database.schemaVersionIsLowerBound = true;
        in.nodes[1].version = Version::parse(u"3.9.1");
        QVERIFY(!Preflight::nothingToDo(in));
    }

    // The schema already on the target while nodes are older: what an aborted run
    // leaves. Not a downgrade and not nothing to do.
    void schemaAheadOfNodesIsAllowed()
    {
        UpgradeInputs in = readyInputs();
        in.database.schemaVersion = in.target;
        in.nodes[0].version = in.target;
        const QList<PreflightCheck> checks = Preflight::run(in);
        QCOMPARE(failed(checks), QStringList {u"mixedVersions"_s});
        QVERIFY(!Preflight::nothingToDo(in));
        QCOMPARE(outcomeWith(in, checks, {u"mixedVersions"_s}), Outcome::Ready);
    }

    // A node newer than the target is refused even when others are older; a
    // pre-release of the target is older than it.
    void downgradeNamesEachNewerNode()
    {
        UpgradeInputs in = readyInputs();
        in.nodes[1].version = Version::parse(u"3.10.5-beta");
        in.nodes[2].version = Version::parse(u"3.10.4-rc1");
        const PreflightCheck c = find(Preflight::run(in), u"downgrade"_s);
        QCOMPARE(c.status, Status::Fail);
        QCOMPARE(c.nodes, QStringList {u"n2"_s});
        QVERIFY(c.reason.contains(u"n2 runs 3.10.5-beta"_s));
    }

    // Joget keeps no schema version: "not tracked" is neither unknown nor compared.
    void untrackedSchemaIsNotUnknown()
    {
        UpgradeInputs in = readyInputs();
        in.database.schemaTracked = false;
        in.database.schemaVersion = Version();
        QVERIFY(failed(Preflight::run(in)).isEmpty());
        in.database.schemaVersion = Version::parse(u"9.0");
        QVERIFY(failed(Preflight::run(in)).isEmpty());
    }

    // Unknown versions are refused as unknown, never as a downgrade or mixed.
    void unknownIsNeverCompared()
    {
        UpgradeInputs in = readyInputs();
        in.target = Version::parse(u"latest");
        const QList<PreflightCheck> checks = Preflight::run(in);
        QCOMPARE(failed(checks), QStringList {u"target"_s});
        QVERIFY(!Preflight::nothingToDo(in));
        QCOMPARE(outcomeWith(in, checks, {}), Outcome::Blocked);
    }

    void severalFailuresAllReported()
    {
        UpgradeInputs in = readyInputs();
        in.lock = UpgradeLockHolder {u"bob"_s, u"ws-2"_s, QDateTime(QDate(2026, 1, 1), QTime(0, 0))};
        in.backup.command.clear();
        in.nodes[0].version = Version::parse(u"4.0.0");
        QCOMPARE(failed(Preflight::run(in)),
            (QStringList {u"downgrade"_s, u"mixedVersions"_s, u"lock"_s, u"backup"_s}));
    }
};

QTEST_GUILESS_MAIN(TestUpgradePreflight)
#include "tst_upgradepreflight.moc"
