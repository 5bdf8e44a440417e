#include "UpgradeCommand.h"

#include "cli/SecretInput.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"
#include "secrets/SecretStore.h"
#include "upgrade/UpgradeEngine.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QTextStream>

#include <cstdio>

namespace {

QString severityName(PreflightCheck::Severity s)
{
    return s == PreflightCheck::Severity::Blocking ? QStringLiteral("blocking") : QStringLiteral("warning");
}

QString outcomeName(Preflight::Outcome o)
{
    switch (o) {
    case Preflight::Outcome::Ready:
        return QStringLiteral("ready");
    case Preflight::Outcome::NothingToDo:
        return QStringLiteral("nothing-to-do");
    case Preflight::Outcome::NeedsAcknowledgement:
        return QStringLiteral("needs-acknowledgement");
    case Preflight::Outcome::Blocked:
        return QStringLiteral("blocked");
    }
    return {};
}

} // namespace

UpgradeCommand::UpgradeCommand(QTextStream &out, QTextStream &err, QObject *parent)
    : QObject(parent)
    , m_out(out)
    , m_err(err)
{ }

UpgradeCommand::~UpgradeCommand() = default;

QString UpgradeCommand::help()
{
    return tr(
        "  upgrade --profile FILE --to VERSION [--package FILE] [--sha256 HEX]\n"
        "          [--backup-command CMD | --no-backup --confirm-no-backup CLUSTER]\n"
        "          [--backup-folder DIR] [--acknowledge CHECK]... [--health-timeout SECONDS]\n"
        "          [--check] [--yes] [--json] [--accept-new-host-keys]\n"
        "  upgrade --profile FILE --resume | --abort [--yes] [--json]\n"
        "                          Upgrade every node: stop all, back up the database, then install,\n"
        "                          start and verify one node at a time. Refuses downgrades, unknown\n"
        "                          versions and a wrong package checksum before anything stops.\n"
        "                          --check only runs the checks. Exit status: 0 done (or nothing to\n"
        "                          do), 1 failed, 2 wrong command line, 3 refused by a check, 4 another\n"
        "                          console holds the upgrade lock, 5 paused at a failed step (fix it,\n"
        "                          then --resume), 6 aborted. See docs/cli.md.\n");
}

void UpgradeCommand::usage(const QString &problem)
{
    m_err << "clusterdesk-cli: " << problem << '\n'
          << tr("Run 'clusterdesk-cli --help' for the commands.") << '\n';
    m_err.flush();
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT finished(Usage); }, Qt::QueuedConnection);
}

void UpgradeCommand::fail(int code, const QString &message)
{
    if (m_json)
        emitJson({{QStringLiteral("event"), QStringLiteral("finished")},
            {QStringLiteral("outcome"), QStringLiteral("refused")}, {QStringLiteral("summary"), message},
            {QStringLiteral("exitCode"), code}});
    m_err << message << '\n';
    m_err.flush();
    QMetaObject::invokeMethod(
        this, [this, code] { Q_EMIT finished(code); }, Qt::QueuedConnection);
}

void UpgradeCommand::emitJson(const QJsonObject &event)
{
    QJsonObject stamped = event;
    stamped.insert(QStringLiteral("at"), QDateTime::currentMSecsSinceEpoch()); // epoch ms
    m_out << QJsonDocument(stamped).toJson(QJsonDocument::Compact) << '\n';
    m_out.flush();
}

void UpgradeCommand::run(const QStringList &arguments)
{
    QString profilePath;
    QString confirmNoBackup;
    bool resume = false;
    bool abort = false;
    bool check = false;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        const auto value = [&](QString *into) {
            if (i + 1 >= arguments.size())
                return false;
            *into = arguments.at(++i);
            return true;
        };
        QString text;
        if (arg == u"--profile") {
            if (!value(&profilePath))
                return usage(tr("--profile needs a file"));
        } else if (arg == u"--to") {
            if (!value(&m_request.target))
                return usage(tr("--to needs a version"));
        } else if (arg == u"--package") {
            if (!value(&text))
                return usage(tr("--package needs a file"));
            m_request.packagePath = QFileInfo(text).absoluteFilePath();
        } else if (arg == u"--sha256") {
            if (!value(&m_request.expectedSha256))
                return usage(tr("--sha256 needs a checksum"));
        } else if (arg == u"--image") {
            if (!value(&m_request.imageTag))
                return usage(tr("--image needs an image or a tag"));
        } else if (arg == u"--backup-command") {
            if (!value(&m_request.backupCommand))
                return usage(tr("--backup-command needs a command"));
        } else if (arg == u"--backup-folder") {
            if (!value(&text))
                return usage(tr("--backup-folder needs a folder"));
            m_request.backupFolder = QFileInfo(text).absoluteFilePath();
        } else if (arg == u"--no-backup") {
            m_noBackup = true;
        } else if (arg == u"--confirm-no-backup") {
            if (!value(&confirmNoBackup))
                return usage(tr("--confirm-no-backup needs the cluster's name"));
        } else if (arg == u"--acknowledge") {
            if (!value(&text))
                return usage(tr("--acknowledge needs a check's id (mixedVersions, nodesHealthy, ...)"));
            m_request.acknowledged.insert(text);
        } else if (arg == u"--health-timeout") {
            bool ok = false;
            const int seconds = value(&text) ? text.toInt(&ok) : 0;
            if (!ok || seconds < 1 || seconds > 86400)
                return usage(tr("--health-timeout needs a number of seconds from 1 to 86400"));
            m_options.healthTimeout = std::chrono::seconds(seconds);
        } else if (arg == u"--resume") {
            resume = true;
        } else if (arg == u"--abort") {
            abort = true;
        } else if (arg == u"--check") {
            check = true;
        } else if (arg == u"--yes") {
            m_yes = true;
        } else if (arg == u"--json") {
            m_json = true;
        } else if (arg == u"--accept-new-host-keys") {
            m_options.hostKeyPolicy = HostKeyPolicy::AcceptNewHostKeys;
        } else {
            return usage(tr("'upgrade' does not know the argument '%1'").arg(arg));
        }
    }
    if (profilePath.isEmpty())
        return usage(tr("'upgrade' needs --profile FILE"));
    if (int(resume) + int(abort) + int(check) > 1)
        return usage(tr("--resume, --abort and --check exclude each other"));
    m_mode = resume ? Mode::Resume : abort ? Mode::Abort : check ? Mode::Check : Mode::Start;
    if ((m_mode == Mode::Start || m_mode == Mode::Check) && m_request.target.isEmpty())
        return usage(tr("'upgrade' needs --to VERSION (or --resume / --abort)"));
    if (m_noBackup && !m_request.backupCommand.isEmpty())
        return usage(tr("--no-backup and --backup-command exclude each other"));
    if (m_noBackup != !confirmNoBackup.isEmpty())
        return usage(tr("--no-backup needs --confirm-no-backup CLUSTER, with the cluster's name typed out"));
    m_request.backupWaiver = confirmNoBackup;
    if (m_mode == Mode::Start && !m_yes && !SecretInput::isTerminal())
        return usage(tr("'upgrade' stops the whole cluster: without a terminal to confirm it, give --yes"));

    const auto loaded = ProfileFile::load(profilePath, PresetRegistry::builtIn());
    if (!loaded) {
        QStringList problems;
        for (const ValidationIssue &issue : loaded.error())
            problems << QStringLiteral("  ") + issue.toString();
        return fail(Failed,
            tr("%1 is not a valid profile:\n%2")
                .arg(QDir::toNativeSeparators(profilePath), problems.join(QLatin1Char('\n'))));
    }
    m_secrets = new SecretStore(this);
    m_engine = new UpgradeEngine(*loaded, m_secrets, m_options, this);
    connect(m_engine, &UpgradeEngine::ready, this, &UpgradeCommand::begin);
    connect(m_engine, &UpgradeEngine::logLine, this, [this](const QString &line) {
        if (m_json)
            emitJson({{QStringLiteral("event"), QStringLiteral("log")}, {QStringLiteral("line"), line}});
        else
            m_out << line << '\n';
        m_out.flush();
    });
    connect(m_engine, &UpgradeEngine::assessed, this, [this](const UpgradeAssessment &a) {
        printChecks(a);
        // Another console's lock is its own refusal (exit 4), whatever else failed.
        const auto lock = std::find_if(a.checks.cbegin(), a.checks.cend(), [](const PreflightCheck &c) {
            return c.id == u"lock" && c.status == PreflightCheck::Status::Fail;
        });
        if (m_mode == Mode::Check) {
            const bool nothing = a.error.isEmpty() && a.outcome == Preflight::Outcome::NothingToDo;
            const bool may = a.error.isEmpty() && Preflight::mayStart(a.checks, a.request.acknowledged);
            const int code = nothing || may ? Completed : lock != a.checks.cend() ? Locked : Refused;
            if (m_json)
                emitJson({{QStringLiteral("event"), QStringLiteral("finished")},
                    {QStringLiteral("outcome"), outcomeName(a.outcome)}, {QStringLiteral("exitCode"), code}});
            QMetaObject::invokeMethod(
                this, [this, code] { Q_EMIT finished(code); }, Qt::QueuedConnection);
            return;
        }
        if (m_mode == Mode::Start && !m_checked) {
            // The first look, before anything is locked: refuse early, or confirm.
            m_checked = true;
            if (!a.error.isEmpty())
                return fail(Failed, a.error);
            if (a.outcome == Preflight::Outcome::NothingToDo) {
                if (m_json)
                    emitJson({{QStringLiteral("event"), QStringLiteral("finished")},
                        {QStringLiteral("outcome"), QStringLiteral("nothing-to-do")},
                        {QStringLiteral("exitCode"), int(Completed)}});
                else
                    m_out << tr("Nothing to do: every node already runs %1.").arg(m_request.target) << '\n';
                m_out.flush();
                QMetaObject::invokeMethod(
                    this, [this] { Q_EMIT finished(Completed); }, Qt::QueuedConnection);
                return;
            }
            if (lock != a.checks.cend())
                return fail(Locked,
                    tr("Another upgrade of this cluster is running: %1 Nothing was changed.")
                        .arg(lock->reason));
            if (!Preflight::mayStart(a.checks, a.request.acknowledged))
                return fail(Refused, tr("The upgrade was refused by the checks above; nothing was changed."));
            if (!confirm(a))
                return fail(Refused, tr("Not confirmed; nothing was changed."));
            m_engine->start(m_request);
        }
    });
    connect(m_engine, &UpgradeEngine::stepStarted, this, [this](int step, const QString &description) {
        if (m_json)
            emitJson({{QStringLiteral("event"), QStringLiteral("step-started")},
                {QStringLiteral("step"), step + 1}, {QStringLiteral("description"), description}});
    });
    connect(m_engine, &UpgradeEngine::stepProgress, this, [this](int step, qint64 done, qint64 total) {
        if (m_json)
            emitJson(
                {{QStringLiteral("event"), QStringLiteral("progress")}, {QStringLiteral("step"), step + 1},
                    {QStringLiteral("done"), done}, {QStringLiteral("total"), total}});
    });
    connect(m_engine, &UpgradeEngine::stepFinished, this,
        [this](int step, bool ok, const QString &detail, qint64 ms) {
            if (m_json)
                emitJson({{QStringLiteral("event"), QStringLiteral("step-finished")},
                    {QStringLiteral("step"), step + 1}, {QStringLiteral("ok"), ok},
                    {QStringLiteral("detail"), detail}, {QStringLiteral("elapsedMs"), ms}});
        });
    connect(m_engine, &UpgradeEngine::paused, this, [this](int step, const QString &reason) {
        if (m_json)
            emitJson({{QStringLiteral("event"), QStringLiteral("paused")}, {QStringLiteral("step"), step + 1},
                {QStringLiteral("reason"), reason}, {QStringLiteral("exitCode"), int(Paused)}});
        m_err << tr("The upgrade is paused at step %1: %2").arg(step + 1).arg(reason) << '\n'
              << tr("Fix the cause, then run the same command with --resume instead of --to (or --abort).")
              << '\n';
        m_err.flush();
        // The run stays unfinished in the journal; the lock goes with this process.
        QMetaObject::invokeMethod(
            this, [this] { Q_EMIT finished(Paused); }, Qt::QueuedConnection);
    });
    connect(m_engine, &UpgradeEngine::finished, this, &UpgradeCommand::done);
    m_engine->open();
}

void UpgradeCommand::begin()
{
    if (!m_engine->keychainProblems().isEmpty() && !m_json)
        m_err << tr("Keychain: %1").arg(m_engine->keychainProblems().join(QStringLiteral("; "))) << '\n';
    switch (m_mode) {
    case Mode::Start:
    case Mode::Check:
        m_engine->assess(m_request);
        break;
    case Mode::Resume:
        m_engine->resume();
        break;
    case Mode::Abort:
        m_engine->abort();
        break;
    }
}

void UpgradeCommand::printChecks(const UpgradeAssessment &a)
{
    if (m_json) {
        QJsonArray checks;
        for (const PreflightCheck &c : a.checks)
            checks.append(QJsonObject {{QStringLiteral("id"), c.id}, {QStringLiteral("title"), c.title},
                {QStringLiteral("severity"), severityName(c.severity)},
                {QStringLiteral("status"),
                    c.status == PreflightCheck::Status::Pass ? QStringLiteral("pass")
                                                             : QStringLiteral("fail")},
                {QStringLiteral("reason"), c.reason}, {QStringLiteral("fix"), c.fix},
                {QStringLiteral("nodes"), QJsonArray::fromStringList(c.nodes)}});
        QJsonArray steps;
        for (const UpgradeStep &s : a.plan.steps())
            steps.append(s.description);
        emitJson({{QStringLiteral("event"), QStringLiteral("checks")},
            {QStringLiteral("outcome"), outcomeName(a.outcome)}, {QStringLiteral("checks"), checks},
            {QStringLiteral("plan"), steps}});
        return;
    }
    m_out << tr("Checks for an upgrade of %1 to %2:").arg(a.inputs.clusterName, a.request.target) << '\n';
    for (const PreflightCheck &c : a.checks) {
        const bool pass = c.status == PreflightCheck::Status::Pass;
        const QString mark = pass                              ? QStringLiteral("ok  ")
            : c.severity == PreflightCheck::Severity::Blocking ? QStringLiteral("FAIL")
                                                               : QStringLiteral("warn");
        m_out << "  [" << mark << "] " << c.title;
        if (!c.reason.isEmpty() && !pass)
            m_out << ": " << c.reason;
        m_out << '\n';
        if (!pass && !c.fix.isEmpty())
            m_out << "         " << tr("fix: %1").arg(c.fix) << '\n';
    }
    m_out << tr("Outcome: %1").arg(outcomeName(a.outcome)) << '\n';
    m_out.flush();
}

bool UpgradeCommand::confirm(const UpgradeAssessment &a)
{
    if (!m_json) {
        m_out << tr("The plan:") << '\n';
        for (const UpgradeStep &s : a.plan.steps())
            m_out << QStringLiteral("  %1. %2").arg(s.index + 1).arg(s.description) << '\n';
        QStringList nodes;
        for (const UpgradeNodeInputs &n : a.inputs.nodes)
            nodes << n.name;
        m_out << tr("This stops every node of %1 (%2): the application is down until the upgrade ends.")
                     .arg(a.inputs.clusterName, nodes.join(QStringLiteral(", ")))
              << '\n';
        m_out.flush();
    }
    if (m_yes)
        return true;
    m_err << tr("Type yes to go on: ");
    m_err.flush();
    QTextStream in(stdin);
    return in.readLine().trimmed() == u"yes";
}

void UpgradeCommand::done(const UpgradeReport &report)
{
    int code = Failed;
    switch (report.outcome) {
    case UpgradeReport::Outcome::Completed:
    case UpgradeReport::Outcome::NothingToDo:
        code = Completed;
        break;
    case UpgradeReport::Outcome::Paused:
        code = Paused;
        break;
    case UpgradeReport::Outcome::Aborted:
        code = Aborted;
        break;
    case UpgradeReport::Outcome::Refused:
        code = report.refusedBy == u"lock" ? Locked : report.refusedBy == u"checks" ? Refused : Failed;
        break;
    }
    if (m_json) {
        QJsonObject o = report.toJson();
        o.remove(QStringLiteral("log"));
        o.insert(QStringLiteral("event"), QStringLiteral("finished"));
        o.insert(QStringLiteral("exitCode"), code);
        emitJson(o);
    } else {
        (code == Completed ? m_out : m_err) << report.summary << '\n';
        for (const QString &line : report.instructions)
            m_err << "  - " << line << '\n';
        if (report.backup)
            m_out << tr("Database backup: %1").arg(QDir::toNativeSeparators(report.backup->path)) << '\n';
    }
    m_out.flush();
    m_err.flush();
    QMetaObject::invokeMethod(
        this, [this, code] { Q_EMIT finished(code); }, Qt::QueuedConnection);
}
