#include "DashboardText.h"

#include <QCoreApplication>
#include <QLocale>

namespace DashboardText {

QString time(const QDateTime &utc, const QDateTime &now)
{
    if (!utc.isValid())
        return QStringLiteral("–");
    const QDateTime local = utc.toLocalTime();
    if (local.date() == now.toLocalTime().date())
        return local.toString(QStringLiteral("HH:mm:ss"));
    return local.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString bytes(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

QString controlState(ControlState state, const QString &error)
{
    switch (state) {
    case ControlState::NotConfigured:
        return QCoreApplication::translate("DashboardText", "not configured (the node has no SSH target)");
    case ControlState::Pending:
        return QCoreApplication::translate("DashboardText", "connecting…");
    case ControlState::Ok:
        return QCoreApplication::translate("DashboardText", "connected");
    case ControlState::Failed:
        if (error.isEmpty())
            return QCoreApplication::translate("DashboardText", "failed");
        return QCoreApplication::translate("DashboardText", "failed: %1").arg(error);
    case ControlState::HostKeyUnknown:
        return QCoreApplication::translate("DashboardText", "waiting for you to accept the host key");
    case ControlState::HostKeyChanged:
        return QCoreApplication::translate("DashboardText", "refused: the host key has changed");
    }
    return {};
}

} // namespace DashboardText
