#pragma once

#include <QObject>

class QSocketNotifier;

// Turns Ctrl+C and a polite kill (SIGINT, SIGTERM; on Windows the console's Ctrl+C,
// Ctrl+Break and close events) into a signal on the event loop, so that a long
// command can stop cleanly: cancel its work, remove what it half wrote, exit.
// One at a time per process; a second interrupt while the first is handled ends
// the process at once, as users expect of a second Ctrl+C.
class InterruptWatcher final : public QObject
{
    Q_OBJECT

public:
    explicit InterruptWatcher(QObject *parent = nullptr);
    ~InterruptWatcher() override;

Q_SIGNALS:
    void interrupted();

private:
    void onNotified();
    QSocketNotifier *m_notifier = nullptr;
};
