#include "KubeconfigCommand.h"

#include "ClusterProfile.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"
#include "secrets/SecretStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMetaObject>
#include <QRegularExpression>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 MaxTokenFileSize = 64 * 1024;

// A name part for files and keychain entries: letters, digits and . _ - only.
QString safeName(const QString &text)
{
    static const QRegularExpression unsafe(u"[^A-Za-z0-9._-]+"_s);
    QString name = text;
    name.replace(unsafe, u"-"_s);
    while (name.startsWith(u'-') || name.startsWith(u'.'))
        name.remove(0, 1);
    while (name.endsWith(u'-'))
        name.chop(1);
    return name;
}

QString authKind(const KubeconfigContext &context)
{
    if (!context.token.isEmpty())
        return KubeconfigCommand::tr("token");
    if (!context.tokenFile.isEmpty())
        return KubeconfigCommand::tr("token file");
    if (context.hasExec)
        return KubeconfigCommand::tr("exec plugin");
    if (context.hasClientCertificate)
        return KubeconfigCommand::tr("client certificate");
    return KubeconfigCommand::tr("none");
}

} // namespace

KubeconfigCommand::KubeconfigCommand(
    QTextStream &out, QTextStream &err, SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_out(out)
    , m_err(err)
    , m_secrets(secrets)
{ }

QString KubeconfigCommand::help()
{
    return tr("  kubeconfig contexts [--kubeconfig FILE]\n"
              "                          List the contexts of a kubeconfig (default: $KUBECONFIG, then\n"
              "                          ~/.kube/config): server, namespace, kind of credentials.\n"
              "  kubeconfig import --profile FILE --context NAME [--kubeconfig FILE]\n"
              "                    [--deployment NAME] [--namespace NS] [--hpa NAME]\n"
              "                          Point a profile at a Kubernetes deployment through a context:\n"
              "                          its API server, namespace and CA go into the profile, its bearer\n"
              "                          token into the system keychain (never into a file).\n");
}

void KubeconfigCommand::finish(int exitCode)
{
    m_out.flush();
    m_err.flush();
    // From the event loop, so a caller connected after run() still hears it.
    QMetaObject::invokeMethod(
        this, [this, exitCode] { Q_EMIT finished(exitCode); }, Qt::QueuedConnection);
}

void KubeconfigCommand::usage(const QString &problem)
{
    m_err << "clusterdesk-cli: " << problem << '\n'
          << tr("Run 'clusterdesk-cli --help' for the commands.") << '\n';
    finish(UsageError);
}

bool KubeconfigCommand::parseOptions(const QStringList &args, const QStringList &allowed, Options &options)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        QString option = args.at(i);
        QString value;
        bool hasValue = false;
        if (const qsizetype equals = option.indexOf(u'='); option.startsWith(u"--"_s) && equals > 0) {
            value = option.mid(equals + 1);
            option.truncate(equals);
            hasValue = true;
        }
        if (!allowed.contains(option)) {
            usage(option.startsWith(u'-') ? tr("unknown option '%1'").arg(option)
                                          : tr("unexpected argument '%1'").arg(option));
            return false;
        }
        if (!hasValue) {
            if (i + 1 >= args.size()) {
                usage(tr("%1 needs a value").arg(option));
                return false;
            }
            value = args.at(++i);
        }
        if (value.isEmpty()) {
            usage(tr("%1 needs a value").arg(option));
            return false;
        }
        if (option == u"--kubeconfig")
            options.kubeconfig = value;
        else if (option == u"--profile")
            options.profile = value;
        else if (option == u"--context")
            options.context = value;
        else if (option == u"--deployment")
            options.deployment = value;
        else if (option == u"--namespace")
            options.ns = value;
        else if (option == u"--hpa")
            options.hpa = value;
    }
    return true;
}

void KubeconfigCommand::run(const QStringList &args)
{
    if (args.isEmpty())
        return usage(tr("'kubeconfig' needs a command: contexts or import"));
    const QString &command = args.first();
    if (command == u"contexts")
        return listContexts(args.mid(1));
    if (command == u"import")
        return import(args.mid(1));
    usage(tr("unknown command 'kubeconfig %1'").arg(command));
}

void KubeconfigCommand::listContexts(const QStringList &args)
{
    Options options;
    if (!parseOptions(args, {u"--kubeconfig"_s}, options))
        return;
    const QString path = options.kubeconfig.isEmpty() ? Kubeconfig::defaultPath() : options.kubeconfig;
    const auto config = Kubeconfig::load(path);
    if (!config) {
        m_err << "clusterdesk-cli: " << config.error().message << '\n';
        return finish(Failure);
    }
    if (config->contexts.isEmpty()) {
        m_out << tr("%1 defines no contexts.").arg(QDir::toNativeSeparators(path)) << '\n';
        return finish(Success);
    }

    QList<QStringList> rows;
    rows.append({tr("CURRENT"), tr("NAME"), tr("SERVER"), tr("NAMESPACE"), tr("AUTH")});
    for (const KubeconfigContext &context : config->contexts) {
        QString auth = authKind(context);
        if (context.insecureSkipTlsVerify)
            auth += tr(", TLS not verified");
        rows.append({context.name == config->currentContext ? u"*"_s : QString(), context.name,
            context.server.toDisplayString(QUrl::RemoveUserInfo), context.ns, auth});
    }
    QList<qsizetype> widths(rows.first().size(), 0);
    for (const QStringList &row : std::as_const(rows)) {
        for (qsizetype column = 0; column < row.size(); ++column)
            widths[column] = std::max(widths[column], row.at(column).size());
    }
    for (const QStringList &row : std::as_const(rows)) {
        QString line;
        for (qsizetype column = 0; column < row.size(); ++column) {
            if (column + 1 < row.size())
                line += row.at(column).leftJustified(widths[column] + 2);
            else
                line += row.at(column);
        }
        m_out << line.trimmed() << '\n';
    }
    finish(Success);
}

void KubeconfigCommand::import(const QStringList &args)
{
    Options options;
    if (!parseOptions(args,
            {u"--kubeconfig"_s, u"--profile"_s, u"--context"_s, u"--deployment"_s, u"--namespace"_s,
                u"--hpa"_s},
            options))
        return;
    if (options.profile.isEmpty())
        return usage(tr("'kubeconfig import' needs --profile FILE"));
    if (options.context.isEmpty())
        return usage(tr("'kubeconfig import' needs --context NAME (see 'kubeconfig contexts')"));

    const QString kubeconfigPath
        = options.kubeconfig.isEmpty() ? Kubeconfig::defaultPath() : options.kubeconfig;
    const auto config = Kubeconfig::load(kubeconfigPath);
    if (!config) {
        m_err << "clusterdesk-cli: " << config.error().message << '\n';
        return finish(Failure);
    }
    const auto context = config->context(options.context);
    if (!context) {
        QStringList names;
        for (const KubeconfigContext &known : config->contexts)
            names.append(known.name);
        m_err << tr("clusterdesk-cli: %1 has no context '%2' (contexts: %3)")
                     .arg(QDir::toNativeSeparators(kubeconfigPath), options.context,
                         names.isEmpty() ? tr("none") : names.join(u", "_s))
              << '\n';
        return finish(Failure);
    }
    if (context->insecureSkipTlsVerify) {
        m_err << tr(
            "clusterdesk-cli: context '%1' turns TLS verification off (insecure-skip-tls-verify), so "
            "anyone on the way could pose as the API server and receive the token. Clusterdesk always "
            "verifies it: give the cluster its CA (certificate-authority or "
            "certificate-authority-data) instead.")
                     .arg(context->name)
              << '\n';
        return finish(Failure);
    }

    // The bearer token, inline or from the token file (relative to the kubeconfig's folder).
    QByteArray token = context->token.trimmed();
    if (token.isEmpty() && !context->tokenFile.isEmpty()) {
        const QString tokenPath = ProfileFile::resolvePath(kubeconfigPath, context->tokenFile);
        QFile file(tokenPath);
        if (!file.open(QIODevice::ReadOnly)) {
            m_err << tr("clusterdesk-cli: cannot read the token file %1 of user '%2': %3")
                         .arg(QDir::toNativeSeparators(tokenPath), context->user, file.errorString())
                  << '\n';
            return finish(Failure);
        }
        token = file.read(MaxTokenFileSize).trimmed();
        if (token.isEmpty()) {
            m_err << tr("clusterdesk-cli: the token file %1 of user '%2' is empty")
                         .arg(QDir::toNativeSeparators(tokenPath), context->user)
                  << '\n';
            return finish(Failure);
        }
    }
    if (token.isEmpty()) {
        const QString has = context->hasExec ? tr("signs in through an exec or auth-provider plugin")
            : context->hasClientCertificate  ? tr("signs in with a client certificate")
                                             : tr("has no credentials");
        m_err << tr("clusterdesk-cli: user '%1' of context '%2' %3. Clusterdesk supports bearer tokens "
                    "only. Make one for a service account that may read the deployment, for example:\n"
                    "  kubectl create token SERVICEACCOUNT --namespace NAMESPACE --duration 8760h\n"
                    "and put it in the kubeconfig's user (token: or tokenFile:).")
                     .arg(context->user, context->name, has)
              << '\n';
        return finish(Failure);
    }

    storeTokenAndSave(options, *context, token);
}

void KubeconfigCommand::storeTokenAndSave(
    const Options &options, const KubeconfigContext &context, const QByteArray &token)
{
    const PresetRegistry &presets = PresetRegistry::builtIn();
    const auto loaded = ProfileFile::load(options.profile, presets);
    if (!loaded) {
        m_err << tr("clusterdesk-cli: %1 is not a valid profile (problems: %2):")
                     .arg(QDir::toNativeSeparators(options.profile))
                     .arg(loaded.error().size())
              << '\n';
        for (const ValidationIssue &issue : loaded.error())
            m_err << "  " << issue.toString() << '\n';
        return finish(Failure);
    }

    ClusterProfile profile = loaded->profile;
    DeploymentSpec &deployment = profile.deployment;
    KubernetesSettings &k8s = deployment.kubernetes;
    deployment.kind = DeploymentKind::Kubernetes;
    k8s.apiServer = context.server;
    k8s.context = context.name;
    if (!context.ns.isEmpty()) {
        if (!options.ns.isEmpty() && options.ns != context.ns)
            m_err << tr("clusterdesk-cli: note: context '%1' names namespace '%2', which is used instead of "
                        "--namespace %3")
                         .arg(context.name, context.ns, options.ns)
                  << '\n';
        k8s.ns = context.ns;
    } else if (!options.ns.isEmpty()) {
        k8s.ns = options.ns;
    } else if (k8s.ns.isEmpty()) {
        k8s.ns = u"default"_s; // as kubectl does
    }
    if (!options.deployment.isEmpty())
        k8s.deployment = options.deployment;
    else if (k8s.deployment.isEmpty())
        k8s.deployment = profile.product;
    if (!options.hpa.isEmpty())
        k8s.hpa = options.hpa;

    const QFileInfo profileInfo(options.profile);
    QString caFileName;
    if (!context.caData.isEmpty()) {
        caFileName = u"%1-%2-ca.crt"_s.arg(profileInfo.completeBaseName(), safeName(context.name));
        k8s.caFile = caFileName;
    } else {
        k8s.caFile = context.caFile; // absolute; empty: the system's CAs
    }

    QString secretBase = safeName(profile.name);
    if (secretBase.isEmpty())
        secretBase = safeName(profileInfo.completeBaseName());
    if (secretBase.isEmpty())
        secretBase = u"clusterdesk"_s;
    const QString secretName = secretBase.left(128 - 10) + u"/k8s-token"_s;
    k8s.token = SecretRef {secretName};

    ValidationIssues issues = profile.validate();
    if (issues.isEmpty()) {
        if (const auto checked = ProfileFile::check(profile, presets); !checked)
            issues = checked.error();
    }
    if (!issues.isEmpty()) {
        m_err << tr("clusterdesk-cli: context '%1' would make %2 invalid; nothing was changed:")
                     .arg(context.name, QDir::toNativeSeparators(options.profile))
              << '\n';
        for (const ValidationIssue &issue : std::as_const(issues))
            m_err << "  " << issue.toString() << '\n';
        return finish(Failure);
    }

    if (!m_secrets)
        m_secrets = new SecretStore(this);
    const auto reportNoKeychain = [this, secretName] {
        m_err << tr("clusterdesk-cli: no system keychain is available (%1).\n"
                    "Clusterdesk keeps secrets only in the system keychain, never in files, so '%2' was not "
                    "stored and the profile was not changed. On Linux, start a Secret Service such as "
                    "gnome-keyring or KWallet.")
                     .arg(m_secrets->unavailableReason(), secretName)
              << '\n';
        finish(Failure);
    };
    if (m_secrets->backend() == SecretStore::Backend::MemoryOnly)
        return reportNoKeychain();

    SecretRequest *request = m_secrets->write(secretName, token);
    const QString profilePath = options.profile;
    const QByteArray caData = context.caData;
    const QString contextName = context.name;
    connect(request, &SecretRequest::finished, this,
        [this, request, reportNoKeychain, secretName, profile, profilePath, caData, caFileName, contextName] {
            // A token that would live only in this process's memory is lost at exit.
            if (m_secrets->backend() == SecretStore::Backend::MemoryOnly)
                return reportNoKeychain();
            if (request->status() != SecretRequest::Status::Ok) {
                m_err << tr(
                    "clusterdesk-cli: the token was not stored as '%1': %2; the profile was not changed")
                             .arg(secretName, request->errorString())
                      << '\n';
                return finish(Failure);
            }
            QString caPath;
            if (!caFileName.isEmpty()) {
                caPath = QFileInfo(profilePath).absoluteDir().filePath(caFileName);
                QSaveFile file(caPath);
                if (!file.open(QIODevice::WriteOnly) || file.write(caData) != caData.size()
                    || !file.commit()) {
                    m_err << tr(
                        "clusterdesk-cli: cannot write the CA file %1: %2; the profile was not changed")
                                 .arg(QDir::toNativeSeparators(caPath), file.errorString())
                          << '\n';
                    return finish(Failure);
                }
            }
            if (const auto saved = ProfileFile::save(profile, profilePath); !saved) {
                m_err << "clusterdesk-cli: " << saved.error().message << '\n';
                return finish(Failure);
            }
            const KubernetesSettings &imported = profile.deployment.kubernetes;
            m_out << tr("Imported context '%1' into %2:")
                         .arg(contextName, QDir::toNativeSeparators(profilePath))
                  << '\n'
                  << tr("  API server  %1").arg(imported.apiServer.toDisplayString(QUrl::RemoveUserInfo))
                  << '\n'
                  << tr("  namespace   %1").arg(imported.ns) << '\n'
                  << tr("  deployment  %1").arg(imported.deployment) << '\n';
            if (!imported.hpa.isEmpty())
                m_out << tr("  HPA         %1").arg(imported.hpa) << '\n';
            m_out
                << tr("  CA          %1")
                       .arg(caPath.isEmpty()
                               ? (imported.caFile.isEmpty() ? tr("the system's CAs")
                                                            : QDir::toNativeSeparators(imported.caFile))
                               : tr("%1 (written from the kubeconfig)").arg(QDir::toNativeSeparators(caPath)))
                << '\n'
                << tr("  token       stored as '%1' in the system keychain").arg(secretName) << '\n';
            finish(Success);
        });
}
