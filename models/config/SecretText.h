#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

// How secrets are shown when they must be shown at all: by fingerprint.
namespace SecretText {

// The first 8 hexadecimal digits of the secret's SHA-256: enough to tell whether two
// nodes hold the same secret, useless for recovering it. Empty for an empty secret.
QString fingerprint(QByteArrayView secret);

// "•••• (sha256 1a2b3c4d)"
QString masked(QByteArrayView secret);

// `text` with every occurrence of each secret replaced by masked(secret). Secrets
// shorter than MinMaskedLength are not searched for: they would match ordinary text.
constexpr qsizetype MinMaskedLength = 4;
QString maskAll(QString text, const QList<QByteArray> &secrets);

} // namespace SecretText
