"""Secrets and ConfigMaps of the Kubernetes emulation (k8s.py): fixed names per
product, with the sandbox's real values when `up` writes them (DIR/k8s/objects.json,
mode 0600, rewritten on every change so the values survive the API server):

    JATOS         Secret jatos-secret {JATOS_SECRET}, Secret mysql-pass {password},
                  ConfigMap jatos-config {JATOS_DB_URL, JATOS_DB_USERNAME, JATOS_MULTINODE: "true"}
    OpenSpecimen  Secret openspecimen-secret {clusterSecret, dbPassword}
    Joget DX      Secret joget-secret {workflowPassword}

Writes follow the real API: Secret `data` is base64, `stringData` is accepted on
write and merged into `data` (then dropped), every write bumps
metadata.resourceVersion, and a PUT carrying a stale resourceVersion is refused with
409 Conflict. Nodes the emulation starts get ENVIRONMENT[product] from them (for
JATOS: JATOS_SECRET, JATOS_DB_URL, JATOS_DB_USERNAME, JATOS_DB_PASSWORD), as the
Deployment's env / valueFrom would give a container."""

import base64
import binascii
import copy
import os
import threading
import time

from .configs import jdbc_url
from .nodectl import rfc3339, uid
from .util import read_json, write_json

# env variable -> (kind, object name, key), per product
ENVIRONMENT = {
    "jatos": {"JATOS_SECRET": ("Secret", "jatos-secret", "JATOS_SECRET"),
              "JATOS_DB_PASSWORD": ("Secret", "mysql-pass", "password"),
              "JATOS_DB_URL": ("ConfigMap", "jatos-config", "JATOS_DB_URL"),
              "JATOS_DB_USERNAME": ("ConfigMap", "jatos-config", "JATOS_DB_USERNAME"),
              "JATOS_MULTINODE": ("ConfigMap", "jatos-config", "JATOS_MULTINODE")},
    "openspecimen": {},
    "joget": {},
}


def objects_path(top):
    return os.path.join(top, "k8s", "objects.json")


def write_initial(top, state, db, app_secret):
    """DIR/k8s/objects.json: {"secrets": {name: {key: text}}, "configmaps": {...}}."""
    pid = state["product"]
    secrets, configmaps = {}, {}
    if pid == "jatos":
        secrets["jatos-secret"] = {"JATOS_SECRET": app_secret}
        secrets["mysql-pass"] = {"password": db["password"]}
        configmaps["jatos-config"] = {"JATOS_DB_URL": jdbc_url(db), "JATOS_DB_USERNAME": db["user"],
                                      "JATOS_MULTINODE": "true"}
    elif pid == "openspecimen":
        secrets["openspecimen-secret"] = {"clusterSecret": app_secret, "dbPassword": db["password"]}
    else:
        secrets["joget-secret"] = {"workflowPassword": db["password"]}
    write_json(objects_path(top), {"secrets": secrets, "configmaps": configmaps}, mode=0o600)


def _b64(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


class Invalid(Exception):
    """A write the API server refuses (400 / 409), with the Status reason."""

    def __init__(self, code, reason, message):
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message


class ConfigStore:
    """The namespace's Secrets and ConfigMaps (resource name -> {object name -> object})."""

    def __init__(self, top, deployment):
        self.top, self.d = top, deployment
        self.lock = threading.Lock()
        self.objects = {"secrets": {}, "configmaps": {}}
        raw = read_json(objects_path(top), {}) or {}
        now = time.time()
        for resource, kind in (("secrets", "Secret"), ("configmaps", "ConfigMap")):
            for name, data in sorted((raw.get(resource) or {}).items()):
                self.objects[resource][name] = self._make(kind, name, data, now)

    def _make(self, kind, name, data, created):
        self.d.rv += 1
        meta = {"name": name, "namespace": self.d.namespace, "uid": uid(self.d.sid, kind, name),
                "resourceVersion": str(self.d.rv), "creationTimestamp": rfc3339(created)}
        if kind == "Secret":
            return {"kind": "Secret", "apiVersion": "v1", "metadata": meta, "type": "Opaque",
                    "data": {k: _b64(v) for k, v in data.items()}}
        return {"kind": "ConfigMap", "apiVersion": "v1", "metadata": meta, "data": dict(data)}

    def items(self, resource):
        with self.lock:
            return [copy.deepcopy(o) for _, o in sorted(self.objects[resource].items())]

    def get(self, resource, name):
        with self.lock:
            o = self.objects[resource].get(name)
            return copy.deepcopy(o) if o else None

    def replace(self, resource, name, new, check_version=True):
        """Stores `new` (a whole object, as PUT sends or a patch produced) in place of
        object `name`; returns the stored object. Raises Invalid."""
        with self.lock:
            old = self.objects[resource].get(name)
            if old is None:
                raise Invalid(404, "NotFound", "not found")
            if not isinstance(new, dict):
                raise Invalid(400, "BadRequest", "the body must be an object")
            given = (new.get("metadata") or {}).get("resourceVersion")
            if check_version and given and given != old["metadata"]["resourceVersion"]:
                raise Invalid(409, "Conflict",
                              'Operation cannot be fulfilled on %s "%s": the object has been modified; please '
                              "apply your changes to the latest version and try again" % (resource, name))
            if (new.get("metadata") or {}).get("name", name) != name:
                raise Invalid(400, "BadRequest", "the name of the object (%s) does not match the name on the "
                                                 "URL (%s)" % (new["metadata"]["name"], name))
            data = new.get("data") or {}
            if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
                raise Invalid(400, "BadRequest", "data must map keys to strings")
            data = dict(data)
            if resource == "secrets":
                for k, v in data.items():
                    try:
                        base64.b64decode(v, validate=True)
                    except (binascii.Error, ValueError):
                        raise Invalid(400, "BadRequest", "illegal base64 data in data[%s]" % k)
                string_data = new.get("stringData") or {}
                if not isinstance(string_data, dict):
                    raise Invalid(400, "BadRequest", "stringData must map keys to strings")
                for k, v in string_data.items():
                    data[k] = _b64(str(v))
            stored = copy.deepcopy(old)
            stored["data"] = data
            labels = (new.get("metadata") or {}).get("labels")
            if labels is not None:
                stored["metadata"]["labels"] = labels
            self.d.rv += 1
            stored["metadata"]["resourceVersion"] = str(self.d.rv)
            self.objects[resource][name] = stored
            self._save()
            return copy.deepcopy(stored)

    def create(self, resource, new):
        """Stores a new Secret or ConfigMap (POST); returns it. Raises Invalid."""
        if not isinstance(new, dict) or not isinstance((new.get("metadata") or {}).get("name"), str) \
                or not new["metadata"]["name"]:
            raise Invalid(422, "Invalid", "metadata.name: Required value: name or generateName is required")
        name = new["metadata"]["name"]
        kind = "Secret" if resource == "secrets" else "ConfigMap"
        data = dict(new.get("data") or {})
        if not all(isinstance(v, str) for v in data.values()):
            raise Invalid(400, "BadRequest", "data must map keys to strings")
        if resource == "secrets":
            try:
                data = {k: base64.b64decode(v, validate=True).decode("utf-8") for k, v in data.items()}
            except (binascii.Error, ValueError):
                raise Invalid(400, "BadRequest", "illegal base64 data in data")
            data.update({k: str(v) for k, v in (new.get("stringData") or {}).items()})
        with self.lock:
            if name in self.objects[resource]:
                raise Invalid(409, "AlreadyExists", '%s "%s" already exists' % (resource, name))
            self.objects[resource][name] = self._make(kind, name, data, time.time())
            self._save()
            return copy.deepcopy(self.objects[resource][name])

    def _save(self):
        out = {"secrets": {n: {k: base64.b64decode(v).decode("utf-8", "replace") for k, v in o["data"].items()}
                           for n, o in self.objects["secrets"].items()},
               "configmaps": {n: dict(o["data"]) for n, o in self.objects["configmaps"].items()}}
        write_json(objects_path(self.top), out, mode=0o600)

    def environment(self, product):
        """The environment a container of the product gets from the Secrets / ConfigMaps."""
        env = {}
        with self.lock:
            for var, (kind, name, key) in ENVIRONMENT.get(product, {}).items():
                o = self.objects["secrets" if kind == "Secret" else "configmaps"].get(name)
                value = (o or {}).get("data", {}).get(key)
                if value is None:
                    continue
                env[var] = base64.b64decode(value).decode("utf-8") if kind == "Secret" else value
        return env
