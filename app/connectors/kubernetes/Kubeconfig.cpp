#include "Kubeconfig.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>

#include <string>
#include <yaml-cpp/yaml.h>

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 MaxSize = 16 * 1024 * 1024;

QString tr(const char *text)
{
    return QCoreApplication::translate("Kubeconfig", text);
}

// The file as the user would type it: the home folder as "~".
QString shown(const QString &path)
{
    const QString home = QDir::homePath();
    QString native = QDir::cleanPath(path);
    if (!home.isEmpty() && home != u"/"_s && native.startsWith(home + u'/'))
        native = u"~"_s + native.mid(home.size());
    return QDir::toNativeSeparators(native);
}

QString where(const YAML::Mark &mark)
{
    if (mark.is_null())
        return {};
    return QCoreApplication::translate("Kubeconfig", " (line %1, column %2)")
        .arg(mark.line + 1)
        .arg(mark.column + 1);
}

struct ParseError
{
    QString message;
};

// Reads one kubeconfig; problems are thrown as ParseError and caught in parse().
class Reader
{
public:
    explicit Reader(QString file)
        : m_file(std::move(file))
    { }

    [[noreturn]] void error(const QString &problem, const YAML::Mark &mark = YAML::Mark::null_mark()) const
    {
        throw ParseError {QCoreApplication::translate("Kubeconfig", "kubeconfig %1: %2%3")
                              .arg(shown(m_file), problem, where(mark))};
    }

    QString string(const YAML::Node &map, const char *key, const QString &what) const
    {
        const YAML::Node node = map[key];
        if (!node || node.IsNull())
            return {};
        if (!node.IsScalar())
            error(QCoreApplication::translate("Kubeconfig", "%1.%2 is not a string")
                      .arg(what, QString::fromLatin1(key)),
                node.Mark());
        return QString::fromStdString(node.Scalar());
    }

    bool boolean(const YAML::Node &map, const char *key, const QString &what) const
    {
        const YAML::Node node = map[key];
        if (!node || node.IsNull())
            return false;
        bool value = false;
        if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
            error(QCoreApplication::translate("Kubeconfig", "%1.%2 is not true or false")
                      .arg(what, QString::fromLatin1(key)),
                node.Mark());
        return value;
    }

    // The sequence under key, each entry {name: ..., <inner>: {...}}; name -> inner map.
    QHash<QString, YAML::Node> namedEntries(const YAML::Node &root, const char *key, const char *inner) const
    {
        QHash<QString, YAML::Node> entries;
        const YAML::Node list = root[key];
        if (!list || list.IsNull())
            return entries;
        const QString listName = QString::fromLatin1(key);
        if (!list.IsSequence())
            error(QCoreApplication::translate("Kubeconfig", "%1 is not a list").arg(listName), list.Mark());
        for (std::size_t i = 0; i < list.size(); ++i) {
            const YAML::Node entry = list[i];
            const QString what = u"%1[%2]"_s.arg(listName).arg(i);
            if (!entry.IsMap())
                error(QCoreApplication::translate("Kubeconfig", "%1 is not a map").arg(what), entry.Mark());
            const QString name = string(entry, "name", what);
            if (name.isEmpty())
                error(QCoreApplication::translate("Kubeconfig", "%1 has no name").arg(what), entry.Mark());
            if (entries.contains(name))
                error(QCoreApplication::translate("Kubeconfig", "%1 defines '%2' twice").arg(listName, name),
                    entry.Mark());
            const YAML::Node body = entry[inner];
            if (body && !body.IsNull() && !body.IsMap())
                error(QCoreApplication::translate("Kubeconfig", "%1.%2 is not a map")
                          .arg(what, QString::fromLatin1(inner)),
                    body.Mark());
            entries.insert(name, body && body.IsMap() ? body : YAML::Node(YAML::NodeType::Map));
        }
        return entries;
    }

private:
    QString m_file;
};

Kubeconfig read(const YAML::Node &root, const QString &path)
{
    const Reader reader(path);
    if (!root || root.IsNull())
        reader.error(tr("the file is empty"));
    if (!root.IsMap())
        reader.error(tr("not a kubeconfig (the document is not a map)"), root.Mark());

    const QString folder = QFileInfo(path).absolutePath();
    Kubeconfig config;
    config.path = path;
    config.currentContext = reader.string(root, "current-context", u"kubeconfig"_s);

    const auto clusters = reader.namedEntries(root, "clusters", "cluster");
    const auto users = reader.namedEntries(root, "users", "user");

    const YAML::Node contextList = root["contexts"];
    if (contextList && !contextList.IsNull() && !contextList.IsSequence())
        reader.error(tr("contexts is not a list"), contextList.Mark());
    // namedEntries checks the shape; the order of the list is kept here.
    const auto contexts = reader.namedEntries(root, "contexts", "context");
    for (std::size_t i = 0; contextList && contextList.IsSequence() && i < contextList.size(); ++i) {
        KubeconfigContext context;
        context.name = QString::fromStdString(contextList[i]["name"].Scalar());
        const YAML::Node body = contexts.value(context.name);
        const QString what = u"context '%1'"_s.arg(context.name);
        context.cluster = reader.string(body, "cluster", what);
        context.user = reader.string(body, "user", what);
        context.ns = reader.string(body, "namespace", what);

        if (context.cluster.isEmpty())
            reader.error(tr("context '%1' names no cluster").arg(context.name), contextList[i].Mark());
        if (!clusters.contains(context.cluster))
            reader.error(tr("context '%1' names cluster '%2', which is not defined")
                             .arg(context.name, context.cluster),
                contextList[i].Mark());
        if (!context.user.isEmpty() && !users.contains(context.user))
            reader.error(
                tr("context '%1' names user '%2', which is not defined").arg(context.name, context.user),
                contextList[i].Mark());

        const YAML::Node cluster = clusters.value(context.cluster);
        const QString clusterWhat = u"cluster '%1'"_s.arg(context.cluster);
        const QString server = reader.string(cluster, "server", clusterWhat);
        context.server = QUrl(server, QUrl::StrictMode);
        if (server.isEmpty() || !context.server.isValid() || context.server.host().isEmpty())
            reader.error(tr("cluster '%1' has no valid server URL").arg(context.cluster), cluster.Mark());
        const QString caFile = reader.string(cluster, "certificate-authority", clusterWhat);
        if (!caFile.isEmpty())
            context.caFile = QDir::cleanPath(QDir(folder).absoluteFilePath(caFile));
        const QString caData = reader.string(cluster, "certificate-authority-data", clusterWhat);
        if (!caData.isEmpty()) {
            auto decoded = QByteArray::fromBase64Encoding(
                caData.toLatin1(), QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded || !decoded.decoded.contains("-----BEGIN"))
                reader.error(
                    tr("cluster '%1': certificate-authority-data is not a base64-encoded PEM certificate")
                        .arg(context.cluster),
                    cluster["certificate-authority-data"].Mark());
            context.caData = decoded.decoded;
        }
        context.insecureSkipTlsVerify = reader.boolean(cluster, "insecure-skip-tls-verify", clusterWhat);

        if (!context.user.isEmpty()) {
            const YAML::Node user = users.value(context.user);
            const QString userWhat = u"user '%1'"_s.arg(context.user);
            context.token = reader.string(user, "token", userWhat).toUtf8();
            context.tokenFile = reader.string(user, "tokenFile", userWhat);
            context.hasClientCertificate = user["client-certificate"] || user["client-certificate-data"];
            context.hasExec = user["exec"] || user["auth-provider"];
        }
        config.contexts.append(context);
    }

    if (!config.currentContext.isEmpty() && !config.context(config.currentContext))
        reader.error(tr("current-context '%1' is not defined").arg(config.currentContext),
            root["current-context"].Mark());
    return config;
}

} // namespace

QString Kubeconfig::defaultPath()
{
    const QString variable = qEnvironmentVariable("KUBECONFIG");
    for (const QString &entry : variable.split(QDir::listSeparator(), Qt::SkipEmptyParts)) {
        if (!entry.trimmed().isEmpty())
            return entry;
    }
    return QDir::homePath() + u"/.kube/config"_s;
}

Result<Kubeconfig> Kubeconfig::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(tr("kubeconfig %1: cannot read it: %2").arg(shown(path), file.errorString()));
    if (file.size() > MaxSize)
        return failure(tr("kubeconfig %1: larger than %2 MiB").arg(shown(path)).arg(MaxSize >> 20));
    return parse(file.readAll(), path);
}

Result<Kubeconfig> Kubeconfig::parse(QByteArrayView text, const QString &path)
{
    // yaml-cpp reports by exception; every one ends here.
    try {
        const YAML::Node root = YAML::Load(std::string(text.data(), std::size_t(text.size())));
        return read(root, path);
    } catch (const ParseError &error) {
        return failure(error.message);
    } catch (const YAML::Exception &error) {
        return failure(tr("kubeconfig %1: not valid YAML: %2%3")
                           .arg(shown(path), QString::fromStdString(error.msg), where(error.mark)));
    }
}

std::optional<KubeconfigContext> Kubeconfig::context(const QString &name) const
{
    for (const KubeconfigContext &context : contexts) {
        if (context.name == name)
            return context;
    }
    return std::nullopt;
}
