// UpgradePlan: the steps for each kind of deployment, and the invariant check that
// proves them safe and catches hand-broken orders.

#include "UpgradeTestSupport.h"
#include "upgrade/UpgradePlan.h"

#include <QTest>

#include <functional>

using namespace Qt::StringLiterals;
using namespace UpgradeTestSupport;

using Kind = UpgradeStep::Kind;
using Breakage = std::function<void(QList<UpgradeStep> &)>;

Q_DECLARE_METATYPE(Breakage)
Q_DECLARE_METATYPE(DeploymentKind)

namespace {

// "kind[:node|:replicas]" per step, compact enough to compare whole plans.
QStringList outline(const UpgradePlan &plan)
{
    QStringList out;
    for (const UpgradeStep &s : plan.steps()) {
        QString line = UpgradeStep::kindName(s.kind);
        if (s.node)
            line += u':' + *s.node;
        else if (s.replicas > 0)
            line += u':' + QString::number(s.replicas);
        out << line;
    }
    return out;
}

void renumber(QList<UpgradeStep> &steps)
{
    for (qsizetype i = 0; i < steps.size(); ++i)
        steps[i].index = int(i);
}

qsizetype indexOf(const QList<UpgradeStep> &steps, Kind kind, const QString &node = {}, int replicas = 0)
{
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const UpgradeStep &s = steps.at(i);
        if (s.kind == kind && s.node.value_or(QString()) == node && (replicas == 0 || s.replicas == replicas))
            return i;
    }
    return -1;
}

void moveStep(QList<UpgradeStep> &steps, qsizetype from, qsizetype to)
{
    // takeAt + insert rather than QList::move: GCC 12 at -O2 reports a false
    // "maybe uninitialized" in the std::swap of an optional<QString> that move uses.
    const UpgradeStep step = steps.takeAt(from);
    steps.insert(to, step);
    renumber(steps);
}

void removeStep(QList<UpgradeStep> &steps, qsizetype at)
{
    steps.removeAt(at);
    renumber(steps);
}

} // namespace

class TestUpgradePlan : public QObject
{
    Q_OBJECT

private slots:
    void hostsPlan()
    {
        const UpgradePlan plan = UpgradePlan::build(readyInputs());
        const QStringList expected {u"stopAll"_s, u"verifyStopped"_s, u"backupDatabase"_s, u"backupConfig"_s,
            u"upload:n1"_s, u"verifyPackage:n1"_s, u"install:n1"_s, u"start:n1"_s, u"verifyNode:n1"_s,
            u"verifySchema"_s, u"upload:n2"_s, u"verifyPackage:n2"_s, u"install:n2"_s, u"start:n2"_s,
            u"verifyNode:n2"_s, u"upload:n3"_s, u"verifyPackage:n3"_s, u"install:n3"_s, u"start:n3"_s,
            u"verifyNode:n3"_s, u"finalCheck"_s};
        QCOMPARE(outline(plan), expected);
        QCOMPARE(plan.violations(), QStringList {});
        QCOMPARE(plan.nodes(), (QStringList {u"n1"_s, u"n2"_s, u"n3"_s}));
        QCOMPARE(plan.target(), Version::parse(u"3.10.4"));
        QVERIFY(!plan.backupWaived());
        for (qsizetype i = 0; i < plan.steps().size(); ++i) {
            QCOMPARE(plan.steps().at(i).index, int(i));
            QVERIFY(!plan.steps().at(i).description.isEmpty());
        }
        QCOMPARE(plan.steps().at(6).description, u"Install 3.10.4 on n1"_s);
    }

    void kubernetesPlan()
    {
        const UpgradePlan plan = UpgradePlan::build(readyInputs(DeploymentKind::Kubernetes));
        const QStringList expected {u"rememberReplicas"_s, u"pauseHpa"_s, u"scaleToZero"_s, u"verifyNoPods"_s,
            u"backupDatabase"_s, u"setImage"_s, u"scaleTo:1"_s, u"verifyNode:1"_s, u"verifySchema"_s,
            u"scaleTo:2"_s, u"verifyNode:2"_s, u"scaleTo:3"_s, u"verifyNode:3"_s, u"restoreHpa"_s,
            u"finalCheck"_s};
        QCOMPARE(outline(plan), expected);
        QCOMPARE(plan.violations(), QStringList {});
        QCOMPARE(plan.steps().at(5).description, u"Set the image to jatos/jatos:3.10.4"_s);
        QVERIFY(plan.steps().at(13).description.contains(u"min 2, max 10"_s));
        QCOMPARE(plan.hpa(), (HpaSettings {u"jatos"_s, 2, 10}));
    }

    void kubernetesWithoutHpa()
    {
        UpgradeInputs in = readyInputs(DeploymentKind::Kubernetes);
        in.hpa.reset();
        in.replicas = 1;
        const UpgradePlan plan = UpgradePlan::build(in);
        QCOMPARE(outline(plan),
            (QStringList {u"rememberReplicas"_s, u"scaleToZero"_s, u"verifyNoPods"_s, u"backupDatabase"_s,
                u"setImage"_s, u"scaleTo:1"_s, u"verifyNode:1"_s, u"verifySchema"_s, u"finalCheck"_s}));
        QCOMPARE(plan.violations(), QStringList {});
    }

    void composePlan()
    {
        UpgradeInputs in = readyInputs(DeploymentKind::Compose);
        in.replicas = 2;
        const UpgradePlan plan = UpgradePlan::build(in);
        QCOMPARE(outline(plan),
            (QStringList {u"rememberReplicas"_s, u"stopService"_s, u"verifyNoPods"_s, u"backupDatabase"_s,
                u"setImage"_s, u"scaleTo:1"_s, u"verifyNode:1"_s, u"verifySchema"_s, u"scaleTo:2"_s,
                u"verifyNode:2"_s, u"finalCheck"_s}));
        QCOMPARE(plan.violations(), QStringList {});
    }

    // Joget keeps no schema version, so there is none to verify; a waived backup
    // leaves out the dump, and the plan is still safe.
    void variants_data()
    {
        QTest::addColumn<DeploymentKind>("kind");
        QTest::addColumn<bool>("schemaTracked");
        QTest::addColumn<bool>("backup");
        for (const auto kind : {DeploymentKind::Hosts, DeploymentKind::Compose, DeploymentKind::Kubernetes}) {
            for (const bool schema : {true, false}) {
                for (const bool backup : {true, false}) {
                    const QString name = ClusterProfile::deploymentKindName(kind)
                        + (schema ? u" schema"_s : u""_s) + (backup ? u" backup"_s : u" waived"_s);
                    QTest::newRow(qPrintable(name)) << kind << schema << backup;
                }
            }
        }
    }

    void variants()
    {
        QFETCH(DeploymentKind, kind);
        QFETCH(bool, schemaTracked);
        QFETCH(bool, backup);
        UpgradeInputs in = readyInputs(kind);
        in.database.schemaTracked = schemaTracked;
        if (!backup) {
            in.backup.command.clear();
            in.backup.waiver = in.clusterName;
        }
        const UpgradePlan plan = UpgradePlan::build(in);
        const QStringList steps = outline(plan);
        QCOMPARE(steps.contains(u"verifySchema"_s), schemaTracked);
        QCOMPARE(steps.contains(u"backupDatabase"_s), backup);
        QCOMPARE(plan.backupWaived(), !backup);
        QCOMPARE(plan.violations(), QStringList {});
        // Without the waiver, a plan with no backup is unsafe.
        if (!backup)
            QVERIFY(!UpgradePlan::violations(plan.steps(), false).isEmpty());
    }

    void manyNodesAndReplicas_data()
    {
        QTest::addColumn<DeploymentKind>("kind");
        QTest::addColumn<int>("count");
        for (const int count : {1, 2, 7}) {
            QTest::addRow("hosts %d", count) << DeploymentKind::Hosts << count;
            QTest::addRow("compose %d", count) << DeploymentKind::Compose << count;
            QTest::addRow("kubernetes %d", count) << DeploymentKind::Kubernetes << count;
        }
    }

    void manyNodesAndReplicas()
    {
        QFETCH(DeploymentKind, kind);
        QFETCH(int, count);
        UpgradeInputs in = readyInputs(kind);
        in.nodes.clear();
        for (int i = 1; i <= count; ++i)
            in.nodes << node(u"node-%1"_s.arg(i));
        in.replicas = count;
        const UpgradePlan plan = UpgradePlan::build(in);
        QCOMPARE(plan.violations(), QStringList {});
        const QStringList steps = outline(plan);
        const Kind start = kind == DeploymentKind::Hosts ? Kind::Start : Kind::ScaleTo;
        QCOMPARE(steps.filter(UpgradeStep::kindName(start) + u':').size(), count);
        QCOMPARE(steps.filter(u"verifyNode:"_s).size(), count);
    }

    // Each hand-made breakage of a safe plan is caught, with a message that names the
    // rule it breaks.
    void brokenOrdersAreCaught_data()
    {
        QTest::addColumn<DeploymentKind>("kind");
        QTest::addColumn<Breakage>("breakIt");
        QTest::addColumn<QString>("message");

        const auto hosts = DeploymentKind::Hosts;
        const auto kube = DeploymentKind::Kubernetes;
        const auto compose = DeploymentKind::Compose;

        QTest::newRow("no stop") << hosts << Breakage([](QList<UpgradeStep> &s) {
            removeStep(s, indexOf(s, Kind::StopAll));
        }) << u"verifies a stop that never came"_s;
        QTest::newRow("stop not verified") << hosts << Breakage([](QList<UpgradeStep> &s) {
            removeStep(s, indexOf(s, Kind::VerifyStopped));
        }) << u"backs up while nodes may still write"_s;
        QTest::newRow("verification before stop") << hosts << Breakage([](QList<UpgradeStep> &s) {
            moveStep(s, indexOf(s, Kind::VerifyStopped), 0);
        }) << u"verifies a stop that never came"_s;
        QTest::newRow("no pods left unverified")
            << kube << Breakage([](QList<UpgradeStep> &s) { removeStep(s, indexOf(s, Kind::VerifyNoPods)); })
            << u"starts before every node is verified down"_s;
        QTest::newRow("stop after start") << hosts << Breakage([](QList<UpgradeStep> &s) {
            moveStep(s, indexOf(s, Kind::StopAll), indexOf(s, Kind::Start, u"n2"_s));
        }) << u"stops nodes after the new version started"_s;
        QTest::newRow("install before backup") << hosts << Breakage([](QList<UpgradeStep> &s) {
            moveStep(s, indexOf(s, Kind::BackupDatabase), indexOf(s, Kind::Install, u"n1"_s));
        }) << u"changes the version before the backup"_s;
        QTest::newRow("no backup") << hosts << Breakage([](QList<UpgradeStep> &s) {
            removeStep(s, indexOf(s, Kind::BackupDatabase));
        }) << u"There is no backup"_s;
        QTest::newRow("image before backup") << kube << Breakage([](QList<UpgradeStep> &s) {
            moveStep(s, indexOf(s, Kind::SetImage), indexOf(s, Kind::BackupDatabase));
        }) << u"changes the version before the backup"_s;
        QTest::newRow("image before stop")
            << compose << Breakage([](QList<UpgradeStep> &s) { moveStep(s, indexOf(s, Kind::SetImage), 0); })
            << u"changes the version before every node is verified down"_s;
        QTest::newRow("next node before verification") << hosts << Breakage([](QList<UpgradeStep> &s) {
            removeStep(s, indexOf(s, Kind::VerifyNode, u"n1"_s));
        }) << u"starts before n1 was verified"_s;
        QTest::newRow("two nodes start together") << hosts << Breakage([](QList<UpgradeStep> &s) {
            moveStep(s, indexOf(s, Kind::Start, u"n2"_s), indexOf(s, Kind::VerifyNode, u"n1"_s));
        }) << u"starts before n1 was verified"_s;
        QTest::newRow("start before install") << hosts << Breakage([](QList<UpgradeStep> &s) {
            moveStep(s, indexOf(s, Kind::Start, u"n3"_s), indexOf(s, Kind::Install, u"n3"_s));
        }) << u"starts the old version"_s;
        QTest::newRow("old node started") << hosts << Breakage([](QList<UpgradeStep> &s) {
            removeStep(s, indexOf(s, Kind::Install, u"n2"_s));
        }) << u"starts the old version"_s;
        QTest::newRow("package not verified") << hosts << Breakage([](QList<UpgradeStep> &s) {
            removeStep(s, indexOf(s, Kind::VerifyPackage, u"n2"_s));
        }) << u"installs a package not verified on n2"_s;
        QTest::newRow("scale before image") << kube << Breakage([](QList<UpgradeStep> &s) {
            moveStep(s, indexOf(s, Kind::SetImage), indexOf(s, Kind::ScaleTo, {}, 2));
        }) << u"starts the old version"_s;
        QTest::newRow("scale two at once") << compose << Breakage([](QList<UpgradeStep> &s) {
            const qsizetype at = indexOf(s, Kind::ScaleTo, {}, 2);
            removeStep(s, at + 1);
            removeStep(s, at);
        }) << u"scales from 1 to 3 replicas"_s;
        QTest::newRow("replica not verified") << kube << Breakage([](QList<UpgradeStep> &s) {
            removeStep(s, indexOf(s, Kind::VerifyNode, {}, 2));
        }) << u"starts before replica 2 was verified"_s;
        QTest::newRow("verify the wrong node") << hosts << Breakage([](QList<UpgradeStep> &s) {
            s[indexOf(s, Kind::VerifyNode, u"n1"_s)].node = u"n2"_s;
        }) << u"verifies n2, which was not the last to start"_s;
        QTest::newRow("schema before any start") << hosts << Breakage([](QList<UpgradeStep> &s) {
            moveStep(s, indexOf(s, Kind::VerifySchema), indexOf(s, Kind::Upload, u"n1"_s));
        }) << u"verifies the schema before a node on the new version was verified"_s;
        QTest::newRow("schema before the first node verified") << kube << Breakage([](QList<UpgradeStep> &s) {
            moveStep(s, indexOf(s, Kind::VerifySchema), indexOf(s, Kind::VerifyNode, {}, 1));
        }) << u"verifies the schema before a node on the new version was verified"_s;
        QTest::newRow("final check early") << kube << Breakage([](QList<UpgradeStep> &s) {
            moveStep(s, indexOf(s, Kind::FinalCheck), indexOf(s, Kind::VerifyNode, {}, 3));
        }) << u"is not the last step"_s;
        QTest::newRow("no final check")
            << compose << Breakage([](QList<UpgradeStep> &s) { removeStep(s, indexOf(s, Kind::FinalCheck)); })
            << u"does not end with the final check"_s;
        QTest::newRow("nothing started") << hosts << Breakage([](QList<UpgradeStep> &s) {
            for (const QString &n : {u"n1"_s, u"n2"_s, u"n3"_s}) {
                removeStep(s, indexOf(s, Kind::VerifyNode, n));
                removeStep(s, indexOf(s, Kind::Start, n));
            }
            removeStep(s, indexOf(s, Kind::VerifySchema));
        }) << u"No node is started on the new version"_s;
        QTest::newRow("index out of place")
            << hosts << Breakage([](QList<UpgradeStep> &s) { s[3].index = 9; })
            << u"Step 4 (backupConfig) is numbered 10"_s;
        QTest::newRow("empty") << hosts << Breakage([](QList<UpgradeStep> &s) { s.clear(); })
                               << u"Nothing stops the running nodes"_s;
    }

    void brokenOrdersAreCaught()
    {
        QFETCH(DeploymentKind, kind);
        QFETCH(Breakage, breakIt);
        QFETCH(QString, message);
        const UpgradePlan plan = UpgradePlan::build(readyInputs(kind));
        QList<UpgradeStep> steps = plan.steps();
        breakIt(steps);
        const QStringList violations = UpgradePlan::violations(steps, false);
        QVERIFY2(violations.join(u'\n').contains(message), qPrintable(violations.join(u'\n')));
    }

    void kindNamesAreDistinct()
    {
        QSet<QString> names;
        for (int k = int(Kind::StopAll); k <= int(Kind::RestoreHpa); ++k)
            names.insert(UpgradeStep::kindName(Kind(k)));
        QCOMPARE(names.size(), int(Kind::RestoreHpa) + 1);
        QVERIFY(!names.contains(QString()));
    }
};

QTEST_GUILESS_MAIN(TestUpgradePlan)
#include "tst_upgradeplan.moc"
