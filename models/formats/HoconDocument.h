#pragma once

#include "Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// JATOS's conf/jatos.conf (HOCON), read well enough to find and change settings
// without disturbing anything else in the file: comments, includes, layout and the
// form of every other value stay byte for byte as they were.
//
// Understood: `key = value`, `key: value`, `key { ... }` and `key = { ... }` (nested
// to any depth, merged as HOCON merges them), dotted and quoted keys (`a.b`,
// `"a.b"`), `#` and `//` comments, `include "..."` and `include file(...)` /
// `url(...)` / `classpath(...)` / `required(...)`, quoted, triple-quoted and
// unquoted strings, numbers, booleans, arrays and `${...}` / `${?...}`
// substitutions. Substitutions are not resolved and includes are not read: value()
// gives their text as written. Later definitions override earlier ones; a
// non-object replaces an object at the same path and the other way round.
//
// Paths are written as HOCON writes them: `jatos.db.url`, `"a.b".c`.
class HoconDocument
{
    Q_DECLARE_TR_FUNCTIONS(HoconDocument)

public:
    enum class Kind
    {
        String, // written as a double-quoted string
        Raw // written as given: numbers, booleans, substitutions
    };

    // Errors name label:line:column and the reason.
    static Result<HoconDocument> parse(QByteArrayView text, const QString &label);

    // The effective value of a leaf: unescaped for a quoted string, the text as
    // written otherwise (numbers, booleans, arrays, substitutions, concatenations).
    std::optional<QString> value(const QString &path) const;
    std::optional<Kind> kind(const QString &path) const;
    // Every leaf path in effect, once each, in the order they first appear.
    QStringList paths() const;
    // The names given to include statements, in file order.
    QStringList includes() const { return m_includes; }
    // Edits the effective definition in place, keeping its line, indentation,
    // separator and a comment after it; an absent path is added at the end of the
    // file (top level, full path). A Raw value that would not read back as itself
    // (empty, several lines, a comment) is written as a quoted string instead.
    void setValue(const QString &path, const QString &value, Kind kind = Kind::String);
    QByteArray toBytes() const { return m_text; }

    // A JSON-style double-quoted string.
    static QByteArray quoted(const QString &text);
    // A path expression's elements; a malformed one is split at every dot.
    static QStringList splitPath(const QString &path);
    static QString joinPath(const QStringList &elements);

    struct Definition
    {
        QStringList path;
        QString value;
        Kind kind = Kind::Raw;
        qsizetype start = 0; // the value's text in the file
        qsizetype end = 0;
        bool effective = true;
    };

private:
    friend class HoconParser;
    const Definition *effective(const QStringList &path) const;

    QByteArray m_text;
    QString m_label;
    QList<Definition> m_definitions;
    QStringList m_includes;
    qsizetype m_rootClose = -1; // the root object's closing brace, when the file has one
};
