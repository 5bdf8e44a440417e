#include "ConfigCommand.h"

#include "SecretInput.h"
#include "audit/AuditLog.h"
#include "config/ClusterJsonExport.h"
#include "config/ConfigFields.h"
#include "config/ConfigSession.h"
#include "config/NodeConfigFacts.h"
#include "config/SecretText.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"
#include "secrets/SecretStore.h"
#include "secrets/SecretTools.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QTextStream>

namespace {

constexpr int Failed = 1;
constexpr int UsageError = 2;

QJsonArray toJson(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

} // namespace

ConfigCommand::ConfigCommand(QTextStream &out, QTextStream &err, QObject *parent)
    : QObject(parent)
    , m_out(out)
    , m_err(err)
{ }

ConfigCommand::~ConfigCommand() = default;

QString ConfigCommand::help()
{
    return tr(
        "  config show --profile FILE [--json]\n"
        "                          Every node's settings as its files hold them; secrets by fingerprint.\n"
        "  config check --profile FILE [--json]\n"
        "                          Whether the nodes agree: one secret, multi-node mode, one database,\n"
        "                          a really shared folder, unique node names and jvmRoutes. Exit status\n"
        "                          0: all passed; 1: a warning; 2: a check failed.\n"
        "  config push --profile FILE [--set [NODE:]FIELD=VALUE]... [--push-secrets]\n"
        "         [--sync-cluster-nodes] [--allow-rename] [--no-restart] [--dry-run] [--yes] [--json]\n"
        "                          Change settings on every node at once: a diff (secrets masked), then\n"
        "                          each file replaced atomically after a backup, all or nothing; then the\n"
        "                          nodes restart one at a time. --push-secrets writes the keychain's\n"
        "                          secrets to the nodes (secret values are never taken from the command\n"
        "                          line). Without --yes, asks for confirmation on a terminal.\n"
        "  config export-cluster-json --profile FILE --out FILE\n"
        "                          OpenSpecimen's cluster JSON as the nodes hold it, for the upload under\n"
        "                          Settings → Cluster (it holds the cluster secret: the file is 0600).\n"
        "  secret rotate --profile FILE --name NAME [--yes] [--json]\n"
        "                          A new random secret (appSecret or clusterSecret) in the keychain and on\n"
        "                          every node at once; the nodes restart.\n"
        "  Common: [--accept-new-host-keys] [--timeout SECONDS]\n");
}

void ConfigCommand::usage(const QString &problem)
{
    m_err << "clusterdesk-cli: " << problem << '\n'
          << tr("Run 'clusterdesk-cli --help' for the commands.") << '\n';
    m_err.flush();
    done(UsageError);
}

void ConfigCommand::fail(const QString &message)
{
    if (m_json) {
        m_out << QJsonDocument(QJsonObject {{QStringLiteral("error"), message}})
                     .toJson(QJsonDocument::Indented);
    } else {
        m_err << "clusterdesk-cli: " << message << '\n';
    }
    done(Failed);
}

void ConfigCommand::done(int exitCode)
{
    m_out.flush();
    m_err.flush();
    QMetaObject::invokeMethod(
        this, [this, exitCode] { Q_EMIT finished(exitCode); }, Qt::QueuedConnection);
}

void ConfigCommand::run(const QStringList &arguments)
{
    if (arguments.isEmpty())
        return usage(tr("'config' needs show, check or push"));
    const QString &verb = arguments.first();
    if (verb == u"show")
        m_mode = Mode::Show;
    else if (verb == u"check")
        m_mode = Mode::Check;
    else if (verb == u"push")
        m_mode = Mode::Push;
    else if (verb == u"rotate")
        m_mode = Mode::Rotate;
    else if (verb == u"export-cluster-json")
        m_mode = Mode::ExportClusterJson;
    else
        return usage(
            tr("'config' does not know '%1'; use show, check, push or export-cluster-json").arg(verb));

    QString profilePath;
    ConfigSession::Options options;
    options.hostKeyPolicy = HostKeyPolicy::AskForNewHostKeys;
    QStringList sets;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        const auto value = [&](QString *into) {
            if (i + 1 >= arguments.size())
                return false;
            *into = arguments.at(++i);
            return true;
        };
        QString text;
        if (arg == u"--profile") {
            if (!value(&profilePath))
                return usage(tr("--profile needs a file"));
        } else if (arg == u"--json") {
            m_json = true;
        } else if (arg == u"--yes") {
            m_yes = true;
        } else if (arg == u"--accept-new-host-keys") {
            options.hostKeyPolicy = HostKeyPolicy::AcceptNewHostKeys;
        } else if (arg == u"--timeout") {
            bool ok = false;
            const int seconds = value(&text) ? text.toInt(&ok) : 0;
            if (!ok || seconds < 1 || seconds > 3600)
                return usage(tr("--timeout needs a number of seconds from 1 to 3600"));
            options.commandTimeout = std::chrono::seconds(seconds);
            options.connectTimeout = std::chrono::seconds(seconds);
        } else if (m_mode == Mode::Push && arg == u"--set") {
            if (!value(&text))
                return usage(tr("--set needs FIELD=VALUE or NODE:FIELD=VALUE"));
            sets.append(text);
        } else if (m_mode == Mode::Push && arg == u"--push-secrets") {
            m_pushSecrets = true;
        } else if (m_mode == Mode::Push && arg == u"--sync-cluster-nodes") {
            m_planOptions.syncClusterNodes = true;
        } else if (m_mode == Mode::Push && arg == u"--allow-rename") {
            m_planOptions.allowRename = true;
        } else if (m_mode == Mode::Push && arg == u"--no-restart") {
            m_restart = false;
        } else if (m_mode == Mode::Push && arg == u"--dry-run") {
            m_dryRun = true;
        } else if (m_mode == Mode::ExportClusterJson && arg == u"--out") {
            if (!value(&m_exportPath))
                return usage(tr("--out needs a file"));
        } else if (m_mode == Mode::Rotate && arg == u"--name") {
            if (!value(&m_rotateName))
                return usage(tr("--name needs a secret name"));
        } else {
            return usage(tr("'%1' does not know the argument '%2'")
                             .arg(m_mode == Mode::Rotate ? QStringLiteral("secret rotate")
                                                         : QStringLiteral("config ") + verb,
                                 arg));
        }
    }
    if (profilePath.isEmpty())
        return usage(tr("'%1' needs --profile FILE")
                         .arg(m_mode == Mode::Rotate ? QStringLiteral("secret rotate")
                                                     : QStringLiteral("config ") + verb));

    const auto loaded = ProfileFile::load(profilePath, PresetRegistry::builtIn());
    if (!loaded) {
        m_err << ProfileFile::problemsText(profilePath, loaded.error());
        return usage(tr("fix the profile first"));
    }
    if (!ConfigFiles::hasEditor(loaded->profile.product))
        return fail(
            tr("Clusterdesk has no configuration editor for the product '%1'").arg(loaded->profile.product));
    const bool kubernetes = loaded->profile.deployment.kind == DeploymentKind::Kubernetes;
    const bool compose = loaded->profile.deployment.kind == DeploymentKind::Compose;
    if (kubernetes && (m_mode == Mode::ExportClusterJson || m_planOptions.syncClusterNodes))
        return fail(tr("on Kubernetes, Clusterdesk edits the Secrets and ConfigMaps only"));
    if (compose && (m_mode == Mode::ExportClusterJson || m_planOptions.syncClusterNodes))
        return fail(tr("with Docker Compose, Clusterdesk edits the project's .env only"));

    for (const QString &set : std::as_const(sets)) {
        const qsizetype eq = set.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return usage(tr("--set %1: use FIELD=VALUE or NODE:FIELD=VALUE").arg(set));
        QString field = set.left(eq);
        ConfigChange change;
        if (const qsizetype colon = field.indexOf(QLatin1Char(':')); colon > 0) {
            change.node = field.left(colon);
            field = field.mid(colon + 1);
        }
        const std::optional<ConfigField> known = ConfigFields::find(loaded->profile.product, field);
        if (!known) {
            QStringList ids;
            for (const ConfigField &f : ConfigFields::forProduct(loaded->profile.product))
                ids.append(f.id);
            return usage(
                tr("--set %1: '%2' is not a setting of %3; known: %4")
                    .arg(set.left(eq), field, loaded->profile.product, ids.join(QStringLiteral(", "))));
        }
        if (known->kind == ConfigField::Kind::Secret)
            return usage(
                tr("--set %1: secrets are never taken from the command line; store it with 'clusterdesk-cli "
                   "secret set' and use --push-secrets, or use 'secret rotate'")
                    .arg(field));
        change.field = field;
        change.value = set.mid(eq + 1);
        m_changes.append(change);
    }
    if (m_mode == Mode::ExportClusterJson
        && (m_exportPath.isEmpty() || loaded->profile.product != QLatin1String("openspecimen")))
        return usage(tr("'config export-cluster-json' needs --out FILE and an OpenSpecimen profile"));
    if (m_mode == Mode::Push && m_changes.isEmpty() && !m_pushSecrets && !m_planOptions.syncClusterNodes)
        return usage(tr("'config push' needs --set, --push-secrets or --sync-cluster-nodes"));
    if (m_mode == Mode::Rotate) {
        // Only secrets Clusterdesk writes to the nodes can be rotated here.
        QStringList names;
        for (const ConfigField &field : ConfigFields::forProduct(loaded->profile.product)) {
            if (field.kind == ConfigField::Kind::Secret
                && field.secretName != QLatin1String("database.password"))
                names.append(field.secretName);
        }
        if (m_rotateName.isEmpty() || !names.contains(m_rotateName)) {
            return usage(tr("'secret rotate' needs --name with one of the product's secrets: %1")
                             .arg(names.isEmpty() ? tr("(none)") : names.join(QStringLiteral(", "))));
        }
    }
    if ((m_mode == Mode::Push || m_mode == Mode::Rotate) && !m_yes && !m_dryRun && !SecretInput::isTerminal())
        return usage(tr("without a terminal to confirm on, pass --yes"));

    m_clusterName = loaded->profile.name;
    m_secrets = new SecretStore(this);
    if (m_mode == Mode::Push || m_mode == Mode::Rotate) {
        Result<std::unique_ptr<AuditLog>> audit = AuditLog::open();
        if (!audit)
            return fail(
                tr("the audit log cannot be opened, so no change is made: %1").arg(audit.error().message));
        m_audit = std::move(*audit);
    }
    if (loaded->profile.deployment.kind != DeploymentKind::Hosts)
        return runKeyed(*loaded, options);
    m_session = new ConfigSession(*loaded, m_secrets, options, this);
    if (m_audit) {
        m_session->setAuditLog(m_audit.get());
    }
    connect(m_session, &ConfigSession::hostKeyUnknown, this,
        [this](const QString &node, const HostKeyInfo &info) {
            m_err << tr("%1: unknown SSH host key %2 %3; refused (pass --accept-new-host-keys to save it)")
                         .arg(node, info.keyType, info.fingerprint)
                  << '\n';
            m_session->acceptHostKey(node, HostKeyDecision::Cancel);
        });
    connect(m_session, &ConfigSession::ready, this, &ConfigCommand::opened);
    connect(m_session, &ConfigSession::snapshotRead, this, &ConfigCommand::snapshotRead);
    connect(m_session, &ConfigSession::checksFinished, this, &ConfigCommand::checkFinished);
    connect(m_session, &ConfigSession::pushFinished, this, &ConfigCommand::pushed);
    connect(m_session, &ConfigSession::progress, this, [this](const QString &step) {
        if (!m_json) {
            m_err << step << "\n";
            m_err.flush();
        }
    });
    m_session->open();
}

void ConfigCommand::opened()
{
    if (m_mode == Mode::Check)
        m_session->runChecks();
    else
        m_session->readSnapshot();
}

void ConfigCommand::snapshotRead(const ClusterConfigSnapshot &snapshot)
{
    m_snapshot = snapshot;
    const QString product = m_session->profile().profile.product;
    switch (m_mode) {
    case Mode::Show:
        show(snapshot);
        return;
    case Mode::Check:
        return; // runChecks() answers with checksFinished()
    case Mode::ExportClusterJson: {
        const Result<QString> readThrough = ClusterJsonExport::write(snapshot, m_exportPath);
        if (!readThrough)
            return fail(readThrough.error().message);
        m_out << tr("Wrote the cluster JSON (read through %1) to %2. It holds the cluster secret: upload it "
                    "under Settings → Cluster, then delete the file.")
                     .arg(*readThrough, QDir::toNativeSeparators(m_exportPath))
              << '\n';
        return done(0);
    }
    case Mode::Push:
    case Mode::Rotate:
        break;
    }

    m_planOptions.secretMinLength = m_session->secretMinLengths();
    QList<ConfigChange> changes = m_changes;
    if (m_pushSecrets) {
        for (const ConfigField &field : ConfigFields::forProduct(product)) {
            if (field.kind != ConfigField::Kind::Secret)
                continue;
            const QByteArray value = m_session->keychainSecret(field.secretName);
            if (value.isEmpty())
                return fail(tr("%1: %2").arg(field.id, m_session->keychainProblem(field.secretName)));
            changes.append({field.id, {}, QString::fromUtf8(value), std::nullopt});
        }
    }
    if (m_mode == Mode::Rotate) {
        const QString fieldId = [&] {
            for (const ConfigField &field : ConfigFields::forProduct(product)) {
                if (field.kind == ConfigField::Kind::Secret && field.secretName == m_rotateName)
                    return field.id;
            }
            return QString();
        }();
        if (m_session->secretRef(m_rotateName).isNull())
            return fail(tr("the profile names no keychain entry for %1 (add it under \"secrets\")")
                            .arg(m_rotateName));
        const int minimum = SecretTools::minimumLength(m_session->secretMinLengths().value(m_rotateName));
        m_newSecret = SecretTools::generate(std::max(48, minimum));
        m_oldSecret = m_session->keychainSecret(m_rotateName);
        m_rotateRef = m_session->secretRef(m_rotateName).name;
        if (m_audit)
            m_audit->addForbiddenValue(m_newSecret);
        changes.append({fieldId, {}, QString::fromUtf8(m_newSecret), std::nullopt});
    }

    const auto plan = ConfigPlanner::plan(m_session->profile().profile, snapshot, changes, m_planOptions);
    if (!plan) {
        QStringList lines;
        for (const ValidationIssue &issue : plan.error())
            lines.append(QStringLiteral("  ") + issue.toString());
        return fail(
            tr("nothing was changed; the change is not valid:\n%1").arg(lines.join(QLatin1Char('\n'))));
    }
    confirmAndPush(*plan);
}

void ConfigCommand::confirmAndPush(const ConfigPlan &plan)
{
    if (plan.isEmpty()) {
        if (m_json)
            m_out << QJsonDocument(
                QJsonObject {{QStringLiteral("outcome"), QStringLiteral("nothing to change")}})
                         .toJson(QJsonDocument::Indented);
        else
            m_out << tr("Every node already has these settings; nothing to change.") << '\n';
        return done(0);
    }
    if (!m_json) {
        m_out << plan.maskedDiff();
        m_out << tr("%n file(s) on %1 will change.", nullptr, int(plan.edits.size()))
                     .arg(plan.nodes().join(QStringLiteral(", ")))
              << '\n';
        if (m_restart && !m_dryRun)
            m_out << tr("Then every node stops, and they start again one at a time.") << '\n';
        m_out.flush();
    }
    if (m_dryRun) {
        if (m_json)
            m_out << QJsonDocument(QJsonObject {{QStringLiteral("outcome"), QStringLiteral("dry run")},
                                       {QStringLiteral("summary"), toJson(plan.summary)},
                                       {QStringLiteral("diff"), plan.maskedDiff()}})
                         .toJson(QJsonDocument::Indented);
        return done(0);
    }
    if (!m_yes) {
        m_err << tr("Type yes to go on: ");
        m_err.flush();
        QTextStream in(stdin);
        if (in.readLine().trimmed() != QLatin1String("yes")) {
            m_out << tr("Nothing was changed.") << '\n';
            return done(Failed);
        }
    }

    const auto startPush = [this, plan] {
        ConfigSession::PushOptions options;
        options.restart = m_restart || m_mode == Mode::Rotate;
        options.auditAction
            = m_mode == Mode::Rotate ? QStringLiteral("secret.rotate") : QStringLiteral("config.push");
        m_session->push(plan, options);
    };
    if (m_mode != Mode::Rotate)
        return startPush();
    storeNewSecretThen(startPush);
}

void ConfigCommand::storeNewSecretThen(std::function<void()> next)
{
    // The keychain first: a secret on the nodes that the keychain lost could never be
    // pushed again. Put back if the push fails.
    SecretRequest *write = m_secrets->write(m_rotateRef, m_newSecret);
    connect(write, &SecretRequest::finished, this, [this, write, next] {
        write->deleteLater();
        if (write->status() != SecretRequest::Status::Ok
            || m_secrets->backend() == SecretStore::Backend::MemoryOnly)
            return fail(tr("the new secret could not be stored in the keychain, so nothing was changed: %1")
                            .arg(write->errorString().isEmpty() ? m_secrets->unavailableReason()
                                                                : write->errorString()));
        next();
    });
}

void ConfigCommand::pushed(const PushReport &report)
{
    const bool applied = report.outcome == PushReport::Outcome::Applied;
    const auto finish = [this, report, applied] {
        if (m_json) {
            QJsonObject json {{QStringLiteral("outcome"), PushReport::outcomeName(report.outcome)},
                {QStringLiteral("log"), toJson(report.log)},
                {QStringLiteral("backups"), toJson(report.backups)},
                {QStringLiteral("restarted"), toJson(report.restarted)}};
            if (!report.error.isEmpty())
                json.insert(QStringLiteral("error"), report.error);
            if (!report.restartError.isEmpty())
                json.insert(QStringLiteral("restartError"), report.restartError);
            if (!report.uploadedAs.isEmpty())
                json.insert(QStringLiteral("uploadedAs"), report.uploadedAs);
            if (!report.uploadError.isEmpty())
                json.insert(QStringLiteral("uploadError"), report.uploadError);
            if (m_mode == Mode::Rotate && applied)
                json.insert(QStringLiteral("fingerprint"), SecretText::fingerprint(m_newSecret));
            m_out << QJsonDocument(json).toJson(QJsonDocument::Indented);
        } else {
            for (const QString &line : report.log)
                m_out << "  " << line << '\n';
            if (applied && m_mode == Mode::Rotate)
                m_out << tr("The secret %1 was rotated: %2 -> %3 on every node.")
                             .arg(m_rotateName, SecretText::fingerprint(m_oldSecret),
                                 SecretText::fingerprint(m_newSecret))
                      << '\n';
            else if (applied)
                m_out << tr("Applied on every node.") << '\n';
            else
                m_err << tr("The change was not applied (%1): %2")
                             .arg(PushReport::outcomeName(report.outcome), report.error)
                      << '\n';
            if (!report.restartError.isEmpty())
                m_err << tr("The files are in place, but the restart failed: %1").arg(report.restartError)
                      << '\n';
            if (!report.uploadError.isEmpty())
                m_err << tr("The files are in place, but the cluster JSON was not uploaded: %1")
                             .arg(report.uploadError)
                      << '\n';
        }
        done(applied && report.restartError.isEmpty() && report.uploadError.isEmpty() ? 0 : Failed);
    };
    if (m_mode != Mode::Rotate || applied)
        return finish();
    // The nodes kept the old secret: so does the keychain.
    SecretRequest *restore
        = m_oldSecret.isEmpty() ? m_secrets->remove(m_rotateRef) : m_secrets->write(m_rotateRef, m_oldSecret);
    connect(restore, &SecretRequest::finished, this, [this, restore, finish] {
        restore->deleteLater();
        if (restore->status() != SecretRequest::Status::Ok)
            m_err << tr("The keychain still holds the new secret, which no node uses: %1")
                         .arg(restore->errorString())
                  << '\n';
        finish();
    });
}

void ConfigCommand::show(const ClusterConfigSnapshot &snapshot)
{
    const QString product = m_session->profile().profile.product;
    const QList<ConfigField> fields = ConfigFields::forProduct(product);
    QJsonObject nodes;
    for (const NodeConfigSnapshot &node : snapshot.nodes) {
        const NodeConfigFacts facts = NodeConfigReader::facts(product, node);
        if (m_json) {
            QJsonObject values;
            for (auto it = facts.values.cbegin(); it != facts.values.cend(); ++it)
                values.insert(it.key(), it.value());
            QJsonArray files;
            for (const ConfigFileState &file : node.files)
                files.append(QJsonObject {{QStringLiteral("path"), file.spec.path},
                    {QStringLiteral("shared"), file.spec.shared}, {QStringLiteral("exists"), file.exists}});
            nodes.insert(node.node,
                QJsonObject {{QStringLiteral("reachable"), facts.reachable},
                    {QStringLiteral("values"), values}, {QStringLiteral("files"), files},
                    {QStringLiteral("problems"), toJson(facts.problems)}});
            continue;
        }
        m_out << node.node << (facts.reachable ? QString() : tr(" (unreachable)")) << '\n';
        for (const ConfigField &field : fields) {
            if (!facts.has(field.id))
                continue;
            const QString value = field.kind == ConfigField::Kind::Secret
                ? tr("sha256 %1").arg(facts.value(field.id))
                : facts.value(field.id);
            m_out << "  " << field.id.leftJustified(28) << ' ' << value << '\n';
        }
        for (const QString &problem : facts.problems)
            m_out << "  ! " << problem << '\n';
    }
    if (m_json)
        m_out << QJsonDocument(
            QJsonObject {{QStringLiteral("product"), product}, {QStringLiteral("nodes"), nodes}})
                     .toJson(QJsonDocument::Indented);
    done(0);
}

void ConfigCommand::checkFinished(const QList<ConfigCheck> &checks)
{
    printChecks(checks);
}

void ConfigCommand::printChecks(const QList<ConfigCheck> &checks)
{
    const int code = ConfigChecks::exitCode(checks);
    if (m_json) {
        QJsonArray list;
        for (const ConfigCheck &check : checks)
            list.append(QJsonObject {{QStringLiteral("id"), check.id}, {QStringLiteral("title"), check.title},
                {QStringLiteral("status"), ConfigCheck::statusName(check.status)},
                {QStringLiteral("detail"), check.detail}, {QStringLiteral("nodes"), toJson(check.nodes)},
                {QStringLiteral("fix"), check.fix}});
        m_out << QJsonDocument(QJsonObject {{QStringLiteral("cluster"), m_clusterName},
                                   {QStringLiteral("checks"), list}, {QStringLiteral("exitCode"), code}})
                     .toJson(QJsonDocument::Indented);
    } else {
        for (const ConfigCheck &check : checks) {
            m_out << QStringLiteral("[%1] ").arg(
                ConfigCheck::statusName(check.status).toUpper().leftJustified(7))
                  << check.title << '\n';
            if (!check.detail.isEmpty())
                m_out << "          "
                      << QString(check.detail).replace(QLatin1Char('\n'), QStringLiteral("\n          "))
                      << '\n';
            if (!check.nodes.isEmpty())
                m_out << "          " << tr("nodes: %1").arg(check.nodes.join(QStringLiteral(", "))) << '\n';
            if (check.status == ConfigCheck::Status::Fail || check.status == ConfigCheck::Status::Warning)
                m_out << "          " << tr("fix: %1").arg(check.fix) << '\n';
        }
    }
    done(code);
}
