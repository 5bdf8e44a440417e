#include "ComposeStatus.h"

#include "JsonReader.h"
#include "core/TextHelpers.h"

#include <QCoreApplication>
#include <QStringList>

#include <algorithm>
#include <limits>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ComposeParsing", text);
}

using TextHelpers::shellQuote;

// Reads the fields of one JSON object, collecting every problem. Compose has added
// fields over the years (Image, Status, RunningFor came after 2.0), so only those
// every 2.x version prints are required.
class FieldReader
{
public:
    explicit FieldReader(const Json &object)
        : m_object(object)
    { }

    QString text(const char *key, bool required = false)
    {
        const Json *value = find(key, required);
        if (!value)
            return {};
        if (!value->is_string()) {
            m_problems.append(tr("%1 is not a string").arg(QLatin1StringView(key)));
            return {};
        }
        return QString::fromStdString(value->get<std::string>());
    }

    int integer(const char *key)
    {
        const Json *value = find(key, false);
        if (!value)
            return 0;
        if (!value->is_number_integer()) {
            m_problems.append(tr("%1 is not an integer").arg(QLatin1StringView(key)));
            return 0;
        }
        // Signed or unsigned, compared as such: a huge unsigned value must not wrap.
        if (value->is_number_unsigned()) {
            const auto number = value->get<std::uint64_t>();
            if (number <= static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
                return static_cast<int>(number);
        } else {
            const auto number = value->get<std::int64_t>();
            if (number >= std::numeric_limits<int>::min() && number <= std::numeric_limits<int>::max())
                return static_cast<int>(number);
        }
        m_problems.append(tr("%1 is out of range").arg(QLatin1StringView(key)));
        return 0;
    }

    // An array field; null and absent read as empty (Compose prints "Publishers": null).
    const Json *array(const char *key)
    {
        const Json *value = find(key, false);
        if (!value)
            return nullptr;
        if (!value->is_array()) {
            m_problems.append(tr("%1 is not an array").arg(QLatin1StringView(key)));
            return nullptr;
        }
        return value;
    }

    void addProblem(const QString &problem) { m_problems.append(problem); }
    const QStringList &problems() const { return m_problems; }

private:
    const Json *find(const char *key, bool required)
    {
        const auto it = m_object.find(key);
        if (it == m_object.end() || it->is_null()) {
            if (required)
                m_problems.append(tr("%1 is missing").arg(QLatin1StringView(key)));
            return nullptr;
        }
        return &*it;
    }

    const Json &m_object;
    QStringList m_problems;
};

// One container object; `where` names it in errors ("line 3", "item 2").
Result<ComposeContainer> readContainer(const Json &object, const QString &where)
{
    if (!object.is_object())
        return failure(tr("%1 is not a JSON object").arg(where));
    FieldReader fields(object);
    ComposeContainer container;
    container.id = fields.text("ID", true);
    container.name = fields.text("Name", true);
    container.service = fields.text("Service", true);
    // Compose before 2.0 printed "Running"; every later version lower case.
    container.state = fields.text("State", true).toLower();
    container.health = fields.text("Health").toLower();
    container.exitCode = fields.integer("ExitCode");
    container.image = fields.text("Image");
    container.imageTag = ComposeParsing::imageTag(container.image);
    container.status = fields.text("Status");
    container.runningFor = fields.text("RunningFor");
    if (const Json *publishers = fields.array("Publishers")) {
        int index = 0;
        for (const Json &entry : *publishers) {
            ++index;
            if (!entry.is_object()) {
                fields.addProblem(tr("Publishers[%1] is not an object").arg(index));
                continue;
            }
            FieldReader port(entry);
            ComposePublisher publisher;
            publisher.url = port.text("URL");
            publisher.targetPort = port.integer("TargetPort");
            publisher.publishedPort = port.integer("PublishedPort");
            publisher.protocol = port.text("Protocol");
            for (const QString &problem : port.problems())
                fields.addProblem(QStringLiteral("Publishers[%1].%2").arg(index).arg(problem));
            container.publishers.append(publisher);
        }
    }
    if (!fields.problems().isEmpty())
        return failure(tr("%1: %2").arg(where, fields.problems().join(QStringLiteral("; "))));
    return container;
}

// Line and column (both from 1) of a byte offset (from 0) into `text`.
std::pair<qsizetype, qsizetype> lineAndColumn(QByteArrayView text, qsizetype offset)
{
    offset = std::clamp<qsizetype>(offset, 0, text.size());
    const QByteArrayView before = text.first(offset);
    const qsizetype line = before.count('\n') + 1;
    const qsizetype lineStart = before.lastIndexOf('\n') + 1;
    return {line, offset - lineStart + 1};
}

// Compose 2.0 to 2.20: one JSON array (on one line, but any layout is read).
Result<QList<ComposeContainer>> psArray(QByteArrayView output)
{
    Json document;
    try {
        document = Json::parse(output.begin(), output.end());
    } catch (const Json::parse_error &error) {
        // error.byte counts from 1 and points at the offending character.
        const auto [line, column] = lineAndColumn(output, static_cast<qsizetype>(error.byte) - 1);
        return failure(tr("line %1, column %2 is not JSON").arg(line).arg(column));
    }
    if (!document.is_array())
        return failure(tr("the output is not a JSON array"));
    QList<ComposeContainer> containers;
    int index = 0;
    for (const Json &item : document) {
        ++index;
        Result<ComposeContainer> container = readContainer(item, tr("item %1").arg(index));
        if (!container)
            return std::unexpected(container.error());
        containers.append(std::move(*container));
    }
    return containers;
}

// Compose 2.21 and later: one JSON object per line.
Result<QList<ComposeContainer>> psLines(QByteArrayView output)
{
    QList<ComposeContainer> containers;
    qsizetype lineNumber = 0;
    qsizetype start = 0;
    while (start <= output.size()) {
        qsizetype end = output.indexOf('\n', start);
        if (end < 0)
            end = output.size();
        ++lineNumber;
        const QByteArrayView line = output.sliced(start, end - start).trimmed();
        start = end + 1;
        if (line.isEmpty())
            continue;
        Json object;
        try {
            object = Json::parse(line.begin(), line.end());
        } catch (const Json::parse_error &error) {
            const auto [inLine, column] = lineAndColumn(line, static_cast<qsizetype>(error.byte) - 1);
            Q_UNUSED(inLine); // the line holds no newline
            return failure(tr("line %1, column %2 is not JSON").arg(lineNumber).arg(column));
        }
        Result<ComposeContainer> container = readContainer(object, tr("line %1").arg(lineNumber));
        if (!container)
            return std::unexpected(container.error());
        containers.append(std::move(*container));
    }
    return containers;
}

} // namespace

bool ComposeContainer::isReady() const
{
    return state == QLatin1StringView("running")
        && (health.isEmpty() || health == QLatin1StringView("healthy"));
}

int ComposeStatus::desired() const
{
    return static_cast<int>(containers.size());
}

int ComposeStatus::ready() const
{
    return static_cast<int>(
        std::count_if(containers.cbegin(), containers.cend(), [](const auto &c) { return c.isReady(); }));
}

QString ComposeStatus::failureName(Failure failure)
{
    switch (failure) {
    case Failure::None:
        return QStringLiteral("none");
    case Failure::Connection:
        return QStringLiteral("connection");
    case Failure::HostKey:
        return QStringLiteral("host-key");
    case Failure::CommandFailed:
        return QStringLiteral("command-failed");
    case Failure::BadOutput:
        return QStringLiteral("bad-output");
    }
    return QStringLiteral("unknown");
}

Result<QList<ComposeContainer>> ComposeParsing::ps(QByteArrayView output)
{
    const QByteArrayView trimmed = output.trimmed();
    if (trimmed.isEmpty())
        return QList<ComposeContainer> {};
    if (trimmed.front() == '[')
        return psArray(output);
    return psLines(output);
}

QString ComposeParsing::psCommand(const ComposeSettings &settings)
{
    QString command = QStringLiteral("docker compose --project-directory %1 ps -a --format json")
                          .arg(shellQuote(settings.projectDir));
    if (!settings.service.isEmpty())
        command += QLatin1Char(' ') + shellQuote(settings.service);
    return command;
}

QString ComposeParsing::imageTag(const QString &image)
{
    QString reference = image.trimmed();
    const qsizetype at = reference.indexOf(QLatin1Char('@'));
    const bool byDigest = at >= 0;
    if (byDigest)
        reference.truncate(at);
    // A colon before the last slash belongs to a registry's port ("host:5000/app").
    const qsizetype colon = reference.lastIndexOf(QLatin1Char(':'));
    const qsizetype slash = reference.lastIndexOf(QLatin1Char('/'));
    if (colon > slash)
        return reference.mid(colon + 1);
    if (reference.isEmpty() || byDigest)
        return {};
    return QStringLiteral("latest");
}
