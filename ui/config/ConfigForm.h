#pragma once

#include "config/ConfigFields.h"
#include "config/ConfigPlan.h"
#include "config/NodeConfigFacts.h"

#include <QMap>
#include <QWidget>

class QCheckBox;
class QFormLayout;
class QLabel;
class QTableWidget;
class SecretField;

// The form view of a cluster's configuration: the settings the product's editor
// knows, each with the value every node agrees on (or a note that they differ),
// the per-node settings as a table, and the secrets with their fingerprints.
class ConfigForm final : public QWidget
{
    Q_OBJECT

public:
    explicit ConfigForm(QWidget *parent = nullptr);

    // keychain: secret name ("appSecret", ...) -> the keychain's value.
    void setContent(const QString &product, const QStringList &nodes, const QList<NodeConfigFacts> &facts,
        const QMap<QString, QByteArray> &keychain);
    // The edits made, as changes for ConfigPlanner; secrets only when "write to the
    // nodes" is ticked.
    QList<ConfigChange> changes() const;
    bool hasChanges() const { return !changes().isEmpty(); }

    QWidget *editorFor(const QString &fieldId) const { return m_editors.value(fieldId); }
    QTableWidget *nodeTable() const { return m_nodeTable; }
    SecretField *secretField(const QString &secretName) const { return m_secretFields.value(secretName); }
    QCheckBox *pushSecretBox(const QString &secretName) const { return m_pushSecret.value(secretName); }

Q_SIGNALS:
    void changed();
    void rotateRequested(const QString &secretName);

private:
    void clearForm();

    QString m_product;
    QStringList m_nodes;
    QFormLayout *m_clusterForm;
    QFormLayout *m_secretForm;
    QTableWidget *m_nodeTable;
    QLabel *m_differs;
    QList<ConfigField> m_nodeFields;
    QMap<QString, QWidget *> m_editors; // field id -> editor of a cluster-scope field
    QMap<QString, QString> m_original; // field id -> the value shown at first
    QMap<QString, SecretField *> m_secretFields; // secret name -> field
    QMap<QString, QCheckBox *> m_pushSecret; // secret name -> "write to every node"
    QMap<QString, QString> m_secretFieldIds; // secret name -> field id
};
