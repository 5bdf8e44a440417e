#pragma once

#include "ClusterProfile.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QHash>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

class SecretStore;

// The keychain values a profile's workflows need, read once: the configuration
// sessions (files over SSH, Kubernetes objects) share it. Secrets are known by their
// field names ("appSecret", "clusterSecret", "adminToken", "database.password"),
// which the profile maps to keychain entries.
class ProfileSecrets
{
    Q_DECLARE_TR_FUNCTIONS(ProfileSecrets)

public:
    // Reads every entry in names (missing ones become problems); done() runs on
    // context's thread when all have answered, at once when there is nothing to read.
    void load(SecretStore *store, const QStringList &names, QObject *context, std::function<void()> done);

    static SecretRef refOf(const ClusterProfile &profile, const QString &secretName);
    // Every keychain entry the profile names, each once.
    static QStringList entriesOf(const ClusterProfile &profile);

    QByteArray entry(const QString &name) const { return m_values.value(name); }
    QString problem(const QString &name) const { return m_problems.value(name); }
    QList<QByteArray> values() const { return m_values.values(); }

    // By field name, through the profile.
    QByteArray secret(const ClusterProfile &profile, const QString &secretName) const;
    QString secretProblem(const ClusterProfile &profile, const QString &secretName) const;
    // Field name -> fingerprint of the keychain's value, for those stored.
    QMap<QString, QString> fingerprints(const ClusterProfile &profile) const;

private:
    QHash<QString, QByteArray> m_values; // keychain name -> value
    QHash<QString, QString> m_problems; // keychain name -> why it is missing
};
