#include "audit/AuditLog.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

namespace {

AuditEntry entryFor(
    const QString &cluster, const QString &action, const QString &summary, const QDateTime &when = {})
{
    AuditEntry entry;
    entry.when = when;
    entry.cluster = cluster;
    entry.profilePath = QStringLiteral("/home/admin/%1.json").arg(cluster);
    entry.action = action;
    entry.target = QStringLiteral("node-1, node-2");
    entry.summary = summary;
    entry.outcome = QStringLiteral("ok");
    entry.details = QStringLiteral("- a = 1\n+ a = 2\n");
    return entry;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// A small RFC 4180 reader, independent of the writer under test.
QList<QStringList> parseCsv(const QString &text)
{
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == u'"') {
                if (i + 1 < text.size() && text.at(i + 1) == u'"') {
                    field += u'"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            row << field;
            field.clear();
        } else if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n') {
            row << field;
            rows << row;
            row.clear();
            field.clear();
            ++i;
        } else {
            field += c;
        }
    }
    if (!field.isEmpty() || !row.isEmpty())
        rows << (row << field);
    return rows;
}

} // namespace

class TestAuditLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void appendAndReadBack();
    void fillsWhenAndUser();
    void newestFirstAndLimit();
    void filters_data();
    void filters();
    void survivesReopen();
    void twoLogsOnOneFile();
    void schemaVersionPresent();
    void exportCsv();
    void exportJson();
    void exportToUnwritablePlace();
    void refusesForbiddenSecret_data();
    void refusesForbiddenSecret();
    void shortForbiddenValuesIgnored();
    void maskSecrets();
    void corruptFileNamed();
    void newerSchemaRefused();

private:
    QString dbPath() const { return m_dir->filePath(QStringLiteral("audit.sqlite")); }
    std::unique_ptr<AuditLog> openLog()
    {
        Result<std::unique_ptr<AuditLog>> log = AuditLog::open(dbPath());
        if (!log) {
            qWarning() << log.error().message;
            return {};
        }
        return std::move(*log);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    const QDateTime m_t0 = QDateTime(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);
};

void TestAuditLog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestAuditLog::appendAndReadBack()
{
    auto log = openLog();
    QVERIFY(log);
    AuditEntry entry = entryFor(QStringLiteral("prod"), QStringLiteral("config.push"),
        QStringLiteral("raised the pool size"), m_t0.addMSecs(123));
    entry.osUser = QStringLiteral("alice");
    entry.outcome = QStringLiteral("rolled back");
    const Result<qint64> id = log->append(entry);
    QVERIFY2(id, qPrintable(id ? QString() : id.error().message));
    QVERIFY(*id > 0);

    const auto all = log->entries();
    QVERIFY(all);
    QCOMPARE(all->size(), 1);
    entry.id = *id;
    QCOMPARE(all->first(), entry);
    QCOMPARE(all->first().when.timeSpec(), Qt::UTC);
    QCOMPARE(all->first().when.time().msec(), 123);
}

void TestAuditLog::fillsWhenAndUser()
{
    auto log = openLog();
    QVERIFY(log);
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    QVERIFY(
        log->append(entryFor(QStringLiteral("prod"), QStringLiteral("secret.rotate"), QStringLiteral("x"))));
    const QDateTime after = QDateTime::currentDateTimeUtc().addMSecs(1);
    const auto all = log->entries();
    QVERIFY(all);
    QCOMPARE(all->size(), 1);
    QVERIFY(all->first().when >= before && all->first().when <= after);
    QCOMPARE(all->first().osUser, AuditLog::currentOsUser());
    QVERIFY(!all->first().osUser.isEmpty());
    const QString fromEnv = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    QCOMPARE(all->first().osUser, fromEnv.isEmpty() ? QStringLiteral("unknown") : fromEnv);
}

void TestAuditLog::newestFirstAndLimit()
{
    auto log = openLog();
    QVERIFY(log);
    // Written out of order: the order comes from `when`, not from insertion.
    QVERIFY(log->append(entryFor(QStringLiteral("a"), QStringLiteral("two"), {}, m_t0.addSecs(2))));
    QVERIFY(log->append(entryFor(QStringLiteral("a"), QStringLiteral("one"), {}, m_t0.addSecs(1))));
    QVERIFY(log->append(entryFor(QStringLiteral("a"), QStringLiteral("three"), {}, m_t0.addSecs(3))));

    const auto all = log->entries();
    QVERIFY(all);
    QStringList actions;
    for (const AuditEntry &entry : *all)
        actions << entry.action;
    QCOMPARE(actions, (QStringList {QStringLiteral("three"), QStringLiteral("two"), QStringLiteral("one")}));

    AuditQuery limited;
    limited.limit = 2;
    const auto two = log->entries(limited);
    QVERIFY(two);
    QCOMPARE(two->size(), 2);
    QCOMPARE(two->at(0).action, QStringLiteral("three"));
    QCOMPARE(two->at(1).action, QStringLiteral("two"));

    limited.limit = 0;
    QCOMPARE(log->entries(limited)->size(), 0);
}

void TestAuditLog::filters_data()
{
    QTest::addColumn<QString>("cluster");
    QTest::addColumn<int>("sinceSeconds"); // after m_t0; negative for none
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("no filter") << QString() << -1 << QString()
                               << QStringList {QStringLiteral("s4"), QStringLiteral("s3"),
                                      QStringLiteral("s2"), QStringLiteral("s1")};
    QTest::newRow("cluster") << QStringLiteral("prod") << -1 << QString()
                             << QStringList {QStringLiteral("s3"), QStringLiteral("s1")};
    QTest::newRow("cluster is exact") << QStringLiteral("pro") << -1 << QString() << QStringList {};
    QTest::newRow("since, inclusive")
        << QString() << 2 << QString()
        << QStringList {QStringLiteral("s4"), QStringLiteral("s3"), QStringLiteral("s2")};
    QTest::newRow("text in summary, any case")
        << QString() << -1 << QStringLiteral("POOL") << QStringList {QStringLiteral("s3")};
    QTest::newRow("text in details") << QString() << -1 << QStringLiteral("heap=4g")
                                     << QStringList {QStringLiteral("s2")};
    QTest::newRow("text with LIKE wildcards is literal")
        << QString() << -1 << QStringLiteral("100%_") << QStringList {QStringLiteral("s4")};
    QTest::newRow("percent alone matches only a percent")
        << QString() << -1 << QStringLiteral("%") << QStringList {QStringLiteral("s4")};
    QTest::newRow("all three") << QStringLiteral("prod") << 2 << QStringLiteral("node-1")
                               << QStringList {QStringLiteral("s3")};
}

void TestAuditLog::filters()
{
    QFETCH(QString, cluster);
    QFETCH(int, sinceSeconds);
    QFETCH(QString, text);
    QFETCH(QStringList, expected);

    auto log = openLog();
    QVERIFY(log);
    QVERIFY(log->append(entryFor(
        QStringLiteral("prod"), QStringLiteral("config.push"), QStringLiteral("s1"), m_t0.addSecs(1))));
    AuditEntry staging = entryFor(
        QStringLiteral("staging"), QStringLiteral("config.push"), QStringLiteral("s2"), m_t0.addSecs(2));
    staging.details = QStringLiteral("+ heap=4G\n");
    QVERIFY(log->append(staging));
    AuditEntry pool = entryFor(
        QStringLiteral("prod"), QStringLiteral("config.push"), QStringLiteral("s3"), m_t0.addSecs(3));
    pool.target = QStringLiteral("node-1 pool");
    QVERIFY(log->append(pool));
    AuditEntry wild = entryFor(
        QStringLiteral("staging"), QStringLiteral("config.push"), QStringLiteral("s4"), m_t0.addSecs(4));
    wild.details = QStringLiteral("quota 100%_ used");
    QVERIFY(log->append(wild));

    AuditQuery query;
    query.cluster = cluster;
    if (sinceSeconds >= 0)
        query.since = m_t0.addSecs(sinceSeconds);
    query.text = text;
    const auto found = log->entries(query);
    QVERIFY(found);
    QStringList summaries;
    for (const AuditEntry &entry : *found)
        summaries << entry.summary;
    QCOMPARE(summaries, expected);
}

void TestAuditLog::survivesReopen()
{
    {
        auto log = openLog();
        QVERIFY(log);
        QVERIFY(log->append(
            entryFor(QStringLiteral("prod"), QStringLiteral("config.push"), QStringLiteral("kept"))));
    }
    auto log = openLog();
    QVERIFY(log);
    const auto all = log->entries();
    QVERIFY(all);
    QCOMPARE(all->size(), 1);
    QCOMPARE(all->first().summary, QStringLiteral("kept"));
    QVERIFY(
        log->append(entryFor(QStringLiteral("prod"), QStringLiteral("config.push"), QStringLiteral("more"))));
    QCOMPARE(log->entries()->size(), 2);
}

void TestAuditLog::twoLogsOnOneFile()
{
    auto first = openLog();
    auto second = openLog();
    QVERIFY(first && second);
    QVERIFY(first->append(entryFor(QStringLiteral("a"), QStringLiteral("x"), QStringLiteral("1"), m_t0)));
    QVERIFY(second->append(entryFor(QStringLiteral("a"), QStringLiteral("x"), QStringLiteral("2"), m_t0)));
    QCOMPARE(first->entries()->size(), 2);
    QCOMPARE(second->entries()->size(), 2);
}

void TestAuditLog::schemaVersionPresent()
{
    {
        auto log = openLog();
        QVERIFY(log);
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("inspect"));
        db.setDatabaseName(dbPath());
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("SELECT version FROM schema_version")));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toInt(), AuditLog::schemaVersion);
        QVERIFY(!query.next()); // one row, not one per open
        QVERIFY(query.exec(QStringLiteral("PRAGMA journal_mode")));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), QStringLiteral("wal"));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("inspect"));
}

void TestAuditLog::exportCsv()
{
    auto log = openLog();
    QVERIFY(log);
    AuditEntry tricky = entryFor(QStringLiteral("prod, eu"), QStringLiteral("config.push"),
        QStringLiteral("set \"name\" to \"a, b\""), m_t0.addMSecs(5));
    tricky.details = QStringLiteral("line one\r\nline \"two\"\nline, three\n");
    tricky.target = QStringLiteral("ünïcode ✓");
    AuditEntry plain = entryFor(QStringLiteral("staging"), QStringLiteral("secret.rotate"),
        QStringLiteral("rotated"), m_t0.addSecs(10));
    plain.details.clear();
    QVERIFY(log->append(tricky));
    QVERIFY(log->append(plain));

    const QString file = m_dir->filePath(QStringLiteral("out.csv"));
    const Result<void> written = log->exportTo(file, AuditLog::Format::Csv);
    QVERIFY2(written, qPrintable(written ? QString() : written.error().message));

    const QList<QStringList> rows = parseCsv(QString::fromUtf8(readFile(file)));
    QCOMPARE(rows.size(), 3);
    const QStringList header {QStringLiteral("id"), QStringLiteral("when"), QStringLiteral("osUser"),
        QStringLiteral("cluster"), QStringLiteral("profilePath"), QStringLiteral("action"),
        QStringLiteral("target"), QStringLiteral("summary"), QStringLiteral("outcome"),
        QStringLiteral("details")};
    QCOMPARE(rows.at(0), header);
    const auto all = log->entries();
    QVERIFY(all);
    // Oldest first in the export.
    const QList<AuditEntry> expected {all->at(1), all->at(0)};
    for (int i = 0; i < 2; ++i) {
        const QStringList &row = rows.at(i + 1);
        const AuditEntry &entry = expected.at(i);
        QCOMPARE(row.size(), header.size());
        QCOMPARE(row.at(0).toLongLong(), entry.id);
        QCOMPARE(QDateTime::fromString(row.at(1), Qt::ISODateWithMs), entry.when);
        QCOMPARE(row.at(2), entry.osUser);
        QCOMPARE(row.at(3), entry.cluster);
        QCOMPARE(row.at(4), entry.profilePath);
        QCOMPARE(row.at(5), entry.action);
        QCOMPARE(row.at(6), entry.target);
        QCOMPARE(row.at(7), entry.summary);
        QCOMPARE(row.at(8), entry.outcome);
        QCOMPARE(row.at(9), entry.details);
    }
    QCOMPARE(rows.at(1).at(9), tricky.details);
}

void TestAuditLog::exportJson()
{
    auto log = openLog();
    QVERIFY(log);
    AuditEntry entry = entryFor(
        QStringLiteral("prod"), QStringLiteral("config.rollback"), QStringLiteral("back to \"v2\""), m_t0);
    entry.outcome = QStringLiteral("rolled back");
    QVERIFY(log->append(entry));
    QVERIFY(log->append(entryFor(
        QStringLiteral("prod"), QStringLiteral("config.push"), QStringLiteral("later"), m_t0.addSecs(60))));

    const QString file = m_dir->filePath(QStringLiteral("out.json"));
    QVERIFY(log->exportTo(file, AuditLog::Format::Json));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(readFile(file), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QVERIFY(document.isArray());
    const QJsonArray array = document.array();
    QCOMPARE(array.size(), 2);
    const QJsonObject first = array.at(0).toObject();
    QCOMPARE(first.value(QStringLiteral("action")).toString(), QStringLiteral("config.rollback"));
    QCOMPARE(first.value(QStringLiteral("summary")).toString(), entry.summary);
    QCOMPARE(first.value(QStringLiteral("outcome")).toString(), QStringLiteral("rolled back"));
    QCOMPARE(first.value(QStringLiteral("details")).toString(), entry.details);
    QCOMPARE(QDateTime::fromString(first.value(QStringLiteral("when")).toString(), Qt::ISODateWithMs), m_t0);
    QVERIFY(first.value(QStringLiteral("id")).toInteger() > 0);
    QCOMPARE(array.at(1).toObject().value(QStringLiteral("summary")).toString(), QStringLiteral("later"));

    // A filtered export holds only what the query selects.
    AuditQuery query;
    query.text = QStringLiteral("later");
    QVERIFY(log->exportTo(file, AuditLog::Format::Json, query));
    QCOMPARE(QJsonDocument::fromJson(readFile(file)).array().size(), 1);
}

void TestAuditLog::exportToUnwritablePlace()
{
    auto log = openLog();
    QVERIFY(log);
    const QString file = m_dir->filePath(QStringLiteral("no/such/folder/out.csv"));
    const Result<void> written = log->exportTo(file, AuditLog::Format::Csv);
    QVERIFY(!written);
    QVERIFY2(written.error().message.contains(QDir::toNativeSeparators(file)),
        qPrintable(written.error().message));
}

void TestAuditLog::refusesForbiddenSecret_data()
{
    QTest::addColumn<QString>("field");
    for (const char *field :
        {"osUser", "cluster", "profilePath", "action", "target", "summary", "outcome", "details"})
        QTest::newRow(field) << QString::fromLatin1(field);
}

void TestAuditLog::refusesForbiddenSecret()
{
    QFETCH(QString, field);
    const QByteArray secret = "Zq8-s3cr3t_V4lue-9xKp";
    auto log = openLog();
    QVERIFY(log);
    log->addForbiddenValue(secret);
    QVERIFY(
        log->append(entryFor(QStringLiteral("prod"), QStringLiteral("config.push"), QStringLiteral("fine"))));

    AuditEntry entry
        = entryFor(QStringLiteral("prod"), QStringLiteral("secret.rotate"), QStringLiteral("rotated"));
    entry.osUser = QStringLiteral("alice");
    const QString leak = QStringLiteral("password=") + QString::fromUtf8(secret) + QStringLiteral("\n");
    QString *target = field == u"osUser" ? &entry.osUser
        : field == u"cluster"            ? &entry.cluster
        : field == u"profilePath"        ? &entry.profilePath
        : field == u"action"             ? &entry.action
        : field == u"target"             ? &entry.target
        : field == u"summary"            ? &entry.summary
        : field == u"outcome"            ? &entry.outcome
                                         : &entry.details;
    *target += leak;

    const Result<qint64> refused = log->append(entry);
    QVERIFY(!refused);
    QVERIFY(refused.error().message.contains(field));
    QVERIFY(!refused.error().message.contains(QString::fromUtf8(secret)));
    QCOMPARE(log->entries()->size(), 1);

    // Neither the database nor its write-ahead log holds the value, while open or after.
    const QByteArray head = secret.left(12);
    QVERIFY(QFile::exists(dbPath() + QStringLiteral("-wal")));
    QVERIFY(!readFile(dbPath()).contains(head));
    QVERIFY(!readFile(dbPath() + QStringLiteral("-wal")).contains(head));
    log.reset();
    QVERIFY(!readFile(dbPath()).contains(head));
    QVERIFY(!readFile(dbPath() + QStringLiteral("-wal")).contains(head));
    QVERIFY(readFile(dbPath()).contains("fine"));
}

void TestAuditLog::shortForbiddenValuesIgnored()
{
    auto log = openLog();
    QVERIFY(log);
    log->addForbiddenValue("ok");
    log->addForbiddenValue("1234567");
    log->addForbiddenValue({});
    AuditEntry entry
        = entryFor(QStringLiteral("prod"), QStringLiteral("config.push"), QStringLiteral("1234567"));
    QVERIFY(log->append(entry)); // outcome "ok" is no secret
    log->addForbiddenValue("12345678");
    entry.summary = QStringLiteral("12345678");
    QVERIFY(!log->append(entry));
}

void TestAuditLog::maskSecrets()
{
    const QByteArray secret = "abc";
    const QByteArray longer = "abcdefgh-longer-secret";
    const QString text = QStringLiteral("- password=abc\n+ password=abcdefgh-longer-secret\n");
    const QString masked = AuditLog::maskSecrets(text, {secret, longer, QByteArray()});
    QCOMPARE(masked,
        QStringLiteral("- password=\u2022\u2022\u2022\u2022 (sha256 ba7816bf)\n"
                       "+ password=\u2022\u2022\u2022\u2022 (sha256 %1)\n")
            .arg(QString::fromLatin1(
                QCryptographicHash::hash(longer, QCryptographicHash::Sha256).toHex().left(8))));
    QCOMPARE(AuditLog::maskSecrets(QStringLiteral("nothing here"), {secret}), QStringLiteral("nothing here"));
}

void TestAuditLog::corruptFileNamed()
{
    QFile file(dbPath());
    QVERIFY(file.open(QIODevice::WriteOnly));
    QByteArray junk;
    for (int i = 0; i < 200; ++i)
        junk += "this is not an SQLite database, just some text.\n";
    file.write(junk);
    file.close();

    const Result<std::unique_ptr<AuditLog>> log = AuditLog::open(dbPath());
    QVERIFY(!log);
    QVERIFY2(
        log.error().message.contains(QDir::toNativeSeparators(dbPath())), qPrintable(log.error().message));
    QCOMPARE(readFile(dbPath()), junk); // left as it was
}

void TestAuditLog::newerSchemaRefused()
{
    {
        auto log = openLog();
        QVERIFY(log);
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
        db.setDatabaseName(dbPath());
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("UPDATE schema_version SET version = 99")));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("future"));
    const Result<std::unique_ptr<AuditLog>> log = AuditLog::open(dbPath());
    QVERIFY(!log);
    QVERIFY(log.error().message.contains(QDir::toNativeSeparators(dbPath())));
    QVERIFY(log.error().message.contains(QStringLiteral("99")));
}

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
