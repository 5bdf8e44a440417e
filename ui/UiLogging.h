#pragma once

#include <QLoggingCategory>

// The GUI's log category; switch it with QT_LOGGING_RULES="clusterdesk.ui.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcUi)
