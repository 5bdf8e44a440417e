#pragma once

#include "ClusterStatus.h"
#include "JsonReader.h"

// The status as the CLI prints it with --json; the shape is documented in
// docs/cli.md and stable: fields are added, never renamed or removed.
namespace StatusJson {

Json toJson(const ClusterStatus &status, const ClusterAssessment &assessment);

} // namespace StatusJson
