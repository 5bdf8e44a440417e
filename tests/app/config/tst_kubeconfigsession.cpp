// KubeConfigSession against the sandbox's emulated Kubernetes API (HTTPS with its own
// CA, bearer token, resourceVersion checks) with 2 JATOS nodes: the state read and
// checked, refused changes that patch nothing, a no-op, a new application secret
// pushed with a restart (scale to 0 and back) that every node then runs with, a stale
// state refused, and audit entries without a secret in them. Runs without a keychain:
// the SecretStore keeps the secrets from secrets.env in memory.
#include "../SandboxTestSupport.h"
#include "../kubernetes/KubeTestSupport.h"
#include "ConfigTestSupport.h"
#include "audit/AuditLog.h"
#include "config/KubeConfigSession.h"
#include "config/SecretText.h"
#include "connectors/kubernetes/KubeConfigObjects.h"
#include "secrets/SecretStore.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QLoggingCategory>
#include <QMutex>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using Kind = KubeConfigObjects::Kind;

namespace {

QByteArray randomSecret()
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    QByteArray secret;
    for (int i = 0; i < 48; ++i)
        secret.append(alphabet[QRandomGenerator::global()->bounded(int(sizeof(alphabet) - 1))]);
    return secret;
}

ConfigChange change(const QString &field, const QString &value)
{
    ConfigChange out;
    out.field = field;
    out.value = value;
    return out;
}

QString checkText(const QList<ConfigCheck> &checks)
{
    QStringList out;
    for (const ConfigCheck &check : checks)
        out.append(check.id + u": "_s + ConfigCheck::statusName(check.status) + u" "_s + check.detail);
    return out.join(u'\n');
}

} // namespace

class TestKubeConfigSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void mappableFields();
    void missingToken();
    void readState();
    void checksPass();
    void checksJudge();
    void pushSameValue();
    void pushInvalid();
    void pushNewSecretWithRestart();
    void pushStaleState();
    void auditHasNoSecret();
    void cleanupTestCase();

private:
    std::unique_ptr<KubeConfigSession> openSession(SecretStore *store);
    std::optional<KeyedConfigState> readState(KubeConfigSession &session, QString *error = nullptr);
    std::optional<PushReport> push(KubeConfigSession &session, const KeyedConfigState &state,
        const QList<ConfigChange> &changes, bool restart);

    std::optional<KubeSandbox> m_sandbox;
    QTemporaryDir m_temp;
    std::unique_ptr<AuditLog> m_audit;
    SecretStore *m_store = nullptr;
    QByteArray m_appSecret;
    QByteArray m_newSecret;
};

void TestKubeConfigSession::initTestCase()
{
    qRegisterMetaType<KeyedConfigStateResult>();
    qRegisterMetaType<PushReport>();
    SandboxTest::recordLog();
    QLoggingCategory::setFilterRules(u"clusterdesk.*.debug=true"_s);
    QString problem;
    m_sandbox = loadKubeSandbox(&problem);
    QVERIFY2(m_sandbox, qPrintable(problem));
    QVERIFY(m_temp.isValid());
    auto audit = AuditLog::open(m_temp.filePath(u"audit.sqlite"_s));
    QVERIFY2(audit, qPrintable(audit ? QString() : audit.error().message));
    m_audit = std::move(*audit);

    // No keychain here (without-keyring.sh): the store keeps what it is given in memory.
    m_store = new SecretStore(u"clusterdesk-test-k8scfg"_s, this);
    const ClusterProfile &profile = m_sandbox->loaded.profile;
    m_appSecret = SandboxTest::secret(m_sandbox->dir, profile.secrets.value(u"appSecret"_s).name);
    QVERIFY(!m_appSecret.isEmpty());
    QVERIFY(profile.database);
    const QList<std::pair<QString, QByteArray>> secrets {
        {profile.deployment.kubernetes.token.name, m_sandbox->token},
        {profile.secrets.value(u"appSecret"_s).name, m_appSecret},
        {profile.database->password.name,
            SandboxTest::secret(m_sandbox->dir, profile.database->password.name)},
    };
    for (const auto &[name, value] : secrets) {
        QVERIFY(!value.isEmpty());
        SecretRequest *request = m_store->write(name, value);
        QSignalSpy finished(request, &SecretRequest::finished);
        QVERIFY(finished.wait(20000));
        QCOMPARE(request->status(), SecretRequest::Status::Ok);
    }
    QCOMPARE(m_store->backend(), SecretStore::Backend::MemoryOnly);
}

std::unique_ptr<KubeConfigSession> TestKubeConfigSession::openSession(SecretStore *store)
{
    KubeConfigSession::Options options;
    options.readyTimeout = std::chrono::seconds(180);
    auto session = std::make_unique<KubeConfigSession>(m_sandbox->loaded, store, options);
    session->setAuditLog(m_audit.get());
    QSignalSpy ready(session.get(), &KubeConfigSession::ready);
    session->open();
    if (!ready.wait(20000))
        return nullptr;
    return session;
}

std::optional<KeyedConfigState> TestKubeConfigSession::readState(KubeConfigSession &session, QString *error)
{
    QSignalSpy spy(&session, &KubeConfigSession::stateRead);
    session.read();
    if (!spy.wait(30000))
        return std::nullopt;
    const auto answer = spy.at(0).at(0).value<KeyedConfigStateResult>();
    if (!answer.result) {
        if (error)
            *error = answer.result.error().message;
        return std::nullopt;
    }
    return *answer.result;
}

std::optional<PushReport> TestKubeConfigSession::push(KubeConfigSession &session,
    const KeyedConfigState &state, const QList<ConfigChange> &changes, bool restart)
{
    QSignalSpy spy(&session, &KubeConfigSession::pushFinished);
    session.push(state, changes, restart);
    if (!spy.wait(400000))
        return std::nullopt;
    return spy.at(0).at(0).value<PushReport>();
}

void TestKubeConfigSession::mappableFields()
{
    QCOMPARE(KeyedConfig::mappableFields(u"jatos"_s, KubeConfigSession::entriesFor(u"jatos"_s)),
        (QStringList {u"jatos.secret"_s, u"jatos.db.password"_s, u"jatos.db.url"_s, u"jatos.db.username"_s,
            u"jatos.multiNode"_s}));
    QCOMPARE(KeyedConfig::mappableFields(u"openspecimen"_s, KubeConfigSession::entriesFor(u"openspecimen"_s)),
        (QStringList {u"cluster.secret"_s, u"database.password"_s}));
    QCOMPARE(KeyedConfig::mappableFields(u"joget"_s, KubeConfigSession::entriesFor(u"joget"_s)),
        QStringList {u"workflowPassword"_s});
}

void TestKubeConfigSession::missingToken()
{
    SecretStore empty(u"clusterdesk-test-k8scfg-empty"_s, nullptr);
    auto session = openSession(&empty);
    QVERIFY(session);
    QString error;
    QVERIFY(!readState(*session, &error));
    QVERIFY2(error.contains(m_sandbox->loaded.profile.deployment.kubernetes.token.name), qPrintable(error));
    QVERIFY2(error.contains(u"keychain"_s), qPrintable(error));
}

void TestKubeConfigSession::readState()
{
    auto session = openSession(m_store);
    QVERIFY(session);
    QCOMPARE(session->keychainSecret(u"appSecret"_s), m_appSecret);
    QString error;
    const auto state = readState(*session, &error);
    QVERIFY2(state, qPrintable(error));
    QVERIFY2(state->problems.isEmpty(), qPrintable(state->problems.join(u'\n')));
    QCOMPARE(state->values.size(), 5);
    const KeyedConfigValue *secret = state->find(u"jatos.secret"_s);
    QVERIFY(secret);
    QVERIFY(secret->present);
    QCOMPARE(secret->entry.meaning, u"appSecret"_s);
    QCOMPARE(secret->value, ConfigTest::sha256Hex(m_appSecret).left(8));
    QCOMPARE(secret->value, SecretText::fingerprint(m_appSecret));
    QCOMPARE(state->find(u"jatos.multiNode"_s)->value, u"true"_s);
    QCOMPARE(state->find(u"jatos.db.username"_s)->value, m_sandbox->loaded.profile.database->user);
    QVERIFY(state->find(u"jatos.db.url"_s)->value.startsWith(u"jdbc:"_s));
    QVERIFY(state->find(u"jatos.db.password"_s)->present);
    QVERIFY(!state->versions.value(u"Secret/jatos-secret"_s).isEmpty());
    QVERIFY(!state->versions.value(u"Secret/mysql-pass"_s).isEmpty());
    QVERIFY(!state->versions.value(u"ConfigMap/jatos-config"_s).isEmpty());
}

void TestKubeConfigSession::checksPass()
{
    auto session = openSession(m_store);
    QVERIFY(session);
    const auto state = readState(*session);
    QVERIFY(state);
    const QList<ConfigCheck> checks = session->checks(*state);
    QCOMPARE(checks.size(), 3);
    for (const ConfigCheck &check : checks)
        QVERIFY2(check.status == ConfigCheck::Status::Pass, qPrintable(checkText(checks)));
}

void TestKubeConfigSession::checksJudge()
{
    auto session = openSession(m_store);
    QVERIFY(session);
    auto state = readState(*session);
    QVERIFY(state);
    for (KeyedConfigValue &value : state->values) {
        if (value.fieldId == u"jatos.db.url")
            value.value = u"jdbc:h2:/tmp/db"_s;
    }
    QMap<QString, QString> keychain = session->keychainFingerprints();
    keychain.insert(u"appSecret"_s, u"00000000"_s);
    const QList<ConfigCheck> checks = KeyedConfig::checks(u"jatos"_s, *state, keychain, u"Kubernetes"_s);
    QCOMPARE(checks.at(0).id, u"secret"_s);
    QCOMPARE(checks.at(0).status, ConfigCheck::Status::Warning);
    QVERIFY(!checks.at(0).fix.isEmpty());
    QCOMPARE(checks.at(1).id, u"multiNode"_s);
    QCOMPARE(checks.at(1).status, ConfigCheck::Status::Fail);
    QVERIFY(checks.at(1).fix.contains(u"jatos.db.url"_s));
    for (KeyedConfigValue &value : state->values) {
        if (value.fieldId == u"jatos.db.password")
            value.present = false;
    }
    const QList<ConfigCheck> missing = KeyedConfig::checks(u"jatos"_s, *state, {}, u"Kubernetes"_s);
    QCOMPARE(missing.at(0).status, ConfigCheck::Status::Pass);
    QCOMPARE(missing.at(2).id, u"database"_s);
    QCOMPARE(missing.at(2).status, ConfigCheck::Status::Fail);
}

void TestKubeConfigSession::pushSameValue()
{
    auto session = openSession(m_store);
    QVERIFY(session);
    const auto state = readState(*session);
    QVERIFY(state);
    const auto report = push(*session, *state,
        {change(u"jatos.db.username"_s, m_sandbox->loaded.profile.database->user),
            change(u"jatos.secret"_s, QString::fromLatin1(m_appSecret))},
        true);
    QVERIFY(report);
    QVERIFY2(report->outcome == PushReport::Outcome::Applied, qPrintable(report->error));
    QVERIFY(report->restarted.isEmpty()); // nothing changed: nothing restarted
    const auto after = readState(*session);
    QVERIFY(after);
    QCOMPARE(after->versions, state->versions);
}

void TestKubeConfigSession::pushInvalid()
{
    auto session = openSession(m_store);
    QVERIFY(session);
    const auto state = readState(*session);
    QVERIFY(state);

    // An H2 URL, with a valid change next to it: nothing at all is patched.
    auto report = push(*session, *state,
        {change(u"jatos.multiNode"_s, u"false"_s), change(u"jatos.db.url"_s, u"jdbc:h2:/var/jatos/db"_s)},
        true);
    QVERIFY(report);
    QCOMPARE(report->outcome, PushReport::Outcome::NothingChanged);
    QVERIFY2(report->error.contains(u"jatos.db.url"_s), qPrintable(report->error));
    QVERIFY2(report->error.contains(u"H2"_s), qPrintable(report->error));

    // A secret too short, a field Kubernetes does not keep, an unknown one.
    report = push(*session, *state,
        {change(u"jatos.secret"_s, u"short"_s), change(u"jatos.http.port"_s, u"9000"_s),
            change(u"no.such"_s, u"x"_s)},
        true);
    QVERIFY(report);
    QCOMPARE(report->outcome, PushReport::Outcome::NothingChanged);
    QVERIFY2(report->error.contains(u"at least"_s), qPrintable(report->error));
    QVERIFY2(report->error.contains(u"jatos.http.port"_s), qPrintable(report->error));
    QVERIFY2(report->error.contains(u"no.such"_s), qPrintable(report->error));
    QVERIFY2(report->error.contains(u"jatos.db.username"_s), qPrintable(report->error)); // the mappable ones

    const auto after = readState(*session);
    QVERIFY(after);
    QCOMPARE(after->versions, state->versions);
    QCOMPARE(after->find(u"jatos.multiNode"_s)->value, u"true"_s);
}

void TestKubeConfigSession::pushNewSecretWithRestart()
{
    auto session = openSession(m_store);
    QVERIFY(session);
    const auto state = readState(*session);
    QVERIFY(state);
    m_newSecret = randomSecret();
    QStringList steps;
    connect(session.get(), &KubeConfigSession::progress, this,
        [&steps](const QString &step) { steps.append(step); });
    const auto report
        = push(*session, *state, {change(u"jatos.secret"_s, QString::fromLatin1(m_newSecret))}, true);
    QVERIFY(report);
    QVERIFY2(report->outcome == PushReport::Outcome::Applied, qPrintable(report->error));
    QVERIFY2(report->restartError.isEmpty(), qPrintable(report->restartError));
    QCOMPARE(report->restarted.size(), 2);
    QVERIFY(!steps.isEmpty());
    for (const QString &line : report->log)
        QVERIFY2(!line.contains(QString::fromLatin1(m_newSecret)), qPrintable(line));

    // Every node started with the new secret (effective.json is written a moment after
    // the start).
    const QString expected = ConfigTest::sha256Hex(m_newSecret);
    QJsonObject effective;
    bool all = false;
    QDeadlineTimer written(30000);
    while (!all && !written.hasExpired()) {
        effective = ConfigTest::effective(m_sandbox->dir);
        all = true;
        for (const NodeSpec &node : m_sandbox->loaded.profile.nodes) {
            if (effective.value(node.name).toObject().value(u"secretSha256"_s).toString() != expected)
                all = false;
        }
        if (!all)
            QTest::qWait(500);
    }
    for (const NodeSpec &node : m_sandbox->loaded.profile.nodes)
        QCOMPARE(effective.value(node.name).toObject().value(u"secretSha256"_s).toString(), expected);

    const auto after = readState(*session);
    QVERIFY(after);
    QCOMPARE(after->find(u"jatos.secret"_s)->value, SecretText::fingerprint(m_newSecret));
    QVERIFY(
        after->versions.value(u"Secret/jatos-secret"_s) != state->versions.value(u"Secret/jatos-secret"_s));
    QCOMPARE(after->versions.value(u"ConfigMap/jatos-config"_s),
        state->versions.value(u"ConfigMap/jatos-config"_s));
}

void TestKubeConfigSession::pushStaleState()
{
    auto session = openSession(m_store);
    QVERIFY(session);
    const auto state = readState(*session);
    QVERIFY(state);

    // Someone patches the Secret in between (the same value: only its version moves).
    KubeConfigObjects objects(m_sandbox->settings);
    QVERIFY(objects.setCaFile(m_sandbox->settings.caFile));
    objects.setToken(m_sandbox->token);
    QSignalSpy patched(&objects, &KubeConfigObjects::patchFinished);
    objects.patch(Kind::Secret, u"jatos-secret"_s, {{u"JATOS_SECRET"_s, m_newSecret}}, {});
    QVERIFY(patched.wait(20000));
    const auto reply = patched.at(0).at(0).value<KubeObjectReply>();
    QVERIFY2(reply.result, qPrintable(reply.result ? QString() : reply.result.error().message));

    const auto report
        = push(*session, *state, {change(u"jatos.secret"_s, QString::fromLatin1(randomSecret()))}, false);
    QVERIFY(report);
    QCOMPARE(report->outcome, PushReport::Outcome::NothingChanged);
    QVERIFY2(report->error.contains(u"changed since it was read"_s), qPrintable(report->error));
    const auto after = readState(*session);
    QVERIFY(after);
    QCOMPARE(after->find(u"jatos.secret"_s)->value, SecretText::fingerprint(m_newSecret));
}

void TestKubeConfigSession::auditHasNoSecret()
{
    QVERIFY(!m_newSecret.isEmpty());
    const auto entries = m_audit->entries();
    QVERIFY(entries);
    QVERIFY2(entries->size() >= 5, qPrintable(QString::number(entries->size())));
    bool applied = false, failed = false;
    for (const AuditEntry &entry : *entries) {
        QCOMPARE(entry.action, u"config.push"_s);
        if (entry.outcome == u"ok" && entry.summary.contains(SecretText::fingerprint(m_newSecret))) {
            applied = true;
            QVERIFY2(entry.target.contains(u"Secret/jatos-secret"_s), qPrintable(entry.target));
        }
        failed = failed || entry.outcome == u"failed";
    }
    QVERIFY(applied);
    QVERIFY(failed);
    m_audit.reset(); // closes the database: its files hold everything written
    const QDir folder(m_temp.path());
    for (const QString &file : folder.entryList(QDir::Files)) {
        const QByteArray bytes = ConfigTest::readFile(folder.filePath(file));
        for (const QByteArray &secret : {m_newSecret, m_appSecret, m_sandbox->token})
            QVERIFY2(!bytes.contains(secret), qPrintable(file));
    }
    for (const QString &message : SandboxTest::logged()) {
        for (const QByteArray &secret : {m_newSecret, m_appSecret, m_sandbox->token})
            QVERIFY2(!message.contains(QString::fromLatin1(secret)), "a secret was logged");
    }
}

void TestKubeConfigSession::cleanupTestCase()
{
    qInstallMessageHandler(SandboxTest::previousHandler);
}

QTEST_GUILESS_MAIN(TestKubeConfigSession)
#include "tst_kubeconfigsession.moc"
