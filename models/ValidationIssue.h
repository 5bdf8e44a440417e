#pragma once

#include <QList>
#include <QString>

// One problem found in a document, located by its JSON path ("nodes[2].name").
struct ValidationIssue
{
    QString path;
    QString reason;

    QString toString() const { return path.isEmpty() ? reason : path + QStringLiteral(": ") + reason; }
    friend bool operator==(const ValidationIssue &, const ValidationIssue &) = default;
};

using ValidationIssues = QList<ValidationIssue>;

// Joins issues one per line, for error messages and the CLI.
QString formatIssues(const ValidationIssues &issues);
