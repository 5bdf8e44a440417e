#pragma once

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QGroupBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QWidget>

// Points QSettings and QStandardPaths at a throw-away folder, so GUI tests never
// read or change the user's settings. Construct it before anything uses QSettings.
class IsolatedSettings
{
public:
    explicit IsolatedSettings(const QString &testName)
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("ClusterdeskTests"));
        QCoreApplication::setApplicationName(testName);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
    }

    bool isValid() const { return m_dir.isValid(); }
    QString path() const { return m_dir.path(); }
    static void clear() { QSettings().clear(); }

private:
    QTemporaryDir m_dir;
};

// Widgets a user can operate with no accessible name, by object name and class.
// Parts of composite widgets (a spin box's line edit, a view's headers, a line
// edit's clear button) are named
// by their owner, and Qt's own helpers ("qt_menubar_ext_button") by Qt; both are skipped.
inline QStringList widgetsWithoutAccessibleName(QWidget *root)
{
    QStringList missing;
    const auto interactive = [](QWidget *widget) {
        if (auto *group = qobject_cast<QGroupBox *>(widget))
            return group->isCheckable();
        return qobject_cast<QAbstractButton *>(widget) || qobject_cast<QLineEdit *>(widget)
            || qobject_cast<QComboBox *>(widget) || qobject_cast<QAbstractSpinBox *>(widget)
            || qobject_cast<QPlainTextEdit *>(widget)
            || (qobject_cast<QAbstractItemView *>(widget) && !qobject_cast<QHeaderView *>(widget));
    };
    const auto part = [](QWidget *widget) {
        QWidget *parent = widget->parentWidget();
        return qobject_cast<QAbstractSpinBox *>(parent) || qobject_cast<QComboBox *>(parent)
            || qobject_cast<QAbstractItemView *>(parent) || qobject_cast<QLineEdit *>(parent);
    };
    const QList<QWidget *> widgets = root->findChildren<QWidget *>();
    for (QWidget *widget : widgets) {
        if (widget->window() != root->window() || !interactive(widget) || part(widget)
            || widget->objectName().startsWith(QLatin1String("qt_")))
            continue;
        if (widget->accessibleName().isEmpty())
            missing << widget->objectName() + QLatin1Char(':')
                    + QString::fromLatin1(widget->metaObject()->className());
    }
    return missing;
}
