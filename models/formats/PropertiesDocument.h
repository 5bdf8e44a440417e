#pragma once

#include "Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// A Java .properties file (openspecimen.properties, Joget app_datasource*.properties,
// Tomcat catalina.properties; Docker Compose .env files read the same way) that can
// be edited without disturbing the rest of it: comments, blank lines, line endings,
// continuation lines and the order of the entries stay as they were, so a change made
// here shows in a diff as exactly the lines that changed. The text is UTF-8; a byte
// order mark is read as Java reads it, as part of the first key.
class PropertiesDocument
{
    Q_DECLARE_TR_FUNCTIONS(PropertiesDocument)

public:
    // `label` names the file in errors ("jatos-1:/opt/x/conf/openspecimen.properties").
    static Result<PropertiesDocument> parse(QByteArrayView text, const QString &label);

    // Unescaped; the last occurrence wins, as in Java.
    std::optional<QString> value(const QString &key) const;
    bool contains(const QString &key) const { return value(key).has_value(); }
    // In file order, each once.
    QStringList keys() const;
    // Replaces the value of the last occurrence in place, keeping the key's spelling,
    // separator and the line's position; earlier duplicates are left alone. An absent
    // key is appended as "key=value".
    void setValue(const QString &key, const QString &value);
    // Removes every line of every occurrence. False if the key was not there.
    bool remove(const QString &key);
    QByteArray toBytes() const { return m_text; }

    // The text Java reads back as `value` (leading space, backslash, line breaks and
    // other control characters escaped; other characters kept as UTF-8).
    static QByteArray escapeValue(const QString &value);
    static QByteArray escapeKey(const QString &key);

private:
    struct Entry
    {
        QString key;
        QString value;
        qsizetype lineStart = 0; // the whole logical line, terminator included
        qsizetype lineEnd = 0;
        qsizetype valueStart = 0; // the value's escaped text, continuation lines included
        qsizetype valueEnd = 0;
        bool hasSeparator = false;
    };

    const Entry *lastEntry(const QString &key) const;
    void reparse(QByteArray text);

    QByteArray m_text;
    QString m_label;
    QList<Entry> m_entries;
};
