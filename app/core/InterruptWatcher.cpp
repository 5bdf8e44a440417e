#include "InterruptWatcher.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>

#ifdef Q_OS_WIN
#include <windows.h>
#else
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <atomic>
#include <cstdlib>

namespace {

std::atomic_int s_count {0};

#ifdef Q_OS_WIN
QPointer<InterruptWatcher> s_watcher;

BOOL WINAPI consoleHandler(DWORD)
{
    if (s_count.fetch_add(1) > 0)
        ExitProcess(130);
    if (InterruptWatcher *w = s_watcher.data())
        QMetaObject::invokeMethod(w, &InterruptWatcher::interrupted, Qt::QueuedConnection);
    return TRUE;
}
#else
int s_fds[2] = {-1, -1};

void onSignal(int)
{
    if (s_count.fetch_add(1) > 0)
        _exit(130);
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(s_fds[0], &byte, 1); // async-signal-safe
}
#endif

} // namespace

InterruptWatcher::InterruptWatcher(QObject *parent)
    : QObject(parent)
{
#ifdef Q_OS_WIN
    s_watcher = this;
    SetConsoleCtrlHandler(consoleHandler, TRUE);
#else
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, s_fds) != 0)
        return;
    m_notifier = new QSocketNotifier(s_fds[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &InterruptWatcher::onNotified);
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
#endif
}

InterruptWatcher::~InterruptWatcher()
{
#ifdef Q_OS_WIN
    SetConsoleCtrlHandler(consoleHandler, FALSE);
#else
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (s_fds[0] >= 0) {
        ::close(s_fds[0]);
        ::close(s_fds[1]);
        s_fds[0] = s_fds[1] = -1;
    }
#endif
}

void InterruptWatcher::onNotified()
{
#ifndef Q_OS_WIN
    char byte = 0;
    [[maybe_unused]] const ssize_t n = ::read(s_fds[1], &byte, 1);
#endif
    Q_EMIT interrupted();
}
