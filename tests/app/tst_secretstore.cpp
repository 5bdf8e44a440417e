// Runs inside tests/scripts/with-keyring.sh: a private D-Bus session with an
// unlocked gnome-keyring. What the store writes is checked with secret-tool, an
// independent Secret Service client, so a store that only remembered values in
// memory could not pass.
#include "secrets/SecretStore.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Outcome
{
    SecretRequest::Status status = SecretRequest::Status::Pending;
    QByteArray value;
    QString error;
};

// Waits for one request and copies its results before it deletes itself.
Outcome await(SecretRequest *request)
{
    Outcome outcome;
    QObject::connect(request, &SecretRequest::finished, request, [&outcome, request] {
        outcome = {request->status(), request->value(), request->errorString()};
    });
    QSignalSpy spy(request, &SecretRequest::finished);
    if (!spy.wait(20000))
        qWarning("keychain request did not finish");
    return outcome;
}

QByteArray secretToolLookup(const QString &service, const QString &name)
{
    QProcess tool;
    tool.start(u"secret-tool"_s, {u"lookup"_s, u"server"_s, service, u"user"_s, name});
    tool.waitForFinished(10000);
    return tool.exitCode() == 0 ? tool.readAllStandardOutput() : QByteArray();
}

} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writeReadDelete_data();
    void writeReadDelete();
    void missingEntryIsNotFound();
    void overwriteReplacesValue();
    void servicesAreSeparate();
    void answersNeverArriveInsideTheCall();
    void manyRequestsInFlight();
    void storeDeletedWhileAJobRuns();
};

void TestSecretStore::writeReadDelete_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addRow("database password") << u"cluster-a/db-password"_s << QByteArray("s3cr3t-pa55");
    QTest::addRow("long application secret") << u"cluster-a/app-secret"_s << QByteArray(64, 'x');
    QTest::addRow("unicode") << u"cluster-b/token"_s << u"Grüße-✓-密码"_s.toUtf8();
    QTest::addRow("spaces and symbols") << u"c@host/ssh.passphrase"_s << QByteArray(" a b\t$HOME \"q\" ");
}

void TestSecretStore::writeReadDelete()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, value);
    SecretStore store;

    QCOMPARE(await(store.write(name, value)).status, SecretRequest::Status::Ok);
    QCOMPARE(store.backend(), SecretStore::Backend::Keychain);
    QCOMPARE(secretToolLookup(u"clusterdesk"_s, name), value);

    const Outcome read = await(store.read(name));
    QCOMPARE(read.status, SecretRequest::Status::Ok);
    QCOMPARE(read.value, value);

    QCOMPARE(await(store.remove(name)).status, SecretRequest::Status::Ok);
    QCOMPARE(await(store.read(name)).status, SecretRequest::Status::NotFound);
    QVERIFY(secretToolLookup(u"clusterdesk"_s, name).isEmpty());
}

void TestSecretStore::missingEntryIsNotFound()
{
    SecretStore store;
    const Outcome read = await(store.read(u"never/written"_s));
    QCOMPARE(read.status, SecretRequest::Status::NotFound);
    QVERIFY(read.value.isEmpty());
    QVERIFY(read.error.isEmpty());
    QCOMPARE(store.backend(), SecretStore::Backend::Keychain);
}

void TestSecretStore::overwriteReplacesValue()
{
    SecretStore store;
    QCOMPARE(await(store.write(u"rotate/me"_s, "first-value")).status, SecretRequest::Status::Ok);
    QCOMPARE(await(store.write(u"rotate/me"_s, "second-value")).status, SecretRequest::Status::Ok);
    QCOMPARE(await(store.read(u"rotate/me"_s)).value, QByteArray("second-value"));
    QCOMPARE(secretToolLookup(u"clusterdesk"_s, u"rotate/me"_s), QByteArray("second-value"));
}

void TestSecretStore::servicesAreSeparate()
{
    SecretStore ours;
    SecretStore other(u"clusterdesk-test-other"_s, nullptr);
    QCOMPARE(await(other.write(u"shared/name"_s, "other-service")).status, SecretRequest::Status::Ok);
    QCOMPARE(await(ours.read(u"shared/name"_s)).status, SecretRequest::Status::NotFound);
    QCOMPARE(await(other.read(u"shared/name"_s)).value, QByteArray("other-service"));
}

void TestSecretStore::answersNeverArriveInsideTheCall()
{
    SecretStore store;
    SecretRequest *request = store.read(u"async/check"_s);
    // A signal emitted during read() would be lost to a caller connecting now.
    QVERIFY(!request->isFinished());
    QSignalSpy spy(request, &SecretRequest::finished);
    QVERIFY(spy.wait(20000));
}

void TestSecretStore::manyRequestsInFlight()
{
    SecretStore store;
    constexpr int count = 12;
    QList<QPointer<SecretRequest>> writes;
    int finished = 0;
    for (int i = 0; i < count; ++i) {
        SecretRequest *request = store.write(u"batch/%1"_s.arg(i), QByteArray::number(i * 7));
        connect(request, &SecretRequest::finished, this, [&finished, request] {
            if (request->status() == SecretRequest::Status::Ok)
                ++finished;
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(finished, count, 30000);
    for (int i = 0; i < count; ++i)
        QCOMPARE(await(store.read(u"batch/%1"_s.arg(i))).value, QByteArray::number(i * 7));
}

void TestSecretStore::storeDeletedWhileAJobRuns()
{
    // QtKeychain crashes when a job is deleted while it runs, so a store that goes
    // away (a window closed right after it opened) must let its jobs finish.
    auto *store = new SecretStore;
    QPointer<SecretRequest> request = store->read(u"closing/early"_s);
    QCoreApplication::processEvents(); // the request starts its keychain job
    delete store;
    QVERIFY(!request); // the request went with its store; nobody is called back

    // Keychain jobs run one after another: when this read answers, the orphaned
    // job has finished too, and the process is still here to see it.
    SecretStore next;
    QCOMPARE(await(next.read(u"closing/early"_s)).status, SecretRequest::Status::NotFound);
}

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
