#include "NodeHistory.h"

bool NodeHistory::record(const NodeStatus &status)
{
    if (!status.checkedAt.isValid())
        return false;
    if (!m_samples.isEmpty() && m_samples.constLast().at == status.checkedAt)
        return false; // nothing new
    const NodeHealth previous = lastHealth();
    const QString previousError = m_lastError;
    m_lastError = status.error;
    m_samples.append({status.checkedAt, status.health, status.latencyMs});
    if (m_samples.size() > MaxSamples)
        m_samples.remove(0, m_samples.size() - MaxSamples);
    const bool changed = previous != status.health;
    // A new problem on a node that stays down is an event too: "refused" then "no answer".
    if (!changed && (status.error.isEmpty() || status.error == previousError))
        return false;
    m_events.append({status.checkedAt, previous, status.health, status.error});
    if (m_events.size() > MaxEvents)
        m_events.remove(0, m_events.size() - MaxEvents);
    return changed;
}

NodeHealth NodeHistory::lastHealth() const
{
    return m_samples.isEmpty() ? NodeHealth::Unknown : m_samples.constLast().health;
}

QStringList NodeHistory::recentErrors(qsizetype count) const
{
    QStringList errors;
    for (auto it = m_events.crbegin(); it != m_events.crend() && errors.size() < count; ++it)
        if (!it->error.isEmpty())
            errors.append(it->at.toLocalTime().toString(Qt::ISODate) + QStringLiteral("  ") + it->error);
    return errors;
}
