#pragma once

#include <QMap>
#include <QString>

#include <nlohmann/json.hpp>

// How many values a redaction replaced, per kind, for the bundle's manifest: the name
// a known secret was registered under ("db.password") or the rule that caught an
// unknown one ("pattern:JATOS_SECRET", "pattern:url-password"). Never a value.
// Summaries of streams redacted on different threads are added up with merge().
class RedactionSummary
{
public:
    void add(const QString &kind, qint64 count = 1);
    void merge(const RedactionSummary &other);

    qint64 count(const QString &kind) const { return m_counts.value(kind); }
    qint64 total() const;
    const QMap<QString, qint64> &counts() const { return m_counts; }

    // {"total": n, "replacements": {"<kind>": n, ...}} with the kinds sorted.
    nlohmann::ordered_json toJson() const;

private:
    QMap<QString, qint64> m_counts;
};
