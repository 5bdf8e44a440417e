#pragma once

#include "config/ConfigPlan.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QPlainTextEdit;

// Shows what a change does before anything leaves the machine: the summary, the diff
// of every file on every node (secrets masked), and what happens to the nodes.
class ChangeReviewDialog final : public QDialog
{
    Q_OBJECT

public:
    ChangeReviewDialog(
        const ConfigPlan &plan, const QString &explanation, bool restartChoice, QWidget *parent = nullptr);

    bool restart() const;
    QPlainTextEdit *diffView() const { return m_diff; }
    QDialogButtonBox *buttons() const { return m_buttons; }

private:
    QPlainTextEdit *m_diff;
    QCheckBox *m_restart;
    QDialogButtonBox *m_buttons;
};
