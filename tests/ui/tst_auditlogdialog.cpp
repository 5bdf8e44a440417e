#include "UiTestSupport.h"
#include "audit/AuditLogDialog.h"
#include "audit/AuditTableModel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

class TestAuditLogDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void newestFirst();
    void filterReducesRows();
    void selectingShowsDetails();
    void clusterFilter();
    void exportWritesWhatIsShown();
    void modelIsSound();
    void accessible();

private:
    QString cell(const AuditLogDialog &dialog, int row, int column) const
    {
        return dialog.view()->model()->index(row, column).data().toString();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<AuditLog> m_log;
    const QDateTime m_t0 = QDateTime(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);
};

void TestAuditLogDialog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto log = AuditLog::open(m_dir->filePath(QStringLiteral("audit.sqlite")));
    QVERIFY2(log, qPrintable(log ? QString() : log.error().message));
    m_log = std::move(*log);

    const auto add = [this](int seconds, const QString &cluster, const QString &action,
                         const QString &summary, const QString &details) {
        AuditEntry entry;
        entry.when = m_t0.addSecs(seconds);
        entry.osUser = QStringLiteral("alice");
        entry.cluster = cluster;
        entry.profilePath = QStringLiteral("/profiles/%1.json").arg(cluster);
        entry.action = action;
        entry.target = QStringLiteral("node-1");
        entry.summary = summary;
        entry.outcome = QStringLiteral("ok");
        entry.details = details;
        return m_log->append(entry).has_value();
    };
    QVERIFY(add(10, QStringLiteral("prod"), QStringLiteral("config.push"), QStringLiteral("first"),
        QStringLiteral("- pool = 10\n+ pool = 20\n")));
    QVERIFY(add(30, QStringLiteral("staging"), QStringLiteral("secret.rotate"), QStringLiteral("third"),
        QStringLiteral("rotated the database password")));
    QVERIFY(add(20, QStringLiteral("prod"), QStringLiteral("config.rollback"), QStringLiteral("second"),
        QStringLiteral("- pool = 20\n+ pool = 10\n")));
}

void TestAuditLogDialog::cleanup()
{
    m_log.reset();
    m_dir.reset();
}

void TestAuditLogDialog::newestFirst()
{
    AuditLogDialog dialog(m_log.get());
    QCOMPARE(dialog.view()->model()->rowCount(), 3);
    QCOMPARE(cell(dialog, 0, AuditTableModel::Summary), QStringLiteral("third"));
    QCOMPARE(cell(dialog, 1, AuditTableModel::Summary), QStringLiteral("second"));
    QCOMPARE(cell(dialog, 2, AuditTableModel::Summary), QStringLiteral("first"));
    QCOMPARE(cell(dialog, 0, AuditTableModel::When),
        m_t0.addSecs(30).toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"));
    QCOMPARE(cell(dialog, 0, AuditTableModel::User), QStringLiteral("alice"));
    QCOMPARE(cell(dialog, 0, AuditTableModel::Cluster), QStringLiteral("staging"));
    QCOMPARE(cell(dialog, 0, AuditTableModel::Action), QStringLiteral("secret.rotate"));
    QCOMPARE(cell(dialog, 0, AuditTableModel::Target), QStringLiteral("node-1"));
    QCOMPARE(cell(dialog, 0, AuditTableModel::Outcome), QStringLiteral("ok"));
    const QAbstractItemModel *model = dialog.view()->model();
    QCOMPARE(model->columnCount(), int(AuditTableModel::ColumnCount));
    QCOMPARE(model->headerData(AuditTableModel::When, Qt::Horizontal).toString(), QStringLiteral("When"));
    QCOMPARE(
        model->headerData(AuditTableModel::Summary, Qt::Horizontal).toString(), QStringLiteral("Summary"));
}

void TestAuditLogDialog::filterReducesRows()
{
    AuditLogDialog dialog(m_log.get());
    QTest::keyClicks(dialog.filterEdit(), QStringLiteral("pool"));
    QCOMPARE(dialog.view()->model()->rowCount(), 2);
    QCOMPARE(cell(dialog, 0, AuditTableModel::Summary), QStringLiteral("second"));
    dialog.filterEdit()->setText(QStringLiteral("ROTATE"));
    QCOMPARE(dialog.view()->model()->rowCount(), 1);
    dialog.filterEdit()->setText(QStringLiteral("nothing matches this"));
    QCOMPARE(dialog.view()->model()->rowCount(), 0);
    dialog.filterEdit()->clear();
    QCOMPARE(dialog.view()->model()->rowCount(), 3);
}

void TestAuditLogDialog::selectingShowsDetails()
{
    AuditLogDialog dialog(m_log.get());
    QVERIFY(dialog.detailsView()->toPlainText().isEmpty());
    dialog.view()->selectRow(1);
    const QString details = dialog.detailsView()->toPlainText();
    QVERIFY2(details.contains(QStringLiteral("- pool = 20\n+ pool = 10")), qPrintable(details));
    QVERIFY(details.startsWith(QStringLiteral("second")));
    QVERIFY(details.contains(QStringLiteral("/profiles/prod.json")));

    // The selection stays on its entry while the filter keeps it.
    dialog.filterEdit()->setText(QStringLiteral("pool"));
    QCOMPARE(dialog.view()->currentIndex().row(), 0);
    QVERIFY(dialog.detailsView()->toPlainText().startsWith(QStringLiteral("second")));
    dialog.filterEdit()->setText(QStringLiteral("rotate"));
    QVERIFY(dialog.detailsView()->toPlainText().isEmpty());
}

void TestAuditLogDialog::clusterFilter()
{
    AuditLogDialog dialog(m_log.get(), QStringLiteral("prod"));
    QCOMPARE(dialog.view()->model()->rowCount(), 2);
    QVERIFY(dialog.windowTitle().contains(QStringLiteral("prod")));
}

void TestAuditLogDialog::exportWritesWhatIsShown()
{
    AuditLogDialog dialog(m_log.get());
    dialog.filterEdit()->setText(QStringLiteral("pool"));
    const QString file = m_dir->filePath(QStringLiteral("export.json"));
    QVERIFY(dialog.exportEntries(file, AuditLog::Format::Json));
    QFile in(file);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(in.readAll()).array().size(), 2);
}

void TestAuditLogDialog::modelIsSound()
{
    AuditTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto all = m_log->entries();
    QVERIFY(all);
    model.setEntries(*all);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, AuditTableModel::When).data(AuditTableModel::SortRole).toLongLong(),
        m_t0.addSecs(30).toMSecsSinceEpoch());
    model.setEntries({});
    QCOMPARE(model.rowCount(), 0);
}

void TestAuditLogDialog::accessible()
{
    AuditLogDialog dialog(m_log.get());
    const QStringList missing = widgetsWithoutAccessibleName(&dialog);
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u' ')));
}

QTEST_MAIN(TestAuditLogDialog)
#include "tst_auditlogdialog.moc"
