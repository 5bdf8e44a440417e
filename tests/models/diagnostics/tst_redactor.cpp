// Redaction of the diagnostics bundle: known values in every form they take, the
// key/value patterns of the products' files, and the stream that cuts long lines
// without letting a value through.
#include "diagnostics/RedactingStream.h"
#include "diagnostics/Redactor.h"
#include "diagnostics/SecretPatterns.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// A redactor that knows the cluster's secrets of these tests.
Redactor clusterRedactor()
{
    Redactor r;
    r.addSecret(u"db.password"_s, "S3cr3t-DB/pw@1");
    r.addSecret(u"jatos.secret"_s, "jatosAppSecretValue");
    r.addSecret(u"os.cluster"_s, "cluster\"quoted\\secret");
    return r;
}

QByteArray streamed(Redactor &r, const QList<QByteArrayView> &chunks, qsizetype maxLine)
{
    RedactingStream stream(r, maxLine);
    QByteArray out;
    for (const QByteArrayView chunk : chunks)
        out += stream.write(chunk);
    out += stream.finish();
    return out;
}

} // namespace

class TestRedactor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void knownValues_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("expected");
        QTest::addRow("plain in a log line") << "login with S3cr3t-DB/pw@1 failed\n"_ba
                                             << "login with [REDACTED:db.password] failed\n"_ba;
        QTest::addRow("twice, and another") << "S3cr3t-DB/pw@1,S3cr3t-DB/pw@1 jatosAppSecretValue"_ba
                                            << "[REDACTED:db.password],[REDACTED:db.password] "
                                               "[REDACTED:jatos.secret]"_ba;
        QTest::addRow("JSON-escaped") << "{\"secret\":\"cluster\\\"quoted\\\\secret\"}"_ba
                                      << "{\"secret\":\"[REDACTED:os.cluster]\"}"_ba;
        QTest::addRow("JSON with escaped slash") << "{\"p\":\"S3cr3t-DB\\/pw@1\"}"_ba
                                                 << "{\"p\":\"[REDACTED:db.password]\"}"_ba;
        QTest::addRow("percent-encoded") << "GET /x?p=S3cr3t-DB%2Fpw%401 200"_ba
                                         << "GET /x?p=[REDACTED:db.password] 200"_ba;
        QTest::addRow("percent-encoded, lower-case hex") << "q=S3cr3t-DB%2fpw%401&"_ba
                                                         << "q=[REDACTED:db.password]&"_ba;
        QTest::addRow("base64 as Kubernetes keeps it")
            << "  DB_PASSWORD: " + QByteArray("S3cr3t-DB/pw@1").toBase64() + '\n'
            << "  DB_PASSWORD: [REDACTED:db.password]\n"_ba;
        QTest::addRow("base64url without padding") << "t="
                + QByteArray("jatosAppSecretValue")
                      .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
                                                   << "t=[REDACTED:jatos.secret]"_ba;
        QTest::addRow("at both ends") << "jatosAppSecretValueS3cr3t-DB/pw@1"_ba
                                      << "[REDACTED:jatos.secret][REDACTED:db.password]"_ba;
        QTest::addRow("a near miss stays") << "S3cr3t-DB/pw@ and jatosAppSecretValu"_ba
                                           << "S3cr3t-DB/pw@ and jatosAppSecretValu"_ba;
    }

    void knownValues()
    {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, expected);
        Redactor r = clusterRedactor();
        r.setPatternsEnabled(false); // the known values alone
        QCOMPARE(r.redactLine(line), expected);
    }

    void shortValuesRefused()
    {
        Redactor r;
        QVERIFY(!r.addSecret(u"pin"_s, "abc"));
        QVERIFY(!r.addSecret(u"empty"_s, QByteArray()));
        QVERIFY(r.addSecret(u"four"_s, "abcd"));
        r.setPatternsEnabled(false);
        QCOMPARE(r.redactLine("abc abcd"), "abc [REDACTED:four]"_ba);
    }

    void multiLineValue()
    {
        Redactor r;
        r.setPatternsEnabled(false);
        QVERIFY(r.addSecret(u"tls.key"_s, "-----BEGIN KEY-----\r\nMIIEvQIBADANBgkq\nab\n-----END KEY-----"));
        QCOMPARE(r.redactLine("MIIEvQIBADANBgkq\n"), "[REDACTED:tls.key]\n"_ba);
        QCOMPARE(r.redactLine("ab\n"), "ab\n"_ba); // too short a line to be looked for
    }

    void overlapping_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("expected");
        // long: "supersecret-value", short: "secret" (inside it), x/y overlap partly
        QTest::addRow("longer wins over its part") << "a supersecret-value b"_ba
                                                   << "a [REDACTED:long] b"_ba;
        QTest::addRow("the part alone") << "a secret b"_ba
                                        << "a [REDACTED:short] b"_ba;
        QTest::addRow("both") << "secret supersecret-value"_ba
                              << "[REDACTED:short] [REDACTED:long]"_ba;
        QTest::addRow("partial overlap leaves nothing") << "<abcdef12ghij>"_ba
                                                        << "<[REDACTED:x]>"_ba; // x = abcdef12, y = ef12ghij
        QTest::addRow("repetition of the short one") << "secretsecret"_ba
                                                     << "[REDACTED:short][REDACTED:short]"_ba;
    }

    void overlapping()
    {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, expected);
        Redactor r;
        r.setPatternsEnabled(false);
        r.addSecret(u"short"_s, "secret");
        r.addSecret(u"long"_s, "supersecret-value");
        r.addSecret(u"x"_s, "abcdef12");
        r.addSecret(u"y"_s, "ef12ghij");
        QCOMPARE(r.redactLine(line), expected);
    }

    void patterns_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("expected");
        // JATOS (HOCON)
        QTest::addRow("HOCON quoted")
            << "play.http.secret.key = \"k3y-v4lue\"\n"_ba
            << "play.http.secret.key = \"[REDACTED:pattern:play.http.secret.key]\"\n"_ba;
        QTest::addRow("HOCON colon") << "  db.default.password: hunter22"_ba
                                     << "  db.default.password: [REDACTED:pattern:db.default.password]"_ba;
        QTest::addRow("HOCON no spaces") << "key=\"abc def\""_ba
                                         << "key=\"[REDACTED:pattern:key]\""_ba;
        // OpenSpecimen, Joget (properties)
        QTest::addRow("properties") << "database.password=my pass word\r\n"_ba
                                    << "database.password=[REDACTED:pattern:database.password]\r\n"_ba;
        QTest::addRow("a key at the line's start takes the rest")
            << "password=a b=c"_ba
            << "password=[REDACTED:pattern:password]"_ba;
        QTest::addRow("Joget workflowPassword") << "workflowPassword=Xy9z!"_ba
                                                << "workflowPassword=[REDACTED:pattern:workflowPassword]"_ba;
        QTest::addRow("numeric password") << "db.password = 12345678"_ba
                                          << "db.password = [REDACTED:pattern:db.password]"_ba;
        // env files
        QTest::addRow("env") << "JATOS_SECRET=abcdefgh"_ba
                             << "JATOS_SECRET=[REDACTED:pattern:JATOS_SECRET]"_ba;
        QTest::addRow("env export quoted") << "export DB_PWD='p w'"_ba
                                           << "export DB_PWD='[REDACTED:pattern:DB_PWD]'"_ba;
        // JSON and YAML
        QTest::addRow("JSON") << "  \"password\": \"pa\\\"ss\", \"user\": \"bob\""_ba
                              << "  \"password\": \"[REDACTED:pattern:password]\", \"user\": \"bob\""_ba;
        QTest::addRow("JSON inside a JSON string")
            << "msg=\"{\\\"apiKey\\\":\\\"zzz\\\",\\\"n\\\":1}\""_ba
            << "msg=\"{\\\"apiKey\\\":\\\"[REDACTED:pattern:apiKey]\\\",\\\"n\\\":1}\""_ba;
        QTest::addRow("JSON object under a secret key")
            << "\"secrets\": {\"appSecret\": \"v1v1\"}, \"n\": {}"_ba
            << "\"secrets\": {\"appSecret\": \"[REDACTED:pattern:appSecret]\"}, \"n\": {}"_ba;
        QTest::addRow("JSON number") << "{\"token\": 123456, \"x\": 1}"_ba
                                     << "{\"token\": [REDACTED:pattern:token], \"x\": 1}"_ba;
        QTest::addRow("YAML") << "    password: s3cret # set by ops"_ba
                              << "    password: [REDACTED:pattern:password]"_ba;
        QTest::addRow("YAML list item") << "- client_secret: 'abc'"_ba
                                        << "- client_secret: '[REDACTED:pattern:client_secret]'"_ba;
        // XML (Tomcat)
        QTest::addRow("XML attribute")
            << "<Connector keystorePass=\"changeit\" port=\"8443\"/>"_ba
            << "<Connector keystorePass=\"[REDACTED:pattern:keystorePass]\" port=\"8443\"/>"_ba;
        QTest::addRow("XML element") << "<password>pw1234</password>"_ba
                                     << "<password>[REDACTED:pattern:password]</password>"_ba;
        // logs
        QTest::addRow("inline in a log") << "INFO user=bob password=abc12, host=x"_ba
                                         << "INFO user=bob password=[REDACTED:pattern:password], host=x"_ba;
        QTest::addRow("Java toString") << "Cfg{user=bob, credentials=abc}"_ba
                                       << "Cfg{user=bob, credentials=[REDACTED:pattern:credentials]}"_ba;
        QTest::addRow("query string")
            << "GET /api?access_token=eyJ0&page=2 HTTP/1.1"_ba
            << "GET /api?access_token=[REDACTED:pattern:access_token]&page=2 HTTP/1.1"_ba;
        QTest::addRow("Authorization header") << "Authorization: Bearer eyJhbGciOi.x.y"_ba
                                              << "Authorization: Bearer [REDACTED:pattern:Authorization]"_ba;
        QTest::addRow("command line option") << "mysql --password=abcd -h db"_ba
                                             << "mysql --password=[REDACTED:pattern:--password] -h db"_ba;
        // URLs
        QTest::addRow("JDBC URL")
            << "url=jdbc:mysql://jatos:pa55@db:3306/jatos?useSSL=false"_ba
            << "url=jdbc:mysql://jatos:[REDACTED:pattern:url-password]@db:3306/jatos?useSSL=false"_ba;
        QTest::addRow("https URL") << "fetching https://admin:p@ss@host/x done"_ba
                                   << "fetching https://admin:[REDACTED:pattern:url-password]@host/x done"_ba;
        QTest::addRow("JDBC URL with password parameter")
            << "jdbc:mysql://db/os?user=os&password=osPw1"_ba
            << "jdbc:mysql://db/os?user=os&password=[REDACTED:pattern:password]"_ba;
    }

    void patterns()
    {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, expected);
        Redactor r;
        QCOMPARE(r.redactLine(line), expected);
        QCOMPARE(r.summary().total(), qint64(1)); // every row holds one secret
    }

    void leftAlone_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("why");
        QTest::addRow("setting about a password") << "password.minLength=8"_ba
                                                  << "digits, key about a secret"_ba;
        QTest::addRow("token timeout") << "tokenTimeout = 3600"_ba
                                       << "digits, key about a secret"_ba;
        QTest::addRow("boolean") << "jatos.user.password.requireDigit: true"_ba
                                 << "boolean"_ba;
        QTest::addRow("empty") << "database.password="_ba
                               << "empty"_ba;
        QTest::addRow("empty quoted") << "password = \"\""_ba
                                      << "empty"_ba;
        QTest::addRow("substitution") << "db.default.password = ${?JATOS_DB_PASSWORD}"_ba
                                      << "reference"_ba;
        QTest::addRow("null JSON") << "{\"password\": null}"_ba
                                   << "null"_ba;
        QTest::addRow("timestamps") << "2024-05-01 12:00:01,123 INFO [main] c.Foo: started in 12:00"_ba
                                    << "no key"_ba;
        QTest::addRow("comparison") << "if (password == secret) return;"_ba
                                    << "not an assignment"_ba;
        QTest::addRow("URL without password") << "GET https://jatos@host:9000/path?x=1"_ba
                                              << "no password"_ba;
        QTest::addRow("URL with port only") << "http://host:8080/a:b@c"_ba
                                            << "@ in the path"_ba;
        QTest::addRow("ordinary key") << "primaryKey=id keyspace=x monkey=banana"_ba
                                      << "not a secret key"_ba;
        QTest::addRow("closing XML tag") << "</password>"_ba
                                         << "no value"_ba;
        QTest::addRow("already redacted") << "password=[REDACTED:db.password]"_ba
                                          << "redacted"_ba;
        QTest::addRow("empty object") << "    \"secrets\": {},"_ba
                                      << "an object: its keys are judged one by one"_ba;
        QTest::addRow("HOCON block") << "secrets {"_ba
                                     << "an object: its keys are judged one by one"_ba;
    }

    void leftAlone()
    {
        QFETCH(QByteArray, line);
        Redactor r;
        QCOMPARE(r.redactLine(line), line);
        QCOMPARE(r.summary().total(), qint64(0));
    }

    void judgeKey_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<int>("kind");
        const int plain = int(SecretPatterns::KeyKind::Plain);
        const int about = int(SecretPatterns::KeyKind::About);
        const int names = int(SecretPatterns::KeyKind::Names);
        QTest::addRow("JATOS_SECRET") << "JATOS_SECRET"_ba << names;
        QTest::addRow("secret.key") << "play.http.secret.key"_ba << names;
        QTest::addRow("api-key") << "x-api-key"_ba << names;
        QTest::addRow("private_key") << "ssh.private_key"_ba << names;
        QTest::addRow("credentials") << "aws_credentials"_ba << names;
        QTest::addRow("passwd") << "PASSWD"_ba << names;
        QTest::addRow("tokens") << "tokens"_ba << names;
        QTest::addRow("minLength") << "password.minLength"_ba << about;
        QTest::addRow("tokenTimeout") << "tokenTimeout"_ba << about;
        QTest::addRow("primaryKey") << "primaryKey"_ba << plain;
        QTest::addRow("username") << "db.default.username"_ba << plain;
    }

    void judgeKey()
    {
        QFETCH(QByteArray, key);
        QFETCH(int, kind);
        QCOMPARE(int(SecretPatterns::judgeKey(key)), kind);
    }

    void summaryCounts()
    {
        Redactor r = clusterRedactor();
        r.redactLine("S3cr3t-DB/pw@1 S3cr3t-DB%2Fpw%401 jatosAppSecretValue\n");
        // inside a line (a key at its start would take the rest of the line as its value)
        r.redactLine("INFO password=unknown1 token=unknown2 password=again\n");
        r.redactLine("jdbc:mysql://u:p4ss@db/x\n");
        QCOMPARE(r.summary().count(u"db.password"_s), qint64(2));
        QCOMPARE(r.summary().count(u"jatos.secret"_s), qint64(1));
        QCOMPARE(r.summary().count(u"os.cluster"_s), qint64(0));
        QCOMPARE(r.summary().count(u"pattern:password"_s), qint64(2));
        QCOMPARE(r.summary().count(u"pattern:token"_s), qint64(1));
        QCOMPARE(r.summary().count(u"pattern:url-password"_s), qint64(1));
        QCOMPARE(r.summary().total(), qint64(7));
        const auto json = r.summary().toJson();
        QCOMPARE(json["total"].get<qint64>(), qint64(7));
        QCOMPARE(json["replacements"]["db.password"].get<qint64>(), qint64(2));
        const std::string dumped = json.dump();
        QVERIFY(dumped.find("S3cr3t") == std::string::npos && dumped.find("unknown1") == std::string::npos);

        RedactionSummary merged;
        merged.merge(r.summary());
        merged.merge(r.summary());
        QCOMPARE(merged.total(), qint64(14));
    }

    void noSecretsByteIdentical()
    {
        const QByteArray text
            = "2024-05-01 12:00:01,123 INFO  [main] o.a.c.Startup: Server startup in 1234 ms\n"
              "\tat org.example.Foo.bar(Foo.java:42)\r\n"
              "play.http.session.maxAge = 8h\n"
              "{\"nodes\": [{\"name\": \"jatos-1\", \"url\": \"https://10.0.0.5:9000/\"}]}\n"
              "\xff\xfe binary \x00 bytes\n"
              "last line without end"_ba;
        Redactor r = clusterRedactor();
        QCOMPARE(streamed(r, {text}, RedactingStream::DefaultMaxLine), text);
        for (qsizetype split = 0; split <= text.size(); ++split)
            QCOMPARE(
                streamed(r, {QByteArrayView(text).first(split), QByteArrayView(text).sliced(split)}, 1 << 20),
                text);
        QCOMPARE(r.summary().total(), qint64(0));
    }

    void chunkBoundaries()
    {
        // Every split point of a line with known values (plain and JSON-escaped) and
        // an unknown one gives what the whole line gives.
        const QByteArray text
            = "a\nlogin S3cr3t-DB/pw@1 {\"s\":\"cluster\\\"quoted\\\\secret\"} password=zz99\nend"_ba;
        Redactor whole = clusterRedactor();
        const QByteArray expected = streamed(whole, {text}, RedactingStream::DefaultMaxLine);
        QCOMPARE(expected,
            "a\nlogin [REDACTED:db.password] {\"s\":\"[REDACTED:os.cluster]\"} "
            "password=[REDACTED:pattern:password]\n"
            "end"_ba);
        for (qsizetype first = 0; first <= text.size(); ++first) {
            for (qsizetype second = first; second <= text.size(); second += 7) {
                Redactor r = clusterRedactor();
                const QByteArrayView view(text);
                QCOMPARE(
                    streamed(r, {view.first(first), view.sliced(first, second - first), view.sliced(second)},
                        RedactingStream::DefaultMaxLine),
                    expected);
                QCOMPARE(r.summary().total(), qint64(3));
            }
        }
        // One byte at a time.
        Redactor r = clusterRedactor();
        QList<QByteArrayView> bytes;
        for (qsizetype i = 0; i < text.size(); ++i)
            bytes.append(QByteArrayView(text).sliced(i, 1));
        QCOMPARE(streamed(r, bytes, RedactingStream::DefaultMaxLine), expected);
    }

    void longLineCut_data()
    {
        QTest::addColumn<QByteArray>("filler");
        QTest::addRow("no separators") << "x"_ba;
        QTest::addRow("separators everywhere") << "a b,"_ba;
    }

    void longLineCut()
    {
        // A line of several pieces, the secret at every offset around the first cut.
        QFETCH(QByteArray, filler);
        const QByteArray secret = "jatosAppSecretValue";
        const qsizetype maxLine = 16 * 1024; // raised by the stream to fit its overlap
        // Byte by byte around where the first two cuts fall (16 KiB minus the overlap,
        // and twice that), coarser elsewhere.
        const auto near = [](qsizetype at) {
            return (at > 16 * 1024 - 200 && at < 16 * 1024 + 50)
                || (at > 32 * 1024 - 400 && at < 32 * 1024 + 50);
        };
        for (qsizetype at = 8 * 1024; at < 40 * 1024; at += near(at) ? 1 : 97) {
            QByteArray line = filler.repeated(50 * 1024 / filler.size());
            line.replace(at, secret.size(), secret);
            line += '\n';
            for (const qsizetype chunk : {qsizetype(4096), qsizetype(1000000)}) {
                Redactor r = clusterRedactor();
                RedactingStream stream(r, maxLine);
                QByteArray out;
                qsizetype peak = 0;
                for (qsizetype i = 0; i < line.size(); i += chunk) {
                    out += stream.write(QByteArrayView(line).sliced(i, std::min(chunk, line.size() - i)));
                    peak = std::max(peak, stream.buffered());
                }
                out += stream.finish();
                QVERIFY2(!out.contains(secret), qPrintable(u"leaked at offset %1"_s.arg(at)));
                QCOMPARE(r.summary().count(u"jatos.secret"_s), qint64(1));
                QCOMPARE(out.size(),
                    line.size() - secret.size() + qsizetype(sizeof("[REDACTED:jatos.secret]") - 1));
                QVERIFY(peak <= 24 * 1024); // bounded, whatever the line's length
            }
        }
    }

    void overlappingRunLongerThanAPiece()
    {
        // A pathological line: one value repeated without end. The stream still
        // moves on, stays bounded and lets no whole value through.
        Redactor r;
        r.addSecret(u"a"_s, "aaaa");
        RedactingStream stream(r, 1024);
        QByteArray out;
        const QByteArray chunk(64 * 1024, 'a');
        for (int i = 0; i < 4; ++i) {
            out += stream.write(chunk);
            QVERIFY(stream.buffered() <= 16 * 1024);
        }
        out += stream.finish();
        QVERIFY(!out.contains("aaaa"));
    }

    void finishFlushesTheLastLine()
    {
        Redactor r = clusterRedactor();
        RedactingStream stream(r);
        QCOMPARE(stream.write("one\ntwo jatosAppSecret"), "one\n"_ba);
        QCOMPARE(stream.buffered(), qsizetype(18));
        QCOMPARE(stream.write("Value"), QByteArray());
        QCOMPARE(stream.finish(), "two [REDACTED:jatos.secret]"_ba);
        QCOMPARE(stream.finish(), QByteArray());
    }
};

QTEST_GUILESS_MAIN(TestRedactor)
#include "tst_redactor.moc"
