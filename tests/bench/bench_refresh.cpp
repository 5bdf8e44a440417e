// Refresh benchmark: the real MainWindow with a large profile (the sandbox's
// --http-only nodes), shown on the offscreen platform. After a warm-up refresh it
// runs N on-demand refreshes (ClusterPoller::refreshNow) and prints, for each, the
// wall time to refreshFinished and the GUI thread's worst stall, measured by a 1 ms
// probe timer; then the process's resident memory with every node shown.
//
// It prints figures and fails only when a refresh does not complete or a node is not
// up afterwards: timing is reported against its targets, never asserted.
//
//     bench_refresh PROFILE [--runs N] [--json FILE] [--settle-ms MS] [--trace]
//
// --trace (or CLUSTERDESK_BENCH_TRACE=1) adds where the GUI thread's time goes
// during each refresh: every event dispatch is timed by receiver class and event
// type, and the dashboard's model and proxy signals are counted.

#include "NodeTableModel.h"
#include "dashboard/Dashboard.h"
#include "dashboard/NodeFilterProxy.h"
#include "mainwindow/MainWindow.h"
#include "status/ClusterPoller.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaEnum>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <vector>

#ifdef Q_OS_LINUX
#include <unistd.h>
#endif

namespace {

constexpr double TargetRefreshSeconds = 0.3; // one round trip at 50 ms plus the GUI's work
constexpr double TargetStallMs = 16.0; // one frame at 60 Hz
constexpr double TargetRssMiB = 120.0;
constexpr int RefreshTimeoutMs = 30000; // HTTP timeout is 5 s: a refresh that takes this long is broken
constexpr int WarmupDeadlineMs = 90000;

void out(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

void err(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stderr);
    std::fflush(stderr);
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    // nearest rank
    const auto rank = static_cast<size_t>(std::max(1.0, std::ceil(p / 100.0 * double(values.size()))));
    return values[std::min(rank, values.size()) - 1];
}

double median(std::vector<double> values)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

// VmRSS, VmHWM, ... of this process in KiB; empty where /proc does not exist.
std::optional<qint64> procStatusKiB(const char *field)
{
#ifdef Q_OS_LINUX
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return std::nullopt;
    const QByteArray prefix = QByteArray(field) + ':';
    // readAll(): /proc files have no size, so atEnd() would be true at once.
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith(prefix)) {
            const QList<QByteArray> parts = line.mid(prefix.size()).simplified().split(' ');
            bool ok = false;
            const qint64 value = parts.value(0).toLongLong(&ok);
            return ok ? std::optional<qint64>(value) : std::nullopt;
        }
    }
    return std::nullopt;
#else
    Q_UNUSED(field)
    return std::nullopt;
#endif
}

// CPU time (user + system, in ms) of each of this process's threads by name, from
// /proc (10 ms ticks); empty on other platforms.
QHash<QString, double> threadCpuMs()
{
    QHash<QString, double> cpu;
#ifdef Q_OS_LINUX
    const double msPerTick = 1000.0 / double(sysconf(_SC_CLK_TCK));
    const QStringList tids
        = QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &tid : tids) {
        QFile statFile(QStringLiteral("/proc/self/task/%1/stat").arg(tid));
        QFile commFile(QStringLiteral("/proc/self/task/%1/comm").arg(tid));
        if (!statFile.open(QIODevice::ReadOnly) || !commFile.open(QIODevice::ReadOnly))
            continue;
        const QByteArray stat = statFile.readAll();
        const QString name = QString::fromUtf8(commFile.readAll().trimmed());
        // Fields after the ")" that closes the name: state is field 3, utime 14, stime 15.
        const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
        if (fields.size() < 13)
            continue;
        cpu[name] += double(fields[11].toLongLong() + fields[12].toLongLong()) * msPerTick;
    }
#endif
    return cpu;
}

// Times every top-level event dispatch by receiver class and event type when on.
class TracingApplication final : public QApplication
{
public:
    using QApplication::QApplication;

    struct Entry
    {
        qint64 count = 0;
        qint64 totalNs = 0;
        qint64 maxNs = 0;
    };
    struct Slow
    {
        qint64 atNs; // on clock
        qint64 ns;
        QString what;
    };

    bool tracing = false;
    QElapsedTimer clock;
    QHash<QString, Entry> entries;
    std::vector<Slow> slow;
    qint64 slowThresholdNs = 2'000'000;

    void reset()
    {
        entries.clear();
        slow.clear();
    }

    bool notify(QObject *receiver, QEvent *event) override
    {
        // notify() runs on every thread; only the GUI thread's own dispatches count.
        if (!tracing || QThread::currentThread() != thread() || m_depth > 0)
            return QApplication::notify(receiver, event);
        // Described first: the receiver may be gone afterwards (DeferredDelete).
        const QString what = describe(receiver, event);
        ++m_depth;
        const qint64 start = clock.nsecsElapsed();
        const bool result = QApplication::notify(receiver, event);
        const qint64 ns = clock.nsecsElapsed() - start;
        --m_depth;
        Entry &entry = entries[what];
        ++entry.count;
        entry.totalNs += ns;
        entry.maxNs = std::max(entry.maxNs, ns);
        if (ns >= slowThresholdNs)
            slow.push_back({start, ns, what});
        return result;
    }

private:
    static QString describe(QObject *receiver, QEvent *event)
    {
        static const QMetaEnum types = QMetaEnum::fromType<QEvent::Type>();
        const char *type = types.valueToKey(event->type());
        QString name = QString::fromLatin1(receiver ? receiver->metaObject()->className() : "null");
        if (auto *timer = qobject_cast<QTimer *>(receiver))
            name += QStringLiteral("(%1 ms)").arg(timer->interval());
        else if (receiver && !receiver->objectName().isEmpty())
            name += QStringLiteral("[%1]").arg(receiver->objectName());
        return name + QLatin1Char(' ') + (type ? QString::fromLatin1(type) : QString::number(event->type()));
    }

    int m_depth = 0;
};

// A 1 ms timer on the GUI thread; each gap between firings beyond 1 ms is a stall.
class StallProbe final : public QObject
{
public:
    explicit StallProbe(QObject *parent = nullptr)
        : QObject(parent)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last >= 0)
                m_samples.push_back({now, double(now - m_last) / 1e6 - 1.0});
            m_last = now;
        });
        m_clock.start();
    }

    struct Sample
    {
        qint64 endNs; // on clock()
        double stallMs; // gap minus the 1 ms interval
    };

    const QElapsedTimer &clock() const { return m_clock; }
    void start()
    {
        m_samples.clear();
        m_last = -1;
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    // Stalls of the gaps that end within [from, to] (clock nanoseconds).
    std::vector<double> stallsBetween(qint64 from, qint64 to) const
    {
        std::vector<double> stalls;
        for (const Sample &sample : m_samples)
            if (sample.endNs >= from && sample.endNs <= to)
                stalls.push_back(std::max(0.0, sample.stallMs));
        return stalls;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    std::vector<Sample> m_samples;
};

// Runs the event loop for `ms` milliseconds.
void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

struct RunResult
{
    double wallSeconds = 0;
    double worstStallMs = 0;
    double p99StallMs = 0;
    int samples = 0;
    int statusChanged = 0;
    int refreshStarted = 0;
};

struct ViewCounters
{
    int statusChanged = 0;
    int refreshStarted = 0;
    int modelDataChanged = 0;
    qint64 modelRowsChanged = 0;
    int modelResets = 0;
    int proxyLayoutChanged = 0;
    qint64 proxyLayoutNs = 0;
    int proxyDataChanged = 0;
    qint64 layoutStart = -1;
};

QString verdict(bool within)
{
    return within ? QStringLiteral("within target") : QStringLiteral("OVER target");
}

bool allUp(ClusterPoller *poller, QString *problem)
{
    const ClusterStatus &status = poller->status();
    int up = 0;
    QString first;
    for (const NodeStatus &node : status.nodes) {
        if (node.health == NodeHealth::Up)
            ++up;
        else if (first.isEmpty())
            first = QStringLiteral("%1 is %2%3")
                        .arg(node.name, NodeHealthText::name(node.health),
                            node.error.isEmpty() ? QString() : QStringLiteral(" (") + node.error + u')');
    }
    if (up == status.nodes.size() && up > 0)
        return true;
    *problem = QStringLiteral("%1 of %2 nodes up; %3").arg(up).arg(status.nodes.size()).arg(first);
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    TracingApplication app(argc, argv);
    // Never the user's settings or recent files.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ClusterdeskBench"));
    QCoreApplication::setApplicationName(QStringLiteral("bench_refresh"));
    QTemporaryDir settingsDir;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Clusterdesk refresh benchmark"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("profile"), QStringLiteral("The profile to open."));
    const QCommandLineOption runsOption(QStringLiteral("runs"), QStringLiteral("On-demand refreshes."),
        QStringLiteral("n"), QStringLiteral("5"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
        QStringLiteral("Write the figures as JSON here (default: $CLUSTERDESK_BENCH_JSON)."),
        QStringLiteral("file"));
    const QCommandLineOption settleOption(QStringLiteral("settle-ms"),
        QStringLiteral("How long the stall probe keeps watching after refreshFinished (repaint)."),
        QStringLiteral("ms"), QStringLiteral("200"));
    const QCommandLineOption traceOption(
        QStringLiteral("trace"), QStringLiteral("Show where the GUI thread's time goes."));
    parser.addOptions({runsOption, jsonOption, settleOption, traceOption});
    parser.process(app);
    if (parser.positionalArguments().size() != 1) {
        err(QStringLiteral(
            "usage: bench_refresh PROFILE [--runs N] [--json FILE] [--settle-ms MS] [--trace]"));
        return 2;
    }
    const QString profilePath = parser.positionalArguments().constFirst();
    const int runs = std::max(1, parser.value(runsOption).toInt());
    const int settleMs = std::max(0, parser.value(settleOption).toInt());
    const bool trace
        = parser.isSet(traceOption) || qEnvironmentVariableIntValue("CLUSTERDESK_BENCH_TRACE") == 1;
    QString jsonPath = parser.value(jsonOption);
    if (jsonPath.isEmpty())
        jsonPath = qEnvironmentVariable("CLUSTERDESK_BENCH_JSON");

    MainWindow window;
    window.setWarningPresenter([](const QString &title, const QString &text, const QString &details) {
        err(QStringLiteral("warning: %1: %2 %3").arg(title, text, details));
    });
    window.resize(1400, 900);
    window.show();

    QElapsedTimer openTimer;
    openTimer.start();
    if (!window.openProfile(profilePath)) {
        err(QStringLiteral("FAIL: cannot open %1").arg(profilePath));
        return 1;
    }
    const double openMs = double(openTimer.nsecsElapsed()) / 1e6;
    Dashboard *dashboard = window.dashboard();
    ClusterPoller *poller = dashboard ? dashboard->poller() : nullptr;
    if (!poller) {
        err(QStringLiteral("FAIL: opening the profile made no poller (MainWindow::dashboard()->poller())"));
        return 1;
    }
    const int nodeCount = int(poller->status().nodes.size());
    out(QStringLiteral("Opened %1: %2 nodes in %3 ms; poller interval %4 ms, HTTP timeout %5 ms")
            .arg(profilePath)
            .arg(nodeCount)
            .arg(openMs, 0, 'f', 1)
            .arg(qint64(poller->options().interval.count()))
            .arg(qint64(poller->options().httpTimeout.count())));

    ViewCounters counters;
    bool finished = false;
    qint64 finishedNs = -1;
    StallProbe probe;
    QObject::connect(poller, &ClusterPoller::refreshStarted, &probe, [&] { ++counters.refreshStarted; });
    QObject::connect(poller, &ClusterPoller::statusChanged, &probe, [&] { ++counters.statusChanged; });
    QObject::connect(poller, &ClusterPoller::refreshFinished, &probe, [&] {
        finished = true;
        finishedNs = probe.clock().nsecsElapsed();
    });
    NodeTableModel *model = dashboard->nodeModel();
    NodeFilterProxy *proxy = dashboard->nodeProxy();
    if (trace) {
        QObject::connect(model, &QAbstractItemModel::dataChanged, &probe,
            [&](const QModelIndex &from, const QModelIndex &to) {
                ++counters.modelDataChanged;
                counters.modelRowsChanged += to.row() - from.row() + 1;
            });
        QObject::connect(model, &QAbstractItemModel::modelReset, &probe, [&] { ++counters.modelResets; });
        QObject::connect(
            proxy, &QAbstractItemModel::dataChanged, &probe, [&] { ++counters.proxyDataChanged; });
        QObject::connect(proxy, &QAbstractItemModel::layoutAboutToBeChanged, &probe,
            [&] { counters.layoutStart = probe.clock().nsecsElapsed(); });
        QObject::connect(proxy, &QAbstractItemModel::layoutChanged, &probe, [&] {
            ++counters.proxyLayoutChanged;
            if (counters.layoutStart >= 0)
                counters.proxyLayoutNs += probe.clock().nsecsElapsed() - counters.layoutStart;
            counters.layoutStart = -1;
        });
    }

    const auto waitForFinish = [&](int timeoutMs) {
        QElapsedTimer waited;
        waited.start();
        while (!finished && waited.elapsed() < timeoutMs) {
            QEventLoop loop;
            QObject::connect(poller, &ClusterPoller::refreshFinished, &loop, &QEventLoop::quit);
            QTimer::singleShot(std::max<qint64>(1, timeoutMs - waited.elapsed()), &loop, &QEventLoop::quit);
            if (!finished)
                loop.exec();
        }
        return finished;
    };

    // Warm-up: the first refresh (started by MainWindow) opens a connection to every
    // node; repeated until every node is up, in case they are still starting.
    QElapsedTimer warmup;
    warmup.start();
    finished = !poller->isRefreshing();
    if (!waitForFinish(RefreshTimeoutMs)) {
        err(QStringLiteral("FAIL: the first refresh did not complete within %1 s")
                .arg(RefreshTimeoutMs / 1000));
        return 1;
    }
    const double firstRefreshMs = double(warmup.nsecsElapsed()) / 1e6;
    QString problem;
    int warmupRefreshes = 1;
    while (!allUp(poller, &problem) && warmup.elapsed() < WarmupDeadlineMs) {
        spin(1000);
        finished = false;
        poller->refreshNow();
        ++warmupRefreshes;
        if (!waitForFinish(RefreshTimeoutMs)) {
            err(QStringLiteral("FAIL: a warm-up refresh did not complete within %1 s")
                    .arg(RefreshTimeoutMs / 1000));
            return 1;
        }
    }
    if (!allUp(poller, &problem)) {
        err(QStringLiteral("FAIL: after warm-up: %1").arg(problem));
        return 1;
    }
    out(QStringLiteral("Warm-up: first refresh %1 ms (connections opened), %2 refresh(es), all %3 nodes up")
            .arg(firstRefreshMs, 0, 'f', 1)
            .arg(warmupRefreshes)
            .arg(nodeCount));
    // Only refreshNow() drives the measured refreshes: no interval refresh may start.
    poller->stop();
    spin(500);

    std::vector<RunResult> results;
    std::vector<double> allStalls;
    const std::optional<qint64> rssBefore = procStatusKiB("VmRSS");
    for (int run = 1; run <= runs; ++run) {
        counters = ViewCounters {};
        finished = false;
        finishedNs = -1;
        probe.start();
        spin(20); // the probe is running steadily before the refresh starts
        if (trace) {
            app.reset();
            app.clock = probe.clock();
            app.tracing = true;
        }
        const QHash<QString, double> cpuBefore = threadCpuMs();
        QElapsedTimer wall;
        qint64 startNs = -1;
        // From the event loop, as the Refresh action would: the synchronous part of
        // refreshNow() is a stall the probe sees.
        QTimer::singleShot(0, poller, [&] {
            startNs = probe.clock().nsecsElapsed();
            wall.start();
            poller->refreshNow();
        });
        while (startNs < 0)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        if (!waitForFinish(RefreshTimeoutMs)) {
            probe.stop();
            err(QStringLiteral("FAIL: refresh %1 did not complete within %2 s")
                    .arg(run)
                    .arg(RefreshTimeoutMs / 1000));
            return 1;
        }
        RunResult result;
        result.wallSeconds = double(finishedNs - startNs) / 1e9;
        const QHash<QString, double> cpuAfter = threadCpuMs();
        spin(settleMs); // the repaint of what the last update changed
        app.tracing = false;
        probe.stop();
        const std::vector<double> stalls
            = probe.stallsBetween(startNs, finishedNs + qint64(settleMs) * 1000000);
        result.worstStallMs = stalls.empty() ? 0.0 : *std::max_element(stalls.begin(), stalls.end());
        result.p99StallMs = percentile(stalls, 99.0);
        result.samples = int(stalls.size());
        result.statusChanged = counters.statusChanged;
        result.refreshStarted = counters.refreshStarted;
        allStalls.insert(allStalls.end(), stalls.begin(), stalls.end());
        results.push_back(result);

        if (!allUp(poller, &problem)) {
            err(QStringLiteral("FAIL: after refresh %1: %2").arg(run).arg(problem));
            return 1;
        }
        if (model->rowCount() != nodeCount || proxy->rowCount() != nodeCount) {
            err(QStringLiteral("FAIL: the dashboard shows %1 rows (model %2) of %3 nodes")
                    .arg(proxy->rowCount())
                    .arg(model->rowCount())
                    .arg(nodeCount));
            return 1;
        }
        if (result.refreshStarted != 1)
            err(QStringLiteral("warning: %1 refreshes started during run %2 (expected 1)")
                    .arg(result.refreshStarted)
                    .arg(run));
        out(QStringLiteral("run %1: refresh %2 s, worst stall %3 ms, p99 stall %4 ms (%5 probe gaps), "
                           "%6 statusChanged")
                .arg(run)
                .arg(result.wallSeconds, 0, 'f', 3)
                .arg(result.worstStallMs, 0, 'f', 1)
                .arg(result.p99StallMs, 0, 'f', 1)
                .arg(result.samples)
                .arg(result.statusChanged));
        if (trace) {
            out(QStringLiteral("  model: %1 dataChanged (%2 rows), %3 resets; proxy: %4 dataChanged, "
                               "%5 layoutChanged (%6 ms between aboutToBe and changed)")
                    .arg(counters.modelDataChanged)
                    .arg(counters.modelRowsChanged)
                    .arg(counters.modelResets)
                    .arg(counters.proxyDataChanged)
                    .arg(counters.proxyLayoutChanged)
                    .arg(double(counters.proxyLayoutNs) / 1e6, 0, 'f', 1));
            std::vector<std::pair<QString, TracingApplication::Entry>> sorted;
            for (auto it = app.entries.cbegin(); it != app.entries.cend(); ++it)
                sorted.emplace_back(it.key(), it.value());
            std::sort(sorted.begin(), sorted.end(),
                [](const auto &a, const auto &b) { return a.second.totalNs > b.second.totalNs; });
            QStringList cpuText;
            for (auto it = cpuAfter.cbegin(); it != cpuAfter.cend(); ++it)
                if (const double used = it.value() - cpuBefore.value(it.key()); used > 0)
                    cpuText << QStringLiteral("%1 %2 ms").arg(it.key()).arg(used, 0, 'f', 0);
            out(QStringLiteral("  CPU during the refresh by thread: %1")
                    .arg(cpuText.join(QStringLiteral(", "))));
            out(QStringLiteral("  GUI thread time by event (total ms, count, max ms):"));
            for (size_t i = 0; i < std::min<size_t>(sorted.size(), 12); ++i)
                out(QStringLiteral("    %1 %2 %3  %4")
                        .arg(double(sorted[i].second.totalNs) / 1e6, 8, 'f', 1)
                        .arg(sorted[i].second.count, 6)
                        .arg(double(sorted[i].second.maxNs) / 1e6, 7, 'f', 1)
                        .arg(sorted[i].first));
            out(QStringLiteral("  dispatches of 2 ms or more (ms after refreshNow, ms, what):"));
            for (const auto &slow : app.slow)
                out(QStringLiteral("    +%1 %2  %3")
                        .arg(double(slow.atNs - startNs) / 1e6, 7, 'f', 1)
                        .arg(double(slow.ns) / 1e6, 6, 'f', 1)
                        .arg(slow.what));
        }
        spin(300);
    }

    const std::optional<qint64> rss = procStatusKiB("VmRSS");
    const std::optional<qint64> hwm = procStatusKiB("VmHWM");
    Q_UNUSED(rssBefore)

    std::vector<double> walls;
    for (const RunResult &r : results)
        walls.push_back(r.wallSeconds);
    const double wallMin = *std::min_element(walls.begin(), walls.end());
    const double wallMedian = median(walls);
    const double wallMax = *std::max_element(walls.begin(), walls.end());
    const double worstStall = allStalls.empty() ? 0.0 : *std::max_element(allStalls.begin(), allStalls.end());
    const double p99Stall = percentile(allStalls, 99.0);
    const auto mib = [](std::optional<qint64> kib) { return kib ? double(*kib) / 1024.0 : -1.0; };

    struct Line
    {
        QString metric;
        QString value;
        QString target;
        QString verdict;
    };
    const auto seconds = [](double s) { return QStringLiteral("%1 s").arg(s, 0, 'f', 3); };
    const auto millis = [](double ms) { return QStringLiteral("%1 ms").arg(ms, 0, 'f', 1); };
    const auto memory = [&](std::optional<qint64> kib) {
        return kib ? QStringLiteral("%1 MiB").arg(mib(kib), 0, 'f', 1) : QStringLiteral("n/a");
    };
    const QString wallTarget = QStringLiteral("<= %1 s").arg(TargetRefreshSeconds, 0, 'f', 3);
    const QString stallTarget = QStringLiteral("<= %1 ms").arg(TargetStallMs, 0, 'f', 0);
    const QString rssTarget = QStringLiteral("<= %1 MiB").arg(TargetRssMiB, 0, 'f', 0);
    const std::vector<Line> lines {
        {QStringLiteral("refresh wall time, min"), seconds(wallMin), wallTarget,
            verdict(wallMin <= TargetRefreshSeconds)},
        {QStringLiteral("refresh wall time, median"), seconds(wallMedian), wallTarget,
            verdict(wallMedian <= TargetRefreshSeconds)},
        {QStringLiteral("refresh wall time, max"), seconds(wallMax), wallTarget,
            verdict(wallMax <= TargetRefreshSeconds)},
        {QStringLiteral("GUI stall, worst"), millis(worstStall), stallTarget,
            verdict(worstStall <= TargetStallMs)},
        {QStringLiteral("GUI stall, p99"), millis(p99Stall), stallTarget, verdict(p99Stall <= TargetStallMs)},
        {QStringLiteral("resident memory (VmRSS)"), memory(rss), rssTarget,
            rss ? verdict(mib(rss) <= TargetRssMiB) : QStringLiteral("n/a")},
        {QStringLiteral("peak resident (VmHWM)"), memory(hwm), QStringLiteral("(none)"), QString()},
    };
    out(QString());
    out(QStringLiteral("Refresh benchmark: %1 nodes shown, %2 on-demand refreshes").arg(nodeCount).arg(runs));
    out(QStringLiteral("%1  %2  %3  %4")
            .arg(QStringLiteral("metric"), -26)
            .arg(QStringLiteral("value"), 11)
            .arg(QStringLiteral("target"), -12)
            .arg(QStringLiteral("verdict")));
    for (const Line &line : lines)
        out(QStringLiteral("%1  %2  %3  %4")
                .arg(line.metric, -26)
                .arg(line.value, 11)
                .arg(line.target, -12)
                .arg(line.verdict)
                .trimmed());

    if (!jsonPath.isEmpty()) {
        QJsonArray perRun;
        for (const RunResult &r : results)
            perRun.append(QJsonObject {{QStringLiteral("wallSeconds"), r.wallSeconds},
                {QStringLiteral("worstStallMs"), r.worstStallMs},
                {QStringLiteral("p99StallMs"), r.p99StallMs}, {QStringLiteral("probeGaps"), r.samples},
                {QStringLiteral("statusChanged"), r.statusChanged}});
        const QJsonValue rssValue = rss ? QJsonValue(mib(rss)) : QJsonValue();
        const QJsonValue hwmValue = hwm ? QJsonValue(mib(hwm)) : QJsonValue();
        const QJsonObject root {
            {QStringLiteral("benchmark"), QStringLiteral("refresh")},
            {QStringLiteral("profile"), profilePath},
            {QStringLiteral("nodes"), nodeCount},
            {QStringLiteral("runs"), runs},
            {QStringLiteral("settleMs"), settleMs},
            {QStringLiteral("firstRefreshMs"), firstRefreshMs},
            {QStringLiteral("refreshWallSeconds"),
                QJsonObject {{QStringLiteral("min"), wallMin}, {QStringLiteral("median"), wallMedian},
                    {QStringLiteral("max"), wallMax}, {QStringLiteral("target"), TargetRefreshSeconds}}},
            {QStringLiteral("stallMs"),
                QJsonObject {{QStringLiteral("worst"), worstStall}, {QStringLiteral("p99"), p99Stall},
                    {QStringLiteral("target"), TargetStallMs}}},
            {QStringLiteral("memoryMiB"),
                QJsonObject {{QStringLiteral("rss"), rssValue}, {QStringLiteral("hwm"), hwmValue},
                    {QStringLiteral("rssTarget"), TargetRssMiB}}},
            {QStringLiteral("withinTarget"),
                QJsonObject {{QStringLiteral("refreshWall"), wallMax <= TargetRefreshSeconds},
                    {QStringLiteral("stall"), worstStall <= TargetStallMs},
                    {QStringLiteral("rss"), rss ? QJsonValue(mib(rss) <= TargetRssMiB) : QJsonValue()}}},
            {QStringLiteral("perRun"), perRun},
        };
        QSaveFile file(jsonPath);
        if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(root).toJson()) < 0
            || !file.commit())
            err(QStringLiteral("warning: cannot write %1: %2").arg(jsonPath, file.errorString()));
        else
            out(QStringLiteral("Figures written to %1").arg(jsonPath));
    }
    window.closeProfile();
    return 0;
}
