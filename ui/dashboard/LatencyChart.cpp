#include "LatencyChart.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <limits>

LatencyChart::LatencyChart(QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Latency history"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    describe();
}

void LatencyChart::setSamples(const QList<NodeHistory::Sample> &samples)
{
    m_samples = samples;
    describe();
    update();
}

QSize LatencyChart::sizeHint() const
{
    return {320, fontMetrics().height() * 5};
}

QSize LatencyChart::minimumSizeHint() const
{
    return {120, fontMetrics().height() * 5};
}

void LatencyChart::describe()
{
    int answered = 0;
    int missing = 0;
    int low = std::numeric_limits<int>::max();
    int high = 0;
    for (const auto &sample : std::as_const(m_samples)) {
        if (sample.latencyMs < 0) {
            ++missing;
            continue;
        }
        ++answered;
        low = std::min(low, sample.latencyMs);
        high = std::max(high, sample.latencyMs);
    }
    if (m_samples.isEmpty()) {
        setAccessibleDescription(tr("No checks yet."));
        setToolTip(accessibleDescription());
        return;
    }
    QString text = tr("Latency of the last %n checks", nullptr, int(m_samples.size()));
    if (answered > 0) {
        const int latest = [this] {
            for (auto it = m_samples.crbegin(); it != m_samples.crend(); ++it)
                if (it->latencyMs >= 0)
                    return it->latencyMs;
            return -1;
        }();
        text += tr(": lowest %1 ms, highest %2 ms, latest answer %3 ms").arg(low).arg(high).arg(latest);
    }
    if (missing > 0)
        text += tr("; %n without an answer", nullptr, missing);
    setAccessibleDescription(text + u'.');
    setToolTip(accessibleDescription());
}

void LatencyChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const QFontMetrics metrics = fontMetrics();

    painter.fillRect(rect(), pal.color(QPalette::Base));
    painter.setPen(pal.color(QPalette::Mid));
    painter.drawRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5));

    int high = 0;
    for (const auto &sample : std::as_const(m_samples))
        high = std::max(high, sample.latencyMs);
    // A round top for the scale: 10, 20, 50, 100, 200, 500 ms...
    int top = 10;
    for (int i = 0; top < high; ++i)
        top = i % 3 == 1 ? top * 5 / 2 : top * 2;

    const QString topText = tr("%1 ms").arg(top);
    const int labelWidth = metrics.horizontalAdvance(topText) + 8;
    const QRectF plot = QRectF(rect()).adjusted(labelWidth, metrics.height() / 2.0 + 2, -6, -6);

    painter.setPen(pal.color(QPalette::PlaceholderText));
    painter.drawText(
        QRectF(0, 0, labelWidth - 4, metrics.height() + 4), Qt::AlignRight | Qt::AlignVCenter, topText);
    painter.drawText(QRectF(0, plot.bottom() - metrics.height(), labelWidth - 4, metrics.height()),
        Qt::AlignRight | Qt::AlignBottom, tr("0"));
    painter.setPen(QPen(pal.color(QPalette::Midlight), 1, Qt::DotLine));
    painter.drawLine(plot.topLeft(), plot.topRight());
    painter.drawLine(plot.bottomLeft(), plot.bottomRight());

    if (m_samples.isEmpty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(plot, Qt::AlignCenter, tr("No checks yet"));
        return;
    }

    // Right-aligned: the newest sample is always at the right edge; a short history
    // keeps a steady spacing rather than stretching over the whole width.
    const qsizetype places = std::max<qsizetype>(m_samples.size(), NodeHistory::MaxSamples / 4);
    const auto xAt = [&](qsizetype i) {
        return plot.right() - (m_samples.size() - 1 - i) * plot.width() / (places - 1);
    };
    const auto yAt = [&](int latency) { return plot.bottom() - latency * plot.height() / top; };

    QPainterPath line;
    bool drawing = false;
    for (qsizetype i = 0; i < m_samples.size(); ++i) {
        const auto &sample = m_samples.at(i);
        if (sample.latencyMs < 0) {
            drawing = false;
            continue;
        }
        const QPointF point(xAt(i), yAt(sample.latencyMs));
        if (drawing)
            line.lineTo(point);
        else
            line.moveTo(point);
        drawing = true;
    }
    painter.setPen(QPen(pal.color(QPalette::Highlight), 1.5));
    painter.drawPath(line);

    // Checks without an answer: a cross on the baseline, in the text colour.
    painter.setPen(QPen(pal.color(QPalette::Text), 1.5));
    const qreal arm = 3;
    for (qsizetype i = 0; i < m_samples.size(); ++i) {
        const auto &sample = m_samples.at(i);
        if (sample.latencyMs >= 0 && sample.health != NodeHealth::Down)
            continue;
        const QPointF at(xAt(i), plot.bottom() - arm - 1);
        painter.drawLine(at + QPointF(-arm, -arm), at + QPointF(arm, arm));
        painter.drawLine(at + QPointF(-arm, arm), at + QPointF(arm, -arm));
    }
}
