#pragma once

#include "ClusterProfile.h"
#include "Result.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

// One published port of a container, as `docker compose ps` reports it.
struct ComposePublisher
{
    QString url; // the host address it is bound to ("0.0.0.0", "127.0.0.1", "" when not published)
    int targetPort = 0; // in the container
    int publishedPort = 0; // on the host; 0 while the container is not running
    QString protocol; // "tcp", "udp"
};

// One container of the Compose service: a cluster node.
struct ComposeContainer
{
    QString id;
    QString name; // "compose-jatos-2"
    QString service;
    QString state; // running, exited, restarting, paused, created, dead
    QString health; // healthy, unhealthy, starting, "" (no healthcheck, or not running)
    int exitCode = 0;
    QString image; // "jatos/jatos:3.10.4"
    QString imageTag; // "3.10.4"
    QString status; // "Up 5 minutes (healthy)", "Exited (137) 2 seconds ago"
    QString runningFor; // "5 minutes ago"
    QList<ComposePublisher> publishers;

    // Running, and healthy or without a healthcheck.
    bool isReady() const;
};

// The answer of one ComposeProbe::refresh(): the service's containers, or why they
// could not be read.
struct ComposeStatus
{
    enum class Failure
    {
        None,
        Connection, // SSH could not connect, authenticate or run the command in time
        HostKey, // the host key is unknown and was not accepted, or it changed
        CommandFailed, // `docker compose` exited non-zero
        BadOutput // it exited 0 but printed something that is not its JSON
    };

    Failure failure = Failure::None;
    QString error; // translated; names the host and the command's stderr; never a secret
    QString host; // "host:port" of the Compose host
    QList<ComposeContainer> containers;
    qint64 elapsedMs = 0;
    QDateTime checkedAt; // UTC

    // The containers of the service that `ps -a` lists (running or not).
    int desired() const;
    int ready() const;
    bool ok() const { return failure == Failure::None; }
    // A stable, untranslated name for logs and machine-readable output: "none",
    // "connection", "host-key", "command-failed", "bad-output".
    static QString failureName(Failure failure);
};

// Reading `docker compose ps` (no I/O).
namespace ComposeParsing {

// `ps --format json` in both shapes: one JSON object per line (Compose 2.21 and
// later) or one JSON array (2.0 to 2.20). Empty output means no containers. A bad
// line is named by its number.
Result<QList<ComposeContainer>> ps(QByteArrayView output);

// `docker compose --project-directory '<dir>' ps -a --format json '<service>'`,
// every value in POSIX single quotes.
QString psCommand(const ComposeSettings &settings);

// The tag of an image reference: "3.10.4" for "jatos/jatos:3.10.4", "latest" when
// none is named, "" for a reference by digest only ("img@sha256:...").
QString imageTag(const QString &image);

} // namespace ComposeParsing

Q_DECLARE_METATYPE(ComposeStatus)
