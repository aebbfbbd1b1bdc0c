// Invariant mode (SimOptions::check_invariants, --check-invariants; on in every scenario test):
// what it checks and that it catches a provisioner launching a node for a pod the binder refuses.
#include <catch2/catch.hpp>

#include "capsim/core/diagnostic.hpp"
#include "support/scenario_runner.hpp"

using namespace capsim;

namespace {

// Karpenter v0.29 (a v1alpha5 Provisioner) with a DaemonSet and a Deployment `web` whose
// containers both ask for hostPort 8080. v0.29 does not count DaemonSet host ports on a new
// Machine (scheduler.go getDaemonHostPortUsage arrived with #2102 in v1.4), so it launches a node
// for `web` that the DaemonSet's pod then blocks - upstream's repeated-launch bug.
std::string v029_host_port_clash() {
  return "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  region: us-east-1\n"
         "  zones: [us-east-1a]\n  duration: 3m\n  karpenter: {version: v0.29}\n---\n"
         "apiVersion: karpenter.sh/v1alpha5\nkind: Provisioner\nmetadata: {name: default}\nspec:\n"
         "  requirements: [{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}]\n"
         "  providerRef: {name: default}\n---\n"
         "apiVersion: karpenter.k8s.aws/v1alpha1\nkind: AWSNodeTemplate\nmetadata: {name: default}\nspec:\n"
         "  subnetSelector: {karpenter.sh/discovery: t}\n  securityGroupSelector: {karpenter.sh/discovery: t}\n---\n"
         "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  template:\n    spec:\n"
         "      containers:\n        - name: a\n          ports: [{containerPort: 8080, hostPort: 8080}]\n"
         "          resources: {requests: {cpu: 100m, memory: 100Mi}}\n---\n"
         "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  template:\n"
         "    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: c\n"
         "          ports: [{containerPort: 8080, hostPort: 8080}]\n"
         "          resources: {requests: {cpu: 500m, memory: 512Mi}}\n";
}

sim::AutoscalerResult run(const std::string& yaml, bool check) {
  auto s = test::load_text(yaml);
  sim::SimOptions opts;
  opts.catalog = catalog::Catalog::embedded();
  opts.check_invariants = check;
  return sim::run_autoscaler(s, "karpenter", opts);
}

}  // namespace

TEST_CASE("invariants: a node launched for a pod the binder refuses is a violation", "[sim][invariants]") {
  // Without the check the run completes, with a launch every batch and `web` never running.
  auto r = run(v029_host_port_clash(), false);
  CHECK(r.launches.size() >= 2);
  CHECK(r.summary.pods_pending_at_end == 1);
  // With it, the first such node stops the run when it is initialized.
  try {
    run(v029_host_port_clash(), true);
    FAIL("no invariant violation");
  } catch (const InvariantError& e) {
    const std::string what = e.what();
    CHECK(what.rfind("invariant violated at t=", 0) == 0);
    CHECK(what.find("(karpenter): node ") != std::string::npos);
    CHECK(what.find("(m5.large, launched for 1 pod(s)) is initialized and none of its pending pods can bind to it "
                    "(default/web-") != std::string::npos);
    CHECK(what.find(": node(s) didn't have free ports for the requested pod ports)") != std::string::npos);
  }
}

TEST_CASE("invariants: hold on an ordinary run", "[sim][invariants]") {
  // The DaemonSet on another port: one node, `web` runs on it, nothing violated.
  std::string yaml = v029_host_port_clash();
  yaml.replace(yaml.find("hostPort: 8080"), 14, "hostPort: 9090");
  auto r = run(yaml, true);
  CHECK(r.launches.size() == 1);
  CHECK(r.summary.pods_pending_at_end == 0);
}
