#pragma once

#include "ClusterStatus.h"

#include <QIcon>

// The icons that carry health next to its text. Each health has its own shape
// (check mark in a circle, clock, cross in an octagon, question mark in a diamond),
// so nobody has to tell states apart by colour.
namespace HealthIcons {

QIcon forHealth(NodeHealth health);
QIcon forOverall(ClusterAssessment::Overall overall);
QIcon warning();

// "Healthy", "Degraded", "Unreachable": the verdict as people read it.
QString overallText(ClusterAssessment::Overall overall);

} // namespace HealthIcons
