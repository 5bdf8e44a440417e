"""What diagnostics bundles need from the sandbox:

- `fill-logs`: grows every node's product logs to about N MB per node with lines in the
  product's own format (products.log_line's styles), in big blocks and one process per
  file, and optionally writes K rotated, gzip-compressed days of the main log with the
  mtime rotation at midnight would have given them.
- `plant-secrets`: puts distinct random values into every source a bundle collects from
  (config files, logs, the node's environment, database rows a bundle must not read,
  Kubernetes objects, the Compose .env) and reports them, together with the values the
  keychain already holds, so a test can prove that none of them reaches a bundle."""

import datetime
import gzip
import json
import os
import random
import secrets as pysecrets
import ssl
import time
import urllib.error
import urllib.request
from concurrent.futures import ProcessPoolExecutor

from . import configs, keychain, ssh
from .cluster import http_ok, load_state, start_node
from .db import Server, quote
from .node import ENV_FILES
from .products import product
from .util import SandboxError, read_json, wait_until

MB = 1024 * 1024

# log key -> (style, share of the node's N MB); the first is the product's main log
LOGS = {"jatos": [("app", "logback", 0.75), ("loader", "loader", 0.25)],
        "openspecimen": [("app", "log4j-os", 0.75), ("catalina", "juli", 0.25)],
        "joget": [("app", "log4j-joget", 0.75), ("catalina", "juli", 0.25)]}


def rotated_name(pid, node_name, day):
    """The file name of the main log rotated on `day` (a date), beside the live one."""
    d = day.strftime("%Y-%m-%d")
    if pid == "jatos":
        return "application.%s.log.gz" % d          # logback TimeBasedRollingPolicy, .gz
    if pid == "openspecimen":
        return "os.%s.%s.log.gz" % (node_name, d)   # log4j2 RollingFile filePattern with %d
    return "joget.log.%s.gz" % d                    # log4j DailyRollingFileAppender + gzip


def _state(top):
    state = load_state(os.path.abspath(top))
    if not state or state.get("httpOnly"):
        raise SandboxError("no full sandbox in %s (fill-logs and plant-secrets need nodes with files)" % top)
    return state


def log_paths(state, n):
    """{key: absolute path} of node n's product logs, as the node itself finds them."""
    return configs.load_node_config(state["product"], n["installDir"], n["name"])["logs"]


# --- log content -----------------------------------------------------------------------------

def _messages(pid, style, rng, count=4000):
    """A pool of (level, logger, thread, message) in the product's voice, with varied numbers."""
    out = []
    for i in range(count):
        r = rng.random()
        ms, size, sid = rng.randint(1, 900), rng.randint(120, 90000), rng.randint(1, 500)
        ip = "10.0.%d.%d" % (rng.randint(0, 9), rng.randint(2, 250))
        if style == "logback":
            if r < 0.55:
                path = rng.choice(["/jatos/api/v1/studies/%d" % sid, "/publix/%d/start" % sid,
                                   "/jatos/studies/%d/runs" % sid, "/publix/%d/heartbeat" % sid,
                                   "/jatos/api/v1/results/metadata", "/assets/lib/jatos-gui/javascripts/home.js"])
                out.append(("INFO", "f.RequestLoggingFilter", "", "%s %s took %dms and returned %d" % (
                    rng.choice(["GET", "GET", "POST"]), path, ms, rng.choice([200, 200, 200, 303, 404]))))
            elif r < 0.75:
                out.append(("INFO", "s.StudyService", "", "Study %d: result %d saved (%d bytes)" % (sid, i, size)))
            elif r < 0.9:
                out.append(("DEBUG", "c.z.h.p.HikariPool", "", "HikariPool-1 - Pool stats (total=10, active=%d, "
                            "idle=%d, waiting=0)" % (r * 10 % 10, 10 - int(r * 10 % 10))))
            else:
                out.append(("WARN", "p.c.s.PekkoHttpServer", "", "Request from %s timed out after %d ms" % (ip, ms)))
        elif style == "loader":
            out.append(("INFO", "", "", rng.choice(["JVM heap used %d MB of 1024 MB" % (size // 100),
                                                    "loader.sh: JATOS is running (pid %d)" % (1000 + sid),
                                                    "GC pause %d ms" % (ms // 10)])))
        elif style == "log4j-os":
            thread = "http-nio-8080-exec-%d" % rng.randint(1, 40)
            if r < 0.5:
                out.append(("INFO", "c.k.o.c.r.RestController", thread, "GET /openspecimen/rest/ng/specimens/%d "
                            "user=admin time=%dms status=200" % (size, ms)))
            elif r < 0.8:
                out.append(("DEBUG", "o.h.SQL", thread, "select s.identifier, s.label from catissue_specimen s "
                            "where s.identifier = %d" % size))
            elif r < 0.95:
                out.append(("INFO", "c.k.o.c.s.i.ScheduledJobRunner", "scheduler-%d" % (sid % 4),
                            "Job %d completed in %d ms" % (sid, ms)))
            else:
                out.append(("WARN", "c.k.o.c.s.i.EmailServiceImpl", thread,
                            "Could not send notification to %s: connection refused" % ip))
        elif style == "juli":
            thread = "http-nio-8080-exec-%d" % rng.randint(1, 40)
            out.append(rng.choice([
                ("INFO", "org.apache.catalina.core.ApplicationContext.log", thread,
                 "SessionListener: sessionCreated(%x)" % (size * 7919)),
                ("WARN", "org.apache.tomcat.util.net.NioEndpoint.handshake", thread,
                 "Connection from %s reset by peer" % ip),
                ("INFO", "org.apache.catalina.startup.HostConfig.deployDirectory", "main",
                 "Deployment of web application directory took [%d] ms" % ms)]))
        else:   # log4j-joget
            if r < 0.6:
                out.append(("INFO", rng.choice(["org.joget.apps.app.web.JsonResponseFilter",
                                                "org.joget.workflow.model.service.WorkflowManagerImpl"]), "",
                            "Process %d_hr_app_leave started by user%d in %d ms" % (size, sid, ms)))
            elif r < 0.9:
                out.append(("DEBUG", "org.joget.apps.form.dao.FormDataDaoImpl", "",
                            "Loading form data app_fd_leave id=%d" % size))
            else:
                out.append(("WARN", "org.joget.commons.util.LogUtil", "",
                            "Slow request from %s: %d ms" % (ip, ms * 10)))
    return out


def _stamp(style, t):
    """The timestamp part of a line of `style` at epoch t (second resolution)."""
    lt = time.localtime(t)
    if style in ("logback", "log4j-os", "loader"):
        return time.strftime("%Y-%m-%d %H:%M:%S", lt)
    if style == "juli":
        return time.strftime("%d-%b-%Y %H:%M:%S", lt)
    return time.strftime("%d %b %Y %H:%M:%S", lt)


def _line(style, stamp, msec, level, logger, thread, message):
    # the same shapes as products.log_line
    if style == "logback":
        return "%s,%03d [%s] - %s - %s\n" % (stamp, msec, level, logger, message)
    if style == "log4j-os":
        return "%s,%03d %-5s [%s] %s - %s\n" % (stamp, msec, level, thread, logger, message)
    if style == "juli":
        return "%s.%03d %s [%s] %s %s\n" % (stamp, msec, {"WARN": "WARNING", "ERROR": "SEVERE"}.get(level, level),
                                            thread or "main", logger, message)
    if style == "log4j-joget":
        return "%-5s %s %s  - %s\n" % (level, stamp, logger, message)
    return "%s [%s] %s\n" % (stamp, level, message)


def generate(pid, style, nbytes, t0, t1, seed, write):
    """Calls write(bytes) with about nbytes of lines whose times run from t0 to t1."""
    rng = random.Random(seed)
    pool = [(m[0], m[1], m[2], m[3]) for m in _messages(pid, style, rng)]
    avg = sum(len(_line(style, _stamp(style, t0), 0, *m)) for m in pool) / float(len(pool))
    total = max(1, int(nbytes / avg))
    step = (t1 - t0) / total
    done, i, block = 0, 0, []
    size = 0
    stamp_sec, stamp = None, ""
    while done < nbytes:
        t = min(t1, t0 + i * step)      # a longer run than estimated keeps to the range
        sec = int(t)
        if sec != stamp_sec:
            stamp_sec, stamp = sec, _stamp(style, sec)
        line = _line(style, stamp, int((t - sec) * 1000), *pool[rng.randrange(len(pool))])
        block.append(line)
        size += len(line)
        i += 1
        if size >= 4 * MB or done + size >= nbytes:
            data = "".join(block).encode()
            write(data)
            done += len(data)
            block, size = [], 0
    return done


def _fill_one(task):
    """One log file (a worker process): appends until it holds `target` bytes."""
    pid, style, path, target, t0, t1, seed = task
    os.makedirs(os.path.dirname(path), exist_ok=True)
    have = os.path.getsize(path) if os.path.exists(path) else 0
    if have < target:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            generate(pid, style, target - have, t0, t1, seed, lambda b: os.write(fd, b))
        finally:
            os.close(fd)
    return path, os.path.getsize(path)


def _rotate_one(task):
    """One rotated day of a main log (a worker process): gzip, mtime set."""
    pid, style, path, nbytes, t0, t1, mtime, seed = task
    with gzip.open(path + ".tmp", "wb", compresslevel=6) as gz:
        raw = generate(pid, style, nbytes, t0, t1, seed, gz.write)
    os.replace(path + ".tmp", path)
    os.utime(path, (mtime, mtime))
    return path, os.path.getsize(path), raw


def fill_logs(top, mb, rotated=0, rotated_mb=1.0, jobs=None):
    state = _state(top)
    pid = state["product"]
    now = time.time()
    midnight = datetime.datetime.combine(datetime.date.today(), datetime.time())
    tasks, rot = [], []
    for n in state["nodes"]:
        paths = log_paths(state, n)
        for key, style, share in LOGS[pid]:
            seed = "%s/%s/%s" % (state["id"], n["name"], key)
            # the live file covers today up to now (at least the last hour)
            start = min(midnight.timestamp(), now - 3600)
            tasks.append((pid, style, paths[key], int(mb * MB * share), start, now, seed))
        key, style, _ = LOGS[pid][0]
        for k in range(1, rotated + 1):
            day = (midnight - datetime.timedelta(days=k))
            path = os.path.join(os.path.dirname(paths[key]), rotated_name(pid, n["name"], day.date()))
            rotation = (day + datetime.timedelta(days=1)).timestamp() + 1      # written at 00:00:01 next day
            rot.append((pid, style, path, int(rotated_mb * MB), day.timestamp(), rotation - 2, rotation,
                        "%s/%s/rot%d" % (state["id"], n["name"], k)))
    started = time.monotonic()
    with ProcessPoolExecutor(max_workers=jobs or min(32, os.cpu_count() or 2)) as ex:
        sizes = dict(ex.map(_fill_one, tasks))
        rotated_out = list(ex.map(_rotate_one, rot))
    seconds = time.monotonic() - started
    out = {"product": pid, "seconds": round(seconds, 3), "nodes": {}}
    for n in state["nodes"]:
        paths = log_paths(state, n)
        entry = {"logs": [{"path": paths[k], "bytes": sizes[paths[k]], "style": s} for k, s, _ in LOGS[pid]],
                 "rotated": []}
        entry["bytes"] = sum(x["bytes"] for x in entry["logs"])
        folder = os.path.dirname(paths[LOGS[pid][0][0]])
        for path, size, raw in rotated_out:
            if os.path.dirname(path) == folder and (pid != "openspecimen" or
                                                    os.path.basename(path).startswith("os.%s." % n["name"])):
                entry["rotated"].append({"path": path, "bytes": size, "uncompressedBytes": raw,
                                         "mtime": os.path.getmtime(path)})
        out["nodes"][n["name"]] = entry
    return out


# --- planted secrets ---------------------------------------------------------------------------

class Planter:
    def __init__(self, state):
        self.state = state
        self.pid = state["product"]
        self.sources = {}
        self.used = set()

    def new(self):
        """24 random hex digits, distinct from every value reported so far and not a part of one."""
        while True:
            v = pysecrets.token_hex(12)
            if not any(v in u or u in v for u in self.used):
                self.used.add(v)
                return v

    def add(self, source, value, kind, where, **detail):
        if source in self.sources:
            raise SandboxError("duplicate source %s" % source)
        self.used.add(value)
        self.sources[source] = dict(detail, value=value, kind=kind, where=where)

    @staticmethod
    def append(path, text, mode=None):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, mode or 0o600)
        with os.fdopen(fd, "a") as f:
            f.write(text)


def keychain_values(state):
    """{entry name: value} of the sandbox's stored secrets (Secret Service or DIR/secrets.env)."""
    values = {}
    if state.get("secrets") == "keychain":
        for name in state.get("keychainNames", []):
            v = keychain.lookup(name)
            if v is not None:
                values[name] = v
    else:
        try:
            with open(os.path.join(state["dir"], "secrets.env")) as f:
                for line in f:
                    if line.startswith("#") or "=" not in line:
                        continue
                    k, _, v = line.rstrip("\n").partition("=")
                    values[k] = v
        except FileNotFoundError:
            pass
    return values


def _server_xml_resource(path, user, value):
    """A JNDI datasource with its password in server.xml's GlobalNamingResources."""
    with open(path) as f:
        text = f.read()
    res = ('  <GlobalNamingResources>\n    <Resource name="jdbc/reporting" auth="Container" '
           'type="javax.sql.DataSource" driverClassName="org.mariadb.jdbc.Driver" '
           'url="jdbc:mariadb://127.0.0.1:3306/reporting" username="%s" password="%s" />\n'
           '  </GlobalNamingResources>\n' % (user, value))
    text = text.replace("  <Service ", res + "  <Service ", 1)
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.chmod(path + ".tmp", os.stat(path).st_mode & 0o777)
    os.replace(path + ".tmp", path)


def plant_secrets(top, restart=True):
    state = _state(top)
    pid, top = state["product"], state["dir"]
    pl = Planter(state)
    known = keychain_values(state)
    for name, value in sorted(known.items()):
        pl.add("keychain:" + name.split("/", 1)[1], value, "known", "keychain", entry=name)
    db_password = known.get(state["id"] + "/db-password")
    if db_password is None:
        raise SandboxError("the sandbox's database password is neither in the keychain nor in secrets.env")
    from .products import log_line
    styles = {k: s for k, s, _ in LOGS[pid]}
    db_user = state["db"]["user"]
    restart_nodes = []
    for n in state["nodes"]:
        name, inst = n["name"], n["installDir"]
        # 1. configuration files: a key the redactor must catch by its name
        if pid == "jatos":
            conf = os.path.join(inst, "conf", "jatos.conf")
            a, b = pl.new(), pl.new()
            pl.append(conf, '\n# mail (added by clusterdesk-sandbox plant-secrets)\njatos.mail.smtp.password = "%s"\n'
                            'jatos.api_token: "%s"\n' % (a, b))
            pl.add("%s:conf/jatos.conf:jatos.mail.smtp.password" % name, a, "pattern", "file", path=conf)
            pl.add("%s:conf/jatos.conf:jatos.api_token" % name, b, "pattern", "file", path=conf)
            pl.add("%s:conf/jatos.conf:jatos.db.password" % name, db_password, "known", "file", path=conf)
            app = known.get(state["id"] + "/app-secret")
            if app:
                pl.add("%s:conf/jatos.conf:play.http.secret.key" % name, app, "known", "file", path=conf)
        elif pid == "openspecimen":
            conf = os.path.join(inst, "conf", "openspecimen.properties")
            a, b = pl.new(), pl.new()
            pl.append(conf, "# added by clusterdesk-sandbox plant-secrets\nemail.smtp.password=%s\n"
                            "plugin.api_token=%s\n" % (a, b))
            pl.add("%s:conf/openspecimen.properties:email.smtp.password" % name, a, "pattern", "file", path=conf)
            pl.add("%s:conf/openspecimen.properties:plugin.api_token" % name, b, "pattern", "file", path=conf)
            pl.add("%s:conf/openspecimen.properties:database.password" % name, db_password, "known", "file",
                   path=conf)
            xml = os.path.join(inst, "conf", "server.xml")
            c = pl.new()
            _server_xml_resource(xml, "reporting", c)
            pl.add("%s:conf/server.xml:Resource@password" % name, c, "pattern", "file", path=xml)
        else:
            conf = os.path.join(inst, "apache-tomcat", "conf", "catalina.properties")
            a, b = pl.new(), pl.new()
            pl.append(conf, "# added by clusterdesk-sandbox plant-secrets\nmail.smtp.password=%s\n"
                            "wflow.api_token=%s\n" % (a, b))
            pl.add("%s:apache-tomcat/conf/catalina.properties:mail.smtp.password" % name, a, "pattern", "file",
                   path=conf)
            pl.add("%s:apache-tomcat/conf/catalina.properties:wflow.api_token" % name, b, "pattern", "file",
                   path=conf)
            xml = os.path.join(inst, "apache-tomcat", "conf", "server.xml")
            c = pl.new()
            _server_xml_resource(xml, "reporting", c)
            pl.add("%s:apache-tomcat/conf/server.xml:Resource@password" % name, c, "pattern", "file", path=xml)
        # 2. logs: the known database password quoted, a JDBC URL with user:password@, password=...
        paths = log_paths(state, n)
        main_key, second_key = LOGS[pid][0][0], LOGS[pid][1][0]
        url_pw, kv_pw, cmd_pw = pl.new(), pl.new(), pl.new()
        main, second = paths[main_key], paths[second_key]
        s = styles[main_key]
        pl.append(main, log_line(s, "ERROR", "c.z.h.p.HikariPool", "HikariPool-1 - Access denied for user '%s' "
                                 "(using password: %s)" % (db_user, db_password)), 0o644)
        pl.append(main, log_line(s, "WARN", "c.z.h.HikariConfig", "jdbcUrl jdbc:mysql://%s:%s@127.0.0.1:%d/%s "
                                 "is deprecated" % (db_user, url_pw, state["db"]["port"], state["db"]["schema"])),
                  0o644)
        pl.append(main, log_line(s, "DEBUG", "o.a.h.c.m.MailClient", "SMTP login user=mailer password=%s "
                                 "host=smtp.example.org" % kv_pw), 0o644)
        pl.add("%s:log:%s:known-db-password" % (name, os.path.basename(main)), db_password, "known", "log",
               path=main)
        pl.add("%s:log:%s:jdbc-userinfo" % (name, os.path.basename(main)), url_pw, "pattern", "log", path=main)
        pl.add("%s:log:%s:password=" % (name, os.path.basename(main)), kv_pw, "pattern", "log", path=main)
        pl.append(second, log_line(styles[second_key], "INFO",
                                   "org.apache.catalina.startup.VersionLoggerListener.log" if pid != "jatos" else "",
                                   "Command line argument: -Djavax.net.ssl.keyStorePassword=%s" % cmd_pw), 0o644)
        pl.add("%s:log:%s:keyStorePassword=" % (name, os.path.basename(second)), cmd_pw, "pattern", "log",
               path=second)
        # the newest rotated main log, if fill-logs made any: one more gzip member
        folder = os.path.dirname(main)
        gz = sorted(f for f in os.listdir(folder) if f.endswith(".gz") and
                    (pid != "openspecimen" or f.startswith("os.%s." % name)))
        if gz:
            path = os.path.join(folder, gz[-1])
            v = pl.new()
            st = os.stat(path)
            with open(path, "ab") as f:
                f.write(gzip.compress(log_line(s, "DEBUG", "o.a.h.c.m.MailClient",
                                               "SMTP retry user=mailer password=%s" % v).encode()))
            os.utime(path, (st.st_atime, st.st_mtime))      # rotation time kept
            pl.add("%s:log:%s:password=" % (name, gz[-1]), v, "pattern", "rotated-log", path=path)
        # 3. the environment the node's application process gets at its next start
        env_path = os.path.join(inst, ENV_FILES[pid])
        v = pl.new()
        os.makedirs(os.path.dirname(env_path), exist_ok=True)
        pl.append(env_path, "# added by clusterdesk-sandbox plant-secrets\nexport MAIL_SMTP_PASSWORD=\"%s\"\n" % v)
        pl.add("%s:env:MAIL_SMTP_PASSWORD" % name, v, "pattern", "env", path=env_path, variable="MAIL_SMTP_PASSWORD")
        restart_nodes.append(n)
    # shared configuration the products keep outside the nodes
    shared = state["shared"]
    if pid == "openspecimen":
        cluster_json = os.path.join(shared, "config-settings", "cluster.json")
        secret = read_json(cluster_json, {}).get("secret")
        if secret:
            pl.add("shared:config-settings/cluster.json:secret", secret, "known", "file", path=cluster_json)
    if pid == "joget":
        ds = os.path.join(shared, "wflow", "app_datasource-default.properties")
        pl.add("shared:wflow/app_datasource-default.properties:workflowPassword", db_password, "known", "file",
               path=ds)
        v = pl.new()
        pl.append(ds, "# added by clusterdesk-sandbox plant-secrets\nworkflowApiToken=%s\n" % v)
        pl.add("shared:wflow/app_datasource-default.properties:workflowApiToken", v, "pattern", "file", path=ds)
    # 4. database rows a bundle must not read
    admin = Server(top, state["id"]).admin(state["db"]["schema"])
    v = pl.new()
    if pid == "jatos":
        eid = admin.scalar("SELECT MAX(id) FROM play_evolutions")
        admin.run("UPDATE play_evolutions SET apply_script = CONCAT(apply_script, %s) WHERE id = %s"
                  % (quote("\n-- UPDATE ApiToken SET token = '%s' WHERE id = 1;" % v), eid))
        pl.add("db:play_evolutions.apply_script", v, "excluded", "sql", table="play_evolutions",
               column="apply_script", row="id = %s" % eid,
               query="SELECT apply_script FROM play_evolutions WHERE id = %s" % eid,
               readable="id, hash, applied_at, state")
    elif pid == "openspecimen":
        admin.run("INSERT INTO DATABASECHANGELOG (ID, AUTHOR, FILENAME, DATEEXECUTED, ORDEREXECUTED, EXECTYPE, "
                  "MD5SUM, DESCRIPTION, COMMENTS, LIQUIBASE, DEPLOYMENT_ID) SELECT 'smtp-settings', 'openspecimen', "
                  "'db/settings.xml', NOW(), COALESCE(MAX(ORDEREXECUTED), 0) + 1, 'EXECUTED', NULL, 'update', %s, "
                  "'4.9.1', 'plant' FROM DATABASECHANGELOG" % quote("smtp password set to %s" % v))
        pl.add("db:DATABASECHANGELOG.COMMENTS", v, "excluded", "sql", table="DATABASECHANGELOG", column="COMMENTS",
               row="ID = 'smtp-settings'",
               query="SELECT COMMENTS FROM DATABASECHANGELOG WHERE ID = 'smtp-settings'",
               readable="OS_UPGRADE_LOG: IDENTIFIER, VERSION, UPGRADE_DATE, UPGRADED_BY (DATABASECHANGELOG not at all)")
    else:
        admin.run("INSERT INTO wf_setup (id, property, value, ordering) SELECT %s, 'smtpPassword', %s, "
                  "COALESCE(MAX(ordering), 0) + 1 FROM wf_setup" % (quote(pysecrets.token_hex(16)), quote(v)))
        pl.add("db:wf_setup.smtpPassword", v, "excluded", "sql", table="wf_setup", column="value",
               row="property = 'smtpPassword'", query="SELECT value FROM wf_setup WHERE property = 'smtpPassword'",
               readable="wf_setup rows WHERE property LIKE 'node::%'")
    # 5. orchestrators
    if state.get("deployment") == "kubernetes":
        _plant_k8s(state, pl)
    elif state.get("deployment") == "compose":
        env = os.path.join(top, "compose", ".env")
        v = pl.new()
        pl.append(env, "# added by clusterdesk-sandbox plant-secrets\nSMTP_PASSWORD=%s\n" % v)
        pl.add("compose:.env:SMTP_PASSWORD", v, "pattern", "file", path=env)
        if pid == "jatos":
            for key, name in (("JATOS_SECRET", "app-secret"), ("JATOS_DB_PASSWORD", "db-password")):
                pl.add("compose:.env:" + key, known[state["id"] + "/" + name], "known", "file", path=env)
    # 6. restart the nodes (hosts only) so their processes carry the planted environment
    restarted = False
    if restart and state.get("deployment", "hosts") == "hosts":
        _restart(state, restart_nodes)
        restarted = True
    for n in restart_nodes:
        pl.sources["%s:env:MAIL_SMTP_PASSWORD" % n["name"]]["inProcess"] = restarted
    return {"product": pid, "deployment": state.get("deployment", "hosts"),
            "values": {k: s["value"] for k, s in sorted(pl.sources.items())},
            "sources": dict(sorted(pl.sources.items())),
            "keychain": known}


def _restart(state, nodes):
    from .nodectl import STOP
    for n in nodes:
        script, *rest = STOP[state["product"]].split()
        ssh.run_in_node(n.get("nsPid"), [os.path.join(n["installDir"], script)] + rest,
                        state.get("pidNamespaces", False))
    for n in nodes:
        start_node(state, n)
    p = product(state["product"])
    for n in nodes:
        url = p.health_url(n["address"])
        wait_until(lambda: http_ok(url), state.get("warmup", 3) + 60, "%s to answer %s" % (n["name"], url), 0.1)


def k8s_request(top, method, path, body=None, ctype="application/json"):
    """(status, JSON) of a request to the emulated API server with the sandbox's token."""
    conf = read_json(os.path.join(top, "k8s", "server.json"))
    with open(os.path.join(top, "k8s", "tokens.csv")) as f:
        token = f.readline().split(",")[0]
    ctx = ssl.create_default_context(cafile=os.path.join(top, "k8s", "ca.crt"))
    req = urllib.request.Request("https://127.0.0.1:%d%s" % (conf["port"], path), method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": "Bearer " + token, "Content-Type": ctype,
                                          "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def _plant_k8s(state, pl):
    top, pid = state["dir"], state["product"]
    ns = dep = pid
    base = "/api/v1/namespaces/%s" % ns
    # a Secret (never to be collected): one more key in the product's Secret
    secret_name = {"jatos": "jatos-secret", "openspecimen": "openspecimen-secret", "joget": "joget-secret"}[pid]
    v = pl.new()
    code, answer = k8s_request(top, "PATCH", "%s/secrets/%s" % (base, secret_name),
                               {"stringData": {"API_TOKEN": v}}, "application/merge-patch+json")
    if code != 200:
        raise SandboxError("patching Secret %s failed: %s %s" % (secret_name, code, answer))
    pl.add("k8s:Secret/%s:API_TOKEN" % secret_name, v, "excluded", "k8s", namespace=ns, object="Secret/" + secret_name,
           key="API_TOKEN")
    # a ConfigMap value (collected if the bundle collects ConfigMaps: the pattern must catch it)
    v = pl.new()
    cm = "%s-mail" % pid
    code, answer = k8s_request(top, "POST", "%s/configmaps" % base, {
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": cm, "namespace": ns},
        "data": {"MAIL_HOST": "smtp.example.org", "MAIL_PASSWORD": v}})
    if code != 201:
        raise SandboxError("creating ConfigMap %s failed: %s %s" % (cm, code, answer))
    pl.add("k8s:ConfigMap/%s:MAIL_PASSWORD" % cm, v, "pattern", "k8s", namespace=ns, object="ConfigMap/" + cm,
           key="MAIL_PASSWORD")
    # a literal env value in the Deployment's container (so also in every Pod's spec)
    v = pl.new()
    code, answer = k8s_request(top, "PATCH", "/apis/apps/v1/namespaces/%s/deployments/%s" % (ns, dep), {
        "spec": {"template": {"spec": {"containers": [{"name": dep, "env": [
            {"name": "SMTP_PASSWORD", "value": v}]}]}}}}, "application/strategic-merge-patch+json")
    if code != 200:
        raise SandboxError("patching Deployment %s failed: %s %s" % (dep, code, answer))
    pl.add("k8s:Deployment/%s:env:SMTP_PASSWORD" % dep, v, "pattern", "k8s", namespace=ns,
           object="Deployment/" + dep, path="spec.template.spec.containers[0].env[SMTP_PASSWORD].value",
           alsoIn="every Pod's spec.containers[0].env")
