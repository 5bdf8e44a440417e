#pragma once

#include "ClusterStatus.h"

#include <QDateTime>
#include <QString>

// How the dashboard writes times, sizes and states; kept in one place so the
// summary, the details pane and the tests agree.
namespace DashboardText {

// "14:03:07" for today, "2026-11-20 14:03" before; local time.
QString time(const QDateTime &utc, const QDateTime &now = QDateTime::currentDateTimeUtc());
// "12.4 GiB": binary units, as df -h and file managers show free space.
QString bytes(qint64 bytes);
QString controlState(ControlState state, const QString &error);

} // namespace DashboardText
