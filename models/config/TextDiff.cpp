#include "TextDiff.h"

#include <QList>

#include <vector>

namespace TextDiff {

namespace {

enum class Op
{
    Keep,
    Remove,
    Add
};

struct Step
{
    Op op;
    qsizetype a; // line index in before (Keep, Remove)
    qsizetype b; // line index in after (Keep, Add)
};

QStringList linesOf(const QString &text)
{
    QStringList lines = text.split(QLatin1Char('\n'));
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast(); // the final newline ends a line, it does not start one
    return lines;
}

std::vector<Step> script(const QStringList &a, const QStringList &b)
{
    // Common prefix and suffix first: most edits change a few lines in the middle.
    qsizetype prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix])
        ++prefix;
    qsizetype suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix
        && a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
        ++suffix;
    const qsizetype n = a.size() - prefix - suffix;
    const qsizetype m = b.size() - prefix - suffix;

    // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..] (middle part).
    std::vector<std::vector<int>> lcs(
        static_cast<size_t>(n + 1), std::vector<int>(static_cast<size_t>(m + 1), 0));
    for (qsizetype i = n - 1; i >= 0; --i)
        for (qsizetype j = m - 1; j >= 0; --j)
            lcs[i][j] = a[prefix + i] == b[prefix + j] ? lcs[i + 1][j + 1] + 1
                                                       : std::max(lcs[i + 1][j], lcs[i][j + 1]);

    std::vector<Step> steps;
    for (qsizetype k = 0; k < prefix; ++k)
        steps.push_back({Op::Keep, k, k});
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[prefix + i] == b[prefix + j]) {
            steps.push_back({Op::Keep, prefix + i, prefix + j});
            ++i;
            ++j;
        } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
            // On a tie, removals first: a changed line reads "-old" then "+new", as in diff -u.
            steps.push_back({Op::Remove, prefix + i, prefix + j});
            ++i;
        } else {
            steps.push_back({Op::Add, prefix + i, prefix + j});
            ++j;
        }
    }
    for (qsizetype k = 0; k < suffix; ++k)
        steps.push_back({Op::Keep, a.size() - suffix + k, b.size() - suffix + k});
    return steps;
}

} // namespace

QString unified(const QString &before, const QString &after, const QString &fromLabel, const QString &toLabel,
    int context)
{
    if (before == after)
        return {};
    const QStringList a = linesOf(before);
    const QStringList b = linesOf(after);
    QString out = QStringLiteral("--- %1\n+++ %2\n").arg(fromLabel, toLabel);
    if (a.size() > MaxLines || b.size() > MaxLines)
        return out + QStringLiteral("(files of %1 and %2 lines differ)\n").arg(a.size()).arg(b.size());
    if (a == b) // only the final newline differs
        return out + QStringLiteral("(only the newline at the end of the file differs)\n");

    const std::vector<Step> steps = script(a, b);
    const auto count = static_cast<qsizetype>(steps.size());
    qsizetype s = 0;
    while (s < count) {
        // Find the next change, then extend the hunk while changes are close together.
        while (s < count && steps[s].op == Op::Keep)
            ++s;
        if (s == count)
            break;
        qsizetype start = std::max<qsizetype>(0, s - context);
        qsizetype end = s;
        for (;;) {
            while (end < count && steps[end].op != Op::Keep)
                ++end;
            qsizetype next = end;
            while (next < count && steps[next].op == Op::Keep)
                ++next;
            if (next < count && next - end <= 2 * context)
                end = next;
            else
                break;
        }
        const qsizetype stop = std::min(count, end + context);

        qsizetype aStart = steps[start].a;
        qsizetype bStart = steps[start].b;
        qsizetype aCount = 0;
        qsizetype bCount = 0;
        QString body;
        for (qsizetype k = start; k < stop; ++k) {
            const Step &step = steps[k];
            switch (step.op) {
            case Op::Keep:
                body += QLatin1Char(' ') + a[step.a] + QLatin1Char('\n');
                ++aCount;
                ++bCount;
                break;
            case Op::Remove:
                body += QLatin1Char('-') + a[step.a] + QLatin1Char('\n');
                ++aCount;
                break;
            case Op::Add:
                body += QLatin1Char('+') + b[step.b] + QLatin1Char('\n');
                ++bCount;
                break;
            }
        }
        // Unified diff numbers lines from 1; an empty side starts at the line before, and
        // a range of one line is its number alone ("@@ -5 +5 @@"), as diff -u writes them.
        const auto range = [](qsizetype first, qsizetype lines) {
            return lines == 1 ? QString::number(first + 1)
                              : QStringLiteral("%1,%2").arg(lines ? first + 1 : first).arg(lines);
        };
        out += QStringLiteral("@@ -%1 +%2 @@\n").arg(range(aStart, aCount), range(bStart, bCount)) + body;
        s = stop;
    }
    return out;
}

} // namespace TextDiff
