#pragma once

#include "ClusterStatus.h"

#include <QDateTime>
#include <QList>
#include <QString>

// The recent past of one node, for its details pane: latency samples and the
// moments its health changed. Bounded: old entries fall off the front.
class NodeHistory
{
public:
    static constexpr qsizetype MaxSamples = 120; // two hours at one refresh a minute
    static constexpr qsizetype MaxEvents = 50;

    struct Sample
    {
        QDateTime at;
        NodeHealth health = NodeHealth::Unknown;
        int latencyMs = -1;
    };

    struct Event
    {
        QDateTime at;
        NodeHealth from = NodeHealth::Unknown;
        NodeHealth to = NodeHealth::Unknown;
        QString error; // why, when the node went down or unknown
    };

    // Adds a sample for a status with a new checkedAt; returns true when the health
    // changed (the first sample is a change only when it is not Unknown). An event
    // is kept for each change of health and for each new error.
    bool record(const NodeStatus &status);

    const QList<Sample> &samples() const { return m_samples; }
    const QList<Event> &events() const { return m_events; }
    // The errors of the events, newest first.
    QStringList recentErrors(qsizetype count = 5) const;
    NodeHealth lastHealth() const;

private:
    QList<Sample> m_samples;
    QList<Event> m_events;
    QString m_lastError;
};
