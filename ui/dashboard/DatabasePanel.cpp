#include "DatabasePanel.h"

#include <QGridLayout>
#include <QLabel>

namespace {

const QString dash = QStringLiteral("–");

QString schemaText(const DatabaseSummary &database)
{
    switch (database.schema) {
    case DatabaseSummary::Schema::NotApplicable:
        return DatabasePanel::tr("not tracked for this product");
    case DatabaseSummary::Schema::Unknown:
        return DatabasePanel::tr("unknown");
    case DatabaseSummary::Schema::Known:
        break;
    }
    if (!database.schemaText.isEmpty())
        return database.schemaText;
    return database.schemaVersion.isKnown() ? database.schemaVersion.normalized() : dash;
}

QString replicasText(const DatabaseSummary &database)
{
    if (!database.replicasSummary.isEmpty())
        return database.replicasSummary;
    return database.replicasKind.isEmpty() ? dash : database.replicasKind;
}

} // namespace

DatabasePanel::DatabasePanel(QWidget *parent)
    : QGroupBox(tr("Database"), parent)
    , m_grid(new QGridLayout(this))
{
    setObjectName(QStringLiteral("databasePanel"));
    setAccessibleName(tr("Database"));
    m_grid->setHorizontalSpacing(10);
    m_grid->setVerticalSpacing(3);
    m_address = addField(tr("Address:"), tr("Database address"), 0, 0);
    m_reachable = addField(tr("Reachable:"), tr("Database reachable"), 1, 0);
    m_server = addField(tr("Server:"), tr("Database server version"), 2, 0);
    m_schema = addField(tr("Schema:"), tr("Database schema"), 3, 0);
    m_replicas = addField(tr("Replicas:"), tr("Database replicas"), 0, 2);
    m_latency = addField(tr("Latency:"), tr("Database latency"), 1, 2);
    m_registered = addField(tr("Registered nodes:"), tr("Registered nodes"), 2, 2);
    // The error is the one long text: it gets the whole width.
    m_error = addField(tr("Error:"), tr("Database error"), 4, 0, 3);
    m_error->setWordWrap(true);
    m_grid->setColumnStretch(1, 1);
    m_grid->setColumnStretch(3, 1);
    clear();
}

QLabel *DatabasePanel::addField(
    const QString &caption, const QString &accessibleName, int row, int column, int span)
{
    auto *label = new QLabel(caption, this);
    auto *value = new QLabel(this);
    value->setAccessibleName(accessibleName);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setTextFormat(Qt::PlainText);
    label->setBuddy(value);
    m_grid->addWidget(label, row, column, Qt::AlignTop);
    m_grid->addWidget(value, row, column + 1, 1, span, Qt::AlignTop);
    return value;
}

void DatabasePanel::showField(QLabel *value, const QString &text)
{
    value->setText(text);
    value->setToolTip(text.size() > 40 ? text : QString());
    const bool visible = !text.isEmpty();
    value->setVisible(visible);
    if (QWidget *caption = m_grid->itemAt(m_grid->indexOf(value) - 1)->widget())
        caption->setVisible(visible);
}

void DatabasePanel::clear()
{
    setSummary({});
}

void DatabasePanel::setSummary(const DatabaseSummary &database)
{
    if (!database.configured) {
        showField(m_address, tr("none; the profile names no database"));
        for (QLabel *value : {m_reachable, m_server, m_schema, m_replicas, m_latency, m_registered, m_error})
            showField(value, {});
        return;
    }
    showField(m_address, tr("%1:%2").arg(database.host).arg(database.port));
    if (!database.checked) {
        showField(m_reachable, tr("not checked yet"));
    } else {
        showField(m_reachable, database.reachable ? tr("yes") : tr("no"));
    }
    showField(m_server, database.serverVersion.isEmpty() ? dash : database.serverVersion);
    showField(m_schema, schemaText(database));
    showField(m_replicas, replicasText(database));
    showField(m_latency, database.latencyMs < 0 ? dash : tr("%1 ms").arg(database.latencyMs));
    showField(m_registered, database.registeredNodes.join(QStringLiteral(", ")));
    showField(m_error, database.error);
}

QString DatabasePanel::fieldText(const QString &accessibleName) const
{
    for (const QLabel *label : findChildren<QLabel *>()) {
        if (label->accessibleName() == accessibleName)
            return label->isHidden() ? QString() : label->text();
    }
    return {};
}
