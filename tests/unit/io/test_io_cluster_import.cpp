// `capsim import cluster`: a kubectl dump (nodes, pods, Karpenter objects, workloads) becomes a
// scenario that starts from the same nodes with the same pods bound, and loads and runs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "capsim/catalog/catalog.hpp"
#include "capsim/io/cluster_import.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"
#include "support/cli_runner.hpp"

using namespace capsim;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("capsim-import-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string write(const fs::path& dir, const std::string& file, const std::string& text) {
  std::ofstream(dir / file) << text;
  return (dir / file).string();
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// An apps managed node group node (m5.xlarge, us-east-1a) and a Karpenter spot m5.large
// (us-east-1b, 2 h old at 12:00); Deployment shop/web (3 replicas of 500m / 512Mi: one pod on
// each node, one pending), a bare Pod other/web, kube-proxy on both nodes, a terminating pod and
// a ConfigMap. `extra_pod` is appended to the items.
std::string dump(const std::string& extra_pod = "") {
  const std::string node_labels = R"("kubernetes.io/os": "linux", "topology.kubernetes.io/region": "us-east-1")";
  return R"({"apiVersion": "v1", "kind": "List", "items": [
 {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "mng-1", "creationTimestamp": "2026-11-01T00:00:00Z",
   "labels": {)" + node_labels + R"(, "node.kubernetes.io/instance-type": "m5.xlarge",
     "topology.kubernetes.io/zone": "us-east-1a", "eks.amazonaws.com/nodegroup": "apps",
     "eks.amazonaws.com/capacityType": "ON_DEMAND", "role": "apps"}},
   "status": {"capacity": {"pods": "58"}, "nodeInfo": {"osImage": "Amazon Linux 2023.6.20241121"}}},
 {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "k-1", "creationTimestamp": "2026-11-30T10:00:00Z",
   "labels": {)" + node_labels + R"(, "node.kubernetes.io/instance-type": "m5.large",
     "topology.kubernetes.io/zone": "us-east-1b", "karpenter.sh/nodepool": "default",
     "karpenter.sh/capacity-type": "spot"}}},
 {"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": {"name": "default", "uid": "u1",
   "annotations": {"karpenter.sh/nodepool-hash": "42"}},
  "spec": {"template": {"spec": {"requirements": [{"key": "karpenter.sh/capacity-type", "operator": "In",
     "values": ["spot", "on-demand"]}], "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass",
     "name": "default"}}}, "disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "30s"}},
  "status": {"resources": {"cpu": "2"}}},
 {"apiVersion": "karpenter.k8s.aws/v1", "kind": "EC2NodeClass", "metadata": {"name": "default"},
  "spec": {"amiSelectorTerms": [{"alias": "al2023@latest"}], "role": "KarpenterNodeRole-shop", "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": "shop"}}], "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": "shop"}}]}},
 {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop",
   "creationTimestamp": "2026-11-30T12:00:00Z"},
  "spec": {"replicas": 3, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
     {"name": "web", "image": "shop/web:1", "env": [{"name": "A", "value": "b"}],
      "livenessProbe": {"httpGet": {"port": 80}},
      "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}}}]}}}},
 {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "kube-proxy", "namespace": "kube-system"},
  "spec": {"template": {"spec": {"tolerations": [{"operator": "Exists"}],
     "containers": [{"name": "p", "resources": {"requests": {"cpu": "100m"}}}]}}}},
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-5f7d8-aaaaa", "namespace": "shop",
   "labels": {"app": "web", "pod-template-hash": "5f7d8"},
   "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5f7d8", "controller": true}]},
  "spec": {"nodeName": "mng-1", "containers": [{"name": "web"}]}, "status": {"phase": "Running"}},
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "other"},
  "spec": {"nodeName": "mng-1", "containers": [{"name": "c", "resources": {"requests": {"cpu": "100m"}}}]}},
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-5f7d8-bbbbb", "namespace": "shop",
   "labels": {"app": "web", "pod-template-hash": "5f7d8"},
   "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5f7d8", "controller": true}]},
  "spec": {"nodeName": "k-1", "containers": [{"name": "web"}]}},
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-5f7d8-ccccc", "namespace": "shop",
   "labels": {"app": "web", "pod-template-hash": "5f7d8"},
   "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5f7d8", "controller": true}]},
  "spec": {"containers": [{"name": "web"}]}, "status": {"phase": "Pending"}},
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "kube-proxy-1", "namespace": "kube-system",
   "ownerReferences": [{"kind": "DaemonSet", "name": "kube-proxy", "controller": true}]},
  "spec": {"nodeName": "mng-1", "containers": [{"name": "p"}]}},
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "kube-proxy-2", "namespace": "kube-system",
   "ownerReferences": [{"kind": "DaemonSet", "name": "kube-proxy", "controller": true}]},
  "spec": {"nodeName": "k-1", "containers": [{"name": "p"}]}},
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "old", "namespace": "shop",
   "deletionTimestamp": "2026-11-30T11:59:00Z"}, "spec": {"nodeName": "k-1", "containers": [{"name": "c"}]}},
 {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "shop"}})" +
         extra_pod + R"(
]}
)";
}

std::vector<std::string> rendered(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.render());
  return out;
}

}  // namespace

TEST_CASE("import cluster: nodes, bound pods, workloads and Karpenter objects", "[io][import-cluster]") {
  const auto dir = scratch("basic");
  io::ClusterImportOptions o;
  o.inputs = {write(dir, "cluster.json", dump())};
  o.node_group_sizes = {"1:5:apps"};
  o.duration = "10m";
  const auto cat = catalog::Catalog::embedded();
  const io::ClusterImport r = io::import_cluster(o, *cat);
  CHECK(r.nodes == 2);
  CHECK(r.karpenter_nodes == 1);
  CHECK(r.node_group_nodes == 1);
  CHECK(r.bound_pods == 3);  // two web pods and the bare pod; kube-proxy comes from its DaemonSet
  CHECK(r.workloads == 3);   // kube-proxy, shop/web, other/web

  // The Scenario document: both autoscalers (a NodePool, and --nodes for the apps group); the
  // managed node group node by node; the Karpenter node with its age at the newest object (12:00).
  // Deployment web and bare Pod web share a name, so both carry their namespace.
  const std::string& y = r.yaml;
  CHECK(y.find("  autoscalers: [karpenter, cluster-autoscaler]\n  karpenter: {version: v1.14}\n") != std::string::npos);
  CHECK(y.find(R"(    - name: apps
      instanceType: m5.xlarge
      capacityType: on-demand
      amiFamily: AL2023
      zones: [us-east-1a]
      labels: {role: apps}
      tags: {eks:nodegroup-name: apps}
      minSize: 1
      maxSize: 5
      autoscalers: [karpenter, cluster-autoscaler, static]
      nodes:
        - {zone: us-east-1a, pods: {shop-web: 1, other-web: 1}}  # mng-1
)") != std::string::npos);
  CHECK(y.find("    - {nodePool: default, instanceType: m5.large, zone: us-east-1b, capacityType: spot, age: 2h, pods: "
               "{shop-web: 1}}  # k-1\n") != std::string::npos);
  // Karpenter objects verbatim without status and server-set metadata; workloads cleaned.
  CHECK(y.find("status") == std::string::npos);
  CHECK(y.find("nodepool-hash") == std::string::npos);
  CHECK(y.find("image") == std::string::npos);
  CHECK(y.find("env") == std::string::npos);
  CHECK(y.find("kind: ConfigMap") == std::string::npos);
  CHECK(y.find("  name: shop-web\n  namespace: shop\nspec:\n  replicas: 3\n") != std::string::npos);

  CHECK(rendered(r.warnings) == std::vector<std::string>{
                                    "warning: pod spec field \"containers[].livenessProbe\" is not modelled and was dropped "
                                    "(in 1 pod template(s))",
                                    "warning: skipped 1 ConfigMap object(s) (not modelled)",
                                    "warning: skipped 1 terminating pod(s)"});

  // It runs: the pending web pod binds at once; Karpenter deletes the spot m5.large (its pod fits
  // on the m5.xlarge); the Cluster Autoscaler keeps both (the group is at its minimum of 1, and
  // the Karpenter node is nobody's).
  auto s = io::load_scenario_text(r.yaml, "scenario.yaml", *cat);
  sim::SimOptions opts;
  opts.catalog = cat;
  opts.check_invariants = true;
  const auto k = sim::run_autoscaler(s, "karpenter", opts);
  CHECK(k.launches.empty());
  REQUIRE(k.terminations.size() == 1);
  CHECK(k.terminations[0].instance_type == "m5.large");
  CHECK(k.terminations[0].reason == "underutilized");
  CHECK(k.summary.final_nodes == 1);
  CHECK(k.summary.pods_pending_at_end == 0);
  const auto ca = sim::run_autoscaler(s, "cluster-autoscaler", opts);
  CHECK(ca.terminations.empty());
  CHECK(ca.summary.final_nodes == 2);
}

TEST_CASE("import cluster: a bound pod that does not fit capsim's allocatable stays pending", "[io][import-cluster]") {
  const auto dir = scratch("fit");
  // 3 CPU on the m5.large (1930m allocatable).
  const std::string big = R"(,
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "big", "namespace": "shop"},
  "spec": {"nodeName": "k-1", "containers": [{"name": "c", "resources": {"requests": {"cpu": "3"}}}]}})";
  io::ClusterImportOptions o;
  o.inputs = {write(dir, "cluster.json", dump(big))};
  const io::ClusterImport r = io::import_cluster(o, *catalog::Catalog::embedded());
  CHECK(r.bound_pods == 3);
  CHECK(rendered(r.warnings).front() ==
        "warning: 1 pod(s) bound to node k-1 do not fit capsim's allocatable for it: left pending at t = 0");
  CHECK(r.yaml.find("pods: {shop-web: 1}}  # k-1") != std::string::npos);
  CHECK(r.yaml.find("autoscalers: [karpenter]") != std::string::npos);  // no --nodes: the group is static
}

// A managed node group of Windows Server 2025 nodes (EKS reports the osImage "Windows Server 2025
// Datacenter") becomes a group with amiFamily Windows2025.
TEST_CASE("import cluster: Windows Server 2025 nodes make a Windows2025 node group", "[io][import-cluster][windows]") {
  const auto dir = scratch("windows");
  const std::string win = R"(,
 {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "win-1", "creationTimestamp": "2026-11-01T00:00:00Z",
   "labels": {"kubernetes.io/os": "windows", "topology.kubernetes.io/region": "us-east-1",
     "node.kubernetes.io/instance-type": "m5.xlarge", "topology.kubernetes.io/zone": "us-east-1a",
     "eks.amazonaws.com/nodegroup": "win", "eks.amazonaws.com/capacityType": "ON_DEMAND"}},
   "status": {"capacity": {"pods": "110"}, "nodeInfo": {"osImage": "Windows Server 2025 Datacenter"}}})";
  io::ClusterImportOptions o;
  o.inputs = {write(dir, "cluster.json", dump(win))};
  const io::ClusterImport r = io::import_cluster(o, *catalog::Catalog::embedded());
  CHECK(r.yaml.find("    - name: win\n      instanceType: m5.xlarge\n      capacityType: on-demand\n"
                    "      amiFamily: Windows2025\n") != std::string::npos);
  CHECK(r.yaml.find("maxPods") == std::string::npos);  // 110 is capsim's pod count for Windows
}

TEST_CASE("import cluster: errors name the file, line, column and object path", "[io][import-cluster][errors]") {
  const auto dir = scratch("errors");
  const auto error = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"import", "cluster"});
    const auto out = test::run_cli(args);
    CHECK(out.rc == 2);
    return out.err;
  };
  // A missing comma.
  const std::string bad_json = write(dir, "bad.json", "{\"kind\": \"List\", \"items\": [\n  {\"kind\": \"Node\" \"metadata\": {}}\n]}\n");
  CHECK(error({bad_json}) == bad_json + ":2:19: error: malformed JSON/YAML: end of map flow not found\n");
  // A stray "," where a node must start: an error, not yaml-cpp 0.7's endless LoadAll (found by
  // fuzz_cluster_import).
  const std::string stray = write(dir, "stray.json", "{\"kind\": \"List\", \"items\": []}\n---\n,\n");
  CHECK(error({stray}) == stray + ":3:1: error: malformed JSON/YAML: expected a YAML node, got \",\"\n");
  const std::string no_type = write(dir, "no-type.json", R"({"kind": "List", "items": [
  {"kind": "Node", "metadata": {"name": "n1",
     "labels": {"topology.kubernetes.io/zone": "us-east-1a", "topology.kubernetes.io/region": "us-east-1"}}}]}
)");
  CHECK(error({no_type}) == no_type + ":3:16: error: items[0].metadata.labels: node \"n1\" has no "
                                      "node.kubernetes.io/instance-type label\n");
  const std::string ok = write(dir, "cluster.json", dump());
  CHECK(error({ok, "--nodes", "1:5:nope"}) == "error: --nodes: no managed node group named \"nope\" in the dump\n");
  CHECK(error({ok, "--nodes", "5:1:apps"}) == "error: --nodes: expected MIN:MAX:NAME with 0 <= MIN <= MAX, got \"5:1:apps\"\n");
  CHECK(error({(dir / "missing.json").string()}) == (dir / "missing.json").string() + ": error: no such file or directory\n");
  // A Karpenter object capsim cannot load as it is: reported at the object in the dump.
  std::string no_req = dump();
  const std::string req = R"("requirements": [{"key": "karpenter.sh/capacity-type", "operator": "In",
     "values": ["spot", "on-demand"]}], )";
  no_req.erase(no_req.find(req), req.size());
  const std::string bad_pool = write(dir, "bad-pool.json", no_req);
  CHECK(error({bad_pool}) == bad_pool + ":11:2: error: items[2]: NodePool \"default\" as imported: spec.template.spec: "
                                        "missing required key \"requirements\"\n");
  // --skip-bad leaves bad nodes out, up to the bound.
  const std::string with_bad = write(dir, "with-bad.json", dump(R"(,
 {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "bad-1", "labels": {"topology.kubernetes.io/zone": "us-east-1a"}}})"));
  CHECK(error({with_bad}) == with_bad + ":51:79: error: items[14].metadata.labels: node \"bad-1\" has no "
                                        "node.kubernetes.io/instance-type label\n");
  const auto skipped = test::run_cli({"import", "cluster", with_bad, "--skip-bad", "1"});
  CHECK(skipped.rc == 0);
  CHECK(skipped.err.find("warning: items[14].metadata.labels: node \"bad-1\" has no node.kubernetes.io/instance-type "
                         "label (node skipped)") != std::string::npos);
  CHECK(skipped.err.find("imported 2 node(s)") != std::string::npos);
  // Nothing is written on error.
  const std::string out = (dir / "out.yaml").string();
  error({no_type, "--out", out});
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("import cluster: the example dump imports to the committed scenario", "[io][import-cluster][example]") {
  const std::string dir = CAPSIM_SOURCE_DIR "/examples/cluster-dump";
  const auto out = test::run_cli({"import", "cluster", dir + "/cluster.json", "--nodes", "2:20:ng-apps", "--now",
                                  "2026-11-30T12:00:00Z"});
  REQUIRE(out.rc == 0);
  CHECK(out.out == read(dir + "/imported-cluster.yaml"));
  CHECK(out.err.find("imported 39 node(s) (26 Karpenter, 13 in node groups), 81 bound pod(s), 13 workload(s)") !=
        std::string::npos);
  // The cluster as it stands: Karpenter consolidates the half-empty general pool; the Cluster
  // Autoscaler, which only scales ng-apps, removes little.
  auto s = io::load_scenario(dir + "/imported-cluster.yaml", *catalog::Catalog::embedded());
  sim::SimOptions opts;
  opts.catalog = catalog::Catalog::embedded();
  const auto k = sim::run_autoscaler(s, "karpenter", opts);
  const auto st = sim::run_autoscaler(s, "static", opts);
  CHECK(k.summary.pods_pending_at_end == 0);
  CHECK(k.terminations.size() >= 15);
  CHECK(k.summary.cost.usd() < 0.6 * st.summary.cost.usd());
}
