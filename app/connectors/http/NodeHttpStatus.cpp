#include "NodeHttpStatus.h"

QString NodeHttpStatus::healthName(Health health)
{
    switch (health) {
    case Health::Up:
        return QStringLiteral("up");
    case Health::Starting:
        return QStringLiteral("starting");
    case Health::Down:
        return QStringLiteral("down");
    case Health::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}
