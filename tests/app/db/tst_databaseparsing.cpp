// The database probe's pure parsing: Galera and replication status as servers
// write them, Joget's node rows. Galera and replicas cannot run here, so these
// answers are taken from the servers' documentation.
#include "connectors/db/DatabaseStatus.h"

#include <QTest>

using namespace Qt::StringLiterals;

using Row = QMap<QString, QString>;

class TestDatabaseParsing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void galera_data();
    void galera();
    void replication_data();
    void replication();
    void jogetNodeName_data();
    void jogetNodeName();
    void names();
};

void TestDatabaseParsing::galera_data()
{
    QTest::addColumn<DatabaseParsing::StatusRows>("rows");
    QTest::addColumn<bool>("isGalera");
    QTest::addColumn<int>("size");
    QTest::addColumn<QString>("clusterStatus");
    QTest::addColumn<QString>("localState");

    QTest::newRow("no wsrep rows (MySQL)")
        << DatabaseParsing::StatusRows {} << false << 0 << QString() << QString();
    // Debian's MariaDB without a provider, as the sandbox's server answers.
    QTest::newRow("wsrep built in, not connected") << DatabaseParsing::StatusRows {{u"wsrep"_s, u"0"_s},
        {u"wsrep_cluster_size"_s, u"0"_s}, {u"wsrep_cluster_status"_s, u"Disconnected"_s},
        {u"wsrep_connected"_s, u"OFF"_s}, {u"wsrep_ready"_s, u"OFF"_s}}
                                                   << false << 0 << QString() << QString();
    QTest::newRow("three synced nodes") << DatabaseParsing::StatusRows {{u"wsrep_cluster_size"_s, u"3"_s},
        {u"wsrep_cluster_status"_s, u"Primary"_s}, {u"wsrep_local_state_comment"_s, u"Synced"_s},
        {u"wsrep_ready"_s, u"ON"_s}} << true
                                        << 3 << u"Primary"_s << u"Synced"_s;
    QTest::newRow("a node that lost the quorum")
        << DatabaseParsing::StatusRows {{u"WSREP_CLUSTER_SIZE"_s, u"1"_s},
               {u"wsrep_cluster_status"_s, u"non-Primary"_s},
               {u"wsrep_local_state_comment"_s, u"Initialized"_s}, {u"wsrep_ready"_s, u"OFF"_s}}
        << true << 1 << u"non-Primary"_s << u"Initialized"_s;
}

void TestDatabaseParsing::galera()
{
    QFETCH(DatabaseParsing::StatusRows, rows);
    QFETCH(bool, isGalera);
    const auto replicas = DatabaseParsing::galeraFromStatus(rows);
    QCOMPARE(replicas.has_value(), isGalera);
    if (!isGalera)
        return;
    QCOMPARE(replicas->kind, DatabaseReplicas::Kind::Galera);
    QTEST(replicas->galeraClusterSize, "size");
    QTEST(replicas->galeraClusterStatus, "clusterStatus");
    QTEST(replicas->galeraLocalState, "localState");
    QVERIFY(replicas->summary().contains(replicas->galeraClusterStatus));
}

void TestDatabaseParsing::replication_data()
{
    QTest::addColumn<Row>("row");
    QTest::addColumn<QString>("source");
    QTest::addColumn<bool>("io");
    QTest::addColumn<bool>("sql");
    QTest::addColumn<int>("behind"); // -1: NULL

    QTest::newRow("MariaDB SHOW SLAVE STATUS, running") << Row {{u"Master_Host"_s, u"127.0.0.5"_s},
        {u"Master_Port"_s, u"3306"_s}, {u"Slave_IO_Running"_s, u"Yes"_s}, {u"Slave_SQL_Running"_s, u"Yes"_s},
        {u"Seconds_Behind_Master"_s, u"0"_s}} << u"127.0.0.5:3306"_s
                                                        << true << true << 0;
    QTest::newRow("MySQL 8 SHOW REPLICA STATUS, lagging") << Row {{u"Source_Host"_s, u"127.0.0.6"_s},
        {u"Source_Port"_s, u"3307"_s}, {u"Replica_IO_Running"_s, u"Yes"_s},
        {u"Replica_SQL_Running"_s, u"Yes"_s}, {u"Seconds_Behind_Source"_s, u"42"_s}}
                                                          << u"127.0.0.6:3307"_s << true << true << 42;
    QTest::newRow("SQL thread stopped: lag NULL") << Row {{u"Master_Host"_s, u"127.0.0.5"_s},
        {u"Master_Port"_s, u"3306"_s}, {u"Slave_IO_Running"_s, u"Connecting"_s},
        {u"Slave_SQL_Running"_s, u"No"_s}, {u"Seconds_Behind_Master"_s, QString()}}
                                                  << u"127.0.0.5:3306"_s << false << false << -1;
}

void TestDatabaseParsing::replication()
{
    QFETCH(Row, row);
    QFETCH(int, behind);
    const DatabaseReplicas replicas = DatabaseParsing::replicationFromRow(row);
    QCOMPARE(replicas.kind, DatabaseReplicas::Kind::Replication);
    QTEST(replicas.sourceHost, "source");
    QTEST(replicas.ioRunning, "io");
    QTEST(replicas.sqlRunning, "sql");
    QCOMPARE(replicas.secondsBehind.has_value(), behind >= 0);
    if (behind >= 0)
        QCOMPARE(*replicas.secondsBehind, behind);
    QVERIFY(replicas.summary().contains(replicas.sourceHost));
}

void TestDatabaseParsing::jogetNodeName_data()
{
    QTest::addColumn<QString>("property");
    QTest::addColumn<QString>("name");

    QTest::newRow("plain") << u"node::joget-1"_s << u"joget-1"_s;
    QTest::newRow("prefixed") << u"cluster.node::node01"_s << u"node01"_s;
    QTest::newRow("spaces") << u"node:: node02 "_s << u"node02"_s;
    QTest::newRow("no name") << u"node::"_s << QString();
    QTest::newRow("not a node") << u"systemLocale"_s << QString();
}

void TestDatabaseParsing::jogetNodeName()
{
    QFETCH(QString, property);
    QTEST(DatabaseParsing::jogetNodeName(property), "name");
}

void TestDatabaseParsing::names()
{
    QCOMPARE(DatabaseReplicas::kindName(DatabaseReplicas::Kind::Standalone), u"standalone"_s);
    QCOMPARE(DatabaseReplicas::kindName(DatabaseReplicas::Kind::Galera), u"galera"_s);
    QCOMPARE(DatabaseStatus::failureName(DatabaseStatus::Failure::AccessDenied), u"access-denied"_s);
    QCOMPARE(
        DatabaseStatus::schemaStateName(DatabaseStatus::SchemaState::NoBookkeeping), u"no-bookkeeping"_s);
}

QTEST_GUILESS_MAIN(TestDatabaseParsing)
#include "tst_databaseparsing.moc"
