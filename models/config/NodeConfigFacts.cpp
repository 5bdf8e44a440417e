#include "NodeConfigFacts.h"

#include "ConfigFields.h"
#include "SecretText.h"

NodeConfigFacts NodeConfigReader::facts(const QString &product, const NodeConfigSnapshot &snapshot)
{
    NodeConfigFacts facts;
    facts.node = snapshot.node;
    if (!snapshot.error.isEmpty()) {
        facts.problems.append(snapshot.error);
        return facts;
    }
    facts.reachable = true;

    QList<ConfigFileRole> broken;
    for (const ConfigFileState &file : snapshot.files) {
        const QString label = snapshot.node + QLatin1Char(':') + file.spec.path;
        if (!file.error.isEmpty()) {
            facts.problems.append(file.error);
            broken.append(file.spec.role);
        } else if (!file.exists) {
            facts.problems.append(tr("%1 does not exist").arg(label));
            broken.append(file.spec.role);
        }
        if (file.spec.shared)
            facts.sharedFiles.append(file.spec.path);
    }

    QSet<ConfigFileRole> reported;
    for (const ConfigField &field : ConfigFields::forProduct(product)) {
        const ConfigFileState *file = snapshot.file(field.role);
        if (!file || broken.contains(field.role))
            continue;
        const QString label = snapshot.node + QLatin1Char(':') + file->spec.path;
        const Result<std::optional<QString>> value = ConfigFields::read(field, file->content, label);
        if (!value) {
            if (!reported.contains(field.role))
                facts.problems.append(value.error().message);
            reported.insert(field.role);
            continue;
        }
        if (!*value)
            continue;
        if (field.kind == ConfigField::Kind::Secret) {
            const QString print = SecretText::fingerprint((*value)->toUtf8());
            facts.values.insert(field.id, print);
            facts.secretFingerprints.insert(field.secretName, print);
        } else {
            facts.values.insert(field.id, **value);
        }
    }

    if (const ConfigFileState *json = snapshot.file(ConfigFileRole::OpenSpecimenClusterJson);
        json && json->exists && json->error.isEmpty()) {
        facts.clusterJsonFingerprint = SecretText::fingerprint(json->content);
        if (auto parsed = OpenSpecimenClusterJson::parse(json->content)) {
            parsed->secret.clear();
            facts.clusterJson = *parsed;
        }
    }
    return facts;
}
