#pragma once

#include "ClusterStatus.h"
#include "ProductPreset.h"
#include "connectors/db/DatabaseStatus.h"

// What the dashboard and the CLI show of one database probe: the product's schema
// bookkeeping turned into the application version it belongs to, and the
// database's own replicas, by the product's preset.
DatabaseSummary databaseSummaryOf(const DatabaseStatus &answer, const ProductPreset &preset);
