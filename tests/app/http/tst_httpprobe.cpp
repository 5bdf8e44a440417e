// The HTTP prober against a real 3-node JATOS sandbox (fixture http_jatos):
// health, version and latency, and the faults a node can have.
#include "HttpTestSupport.h"

using Health = NodeHttpStatus::Health;

class TestHttpProbe : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void allUp();
    void overlappingProbeIsMerged();
    void hangDoesNotHoldTheOthers();
    void destroyedWhileInFlight();
    void fault_data();
    void fault();

private:
    std::optional<LoadedProfile> m_sandbox;
    static constexpr std::chrono::milliseconds Timeout {1500};
};

void TestHttpProbe::initTestCase()
{
    QString problem;
    m_sandbox = loadSandboxProfile(&problem);
    QVERIFY2(m_sandbox, qPrintable(problem));
    QCOMPARE(m_sandbox->profile.product, QStringLiteral("jatos"));
    QCOMPARE(m_sandbox->profile.nodes.size(), 3);
    for (const NodeSpec &node : std::as_const(m_sandbox->profile.nodes))
        QVERIFY(node.url.host().startsWith(QStringLiteral("127.")));
}

void TestHttpProbe::cleanup()
{
    for (const NodeSpec &node : std::as_const(m_sandbox->profile.nodes))
        sandboxFault(node.name, {QStringLiteral("clear")});
    if (qstrcmp(QTest::currentDataTag(), "down") != 0)
        return;
    // `clear` does not restart a killed node: start it, and wait until it is up.
    const NodeSpec node = m_sandbox->profile.nodes.constLast();
    QVERIFY(sandboxStartNode(*m_sandbox, node));
    HttpProber prober;
    prober.setTimeout(Timeout);
    const auto health
        = [&] { return runBatch(prober, {node}, m_sandbox->preset).byNode.value(node.name).health; };
    QTRY_COMPARE_WITH_TIMEOUT(health(), Health::Up, 30000);
}

void TestHttpProbe::allUp()
{
    HttpProber prober;
    prober.setTimeout(Timeout);
    const BatchResult batch = runBatch(prober, m_sandbox->profile.nodes, m_sandbox->preset);
    QVERIFY(batch.finished);
    QCOMPARE(batch.byNode.size(), 3);
    for (const NodeSpec &node : std::as_const(m_sandbox->profile.nodes)) {
        const NodeHttpStatus status = batch.byNode.value(node.name);
        QCOMPARE(status.health, Health::Up);
        QVERIFY2(status.error.isEmpty(), qPrintable(status.error));
        QCOMPARE(status.versionText, QStringLiteral("3.10.4"));
        QVERIFY(status.version.isKnown());
        QCOMPARE(status.version.normalized(), QStringLiteral("3.10.4"));
        QVERIFY(status.latencyMs > 0);
        QCOMPARE(status.httpStatus, 200);
        QCOMPARE(status.healthUrl.path(), QStringLiteral("/ping"));
        QVERIFY(status.checkedAt.isValid());
        QVERIFY(status.presentedCertificateSha256.isEmpty());
    }
}

void TestHttpProbe::overlappingProbeIsMerged()
{
    const NodeSpec node = m_sandbox->profile.nodes.constFirst();
    QVERIFY(sandboxFault(node.name, {QStringLiteral("slow"), QStringLiteral("300")}));
    HttpProber prober;
    prober.setTimeout(Timeout);
    QSignalSpy results(&prober, &HttpProber::nodeProbed);
    QSignalSpy finished(&prober, &HttpProber::finished);
    QVERIFY(prober.probe(node, m_sandbox->preset));
    QVERIFY(prober.isInFlight(node.name));
    QVERIFY(!prober.probe(node, m_sandbox->preset)); // merged into the running one
    QCOMPARE(prober.probeAll({node}, m_sandbox->preset), 0);
    QVERIFY(finished.wait(10000));
    QCOMPARE(results.size(), 1);
    QCOMPARE(finished.size(), 1);
    QVERIFY(!prober.isBusy());
    QVERIFY(prober.probe(node, m_sandbox->preset)); // a new one once it is in
    QVERIFY(finished.wait(10000));
    QCOMPARE(results.size(), 2);
}

void TestHttpProbe::hangDoesNotHoldTheOthers()
{
    const QList<NodeSpec> &nodes = m_sandbox->profile.nodes;
    const QString hung = nodes.at(1).name;
    QVERIFY(sandboxFault(hung, {QStringLiteral("hang")}));
    HttpProber prober;
    prober.setTimeout(Timeout);
    const BatchResult batch = runBatch(prober, nodes, m_sandbox->preset);
    QVERIFY(batch.finished);
    QCOMPARE(batch.byNode.size(), 3);
    // The others are reported as they come, long before the hung one times out.
    QCOMPARE(batch.order.constLast(), hung);
    for (const NodeSpec &node : nodes) {
        if (node.name == hung)
            continue;
        QCOMPARE(batch.byNode.value(node.name).health, Health::Up);
        QVERIFY2(batch.arrivedMs.value(node.name) < Timeout.count(),
            qPrintable(QString::number(batch.arrivedMs.value(node.name))));
    }
    const NodeHttpStatus status = batch.byNode.value(hung);
    QCOMPARE(status.health, Health::Down);
    QVERIFY2(status.error.contains(QStringLiteral("no answer within 1.5 s")), qPrintable(status.error));
    QVERIFY(status.error.contains(hung));
    QVERIFY2(batch.arrivedMs.value(hung) >= Timeout.count(),
        qPrintable(QString::number(batch.arrivedMs.value(hung))));
    QVERIFY2(batch.arrivedMs.value(hung) < Timeout.count() + 1500,
        qPrintable(QString::number(batch.arrivedMs.value(hung))));
}

void TestHttpProbe::destroyedWhileInFlight()
{
    // The prober's thread ends at once, aborting what is in flight, even a hung node.
    const NodeSpec node = m_sandbox->profile.nodes.constFirst();
    QVERIFY(sandboxFault(node.name, {QStringLiteral("hang")}));
    QElapsedTimer clock;
    clock.start();
    {
        HttpProber prober;
        prober.setTimeout(std::chrono::seconds(30));
        QVERIFY(prober.probeAll(m_sandbox->profile.nodes, m_sandbox->preset) == 3);
        QSignalSpy results(&prober, &HttpProber::nodeProbed);
        QVERIFY(results.wait(5000)); // a healthy node answered; the hung one is still out
        QVERIFY(prober.isInFlight(node.name));
    }
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
}

void TestHttpProbe::fault_data()
{
    QTest::addColumn<QStringList>("fault");
    QTest::addColumn<Health>("health");
    QTest::addColumn<QString>("version");
    QTest::addColumn<int>("minLatencyMs");
    QTest::addColumn<QString>("errorText");

    QTest::newRow("slow") << QStringList {QStringLiteral("slow"), QStringLiteral("400")} << Health::Up
                          << QStringLiteral("3.10.4") << 400 << QString();
    QTest::newRow("wrong-version") << QStringList {QStringLiteral("wrong-version")} << Health::Up
                                   << QStringLiteral("3.10.5") << 1 << QString();
    QTest::newRow("hang") << QStringList {QStringLiteral("hang")} << Health::Down << QString() << -1
                          << QStringLiteral("no answer within 1.5 s");
    // cleanup() starts the killed node again.
    QTest::newRow("down") << QStringList {QStringLiteral("down")} << Health::Down << QString() << -1
                          << QStringLiteral("connection refused");
}

void TestHttpProbe::fault()
{
    QFETCH(QStringList, fault);
    QFETCH(Health, health);
    QFETCH(QString, version);
    QFETCH(int, minLatencyMs);
    QFETCH(QString, errorText);

    const QList<NodeSpec> &nodes = m_sandbox->profile.nodes;
    const NodeSpec faulty = nodes.constLast();
    QVERIFY(sandboxFault(faulty.name, fault));

    HttpProber prober;
    prober.setTimeout(Timeout);
    const BatchResult batch = runBatch(prober, nodes, m_sandbox->preset);
    QVERIFY(batch.finished);
    QCOMPARE(batch.byNode.size(), nodes.size());
    const NodeHttpStatus status = batch.byNode.value(faulty.name);
    QCOMPARE(status.health, health);
    QCOMPARE(status.versionText, version);
    if (minLatencyMs > 0)
        QVERIFY2(status.latencyMs >= minLatencyMs, qPrintable(QString::number(status.latencyMs)));
    else
        QCOMPARE(status.latencyMs, -1);
    if (errorText.isEmpty()) {
        QVERIFY2(status.error.isEmpty(), qPrintable(status.error));
    } else {
        QVERIFY2(status.error.contains(errorText), qPrintable(status.error));
        QVERIFY2(status.error.contains(faulty.url.toString()), qPrintable(status.error));
    }
    for (const NodeSpec &node : nodes) {
        if (node.name != faulty.name)
            QCOMPARE(batch.byNode.value(node.name).health, Health::Up);
    }
}

QTEST_GUILESS_MAIN(TestHttpProbe)
#include "tst_httpprobe.moc"
