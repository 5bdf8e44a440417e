#include "DiagnosticsSources.h"

#include "JsonReader.h"
#include "audit/AuditLog.h"
#include "config/ConfigFields.h"
#include "config/NodeConfigFacts.h"
#include "connectors/compose/ComposeProbe.h"
#include "connectors/kubernetes/KubeStatus.h"
#include "connectors/kubernetes/KubeSyncClient.h"
#include "connectors/ssh/NodeFacts.h"
#include "connectors/ssh/SshNodeConnection.h"
#include "connectors/ssh/SshShell.h"
#include "core/Logging.h"
#include "core/TextHelpers.h"
#include "diagnostics/SecretPatterns.h"
#include "upgrade/UpgradeJournal.h"
#include "upgrade/UpgradeReport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUrl>

using namespace Qt::StringLiterals;
using TextHelpers::shellQuote;

namespace {

std::string utf8(const QString &text)
{
    return text.toStdString();
}

QString sizeText(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

// JSON as people read it; other bytes as they are.
QByteArray pretty(const QByteArray &body)
{
    const Json json = Json::parse(body.constData(), body.constData() + body.size(), nullptr, false);
    if (json.is_discarded())
        return body;
    return QByteArray::fromStdString(json.dump(2)) + '\n';
}

QString fileNameOf(const QString &path)
{
    return path.section(u'/', -1);
}

// Standard output streamed into the channel's open entry. `dropFirstLine`: the output
// starts inside a line (`tail -c`), and a piece of a line may hold a piece of a secret
// no rule recognises, so everything up to the first line end goes. `cap` (when >= 0):
// only whole lines within the first `cap` bytes are kept; *capped says one was cut.
SshSession::OutputSink lineSink(
    BundleAssembler::Channel &channel, bool dropFirstLine, qint64 cap = -1, bool *capped = nullptr)
{
    auto skipping = std::make_shared<bool>(dropFirstLine);
    auto taken = std::make_shared<qint64>(0);
    return [&channel, skipping, taken, cap, capped](QByteArrayView bytes) -> Result<void> {
        if (*skipping) {
            const qsizetype end = bytes.indexOf('\n');
            if (end < 0)
                return {};
            bytes = bytes.sliced(end + 1);
            *skipping = false;
        }
        if (cap >= 0) {
            if (capped && *capped)
                return {};
            if (*taken + bytes.size() > cap) {
                bytes = bytes.first(cap - *taken);
                const qsizetype end = bytes.lastIndexOf('\n');
                bytes = end < 0 ? QByteArrayView() : bytes.first(end + 1);
                if (capped)
                    *capped = true;
            }
            *taken += bytes.size();
        }
        return channel.write(bytes);
    };
}

// Whole lines of `body` within `cap` bytes: a cut last line goes (see lineSink).
QByteArray wholeLines(const QByteArray &body, qint64 cap)
{
    if (body.size() < cap)
        return body;
    const qsizetype end = body.lastIndexOf('\n', cap - 1);
    return end < 0 ? QByteArray() : body.left(end + 1);
}

} // namespace

DiagnosticsSource::~DiagnosticsSource() = default;

// ---------------------------------------------------------------- a node over SSH

NodeSource::NodeSource(const NodeSpec &node)
    : DiagnosticsSource(node.name)
    , m_node(node)
{ }

NodeSource::~NodeSource() = default;

void NodeSource::prepare(const DiagnosticsContext &c)
{
    Result<SshConnectionSettings> settings
        = SshNodeConnection::settingsFor(c.profile, m_node.name, c.options.hostKeyPolicy);
    if (!settings) {
        m_error = settings.error().message;
        return;
    }
    settings->connectTimeout = c.options.connectTimeout;
    m_shell = std::make_unique<SshShell>(*settings, c.credentials.ssh.value(m_node.name));
    Result<QMap<QString, QString>> values = NodeFactsQuery::placeholders(c.profile, m_node.name);
    if (!values) {
        m_error = values.error().message;
        return;
    }
    m_placeholders = *values;
    const Result<SshCommandResult> hello = m_shell->run(u"true"_s, c.options.idleTimeout, *c.cancel);
    if (!hello) {
        m_error = hello.error().message;
        return;
    }

    if (Result<QList<ConfigFileSpec>> specs
        = ConfigFiles::forNode(c.profile.profile, c.profile.preset, m_node)) {
        for (const ConfigFileSpec &spec : std::as_const(*specs))
            m_files.append(File {spec.path, spec, false, {}, {}});
    }
    for (const QString &templ : std::as_const(c.profile.preset.configFiles)) {
        const QString path = ProductPreset::expand(templ, m_placeholders);
        if (std::none_of(m_files.cbegin(), m_files.cend(), [&](const File &f) { return f.path == path; }))
            m_files.append(File {path, std::nullopt, false, {}, {}});
    }
    for (File &f : m_files) {
        RemoteFileOp op;
        op.kind = RemoteFileOp::Kind::Read;
        op.path = f.path;
        const Result<RemoteFileResult> read = m_shell->fileOp(op, *c.cancel);
        if (!read) {
            f.error = read.error().message;
            continue;
        }
        f.exists = read->exists;
        f.content = read->content;
    }

    // The secrets the files hold, so that they are found in every other entry too.
    for (const ConfigField &field : ConfigFields::forProduct(c.profile.profile.product)) {
        if (field.kind != ConfigField::Kind::Secret)
            continue;
        for (const File &f : std::as_const(m_files)) {
            if (!f.exists || !f.spec || f.spec->role != field.role)
                continue;
            const Result<std::optional<QString>> value = ConfigFields::read(field, f.content, f.path);
            if (value && *value && !(*value)->isEmpty())
                m_secrets.append({u"config:"_s + (field.secretName.isEmpty() ? field.id : field.secretName),
                    (*value)->toUtf8()});
        }
    }
}

NodeConfigSnapshot NodeSource::configSnapshot() const
{
    NodeConfigSnapshot snapshot;
    snapshot.node = m_node.name;
    snapshot.error = m_error;
    for (const File &f : m_files) {
        if (f.spec)
            snapshot.files.append(ConfigFileState {*f.spec, f.exists, f.content, f.error});
    }
    return snapshot;
}

QString NodeSource::entryName(const QString &folder, const QString &fileName)
{
    QString name = folder + u'/' + fileName;
    for (int i = 2; m_names.contains(name); ++i)
        name = u"%1/%2.%3"_s.arg(folder, fileName).arg(i);
    m_names.insert(name);
    return name;
}

Result<void> NodeSource::streamEntry(const DiagnosticsContext &c, BundleAssembler::Channel &channel,
    const QString &entry, const QString &command, const QDateTime &modified, bool dropFirstLine,
    const QString &note)
{
    if (Result<void> begun = channel.begin(entry, modified); !begun)
        return begun;
    const Result<SshCommandResult> ran
        = m_shell->stream(command, c.options.idleTimeout, *c.cancel, lineSink(channel, dropFirstLine));
    if (!ran) {
        (void)channel.end(tr("incomplete: %1").arg(ran.error().message), true);
        channel.fail(entry, ran.error().message);
        return std::unexpected(ran.error());
    }
    if (ran->exitStatus != 0) {
        const QString why = QString::fromUtf8(ran->standardError).trimmed();
        channel.fail(entry,
            tr("the command ended with exit status %1%2")
                .arg(ran->exitStatus)
                .arg(why.isEmpty() ? QString() : u": "_s + why.left(500)));
    }
    return channel.end(note);
}

void NodeSource::collect(const DiagnosticsContext &c, BundleAssembler::Channel &channel)
{
    if (!m_error.isEmpty()) {
        channel.fail(tr("connection"), m_error);
        return;
    }
    const QString base = u"nodes/"_s + m_node.name;

    const HostKeyInfo key = m_shell->hostKey();
    // Labels the key/value rules leave alone ("Key:" would read as a secret's name).
    const QString keyText
        = tr("Host:         %1 port %2\nKey type:     %3\nFingerprint:  %4\nChecked in:   %5\n")
              .arg(key.host)
              .arg(key.port)
              .arg(key.keyType, key.fingerprint, key.knownHostsFile);
    if (!channel.add(base + u"/ssh-host-key.txt"_s, keyText.toUtf8()))
        return;

    for (const File &f : std::as_const(m_files)) {
        const QString name = entryName(base + u"/config"_s, fileNameOf(f.path));
        if (f.exists) {
            if (!channel.add(name, f.content))
                return;
        } else {
            channel.fail(name, f.error.isEmpty() ? tr("not found at %1").arg(f.path) : f.error);
        }
    }

    // System facts, each under a heading; a missing tool says so and the rest goes on.
    const QString install = m_placeholders.value(u"installDir"_s);
    QStringList folders {shellQuote(install)};
    for (const QString &folder : {u"dataDir"_s, u"sharedDataDir"_s}) {
        if (!m_placeholders.value(folder).isEmpty())
            folders << shellQuote(m_placeholders.value(folder));
    }
    const Result<QString> running
        = NodeFactsQuery::command(c.profile, m_node.name, c.profile.preset.commands.running);
    QString script
        = u"section() { printf '\\n== %s\\n' \"$1\"; }; "
          "section 'uname -a'; uname -a 2>&1; "
          "section /etc/os-release; cat /etc/os-release 2>&1; "
          "section uptime; uptime 2>&1; "
          "section 'df -hP'; df -hP %1 2>&1; "
          "section 'free -m'; free -m 2>&1; "
          "section 'java -version'; java -version 2>&1; "
          "section \"processes of $(id -un)\"; ps -u \"$(id -u)\" -o pid,ppid,etime,rss,args 2>&1; "_s.arg(
              folders.join(u' '));
    if (running && !running->isEmpty())
        script += u"section 'application running'; if %1; then echo yes; else echo no; fi; "_s.arg(*running);
    script += u"true"_s;
    if (!streamEntry(c, channel, base + u"/system.txt"_s, script, QDateTime::currentDateTimeUtc(), false, {}))
        return;

    collectLogs(c, channel);
}

void NodeSource::collectLogs(const DiagnosticsContext &c, BundleAssembler::Channel &channel)
{
    const QString base = u"nodes/"_s + m_node.name + u"/logs"_s;
    QStringList paths;
    for (const QString &templ : std::as_const(c.profile.preset.logFiles))
        paths << ProductPreset::expand(templ, m_placeholders);
    if (paths.isEmpty())
        return;
    const qint64 limit = std::max<qint64>(c.options.maxLogBytes, 1);

    // Size and modification time of each: one question for all.
    QStringList quoted;
    for (const QString &p : std::as_const(paths))
        quoted << shellQuote(p);
    const Result<SshCommandResult> stat
        = m_shell->run(u"stat -c '%s %Y %n' -- %1 2>/dev/null; true"_s.arg(quoted.join(u' ')),
            c.options.idleTimeout, *c.cancel);
    if (!stat) {
        channel.fail(base, stat.error().message);
        return;
    }
    struct Stat
    {
        qint64 size = 0;
        QDateTime modified;
    };
    QHash<QString, Stat> stats;
    for (const QByteArray &line : stat->standardOutput.split('\n')) {
        const QString text = QString::fromUtf8(line);
        const QString size = text.section(u' ', 0, 0);
        const QString time = text.section(u' ', 1, 1);
        const QString name = text.section(u' ', 2);
        if (!name.isEmpty())
            stats.insert(
                name, Stat {size.toLongLong(), QDateTime::fromSecsSinceEpoch(time.toLongLong(), Qt::UTC)});
    }

    for (const QString &path : std::as_const(paths)) {
        const QString name = entryName(base, fileNameOf(path));
        const auto st = stats.constFind(path);
        if (st == stats.cend()) {
            channel.fail(name, tr("not found at %1").arg(path));
            continue;
        }
        const bool cut = st->size > limit;
        const QString note
            = cut ? tr("the last %1 of %2").arg(sizeText(limit), sizeText(st->size)) : QString();
        if (!streamEntry(c, channel, name, u"tail -c %1 -- %2"_s.arg(limit).arg(shellQuote(path)),
                st->modified, cut, note))
            return;
    }

    if (!c.options.since)
        return;
    // Rotated logs beside each file ("application.2026-11-21.log.gz", "joget.log.2026-11-21.gz"),
    // changed within the window: modification time, size unpacked and name of each.
    const qint64 from = QDateTime::currentSecsSinceEpoch() - c.options.since->count();
    static const QRegularExpression suffix(u"\\.(log|out)$"_s);
    for (const QString &path : std::as_const(paths)) {
        const QString folder = path.section(u'/', 0, -2);
        QString stem = fileNameOf(path);
        stem.remove(suffix);
        const QString list
            = u"find -H %1 -maxdepth 1 -type f -name %2 -newermt @%3 2>/dev/null | sort | "
              "while IFS= read -r f; do printf '%s %s %s\\n' \"$(stat -c %Y -- \"$f\")\" "
              "\"$(gzip -dc -- \"$f\" | wc -c)\" \"${f##*/}\"; done"_s
                  .arg(shellQuote(folder.isEmpty() ? u"/"_s : folder), shellQuote(stem + u".*.gz"_s))
                  .arg(from);
        const Result<SshCommandResult> found = m_shell->run(list, c.options.idleTimeout, *c.cancel);
        if (!found) {
            channel.fail(base + u"/rotated"_s, found.error().message);
            return;
        }
        for (const QByteArray &line : found->standardOutput.split('\n')) {
            const QString text = QString::fromUtf8(line);
            const QString file = text.section(u' ', 2);
            if (file.isEmpty())
                continue;
            const qint64 size = text.section(u' ', 1, 1).toLongLong();
            const QDateTime modified
                = QDateTime::fromSecsSinceEpoch(text.section(u' ', 0, 0).toLongLong(), Qt::UTC);
            QString unpacked = file;
            unpacked.chop(3); // ".gz"
            const bool cut = size > limit;
            const QString note
                = cut ? tr("the last %1 of %2 unpacked").arg(sizeText(limit), sizeText(size)) : QString();
            const QString command
                = u"gzip -dc -- %1 | tail -c %2"_s.arg(shellQuote(folder + u'/' + file)).arg(limit);
            if (!streamEntry(
                    c, channel, entryName(base + u"/rotated"_s, unpacked), command, modified, cut, note))
                return;
        }
    }
}

// ---------------------------------------------------------------- the Compose host

ComposeSource::ComposeSource()
    : DiagnosticsSource(u"compose"_s)
{ }

ComposeSource::~ComposeSource() = default;

void ComposeSource::collect(const DiagnosticsContext &c, BundleAssembler::Channel &channel)
{
    const ComposeSettings &compose = c.profile.profile.deployment.compose;
    Result<SshConnectionSettings> settings = ComposeProbe::settingsFor(c.profile, c.options.hostKeyPolicy);
    if (!settings) {
        m_error = settings.error().message;
        channel.fail(tr("connection"), m_error);
        return;
    }
    settings->connectTimeout = c.options.connectTimeout;
    m_shell = std::make_unique<SshShell>(*settings, c.credentials.composeHost);
    const QString docker = u"docker compose --project-directory %1 "_s.arg(shellQuote(compose.projectDir));

    const Result<SshCommandResult> ps = m_shell->run(
        docker + u"ps -a --format json "_s + shellQuote(compose.service), c.options.idleTimeout, *c.cancel);
    if (!ps) {
        m_error = ps.error().message;
        channel.fail(tr("connection"), m_error);
        return;
    }
    if (ps->exitStatus != 0)
        channel.fail(u"compose/ps.json"_s, QString::fromUtf8(ps->standardError).trimmed());
    else if (!channel.add(u"compose/ps.json"_s, ps->standardOutput))
        return;

    RemoteFileOp op;
    op.kind = RemoteFileOp::Kind::Read;
    op.path = compose.projectDir + u"/.env"_s;
    const Result<RemoteFileResult> env = m_shell->fileOp(op, *c.cancel);
    if (!env)
        channel.fail(u"compose/env"_s, env.error().message);
    else if (env->exists && !channel.add(u"compose/env"_s, env->content))
        return;

    // The newest lines of every container of the service (`--tail` counts lines per
    // container: about maxLogBytes of them at 200 bytes a line), cut at twice that in
    // all should the lines be longer.
    const qint64 limit = std::max<qint64>(c.options.maxLogBytes, 1);
    const qint64 containers = std::max<qint64>(ps->standardOutput.count('\n'), 1);
    const qint64 lines = std::max<qint64>(limit / 200, 100);
    if (!channel.begin(u"compose/logs.txt"_s))
        return;
    bool capped = false;
    const QString logs
        = docker + u"logs --no-color --timestamps --tail %1 %2"_s.arg(lines).arg(shellQuote(compose.service));
    const Result<SshCommandResult> ran = m_shell->stream(
        logs, c.options.idleTimeout, *c.cancel, lineSink(channel, false, 2 * limit * containers, &capped));
    if (!ran) {
        (void)channel.end(tr("incomplete: %1").arg(ran.error().message), true);
        channel.fail(u"compose/logs.txt"_s, ran.error().message);
        return;
    }
    if (ran->exitStatus != 0)
        channel.fail(u"compose/logs.txt"_s, QString::fromUtf8(ran->standardError).trimmed().left(500));
    (void)channel.end(capped ? tr("the last %n line(s) of each container, cut at %1", nullptr, int(lines))
                                   .arg(sizeText(2 * limit * containers))
                             : tr("the last %n line(s) of each container", nullptr, int(lines)),
        capped);
}

// ---------------------------------------------------------------- Kubernetes

KubernetesSource::KubernetesSource()
    : DiagnosticsSource(u"kubernetes"_s)
{ }

KubernetesSource::~KubernetesSource() = default;

namespace {

std::unique_ptr<KubeSyncClient> kubeClient(const DiagnosticsContext &c, QString *error)
{
    const KubernetesSettings &k = c.profile.profile.deployment.kubernetes;
    auto client = std::make_unique<KubeSyncClient>(k, c.credentials.kubeToken);
    client->setTimeout(std::chrono::milliseconds(std::max(c.options.httpTimeoutMs, 1000) * 2));
    if (!k.caFile.isEmpty()) {
        if (Result<void> ca = client->setCaFile(ProfileFile::resolvePath(c.profile.path, k.caFile)); !ca) {
            *error = ca.error().message;
            return nullptr;
        }
    }
    return client;
}

} // namespace

void KubernetesSource::prepare(const DiagnosticsContext &c)
{
    m_client = kubeClient(c, &m_error);
    if (!m_client)
        return;
    const Result<QByteArray> body = m_client->get(m_client->deploymentPath(),
        tr("Deployment %1/%2")
            .arg(c.profile.profile.deployment.kubernetes.ns,
                c.profile.profile.deployment.kubernetes.deployment));
    if (!body) {
        m_error = body.error().message;
        return;
    }
    m_deployment = *body;
    // Literal values of environment variables whose names say they hold a secret
    // ({"name": "SMTP_PASSWORD", "value": "..."}): the key/value rules cannot see
    // them, as name and value are apart. The same values recur in every Pod's spec.
    const Json json = Json::parse(
        m_deployment.constData(), m_deployment.constData() + m_deployment.size(), nullptr, false);
    const Json *containers = nullptr;
    if (json.is_object() && json.contains("spec") && json["spec"].contains("template")
        && json["spec"]["template"].contains("spec")
        && json["spec"]["template"]["spec"].contains("containers"))
        containers = &json["spec"]["template"]["spec"]["containers"];
    if (!containers || !containers->is_array())
        return;
    for (const Json &container : *containers) {
        if (!container.is_object() || !container.contains("env") || !container["env"].is_array())
            continue;
        for (const Json &var : container["env"]) {
            if (!var.is_object() || !var.contains("name") || !var.contains("value")
                || !var["name"].is_string() || !var["value"].is_string())
                continue;
            const std::string name = var["name"].get<std::string>();
            if (SecretPatterns::judgeKey(QByteArrayView(name.data(), qsizetype(name.size())))
                == SecretPatterns::KeyKind::Names)
                m_secrets.append({u"kubernetes:env:"_s + QString::fromStdString(name),
                    QByteArray::fromStdString(var["value"].get<std::string>())});
        }
    }
}

void KubernetesSource::collect(const DiagnosticsContext &c, BundleAssembler::Channel &channel)
{
    // The client was made on this thread (prepare()) and must go on it too.
    const auto release = qScopeGuard([this] { m_client.reset(); });
    if (!m_error.isEmpty()) {
        channel.fail(tr("API server"), m_error);
        return;
    }
    KubeSyncClient &api = *m_client;
    const KubernetesSettings &k = c.profile.profile.deployment.kubernetes;
    const auto encoded
        = [](const QString &part) { return QString::fromLatin1(QUrl::toPercentEncoding(part)); };
    const auto getInto = [&](const QString &entry, const QString &path, const QString &what) -> bool {
        const Result<QByteArray> body = api.get(path, what);
        if (!body) {
            channel.fail(entry, body.error().message);
            return true;
        }
        return bool(channel.add(entry, pretty(*body)));
    };

    if (!channel.add(u"kubernetes/deployment.json"_s, pretty(m_deployment)))
        return;
    const Result<KubeDeployment> deployment = KubeParsing::deployment(m_deployment);
    QByteArray podList;
    if (deployment && !deployment->selector.isEmpty()) {
        const Result<QByteArray> pods
            = api.get(api.podsPath(KubeParsing::labelSelector(deployment->selector)),
                tr("the pods of %1").arg(k.deployment));
        if (!pods)
            channel.fail(u"kubernetes/pods.json"_s, pods.error().message);
        else if (!channel.add(u"kubernetes/pods.json"_s, pretty(*pods)))
            return;
        else
            podList = *pods;
    } else {
        channel.fail(u"kubernetes/pods.json"_s, tr("the Deployment names no pod selector"));
    }
    if (!getInto(u"kubernetes/events.json"_s, u"/api/v1/namespaces/%1/events"_s.arg(encoded(k.ns)),
            tr("the events of namespace %1").arg(k.ns)))
        return;
    if (!k.hpa.isEmpty()) {
        const Result<KubeSyncClient::Answer> hpa
            = api.send("GET", api.hpaPath(k.hpa), tr("HorizontalPodAutoscaler %1").arg(k.hpa));
        if (!hpa)
            channel.fail(u"kubernetes/hpa.json"_s, hpa.error().message);
        else if (hpa->status != 200)
            channel.fail(u"kubernetes/hpa.json"_s,
                api.statusError(*hpa, tr("HorizontalPodAutoscaler %1").arg(k.hpa), tr("read")));
        else if (!channel.add(u"kubernetes/hpa.json"_s, pretty(hpa->body)))
            return;
    }

    // Each container's log: the newest lines, at most maxLogBytes of them.
    const qint64 limit = std::clamp<qint64>(c.options.maxLogBytes, 1, KubeSyncClient::MaxBodyBytes - 1024);
    const Json pods = Json::parse(podList.constData(), podList.constData() + podList.size(), nullptr, false);
    if (!pods.is_object() || !pods.contains("items") || !pods["items"].is_array())
        return;
    for (const Json &pod : pods["items"]) {
        const QString podName
            = QString::fromStdString(pod.value(Json::json_pointer("/metadata/name"), std::string()));
        if (podName.isEmpty() || !pod.contains("spec") || !pod["spec"].contains("containers"))
            continue;
        for (const Json &container : pod["spec"]["containers"]) {
            const QString name = QString::fromStdString(container.value("name", std::string()));
            if (name.isEmpty())
                continue;
            QString path = u"/api/v1/namespaces/%1/pods/%2/log?container=%3&tailLines=100000&limitBytes=%4"_s
                               .arg(encoded(k.ns), encoded(podName), encoded(name))
                               .arg(limit);
            if (c.options.since)
                path += u"&sinceSeconds=%1"_s.arg(c.options.since->count());
            const QString entry = u"kubernetes/logs/%1/%2.log"_s.arg(podName, name);
            const Result<QByteArray> body
                = api.get(path, tr("the log of container %1 in pod %2").arg(name, podName));
            if (!body) {
                channel.fail(entry, body.error().message);
                continue;
            }
            if (!channel.add(entry, wholeLines(*body, limit)))
                return;
        }
    }
}

// ---------------------------------------------------------------- the database

DatabaseSource::DatabaseSource()
    : DiagnosticsSource(u"database"_s)
{ }

namespace {

// {"query": ..., "columns": [...], "rows": [[...], ...]} or {"query": ..., "error": ...}.
Json queryJson(QSqlDatabase &db, const QString &sql)
{
    Json out;
    out["query"] = utf8(sql);
    QSqlQuery query(db);
    if (!query.exec(sql)) {
        out["error"] = utf8(query.lastError().databaseText());
        return out;
    }
    const QSqlRecord record = query.record();
    Json columns = Json::array();
    for (int i = 0; i < record.count(); ++i)
        columns.push_back(utf8(record.fieldName(i)));
    out["columns"] = columns;
    Json rows = Json::array();
    while (query.next()) {
        Json row = Json::array();
        for (int i = 0; i < record.count(); ++i) {
            const QVariant v = query.value(i);
            if (v.isNull())
                row.push_back(nullptr);
            else if (v.typeId() == QMetaType::QDateTime)
                row.push_back(utf8(v.toDateTime().toString(Qt::ISODate)));
            else
                row.push_back(utf8(v.toString()));
        }
        rows.push_back(row);
    }
    out["rows"] = rows;
    return out;
}

QByteArray dumped(const Json &json)
{
    return QByteArray::fromStdString(json.dump(2)) + '\n';
}

} // namespace

void DatabaseSource::collect(const DiagnosticsContext &c, BundleAssembler::Channel &channel)
{
    const DatabaseSpec &spec = *c.profile.profile.database;
    const QString where = u"%1:%2"_s.arg(spec.host).arg(spec.port);
    const QString connection = u"clusterdesk-diagnostics-%1"_s.arg(reinterpret_cast<quintptr>(this), 0, 16);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QMYSQL"_s, connection);
        if (!db.isValid()) {
            m_error = tr("Qt's MySQL driver (QMYSQL) is not installed.");
        } else {
            db.setHostName(spec.host);
            db.setPort(spec.port);
            db.setDatabaseName(spec.schema);
            db.setUserName(spec.user);
            db.setPassword(QString::fromUtf8(c.credentials.databasePassword));
            const int timeout = int(std::max<qint64>(c.options.connectTimeout.count(), 1));
            db.setConnectOptions(
                u"MYSQL_OPT_CONNECT_TIMEOUT=%1;MYSQL_OPT_READ_TIMEOUT=%2;MYSQL_OPT_WRITE_TIMEOUT=%2"_s
                    .arg(timeout)
                    .arg(std::max<qint64>(c.options.idleTimeout.count(), 1)));
            if (!db.open()) {
                QString why = db.lastError().databaseText().trimmed();
                if (!c.credentials.databasePassword.isEmpty())
                    why.replace(QString::fromUtf8(c.credentials.databasePassword), u"********"_s);
                m_error = tr("Cannot connect to the database at %1: %2").arg(where, why);
            } else {
                db.setPassword(QString());
                // Settings that say how the server behaves; never one that may hold a
                // credential (wsrep_sst_auth, ...).
                Json server;
                server["server"] = utf8(where);
                server["version"]
                    = queryJson(db, u"SELECT VERSION() AS version, @@version_comment AS comment"_s);
                server["variables"] = queryJson(db,
                    u"SHOW GLOBAL VARIABLES WHERE Variable_name IN ('version', 'version_comment', "
                    "'innodb_version', 'character_set_server', 'collation_server', 'max_connections', "
                    "'wait_timeout', 'lower_case_table_names', 'sql_mode', 'time_zone', 'system_time_zone', "
                    "'default_storage_engine', 'innodb_buffer_pool_size', 'max_allowed_packet', 'log_bin', "
                    "'binlog_format', 'server_id', 'read_only', 'wsrep_on', 'wsrep_cluster_name', "
                    "'wsrep_node_name', 'wsrep_provider_version')"_s);
                server["uptime"] = queryJson(db,
                    u"SHOW GLOBAL STATUS WHERE Variable_name IN ('Uptime', "
                    "'Threads_connected', 'Max_used_connections', 'Aborted_connects')"_s);
                server["schema"] = queryJson(db,
                    u"SELECT table_name, table_rows, data_length, index_length FROM "
                    u"information_schema.tables "
                    "WHERE table_schema = DATABASE() ORDER BY table_name"_s);

                // The product's record of its schema versions, without migration scripts.
                Json history;
                const QString product = c.profile.profile.product;
                if (product == u"jatos")
                    history["play_evolutions"] = queryJson(
                        db, u"SELECT id, hash, applied_at, state FROM play_evolutions ORDER BY id"_s);
                else if (product == u"openspecimen")
                    history["OS_UPGRADE_LOG"] = queryJson(db,
                        u"SELECT IDENTIFIER, VERSION, UPGRADE_DATE, UPGRADED_BY FROM OS_UPGRADE_LOG "
                        "ORDER BY UPGRADE_DATE, IDENTIFIER"_s);
                else if (product == u"joget")
                    history["wf_setup"] = queryJson(db,
                        u"SELECT id, property, value, ordering FROM wf_setup WHERE property LIKE 'node::%' "
                        "ORDER BY ordering"_s);
                if (!c.profile.preset.schema.query.isEmpty())
                    history["presetQuery"] = queryJson(db, c.profile.preset.schema.query);

                Json replication;
                replication["galera"] = queryJson(db, u"SHOW GLOBAL STATUS LIKE 'wsrep%'"_s);
                replication["replica"] = queryJson(db, u"SHOW SLAVE STATUS"_s);
                replication["primary"] = queryJson(db, u"SHOW MASTER STATUS"_s);

                if (channel.add(u"database/server.json"_s, dumped(server))
                    && channel.add(u"database/schema-history.json"_s, dumped(history)))
                    (void)channel.add(u"database/replication.json"_s, dumped(replication));
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(connection);
    if (!m_error.isEmpty())
        channel.fail(tr("connection"), m_error);
}

// ---------------------------------------------------------------- this machine

LocalSource::LocalSource(QByteArray statusJson)
    : DiagnosticsSource(u"clusterdesk"_s)
    , m_status(std::move(statusJson))
{ }

namespace {

QString timeText(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

Json journalJson(const QList<UpgradeJournal::RunRecord> &runs)
{
    Json out = Json::array();
    for (const UpgradeJournal::RunRecord &r : runs) {
        Json run;
        run["id"] = r.id;
        run["cluster"] = utf8(r.cluster);
        run["profile"] = utf8(r.profilePath);
        run["target"] = utf8(r.target);
        run["state"] = utf8(UpgradeJournal::stateName(r.state));
        run["osUser"] = utf8(r.osUser);
        run["host"] = utf8(r.host);
        run["started"] = utf8(timeText(r.started));
        run["ended"] = utf8(timeText(r.ended));
        Json steps = Json::array();
        for (const QString &s : r.steps)
            steps.push_back(utf8(s));
        run["steps"] = steps;
        Json entries = Json::array();
        for (const JournalEntry &e : r.entries) {
            Json entry;
            entry["step"] = e.step;
            entry["event"] = e.event == JournalEntry::Event::Started ? "started"
                : e.event == JournalEntry::Event::Finished           ? "finished"
                                                                     : "aborted";
            entry["ok"] = e.ok;
            entry["detail"] = utf8(e.detail);
            entry["at"] = utf8(timeText(e.at));
            entries.push_back(entry);
        }
        run["entries"] = entries;
        out.push_back(run);
    }
    return out;
}

Json auditJson(const QList<AuditEntry> &entries)
{
    Json out = Json::array();
    for (const AuditEntry &e : entries) {
        Json entry;
        entry["id"] = e.id;
        entry["when"] = utf8(timeText(e.when));
        entry["osUser"] = utf8(e.osUser);
        entry["cluster"] = utf8(e.cluster);
        entry["action"] = utf8(e.action);
        entry["target"] = utf8(e.target);
        entry["summary"] = utf8(e.summary);
        entry["outcome"] = utf8(e.outcome);
        entry["details"] = utf8(e.details);
        out.push_back(entry);
    }
    return out;
}

} // namespace

void LocalSource::collect(const DiagnosticsContext &c, BundleAssembler::Channel &channel)
{
    const QString cluster = c.profile.profile.name;
    if (!m_status.isEmpty()) {
        if (!channel.add(u"cluster/status.json"_s, pretty(m_status)))
            return;
        const Json status
            = Json::parse(m_status.constData(), m_status.constData() + m_status.size(), nullptr, false);
        if (status.is_object() && status.contains("nodes") && status["nodes"].is_array()) {
            for (const Json &node : status["nodes"]) {
                const QString name = QString::fromStdString(node.value("name", std::string()));
                if (ClusterProfile::isValidNodeName(name)
                    && !channel.add(u"nodes/%1/status.json"_s.arg(name), dumped(node)))
                    return;
            }
        }
    } else {
        channel.fail(u"cluster/status.json"_s, tr("the cluster's status could not be taken"));
    }
    if (!m_checks.isEmpty() && !channel.add(u"cluster/config-checks.json"_s, m_checks))
        return;

    // Local records are only read: a file that is not there yet is not made.
    const QString journalPath
        = c.options.journalPath.isEmpty() ? UpgradeJournal::defaultPath() : c.options.journalPath;
    if (QFileInfo::exists(journalPath)) {
        Result<std::unique_ptr<UpgradeJournal>> journal = UpgradeJournal::open(journalPath);
        Result<QList<UpgradeJournal::RunRecord>> runs = journal
            ? (*journal)->runs(cluster)
            : Result<QList<UpgradeJournal::RunRecord>>(std::unexpected(journal.error()));
        if (!runs)
            channel.fail(u"clusterdesk/upgrade-journal.json"_s, runs.error().message);
        else if (!channel.add(u"clusterdesk/upgrade-journal.json"_s, dumped(journalJson(*runs))))
            return;
    }

    const QString reports
        = c.options.reportFolder.isEmpty() ? UpgradeReport::defaultFolder() : c.options.reportFolder;
    QString slug = cluster;
    slug.replace(QRegularExpression(u"[^A-Za-z0-9._-]+"_s), u"-"_s);
    const QFileInfoList files
        = QDir(reports).entryInfoList({u"upgrade-%1-*"_s.arg(slug)}, QDir::Files, QDir::Time); // newest first
    for (const QFileInfo &file : files.mid(0, 20)) {
        QFile f(file.filePath());
        if (!f.open(QIODevice::ReadOnly)) {
            channel.fail(u"clusterdesk/upgrade-reports/"_s + file.fileName(), f.errorString());
            continue;
        }
        if (!channel.add(u"clusterdesk/upgrade-reports/"_s + file.fileName(), f.read(4 * 1024 * 1024),
                file.lastModified().toUTC()))
            return;
    }

    const QString auditPath = c.options.auditPath.isEmpty() ? AuditLog::defaultPath() : c.options.auditPath;
    if (QFileInfo::exists(auditPath)) {
        Result<std::unique_ptr<AuditLog>> audit = AuditLog::open(auditPath);
        AuditQuery query;
        query.cluster = cluster;
        Result<QList<AuditEntry>> entries
            = audit ? (*audit)->entries(query) : Result<QList<AuditEntry>>(std::unexpected(audit.error()));
        if (!entries)
            channel.fail(u"clusterdesk/audit-log.json"_s, entries.error().message);
        else if (!channel.add(u"clusterdesk/audit-log.json"_s, dumped(auditJson(*entries))))
            return;
    }

    // Clusterdesk's own log: its newest part.
    const QString logPath = c.options.logPath.isEmpty() ? Logging::logFilePath() : c.options.logPath;
    QFile log(logPath);
    if (!logPath.isEmpty() && log.size() > 0 && log.open(QIODevice::ReadOnly)) {
        const qint64 limit = std::max<qint64>(c.options.maxLogBytes, 1);
        const bool cut = log.size() > limit;
        if (cut)
            log.seek(log.size() - limit);
        QByteArray text = log.read(limit);
        if (cut)
            text.remove(0, text.indexOf('\n') + 1);
        (void)channel.add(u"clusterdesk/clusterdesk.log"_s, text, QFileInfo(log).lastModified().toUTC());
    }
}
