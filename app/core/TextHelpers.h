#pragma once

#include <QNetworkReply>
#include <QString>

// Small text helpers the connectors share.
namespace TextHelpers {

// `text` as one POSIX shell word: in single quotes, embedded quotes closed and
// escaped ('\''), so nothing in it is expanded.
QString shellQuote(const QString &text);

// Why a request got no HTTP answer, for people: "connection refused", "host not
// found", ...; the reply's own error text for anything else.
QString networkFailure(QNetworkReply::NetworkError error, const QString &errorString);

} // namespace TextHelpers
