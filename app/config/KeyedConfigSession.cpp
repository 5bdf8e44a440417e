#include "KeyedConfigSession.h"

#include "ComposeConfigSession.h"
#include "ConfigLogging.h"
#include "KubeConfigSession.h"
#include "audit/AuditLog.h"
#include "config/SecretText.h"

#include <QTimer>

using namespace Qt::StringLiterals;

KeyedConfigSession *KeyedConfigSession::create(const LoadedProfile &profile, SecretStore *secrets,
    const ConfigSession::Options &options, QObject *parent)
{
    switch (profile.profile.deployment.kind) {
    case DeploymentKind::Kubernetes: {
        KubeConfigSession::Options kube;
        kube.timeout = std::max<std::chrono::milliseconds>(options.connectTimeout, kube.timeout);
        kube.readyTimeout = options.healthTimeout;
        return new KubeConfigSession(profile, secrets, kube, parent);
    }
    case DeploymentKind::Compose: {
        ComposeConfigSession::Options compose;
        compose.hostKeyPolicy = options.hostKeyPolicy;
        compose.commandTimeout = options.commandTimeout;
        compose.connectTimeout = options.connectTimeout;
        compose.readyTimeout = options.healthTimeout;
        return new ComposeConfigSession(profile, secrets, compose, parent);
    }
    case DeploymentKind::Hosts:
        break;
    }
    return nullptr;
}

KeyedConfigSession::KeyedConfigSession(LoadedProfile profile, SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_secrets(secrets)
{
    qRegisterMetaType<KeyedConfigState>();
    qRegisterMetaType<KeyedConfigStateResult>();
    qRegisterMetaType<PushReport>();
    qRegisterMetaType<HostKeyInfo>();
}

KeyedConfigSession::~KeyedConfigSession() = default;

void KeyedConfigSession::acceptHostKey(HostKeyDecision)
{ }

QList<ConfigCheck> KeyedConfigSession::checks(const KeyedConfigState &state) const
{
    return KeyedConfig::checks(m_profile.profile.product, state, keychainFingerprints(), storeName());
}

QStringList KeyedConfigSession::mappableFields() const
{
    return KeyedConfig::mappableFields(m_profile.profile.product, entries());
}

QMap<QString, int> KeyedConfigSession::secretMinLengths() const
{
    QMap<QString, int> out;
    for (const SecretRule &rule : m_profile.preset.secretRules)
        out.insert(rule.name, rule.minLength);
    return out;
}

SecretRef KeyedConfigSession::secretRef(const QString &secretName) const
{
    return ProfileSecrets::refOf(m_profile.profile, secretName);
}

QByteArray KeyedConfigSession::keychainSecret(const QString &secretName) const
{
    return m_keychain.secret(m_profile.profile, secretName);
}

QMap<QString, QString> KeyedConfigSession::keychainFingerprints() const
{
    return m_keychain.fingerprints(m_profile.profile);
}

void KeyedConfigSession::setAuditLog(AuditLog *log)
{
    m_audit = log;
    if (m_audit) {
        for (const QByteArray &value : m_keychain.values())
            m_audit->addForbiddenValue(value);
    }
}

void KeyedConfigSession::loadKeychain(QStringList extra)
{
    QStringList names;
    const auto add = [&names](const QString &name) {
        if (!name.isEmpty() && !names.contains(name))
            names.append(name);
    };
    for (const QString &name : std::as_const(extra))
        add(name);
    for (const QString &secret : {u"appSecret"_s, u"clusterSecret"_s, u"database.password"_s})
        add(secretRef(secret).name);
    m_keychain.load(m_secrets, names, this, [this] {
        if (m_audit) {
            for (const QByteArray &value : m_keychain.values())
                m_audit->addForbiddenValue(value);
        }
        Q_EMIT ready();
    });
}

void KeyedConfigSession::refuseSecondPush()
{
    PushReport busy;
    busy.error = tr("Another push is under way.");
    QTimer::singleShot(0, this, [this, busy] { Q_EMIT pushFinished(busy); });
}

void KeyedConfigSession::finishPush(PushReport report, const QString &auditAction, const QStringList &targets,
    const QStringList &summary, const QList<QByteArray> &secrets)
{
    report.error = SecretText::maskAll(report.error, secrets);
    report.restartError = SecretText::maskAll(report.restartError, secrets);
    for (QString &line : report.log)
        line = SecretText::maskAll(line, secrets);
    qCInfo(lcConfig).noquote() << storeName() << "push" << PushReport::outcomeName(report.outcome)
                               << report.error << report.restartError;
    if (m_audit) {
        AuditEntry entry;
        entry.cluster = m_profile.profile.name;
        entry.profilePath = m_profile.path;
        entry.action = auditAction;
        entry.target = targets.join(u", "_s);
        entry.summary = SecretText::maskAll(summary.join(u"; "_s), secrets);
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
        for (const QByteArray &secret : secrets)
            m_audit->addForbiddenValue(secret);
        if (const Result<qint64> written = m_audit->append(entry); !written) {
            qCWarning(lcConfig).noquote() << "audit log:" << written.error().message;
            report.log.append(tr("the audit log could not be written: %1").arg(written.error().message));
        }
    }
    Q_EMIT pushFinished(report);
}
