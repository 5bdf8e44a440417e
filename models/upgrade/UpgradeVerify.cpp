#include "UpgradeVerify.h"

std::optional<QString> UpgradeVerify::nodeVersion(
    const QString &node, const Version &reported, const Version &target)
{
    if (!reported.isKnown())
        return tr("%1 does not report its version, so it cannot be shown to run %2.")
            .arg(node, target.text());
    if ((reported <=> target) != 0)
        return tr("%1 reports version %2, not %3.").arg(node, reported.text(), target.text());
    return std::nullopt;
}

std::optional<QString> UpgradeVerify::schemaAfterUpgrade(
    SchemaProbe::Kind kind, const Version &before, const Version &after, const Version &target)
{
    switch (kind) {
    case SchemaProbe::Kind::None:
        return std::nullopt;
    case SchemaProbe::Kind::Evolutions:
        if (!after.isKnown())
            return tr("The database schema's version cannot be read after the upgrade.");
        if ((after <=> target) > 0)
            return tr("The database schema belongs to %1, newer than the target %2.")
                .arg(after.text(), target.text());
        if (before.isKnown() && (after <=> before) < 0)
            return tr("The database schema went back from %1 to %2.").arg(before.text(), after.text());
        return std::nullopt;
    case SchemaProbe::Kind::UpgradeLog:
        if (!after.isKnown())
            return tr("The database's upgrade log names no version after the upgrade.");
        if ((after <=> target) != 0)
            return tr("The database's upgrade log ends at %1, not at the target %2: the node did not upgrade "
                      "the schema.")
                .arg(after.text(), target.text());
        return std::nullopt;
    }
    return std::nullopt;
}

QString UpgradeVerify::imageToSet(const QString &current, const QString &typed)
{
    const QString wanted = typed.trimmed();
    if (wanted.isEmpty())
        return {};
    if (wanted.contains(QLatin1Char('/')) || wanted.contains(QLatin1Char(':'))
        || wanted.contains(QLatin1Char('@')))
        return wanted;
    QString base = current.trimmed();
    if (base.isEmpty())
        return {};
    if (const qsizetype at = base.indexOf(QLatin1Char('@')); at >= 0)
        base.truncate(at);
    const qsizetype colon = base.lastIndexOf(QLatin1Char(':'));
    if (colon > base.lastIndexOf(QLatin1Char('/')))
        base.truncate(colon);
    return base + QLatin1Char(':') + wanted;
}
