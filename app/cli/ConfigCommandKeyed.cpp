// ConfigCommand on a Kubernetes or Compose deployment: show, check, push and rotate act
// on the product's Secrets and ConfigMaps, or the project's .env, through a
// KeyedConfigSession.
#include "ConfigCommand.h"
#include "audit/AuditLog.h"
#include "config/ConfigFields.h"
#include "config/ConfigSession.h"
#include "config/KeyedConfigSession.h"
#include "config/SecretText.h"
#include "secrets/SecretStore.h"
#include "secrets/SecretTools.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

void ConfigCommand::runKeyed(const LoadedProfile &loaded, const ConfigSession::Options &options)
{
    m_keyed = KeyedConfigSession::create(loaded, m_secrets, options, this);
    connect(m_keyed, &KeyedConfigSession::hostKeyUnknown, this,
        [this](const QString &host, const HostKeyInfo &info) {
            m_err << tr("%1: unknown SSH host key %2 %3; refused (pass --accept-new-host-keys to save it)")
                         .arg(host, info.keyType, info.fingerprint)
                  << '\n';
            m_keyed->acceptHostKey(HostKeyDecision::Cancel);
        });
    if (m_audit)
        m_keyed->setAuditLog(m_audit.get());
    connect(m_keyed, &KeyedConfigSession::ready, m_keyed, &KeyedConfigSession::read);
    connect(m_keyed, &KeyedConfigSession::stateRead, this, [this](const KeyedConfigStateResult &state) {
        if (!state.result)
            return fail(state.result.error().message);
        keyedStateRead(*state.result);
    });
    connect(m_keyed, &KeyedConfigSession::pushFinished, this, &ConfigCommand::pushed);
    connect(m_keyed, &KeyedConfigSession::progress, this, [this](const QString &step) {
        if (!m_json) {
            m_err << step << "\n";
            m_err.flush();
        }
    });
    m_keyed->open();
}

void ConfigCommand::keyedStateRead(const KeyedConfigState &state)
{
    const QString product = m_keyed->profile().profile.product;
    const bool compose = m_keyed->profile().profile.deployment.kind == DeploymentKind::Compose;
    if (m_mode == Mode::Show) {
        QJsonObject values;
        for (const KeyedConfigValue &value : state.values) {
            const QString where = value.entry.container + QLatin1Char(' ') + value.entry.key;
            const QString shown = !value.present ? tr("(not set)")
                : value.entry.secret             ? tr("sha256 %1").arg(value.value)
                                                 : value.value;
            if (m_json)
                values.insert(value.fieldId,
                    QJsonObject {{QStringLiteral("object"), where},
                        {QStringLiteral("present"), value.present},
                        {QStringLiteral("value"), value.present ? value.value : QString()}});
            else
                m_out << "  " << value.fieldId.leftJustified(20) << ' ' << shown << "    (" << where << ")\n";
        }
        for (const QString &problem : state.problems)
            m_out << "  ! " << problem << '\n';
        if (m_json)
            m_out << QJsonDocument(
                QJsonObject {{QStringLiteral("product"), product},
                    {compose ? QStringLiteral("compose") : QStringLiteral("kubernetes"), values}})
                         .toJson(QJsonDocument::Indented);
        return done(0);
    }
    if (m_mode == Mode::Check)
        return printChecks(m_keyed->checks(state));

    QList<ConfigChange> changes = m_changes;
    if (m_pushSecrets) {
        for (const ConfigField &field : ConfigFields::forProduct(product)) {
            if (field.kind != ConfigField::Kind::Secret || !state.find(field.id))
                continue;
            const QByteArray value = m_keyed->keychainSecret(field.secretName);
            if (value.isEmpty())
                return fail(tr("%1: the keychain holds no value for %2").arg(field.id, field.secretName));
            changes.append({field.id, {}, QString::fromUtf8(value), std::nullopt});
        }
    }
    if (m_mode == Mode::Rotate) {
        const SecretRef ref = m_keyed->secretRef(m_rotateName);
        if (ref.isNull())
            return fail(tr("the profile names no keychain entry for %1 (add it under \"secrets\")")
                            .arg(m_rotateName));
        QString fieldId;
        for (const ConfigField &field : ConfigFields::forProduct(product)) {
            if (field.kind == ConfigField::Kind::Secret && field.secretName == m_rotateName)
                fieldId = field.id;
        }
        int rule = 0;
        for (const SecretRule &secretRule : m_keyed->profile().preset.secretRules) {
            if (secretRule.name == m_rotateName)
                rule = secretRule.minLength;
        }
        m_newSecret = SecretTools::generate(std::max(48, SecretTools::minimumLength(rule)));
        m_oldSecret = m_keyed->keychainSecret(m_rotateName);
        m_rotateRef = ref.name;
        if (m_audit)
            m_audit->addForbiddenValue(m_newSecret);
        changes.append({fieldId, {}, QString::fromUtf8(m_newSecret), std::nullopt});
    }
    if (!m_json) {
        for (const ConfigChange &change : std::as_const(changes)) {
            const std::optional<ConfigField> field = ConfigFields::find(product, change.field);
            const bool secret = field && field->kind == ConfigField::Kind::Secret;
            m_out << tr("%1 = %2").arg(
                change.field, secret ? SecretText::masked(change.value.toUtf8()) : change.value)
                  << '\n';
        }
        if (m_restart || m_mode == Mode::Rotate)
            m_out << m_keyed->restartText() << '\n';
        m_out.flush();
    }
    if (m_dryRun)
        return done(0);
    if (!m_yes) {
        m_err << tr("Type yes to go on: ");
        m_err.flush();
        QTextStream in(stdin);
        if (in.readLine().trimmed() != QLatin1String("yes")) {
            m_out << tr("Nothing was changed.") << '\n';
            return done(1);
        }
    }
    const auto startPush = [this, state, changes] {
        m_keyed->push(state, changes, m_restart || m_mode == Mode::Rotate,
            m_mode == Mode::Rotate ? QStringLiteral("secret.rotate") : QStringLiteral("config.push"));
    };
    if (m_mode != Mode::Rotate)
        return startPush();
    storeNewSecretThen(startPush);
}
