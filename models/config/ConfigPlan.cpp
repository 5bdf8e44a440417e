#include "ConfigPlan.h"

#include "ConfigFields.h"
#include "SecretText.h"
#include "TextDiff.h"
#include "formats/HoconDocument.h"
#include "formats/OpenSpecimenClusterJson.h"
#include "formats/PropertiesDocument.h"
#include "formats/TomcatServerXml.h"

#include <QSet>

#include <algorithm>

namespace {

// Checks that a whole file's new text is one the product can read.
ValidationIssues checkRaw(
    ConfigFileRole role, const QByteArray &text, const QString &label, const QString &path)
{
    ValidationIssues issues;
    const auto fail = [&](const QString &why) { issues.append({path, why}); };
    switch (role) {
    case ConfigFileRole::JatosConf:
        if (const auto parsed = HoconDocument::parse(text, label); !parsed)
            fail(parsed.error().message);
        break;
    case ConfigFileRole::OpenSpecimenProperties:
    case ConfigFileRole::JogetDatasource:
    case ConfigFileRole::JogetCatalinaProperties:
        if (const auto parsed = PropertiesDocument::parse(text, label); !parsed)
            fail(parsed.error().message);
        break;
    case ConfigFileRole::TomcatServerXml:
        if (const auto parsed = TomcatServerXml::jvmRoute(text, label); !parsed)
            fail(parsed.error().message);
        break;
    case ConfigFileRole::OpenSpecimenClusterJson: {
        const auto parsed = OpenSpecimenClusterJson::parse(text);
        if (!parsed) {
            for (const ValidationIssue &issue : parsed.error())
                issues.append({path + QLatin1Char('.') + issue.path, issue.reason});
        } else {
            for (const ValidationIssue &issue : parsed->validate())
                issues.append({path + QLatin1Char('.') + issue.path, issue.reason});
        }
        break;
    }
    }
    return issues;
}

// The files hold a secret escaped where it has quotes, backslashes or a leading space
// (jatos.conf and the cluster JSON as JSON-style strings, .properties Java-escaped), so
// maskAll would not find it there: those written forms are masked first.
QString maskEscaped(QString text, const QList<QByteArray> &secrets)
{
    QList<QByteArray> ordered = secrets;
    std::sort(ordered.begin(), ordered.end(),
        [](const QByteArray &a, const QByteArray &b) { return a.size() > b.size(); });
    for (const QByteArray &secret : std::as_const(ordered)) {
        if (secret.size() < SecretText::MinMaskedLength)
            continue;
        const QString value = QString::fromUtf8(secret);
        for (const QByteArray &form :
            {HoconDocument::quoted(value).chopped(1).mid(1), PropertiesDocument::escapeValue(value)}) {
            if (form != secret)
                text.replace(QString::fromUtf8(form), SecretText::masked(secret));
        }
    }
    return text;
}

} // namespace

QStringList ConfigPlan::nodes() const
{
    QStringList out;
    for (const FileEdit &edit : edits) {
        if (!out.contains(edit.node))
            out.append(edit.node);
    }
    return out;
}

QString ConfigPlan::maskedDiff() const
{
    QString out;
    for (const FileEdit &edit : edits) {
        const QString label = edit.node + QLatin1Char(':') + edit.spec.path
            + (edit.spec.shared ? ConfigPlanner::tr(" (shared)") : QString());
        const QString diff = TextDiff::unified(QString::fromUtf8(edit.before), QString::fromUtf8(edit.after),
            label + (edit.existed ? QString() : ConfigPlanner::tr(" (new file)")), label);
        out += SecretText::maskAll(maskEscaped(diff, secrets), secrets);
    }
    return out;
}

std::expected<ConfigPlan, ValidationIssues> ConfigPlanner::plan(const ClusterProfile &profile,
    const ClusterConfigSnapshot &snapshot, const QList<ConfigChange> &changes, const PlanOptions &options)
{
    ValidationIssues issues;
    ConfigPlan plan;

    // Working copies: node -> role -> text. Shared files live once, under their writer.
    struct Working
    {
        QString node;
        ConfigFileState state;
        QByteArray text;
    };
    QList<Working> files;
    QMap<ConfigFileRole, qsizetype> sharedIndex;
    for (const NodeConfigSnapshot &node : snapshot.nodes) {
        if (!node.error.isEmpty())
            continue;
        for (const ConfigFileState &file : node.files) {
            if (!file.error.isEmpty())
                continue;
            if (file.spec.shared) {
                if (sharedIndex.contains(file.spec.role))
                    continue;
                sharedIndex.insert(file.spec.role, files.size());
            }
            files.append({node.node, file, file.content});
        }
    }
    const auto unreachable = [&](const QString &node) {
        const NodeConfigSnapshot *s = snapshot.node(node);
        return !s || !s->error.isEmpty();
    };
    for (const NodeConfigSnapshot &node : snapshot.nodes) {
        if (!node.error.isEmpty())
            issues.append({node.node, tr("cannot be changed: %1").arg(node.error)});
    }

    const auto targets = [&](const ConfigFileRole role, const QString &node, bool shared) {
        QList<qsizetype> out;
        for (qsizetype i = 0; i < files.size(); ++i) {
            if (files[i].state.spec.role != role)
                continue;
            if (shared || node.isEmpty() || files[i].node == node)
                out.append(i);
        }
        return out;
    };

    for (const ConfigChange &change : changes) {
        if (!change.node.isEmpty() && !snapshot.node(change.node)) {
            issues.append({change.node, tr("is not a node of this cluster")});
            continue;
        }
        if (!change.node.isEmpty() && unreachable(change.node))
            continue; // reported above
        if (change.rawRole) {
            const QString where = (change.node.isEmpty() ? tr("every node") : change.node) + QLatin1Char(':')
                + ConfigFiles::roleName(*change.rawRole);
            const QByteArray text = change.value.toUtf8();
            const ValidationIssues raw = checkRaw(*change.rawRole, text, where, where);
            if (!raw.isEmpty()) {
                issues += raw;
                continue;
            }
            const QList<qsizetype> hit = targets(*change.rawRole, change.node, false);
            if (hit.isEmpty())
                issues.append({where, tr("no such file on this cluster")});
            for (qsizetype i : hit)
                files[i].text = text;
            plan.summary.append(tr("%1 replaced (raw edit)").arg(where));
            continue;
        }

        const std::optional<ConfigField> field = ConfigFields::find(profile.product, change.field);
        if (!field) {
            issues.append(
                {change.field, tr("is not a setting Clusterdesk edits for %1").arg(profile.product)});
            continue;
        }
        const QString where = change.node.isEmpty() ? field->id : change.node + QLatin1Char('.') + field->id;
        if (field->scope == ConfigField::Scope::Node && change.node.isEmpty() && snapshot.nodes.size() > 1) {
            issues.append({where, tr("differs per node: name the node it is for")});
            continue;
        }
        const int minLength = options.secretMinLength.value(field->secretName, 0);
        if (const Result<void> valid = ConfigFields::validate(*field, change.value, minLength); !valid) {
            issues.append({where, valid.error().message});
            continue;
        }
        const QList<qsizetype> hit = targets(field->role, change.node, false);
        if (hit.isEmpty()) {
            issues.append({where, tr("no readable %1 to change").arg(ConfigFiles::roleName(field->role))});
            continue;
        }
        bool failed = false;
        for (qsizetype i : hit) {
            Working &file = files[i];
            const QString label = file.node + QLatin1Char(':') + file.state.spec.path;
            if (field->identity && !options.allowRename) {
                const Result<std::optional<QString>> current
                    = ConfigFields::read(*field, file.state.content, label);
                if (current && *current && !(*current)->isEmpty() && **current != change.value) {
                    issues.append({where,
                        tr("%1 is already \"%2\"; a node keeps its name once set (renaming makes "
                           "it a new node to the cluster; allow the rename explicitly if that is meant)")
                            .arg(field->key, **current)});
                    failed = true;
                    break;
                }
            }
            const Result<QByteArray> written = ConfigFields::write(*field, file.text, change.value, label);
            if (!written) {
                issues.append({where, written.error().message});
                failed = true;
                break;
            }
            file.text = *written;
        }
        if (failed)
            continue;
        if (field->kind == ConfigField::Kind::Secret) {
            plan.secrets.append(change.value.toUtf8());
            plan.summary.append(
                tr("%1 set to the secret %2").arg(where, SecretText::fingerprint(change.value.toUtf8())));
        } else {
            plan.summary.append(tr("%1 = %2").arg(where, change.value));
        }
    }

    // Node names must stay unique across the cluster after the change.
    for (const QString &id :
        {QStringLiteral("node.name"), QStringLiteral("wflow.name"), QStringLiteral("tomcat.jvmRoute")}) {
        const std::optional<ConfigField> field = ConfigFields::find(profile.product, id);
        if (!field)
            continue;
        QMap<QString, QStringList> owners;
        QSet<QString> changedTo; // values this plan gives to a node
        for (const Working &file : std::as_const(files)) {
            if (file.state.spec.role != field->role)
                continue;
            const Result<std::optional<QString>> value = ConfigFields::read(*field, file.text, file.node);
            if (value && *value && !(*value)->isEmpty()) {
                owners[**value].append(file.node);
                const Result<std::optional<QString>> was
                    = ConfigFields::read(*field, file.state.content, file.node);
                if (!was || *was != *value)
                    changedTo.insert(**value);
            }
        }
        // Only duplicates this plan makes: one found on the nodes must not block an
        // unrelated change (the checks report it).
        for (auto it = owners.cbegin(); it != owners.cend(); ++it) {
            if (it.value().size() > 1 && changedTo.contains(it.key()))
                issues.append({id,
                    tr("\"%1\" would be used by %2; each node needs its own")
                        .arg(it.key(), it.value().join(QStringLiteral(", ")))});
        }
    }

    // OpenSpecimen: the cluster JSON lists exactly the nodes, by their node.name.
    if (profile.product == QLatin1String("openspecimen")
        && sharedIndex.contains(ConfigFileRole::OpenSpecimenClusterJson)) {
        Working &json = files[sharedIndex.value(ConfigFileRole::OpenSpecimenClusterJson)];
        auto parsed = json.text.trimmed().isEmpty()
            ? std::expected<OpenSpecimenClusterJson, ValidationIssues>(OpenSpecimenClusterJson {})
            : OpenSpecimenClusterJson::parse(json.text);
        if (parsed && options.syncClusterNodes) {
            const std::optional<ConfigField> nameField
                = ConfigFields::find(profile.product, QStringLiteral("node.name"));
            QList<OpenSpecimenClusterNode> nodes;
            for (const NodeSpec &spec : profile.nodes) {
                QString name = spec.name;
                for (const Working &file : std::as_const(files)) {
                    if (file.node == spec.name && file.state.spec.role == nameField->role) {
                        if (const auto value = ConfigFields::read(*nameField, file.text, file.node);
                            value && *value)
                            name = **value;
                    }
                }
                nodes.append({name, spec.url.toString()});
            }
            if (parsed->nodes != nodes) {
                parsed->nodes = nodes;
                json.text = parsed->toJson();
                plan.summary.append(
                    tr("cluster JSON nodes set from the profile (%n node(s))", nullptr, int(nodes.size())));
            }
        }
        if (parsed && json.text != json.state.content) {
            for (const ValidationIssue &issue : parsed->validate())
                issues.append({QStringLiteral("cluster JSON.") + issue.path, issue.reason});
        }
    }

    if (!issues.isEmpty())
        return std::unexpected(issues);
    const QList<ConfigField> fields = ConfigFields::forProduct(profile.product);
    for (const Working &file : std::as_const(files)) {
        if (file.text == file.state.content)
            continue;
        plan.edits.append({file.node, file.state.spec, file.state.exists, file.state.content, file.text});
        // The secrets the old text held are masked in the diff like the new ones.
        for (const ConfigField &field : fields) {
            if (field.kind != ConfigField::Kind::Secret || field.role != file.state.spec.role)
                continue;
            for (const QByteArray &text : {file.state.content, file.text}) {
                const Result<std::optional<QString>> value = ConfigFields::read(field, text, file.node);
                if (value && *value && !(*value)->isEmpty() && !plan.secrets.contains((*value)->toUtf8()))
                    plan.secrets.append((*value)->toUtf8());
            }
        }
    }
    return plan;
}
