"""A Kubernetes API server emulation for exactly the calls Clusterdesk makes, over
HTTPS (certificate from the sandbox's generated CA, see emulation.py) with bearer
token auth (the static token file DIR/k8s/tokens.csv, as kube-apiserver's
--token-auth-file): discovery (/version, /api, /apis, /api/v1, /apis/apps/v1,
/apis/autoscaling/v2), the Deployment (GET, PATCH with strategic-merge, JSON merge
or JSON patch; the scale subresource GET/PUT/PATCH), its Pods (one per sandbox node,
readiness from the node's real health), the HorizontalPodAutoscalers (GET, LIST,
POST, DELETE) and Events,
Secrets and ConfigMaps (GET, LIST, PUT, PATCH; see k8s_config.py), a Pod's log (the
node's main product log, podlogs.py),
as JSON objects or, when asked (Accept: ...;as=Table), as meta.k8s.io/v1 Tables.
Objects live in namespace = deployment name = product id. Scaling to N runs the
product's stop / start scripts on the nodes above / up to N, in the background,
as the deployment controller would; a node started for the Deployment's image runs
that image's version (installed first, see nodectl.py), and an image the emulated
registry lacks leaves the pod waiting with ErrImagePull; a container that exits at
start is started again with a back-off (CrashLoopBackOff, see nodectl.py). Runs as
`clusterdesk-sandbox serve-k8s`."""

import calendar
import copy
import hashlib
import json
import os
import ssl
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import k8s_objects as obj
from . import podlogs
from .k8s_config import ConfigStore, Invalid
from .nodectl import Nodes, image_for
from .util import read_json, say, stop_when_folder_goes, write_json

PATCH_TYPES = ("application/strategic-merge-patch+json", "application/merge-patch+json",
               "application/json-patch+json")


class Deployment:
    """The one Deployment (and its ReplicaSet, Pods, HPA, Events) of the sandbox."""

    def __init__(self, top, conf):
        self.nodes = Nodes(top)
        st = self.nodes.state
        self.sid, self.name, self.namespace = st["id"], conf["deployment"], conf["namespace"]
        self.port = self.nodes.product.port
        self.image = image_for(st)
        self.replicas = len(self.nodes.nodes)
        self.generation = self.revision = 1
        self.rv = 1000
        self.created = self.changed = time.time()
        self.events = []
        self.lock = threading.Lock()
        self.worker = ThreadPoolExecutor(max_workers=1)    # the "controller": one reconciliation at a time
        self.nodes.start_image = lambda node: self.image   # pods are created with the Deployment's image
        # kubelet: a container that exits at start is started again (CrashLoopBackOff)
        self.nodes.supervise(lambda fn: self.worker.submit(fn).result())
        self.hpas = {}
        self.extra_env = {}     # literal env values patched into the container (name -> value)
        self.add_hpa(self.name, obj.hpa_spec(self), created=self.created)
        self.event("ScalingReplicaSet", "Scaled up replica set %s to %d" % (self.replica_set(), self.replicas))

    def template_hash(self, image=None):
        return hashlib.sha256((image or self.image).encode()).hexdigest()[:10].translate(
            str.maketrans("01a3e", "bcdfg"))

    def replica_set(self, image=None):
        return "%s-%s" % (self.name, self.template_hash(image))

    def pod_name(self, p):
        h = hashlib.sha256(("%s/%s" % (self.sid, p["name"])).encode()).hexdigest()
        return "%s-%s" % (self.replica_set(p.get("image")), h[:5].translate(str.maketrans("0123a", "xzvwk")))

    def event(self, reason, message, **about):
        self.rv += 1
        self.events.append(obj.event(self, self.rv, time.time(), reason, message, **about))

    def add_hpa(self, name, spec, labels=None, created=None):
        """Stores an HPA (a new uid each time one is created); returns it."""
        with self.lock:
            self.rv += 1
            self.hpas[name] = {"spec": obj.hpa_defaults(spec), "labels": labels or {}, "rv": self.rv,
                               "created": created or time.time(),
                               "uid": obj.uid(self.sid, "HorizontalPodAutoscaler", name, self.rv)}
            return self.hpas[name]

    def delete_hpa(self, name):
        """Removes an HPA; returns it, or None when there is none of that name."""
        with self.lock:
            self.rv += 1
            return self.hpas.pop(name, None)

    def pods(self):
        """The observed replicas 1..spec.replicas (a pod exists for each, running or not),
        and, as the real API lists them, the pods scaled away whose container still runs:
        Terminating (deletionTimestamp set, not ready) until it has stopped."""
        out = []
        for p in self.nodes.observe_all():
            if p["index"] <= self.replicas:
                out.append(p)
            elif p["running"]:
                p["terminating"], p["ready"] = True, False
                out.append(p)
        return out

    @staticmethod
    def counted(pods):
        """The pods the Deployment's status and the HPA count: not the terminating ones."""
        return [p for p in pods if not p.get("terminating")]

    def set_replicas(self, n):
        with self.lock:
            if n == self.replicas:
                return
            self.event("ScalingReplicaSet", "Scaled %s replica set %s to %d from %d" % (
                "up" if n > self.replicas else "down", self.replica_set(), n, self.replicas))
            self.replicas, self.changed = n, time.time()
            self.rv += 1
        self.worker.submit(self._reconcile)

    def _reconcile(self):
        for name, action, ok, message in self.nodes.scale(self.replicas):
            if not ok:
                say("k8s: %s %s failed: %s" % (action, name, message))
            if not ok and self.nodes.info[name]["waiting"]:
                image = self.nodes.info[name]["image"]
                self.event("Failed", 'Failed to pull image "%s": %s' % (image, obj.pull_failure(image)),
                           kind="Pod", name=self.pod_name({"name": name, "image": image}))

    def set_image(self, image):
        with self.lock:
            if image == self.image:
                return
            old_rs = self.replica_set()
            self.image = image
            self.generation += 1
            self.revision += 1
            self.rv += 1
            self.changed = time.time()
            self.event("ScalingReplicaSet", "Scaled down replica set %s to 0 from %d" % (old_rs, self.replicas))
            self.event("ScalingReplicaSet", "Scaled up replica set %s to %d" % (self.replica_set(), self.replicas))
        if any(i["waiting"] for i in self.nodes.info.values()):
            self.worker.submit(self._reconcile)     # pods waiting for an image try the new one

    def apply_patch(self, ctype, body):
        """Applies a patch of the Deployment (or its Scale when scale=True); only
        spec.replicas and the container image are honoured, as the emulation knows no more."""
        current = obj.deployment(self, [])
        patch = json.loads(body or b"null")
        if ctype == "application/json-patch+json":
            new = json_patch(current, patch)
        elif ctype == "application/strategic-merge-patch+json":
            new = merge_patch(current, patch, strategic=True)
        else:
            new = merge_patch(current, patch)
        spec = new.get("spec") or {}
        containers = (((spec.get("template") or {}).get("spec") or {}).get("containers")) or []
        for c in containers:
            if c.get("name") == self.name and c.get("image"):
                self.set_image(c["image"])
            if c.get("name") == self.name and isinstance(c.get("env"), list):
                literal = {e["name"]: str(e["value"]) for e in c["env"]
                           if isinstance(e, dict) and isinstance(e.get("name"), str) and "value" in e}
                with self.lock:
                    if literal != self.extra_env:
                        self.extra_env = literal
                        self.rv += 1
        if isinstance(spec.get("replicas"), int):
            self.set_replicas(spec["replicas"])


def merge_patch(target, patch, strategic=False):
    """RFC 7386 JSON merge patch; strategic=True merges lists of objects by `name`
    (the patch strategy of containers, ports, env ...)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if k.startswith("$"):
            continue
        if v is None:
            out.pop(k, None)
        elif strategic and isinstance(v, list) and isinstance(out.get(k), list) \
                and all(isinstance(i, dict) and "name" in i for i in v):
            merged = [dict(i) for i in out[k]]
            for item in v:
                hit = next((m for m in merged if m.get("name") == item["name"]), None)
                if hit is None:
                    merged.append(item)
                else:
                    hit.update(merge_patch(hit, item, True))
            out[k] = merged
        else:
            out[k] = merge_patch(out.get(k), v, strategic)
    return out


def json_patch(target, ops):
    """RFC 6902 with the replace / add operations kubectl and clients send."""
    doc = copy.deepcopy(target)
    for op in ops:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        parent = doc
        for p in parts[:-1]:
            parent = parent[int(p)] if isinstance(parent, list) else parent[p]
        last = parts[-1]
        if op["op"] in ("replace", "add"):
            if isinstance(parent, list):
                parent[int(last)] = op["value"]
            else:
                parent[last] = op["value"]
        elif op["op"] == "remove":
            del parent[int(last) if isinstance(parent, list) else last]
    return doc


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "clusterdesk-sandbox-kube-apiserver"

    def log_message(self, fmt, *args):
        self.server.log.write("%s %s\n" % (time.strftime("%H:%M:%S"), fmt % args))
        self.server.log.flush()

    def send(self, code, data):
        body = (json.dumps(data) + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Audit-Id", obj.uid(time.time(), self.path))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def authorised(self):
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer ") and auth[7:].strip() in self.server.tokens:
            return True
        self.send(401, obj.status(401, "Unauthorized", "Unauthorized"))
        return False

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        self.route("GET")

    def do_PUT(self):
        self.route("PUT")

    def do_PATCH(self):
        self.route("PATCH")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method):
        body = self.body() if method != "GET" else b""     # DELETE: DeleteOptions, not acted on
        if not self.authorised():
            return
        url = urllib.parse.urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        query = urllib.parse.parse_qs(url.query)
        d = self.server.deployment
        try:
            if method == "GET":
                doc = obj.discovery(path, "127.0.0.1:%d" % self.server.server_address[1])
                if doc is not None:
                    return self.send(200, doc)
            parts = path.strip("/").split("/")
            # /api/v1/namespaces/NS/R[/NAME[/SUB]] or /apis/G/V/namespaces/NS/R[/NAME[/SUB]]
            gv = parts[1] if parts[0] == "api" else "/".join(parts[1:3])
            rest = parts[2:] if parts[0] == "api" else parts[3:]
            if path == "/api/v1/namespaces" or (len(rest) == 2 and rest[0] == "namespaces" and gv == "v1"
                                                and path.startswith("/api/v1/namespaces/")):
                return self.namespaces(d, rest)
            if len(rest) < 3 or rest[0] != "namespaces":
                return self.send(404, obj.status(404, "NotFound", "the server could not find the requested resource"))
            ns, resource, name, sub = rest[1], rest[2], (rest[3:4] or [None])[0], (rest[4:5] or [None])[0]
            return self.resource(method, d, gv, ns, resource, name, sub, query, body)
        except (ValueError, KeyError, IndexError, TypeError) as e:
            return self.send(400, obj.status(400, "BadRequest", "bad request: %s" % e))

    def namespaces(self, d, rest):
        item = {"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": d.namespace, "uid": obj.uid(
                d.sid, "ns"), "resourceVersion": "1", "creationTimestamp": obj.rfc3339(d.created)},
                "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
        if len(rest) == 2:
            return self.send(200, item) if rest[1] == d.namespace else self.send(
                404, obj.not_found("namespaces", "", rest[1]))
        return self.send(200, obj.object_list("Namespace", "v1", [item], d.rv))

    def config_object(self, method, d, ns, resource, name, sub, body):
        """Secrets and ConfigMaps: GET (one or the list), PUT, PATCH."""
        store = self.server.config
        kind = {"secrets": "Secret", "configmaps": "ConfigMap"}[resource]
        mine = ns == d.namespace
        as_table = "as=Table" in self.headers.get("Accept", "") and method == "GET"
        if name is None:
            if method != "GET":
                return self.send(405, obj.status(405, "MethodNotAllowed", "the server does not allow this method"))
            items = store.items(resource) if mine else []
            return self.send(200, obj.table(items, d.rv) if as_table else obj.object_list(kind, "v1", items, d.rv))
        current = store.get(resource, name) if mine else None
        if current is None:
            return self.send(404, obj.not_found(resource, "", name))
        if sub is not None:
            return self.send(404, obj.status(404, "NotFound", "the server could not find the requested resource"))
        if method == "GET":
            return self.send(200, obj.table([current], d.rv) if as_table else current)
        if method == "PATCH":
            ctype = self.headers.get("Content-Type", "").split(";")[0].strip()
            if ctype not in PATCH_TYPES:
                return self.send(415, obj.status(415, "UnsupportedMediaType",
                                                 "the body of the request was in an unknown format"))
            patch = json.loads(body or b"null")
            new = json_patch(current, patch) if ctype == PATCH_TYPES[2] else \
                merge_patch(current, patch, strategic=ctype == PATCH_TYPES[0])
        else:
            new = json.loads(body or b"null")
        try:
            return self.send(200, store.replace(resource, name, new))
        except Invalid as e:
            details = {"name": name, "kind": resource} if e.code == 409 else None
            return self.send(e.code, obj.status(e.code, e.reason, e.message, details))

    def config_create(self, d, ns, resource, body):
        """POST of a Secret or ConfigMap: 201 with the stored object, 409 AlreadyExists."""
        if ns != d.namespace:
            return self.send(404, obj.not_found("namespaces", "", ns))
        try:
            return self.send(201, self.server.config.create(resource, json.loads(body or b"null")))
        except Invalid as e:
            return self.send(e.code, obj.status(e.code, e.reason, e.message))

    def hpa_write(self, method, d, ns, name, body):
        """POST (create) and DELETE of HorizontalPodAutoscalers."""
        group, res = "autoscaling", "horizontalpodautoscalers"
        if ns != d.namespace:
            return self.send(404, obj.not_found("namespaces", "", ns))
        if method == "DELETE":
            gone = d.delete_hpa(name)
            if gone is None:
                return self.send(404, obj.not_found(res, group, name))
            return self.send(200, obj.deleted(name, group, res, gone["uid"]))
        new = json.loads(body or b"null")
        if not isinstance(new, dict):
            return self.send(400, obj.status(400, "BadRequest", "the request body is not a JSON object"))
        meta, spec = new.get("metadata") or {}, new.get("spec") or {}
        name = meta.get("name") or ""
        if meta.get("namespace") not in (None, ns):
            return self.send(400, obj.status(400, "BadRequest", "the namespace of the provided object does not "
                                                                "match the namespace sent on the request"))
        missing = [f for f, ok in (("metadata.name", name), ("spec.maxReplicas", isinstance(
            spec.get("maxReplicas"), int) and spec["maxReplicas"] >= 1), ("spec.scaleTargetRef.name", (
                spec.get("scaleTargetRef") or {}).get("name"))) if not ok]
        if missing:
            return self.send(422, obj.status(422, "Invalid", 'HorizontalPodAutoscaler.autoscaling "%s" is invalid: '
                                             '%s: Required value' % (name, missing[0]),
                                             {"name": name, "group": group, "kind": "HorizontalPodAutoscaler"}))
        if name in d.hpas:
            return self.send(409, obj.status(409, "AlreadyExists", '%s.%s "%s" already exists' % (res, group, name),
                                             {"name": name, "group": group, "kind": res}))
        d.add_hpa(name, spec, meta.get("labels"))
        return self.send(201, obj.hpa(d, d.counted(d.pods()), name))

    def pod_log(self, d, ns, name, query):
        """GET .../pods/NAME/log: the node's main product log as the container's output
        (podlogs.py), text/plain, streamed in chunks as the API server relays kubelet's.
        container (must name the pod's container), tailLines, sinceSeconds, sinceTime,
        limitBytes, timestamps; kubelet's order: tail, then since, then the byte limit."""
        pods = d.pods() if ns == d.namespace else []
        p = next((p for p in pods if d.pod_name(p) == name), None)
        if p is None:
            return self.send(404, obj.not_found("pods", "", name))
        container = (query.get("container") or [""])[0]
        if container and container != d.name:
            return self.send(400, obj.status(400, "BadRequest", "container %s is not valid for pod %s"
                                             % (container, name)))
        if p["waiting"]:
            return self.send(400, obj.status(400, "BadRequest", 'container "%s" in pod "%s" is waiting to start: '
                                             'trying and failing to pull image' % (d.name, name)))

        def number(key):
            v = (query.get(key) or [None])[0]
            return None if v is None else int(v)       # not a number: ValueError -> 400 as the API decodes
        tail, since, limit = number("tailLines"), number("sinceSeconds"), number("limitBytes")
        since_time = (query.get("sinceTime") or [None])[0]
        invalid = [(k, v, why) for k, v, why in (
            ("tailLines", tail, "must be greater than or equal to 0"),
            ("sinceSeconds", since, "must be greater than 0"),
            ("limitBytes", limit, "must be greater than 0"))
            if v is not None and (v < 0 or (v == 0 and k != "tailLines"))]
        if since is not None and since_time:
            invalid.append(("sinceSeconds", since, "at most one of `sinceTime` or `sinceSeconds` may be specified"))
        if invalid:
            k, v, why = invalid[0]
            return self.send(422, obj.status(422, "Invalid", 'PodLogOptions "%s" is invalid: %s: Invalid value: '
                                             '%s: %s' % (name, k, v, why), {"name": name, "kind": "PodLogOptions"}))
        since_epoch = time.time() - since if since is not None else None
        if since_time:
            since_epoch = calendar.timegm(time.strptime(since_time[:19], "%Y-%m-%dT%H:%M:%S"))
        timestamps = (query.get("timestamps") or ["false"])[0].lower() in ("true", "1")
        node = next(n for n in d.nodes.nodes if n["name"] == p["name"])
        path = podlogs.main_log(d.nodes.state, node)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Audit-Id", obj.uid(time.time(), self.path))
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for block in podlogs.select(path, tail, since_epoch, limit, timestamps):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True

    def resource(self, method, d, gv, ns, resource, name, sub, query, body):
        if (gv, resource) == ("autoscaling/v2", "horizontalpodautoscalers") and sub is None and (
                (method == "DELETE" and name) or (method == "POST" and not name)):
            return self.hpa_write(method, d, ns, name, body)
        if method == "POST" and gv == "v1" and resource in ("secrets", "configmaps") and not name:
            return self.config_create(d, ns, resource, body)
        if method in ("POST", "DELETE"):
            return self.send(405, obj.status(405, "MethodNotAllowed", "the server does not allow this method"))
        if gv == "v1" and resource in ("secrets", "configmaps"):
            return self.config_object(method, d, ns, resource, name, sub, body)
        if gv == "v1" and resource == "pods" and name and sub == "log":
            if method != "GET":
                return self.send(405, obj.status(405, "MethodNotAllowed", "the server does not allow this method"))
            return self.pod_log(d, ns, name, query)
        known = {("apps/v1", "deployments"): ("Deployment", "apps"), ("v1", "pods"): ("Pod", ""),
                 ("autoscaling/v2", "horizontalpodautoscalers"): ("HorizontalPodAutoscaler", "autoscaling"),
                 ("v1", "events"): ("Event", "")}
        if (gv, resource) not in known:
            return self.send(404, obj.status(404, "NotFound", "the server could not find the requested resource"))
        kind, group = known[(gv, resource)]
        mine = ns == d.namespace
        pods = d.pods() if mine and resource in ("deployments", "pods", "horizontalpodautoscalers") else []
        if resource == "events":
            items = list(d.events) if mine else []
        elif resource == "pods":
            items = [obj.pod(d, p) for p in pods]
            sel = (query.get("labelSelector") or [""])[0]
            items = [i for i in items if matches(i["metadata"]["labels"], sel)]
        elif resource == "deployments":
            items = [obj.deployment(d, d.counted(pods))] if mine else []
        else:
            items = [obj.hpa(d, d.counted(pods), n) for n in sorted(d.hpas)] if mine else []
        as_table = "as=Table" in self.headers.get("Accept", "") and method == "GET" and sub is None
        if name is None:
            if method != "GET":
                return self.send(405, obj.status(405, "MethodNotAllowed", "the server does not allow this method"))
            return self.send(200, obj.table(items, d.rv) if as_table else obj.object_list(kind, gv, items, d.rv))
        item = next((i for i in items if i["metadata"]["name"] == name), None)
        if item is None:
            return self.send(404, obj.not_found(resource, group, name))
        if sub is None and method == "GET":
            return self.send(200, obj.table([item], d.rv) if as_table else item)
        if resource != "deployments" or sub not in (None, "scale") or (sub is None and method != "PATCH"):
            return self.send(405, obj.status(405, "MethodNotAllowed", "the server does not allow this method"))
        if method == "PATCH":
            ctype = self.headers.get("Content-Type", "").split(";")[0].strip()
            if ctype not in PATCH_TYPES:
                return self.send(415, obj.status(415, "UnsupportedMediaType",
                                                 "the body of the request was in an unknown format"))
            if sub == "scale":
                spec = merge_patch(obj.scale(d, pods), json.loads(body)) if ctype != PATCH_TYPES[2] \
                    else json_patch(obj.scale(d, pods), json.loads(body))
                d.set_replicas(int(spec["spec"]["replicas"]))
            else:
                d.apply_patch(ctype, body)
        elif method == "PUT":
            d.set_replicas(int(json.loads(body)["spec"]["replicas"]))
        pods = [p for p in d.counted(pods) if p["index"] <= d.replicas]
        return self.send(200, obj.scale(d, pods) if sub == "scale" else obj.deployment(d, pods))


def matches(labels, selector):
    """Equality-based label selectors (a=b,c==d,e!=f)."""
    for term in filter(None, (t.strip() for t in selector.split(","))):
        if "!=" in term:
            k, v = term.split("!=", 1)
            if labels.get(k.strip()) == v.strip():
                return False
        elif "=" in term:
            k, v = term.replace("==", "=").split("=", 1)
            if labels.get(k.strip()) != v.strip():
                return False
        elif term not in labels:
            return False
    return True


def serve(top):
    """The API server process: listens on 127.0.0.1:port from DIR/k8s/server.json."""
    conf = read_json(os.path.join(top, "k8s", "server.json"))
    with open(os.path.join(top, "k8s", "tokens.csv")) as f:
        tokens = {line.split(",")[0] for line in f if line.strip()}
    server = ThreadingHTTPServer(("127.0.0.1", conf["port"]), Handler)
    server.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(top, "k8s", "server.crt"), os.path.join(top, "k8s", "server.key"))
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.tokens = tokens
    server.log = open(os.path.join(top, "k8s", "apiserver.log"), "a")
    server.deployment = Deployment(top, conf)
    server.config = ConfigStore(top, server.deployment)
    product_id = server.deployment.nodes.state["product"]
    server.deployment.nodes.start_env = lambda node: dict(server.config.environment(product_id),
                                                          **server.deployment.extra_env)
    write_json(os.path.join(top, "k8s", "ready.json"), {"pid": os.getpid()})
    stop_when_folder_goes(server, top)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0
