#pragma once

#include <QString>
#include <QStringList>

// A line diff for people: what a change does to a file, shown before it is made.
namespace TextDiff {

// Unified diff (`--- a`, `+++ b`, `@@ -l,n +l,n @@` hunks with `context` lines around
// each change). Empty when the texts are equal. Files here are configuration files
// (kilobytes): the LCS table is quadratic in lines and refuses files of more than
// MaxLines lines with a one-line summary instead.
constexpr qsizetype MaxLines = 20000;
QString unified(const QString &before, const QString &after, const QString &fromLabel, const QString &toLabel,
    int context = 2);

} // namespace TextDiff
