#include "DiagnosticsCommand.h"

#include "core/InterruptWatcher.h"
#include "diagnostics/DiagnosticsEngine.h"
#include "profile/PresetRegistry.h"
#include "profile/ProfileFile.h"
#include "secrets/SecretStore.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>
#include <QTextStream>

using namespace Qt::StringLiterals;

DiagnosticsCommand::DiagnosticsCommand(QTextStream &out, QTextStream &err, QObject *parent)
    : QObject(parent)
    , m_out(out)
    , m_err(err)
{ }

DiagnosticsCommand::~DiagnosticsCommand() = default;

QString DiagnosticsCommand::help()
{
    return tr("  diagnostics --profile FILE --out DIR [--max-log-mb N] [--since DURATION]\n"
              "          [--mask-hosts] [--accept-new-host-keys] [--json]\n"
              "                          Collect logs, configuration, system facts, the database's\n"
              "                          schema history and Clusterdesk's records from every node into\n"
              "                          one zip, secrets redacted. --max-log-mb: the last N MB of each\n"
              "                          log (default 20). --since 24h|7d|90m: rotated logs of that\n"
              "                          window too. --mask-hosts: host names and addresses become\n"
              "                          host-1, ip-1, ... (the key stays on this computer). Exit status:\n"
              "                          0 written (parts that failed are listed in it), 1 not written,\n"
              "                          2 wrong command line.\n");
}

std::optional<std::chrono::seconds> DiagnosticsCommand::parseDuration(const QString &text)
{
    static const QRegularExpression form(u"^(\\d{1,6})([smhd])$"_s);
    const QRegularExpressionMatch m = form.match(text.trimmed().toLower());
    if (!m.hasMatch())
        return std::nullopt;
    const qint64 n = m.captured(1).toLongLong();
    const QChar unit = m.captured(2).at(0);
    const qint64 factor = unit == u's' ? 1 : unit == u'm' ? 60 : unit == u'h' ? 3600 : 86400;
    if (n <= 0)
        return std::nullopt;
    return std::chrono::seconds(n * factor);
}

void DiagnosticsCommand::usage(const QString &problem)
{
    m_err << tr("clusterdesk-cli diagnostics: %1").arg(problem) << '\n' << help();
    m_err.flush();
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT finished(Usage); }, Qt::QueuedConnection);
}

void DiagnosticsCommand::run(const QStringList &arguments)
{
    QString profilePath;
    DiagnosticsOptions options;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        const auto value = [&](QString *into) {
            if (i + 1 >= arguments.size())
                return false;
            *into = arguments.at(++i);
            return true;
        };
        QString text;
        if (arg == u"--help" || arg == u"-h") {
            m_out << help();
            m_out.flush();
            QMetaObject::invokeMethod(
                this, [this] { Q_EMIT finished(Written); }, Qt::QueuedConnection);
            return;
        }
        if (arg == u"--profile") {
            if (!value(&profilePath))
                return usage(tr("--profile needs a file"));
        } else if (arg == u"--out") {
            if (!value(&options.outDir))
                return usage(tr("--out needs a folder"));
        } else if (arg == u"--max-log-mb") {
            bool ok = false;
            const int mb = value(&text) ? text.toInt(&ok) : 0;
            if (!ok || mb < 1 || mb > 4096)
                return usage(tr("--max-log-mb needs a number of megabytes from 1 to 4096"));
            options.maxLogBytes = qint64(mb) * 1024 * 1024;
        } else if (arg == u"--since") {
            const std::optional<std::chrono::seconds> since
                = value(&text) ? parseDuration(text) : std::nullopt;
            if (!since)
                return usage(tr("--since needs a duration such as 24h, 7d or 90m"));
            options.since = since;
        } else if (arg == u"--mask-hosts") {
            options.maskHosts = true;
        } else if (arg == u"--accept-new-host-keys") {
            options.hostKeyPolicy = HostKeyPolicy::AcceptNewHostKeys;
        } else if (arg == u"--json") {
            m_json = true;
        } else {
            return usage(tr("'diagnostics' does not know the argument '%1'").arg(arg));
        }
    }
    if (profilePath.isEmpty())
        return usage(tr("'diagnostics' needs --profile FILE"));
    if (options.outDir.isEmpty())
        return usage(tr("'diagnostics' needs --out DIR"));

    const auto loaded = ProfileFile::load(profilePath, PresetRegistry::builtIn());
    if (!loaded) {
        m_err << ProfileFile::problemsText(profilePath, loaded.error());
        return usage(tr("fix the profile first"));
    }

    m_secrets = new SecretStore(this);
    m_engine = new DiagnosticsEngine(*loaded, m_secrets, options, this);
    auto *interrupts = new InterruptWatcher(this);
    connect(interrupts, &InterruptWatcher::interrupted, this, [this] {
        m_err << tr("Cancelling…") << '\n';
        m_err.flush();
        m_engine->cancel();
    });
    connect(m_engine, &DiagnosticsEngine::sourceFinished, this,
        [this](const QString &source, bool ok, const QString &detail) {
            if (m_json)
                return;
            m_err << (ok ? tr("%1: collected").arg(source) : tr("%1: failed: %2").arg(source, detail))
                  << '\n';
            m_err.flush();
        });
    connect(m_engine, &DiagnosticsEngine::finished, this, &DiagnosticsCommand::done);
    m_engine->start();
}

void DiagnosticsCommand::done(const DiagnosticsResult &result)
{
    if (m_json) {
        QJsonObject o;
        o[u"ok"_s] = result.ok;
        o[u"cancelled"_s] = result.cancelled;
        if (!result.error.isEmpty())
            o[u"error"_s] = result.error;
        o[u"path"_s] = result.ok ? QJsonValue(result.path) : QJsonValue();
        o[u"archiveBytes"_s] = result.archiveBytes;
        o[u"contentBytes"_s] = result.contentBytes;
        o[u"entries"_s] = result.entries;
        o[u"elapsedMs"_s] = result.elapsedMs;
        QJsonArray failures;
        for (const DiagnosticsFailure &f : result.failures)
            failures.append(
                QJsonObject {{u"source"_s, f.source}, {u"item"_s, f.item}, {u"reason"_s, f.reason}});
        o[u"failures"_s] = failures;
        o[u"redaction"_s]
            = QJsonDocument::fromJson(QByteArray::fromStdString(result.redaction.toJson().dump())).object();
        o[u"hostMap"_s] = result.hostMapPath.isEmpty() ? QJsonValue() : QJsonValue(result.hostMapPath);
        m_out << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) << '\n';
    } else if (result.ok) {
        const QLocale c = QLocale::c();
        m_out << tr("Wrote %1 (%2, %3 files, %4 before compression) in %5 s.")
                     .arg(QDir::toNativeSeparators(result.path), c.formattedDataSize(result.archiveBytes))
                     .arg(result.entries)
                     .arg(c.formattedDataSize(result.contentBytes))
                     .arg(double(result.elapsedMs) / 1000.0, 0, 'f', 1)
              << '\n';
        m_out << tr("Redacted values: %1.").arg(result.redaction.total()) << '\n';
        if (!result.failures.isEmpty()) {
            m_out << tr("Not collected (also listed in the bundle's manifest.json):") << '\n';
            for (const DiagnosticsFailure &f : result.failures)
                m_out << "  " << f.source << " - " << f.item << ": " << f.reason << '\n';
        }
        if (!result.hostMapPath.isEmpty())
            m_out << tr("The key to the masked host names stays here: %1")
                         .arg(QDir::toNativeSeparators(result.hostMapPath))
                  << '\n';
    } else {
        m_err << tr("No diagnostics bundle was written: %1").arg(result.error) << '\n';
    }
    m_out.flush();
    m_err.flush();
    Q_EMIT finished(result.ok ? Written : Failed);
}
