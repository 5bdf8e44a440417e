#include "ValidationIssue.h"

#include <QStringList>

QString formatIssues(const ValidationIssues &issues)
{
    QStringList lines;
    lines.reserve(issues.size());
    for (const ValidationIssue &issue : issues)
        lines << issue.toString();
    return lines.join(QLatin1Char('\n'));
}
