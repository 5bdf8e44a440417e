#pragma once

#include "Result.h"
#include "config/ConfigChecks.h"
#include "config/ConfigFields.h"
#include "config/ConfigPlan.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

// One place a product's setting is kept outside the nodes' own files, as one key of a
// key/value store every node (pod, container) reads the same: a Kubernetes Secret or
// ConfigMap, or a Compose project's .env file.
struct KeyedConfigEntry
{
    QString container; // "Secret/jatos-secret", "ConfigMap/jatos-config", ".env"
    QString key; // "JATOS_SECRET"
    QString meaning; // a secret's name ("appSecret", "database.password") or a ConfigFields id
    bool secret = false;
};

// One entry as read.
struct KeyedConfigValue
{
    KeyedConfigEntry entry;
    QString fieldId; // the ConfigFields id it maps to: "jatos.secret", "jatos.db.url", ...
    bool present = false;
    QString value; // the value; a secret's fingerprint (SecretText::fingerprint)
    bool interpolated = false; // Compose: the value names variables of the host's environment
};

// Everything read from one store: the values, each container's version (Kubernetes'
// resourceVersion, the SHA-256 of a .env file), which guards a later push against a
// change made in between, and what is missing.
struct KeyedConfigState
{
    QList<KeyedConfigValue> values;
    QMap<QString, QString> versions; // container -> version
    QStringList problems;
    // A store that is one text file (Compose's .env): the text as read, secrets and all.
    // Shown masked; never logged or written anywhere but back to its place.
    QByteArray text;

    const KeyedConfigValue *find(const QString &fieldId) const;
};

// One requested change, validated: the entry it writes and the new value.
struct KeyedConfigEdit
{
    KeyedConfigEntry entry;
    ConfigField field;
    QString value;
};

// The rules shared by the stores: which ConfigFields an entry stands for, the checks
// that judge a state, and the validation of requested changes. Pure.
class KeyedConfig
{
    Q_DECLARE_TR_FUNCTIONS(KeyedConfig)

public:
    // The ConfigFields id an entry stands for: a secret by its secret name, any other
    // value by its id. Empty when the product has no such field.
    static QString fieldIdFor(const QString &product, const QString &meaning);
    static QStringList mappableFields(const QString &product, const QList<KeyedConfigEntry> &entries);

    // "secret", "multiNode" (JATOS), "database": Pass, Warning, Fail or Skipped with
    // fix texts. `store` names the store in texts ("Kubernetes", "the Compose .env").
    static QList<ConfigCheck> checks(const QString &product, const KeyedConfigState &state,
        const QMap<QString, QString> &keychainFingerprints, const QString &store);

    // Validates changes against the entries: only whole-cluster fields the store keeps
    // (a change naming a node or a whole file is refused), each value by
    // ConfigFields::validate with the product's minimum secret lengths. Every problem
    // is listed, one per line. The last change of a field wins. `secretValues`
    // collects every secret value named, valid or not, for masking.
    static Result<QList<KeyedConfigEdit>> plan(const QString &product, const QList<KeyedConfigEntry> &entries,
        const QList<ConfigChange> &changes, const QMap<QString, int> &minLengths, const QString &store,
        QList<QByteArray> *secretValues);
};
