#pragma once

#include "connectors/ssh/SshTypes.h"

#include <QDialog>

class QPushButton;

// Asks whether to trust an SSH host key Clusterdesk has not seen: the node, the key
// type and its SHA-256 fingerprint to compare with what the host's administrator
// says, and where it would be saved. Cancel is the default and Escape's answer.
class HostKeyDialog final : public QDialog
{
    Q_OBJECT

public:
    HostKeyDialog(const QString &nodeName, const HostKeyInfo &info, QWidget *parent = nullptr);

    QString nodeName() const { return m_node; }
    HostKeyDecision decision() const { return m_decision; }

    QPushButton *acceptOnceButton() const { return m_once; }
    QPushButton *acceptAndSaveButton() const { return m_save; }
    QPushButton *cancelButton() const { return m_cancel; }

private:
    void decide(HostKeyDecision decision);

    QString m_node;
    HostKeyDecision m_decision = HostKeyDecision::Cancel;
    QPushButton *m_once = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_cancel = nullptr;
};
