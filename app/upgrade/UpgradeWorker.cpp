#include "UpgradeWorker.h"

#include "connectors/db/DatabaseWorker.h"
#include "connectors/http/HttpProbeJob.h"
#include "connectors/kubernetes/KubeSyncClient.h"
#include "connectors/ssh/NodeFacts.h"
#include "connectors/ssh/SshNodeConnection.h"
#include "connectors/ssh/SshShell.h"
#include "core/TextHelpers.h"
#include "upgrade/UpgradeVerify.h"

#include <QCryptographicHash>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

#include <future>

using TextHelpers::shellQuote;

namespace {

QString localSha256(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        return {};
    return QString::fromLatin1(hash.result().toHex());
}

// The checksum published beside a package: "<package>.sha256" in sha256sum's format.
QString publishedSha256(const QString &packagePath)
{
    QFile file(packagePath + QStringLiteral(".sha256"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QString first = QString::fromUtf8(file.read(4096))
                              .trimmed()
                              .section(QRegularExpression(QStringLiteral("\\s+")), 0, 0);
    static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]{64}$"));
    return hex.match(first).hasMatch() ? first.toLower() : QString();
}

QString stderrTail(const SshCommandResult &r)
{
    QString text = QString::fromUtf8(r.standardError).trimmed();
    if (text.isEmpty())
        text = QString::fromUtf8(r.standardOutput).trimmed();
    const QStringList lines = text.split(QLatin1Char('\n'));
    return lines.mid(std::max<qsizetype>(0, lines.size() - 5)).join(QLatin1Char('\n'));
}

} // namespace

UpgradeWorker::UpgradeWorker(LoadedProfile profile, ClusterCredentials secrets, Options options,
    std::shared_ptr<std::atomic_bool> cancel, std::shared_ptr<std::atomic_bool> pauseRequested)
    : m_profile(std::move(profile))
    , m_secrets(std::move(secrets))
    , m_options(std::move(options))
    , m_cancel(std::move(cancel))
    , m_pauseRequested(std::move(pauseRequested))
{ }

UpgradeWorker::~UpgradeWorker()
{
    shutdown();
}

void UpgradeWorker::shutdown()
{
    m_lock.release();
    m_shells.clear();
    m_kube.reset();
    delete m_http;
    m_http = nullptr;
    m_journal.reset();
}

void UpgradeWorker::log(const QString &line)
{
    QString safe = line;
    for (const QByteArray &secret : std::as_const(m_secrets.all)) {
        if (secret.size() >= 4)
            safe.replace(QString::fromUtf8(secret), QStringLiteral("********"));
    }
    const QString stamped = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) + safe;
    m_log << stamped;
    Q_EMIT logLine(stamped);
}

const NodeSpec *UpgradeWorker::nodeSpec(const QString &name) const
{
    for (const NodeSpec &n : m_profile.profile.nodes) {
        if (n.name == name)
            return &n;
    }
    return nullptr;
}

Result<void> UpgradeWorker::openJournal()
{
    if (m_journal)
        return {};
    Result<std::unique_ptr<UpgradeJournal>> journal = UpgradeJournal::open(m_options.journalPath);
    if (!journal)
        return std::unexpected(journal.error());
    m_journal = std::move(*journal);
    for (const QByteArray &secret : std::as_const(m_secrets.all))
        m_journal->addForbiddenValue(secret);
    return {};
}

// ---------------------------------------------------------------- connections

Result<SshShell *> UpgradeWorker::shell(const QString &node)
{
    if (const auto it = m_shells.find(node); it != m_shells.end())
        return it->second.get();
    Result<SshConnectionSettings> settings
        = SshNodeConnection::settingsFor(m_profile, node, m_options.hostKeyPolicy);
    if (!settings)
        return std::unexpected(settings.error());
    auto created = std::make_unique<SshShell>(*settings, m_secrets.ssh.value(node));
    SshShell *raw = created.get();
    m_shells.emplace(node, std::move(created));
    return raw;
}

Result<SshCommandResult> UpgradeWorker::run(
    const QString &node, const QString &command, std::chrono::milliseconds timeout)
{
    Result<SshShell *> sh = shell(node);
    if (!sh)
        return std::unexpected(sh.error());
    return (*sh)->run(command, timeout, *m_cancel);
}

Result<QString> UpgradeWorker::nodeCommand(
    const QString &node, const QString &templ, const QMap<QString, QString> &extra)
{
    Result<QMap<QString, QString>> values = NodeFactsQuery::placeholders(m_profile, node);
    if (!values)
        return std::unexpected(values.error());
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_./+,:=@%-]*$"));
    for (auto it = extra.cbegin(); it != extra.cend(); ++it) {
        if (!safe.match(it.value()).hasMatch())
            return failure(tr("The %1 \"%2\" holds characters that are not safe in a shell command.")
                               .arg(it.key(), it.value()));
        values->insert(it.key(), it.value());
    }
    return ProductPreset::expand(templ, *values);
}

QList<NodeHttpStatus> UpgradeWorker::probeAll(const QList<NodeSpec> &nodes, bool readVersion)
{
    if (!m_http)
        m_http = new QNetworkAccessManager;
    auto preset = std::make_shared<const ProductPreset>(m_profile.preset);
    QList<NodeHttpStatus> answers(nodes.size());
    qsizetype left = nodes.size();
    QEventLoop loop;
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        auto *job = new HttpProbeJob(m_http, nodes.at(i), preset, m_options.httpTimeoutMs, readVersion);
        QObject::connect(job, &HttpProbeJob::finished, &loop, [&, i](const NodeHttpStatus &status) {
            answers[i] = status;
            if (--left == 0)
                loop.quit();
        });
        job->start();
    }
    if (left > 0)
        loop.exec();
    return answers;
}

NodeHttpStatus UpgradeWorker::probeHttp(const NodeSpec &node, bool readVersion)
{
    if (!m_http)
        m_http = new QNetworkAccessManager;
    auto preset = std::make_shared<const ProductPreset>(m_profile.preset);
    NodeHttpStatus answer;
    QEventLoop loop;
    auto *job = new HttpProbeJob(m_http, node, preset, m_options.httpTimeoutMs, readVersion);
    QObject::connect(job, &HttpProbeJob::finished, &loop, [&](const NodeHttpStatus &status) {
        answer = status;
        loop.quit();
    });
    job->start();
    loop.exec();
    return answer;
}

Version UpgradeWorker::nodeVersion(const QString &node, const NodeHttpStatus &http, QString *why)
{
    if (m_profile.preset.version.source != VersionProbe::Source::File) {
        if (http.health != NodeHttpStatus::Health::Up) {
            *why = http.error;
            return {};
        }
        if (!http.version.isKnown())
            *why = http.versionNote;
        return http.version;
    }
    Result<QString> path = nodeCommand(node, m_profile.preset.version.path);
    if (!path) {
        *why = path.error().message;
        return {};
    }
    const Result<SshCommandResult> read
        = run(node, QStringLiteral("head -c 4096 -- ") + shellQuote(*path), std::chrono::seconds(30));
    if (!read || read->exitStatus != 0) {
        *why = read ? tr("cannot read %1: %2").arg(*path, stderrTail(*read)) : read.error().message;
        return {};
    }
    const QRegularExpressionMatch match
        = QRegularExpression(m_profile.preset.version.pattern).match(QString::fromUtf8(read->standardOutput));
    if (!match.hasMatch()) {
        *why = tr("%1 holds no version").arg(*path);
        return {};
    }
    return Version::parse(match.captured(1).trimmed());
}

DatabaseStatus UpgradeWorker::readDatabase()
{
    DatabaseStatus status;
    if (!m_profile.profile.database) {
        status.failure = DatabaseStatus::Failure::Unreachable;
        status.error = tr("The profile names no database.");
        return status;
    }
    DatabaseWorker worker;
    QObject::connect(&worker, &DatabaseWorker::finished, &worker,
        [&status](quint64, const DatabaseStatus &answer) { status = answer; });
    worker.probe(1, *m_profile.profile.database, m_secrets.databasePassword, m_profile.preset,
        DatabaseProbeOptions {});
    return status;
}

Version UpgradeWorker::schemaVersionOf(const DatabaseStatus &status) const
{
    if (status.schemaState != DatabaseStatus::SchemaState::Present)
        return {};
    switch (m_profile.preset.schema.kind) {
    case SchemaProbe::Kind::Evolutions:
        return status.evolutionVersion;
    case SchemaProbe::Kind::UpgradeLog:
        return status.upgradeLogVersion;
    case SchemaProbe::Kind::None:
        break;
    }
    return {};
}

// ---------------------------------------------------------------- gathering

void UpgradeWorker::gatherDatabase(UpgradeAssessment &a)
{
    UpgradeDatabaseInputs &db = a.inputs.database;
    db.schemaTracked = m_profile.preset.schema.kind != SchemaProbe::Kind::None;
    db.schemaVersionIsLowerBound = m_profile.preset.schema.kind == SchemaProbe::Kind::Evolutions;
    const DatabaseStatus status = readDatabase();
    db.reachable = status.reachable && status.ok();
    db.error = status.error;
    if (db.schemaTracked)
        db.schemaVersion = schemaVersionOf(status);
    a.request.schemaBefore = db.schemaVersion;
    if (m_profile.profile.database) {
        Result<std::optional<UpgradeLockHolder>> holder
            = m_lock.holder(*m_profile.profile.database, m_secrets.databasePassword);
        if (holder && *holder) {
            a.inputs.lock = **holder;
            // When it is this computer, the journal knows the person.
            if (m_journal) {
                Result<QList<UpgradeJournal::RunRecord>> runs = m_journal->runs(m_profile.profile.name);
                for (const UpgradeJournal::RunRecord &run :
                    runs ? *runs : QList<UpgradeJournal::RunRecord> {}) {
                    if (run.state == UpgradeJournal::RunState::Running) {
                        a.inputs.lock->who = tr("%1 (run %2 by %3 on %4, in this computer's journal)")
                                                 .arg(a.inputs.lock->who)
                                                 .arg(run.id)
                                                 .arg(run.osUser, run.host);
                        break;
                    }
                }
            }
        }
    }
}

void UpgradeWorker::gatherPackage(UpgradeAssessment &a)
{
    UpgradePackageInputs &pkg = a.inputs.package;
    pkg.path = a.request.packagePath;
    const QFileInfo info(pkg.path);
    if (pkg.path.isEmpty() || !info.isFile())
        return;
    pkg.size = info.size();
    pkg.expectedSha256 = a.request.expectedSha256.trimmed().toLower();
    if (pkg.expectedSha256.isEmpty())
        pkg.expectedSha256 = publishedSha256(pkg.path);
    log(tr("Computing the SHA-256 of %1 (%2 bytes)")
            .arg(QDir::toNativeSeparators(pkg.path))
            .arg(info.size()));
    pkg.actualSha256 = localSha256(pkg.path);
    a.request.actualSha256 = pkg.actualSha256;
    // Upload and unpack: room for the package twice over and the unpacked release.
    a.inputs.requiredFreeDiskBytes = 3 * info.size();
}

void UpgradeWorker::gatherHosts(UpgradeAssessment &a)
{
    const QList<NodeSpec> &specs = m_profile.profile.nodes;
    // Every node at once: each has its own SSH connection, used by one thread at a
    // time, and the HTTP probes share this thread's event loop.
    struct Facts
    {
        SshShell *shell = nullptr;
        QString script;
        QString error;
        std::optional<qint64> freeDisk;
    };
    std::vector<Facts> facts(size_t(specs.size()));
    for (qsizetype i = 0; i < specs.size(); ++i) {
        Facts &f = facts[size_t(i)];
        const NodeSpec &spec = specs.at(i);
        if (!spec.ssh) {
            f.error = tr("%1 has no SSH settings in the profile.").arg(spec.name);
        } else if (Result<NodeFactsQuery> query = NodeFactsQuery::forNode(m_profile, spec.name); !query) {
            f.error = query.error().message;
        } else if (Result<SshShell *> sh = shell(spec.name); !sh) {
            f.error = sh.error().message;
        } else {
            f.shell = *sh;
            f.script = query->diskScript();
        }
    }
    std::vector<std::future<void>> running;
    for (Facts &f : facts) {
        if (!f.shell)
            continue;
        running.push_back(std::async(std::launch::async, [&f, cancel = m_cancel] {
            const Result<SshCommandResult> out = f.shell->run(f.script, std::chrono::seconds(30), *cancel);
            if (!out) {
                f.error = out.error().message;
            } else if (Result<NodeFacts> parsed = NodeFactsQuery::parse(*out); !parsed) {
                f.error = parsed.error().message;
            } else {
                f.freeDisk = parsed->installDirFreeBytes;
            }
        }));
    }
    const QList<NodeHttpStatus> http = probeAll(specs, true);
    for (std::future<void> &r : running)
        r.wait();

    for (qsizetype i = 0; i < specs.size(); ++i) {
        const NodeSpec &spec = specs.at(i);
        const Facts &f = facts[size_t(i)];
        UpgradeNodeInputs n;
        n.name = spec.name;
        n.reachableForControl = f.error.isEmpty();
        n.controlError = f.error;
        n.freeDiskBytes = f.freeDisk;
        n.healthy = http.at(i).health == NodeHttpStatus::Health::Up;
        // Over HTTP only a running node tells its version; a version file needs SSH.
        QString why;
        const bool fromFile = m_profile.preset.version.source == VersionProbe::Source::File;
        if (fromFile ? n.reachableForControl : n.healthy)
            n.version = nodeVersion(spec.name, http.at(i), &why);
        log(tr("%1: %2, version %3%4")
                .arg(spec.name, n.healthy ? tr("healthy") : tr("not healthy"),
                    n.version.isKnown() ? n.version.text() : tr("unknown"),
                    n.reachableForControl ? QString() : tr(", SSH: %1").arg(n.controlError)));
        a.inputs.nodes << n;
    }
}

QList<PreflightCheck> UpgradeWorker::appChecks(const UpgradeAssessment &a) const
{
    QList<PreflightCheck> out;
    const DeploymentKind kind = m_profile.profile.deployment.kind;
    if (kind == DeploymentKind::Compose) {
        PreflightCheck variable;
        variable.id = QStringLiteral("imageVariable");
        variable.title = tr("Image setting of the Compose service");
        const ComposeSettings &compose = m_profile.profile.deployment.compose;
        if (compose.imageVariable.isEmpty()) {
            variable.status = PreflightCheck::Status::Fail;
            variable.reason
                = tr("The profile names no deployment.imageVariable, so Clusterdesk does not know "
                     "which entry of the project's .env sets the image of %1.")
                      .arg(compose.service);
            variable.fix = tr("Make compose.yaml take the image from a variable (image: ${JATOS_IMAGE}), "
                              "set it in .env and name it as deployment.imageVariable in the profile.");
        } else {
            variable.reason = tr("%1 in %2/.env").arg(compose.imageVariable, compose.projectDir);
        }
        out << variable;
    }
    if (kind == DeploymentKind::Hosts) {
        PreflightCheck install;
        install.id = QStringLiteral("installCommand");
        install.title = tr("Install command");
        if (m_profile.preset.commands.install.trimmed().isEmpty()) {
            install.status = PreflightCheck::Status::Fail;
            install.reason = tr("The %1 preset has no install command, so Clusterdesk does not know how to "
                                "install a release package on a node.")
                                 .arg(m_profile.preset.displayName);
            install.fix
                = tr("Set presetOverrides.commands.install in the profile, for example "
                     "\"{installDir}/install-release.sh {package} {version}\" (it must be safe to run "
                     "twice).");
        } else {
            install.reason = m_profile.preset.commands.install;
        }
        out << install;
    }
    if (a.inputs.backup.waiver.isEmpty() && a.inputs.backup.command.isEmpty()) {
        // Preflight's backup check says the rest; this names the missing tool.
        PreflightCheck tool;
        tool.id = QStringLiteral("backupTool");
        tool.title = tr("Database dump tool");
        tool.status = PreflightCheck::Status::Fail;
        tool.reason = tr("Neither mariadb-dump nor mysqldump was found on this computer.");
        tool.fix = tr("Install the MariaDB or MySQL client tools, or give a backup command.");
        out << tool;
    }
    return out;
}

static QString defaultDumpTool()
{
    for (const char *name : {"mariadb-dump", "mysqldump"}) {
        const QString found = QStandardPaths::findExecutable(QString::fromLatin1(name));
        if (!found.isEmpty())
            return found;
    }
    return {};
}

UpgradeAssessment UpgradeWorker::gather(UpgradeRequest request, bool forResume)
{
    UpgradeAssessment a;
    a.request = std::move(request);
    UpgradeInputs &in = a.inputs;
    in.kind = m_profile.profile.deployment.kind;
    in.clusterName = m_profile.profile.name;
    in.target = a.request.targetVersion();
    in.imageTag = a.request.imageTag;
    in.acknowledged = a.request.acknowledged;
    in.backup.waiver = a.request.backupWaiver;
    if (a.request.backupWaiver.isEmpty())
        in.backup.command = a.request.backupCommand.isEmpty() ? defaultDumpTool() : a.request.backupCommand;
    in.replicas = a.request.replicas;
    in.hpa = a.request.hpa;

    log(tr("Checking %1 before an upgrade to %2").arg(m_profile.profile.name, a.request.target));
    if (Result<void> journal = openJournal(); !journal) {
        a.error = journal.error().message;
    } else if (!forResume) {
        Result<std::optional<UpgradeJournal::RunRecord>> unfinished
            = m_journal->unfinishedRun(m_profile.path);
        if (unfinished && *unfinished) {
            const UpgradeJournal::RunRecord &r = **unfinished;
            int resumeStep = 0;
            for (const JournalEntry &e : r.entries) {
                if (e.event == JournalEntry::Event::Finished && e.ok)
                    resumeStep = e.step + 1;
            }
            in.interrupted = InterruptedUpgrade {Version::parse(r.target), r.started, resumeStep};
        }
    }
    if (in.kind == DeploymentKind::Hosts) {
        gatherHosts(a);
        gatherPackage(a);
    } else {
        gatherOrchestrated(a);
    }
    gatherDatabase(a);
    a.checks = Preflight::run(in) + appChecks(a);
    a.outcome = Preflight::outcome(in, a.checks);
    a.plan = UpgradePlan::build(in);
    return a;
}

void UpgradeWorker::assess(const UpgradeRequest &request)
{
    Q_EMIT assessed(gather(request, false));
}
