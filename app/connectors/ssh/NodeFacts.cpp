#include "NodeFacts.h"

#include "core/TextHelpers.h"
#include "profile/ProfileFile.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <algorithm>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("NodeFacts", text);
}

using TextHelpers::shellQuote;

// Values go into preset templates unquoted (a template may put them inside double
// quotes), so only characters that mean nothing to a shell are allowed.
bool isShellSafe(const QString &value)
{
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_./+,:=@%-]*$"));
    return safe.match(value).hasMatch();
}

std::optional<qint64> parseDf(const QString &section)
{
    // POSIX `df -Pk`: "Filesystem 1024-blocks Used Available Capacity Mounted on".
    static const QRegularExpression row(
        QStringLiteral("^.*\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+\\d+%\\s+\\S.*$"),
        QRegularExpression::MultilineOption);
    const QRegularExpressionMatch match = row.match(section);
    if (!match.hasMatch())
        return std::nullopt;
    bool ok = false;
    const qint64 availableKiB = match.captured(3).toLongLong(&ok);
    return ok ? std::optional<qint64>(availableKiB * 1024) : std::nullopt;
}

} // namespace

Result<QMap<QString, QString>> NodeFactsQuery::placeholders(
    const LoadedProfile &loaded, const QString &nodeName)
{
    const auto node = std::find_if(loaded.profile.nodes.cbegin(), loaded.profile.nodes.cend(),
        [&](const NodeSpec &spec) { return spec.name == nodeName; });
    if (node == loaded.profile.nodes.cend())
        return failure(tr("the profile has no node %1").arg(nodeName));

    QMap<QString, QString> values {
        {QStringLiteral("installDir"),
            node->installDir.isEmpty() ? loaded.preset.installDir : node->installDir},
        {QStringLiteral("dataDir"), loaded.preset.dataDir},
        {QStringLiteral("sharedDataDir"), loaded.profile.sharedDataDir},
        {QStringLiteral("nodeName"), node->name},
    };
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (!isShellSafe(it.value()))
            return failure(tr("%1 of node %2 (%3) holds characters that are not safe in a shell command")
                               .arg(it.key(), nodeName, it.value()));
    }
    return values;
}

Result<QString> NodeFactsQuery::command(
    const LoadedProfile &loaded, const QString &nodeName, const QString &templ)
{
    const Result<QMap<QString, QString>> values = placeholders(loaded, nodeName);
    if (!values)
        return std::unexpected(values.error());
    return ProductPreset::expand(templ, *values);
}

Result<NodeFactsQuery> NodeFactsQuery::forNode(const LoadedProfile &loaded, const QString &nodeName)
{
    const Result<QMap<QString, QString>> values = placeholders(loaded, nodeName);
    if (!values)
        return std::unexpected(values.error());
    NodeFactsQuery query;
    query.runningCommand = ProductPreset::expand(loaded.preset.commands.running, *values);
    query.installDir = values->value(QStringLiteral("installDir"));
    query.sharedDir = loaded.profile.sharedDataDir;
    if (loaded.preset.version.source == VersionProbe::Source::File)
        query.versionFile = ProductPreset::expand(loaded.preset.version.path, *values);
    return query;
}

QString NodeFactsQuery::script() const
{
    QStringList lines;
    if (runningCommand.isEmpty())
        lines.append(QStringLiteral("echo '@running 1'"));
    else
        lines.append(
            QStringLiteral("( %1 ) </dev/null >/dev/null 2>&1; echo \"@running $?\"").arg(runningCommand));
    lines.append(QStringLiteral("echo \"@uptime $(cat /proc/uptime 2>/dev/null)\""));
    lines.append(QStringLiteral("echo @df-install; df -Pk %1 2>/dev/null").arg(shellQuote(installDir)));
    if (!sharedDir.isEmpty())
        lines.append(QStringLiteral("echo @df-shared; df -Pk %1 2>/dev/null").arg(shellQuote(sharedDir)));
    lines.append(QStringLiteral(
        "echo @java; if command -v java >/dev/null 2>&1; then java -version 2>&1 | grep -m 1 ' version ' "
        "|| java -version 2>&1 | head -n 1; fi"));
    if (!versionFile.isEmpty())
        lines.append(QStringLiteral("if [ -r %1 ]; then echo @version; head -c 4096 %1; echo; fi")
                         .arg(shellQuote(versionFile)));
    lines.append(QStringLiteral("echo @end"));
    return lines.join(QLatin1Char('\n'));
}

QString NodeFactsQuery::diskScript() const
{
    return QStringLiteral("echo @df-install; df -Pk %1 2>/dev/null; echo @end").arg(shellQuote(installDir));
}

Result<NodeFacts> NodeFactsQuery::parse(const SshCommandResult &output)
{
    const QString text = QString::fromUtf8(output.standardOutput);
    if (!text.contains(QStringLiteral("@end")))
        return failure(tr("the node facts command ended early (exit status %1): %2")
                           .arg(output.exitStatus)
                           .arg(QString::fromUtf8(output.standardError).trimmed()));

    QMap<QString, QString> sections;
    QString current;
    const QStringList lines = text.split(QLatin1Char('\n'));
    NodeFacts facts;
    for (const QString &line : lines) {
        if (line.startsWith(QStringLiteral("@running "))) {
            facts.running = line.mid(9).trimmed() == QStringLiteral("0");
        } else if (line.startsWith(QStringLiteral("@uptime"))) {
            facts.uptimeSeconds = line.mid(7).trimmed().section(QLatin1Char(' '), 0, 0).toDouble();
        } else if (line.startsWith(QLatin1Char('@'))) {
            current = line.trimmed();
        } else if (!current.isEmpty()) {
            sections[current] += line + QLatin1Char('\n');
        }
    }
    facts.installDirFreeBytes = parseDf(sections.value(QStringLiteral("@df-install")));
    facts.sharedDirFreeBytes = parseDf(sections.value(QStringLiteral("@df-shared")));
    facts.javaVersion = sections.value(QStringLiteral("@java")).trimmed();
    if (sections.contains(QStringLiteral("@version")))
        facts.versionFileText = sections.value(QStringLiteral("@version"));
    if (facts.javaVersion.isEmpty())
        facts.javaVersion = tr("not found");
    return facts;
}
