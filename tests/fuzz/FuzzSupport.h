#pragma once

// What every fuzz target shares: the input as Qt sees it, and a check that stops the
// run (so libFuzzer saves the input) when an invariant does not hold.

#include <QByteArrayView>
#include <QString>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace FuzzSupport {

inline QByteArrayView bytes(const uint8_t *data, size_t size)
{
    return {reinterpret_cast<const char *>(data), static_cast<qsizetype>(size)};
}

inline void check(bool condition, const char *what)
{
    if (!condition) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

// A value to write, made from the input so the fuzzer steers it, with the characters
// the writers must escape mixed in.
inline QString valueFrom(QByteArrayView input)
{
    const QByteArrayView tail = input.last(std::min<qsizetype>(input.size(), 24));
    return QStringLiteral(" \\ \"x=y:z\" #!\t") + QString::fromUtf8(tail) + QChar(0xD800) + QChar(0x01)
        + QStringLiteral("\u00e9\n");
}

} // namespace FuzzSupport
