#pragma once

#include "Result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QObject>
#include <QUrl>

#include <chrono>

class QNetworkAccessManager;
class QNetworkReply;

// Result<T> travels in a struct: Qt's meta-types would try to compare std::expected.
struct OpenSpecimenUpload
{
    Result<QString> storedName; // the stored file's name, or why the upload failed
};

// Uploads OpenSpecimen's cluster JSON through its REST API, as Settings → Cluster
// does: the file goes to POST rest/ng/config-settings/files (multipart, field
// "file"), which answers the stored file's name, and the setting is then saved with
// PUT rest/ng/config-settings. The admin's API token (X-OS-API-TOKEN) comes from the
// caller (the keychain) and is never logged. Asynchronous; TLS verified.
class OpenSpecimenSettings final : public QObject
{
    Q_OBJECT

public:
    // The setting that holds the cluster JSON.
    static constexpr const char *Module = "common";
    static constexpr const char *Property = "cluster_config";

    explicit OpenSpecimenSettings(QObject *parent = nullptr);
    ~OpenSpecimenSettings() override;

    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    // baseUrl: the node's URL with the context path ("http://host:8080/openspecimen/").
    // One upload at a time; uploaded() follows.
    void uploadClusterJson(const QUrl &baseUrl, const QByteArray &token, const QByteArray &json);

Q_SIGNALS:
    // The error names the node and the reason.
    void uploaded(const OpenSpecimenUpload &result);

private:
    QString describe(QNetworkReply *reply, const QByteArray &body) const;
    void saveSetting(const QUrl &baseUrl, const QByteArray &token, const QString &storedName);

    QNetworkAccessManager *m_network;
    std::chrono::milliseconds m_timeout {30000};
};
