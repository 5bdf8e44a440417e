#include "secrets/SecretTools.h"

#include <QSet>
#include <QTest>

#include <array>

class TestSecretTools : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fingerprint_data();
    void fingerprint();
    void fingerprintIsLowercaseHex();
    void generateLength_data();
    void generateLength();
    void generateAlphabet();
    void generateDistinct();
    void generateDistribution();
    void minimumLength_data();
    void minimumLength();

private:
    static bool inAlphabet(char c)
    {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
            || c == '_';
    }
};

void TestSecretTools::fingerprint_data()
{
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QString>("expected");
    // Published SHA-256 test vectors (FIPS 180-2 and the empty message), first 4 bytes.
    QTest::newRow("abc") << QByteArray("abc") << QStringLiteral("ba7816bf");
    QTest::newRow("two blocks") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                << QStringLiteral("248d6a61");
    QTest::newRow("empty") << QByteArray() << QString();
}

void TestSecretTools::fingerprint()
{
    QFETCH(QByteArray, secret);
    QFETCH(QString, expected);
    QCOMPARE(SecretTools::fingerprint(secret), expected);
}

void TestSecretTools::fingerprintIsLowercaseHex()
{
    const QString print = SecretTools::fingerprint("The quick brown fox jumps over the lazy dog");
    QCOMPARE(print, QStringLiteral("d7a8fbb3")); // published digest d7a8fbb307d78094...
    QCOMPARE(print.size(), 8);
    QCOMPARE(print, print.toLower());
}

void TestSecretTools::generateLength_data()
{
    QTest::addColumn<int>("requested");
    QTest::addColumn<int>("expected");
    QTest::newRow("default") << -1 << 48;
    QTest::newRow("zero is clamped") << 0 << 32;
    QTest::newRow("short is clamped") << 12 << 32;
    QTest::newRow("exactly 32") << 32 << 32;
    QTest::newRow("long") << 200 << 200;
}

void TestSecretTools::generateLength()
{
    QFETCH(int, requested);
    QFETCH(int, expected);
    const QByteArray secret = requested < 0 ? SecretTools::generate() : SecretTools::generate(requested);
    QCOMPARE(secret.size(), expected);
}

void TestSecretTools::generateAlphabet()
{
    const QByteArray secret = SecretTools::generate(10000);
    for (char c : secret)
        QVERIFY2(inAlphabet(c), qPrintable(QStringLiteral("unexpected character %1").arg(int(c))));
}

void TestSecretTools::generateDistinct()
{
    QSet<QByteArray> seen;
    for (int i = 0; i < 1000; ++i)
        seen.insert(SecretTools::generate());
    QCOMPARE(seen.size(), 1000);
}

void TestSecretTools::generateDistribution()
{
    // 100000 characters over 64 symbols: about 1562 each. A loose bound that a fair
    // generator misses with negligible probability, but a biased or truncated
    // alphabet does not meet.
    std::array<int, 256> counts {};
    int total = 0;
    while (total < 100000) {
        const QByteArray secret = SecretTools::generate(1000);
        for (char c : secret)
            ++counts[static_cast<unsigned char>(c)];
        total += int(secret.size());
    }
    int symbols = 0;
    for (int c = 0; c < 256; ++c) {
        if (counts[c] == 0)
            continue;
        ++symbols;
        QVERIFY(inAlphabet(char(c)));
        QVERIFY2(counts[c] > 1100 && counts[c] < 2050,
            qPrintable(QStringLiteral("'%1' appeared %2 times").arg(QChar(c)).arg(counts[c])));
    }
    QCOMPARE(symbols, 64);
}

void TestSecretTools::minimumLength_data()
{
    QTest::addColumn<int>("rule");
    QTest::addColumn<int>("expected");
    QTest::newRow("no rule") << 0 << 32;
    QTest::newRow("weaker rule") << 16 << 32;
    QTest::newRow("stricter rule") << 64 << 64;
}

void TestSecretTools::minimumLength()
{
    QFETCH(int, rule);
    QFETCH(int, expected);
    QCOMPARE(SecretTools::minimumLength(rule), expected);
}

QTEST_GUILESS_MAIN(TestSecretTools)
#include "tst_secrettools.moc"
