#include "SecretStore.h"

#include "core/Logging.h"
#include "secrets/KeychainProbe.h"

#include <QMetaObject>
#include <qt6keychain/keychain.h>

SecretRequest::SecretRequest(Operation operation, const QString &name, QObject *parent)
    : QObject(parent)
    , m_operation(operation)
    , m_name(name)
{ }

void SecretRequest::finish(Status status, const QByteArray &value, const QString &error)
{
    m_status = status;
    m_value = value;
    m_error = error;
    Q_EMIT finished();
    deleteLater();
}

SecretStore::SecretStore(QObject *parent)
    : SecretStore(defaultService(), parent)
{ }

SecretStore::SecretStore(const QString &service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{ }

SecretStore::~SecretStore() = default;

SecretRequest *SecretStore::read(const QString &name)
{
    return start(SecretRequest::Operation::Read, name, {});
}

SecretRequest *SecretStore::write(const QString &name, const QByteArray &value)
{
    return start(SecretRequest::Operation::Write, name, value);
}

SecretRequest *SecretStore::remove(const QString &name)
{
    return start(SecretRequest::Operation::Delete, name, {});
}

SecretRequest *SecretStore::start(
    SecretRequest::Operation operation, const QString &name, const QByteArray &value)
{
    auto *request = new SecretRequest(operation, name, this);
    // Always answer from the event loop, never inside this call, so callers can
    // connect to finished() after we return whatever the backend.
    QMetaObject::invokeMethod(
        this,
        [this, request = QPointer<SecretRequest>(request), value] {
            if (!request)
                return;
            if (m_backend == Backend::MemoryOnly)
                finishInMemory(request, value);
            else
                startKeychainJob(request, value);
        },
        Qt::QueuedConnection);
    return request;
}

void SecretStore::startKeychainJob(SecretRequest *request, const QByteArray &value)
{
    QKeychain::Job *job = nullptr;
    switch (request->operation()) {
    case SecretRequest::Operation::Read:
        job = new QKeychain::ReadPasswordJob(m_service);
        break;
    case SecretRequest::Operation::Write: {
        auto *write = new QKeychain::WritePasswordJob(m_service);
        // Stored as text so other keychain tools show the value as it is; read back
        // through binaryData(), which also decodes entries written as binary.
        write->setTextData(QString::fromUtf8(value));
        job = write;
        break;
    }
    case SecretRequest::Operation::Delete:
        job = new QKeychain::DeletePasswordJob(m_service);
        break;
    }
    // Jobs have no parent: QtKeychain crashes when a job is deleted while it runs,
    // so a job always finishes and deletes itself, even if this store is gone by
    // then (the connection below dies with the store).
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never write secrets to a settings file
    job->setKey(request->name());

    const QPointer<SecretRequest> guard(request);
    connect(job, &QKeychain::Job::finished, this, [this, guard, value](QKeychain::Job *finishedJob) {
        if (!guard)
            return;
        const QKeychain::Error error = finishedJob->error();
        qCDebug(lcSecrets) << "keychain job for" << guard->name() << "finished with error code" << error;
        switch (error) {
        case QKeychain::NoError: {
            QByteArray data;
            if (auto *reader = qobject_cast<QKeychain::ReadPasswordJob *>(finishedJob))
                data = reader->binaryData();
            guard->finish(SecretRequest::Status::Ok, data);
            return;
        }
        case QKeychain::EntryNotFound:
            guard->finish(SecretRequest::Status::NotFound);
            return;
        case QKeychain::NoBackendAvailable:
        case QKeychain::NotImplemented:
            switchToMemory(finishedJob->errorString());
            finishInMemory(guard, value);
            return;
        case QKeychain::AccessDeniedByUser:
            guard->finish(SecretRequest::Status::Failed, {}, tr("Access to the keychain was denied."));
            return;
        case QKeychain::OtherError:
            // Either a real failure or no keychain service at all; only the bus can tell.
            if (const QString problem = KeychainProbe::problem(); !problem.isEmpty()) {
                switchToMemory(problem);
                finishInMemory(guard, value);
                return;
            }
            break;
        case QKeychain::CouldNotDeleteEntry:
        case QKeychain::AccessDenied:
            break;
        }
        guard->finish(SecretRequest::Status::Failed, {},
            tr("The keychain reported an error: %1").arg(finishedJob->errorString()));
    });
    job->start();
}

void SecretStore::finishInMemory(SecretRequest *request, const QByteArray &value)
{
    switch (request->operation()) {
    case SecretRequest::Operation::Read: {
        const auto it = m_memory.constFind(request->name());
        if (it == m_memory.cend())
            request->finish(SecretRequest::Status::NotFound);
        else
            request->finish(SecretRequest::Status::Ok, it.value());
        return;
    }
    case SecretRequest::Operation::Write:
        m_memory.insert(request->name(), value);
        request->finish(SecretRequest::Status::Ok);
        return;
    case SecretRequest::Operation::Delete:
        request->finish(m_memory.remove(request->name()) > 0 ? SecretRequest::Status::Ok
                                                             : SecretRequest::Status::NotFound);
        return;
    }
}

void SecretStore::switchToMemory(const QString &reason)
{
    if (m_backend == Backend::MemoryOnly)
        return;
    m_backend = Backend::MemoryOnly;
    m_unavailableReason = reason.isEmpty() ? tr("No keychain service is available.") : reason;
    qCWarning(lcSecrets) << "no keychain available, keeping secrets in memory for this session:"
                         << m_unavailableReason;
    Q_EMIT keychainUnavailable(m_unavailableReason);
}
