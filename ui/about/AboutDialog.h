#pragma once

#include <QDialog>

#include <memory>

namespace Ui {
class AboutDialog;
}

// Names Clusterdesk and its version, and the versions of the libraries it runs with,
// so a bug report can quote them.
class AboutDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit AboutDialog(QWidget *parent = nullptr);
    ~AboutDialog() override;

private:
    std::unique_ptr<Ui::AboutDialog> m_ui;
};
