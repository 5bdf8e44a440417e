#include "ConfigForm.h"

#include "config/SecretText.h"
#include "widgets/SecretField.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace {

// The value every reachable node holds, or nullopt when they differ; the per-node
// values for the tooltip.
std::optional<QString> common(const QList<NodeConfigFacts> &facts, const QString &fieldId, QString *spread)
{
    QMap<QString, QStringList> groups;
    for (const NodeConfigFacts &node : facts) {
        if (node.reachable)
            groups[node.value(fieldId)].append(node.node);
    }
    QStringList parts;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it)
        parts.append(QStringLiteral("%1: %2").arg(it.value().join(QStringLiteral(", ")),
            it.key().isEmpty() ? ConfigForm::tr("(not set)") : it.key()));
    *spread = parts.join(QLatin1Char('\n'));
    if (groups.size() == 1)
        return groups.firstKey();
    return std::nullopt;
}

} // namespace

ConfigForm::ConfigForm(QWidget *parent)
    : QWidget(parent)
    , m_clusterForm(new QFormLayout)
    , m_secretForm(new QFormLayout)
    , m_nodeTable(new QTableWidget(this))
    , m_differs(new QLabel(this))
{
    auto *clusterBox = new QGroupBox(tr("Cluster settings (the same on every node)"), this);
    clusterBox->setLayout(m_clusterForm);
    auto *secretBox = new QGroupBox(tr("Secrets"), this);
    secretBox->setLayout(m_secretForm);
    auto *nodeBox = new QGroupBox(tr("Per-node settings"), this);
    auto *nodeLayout = new QVBoxLayout(nodeBox);
    nodeLayout->addWidget(m_nodeTable);
    m_nodeTable->setAccessibleName(tr("Per-node settings"));
    m_nodeTable->horizontalHeader()->setStretchLastSection(true);
    m_nodeTable->setMinimumHeight(120);
    m_differs->setWordWrap(true);
    m_differs->setVisible(false);
    m_differs->setStyleSheet(QStringLiteral("QLabel { color: palette(highlighted-text); background: #b35900; "
                                            "padding: 6px; border-radius: 3px; }"));

    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->addWidget(m_differs);
    layout->addWidget(clusterBox);
    layout->addWidget(secretBox);
    layout->addWidget(nodeBox);
    layout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    connect(m_nodeTable, &QTableWidget::itemChanged, this, &ConfigForm::changed);
}

void ConfigForm::clearForm()
{
    while (m_clusterForm->rowCount() > 0)
        m_clusterForm->removeRow(0);
    while (m_secretForm->rowCount() > 0)
        m_secretForm->removeRow(0);
    m_editors.clear();
    m_original.clear();
    m_secretFields.clear();
    m_pushSecret.clear();
    m_secretFieldIds.clear();
    m_nodeFields.clear();
    m_nodeTable->clear();
}

void ConfigForm::setContent(const QString &product, const QStringList &nodes,
    const QList<NodeConfigFacts> &facts, const QMap<QString, QByteArray> &keychain)
{
    const QSignalBlocker blocker(m_nodeTable);
    clearForm();
    m_product = product;
    m_nodes = nodes;
    QStringList differing;

    for (const ConfigField &field : ConfigFields::forProduct(product)) {
        if (field.scope == ConfigField::Scope::Node) {
            m_nodeFields.append(field);
            continue;
        }
        QString spread;
        const std::optional<QString> value = common(facts, field.id, &spread);
        if (!value)
            differing.append(field.label);

        if (field.kind == ConfigField::Kind::Secret) {
            auto *secret = new SecretField(this);
            secret->setSecret(keychain.value(field.secretName));
            secret->generateButton()->hide(); // "Rotate…" says what generating means here
            auto *onNodes = new QLabel(this);
            const QString keychainPrint = SecretText::fingerprint(keychain.value(field.secretName));
            if (!value)
                onNodes->setText(tr("On the nodes: different secrets\n%1").arg(spread));
            else if (value->isEmpty())
                onNodes->setText(tr("On the nodes: not set"));
            else if (*value == keychainPrint)
                onNodes->setText(tr("On every node: sha256 %1, the keychain's").arg(*value));
            else
                onNodes->setText(tr("On every node: sha256 %1, not the keychain's").arg(*value));
            onNodes->setWordWrap(true);
            auto *push = new QCheckBox(tr("&Write the keychain's value to every node"), this);
            push->setEnabled(!keychain.value(field.secretName).isEmpty());
            push->setChecked(false);
            push->setAccessibleName(tr("Write the keychain's %1 to every node").arg(field.label));
            if (keychain.value(field.secretName).isEmpty())
                push->setToolTip(tr("The keychain holds no value for this secret"));
            auto *rotate = new QPushButton(tr("&Rotate…"), this);
            rotate->setToolTip(tr("Generate a new secret and give it to every node at once"));
            if (field.secretName == QLatin1String("database.password")) {
                // A database password changes in the database first, then on the nodes.
                rotate->setEnabled(false);
                rotate->setToolTip(
                    tr("Change the password in the database first, store it in the keychain, then "
                       "write it to every node"));
            }
            rotate->setAccessibleName(tr("Rotate %1").arg(field.label));
            auto *box = new QWidget(this);
            auto *v = new QVBoxLayout(box);
            v->setContentsMargins(0, 0, 0, 0);
            v->addWidget(secret);
            v->addWidget(onNodes);
            auto *h = new QHBoxLayout;
            h->addWidget(push, 1);
            h->addWidget(rotate);
            v->addLayout(h);
            m_secretForm->addRow(field.label + QLatin1Char(':'), box);
            m_secretFields.insert(field.secretName, secret);
            m_pushSecret.insert(field.secretName, push);
            m_secretFieldIds.insert(field.secretName, field.id);
            connect(push, &QCheckBox::toggled, this, &ConfigForm::changed);
            const QString name = field.secretName;
            connect(rotate, &QPushButton::clicked, this, [this, name] { Q_EMIT rotateRequested(name); });
            continue;
        }

        QWidget *editor = nullptr;
        if (field.kind == ConfigField::Kind::Bool) {
            auto *combo = new QComboBox(this);
            combo->addItems({QStringLiteral("true"), QStringLiteral("false")});
            if (!value || value->isEmpty())
                combo->setCurrentIndex(-1);
            else
                combo->setCurrentText(*value);
            combo->setPlaceholderText(value ? tr("(not set)") : tr("(differs between nodes)"));
            connect(combo, &QComboBox::currentTextChanged, this, &ConfigForm::changed);
            editor = combo;
        } else {
            auto *line = new QLineEdit(value.value_or(QString()), this);
            line->setPlaceholderText(value ? tr("(not set)") : tr("(differs between nodes)"));
            line->setClearButtonEnabled(true);
            connect(line, &QLineEdit::textChanged, this, &ConfigForm::changed);
            editor = line;
        }
        editor->setToolTip(value ? tr("%1 in %2").arg(field.key, ConfigFiles::roleName(field.role))
                                 : tr("The nodes differ:\n%1").arg(spread));
        editor->setAccessibleName(field.label);
        editor->setObjectName(field.id);
        m_clusterForm->addRow(field.label + QLatin1Char(':'), editor);
        m_editors.insert(field.id, editor);
        m_original.insert(field.id, value.value_or(QString()));
    }

    m_nodeTable->setColumnCount(int(m_nodeFields.size()));
    m_nodeTable->setRowCount(int(nodes.size()));
    QStringList headers;
    for (const ConfigField &field : std::as_const(m_nodeFields))
        headers.append(field.label);
    m_nodeTable->setHorizontalHeaderLabels(headers);
    m_nodeTable->setVerticalHeaderLabels(nodes);
    for (int row = 0; row < nodes.size(); ++row) {
        const NodeConfigFacts *nodeFacts = nullptr;
        for (const NodeConfigFacts &candidate : facts) {
            if (candidate.node == nodes[row])
                nodeFacts = &candidate;
        }
        for (int column = 0; column < m_nodeFields.size(); ++column) {
            const QString value = nodeFacts ? nodeFacts->value(m_nodeFields[column].id) : QString();
            auto *item = new QTableWidgetItem(value);
            item->setData(Qt::UserRole, value);
            if (!nodeFacts || !nodeFacts->reachable)
                item->setFlags(item->flags() & ~Qt::ItemIsEditable);
            if (m_nodeFields[column].identity && !value.isEmpty())
                item->setToolTip(
                    tr("A node keeps its name once set; changing it needs an explicit confirmation"));
            m_nodeTable->setItem(row, column, item);
        }
    }
    m_nodeTable->resizeColumnsToContents();
    m_nodeTable->parentWidget()->setVisible(!m_nodeFields.isEmpty());

    m_differs->setText(tr("The nodes disagree on: %1. Set one value and apply it to make them agree.")
                           .arg(differing.join(QStringLiteral(", "))));
    m_differs->setVisible(!differing.isEmpty());
}

QList<ConfigChange> ConfigForm::changes() const
{
    QList<ConfigChange> out;
    for (auto it = m_editors.cbegin(); it != m_editors.cend(); ++it) {
        QString value;
        if (const auto *combo = qobject_cast<const QComboBox *>(it.value()))
            value = combo->currentText();
        else if (const auto *line = qobject_cast<const QLineEdit *>(it.value()))
            value = line->text().trimmed();
        if (!value.isEmpty() && value != m_original.value(it.key()))
            out.append({it.key(), {}, value, std::nullopt});
    }
    for (auto it = m_pushSecret.cbegin(); it != m_pushSecret.cend(); ++it) {
        if (it.value()->isChecked())
            out.append({m_secretFieldIds.value(it.key()), {},
                QString::fromUtf8(m_secretFields.value(it.key())->secret()), std::nullopt});
    }
    for (int row = 0; row < m_nodeTable->rowCount(); ++row) {
        for (int column = 0; column < m_nodeTable->columnCount(); ++column) {
            const QTableWidgetItem *item = m_nodeTable->item(row, column);
            if (!item)
                continue;
            const QString value = item->text().trimmed();
            if (!value.isEmpty() && value != item->data(Qt::UserRole).toString())
                out.append({m_nodeFields[column].id, m_nodes.value(row), value, std::nullopt});
        }
    }
    return out;
}
