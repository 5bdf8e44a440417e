// The HTTP prober against a one-node OpenSpecimen or Joget sandbox (fixtures
// http_openspecimen and http_joget): the preset's health check and version source.
#include "HttpTestSupport.h"

using Health = NodeHttpStatus::Health;

class TestHttpProbeProduct : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void healthAndVersion();

private:
    std::optional<LoadedProfile> m_sandbox;
};

void TestHttpProbeProduct::initTestCase()
{
    QString problem;
    m_sandbox = loadSandboxProfile(&problem);
    QVERIFY2(m_sandbox, qPrintable(problem));
    QCOMPARE(m_sandbox->profile.nodes.size(), 1);
}

void TestHttpProbeProduct::healthAndVersion()
{
    HttpProber prober;
    prober.setTimeout(std::chrono::seconds(5));
    const BatchResult batch = runBatch(prober, m_sandbox->profile.nodes, m_sandbox->preset);
    QVERIFY(batch.finished);
    const NodeHttpStatus status = batch.byNode.value(m_sandbox->profile.nodes.constFirst().name);
    QCOMPARE(status.health, Health::Up);
    QVERIFY2(status.error.isEmpty(), qPrintable(status.error));
    QVERIFY(status.latencyMs > 0);

    const QString product = m_sandbox->profile.product;
    if (product == u"openspecimen") {
        // Health and version come from the same app-props answer.
        QVERIFY(status.healthUrl.path().endsWith(QStringLiteral("/rest/ng/config-settings/app-props")));
        QCOMPARE(status.versionText, QStringLiteral("v11.0.2"));
        QVERIFY(status.version.isKnown());
        QCOMPARE(status.version, Version::parse(u"11.0.2"));
        QVERIFY(status.versionNote.isEmpty());
    } else if (product == u"joget") {
        QCOMPARE(status.healthUrl.path(), QStringLiteral("/jw/web/json/workflow/currentUsername"));
        QVERIFY(!status.version.isKnown());
        QVERIFY(status.versionText.isEmpty());
        QVERIFY2(
            status.versionNote.contains(QStringLiteral("read over SSH")), qPrintable(status.versionNote));
    } else {
        QFAIL("the fixture is neither OpenSpecimen nor Joget");
    }
}

QTEST_GUILESS_MAIN(TestHttpProbeProduct)
#include "tst_httpprobe_product.moc"
