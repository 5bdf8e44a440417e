#pragma once

#include "ValidationIssue.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

#include <expected>

struct OpenSpecimenClusterNode
{
    QString name;
    QString url;

    friend bool operator==(const OpenSpecimenClusterNode &, const OpenSpecimenClusterNode &) = default;
};

// The JSON an OpenSpecimen administrator uploads under Settings → Cluster, which
// tells each node of the cluster about the others:
//   {"notifTimeout":60,"notifErrorRcpts":["a@example.org"],"secret":"...",
//    "nodes":[{"name":"lion","url":"http://10.0.1.1:8080/openspecimen/"}]}
// parse() checks structure and types, validate() the rules; both name every problem
// by its JSON path. No message ever shows the secret.
struct OpenSpecimenClusterJson
{
    Q_DECLARE_TR_FUNCTIONS(OpenSpecimenClusterJson)

public:
    QList<OpenSpecimenClusterNode> nodes;
    QString secret;
    int notifTimeout = 60;
    QStringList notifErrorRcpts;

    static constexpr int MinNotifTimeout = 5; // seconds
    static constexpr int MaxNotifTimeout = 3600;
    static constexpr int MinSecretLength = 32;
    static constexpr int MaxNodeNameLength = 63;

    static std::expected<OpenSpecimenClusterJson, ValidationIssues> parse(QByteArrayView text);
    ValidationIssues validate() const;
    // Pretty JSON, keys in the order notifTimeout, notifErrorRcpts, secret, nodes,
    // ending with a line break.
    QByteArray toJson() const;

    static bool isValidEmail(const QString &address);

    friend bool operator==(const OpenSpecimenClusterJson &, const OpenSpecimenClusterJson &) = default;
};
