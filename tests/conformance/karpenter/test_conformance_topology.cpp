// Conformance of capsim's topology spread and pod (anti-)affinity with Karpenter's topology suite
// (core pkg/controllers/provisioning/scheduling/topology_test.go at 2266468104f3, plus the
// in-flight case of suite_test.go; reference karpenter.md 2.8, 2.9, 8.2 S16-S24). Each TEST_CASE
// cites the upstream test and asserts its tie-insensitive outcome (multisets of pods per domain,
// node counts) as upstream does. The topology suite's NodePool requires only
// karpenter.sh/capacity-type Exists; the default fake catalogue offers spot in test-zone-1/2 and
// on-demand in test-zone-1/2/3. "ExpectProvisioned" = one Solver::solve, then the fake launch
// (cheapest type, first compatible offering) and binding, so later batches see bound pods on
// existing nodes (support/topology_harness.hpp).
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "capsim/catalog/fake_provider.hpp"
#include "capsim/scheduling/solver.hpp"
#include "support/pod_builder.hpp"
#include "support/topology_harness.hpp"

using namespace capsim;
using namespace capsim::test;
using capsim::scheduling::NodeClaimTemplate;
using capsim::scheduling::SolverOptions;
using PodIds = std::vector<cluster::PodId>;
using Sel = std::map<std::string, std::string>;

namespace {

const std::string k_zone(label::k_zone);
const std::string k_host(label::k_hostname);
const std::string k_ct(label::k_capacity_type);
const std::string k_arch(label::k_arch);
const Sel k_labels{{"test", "test"}};

// scheduling/suite_test.go BeforeEach: MaxInstanceTypes = 60 (the topology suite shares it).
SolverOptions opts() {
  SolverOptions o;
  o.max_instance_types = 60;
  return o;
}

// topology_test.go BeforeEach: capacity-type Exists (limits cpu 2000 as every test NodePool).
NodePoolOptions topology_pool() {
  NodePoolOptions o;
  o.requirements = {req(k_ct, Operator::exists)};
  return o;
}
// The same NodePool with its requirements replaced (nodePool.Spec.Template.Spec.Requirements = ...).
NodePoolOptions pool_with(std::vector<Requirement> reqs) {
  NodePoolOptions o;
  o.requirements = std::move(reqs);
  return o;
}

std::vector<NodeClaimTemplate> templates(const TopologyCluster& c, const NodePoolOptions& o = topology_pool()) {
  return {make_template(c.types(), o)};
}

std::multiset<int> ms(std::initializer_list<int> v) { return std::multiset<int>(v); }

Labels as_labels(const Sel& s) { return Labels(s.begin(), s.end()); }

ResourceList cpu_alloc(std::string_view cpu) {
  ResourceList r;
  r.set(Resource::cpu, qty(cpu));
  r.set(Resource::memory, qty("100Gi"));
  r.set(Resource::pods, qty("100"));
  return r;
}

PodIds concat(PodIds a, const PodIds& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Zonal

// topology_test.go › Zonal › "should balance pods across zones (match labels)" and suite_test.go
// › In-Flight Nodes › "should balance pods across zones with in-flight nodes"
TEST_CASE("S16 zonal spread balances pods, then fills in-flight nodes", "[conformance][karpenter]") {
  TopologyCluster c;
  auto ts = templates(c);
  auto spread = TopoSpec().spread(k_zone, 1, k_labels);
  auto r1 = c.provision(ts, c.add(spread, 4, as_labels(k_labels)), opts());
  CHECK(r1.errors.empty());
  CHECK(c.skew(k_zone, k_labels) == ms({1, 1, 2}));
  CHECK(c.node_count() == 3);
  // the nodes registered (in-flight); 5 more pods fill them to 3/3/3 without new nodes
  auto r2 = c.provision(ts, c.add(spread, 5, as_labels(k_labels)), opts());
  CHECK(r2.errors.empty());
  CHECK(r2.new_claims.empty());
  CHECK(c.skew(k_zone, k_labels) == ms({3, 3, 3}));
  CHECK(c.node_count() == 3);
}

// topology_test.go › Zonal › "should balance pods across zones (match expressions)"
TEST_CASE("zonal spread with a matchExpressions selector", "[conformance][karpenter]") {
  TopologyCluster c;
  TopoSpec spec;
  spec.spread(k_zone, 1, {});
  spec.last_spread().selector.match_expressions.push_back({"test", Operator::in, {"test"}});
  c.provision(templates(c), c.add(spec, 4, as_labels(k_labels)), opts());
  CHECK(c.skew(k_zone, k_labels) == ms({1, 1, 2}));
}

// topology_test.go › Zonal › "should respect NodePool zonal constraints"
TEST_CASE("zonal spread stays within the NodePool's zones", "[conformance][karpenter]") {
  TopologyCluster c;
  auto pool = pool_with({req(k_zone, Operator::in, {"test-zone-1", "test-zone-2"})});
  c.provision(templates(c, pool), c.add(TopoSpec().spread(k_zone, 1, k_labels), 4, as_labels(k_labels)), opts());
  CHECK(c.skew(k_zone, k_labels) == ms({2, 2}));
}

// topology_test.go › Zonal › "should respect NodePool zonal constraints (existing pod)"
TEST_CASE("zonal spread counts an existing pod outside the NodePool's zones", "[conformance][karpenter]") {
  TopologyCluster c;
  // 1.1 CPU: the first node is full, so it cannot take the later pods
  auto first = c.add(TopoSpec().cpu("1.1").node_selector(k_zone, "test-zone-3"), 1, as_labels(k_labels));
  c.provision(templates(c), first, opts());
  REQUIRE(c.scheduled(first[0]));
  auto pool = pool_with({req(k_zone, Operator::in, {"test-zone-1", "test-zone-2"})});
  auto pods = c.add(TopoSpec().cpu("1.1").spread(k_zone, 1, k_labels), 6, as_labels(k_labels));
  c.provision(templates(c, pool), pods, opts());
  // zone-3 holds one pod, so zone-1 and zone-2 take at most two each
  CHECK(c.skew(k_zone, k_labels) == ms({1, 2, 2}));
  CHECK(c.count_scheduled(pods) == 4);
}

// topology_test.go › Zonal › "should schedule to the non-minimum domain if its all that's available"
TEST_CASE("S18 spread schedules to the non-minimum domain when it is all that is available",
          "[conformance][karpenter]") {
  TopologyCluster c;
  auto spread = TopoSpec().cpu("1.1").spread(k_zone, 5, k_labels);
  c.provision(templates(c, pool_with({req(k_zone, Operator::in, {"test-zone-1"})})), c.add(spread, 1, as_labels(k_labels)),
              opts());
  CHECK(c.skew(k_zone, k_labels) == ms({1}));
  c.provision(templates(c, pool_with({req(k_zone, Operator::in, {"test-zone-2"})})), c.add(spread, 1, as_labels(k_labels)),
              opts());
  CHECK(c.skew(k_zone, k_labels) == ms({1, 1}));
  auto last = c.add(spread, 10, as_labels(k_labels));
  auto r = c.provision(templates(c, pool_with({req(k_zone, Operator::in, {"test-zone-3"})})), last, opts());
  // max skew 5: zone-3 reaches 6, the other 4 pods fail
  CHECK(c.skew(k_zone, k_labels) == ms({1, 1, 6}));
  CHECK(r.errors.size() == 4);
  for (const auto& [pid, why] : r.errors) CHECK_THAT(why, Catch::Contains("unsatisfiable topology constraint for topology spread"));
}

// topology_test.go › Zonal › "should only schedule to minimum domains if already violating max skew"
TEST_CASE("spread only fills minimum domains while max skew is violated", "[conformance][karpenter]") {
  TopologyCluster c;
  auto ts = templates(c);
  auto spread = TopoSpec().cpu("1.1").spread(k_zone, 1, k_labels);
  auto pods = c.add(spread, 9, as_labels(k_labels));
  c.provision(ts, pods, opts());
  CHECK(c.skew(k_zone, k_labels) == ms({3, 3, 3}));
  for (auto p : pods)
    if (c.node_labels(p).at(k_zone) != "test-zone-1") c.remove(p);
  CHECK(c.skew(k_zone, k_labels) == ms({3}));
  c.provision(ts, c.add(spread, 3, as_labels(k_labels)), opts());
  CHECK(c.skew(k_zone, k_labels) == ms({3, 1, 2}));
}

// topology_test.go › Zonal › "should not violate max-skew when unsat = do not schedule"
TEST_CASE("DoNotSchedule spread never exceeds max skew", "[conformance][karpenter]") {
  TopologyCluster c;
  auto spread = TopoSpec().cpu("1.1").spread(k_zone, 1, k_labels);
  c.provision(templates(c, pool_with({req(k_zone, Operator::in, {"test-zone-1"})})), c.add(spread, 1, as_labels(k_labels)),
              opts());
  CHECK(c.skew(k_zone, k_labels) == ms({1}));
  c.provision(templates(c, pool_with({req(k_zone, Operator::in, {"test-zone-2", "test-zone-3"})})),
              c.add(spread, 10, as_labels(k_labels)), opts());
  CHECK(c.skew(k_zone, k_labels) == ms({1, 2, 2}));
}

// topology_test.go › Zonal › "should not violate max-skew when unsat = do not schedule (discover domains)"
TEST_CASE("DoNotSchedule spread discovers domains from existing nodes", "[conformance][karpenter]") {
  TopologyCluster c;
  // the first pod has no constraint but carries the selected labels
  c.provision(templates(c, pool_with({req(k_zone, Operator::in, {"test-zone-1"})})),
              c.add(TopoSpec().cpu("1.1"), 1, as_labels(k_labels)), opts());
  c.provision(templates(c, pool_with({req(k_zone, Operator::in, {"test-zone-2", "test-zone-3"})})),
              c.add(TopoSpec().cpu("1.1").spread(k_zone, 1, k_labels), 10, as_labels(k_labels)), opts());
  CHECK(c.skew(k_zone, k_labels) == ms({1, 2, 2}));
}

// topology_test.go › Zonal › "should only count running/scheduled pods with matching labels
// scheduled to nodes with a corresponding domain" (the pending, terminating and terminal pods of
// the upstream test are never bound pods here)
TEST_CASE("spread counts only matching pods on nodes with the domain", "[conformance][karpenter]") {
  TopologyCluster c;
  auto n1 = c.add_node("first", {{k_zone, "test-zone-1"}}, cpu_alloc("10"));
  auto n2 = c.add_node("second", {{k_zone, "test-zone-2"}}, cpu_alloc("10"));
  auto n3 = c.add_node("third", {}, cpu_alloc("10"));  // missing topology domain
  c.bind(c.add(TopoSpec())[0], n1);                                        // ignored, missing labels
  c.bind(c.add(TopoSpec(), 1, as_labels(k_labels))[0], n3);                // ignored, no domain on node
  c.bind(c.add(TopoSpec(), 1, as_labels(k_labels), "wrong-namespace")[0], n1);  // ignored, wrong namespace
  c.bind(c.add(TopoSpec(), 1, as_labels(k_labels))[0], n1);
  c.bind(c.add(TopoSpec(), 1, as_labels(k_labels))[0], n1);
  c.bind(c.add(TopoSpec(), 1, as_labels(k_labels))[0], n2);
  auto pods = c.add(TopoSpec().spread(k_zone, 1, k_labels), 2, as_labels(k_labels));
  auto r = c.provision(templates(c), pods, opts());
  CHECK(r.errors.empty());
  CHECK(c.skew(k_zone, k_labels) == ms({2, 2, 1}));
}

// topology_test.go › Zonal › "should handle interdependent selectors"
TEST_CASE("pods not selected by their own hostname spread pack together", "[conformance][karpenter]") {
  TopologyCluster c;
  auto pods = c.add(TopoSpec().spread(k_host, 1, k_labels), 5);  // the pods lack the selected labels
  c.provision(templates(c), pods, opts());
  std::set<std::string> nodes;
  for (auto p : pods) nodes.insert(c.node_name(p));
  CHECK(nodes.size() == 1);
}

// topology_test.go › Zonal › "should respect minDomains constraints"
TEST_CASE("minDomains above the available domains keeps the global minimum at zero", "[conformance][karpenter]") {
  TopologyCluster c;
  auto pool = pool_with({req(k_zone, Operator::in, {"test-zone-1", "test-zone-2"})});
  TopoSpec spec;
  spec.spread(k_zone, 1, k_labels).last_spread().min_domains = 3;
  auto pods = c.add(spec, 3, as_labels(k_labels));
  c.provision(templates(c, pool), pods, opts());
  CHECK(c.skew(k_zone, k_labels) == ms({1, 1}));
  CHECK(c.count_scheduled(pods) == 2);
}

// topology_test.go › Zonal › "satisfied minDomains constraints (equal) should allow expected pod
// scheduling" and "(greater than minimum)"
TEST_CASE("satisfied minDomains spreads normally", "[conformance][karpenter]") {
  for (int min_domains : {3, 2}) {
    INFO("minDomains " << min_domains);
    TopologyCluster c;
    auto pool = pool_with({req(k_zone, Operator::in, {"test-zone-1", "test-zone-2", "test-zone-3"})});
    TopoSpec spec;
    spec.spread(k_zone, 1, k_labels).last_spread().min_domains = min_domains;
    c.provision(templates(c, pool), c.add(spec, 11, as_labels(k_labels)), opts());
    CHECK(c.skew(k_zone, k_labels) == ms({4, 4, 3}));
  }
}

// ---------------------------------------------------------------------------------------------
// Hostname

// topology_test.go › Hostname › "should balance pods across nodes"
TEST_CASE("hostname spread puts one pod per node", "[conformance][karpenter]") {
  TopologyCluster c;
  c.provision(templates(c), c.add(TopoSpec().spread(k_host, 1, k_labels), 4, as_labels(k_labels)), opts());
  CHECK(c.skew(k_host, k_labels) == ms({1, 1, 1, 1}));
}

// topology_test.go › Hostname › "should balance pods on the same hostname up to maxskew"
TEST_CASE("hostname spread with max skew 4 packs four pods on one node", "[conformance][karpenter]") {
  TopologyCluster c;
  c.provision(templates(c), c.add(TopoSpec().spread(k_host, 4, k_labels), 4, as_labels(k_labels)), opts());
  CHECK(c.skew(k_host, k_labels) == ms({4}));
}

// topology_test.go › Hostname › "balance multiple deployments with hostname topology spread" and
// "... & varying arch" (issue #1425)
TEST_CASE("two deployments with hostname spread share nodes", "[conformance][karpenter]") {
  SECTION("same arch: 2 nodes") {
    TopologyCluster c;
    auto a = c.add(TopoSpec().spread(k_host, 1, {{"app", "app1"}}), 2, {{"app", "app1"}});
    auto b = c.add(TopoSpec().spread(k_host, 1, {{"app", "app2"}}), 2, {{"app", "app2"}});
    auto r = c.provision(templates(c), concat(a, b), opts());
    CHECK(r.errors.empty());
    CHECK(c.node_count() == 2);
  }
  SECTION("different arch: 4 nodes") {
    TopologyCluster c;
    auto a = c.add(TopoSpec().required_term({req(k_arch, Operator::in, {"amd64"})}).spread(k_host, 1, {{"app", "app1"}}),
                   2, {{"app", "app1"}});
    auto b = c.add(TopoSpec().required_term({req(k_arch, Operator::in, {"arm64"})}).spread(k_host, 1, {{"app", "app2"}}),
                   2, {{"app", "app2"}});
    auto r = c.provision(templates(c), concat(a, b), opts());
    CHECK(r.errors.empty());
    CHECK(c.node_count() == 4);
  }
}

// ---------------------------------------------------------------------------------------------
// Capacity type

// topology_test.go › CapacityType › "should balance pods across capacity types"
TEST_CASE("S21 spread balances pods across capacity types", "[conformance][karpenter]") {
  TopologyCluster c;
  c.provision(templates(c), c.add(TopoSpec().spread(k_ct, 1, k_labels), 4, as_labels(k_labels)), opts());
  CHECK(c.skew(k_ct, k_labels) == ms({2, 2}));
}

// topology_test.go › CapacityType › "should not violate max-skew when unsat = do not schedule (capacity type)"
TEST_CASE("capacity-type spread never exceeds max skew", "[conformance][karpenter]") {
  TopologyCluster c;
  auto spread = TopoSpec().cpu("1.1").spread(k_ct, 1, k_labels);
  c.provision(templates(c, pool_with({req(k_ct, Operator::in, {"spot"})})), c.add(spread, 1, as_labels(k_labels)), opts());
  CHECK(c.skew(k_ct, k_labels) == ms({1}));
  c.provision(templates(c, pool_with({req(k_ct, Operator::in, {"on-demand"})})), c.add(spread, 5, as_labels(k_labels)),
              opts());
  CHECK(c.skew(k_ct, k_labels) == ms({1, 2}));
}

// topology_test.go › CapacityType › "should violate max-skew when unsat = schedule anyway (capacity type)"
TEST_CASE("ScheduleAnyway spread is relaxed when unsatisfiable", "[conformance][karpenter]") {
  TopologyCluster c;
  auto spread = TopoSpec().cpu("1.1").spread(k_ct, 1, k_labels, /*do_not_schedule=*/false);
  c.provision(templates(c, pool_with({req(k_ct, Operator::in, {"spot"})})), c.add(spread, 1, as_labels(k_labels)), opts());
  CHECK(c.skew(k_ct, k_labels) == ms({1}));
  auto r = c.provision(templates(c, pool_with({req(k_ct, Operator::in, {"on-demand"})})),
                       c.add(spread, 5, as_labels(k_labels)), opts());
  CHECK(r.errors.empty());
  CHECK(c.skew(k_ct, k_labels) == ms({1, 5}));
}

// ---------------------------------------------------------------------------------------------
// matchLabelKeys

// topology_test.go › MatchLabelKeys › "should support matchLabelKeys"
TEST_CASE("matchLabelKeys splits one constraint per label value", "[conformance][karpenter]") {
  TopologyCluster c;
  TopoSpec spec;
  spec.spread(k_host, 1, k_labels).last_spread().match_label_keys = {"test-label"};
  Labels a = as_labels(k_labels), b = as_labels(k_labels);
  a["test-label"] = "value-a";
  b["test-label"] = "value-b";
  auto pods = concat(c.add(spec, 2, a), c.add(spec, 2, b));
  c.provision(templates(c), pods, opts());
  // two nodes with one pod of each "deployment"; without matchLabelKeys, four nodes
  CHECK(c.skew(k_host, k_labels) == ms({2, 2}));
}

// topology_test.go › MatchLabelKeys › "should ignore unknown labels specified in matchLabelKeys"
TEST_CASE("matchLabelKeys ignores keys the pod does not carry", "[conformance][karpenter]") {
  TopologyCluster c;
  TopoSpec spec;
  spec.spread(k_host, 1, k_labels).last_spread().match_label_keys = {"test-label"};
  c.provision(templates(c), c.add(spec, 4, as_labels(k_labels)), opts());
  CHECK(c.skew(k_host, k_labels) == ms({1, 1, 1, 1}));
}

// ---------------------------------------------------------------------------------------------
// NodeTaintsPolicy / NodeAffinityPolicy

namespace {
const std::string k_spread_label = "fake-label";
const Taint k_taint{"taintname", "taintvalue", TaintEffect::no_schedule};
}  // namespace

// topology_test.go › NodeTaintsPolicy › "should balance pods across a label (NodeTaintsPolicy=ignore)"
// and "(NodeTaintsPolicy=honor)"
TEST_CASE("nodeTaintsPolicy decides whether tainted nodes' domains count", "[conformance][karpenter]") {
  for (bool honor : {false, true}) {
    INFO("nodeTaintsPolicy honor " << honor);
    TopologyCluster c;
    NodePoolOptions pool = topology_pool();
    pool.labels = {{k_spread_label, "baz"}};
    c.add_node("node-foo", {{k_spread_label, "foo"}}, cpu_alloc("100m"), {k_taint});
    c.add_node("node-bar", {{k_spread_label, "bar"}}, cpu_alloc("100m"), {k_taint});
    TopoSpec spec = TopoSpec().cpu("1");
    spec.spread(k_spread_label, 1, k_labels).last_spread().node_taints_policy_honor = honor;
    c.provision(templates(c, pool), c.add(spec, 5, as_labels(k_labels)), opts());
    // ignore: three domains known, only "baz" can get nodes -> 1 pod; honor: only "baz" -> all 5
    CHECK(c.skew(k_spread_label, k_labels) == (honor ? ms({5}) : ms({1})));
  }
}

// topology_test.go › NodeTaintsPolicy › "should balance pods across a label when discovered from the
// nodepool (NodeTaintsPolicy=ignore)" and "(NodeTaintsPolicy=honor)"
TEST_CASE("nodeTaintsPolicy filters domains offered by tainted NodePools", "[conformance][karpenter]") {
  for (bool honor : {false, true}) {
    INFO("nodeTaintsPolicy honor " << honor);
    TopologyCluster c;
    NodePoolOptions plain = topology_pool();
    plain.requirements.push_back(req(k_spread_label, Operator::in, {"foo"}));
    NodePoolOptions tainted;
    tainted.name = "tainted";
    tainted.taints = {Taint{"taint-key", "taint-value", TaintEffect::no_schedule}};
    tainted.requirements = {req(k_ct, Operator::exists), req(k_spread_label, Operator::in, {"bar"})};
    auto ts = order_by_weight({make_template(c.types(), plain), make_template(c.types(), tainted)});
    TopoSpec spec;
    spec.spread(k_spread_label, 1, k_labels).last_spread().node_taints_policy_honor = honor;
    c.provision(ts, c.add(spec, 2, as_labels(k_labels)), opts());
    CHECK(c.skew(k_spread_label, k_labels) == (honor ? ms({2}) : ms({1})));
  }
}

// topology_test.go › NodeTaintsPolicy › "should balance pods across a label when mutually exclusive
// NodePools (by taints) share domains (NodeTaintsPolicy=honor)"
TEST_CASE("nodeTaintsPolicy honor with NodePools sharing a domain", "[conformance][karpenter]") {
  TopologyCluster c;
  std::vector<NodeClaimTemplate> ts;
  const std::vector<std::vector<std::string>> domains{{"foo", "bar"}, {"foo", "baz"}};
  PodIds pods;
  for (int i = 0; i < 2; ++i) {
    NodePoolOptions o;
    o.name = "nodepool-" + std::to_string(i);
    o.taints = {Taint{"taint-key", "nodepool-" + std::to_string(i), TaintEffect::no_schedule}};
    o.requirements = {req(k_ct, Operator::exists), req(k_spread_label, Operator::in, domains[static_cast<std::size_t>(i)])};
    ts.push_back(make_template(c.types(), o));
  }
  ts = order_by_weight(std::move(ts));
  for (int i = 0; i < 2; ++i) {
    TopoSpec spec;
    spec.spread(k_spread_label, 1, k_labels).last_spread().node_taints_policy_honor = true;
    spec.toleration(Toleration{"taint-key", false, "nodepool-" + std::to_string(i), TaintEffect::no_schedule});
    pods = concat(pods, c.add(spec, (i + 1) * 2, as_labels(k_labels)));
  }
  auto r = c.provision(ts, pods, opts());
  CHECK(r.errors.empty());
  // foo: 2 (either NodePool), bar: 1 (nodepool-0), baz: 3 (nodepool-1)
  CHECK(c.skew(k_spread_label, k_labels) == ms({3, 2, 1}));
}

// topology_test.go › NodeAffinityPolicy › "should balance pods across a label (NodeAffinityPolicy=ignore)"
// and "(NodeAffinityPolicy=honor)"
TEST_CASE("nodeAffinityPolicy decides whether non-matching nodes' domains count", "[conformance][karpenter]") {
  for (bool honor : {false, true}) {
    INFO("nodeAffinityPolicy honor " << honor);
    TopologyCluster c;
    NodePoolOptions pool = topology_pool();
    pool.labels = {{k_spread_label, "baz"}, {"selector", "value"}};
    c.add_node("node-foo", {{k_spread_label, "foo"}, {"selector", "mismatch"}}, cpu_alloc("100m"));
    c.add_node("node-bar", {{k_spread_label, "bar"}, {"selector", "mismatch"}}, cpu_alloc("100m"));
    TopoSpec spec = TopoSpec().cpu("1").node_selector("selector", "value");
    spec.spread(k_spread_label, 1, k_labels).last_spread().node_affinity_policy_honor = honor;
    c.provision(templates(c, pool), c.add(spec, 5, as_labels(k_labels)), opts());
    CHECK(c.skew(k_spread_label, k_labels) == (honor ? ms({5}) : ms({1})));
  }
}

// ---------------------------------------------------------------------------------------------
// Combined constraints

// topology_test.go › Combined Hostname and Zonal Topology › "should spread pods while respecting
// both constraints (hostname and zonal)"
TEST_CASE("hostname and zonal spread together", "[conformance][karpenter]") {
  TopologyCluster c;
  auto ts = templates(c);
  auto spec = TopoSpec().spread(k_zone, 1, k_labels).spread(k_host, 3, k_labels);
  const std::vector<std::pair<int, std::multiset<int>>> batches{
      {2, ms({1, 1})}, {3, ms({2, 2, 1})}, {5, ms({4, 3, 3})}, {11, ms({7, 7, 7})}};
  for (const auto& [n, zones] : batches) {
    INFO("batch of " << n);
    c.provision(ts, c.add(spec, n, as_labels(k_labels)), opts());
    CHECK(c.skew(k_zone, k_labels) == zones);
    for (int count : c.skew(k_host, k_labels)) CHECK(count <= 3);
  }
}

// topology_test.go › Combined Zonal Topology and Node Affinity › "should limit spread options by
// nodeSelector", "... by node requirements", "... by required node affinity" and "should not limit
// spread options by preferred node affinity"
TEST_CASE("spread domains are limited by node selection, not by preferences", "[conformance][karpenter]") {
  auto spread = TopoSpec().spread(k_zone, 1, k_labels);
  SECTION("nodeSelector") {
    TopologyCluster c;
    auto z1 = c.add(TopoSpec(spread).node_selector(k_zone, "test-zone-1"), 5, as_labels(k_labels));
    auto z2 = c.add(TopoSpec(spread).node_selector(k_zone, "test-zone-2"), 10, as_labels(k_labels));
    c.provision(templates(c), concat(z1, z2), opts());
    CHECK(c.skew(k_zone, k_labels) == ms({5, 10}));
  }
  SECTION("node requirements") {
    TopologyCluster c;
    c.provision(templates(c),
                c.add(TopoSpec(spread).required_term({req(k_zone, Operator::in, {"test-zone-1", "test-zone-2"})}), 10,
                      as_labels(k_labels)),
                opts());
    CHECK(c.skew(k_zone, k_labels) == ms({5, 5}));
  }
  SECTION("required node affinity, then the whole NodePool") {
    TopologyCluster c;
    c.provision(templates(c),
                c.add(TopoSpec(spread).required_term({req(k_zone, Operator::in, {"test-zone-1", "test-zone-2"})}), 6,
                      as_labels(k_labels)),
                opts());
    CHECK(c.skew(k_zone, k_labels) == ms({3, 3}));
    auto all = templates(c, pool_with({req(k_zone, Operator::in, {"test-zone-1", "test-zone-2", "test-zone-3"})}));
    // zone-3 is empty: placing there improves the skew even though it is still violated
    c.provision(all,
                c.add(TopoSpec(spread).required_term({req(k_zone, Operator::in, {"test-zone-2", "test-zone-3"})}), 1,
                      as_labels(k_labels)),
                opts());
    CHECK(c.skew(k_zone, k_labels) == ms({3, 3, 1}));
    c.provision(all, c.add(spread, 5, as_labels(k_labels)), opts());
    CHECK(c.skew(k_zone, k_labels) == ms({4, 4, 4}));
  }
  SECTION("preferred node affinity") {
    TopologyCluster c;
    c.provision(templates(c),
                c.add(TopoSpec(spread).preferred_term(1, {req(k_zone, Operator::in, {"test-zone-1", "test-zone-2"})}), 6,
                      as_labels(k_labels)),
                opts());
    CHECK(c.skew(k_zone, k_labels) == ms({2, 2, 2}));
  }
}

// ---------------------------------------------------------------------------------------------
// Pod affinity

namespace {
const Sel k_aff{{"security", "s2"}};
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should schedule a pod with empty pod affinity and anti-affinity"
TEST_CASE("empty pod affinity and anti-affinity schedule", "[conformance][karpenter]") {
  TopologyCluster c;
  auto p = c.add(TopoSpec());
  c.provision(templates(c), p, opts());
  CHECK(c.scheduled(p[0]));
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should respect pod affinity (hostname)"
TEST_CASE("pod affinity on hostname joins the target's node", "[conformance][karpenter]") {
  TopologyCluster c;
  auto spread = c.add(TopoSpec().spread(k_host, 1, k_labels), 10, as_labels(k_labels));
  auto target = c.add(TopoSpec(), 1, as_labels(k_aff));
  auto follower = c.add(TopoSpec().affinity(k_host, k_aff));
  c.provision(templates(c), concat(concat(spread, target), follower), opts());
  REQUIRE(c.scheduled(target[0]));
  REQUIRE(c.scheduled(follower[0]));
  CHECK(c.node_name(target[0]) == c.node_name(follower[0]));
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should respect pod affinity (arch)"
TEST_CASE("pod affinity on arch with a hostname spread", "[conformance][karpenter]") {
  TopologyCluster c;
  auto p1 = c.add(TopoSpec().spread(k_host, 1, k_aff).cpu("2").node_selector(k_arch, "arm64"), 1, as_labels(k_aff));
  auto p2 = c.add(TopoSpec().spread(k_host, 1, k_aff).cpu("1").affinity(k_arch, k_aff), 1, as_labels(k_aff));
  c.provision(templates(c), concat(p1, p2), opts());
  REQUIRE(c.scheduled(p1[0]));
  REQUIRE(c.scheduled(p2[0]));
  CHECK(c.node_labels(p1[0]).at(k_arch) == c.node_labels(p2[0]).at(k_arch));
  CHECK(c.node_name(p1[0]) != c.node_name(p2[0]));
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should respect self pod affinity (hostname)"
TEST_CASE("self pod affinity on hostname puts all pods on one node", "[conformance][karpenter]") {
  TopologyCluster c;
  auto pods = c.add(TopoSpec().affinity(k_host, k_aff), 3, as_labels(k_aff));
  c.provision(templates(c), pods, opts());
  std::set<std::string> nodes;
  for (auto p : pods) nodes.insert(c.node_name(p));
  CHECK(nodes.size() == 1);
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should respect self pod affinity for first empty
// topology domain only (hostname)"
TEST_CASE("self pod affinity bootstraps only the first empty domain", "[conformance][karpenter]") {
  TopologyCluster c;
  auto ts = templates(c);
  auto spec = TopoSpec().affinity(k_host, k_aff);
  auto first = c.add(spec, 10, as_labels(k_aff));
  c.provision(ts, first, opts());
  // a node holds 5 pods: one node, 5 pods scheduled, 5 not
  CHECK(c.count_scheduled(first) == 5);
  CHECK(c.node_count() == 1);
  // a later batch cannot bootstrap a second node either
  auto second = c.add(spec, 10, as_labels(k_aff));
  c.provision(ts, second, opts());
  CHECK(c.count_scheduled(second) == 0);
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should respect self pod affinity for first empty
// topology domain only (hostname/constrained zones)"
TEST_CASE("self pod affinity does not bootstrap again in other zones", "[conformance][karpenter]") {
  TopologyCluster c;
  auto ts = templates(c);
  c.provision(ts, c.add(TopoSpec().node_selector(k_zone, "test-zone-1").affinity(k_host, k_aff), 1, as_labels(k_aff)),
              opts());
  auto pods = c.add(
      TopoSpec().required_term({req(k_zone, Operator::in, {"test-zone-2", "test-zone-3"})}).affinity(k_host, k_aff), 10,
      as_labels(k_aff));
  c.provision(ts, pods, opts());
  CHECK(c.count_scheduled(pods) == 0);
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should respect self pod affinity (zone)" and
// "should respect self pod affinity (zone w/ constraint)"
TEST_CASE("S22 self pod affinity on zone puts all pods on one node", "[conformance][karpenter]") {
  SECTION("unconstrained") {
    TopologyCluster c;
    auto pods = c.add(TopoSpec().affinity(k_zone, k_aff), 3, as_labels(k_aff));
    c.provision(templates(c), pods, opts());
    std::set<std::string> nodes;
    for (auto p : pods) nodes.insert(c.node_name(p));
    CHECK(nodes.size() == 1);
  }
  SECTION("with a zone constraint") {
    TopologyCluster c;
    auto pods = c.add(TopoSpec().affinity(k_zone, k_aff).required_term({req(k_zone, Operator::in, {"test-zone-3"})}), 3,
                      as_labels(k_aff));
    c.provision(templates(c), pods, opts());
    std::set<std::string> nodes;
    for (auto p : pods) {
      REQUIRE(c.scheduled(p));
      nodes.insert(c.node_name(p));
      CHECK(c.node_labels(p).at(k_zone) == "test-zone-3");
    }
    CHECK(nodes.size() == 1);
  }
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should allow two nodes to be created when two
// pods with matching affinities have incompatible selectors"
TEST_CASE("matching affinities with incompatible selectors get two nodes", "[conformance][karpenter]") {
  TopologyCluster c;
  const Sel s1{{"security", "s1"}};
  auto p1 = c.add(TopoSpec().affinity(k_zone, s1).required_term({req(k_zone, Operator::in, {"test-zone-2"})}), 1,
                  as_labels(s1));
  auto p2 = c.add(TopoSpec().affinity(k_zone, s1).required_term({req(k_zone, Operator::in, {"test-zone-3"})}), 1,
                  as_labels(s1));
  c.provision(templates(c), concat(p1, p2), opts());
  REQUIRE(c.scheduled(p1[0]));
  REQUIRE(c.scheduled(p2[0]));
  CHECK(c.node_labels(p1[0]).at(k_zone) == "test-zone-2");
  CHECK(c.node_labels(p2[0]).at(k_zone) == "test-zone-3");
  CHECK(c.node_name(p1[0]) != c.node_name(p2[0]));
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should allow violation of preferred pod affinity"
TEST_CASE("preferred pod affinity is relaxed", "[conformance][karpenter]") {
  TopologyCluster c;
  auto spread = c.add(TopoSpec().spread(k_host, 1, k_labels), 10, as_labels(k_labels));
  auto pref = c.add(TopoSpec().preferred_affinity(50, k_host, k_aff));
  c.provision(templates(c), concat(spread, pref), opts());
  CHECK(c.scheduled(pref[0]));
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should allow violation of preferred pod anti-affinity"
TEST_CASE("preferred pod anti-affinity is relaxed", "[conformance][karpenter]") {
  TopologyCluster c;
  auto spread = c.add(TopoSpec().spread(k_zone, 1, k_labels), 3, as_labels(k_labels));
  auto aff = c.add(TopoSpec().preferred_anti_affinity(50, k_zone, k_labels), 10);
  c.provision(templates(c), concat(spread, aff), opts());
  CHECK(c.count_scheduled(aff) == 10);
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should allow violation of a pod affinity
// preference with a conflicting required constraint"
TEST_CASE("preferred affinity yields to a required hostname spread", "[conformance][karpenter]") {
  TopologyCluster c;
  auto target = c.add(TopoSpec(), 1, as_labels(k_aff));
  auto pods = c.add(TopoSpec().spread(k_host, 1, k_labels).preferred_affinity(50, k_host, k_aff), 3, as_labels(k_labels));
  auto r = c.provision(templates(c), concat(pods, target), opts());
  CHECK(r.errors.empty());
  CHECK(c.skew(k_host, k_labels, "") == ms({1, 1, 1}));
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should not schedule pods with affinity to a
// non-existent pod" and "should fail to schedule pods with unsatisfiable dependencies"
TEST_CASE("affinity to a pod that does not exist is unschedulable", "[conformance][karpenter]") {
  TopologyCluster c;
  auto pods = c.add(TopoSpec().affinity(k_zone, k_aff), 10);
  auto dep = c.add(TopoSpec().affinity(k_host, {{"type", "web"}}), 1, {{"type", "db"}});
  auto r = c.provision(templates(c), concat(pods, dep), opts());
  CHECK(c.count_scheduled(pods) == 0);
  CHECK_FALSE(c.scheduled(dep[0]));
  REQUIRE(r.errors.count(pods[0]));
  CHECK_THAT(r.errors.at(pods[0]), Catch::Contains("unsatisfiable topology constraint for pod affinity, key=" + k_zone));
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should support pod affinity with zone topology
// (unconstrained target)"
TEST_CASE("zonal affinity waits for the target's zone to be decided", "[conformance][karpenter]") {
  TopologyCluster c;
  auto ts = templates(c);
  auto followers = c.add(TopoSpec().affinity(k_zone, k_aff), 10);
  auto target = c.add(TopoSpec(), 1, as_labels(k_aff));
  c.provision(ts, concat(followers, target), opts());
  CHECK(c.count_scheduled(followers) == 0);
  CHECK(c.skew(k_zone, std::nullopt) == ms({1}));
  // the target's node has a zone now
  c.provision(ts, followers, opts());
  CHECK(c.count_scheduled(followers) == 10);
  CHECK(c.skew(k_zone, std::nullopt) == ms({11}));
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should support pod affinity with zone topology
// (constrained target)"
TEST_CASE("zonal affinity follows a target pinned to a zone", "[conformance][karpenter]") {
  TopologyCluster c;
  auto followers = c.add(TopoSpec().affinity(k_zone, k_aff), 10);
  auto target = c.add(TopoSpec().required_term({req(k_zone, Operator::in, {"test-zone-1"})}), 1, as_labels(k_aff));
  c.provision(templates(c), concat(followers, target), opts());
  CHECK(c.skew(k_zone, std::nullopt) == ms({11}));
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should handle multiple dependent affinities"
TEST_CASE("chains of hostname affinities schedule in one batch", "[conformance][karpenter]") {
  TopologyCluster c;
  const Sel db{{"type", "db"}, {"spread", "spread"}}, web{{"type", "web"}, {"spread", "spread"}},
      cache{{"type", "cache"}, {"spread", "spread"}}, ui{{"type", "ui"}, {"spread", "spread"}};
  PodIds pods = c.add(TopoSpec(), 1, as_labels(db));
  pods = concat(pods, c.add(TopoSpec().affinity(k_host, db), 1, as_labels(web)));
  pods = concat(pods, c.add(TopoSpec().affinity(k_host, web), 1, as_labels(cache)));
  pods = concat(pods, c.add(TopoSpec().affinity(k_host, cache), 1, as_labels(ui)));
  c.provision(templates(c), pods, opts());
  CHECK(c.count_scheduled(pods) == 4);
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should filter pod affinity topologies by
// namespace, no matching pods" and "..., matching pods namespace list"
TEST_CASE("pod affinity terms select pods by namespace", "[conformance][karpenter]") {
  for (bool listed : {false, true}) {
    INFO("namespace listed " << listed);
    TopologyCluster c;
    auto spread = c.add(TopoSpec().spread(k_host, 1, k_labels), 10, as_labels(k_labels));
    auto target = c.add(TopoSpec(), 1, as_labels(k_aff), "other-ns");
    std::vector<std::string> ns;
    if (listed) ns = {"other-ns"};
    auto follower = c.add(TopoSpec().affinity(k_host, k_aff, ns));
    c.provision(templates(c), concat(concat(spread, target), follower), opts());
    CHECK(c.scheduled(target[0]));
    CHECK(c.scheduled(follower[0]) == listed);
    if (listed) CHECK(c.node_name(target[0]) == c.node_name(follower[0]));
  }
}

// ---------------------------------------------------------------------------------------------
// Pod anti-affinity

// topology_test.go › Pod Affinity/Anti-Affinity › "should separate nodes using simple pod
// anti-affinity on hostname"
TEST_CASE("hostname anti-affinity separates pods whatever the order", "[conformance][karpenter]") {
  TopologyCluster c;
  auto ts = templates(c);
  for (int i = 0; i < 10; ++i) {
    auto target = c.add(TopoSpec(), 1, as_labels(k_aff));
    auto avoider = c.add(TopoSpec().anti_affinity(k_host, k_aff));
    c.provision(ts, concat(avoider, target), opts());
    REQUIRE(c.scheduled(target[0]));
    REQUIRE(c.scheduled(avoider[0]));
    CHECK(c.node_name(target[0]) != c.node_name(avoider[0]));
  }
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should not violate pod anti-affinity on zone"
TEST_CASE("zonal anti-affinity against pods in every zone is unschedulable", "[conformance][karpenter]") {
  TopologyCluster c;
  PodIds zonal;
  for (const char* z : {"test-zone-1", "test-zone-2", "test-zone-3"})
    zonal = concat(zonal, c.add(TopoSpec().cpu("2").node_selector(k_zone, z), 1, as_labels(k_aff)));
  auto aff = c.add(TopoSpec().anti_affinity(k_zone, k_aff));
  c.provision(templates(c), concat(zonal, aff), opts());
  CHECK(c.count_scheduled(zonal) == 3);
  CHECK_FALSE(c.scheduled(aff[0]));
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should not violate pod anti-affinity on zone
// (other schedules first)"
TEST_CASE("zonal anti-affinity against a pod of undecided zone is unschedulable", "[conformance][karpenter]") {
  TopologyCluster c;
  auto pod = c.add(TopoSpec().cpu("2"), 1, as_labels(k_aff));
  auto aff = c.add(TopoSpec().anti_affinity(k_zone, k_aff));
  c.provision(templates(c), concat(pod, aff), opts());
  CHECK(c.scheduled(pod[0]));
  CHECK_FALSE(c.scheduled(aff[0]));
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should not violate pod anti-affinity (arch)"
TEST_CASE("anti-affinity on arch picks the other architecture", "[conformance][karpenter]") {
  TopologyCluster c;
  auto p1 = c.add(TopoSpec().spread(k_host, 1, k_aff).cpu("2").node_selector(k_arch, "arm64"), 1, as_labels(k_aff));
  auto p2 = c.add(TopoSpec().spread(k_host, 1, k_aff).cpu("1").anti_affinity(k_arch, k_aff), 1, as_labels(k_aff));
  c.provision(templates(c), concat(p1, p2), opts());
  REQUIRE(c.scheduled(p1[0]));
  REQUIRE(c.scheduled(p2[0]));
  CHECK(c.node_labels(p1[0]).at(k_arch) != c.node_labels(p2[0]).at(k_arch));
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should not violate pod anti-affinity on zone
// (inverse)" and "should violate preferred pod anti-affinity on zone (inverse)"
TEST_CASE("inverse anti-affinity of batch pods blocks their zones", "[conformance][karpenter]") {
  for (bool required : {true, false}) {
    INFO("required " << required);
    TopologyCluster c;
    PodIds zonal;
    for (const char* z : {"test-zone-1", "test-zone-2", "test-zone-3"}) {
      TopoSpec s = TopoSpec().cpu("2").node_selector(k_zone, z);
      if (required) s.anti_affinity(k_zone, k_aff);
      else s.preferred_anti_affinity(10, k_zone, k_aff);
      zonal = concat(zonal, c.add(s));
    }
    auto aff = c.add(TopoSpec(), 1, as_labels(k_aff));
    c.provision(templates(c), concat(zonal, aff), opts());
    CHECK(c.count_scheduled(zonal) == 3);
    // preferred anti-affinity is not tracked inversely
    CHECK(c.scheduled(aff[0]) == !required);
  }
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should not violate pod anti-affinity on zone (Schrödinger)"
TEST_CASE("a pod of undecided zone with anti-affinity blocks every zone until launched", "[conformance][karpenter]") {
  TopologyCluster c;
  auto ts = templates(c);
  auto anywhere = c.add(TopoSpec().cpu("2").anti_affinity(k_zone, k_aff));
  auto aff = c.add(TopoSpec(), 1, as_labels(k_aff));
  c.provision(ts, concat(anywhere, aff), opts());
  REQUIRE(c.scheduled(anywhere[0]));
  CHECK_FALSE(c.scheduled(aff[0]));
  // the launch committed the first pod to a zone
  c.provision(ts, aff, opts());
  REQUIRE(c.scheduled(aff[0]));
  CHECK(c.node_labels(anywhere[0]).at(k_zone) != c.node_labels(aff[0]).at(k_zone));
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should not violate pod anti-affinity on zone
// (inverse w/existing nodes)" and "should violate preferred pod anti-affinity on zone (inverse
// w/existing nodes)"
TEST_CASE("inverse anti-affinity of running pods blocks their zones", "[conformance][karpenter]") {
  for (bool required : {true, false}) {
    INFO("required " << required);
    TopologyCluster c;
    auto ts = templates(c);
    PodIds zonal;
    for (const char* z : {"test-zone-1", "test-zone-2", "test-zone-3"}) {
      TopoSpec s = TopoSpec().cpu("2").node_selector(k_zone, z);
      if (required) s.anti_affinity(k_zone, k_aff);
      else s.preferred_anti_affinity(10, k_zone, k_aff);
      zonal = concat(zonal, c.add(s));
    }
    c.provision(ts, zonal, opts());
    REQUIRE(c.count_scheduled(zonal) == 3);
    auto aff = c.add(TopoSpec(), 1, as_labels(k_aff));
    c.provision(ts, aff, opts());
    CHECK(c.scheduled(aff[0]) == !required);
  }
}

// topology_test.go › Pod Affinity/Anti-Affinity › "should support pod anti-affinity with a zone topology"
TEST_CASE("S24 zonal self anti-affinity schedules one pod per batch", "[conformance][karpenter]") {
  TopologyCluster c;
  auto ts = templates(c);
  auto spec = TopoSpec().anti_affinity(k_zone, k_aff);
  const std::vector<std::multiset<int>> expected{ms({1}), ms({1, 1}), ms({1, 1, 1}), ms({1, 1, 1})};
  for (std::size_t batch = 0; batch < expected.size(); ++batch) {
    INFO("batch " << batch + 1);
    auto pods = c.add(spec, 3, as_labels(k_aff));
    c.provision(ts, pods, opts());
    CHECK(c.skew(k_zone, std::nullopt) == expected[batch]);
    for (auto p : c.unscheduled(pods)) c.remove(p);  // ExpectDeleteAllUnscheduledPods
  }
}

// The benchmark's preference pods (scheduling_benchmark_test.go makePreferencePods): a zone
// preference, an unsatisfiable zonal anti-affinity preference (weight 10) and a hostname
// anti-affinity preference (weight 1). Respect relaxes the zonal one and keeps one pod per node;
// Ignore packs them.
TEST_CASE("preference policy Respect vs Ignore on preferred anti-affinity", "[conformance][karpenter]") {
  auto spec = TopoSpec()
                  .preferred_term(1, {req(k_zone, Operator::in, {"test-zone-1"})})
                  .preferred_anti_affinity(10, k_zone, k_aff)
                  .preferred_anti_affinity(1, k_host, k_aff);
  SECTION("Respect") {
    TopologyCluster c;
    auto pods = c.add(spec, 6, as_labels(k_aff));
    auto r = c.provision(templates(c), pods, opts());
    CHECK(r.errors.empty());
    CHECK(c.skew(k_host, k_aff) == ms({1, 1, 1, 1, 1, 1}));
    CHECK(c.skew(k_zone, k_aff) == ms({6}));  // the zone preference holds
  }
  SECTION("Ignore") {
    TopologyCluster c;
    auto pods = c.add(spec, 6, as_labels(k_aff));
    SolverOptions o = opts();
    o.ignore_preferences = true;
    auto r = c.provision(templates(c), pods, o);
    CHECK(r.errors.empty());
    CHECK(c.skew(k_host, k_aff).size() < 6);
  }
}
