#include "RedactionSummary.h"

void RedactionSummary::add(const QString &kind, qint64 count)
{
    if (count > 0)
        m_counts[kind] += count;
}

void RedactionSummary::merge(const RedactionSummary &other)
{
    for (auto it = other.m_counts.cbegin(); it != other.m_counts.cend(); ++it)
        m_counts[it.key()] += it.value();
}

qint64 RedactionSummary::total() const
{
    qint64 sum = 0;
    for (const qint64 n : m_counts)
        sum += n;
    return sum;
}

nlohmann::ordered_json RedactionSummary::toJson() const
{
    nlohmann::ordered_json replacements = nlohmann::ordered_json::object();
    for (auto it = m_counts.cbegin(); it != m_counts.cend(); ++it)
        replacements[it.key().toStdString()] = it.value();
    return {{"total", total()}, {"replacements", std::move(replacements)}};
}
