#pragma once

#include "Redactor.h"

#include <QByteArray>
#include <QByteArrayView>

// Redacts a file as it flows past in chunks of any size (from SSH into the archive):
// write() hands out the redacted complete lines it has, finish() the rest. It keeps
// at most one partial line, and of a line longer than maxLine only about maxLine
// bytes: such a line is redacted in pieces.
//
// Cutting a line must not let a known value through, so every piece overlaps the
// next by Redactor::longestNeedle() - 1 bytes: a value that starts in a piece lies
// wholly inside the bytes held, and one that runs across the cut is held back whole
// for the next piece. The price is that a piece is cut a little before maxLine. The
// key/value patterns see each piece as a line of its own; the cut is put after a
// space or , ; & near the end (within 4 KiB) so that a value is rarely split, but a
// long unknown value split anyway may leave its second part in clear. Known values
// never do.
//
// The counts go to the Redactor given, which must outlive the stream.
class RedactingStream
{
public:
    static constexpr qsizetype DefaultMaxLine = 1024 * 1024;

    explicit RedactingStream(Redactor &redactor, qsizetype maxLine = DefaultMaxLine);

    // The redacted lines (with their line ends) that `chunk` completes.
    QByteArray write(QByteArrayView chunk);
    // The redacted rest: a last line without a line end. The stream can then be reused.
    QByteArray finish();

    qsizetype buffered() const { return m_pending.size(); }

private:
    void appendLine(QByteArrayView line, QByteArray &out);
    void cutPending(QByteArray &out);
    qsizetype maxLine() const;

    Redactor &m_redactor;
    qsizetype m_maxLine;
    QByteArray m_pending; // a partial line
    bool m_atLineStart = true; // m_pending begins its line (no piece of it was cut off)
};
