#include "KeychainProbe.h"

#include <QCoreApplication>

#if defined(CLUSTERDESK_HAVE_DBUS)
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusReply>
#endif

namespace KeychainProbe {

QString problem()
{
#if defined(CLUSTERDESK_HAVE_DBUS)
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return QCoreApplication::translate("KeychainProbe", "there is no D-Bus session bus");
    QDBusConnectionInterface *daemon = bus.interface();
    const QStringList services {QStringLiteral("org.freedesktop.secrets"),
        QStringLiteral("org.kde.kwalletd6"), QStringLiteral("org.kde.kwalletd5")};
    const QDBusReply<QStringList> activatable = daemon->activatableServiceNames();
    for (const QString &service : services) {
        if (daemon->isServiceRegistered(service).value())
            return {};
        if (activatable.isValid() && activatable.value().contains(service))
            return {};
    }
    return QCoreApplication::translate("KeychainProbe",
        "no Secret Service (org.freedesktop.secrets) or KWallet on the D-Bus "
        "session bus");
#else
    return {};
#endif
}

} // namespace KeychainProbe
