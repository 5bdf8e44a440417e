#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

// Small helpers for secret values: a short fingerprint that identifies a secret
// without revealing it, and the generator for new secrets.
namespace SecretTools {

// The first 8 lowercase hex digits of the secret's SHA-256; empty for an empty secret.
QString fingerprint(QByteArrayView secret);

// A new random secret from the system's cryptographic generator, of `length`
// characters (at least 32) drawn uniformly from [A-Za-z0-9-_]: safe unquoted in
// URLs, HOCON and .properties files.
QByteArray generate(int length = 48);

// The length a generated secret must have: the product's rule, never below 32.
int minimumLength(int productRule);

} // namespace SecretTools
