#pragma once

#include "Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// A Docker Compose project's .env file, read as Compose reads it and edited without
// disturbing the rest: comments, blank lines, `export ` prefixes, line endings and the
// order of the entries stay as they were.
//
// The syntax (Compose's "environment file" rules): `KEY=VALUE` per line; `#` starts a
// comment line, or an inline comment after a space in an unquoted value or after the
// closing quote of a quoted one; unquoted values are trimmed; 'single-quoted' values
// are literal; "double-quoted" values take the escapes \n \r \t \\ \" \$. Compose
// expands ${VAR} in unquoted and double-quoted values: such a value is reported as
// written (value()) and flagged by isInterpolated(), since its effective value depends
// on the Compose host's environment. Values span one line.
//
// setValue() writes a value so that Compose reads it back literally: unquoted when it
// is made of plain characters, otherwise in single quotes. A value Compose cannot read
// back literally (one with a single quote, a line break or another control character)
// is refused by check() and by setValue().
class DotEnvDocument
{
    Q_DECLARE_TR_FUNCTIONS(DotEnvDocument)

public:
    // `label` names the file in errors ("compose-host:/srv/jatos/.env").
    static Result<DotEnvDocument> parse(QByteArrayView text, const QString &label);

    // The last occurrence wins, as in Compose.
    std::optional<QString> value(const QString &key) const;
    bool contains(const QString &key) const { return value(key).has_value(); }
    bool isInterpolated(const QString &key) const;
    // In file order, each once.
    QStringList keys() const;

    // Why `value` cannot be written for `key`; ok when it can.
    static Result<void> check(const QString &key, const QString &value);
    // Replaces the value of the last occurrence in place, keeping its line's `export `,
    // spacing and inline comment; an absent key is appended as KEY=VALUE.
    Result<void> setValue(const QString &key, const QString &value);
    QByteArray toBytes() const { return m_text; }

    // The text setValue() writes for `value` (assumed to pass check()).
    static QByteArray encodeValue(const QString &value);
    static bool isValidKey(const QString &key);

private:
    struct Entry
    {
        QString key;
        QString value;
        bool interpolated = false;
        qsizetype valueStart = 0; // the value as written, quotes included
        qsizetype valueEnd = 0;
    };

    const Entry *lastEntry(const QString &key) const;

    QByteArray m_text;
    QString m_label;
    QList<Entry> m_entries;
};
