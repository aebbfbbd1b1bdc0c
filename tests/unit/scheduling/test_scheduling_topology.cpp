// Topology spread and pod (anti-)affinity beyond the conformance cases: the pod-spec conversion,
// label selectors, the node filter, the solver's deterministic tie-breaks, group sharing, the
// relaxation order of preferences.go, PreferencePolicy=Ignore, count-only nodes and batch
// exclusion, error texts; and the kube-scheduler's PodTopologySpread / InterPodAffinity filters.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "capsim/catalog/fake_provider.hpp"
#include "capsim/cluster/cluster_state.hpp"
#include "capsim/scheduling/kube_scheduler.hpp"
#include "capsim/scheduling/solver.hpp"
#include "capsim/scheduling/topology.hpp"
#include "capsim/spec/scenario.hpp"
#include "capsim/workload/controllers.hpp"
#include "support/pod_builder.hpp"
#include "support/topology_harness.hpp"

using namespace capsim;
using namespace capsim::test;
using capsim::scheduling::ExistingNodeInput;
using capsim::scheduling::NodeClaimTemplate;
using capsim::scheduling::Solver;
using capsim::scheduling::SolverOptions;
using Sel = std::map<std::string, std::string>;

namespace {

const std::string k_zone(label::k_zone);
const std::string k_host(label::k_hostname);
const std::string k_ct(label::k_capacity_type);
const Sel k_app{{"app", "x"}};

std::vector<NodeClaimTemplate> pool(const std::vector<catalog::InstanceType>& types, NodePoolOptions o = {}) {
  if (o.requirements.empty()) o.requirements = {req(k_ct, Operator::exists)};
  return {make_template(types, o)};
}

std::string zone_of(const scheduling::NewNodeClaim& nc) {
  const Requirement* r = nc.requirements.get(k_zone);
  if (!r || r->complement() || r->values().size() != 1) return "?";
  return r->values().front();
}

// An existing node in `zone` with no room left, hosting one pod labelled `labels` whose spec is `spec`.
struct FullNode {
  ExistingNodeInput in;
  Labels labels;
  cluster::PodSchedulingSpec spec;
};

}  // namespace

TEST_CASE("label selectors follow labels.Selector semantics", "[scheduling]") {
  cluster::PodLabelSelector s;
  CHECK(s.matches({}));  // empty selector: everything
  s.match_labels = {{"app", "web"}};
  CHECK(s.matches({{"app", "web"}, {"tier", "x"}}));
  CHECK_FALSE(s.matches({{"app", "db"}}));
  s.match_expressions = {{"tier", Operator::not_in, {"cache"}}, {"team", Operator::does_not_exist, {}}};
  CHECK(s.matches({{"app", "web"}}));
  CHECK_FALSE(s.matches({{"app", "web"}, {"tier", "cache"}}));
  CHECK_FALSE(s.matches({{"app", "web"}, {"team", "a"}}));
  s.match_expressions = {{"tier", Operator::exists, {}}, {"zone", Operator::in, {"a", "b"}}};
  CHECK(s.matches({{"app", "web"}, {"tier", "1"}, {"zone", "b"}}));
  CHECK_FALSE(s.matches({{"app", "web"}, {"zone", "b"}}));
}

TEST_CASE("make_scheduling_spec converts spread constraints and pod (anti-)affinity", "[scheduling]") {
  spec::PodTemplate t;
  spec::TopologySpreadConstraint c;
  c.topology_key = k_zone;
  c.max_skew = 2;
  c.do_not_schedule = false;
  c.selector.match_labels = {{"app", "web"}};
  c.selector.match_expressions = {{"tier", Operator::in, {"a"}, std::nullopt}};
  c.min_domains = 3;
  c.node_taints_policy_honor = true;
  c.match_label_keys = {"pod-template-hash"};
  t.topology_spread.push_back(c);
  spec::PodAffinityTerm term;
  term.topology_key = k_host;
  term.selector.match_labels = {{"app", "db"}};
  term.namespaces = {"data"};
  t.pod_affinity.required.push_back(term);
  t.pod_anti_affinity.preferred = {{1, term}, {100, term}, {50, term}};
  auto s = workload::make_scheduling_spec(t, 0);
  REQUIRE(s.topology_spread.size() == 1);
  const auto& x = s.topology_spread[0];
  CHECK(x.topology_key == k_zone);
  CHECK(x.max_skew == 2);
  CHECK_FALSE(x.do_not_schedule);
  CHECK(x.selector.match_labels == Sel{{"app", "web"}});
  REQUIRE(x.selector.match_expressions.size() == 1);
  CHECK(x.selector.match_expressions[0].values == std::vector<std::string>{"a"});
  CHECK(x.min_domains == 3);
  CHECK(x.node_affinity_policy_honor);
  CHECK(x.node_taints_policy_honor);
  CHECK(x.match_label_keys == std::vector<std::string>{"pod-template-hash"});
  REQUIRE(s.pod_affinity.size() == 1);
  CHECK(s.pod_affinity[0].topology_key == k_host);
  CHECK(s.pod_affinity[0].namespaces == std::vector<std::string>{"data"});
  REQUIRE(s.preferred_pod_anti_affinity.size() == 3);
  CHECK(s.preferred_pod_anti_affinity[0].weight == 100);  // heaviest first
  CHECK(s.preferred_pod_anti_affinity[2].weight == 1);
  CHECK(s.has_topology());
  CHECK_FALSE(workload::make_scheduling_spec(spec::PodTemplate{}, 0).has_topology());
}

TEST_CASE("the topology node filter honours affinity and taint policies", "[scheduling]") {
  scheduling::TopologyNodeFilter f;
  f.affinity_honor = true;
  f.terms = {Requirements{}};
  CHECK(f.trivial());
  f.terms = {reqs({req("team", Operator::in, {"a"})}), reqs({req("team", Operator::in, {"b"})})};
  CHECK_FALSE(f.trivial());
  CHECK(f.matches({}, Requirements::from_labels({{"team", "b"}}), false));
  CHECK_FALSE(f.matches({}, Requirements::from_labels({{"team", "c"}}), false));
  CHECK_FALSE(f.matches({}, Requirements{}, false));  // custom labels must be defined
  f.affinity_honor = false;
  CHECK(f.matches({}, Requirements{}, false));
  f.taints_honor = true;
  const std::vector<Taint> taints{Taint{"k", "v", TaintEffect::prefer_no_schedule}};
  CHECK_FALSE(f.matches(taints, Requirements{}, false));  // every effect counts, as Karpenter's Tolerates
  f.tolerations = {Toleration{"k", true, "", std::nullopt}};
  CHECK(f.matches(taints, Requirements{}, false));
}

// nextDomainTopologySpread picks any domain among the lowest counts upstream (map order); capsim
// takes the lexically smallest, so the first three single-pod NodeClaims go to zones 1, 2, 3.
TEST_CASE("spread ties go to the lexically smallest domain", "[scheduling]") {
  auto types = catalog::fake_default_instance_types();
  std::vector<scheduling::SolverPod> batch;
  Labels labels{{"app", "x"}};
  cluster::PodSchedulingSpec spec = TopoSpec().spread(k_zone, 1, k_app);
  for (cluster::PodId i = 0; i < 3; ++i) {
    scheduling::SolverPod p;
    p.id = i;
    p.uid = i;
    p.spec = &spec;
    p.labels = &labels;
    batch.push_back(p);
  }
  auto r = Solver(pool(types), {}, SolverOptions{}).solve(batch);
  REQUIRE(r.new_claims.size() == 3);
  CHECK(zone_of(r.new_claims[0]) == "test-zone-1");
  CHECK(zone_of(r.new_claims[1]) == "test-zone-2");
  CHECK(zone_of(r.new_claims[2]) == "test-zone-3");
}

// Topology groups are shared by identity (TopologyGroup.Hash: key, type, namespaces, maxSkew,
// node filter, selector - not minDomains).
TEST_CASE("identical constraints share one topology group", "[scheduling]") {
  auto types = catalog::fake_default_instance_types();
  auto ts = pool(types);
  cluster::PodSchedulingSpec a = TopoSpec().spread(k_zone, 1, k_app);
  TopoSpec b_builder = TopoSpec().spread(k_zone, 1, k_app);
  b_builder.last_spread().min_domains = 2;
  cluster::PodSchedulingSpec b = b_builder;
  cluster::PodSchedulingSpec other = TopoSpec().spread(k_zone, 2, k_app);
  Labels labels{{"app", "x"}};
  std::vector<scheduling::SolverPod> batch;
  for (const auto* s : {&a, &a, &b, &other}) {
    scheduling::SolverPod p;
    p.id = static_cast<cluster::PodId>(batch.size());
    p.uid = p.id;
    p.spec = s;
    p.labels = &labels;
    batch.push_back(p);
  }
  scheduling::Topology topo(ts, false);
  topo.build({}, batch);
  CHECK(topo.group_count() == 2);
}

// preferences.go order: preferred pod affinity, then preferred anti-affinity, then preferred node
// affinity; existing nodes here are full and only carry pods that count.
TEST_CASE("preferences relax in upstream order", "[scheduling]") {
  auto types = catalog::fake_default_instance_types();
  auto ts = pool(types);
  // one running app=x pod in each of zone-1 and zone-2, on full nodes
  Labels x{{"app", "x"}};
  cluster::PodSchedulingSpec plain = TopoSpec();
  std::vector<ExistingNodeInput> nodes;
  for (const char* z : {"test-zone-1", "test-zone-2"}) {
    ExistingNodeInput n;
    n.id = static_cast<cluster::NodeId>(nodes.size());
    n.name = std::string("full-") + z;
    n.initialized = true;
    n.requirements = Requirements::from_labels({{k_zone, z}, {k_host, n.name}});
    n.pods.push_back(scheduling::BoundPodInput{1000 + n.id, "default", &x, &plain});
    nodes.push_back(n);  // remaining is empty: nothing fits
  }
  Labels none;
  auto solve_one = [&](const cluster::PodSchedulingSpec& spec) {
    scheduling::SolverPod p;
    p.spec = &spec;
    p.labels = &none;
    auto r = Solver(ts, nodes, SolverOptions{}).solve({p});
    REQUIRE(r.errors.empty());
    REQUIRE(r.new_claims.size() == 1);
    return zone_of(r.new_claims[0]);
  };
  SECTION("preferred affinity goes before preferred anti-affinity") {
    // affinity to a pod that does not exist (w50) must go; anti-affinity to app=x (w10) stays
    cluster::PodSchedulingSpec s =
        TopoSpec().preferred_affinity(50, k_zone, {{"app", "missing"}}).preferred_anti_affinity(10, k_zone, k_app);
    CHECK(solve_one(s) == "test-zone-3");
  }
  SECTION("preferred anti-affinity goes before preferred node affinity") {
    // anti-affinity to app=x in every zone would need zone-3; the node preference says zone-2
    cluster::PodSchedulingSpec s = TopoSpec()
                                       .preferred_term(1, {req(k_zone, Operator::in, {"test-zone-2"})})
                                       .preferred_anti_affinity(10, k_zone, k_app)
                                       .preferred_anti_affinity(5, k_zone, {{"app", "y"}});
    // dropping the heaviest anti term leaves app=y (nowhere) and the zone-2 preference
    CHECK(solve_one(s) == "test-zone-2");
  }
  SECTION("preferred node affinity goes before ScheduleAnyway spread") {
    // spread app=x (ScheduleAnyway, self-selecting) wants zone-3; the preference wants zone-1
    cluster::PodSchedulingSpec s = TopoSpec()
                                       .preferred_term(1, {req(k_zone, Operator::in, {"test-zone-1"})})
                                       .spread(k_zone, 1, k_app, /*do_not_schedule=*/false);
    scheduling::SolverPod p;
    p.spec = &s;
    p.labels = &x;
    auto r = Solver(ts, nodes, SolverOptions{}).solve({p});
    REQUIRE(r.new_claims.size() == 1);
    CHECK(zone_of(r.new_claims[0]) == "test-zone-3");
  }
}

TEST_CASE("PreferencePolicy=Ignore drops ScheduleAnyway spreads and preferred pod terms", "[scheduling]") {
  auto types = catalog::fake_default_instance_types();
  TopologyCluster c(types);
  auto spec = TopoSpec()
                  .spread(k_host, 1, k_app, /*do_not_schedule=*/false)
                  .preferred_anti_affinity(1, k_host, k_app)
                  .preferred_affinity(1, k_zone, {{"app", "missing"}});
  auto pods = c.add(spec, 4, Labels{{"app", "x"}});
  SolverOptions ignore;
  ignore.ignore_preferences = true;
  auto r = c.provision(pool(types), pods, ignore);
  CHECK(r.errors.empty());
  CHECK(c.node_count() == 1);  // packed: no hostname spread, no anti-affinity
  TopologyCluster respect(types);
  auto pods2 = respect.add(spec, 4, Labels{{"app", "x"}});
  respect.provision(pool(types), pods2, SolverOptions{});
  CHECK(respect.node_count() == 4);
}

TEST_CASE("count-only nodes add their pods to topology counts but take no pods", "[scheduling]") {
  auto types = catalog::fake_default_instance_types();
  Labels x{{"app", "x"}};
  cluster::PodSchedulingSpec plain = TopoSpec();
  ExistingNodeInput deleting;
  deleting.id = 9;
  deleting.name = "deleting";
  deleting.accepts_pods = false;
  deleting.requirements = Requirements::from_labels({{k_zone, "test-zone-1"}, {k_host, "deleting"}});
  deleting.remaining.set(Resource::cpu, qty("100"));
  deleting.remaining.set(Resource::pods, qty("100"));
  deleting.pods.push_back(scheduling::BoundPodInput{77, "default", &x, &plain});
  cluster::PodSchedulingSpec spread = TopoSpec().spread(k_zone, 1, k_app);
  scheduling::SolverPod p;
  p.spec = &spread;
  p.labels = &x;
  auto r = Solver(pool(types), {deleting}, SolverOptions{}).solve({p});
  CHECK(r.existing.empty());
  REQUIRE(r.new_claims.size() == 1);
  CHECK(zone_of(r.new_claims[0]) == "test-zone-2");  // zone-1 already holds one app=x pod

  SECTION("a batch pod still bound somewhere is not counted there (excludedPods)") {
    p.uid = 77;
    auto r2 = Solver(pool(types), {deleting}, SolverOptions{}).solve({p});
    REQUIRE(r2.new_claims.size() == 1);
    CHECK(zone_of(r2.new_claims[0]) == "test-zone-1");
  }
}

TEST_CASE("an unsatisfiable topology names the group, counts and domains", "[scheduling]") {
  auto types = catalog::fake_default_instance_types();
  NodePoolOptions o;
  o.requirements = {req(k_zone, Operator::in, {"test-zone-1"})};
  // a full node registers test-zone-2 as a domain with no pods
  ExistingNodeInput full;
  full.name = "full";
  full.requirements = Requirements::from_labels({{k_zone, "test-zone-2"}, {k_host, "full"}});
  cluster::PodSchedulingSpec spec = TopoSpec().spread(k_zone, 1, k_app);
  Labels x{{"app", "x"}};
  std::vector<scheduling::SolverPod> batch;
  for (cluster::PodId i = 0; i < 2; ++i) {
    scheduling::SolverPod p;
    p.id = i;
    p.uid = i;
    p.spec = &spec;
    p.labels = &x;
    batch.push_back(p);
  }
  auto r = Solver(pool(types, o), {full}, SolverOptions{}).solve(batch);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors.begin()->second ==
        "incompatible with nodepool \"default\", unsatisfiable topology constraint for topology spread, "
        "key=topology.kubernetes.io/zone (counts = {test-zone-1: 1, test-zone-2: 0}, podDomains = "
        "topology.kubernetes.io/zone Exists, nodeDomains = topology.kubernetes.io/zone In [test-zone-1])");
}

// ---------------------------------------------------------------------------------------------
// kube-scheduler: PodTopologySpread and InterPodAffinity filters

namespace {

cluster::Node kube_node(const std::string& name, const std::string& zone) {
  cluster::Node n;
  n.name = name;
  n.state = cluster::NodeState::ready;
  n.labels = {{k_host, name}, {k_zone, zone}};
  n.allocatable.set(Resource::cpu, qty("16"));
  n.allocatable.set(Resource::memory, qty("64Gi"));
  n.allocatable.set(Resource::pods, qty("110"));
  n.capacity = n.allocatable;
  return n;
}

cluster::PodId kube_pod(cluster::ClusterState& s, const std::string& name, const cluster::PodSchedulingSpec& spec,
                        Labels labels = {}, std::string ns = "default") {
  cluster::Pod p;
  p.name = name;
  p.namespace_ = std::move(ns);
  p.labels = std::move(labels);
  p.spec = std::make_shared<const cluster::PodSchedulingSpec>(spec);
  return s.add_pod(std::move(p));
}

// What every node scores for a pod that requests nothing, on nodes without PreferNoSchedule
// taints: LeastAllocated 100, Balanced 0 (skipped), TaintToleration 3 x 100.
constexpr std::int64_t k_base = 100 + 3 * 100;

std::string chosen(const cluster::ClusterState& s, cluster::PodId pod) {
  auto c = scheduling::select_node(s, s.pod(pod));
  return c.node ? s.node(*c.node).name : "none: " + c.reason;
}

}  // namespace

TEST_CASE("kube-scheduler PodTopologySpread keeps the skew within maxSkew", "[scheduling]") {
  cluster::ClusterState s;
  auto a = s.add_node(kube_node("a", "z1"));
  s.add_node(kube_node("b", "z2"));
  // z1 holds two app=x pods, z2 none
  for (int i = 0; i < 2; ++i) s.bind(kube_pod(s, "x" + std::to_string(i), TopoSpec(), {{"app", "x"}}), a, SimTime{0});
  auto spread = TopoSpec().spread(k_zone, 1, k_app);
  auto p = kube_pod(s, "p", spread, {{"app", "x"}});
  // LeastAllocated would prefer b anyway; make a emptier so only the filter can decide
  s.edit_node(a, [&](cluster::Node& n) { n.allocatable.set(Resource::cpu, qty("64")); });
  CHECK(chosen(s, p) == "b");
  SECTION("ScheduleAnyway is a score, not a filter") {
    // podtopologyspread/scoring.go: two zones, weight ln(2 + 2); z1 holds 2 matching pods:
    // raw round(2 x 1.386) = 3 on a, 0 on b; normalised 100 x (3 + 0 - raw) / 3 -> 0 and 100, x 2.
    auto soft = kube_pod(s, "soft", TopoSpec().spread(k_zone, 1, k_app, false), {{"app", "x"}});
    CHECK(scheduling::score_nodes(s, s.pod(soft), {a, 1}) == std::vector<std::int64_t>{k_base, k_base + 2 * 100});
    CHECK(chosen(s, soft) == "b");
    // With maxSkew 4 the raw scores are 3 + 3 = 6 and 0 + 3 = 3: normalised 100 x (6 + 3 - raw) / 6.
    auto loose = kube_pod(s, "loose", TopoSpec().spread(k_zone, 4, k_app, false), {{"app", "x"}});
    CHECK(scheduling::score_nodes(s, s.pod(loose), {a, 1}) == std::vector<std::int64_t>{k_base + 2 * 50, k_base + 2 * 100});
    s.bind(kube_pod(s, "x2", TopoSpec(), {{"app", "x"}}), 1, SimTime{0});
    // z1 2, z2 1: raw 3 and 1 -> 100 x (3 + 1 - raw) / 3 = 33 and 100
    CHECK(scheduling::score_nodes(s, s.pod(soft), {a, 1}) == std::vector<std::int64_t>{k_base + 2 * 33, k_base + 2 * 100});
  }
  SECTION("ScheduleAnyway on the hostname counts the node's own pods") {
    // kubernetes.io/hostname: weight ln(3 feasible nodes + 2), per-node counts at Score.
    auto c = s.add_node(kube_node("c", "z1"));
    auto soft = kube_pod(s, "soft", TopoSpec().spread(k_host, 1, k_app, false), {{"app", "x"}});
    // a: 2 pods -> round(3.22) = 3, b: 0, c: 0 -> 100 x (3 - raw) / 3: 0, 100, 100 (x 2)
    CHECK(scheduling::score_nodes(s, s.pod(soft), {a, 1, c}) == std::vector<std::int64_t>{k_base, k_base + 200, k_base + 200});
  }
  SECTION("a node missing the topology key is filtered and not counted") {
    s.edit_node(1, [&](cluster::Node& n) { n.labels.erase(k_zone); });
    CHECK(chosen(s, p) == "a");  // the only eligible domain holds the minimum
    cluster::PodSchedulingSpec md = spread;
    md.topology_spread[0].min_domains = 2;
    auto q = kube_pod(s, "q", md, {{"app", "x"}});
    CHECK(chosen(s, q) ==
          "none: 0/2 nodes are available: 1 node(s) didn't match pod topology spread constraints, 1 node(s) didn't "
          "match pod topology spread constraints (missing required label)");
  }
  SECTION("minDomains above the domain count makes the global minimum zero") {
    s.edit_node(1, [&](cluster::Node& n) { n.labels[k_zone] = "z1"; });
    cluster::PodSchedulingSpec md = spread;
    md.topology_spread[0].min_domains = 2;
    auto q = kube_pod(s, "q", md, {{"app", "x"}});
    CHECK(chosen(s, q).rfind("none: ", 0) == 0);  // z1 has 2: 2 + 1 - 0 > 1
    auto plain = kube_pod(s, "plain", spread, {{"app", "x"}});
    CHECK(chosen(s, plain).rfind("none: ", 0) != 0);  // the minimum is z1's own 2
  }
  SECTION("nodeAffinityPolicy Honor leaves out nodes the pod cannot use") {
    s.edit_node(1, [&](cluster::Node& n) { n.labels["team"] = "b"; });
    s.edit_node(a, [&](cluster::Node& n) { n.labels["team"] = "a"; });
    cluster::PodSchedulingSpec only_a = TopoSpec(spread).node_selector("team", "a");
    auto q = kube_pod(s, "q", only_a, {{"app", "x"}});
    CHECK(chosen(s, q) == "a");  // z2 is not eligible: the minimum is z1's own count
    only_a.topology_spread[0].node_affinity_policy_honor = false;
    auto r = kube_pod(s, "r", only_a, {{"app", "x"}});
    CHECK(chosen(s, r).rfind("none: ", 0) == 0);
  }
}

// interpodaffinity/scoring.go: topology pairs collect + the weights of the pod's preferred
// affinity terms existing pods match, - its preferred anti-affinity weights, + 1
// (hardPodAffinityWeight) per existing pod whose required affinity the pod matches, and +/- the
// existing pods' preferred weights; nodes sum their pairs, min-max scaled to [0, 100], weight 2.
TEST_CASE("kube-scheduler InterPodAffinity scores preferred terms both ways", "[scheduling]") {
  cluster::ClusterState s;
  auto a = s.add_node(kube_node("a", "z1"));
  auto b = s.add_node(kube_node("b", "z1"));
  auto c = s.add_node(kube_node("c", "z2"));
  s.bind(kube_pod(s, "db", TopoSpec(), {{"app", "db"}}), a, SimTime{0});
  SECTION("preferred affinity to the db's zone") {
    auto p = kube_pod(s, "p", TopoSpec().preferred_affinity(40, k_zone, {{"app", "db"}}));
    CHECK(scheduling::score_nodes(s, s.pod(p), {a, b, c}) == std::vector<std::int64_t>{k_base + 200, k_base + 200, k_base});
    CHECK(chosen(s, p) == "a");
  }
  SECTION("preferred anti-affinity to the db's host, preferred affinity to its zone") {
    // (zone z1) +40, (host a) -60: a -20, b 40, c 0 -> min-max: 0, 100, 33
    auto p = kube_pod(s, "p", TopoSpec().preferred_affinity(40, k_zone, {{"app", "db"}})
                                  .preferred_anti_affinity(60, k_host, {{"app", "db"}}));
    CHECK(scheduling::score_nodes(s, s.pod(p), {a, b, c}) == std::vector<std::int64_t>{k_base, k_base + 200, k_base + 66});
    CHECK(chosen(s, p) == "b");
  }
  SECTION("an existing pod's preferred anti-affinity pushes matching pods away") {
    s.bind(kube_pod(s, "cache", TopoSpec().preferred_anti_affinity(10, k_zone, {{"app", "web"}})), c, SimTime{0});
    auto web = kube_pod(s, "web", TopoSpec(), {{"app", "web"}});
    CHECK(scheduling::score_nodes(s, s.pod(web), {a, b, c}) == std::vector<std::int64_t>{k_base + 200, k_base + 200, k_base});
    CHECK(chosen(s, web) == "a");
  }
  SECTION("an existing pod's required affinity attracts the pods it names (hardPodAffinityWeight 1)") {
    s.bind(kube_pod(s, "sidecar", TopoSpec().affinity(k_host, {{"app", "web"}})), c, SimTime{0});
    auto web = kube_pod(s, "web", TopoSpec(), {{"app", "web"}});
    CHECK(scheduling::score_nodes(s, s.pod(web), {a, b, c}) == std::vector<std::int64_t>{k_base, k_base, k_base + 200});
    CHECK(chosen(s, web) == "c");
  }
}

TEST_CASE("kube-scheduler InterPodAffinity: affinity, anti-affinity and existing pods", "[scheduling]") {
  cluster::ClusterState s;
  auto a = s.add_node(kube_node("a", "z1"));
  auto b = s.add_node(kube_node("b", "z2"));
  SECTION("self affinity: the first pod of the series goes anywhere, the next follows") {
    auto spec = TopoSpec().affinity(k_zone, k_app);
    auto p1 = kube_pod(s, "p1", spec, {{"app", "x"}});
    CHECK(chosen(s, p1) == "a");
    s.bind(p1, b, SimTime{0});
    auto p2 = kube_pod(s, "p2", spec, {{"app", "x"}});
    CHECK(chosen(s, p2) == "b");
  }
  SECTION("affinity to a pod that is not there") {
    auto p = kube_pod(s, "p", TopoSpec().affinity(k_zone, {{"app", "db"}}));
    CHECK(chosen(s, p) == "none: 0/2 nodes are available: 2 node(s) didn't match pod affinity rules");
  }
  SECTION("anti-affinity avoids the domain of matching pods") {
    s.bind(kube_pod(s, "db", TopoSpec(), {{"app", "db"}}), b, SimTime{0});
    s.edit_node(a, [&](cluster::Node& n) { n.allocatable.set(Resource::cpu, qty("1")); });  // b would win on score
    auto p = kube_pod(s, "p", TopoSpec().anti_affinity(k_zone, {{"app", "db"}}));
    CHECK(chosen(s, p) == "a");
  }
  SECTION("existing pods' anti-affinity keeps matching pods out of their domain") {
    s.bind(kube_pod(s, "loner", TopoSpec().anti_affinity(k_zone, k_app)), b, SimTime{0});
    s.edit_node(a, [&](cluster::Node& n) { n.allocatable.set(Resource::cpu, qty("1")); });
    auto p = kube_pod(s, "p", TopoSpec(), {{"app", "x"}});
    CHECK(chosen(s, p) == "a");
    auto other_ns = kube_pod(s, "q", TopoSpec().cpu("500m"), {{"app", "x"}}, "other");
    CHECK(chosen(s, other_ns) == "b");  // the term covers the owner's namespace only; b scores higher
  }
}

TEST_CASE("solver_pod carries the pod's labels and namespace; daemon overheads share the template's", "[scheduling]") {
  cluster::Pod p;
  p.id = 4;
  p.uid = 9;
  p.name = "web-0";
  p.namespace_ = "shop";
  p.labels = {{"app", "web"}};
  p.spec = std::make_shared<const cluster::PodSchedulingSpec>(TopoSpec().spec());
  auto sp = scheduling::solver_pod(p);
  CHECK(sp.id == 4);
  CHECK(sp.uid == 9);
  CHECK(sp.labels == &p.labels);
  CHECK(sp.namespace_ == "shop");
  CHECK(sp.spec == p.spec.get());

  auto types = catalog::fake_default_instance_types();
  NodePoolOptions o;
  o.daemon_overhead.set(Resource::cpu, qty("100m"));
  auto r = Solver(pool(types, o), {}, SolverOptions{}).solve({sp});
  REQUIRE(r.new_claims.size() == 1);
  auto& nc = r.new_claims[0];
  REQUIRE(nc.daemon_overhead.size() == nc.instance_types.size());
  CHECK(nc.daemon_overhead[0].cpu_millis() == 100);
  nc.daemon_overhead = std::vector<ResourceList>{ResourceList{}};  // a policy filtering the list
  CHECK(nc.daemon_overhead.size() == 1);
  CHECK(nc.daemon_overhead[0].is_zero());
}
