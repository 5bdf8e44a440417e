#pragma once

#include "ClusterProfile.h"

#include <QCoreApplication>
#include <QStringList>

#include <expected>

class PresetRegistry;

// What the New Profile dialog asks for, and how it becomes a profile: one node per
// host line, with the URL and SSH login taken from the product preset, and keychain
// references named after the cluster (no password is ever typed into the dialog).
// Problems come back in the order of the dialog's fields, each located by the
// field's label rather than by a JSON path.
class ProfileDraft
{
    Q_DECLARE_TR_FUNCTIONS(ProfileDraft)

public:
    QString name;
    QString product;
    DeploymentKind kind = DeploymentKind::Hosts;
    QString hosts; // one host name or address per line; blank lines are ignored
    QString sshUser;
    bool withDatabase = true;
    QString databaseHost;
    int databasePort = 3306;
    QString databaseSchema;
    QString databaseUser;

    std::expected<ClusterProfile, ValidationIssues> build(const PresetRegistry &presets) const;

    // The keychain entry names the profile will refer to, for telling the user.
    QStringList secretNames(const PresetRegistry &presets) const;

    // "Lab JATOS (prod)" -> "lab-jatos-prod": the prefix of the keychain entry names.
    static QString slug(const QString &clusterName);
    // "jatos-1.example.org" -> "jatos-1"; the whole host when first labels repeat;
    // "node-N" for addresses.
    static QStringList nodeNames(const QStringList &hosts);
    // Why `host` cannot be a node's host, or empty when it can.
    static QString hostProblem(const QString &host);

private:
    struct HostLine
    {
        int line; // 1-based, counting blank lines, as the user sees them
        QString host;
    };
    QList<HostLine> hostLines() const;
};
