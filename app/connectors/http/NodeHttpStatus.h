#pragma once

#include "Version.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QUrl>

// What one HTTP probe of one node found: its health by the preset's check, the
// version it reports, how long the health request took, and, when something went
// wrong, a translated message for the user that names the node and the URL.
//
// How answers map to health (see HttpProbeJob):
// - Up:       the health request answered the expected status, and the body (trimmed)
//             and the JSON key match where the preset asks for them.
// - Starting: HTTP 503. A Tomcat that accepts connections but does not answer yet
//             cannot be told from a hung node, so it is not Starting but Down.
// - Down:     connection refused, host not found or unreachable, the connection
//             closed without an answer, no answer within the timeout ("no answer
//             within N s"), any other status or a body that does not match.
// - Unknown:  not probed yet, or the node could not be checked safely: its TLS
//             certificate is not trusted (and not pinned), or it redirected from
//             https to http, which is refused.
struct NodeHttpStatus
{
    enum class Health
    {
        Unknown,
        Up,
        Starting,
        Down
    };

    QString nodeName;
    QUrl healthUrl; // without user info
    Health health = Health::Unknown;
    Version version; // Version::parse(versionText); unknown when not read
    QString versionText; // the raw text the version pattern or key gave
    QString versionNote; // why the version is unknown ("read over SSH", a failed request)
    bool versionRead = false; // the probe asked for the version (not skipped, node up)
    int latencyMs = -1; // of the health request; -1 without an answer
    int httpStatus = 0; // of the health request; 0 without an answer
    QString error; // translated, for the user; empty when Up
    QString presentedCertificateSha256; // hex of the peer's certificate, when TLS was used
    QDateTime checkedAt; // UTC, when the answer (or the failure) came

    static QString healthName(Health health); // "up", "starting", "down", "unknown"
};

Q_DECLARE_METATYPE(NodeHttpStatus)
