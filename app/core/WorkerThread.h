#pragma once

#include <QThread>

#include <memory>

// The owner of a worker thread: when it goes, the thread's event loop is asked to
// quit and the owner waits for it, so no worker outlives the object that posts to
// it. Workers connect QThread::finished to their deleteLater.
struct QuitAndWaitThread
{
    void operator()(QThread *thread) const
    {
        thread->quit();
        thread->wait();
        delete thread;
    }
};

using WorkerThread = std::unique_ptr<QThread, QuitAndWaitThread>;
