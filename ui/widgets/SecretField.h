#pragma once

#include <QByteArray>
#include <QPointer>
#include <QWidget>

#include <chrono>

class QLabel;
class QLineEdit;
class QTimer;
class QToolButton;

// One secret in an editor: its fingerprint ("sha256 1a2b3c4d"), the value masked,
// and buttons to reveal it while checked, copy it and ask for a new one. Copying
// marks the clipboard data as a password (clipboard managers then skip it) and
// clears the clipboard after a while if it still holds the value, even when this
// widget is gone by then. The value is read-only unless setEditable(true).
class SecretField final : public QWidget
{
    Q_OBJECT

public:
    static constexpr std::chrono::milliseconds defaultClearClipboardAfter {30000};
    // The MIME type KDE's Klipper and other clipboard managers read to skip passwords.
    static QString passwordManagerHintFormat() { return QStringLiteral("x-kde-passwordManagerHint"); }

    explicit SecretField(QWidget *parent = nullptr);
    ~SecretField() override;

    // Shows `secret` without emitting secretEdited.
    void setSecret(const QByteArray &secret);
    QByteArray secret() const { return m_secret; }

    void setEditable(bool editable);
    bool isEditable() const;

    void setClearClipboardAfter(std::chrono::milliseconds interval) { m_clearAfter = interval; }
    std::chrono::milliseconds clearClipboardAfter() const { return m_clearAfter; }

    // The parts, for editors that lay out labels and tests.
    QLineEdit *lineEdit() const { return m_edit; }
    QLabel *fingerprintLabel() const { return m_fingerprint; }
    QToolButton *revealButton() const { return m_reveal; }
    QToolButton *copyButton() const { return m_copy; }
    QToolButton *generateButton() const { return m_generate; }

public Q_SLOTS:
    void copyToClipboard();

Q_SIGNALS:
    // The user typed a new value.
    void secretEdited(const QByteArray &secret);
    // The user asked for a generated value; the editor decides and calls setSecret.
    void generateRequested();

private:
    void updateFingerprint();
    void setRevealed(bool revealed);

    QByteArray m_secret;
    std::chrono::milliseconds m_clearAfter = defaultClearClipboardAfter;
    QLabel *m_fingerprint;
    QLineEdit *m_edit;
    QToolButton *m_reveal;
    QToolButton *m_copy;
    QToolButton *m_generate;
    QPointer<QTimer> m_clearTimer; // owned by the clipboard, so it outlives this widget
};
