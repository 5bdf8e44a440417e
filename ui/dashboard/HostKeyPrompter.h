#pragma once

#include "connectors/ssh/SshTypes.h"

#include <QList>
#include <QObject>
#include <QPointer>

class HostKeyDialog;
class QWidget;

// Shows host-key questions one at a time, window-modal but without a nested event
// loop, so the poller keeps running while a question is open. Questions that
// arrive meanwhile wait in order; a node already waiting is not asked twice.
class HostKeyPrompter final : public QObject
{
    Q_OBJECT

public:
    explicit HostKeyPrompter(QWidget *parent);

    void ask(const QString &nodeName, const HostKeyInfo &info);
    // Closes the open dialog without an answer and forgets the queue (the profile closed).
    void clear();

    HostKeyDialog *currentDialog() const;
    int pendingCount() const { return int(m_queue.size()); }

Q_SIGNALS:
    void decided(const QString &nodeName, HostKeyDecision decision);

private:
    struct Question
    {
        QString node;
        HostKeyInfo info;
    };
    void showNext();

    QWidget *m_parent = nullptr;
    QList<Question> m_queue;
    QPointer<HostKeyDialog> m_dialog;
};
