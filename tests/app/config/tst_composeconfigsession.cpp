// ComposeConfigSession against the sandbox's Compose emulation over real sshd: the
// project's .env read and checked, changes written atomically with a backup (every
// other byte kept), refused when the file changed since it was read, never half
// written when the Compose host's SSH goes away, and a rotation that the containers
// take when the service is brought up again.
#include "../SandboxTestSupport.h"
#include "ConfigTestSupport.h"
#include "audit/AuditLog.h"
#include "config/ComposeConfigSession.h"
#include "config/SecretText.h"
#include "formats/DotEnvDocument.h"
#include "profile/PresetRegistry.h"
#include "secrets/SecretStore.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ConfigTest;

namespace {

QByteArray randomSecret()
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    QByteArray secret;
    for (int i = 0; i < 48; ++i)
        secret.append(alphabet[QRandomGenerator::global()->bounded(int(sizeof(alphabet) - 1))]);
    return secret;
}

ConfigChange change(const QString &field, const QString &value, const QString &node = {})
{
    ConfigChange out;
    out.field = field;
    out.value = value;
    out.node = node;
    return out;
}

QString checkText(const QList<ConfigCheck> &checks)
{
    QStringList out;
    for (const ConfigCheck &check : checks)
        out.append(check.id + u": "_s + ConfigCheck::statusName(check.status) + u" "_s + check.detail);
    return out.join(u'\n');
}

const ConfigCheck *byId(const QList<ConfigCheck> &checks, const QString &id)
{
    for (const ConfigCheck &check : checks) {
        if (check.id == id)
            return &check;
    }
    return nullptr;
}

} // namespace

class TestComposeConfigSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void entries();
    void readState();
    void checksCatchPlantedValues();
    void invalidInputChangesNothing();
    void staleStateIsRefused();
    void sshLostMidPushLeavesNoMix();
    void rotationReachesEveryContainer();
    void auditHasNoSecret();

private:
    std::unique_ptr<ComposeConfigSession> openSession();
    std::optional<KeyedConfigState> readState(ComposeConfigSession &session, QString *error = nullptr);
    std::optional<PushReport> push(ComposeConfigSession &session, const KeyedConfigState &state,
        const QList<ConfigChange> &changes, bool restart);
    QString envPath() const { return m_loaded.profile.deployment.compose.projectDir + u"/.env"_s; }
    QStringList backups() const
    {
        return QDir(m_loaded.profile.deployment.compose.projectDir)
            .entryList({u".env.clusterdesk-*.bak"_s}, QDir::Files | QDir::Hidden);
    }

    QString m_dir;
    LoadedProfile m_loaded;
    QTemporaryDir m_temp;
    std::unique_ptr<AuditLog> m_audit;
    SecretStore *m_store = nullptr;
    QByteArray m_appSecret;
    QByteArray m_newSecret;
};

void TestComposeConfigSession::initTestCase()
{
    qRegisterMetaType<KeyedConfigStateResult>();
    qRegisterMetaType<PushReport>();
    SandboxTest::recordLog();
    QLoggingCategory::setFilterRules(u"clusterdesk.*.debug=true"_s);
    m_dir = qEnvironmentVariable("CLUSTERDESK_SANDBOX_DIR");
    QVERIFY2(!m_dir.isEmpty(), "CLUSTERDESK_SANDBOX_DIR is not set: run through ctest");
    auto loaded = ProfileFile::load(m_dir + u"/profile.json"_s, PresetRegistry::builtIn());
    QVERIFY(loaded);
    m_loaded = *loaded;
    QCOMPARE(m_loaded.profile.deployment.kind, DeploymentKind::Compose);
    QVERIFY(m_temp.isValid());
    auto audit = AuditLog::open(m_temp.filePath(u"audit.sqlite"_s));
    QVERIFY2(audit, qPrintable(audit ? QString() : audit.error().message));
    m_audit = std::move(*audit);

    // No keychain here (without-keyring.sh): the store keeps what it is given in memory.
    m_store = new SecretStore(u"clusterdesk-test-composecfg"_s, this);
    const ClusterProfile &profile = m_loaded.profile;
    m_appSecret = SandboxTest::secret(m_dir, profile.secrets.value(u"appSecret"_s).name);
    QVERIFY(!m_appSecret.isEmpty());
    QVERIFY(profile.database);
    const QList<std::pair<QString, QByteArray>> secrets {
        {profile.secrets.value(u"appSecret"_s).name, m_appSecret},
        {profile.database->password.name, SandboxTest::secret(m_dir, profile.database->password.name)},
    };
    for (const auto &[name, value] : secrets) {
        QVERIFY(!value.isEmpty());
        SecretRequest *request = m_store->write(name, value);
        QSignalSpy finished(request, &SecretRequest::finished);
        QVERIFY(finished.wait(20000));
        QCOMPARE(request->status(), SecretRequest::Status::Ok);
    }
}

std::unique_ptr<ComposeConfigSession> TestComposeConfigSession::openSession()
{
    ComposeConfigSession::Options options;
    options.hostKeyPolicy = HostKeyPolicy::AskForNewHostKeys; // --trust-host-keys: all are known
    options.connectTimeout = std::chrono::seconds(5);
    options.commandTimeout = std::chrono::seconds(20);
    options.readyTimeout = std::chrono::seconds(120);
    auto session = std::make_unique<ComposeConfigSession>(m_loaded, m_store, options);
    session->setAuditLog(m_audit.get());
    QSignalSpy ready(session.get(), &KeyedConfigSession::ready);
    session->open();
    if (!ready.wait(20000))
        return nullptr;
    return session;
}

std::optional<KeyedConfigState> TestComposeConfigSession::readState(
    ComposeConfigSession &session, QString *error)
{
    QSignalSpy spy(&session, &KeyedConfigSession::stateRead);
    session.read();
    if (!spy.wait(60000))
        return std::nullopt;
    const auto answer = spy.at(0).at(0).value<KeyedConfigStateResult>();
    if (!answer.result) {
        if (error)
            *error = answer.result.error().message;
        return std::nullopt;
    }
    return *answer.result;
}

std::optional<PushReport> TestComposeConfigSession::push(ComposeConfigSession &session,
    const KeyedConfigState &state, const QList<ConfigChange> &changes, bool restart)
{
    QSignalSpy spy(&session, &KeyedConfigSession::pushFinished);
    session.push(state, changes, restart);
    if (!spy.wait(300000))
        return std::nullopt;
    return spy.at(0).at(0).value<PushReport>();
}

void TestComposeConfigSession::entries()
{
    const QStringList keys = [] {
        QStringList out;
        for (const KeyedConfigEntry &entry : ComposeConfigSession::entriesFor(u"jatos"_s, u"/p/.env"_s))
            out.append(entry.key);
        return out;
    }();
    QCOMPARE(keys,
        (QStringList {u"JATOS_SECRET"_s, u"JATOS_DB_PASSWORD"_s, u"JATOS_DB_URL"_s, u"JATOS_DB_USERNAME"_s,
            u"JATOS_MULTINODE"_s}));
    QCOMPARE(
        KeyedConfig::mappableFields(u"jatos"_s, ComposeConfigSession::entriesFor(u"jatos"_s, u"/p/.env"_s)),
        (QStringList {u"jatos.secret"_s, u"jatos.db.password"_s, u"jatos.db.url"_s, u"jatos.db.username"_s,
            u"jatos.multiNode"_s}));
    // The other products' images do not take their configuration from .env.
    QVERIFY(ComposeConfigSession::entriesFor(u"openspecimen"_s, u"/p/.env"_s).isEmpty());
    QVERIFY(ComposeConfigSession::entriesFor(u"joget"_s, u"/p/.env"_s).isEmpty());
}

void TestComposeConfigSession::readState()
{
    auto session = openSession();
    QVERIFY(session);
    QString error;
    const auto state = readState(*session, &error);
    QVERIFY2(state, qPrintable(error));
    QVERIFY2(state->problems.isEmpty(), qPrintable(state->problems.join(u'\n')));
    QCOMPARE(state->values.size(), 5);
    QCOMPARE(state->versions.value(envPath()), sha256Hex(readFile(envPath())));
    const KeyedConfigValue *secret = state->find(u"jatos.secret"_s);
    QVERIFY(secret && secret->present && secret->entry.secret);
    QCOMPARE(secret->value, SecretText::fingerprint(m_appSecret)); // a fingerprint, never the value
    QCOMPARE(state->find(u"jatos.multiNode"_s)->value, u"true"_s);
    QVERIFY(state->find(u"jatos.db.url"_s)->value.startsWith(u"jdbc:"_s));

    const QList<ConfigCheck> checks = session->checks(*state);
    QCOMPARE(checks.size(), 3);
    for (const ConfigCheck &check : checks)
        QVERIFY2(check.status == ConfigCheck::Status::Pass, qPrintable(checkText(checks)));
}

void TestComposeConfigSession::checksCatchPlantedValues()
{
    const QByteArray original = readFile(envPath());
    auto session = openSession();
    QVERIFY(session);
    // A hand edit on the Compose host: single-node mode, an H2 database, another secret.
    QVERIFY(plant(envPath(), u"JATOS_MULTINODE="_s, u"JATOS_MULTINODE=false"_s));
    QVERIFY(plant(envPath(), u"JATOS_DB_URL="_s, u"JATOS_DB_URL=jdbc:h2:./database/jatos"_s));
    QVERIFY(plant(envPath(), u"JATOS_SECRET="_s, u"JATOS_SECRET=\"planted-by-hand-0123456789\""_s));
    const auto state = readState(*session);
    QVERIFY(state);
    const QList<ConfigCheck> checks = session->checks(*state);
    const ConfigCheck *multiNode = byId(checks, u"multiNode"_s);
    QVERIFY(multiNode);
    QCOMPARE(multiNode->status, ConfigCheck::Status::Fail);
    QVERIFY2(multiNode->detail.contains(u"JATOS_MULTINODE"_s) && multiNode->detail.contains(u"jdbc:h2"_s),
        qPrintable(multiNode->detail));
    QVERIFY2(multiNode->detail.contains(envPath()), qPrintable(multiNode->detail)); // names the file
    const ConfigCheck *secret = byId(checks, u"secret"_s);
    QCOMPARE(secret->status, ConfigCheck::Status::Warning);
    QVERIFY2(secret->detail.contains(SecretText::fingerprint("planted-by-hand-0123456789")),
        qPrintable(secret->detail));
    QVERIFY(!secret->fix.isEmpty());

    // A value taken from the host's environment is reported as such.
    QVERIFY(plant(envPath(), u"JATOS_SECRET="_s, u"JATOS_SECRET=${HOST_SECRET}"_s));
    const auto interpolated = readState(*session);
    QVERIFY(interpolated);
    QVERIFY(interpolated->find(u"jatos.secret"_s)->interpolated);
    QCOMPARE(byId(session->checks(*interpolated), u"secret"_s)->status, ConfigCheck::Status::Warning);
    QVERIFY(writeFile(envPath(), original));
}

void TestComposeConfigSession::invalidInputChangesNothing()
{
    auto session = openSession();
    QVERIFY(session);
    const auto state = readState(*session);
    QVERIFY(state);
    const QByteArray before = readFile(envPath());
    const int backupsBefore = int(backups().size());
    const QList<QList<ConfigChange>> bad {
        {change(u"jatos.db.username"_s, u"it's"_s)}, // Compose cannot read it back literally
        {change(u"jatos.db.url"_s, u"not a url"_s)},
        {change(u"jatos.secret"_s, u"short"_s)}, // under JATOS's minimum
        {change(u"jatos.db.username"_s, u"x"_s, u"jatos-1"_s)}, // every container takes the same value
        {change(u"jatos.http.port"_s, u"9001"_s)}, // not kept in .env
    };
    const QStringList reasons {u"single quote"_s, u"jatos.db.url"_s, u"jatos.secret"_s,
        u"cannot name a node"_s, u"jatos.http.port"_s};
    for (qsizetype i = 0; i < bad.size(); ++i) {
        const auto report = push(*session, *state, bad.at(i), true);
        QVERIFY(report);
        QCOMPARE(report->outcome, PushReport::Outcome::NothingChanged);
        QVERIFY2(report->error.contains(reasons.at(i)), qPrintable(report->error));
        QVERIFY(!report->error.contains(u"short"_s) || i != 2); // the refused secret is not shown
    }
    QCOMPARE(readFile(envPath()), before);
    QCOMPARE(int(backups().size()), backupsBefore);
}

void TestComposeConfigSession::staleStateIsRefused()
{
    auto session = openSession();
    QVERIFY(session);
    const auto state = readState(*session);
    QVERIFY(state);
    const QByteArray edited = readFile(envPath()) + "# a note added by hand\n";
    QVERIFY(writeFile(envPath(), edited));
    const auto report = push(*session, *state, {change(u"jatos.db.username"_s, u"someone"_s)}, false);
    QVERIFY(report);
    QCOMPARE(report->outcome, PushReport::Outcome::NothingChanged);
    QVERIFY2(report->error.contains(u"changed since it was read"_s), qPrintable(report->error));
    QCOMPARE(readFile(envPath()), edited);
}

void TestComposeConfigSession::sshLostMidPushLeavesNoMix()
{
    auto session = openSession();
    QVERIFY(session);
    const auto state = readState(*session);
    QVERIFY(state);
    const QByteArray before = readFile(envPath());
    // The Compose host's SSH goes away as the file is about to be written.
    bool cut = false;
    connect(session.get(), &KeyedConfigSession::progress, this, [&](const QString &step) {
        if (!cut && step.startsWith(u"Writing"_s)) {
            cut = true;
            QCOMPARE(
                sandbox(m_dir, {u"fault"_s, u"--node"_s, m_loaded.profile.nodes.first().name, u"ssh-down"_s}),
                0);
        }
    });
    const auto report = push(*session, *state, {change(u"jatos.db.username"_s, u"cut-off"_s)}, false);
    QVERIFY(cut);
    QCOMPARE(sandbox(m_dir, {u"fault"_s, u"--node"_s, m_loaded.profile.nodes.first().name, u"clear"_s}), 0);
    QVERIFY(report);
    QVERIFY2(report->outcome != PushReport::Outcome::Applied, qPrintable(report->log.join(u'\n')));
    QVERIFY(!report->error.isEmpty());
    // Never a mix: the file is exactly the old text or exactly the new one.
    const QByteArray now = readFile(envPath());
    auto document = DotEnvDocument::parse(before, u".env"_s);
    QVERIFY(document);
    QVERIFY(document->setValue(u"JATOS_DB_USERNAME"_s, u"cut-off"_s));
    QVERIFY2(now == before || now == document->toBytes(), now.constData());
    QVERIFY(writeFile(envPath(), before));
}

void TestComposeConfigSession::rotationReachesEveryContainer()
{
    auto session = openSession();
    QVERIFY(session);
    // A comment and an unrelated key the push must keep.
    const QByteArray original = readFile(envPath());
    QVERIFY(
        writeFile(envPath(), "# kept: written by the admin\n" + original + "OTHER_SETTING='kept as is'\n"));
    const auto state = readState(*session);
    QVERIFY(state);
    const QByteArray before = readFile(envPath());
    const QJsonObject effectiveBefore = effective(m_dir);

    m_newSecret = randomSecret();
    const auto report
        = push(*session, *state, {change(u"jatos.secret"_s, QString::fromLatin1(m_newSecret))}, true);
    QVERIFY(report);
    QVERIFY2(
        report->outcome == PushReport::Outcome::Applied, qPrintable(report->error + report->log.join(u'\n')));
    QVERIFY2(report->restartError.isEmpty(), qPrintable(report->restartError));
    QCOMPARE(report->restarted.size(), m_loaded.profile.nodes.size());
    for (const QString &line : report->log)
        QVERIFY2(!line.contains(QString::fromLatin1(m_newSecret)), qPrintable(line));

    // The file: only the secret's line changed; the backup holds the old text.
    auto expected = DotEnvDocument::parse(before, u".env"_s);
    QVERIFY(expected);
    QVERIFY(expected->setValue(u"JATOS_SECRET"_s, QString::fromLatin1(m_newSecret)));
    QCOMPARE(readFile(envPath()), expected->toBytes());
    QCOMPARE(report->backups.size(), 1);
    const QString backup = report->backups.first().section(u':', 1);
    QCOMPARE(readFile(backup), before);
    QCOMPARE(QFile::permissions(envPath()) & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
        QFileDevice::Permissions());

    // Every container was recreated with the new secret.
    const QString sha = sha256Hex(m_newSecret);
    for (const NodeSpec &node : m_loaded.profile.nodes) {
        const QJsonObject now = effective(m_dir).value(node.name).toObject();
        QCOMPARE(now.value(u"secretSha256"_s).toString(), sha);
        const QJsonValue started = now.value(u"startedAt"_s);
        const QJsonValue startedBefore = effectiveBefore.value(node.name).toObject().value(u"startedAt"_s);
        QVERIFY2(started.isDouble() ? started.toDouble() > startedBefore.toDouble()
                                    : started.toString() > startedBefore.toString(),
            qPrintable(node.name));
    }
    const auto after = readState(*session);
    QVERIFY(after);
    QCOMPARE(after->find(u"jatos.secret"_s)->value, SecretText::fingerprint(m_newSecret));
    QVERIFY(writeFile(envPath(), readFile(envPath()).replace("OTHER_SETTING='kept as is'\n", "")));
}

void TestComposeConfigSession::auditHasNoSecret()
{
    QVERIFY(!m_newSecret.isEmpty());
    const auto entries = m_audit->entries();
    QVERIFY(entries);
    bool applied = false, refused = false;
    for (const AuditEntry &entry : *entries) {
        QCOMPARE(entry.action, u"config.push"_s);
        QVERIFY2(entry.target.contains(envPath()), qPrintable(entry.target));
        applied = applied
            || (entry.outcome == u"ok" && entry.summary.contains(SecretText::fingerprint(m_newSecret)));
        refused = refused || entry.outcome == u"failed";
    }
    QVERIFY(applied);
    QVERIFY(refused);
    m_audit.reset(); // closes the database: its files hold everything written
    for (const QByteArray &secret : {m_newSecret, m_appSecret})
        QVERIFY2(filesContaining(m_temp.path(), secret).isEmpty(),
            qPrintable(filesContaining(m_temp.path(), secret).join(u", "_s)));
}

QTEST_GUILESS_MAIN(TestComposeConfigSession)
#include "tst_composeconfigsession.moc"
