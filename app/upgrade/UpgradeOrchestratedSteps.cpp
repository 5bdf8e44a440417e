// The steps of an upgrade on Kubernetes (over the API server's REST API) and on
// Docker Compose (`docker compose` over SSH on the Compose host), and what the checks
// gather there. The profile's node k is the address of the k-th replica: it is what
// the verification of k replicas asks over HTTP.
#include "JsonReader.h"
#include "UpgradeWorker.h"
#include "connectors/compose/ComposeProbe.h"
#include "connectors/compose/ComposeStatus.h"
#include "connectors/kubernetes/KubeStatus.h"
#include "connectors/kubernetes/KubeSyncClient.h"
#include "connectors/ssh/SshShell.h"
#include "core/TextHelpers.h"
#include "formats/DotEnvDocument.h"
#include "profile/ProfileFile.h"
#include "upgrade/UpgradeVerify.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QThread>
#include <QUrl>

using namespace Qt::StringLiterals;
using TextHelpers::shellQuote;

namespace {

// The key of the Compose host's connection among the nodes' (no node name has a newline).
const QString ComposeShellKey = u"\ncompose-host"_s;
// Starts the line of the RememberReplicas step's detail that holds the autoscaler as it
// was, so that RestoreHpa (also after a resume) can create it again. Not translated.
constexpr QLatin1StringView HpaMarker("autoscaler object: ");

constexpr std::chrono::seconds shortCommand {30};

// Pod states that waiting does not cure: the image cannot be had.
bool cannotPull(const QString &reason)
{
    static const QStringList reasons {u"ErrImagePull"_s, u"ImagePullBackOff"_s, u"InvalidImageName"_s,
        u"ErrImageNeverPull"_s, u"ImageInspectError"_s};
    return reasons.contains(reason);
}

QString outputTail(const SshCommandResult &r)
{
    QString text = QString::fromUtf8(r.standardError).trimmed();
    if (text.isEmpty())
        text = QString::fromUtf8(r.standardOutput).trimmed();
    const QStringList lines = text.split(u'\n');
    return lines.mid(std::max<qsizetype>(0, lines.size() - 5)).join(u'\n');
}

// The HPA as it can be created again: its identity and spec, without what the API
// server adds (uid, resourceVersion, status, managed fields).
std::optional<QByteArray> restorableHpa(const QByteArray &body)
{
    ValidationIssues issues;
    const std::optional<Json> json = parseJsonText(body, issues);
    if (!json || !json->is_object() || !json->contains("spec"))
        return std::nullopt;
    Json out = Json::object();
    out["apiVersion"] = "autoscaling/v2";
    out["kind"] = "HorizontalPodAutoscaler";
    Json meta = Json::object();
    if (const auto m = json->find("metadata"); m != json->end() && m->is_object()) {
        for (const char *key : {"name", "namespace", "labels", "annotations"}) {
            if (const auto v = m->find(key); v != m->end())
                meta[key] = *v;
        }
    }
    out["metadata"] = std::move(meta);
    out["spec"] = json->at("spec");
    return QByteArray::fromStdString(out.dump());
}

} // namespace

bool UpgradeWorker::nextLook() const
{
    for (int i = 0; i < 5 && !m_cancel->load(); ++i)
        QThread::msleep(50);
    return !m_cancel->load();
}

Result<KubeSyncClient *> UpgradeWorker::kube()
{
    if (m_kube)
        return m_kube.get();
    const KubernetesSettings &k = m_profile.profile.deployment.kubernetes;
    auto client = std::make_unique<KubeSyncClient>(k, m_secrets.kubeToken);
    client->setTimeout(std::chrono::milliseconds(std::max(m_options.httpTimeoutMs, 1000) * 2));
    if (!k.caFile.isEmpty()) {
        if (Result<void> ca = client->setCaFile(ProfileFile::resolvePath(m_profile.path, k.caFile)); !ca)
            return std::unexpected(ca.error());
    }
    m_kube = std::move(client);
    return m_kube.get();
}

Result<SshShell *> UpgradeWorker::composeShell()
{
    if (const auto it = m_shells.find(ComposeShellKey); it != m_shells.end())
        return it->second.get();
    Result<SshConnectionSettings> settings = ComposeProbe::settingsFor(m_profile, m_options.hostKeyPolicy);
    if (!settings)
        return std::unexpected(settings.error());
    auto created = std::make_unique<SshShell>(*settings, m_secrets.composeHost);
    SshShell *raw = created.get();
    m_shells.emplace(ComposeShellKey, std::move(created));
    return raw;
}

QString UpgradeWorker::composeCommand(const QString &arguments) const
{
    const ComposeSettings &compose = m_profile.profile.deployment.compose;
    return u"docker compose --project-directory %1 %2"_s.arg(shellQuote(compose.projectDir), arguments);
}

Result<QByteArray> UpgradeWorker::runCompose(
    const QString &arguments, std::chrono::milliseconds timeout, bool logged)
{
    Result<SshShell *> sh = composeShell();
    if (!sh)
        return std::unexpected(sh.error());
    const QString command = composeCommand(arguments);
    if (logged)
        log(tr("On %1: %2").arg((*sh)->address(), command));
    const Result<SshCommandResult> r = (*sh)->run(command, timeout, *m_cancel);
    if (!r)
        return std::unexpected(r.error());
    if (r->exitStatus != 0)
        return failure(tr("`docker compose %1` failed on %2 (exit status %3): %4")
                           .arg(arguments.section(u' ', 0, 0), (*sh)->address())
                           .arg(r->exitStatus)
                           .arg(outputTail(*r)));
    return r->standardOutput;
}

Result<QString> UpgradeWorker::readComposeImage(QByteArray *envText)
{
    const ComposeSettings &compose = m_profile.profile.deployment.compose;
    if (compose.imageVariable.isEmpty())
        return failure(tr("The profile names no deployment.imageVariable: Clusterdesk does not know which "
                          ".env entry holds the image of %1.")
                           .arg(compose.service));
    Result<SshShell *> sh = composeShell();
    if (!sh)
        return std::unexpected(sh.error());
    RemoteFileOp op;
    op.kind = RemoteFileOp::Kind::Read;
    op.path = compose.projectDir + u"/.env"_s;
    Result<RemoteFileResult> read = (*sh)->fileOp(op, *m_cancel);
    if (!read)
        return std::unexpected(read.error());
    const QString label = u"%1:%2"_s.arg(compose.host.host, op.path);
    if (!read->exists)
        return failure(tr("%1 does not exist.").arg(label));
    Result<DotEnvDocument> doc = DotEnvDocument::parse(read->content, label);
    if (!doc)
        return std::unexpected(doc.error());
    const std::optional<QString> image = doc->value(compose.imageVariable);
    if (!image || image->trimmed().isEmpty())
        return failure(tr("%1 has no %2: the image of %3 is not set there.")
                           .arg(label, compose.imageVariable, compose.service));
    if (doc->isInterpolated(compose.imageVariable))
        return failure(tr("%1 sets %2 from another variable (%3); Clusterdesk changes only a literal image.")
                           .arg(label, compose.imageVariable, *image));
    if (envText)
        *envText = read->content;
    return image->trimmed();
}

UpgradeWorker::Replicas UpgradeWorker::readReplicas()
{
    Replicas out;
    if (m_profile.profile.deployment.kind == DeploymentKind::Kubernetes) {
        Result<KubeSyncClient *> api = kube();
        if (!api) {
            out.error = api.error().message;
            return out;
        }
        const KubernetesSettings &k = m_profile.profile.deployment.kubernetes;
        const QString what = u"Deployment %1/%2"_s.arg(k.ns, k.deployment);
        Result<QByteArray> body = (*api)->get((*api)->deploymentPath(), what);
        if (!body) {
            out.error = body.error().message;
            return out;
        }
        Result<KubeDeployment> d = KubeParsing::deployment(*body);
        if (!d) {
            out.error = tr("%1: %2").arg(what, d.error().message);
            return out;
        }
        out.desired = d->desired;
        out.image = d->image;
        out.selector = d->selector;
        if (d->selector.isEmpty()) {
            out.error = tr("%1 has no spec.selector.matchLabels to find its pods by.").arg(what);
            return out;
        }
        const QString podsWhat = tr("the pods of %1").arg(what);
        Result<QByteArray> list
            = (*api)->get((*api)->podsPath(KubeParsing::labelSelector(d->selector)), podsWhat);
        if (!list) {
            out.error = list.error().message;
            return out;
        }
        Result<QList<KubePod>> pods = KubeParsing::pods(*list);
        if (!pods) {
            out.error = tr("%1: %2").arg(podsWhat, pods.error().message);
            return out;
        }
        for (const KubePod &p : *pods) {
            Replica r;
            r.name = p.name;
            r.image = p.image;
            r.alive = true; // a pod that exists may still run, or be about to
            r.ready = p.ready;
            r.cannotStart = cannotPull(p.stateReason);
            r.state = p.containerState.isEmpty() ? p.phase : p.containerState;
            if (!p.stateReason.isEmpty())
                r.state += u" (%1)"_s.arg(p.stateReason);
            if (p.restarts > 0)
                r.state += tr(", %n restart(s)", nullptr, p.restarts);
            out.replicas << r;
        }
        return out;
    }

    // Compose
    const ComposeSettings &compose = m_profile.profile.deployment.compose;
    const Result<QByteArray> ps
        = runCompose(u"ps -a --format json %1"_s.arg(shellQuote(compose.service)), shortCommand, false);
    if (!ps) {
        out.error = ps.error().message;
        return out;
    }
    Result<QList<ComposeContainer>> containers = ComposeParsing::ps(*ps);
    if (!containers) {
        out.error = tr("`docker compose ps` on %1: %2").arg(compose.host.host, containers.error().message);
        return out;
    }
    out.desired = int(containers->size());
    for (const ComposeContainer &c : *containers) {
        Replica r;
        r.name = c.name;
        r.image = c.image;
        r.alive = c.state == u"running" || c.state == u"restarting" || c.state == u"paused";
        r.ready = c.isReady();
        r.state = c.status.isEmpty() ? c.state : c.status;
        out.replicas << r;
    }
    Result<QString> image = readComposeImage();
    if (!image)
        out.error = image.error().message;
    else
        out.image = *image;
    return out;
}

// ---------------------------------------------------------------- gathering

void UpgradeWorker::gatherOrchestrated(UpgradeAssessment &a)
{
    const Replicas now = readReplicas();
    const bool kubernetes = m_profile.profile.deployment.kind == DeploymentKind::Kubernetes;
    QString controlError = now.error;
    // A run that starts remembers what to come back to; a resumed run keeps what its
    // request remembered (the cluster is scaled down by now).
    if (a.request.replicas <= 0 && now.error.isEmpty())
        a.request.replicas = now.desired;
    const KubernetesSettings &k = m_profile.profile.deployment.kubernetes;
    if (kubernetes && !k.hpa.isEmpty() && !a.request.hpa && now.error.isEmpty()) {
        Result<KubeSyncClient *> api = kube();
        const QString what = u"HorizontalPodAutoscaler %1/%2"_s.arg(k.ns, k.hpa);
        Result<KubeSyncClient::Answer> answer
            = api ? (*api)->send("GET", (*api)->hpaPath(k.hpa), what) : std::unexpected(api.error());
        if (!answer) {
            controlError = answer.error().message;
        } else if (answer->status == 404) {
            log(tr("The profile names the autoscaler %1, which does not exist: there is none to pause.")
                    .arg(k.hpa));
        } else if (answer->status != 200) {
            controlError = (*api)->statusError(*answer, what, tr("reading it"));
        } else if (Result<KubeHpa> hpa = KubeParsing::hpa(answer->body); !hpa) {
            controlError = tr("%1: %2").arg(what, hpa.error().message);
        } else {
            a.request.hpa = HpaSettings {k.hpa, std::max(hpa->min, 1), hpa->max};
        }
    }
    a.inputs.replicas = a.request.replicas;
    a.inputs.hpa = a.request.hpa;

    // The image's tag stands for the version where a node's version can only be read
    // from a file and the node has no SSH.
    const bool fromFile = m_profile.preset.version.source == VersionProbe::Source::File;
    const QList<NodeHttpStatus> answers = probeAll(m_profile.profile.nodes, true);
    for (qsizetype i = 0; i < m_profile.profile.nodes.size(); ++i) {
        const NodeSpec &spec = m_profile.profile.nodes.at(i);
        const NodeHttpStatus &http = answers.at(i);
        UpgradeNodeInputs n;
        n.name = spec.name;
        n.reachableForControl = controlError.isEmpty();
        n.controlError = controlError;
        n.healthy = http.health == NodeHttpStatus::Health::Up;
        QString why;
        if (n.healthy) {
            if (fromFile && !spec.ssh)
                n.version = Version::parse(KubeParsing::imageTag(now.image));
            else
                n.version = nodeVersion(spec.name, http, &why);
        }
        log(tr("%1: %2, version %3")
                .arg(spec.name, n.healthy ? tr("healthy") : tr("not healthy"),
                    n.version.isKnown() ? n.version.text() : tr("unknown")));
        a.inputs.nodes << n;
    }
    // A profile that leaves the nodes to discovery: the replicas are the nodes, and
    // the image they run says their version.
    if (m_profile.profile.nodes.isEmpty()) {
        for (const Replica &r : now.replicas) {
            UpgradeNodeInputs n;
            n.name = r.name;
            n.reachableForControl = controlError.isEmpty();
            n.controlError = controlError;
            n.healthy = r.alive && r.ready;
            if (n.healthy)
                n.version = Version::parse(KubeParsing::imageTag(r.image));
            log(tr("%1: %2, image %3").arg(r.name, r.state, r.image));
            a.inputs.nodes << n;
        }
    }
    if (now.error.isEmpty())
        log(tr("%1 replica(s) of %2", nullptr, now.desired).arg(now.image));
    else
        log(now.error);
}

// ---------------------------------------------------------------- steps

UpgradeWorker::StepResult UpgradeWorker::rememberReplicas()
{
    const Replicas now = readReplicas();
    if (!now.error.isEmpty())
        return {false, now.error};
    if (now.desired != m_request.replicas)
        return {false,
            tr("The cluster asks for %1 replica(s) now, not the %2 the checks saw: something else scales it. "
               "Abort, then check again.")
                .arg(now.desired)
                .arg(m_request.replicas)};
    QString detail = tr("%n replica(s) of %1", nullptr, now.desired).arg(now.image);
    if (m_request.hpa) {
        const KubernetesSettings &k = m_profile.profile.deployment.kubernetes;
        const QString what = u"HorizontalPodAutoscaler %1/%2"_s.arg(k.ns, m_request.hpa->name);
        Result<KubeSyncClient *> api = kube();
        if (!api)
            return {false, api.error().message};
        Result<QByteArray> body = (*api)->get((*api)->hpaPath(m_request.hpa->name), what);
        if (!body)
            return {false, body.error().message};
        const std::optional<QByteArray> kept = restorableHpa(*body);
        if (!kept)
            return {false, tr("%1 is not an autoscaler object Clusterdesk can keep.").arg(what)};
        detail += u'\n'
            + tr("autoscaler %1: min %2, max %3")
                  .arg(m_request.hpa->name)
                  .arg(m_request.hpa->minReplicas)
                  .arg(m_request.hpa->maxReplicas)
            + u'\n' + HpaMarker + QString::fromUtf8(*kept);
    }
    return {true, detail};
}

std::optional<QByteArray> UpgradeWorker::rememberedHpa() const
{
    if (!m_run)
        return std::nullopt;
    for (const UpgradeStep &s : m_run->plan().steps()) {
        if (s.kind != UpgradeStep::Kind::RememberReplicas)
            continue;
        const QList<JournalEntry> &journal = m_run->journal();
        for (auto it = journal.crbegin(); it != journal.crend(); ++it) {
            if (it->step != s.index || it->event != JournalEntry::Event::Finished || !it->ok)
                continue;
            for (const QString &line : it->detail.split(u'\n')) {
                if (line.startsWith(HpaMarker))
                    return line.mid(HpaMarker.size()).toUtf8();
            }
            return std::nullopt;
        }
    }
    return std::nullopt;
}

UpgradeWorker::StepResult UpgradeWorker::pauseHpa()
{
    if (!m_request.hpa)
        return {true, tr("There is no autoscaler to pause.")};
    Result<KubeSyncClient *> api = kube();
    if (!api)
        return {false, api.error().message};
    const KubernetesSettings &k = m_profile.profile.deployment.kubernetes;
    const QString what = u"HorizontalPodAutoscaler %1/%2"_s.arg(k.ns, m_request.hpa->name);
    if (!rememberedHpa())
        return {false,
            tr("The journal does not hold %1 as it was, so it could not be restored: not removing it.")
                .arg(what)};
    Result<KubeSyncClient::Answer> answer = (*api)->send("DELETE", (*api)->hpaPath(m_request.hpa->name), what,
        "application/json", R"({"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"})");
    if (!answer)
        return {false, answer.error().message};
    if (answer->status == 404)
        return {true, tr("%1 is already removed.").arg(what)};
    if (answer->status != 200 && answer->status != 202)
        return {false, (*api)->statusError(*answer, what, tr("removing it"))};
    return {true, tr("%1 removed for the upgrade; it is created again at the end.").arg(what)};
}

UpgradeWorker::StepResult UpgradeWorker::scaleTo(int replicas)
{
    if (m_profile.profile.deployment.kind == DeploymentKind::Kubernetes) {
        Result<KubeSyncClient *> api = kube();
        if (!api)
            return {false, api.error().message};
        const KubernetesSettings &k = m_profile.profile.deployment.kubernetes;
        const QString what = u"Deployment %1/%2"_s.arg(k.ns, k.deployment);
        const QByteArray body = QByteArray::fromStdString(Json {{"spec", {{"replicas", replicas}}}}.dump());
        log(tr("Scaling %1 to %n replica(s)", nullptr, replicas).arg(what));
        Result<KubeSyncClient::Answer> answer = (*api)->send(
            "PATCH", (*api)->deploymentPath() + u"/scale"_s, what, "application/merge-patch+json", body);
        if (!answer)
            return {false, answer.error().message};
        if (answer->status != 200)
            return {false, (*api)->statusError(*answer, what, tr("scaling it to %1").arg(replicas))};
        return {true, tr("%1 asks for %n replica(s)", nullptr, replicas).arg(what)};
    }
    const QString service = m_profile.profile.deployment.compose.service;
    const Result<QByteArray> up = runCompose(
        u"up -d --scale %1 %2"_s.arg(shellQuote(u"%1=%2"_s.arg(service).arg(replicas)), shellQuote(service)),
        m_options.commandTimeout);
    if (!up)
        return {false, up.error().message};
    return {true, tr("%1 runs with %n container(s) asked for", nullptr, replicas).arg(service)};
}

UpgradeWorker::StepResult UpgradeWorker::scaleToZero()
{
    return scaleTo(0);
}

UpgradeWorker::StepResult UpgradeWorker::stopService()
{
    const QString service = m_profile.profile.deployment.compose.service;
    const qint64 seconds = std::max<qint64>(10, std::chrono::seconds(m_options.stopTimeout).count() - 10);
    const Result<QByteArray> stop
        = runCompose(u"stop -t %1 %2"_s.arg(seconds).arg(shellQuote(service)), m_options.stopTimeout);
    if (!stop)
        return {false, stop.error().message};
    return {true, tr("%1 stopped").arg(service)};
}

UpgradeWorker::StepResult UpgradeWorker::verifyNoReplicas()
{
    const bool kubernetes = m_profile.profile.deployment.kind == DeploymentKind::Kubernetes;
    const QDeadlineTimer deadline(std::chrono::milliseconds(m_options.stopTimeout));
    QString why;
    while (true) {
        const Replicas now = readReplicas();
        QStringList left;
        for (const Replica &r : now.replicas) {
            if (r.alive)
                left << u"%1 (%2)"_s.arg(r.name, r.state);
        }
        QStringList answering;
        if (now.error.isEmpty() && left.isEmpty()) {
            const QList<NodeHttpStatus> answers = probeAll(m_profile.profile.nodes, false);
            for (qsizetype i = 0; i < answers.size(); ++i) {
                if (answers.at(i).health != NodeHttpStatus::Health::Down)
                    answering << m_profile.profile.nodes.at(i).name;
            }
        }
        if (!now.error.isEmpty())
            why = now.error;
        else if (!left.isEmpty())
            why = (kubernetes ? tr("pods left: %1") : tr("containers still running: %1"))
                      .arg(left.join(u", "_s));
        else if (!answering.isEmpty())
            why = tr("still answering the health check: %1").arg(answering.join(u", "_s));
        else
            return {true,
                kubernetes ? tr("No pod is left and no node answers its health check.")
                           : tr("No container runs and no node answers its health check.")};
        if (deadline.hasExpired() || !nextLook())
            break;
    }
    return {false,
        tr("Not every replica went down within %1 s: %2")
            .arg(std::chrono::seconds(m_options.stopTimeout).count())
            .arg(why)};
}

UpgradeWorker::StepResult UpgradeWorker::setImage()
{
    if (m_profile.profile.deployment.kind == DeploymentKind::Kubernetes) {
        Result<KubeSyncClient *> api = kube();
        if (!api)
            return {false, api.error().message};
        const KubernetesSettings &k = m_profile.profile.deployment.kubernetes;
        const QString what = u"Deployment %1/%2"_s.arg(k.ns, k.deployment);
        Result<QByteArray> body = (*api)->get((*api)->deploymentPath(), what);
        if (!body)
            return {false, body.error().message};
        Result<KubeDeployment> d = KubeParsing::deployment(*body);
        if (!d)
            return {false, tr("%1: %2").arg(what, d.error().message)};
        const QString image = UpgradeVerify::imageToSet(d->image, m_request.imageTag);
        if (image.isEmpty())
            return {false, tr("%1 names no container image to change.").arg(what)};
        if (image == d->image)
            return {true, tr("%1 already uses %2").arg(what, image)};
        // The test makes the API refuse the change if someone changed the image meanwhile.
        const Json patch = Json::array({
            {{"op", "test"}, {"path", "/spec/template/spec/containers/0/image"},
                {"value", d->image.toStdString()}},
            {{"op", "replace"}, {"path", "/spec/template/spec/containers/0/image"},
                {"value", image.toStdString()}},
        });
        log(tr("Setting the image of %1 from %2 to %3").arg(what, d->image, image));
        Result<KubeSyncClient::Answer> answer = (*api)->send("PATCH", (*api)->deploymentPath(), what,
            "application/json-patch+json", QByteArray::fromStdString(patch.dump()));
        if (!answer)
            return {false, answer.error().message};
        if (answer->status != 200)
            return {false, (*api)->statusError(*answer, what, tr("setting its image"))};
        return {true, tr("%1: image %2 (was %3)").arg(what, image, d->image)};
    }

    const ComposeSettings &compose = m_profile.profile.deployment.compose;
    QByteArray before;
    Result<QString> current = readComposeImage(&before);
    if (!current)
        return {false, current.error().message};
    const QString image = UpgradeVerify::imageToSet(*current, m_request.imageTag);
    if (image.isEmpty())
        return {false, tr("No image to set could be made of \"%1\".").arg(m_request.imageTag)};
    if (image == *current)
        return {true, tr("%1 is already %2").arg(compose.imageVariable, image)};
    const QString path = compose.projectDir + u"/.env"_s;
    Result<DotEnvDocument> doc = DotEnvDocument::parse(before, path);
    if (!doc)
        return {false, doc.error().message};
    if (Result<void> set = doc->setValue(compose.imageVariable, image); !set)
        return {false, set.error().message};
    Result<SshShell *> sh = composeShell();
    if (!sh)
        return {false, sh.error().message};
    RemoteFileOp stage;
    stage.kind = RemoteFileOp::Kind::Stage;
    stage.path = path;
    stage.content = doc->toBytes();
    Result<RemoteFileResult> staged = (*sh)->fileOp(stage, *m_cancel);
    if (!staged)
        return {false, staged.error().message};
    RemoteFileOp commit;
    commit.kind = RemoteFileOp::Kind::Commit;
    commit.path = path;
    commit.stagedPath = staged->stagedPath;
    commit.backupSuffix
        = u".clusterdesk-%1.bak"_s.arg(QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd'T'HHmmss'Z'"_s));
    commit.expectedSha256 = QCryptographicHash::hash(stage.content, QCryptographicHash::Sha256);
    log(tr("Setting %1 in %2 from %3 to %4").arg(compose.imageVariable, path, *current, image));
    Result<RemoteFileResult> committed = (*sh)->fileOp(commit, *m_cancel);
    if (!committed)
        return {false, committed.error().message};
    return {true,
        tr("%1=%2 in %3 (was %4; the old file is kept as %5)")
            .arg(compose.imageVariable, image, path, *current, committed->backupPath)};
}

UpgradeWorker::StepResult UpgradeWorker::verifyReplicas(int replicas)
{
    const std::chrono::seconds limit = m_options.healthTimeout.count() > 0
        ? m_options.healthTimeout
        : std::chrono::seconds(m_profile.preset.warmupSeconds);
    const QDeadlineTimer deadline(limit);
    const NodeSpec *node
        = replicas <= m_profile.profile.nodes.size() ? &m_profile.profile.nodes.at(replicas - 1) : nullptr;
    log(tr("Waiting up to %1 s for %n replica(s) to be ready", nullptr, replicas).arg(limit.count()));
    QString why;
    QString image;
    while (true) {
        const Replicas now = readReplicas();
        image = now.image;
        QStringList ready;
        QStringList waiting;
        QStringList old;
        for (const Replica &r : now.replicas) {
            if (!r.alive)
                continue;
            if (r.image != now.image)
                old << u"%1 (%2)"_s.arg(r.name, r.image);
            else if (r.ready)
                ready << r.name;
            else
                waiting << u"%1: %2"_s.arg(r.name, r.state);
            if (r.image == now.image && r.cannotStart)
                return {false,
                    tr("%1 cannot start: %2. Check that the image %3 exists and can be pulled.")
                        .arg(r.name, r.state, now.image)};
        }
        if (!now.error.isEmpty()) {
            why = now.error;
        } else if (!old.isEmpty()) {
            // Two versions against one schema: never wait for that to sort itself out.
            return {false, tr("A replica runs another image than %1: %2").arg(now.image, old.join(u", "_s))};
        } else if (ready.size() < replicas) {
            why = tr("%1 of %2 ready%3")
                      .arg(ready.size())
                      .arg(replicas)
                      .arg(waiting.isEmpty() ? QString() : u"; "_s + waiting.join(u"; "_s));
        } else if (node) {
            const NodeHttpStatus http = probeHttp(*node, false);
            if (http.health == NodeHttpStatus::Health::Up)
                break;
            why = tr("%1 does not answer its health check yet: %2").arg(node->name, http.error);
        } else {
            break;
        }
        if (deadline.hasExpired())
            return {false,
                tr("%n replica(s) did not become ready within %1 s: %2", nullptr, replicas)
                    .arg(limit.count())
                    .arg(why)};
        if (!nextLook())
            return {false, tr("Cancelled while waiting for the replicas.")};
    }
    if (!node)
        return {true,
            tr("%n replica(s) ready on %1 (the profile names no node for the last one, so its version "
               "is the image's)",
                nullptr, replicas)
                .arg(image)};
    const NodeHttpStatus http = probeHttp(*node, true);
    QString note;
    Version version;
    if (m_profile.preset.version.source == VersionProbe::Source::File && !node->ssh)
        version = Version::parse(KubeParsing::imageTag(image));
    else
        version = nodeVersion(node->name, http, &note);
    if (const std::optional<QString> problem
        = UpgradeVerify::nodeVersion(node->name, version, m_request.targetVersion()))
        return {false, *problem + (note.isEmpty() ? QString() : u" ("_s + note + u')')};
    return {true,
        tr("%n replica(s) ready on %1; %2 is healthy and runs %3", nullptr, replicas)
            .arg(image, node->name, version.text())};
}

UpgradeWorker::StepResult UpgradeWorker::restoreHpa()
{
    if (!m_request.hpa)
        return {true, tr("There was no autoscaler.")};
    const std::optional<QByteArray> body = rememberedHpa();
    if (!body)
        return {false, tr("The journal does not hold the autoscaler %1 as it was.").arg(m_request.hpa->name)};
    Result<KubeSyncClient *> api = kube();
    if (!api)
        return {false, api.error().message};
    const KubernetesSettings &k = m_profile.profile.deployment.kubernetes;
    const QString what = u"HorizontalPodAutoscaler %1/%2"_s.arg(k.ns, m_request.hpa->name);
    Result<KubeSyncClient::Answer> answer
        = (*api)->send("POST", (*api)->hpaCollectionPath(), what, "application/json", *body);
    if (!answer)
        return {false, answer.error().message};
    if (answer->status == 409)
        return {true, tr("%1 exists again already.").arg(what)};
    if (answer->status != 201 && answer->status != 200)
        return {false, (*api)->statusError(*answer, what, tr("creating it again"))};
    return {true,
        tr("%1 created again (min %2, max %3)")
            .arg(what)
            .arg(m_request.hpa->minReplicas)
            .arg(m_request.hpa->maxReplicas)};
}

QString UpgradeWorker::finalReplicaCheck(QStringList &problems, QStringList &lines)
{
    const Replicas now = readReplicas();
    if (!now.error.isEmpty()) {
        problems << now.error;
        return {};
    }
    const QString expected = UpgradeVerify::imageToSet(now.image, m_request.imageTag);
    if (now.image != expected)
        problems << tr("The image is %1, not %2.").arg(now.image, expected);
    int ready = 0;
    for (const Replica &r : now.replicas) {
        if (r.alive && r.image != now.image)
            problems << tr("%1 runs %2.").arg(r.name, r.image);
        else if (r.alive && r.ready)
            ++ready;
    }
    if (now.desired != m_request.replicas || ready != m_request.replicas)
        problems << tr("%1 of %2 replica(s) ready (%3 asked for).")
                        .arg(ready)
                        .arg(m_request.replicas)
                        .arg(now.desired);
    else
        lines << tr("%n replica(s) ready on %1", nullptr, ready).arg(now.image);
    if (m_request.hpa) {
        Result<KubeSyncClient *> api = kube();
        const KubernetesSettings &k = m_profile.profile.deployment.kubernetes;
        const QString what = u"HorizontalPodAutoscaler %1/%2"_s.arg(k.ns, m_request.hpa->name);
        Result<QByteArray> body
            = api ? (*api)->get((*api)->hpaPath(m_request.hpa->name), what) : std::unexpected(api.error());
        if (!body)
            problems << body.error().message;
        else
            lines << tr("%1 in place").arg(what);
    }
    return now.image;
}

void UpgradeWorker::tailReplicaLog(const QString &node)
{
    if (m_profile.profile.deployment.kind == DeploymentKind::Compose) {
        const QString service = m_profile.profile.deployment.compose.service;
        const Result<QByteArray> logs = runCompose(
            u"logs --no-color --tail 100 %1 2>&1"_s.arg(shellQuote(service)), shortCommand, false);
        if (!logs) {
            Q_EMIT logTailRead(node, {}, logs.error().message);
            return;
        }
        QString text = QString::fromUtf8(*logs);
        for (const QByteArray &secret : std::as_const(m_secrets.all)) {
            if (secret.size() >= 4)
                text.replace(QString::fromUtf8(secret), u"********"_s);
        }
        Q_EMIT logTailRead(node, text, {});
        return;
    }
    // Kubernetes: the pods that are not ready first, as they are the ones to look at.
    const Replicas now = readReplicas();
    if (!now.error.isEmpty()) {
        Q_EMIT logTailRead(node, {}, now.error);
        return;
    }
    QList<Replica> order;
    for (const Replica &r : now.replicas) {
        if (!r.ready)
            order.prepend(r);
        else
            order.append(r);
    }
    Result<KubeSyncClient *> api = kube();
    if (!api || order.isEmpty()) {
        Q_EMIT logTailRead(node, {}, api ? tr("There is no pod to read a log from.") : api.error().message);
        return;
    }
    const KubernetesSettings &k = m_profile.profile.deployment.kubernetes;
    QString text;
    for (const Replica &r : order.mid(0, 3)) {
        const QString path = u"/api/v1/namespaces/%1/pods/%2/log?tailLines=100"_s.arg(
            QString::fromLatin1(QUrl::toPercentEncoding(k.ns)),
            QString::fromLatin1(QUrl::toPercentEncoding(r.name)));
        Result<QByteArray> body = (*api)->get(path, tr("the log of pod %1").arg(r.name));
        text += u"==> %1 (%2) <==\n"_s.arg(r.name, r.state);
        text += body ? QString::fromUtf8(*body) : body.error().message + u'\n';
    }
    for (const QByteArray &secret : std::as_const(m_secrets.all)) {
        if (secret.size() >= 4)
            text.replace(QString::fromUtf8(secret), u"********"_s);
    }
    Q_EMIT logTailRead(node, text, {});
}
