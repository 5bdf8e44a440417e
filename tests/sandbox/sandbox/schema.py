"""The products' schema bookkeeping, as their own startup code keeps it: JATOS's Play
evolutions (play_evolutions, play_evolutions_lock), OpenSpecimen's OS_UPGRADE_LOG
with Liquibase's DATABASECHANGELOG tables, and Joget's wf_setup with node:: rows.
Used by `up` to lay down an installed cluster's database and by a starting node to
compare, migrate forward, or refuse."""

import hashlib
import secrets as pysecrets

from .db import quote
from .products import os_history_before

# --- JATOS: Play evolutions ---------------------------------------------------------

JATOS_TABLES = """
CREATE TABLE IF NOT EXISTS play_evolutions (
    id int NOT NULL PRIMARY KEY,
    hash varchar(255) NOT NULL,
    applied_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    apply_script mediumtext,
    revert_script mediumtext,
    state varchar(255),
    last_problem mediumtext
);
CREATE TABLE IF NOT EXISTS play_evolutions_lock (
    `lock` int NOT NULL PRIMARY KEY
);
INSERT IGNORE INTO play_evolutions_lock VALUES (1);
"""


def _evolution_sql(eid):
    apply = "-- JATOS evolution %d (clusterdesk-sandbox)\nALTER TABLE StudyResult COMMENT 'evolution %d';" \
            % (eid, eid)
    revert = "-- JATOS evolution %d down" % eid
    digest = hashlib.sha1((apply + revert).encode()).hexdigest()
    return ("INSERT INTO play_evolutions (id, hash, applied_at, apply_script, revert_script, state, "
            "last_problem) VALUES (%d, %s, NOW(), %s, %s, 'applied', '');"
            % (eid, quote(digest), quote(apply), quote(revert)))


def jatos_create(client, evolution):
    """A JATOS database with evolutions 1..evolution applied."""
    client.run(JATOS_TABLES + "\n".join(_evolution_sql(i) for i in range(1, evolution + 1)))


def jatos_revision(client):
    """SELECT MAX(id) FROM play_evolutions: None when JATOS never ran here."""
    if not client.scalar("SHOW TABLES LIKE 'play_evolutions'"):
        return None
    value = client.scalar("SELECT MAX(id) FROM play_evolutions")
    return int(value) if value is not None else 0


def jatos_apply(client, start, end):
    """Applies evolutions start..end (inclusive) under the evolutions lock."""
    client.run(JATOS_TABLES + "START TRANSACTION;\nSELECT `lock` FROM play_evolutions_lock FOR UPDATE;\n"
               + "\n".join(_evolution_sql(i) for i in range(start, end + 1)) + "\nCOMMIT;")


# --- OpenSpecimen: OS_UPGRADE_LOG and Liquibase ---------------------------------------

OS_TABLES = """
CREATE TABLE IF NOT EXISTS OS_UPGRADE_LOG (
    IDENTIFIER bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
    VERSION varchar(64) NOT NULL,
    UPGRADE_DATE datetime NOT NULL,
    UPGRADED_BY varchar(255)
);
CREATE TABLE IF NOT EXISTS DATABASECHANGELOG (
    ID varchar(255) NOT NULL, AUTHOR varchar(255) NOT NULL, FILENAME varchar(255) NOT NULL,
    DATEEXECUTED datetime NOT NULL, ORDEREXECUTED int NOT NULL, EXECTYPE varchar(10) NOT NULL,
    MD5SUM varchar(35), DESCRIPTION varchar(255), COMMENTS varchar(255), TAG varchar(255),
    LIQUIBASE varchar(20), CONTEXTS varchar(255), LABELS varchar(255), DEPLOYMENT_ID varchar(10)
);
CREATE TABLE IF NOT EXISTS DATABASECHANGELOGLOCK (
    ID int NOT NULL PRIMARY KEY, LOCKED bit(1) NOT NULL, LOCKGRANTED datetime, LOCKEDBY varchar(255)
);
INSERT IGNORE INTO DATABASECHANGELOGLOCK VALUES (1, b'0', NULL, NULL);
"""


def _os_upgrade_sql(version, by, days_ago=0):
    deployment = pysecrets.token_hex(5)
    changelog = "db/%s/schema.xml" % version.lstrip("v")
    md5 = "9:" + hashlib.md5(changelog.encode()).hexdigest()
    return "\n".join([
        "INSERT INTO OS_UPGRADE_LOG (VERSION, UPGRADE_DATE, UPGRADED_BY) VALUES (%s, NOW() - INTERVAL %d DAY, %s);"
        % (quote(version), days_ago, quote(by)),
        "INSERT INTO DATABASECHANGELOG (ID, AUTHOR, FILENAME, DATEEXECUTED, ORDEREXECUTED, EXECTYPE, MD5SUM, "
        "DESCRIPTION, LIQUIBASE, DEPLOYMENT_ID) SELECT %s, 'openspecimen', %s, NOW() - INTERVAL %d DAY, "
        "COALESCE(MAX(ORDEREXECUTED), 0) + 1, 'EXECUTED', %s, 'sql', '4.9.1', %s FROM DATABASECHANGELOG;"
        % (quote("schema-" + version), quote(changelog), days_ago, quote(md5), quote(deployment)),
    ])


def os_create(client, version):
    """A database an OpenSpecimen `version` installation left: its history rows."""
    history = os_history_before(version) + [version]
    sql = [OS_TABLES]
    for i, v in enumerate(history):
        sql.append(_os_upgrade_sql(v, "admin", days_ago=(len(history) - 1 - i) * 120))
    client.run("\n".join(sql))


OS_CURRENT = "SELECT VERSION FROM OS_UPGRADE_LOG ORDER BY UPGRADE_DATE DESC, IDENTIFIER DESC LIMIT 1"


def os_schema_version(client):
    if not client.scalar("SHOW TABLES LIKE 'OS_UPGRADE_LOG'"):
        return None
    return client.scalar(OS_CURRENT)


def os_upgrade(client, version):
    """Records an upgrade to `version` (as OpenSpecimen's migration does)."""
    client.run(OS_TABLES + "UPDATE DATABASECHANGELOGLOCK SET LOCKED = b'1', LOCKGRANTED = NOW() WHERE ID = 1;\n"
               + _os_upgrade_sql(version, "admin") +
               "\nUPDATE DATABASECHANGELOGLOCK SET LOCKED = b'0', LOCKGRANTED = NULL WHERE ID = 1;")


# --- Joget: wf_setup --------------------------------------------------------------------

JOGET_TABLES = """
CREATE TABLE IF NOT EXISTS wf_setup (
    id varchar(255) NOT NULL PRIMARY KEY,
    property varchar(255),
    value text,
    ordering int
);
"""


def joget_create(client, node_names):
    rows = [("systemLocale", "en_US"), ("systemTimeZone", "0"), ("dataFileBasePath", "")]
    rows += [("node::" + n, "registered") for n in node_names]
    sql = [JOGET_TABLES]
    for i, (prop, value) in enumerate(rows):
        sql.append("INSERT IGNORE INTO wf_setup (id, property, value, ordering) VALUES (%s, %s, %s, %d);"
                   % (quote(pysecrets.token_hex(16)), quote(prop), quote(value), i))
    client.run("\n".join(sql))


def joget_register_node(client, name, value):
    """The node's node::<name> row (inserted or refreshed) at start."""
    prop = "node::" + name
    client.run(JOGET_TABLES +
               "UPDATE wf_setup SET value = %s WHERE property = %s;\n" % (quote(value), quote(prop)) +
               "INSERT INTO wf_setup (id, property, value, ordering) SELECT %s, %s, %s, t.o FROM "
               "(SELECT COALESCE(MAX(ordering), 0) + 1 AS o FROM wf_setup) t WHERE NOT EXISTS "
               "(SELECT 1 FROM wf_setup WHERE property = %s);"
               % (quote(pysecrets.token_hex(16)), quote(prop), quote(value), quote(prop)))
