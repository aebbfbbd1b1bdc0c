// Conformance of the karpenter.version switch (reference karpenter.md 5.16 and 10.6): the same
// scenario run as Karpenter v0.29 (v1alpha5 Provisioner) and v1.14 (v1 NodePool) reproduces each
// version's behaviour - ttlSecondsAfterEmpty vs Emptiness with consolidateAfter, the v0.29
// deprovisioner order (Expiration first, one node per pass), the consolidation candidate order
// (disruption cost vs savings ratio), MaxInstanceTypes (100 vs 600) and the v1alpha5 webhook
// requirement defaults (on-demand only) vs none in v1 (spot allowed).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "capsim/io/scenario_loader.hpp"
#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::test::fake_scenario_doc;
using capsim::test::node_pool_v1;
using capsim::test::run_text;
using capsim::test::scenario_doc;

namespace {

sim::AutoscalerResult run_file(const std::string& path) {
  auto cat = catalog::Catalog::embedded();
  spec::Scenario s = io::load_scenario(path, *cat);
  sim::SimOptions opts;
  opts.catalog = cat;
  return sim::run_autoscaler(s, "karpenter", opts);
}

std::vector<const sim::Decision*> decisions(const sim::AutoscalerResult& r, const std::string& kind) {
  std::vector<const sim::Decision*> out;
  for (const auto& d : r.decisions)
    if (d.kind == kind) out.push_back(&d);
  return out;
}

// A v1alpha5 Provisioner (+ AWSNodeTemplate); `spec_extra` is appended under spec (indent 2).
std::string provisioner(const std::string& requirements, const std::string& spec_extra) {
  return "apiVersion: karpenter.sh/v1alpha5\nkind: Provisioner\nmetadata: {name: default}\nspec:\n  requirements: " +
         requirements + "\n  providerRef: {name: default}\n" + spec_extra +
         "---\napiVersion: karpenter.k8s.aws/v1alpha1\nkind: AWSNodeTemplate\nmetadata: {name: default}\nspec:\n"
         "  subnetSelector: {karpenter.sh/discovery: t}\n  securityGroupSelector: {karpenter.sh/discovery: t}\n---\n";
}

std::string deploy(const std::string& name, int replicas, const std::string& cpu, const std::string& memory) {
  return capsim::test::deployment(name, replicas, cpu, memory);
}

std::string timeline(const std::vector<std::string>& events) {
  std::string s = "  timeline:\n";
  for (const auto& e : events) s += "    - {" + e + "}\n";
  return s;
}

}  // namespace

// The walkthrough (scenarios/seed-nginx-scaleout*.yaml): the nginx Deployment is deleted at 10m;
// its pods terminate until 630 s (the default 30 s grace period), but terminating pods do not
// keep a node from being empty (v0.29 utils/node GetNodePods and v1 IsReschedulable skip them,
// and the deletion is the last pod event). v0.29: the Machine is Empty from 600 s, ttlSecondsAfterEmpty (30 s) has passed at 630 s, which
// is a 10 s deprovisioning poll: deleted then, with no validation wait
// (core v0.29 pkg/controllers/deprovisioning/emptiness.go). v1.14: Consolidatable 30 s after the
// last pod event (consolidateAfter), picked up by the 630 s poll and deleted after the 15 s
// validation at 645 s (disruption/emptiness.go, validation.go).
TEST_CASE("versions: the walkthrough removes the empty node at 10m30s (v0.29) and 10m45s (v1.14)",
          "[conformance][karpenter]") {
  SECTION("v0.29, Provisioner ttlSecondsAfterEmpty: 30") {
    auto r = run_file(CAPSIM_SOURCE_DIR "/scenarios/seed-nginx-scaleout.yaml");
    auto d = decisions(r, "disrupt");
    REQUIRE(d.size() == 1);
    CHECK(d[0]->at.ms == 630'000);
    CHECK(d[0]->reason == "ttlSecondsAfterEmpty");
    CHECK_THAT(d[0]->message, Catch::StartsWith("deprovisioning via emptiness delete, terminating 1 machines"));
    REQUIRE(r.terminations.size() == 1);
    CHECK(r.terminations[0].at.ms == 630'000);
  }
  SECTION("v1.14, NodePool WhenEmpty consolidateAfter: 30s") {
    auto r = run_file(CAPSIM_SOURCE_DIR "/scenarios/seed-nginx-scaleout-v1.yaml");
    auto d = decisions(r, "disrupt");
    REQUIRE(d.size() == 1);
    CHECK(d[0]->at.ms == 645'000);
    CHECK(d[0]->reason == "empty");
    CHECK_THAT(d[0]->message, Catch::StartsWith("disrupting nodeclaim(s) via delete, terminating 1 nodes (0 pods)"));
    REQUIRE(r.terminations.size() == 1);
    CHECK(r.terminations[0].at.ms == 645'000);
  }
}

// v0.29 deprovisioner order (v0.29 pkg/controllers/deprovisioning/controller.go: Expiration,
// Drift, Emptiness, EmptyMachineConsolidation, MultiMachine, SingleMachine), one command per pass
// (expiration.go ComputeCommand): two Machines created at 1 s with ttlSecondsUntilExpired 300
// expire at 301 s; their pods are deleted at 280 s, so at the 310 s poll they are both expired and
// empty for 30 s. Expiration runs before Emptiness and deletes all empty expired Machines in one
// command. v1.14: the expiration controller is not a disruption method; it deletes each NodeClaim
// at exactly creation + expireAfter (301 s), before Emptiness could (reference 6.2).
TEST_CASE("versions: v0.29 runs Expiration first; v1 expires at the exact instant", "[conformance][karpenter]") {
  const std::string tl = timeline({"at: 280s, delete: {kind: Deployment, name: web}"});
  SECTION("v0.29") {
    auto r = run_text(scenario_doc("v0.29", "10m", tl) +
                      provisioner("[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}]",
                                  "  ttlSecondsAfterEmpty: 30\n  ttlSecondsUntilExpired: 300\n") +
                      deploy("web", 2, "1500m", "256Mi"));
    REQUIRE(r.launches.size() == 2);
    auto d = decisions(r, "disrupt");
    REQUIRE(d.size() == 1);
    CHECK(d[0]->at.ms == 310'000);
    CHECK(d[0]->reason == "expired");
    CHECK(d[0]->nodes.size() == 2);
    CHECK_THAT(d[0]->message, Catch::StartsWith("deprovisioning via expiration delete, terminating 2 machines"));
    CHECK(r.terminations.size() == 2);
  }
  SECTION("v1.14") {
    const std::string pool =
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: default}\nspec:\n  template:\n    spec:\n"
        "      requirements: [{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}, "
        "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]\n"
        "      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n      expireAfter: 5m\n"
        "  disruption: {consolidationPolicy: WhenEmpty, consolidateAfter: 30s}\n---\n"
        "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: default}\nspec:\n"
        "  amiSelectorTerms: [{alias: al2023@latest}]\n"
        "  role: KarpenterNodeRole\n  subnetSelectorTerms: [{tags: {a: b}}]\n  securityGroupSelectorTerms: [{tags: {a: b}}]\n---\n";
    auto r = run_text(scenario_doc("v1.14", "10m", tl) + pool + deploy("web", 2, "1500m", "256Mi"));
    REQUIRE(r.launches.size() == 2);
    auto d = decisions(r, "disrupt");
    REQUIRE(d.size() == 2);
    for (const auto* x : d) {
      CHECK(x->at.ms == 301'000);
      CHECK(x->reason == "expired");
    }
  }
}

// v0.29 expiration of Machines that still run pods (expiration.go ComputeCommand, controller.go
// executeCommand): one Machine per pass, sorted by expiration time (ties by name); its replacement
// is launched and must be initialized before it is deleted, and the loop waits until the deleted
// Machine is gone before the next pass. A (created 1 s) and B expire at 301 s. 310 s poll:
// replace A (replacement launched 312, initialized 352: A deleted, gone at 357). The poll right
// after the command waits for cluster sync while the replacement launches (controller.go Synced,
// 1 s retries: 311, 312), so the polls fall at 322 ... 362 s: replace B (initialized 404: B
// deleted).
TEST_CASE("versions: v0.29 expires one non-empty node per pass, replacement first", "[conformance][karpenter]") {
  auto r = run_text(scenario_doc("v0.29", "9m") +
                    provisioner("[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}]",
                                "  ttlSecondsUntilExpired: 300\n") +
                    deploy("web", 2, "1500m", "256Mi"));
  REQUIRE(r.launches.size() == 4);
  auto d = decisions(r, "disrupt");
  REQUIRE(d.size() == 2);
  CHECK(d[0]->at.ms == 310'000);
  CHECK(d[0]->nodes == std::vector<std::string>{r.launches[0].node});
  CHECK_THAT(d[0]->message, Catch::StartsWith("deprovisioning via expiration replace, terminating 1 machines (1 pods)"));
  CHECK(d[1]->at.ms == 362'000);
  CHECK(d[1]->nodes == std::vector<std::string>{r.launches[1].node});
  CHECK(r.launches[2].at.ms == 310'000);
  CHECK(r.launches[2].reason == "replacement for expired command");
  CHECK(r.launches[3].at.ms == 362'000);
  REQUIRE(r.terminations.size() == 2);
  CHECK(r.terminations[0].node == r.launches[0].node);
  CHECK(r.terminations[0].at.ms == 352'000);
  CHECK(r.terminations[0].reason == "expired");
  CHECK(r.terminations[1].node == r.launches[1].node);
  CHECK(r.terminations[1].at.ms == 404'000);
  CHECK(r.summary.pods_pending_at_end == 0);
}

// Candidate order of consolidation. Node X (2 CPU / 2 GiB, $0.4147) keeps two 200m pods after
// its big pod goes at 5m; node Y (1 CPU / 1 GiB, $0.2074) has one 200m pod; either node's pods fit
// on the other. v1.14 (disruption/types.go, singlenodeconsolidation.go) sorts by savings ratio
// price / (1 + pods): X 0.138 before Y 0.104, so X is deleted. v0.29 (and v1.0-v1.13) sorts by
// ascending disruption cost (eviction cost x lifetime remaining): Y (1 pod) before X (2 pods), so
// Y is deleted. Multi-node consolidation finds nothing (filterOutSameInstanceType) in both.
TEST_CASE("versions: consolidation candidates by savings ratio (v1.14) vs disruption cost (v0.29)",
          "[conformance][karpenter]") {
  const std::string tl = timeline({"at: 2m, apply: {kind: Deployment, name: y}",
                                   "at: 5m, delete: {kind: Deployment, name: xbig}"});
  const std::string workloads =
      deploy("xbig", 1, "1500m", "1500Mi") + deploy("xsmall", 2, "200m", "200Mi") + deploy("y", 1, "200m", "200Mi");
  // (v0.29 goes on to replace X, which now holds three pods, by a 1 CPU node.)
  auto check = [](const sim::AutoscalerResult& r, std::size_t deleted_launch) {
    REQUIRE(r.launches.size() >= 2);
    CHECK(r.launches[0].instance_type.rfind("2-cpu-2-mem-", 0) == 0);
    CHECK(r.launches[1].instance_type.rfind("1-cpu-1-mem-", 0) == 0);
    REQUIRE(!r.terminations.empty());
    CHECK(r.terminations[0].node == r.launches[deleted_launch].node);
    CHECK(r.terminations[0].at.ms == 315'000);
    CHECK(r.terminations[0].reason == "underutilized");
    CHECK(r.summary.pods_pending_at_end == 0);
  };
  SECTION("v1.14: savings ratio, the 2 CPU node goes") {
    auto r = run_text(fake_scenario_doc("karpenter-fake-assorted", "{version: v1.14}", "10m", tl) +
                      node_pool_v1("default", "[{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
                                   "{consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 0s, budgets: [{nodes: \"100%\"}]}") +
                      workloads);
    check(r, 0);
  }
  SECTION("v0.29: disruption cost, the 1 CPU node goes") {
    auto r = run_text(fake_scenario_doc("karpenter-fake-assorted", "{version: v0.29}", "10m", tl) +
                      provisioner("[]", "  consolidation: {enabled: true}\n") + workloads);
    check(r, 1);
  }
}

// scheduling/nodeclaimtemplate.go MaxInstanceTypes: a NodeClaim lists at most 600 instance types
// in v1.14 (since v1.7) and 100 in v0.29 (before v0.36). On karpenter-fake-800 every type fits the
// pod, so the NodeClaim's instance-type requirement holds exactly that many (the cheapest).
TEST_CASE("versions: MaxInstanceTypes is 600 (v1.14) and 100 (v0.29)", "[conformance][karpenter]") {
  auto claim_types = [](const sim::AutoscalerResult& r) {
    for (const auto& d : r.decisions)
      if (d.kind == "provision" && !d.node_pool.empty()) return d.instance_types;
    return std::vector<std::string>{};
  };
  SECTION("v1.14") {
    auto r = run_text(fake_scenario_doc("karpenter-fake-800", "{version: v1.14}", "2m") +
                      node_pool_v1("default", "[]", "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}") +
                      deploy("web", 1, "100m", "100Mi"));
    auto types = claim_types(r);
    REQUIRE(types.size() == 600);
    CHECK(types.front() == "fake-it-0");
    REQUIRE(r.launches.size() == 1);
    CHECK(r.launches[0].instance_type == "fake-it-0");
  }
  SECTION("v0.29") {
    auto r = run_text(fake_scenario_doc("karpenter-fake-800", "{version: v0.29}", "2m") +
                      provisioner("[]", "  ttlSecondsAfterEmpty: 30\n") + deploy("web", 1, "100m", "100Mi"));
    auto types = claim_types(r);
    REQUIRE(types.size() == 100);
    CHECK(types.front() == "fake-it-0");
    CHECK(types.back() == "fake-it-99");
  }
}

// Requirement defaults (reference 5.16): the v1alpha5 webhook (aws v0.29 Provisioner SetDefaults)
// adds capacity-type In [on-demand] (and os linux, arch amd64, instance-category c/m/r,
// instance-generation > 2) when absent; v1 adds none, so a NodePool without a capacity-type
// requirement launches spot (aws instance.go getCapacityType prefers spot).
TEST_CASE("versions: v1alpha5 defaults to on-demand, v1 allows spot", "[conformance][karpenter]") {
  SECTION("v0.29 Provisioner without requirements") {
    auto r = run_text(scenario_doc("v0.29", "2m") + provisioner("[]", "  ttlSecondsAfterEmpty: 30\n") +
                      deploy("web", 1, "500m", "512Mi"));
    REQUIRE(r.launches.size() == 1);
    CHECK(r.launches[0].capacity_type == "on-demand");
    const char family = r.launches[0].instance_type.front();
    CHECK((family == 'c' || family == 'm' || family == 'r'));
  }
  SECTION("v1.14 NodePool without requirements") {
    auto r = run_text(scenario_doc("v1.14", "2m") +
                      node_pool_v1("default", "[]", "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}") +
                      deploy("web", 1, "500m", "512Mi"));
    REQUIRE(r.launches.size() == 1);
    CHECK(r.launches[0].capacity_type == "spot");
  }
}
