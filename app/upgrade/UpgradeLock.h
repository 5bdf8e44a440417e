#pragma once

#include "ClusterProfile.h"
#include "Result.h"
#include "upgrade/UpgradeInputs.h"

#include <QCoreApplication>
#include <QString>

#include <optional>

// The cluster-wide upgrade lock: a MySQL/MariaDB advisory lock (GET_LOCK) on the
// shared database, held on a connection of its own for the whole run. The server
// drops it when that connection ends, so a console that dies cannot leave it behind.
// Another console learns who holds it from the server's process list: the
// database user and client address of the holding connection, and how long that
// connection has been idle since it took the lock (it sends nothing else).
//
// Lives on one thread (QtSql connections are per thread).
class UpgradeLock final
{
    Q_DECLARE_TR_FUNCTIONS(UpgradeLock)

public:
    UpgradeLock() = default;
    ~UpgradeLock();
    UpgradeLock(const UpgradeLock &) = delete;
    UpgradeLock &operator=(const UpgradeLock &) = delete;

    // "clusterdesk-upgrade:<schema>": one lock per shared database schema, at most
    // 64 characters as MySQL demands.
    static QString lockName(const DatabaseSpec &spec);

    // Takes the lock without waiting. nullopt: taken (or already held by this object);
    // a holder: someone else has it.
    Result<std::optional<UpgradeLockHolder>> acquire(const DatabaseSpec &spec, const QByteArray &password);
    // Who holds the lock now, without taking it; nullopt: free (or held by us).
    Result<std::optional<UpgradeLockHolder>> holder(const DatabaseSpec &spec, const QByteArray &password);
    // Whether this object's connection still holds the lock (it may have died while
    // the laptop slept); when not, acquire() may take it again. Asked over a short
    // connection of its own: the holding connection stays idle, so that the process
    // list shows other consoles how long it has held the lock.
    bool stillHeld(const DatabaseSpec &spec, const QByteArray &password);
    void release();
    bool isHeld() const { return !m_connection.isEmpty(); }

private:
    static Result<QString> open(
        const QString &connection, const DatabaseSpec &spec, const QByteArray &password);
    static Result<std::optional<UpgradeLockHolder>> whoHolds(const QString &connection, const QString &name);

    QString m_connection; // the holding connection; empty when not held
    QString m_name;
    qint64 m_connectionId = -1; // the server's id of the holding connection
};
