"""What the sandbox knows about JATOS, OpenSpecimen and Joget DX, written from
the products' own documentation: ports and base paths, default versions, the JATOS
evolution map, release build information, each product's log line style, and the
HTTP answers a node gives (status, headers and body in the products' real shapes)."""

import datetime
import hashlib
import json
import time

from .util import SandboxError, compare_versions, version_key


class Product:
    def __init__(self, pid, display, port, base_path, default_version, persistent, logs, health):
        self.id = pid
        self.health = health                # path (under base_path) answering 200 when ready
        self.display = display
        self.port = port
        self.base_path = base_path          # "/", "/openspecimen/", "/jw/"
        self.default_version = default_version
        self.persistent = persistent        # release paths kept across upgrades (linked)
        self.logs = logs                    # log paths relative to installDir

    def node_name(self, index):
        return "%s-%d" % (self.id, index)

    def url(self, address):
        return "http://%s:%d%s" % (address, self.port, self.base_path)

    def health_url(self, address):
        return self.url(address) + self.health


PRODUCTS = {
    "jatos": Product("jatos", "JATOS", 9000, "/", "3.10.4", ["conf", "logs"],
                     ["logs/application.log", "logs/loader.log"], "ping"),
    "openspecimen": Product("openspecimen", "OpenSpecimen", 8080, "/openspecimen/", "v11.0.2",
                            ["conf", "logs"], ["logs/catalina.out"], "rest/ng/config-settings/app-props"),
    "joget": Product("joget", "Joget DX", 8080, "/jw/", "8.0.12",
                     ["apache-tomcat/conf", "apache-tomcat/logs"],
                     ["apache-tomcat/logs/joget.log", "apache-tomcat/logs/catalina.out"],
                     "web/json/workflow/currentUsername"),
}


def product(pid):
    try:
        return PRODUCTS[pid]
    except KeyError:
        raise SandboxError("unknown product %r (jatos, openspecimen or joget)" % pid)


def check_version(pid, version):
    """Rejects a version the product's format does not allow."""
    key = version_key(version)
    ok = key is not None
    if pid == "openspecimen":
        ok = ok and version.startswith("v")
    elif pid in ("jatos", "joget"):
        ok = ok and not version.startswith("v")
    if not ok:
        raise SandboxError("%r is not a %s version (e.g. %s)"
                           % (version, product(pid).display, product(pid).default_version))
    return version


# --- JATOS Play evolutions -------------------------------------------------------
# The highest evolution id first shipped in each release (from the products' own documentation).
EVOLUTIONS = [(18, "3.8.2"), (19, "3.8.3"), (20, "3.9.1"), (21, "3.9.5"), (22, "3.9.8"),
              (23, "3.10.1")]
OLDEST_EVOLUTION = 17   # what any JATOS before 3.8.2 knows (the map starts at 18)


def evolution_for(version):
    """The highest evolution id a JATOS of this version knows: 3.10.4 -> 23,
    3.9.3 -> 20, 3.9.8-beta -> 21 (a pre-release is older than its release)."""
    best = OLDEST_EVOLUTION
    for eid, first in EVOLUTIONS:
        if compare_versions(version, first) >= 0:
            best = eid
    return best


# --- OpenSpecimen upgrade history ----------------------------------------------------
OS_HISTORY = ["v9.1", "v10.0", "v10.3", "v11.0"]


def os_history_before(version):
    """Older releases an installation of `version` went through (for OS_UPGRADE_LOG)."""
    return [v for v in OS_HISTORY if compare_versions(v, version) < 0][-2:]


# --- release build information (deterministic per product and version) -------------
def build_info(pid, version):
    digest = hashlib.sha1(("%s %s" % (pid, version)).encode()).hexdigest()
    # A build date some days before "now" would change between runs; derive one from
    # the version instead so that two packages of the same release are identical.
    key = version_key(version) or (0, 0, 0)
    days = key[0] * 180 + key[1] * 30 + key[2] * 4      # later versions, later dates; all in the past
    build_ms = int(datetime.datetime(2016, 1, 1, 9, 30).timestamp() * 1000) + days * 86400000
    return {"product": pid, "version": version, "commit": digest,
            "commitShort": digest[:7], "buildDate": str(build_ms)}


def other_version(version):
    """A version that differs from `version` (for the wrong-version fault)."""
    head = version.split("-")[0]
    prefix = "v" if head.startswith("v") else ""
    parts = head.lstrip("v").split(".")
    parts[-1] = str(int(parts[-1]) + 1)
    return prefix + ".".join(parts)


# --- log line styles -----------------------------------------------------------------
def _now():
    return datetime.datetime.now()


def log_line(style, level, logger, message, thread="main"):
    """One log line in the product's own format (a trailing newline included)."""
    t = _now()
    ms = "%03d" % (t.microsecond // 1000)
    if style == "logback":          # JATOS: %date [%level] - %logger{5} - %message
        return "%s,%s [%s] - %s - %s\n" % (t.strftime("%Y-%m-%d %H:%M:%S"), ms, level, logger, message)
    if style == "log4j-os":         # OpenSpecimen's os.<node>.log
        return "%s,%s %-5s [%s] %s - %s\n" % (t.strftime("%Y-%m-%d %H:%M:%S"), ms, level, thread,
                                             logger, message)
    if style == "juli":             # Tomcat's catalina.out
        return "%s.%s %s [%s] %s %s\n" % (t.strftime("%d-%b-%Y %H:%M:%S"), ms,
                                          {"WARN": "WARNING", "ERROR": "SEVERE"}.get(level, level),
                                          thread, logger, message)
    if style == "log4j-joget":      # Joget's joget.log
        return "%-5s %s %s  - %s\n" % (level, t.strftime("%d %b %Y %H:%M:%S"), logger, message)
    if style == "loader":           # JATOS loader.sh's own log
        return "%s [%s] %s\n" % (t.strftime("%Y-%m-%d %H:%M:%S"), level, message)
    raise ValueError(style)


# --- HTTP answers --------------------------------------------------------------------
def _http_date():
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())


def _json(status, data):
    return status, {"Content-Type": "application/json;charset=UTF-8"}, json.dumps(data).encode()


def _html(status, text):
    return status, {"Content-Type": "text/html; charset=utf-8"}, text.encode()


def _text(status, text):
    return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()


def _redirect(location, status=303):
    return status, {"Location": location, "Content-Length": "0"}, b""


JATOS_SIGNIN = """<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>JATOS - Sign in</title>
    <link rel="stylesheet" href="/assets/lib/jatos-gui/stylesheets/jatos.css">
    <script>
        window.common = window.common || {{}};
        window.common.jatosUrlBasePath = "/";
        window.common.jatosVersion = "{version}";
        window.common.isMultiNode = {multi};
        window.common.userSessionTimeout = 1440;
    </script>
    <script src="/assets/lib/jatos-gui/javascripts/signin.js"></script>
</head>
<body>
<main class="container">
    <img src="/assets/lib/jatos-gui/images/jatos_logo_color.svg" alt="JATOS logo" width="200">
    <form id="signinForm" method="post" action="/jatos/signin">
        <input type="text" name="username" placeholder="Username" autocomplete="username">
        <input type="password" name="password" placeholder="Password" autocomplete="current-password">
        <button type="submit">Sign in</button>
    </form>
</main>
<footer>JATOS {version}</footer>
</body>
</html>
"""

TOMCAT_404 = ("<!doctype html><html lang=\"en\"><head><title>HTTP Status 404 - Not Found</title></head>"
              "<body><h1>HTTP Status 404 - Not Found</h1><hr class=\"line\" /><p><b>Type</b> Status Report</p>"
              "<p><b>Description</b> The origin server did not find a current representation for the target "
              "resource or is not willing to disclose that one exists.</p><hr class=\"line\" /></body></html>")


def respond(pid, method, path, node):
    """The answer of a ready node to one request: (status, headers, body).
    `node` carries version, multiNode, build info and the node's name."""
    path = path.split("?", 1)[0]
    if method not in ("GET", "HEAD"):
        return _text(405, "Method Not Allowed")
    if pid == "jatos":
        if path == "/ping":
            return _text(200, "pong")
        if path == "/jatos/signin":
            return _html(200, JATOS_SIGNIN.format(version=node["version"],
                                                  multi="true" if node["multiNode"] else "false"))
        if path == "/":
            return _redirect("/jatos/")
        if path in ("/jatos", "/jatos/"):
            return _redirect("/jatos/signin")
        if path.startswith("/jatos/api/v1/"):
            return _json(401, {"apiVersion": "1.1.0", "message": "Not authenticated: no API token"})
        return _html(404, "<!DOCTYPE html><html><head><title>Not found</title></head>"
                          "<body><h1>404 - Not found</h1><p>%s</p></body></html>" % path)
    if pid == "openspecimen":
        if path == "/openspecimen/rest/ng/config-settings/app-props":
            return _json(200, {
                "plugins": ["distribution", "sde"],
                "build_version": node["version"],
                "build_date": node["build"]["buildDate"],
                "build_commit_revision": node["build"]["commit"],
                "cp_coding_enabled": False,
                "auto_empi_enabled": False,
                "uid_mandatory": False,
                "feedback_enabled": True,
                "mrn_restriction_enabled": False,
                "deploy_env": "sandbox",
            })
        if path in ("/openspecimen", "/openspecimen/"):
            return _html(200, "<!DOCTYPE html><html><head><title>OpenSpecimen</title></head>"
                              "<body ng-app=\"openspecimen\"><div ui-view></div></body></html>")
        return _html(404, TOMCAT_404)
    if pid == "joget":
        if path == "/jw/web/json/workflow/currentUsername":
            return _json(200, {"username": "roleAnonymous"})
        if path in ("/jw", "/jw/"):
            return _redirect("/jw/web/login", 302)
        if path == "/jw/web/login":
            return _html(200, "<!DOCTYPE html><html><head><title>Joget DX</title></head><body>"
                              "<form method=\"post\" action=\"/jw/j_spring_security_check\">"
                              "<input name=\"j_username\"><input name=\"j_password\" type=\"password\">"
                              "</form><div id=\"footer\">Version: %s</div></body></html>"
                              % node["version"])
        return _html(404, TOMCAT_404)
    raise ValueError(pid)


def standard_headers(status, headers, body, keep_alive):
    """Adds the headers every answer carries (Date, length, connection)."""
    h = {"Date": _http_date()}
    h.update(headers)
    h.setdefault("Content-Length", str(len(body)))
    h["Connection"] = "keep-alive" if keep_alive else "close"
    return h
