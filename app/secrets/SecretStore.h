#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

class SecretStore;

// One asynchronous keychain operation. It reports once through finished() and
// deletes itself afterwards, like a QNetworkReply: read its results in the slot.
class SecretRequest final : public QObject
{
    Q_OBJECT

public:
    enum class Operation
    {
        Read,
        Write,
        Delete
    };
    enum class Status
    {
        Pending,
        Ok,
        NotFound,
        Failed
    };
    Q_ENUM(Status)

    Operation operation() const { return m_operation; }
    QString name() const { return m_name; }
    Status status() const { return m_status; }
    bool isFinished() const { return m_status != Status::Pending; }
    // The secret read; empty unless a Read finished with Ok.
    QByteArray value() const { return m_value; }
    // Why it failed, for the user; never contains the secret.
    QString errorString() const { return m_error; }

Q_SIGNALS:
    void finished();

private:
    friend class SecretStore;
    SecretRequest(Operation operation, const QString &name, QObject *parent);
    void finish(Status status, const QByteArray &value = {}, const QString &error = {});

    Operation m_operation;
    QString m_name;
    Status m_status = Status::Pending;
    QByteArray m_value;
    QString m_error;
};

// Reads, writes and deletes secrets in the operating system's keychain (macOS
// Keychain, Windows Credential Manager, the Secret Service on Linux) through
// QtKeychain, under the service name "clusterdesk". A missing entry is "not
// found", not an error. There is no plaintext fallback: when no keychain backend
// exists the store says so once (keychainUnavailable) and from then on keeps
// secrets in memory for this session only.
class SecretStore final : public QObject
{
    Q_OBJECT

public:
    enum class Backend
    {
        Keychain,
        MemoryOnly
    };
    Q_ENUM(Backend)

    static QString defaultService() { return QStringLiteral("clusterdesk"); }

    explicit SecretStore(QObject *parent = nullptr);
    SecretStore(const QString &service, QObject *parent);
    ~SecretStore() override;

    QString service() const { return m_service; }
    Backend backend() const { return m_backend; }
    // Why the keychain cannot be used; empty while it can.
    QString unavailableReason() const { return m_unavailableReason; }

    SecretRequest *read(const QString &name);
    SecretRequest *write(const QString &name, const QByteArray &value);
    SecretRequest *remove(const QString &name);

Q_SIGNALS:
    void keychainUnavailable(const QString &reason);

private:
    SecretRequest *start(SecretRequest::Operation operation, const QString &name, const QByteArray &value);
    void startKeychainJob(SecretRequest *request, const QByteArray &value);
    void finishInMemory(SecretRequest *request, const QByteArray &value);
    void switchToMemory(const QString &reason);

    QString m_service;
    Backend m_backend = Backend::Keychain;
    QString m_unavailableReason;
    QHash<QString, QByteArray> m_memory;
};
