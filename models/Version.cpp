#include "Version.h"

#include <QRegularExpression>

namespace {

// major.minor[.patch[.build]], then an optional pre-release tag: "-beta", "-RC2",
// "-rc.1", "-alpha3". A leading "v" is the git-tag spelling of the same version.
const QRegularExpression &versionPattern()
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(^[vV]?(\d{1,9})\.(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?)"
                       R"((?:-(alpha|beta|rc)(?:\.?(\d{1,9}))?)?$)"),
        QRegularExpression::CaseInsensitiveOption);
    return pattern;
}

Version::Stage stageFromTag(const QString &tag)
{
    const QString lower = tag.toLower();
    if (lower == u"alpha")
        return Version::Stage::Alpha;
    if (lower == u"beta")
        return Version::Stage::Beta;
    return Version::Stage::ReleaseCandidate;
}

QString stageName(Version::Stage stage)
{
    switch (stage) {
    case Version::Stage::Alpha:
        return QStringLiteral("alpha");
    case Version::Stage::Beta:
        return QStringLiteral("beta");
    case Version::Stage::ReleaseCandidate:
        return QStringLiteral("rc");
    case Version::Stage::Release:
        break;
    }
    return {};
}

} // namespace

Version Version::parse(QStringView text)
{
    Version version;
    version.m_text = text.trimmed().toString();

    const QRegularExpressionMatch match = versionPattern().match(version.m_text);
    if (!match.hasMatch())
        return version;

    for (int group = 1; group <= MaxComponents; ++group) {
        if (match.capturedLength(group) == 0)
            break;
        version.m_components[version.m_count++] = match.captured(group).toInt();
    }
    if (match.capturedLength(5) > 0) {
        version.m_stage = stageFromTag(match.captured(5));
        version.m_stageNumber = match.capturedLength(6) > 0 ? match.captured(6).toInt() : 0;
    }
    version.m_known = true;
    return version;
}

int Version::component(int index) const
{
    return index >= 0 && index < m_count ? m_components[index] : 0;
}

QString Version::normalized() const
{
    if (!m_known)
        return m_text;
    QString result = QString::number(m_components[0]);
    for (int i = 1; i < m_count; ++i)
        result += QLatin1Char('.') + QString::number(m_components[i]);
    if (m_stage != Stage::Release) {
        result += QLatin1Char('-') + stageName(m_stage);
        if (m_stageNumber > 0)
            result += QString::number(m_stageNumber);
    }
    return result;
}

std::partial_ordering operator<=>(const Version &a, const Version &b)
{
    if (!a.m_known || !b.m_known)
        return std::partial_ordering::unordered;
    // Missing components count as zero: "11.0" is "11.0.0".
    for (int i = 0; i < Version::MaxComponents; ++i) {
        if (const auto order = a.component(i) <=> b.component(i); order != 0)
            return order;
    }
    if (const auto order = a.m_stage <=> b.m_stage; order != 0)
        return order;
    return a.m_stageNumber <=> b.m_stageNumber;
}
