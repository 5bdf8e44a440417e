#include "KubeConfigSession.h"

#include "ConfigLogging.h"
#include "audit/AuditLog.h"
#include "config/ConfigFields.h"
#include "config/SecretText.h"
#include "connectors/kubernetes/KubeClient.h"
#include "connectors/kubernetes/KubeStatus.h"
#include "secrets/ProfileSecrets.h"
#include "secrets/SecretStore.h"

#include <QDeadlineTimer>
#include <QSet>
#include <QTimer>

using namespace Qt::StringLiterals;
using Kind = KubeConfigObjects::Kind;

namespace {

QString objectKey(Kind kind, const QString &name)
{
    return KubeConfigObjects::kindName(kind) + u'/' + name;
}

// A pod as started: a new pod has a new name (Kubernetes) or, where a name is reused
// (the sandbox's emulation), a new start time and restart count.
QString podIdentity(const KubePod &pod)
{
    return pod.name + u'|' + pod.startedAt.toString(Qt::ISODateWithMs) + u'|' + QString::number(pod.restarts);
}

} // namespace

// One object a push changes: the keys it sets, and what they held (to put it back).
struct KubeConfigSession::ObjectEdit
{
    Kind kind = Kind::Secret;
    QString name;
    QString expectedVersion; // from the state the push was given
    QMap<QString, QByteArray> after; // the keys that change
    QMap<QString, QByteArray> before; // their values before; absent keys are missing here
    bool patched = false;
    QString patchedVersion;

    QString key() const { return objectKey(kind, name); }
};

struct KubeConfigSession::Push
{
    QString auditAction;
    bool restart = false;
    PushReport report;
    QList<ObjectEdit> edits;
    QStringList targets; // "Secret/jatos-secret", ...
    QStringList summary; // secrets by fingerprint
    QList<QByteArray> secrets; // every secret value involved, for masking
    int replicas = -1;
    QSet<QString> oldPods; // podIdentity() of the pods before the restart
    QDeadlineTimer deadline;
    std::chrono::seconds limit {0};
};

KubeConfigSession::KubeConfigSession(
    LoadedProfile profile, SecretStore *secrets, Options options, QObject *parent)
    : KeyedConfigSession(std::move(profile), secrets, parent)
    , m_options(options)
{ }

KubeConfigSession::~KubeConfigSession() = default;

void KubeConfigSession::open()
{
    loadKeychain({m_profile.profile.deployment.kubernetes.token.name});
}

QString KubeConfigSession::storeName() const
{
    return tr("Kubernetes");
}

QString KubeConfigSession::restartText() const
{
    return tr("Then the Deployment is scaled to 0 and back, so every pod starts with the new values.");
}

QList<KeyedConfigEntry> KubeConfigSession::entriesFor(const QString &product)
{
    QList<KeyedConfigEntry> out;
    for (const KubeConfigObjects::Entry &entry : KubeConfigObjects::productObjects(product))
        out.append(
            {objectKey(entry.kind, entry.object), entry.key, entry.meaning, entry.kind == Kind::Secret});
    return out;
}

QList<KeyedConfigEntry> KubeConfigSession::entries() const
{
    return entriesFor(m_profile.profile.product);
}

QString KubeConfigSession::tokenProblem() const
{
    const SecretRef &token = m_profile.profile.deployment.kubernetes.token;
    if (token.isNull())
        return tr("The profile names no keychain entry for the Kubernetes API token (deployment.token).");
    const QString problem = m_keychain.problem(token.name);
    return tr("No Kubernetes API token: %1")
        .arg(problem.isEmpty()
                ? tr("the keychain has no entry \"%1\"; store it with: clusterdesk-cli secret set %1")
                      .arg(token.name)
                : problem);
}

Result<void> KubeConfigSession::ensureClients()
{
    const ClusterProfile &profile = m_profile.profile;
    if (profile.deployment.kind != DeploymentKind::Kubernetes)
        return failure(tr("The profile \"%1\" does not deploy to Kubernetes.").arg(profile.name));
    if (KubeConfigObjects::productObjects(profile.product).isEmpty())
        return failure(
            tr("Clusterdesk knows no Kubernetes objects for the product \"%1\".").arg(profile.product));
    const QByteArray token = m_keychain.entry(profile.deployment.kubernetes.token.name);
    if (profile.deployment.kubernetes.token.isNull() || token.isEmpty())
        return failure(tokenProblem());
    if (!m_objects) {
        const KubernetesSettings &settings = profile.deployment.kubernetes;
        const QString ca = settings.caFile.isEmpty()
            ? QString()
            : ProfileFile::resolvePath(m_profile.path, settings.caFile);
        auto *objects = new KubeConfigObjects(settings, this);
        auto *kube = new KubeClient(settings, this);
        if (const Result<void> set = objects->setCaFile(ca); !set) {
            delete objects;
            delete kube;
            return set;
        }
        (void)kube->setCaFile(ca); // the same file, just read
        objects->setToken(token);
        kube->setToken(token);
        objects->setTimeout(m_options.timeout);
        kube->setTimeout(m_options.timeout);
        const auto answerObject = [this](const KubeObjectReply &reply) {
            if (auto call = m_objectCalls.take(reply.id))
                call(reply.result);
        };
        connect(objects, &KubeConfigObjects::readFinished, this, answerObject);
        connect(objects, &KubeConfigObjects::patchFinished, this, answerObject);
        connect(objects, &KubeConfigObjects::scaleFinished, this, [this](const KubeScaleReply &reply) {
            if (auto call = m_scaleCalls.take(reply.id))
                call(reply.result);
        });
        connect(kube, &KubeClient::finished, this, [this](const KubeStatus &status) {
            if (auto call = std::exchange(m_refreshCall, nullptr))
                call(status);
        });
        m_objects = objects;
        m_kube = kube;
    }
    return {};
}

void KubeConfigSession::refresh(std::function<void(const KubeStatus &status)> done)
{
    m_refreshCall = std::move(done);
    if (!m_kube->refresh()) {
        // One is running (nobody else starts them): its answer serves.
        qCDebug(lcConfig) << "a Kubernetes refresh is already running";
    }
}

void KubeConfigSession::readObjects(QList<KubeConfigObjects::Entry> entries,
    std::function<void(const QString &error, const QMap<QString, KubeObject> &objects)> done)
{
    struct Gather
    {
        int pending = 0;
        QStringList errors;
        QMap<QString, KubeObject> objects;
    };
    auto gather = std::make_shared<Gather>();
    QSet<QString> asked;
    for (const KubeConfigObjects::Entry &entry : std::as_const(entries)) {
        const QString key = objectKey(entry.kind, entry.object);
        if (asked.contains(key))
            continue;
        asked.insert(key);
        ++gather->pending;
        const quint64 id = m_objects->read(entry.kind, entry.object);
        m_objectCalls.insert(id, [gather, key, done](const Result<KubeObject> &result) {
            if (result)
                gather->objects.insert(key, *result);
            else
                gather->errors.append(result.error().message);
            if (--gather->pending == 0)
                done(gather->errors.join(u'\n'), gather->objects);
        });
    }
    if (gather->pending == 0)
        QTimer::singleShot(0, this, [done] { done({}, {}); });
}

// --- reading ------------------------------------------------------------------------

void KubeConfigSession::read()
{
    if (const Result<void> clients = ensureClients(); !clients) {
        const KeyedConfigStateResult answer {std::unexpected(clients.error())};
        QTimer::singleShot(0, this, [this, answer] { Q_EMIT stateRead(answer); });
        return;
    }
    const QString product = m_profile.profile.product;
    const QList<KubeConfigObjects::Entry> entries = KubeConfigObjects::productObjects(product);
    Q_EMIT progress(tr("Reading the configuration from the Kubernetes API"));
    readObjects(
        entries, [this, entries, product](const QString &error, const QMap<QString, KubeObject> &objects) {
            if (!error.isEmpty()) {
                Q_EMIT stateRead(KeyedConfigStateResult {failure(error)});
                return;
            }
            KeyedConfigState state;
            QSet<QString> missingReported;
            for (const KubeConfigObjects::Entry &entry : entries) {
                const QString key = objectKey(entry.kind, entry.object);
                const KubeObject object = objects.value(key);
                KeyedConfigValue value;
                value.entry = {key, entry.key, entry.meaning, entry.kind == Kind::Secret};
                value.fieldId = KeyedConfig::fieldIdFor(product, entry.meaning);
                if (object.found) {
                    state.versions.insert(key, object.resourceVersion);
                    value.present = object.data.contains(entry.key);
                    if (value.present) {
                        const QByteArray raw = object.data.value(entry.key);
                        value.value = entry.kind == Kind::Secret ? SecretText::fingerprint(raw)
                                                                 : QString::fromUtf8(raw);
                    } else {
                        state.problems.append(
                            tr("%1 %2/%3 has no key %4")
                                .arg(KubeConfigObjects::kindName(entry.kind),
                                    m_profile.profile.deployment.kubernetes.ns, entry.object, entry.key));
                    }
                } else if (!missingReported.contains(key)) {
                    missingReported.insert(key);
                    state.problems.append(tr("%1 %2/%3 does not exist")
                                              .arg(KubeConfigObjects::kindName(entry.kind),
                                                  m_profile.profile.deployment.kubernetes.ns, entry.object));
                }
                state.values.append(value);
            }
            Q_EMIT stateRead(KeyedConfigStateResult {state});
        });
}

// --- pushing ------------------------------------------------------------------------

void KubeConfigSession::push(const KeyedConfigState &state, const QList<ConfigChange> &changes, bool restart,
    const QString &auditAction)
{
    if (m_push)
        return refuseSecondPush();
    m_push = std::make_unique<Push>();
    Push &push = *m_push;
    push.auditAction = auditAction;
    push.restart = restart;

    const QString product = m_profile.profile.product;
    const Result<QList<KeyedConfigEdit>> planned
        = KeyedConfig::plan(product, entries(), changes, secretMinLengths(), storeName(), &push.secrets);
    QStringList errors;
    if (!planned)
        errors.append(planned.error().message);
    // The requested value per entry.
    QList<std::pair<KubeConfigObjects::Entry, ConfigField>> requested;
    QMap<QString, QString> values; // fieldId -> value
    for (const KeyedConfigEdit &edit : planned.value_or(QList<KeyedConfigEdit>())) {
        for (const KubeConfigObjects::Entry &entry : KubeConfigObjects::productObjects(product)) {
            if (objectKey(entry.kind, entry.object) == edit.entry.container && entry.key == edit.entry.key)
                requested.append({entry, edit.field});
        }
        values.insert(edit.field.id, edit.value);
    }
    for (const auto &[entry, field] : std::as_const(requested)) {
        const QString key = objectKey(entry.kind, entry.object);
        if (!push.targets.contains(key))
            push.targets.append(key);
    }
    const auto finishSoon = [this] { QTimer::singleShot(0, this, [this] { pushDone(); }); };
    if (!errors.isEmpty()) {
        push.report.error = errors.join(u'\n');
        finishSoon();
        return;
    }
    if (const Result<void> clients = ensureClients(); !clients) {
        push.report.error = clients.error().message;
        finishSoon();
        return;
    }
    for (const QString &key : std::as_const(push.targets)) {
        if (!state.versions.contains(key))
            errors.append(tr("%1 was not read (or does not exist): read the configuration first.").arg(key));
    }
    if (!errors.isEmpty()) {
        push.report.error = errors.join(u'\n');
        finishSoon();
        return;
    }

    // Read the objects again: for the values to put back should a later patch fail,
    // and to refuse a state someone changed since (the patches carry the versions too).
    QList<KubeConfigObjects::Entry> toRead;
    for (const auto &[entry, field] : std::as_const(requested))
        toRead.append(entry);
    Q_EMIT progress(tr("Reading the current objects"));
    readObjects(toRead,
        [this, requested, values, state](const QString &error, const QMap<QString, KubeObject> &objects) {
            Push &reading = *m_push;
            if (!error.isEmpty()) {
                reading.report.error = error;
                pushDone();
                return;
            }
            QStringList conflicts;
            QMap<QString, ObjectEdit> edits;
            for (const auto &[entry, field] : requested) {
                const QString key = objectKey(entry.kind, entry.object);
                const KubeObject object = objects.value(key);
                const QString expected = state.versions.value(key);
                if (!object.found) {
                    conflicts.append(tr("%1 no longer exists.").arg(key));
                    continue;
                }
                if (object.resourceVersion != expected) {
                    if (!edits.contains(u"!"_s + key)) {
                        conflicts.append(
                            tr("%1 changed since it was read (resourceVersion %2, now %3). Read it again "
                               "and repeat the change.")
                                .arg(key, expected, object.resourceVersion));
                        edits.insert(u"!"_s + key, {}); // reported once
                    }
                    continue;
                }
                const QByteArray after = values.value(field.id).toUtf8();
                const bool had = object.data.contains(entry.key);
                const QByteArray before = object.data.value(entry.key);
                const bool secret = entry.kind == Kind::Secret;
                if (secret && had)
                    reading.secrets.append(before);
                if (had && before == after) {
                    reading.summary.append(tr("%1: unchanged").arg(field.id));
                    continue;
                }
                const auto shown = [secret](const QByteArray &value) {
                    return secret ? tr("sha256 %1").arg(SecretText::fingerprint(value))
                                  : QString::fromUtf8(value);
                };
                reading.summary.append(
                    tr("%1 (%2 %3): %4 → %5")
                        .arg(field.id, key, entry.key, had ? shown(before) : tr("(absent)"), shown(after)));
                ObjectEdit &edit = edits[key];
                edit.kind = entry.kind;
                edit.name = entry.object;
                edit.expectedVersion = expected;
                edit.after.insert(entry.key, after);
                if (had)
                    edit.before.insert(entry.key, before);
            }
            if (m_audit) {
                for (const QByteArray &secret : std::as_const(reading.secrets))
                    m_audit->addForbiddenValue(secret);
            }
            if (!conflicts.isEmpty()) {
                reading.report.error = conflicts.join(u'\n');
                pushDone();
                return;
            }
            for (auto it = edits.cbegin(); it != edits.cend(); ++it) {
                if (!it.key().startsWith(u'!'))
                    reading.edits.append(it.value());
            }
            if (reading.edits.isEmpty()) {
                reading.report.outcome = PushReport::Outcome::Applied;
                reading.report.log.append(
                    tr("every value is already as requested: nothing patched, nothing restarted"));
                pushDone();
                return;
            }
            pushPatch(0);
        });
}

void KubeConfigSession::pushPatch(qsizetype index)
{
    Push &push = *m_push;
    if (index == push.edits.size()) {
        push.report.outcome = PushReport::Outcome::Applied;
        push.report.log.append(tr("every object patched"));
        if (push.restart)
            pushRestart();
        else
            pushDone();
        return;
    }
    const ObjectEdit &edit = push.edits.at(index);
    Q_EMIT progress(tr("Patching %1").arg(edit.key()));
    const quint64 id = m_objects->patch(edit.kind, edit.name, edit.after, edit.expectedVersion);
    m_objectCalls.insert(id, [this, index](const Result<KubeObject> &result) {
        Push &patching = *m_push;
        ObjectEdit &patched = patching.edits[index];
        if (!result) {
            pushRollback(index, result.error().message);
            return;
        }
        patched.patched = true;
        patched.patchedVersion = result->resourceVersion;
        patching.report.log.append(tr("%1: patched %2 (resourceVersion %3)")
                                       .arg(patched.key(), QStringList(patched.after.keys()).join(u", "_s),
                                           result->resourceVersion));
        pushPatch(index + 1);
    });
}

// Puts back every object patched before `failedIndex`, newest first, with the values
// read before the push.
void KubeConfigSession::pushRollback(qsizetype failedIndex, const QString &error)
{
    Push &push = *m_push;
    push.report.error = error;
    auto pending = std::make_shared<QList<qsizetype>>();
    for (qsizetype i = failedIndex - 1; i >= 0; --i) {
        if (push.edits.at(i).patched)
            pending->append(i);
    }
    if (pending->isEmpty()) {
        push.report.outcome = PushReport::Outcome::NothingChanged;
        pushDone();
        return;
    }
    push.report.outcome = PushReport::Outcome::RolledBack;
    auto next = std::make_shared<std::function<void()>>();
    *next = [this, pending, next] {
        Push &rolling = *m_push;
        if (pending->isEmpty()) {
            *next = nullptr; // breaks the self-reference
            pushDone();
            return;
        }
        const ObjectEdit &edit = rolling.edits.at(pending->takeFirst());
        QStringList absent;
        for (auto it = edit.after.cbegin(); it != edit.after.cend(); ++it) {
            if (!edit.before.contains(it.key()))
                absent.append(it.key());
        }
        Q_EMIT progress(tr("Putting back %1").arg(edit.key()));
        const quint64 id = m_objects->patch(edit.kind, edit.name, edit.before, edit.patchedVersion);
        const QString key = edit.key();
        m_objectCalls.insert(id, [this, key, absent, next](const Result<KubeObject> &result) {
            Push &current = *m_push;
            if (!result) {
                current.report.outcome = PushReport::Outcome::Mixed;
                current.report.log.append(
                    tr("%1: could not be put back: %2").arg(key, result.error().message));
            } else if (!absent.isEmpty()) {
                current.report.outcome = PushReport::Outcome::Mixed;
                current.report.log.append(
                    tr("%1: put back, but the new keys %2 remain (they did not exist before)")
                        .arg(key, absent.join(u", "_s)));
            } else {
                current.report.log.append(tr("%1: put back").arg(key));
            }
            (*next)();
        });
    };
    (*next)();
}

// Pods keep the environment they started with: scale to 0, wait until none is ready,
// scale back, wait until all are ready. Never two configurations serving at once.
void KubeConfigSession::pushRestart()
{
    const KubernetesSettings &settings = m_profile.profile.deployment.kubernetes;
    Q_EMIT progress(tr("Reading Deployment %1/%2").arg(settings.ns, settings.deployment));
    refresh([this, settings](const KubeStatus &status) {
        Push &push = *m_push;
        if (!status.ok()) {
            push.report.restartError = status.error;
            pushDone();
            return;
        }
        push.replicas = status.deployment.desired >= 0 ? status.deployment.desired : int(status.pods.size());
        for (const KubePod &pod : status.pods)
            push.oldPods.insert(podIdentity(pod));
        if (push.replicas <= 0) {
            push.report.log.append(
                tr("Deployment %1 has 0 replicas: nothing to restart").arg(settings.deployment));
            pushDone();
            return;
        }
        const std::chrono::seconds warmup = m_options.readyTimeout.count() > 0
            ? m_options.readyTimeout
            : std::chrono::seconds(m_profile.preset.warmupSeconds) * push.replicas;
        push.limit = std::max(warmup, std::chrono::seconds(1));
        Q_EMIT progress(tr("Scaling Deployment %1 to 0 replicas").arg(settings.deployment));
        const quint64 id = m_objects->scale(settings.deployment, 0);
        m_scaleCalls.insert(id, [this](const Result<int> &result) {
            Push &scaled = *m_push;
            if (!result) {
                scaled.report.restartError = result.error().message;
                pushDone();
                return;
            }
            scaled.report.log.append(tr("scaled to 0 replicas (was %1)").arg(scaled.replicas));
            scaled.deadline = QDeadlineTimer(scaled.limit);
            waitPods(0, true);
        });
    });
}

void KubeConfigSession::waitPods(int attempt, bool stopping)
{
    refresh([this, attempt, stopping](const KubeStatus &status) {
        Push &push = *m_push;
        const QString deployment = m_profile.profile.deployment.kubernetes.deployment;
        int readyPods = 0;
        QStringList readyNames;
        for (const KubePod &pod : status.pods) {
            // After scaling back, only pods started since count: an old one may still
            // answer while it is being stopped.
            if (pod.ready && (stopping || !push.oldPods.contains(podIdentity(pod)))) {
                ++readyPods;
                readyNames.append(pod.nodeName.isEmpty() ? pod.name : pod.nodeName);
            }
        }
        if (status.ok()) {
            if (stopping && readyPods == 0 && status.deployment.ready == 0) {
                push.report.log.append(tr("no pod is ready any more"));
            } else if (!stopping && readyPods >= push.replicas) {
                push.report.restarted = readyNames;
                push.report.log.append(tr("%n pod(s) ready again", nullptr, readyPods));
                pushDone();
                return;
            }
        }
        const bool stopped = stopping && status.ok() && readyPods == 0 && status.deployment.ready == 0;
        if (!stopped && push.deadline.hasExpired()) {
            const QString why = status.ok()
                ? tr("%n of %1 pod(s) ready", nullptr, readyPods).arg(push.replicas)
                : status.error;
            if (!stopping) {
                push.report.restartError = tr("Deployment %1 was not ready within %2 s: %3")
                                               .arg(deployment)
                                               .arg(push.limit.count())
                                               .arg(why);
                pushDone();
                return;
            }
            // Scale back anyway: a Deployment left at 0 serves nobody.
            push.report.restartError = tr("the pods of %1 did not stop within %2 s: %3")
                                           .arg(deployment)
                                           .arg(push.limit.count())
                                           .arg(why);
        }
        if (stopping && (stopped || push.deadline.hasExpired())) {
            Q_EMIT progress(
                tr("Scaling Deployment %1 back to %2 replicas").arg(deployment).arg(push.replicas));
            const quint64 id = m_objects->scale(deployment, push.replicas);
            m_scaleCalls.insert(id, [this](const Result<int> &result) {
                Push &back = *m_push;
                if (!result) {
                    back.report.restartError = result.error().message;
                    pushDone();
                    return;
                }
                back.report.log.append(tr("scaled back to %1 replicas").arg(back.replicas));
                back.deadline = QDeadlineTimer(back.limit);
                waitPods(0, false);
            });
            return;
        }
        QTimer::singleShot(
            std::chrono::seconds(1), this, [this, attempt, stopping] { waitPods(attempt + 1, stopping); });
    });
}

void KubeConfigSession::pushDone()
{
    std::unique_ptr<Push> push = std::move(m_push);
    finishPush(push->report, push->auditAction, push->targets, push->summary, push->secrets);
}
