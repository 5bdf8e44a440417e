#include "TextHelpers.h"

#include <QCoreApplication>

QString TextHelpers::shellQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString TextHelpers::networkFailure(QNetworkReply::NetworkError error, const QString &errorString)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        return QCoreApplication::translate("Network", "connection refused");
    case QNetworkReply::HostNotFoundError:
        return QCoreApplication::translate("Network", "host not found");
    case QNetworkReply::RemoteHostClosedError:
        return QCoreApplication::translate("Network", "the connection was closed without an answer");
    case QNetworkReply::TimeoutError:
        return QCoreApplication::translate("Network", "the connection timed out");
    default:
        break;
    }
    return errorString;
}
