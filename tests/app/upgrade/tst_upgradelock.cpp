// The cluster-wide upgrade lock against the sandbox's real MariaDB: one holder at a
// time, the refusal names who holds it and since when, a lock whose connection died
// is noticed and can be taken again.
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"
#include "upgrade/UpgradeLock.h"

#include <QFile>
#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Sandbox
{
    QString dir;
    DatabaseSpec spec;
    QByteArray password;
};

std::optional<Sandbox> loadSandbox()
{
    Sandbox sandbox;
    sandbox.dir = qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR");
    const auto loaded = ProfileFile::load(sandbox.dir + u"/profile.json"_s, PresetRegistry::builtIn());
    if (sandbox.dir.isEmpty() || !loaded || !loaded->profile.database)
        return std::nullopt;
    sandbox.spec = *loaded->profile.database;
    QFile secrets(sandbox.dir + u"/secrets.env"_s);
    if (!secrets.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray key = sandbox.spec.password.name.toUtf8() + '=';
    for (const QByteArray &line : secrets.readAll().split('\n')) {
        if (line.startsWith(key))
            sandbox.password = line.mid(key.size()).trimmed();
    }
    return sandbox.password.isEmpty() ? std::nullopt : std::optional(sandbox);
}

QString adminSql(const Sandbox &sandbox, const QString &sql)
{
    QProcess process;
    process.start(qEnvironmentVariable("CLUSTERDESK_SANDBOX"), {u"sql"_s, u"--dir"_s, sandbox.dir, sql});
    process.waitForFinished(30000);
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

} // namespace

class TestUpgradeLock : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nameFitsMysqlLimit()
    {
        DatabaseSpec spec;
        spec.schema = QString(100, u'x');
        QCOMPARE(UpgradeLock::lockName(spec).size(), 64);
        spec.schema = u"jatos"_s;
        QCOMPARE(UpgradeLock::lockName(spec), u"clusterdesk-upgrade:jatos"_s);
    }

    void secondHolderIsRefusedWithTheHolderNamed()
    {
        const auto sandbox = loadSandbox();
        if (!sandbox)
            QFAIL("no sandbox in $CLUSTERDESK_SANDBOX_DIR (run through ctest)");
        UpgradeLock first;
        UpgradeLock second;
        const auto taken = first.acquire(sandbox->spec, sandbox->password);
        QVERIFY2(taken, qPrintable(taken ? QString() : taken.error().message));
        QVERIFY(!*taken);
        QVERIFY(first.isHeld());
        QVERIFY(first.stillHeld(sandbox->spec, sandbox->password));

        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-5);
        const auto refused = second.acquire(sandbox->spec, sandbox->password);
        QVERIFY(refused);
        QVERIFY2(*refused, "a second console must not get the lock");
        QVERIFY2((*refused)->who.contains(sandbox->spec.user), qPrintable((*refused)->who));
        QVERIFY2((*refused)->who.contains(u"database connection"_s), qPrintable((*refused)->who));
        QVERIFY(!(*refused)->host.isEmpty());
        QVERIFY((*refused)->since.isValid());
        QVERIFY((*refused)->since >= before && (*refused)->since <= QDateTime::currentDateTimeUtc());
        QVERIFY(!second.isHeld());

        // Looking without taking says the same.
        const auto seen = second.holder(sandbox->spec, sandbox->password);
        QVERIFY(seen && *seen);
        QCOMPARE((*seen)->host, (*refused)->host);
        // The holder itself sees no other holder.
        const auto own = first.holder(sandbox->spec, sandbox->password);
        QVERIFY(own && !*own);

        first.release();
        QVERIFY(!first.isHeld());
        const auto now = second.acquire(sandbox->spec, sandbox->password);
        QVERIFY(now && !*now);
        QVERIFY(second.isHeld());
        second.release();
    }

    void aDeadConnectionLosesTheLockAndCanTakeItAgain()
    {
        const auto sandbox = loadSandbox();
        if (!sandbox)
            QFAIL("no sandbox in $CLUSTERDESK_SANDBOX_DIR (run through ctest)");
        UpgradeLock lock;
        QVERIFY(lock.acquire(sandbox->spec, sandbox->password).has_value());
        QVERIFY(lock.stillHeld(sandbox->spec, sandbox->password));
        // The server ends the holding connection, as after a laptop's long sleep.
        const QString name = UpgradeLock::lockName(sandbox->spec);
        const QString id = adminSql(*sandbox, u"SELECT IS_USED_LOCK('%1')"_s.arg(name));
        QVERIFY2(id.toLongLong() > 0, qPrintable(id));
        adminSql(*sandbox, u"KILL %1"_s.arg(id.toLongLong()));
        QTRY_VERIFY_WITH_TIMEOUT(!lock.stillHeld(sandbox->spec, sandbox->password), 10000);
        const auto again = lock.acquire(sandbox->spec, sandbox->password);
        QVERIFY2(again && !*again, "the lock is free again once its connection is gone");
        QVERIFY(lock.stillHeld(sandbox->spec, sandbox->password));
        lock.release();
    }

    void wrongPasswordIsAClearError()
    {
        const auto sandbox = loadSandbox();
        if (!sandbox)
            QFAIL("no sandbox in $CLUSTERDESK_SANDBOX_DIR (run through ctest)");
        UpgradeLock lock;
        const auto result = lock.acquire(sandbox->spec, "not-the-password");
        QVERIFY(!result);
        QVERIFY2(result.error().message.contains(sandbox->spec.host), qPrintable(result.error().message));
        QVERIFY(!result.error().message.contains(u"not-the-password"_s));
        QVERIFY(!lock.isHeld());
    }
};

QTEST_GUILESS_MAIN(TestUpgradeLock)
#include "tst_upgradelock.moc"
