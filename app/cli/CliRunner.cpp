#include "CliRunner.h"

#include "ClusterProfile.h"
#include "cli/ConfigCommand.h"
#include "cli/DiagnosticsCommand.h"
#include "cli/KubeconfigCommand.h"
#include "cli/SecretInput.h"
#include "cli/StatusCommand.h"
#include "cli/UpgradeCommand.h"
#include "core/BuildInfo.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"
#include "secrets/SecretStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QMetaObject>

#include <cstdio>

CliRunner::CliRunner(QObject *parent)
    : QObject(parent)
    , m_out(stdout)
    , m_err(stderr)
{ }

CliRunner::~CliRunner() = default;

void CliRunner::finish(int exitCode)
{
    m_out.flush();
    m_err.flush();
    // Report from the event loop so a caller connected after run() still hears it.
    QMetaObject::invokeMethod(
        this, [this, exitCode] { Q_EMIT finished(exitCode); }, Qt::QueuedConnection);
}

void CliRunner::usage(const QString &problem)
{
    m_err << "clusterdesk-cli: " << problem << '\n'
          << tr("Run 'clusterdesk-cli --help' for the commands.") << '\n';
    finish(UsageError);
}

void CliRunner::printHelp()
{
    m_out << tr(
        "Usage: clusterdesk-cli COMMAND [ARGUMENTS]\n"
        "\n"
        "Commands:\n"
        "  profile validate FILE   Check a cluster profile; lists every problem with its JSON path.\n"
        "  secret set NAME         Store a secret in the system keychain. The value is read from\n"
        "                          standard input (typed without echo, or piped), never from the\n"
        "                          command line, where other users and the shell history would see it.\n"
        "  secret delete NAME      Remove a secret from the system keychain.\n")
          << StatusCommand::help() << ConfigCommand::help() << UpgradeCommand::help()
          << DiagnosticsCommand::help() << KubeconfigCommand::help()
          << tr("\n"
                "Options:\n"
                "  -h, --help              Show this help.\n"
                "  -v, --version           Show the versions of Clusterdesk and its libraries.\n"
                "\n"
                "Exit status: 0 success, 1 the command failed, 2 the command line was wrong (status: see "
                "above).\n");
    finish(Success);
}

void CliRunner::run(const QStringList &arguments)
{
    const QStringList args = arguments.mid(1);
    if (args.isEmpty())
        return usage(tr("no command given"));
    const QString &first = args.first();
    if (first == u"-h" || first == u"--help" || first == u"help")
        return printHelp();
    if (first == u"-v" || first == u"--version") {
        m_out << BuildInfo::summary() << '\n';
        return finish(Success);
    }
    const QString command = args.mid(0, 2).join(QLatin1Char(' '));
    if (command == u"profile validate")
        return profileValidate(args.mid(2));
    if (first == u"config" || command == u"secret rotate") {
        auto *config = new ConfigCommand(m_out, m_err, this);
        connect(config, &ConfigCommand::finished, this, &CliRunner::finish);
        return config->run(args.mid(1)); // "show ..." or "rotate ..."
    }
    if (command == u"secret set")
        return secretSet(args.mid(2));
    if (command == u"secret delete")
        return secretDelete(args.mid(2));
    if (first == u"status") {
        auto *status = new StatusCommand(m_out, m_err, this);
        connect(status, &StatusCommand::finished, this, &CliRunner::finish);
        return status->run(args.mid(1));
    }
    if (first == u"diagnostics") {
        auto *diagnostics = new DiagnosticsCommand(m_out, m_err, this);
        connect(diagnostics, &DiagnosticsCommand::finished, this, &CliRunner::finish);
        return diagnostics->run(args.mid(1));
    }
    if (first == u"upgrade") {
        auto *upgrade = new UpgradeCommand(m_out, m_err, this);
        connect(upgrade, &UpgradeCommand::finished, this, &CliRunner::finish);
        return upgrade->run(args.mid(1));
    }
    if (first == u"kubeconfig") {
        m_secrets = new SecretStore(this);
        auto *kubeconfig = new KubeconfigCommand(m_out, m_err, m_secrets, this);
        connect(kubeconfig, &KubeconfigCommand::finished, this, &CliRunner::finish);
        return kubeconfig->run(args.mid(1));
    }
    usage(tr("unknown command '%1'").arg(command));
}

void CliRunner::profileValidate(const QStringList &arguments)
{
    if (arguments.size() != 1)
        return usage(tr("'profile validate' takes one profile file"));
    const QString path = arguments.first();
    const QString shown = QDir::toNativeSeparators(path);
    const auto loaded = ProfileFile::load(path, PresetRegistry::builtIn());
    if (!loaded) {
        const ValidationIssues &issues = loaded.error();
        m_err << tr("%1 is not a valid profile (problems: %2):").arg(shown).arg(issues.size()) << '\n';
        for (const ValidationIssue &issue : issues)
            m_err << "  " << issue.toString() << '\n';
        return finish(Failure);
    }
    const ClusterProfile &profile = loaded->profile;
    m_out << tr("%1: valid profile \"%2\" (%3 on %4, nodes: %5)")
                 .arg(shown, profile.name, loaded->preset.displayName,
                     ClusterProfile::deploymentKindName(profile.deployment.kind))
                 .arg(profile.nodes.size())
          << '\n';
    finish(Success);
}

bool CliRunner::checkSecretName(const QString &name)
{
    if (ClusterProfile::isValidSecretName(name))
        return true;
    usage(tr("'%1' is not a valid secret name (letters, digits and . _ / @ -, at most 128)").arg(name));
    return false;
}

void CliRunner::reportNoKeychain(const QString &name)
{
    m_err << tr("clusterdesk-cli: no system keychain is available (%1).\n"
                "Clusterdesk keeps secrets only in the system keychain, never in files, so '%2' was not "
                "stored. On Linux, start a Secret Service such as gnome-keyring or KWallet.")
                 .arg(m_secrets->unavailableReason(), name)
          << '\n';
    finish(Failure);
}

void CliRunner::secretSet(const QStringList &arguments)
{
    if (arguments.size() > 1)
        return usage(tr("'secret set' takes only the secret's name: the value is read from standard input, "
                        "never from the command line"));
    if (arguments.isEmpty())
        return usage(tr("'secret set' needs the secret's name"));
    const QString name = arguments.first();
    if (!checkSecretName(name))
        return;

    const QByteArray value = SecretInput::read(tr("Value for %1: ").arg(name));
    if (value.isEmpty()) {
        m_err << tr("clusterdesk-cli: no value on standard input; '%1' was not changed").arg(name) << '\n';
        return finish(Failure);
    }

    m_secrets = new SecretStore(this);
    SecretRequest *request = m_secrets->write(name, value);
    connect(request, &SecretRequest::finished, this, [this, request, name] {
        // A secret that would live only in this process's memory is lost at exit.
        if (m_secrets->backend() == SecretStore::Backend::MemoryOnly)
            return reportNoKeychain(name);
        if (request->status() != SecretRequest::Status::Ok) {
            m_err << tr("clusterdesk-cli: '%1' was not stored: %2").arg(name, request->errorString()) << '\n';
            return finish(Failure);
        }
        m_out << tr("Stored '%1' in the system keychain.").arg(name) << '\n';
        finish(Success);
    });
}

void CliRunner::secretDelete(const QStringList &arguments)
{
    if (arguments.size() != 1)
        return usage(tr("'secret delete' takes the secret's name"));
    const QString name = arguments.first();
    if (!checkSecretName(name))
        return;

    // Some keychains report success for deleting what is not there; look first so
    // the answer is true everywhere.
    m_secrets = new SecretStore(this);
    SecretRequest *lookup = m_secrets->read(name);
    connect(lookup, &SecretRequest::finished, this, [this, lookup, name] {
        if (m_secrets->backend() == SecretStore::Backend::MemoryOnly)
            return reportNoKeychain(name);
        if (lookup->status() == SecretRequest::Status::NotFound) {
            m_out << tr("There is no secret '%1' in the system keychain; nothing to delete.").arg(name)
                  << '\n';
            return finish(Success);
        }
        SecretRequest *removal = m_secrets->remove(name);
        connect(removal, &SecretRequest::finished, this, [this, removal, name] {
            if (removal->status() == SecretRequest::Status::Ok) {
                m_out << tr("Deleted '%1' from the system keychain.").arg(name) << '\n';
                return finish(Success);
            }
            m_err << tr("clusterdesk-cli: '%1' was not deleted: %2").arg(name, removal->errorString())
                  << '\n';
            finish(Failure);
        });
    });
}
