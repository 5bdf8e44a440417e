#pragma once

#include "ValidationIssue.h"

#include <QString>
#include <QStringList>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>

using Json = nlohmann::ordered_json;

// Reads the fields of one JSON object and records every problem as a ValidationIssue
// under the field's path, so a document is checked completely in one pass instead
// of stopping at the first mistake. Unknown keys are reported too: a typo in a key
// would otherwise be silently ignored.
class JsonReader
{
public:
    enum Need
    {
        Optional,
        Required
    };

    JsonReader(const Json &object, QString path, ValidationIssues &issues,
        std::initializer_list<const char *> knownKeys);

    bool isObject() const { return m_object.is_object(); }
    bool has(const char *key) const;
    const Json *child(const char *key) const;
    QString pathOf(const char *key) const;
    QString pathOf(const char *key, int index) const;
    void addIssue(const QString &path, const QString &reason) const;

    std::optional<QString> string(const char *key, Need need) const;
    std::optional<int> integer(const char *key, Need need, int minimum, int maximum) const;
    std::optional<bool> boolean(const char *key, Need need) const;
    std::optional<QStringList> stringList(const char *key, Need need) const;

    static QString toQString(const std::string &text) { return QString::fromStdString(text); }
    static std::string toStd(const QString &text) { return text.toStdString(); }

private:
    const Json *require(const char *key, Need need) const;

    const Json &m_object;
    QString m_path;
    ValidationIssues &m_issues;
};

// Parses JSON text; a syntax error becomes one issue that names line and column.
std::optional<Json> parseJsonText(QByteArrayView text, ValidationIssues &issues);
