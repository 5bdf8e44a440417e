#include "SecretTools.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include <algorithm>
#include <string_view>

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static_assert(alphabet.size() == 64);
constexpr int minimumSecretLength = 32;

} // namespace

namespace SecretTools {

QString fingerprint(QByteArrayView secret)
{
    if (secret.isEmpty())
        return {};
    const QByteArray digest = QCryptographicHash::hash(secret, QCryptographicHash::Sha256);
    return QString::fromLatin1(digest.left(4).toHex());
}

QByteArray generate(int length)
{
    length = std::max(length, minimumSecretLength);
    QByteArray secret;
    secret.reserve(length);
    QRandomGenerator *random = QRandomGenerator::system();
    // Rejection sampling: keep only bytes below the largest multiple of the
    // alphabet's size, so every character is equally likely whatever the size.
    constexpr quint32 limit = 256 - 256 % alphabet.size();
    while (secret.size() < length) {
        const quint32 word = random->generate();
        for (int shift = 0; shift < 32 && secret.size() < length; shift += 8) {
            const quint32 byte = (word >> shift) & 0xffu;
            if (byte < limit)
                secret.append(alphabet[byte % alphabet.size()]);
        }
    }
    return secret;
}

int minimumLength(int productRule)
{
    return std::max(minimumSecretLength, productRule);
}

} // namespace SecretTools
