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

// The ConfigFields id a Kubernetes entry stands for: a secret by its secret name, any
// other value by its id.
QString fieldIdFor(const QString &product, const QString &meaning)
{
    for (const ConfigField &field : ConfigFields::forProduct(product)) {
        if (field.kind == ConfigField::Kind::Secret ? field.secretName == meaning : field.id == meaning)
            return field.id;
    }
    return {};
}

// A pod as started: a new pod has a new name (Kubernetes) or, where a name is reused
// (the sandbox's emulation), a new start time and restart count.
QString podIdentity(const KubePod &pod)
{
    return pod.name + u'|' + pod.startedAt.toString(Qt::ISODateWithMs) + u'|' + QString::number(pod.restarts);
}

bool isSharedDatabaseUrl(const QString &url)
{
    return url.startsWith(u"jdbc:mysql://"_s) || url.startsWith(u"jdbc:mariadb://"_s);
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

const KubeConfigValue *KubeConfigState::find(const QString &fieldId) const
{
    for (const KubeConfigValue &value : values) {
        if (value.fieldId == fieldId)
            return &value;
    }
    return nullptr;
}

KubeConfigSession::KubeConfigSession(
    LoadedProfile profile, SecretStore *secrets, Options options, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_secrets(secrets)
    , m_options(options)
{
    qRegisterMetaType<KubeConfigState>();
    qRegisterMetaType<KubeConfigStateResult>();
    qRegisterMetaType<PushReport>();
}

KubeConfigSession::~KubeConfigSession() = default;

void KubeConfigSession::open()
{
    QStringList names;
    const auto add = [&names](const SecretRef &ref) {
        if (!ref.isNull() && !names.contains(ref.name))
            names.append(ref.name);
    };
    add(m_profile.profile.deployment.kubernetes.token);
    for (const QString &secret : {u"appSecret"_s, u"clusterSecret"_s, u"database.password"_s})
        add(secretRef(secret));
    m_keychain.load(m_secrets, names, this, [this] {
        if (m_audit) {
            for (const QByteArray &value : m_keychain.values())
                m_audit->addForbiddenValue(value);
        }
        Q_EMIT ready();
    });
}

SecretRef KubeConfigSession::secretRef(const QString &secretName) const
{
    return ProfileSecrets::refOf(m_profile.profile, secretName);
}

QByteArray KubeConfigSession::keychainSecret(const QString &secretName) const
{
    return m_keychain.secret(m_profile.profile, secretName);
}

QMap<QString, QString> KubeConfigSession::keychainFingerprints() const
{
    return m_keychain.fingerprints(m_profile.profile);
}

void KubeConfigSession::setAuditLog(AuditLog *log)
{
    m_audit = log;
    if (m_audit) {
        for (const QByteArray &value : m_keychain.values())
            m_audit->addForbiddenValue(value);
    }
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
        const KubeConfigStateResult answer {std::unexpected(clients.error())};
        QTimer::singleShot(0, this, [this, answer] { Q_EMIT stateRead(answer); });
        return;
    }
    const QString product = m_profile.profile.product;
    const QList<KubeConfigObjects::Entry> entries = KubeConfigObjects::productObjects(product);
    Q_EMIT progress(tr("Reading the configuration from the Kubernetes API"));
    readObjects(
        entries, [this, entries, product](const QString &error, const QMap<QString, KubeObject> &objects) {
            if (!error.isEmpty()) {
                Q_EMIT stateRead(KubeConfigStateResult {failure(error)});
                return;
            }
            KubeConfigState state;
            QSet<QString> missingReported;
            for (const KubeConfigObjects::Entry &entry : entries) {
                const QString key = objectKey(entry.kind, entry.object);
                const KubeObject object = objects.value(key);
                KubeConfigValue value;
                value.entry = entry;
                value.fieldId = fieldIdFor(product, entry.meaning);
                if (object.found) {
                    state.resourceVersions.insert(key, object.resourceVersion);
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
            Q_EMIT stateRead(KubeConfigStateResult {state});
        });
}

QStringList KubeConfigSession::mappableFields(const QString &product)
{
    QStringList out;
    for (const KubeConfigObjects::Entry &entry : KubeConfigObjects::productObjects(product)) {
        const QString id = fieldIdFor(product, entry.meaning);
        if (!id.isEmpty() && !out.contains(id))
            out.append(id);
    }
    return out;
}

// --- checks -------------------------------------------------------------------------

QList<ConfigCheck> KubeConfigSession::checks(
    const QString &product, const KubeConfigState &state, const QMap<QString, QString> &keychainFingerprints)
{
    const auto where = [](const KubeConfigValue &value) {
        return tr("%1 %2, key %3")
            .arg(KubeConfigObjects::kindName(value.entry.kind), value.entry.object, value.entry.key);
    };
    const auto byMeaning = [&state](const QString &meaning) -> const KubeConfigValue * {
        for (const KubeConfigValue &value : state.values) {
            if (value.entry.meaning == meaning)
                return &value;
        }
        return nullptr;
    };
    QList<ConfigCheck> out;

    // The application's own secret: every pod takes it from the Secret.
    ConfigCheck secret;
    secret.id = u"secret"_s;
    secret.title = tr("Application secret");
    const QString secretName = product == u"jatos" ? u"appSecret"_s
        : product == u"openspecimen"               ? u"clusterSecret"_s
                                                   : QString();
    if (const KubeConfigValue *value = secretName.isEmpty() ? nullptr : byMeaning(secretName); !value) {
        secret.status = ConfigCheck::Status::Skipped;
        secret.detail = tr("this product keeps no application secret in Kubernetes");
    } else if (!value->present) {
        secret.status = ConfigCheck::Status::Fail;
        secret.detail = tr("%1 is missing").arg(where(*value));
        secret.fix = tr("Create it, or push a new value for %1 with a restart.").arg(value->fieldId);
    } else if (const QString keychain = keychainFingerprints.value(secretName);
               !keychain.isEmpty() && keychain != value->value) {
        secret.status = ConfigCheck::Status::Warning;
        secret.detail = tr("%1 holds sha256 %2; the keychain holds sha256 %3")
                            .arg(where(*value), value->value, keychain);
        secret.fix
            = tr("Push the keychain's value to %1 (with a restart), or store the cluster's value in the "
                 "keychain.")
                  .arg(value->fieldId);
    } else {
        secret.detail = keychain.isEmpty()
            ? tr("%1 is set (sha256 %2)").arg(where(*value), value->value)
            : tr("%1 is set and matches the keychain (sha256 %2)").arg(where(*value), value->value);
    }
    out.append(secret);

    ConfigCheck multiNode;
    multiNode.id = u"multiNode"_s;
    multiNode.title = tr("Multi-node mode");
    if (product != u"jatos") {
        multiNode.status = ConfigCheck::Status::Skipped;
        multiNode.detail = tr("only JATOS has a multi-node switch");
    } else {
        const KubeConfigValue *mode = byMeaning(u"jatos.multiNode"_s);
        const KubeConfigValue *url = byMeaning(u"jatos.db.url"_s);
        QStringList problems, fixes;
        if (!mode || !mode->present || mode->value != u"true") {
            problems.append(mode && mode->present
                    ? tr("%1 is \"%2\", not \"true\"").arg(where(*mode), mode->value)
                    : tr("JATOS_MULTINODE is not set"));
            fixes.append(tr("Set jatos.multiNode to true and restart."));
        }
        if (!url || !url->present || !isSharedDatabaseUrl(url->value)) {
            problems.append(url && url->present
                    ? tr("%1 is not a MySQL or MariaDB URL (%2)").arg(where(*url), url->value)
                    : tr("JATOS_DB_URL is not set, so every pod would use its own H2 database"));
            fixes.append(
                tr("Set jatos.db.url to jdbc:mysql://HOST:3306/SCHEMA (or jdbc:mariadb://) and restart."));
        }
        if (problems.isEmpty()) {
            multiNode.detail = tr("JATOS_MULTINODE is true and the database is shared (%1)").arg(url->value);
        } else {
            multiNode.status = ConfigCheck::Status::Fail;
            multiNode.detail = problems.join(u"; "_s);
            multiNode.fix = fixes.join(u' ');
        }
    }
    out.append(multiNode);

    ConfigCheck database;
    database.id = u"database"_s;
    database.title = tr("Database settings");
    QStringList missing;
    for (const KubeConfigValue &value : state.values) {
        const QString &meaning = value.entry.meaning;
        const bool databaseValue = meaning == u"database.password" || meaning == u"jatos.db.url"
            || meaning == u"jatos.db.username";
        if (databaseValue && !value.present)
            missing.append(where(value));
    }
    const KubeConfigValue *password = byMeaning(u"database.password"_s);
    const QString keychainPassword = keychainFingerprints.value(u"database.password"_s);
    if (!password) {
        database.status = ConfigCheck::Status::Skipped;
        database.detail = tr("this product keeps no database settings in Kubernetes");
    } else if (!missing.isEmpty()) {
        database.status = ConfigCheck::Status::Fail;
        database.detail = tr("missing: %1").arg(missing.join(u"; "_s));
        database.fix = tr("Create the missing keys, or push values for them.");
    } else if (!keychainPassword.isEmpty() && keychainPassword != password->value) {
        database.status = ConfigCheck::Status::Warning;
        database.detail = tr("%1 holds sha256 %2; the keychain holds sha256 %3")
                              .arg(where(*password), password->value, keychainPassword);
        database.fix = tr("Store the password the database really has in the keychain, or push it to %1.")
                           .arg(password->fieldId);
    } else {
        database.detail = tr("the database settings are set");
    }
    out.append(database);
    return out;
}

// --- pushing ------------------------------------------------------------------------

void KubeConfigSession::push(const KubeConfigState &state, const QList<ConfigChange> &changes, bool restart,
    const QString &auditAction)
{
    if (m_push) {
        PushReport busy;
        busy.error = tr("Another push is under way.");
        QTimer::singleShot(0, this, [this, busy] { Q_EMIT pushFinished(busy); });
        return;
    }
    m_push = std::make_unique<Push>();
    Push &push = *m_push;
    push.auditAction = auditAction;
    push.restart = restart;

    const QString product = m_profile.profile.product;
    const QList<KubeConfigObjects::Entry> entries = KubeConfigObjects::productObjects(product);
    QMap<QString, int> minLengths;
    for (const SecretRule &rule : m_profile.preset.secretRules)
        minLengths.insert(rule.name, rule.minLength);

    QStringList errors;
    // The requested value per entry, in the order of the changes (a later one wins).
    QList<std::pair<KubeConfigObjects::Entry, ConfigField>> requested;
    QMap<QString, QString> values; // fieldId -> value
    for (const ConfigChange &change : changes) {
        if (change.rawRole || change.field.isEmpty()) {
            errors.append(tr("Whole files cannot be replaced in Kubernetes; name a field (%1).")
                              .arg(mappableFields(product).join(u", "_s)));
            continue;
        }
        const std::optional<ConfigField> field = ConfigFields::find(product, change.field);
        const KubeConfigObjects::Entry *entry = nullptr;
        for (const KubeConfigObjects::Entry &candidate : entries) {
            if (fieldIdFor(product, candidate.meaning) == change.field)
                entry = &candidate;
        }
        if (!field || !entry) {
            errors.append(
                tr("%1: %2 in Kubernetes; the fields kept there are: %3")
                    .arg(change.field, field ? tr("not kept in a Secret or ConfigMap") : tr("no such field"),
                        mappableFields(product).join(u", "_s)));
            continue;
        }
        if (!change.node.isEmpty()) {
            errors.append(
                tr("%1: every pod takes the same value in Kubernetes; a change cannot name a node (%2).")
                    .arg(change.field, change.node));
            continue;
        }
        if (field->kind == ConfigField::Kind::Secret)
            push.secrets.append(change.value.toUtf8());
        const Result<void> valid
            = ConfigFields::validate(*field, change.value, minLengths.value(field->secretName));
        if (!valid) {
            errors.append(valid.error().message);
            continue;
        }
        if (!values.contains(field->id))
            requested.append({*entry, *field});
        values.insert(field->id, change.value);
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
        if (!state.resourceVersions.contains(key))
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
                const QString expected = state.resourceVersions.value(key);
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
    PushReport &report = push->report;
    report.error = SecretText::maskAll(report.error, push->secrets);
    report.restartError = SecretText::maskAll(report.restartError, push->secrets);
    for (QString &line : report.log)
        line = SecretText::maskAll(line, push->secrets);
    qCInfo(lcConfig).noquote() << "kubernetes push" << PushReport::outcomeName(report.outcome) << report.error
                               << report.restartError;
    if (m_audit) {
        AuditEntry entry;
        entry.cluster = m_profile.profile.name;
        entry.profilePath = m_profile.path;
        entry.action = push->auditAction;
        QStringList targets;
        for (const QString &key : std::as_const(push->targets))
            targets.append(key);
        entry.target = targets.join(u", "_s);
        entry.summary = SecretText::maskAll(push->summary.join(u"; "_s), push->secrets);
        switch (report.outcome) {
        case PushReport::Outcome::Applied:
            entry.outcome = report.restartError.isEmpty() ? u"ok"_s : u"ok, restart failed"_s;
            break;
        case PushReport::Outcome::NothingChanged:
            entry.outcome = u"failed"_s;
            break;
        case PushReport::Outcome::RolledBack:
            entry.outcome = u"rolled back"_s;
            break;
        case PushReport::Outcome::Mixed:
            entry.outcome = u"failed, not everything put back"_s;
            break;
        }
        entry.details = report.log.join(u'\n') + (report.error.isEmpty() ? QString() : u'\n' + report.error)
            + (report.restartError.isEmpty() ? QString() : u'\n' + report.restartError);
        for (const QByteArray &secret : std::as_const(push->secrets))
            m_audit->addForbiddenValue(secret);
        if (const Result<qint64> written = m_audit->append(entry); !written) {
            qCWarning(lcConfig).noquote() << "audit log:" << written.error().message;
            report.log.append(tr("the audit log could not be written: %1").arg(written.error().message));
        }
    }
    Q_EMIT pushFinished(report);
}
