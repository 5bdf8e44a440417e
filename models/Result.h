#pragma once

#include <QString>

#include <expected>
#include <utility>

// Errors are values. An Error carries text for the user (already translated) that
// says what went wrong and where; it never carries a secret.
struct Error
{
    QString message;
};

template<typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> failure(QString message)
{
    return std::unexpected<Error>(Error {std::move(message)});
}
