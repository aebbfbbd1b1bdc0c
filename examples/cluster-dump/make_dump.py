#!/usr/bin/env python3
"""Writes cluster.json: what `kubectl get nodes,pods,nodepools,nodeclaims,ec2nodeclasses,pdb,
priorityclasses,deployments,statefulsets,daemonsets,jobs -A -o json` prints for a small EKS
cluster in us-east-1 that mixes managed node groups and Karpenter:

- managed node group ng-system: 3 x m5.large (AL2023, tainted CriticalAddonsOnly) running CoreDNS,
  Karpenter and metrics-server;
- managed node group ng-apps: 10 x m5.xlarge / m5a.xlarge (the Cluster Autoscaler's, 2..20);
- Karpenter NodePool general (m5/c5/r5, spot and on-demand, consolidates) with 24 nodes left
  half-empty after a scale-down of the web tier, and NodePool batch (tainted) for a Job;
- DaemonSets aws-node, kube-proxy, ebs-csi-node, fluent-bit; Deployments web, api, worker; a
  StatefulSet redis; a running Job, a finished one, a debug Pod; PDBs and a PriorityClass.

The objects carry the fields a real dump has (images, env, probes, volume mounts, status...), so
the import's dropping and warnings are exercised. Deterministic: no randomness, fixed times.

    python3 examples/cluster-dump/make_dump.py > examples/cluster-dump/cluster.json
"""
import json
import zlib

REGION = "us-east-1"
NOW = "2026-11-30T12:00:00Z"
GI = 1024 ** 3

# instance type -> (vCPU, memory GiB, max pods, allocatable cpu m, allocatable memory Ki), as EKS
# AL2023 nodes report them.
TYPES = {
    "m5.large": (2, 8, 29, 1930, 7291000),
    "m5.xlarge": (4, 16, 58, 3920, 15107000),
    "m5a.xlarge": (4, 16, 58, 3920, 15107000),
    "m5.2xlarge": (8, 32, 58, 7910, 31245000),
    "c5.xlarge": (4, 8, 58, 3920, 6944000),
    "c5.2xlarge": (8, 16, 58, 7910, 14877000),
    "r5.large": (2, 16, 29, 1930, 15475000),
    "r5.xlarge": (4, 32, 58, 3920, 31245000),
}
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]


def ts(hours_ago):
    # Whole hours before NOW (2026-11-30T12:00:00Z); days roll back simply.
    day, hour = 30, 12 - hours_ago
    while hour < 0:
        hour += 24
        day -= 1
    return f"2026-11-{day:02d}T{hour:02d}:00:00Z"


def node(name, itype, zone, hours_ago, labels, taints=()):
    cpu, mem, pods, acpu, amem = TYPES[itype]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "uid": "node-" + name,
            "resourceVersion": "123456",
            "creationTimestamp": ts(hours_ago),
            "labels": {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/instance-type": itype,
                "beta.kubernetes.io/os": "linux",
                "failure-domain.beta.kubernetes.io/region": REGION,
                "failure-domain.beta.kubernetes.io/zone": zone,
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": itype,
                "topology.ebs.csi.aws.com/zone": zone,
                "topology.kubernetes.io/region": REGION,
                "topology.kubernetes.io/zone": zone,
                **labels,
            },
            "annotations": {"alpha.kubernetes.io/provided-node-ip": "10.0.0.1",
                            "node.alpha.kubernetes.io/ttl": "0",
                            "volumes.kubernetes.io/controller-managed-attach-detach": "true"},
        },
        "spec": {"providerID": f"aws:///{zone}/i-0{zlib.crc32(name.encode()):016d}",
                 **({"taints": list(taints)} if taints else {})},
        "status": {
            "capacity": {"cpu": str(cpu), "memory": f"{mem * 1024 * 1024}Ki", "pods": str(pods),
                         "ephemeral-storage": "20959212Ki"},
            "allocatable": {"cpu": f"{acpu}m", "memory": f"{amem}Ki", "pods": str(pods),
                            "ephemeral-storage": "18242267924"},
            "nodeInfo": {"osImage": "Amazon Linux 2023.6.20241121", "kubeletVersion": "v1.31.2-eks-7f9249a",
                         "containerRuntimeVersion": "containerd://1.7.23", "architecture": "amd64"},
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
        },
    }


def container(name, cpu, mem, image, port=None, host_port=None):
    c = {
        "name": name,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "env": [{"name": "LOG_LEVEL", "value": "info"},
                {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}],
        "resources": {"requests": {"cpu": cpu, "memory": mem}, "limits": {"memory": mem}},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10},
        "volumeMounts": [{"name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "securityContext": {"runAsNonRoot": True},
    }
    if port:
        c["ports"] = [{"containerPort": port, "protocol": "TCP", **({"hostPort": host_port} if host_port else {})}]
    return c


def pod_spec(containers, extra=None):
    s = {
        "containers": containers,
        "dnsPolicy": "ClusterFirst",
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "serviceAccountName": "default",
        "terminationGracePeriodSeconds": 30,
        "volumes": [{"name": "kube-api-access", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}],
    }
    s.update(extra or {})
    return s


SYSTEM = {"nodeSelector": {"role": "system"},
          "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}],
          "priorityClassName": "system-cluster-critical"}

# Workloads: (kind, namespace, name, replicas, pod spec extras, containers)
WORKLOADS = [
    ("Deployment", "kube-system", "coredns", 2, SYSTEM, [container("coredns", "100m", "70Mi", "coredns:1.11.3", 53)]),
    ("Deployment", "kube-system", "karpenter", 2, SYSTEM, [container("controller", "1", "1Gi", "karpenter/controller:1.1.0", 8080)]),
    ("Deployment", "kube-system", "metrics-server", 1, SYSTEM, [container("metrics-server", "100m", "200Mi", "metrics-server:v0.7.2", 10250)]),
    ("Deployment", "shop", "web", 30, {"priorityClassName": "high-priority",
                                       "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
                                                                      "whenUnsatisfiable": "ScheduleAnyway",
                                                                      "labelSelector": {"matchLabels": {"app": "web"}}}]},
     [container("web", "500m", "1Gi", "shop/web:4.2.0", 8080)]),
    ("Deployment", "shop", "api", 16, {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [{"key": "role", "operator": "In", "values": ["apps"]}]}]}}}},
     [container("api", "1", "2Gi", "shop/api:7.0.1", 9090)]),
    ("Deployment", "shop", "worker", 24, {}, [container("worker", "250m", "512Mi", "shop/worker:7.0.1")]),
    ("StatefulSet", "shop", "redis", 3, {}, [container("redis", "1", "4Gi", "redis:7.4", 6379)]),
    ("Job", "analytics", "nightly-report", 4, {"tolerations": [{"key": "workload", "value": "batch", "effect": "NoSchedule"}],
                                               "nodeSelector": {"karpenter.sh/nodepool": "batch"},
                                               "restartPolicy": "Never"},
     [container("report", "2", "4Gi", "analytics/report:2.3")]),
]
DAEMONSETS = [
    ("kube-system", "aws-node", [container("aws-node", "25m", "32Mi", "amazon-k8s-cni:v1.19.0", 61678, 61678)]),
    ("kube-system", "kube-proxy", [container("kube-proxy", "100m", "64Mi", "kube-proxy:v1.31.2")]),
    ("kube-system", "ebs-csi-node", [container("node", "10m", "40Mi", "aws-ebs-csi-driver:v1.37.0")]),
    ("logging", "fluent-bit", [container("fluent-bit", "100m", "200Mi", "fluent-bit:3.1.9", 2020)]),
]


def labels_of(kind, name):
    return {"app": name, "app.kubernetes.io/name": name}


def template(ns, name, extra, containers):
    spec = pod_spec(containers, {k: v for k, v in extra.items()})
    return {"metadata": {"labels": labels_of("", name), "annotations": {"kubectl.kubernetes.io/restartedAt": NOW}}, "spec": spec}


def controller(kind, ns, name, replicas, extra, containers):
    api = "batch/v1" if kind == "Job" else "apps/v1"
    spec = {"template": template(ns, name, extra, containers),
            "selector": {"matchLabels": {"app": name}}}
    if kind == "Job":
        spec.update({"parallelism": replicas, "completions": replicas, "backoffLimit": 3})
    elif kind != "DaemonSet":
        spec["replicas"] = replicas
    if kind == "Deployment":
        spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}
        spec["revisionHistoryLimit"] = 10
    if kind == "StatefulSet":
        spec["serviceName"] = name
    return {
        "apiVersion": api, "kind": kind,
        "metadata": {"name": name, "namespace": ns, "uid": f"{kind}-{name}", "generation": 3,
                     "creationTimestamp": ts(24 * 20), "labels": labels_of(kind, name),
                     "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}",
                                     "deployment.kubernetes.io/revision": "7"}},
        "spec": spec,
        "status": controller_status(kind, replicas),
    }


def controller_status(kind, replicas):
    # What each kind's controller reports (the fields differ: a Job has no replicas).
    if kind == "Job":
        return {"active": replicas, "ready": replicas, "startTime": NOW}
    if kind == "DaemonSet":
        return {"currentNumberScheduled": replicas, "desiredNumberScheduled": replicas, "numberReady": replicas}
    return {"replicas": replicas, "readyReplicas": replicas}


def pod(ns, name, owner_kind, owner_name, extra, containers, node_name, labels, phase="Running"):
    refs = [] if owner_kind is None else [{"apiVersion": "apps/v1", "kind": owner_kind, "name": owner_name,
                                           "uid": f"{owner_kind}-{owner_name}", "controller": True,
                                           "blockOwnerDeletion": True}]
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "uid": "pod-" + name, "creationTimestamp": ts(3),
                     "labels": labels, **({"ownerReferences": refs} if refs else {})},
        "spec": {**pod_spec(containers, extra), "nodeName": node_name,
                 "priority": 1000 if extra.get("priorityClassName") == "high-priority" else 0},
        "status": {"phase": phase, "podIP": "10.0.1.2", "qosClass": "Burstable",
                   "conditions": [{"type": "Ready", "status": "True"}]},
    }


def main():
    items = []
    nodes = []  # (name, type, labels, taints, pool-or-group)
    k = 0

    def name_of(zone_i):
        nonlocal k
        k += 1
        return f"ip-10-0-{32 * zone_i + k // 250}-{k % 250 + 1}.ec2.internal"

    for i in range(3):
        z = ZONES[i % 3]
        nodes.append((name_of(i % 3), "m5.large", z, 24 * 30,
                      {"eks.amazonaws.com/nodegroup": "ng-system", "eks.amazonaws.com/capacityType": "ON_DEMAND",
                       "eks.amazonaws.com/nodegroup-image": "ami-0a1b2c3d", "role": "system"},
                      [{"key": "CriticalAddonsOnly", "value": "true", "effect": "NoSchedule"}]))
    for i in range(10):
        z = ZONES[i % 3]
        nodes.append((name_of(i % 3), "m5a.xlarge" if i in (4, 9) else "m5.xlarge", z, 24 * 7,
                      {"eks.amazonaws.com/nodegroup": "ng-apps", "eks.amazonaws.com/capacityType": "ON_DEMAND",
                       "role": "apps"}, []))
    general = ["m5.2xlarge", "c5.2xlarge", "m5.xlarge", "r5.xlarge", "c5.xlarge", "m5.2xlarge", "r5.large", "m5.xlarge"]
    for i in range(24):
        z = ZONES[i % 3]
        it = general[i % len(general)]
        ct = "spot" if i % 4 == 3 else "on-demand"
        nodes.append((name_of(i % 3), it, z, 2 + i,
                      {"karpenter.sh/nodepool": "general", "karpenter.sh/capacity-type": ct,
                       "karpenter.sh/registered": "true", "karpenter.sh/initialized": "true",
                       "karpenter.k8s.aws/instance-family": it.split(".")[0],
                       "karpenter.k8s.aws/ec2nodeclass": "default"}, []))
    for i in range(2):
        nodes.append((name_of(i), "c5.2xlarge", ZONES[i], 1,
                      {"karpenter.sh/nodepool": "batch", "karpenter.sh/capacity-type": "on-demand",
                       "karpenter.sh/registered": "true", "karpenter.sh/initialized": "true",
                       "karpenter.k8s.aws/ec2nodeclass": "default", "workload": "batch"},
                      [{"key": "workload", "value": "batch", "effect": "NoSchedule"}]))
    for (name, it, z, age, labels, taints) in nodes:
        items.append(node(name, it, z, age, labels, taints))

    # Free capacity per node (cpu m, memory Mi, pods), after the DaemonSet pods; pods are placed
    # first-fit over eligible nodes, as a half-consolidated cluster would have them.
    free = {}
    for (name, it, z, age, labels, taints) in nodes:
        cpu, mem, pods, acpu, amem = TYPES[it]
        free[name] = [acpu - 235, amem // 1024 - 336 - 300, pods - 4]  # DaemonSets + headroom

    def eligible(wname, labels, taints):
        if wname in ("coredns", "karpenter", "metrics-server"):
            return labels.get("role") == "system"
        if wname == "nightly-report":
            return labels.get("karpenter.sh/nodepool") == "batch"
        if taints:
            return False
        if wname == "api":
            return labels.get("role") == "apps"
        return True

    def parse(q):
        return int(q[:-1]) if q.endswith("m") else int(float(q) * 1000)

    def mib(q):
        return int(q[:-2]) * (1024 if q.endswith("Gi") else 1)

    pod_no = 0
    for (kind, ns, wname, replicas, extra, containers) in WORKLOADS:
        items.append(controller(kind, ns, wname, replicas, extra, containers))
        c = containers[0]["resources"]["requests"]
        want = (parse(c["cpu"]), mib(c["memory"]))
        placed = 0
        # Spread: start each workload at a different node so they interleave.
        order = nodes[pod_no % len(nodes):] + nodes[:pod_no % len(nodes)]
        for r in range(replicas if wname != "web" else replicas - 2):  # two web pods are pending
            target = None
            for (name, it, z, age, labels, taints) in order:
                f = free[name]
                if eligible(wname, labels, taints) and f[0] >= want[0] and f[1] >= want[1] and f[2] >= 1:
                    target = name
                    break
            if target is None:
                break
            free[target][0] -= want[0]
            free[target][1] -= want[1]
            free[target][2] -= 1
            order = order[1:] + order[:1]
            pod_no += 1
            owner_kind, owner = kind, wname
            pname = f"{wname}-{r}"
            labels = {"app": wname, "app.kubernetes.io/name": wname}
            if kind == "Deployment":
                owner_kind, owner = "ReplicaSet", f"{wname}-6d8f9c7b5"
                labels["pod-template-hash"] = "6d8f9c7b5"
                pname = f"{wname}-6d8f9c7b5-{r:05x}"
            elif kind == "Job":
                labels["job-name"] = wname
                pname = f"{wname}-{r:05x}"
            items.append(pod(ns, pname, owner_kind, owner, extra, containers, target, labels))
            placed += 1
        if wname == "web":  # the two pending pods
            for r in range(replicas - 2, replicas):
                p = pod(ns, f"web-6d8f9c7b5-{r:05x}", "ReplicaSet", "web-6d8f9c7b5", extra, containers, None,
                        {"app": "web", "pod-template-hash": "6d8f9c7b5"}, phase="Pending")
                del p["spec"]["nodeName"]
                items.append(p)
    for (ns, dname, containers) in DAEMONSETS:
        items.append(controller("DaemonSet", ns, dname, 0, {"tolerations": [{"operator": "Exists"}]}, containers))
        for i, (name, it, z, age, labels, taints) in enumerate(nodes):
            items.append(pod(ns, f"{dname}-{i:05x}", "DaemonSet", dname, {"tolerations": [{"operator": "Exists"}]},
                             containers, name, {"app": dname}))
    # A finished Job with its finished pod, and a bare debug pod.
    done = controller("Job", "analytics", "backfill-2026-11-29", 1, {"restartPolicy": "Never"},
                      [container("backfill", "1", "1Gi", "analytics/backfill:2.3")])
    done["status"] = {"succeeded": 1, "completionTime": ts(20),
                      "conditions": [{"type": "Complete", "status": "True"}]}
    items.append(done)
    items.append(pod("analytics", "backfill-2026-11-29-x7k2p", "Job", "backfill-2026-11-29", {"restartPolicy": "Never"},
                     [container("backfill", "1", "1Gi", "analytics/backfill:2.3")], nodes[20][0],
                     {"job-name": "backfill-2026-11-29"}, phase="Succeeded"))
    items.append(pod("default", "debug-shell", None, None, {}, [container("shell", "100m", "128Mi", "busybox:1.36")],
                     nodes[5][0], {"run": "debug-shell"}))

    items.append({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                  "metadata": {"name": "high-priority", "uid": "pc-1", "creationTimestamp": ts(24 * 60)},
                  "value": 1000, "globalDefault": False, "preemptionPolicy": "PreemptLowerPriority",
                  "description": "customer-facing"})
    items.append({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                  "metadata": {"name": "system-cluster-critical"}, "value": 2000000000})
    for (name, spec) in [("web", {"minAvailable": "80%", "selector": {"matchLabels": {"app": "web"}}}),
                         ("api", {"maxUnavailable": 1, "selector": {"matchLabels": {"app": "api"}}}),
                         ("redis", {"maxUnavailable": 0, "selector": {"matchLabels": {"app": "redis"}}})]:
        items.append({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                      "metadata": {"name": name, "namespace": "shop", "uid": "pdb-" + name,
                                   "creationTimestamp": ts(24 * 20)},
                      "spec": spec, "status": {"currentHealthy": 10, "desiredHealthy": 8}})

    items.append({
        "apiVersion": "karpenter.sh/v1", "kind": "NodePool",
        "metadata": {"name": "general", "uid": "np-general", "generation": 4, "creationTimestamp": ts(24 * 60),
                     "annotations": {"karpenter.sh/nodepool-hash": "1234567890", "karpenter.sh/nodepool-hash-version": "v3"}},
        "spec": {
            "template": {"spec": {
                "requirements": [
                    {"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": ["m5", "c5", "r5"]},
                    {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot", "on-demand"]},
                    {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}],
                "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"},
                "expireAfter": "720h"}},
            "disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "1m",
                           "budgets": [{"nodes": "10%"}]},
            "limits": {"cpu": "1000"}},
        "status": {"resources": {"cpu": "120", "memory": "480Gi"},
                   "conditions": [{"type": "Ready", "status": "True"}]},
    })
    items.append({
        "apiVersion": "karpenter.sh/v1", "kind": "NodePool",
        "metadata": {"name": "batch", "uid": "np-batch", "creationTimestamp": ts(24 * 60)},
        "spec": {
            "template": {
                "metadata": {"labels": {"workload": "batch"}},
                "spec": {
                    "requirements": [
                        {"key": "karpenter.k8s.aws/instance-category", "operator": "In", "values": ["c"]},
                        {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]}],
                    "taints": [{"key": "workload", "value": "batch", "effect": "NoSchedule"}],
                    "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"}}},
            "disruption": {"consolidationPolicy": "WhenEmpty", "consolidateAfter": "5m"}},
    })
    items.append({
        "apiVersion": "karpenter.k8s.aws/v1", "kind": "EC2NodeClass",
        "metadata": {"name": "default", "uid": "nc-default", "creationTimestamp": ts(24 * 60),
                     "annotations": {"karpenter.k8s.aws/ec2nodeclass-hash": "987654321"}},
        "spec": {"amiSelectorTerms": [{"alias": "al2023@latest"}], "role": "KarpenterNodeRole-shop",
                 "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": "shop"}}],
                 "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": "shop"}}]},
        "status": {"amis": [{"id": "ami-0123", "name": "al2023"}]},
    })
    items.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop"},
                  "data": {"password": "c2VjcmV0"}})
    print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}, indent=2))


main()
