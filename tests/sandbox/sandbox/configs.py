"""The products' configuration files: the defaults a release ships, the per-node
files `up` writes (JATOS conf/jatos.conf, OpenSpecimen conf/openspecimen.properties
and Tomcat conf/server.xml, Joget's shared wflow app_datasource files and Tomcat
catalina.properties), the Apache httpd load balancer configuration in front of the
nodes, and the reading back that a starting node does. A node takes its address,
port, database and node name from these files, as the real ones do."""

import os
import re
import xml.etree.ElementTree as ET

JDBC = re.compile(r"^jdbc:(mysql|mariadb)://([^:/?]+)(?::(\d+))?/([^?]+)")

# --- what a release ships (product defaults: JATOS falls back to its embedded H2) ---

JATOS_DEFAULT_CONF = """# This is JATOS' configuration (clusterdesk-sandbox release {version})
# ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
# Every setting can also come from the environment (JATOS_DB_URL, JATOS_SECRET, ...).

# HTTP address and port (defaults 0.0.0.0 and 9000)
#jatos.http.address = "192.168.0.1"
#jatos.http.port = 9000

# Database: without jatos.db.url JATOS uses its embedded H2 database
#jatos.db.url = "jdbc:mysql://localhost/jatos?characterEncoding=UTF-8&useSSL=false&serverTimezone=UTC"
#jatos.db.username = "jatos"
#jatos.db.password = "mypassword"
#jatos.db.driver = "com.mysql.cj.jdbc.Driver"

# Multi-node installations must set this to true (and use MySQL/MariaDB)
#jatos.multiNode = true

# Application secret; loader.sh generates a random one at each start when unset
#play.http.secret.key = "change-me"
"""

TOMCAT_SERVER_XML = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Tomcat server configuration ({what}) -->
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="{port}" address="{address}" protocol="HTTP/1.1"
               connectionTimeout="20000" redirectPort="8443" />
    <Engine name="Catalina" defaultHost="localhost" jvmRoute="{route}">
      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="false" />
    </Engine>
  </Service>
</Server>
"""

OS_DEFAULT_PROPS = """# OpenSpecimen configuration (clusterdesk-sandbox release {version})
app.name=openspecimen
app.data_dir=/opt/openspecimen/data
datasource.type=fresh
datasource.jndi=java:/comp/env/jdbc/openspecimen
database.type=mysql
database.host=localhost
database.port=3306
database.name=openspecimen
database.username=openspecimen
database.password=
"""

JOGET_DEFAULT_CATALINA = """# Tomcat catalina.properties (clusterdesk-sandbox Joget DX release {version})
# Entries here become Java system properties of the Joget JVM.
wflow.home=/opt/joget/wflow
"""


def release_defaults(pid, version):
    """{relative path: text} of the configuration a fresh release carries."""
    if pid == "jatos":
        return {"conf/jatos.conf": JATOS_DEFAULT_CONF.format(version=version)}
    if pid == "openspecimen":
        return {"conf/openspecimen.properties": OS_DEFAULT_PROPS.format(version=version),
                "conf/server.xml": TOMCAT_SERVER_XML.format(what="OpenSpecimen " + version,
                                                            port=8080, address="0.0.0.0", route="node01")}
    return {"apache-tomcat/conf/catalina.properties": JOGET_DEFAULT_CATALINA.format(version=version),
            "apache-tomcat/conf/server.xml": TOMCAT_SERVER_XML.format(what="Joget DX " + version,
                                                                      port=8080, address="0.0.0.0",
                                                                      route="node01")}


# --- what `up` writes for one node ------------------------------------------------------

def jvm_route(node):
    """The Tomcat jvmRoute `up` gives a node (OpenSpecimen, Joget): its name. The balancer's
    route= for the node is the same word, or sticky sessions would not stick."""
    return node["name"]


def jdbc_url(db):
    return ("jdbc:mysql://%s:%d/%s?characterEncoding=UTF-8&useSSL=false&serverTimezone=UTC"
            % (db["host"], db["port"], db["schema"]))


def node_files(pid, node, db, shared, secret):
    """{relative path (to the node's persistent folders via installDir): text} and
    {absolute path: text} for shared files, for node `node` (name, address, port)."""
    own, shared_files = {}, {}
    if pid == "jatos":
        own["conf/jatos.conf"] = "\n".join([
            "# This is JATOS' configuration (clusterdesk-sandbox node %s)" % node["name"],
            "",
            'jatos.http.address = "%s"' % node["address"],
            "jatos.http.port = %d" % node["port"],
            'jatos.urlBasePath = "/"',
            "",
            "# Multi-node: every node shares the MariaDB database and the folders below",
            "jatos.multiNode = true",
            'jatos.db.url = "%s"' % jdbc_url(db),
            'jatos.db.username = "%s"' % db["user"],
            'jatos.db.password = "%s"' % db["password"],
            'jatos.db.driver = "com.mysql.cj.jdbc.Driver"',
            "",
            "# Identical on every node (JATOS_SECRET), else sessions break between nodes",
            'play.http.secret.key = "%s"' % secret,
            "",
            'jatos.studyAssetsRootPath = "%s/study_assets_root"' % shared,
            'jatos.resultUploads.path = "%s/result_uploads"' % shared,
            'jatos.studyLogs.path = "%s/study_logs"' % shared,
            'jatos.tmpPath = "%s/tmp"' % shared,
            ""])
    elif pid == "openspecimen":
        own["conf/openspecimen.properties"] = "\n".join([
            "# OpenSpecimen configuration (clusterdesk-sandbox node %s)" % node["name"],
            "app.name=openspecimen",
            "app.data_dir=%s" % shared,
            "datasource.type=fresh",
            "datasource.jndi=java:/comp/env/jdbc/openspecimen",
            "database.type=mysql",
            "database.host=%s" % db["host"],
            "database.port=%d" % db["port"],
            "database.name=%s" % db["schema"],
            "database.username=%s" % db["user"],
            "database.password=%s" % db["password"],
            "# unique per node, no whitespace, never changed once set",
            "node.name=%s" % node["name"],
            ""])
        own["conf/server.xml"] = TOMCAT_SERVER_XML.format(
            what="OpenSpecimen node " + node["name"], port=node["port"], address=node["address"],
            route=jvm_route(node))
    else:
        wflow = os.path.join(shared, "wflow")
        own["apache-tomcat/conf/catalina.properties"] = "\n".join([
            "# Tomcat catalina.properties (clusterdesk-sandbox node %s)" % node["name"],
            "# Entries here become Java system properties of the Joget JVM.",
            "wflow.home=%s" % wflow,
            "wflow.name=%s" % node["name"],
            ""])
        own["apache-tomcat/conf/server.xml"] = TOMCAT_SERVER_XML.format(
            what="Joget DX node " + node["name"], port=node["port"], address=node["address"],
            route=jvm_route(node))
        shared_files[os.path.join(wflow, "app_datasource.properties")] = "currentProfile=default\n"
        shared_files[os.path.join(wflow, "app_datasource-default.properties")] = "\n".join([
            "workflowDriver=com.mysql.cj.jdbc.Driver",
            "workflowUrl=%s" % jdbc_url(db),
            "workflowUser=%s" % db["user"],
            "workflowPassword=%s" % db["password"],
            "profileName=default",
            ""])
    return own, shared_files


# --- the load balancer in front of the nodes --------------------------------------------

def balancer_conf(pid, nodes, base_path):
    """Apache httpd mod_proxy_balancer configuration for the nodes (no httpd runs: the
    file is there for Clusterdesk to read over SSH, as on a real balancer host). One
    BalancerMember per node; route= is the node's jvmRoute for the Tomcat products and
    the node's name for JATOS, which has no jvmRoute (sticky by a ROUTEID cookie)."""
    tomcat = pid in ("openspecimen", "joget")
    lines = ["# Load balancer for the clusterdesk-sandbox %s nodes (Apache httpd, mod_proxy_balancer)" % pid,
             "# Generated by clusterdesk-sandbox up; route= is each node's %s."
             % ("Tomcat jvmRoute" if tomcat else "name"),
             '<Proxy "balancer://cluster">']
    for n in nodes:
        lines.append('    BalancerMember "http://%s:%d" route=%s'
                     % (n["address"], n["port"], jvm_route(n) if tomcat else n["name"]))
    lines.append("    ProxySet lbmethod=byrequests stickysession=%s"
                 % ("JSESSIONID|jsessionid" if tomcat else "ROUTEID"))
    lines.append("</Proxy>")
    if not tomcat:
        lines.append('Header add Set-Cookie "ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/" '
                     "env=BALANCER_ROUTE_CHANGED")
    context = base_path.rstrip("/")          # "/jw", or "" for JATOS at the root
    lines.append('ProxyPass "%s" "balancer://cluster%s"' % (context or "/", context or "/"))
    lines.append('ProxyPassReverse "%s" "balancer://cluster%s"' % (context or "/", context or "/"))
    return "\n".join(lines) + "\n"


def read_balancer_routes(path):
    """[(url, route)] of the BalancerMember lines of a balancer file (for the tests)."""
    members = []
    with open(path) as f:
        for line in f:
            m = re.match(r'^\s*BalancerMember\s+"?([^"\s]+)"?(.*)$', line)
            if m:
                route = re.search(r'\broute=("?)([^"\s]+)\1', m.group(2))
                members.append((m.group(1), route.group(2) if route else ""))
    return members


# --- reading back (what a starting node does) ------------------------------------------

def read_hocon(path):
    """The flat `key = value` lines of jatos.conf (quotes removed, comments skipped)."""
    values = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or line.startswith("//"):
                continue
            m = re.match(r'^([A-Za-z0-9_.\-]+)\s*[=:]\s*(.*)$', line)
            if m:
                v = m.group(2).strip()
                if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
                    v = v[1:-1]
                values[m.group(1)] = v
    return values


def read_properties(path):
    values = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#!":
                continue
            key, sep, value = line.partition("=")
            if sep:
                values[key.strip()] = value.strip()
    return values


def read_connector(path):
    """(address, port, jvmRoute) from a Tomcat server.xml."""
    root = ET.parse(path).getroot()
    conn = root.find("./Service/Connector")
    engine = root.find("./Service/Engine")
    return (conn.get("address", "0.0.0.0"), int(conn.get("port", "8080")),
            engine.get("jvmRoute", "") if engine is not None else "")


def parse_jdbc(url):
    """{'kind': 'mariadb', host, port, schema} or {'kind': 'h2'} or {'kind': 'other'}."""
    if url.startswith("jdbc:h2:"):
        return {"kind": "h2"}
    m = JDBC.match(url)
    if not m:
        return {"kind": "other", "url": url}
    return {"kind": "mariadb", "host": m.group(2), "port": int(m.group(3) or 3306),
            "schema": m.group(4)}


def load_node_config(pid, install_dir, node_name):
    """Everything a starting node takes from its product configuration."""
    cfg = {"product": pid}
    if pid == "jatos":
        conf = read_hocon(os.path.join(install_dir, "conf", "jatos.conf"))
        env = os.environ
        url = env.get("JATOS_DB_URL") or conf.get("jatos.db.url") or "jdbc:h2:./database/jatos"
        db = parse_jdbc(url)
        db["user"] = env.get("JATOS_DB_USERNAME") or conf.get("jatos.db.username", "")
        db["password"] = env.get("JATOS_DB_PASSWORD") or conf.get("jatos.db.password", "")
        cfg["dbUrl"] = url
        cfg["sharedFolders"] = {k: conf[k] for k in ("jatos.studyAssetsRootPath", "jatos.resultUploads.path",
                                                     "jatos.studyLogs.path", "jatos.tmpPath") if k in conf}
        cfg.update(address=conf.get("jatos.http.address", "0.0.0.0"),
                   port=int(conf.get("jatos.http.port", "9000")),
                   multiNode=conf.get("jatos.multiNode", "false").lower() == "true",
                   secret=env.get("JATOS_SECRET") or conf.get("play.http.secret.key")
                   or conf.get("jatos.secret"),
                   db=db, name=node_name, shared=os.path.dirname(
                       conf.get("jatos.studyAssetsRootPath", os.path.join(install_dir, "x"))),
                   logs={"app": os.path.join(install_dir, "logs", "application.log"),
                         "loader": os.path.join(install_dir, "logs", "loader.log")})
    elif pid == "openspecimen":
        props = read_properties(os.path.join(install_dir, "conf", "openspecimen.properties"))
        address, port, route = read_connector(os.path.join(install_dir, "conf", "server.xml"))
        data_dir = props.get("app.data_dir", "/opt/openspecimen/data")
        name = props.get("node.name") or node_name
        cluster_json = os.path.join(data_dir, "config-settings", "cluster.json")
        try:
            with open(cluster_json, "rb") as f:
                cfg["clusterJson"] = f.read()       # read once at start, as OpenSpecimen does
        except OSError:
            cfg["clusterJson"] = None
        cfg.update(address=address, port=port, route=route, multiNode=True, name=name,
                   shared=data_dir,
                   db={"kind": "mariadb", "host": props.get("database.host", "localhost"),
                       "port": int(props.get("database.port", "3306")),
                       "schema": props.get("database.name", "openspecimen"),
                       "user": props.get("database.username", ""),
                       "password": props.get("database.password", "")},
                   logs={"app": os.path.join(data_dir, "logs", "os.%s.log" % name),
                         "catalina": os.path.join(install_dir, "logs", "catalina.out")})
    else:
        tomcat = os.path.join(install_dir, "apache-tomcat")
        sysprops = read_properties(os.path.join(tomcat, "conf", "catalina.properties"))
        address, port, route = read_connector(os.path.join(tomcat, "conf", "server.xml"))
        wflow = sysprops.get("wflow.home", "/opt/joget/wflow")
        db = {"kind": "missing"}
        try:
            profile = read_properties(os.path.join(wflow, "app_datasource.properties"))
            current = profile.get("currentProfile", "default")
            ds = read_properties(os.path.join(wflow, "app_datasource-%s.properties" % current))
            cfg["dbUrl"] = ds.get("workflowUrl", "")
            db = parse_jdbc(ds.get("workflowUrl", ""))
            db["user"] = ds.get("workflowUser", "")
            db["password"] = ds.get("workflowPassword", "")
        except OSError:
            pass
        cfg.update(address=address, port=port, route=route, multiNode=True,
                   name=sysprops.get("wflow.name") or node_name, shared=os.path.dirname(wflow),
                   wflow=wflow, db=db,
                   logs={"app": os.path.join(tomcat, "logs", "joget.log"),
                         "catalina": os.path.join(tomcat, "logs", "catalina.out")})
    return cfg
