#pragma once

#include <QDateTime>
#include <QString>

// One change Clusterdesk made (or tried to make) to a cluster, as the audit log
// keeps it. Every text is free text for people; none may contain a secret value.
struct AuditEntry
{
    qint64 id = 0; // set by AuditLog::append
    QDateTime when; // UTC, millisecond precision; now when left invalid
    QString osUser; // the operating system user; from the environment when empty
    QString cluster; // the profile's name
    QString profilePath;
    QString action; // "config.push", "secret.rotate", "config.rollback", ...
    QString target; // the nodes or files affected
    QString summary; // what changed, one line
    QString outcome; // "ok", "failed", "rolled back"
    QString details; // several lines, for example the masked diff

    friend bool operator==(const AuditEntry &, const AuditEntry &) = default;
};

// Which entries AuditLog::entries returns: all filters that are set must match.
struct AuditQuery
{
    QString cluster; // exact profile name; empty for every cluster
    QDateTime since; // entries at or after this time; invalid for all
    QString text; // contained in any text field (ASCII case-insensitive); empty for all
    int limit = -1; // at most this many, newest first; negative for all
};
