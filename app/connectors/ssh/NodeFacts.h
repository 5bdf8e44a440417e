#pragma once

#include "Result.h"
#include "SshTypes.h"

#include <QMap>
#include <QMetaType>
#include <QString>

#include <optional>

struct LoadedProfile;

// What the node's host says about it over SSH, read with one command per poll.
struct NodeFacts
{
    bool running = false; // the preset's commands.running exited 0
    double uptimeSeconds = 0; // of the host, from /proc/uptime
    std::optional<qint64> installDirFreeBytes; // absent: df failed (folder missing?)
    std::optional<qint64> sharedDirFreeBytes; // absent: no shared folder, or df failed
    QString javaVersion; // first line of `java -version`, or "not found"
    // The preset's version file (Joget's VERSION.txt), its first 4 KiB; absent when the
    // preset reads the version over HTTP or the file could not be read.
    std::optional<QString> versionFileText;
};

// The node-specific inputs of the facts command.
struct NodeFactsQuery
{
    QString runningCommand; // expanded; exit 0 = running
    QString installDir;
    QString sharedDir; // empty: not asked
    QString versionFile; // expanded; empty: not asked

    // From the profile and its preset: {installDir}, {dataDir}, {sharedDataDir} and
    // {nodeName} filled in. Fails on values that are not safe in a shell command.
    static Result<NodeFactsQuery> forNode(const LoadedProfile &profile, const QString &nodeName);
    // A preset command (start, stop, running, ...) for a node, placeholders filled in
    // with the same shell-safe values.
    static Result<QString> command(
        const LoadedProfile &profile, const QString &nodeName, const QString &templ);
    static Result<QMap<QString, QString>> placeholders(const LoadedProfile &profile, const QString &nodeName);

    // One shell script that prints every fact between markers.
    QString script() const;
    // Only the free space of the install folder, for parse() (quick: no JVM started).
    QString diskScript() const;
    static Result<NodeFacts> parse(const SshCommandResult &output);
};

struct NodeFactsReply
{
    quint64 id = 0; // as returned by SshNodeConnection::readFacts()
    Result<NodeFacts> facts;
};

Q_DECLARE_METATYPE(NodeFacts)
Q_DECLARE_METATYPE(NodeFactsReply)
