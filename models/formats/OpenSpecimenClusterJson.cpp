#include "OpenSpecimenClusterJson.h"

#include "JsonReader.h"

#include <QRegularExpression>
#include <QUrl>

#include <limits>

namespace {

using Need = JsonReader::Need;

void validateNode(const OpenSpecimenClusterNode &node, const QString &path, ValidationIssues &issues)
{
    using C = OpenSpecimenClusterJson;
    const QString namePath = path + QStringLiteral(".name");
    static const QRegularExpression nameChars(QStringLiteral(R"(^[A-Za-z0-9._-]*\z)"));
    static const QRegularExpression whitespace(QStringLiteral(R"(\s)"));
    if (node.name.isEmpty())
        issues.append({namePath, C::tr("must not be empty")});
    else if (whitespace.match(node.name).hasMatch())
        issues.append({namePath, C::tr("must not contain white space")});
    else if (!nameChars.match(node.name).hasMatch())
        issues.append({namePath, C::tr("may contain only letters A-Z and a-z, digits and '.', '_', '-'")});
    if (node.name.size() > C::MaxNodeNameLength)
        issues.append({namePath, C::tr("must be at most %1 characters long").arg(C::MaxNodeNameLength)});

    const QString urlPath = path + QStringLiteral(".url");
    const QUrl url(node.url, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (node.url.isEmpty())
        issues.append({urlPath, C::tr("must not be empty")});
    else if (!url.isValid() || url.isRelative() || (scheme != u"http" && scheme != u"https"))
        issues.append({urlPath, C::tr("must be an absolute http:// or https:// URL")});
    else if (url.host().isEmpty())
        issues.append({urlPath, C::tr("must name a host")});
    else if (url.path().size() < 2 || !url.path().endsWith(QLatin1Char('/')))
        issues.append({urlPath,
            C::tr("must end in the application's context path with a closing '/', "
                  "e.g. http://10.0.1.1:8080/openspecimen/")});
    else if (url.hasQuery() || url.hasFragment())
        issues.append({urlPath, C::tr("must not have a query or fragment")});
}

} // namespace

std::expected<OpenSpecimenClusterJson, ValidationIssues> OpenSpecimenClusterJson::parse(QByteArrayView text)
{
    ValidationIssues issues;
    const std::optional<Json> json = parseJsonText(text, issues);
    if (!json)
        return std::unexpected(issues);
    OpenSpecimenClusterJson result;
    JsonReader reader(*json, QString(), issues, {"notifTimeout", "notifErrorRcpts", "secret", "nodes"});
    if (!reader.isObject())
        return std::unexpected(issues);
    // Types here, ranges in validate(): a value out of range is still read.
    constexpr int anyInt = std::numeric_limits<int>::max();
    result.notifTimeout = reader.integer("notifTimeout", Need::Optional, -anyInt, anyInt).value_or(60);
    result.notifErrorRcpts = reader.stringList("notifErrorRcpts", Need::Optional).value_or(QStringList());
    result.secret = reader.string("secret", Need::Required).value_or(QString());
    if (const Json *nodes = reader.child("nodes"); nodes && !nodes->is_array()) {
        reader.addIssue(reader.pathOf("nodes"), tr("must be a list of nodes"));
    } else if (nodes) {
        int index = 0;
        for (const Json &item : *nodes) {
            JsonReader node(item, reader.pathOf("nodes", index++), issues, {"name", "url"});
            if (!node.isObject())
                continue;
            result.nodes.append({node.string("name", Need::Required).value_or(QString()),
                node.string("url", Need::Required).value_or(QString())});
        }
    } else {
        reader.addIssue(reader.pathOf("nodes"), tr("missing"));
    }
    if (!issues.isEmpty())
        return std::unexpected(issues);
    return result;
}

ValidationIssues OpenSpecimenClusterJson::validate() const
{
    ValidationIssues issues;
    if (nodes.isEmpty())
        issues.append({QStringLiteral("nodes"), tr("must list at least one node")});
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        const QString path = QStringLiteral("nodes[%1]").arg(i);
        validateNode(nodes[i], path, issues);
        for (qsizetype j = 0; j < i; ++j) {
            if (!nodes[i].name.isEmpty() && nodes[j].name == nodes[i].name) {
                issues.append({path + QStringLiteral(".name"),
                    tr("\"%1\" is already the name of nodes[%2]").arg(nodes[i].name).arg(j)});
                break;
            }
        }
    }
    if (notifTimeout < MinNotifTimeout || notifTimeout > MaxNotifTimeout)
        issues.append({QStringLiteral("notifTimeout"),
            tr("must be between %1 and %2 seconds, not %3")
                .arg(MinNotifTimeout)
                .arg(MaxNotifTimeout)
                .arg(notifTimeout)});
    for (qsizetype i = 0; i < notifErrorRcpts.size(); ++i) {
        if (!isValidEmail(notifErrorRcpts[i]))
            issues.append({QStringLiteral("notifErrorRcpts[%1]").arg(i),
                tr("\"%1\" is not an e-mail address like name@example.org").arg(notifErrorRcpts[i])});
    }
    if (secret.size() < MinSecretLength)
        issues.append(
            {QStringLiteral("secret"), tr("must be at least %1 characters long").arg(MinSecretLength)});
    return issues;
}

QByteArray OpenSpecimenClusterJson::toJson() const
{
    Json json = Json::object();
    json["notifTimeout"] = notifTimeout;
    Json recipients = Json::array();
    for (const QString &address : notifErrorRcpts)
        recipients.push_back(address.toStdString());
    json["notifErrorRcpts"] = std::move(recipients);
    json["secret"] = secret.toStdString();
    Json list = Json::array();
    for (const OpenSpecimenClusterNode &node : nodes)
        list.push_back(Json {{"name", node.name.toStdString()}, {"url", node.url.toStdString()}});
    json["nodes"] = std::move(list);
    // Strings come from valid UTF-8 or QString, so the replacement never happens; it
    // keeps dump() from throwing should one ever not.
    return QByteArray::fromStdString(json.dump(2, ' ', false, Json::error_handler_t::replace) + '\n');
}

bool OpenSpecimenClusterJson::isValidEmail(const QString &address)
{
    static const QRegularExpression local(
        QStringLiteral(R"(^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*\z)"));
    static const QRegularExpression label(QStringLiteral(R"(^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\z)"));
    const QStringList parts = address.split(QLatin1Char('@'));
    if (parts.size() != 2 || parts[0].size() > 64 || address.size() > 254
        || !local.match(parts[0]).hasMatch())
        return false;
    const QStringList labels = parts[1].split(QLatin1Char('.'));
    if (labels.size() < 2)
        return false;
    for (const QString &part : labels) {
        if (part.size() > 63 || !label.match(part).hasMatch())
            return false;
    }
    return true;
}
