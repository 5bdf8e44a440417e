#pragma once

#include "RedactionSummary.h"

#include <QByteArray>
#include <QByteArrayView>

// Catches secrets nobody told the Redactor about: values of keys that name a secret,
// in every syntax the three products' files and logs use, and passwords in URLs.
//
//   properties / env:  database.password=v   workflowPassword=v   export JATOS_SECRET=v
//   HOCON:             play.http.secret.key = "v"   db.default.password: v   key="v"
//   JSON / YAML:       "password": "v"   {\"token\":\"v\"}   password: v   - apiKey: 'v'
//   XML:               keystorePass="v"   <password>v</password>
//   headers / logs:    Authorization: Bearer v   user=bob password=v, next=...
//   URLs:              jdbc:mysql://user:v@host/db   https://user:v@host   ?token=v&x=1
//
// The value is replaced by "[REDACTED:pattern:<key>]" (URL passwords by
// "[REDACTED:pattern:url-password]"); the key, the quotes and the rest of the line
// stay, so the file is still readable. An unquoted value that is the whole of a
// "key = value" line runs to the line's end (a properties value may hold spaces); one
// further inside a line (a log message) ends at a space or one of ,;&)]}<"'.
//
// Keys are judged by their letters alone, case-insensitively and without '.', '_'
// and '-': a key that ends in a secret word (password, passwd, passphrase, pwd, pass,
// secret, token, apikey, privatekey, accesskey, credential(s), authorization, or a
// last part "key") names a secret, and any value but true/false/null/none, an empty
// one, a substitution "${...}" or one already redacted is replaced, digits included
// (PINs). A key with such a word inside (password.minLength, tokenTimeout) is about
// a secret, so digits-only values stay as well.
//
// Lines only: a YAML block scalar ("password: |") or a Java properties "key value"
// line (space as separator) is not recognised.
class SecretPatterns
{
public:
    enum class KeyKind
    {
        Plain, // not about a secret
        About, // about a secret: password.minLength, tokenTimeout
        Names, // holds a secret: db.password, JATOS_SECRET, play.http.secret.key
    };
    static KeyKind judgeKey(QByteArrayView key);

    // Replaces the secrets in text[from, end), one line or a piece of one (with or
    // without its line end), counting each in `summary`.
    static void redact(QByteArray &text, qsizetype from, bool lineStart, RedactionSummary &summary);
};
