// NodeHistory: the bounded record behind a node's details pane. Checks what counts
// as a new sample, what counts as an event, and that old entries fall off the front.

#include "NodeHistory.h"
#include "StatusTestSupport.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace StatusTestSupport;

namespace {

const QDateTime start(QDate(2026, 11, 23), QTime(9, 0), Qt::UTC);

NodeStatus at(NodeStatus status, int minute)
{
    status.checkedAt = start.addSecs(60 * minute);
    return status;
}

NodeStatus up(int minute, int latencyMs = 12)
{
    NodeStatus status = at(upNode(u"jatos-1"_s), minute);
    status.latencyMs = latencyMs;
    return status;
}

NodeStatus down(int minute, const QString &error)
{
    return at(downNode(u"jatos-1"_s, error), minute);
}

} // namespace

class TestNodeHistory : public QObject
{
    Q_OBJECT

private slots:
    void startsEmpty();
    void ignoresInvalidCheckedAt();
    void ignoresDuplicateCheckedAt();
    void firstSample_data();
    void firstSample();
    void healthChangeIsEvent();
    void newErrorWithoutChangeIsEvent();
    void sameErrorAgainIsNoEvent();
    void samplesBounded();
    void eventsBounded();
    void recentErrorsNewestFirst();
};

void TestNodeHistory::startsEmpty()
{
    const NodeHistory history;
    QVERIFY(history.samples().isEmpty());
    QVERIFY(history.events().isEmpty());
    QVERIFY(history.recentErrors().isEmpty());
    QCOMPARE(history.lastHealth(), NodeHealth::Unknown);
}

void TestNodeHistory::ignoresInvalidCheckedAt()
{
    NodeHistory history;
    NodeStatus never = downNode(u"jatos-1"_s, u"refused"_s);
    never.checkedAt = {};
    QVERIFY(!history.record(never));
    QVERIFY(history.samples().isEmpty());
    QVERIFY(history.events().isEmpty());
    QCOMPARE(history.lastHealth(), NodeHealth::Unknown);
}

void TestNodeHistory::ignoresDuplicateCheckedAt()
{
    NodeHistory history;
    QVERIFY(history.record(up(0, 12)));
    // The same answer delivered again (a refresh that did not reach this node) is
    // nothing new, even when other fields differ.
    QVERIFY(!history.record(down(0, u"refused"_s)));
    QCOMPARE(history.samples().size(), 1);
    QCOMPARE(history.samples().first().latencyMs, 12);
    QCOMPARE(history.events().size(), 1);
    QCOMPARE(history.lastHealth(), NodeHealth::Up);
}

void TestNodeHistory::firstSample_data()
{
    QTest::addColumn<NodeHealth>("health");
    QTest::addColumn<QString>("error");
    QTest::addColumn<bool>("changed");
    QTest::addColumn<int>("events");

    QTest::addRow("up") << NodeHealth::Up << QString() << true << 1;
    QTest::addRow("down") << NodeHealth::Down << u"refused"_s << true << 1;
    // Unknown to unknown is no change; with a reason it is still worth an event.
    QTest::addRow("unknown") << NodeHealth::Unknown << QString() << false << 0;
    QTest::addRow("unknown with error") << NodeHealth::Unknown << u"untrusted certificate"_s << false << 1;
}

void TestNodeHistory::firstSample()
{
    QFETCH(NodeHealth, health);
    QFETCH(QString, error);
    QFETCH(bool, changed);
    QFETCH(int, events);

    NodeHistory history;
    NodeStatus status = up(0, 40);
    status.health = health;
    status.error = error;
    QCOMPARE(history.record(status), changed);
    QCOMPARE(history.samples().size(), 1);
    QCOMPARE(history.samples().first().at, start);
    QCOMPARE(history.samples().first().health, health);
    QCOMPARE(history.samples().first().latencyMs, 40);
    QCOMPARE(history.events().size(), events);
    if (events > 0) {
        QCOMPARE(history.events().first().from, NodeHealth::Unknown);
        QCOMPARE(history.events().first().to, health);
        QCOMPARE(history.events().first().error, error);
    }
    QCOMPARE(history.lastHealth(), health);
}

void TestNodeHistory::healthChangeIsEvent()
{
    NodeHistory history;
    QVERIFY(history.record(up(0)));
    QVERIFY(!history.record(up(1)));
    QCOMPARE(history.events().size(), 1);

    QVERIFY(history.record(down(2, u"connection refused"_s)));
    QCOMPARE(history.samples().size(), 3);
    QCOMPARE(history.events().size(), 2);
    const NodeHistory::Event &event = history.events().last();
    QCOMPARE(event.at, start.addSecs(120));
    QCOMPARE(event.from, NodeHealth::Up);
    QCOMPARE(event.to, NodeHealth::Down);
    QCOMPARE(event.error, u"connection refused"_s);
    QCOMPARE(history.lastHealth(), NodeHealth::Down);

    // Back up: an event without an error.
    QVERIFY(history.record(up(3)));
    QCOMPARE(history.events().size(), 3);
    QCOMPARE(history.events().last().from, NodeHealth::Down);
    QCOMPARE(history.events().last().to, NodeHealth::Up);
    QVERIFY(history.events().last().error.isEmpty());
}

void TestNodeHistory::newErrorWithoutChangeIsEvent()
{
    NodeHistory history;
    QVERIFY(history.record(down(0, u"connection refused"_s)));
    // Still down, for another reason: an event, but no change of health.
    QVERIFY(!history.record(down(1, u"no answer within 5 s"_s)));
    QCOMPARE(history.events().size(), 2);
    QCOMPARE(history.events().last().from, NodeHealth::Down);
    QCOMPARE(history.events().last().to, NodeHealth::Down);
    QCOMPARE(history.events().last().error, u"no answer within 5 s"_s);
    QCOMPARE(history.samples().size(), 2);
}

void TestNodeHistory::sameErrorAgainIsNoEvent()
{
    NodeHistory history;
    QVERIFY(history.record(down(0, u"connection refused"_s)));
    QVERIFY(!history.record(down(1, u"connection refused"_s)));
    QVERIFY(!history.record(down(2, u"connection refused"_s)));
    QCOMPARE(history.events().size(), 1);
    QCOMPARE(history.samples().size(), 3);

    // The error went away while down (no reason given): no event either ...
    QVERIFY(!history.record(down(3, QString())));
    QCOMPARE(history.events().size(), 1);
    // ... but when it comes back it is new again.
    QVERIFY(!history.record(down(4, u"connection refused"_s)));
    QCOMPARE(history.events().size(), 2);
}

void TestNodeHistory::samplesBounded()
{
    NodeHistory history;
    const int total = int(NodeHistory::MaxSamples) + 7;
    for (int minute = 0; minute < total; ++minute)
        history.record(up(minute, minute));
    QCOMPARE(history.samples().size(), NodeHistory::MaxSamples);
    // The oldest seven fell off; the rest are in order.
    QCOMPARE(history.samples().first().at, start.addSecs(60 * 7));
    QCOMPARE(history.samples().first().latencyMs, 7);
    QCOMPARE(history.samples().last().latencyMs, total - 1);
    for (qsizetype i = 1; i < history.samples().size(); ++i)
        QVERIFY(history.samples().at(i - 1).at < history.samples().at(i).at);
    // The one change (unknown to up) is still the only event.
    QCOMPARE(history.events().size(), 1);
}

void TestNodeHistory::eventsBounded()
{
    NodeHistory history;
    const int total = int(NodeHistory::MaxEvents) + 3;
    for (int minute = 0; minute < total; ++minute)
        history.record(down(minute, u"error %1"_s.arg(minute)));
    QCOMPARE(history.events().size(), NodeHistory::MaxEvents);
    QCOMPARE(history.events().first().error, u"error 3"_s);
    QCOMPARE(history.events().last().error, u"error %1"_s.arg(total - 1));
    QCOMPARE(history.samples().size(), qsizetype(total));
}

void TestNodeHistory::recentErrorsNewestFirst()
{
    NodeHistory history;
    history.record(down(0, u"first"_s));
    history.record(up(1)); // an event without an error: skipped
    history.record(down(2, u"second"_s));
    history.record(down(3, u"third"_s));
    history.record(up(4));
    QCOMPARE(history.events().size(), 5);

    const QStringList all = history.recentErrors();
    QCOMPARE(all.size(), 3);
    QVERIFY2(all.at(0).endsWith(u"  third"_s), qPrintable(all.at(0)));
    QVERIFY2(all.at(1).endsWith(u"  second"_s), qPrintable(all.at(1)));
    QVERIFY2(all.at(2).endsWith(u"  first"_s), qPrintable(all.at(2)));
    // Each starts with the moment, in local time.
    QVERIFY(all.at(0).startsWith(start.addSecs(180).toLocalTime().toString(Qt::ISODate)));

    const QStringList two = history.recentErrors(2);
    QCOMPARE(two, all.mid(0, 2));
    QVERIFY(history.recentErrors(0).isEmpty());
}

QTEST_GUILESS_MAIN(TestNodeHistory)
#include "tst_nodehistory.moc"
