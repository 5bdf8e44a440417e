#include "HostKeyPrompter.h"

#include "dashboard/HostKeyDialog.h"

#include <QWidget>

HostKeyPrompter::HostKeyPrompter(QWidget *parent)
    : QObject(parent)
    , m_parent(parent)
{ }

void HostKeyPrompter::ask(const QString &nodeName, const HostKeyInfo &info)
{
    if (m_dialog && m_dialog->nodeName() == nodeName)
        return;
    for (const Question &question : std::as_const(m_queue)) {
        if (question.node == nodeName)
            return;
    }
    m_queue.append({nodeName, info});
    if (!m_dialog)
        showNext();
}

void HostKeyPrompter::clear()
{
    m_queue.clear();
    if (m_dialog) {
        HostKeyDialog *dialog = m_dialog;
        m_dialog = nullptr;
        dialog->disconnect(this);
        dialog->close();
        dialog->deleteLater();
    }
}

HostKeyDialog *HostKeyPrompter::currentDialog() const
{
    return m_dialog;
}

void HostKeyPrompter::showNext()
{
    if (m_queue.isEmpty())
        return;
    const Question question = m_queue.takeFirst();
    auto *dialog = new HostKeyDialog(question.node, question.info, m_parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog = dialog;
    connect(dialog, &QDialog::finished, this, [this, dialog] {
        m_dialog = nullptr;
        Q_EMIT decided(dialog->nodeName(), dialog->decision());
        showNext();
    });
    dialog->open();
}
