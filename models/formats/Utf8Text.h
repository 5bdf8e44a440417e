#pragma once

#include <QByteArrayView>
#include <QString>

// UTF-8 text for the parsers: checking, decoding, and positions for error messages.
namespace Utf8Text {

// The offset of the first byte that does not belong to a well-formed UTF-8 sequence
// (overlong forms and encoded surrogates included), or -1.
qsizetype firstInvalid(QByteArrayView text);
// The 1-based line and column (in characters) of `offset`.
int lineAt(QByteArrayView text, qsizetype offset);
int columnAt(QByteArrayView text, qsizetype offset);
// Unlike QString::fromUtf8, keeps a byte order mark at the start: these are pieces
// cut from the middle of a text, where U+FEFF is a character like any other.
QString decode(QByteArrayView utf8);

} // namespace Utf8Text
