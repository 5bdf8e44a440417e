#include "KubeStatus.h"

#include "JsonReader.h"

#include <QCoreApplication>
#include <QStringList>

using namespace Qt::StringLiterals;

QString KubeStatus::failureName(Failure failure)
{
    switch (failure) {
    case Failure::None:
        return u"none"_s;
    case Failure::Unreachable:
        return u"unreachable"_s;
    case Failure::Timeout:
        return u"timeout"_s;
    case Failure::Tls:
        return u"tls"_s;
    case Failure::Unauthorized:
        return u"unauthorized"_s;
    case Failure::Forbidden:
        return u"forbidden"_s;
    case Failure::NotFound:
        return u"not-found"_s;
    case Failure::BadResponse:
        return u"bad-response"_s;
    }
    return u"unknown"_s;
}

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("KubeParsing", text);
}

// The document as JSON, or an error that names line and column.
Result<Json> parse(QByteArrayView text)
{
    ValidationIssues issues;
    auto json = parseJsonText(text, issues);
    if (!json)
        return failure(issues.isEmpty() ? tr("not valid JSON") : issues.constFirst().toString());
    return std::move(*json);
}

// An object of the expected kind ("Deployment"); the kind may be left out, as in
// the items of a list.
Result<void> expectKind(const Json &json, const char *kind)
{
    if (!json.is_object())
        return failure(tr("the answer is not a JSON object"));
    const auto it = json.find("kind");
    if (it != json.end() && (!it->is_string() || it->get<std::string>() != kind)) {
        const QString found = it->is_string() ? QString::fromStdString(it->get<std::string>()) : u"?"_s;
        return failure(QCoreApplication::translate("KubeParsing", "the answer is a %1, not a %2")
                           .arg(found, QString::fromLatin1(kind)));
    }
    return {};
}

// A member by path ("status", "readyReplicas"); nullptr when any part is missing or null.
const Json *at(const Json &json, std::initializer_list<const char *> path)
{
    const Json *current = &json;
    for (const char *key : path) {
        if (!current->is_object())
            return nullptr;
        const auto it = current->find(key);
        if (it == current->end() || it->is_null())
            return nullptr;
        current = &*it;
    }
    return current;
}

QString joined(std::initializer_list<const char *> path)
{
    QStringList parts;
    for (const char *key : path)
        parts.append(QString::fromLatin1(key));
    return parts.join(u'.');
}

// Reads integers and strings by path; the first member of the wrong type is remembered.
class Reader
{
public:
    explicit Reader(const Json &json, QString prefix = {})
        : m_json(json)
        , m_prefix(std::move(prefix))
    { }

    qint64 integer(std::initializer_list<const char *> path, qint64 absent)
    {
        const Json *value = at(m_json, path);
        if (!value)
            return absent;
        if (!value->is_number_integer()) {
            wrongType(path, tr("a whole number"));
            return absent;
        }
        return value->get<qint64>();
    }

    QString string(std::initializer_list<const char *> path)
    {
        const Json *value = at(m_json, path);
        if (!value)
            return {};
        if (!value->is_string()) {
            wrongType(path, tr("a string"));
            return {};
        }
        return QString::fromStdString(value->get<std::string>());
    }

    const Json *array(std::initializer_list<const char *> path)
    {
        const Json *value = at(m_json, path);
        if (value && !value->is_array()) {
            wrongType(path, tr("a list"));
            return nullptr;
        }
        return value;
    }

    const Json *object(std::initializer_list<const char *> path)
    {
        const Json *value = at(m_json, path);
        if (value && !value->is_object()) {
            wrongType(path, tr("an object"));
            return nullptr;
        }
        return value;
    }

    void wrongType(std::initializer_list<const char *> path, const QString &expected)
    {
        if (m_error.isEmpty())
            m_error = QCoreApplication::translate("KubeParsing", "%1 is not %2")
                          .arg(m_prefix + joined(path), expected);
    }

    const QString &error() const { return m_error; }

private:
    const Json &m_json;
    QString m_prefix;
    QString m_error;
};

int toInt(qint64 value)
{
    return static_cast<int>(std::clamp<qint64>(value, -1, std::numeric_limits<int>::max()));
}

QDateTime timestamp(const QString &text)
{
    if (text.isEmpty())
        return {};
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(text, Qt::ISODate);
    return time.isValid() ? time.toUTC() : QDateTime();
}

QString firstContainerImage(Reader &reader, std::initializer_list<const char *> containersPath)
{
    const Json *containers = reader.array(containersPath);
    if (!containers || containers->empty())
        return {};
    Reader first(containers->front(), joined(containersPath) + u"[0]."_s);
    QString image = first.string({"image"});
    if (!first.error().isEmpty())
        reader.wrongType(containersPath, tr("a list of containers with images"));
    return image;
}

KubePod podFrom(const Json &item, int index, QString &error)
{
    Reader reader(item, u"items[%1]."_s.arg(index));
    KubePod pod;
    pod.name = reader.string({"metadata", "name"});
    pod.phase = reader.string({"status", "phase"});
    pod.podIP = reader.string({"status", "podIP"});
    pod.hostIP = reader.string({"status", "hostIP"});
    pod.nodeName = reader.string({"spec", "nodeName"});
    pod.startedAt = timestamp(reader.string({"status", "startTime"}));
    pod.image = firstContainerImage(reader, {"spec", "containers"});

    std::optional<bool> readyCondition;
    if (const Json *conditions = reader.array({"status", "conditions"})) {
        for (const Json &condition : *conditions) {
            if (condition.is_object() && condition.value("type", std::string()) == "Ready")
                readyCondition = condition.value("status", std::string()) == "True";
        }
    }

    bool allContainersReady = true;
    const Json *statuses = reader.array({"status", "containerStatuses"});
    if (statuses && !statuses->empty()) {
        for (qsizetype i = 0; i < qsizetype(statuses->size()); ++i) {
            const Json &container = (*statuses)[size_t(i)];
            Reader one(container, u"items[%1].status.containerStatuses[%2]."_s.arg(index).arg(i));
            pod.restarts += toInt(std::max<qint64>(0, one.integer({"restartCount"}, 0)));
            const Json *ready = at(container, {"ready"});
            allContainersReady = allContainersReady && ready && ready->is_boolean() && ready->get<bool>();
            if (i == 0) {
                if (pod.image.isEmpty())
                    pod.image = one.string({"image"});
                if (const Json *running = one.object({"state", "running"})) {
                    pod.containerState = u"running"_s;
                    const QDateTime started = timestamp(Reader(*running).string({"startedAt"}));
                    if (started.isValid())
                        pod.startedAt = started;
                } else if (const Json *waiting = one.object({"state", "waiting"})) {
                    pod.containerState = u"waiting"_s;
                    pod.stateReason = Reader(*waiting).string({"reason"});
                } else if (const Json *terminated = one.object({"state", "terminated"})) {
                    pod.containerState = u"terminated"_s;
                    Reader t(*terminated);
                    const QString reason = t.string({"reason"});
                    const qint64 code = t.integer({"exitCode"}, -1);
                    const QString exit = code >= 0
                        ? QCoreApplication::translate("KubeParsing", "exit code %1").arg(code)
                        : QString();
                    pod.stateReason = reason.isEmpty() ? exit
                        : exit.isEmpty()               ? reason
                                                       : u"%1, %2"_s.arg(reason, exit);
                }
            }
            if (error.isEmpty())
                error = one.error();
        }
    } else {
        allContainersReady = false;
    }
    pod.ready = readyCondition.value_or(allContainersReady);
    if (error.isEmpty())
        error = reader.error();
    return pod;
}

} // namespace

namespace KubeParsing {

Result<KubeDeployment> deployment(QByteArrayView json)
{
    auto document = parse(json);
    if (!document)
        return std::unexpected(document.error());
    if (auto kind = expectKind(*document, "Deployment"); !kind)
        return std::unexpected(kind.error());

    Reader reader(*document);
    KubeDeployment d;
    d.desired = toInt(reader.integer({"spec", "replicas"}, -1));
    // The API leaves zero counts out of the status.
    d.total = toInt(reader.integer({"status", "replicas"}, 0));
    d.updated = toInt(reader.integer({"status", "updatedReplicas"}, 0));
    d.ready = toInt(reader.integer({"status", "readyReplicas"}, 0));
    d.available = toInt(reader.integer({"status", "availableReplicas"}, 0));
    d.generation = reader.integer({"metadata", "generation"}, 0);
    d.observedGeneration = reader.integer({"status", "observedGeneration"}, 0);
    d.image = firstContainerImage(reader, {"spec", "template", "spec", "containers"});
    d.imageTag = imageTag(d.image);
    if (const Json *labels = reader.object({"spec", "selector", "matchLabels"})) {
        for (const auto &[key, value] : labels->items()) {
            if (!value.is_string()) {
                reader.wrongType({"spec", "selector", "matchLabels"}, tr("a map of strings"));
                break;
            }
            d.selector.insert(QString::fromStdString(key), QString::fromStdString(value.get<std::string>()));
        }
    }
    if (!reader.error().isEmpty())
        return failure(reader.error());
    return d;
}

Result<QList<KubePod>> pods(QByteArrayView podListJson)
{
    auto document = parse(podListJson);
    if (!document)
        return std::unexpected(document.error());
    // kubectl -o json turns a PodList into a List; both are read.
    if (auto kind = expectKind(*document, "PodList"); !kind && !expectKind(*document, "List"))
        return std::unexpected(kind.error());
    const Json *items = at(*document, {"items"});
    if (items && !items->is_array())
        return failure(tr("items is not a list"));
    QList<KubePod> result;
    if (!items)
        return result; // an empty list may come without items
    int index = 0;
    for (const Json &item : *items) {
        if (!item.is_object())
            return failure(
                QCoreApplication::translate("KubeParsing", "items[%1] is not an object").arg(index));
        QString error;
        result.append(podFrom(item, index, error));
        if (!error.isEmpty())
            return failure(error);
        ++index;
    }
    return result;
}

Result<KubeHpa> hpa(QByteArrayView json)
{
    auto document = parse(json);
    if (!document)
        return std::unexpected(document.error());
    if (auto kind = expectKind(*document, "HorizontalPodAutoscaler"); !kind)
        return std::unexpected(kind.error());
    Reader reader(*document);
    KubeHpa h;
    h.present = true;
    h.min = toInt(reader.integer({"spec", "minReplicas"}, 1)); // the API's default
    h.max = toInt(reader.integer({"spec", "maxReplicas"}, -1));
    h.current = toInt(reader.integer({"status", "currentReplicas"}, 0)); // omitted when 0
    h.desired = toInt(reader.integer({"status", "desiredReplicas"}, 0));
    if (!reader.error().isEmpty())
        return failure(reader.error());
    return h;
}

QString statusMessage(QByteArrayView body)
{
    if (body.isEmpty())
        return {};
    ValidationIssues issues;
    const auto json = parseJsonText(body, issues);
    if (!json || !json->is_object() || json->value("kind", std::string()) != "Status")
        return {};
    const auto it = json->find("message");
    if (it == json->end() || !it->is_string())
        return {};
    return QString::fromStdString(it->get<std::string>()).trimmed();
}

QString imageTag(const QString &image)
{
    QString reference = image.trimmed();
    const qsizetype digest = reference.indexOf(u'@');
    if (digest >= 0)
        reference.truncate(digest);
    // The tag follows the last colon of the last path part; a colon before a slash is a
    // registry's port.
    const qsizetype slash = reference.lastIndexOf(u'/');
    const qsizetype colon = reference.lastIndexOf(u':');
    if (colon < 0 || colon < slash)
        return {};
    return reference.mid(colon + 1);
}

QString labelSelector(const QMap<QString, QString> &labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        parts.append(it.key() + u'=' + it.value());
    return parts.join(u',');
}

} // namespace KubeParsing
