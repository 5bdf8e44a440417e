#pragma once

#include <QLoggingCategory>

// The Kubernetes connector's category. URLs and HTTP statuses are logged; the bearer
// token and response bodies never.
Q_DECLARE_LOGGING_CATEGORY(lcKubernetes)
