#pragma once

// Helpers shared by the ClusterProfile tests: the example profiles in
// tests/data/profiles, and edits of them at one JSON pointer.

#include "ClusterProfile.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <string>

using namespace Qt::StringLiterals;

namespace ProfileTestSupport {

inline const QString HostsFile = u"hosts-jatos.json"_s;
inline const QString ComposeFile = u"compose-joget.json"_s;
inline const QString KubernetesFile = u"kubernetes-openspecimen.json"_s;

// A word every clear-text refusal uses, whatever else it says.
inline const QString ClearSecretWord = u"keychain"_s;

inline QByteArray readProfileFile(const QString &name)
{
    QFile file(QDir(QString::fromUtf8(CLUSTERDESK_TEST_DATA_DIR)).filePath(u"profiles/"_s + name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read test data file %s", qPrintable(file.fileName()));
    return file.readAll();
}

inline Json loadJson(const QString &name)
{
    const QByteArray text = readProfileFile(name);
    return Json::parse(text.constBegin(), text.constEnd());
}

inline QByteArray dump(const Json &json)
{
    return QByteArray::fromStdString(json.dump(4));
}

// The document with the value at `pointer` replaced by the JSON `value` (created
// if missing), or removed when `value` is empty.
inline Json edited(Json document, const QString &pointer, const QByteArray &value)
{
    const Json::json_pointer where(pointer.toStdString());
    if (value.isEmpty()) {
        Json &container = document.at(where.parent_pointer());
        if (container.is_array())
            container.erase(static_cast<std::size_t>(std::stoul(where.back())));
        else
            container.erase(where.back());
    } else {
        document[where] = Json::parse(value.constBegin(), value.constEnd());
    }
    return document;
}

inline ValidationIssues issuesOf(QByteArrayView text)
{
    const auto result = ClusterProfile::fromJson(text);
    return result ? ValidationIssues {} : result.error();
}

inline qsizetype countIssues(const ValidationIssues &issues, const QString &path, const QString &reasonPart)
{
    return std::count_if(issues.cbegin(), issues.cend(), [&](const ValidationIssue &issue) {
        return issue.path == path && issue.reason.contains(reasonPart);
    });
}

inline QByteArray describe(const QString &path, const QString &reason, const ValidationIssues &issues)
{
    return (u"expected \""_s + path + u": ..."_s + reason + u"...\", got:\n"_s + formatIssues(issues))
        .toUtf8();
}

inline QStringList secretUsePaths(const ClusterProfile &profile)
{
    QStringList paths;
    for (const SecretUse &use : profile.secretUses())
        paths << use.path + u" -> "_s + use.ref.name;
    return paths;
}

} // namespace ProfileTestSupport
