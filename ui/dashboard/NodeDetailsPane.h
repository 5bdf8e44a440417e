#pragma once

#include "ClusterStatus.h"
#include "NodeHistory.h"

#include <QPointer>
#include <QWidget>

class LatencyChart;
class QFormLayout;
class QLabel;
class QMessageBox;
class QPushButton;
class QStackedWidget;
class WarningBanner;

// Everything known about the selected node: its address and health, the facts
// read over SSH, its pod or container, its recent errors and latency. A node whose
// SSH host key changed gets a loud warning and the way out (remove the old key,
// after a confirmation that explains the risk).
class NodeDetailsPane final : public QWidget
{
    Q_OBJECT

public:
    explicit NodeDetailsPane(QWidget *parent = nullptr);

    // `history` may be null (no samples yet).
    void showNode(const NodeStatus &node, const NodeHistory *history, const QDateTime &now);
    void showNothing();
    QString nodeName() const { return m_node; }

    // The value shown for a field, by its accessible name; empty when the row is hidden.
    QString fieldText(const QString &accessibleName) const;
    QStringList recentErrors() const { return m_errors; }
    LatencyChart *latencyChart() const { return m_chart; }
    QPushButton *removeKeyButton() const { return m_removeKey; }
    // The open "remove the old key?" question, if any.
    QMessageBox *pendingConfirmation() const;

Q_SIGNALS:
    // The user confirmed that the node's old host key should go.
    void removeKnownHostRequested(const QString &nodeName);

private:
    QLabel *addRow(const QString &caption, const QString &accessibleName);
    void setRow(QLabel *value, const QString &text);
    void confirmRemoveKey();

    QString m_node;
    QStringList m_errors;
    QStackedWidget *m_pages = nullptr;
    QLabel *m_placeholder = nullptr;
    QLabel *m_title = nullptr;
    QFormLayout *m_form = nullptr;
    QLabel *m_url = nullptr;
    QLabel *m_health = nullptr;
    QLabel *m_version = nullptr;
    QLabel *m_latency = nullptr;
    QLabel *m_uptime = nullptr;
    QLabel *m_checked = nullptr;
    QLabel *m_control = nullptr;
    QLabel *m_process = nullptr;
    QLabel *m_installFree = nullptr;
    QLabel *m_sharedFree = nullptr;
    QLabel *m_java = nullptr;
    QLabel *m_replica = nullptr;
    QLabel *m_replicaState = nullptr;
    QLabel *m_restarts = nullptr;
    QLabel *m_placement = nullptr;
    WarningBanner *m_hostKeyWarning = nullptr;
    QPushButton *m_removeKey = nullptr;
    QLabel *m_errorsHeading = nullptr;
    QLabel *m_errorList = nullptr;
    LatencyChart *m_chart = nullptr;
    QPointer<QMessageBox> m_confirmation;
};
