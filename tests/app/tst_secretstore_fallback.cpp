// Runs inside tests/scripts/without-keyring.sh: no D-Bus session, no display.
// The store must say so once and keep secrets in memory only, never in a file.
#include "secrets/SecretStore.h"

#include <QDirIterator>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

SecretRequest::Status awaitStatus(SecretRequest *request, QByteArray *value = nullptr)
{
    SecretRequest::Status status = SecretRequest::Status::Pending;
    QObject::connect(request, &SecretRequest::finished, request, [&, request] {
        status = request->status();
        if (value)
            *value = request->value();
    });
    QSignalSpy spy(request, &SecretRequest::finished);
    spy.wait(20000);
    return status;
}

} // namespace

class TestSecretStoreFallback : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keepsSecretsInMemoryAndSaysSo();
    void secondStoreIsNotShared();
    void nothingReachesTheDisk();
};

void TestSecretStoreFallback::keepsSecretsInMemoryAndSaysSo()
{
    QVERIFY2(qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "run through without-keyring.sh");
    SecretStore store;
    QSignalSpy unavailable(&store, &SecretStore::keychainUnavailable);

    QCOMPARE(awaitStatus(store.write(u"fallback/db"_s, "memory-only-value")), SecretRequest::Status::Ok);
    QCOMPARE(store.backend(), SecretStore::Backend::MemoryOnly);
    QCOMPARE(unavailable.count(), 1);
    QVERIFY(!unavailable.first().first().toString().isEmpty());
    QCOMPARE(store.unavailableReason(), unavailable.first().first().toString());

    QByteArray value;
    QCOMPARE(awaitStatus(store.read(u"fallback/db"_s), &value), SecretRequest::Status::Ok);
    QCOMPARE(value, QByteArray("memory-only-value"));
    QCOMPARE(awaitStatus(store.remove(u"fallback/db"_s)), SecretRequest::Status::Ok);
    QCOMPARE(awaitStatus(store.read(u"fallback/db"_s)), SecretRequest::Status::NotFound);
    QCOMPARE(awaitStatus(store.remove(u"fallback/db"_s)), SecretRequest::Status::NotFound);
    QCOMPARE(unavailable.count(), 1); // said once, not at every request
}

void TestSecretStoreFallback::secondStoreIsNotShared()
{
    SecretStore first;
    QCOMPARE(awaitStatus(first.write(u"session/only"_s, "v")), SecretRequest::Status::Ok);
    SecretStore second;
    QCOMPARE(awaitStatus(second.read(u"session/only"_s)), SecretRequest::Status::NotFound);
}

void TestSecretStoreFallback::nothingReachesTheDisk()
{
    const QByteArray marker = "needle-7f3a9c-never-on-disk";
    {
        SecretStore store;
        QCOMPARE(awaitStatus(store.write(u"disk/check"_s, marker)), SecretRequest::Status::Ok);
    }
    // The wrapper gives this process an empty home; QtKeychain's insecure fallback
    // would have written a settings file there.
    const QString home = qEnvironmentVariable("HOME");
    QVERIFY(!home.isEmpty());
    QDirIterator it(home, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(marker), qPrintable(file.fileName()));
    }
}

QTEST_GUILESS_MAIN(TestSecretStoreFallback)
#include "tst_secretstore_fallback.moc"
