#include "KeyedConfig.h"

using namespace Qt::StringLiterals;

namespace {

bool isSharedDatabaseUrl(const QString &url)
{
    return url.startsWith(u"jdbc:mysql://"_s) || url.startsWith(u"jdbc:mariadb://"_s);
}

} // namespace

const KeyedConfigValue *KeyedConfigState::find(const QString &fieldId) const
{
    for (const KeyedConfigValue &value : values) {
        if (value.fieldId == fieldId)
            return &value;
    }
    return nullptr;
}

QString KeyedConfig::fieldIdFor(const QString &product, const QString &meaning)
{
    for (const ConfigField &field : ConfigFields::forProduct(product)) {
        if (field.kind == ConfigField::Kind::Secret ? field.secretName == meaning : field.id == meaning)
            return field.id;
    }
    return {};
}

QStringList KeyedConfig::mappableFields(const QString &product, const QList<KeyedConfigEntry> &entries)
{
    QStringList out;
    for (const KeyedConfigEntry &entry : entries) {
        const QString id = fieldIdFor(product, entry.meaning);
        if (!id.isEmpty() && !out.contains(id))
            out.append(id);
    }
    return out;
}

QList<ConfigCheck> KeyedConfig::checks(const QString &product, const KeyedConfigState &state,
    const QMap<QString, QString> &keychainFingerprints, const QString &store)
{
    const auto where = [](const KeyedConfigValue &value) {
        return tr("%1, key %2").arg(value.entry.container, value.entry.key);
    };
    const auto byMeaning = [&state](const QString &meaning) -> const KeyedConfigValue * {
        for (const KeyedConfigValue &value : state.values) {
            if (value.entry.meaning == meaning)
                return &value;
        }
        return nullptr;
    };
    QList<ConfigCheck> out;

    // The application's own secret: every node takes it from the store.
    ConfigCheck secret;
    secret.id = u"secret"_s;
    secret.title = tr("Application secret");
    const QString secretName = product == u"jatos" ? u"appSecret"_s
        : product == u"openspecimen"               ? u"clusterSecret"_s
                                                   : QString();
    if (const KeyedConfigValue *value = secretName.isEmpty() ? nullptr : byMeaning(secretName); !value) {
        secret.status = ConfigCheck::Status::Skipped;
        secret.detail = tr("this product keeps no application secret in %1").arg(store);
    } else if (!value->present) {
        secret.status = ConfigCheck::Status::Fail;
        secret.detail = tr("%1 is missing").arg(where(*value));
        secret.fix = tr("Create it, or push a new value for %1 with a restart.").arg(value->fieldId);
    } else if (value->interpolated) {
        secret.status = ConfigCheck::Status::Warning;
        secret.detail = tr("%1 takes its value from a variable of the host's environment").arg(where(*value));
        secret.fix = tr("Push the keychain's value to %1 so the file holds it.").arg(value->fieldId);
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
        const KeyedConfigValue *mode = byMeaning(u"jatos.multiNode"_s);
        const KeyedConfigValue *url = byMeaning(u"jatos.db.url"_s);
        QStringList problems, fixes;
        if (!mode || !mode->present || mode->value != u"true") {
            problems.append(mode && mode->present
                    ? tr("%1 is \"%2\", not \"true\"").arg(where(*mode), mode->value)
                    : tr("JATOS_MULTINODE is not set in %1").arg(store));
            fixes.append(tr("Set jatos.multiNode to true and restart."));
        }
        if (!url || !url->present || !isSharedDatabaseUrl(url->value)) {
            problems.append(url && url->present
                    ? tr("%1 is not a MySQL or MariaDB URL (%2)").arg(where(*url), url->value)
                    : tr("JATOS_DB_URL is not set in %1, so every node would use its own H2 database")
                          .arg(store));
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
    for (const KeyedConfigValue &value : state.values) {
        const QString &meaning = value.entry.meaning;
        const bool databaseValue = meaning == u"database.password" || meaning == u"jatos.db.url"
            || meaning == u"jatos.db.username";
        if (databaseValue && !value.present)
            missing.append(where(value));
    }
    const KeyedConfigValue *password = byMeaning(u"database.password"_s);
    const QString keychainPassword = keychainFingerprints.value(u"database.password"_s);
    if (!password) {
        database.status = ConfigCheck::Status::Skipped;
        database.detail = tr("this product keeps no database settings in %1").arg(store);
    } else if (!missing.isEmpty()) {
        database.status = ConfigCheck::Status::Fail;
        database.detail = tr("missing: %1").arg(missing.join(u"; "_s));
        database.fix = tr("Create the missing keys, or push values for them.");
    } else if (!keychainPassword.isEmpty() && !password->interpolated
        && keychainPassword != password->value) {
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

Result<QList<KeyedConfigEdit>> KeyedConfig::plan(const QString &product,
    const QList<KeyedConfigEntry> &entries, const QList<ConfigChange> &changes,
    const QMap<QString, int> &minLengths, const QString &store, QList<QByteArray> *secretValues)
{
    const QString kept = mappableFields(product, entries).join(u", "_s);
    QStringList errors;
    QList<KeyedConfigEdit> edits;
    for (const ConfigChange &change : changes) {
        if (change.rawRole || change.field.isEmpty()) {
            errors.append(tr("Whole files cannot be replaced in %1; name a field (%2).").arg(store, kept));
            continue;
        }
        const std::optional<ConfigField> field = ConfigFields::find(product, change.field);
        const KeyedConfigEntry *entry = nullptr;
        for (const KeyedConfigEntry &candidate : entries) {
            if (fieldIdFor(product, candidate.meaning) == change.field)
                entry = &candidate;
        }
        if (!field || !entry) {
            errors.append(tr("%1: %2 in %3; the fields kept there are: %4")
                              .arg(change.field, field ? tr("not kept") : tr("no such field"), store, kept));
            continue;
        }
        if (!change.node.isEmpty()) {
            errors.append(tr("%1: every node takes the same value from %2; a change cannot name a node (%3).")
                              .arg(change.field, store, change.node));
            continue;
        }
        if (field->kind == ConfigField::Kind::Secret && secretValues)
            secretValues->append(change.value.toUtf8());
        const Result<void> valid
            = ConfigFields::validate(*field, change.value, minLengths.value(field->secretName));
        if (!valid) {
            errors.append(valid.error().message);
            continue;
        }
        bool replaced = false;
        for (KeyedConfigEdit &edit : edits) {
            if (edit.field.id == field->id) {
                edit.value = change.value;
                replaced = true;
            }
        }
        if (!replaced)
            edits.append({*entry, *field, change.value});
    }
    if (!errors.isEmpty())
        return failure(errors.join(u'\n'));
    return edits;
}
