#include "SecretText.h"

#include <QCryptographicHash>

#include <algorithm>

namespace SecretText {

QString fingerprint(QByteArrayView secret)
{
    if (secret.isEmpty())
        return {};
    const QByteArray hash = QCryptographicHash::hash(secret, QCryptographicHash::Sha256);
    return QString::fromLatin1(hash.toHex().left(8));
}

QString masked(QByteArrayView secret)
{
    return QStringLiteral("\u2022\u2022\u2022\u2022 (sha256 %1)").arg(fingerprint(secret));
}

QString maskAll(QString text, const QList<QByteArray> &secrets)
{
    // Longest first, so a secret that contains another is masked whole.
    QList<QByteArray> ordered = secrets;
    std::sort(ordered.begin(), ordered.end(),
        [](const QByteArray &a, const QByteArray &b) { return a.size() > b.size(); });
    for (const QByteArray &secret : std::as_const(ordered)) {
        if (secret.size() < MinMaskedLength)
            continue;
        text.replace(QString::fromUtf8(secret), masked(secret));
    }
    return text;
}

} // namespace SecretText
