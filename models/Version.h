#pragma once

#include <QString>
#include <QStringView>

#include <array>
#include <compare>

// A product version as the products write it: "3.10.4", "v3.10.4", "3.9.8-beta",
// "v11.0", "8.0-RC2". A pre-release sorts before its release (alpha < beta < rc).
//
// Anything else ("8.0-SNAPSHOT", a branch name, an empty string) is *unknown*.
// An unknown version is never ordered against anything: every comparison with it
// is unordered, so `a < b`, `a > b` and `a == b` are all false. Callers that must
// decide (may we upgrade?) check isKnown() first and refuse when it is false.
class Version
{
public:
    enum class Stage
    {
        Alpha,
        Beta,
        ReleaseCandidate,
        Release
    };

    static constexpr int MaxComponents = 4;

    Version() = default; // unknown
    static Version parse(QStringView text);

    bool isKnown() const { return m_known; }
    bool isPreRelease() const { return m_known && m_stage != Stage::Release; }

    // The text as it was given, trimmed; for display and for unknown versions.
    QString text() const { return m_text; }
    // The canonical spelling ("3.9.8-beta", "11.0", "8.0-rc2"); the text if unknown.
    QString normalized() const;

    int componentCount() const { return m_count; }
    int component(int index) const;
    Stage stage() const { return m_stage; }
    int stageNumber() const { return m_stageNumber; }

    friend std::partial_ordering operator<=>(const Version &a, const Version &b);
    friend bool operator==(const Version &a, const Version &b)
    {
        return (a <=> b) == std::partial_ordering::equivalent;
    }

private:
    QString m_text;
    std::array<int, MaxComponents> m_components {};
    int m_count = 0;
    Stage m_stage = Stage::Release;
    int m_stageNumber = 0;
    bool m_known = false;
};
