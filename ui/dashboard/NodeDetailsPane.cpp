#include "NodeDetailsPane.h"

#include "NodeTableModel.h"
#include "dashboard/DashboardText.h"
#include "dashboard/LatencyChart.h"
#include "dashboard/WarningBanner.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace {

const QString dash = QStringLiteral("–");

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

QString optionalText(const std::optional<bool> &value, const QString &yes, const QString &no)
{
    if (!value)
        return {};
    return *value ? yes : no;
}

} // namespace

NodeDetailsPane::NodeDetailsPane(QWidget *parent)
    : QWidget(parent)
    , m_pages(new QStackedWidget(this))
{
    setObjectName(QStringLiteral("nodeDetails"));

    m_placeholder = new QLabel(tr("Select a node to see its details."), m_pages);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setEnabled(false);
    m_pages->addWidget(m_placeholder);

    auto *scroll = new QScrollArea(m_pages);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(scroll);
    scroll->setWidget(content);
    m_pages->addWidget(scroll);

    m_title = heading({}, content);
    m_title->setObjectName(QStringLiteral("nodeDetailsTitle"));
    m_title->setAccessibleName(tr("Selected node"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    m_title->setFont(titleFont);

    m_hostKeyWarning = new WarningBanner(content);
    m_hostKeyWarning->setObjectName(QStringLiteral("hostKeyChangedWarning"));
    m_removeKey = new QPushButton(tr("&Remove Old Key…"), content);
    m_removeKey->setObjectName(QStringLiteral("removeOldKeyButton"));
    m_removeKey->setAccessibleName(tr("Remove old host key"));
    m_removeKey->setVisible(false);
    connect(m_removeKey, &QPushButton::clicked, this, &NodeDetailsPane::confirmRemoveKey);
    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(m_removeKey);
    keyRow->addStretch();

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setLabelAlignment(Qt::AlignLeft);
    m_form->setVerticalSpacing(3);
    m_url = addRow(tr("Address:"), tr("Node address"));
    m_health = addRow(tr("Health:"), tr("Node health"));
    m_version = addRow(tr("Version:"), tr("Node version"));
    m_latency = addRow(tr("Latency:"), tr("Node latency"));
    m_uptime = addRow(tr("Uptime:"), tr("Node uptime"));
    m_checked = addRow(tr("Last checked:"), tr("Last checked"));
    m_control = addRow(tr("SSH:"), tr("SSH control"));
    m_process = addRow(tr("Process:"), tr("Application process"));
    m_installFree = addRow(tr("Free in install folder:"), tr("Free space in the install folder"));
    m_sharedFree = addRow(tr("Free in shared folder:"), tr("Free space in the shared folder"));
    m_java = addRow(tr("Java:"), tr("Java version"));
    m_replica = addRow(tr("Pod or container:"), tr("Pod or container"));
    m_replicaState = addRow(tr("State:"), tr("Replica state"));
    m_restarts = addRow(tr("Restarts:"), tr("Restarts"));
    m_placement = addRow(tr("Runs on:"), tr("Placement"));

    m_errorsHeading = heading(tr("Recent errors"), content);
    m_errorList = new QLabel(content);
    m_errorList->setObjectName(QStringLiteral("recentErrors"));
    m_errorList->setAccessibleName(tr("Recent errors"));
    m_errorList->setTextFormat(Qt::PlainText);
    m_errorList->setWordWrap(true);
    m_errorList->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorsHeading->setBuddy(m_errorList);

    auto *chartHeading = heading(tr("Latency history"), content);
    m_chart = new LatencyChart(content);
    m_chart->setObjectName(QStringLiteral("latencyChart"));

    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(6, 0, 6, 6);
    layout->addWidget(m_title);
    layout->addWidget(m_hostKeyWarning);
    layout->addLayout(keyRow);
    layout->addLayout(m_form);
    layout->addSpacing(8);
    layout->addWidget(m_errorsHeading);
    layout->addWidget(m_errorList);
    layout->addSpacing(8);
    layout->addWidget(chartHeading);
    layout->addWidget(m_chart);
    layout->addStretch();

    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_pages);
    showNothing();
}

QLabel *NodeDetailsPane::addRow(const QString &caption, const QString &accessibleName)
{
    auto *value = new QLabel;
    value->setAccessibleName(accessibleName);
    value->setTextFormat(Qt::PlainText);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setWordWrap(true);
    m_form->addRow(caption, value);
    if (auto *label = qobject_cast<QLabel *>(m_form->labelForField(value)))
        label->setBuddy(value);
    return value;
}

void NodeDetailsPane::setRow(QLabel *value, const QString &text)
{
    value->setText(text);
    m_form->setRowVisible(value, !text.isEmpty());
}

void NodeDetailsPane::showNothing()
{
    m_node.clear();
    m_errors.clear();
    m_pages->setCurrentWidget(m_placeholder);
    if (m_confirmation)
        m_confirmation->reject();
}

void NodeDetailsPane::showNode(const NodeStatus &node, const NodeHistory *history, const QDateTime &now)
{
    if (m_node != node.name && m_confirmation)
        m_confirmation->reject(); // the question was about another node
    m_node = node.name;
    m_pages->setCurrentIndex(1);

    m_title->setText(node.discovered ? tr("%1 (found by the orchestrator)").arg(node.name) : node.name);
    setRow(m_url, node.url.toString(QUrl::RemoveUserInfo));
    QString health = NodeHealthText::display(node.health);
    if (node.healthSince.isValid())
        health = tr("%1 since %2").arg(health, DashboardText::time(node.healthSince, now));
    if (!node.error.isEmpty())
        health = tr("%1: %2").arg(health, node.error);
    setRow(m_health, health);
    setRow(m_version,
        node.version.isKnown() ? node.version.normalized()
                               : (node.versionText.isEmpty() ? dash : node.versionText));
    setRow(m_latency, node.latencyMs < 0 ? dash : tr("%1 ms").arg(node.latencyMs));
    const auto uptime = node.uptimeSeconds(now);
    setRow(m_uptime, uptime ? NodeTableModel::durationText(*uptime) : dash);
    setRow(m_checked, node.checkedAt.isValid() ? DashboardText::time(node.checkedAt, now) : tr("not yet"));

    setRow(m_control, DashboardText::controlState(node.control, node.controlError));
    setRow(m_process, optionalText(node.processRunning, tr("running"), tr("not running")));
    setRow(m_installFree,
        node.installDirFreeBytes ? DashboardText::bytes(*node.installDirFreeBytes) : QString());
    setRow(
        m_sharedFree, node.sharedDirFreeBytes ? DashboardText::bytes(*node.sharedDirFreeBytes) : QString());
    setRow(m_java, node.javaVersion);

    setRow(m_replica, node.replicaName);
    QString state = node.replicaState;
    if (node.replicaReady)
        state = state.isEmpty() ? (*node.replicaReady ? tr("ready") : tr("not ready"))
                                : (*node.replicaReady ? tr("%1, ready") : tr("%1, not ready")).arg(state);
    setRow(m_replicaState, state);
    setRow(m_restarts, node.restarts < 0 ? QString() : QString::number(node.restarts));
    setRow(m_placement, node.placement);

    const bool keyChanged = node.control == ControlState::HostKeyChanged;
    m_hostKeyWarning->setWarnings(keyChanged
            ? QStringList {tr("The SSH host key of %1 has CHANGED since it was saved in known_hosts.")
                               .arg(node.name),
                tr("Someone may be intercepting the connection (a man-in-the-middle attack), or the host was "
                   "reinstalled. Clusterdesk does not connect to it until the old key is removed. Check the "
                   "new key with the host's administrator first.")}
            : QStringList {});
    m_removeKey->setVisible(keyChanged);

    m_errors = history ? history->recentErrors() : QStringList {};
    m_errorList->setText(m_errors.isEmpty() ? tr("None") : m_errors.join(u'\n'));
    m_chart->setSamples(history ? history->samples() : QList<NodeHistory::Sample> {});
}

QString NodeDetailsPane::fieldText(const QString &accessibleName) const
{
    for (const QLabel *label : findChildren<QLabel *>()) {
        if (label->accessibleName() == accessibleName)
            return label->isHidden() ? QString() : label->text();
    }
    return {};
}

QMessageBox *NodeDetailsPane::pendingConfirmation() const
{
    return m_confirmation;
}

void NodeDetailsPane::confirmRemoveKey()
{
    if (m_node.isEmpty() || m_confirmation)
        return;
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Remove Old Host Key"),
        tr("Remove the old SSH host key of %1 from known_hosts?").arg(m_node), QMessageBox::NoButton, this);
    box->setInformativeText(
        tr("Do this only if you know why the key changed, for example because the host was "
           "reinstalled. Otherwise someone may be posing as the host: after the old key is "
           "gone, Clusterdesk asks you to trust the new one, and trusting an attacker's key "
           "gives them the passwords and commands sent to this node."));
    QPushButton *remove = box->addButton(tr("Remove Old Key"), QMessageBox::DestructiveRole);
    remove->setAccessibleName(tr("Remove old key"));
    QPushButton *keep = box->addButton(tr("Keep Key"), QMessageBox::RejectRole);
    keep->setAccessibleName(tr("Keep key"));
    box->setDefaultButton(keep);
    box->setEscapeButton(keep);
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_confirmation = box;
    const QString node = m_node;
    connect(box, &QMessageBox::finished, this, [this, box, remove, node] {
        if (box->clickedButton() == remove)
            Q_EMIT removeKnownHostRequested(node);
    });
    box->open();
}
