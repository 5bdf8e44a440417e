"""OpenSpecimen's configuration settings API, as far as the cluster JSON needs it
(from krishagni/openspecimen's ConfigurationController and ConfigurationServiceImpl):

    GET  {base}rest/ng/config-settings?module=M&property=P   -> [setting]  (one setting in a list)
    GET  {base}rest/ng/config-settings?module=M               -> [settings of the module]
    POST {base}rest/ng/config-settings/files?module=M&property=P, multipart field `file`
                                                               -> the stored file name (text): <uuid>_<name>
    PUT  {base}rest/ng/config-settings  {"module": M, "name": P, "value": "<stored file name>"}
                                                               -> the saved setting
    GET  {base}rest/ng/config-settings/files?module=M&property=P -> the setting's file

A setting is {module, name, value, type, allowedValues, displayNameCode, descCode,
activationDate (epoch ms), secured}. Uploaded files go to {dataDir}/config-settings/;
saving the cluster setting (module `common`, name `cluster_config` here) with an
uploaded file's name replaces {dataDir}/config-settings/cluster.json atomically
(temporary file, then rename), which every node reads when it starts. Settings live
in {dataDir}/config-settings/settings.json, shared by the nodes as the database is.

Every call needs an administrator's API token in the header `X-OS-API-TOKEN`
(the sandbox's token: keychain entry `<sandbox-id>/os-admin-token`); the nodes
know it by its SHA-256 in {dataDir}/config-settings/.admin-tokens. A missing or
wrong token gets 401 with an OpenSpecimen error list [{"code": ..., "message": ...}]."""

import email
import email.policy
import hashlib
import json
import os
import time
import urllib.parse
import uuid

from .util import read_json, write_atomic, write_json

MODULE, PROPERTY = "common", "cluster_config"
PREFIX = "/openspecimen/rest/ng/config-settings"
TOKEN_HEADER = "x-os-api-token"


def settings_dir(data_dir):
    return os.path.join(data_dir, "config-settings")


def cluster_json_path(data_dir):
    return os.path.join(settings_dir(data_dir), "cluster.json")


def tokens_path(data_dir):
    return os.path.join(settings_dir(data_dir), ".admin-tokens")


def setup(data_dir, token):
    """What `up` writes: the admin token's fingerprint and the initial setting."""
    d = settings_dir(data_dir)
    os.makedirs(d, exist_ok=True)
    write_atomic(tokens_path(data_dir), hashlib.sha256(token.encode()).hexdigest() + "\n", mode=0o600)
    write_json(os.path.join(d, "settings.json"),
               {MODULE: {PROPERTY: {"value": "cluster.json", "activationDate": int(time.time() * 1000)}}},
               mode=0o600)


def _json(status, data):
    return status, {"Content-Type": "application/json;charset=UTF-8"}, json.dumps(data).encode()


def _error(status, code, message):
    return _json(status, [{"code": code, "message": message}])


def _detail(module, name, entry):
    return {"module": module, "name": name, "value": entry.get("value"), "type": "FILE", "allowedValues": [],
            "displayNameCode": "%s_%s" % (module, name), "descCode": "%s_%s_desc" % (module, name),
            "activationDate": entry.get("activationDate"), "secured": False}


def _authorised(data_dir, headers):
    token = headers.get(TOKEN_HEADER, "")
    if not token:
        return False
    try:
        with open(tokens_path(data_dir)) as f:
            known = {line.strip() for line in f if line.strip()}
    except OSError:
        return False
    return hashlib.sha256(token.encode()).hexdigest() in known


def _multipart(headers, body):
    """{field name: (file name or None, bytes)} of a multipart/form-data body."""
    ctype = headers.get("content-type", "")
    if not ctype.startswith("multipart/form-data"):
        return {}
    msg = email.message_from_bytes(b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + body,
                                   policy=email.policy.HTTP)
    fields = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            fields[name] = (part.get_filename(), part.get_payload(decode=True) or b"")
    return fields


def handle(data_dir, method, target, headers, body):
    """(status, headers, body) for a request under PREFIX."""
    url = urllib.parse.urlsplit(target)
    query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
    sub = url.path[len(PREFIX):].strip("/")
    if not _authorised(data_dir, headers):
        return _error(401, "AUTH_FAILED", "You are not authorised to perform this operation: "
                                          "a valid X-OS-API-TOKEN is required")
    store_path = os.path.join(settings_dir(data_dir), "settings.json")
    store = read_json(store_path, {}) or {}
    if sub == "" and method == "GET":
        module, prop = query.get("module"), query.get("property") or query.get("name")
        if module and prop:
            entry = store.get(module, {}).get(prop)
            if entry is None:
                return _error(400, "CFG_SETTING_NOT_FOUND", "Setting %s of module %s not found" % (prop, module))
            return _json(200, [_detail(module, prop, entry)])
        return _json(200, sorted((_detail(m, n, e) for m, props in store.items() for n, e in props.items()
                                  if not module or m == module), key=lambda d: (d["module"], d["name"])))
    if sub == "" and method == "PUT":
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            return _error(400, "INVALID_INPUT", "Malformed JSON")
        items = payload if isinstance(payload, list) else [payload]
        saved = []
        for item in items:
            if not isinstance(item, dict) or not item.get("module") or not item.get("name"):
                return _error(400, "INVALID_INPUT", "module and name are required")
            module, prop, value = item["module"], item["name"], item.get("value")
            if (module, prop) != (MODULE, PROPERTY):
                return _error(400, "CFG_SETTING_NOT_FOUND", "Setting %s of module %s not found" % (prop, module))
            err = _activate_cluster_json(data_dir, value)
            if err:
                return err
            entry = {"value": value, "activationDate": int(time.time() * 1000)}
            store.setdefault(module, {})[prop] = entry
            saved.append(_detail(module, prop, entry))
        write_json(store_path, store, mode=0o600)
        return _json(200, saved if isinstance(payload, list) else saved[0])
    if sub == "files" and method == "POST":
        fields = _multipart(headers, body)
        module = query.get("module") or (fields.get("module", (None, b""))[1].decode() or None)
        prop = query.get("property") or (fields.get("property", (None, b""))[1].decode() or None)
        if not module:
            return _error(400, "INVALID_INPUT", "Module name is required")
        if not prop:
            return _error(400, "INVALID_INPUT", "Property name is required")
        if store.get(module, {}).get(prop) is None:
            return _error(400, "CFG_SETTING_NOT_FOUND", "Setting %s of module %s not found" % (prop, module))
        if "file" not in fields:
            return _error(400, "INVALID_INPUT", "Required request part 'file' is not present")
        filename, data = fields["file"]
        stored = "%s_%s" % (uuid.uuid4(), os.path.basename(filename or "file"))
        fd = os.open(os.path.join(settings_dir(data_dir), stored), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return 200, {"Content-Type": "text/plain;charset=UTF-8"}, stored.encode()
    if sub == "files" and method == "GET":
        entry = store.get(query.get("module"), {}).get(query.get("property") or query.get("name"))
        if entry is None:
            return _error(400, "CFG_SETTING_NOT_FOUND", "Setting not found")
        path = os.path.join(settings_dir(data_dir), os.path.basename(entry["value"]))
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return _error(404, "CFG_FILE_NOT_FOUND", "Setting file not found")
        return 200, {"Content-Type": "application/octet-stream",
                     "Content-Disposition": 'attachment;filename="%s"' % entry["value"]}, data
    return _error(405, "METHOD_NOT_ALLOWED", "Request method '%s' is not supported" % method)


def _activate_cluster_json(data_dir, value):
    """Replaces cluster.json with the uploaded file `value` (atomically); an error answer or None."""
    if not value or os.path.basename(value) != value:
        return _error(400, "INVALID_INPUT", "Invalid setting value: expected an uploaded file name")
    source = os.path.join(settings_dir(data_dir), value)
    try:
        with open(source, "rb") as f:
            data = f.read()
    except OSError:
        return _error(400, "CFG_FILE_NOT_FOUND", "Uploaded file %s not found" % value)
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or not isinstance(doc.get("nodes"), list):
            raise ValueError
    except (ValueError, UnicodeDecodeError):
        return _error(400, "INVALID_CLUSTER_CONFIG", "The cluster JSON must be an object with a nodes list")
    if value != "cluster.json":
        target = cluster_json_path(data_dir)
        tmp = "%s.tmp.%d" % (target, os.getpid())
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    return None
