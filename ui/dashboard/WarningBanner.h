#pragma once

#include <QFrame>
#include <QStringList>

class QLabel;

// A framed warning: an icon and one line per problem. Hidden while there is none.
class WarningBanner final : public QFrame
{
    Q_OBJECT

public:
    explicit WarningBanner(QWidget *parent = nullptr);

    void setWarnings(const QStringList &warnings);
    QStringList warnings() const { return m_warnings; }
    QString text() const;

private:
    QStringList m_warnings;
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
};
