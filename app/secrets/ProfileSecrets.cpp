#include "ProfileSecrets.h"

#include "SecretStore.h"
#include "config/SecretText.h"

#include <QTimer>

#include <memory>

void ProfileSecrets::load(
    SecretStore *store, const QStringList &names, QObject *context, std::function<void()> done)
{
    if (names.isEmpty() || !store) {
        QTimer::singleShot(0, context, done);
        return;
    }
    auto pending = std::make_shared<int>(int(names.size()));
    for (const QString &name : names) {
        SecretRequest *request = store->read(name);
        QObject::connect(request, &SecretRequest::finished, context, [this, request, pending, done] {
            request->deleteLater();
            switch (request->status()) {
            case SecretRequest::Status::Ok:
                m_values.insert(request->name(), request->value());
                break;
            case SecretRequest::Status::NotFound:
                m_problems.insert(request->name(),
                    tr("the keychain has no entry \"%1\"; store it with: clusterdesk-cli secret set %1")
                        .arg(request->name()));
                break;
            default:
                m_problems.insert(request->name(), request->errorString());
                break;
            }
            if (--*pending == 0)
                done();
        });
    }
}

SecretRef ProfileSecrets::refOf(const ClusterProfile &profile, const QString &secretName)
{
    if (secretName == QLatin1String("database.password"))
        return profile.database ? profile.database->password : SecretRef {};
    return profile.secrets.value(secretName);
}

QStringList ProfileSecrets::entriesOf(const ClusterProfile &profile)
{
    QStringList names;
    for (const SecretUse &use : profile.secretUses()) {
        if (!use.ref.isNull() && !names.contains(use.ref.name))
            names.append(use.ref.name);
    }
    return names;
}

QByteArray ProfileSecrets::secret(const ClusterProfile &profile, const QString &secretName) const
{
    const SecretRef ref = refOf(profile, secretName);
    return ref.isNull() ? QByteArray() : m_values.value(ref.name);
}

QString ProfileSecrets::secretProblem(const ClusterProfile &profile, const QString &secretName) const
{
    const SecretRef ref = refOf(profile, secretName);
    if (ref.isNull())
        return tr("the profile names no keychain entry for %1").arg(secretName);
    return m_problems.value(ref.name);
}

QMap<QString, QString> ProfileSecrets::fingerprints(const ClusterProfile &profile) const
{
    QMap<QString, QString> out;
    for (const QString &name :
        {QStringLiteral("appSecret"), QStringLiteral("clusterSecret"), QStringLiteral("database.password")}) {
        const QByteArray value = secret(profile, name);
        if (!value.isEmpty())
            out.insert(name, SecretText::fingerprint(value));
    }
    return out;
}
