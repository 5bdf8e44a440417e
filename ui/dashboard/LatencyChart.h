#pragma once

#include "NodeHistory.h"

#include <QWidget>

// The latency of one node's recent health checks as a line, newest on the right.
// Checks without an answer are marked with a cross on the baseline. Its accessible
// description says the same in words.
class LatencyChart final : public QWidget
{
    Q_OBJECT

public:
    explicit LatencyChart(QWidget *parent = nullptr);

    void setSamples(const QList<NodeHistory::Sample> &samples);
    const QList<NodeHistory::Sample> &samples() const { return m_samples; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void describe();

    QList<NodeHistory::Sample> m_samples;
};
