#pragma once

#include "ClusterProfile.h"
#include "newprofile/ProfileDraft.h"

#include <QDialog>

#include <memory>
#include <optional>

class PresetRegistry;
class QPushButton;

namespace Ui {
class NewProfileDialog;
}

// Asks for the few facts a new profile needs (name, product, hosts, database) and
// builds the profile as they are typed. OK stays disabled while the input has a
// problem, and the first problem is shown in words under the form.
class NewProfileDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit NewProfileDialog(const PresetRegistry &presets, QWidget *parent = nullptr);
    ~NewProfileDialog() override;

    ProfileDraft draft() const;
    // The profile the input describes; empty while it has a problem.
    const std::optional<ClusterProfile> &profile() const { return m_profile; }
    // The first problem in the input, as shown in the dialog; empty when there is none.
    QString problem() const { return m_problem; }

private:
    void productChanged();
    void updateHints(const ProfileDraft &current);
    void revalidate();

    std::unique_ptr<Ui::NewProfileDialog> m_ui;
    const PresetRegistry &m_presets;
    QPushButton *m_okButton = nullptr;
    bool m_sshUserEdited = false;
    std::optional<ClusterProfile> m_profile;
    QString m_problem;
};
