#pragma once

#include <QByteArray>
#include <QString>

// Reads a secret from standard input. From a terminal it prompts on standard
// error and turns echo off while the user types; from a pipe it reads everything.
// One trailing line break is dropped either way.
namespace SecretInput {

bool isTerminal();
QByteArray read(const QString &prompt);

} // namespace SecretInput
