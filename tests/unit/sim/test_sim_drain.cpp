// Draining a node that is being deleted (Karpenter's termination controller through the eviction
// API): PDBs hold evictions back, retried every 5 s; terminationGracePeriod forces the rest.
#include <catch2/catch.hpp>

#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::test::deployment;
using capsim::test::node_pool_v1;
using capsim::test::run_text;
using capsim::test::scenario_doc;

namespace {
std::string expiring_pool(const std::string& extra_template = "") {
  std::string p = node_pool_v1("default",
                               "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}, "
                               "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
                               "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}");
  p.replace(p.find("      nodeClassRef"), 0, "      expireAfter: 10m\n" + extra_template);
  return p;
}
const std::string k_pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n"
                          "  maxUnavailable: 1\n  selector: {matchLabels: {app: web}}\n---\n";
}  // namespace

TEST_CASE("drain: a PDB lets one pod go at a time; the node waits for the replacement", "[sim][drain]") {
  auto r = run_text(scenario_doc("v1.14", "20m") + expiring_pool() + k_pdb + deployment("web", 2, "500m", "512Mi"));
  REQUIRE(r.terminations.size() >= 1);
  const auto& t = r.terminations[0];
  CHECK(t.at.ms == 601'000);  // expired: NodeClaim created at 1 s + 10m
  // The first pod is evicted at 601 s; its replacement runs on a new node (batch 602, CreateFleet
  // 604, registered 634, initialized 644). The second eviction is retried every 5 s from 601 s and
  // allowed at 646 s; the instance is terminated 5 s later.
  CHECK(t.terminated_at.ms == 651'000);
  CHECK(r.summary.pods_pending_at_end == 0);
}

TEST_CASE("drain: without a PDB every pod is evicted at once", "[sim][drain]") {
  auto r = run_text(scenario_doc("v1.14", "20m") + expiring_pool() + deployment("web", 2, "500m", "512Mi"));
  REQUIRE(r.terminations.size() >= 1);
  CHECK(r.terminations[0].terminated_at.ms == 606'000);
}

TEST_CASE("drain: terminationGracePeriod deletes pods a PDB still protects", "[sim][drain]") {
  const std::string pdb_all = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n"
                              "  minAvailable: 2\n  selector: {matchLabels: {app: web}}\n---\n";
  auto r = run_text(scenario_doc("v1.14", "20m") + expiring_pool("      terminationGracePeriod: 2m\n") + pdb_all +
                    deployment("web", 2, "500m", "512Mi"));
  REQUIRE(r.terminations.size() >= 1);
  // minAvailable 2 of 2 never allows an eviction; at 601 + 120 s the pods are deleted (the retry
  // at 721 s is the first at or after the deadline), then 5 s to terminate.
  CHECK(r.terminations[0].terminated_at.ms == 726'000);
}
