#pragma once

#include "ConfigDialogBase.h"
#include "config/KeyedConfigSession.h"

#include <QMap>

#include <functional>
#include <memory>
#include <optional>

class AuditLog;
class ConfigChecksView;
class HostKeyPrompter;
class QCheckBox;
class QFormLayout;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class SecretField;
class SecretStore;

// The configuration editor of a cluster whose deployment keeps the product's settings
// for every node at once: Kubernetes Secrets and ConfigMaps, or a Compose project's
// .env file (KeyedConfigSession). The settings kept there as a form, the secrets by
// fingerprint beside the keychain's, the checks, an activity log; changes are reviewed
// (secrets masked) and written in one step, then the nodes start again with them.
class KeyedConfigEditor final : public ConfigDialogBase
{
    Q_OBJECT

public:
    // Hook for tests; the default asks in a message box. The review gets the text of
    // the change and decides whether the nodes restart.
    using ReviewHandler = std::function<bool(const QString &text, bool *restart)>;

    // `session` is taken over (KeyedConfigSession::create).
    KeyedConfigEditor(KeyedConfigSession *session, SecretStore *secrets, QWidget *parent = nullptr);
    ~KeyedConfigEditor() override;

    void reload();
    void applyChanges();
    void rotateSecret(const QString &secretName);

    void setReviewHandler(ReviewHandler handler) { m_review = std::move(handler); }
    // Where the audit log lives (tests); by default the user's data folder.
    void setAuditLog(AuditLog *log);

    // The edits made in the form, as changes for the session.
    QList<ConfigChange> changes() const;
    QWidget *editorFor(const QString &fieldId) const { return m_editors.value(fieldId); }
    QCheckBox *pushSecretBox(const QString &secretName) const { return m_pushSecret.value(secretName); }
    SecretField *secretField(const QString &secretName) const { return m_secretFields.value(secretName); }
    ConfigChecksView *checksView() const { return m_checks; }
    // Compose: the .env as text, secrets masked until "Reveal and Edit"; null otherwise.
    QPlainTextEdit *rawView() const { return m_raw; }
    QPushButton *rawEditButton() const { return m_rawEdit; }
    const KeyedConfigState &state() const { return m_state; }
    KeyedConfigSession *session() const { return m_session; }

Q_SIGNALS:
    void reloaded();
    void pushFinished(const PushReport &report);

private:
    void busyChanged(bool busy) override;
    void showState(const KeyedConfigStateResult &answer);
    void buildForm();
    void updateApply() override;
    void showRawText();
    // The raw view's new text, when it was revealed and edited.
    std::optional<QByteArray> rawChange() const;
    void applyRawChange(const QByteArray &text);
    // The review: the hook, or a message box with a restart choice.
    bool confirm(const QString &text, bool *restart);
    void startPush(const QList<ConfigChange> &changes, bool restart, const QString &action);
    void finishPush(const PushReport &report);

    KeyedConfigSession *m_session;
    HostKeyPrompter *m_hostKeys;
    KeyedConfigState m_state;
    bool m_stateRead = false;

    QWidget *m_formPage;
    QFormLayout *m_settingsForm;
    QFormLayout *m_secretsForm;
    ConfigChecksView *m_checks;
    QPlainTextEdit *m_raw = nullptr;
    QPushButton *m_rawEdit = nullptr;

    QMap<QString, QWidget *> m_editors; // field id -> editor
    QMap<QString, QString> m_original; // field id -> the value shown at first
    QMap<QString, SecretField *> m_secretFields; // secret name -> the keychain's value
    QMap<QString, QCheckBox *> m_pushSecret; // secret name -> "write the keychain's value"

    ReviewHandler m_review;
};
