#pragma once

#include "ClusterStatus.h"
#include "NodeHistory.h"
#include "connectors/ssh/SshTypes.h"

#include <QPointer>
#include <QWidget>

#include <functional>

struct LoadedProfile;
class ClusterPoller;
class ClusterSummary;
class ConfigChecksView;
class DatabasePanel;
class HostKeyPrompter;
class NodeDetailsPane;
class NodeFilterProxy;
class NodeTableModel;
class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QTableView;
class WarningBanner;

// The open cluster, live: a summary with the verdict and warnings, the database,
// a filterable table of the nodes and the details of the selected one.
//
// It shows plain values (setStatus) and asks for actions by signal, so it can be
// fed by hand; setPoller() connects it to a ClusterPoller, which it then owns.
// Each status update is one pass over the table model (changed rows in place), so
// a thousand nodes stay fluid and the selection stays on its node.
class Dashboard final : public QWidget
{
    Q_OBJECT

public:
    using HistoryLookup = std::function<const NodeHistory *(const QString &nodeName)>;

    explicit Dashboard(QWidget *parent = nullptr);
    ~Dashboard() override;

    // `path` is where the profile is saved; empty when it is not saved yet.
    void setProfile(const LoadedProfile &loaded, const QString &path);
    // The profile was saved under `path`: only the file shown changes.
    void setProfileFile(const QString &path);
    void clear();

    // Takes `poller` (may be null), deletes the one before, and follows the new one.
    // The poller is not started here.
    void setPoller(ClusterPoller *poller);
    ClusterPoller *poller() const;

    void setStatus(const ClusterStatus &status, const ClusterAssessment &assessment,
        const QDateTime &now = QDateTime::currentDateTimeUtc());
    void setHistoryLookup(HistoryLookup lookup);
    void setRefreshing(bool refreshing);
    // Queues a host-key question; the answer comes as hostKeyDecided().
    void askHostKey(const QString &nodeName, const HostKeyInfo &info);
    void showKnownHostRemoved(const QString &nodeName, const QString &message, bool ok);

    QAction *refreshAction() const { return m_refresh; }
    QTableView *nodeView() const { return m_view; }
    NodeTableModel *nodeModel() const { return m_model; }
    NodeFilterProxy *nodeProxy() const { return m_proxy; }
    QLineEdit *filterEdit() const { return m_filter; }
    QComboBox *healthFilter() const { return m_healthFilter; }
    ClusterSummary *summary() const { return m_summary; }
    WarningBanner *warningBanner() const { return m_warnings; }
    DatabasePanel *databasePanel() const { return m_database; }
    NodeDetailsPane *detailsPane() const { return m_details; }
    HostKeyPrompter *hostKeyPrompter() const { return m_prompter; }
    ConfigChecksView *configChecks() const { return m_configChecks; }
    // The node the details pane shows; empty when none is selected.
    QString selectedNode() const;
    void selectNode(const QString &nodeName);

    QByteArray saveHeaderState() const;
    void restoreHeaderState(const QByteArray &state);
    QByteArray saveSplitterState() const;
    void restoreSplitterState(const QByteArray &state);

Q_SIGNALS:
    void refreshRequested();
    void removeKnownHostRequested(const QString &nodeName);
    void hostKeyDecided(const QString &nodeName, HostKeyDecision decision);
    // A short note for the status bar.
    void statusMessage(const QString &message);

private:
    void showSelectedNode();
    void updateNodesHeading();
    void fitColumns();
    void followPoller();

    QAction *m_refresh = nullptr;
    QAction *m_findAction = nullptr;
    ClusterSummary *m_summary = nullptr;
    WarningBanner *m_warnings = nullptr;
    DatabasePanel *m_database = nullptr;
    QLabel *m_nodesHeading = nullptr;
    QLineEdit *m_filter = nullptr;
    QComboBox *m_healthFilter = nullptr;
    NodeTableModel *m_model = nullptr;
    NodeFilterProxy *m_proxy = nullptr;
    QTableView *m_view = nullptr;
    QSplitter *m_splitter = nullptr;
    NodeDetailsPane *m_details = nullptr;
    HostKeyPrompter *m_prompter = nullptr;
    ConfigChecksView *m_configChecks = nullptr;
    QPointer<ClusterPoller> m_poller;
    HistoryLookup m_history;
    QDateTime m_now;
    bool m_columnsFitted = false;
};
