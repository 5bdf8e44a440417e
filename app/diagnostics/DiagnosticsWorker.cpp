#include "DiagnosticsWorker.h"

#include "BundleAssembler.h"
#include "ZipWriter.h"
#include "config/ConfigChecks.h"
#include "config/NodeConfigFacts.h"
#include "core/BuildInfo.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QThread>
#include <QUrl>

#include <latch>

using namespace Qt::StringLiterals;

namespace {

std::string utf8(const QString &text)
{
    return text.toStdString();
}

// The profile as JSON with every keychain reference taken out: the bundle says what
// the cluster is, not where its secrets are kept.
void dropSecretReferences(Json &json)
{
    if (json.is_object()) {
        for (auto it = json.begin(); it != json.end();) {
            if (it.value().is_object() && it.value().size() == 1 && it.value().contains("keychain"))
                it = json.erase(it);
            else
                dropSecretReferences(*it++);
        }
    } else if (json.is_array()) {
        for (Json &item : json)
            dropSecretReferences(item);
    }
}

QString hostOf(const QUrl &url)
{
    return url.host();
}

} // namespace

DiagnosticsWorker::DiagnosticsWorker(LoadedProfile profile, ClusterCredentials credentials,
    DiagnosticsOptions options, std::shared_ptr<std::atomic_bool> cancel)
    : m_cancel(std::move(cancel))
{
    m_context.profile = std::move(profile);
    m_context.credentials = std::move(credentials);
    m_context.options = std::move(options);
    m_context.cancel = &m_abort;
}

DiagnosticsWorker::~DiagnosticsWorker() = default;

QStringList DiagnosticsWorker::sourcesOf(const ClusterProfile &profile)
{
    QStringList sources;
    switch (profile.deployment.kind) {
    case DeploymentKind::Hosts:
        for (const NodeSpec &node : profile.nodes) {
            if (node.ssh)
                sources << node.name;
        }
        break;
    case DeploymentKind::Compose:
        sources << u"compose"_s;
        break;
    case DeploymentKind::Kubernetes:
        sources << u"kubernetes"_s;
        break;
    }
    if (profile.database)
        sources << u"database"_s;
    sources << u"clusterdesk"_s;
    return sources;
}

QString DiagnosticsWorker::bundleName(const QString &cluster, const QDateTime &utc)
{
    QString slug = cluster;
    slug.replace(QRegularExpression(u"[^A-Za-z0-9._-]+"_s), u"-"_s);
    slug.remove(QRegularExpression(u"^[.-]+|[.-]+$"_s));
    if (slug.isEmpty())
        slug = u"cluster"_s;
    return u"clusterdesk-diagnostics-%1-%2.zip"_s.arg(slug, utc.toUTC().toString(u"yyyyMMdd'T'HHmmss'Z'"_s));
}

void DiagnosticsWorker::requestCancel()
{
    m_abort = true;
    const std::lock_guard lock(m_mutex);
    if (m_assembler)
        m_assembler->cancel();
}

void DiagnosticsWorker::collect(const QByteArray &statusJson, const QByteArray &givenChecks)
{
    m_clock.start();
    DiagnosticsResult result = run(statusJson, givenChecks);
    result.elapsedMs = m_clock.elapsed();
    result.cancelled = result.cancelled || *m_cancel;
    if (result.cancelled) {
        result.ok = false;
        result.error = tr("Cancelled; no file was written.");
    }
    Q_EMIT finished(result);
}

void DiagnosticsWorker::progress(const QString &source, const QString &entry, qint64 bytes)
{
    Progress &p = m_progress[source];
    if (entry != p.entry) {
        p.done += p.current;
        p.entry = entry;
    }
    p.current = bytes;
    // At most ten signals a second per part: a 200 MB log must not flood the GUI.
    const qint64 now = m_clock.elapsed();
    if (now - p.lastSignal < 100)
        return;
    p.lastSignal = now;
    Q_EMIT sourceProgress(source, entry, p.done + p.current);
}

QByteArray DiagnosticsWorker::checksJson(const QList<ConfigCheck> &checks, const QString &error)
{
    Json out;
    if (!error.isEmpty())
        out["error"] = utf8(error);
    Json list = Json::array();
    for (const ConfigCheck &check : checks) {
        Json c;
        c["id"] = utf8(check.id);
        c["title"] = utf8(check.title);
        c["status"] = utf8(ConfigCheck::statusName(check.status));
        c["detail"] = utf8(check.detail);
        Json differing = Json::array();
        for (const QString &n : check.nodes)
            differing.push_back(utf8(n));
        c["nodes"] = differing;
        c["fix"] = utf8(check.fix);
        list.push_back(c);
    }
    out["checks"] = list;
    return QByteArray::fromStdString(out.dump(2)) + '\n';
}

DiagnosticsResult DiagnosticsWorker::run(const QByteArray &statusJson, const QByteArray &givenChecks)
{
    DiagnosticsResult result;
    const DiagnosticsOptions &options = m_context.options;
    const ClusterProfile &profile = m_context.profile.profile;
    if (options.outDir.isEmpty() || !QFileInfo(options.outDir).isDir()) {
        result.error = tr("The folder %1 does not exist.").arg(QDir::toNativeSeparators(options.outDir));
        return result;
    }
    const QDateTime created = QDateTime::currentDateTimeUtc();
    const QString fileName = bundleName(profile.name, created);
    const QString top = fileName.chopped(4);
    result.path = QDir(options.outDir).absoluteFilePath(fileName);

    // The parts, each with its thread.
    std::vector<std::unique_ptr<DiagnosticsSource>> sources;
    QList<NodeSource *> nodes;
    switch (profile.deployment.kind) {
    case DeploymentKind::Hosts:
        for (const NodeSpec &node : profile.nodes) {
            if (node.ssh) {
                auto source = std::make_unique<NodeSource>(node);
                nodes << source.get();
                sources.push_back(std::move(source));
            }
        }
        break;
    case DeploymentKind::Compose:
        sources.push_back(std::make_unique<ComposeSource>());
        break;
    case DeploymentKind::Kubernetes:
        sources.push_back(std::make_unique<KubernetesSource>());
        break;
    }
    if (profile.database)
        sources.push_back(std::make_unique<DatabaseSource>());
    auto localOwned = std::make_unique<LocalSource>(statusJson);
    LocalSource *local = localOwned.get();
    sources.push_back(std::move(localOwned));
    QStringList names;
    for (const auto &s : sources)
        names << s->name();
    Q_EMIT sourcesPlanned(names);

    ZipWriter zip(result.path);
    if (Result<void> opened = zip.open(); !opened) {
        result.error = opened.error().message;
        return result;
    }
    BundleAssembler assembler(zip, top);
    HostMasker masker;
    if (options.maskHosts) {
        // Seeded in node order, so node 1 is host-1 in every bundle of the cluster.
        for (const NodeSpec &node : profile.nodes) {
            masker.addHost(node.name);
            masker.addHost(hostOf(node.url));
            if (node.ssh)
                masker.addHost(node.ssh->host);
        }
        if (profile.database)
            masker.addHost(profile.database->host);
        if (profile.deployment.kind == DeploymentKind::Compose)
            masker.addHost(profile.deployment.compose.host.host);
        if (profile.deployment.kind == DeploymentKind::Kubernetes)
            masker.addHost(hostOf(profile.deployment.kubernetes.apiServer));
        if (profile.balancer)
            masker.addHost(profile.balancer->ssh.host);
        assembler.setHostMasker(&masker);
    }
    assembler.setProgress([this](const QString &source, const QString &entry, qint64 bytes) {
        progress(source, entry, bytes);
    });
    QList<BundleAssembler::Channel *> channels;
    for (const auto &s : sources)
        channels << assembler.channel(s->name());
    {
        const std::lock_guard lock(m_mutex);
        m_assembler = &assembler;
    }
    if (*m_cancel)
        requestCancel();

    // Step one everywhere at once, then step two once the Redactor knows every secret.
    std::latch prepared(std::ptrdiff_t(sources.size()));
    std::latch go(1);
    std::vector<std::unique_ptr<QThread>> threads;
    QList<std::pair<QString, QString>> outcome; // source -> why it failed as a whole
    std::mutex outcomeMutex;
    for (size_t i = 0; i < sources.size(); ++i) {
        DiagnosticsSource *source = sources[i].get();
        BundleAssembler::Channel *channel = channels[qsizetype(i)];
        threads.emplace_back(
            QThread::create([this, source, channel, &prepared, &go, &outcome, &outcomeMutex] {
                if (!m_abort)
                    source->prepare(m_context);
                prepared.count_down();
                go.wait();
                source->collect(m_context, *channel);
                channel->close();
                const QString error = source->error();
                {
                    const std::lock_guard lock(outcomeMutex);
                    outcome.append({source->name(), error});
                }
                Q_EMIT sourceFinished(source->name(), error.isEmpty(), error);
            }));
        threads.back()->setObjectName(u"diagnostics-"_s + source->name());
        threads.back()->start();
    }
    prepared.wait();

    Redactor redactor;
    for (const auto &[name, value] : std::as_const(m_context.credentials.named))
        redactor.addSecret(name, value);
    for (const auto &s : sources) {
        for (const auto &[name, value] : s->foundSecrets())
            redactor.addSecret(name, value);
    }
    local->setConfigChecks(givenChecks);
    if (!nodes.isEmpty()) {
        ConfigCheckInputs inputs;
        for (NodeSource *node : std::as_const(nodes))
            inputs.facts << NodeConfigReader::facts(profile.product, node->configSnapshot());
        local->setConfigChecks(checksJson(ConfigChecks::run(profile, inputs)));
    }
    for (BundleAssembler::Channel *channel : std::as_const(channels))
        channel->setRedactor(redactor);
    go.count_down();

    const Result<void> written = assembler.run();
    if (!written)
        requestCancel(); // the parts still running stop at their next step
    for (const auto &t : threads)
        t->wait();
    for (auto it = m_progress.cbegin(); it != m_progress.cend(); ++it)
        Q_EMIT sourceProgress(it.key(), {}, it->done + it->current); // the last figures, unthrottled
    {
        const std::lock_guard lock(m_mutex);
        m_assembler = nullptr;
    }
    if (*m_cancel) {
        result.cancelled = true;
        return result;
    }
    if (!written) {
        result.error = tr("Could not write %1: %2")
                           .arg(QDir::toNativeSeparators(result.path), written.error().message);
        return result;
    }

    for (const BundleAssembler::Failure &f : assembler.failures())
        result.failures.append(DiagnosticsFailure {f.source, f.item, f.reason});
    result.redaction = assembler.redaction();
    QList<std::pair<QString, QString>> sourceOutcome;
    for (const QString &name : std::as_const(names)) {
        const auto it
            = std::find_if(outcome.cbegin(), outcome.cend(), [&](const auto &o) { return o.first == name; });
        sourceOutcome.append({name, it == outcome.cend() ? QString() : it->second});
    }
    // Written straight by this thread: known values redacted here (the manifest's texts
    // come from the cluster too), hosts masked by the assembler. No key/value rules: the
    // profile holds no secret (it refuses them) and its "secrets" names stay readable.
    Redactor manifestRedactor = redactor;
    manifestRedactor.setPatternsEnabled(false);
    if (Result<void> r = assembler.addDirect(u"README.txt"_s, readme(top)); !r) {
        result.error = r.error().message;
        return result;
    }
    const QList<BundleAssembler::Entry> entries = assembler.entries();
    result.entries = int(entries.size()) + 1;
    for (const BundleAssembler::Entry &e : entries)
        result.contentBytes += e.size;
    const QByteArray manifestBytes = manifest(result, assembler, created, sourceOutcome, manifestRedactor);
    result.contentBytes += manifestBytes.size();
    if (Result<void> r = assembler.addDirect(u"manifest.json"_s, manifestBytes); !r) {
        result.error = r.error().message;
        return result;
    }
    if (Result<void> closed = zip.close(); !closed) {
        result.error = closed.error().message;
        return result;
    }
    result.archiveBytes = QFileInfo(result.path).size();
    if (options.maskHosts) {
        Result<QString> saved = saveHostMap(fileName, masker);
        if (saved)
            result.hostMapPath = *saved;
        else
            result.failures.append(
                DiagnosticsFailure {u"clusterdesk"_s, u"host map"_s, saved.error().message});
    }
    result.ok = true;
    return result;
}

QByteArray DiagnosticsWorker::manifest(const DiagnosticsResult &result, const BundleAssembler &assembler,
    const QDateTime &created, const QList<std::pair<QString, QString>> &sources, Redactor redactor) const
{
    const DiagnosticsOptions &options = m_context.options;
    const ClusterProfile &profile = m_context.profile.profile;
    Json m;
    m["format"] = 1;
    m["clusterdesk"] = {{"version", utf8(BuildInfo::version())}, {"qt", utf8(BuildInfo::qtVersion())},
        {"libssh", utf8(BuildInfo::libsshVersion())}};
    m["created"] = utf8(created.toString(Qt::ISODate));
    m["cluster"] = utf8(profile.name);
    m["product"] = utf8(profile.product);
    m["deployment"] = utf8(ClusterProfile::deploymentKindName(profile.deployment.kind));
    Json opts;
    opts["maxLogBytes"] = options.maxLogBytes;
    opts["rotatedLogsSinceSeconds"] = options.since ? Json(options.since->count()) : Json(nullptr);
    opts["maskHosts"] = options.maskHosts;
    m["options"] = opts;
    const QByteArray profileText = profile.toJson();
    Json profileJson
        = Json::parse(profileText.constData(), profileText.constData() + profileText.size(), nullptr, false);
    if (!profileJson.is_discarded()) {
        dropSecretReferences(profileJson);
        m["profile"] = profileJson;
    }
    Json list = Json::array();
    for (const auto &[name, error] : sources) {
        Json s;
        s["name"] = utf8(name);
        s["ok"] = error.isEmpty();
        s["detail"] = utf8(error);
        list.push_back(s);
    }
    m["sources"] = list;
    Json files = Json::array();
    for (const BundleAssembler::Entry &e : assembler.entries()) {
        Json f;
        f["name"] = utf8(e.name);
        f["source"] = utf8(e.source);
        f["size"] = e.size;
        f["sha256"] = e.sha256.toStdString();
        f["modified"] = utf8(e.modified.toUTC().toString(Qt::ISODate));
        if (!e.note.isEmpty())
            f["note"] = utf8(e.note);
        files.push_back(f);
    }
    m["files"] = files;
    Json failures = Json::array();
    for (const DiagnosticsFailure &f : result.failures)
        failures.push_back({{"source", utf8(f.source)}, {"item", utf8(f.item)}, {"reason", utf8(f.reason)}});
    m["failures"] = failures;
    m["redaction"] = result.redaction.toJson();
    m["hostsMasked"] = options.maskHosts;
    // Names and texts in the manifest come from the cluster too: the same rules apply.
    const QByteArray text = QByteArray::fromStdString(m.dump(2)) + '\n';
    QByteArray out;
    for (const QByteArray &line : text.split('\n')) {
        if (!out.isEmpty())
            out += '\n';
        out += redactor.redactLine(line);
    }
    return out;
}

QByteArray DiagnosticsWorker::readme(const QString &top) const
{
    const ClusterProfile &profile = m_context.profile.profile;
    QString text = tr("Clusterdesk diagnostics bundle\n"
                      "==============================\n\n"
                      "Cluster: %1 (%2, %3)\n"
                      "Written by Clusterdesk %4\n\n"
                      "What is in it\n"
                      "  manifest.json    every file with its size and SHA-256, what could not be\n"
                      "                   collected and why, and how many values were redacted\n"
                      "  cluster/         the status of every node as Clusterdesk saw it, and the\n"
                      "                   configuration checks\n"
                      "  nodes/<node>/    each node's logs (their newest part), configuration\n"
                      "                   files, system facts and SSH host key\n"
                      "  database/        server version and settings, the schema's upgrade\n"
                      "                   history, replication state\n"
                      "  kubernetes/ or compose/   the orchestrator's view and the pods' logs\n"
                      "  clusterdesk/     upgrade journal and reports, audit log, Clusterdesk's log\n\n"
                      "Secrets were removed before anything was written: every password, key and\n"
                      "token Clusterdesk knows of reads [REDACTED:<what it was>], and values of\n"
                      "settings whose names say they are secret read [REDACTED:pattern:<name>].\n"
                      "Kubernetes Secrets are never read.\n")
                       .arg(profile.name, profile.product,
                           ClusterProfile::deploymentKindName(profile.deployment.kind), BuildInfo::version());
    if (m_context.options.maskHosts)
        text += tr("\nHost names and addresses are replaced by host-1, ip-1, ...; the key to them\n"
                   "stayed on the computer that wrote this bundle.\n");
    text += tr("\nTo check that nothing changed on the way: compare each file's SHA-256 with\n"
               "the manifest (sha256sum -c, Get-FileHash), from inside the folder %1.\n")
                .arg(top);
    return text.toUtf8();
}

Result<QString> DiagnosticsWorker::saveHostMap(const QString &bundle, const HostMasker &masker) const
{
    const QString folder = m_context.options.hostMapFolder.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/diagnostics"_s
        : m_context.options.hostMapFolder;
    if (!QDir().mkpath(folder))
        return failure(tr("Cannot create the folder %1.").arg(QDir::toNativeSeparators(folder)));
    Json map = Json::array();
    for (const HostMasker::Mapping &m : masker.mapping())
        map.push_back({{"token", utf8(m.token)}, {"original", utf8(m.original)}});
    Json doc;
    doc["bundle"] = utf8(bundle);
    doc["hosts"] = map;
    const QString path = folder + u'/' + bundle.chopped(4) + u".hosts.json"_s;
    QSaveFile file(path);
    const QByteArray bytes = QByteArray::fromStdString(doc.dump(2)) + '\n';
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return failure(tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
    return path;
}
