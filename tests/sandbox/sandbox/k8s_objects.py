"""The Kubernetes API objects the emulation (k8s.py) serves, in the real JSON shapes of
the API (v1.30): discovery documents, apps/v1 Deployment, autoscaling/v1 Scale,
core/v1 Pod and Event, autoscaling/v2 HorizontalPodAutoscaler, list wrappers and
the meta/v1 Status of errors and of deletions. As in the real API, zero counts in a Deployment's
status (readyReplicas, availableReplicas, ...) are left out, not sent as 0."""

import time

from .nodectl import rfc3339, uid

VERSION = {"major": "1", "minor": "30", "gitVersion": "v1.30.0-clusterdesk-sandbox",
           "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
           "buildDate": "2024-04-17T00:00:00Z", "goVersion": "go1.22.2", "compiler": "gc",
           "platform": "linux/amd64"}


def status(code, reason, message, details=None):
    s = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
         "reason": reason, "code": code}
    if details:
        s["details"] = details
    return s


def deleted(name, group, resource, object_uid):
    """What DELETE answers for a resource whose registry does not return the deleted
    object (HPAs among them): Success with the object's name, group, resource, uid."""
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
            "details": {"name": name, "group": group, "kind": resource, "uid": object_uid}}


def not_found(resource, group, name):
    qual = resource + ("." + group if group else "")
    return status(404, "NotFound", '%s "%s" not found' % (qual, name),
                  {"name": name, "group": group, "kind": resource})


def _res(name, kind, verbs, short=(), namespaced=True, group=None, version=None):
    r = {"name": name, "singularName": "" if "/" in name else kind.lower(), "namespaced": namespaced,
         "kind": kind, "verbs": list(verbs)}
    if short:
        r["shortNames"] = list(short)
    if group:
        r["group"], r["version"] = group, version
    if "/" not in name and name not in ("events", "secrets", "configmaps"):
        r["categories"] = ["all"]
    return r


def discovery(path, server_address):
    if path == "/version":
        return VERSION
    if path == "/api":
        return {"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]}
    if path == "/apis":
        def group(name, versions):
            gv = [{"groupVersion": "%s/%s" % (name, v), "version": v} for v in versions]
            return {"name": name, "versions": gv, "preferredVersion": gv[0]}
        return {"kind": "APIGroupList", "apiVersion": "v1",
                "groups": [group("apps", ["v1"]), group("autoscaling", ["v2"])]}
    lists = {
        "/api/v1": ("v1", [_res("pods", "Pod", ["get", "list"], ["po"]),
                           _res("secrets", "Secret", ["get", "list", "patch", "update"]),
                           _res("configmaps", "ConfigMap", ["get", "list", "patch", "update"], ["cm"]),
                           _res("events", "Event", ["get", "list"], ["ev"]),
                           _res("namespaces", "Namespace", ["get", "list"], ["ns"], namespaced=False)]),
        "/apis/apps/v1": ("apps/v1", [_res("deployments", "Deployment", ["get", "list", "patch", "update"],
                                           ["deploy"]),
                                      _res("deployments/scale", "Scale", ["get", "patch", "update"],
                                           group="autoscaling", version="v1")]),
        "/apis/autoscaling/v2": ("autoscaling/v2", [_res("horizontalpodautoscalers", "HorizontalPodAutoscaler",
                                                         ["create", "delete", "get", "list"], ["hpa"])]),
    }
    if path in lists:
        gv, resources = lists[path]
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}
    return None


def object_list(kind, api_version, items, rv):
    return {"kind": kind + "List", "apiVersion": api_version, "metadata": {"resourceVersion": str(rv)},
            "items": items}


def _meta(d, name, created, kind, extra=None):
    m = {"name": name, "namespace": d.namespace, "uid": uid(d.sid, kind, name), "resourceVersion": str(d.rv),
         "creationTimestamp": rfc3339(created)}
    m.update(extra or {})
    return m


def _condition(ctype, ok, t, reason=None, message=None, update=False):
    c = {"type": ctype, "status": "True" if ok else "False"}
    if update:
        c["lastUpdateTime"] = rfc3339(t)
    c["lastTransitionTime"] = rfc3339(t)
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def deployment(d, pods):
    ready = sum(1 for p in pods if p["ready"])
    updated = sum(1 for p in pods if p["image"] == d.image)
    st = {"observedGeneration": d.generation}
    for key, value in (("replicas", len(pods)), ("updatedReplicas", updated), ("readyReplicas", ready),
                       ("availableReplicas", ready), ("unavailableReplicas", max(0, d.replicas - ready))):
        if value:
            st[key] = value
    available = ready >= d.replicas
    st["conditions"] = [
        _condition("Available", available, d.changed,
                   "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
                   "Deployment has minimum availability." if available
                   else "Deployment does not have minimum availability.", update=True),
        _condition("Progressing", True, d.changed, "NewReplicaSetAvailable",
                   'ReplicaSet "%s" has successfully progressed.' % d.replica_set(), update=True)]
    labels = {"app": d.name}
    return {
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": _meta(d, d.name, d.created, "Deployment", {
            "generation": d.generation, "labels": dict(labels),
            "annotations": {"deployment.kubernetes.io/revision": str(d.revision)}}),
        "spec": {
            "replicas": d.replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {"metadata": {"creationTimestamp": None, "labels": dict(labels)},
                         "spec": {"containers": [container_spec(d)], "restartPolicy": "Always",
                                  "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
                                  "securityContext": {}, "schedulerName": "default-scheduler"}},
            "strategy": {"type": "Recreate"},
            "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
        "status": st}


def container_spec(d, image=None):
    from .k8s_config import ENVIRONMENT
    env = [{"name": var, "valueFrom": {("secretKeyRef" if kind == "Secret" else "configMapKeyRef"):
                                       {"name": name, "key": key}}}
           for var, (kind, name, key) in sorted(ENVIRONMENT.get(d.nodes.state["product"], {}).items())]
    # literal `value` entries a patch of the Deployment added (see k8s.Deployment.extra_env)
    env = sorted(env + [{"name": k, "value": v} for k, v in getattr(d, "extra_env", {}).items()],
                 key=lambda e: e["name"])
    spec = {"name": d.name, "image": image or d.image}
    if env:
        spec["env"] = env
    return dict(spec, **{"ports": [{"containerPort": d.port, "protocol": "TCP"}],
            "resources": {}, "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"})


def scale(d, pods):
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": _meta(d, d.name, d.created, "Deployment"),
            "spec": {"replicas": d.replicas}, "status": {"replicas": len(pods), "selector": "app=" + d.name}}


def pull_failure(image):
    """The kubelet's message when an image cannot be pulled (containerd's words)."""
    ref = image if "/" in image.split(":")[0] and "." in image.split("/")[0] else "docker.io/" + image
    return ('rpc error: code = NotFound desc = failed to pull and unpack image "%s": failed to resolve '
            'reference "%s": %s: not found' % (ref, ref, ref))


def pod(d, p):
    name = d.pod_name(p)
    started = p["started"]
    image = p["image"]
    last = {}
    crash = p.get("crash")
    if crash and not p["running"]:
        # kubelet's wording while it waits to start a container that exited again
        state = {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off %ds restarting failed "
                             "container=%s pod=%s_%s(%s)" % (crash["backoff"], d.name, name, d.namespace,
                                                             uid(d.sid, "Pod", name))}}
        last = {"terminated": {"exitCode": crash["exitCode"], "reason": "Error", "message": crash["message"][-200:],
                               "startedAt": rfc3339(crash["finished"]), "finishedAt": rfc3339(crash["finished"]),
                               "containerID": "containerd://" + uid(d.sid, "c", name).replace("-", "")}}
    elif p["running"]:
        state = {"running": {"startedAt": rfc3339(started)}}
    elif p["waiting"]:
        state = {"waiting": {"reason": p["waiting"], "message": pull_failure(image)}}
    else:
        code = p["exitCode"]
        state = {"terminated": {"exitCode": code, "reason": "Error" if code else "Completed",
                                "startedAt": rfc3339(started), "finishedAt": rfc3339(p["finished"] or started),
                                "containerID": "containerd://" + uid(d.sid, "c", name).replace("-", "")}}
    t = p["started"]
    cs = {"name": d.name, "state": state, "lastState": last, "ready": p["ready"], "restartCount": p["restarts"],
          "image": image, "imageID": "" if p["waiting"] else "docker.io/" + image.split(":")[0] + "@sha256:"
          + uid(image).replace("-", "") * 2, "started": p["running"]}
    if not p["waiting"]:
        cs["containerID"] = "containerd://" + uid(d.sid, "c", name).replace("-", "")
    extra = {"deletionTimestamp": rfc3339(time.time() + 30), "deletionGracePeriodSeconds": 30} \
        if p.get("terminating") else {}
    return {
        "kind": "Pod", "apiVersion": "v1",
        "metadata": _meta(d, name, d.created, "Pod", {**extra,
            "generateName": d.replica_set(image) + "-",
            "labels": {"app": d.name, "pod-template-hash": d.template_hash(image)},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": d.replica_set(image),
                                 "uid": uid(d.sid, "ReplicaSet", d.replica_set(image)), "controller": True,
                                 "blockOwnerDeletion": True}]}),
        "spec": {"containers": [container_spec(d, image)], "restartPolicy": "Always", "nodeName": p["name"],
                 "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
                 "schedulerName": "default-scheduler"},
        "status": {"phase": "Pending" if p["waiting"] else "Running",
                   "conditions": [_condition("Initialized", True, d.created),
                                  _condition("Ready", p["ready"], t, None if p["ready"] else "ContainersNotReady",
                                             None if p["ready"] else "containers with unready status: [%s]" % d.name),
                                  _condition("ContainersReady", p["ready"], t,
                                             None if p["ready"] else "ContainersNotReady"),
                                  _condition("PodScheduled", True, d.created)],
                   "hostIP": p["address"], "podIP": p["address"], "podIPs": [{"ip": p["address"]}],
                   "startTime": rfc3339(d.created), "containerStatuses": [cs], "qosClass": "BestEffort"}}


CPU_80 = {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                    "averageUtilization": 80}}}


def hpa_spec(d):
    """The spec of the HPA `up` creates: the Deployment, 1 to node count replicas, CPU."""
    return {"scaleTargetRef": {"kind": "Deployment", "name": d.name, "apiVersion": "apps/v1"},
            "minReplicas": 1, "maxReplicas": len(d.nodes.nodes), "metrics": [dict(CPU_80)]}


def hpa_defaults(spec):
    """The API server's defaulting of an autoscaling/v2 HPA spec."""
    out = dict(spec)
    out.setdefault("minReplicas", 1)
    if not out.get("metrics"):
        out["metrics"] = [dict(CPU_80)]
    return out


def hpa(d, pods, name=None):
    """The HPA `name` (default: the one named after the Deployment) of d.hpas."""
    name = name or d.name
    h = d.hpas[name]
    mine = h["spec"].get("scaleTargetRef", {}).get("name") == d.name
    return {
        "kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v2",
        "metadata": _meta(d, name, h["created"], "HorizontalPodAutoscaler",
                          dict({"uid": h["uid"], "resourceVersion": str(h["rv"])},
                               **({"labels": h["labels"]} if h.get("labels") else {}))),
        "spec": h["spec"],
        "status": {"currentReplicas": len(pods) if mine else 0, "desiredReplicas": d.replicas if mine else 0,
                   "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {
                       "averageValue": "12m", "averageUtilization": 6}}}],
                   "conditions": [_condition("AbleToScale", True, d.created, "ReadyForNewScale",
                                             "recommended size matches current size"),
                                  _condition("ScalingActive", True, d.created, "ValidMetricFound",
                                             "the HPA was able to successfully calculate a replica count "
                                             "from cpu resource utilization (percentage of request)")]}}


def event(d, n, t, reason, message, kind="Deployment", name=None):
    name = name or d.name
    component = "kubelet" if kind == "Pod" else "deployment-controller"
    return {"kind": "Event", "apiVersion": "v1",
            "metadata": {"name": "%s.%x" % (name, int(t * 1e9)), "namespace": d.namespace,
                         "uid": uid(d.sid, "Event", n), "resourceVersion": str(n), "creationTimestamp": rfc3339(t)},
            "involvedObject": {"kind": kind, "namespace": d.namespace, "name": name,
                               "uid": uid(d.sid, kind, name),
                               "apiVersion": "apps/v1" if kind == "Deployment" else "v1"},
            "reason": reason, "message": message,
            "source": {"component": component}, "firstTimestamp": rfc3339(t),
            "lastTimestamp": rfc3339(t), "count": 1, "type": "Warning" if reason == "Failed" else "Normal",
            "eventTime": None, "reportingComponent": component, "reportingInstance": ""}


# --- meta.k8s.io/v1 Table: what `kubectl get` without -o asks for -----------------------

def _age(ts):
    import calendar
    import time
    s = max(0, int(time.time() - calendar.timegm(time.strptime(ts, "%Y-%m-%dT%H:%M:%SZ"))))
    return "%ds" % s if s < 120 else "%dm" % (s // 60) if s < 7200 else "%dh" % (s // 3600)


def _cells(item):
    kind, st, spec = item["kind"], item.get("status", {}), item.get("spec", {})
    if kind == "Deployment":
        return [("Ready", "%d/%d" % (st.get("readyReplicas", 0), spec["replicas"])),
                ("Up-to-date", st.get("updatedReplicas", 0)), ("Available", st.get("availableReplicas", 0))]
    if kind == "Pod":
        cs = st["containerStatuses"][0]
        term = cs["state"].get("terminated") or cs["state"].get("waiting")
        return [("Ready", "%d/1" % cs["ready"]), ("Status", term["reason"] if term else st["phase"]),
                ("Restarts", cs["restartCount"]), ("IP", st["podIP"]), ("Node", spec["nodeName"])]
    if kind == "HorizontalPodAutoscaler":
        return [("Reference", "%s/%s" % (spec["scaleTargetRef"].get("kind", "Deployment"),
                                         spec["scaleTargetRef"]["name"])),
                ("Targets", "cpu: 6%/80%"), ("MinPods", spec["minReplicas"]), ("MaxPods", spec["maxReplicas"]),
                ("Replicas", st["currentReplicas"])]
    if kind == "Secret":
        return [("Type", item["type"]), ("Data", len(item.get("data") or {}))]
    if kind == "ConfigMap":
        return [("Data", len(item.get("data") or {}))]
    if kind == "Event":
        return [("Type", item["type"]), ("Reason", item["reason"]),
                ("Object", "%s/%s" % (item["involvedObject"]["kind"].lower(), item["involvedObject"]["name"])),
                ("Message", item["message"])]
    return []


def table(items, rv):
    """A Table of objects of one kind (as the API server answers Accept: ...;as=Table)."""
    sample = _cells(items[0]) if items else []
    columns = [{"name": "Name", "type": "string", "format": "name", "description": "", "priority": 0}]
    columns += [{"name": name, "type": "integer" if isinstance(v, int) else "string", "format": "",
                 "description": "", "priority": 1 if name in ("IP", "Node") else 0} for name, v in sample]
    columns.append({"name": "Age", "type": "string", "format": "", "description": "", "priority": 0})
    rows = [{"cells": [i["metadata"]["name"]] + [v for _, v in _cells(i)]
             + [_age(i["metadata"]["creationTimestamp"])],
             "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": i["metadata"]}}
            for i in items]
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": str(rv)},
            "columnDefinitions": columns, "rows": rows}
