#pragma once

#include "audit/AuditLog.h"

#include <QDialog>

class AuditTableModel;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

// Shows the audit log: the entries newest first (of one cluster, or of all), a
// text filter, the selected entry's details, and an export of what is shown to
// CSV or JSON. Reads run on the GUI thread: the log is a local SQLite file.
class AuditLogDialog final : public QDialog
{
    Q_OBJECT

public:
    // At most this many entries are listed (and exported) at once.
    static constexpr int listLimit = 5000;

    // `log` must outlive the dialog; `cluster` limits the list to one profile.
    explicit AuditLogDialog(AuditLog *log, const QString &cluster = {}, QWidget *parent = nullptr);
    ~AuditLogDialog() override;

    // Reads the entries again with the current filter.
    void reload();
    // Writes what the list shows to `file`; on failure tells the user and returns false.
    bool exportEntries(const QString &file, AuditLog::Format format);

    QTableView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filter; }
    QPlainTextEdit *detailsView() const { return m_details; }
    AuditTableModel *model() const { return m_model; }

private:
    AuditQuery currentQuery() const;
    void showSelected();
    void chooseExportFile();

    AuditLog *m_log;
    QString m_cluster;
    AuditTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    QTableView *m_view;
    QPlainTextEdit *m_details;
    QLabel *m_status;
    QPushButton *m_export;
};
