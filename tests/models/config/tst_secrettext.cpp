// SecretText: secrets shown only by fingerprint, and masked wherever a text could
// carry them (diffs, summaries).

#include "config/SecretText.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// What masked() shows for a secret with this fingerprint: four bullets and the hash.
QString maskOf(const QString &print)
{
    return u"\u2022\u2022\u2022\u2022 (sha256 "_s + print + u')';
}

} // namespace

class TestSecretText : public QObject
{
    Q_OBJECT

private slots:
    void fingerprint_data();
    void fingerprint();
    void masked();
    void maskedNeverShowsTheSecret();
    void maskAll_data();
    void maskAll();
};

void TestSecretText::fingerprint_data()
{
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QString>("expected");
    // Published SHA-256 test vectors (FIPS 180-2 "abc"; the widely quoted "password").
    QTest::newRow("abc") << QByteArray("abc") << u"ba7816bf"_s;
    QTest::newRow("password") << QByteArray("password") << u"5e884898"_s;
    QTest::newRow("two blocks") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                << u"248d6a61"_s;
    QTest::newRow("empty") << QByteArray() << QString();
}

void TestSecretText::fingerprint()
{
    QFETCH(QByteArray, secret);
    QFETCH(QString, expected);
    QCOMPARE(SecretText::fingerprint(secret), expected);
}

void TestSecretText::masked()
{
    QCOMPARE(SecretText::masked("abc"), maskOf(u"ba7816bf"_s));
    QCOMPARE(SecretText::masked("password"), maskOf(u"5e884898"_s));
}

void TestSecretText::maskedNeverShowsTheSecret()
{
    const QByteArray secret = "correct-horse-battery-staple";
    const QString shown = SecretText::masked(secret);
    QVERIFY(!shown.contains(QString::fromUtf8(secret)));
    QVERIFY(!shown.contains(u"horse"_s));
}

void TestSecretText::maskAll_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<QByteArray>>("secrets");
    QTest::addColumn<QString>("expected");

    QTest::newRow("no secrets") << u"password = hunter22"_s << QList<QByteArray> {}
                                << u"password = hunter22"_s;
    QTest::newRow("one occurrence") << u"key = \"password\"\n"_s << QList<QByteArray> {"password"}
                                    << u"key = \""_s + maskOf(u"5e884898"_s) + u"\"\n"_s;
    QTest::newRow("every occurrence")
        << u"-password\n+password password\n"_s << QList<QByteArray> {"password"}
        << u"-"_s + maskOf(u"5e884898"_s) + u"\n+"_s + maskOf(u"5e884898"_s) + u' ' + maskOf(u"5e884898"_s)
            + u'\n';
    QTest::newRow("two secrets") << u"a=password b=abcd"_s << QList<QByteArray> {"password", "abcd"}
                                 << u"a="_s + maskOf(u"5e884898"_s) + u" b="_s + maskOf(u"88d4266f"_s);
    // "pass" is part of "password": masking it first would leave "word" in the clear.
    QTest::newRow("longer secret containing a shorter one, short listed first")
        << u"x=password y=pass"_s << QList<QByteArray> {"pass", "password"}
        << u"x="_s + maskOf(u"5e884898"_s) + u" y="_s + maskOf(u"d74ff0ee"_s);
    QTest::newRow("shorter than MinMaskedLength") << u"x=abc"_s << QList<QByteArray> {"abc"} << u"x=abc"_s;
    QTest::newRow("empty secret ignored") << u"x=abc"_s << QList<QByteArray> {QByteArray()} << u"x=abc"_s;
    QTest::newRow("exactly MinMaskedLength")
        << u"x=abcd"_s << QList<QByteArray> {"abcd"} << u"x="_s + maskOf(u"88d4266f"_s);
    QTest::newRow("non-ASCII secret")
        << u"pw=g\u00e9h\u00e9im!"_s << QList<QByteArray> {"g\xc3\xa9h\xc3\xa9im!"}
        << u"pw="_s + maskOf(u"7a6e4b37"_s);
    QTest::newRow("absent secret") << u"nothing here"_s << QList<QByteArray> {"password"}
                                   << u"nothing here"_s;
}

void TestSecretText::maskAll()
{
    QFETCH(QString, text);
    QFETCH(QList<QByteArray>, secrets);
    QFETCH(QString, expected);
    QVERIFY(SecretText::MinMaskedLength == 4); // the rows above are written for it
    QCOMPARE(SecretText::maskAll(text, secrets), expected);
}

QTEST_APPLESS_MAIN(TestSecretText)

#include "tst_secrettext.moc"
