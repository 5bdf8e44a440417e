#include "HealthIcons.h"

#include <QCoreApplication>

namespace {

QIcon cached(const QString &path)
{
    // Loaded once: views ask for the icon on every paint of every row.
    static QHash<QString, QIcon> icons;
    auto it = icons.find(path);
    if (it == icons.end())
        it = icons.insert(path, QIcon(path));
    return *it;
}

} // namespace

namespace HealthIcons {

QIcon forHealth(NodeHealth health)
{
    switch (health) {
    case NodeHealth::Up:
        return cached(QStringLiteral(":/icons/health-up.svg"));
    case NodeHealth::Starting:
        return cached(QStringLiteral(":/icons/health-starting.svg"));
    case NodeHealth::Down:
        return cached(QStringLiteral(":/icons/health-down.svg"));
    case NodeHealth::Unknown:
        break;
    }
    return cached(QStringLiteral(":/icons/health-unknown.svg"));
}

QIcon forOverall(ClusterAssessment::Overall overall)
{
    switch (overall) {
    case ClusterAssessment::Overall::Healthy:
        return forHealth(NodeHealth::Up);
    case ClusterAssessment::Overall::Degraded:
        return warning();
    case ClusterAssessment::Overall::Unreachable:
        break;
    }
    return forHealth(NodeHealth::Down);
}

QIcon warning()
{
    return cached(QStringLiteral(":/icons/warning.svg"));
}

QString overallText(ClusterAssessment::Overall overall)
{
    switch (overall) {
    case ClusterAssessment::Overall::Healthy:
        return QCoreApplication::translate("HealthIcons", "Healthy");
    case ClusterAssessment::Overall::Degraded:
        return QCoreApplication::translate("HealthIcons", "Degraded");
    case ClusterAssessment::Overall::Unreachable:
        break;
    }
    return QCoreApplication::translate("HealthIcons", "Unreachable");
}

} // namespace HealthIcons
