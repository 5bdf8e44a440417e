#pragma once

#include "RedactionSummary.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QString>

#include <array>

// Removes secrets from the bytes that go into a diagnostics bundle, line by line.
//
// Known values (from the keychain and the parsed config files) are replaced wherever
// they appear by "[REDACTED:<name>]", also in the forms the same value takes inside
// files: JSON-string-escaped, URL-percent-encoded and base64 (as Kubernetes keeps
// it). Unknown secrets in key/value form and in URLs are then caught by
// SecretPatterns. Every replacement is counted in summary(), never the value.
//
// The known values are found in one pass over the line whatever their number: a
// bitset of their first two bytes rejects almost every position at the cost of one
// lookup, and only the rare hits compare whole values. Overlapping matches are merged
// into one replacement named after the longest value in it, so a value that is part
// of a longer one never leaves a piece of the longer one behind.
//
// Counting makes redaction stateful: give each thread its own copy (copies are
// cheap) and merge() their summaries.
class Redactor
{
public:
    // Shorter values are refused: "abc" or "1234"-sized values occur by chance in
    // every log, replacing them would shred the bundle and, by showing where they
    // occur, hint at the value itself.
    static constexpr qsizetype MinimumSecretLength = 4;

    // Registers a known value under `name` (which appears in the bundle: make it say
    // where the value comes from, never what it is). False, and nothing registered,
    // when the value is shorter than MinimumSecretLength. A value with line breaks is
    // also registered line by line (each line of at least MinimumSecretLength bytes),
    // as redaction works on lines. A value registered twice keeps its first name.
    bool addSecret(const QString &name, const QByteArray &value);

    // Whether unknown secrets are looked for by SecretPatterns (on by default).
    void setPatternsEnabled(bool enabled) { m_patterns = enabled; }

    // One complete line (with or without its line end): known values, then patterns.
    QByteArray redactLine(QByteArrayView line);

    // The longest byte sequence (value or variant) that is looked for; a piece of a
    // longer line must overlap the next piece by one byte less to catch every value.
    qsizetype longestNeedle() const { return m_longest; }

    const RedactionSummary &summary() const { return m_summary; }

    // Building blocks of RedactingStream. redactKnown() appends text[0, n) with the
    // known values replaced to `out` and returns n: n == text.size() when `cut` is
    // text.size(); otherwise n is near `cut` (before it when a value straddles it, so
    // the value stays for the next piece; past it only when a run of overlapping
    // values starts at 0). Only values that start before the returned n are replaced,
    // and each lies wholly inside text.
    qsizetype redactKnown(QByteArrayView text, qsizetype cut, QByteArray &out);
    // Unknown secrets in key/value form in text[from, end), which is one line or a
    // piece of one; lineStart says whether the piece begins the line.
    void redactPatterns(QByteArray &text, qsizetype from, bool lineStart);

private:
    struct Needle
    {
        QByteArray bytes;
        int secret; // index into m_names and m_markers
    };
    void addNeedle(const QByteArray &bytes, int secret);

    QList<QString> m_names;
    QList<QByteArray> m_markers; // "[REDACTED:<name>]"
    QList<Needle> m_needles; // per first-two-bytes bucket, longest first
    QHash<quint16, QList<int>> m_buckets;
    std::array<quint64, 1024> m_filter {}; // one bit per first-two-bytes value
    qsizetype m_longest = 0;
    bool m_patterns = true;
    RedactionSummary m_summary;
};
