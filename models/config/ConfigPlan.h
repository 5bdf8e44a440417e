#pragma once

#include "ClusterProfile.h"
#include "ConfigFiles.h"
#include "ProductPreset.h"
#include "ValidationIssue.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

#include <expected>

// One requested change: a known field set to a value, on every node (the field's
// scope is the cluster) or on one node; or a whole file replaced (the raw view).
struct ConfigChange
{
    QString field; // a ConfigFields id; empty with rawRole set
    QString node; // empty: every node
    QString value; // secrets travel here in memory only
    std::optional<ConfigFileRole> rawRole; // set: value is the file's whole new text
};

struct PlanOptions
{
    // OpenSpecimen node names (and Joget wflow.name) are never changed once set,
    // unless the admin says so explicitly (the node loses its identity otherwise).
    bool allowRename = false;
    // OpenSpecimen: rewrite the cluster JSON's node list from the profile's nodes.
    bool syncClusterNodes = false;
    QMap<QString, int> secretMinLength; // secret name -> the product's minimum
};

// One file on one node, before and after. A shared file appears once, on the node
// that writes it; the others see the change through the shared folder.
struct FileEdit
{
    QString node;
    ConfigFileSpec spec;
    bool existed = false;
    QByteArray before;
    QByteArray after;
};

struct ConfigPlan
{
    QList<FileEdit> edits; // changed files only
    QList<QByteArray> secrets; // every secret value involved, for masking
    QStringList summary; // one line per change, secrets by fingerprint

    bool isEmpty() const { return edits.isEmpty(); }
    QStringList nodes() const; // nodes whose files change (writers of shared files included)
    // The unified diff of every edit, per node, with secrets masked.
    QString maskedDiff() const;
};

class ConfigPlanner
{
    Q_DECLARE_TR_FUNCTIONS(ConfigPlanner)

public:
    // Applies the changes to the snapshot's texts. Every problem is returned at once,
    // naming the field (and node) and the reason; nothing is planned on a problem.
    static std::expected<ConfigPlan, ValidationIssues> plan(const ClusterProfile &profile,
        const ClusterConfigSnapshot &snapshot, const QList<ConfigChange> &changes,
        const PlanOptions &options = {});
};
