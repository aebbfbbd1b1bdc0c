// Conformance of capsim's scheduling solver with Karpenter's provisioning / scheduling test suites
// (reference karpenter.md 8.2), on the fake provider's catalogues (8.1). Each TEST_CASE cites the
// upstream file and test it mirrors (kubernetes-sigs/karpenter at 2266468104f3) and asserts the
// upstream outcome. "ExpectProvisioned" is modelled as: one Solver::solve over the batch, then the
// fake launch (catalog::fake_create, mirroring fake.CloudProvider.Create) of every new NodeClaim,
// which takes the cheapest type of the finalized list and the first compatible offering.
// Cases that need topology spread or pod (anti-)affinity (S16-S24) are not here yet.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "capsim/catalog/fake_provider.hpp"
#include "capsim/scheduling/solver.hpp"
#include "capsim/spec/scenario.hpp"
#include "capsim/workload/controllers.hpp"
#include "support/pod_builder.hpp"

using namespace capsim;
using namespace capsim::test;
using capsim::scheduling::ExistingNodeInput;
using capsim::scheduling::NodeClaimTemplate;
using capsim::scheduling::Solver;
using capsim::scheduling::SolverOptions;
using capsim::scheduling::SolverResult;

namespace {

// scheduling/suite_test.go BeforeEach: scheduling.MaxInstanceTypes = 60.
SolverOptions scheduling_suite_options() {
  SolverOptions o;
  o.max_instance_types = 60;
  return o;
}

// The scheduling-suite NodePool: capacity-type In [spot, on-demand, reserved], limits cpu 2000.
NodePoolOptions scheduling_suite_pool() {
  NodePoolOptions o;
  o.name = "default";
  o.requirements = {req(std::string(label::k_capacity_type), Operator::in, {"spot", "on-demand", "reserved"})};
  return o;
}

bool fake_well_known(std::string_view key) {
  return scheduling::is_well_known_label(key) || catalog::fake_is_well_known(key);
}

// One NodeClaim after the fake launch.
struct Launched {
  std::string node_pool;
  std::string instance_type;
  std::string zone;
  std::string capacity_type;
  Labels labels;
  std::vector<cluster::PodId> pods;
  std::vector<std::string> options;  // the NodeClaim's instance-type requirement (finalized list)
  const catalog::InstanceType* type{nullptr};
};

std::vector<Launched> launch_all(const SolverResult& r, const std::vector<NodeClaimTemplate>& templates) {
  std::vector<Launched> out;
  for (const auto& nc : r.new_claims) {
    auto l = catalog::fake_create(nc.instance_types, nc.requirements, nc.requests, fake_well_known);
    REQUIRE(l.has_value());
    Launched x;
    x.node_pool = nc.node_pool;
    x.instance_type = l->instance_type->name;
    x.zone = l->offering->zone;
    x.capacity_type = l->offering->capacity_type;
    x.labels = l->labels;
    for (const auto& [k, v] : templates[nc.template_index].labels) x.labels[k] = v;
    x.pods = nc.pods;
    for (const auto* it : nc.instance_types) x.options.push_back(it->name);
    x.type = l->instance_type;
    out.push_back(std::move(x));
  }
  return out;
}

// A launched NodeClaim registered in cluster state (ExpectReconcileSucceeded(nodeStateController)):
// labels as In requirements (hostname included), allocatable minus the pods bound to it.
ExistingNodeInput as_existing_node(const Launched& l, cluster::NodeId id, const std::string& name,
                                   const PodSet& pods) {
  ExistingNodeInput n;
  n.id = id;
  n.name = name;
  n.initialized = false;  // registered, not yet initialized
  Labels labels = l.labels;
  labels[std::string(label::k_hostname)] = name;
  n.requirements = Requirements::from_labels(labels);
  n.remaining = l.type->allocatable;
  for (auto pid : l.pods) n.remaining -= pods.pods()[pid].spec->requests;
  return n;
}

std::set<std::string> names_of(const std::vector<Launched>& ls) {
  std::set<std::string> s;
  for (const auto& l : ls) s.insert(l.instance_type);
  return s;
}

}  // namespace

// scheduling/suite_test.go › Binpacking › "should schedule a small pod on the smallest instance"
TEST_CASE("S1 a small pod lands on the smallest instance type", "[conformance][karpenter]") {
  auto types = catalog::fake_default_instance_types();
  std::vector<NodeClaimTemplate> ts{make_template(types, scheduling_suite_pool())};
  PodSet pods;
  pods.add(PodSpecBuilder().memory("100M"));
  auto r = Solver(ts, {}, scheduling_suite_options()).solve(pods.pods());
  CHECK(r.errors.empty());
  auto nodes = launch_all(r, ts);
  REQUIRE(nodes.size() == 1);
  CHECK(nodes[0].instance_type == "small-instance-type");  // 0.4147 < 0.8295
  CHECK(nodes[0].pods == std::vector<cluster::PodId>{0});
}

// scheduling/suite_test.go › Binpacking › "should take pod runtime class into consideration"
TEST_CASE("S2 RuntimeClass overhead counts towards the pod's requests", "[conformance][karpenter]") {
  spec::PodTemplate tmpl;
  spec::Container c;
  c.requests.set(Resource::cpu, qty("1"));
  tmpl.containers.push_back(c);
  tmpl.overhead.set(Resource::cpu, qty("2"));  // RuntimeClass overhead.podFixed cpu 2
  auto types = catalog::fake_default_instance_types();
  std::vector<NodeClaimTemplate> ts{make_template(types, scheduling_suite_pool())};
  PodSet pods;
  pods.add(PodSpecBuilder().requests(tmpl.requests()));
  CHECK(pods.pods()[0].spec->requests.cpu_millis() == 3000);
  auto r = Solver(ts, {}, scheduling_suite_options()).solve(pods.pods());
  CHECK(r.errors.empty());
  auto nodes = launch_all(r, ts);
  REQUIRE(nodes.size() == 1);
  // 3 CPU > small-instance-type's 1900m allocatable
  CHECK(nodes[0].instance_type == "default-instance-type");
}

// scheduling/suite_test.go › Binpacking › "should take into account initContainer resource
// requests when binpacking"
TEST_CASE("S3 init container requests raise the effective request", "[conformance][karpenter]") {
  spec::PodTemplate tmpl;
  spec::Container c;
  c.requests.set(Resource::cpu, qty("1"));
  c.requests.set(Resource::memory, qty("1Gi"));
  tmpl.containers.push_back(c);
  spec::Container init;
  init.requests.set(Resource::cpu, qty("2"));
  init.requests.set(Resource::memory, qty("1Gi"));
  tmpl.init_containers.push_back(init);
  auto types = catalog::fake_default_instance_types();
  std::vector<NodeClaimTemplate> ts{make_template(types, scheduling_suite_pool())};
  PodSet pods;
  pods.add(PodSpecBuilder().requests(tmpl.requests()));
  CHECK(pods.pods()[0].spec->requests.cpu_millis() == 2000);
  auto r = Solver(ts, {}, scheduling_suite_options()).solve(pods.pods());
  CHECK(r.errors.empty());
  auto nodes = launch_all(r, ts);
  REQUIRE(nodes.size() == 1);
  CHECK(nodes[0].instance_type == "default-instance-type");
}

// scheduling/suite_test.go › Binpacking › "should create new nodes when a node is at capacity"
TEST_CASE("S4 new nodes are created when a node is at capacity", "[conformance][karpenter]") {
  auto types = catalog::fake_default_instance_types();
  std::vector<NodeClaimTemplate> ts{make_template(types, scheduling_suite_pool())};
  PodSet pods;
  pods.add(PodSpecBuilder().memory("1.8G").node_selector(std::string(label::k_arch), "amd64"), 40);
  auto r = Solver(ts, {}, scheduling_suite_options()).solve(pods.pods());
  CHECK(r.errors.empty());
  auto nodes = launch_all(r, ts);
  REQUIRE(nodes.size() == 20);
  for (const auto& n : nodes) {
    CHECK(n.instance_type == "default-instance-type");
    CHECK(n.pods.size() == 2);  // 3 x 1.8G > 4086Mi
  }
}

// scheduling/suite_test.go › Binpacking › "should pack small and large pods together"
TEST_CASE("S5 small and large pods are packed together", "[conformance][karpenter]") {
  auto types = catalog::fake_default_instance_types();
  std::vector<NodeClaimTemplate> ts{make_template(types, scheduling_suite_pool())};
  PodSet pods;
  auto large = pods.add(PodSpecBuilder().memory("1.8G").node_selector(std::string(label::k_arch), "amd64"), 40);
  auto small = pods.add(PodSpecBuilder().memory("400M").node_selector(std::string(label::k_arch), "amd64"), 20);
  auto r = Solver(ts, {}, scheduling_suite_options()).solve(pods.pods());
  CHECK(r.errors.empty());
  auto nodes = launch_all(r, ts);
  REQUIRE(nodes.size() == 20);
  for (const auto& n : nodes) {
    CHECK(n.instance_type == "default-instance-type");
    // fewest-pods-first in-flight ordering spreads the small pods: 2 large + 1 small per node
    auto n_large = std::count_if(n.pods.begin(), n.pods.end(), [&](auto p) { return p >= large && p < large + 40; });
    auto n_small = std::count_if(n.pods.begin(), n.pods.end(), [&](auto p) { return p >= small && p < small + 20; });
    CHECK(n_large == 2);
    CHECK(n_small == 1);
  }
}

// scheduling/suite_test.go › Binpacking › "should create new nodes when a node is at capacity due
// to pod limits per node"
TEST_CASE("S6 the pods capacity of the type limits pods per node", "[conformance][karpenter]") {
  auto types = catalog::fake_default_instance_types();
  std::vector<NodeClaimTemplate> ts{make_template(types, scheduling_suite_pool())};
  PodSet pods;
  pods.add(PodSpecBuilder().cpu("1m").memory("1m").node_selector(std::string(label::k_arch), "amd64"), 25);
  auto r = Solver(ts, {}, scheduling_suite_options()).solve(pods.pods());
  CHECK(r.errors.empty());
  auto nodes = launch_all(r, ts);
  REQUIRE(nodes.size() == 5);
  for (const auto& n : nodes) {
    CHECK(n.instance_type == "small-instance-type");
    CHECK(n.pods.size() == 5);
  }
}

// scheduling/suite_test.go › Binpacking › "should pack nodes tightly"
TEST_CASE("S7 nodes are packed tightly", "[conformance][karpenter]") {
  auto types = catalog::fake_instance_types(5);
  std::vector<NodeClaimTemplate> ts{make_template(types, scheduling_suite_pool())};
  PodSet pods;
  auto big = pods.add(PodSpecBuilder().cpu("4.5"));
  auto one = pods.add(PodSpecBuilder().cpu("1"));
  auto r = Solver(ts, {}, scheduling_suite_options()).solve(pods.pods());
  CHECK(r.errors.empty());
  auto nodes = launch_all(r, ts);
  REQUIRE(nodes.size() == 2);
  CHECK(nodes[0].pods == std::vector<cluster::PodId>{big});
  CHECK(nodes[0].instance_type == "fake-it-4");  // 5 CPU, 4900m allocatable
  CHECK(nodes[1].pods == std::vector<cluster::PodId>{one});
  CHECK(nodes[1].instance_type == "fake-it-1");  // 2 CPU; fake-it-0 has only 900m allocatable
}

// scheduling/suite_test.go › Binpacking › "should select for valid instance types, regardless of price"
TEST_CASE("S8 every valid type is offered and the cheapest launches", "[conformance][karpenter]") {
  auto one_offering = [](Money price) {
    catalog::Offering o;
    o.zone = "test-zone-1a";
    o.capacity_type = "on-demand";
    o.price = price;
    return std::vector<catalog::Offering>{o};
  };
  auto make = [&](const char* name, const char* cpu, const char* mem, double price) {
    catalog::FakeInstanceTypeOptions o;
    o.resources.set(Resource::cpu, qty(cpu));
    o.resources.set(Resource::memory, qty(mem));
    o.offerings = one_offering(Money::from_usd(price));
    return catalog::fake_new_instance_type(name, o);
  };
  std::vector<catalog::InstanceType> types{make("medium", "2", "2Gi", 3.00), make("small", "1", "1Gi", 2.00),
                                           make("large", "4", "4Gi", 1.00)};
  std::vector<NodeClaimTemplate> ts{make_template(types, scheduling_suite_pool())};
  PodSet pods;
  pods.add(PodSpecBuilder().cpu("1m").memory("1Mi"));  // limits only: requests = limits
  auto r = Solver(ts, {}, scheduling_suite_options()).solve(pods.pods());
  CHECK(r.errors.empty());
  auto nodes = launch_all(r, ts);
  REQUIRE(nodes.size() == 1);
  CHECK(nodes[0].instance_type == "large");
  CHECK(std::set<std::string>(nodes[0].options.begin(), nodes[0].options.end()) ==
        std::set<std::string>{"small", "medium", "large"});
  CHECK(nodes[0].options == std::vector<std::string>{"large", "small", "medium"});  // cheapest first
}

// scheduling/suite_test.go › In-Flight Nodes › "should not launch a second node if there is an
// in-flight node that can support the pod"
TEST_CASE("S10 a pod goes to an in-flight node that can hold it", "[conformance][karpenter]") {
  auto types = catalog::fake_default_instance_types();
  PodSet pods;
  auto first = pods.add(PodSpecBuilder().cpu("10m"));
  auto second = pods.add(PodSpecBuilder().cpu("10m"));

  std::vector<NodeClaimTemplate> ts{make_template(types, scheduling_suite_pool())};
  auto r1 = Solver(ts, {}, scheduling_suite_options()).solve(pods.range(first, 1));
  CHECK(r1.errors.empty());
  auto nodes = launch_all(r1, ts);
  REQUIRE(nodes.size() == 1);
  auto node1 = as_existing_node(nodes[0], 7, "node-1", pods);

  auto r2 = Solver(ts, {node1}, scheduling_suite_options()).solve(pods.range(second, 1));
  CHECK(r2.errors.empty());
  CHECK(r2.new_claims.empty());
  REQUIRE(r2.existing.count(7) == 1);
  CHECK(r2.existing.at(7) == std::vector<cluster::PodId>{second});
}

// scheduling/suite_test.go › In-Flight Nodes › "should not launch a second node if there is an
// in-flight node that can support the pod (node selectors)"
TEST_CASE("S12 in-flight node reuse follows the pods' zone requirements", "[conformance][karpenter]") {
  auto types = catalog::fake_default_instance_types();
  const std::string zone(label::k_zone);
  PodSet pods;
  auto p1 = pods.add(PodSpecBuilder().cpu("10m").required_term({req(zone, Operator::in, {"test-zone-2"})}));
  auto p2 = pods.add(PodSpecBuilder().cpu("10m").required_term({req(zone, Operator::in, {"test-zone-1", "test-zone-2"})}));
  auto p3 = pods.add(PodSpecBuilder().cpu("10m").required_term({req(zone, Operator::in, {"test-zone-1", "test-zone-3"})}));
  std::vector<NodeClaimTemplate> ts{make_template(types, scheduling_suite_pool())};

  auto r1 = Solver(ts, {}, scheduling_suite_options()).solve(pods.range(p1, 1));
  auto nodes = launch_all(r1, ts);
  REQUIRE(nodes.size() == 1);
  CHECK(nodes[0].zone == "test-zone-2");
  auto node1 = as_existing_node(nodes[0], 1, "node-1", pods);

  // test-zone-2 is in the intersection of the selectors and the node has room: no new node
  auto r2 = Solver(ts, {node1}, scheduling_suite_options()).solve(pods.range(p2, 1));
  CHECK(r2.errors.empty());
  CHECK(r2.new_claims.empty());
  REQUIRE(r2.existing.count(1) == 1);
  CHECK(r2.existing.at(1) == std::vector<cluster::PodId>{p2});
  node1.remaining -= pods.pods()[p2].spec->requests;  // p2 bound to node-1

  // node-1 is in test-zone-2, so the third pod needs a new node
  auto r3 = Solver(ts, {node1}, scheduling_suite_options()).solve(pods.range(p3, 1));
  CHECK(r3.errors.empty());
  CHECK(r3.existing.empty());
  auto nodes3 = launch_all(r3, ts);
  REQUIRE(nodes3.size() == 1);
  CHECK(nodes3[0].pods == std::vector<cluster::PodId>{p3});
  CHECK(nodes3[0].zone != "test-zone-2");
}

// scheduling/suite_test.go › Preferential Fallback › Required › "should relax multiple terms"
TEST_CASE("S13 required node-affinity OR-terms are relaxed one by one", "[conformance][karpenter]") {
  auto types = catalog::fake_default_instance_types();
  const std::string zone(label::k_zone);
  std::vector<NodeClaimTemplate> ts{make_template(types, scheduling_suite_pool())};
  PodSet pods;
  pods.add(PodSpecBuilder()
               .required_term({req(zone, Operator::in, {"invalid"})})
               .required_term({req(zone, Operator::in, {"invalid"})})
               .required_term({req(zone, Operator::in, {"test-zone-1"})})
               .required_term({req(zone, Operator::in, {"test-zone-2"})}));  // OR: never reached
  auto r = Solver(ts, {}, scheduling_suite_options()).solve(pods.pods());
  CHECK(r.errors.empty());
  auto nodes = launch_all(r, ts);
  REQUIRE(nodes.size() == 1);
  CHECK(nodes[0].zone == "test-zone-1");
  CHECK(nodes[0].labels.at(zone) == "test-zone-1");
}

// scheduling/suite_test.go › Preferential Fallback › Required › "should not relax the final term"
TEST_CASE("S13b the last required term is never relaxed", "[conformance][karpenter]") {
  auto types = catalog::fake_default_instance_types();
  const std::string zone(label::k_zone);
  NodePoolOptions pool = scheduling_suite_pool();
  pool.requirements = {req(zone, Operator::in, {"test-zone-1"}),
                       req(std::string(label::k_instance_type), Operator::in, {"default-instance-type"})};
  std::vector<NodeClaimTemplate> ts{make_template(types, pool)};
  PodSet pods;
  pods.add(PodSpecBuilder().required_term({req(zone, Operator::in, {"invalid"})}));
  auto r = Solver(ts, {}, scheduling_suite_options()).solve(pods.pods());
  CHECK(r.new_claims.empty());
  CHECK(r.errors.size() == 1);
}

// scheduling/suite_test.go › Preferential Fallback › Preferred › "should relax to use lighter weights"
TEST_CASE("S15 preferred terms are relaxed heaviest first", "[conformance][karpenter]") {
  auto types = catalog::fake_default_instance_types();
  const std::string zone(label::k_zone);
  NodePoolOptions pool = scheduling_suite_pool();
  pool.requirements = {req(zone, Operator::in, {"test-zone-1", "test-zone-2"})};
  std::vector<NodeClaimTemplate> ts{make_template(types, pool)};
  PodSet pods;
  pods.add(PodSpecBuilder()
               .preferred_term(100, {req(std::string(label::k_instance_type), Operator::in, {"test-zone-3"})})
               .preferred_term(50, {req(zone, Operator::in, {"test-zone-2"})})
               .preferred_term(1, {req(zone, Operator::in, {"test-zone-1"})}));  // never reached
  auto r = Solver(ts, {}, scheduling_suite_options()).solve(pods.pods());
  CHECK(r.errors.empty());
  auto nodes = launch_all(r, ts);
  REQUIRE(nodes.size() == 1);
  CHECK(nodes[0].zone == "test-zone-2");
}

// provisioning/suite_test.go › Multiple NodePools › Weighted NodePools › "should schedule to the
// nodepool with the highest priority always"
TEST_CASE("S27a pods go to the NodePool with the highest weight", "[conformance][karpenter]") {
  auto types = catalog::fake_default_instance_types();
  NodePoolOptions a;  // provisioning-suite NodePools: no requirements, limits cpu 2000
  a.name = "pool-no-weight";
  NodePoolOptions b;
  b.name = "pool-weight-20";
  b.weight = 20;
  NodePoolOptions c;
  c.name = "pool-weight-100";
  c.weight = 100;
  auto ts = order_by_weight({make_template(types, a), make_template(types, b), make_template(types, c)});
  PodSet pods;
  pods.add(make_pod_spec(), 3);
  auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
  CHECK(r.errors.empty());
  auto nodes = launch_all(r, ts);
  REQUIRE(!nodes.empty());
  std::size_t placed = 0;
  for (const auto& n : nodes) {
    CHECK(n.node_pool == "pool-weight-100");
    CHECK(n.labels.at(std::string(label::k_nodepool)) == "pool-weight-100");
    placed += n.pods.size();
  }
  CHECK(placed == 3);
}

// provisioning/suite_test.go › Multiple NodePools › "should not match NodePool with
// PreferNoSchedule taint when other NodePool match"
TEST_CASE("S27b a PreferNoSchedule NodePool is avoided when another matches", "[conformance][karpenter]") {
  auto types = catalog::fake_default_instance_types();
  NodePoolOptions tainted;
  tainted.name = "tainted";  // sorts before "plain" (weight tie: name descending), so it is tried first
  tainted.taints = {Taint{"foo", "bar", TaintEffect::prefer_no_schedule}};
  NodePoolOptions plain;
  plain.name = "plain";
  auto ts = order_by_weight({make_template(types, plain), make_template(types, tainted)});
  REQUIRE(ts[0].node_pool == "tainted");
  PodSet pods;
  pods.add(make_pod_spec());
  auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
  CHECK(r.errors.empty());
  auto nodes = launch_all(r, ts);
  REQUIRE(nodes.size() == 1);
  CHECK(nodes[0].node_pool == "plain");
}

// provisioning/suite_test.go › Preferential Fallback › "should tolerate PreferNoSchedule taint only
// after trying to relax Affinity terms"
TEST_CASE("S27b' PreferNoSchedule is tolerated after preferences are relaxed", "[conformance][karpenter]") {
  auto types = catalog::fake_default_instance_types();
  NodePoolOptions tainted;
  tainted.name = "tainted";
  tainted.taints = {Taint{"foo", "bar", TaintEffect::prefer_no_schedule}};
  std::vector<NodeClaimTemplate> ts{make_template(types, tainted)};
  PodSet pods;
  pods.add(PodSpecBuilder()
               .preferred_term(1, {req(std::string(label::k_zone), Operator::in, {"invalid"})})
               .preferred_term(1, {req(std::string(label::k_instance_type), Operator::in, {"invalid"})}));
  auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
  CHECK(r.errors.empty());
  auto nodes = launch_all(r, ts);
  REQUIRE(nodes.size() == 1);
  CHECK(nodes[0].node_pool == "tainted");
}

// provisioning/suite_test.go › "should provision multiple nodes when maxPods is set"
TEST_CASE("S27c a single-pod instance type yields one node per pod", "[conformance][karpenter]") {
  auto types = catalog::fake_default_instance_types();
  NodePoolOptions pool;
  pool.requirements = {req(std::string(label::k_instance_type), Operator::in, {"single-pod-instance-type"})};
  std::vector<NodeClaimTemplate> ts{make_template(types, pool)};
  REQUIRE(ts[0].instance_types.size() == 1);
  PodSet pods;
  pods.add(make_pod_spec(), 3);
  auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
  CHECK(r.errors.empty());
  auto nodes = launch_all(r, ts);
  REQUIRE(nodes.size() == 3);
  for (const auto& n : nodes) {
    CHECK(n.instance_type == "single-pod-instance-type");
    CHECK(n.pods.size() == 1);
  }
  CHECK(names_of(nodes) == std::set<std::string>{"single-pod-instance-type"});
}

// The fake catalogues themselves (fake/instancetype.go; reference 8.1 table).
TEST_CASE("fake provider catalogues match upstream", "[conformance][karpenter][catalog]") {
  auto types = catalog::fake_default_instance_types();
  REQUIRE(types.size() == 6);
  struct Row {
    const char* name;
    std::int64_t price_nano;
    std::int64_t alloc_cpu_m;
    std::int64_t alloc_mem_mib;
    std::int64_t pods;
  };
  const Row rows[] = {{"default-instance-type", 829496730, 3900, 4086, 5},
                      {"small-instance-type", 414748365, 1900, 2038, 5},
                      {"gpu-vendor-instance-type", 1829496730, 3900, 4086, 5},
                      {"gpu-vendor-b-instance-type", 1829496730, 3900, 4086, 5},
                      {"arm-instance-type", 15343895347, 15900, 131062, 5},
                      {"single-pod-instance-type", 829496730, 3900, 4086, 1}};
  for (std::size_t i = 0; i < 6; ++i) {
    const auto& it = types[i];
    INFO(it.name);
    CHECK(it.name == rows[i].name);
    CHECK(it.info == nullptr);
    REQUIRE(it.offerings.size() == 5);
    for (const auto& o : it.offerings) CHECK(o.price.nano_usd == rows[i].price_nano);
    CHECK(it.offerings[0].capacity_type == "spot");
    CHECK(it.offerings[0].zone == "test-zone-1");
    CHECK(it.offerings[4].capacity_type == "on-demand");
    CHECK(it.offerings[4].zone == "test-zone-3");
    CHECK(it.allocatable.cpu_millis() == rows[i].alloc_cpu_m);
    CHECK(it.allocatable.memory_bytes() == rows[i].alloc_mem_mib * 1024 * 1024);
    CHECK(it.allocatable.pods() == rows[i].pods);
    CHECK(it.requirements.get(std::string(label::k_zone))->values() ==
          std::vector<std::string>{"test-zone-1", "test-zone-2", "test-zone-3"});
    CHECK(it.requirements.get(std::string(label::k_capacity_type))->values() ==
          std::vector<std::string>{"on-demand", "spot"});
  }
  CHECK(types[2].capacity.get(catalog::k_fake_vendor_a) == qty("2"));
  CHECK(types[4].requirements.get(std::string(label::k_arch))->values() == std::vector<std::string>{"arm64"});
  CHECK(types[4].requirements.get("size")->values() == std::vector<std::string>{"large"});
  CHECK(types[4].requirements.get("special")->values() == std::vector<std::string>{"optional"});
  CHECK(types[4].requirements.get("integer")->values() == std::vector<std::string>{"16"});
  CHECK(types[0].requirements.get("size")->values() == std::vector<std::string>{"small"});
  CHECK(types[0].requirements.get("special")->op() == Operator::does_not_exist);

  auto its = catalog::fake_instance_types(400);
  REQUIRE(its.size() == 400);
  CHECK(its[0].name == "fake-it-0");
  CHECK(its[0].offerings[0].price.nano_usd == 314748365);  // 1 x 0.3147483648
  CHECK(its[399].name == "fake-it-399");
  CHECK(its[399].capacity.cpu_millis() == 400'000);
  CHECK(its[399].capacity.memory_bytes() == 800LL * 1024 * 1024 * 1024);
  CHECK(its[399].capacity.pods() == 4000);
  CHECK(its[399].offerings[0].price.nano_usd == 125899345920);  // 400 x 0.3147483648

  auto assorted = catalog::fake_assorted_instance_types();
  REQUIRE(assorted.size() == 1344);  // 7 cpu x 8 memory x 3 zones x 2 capacity types x 2 os x 2 arch
  CHECK(assorted[0].name == "1-cpu-1-mem-amd64-linux-test-zone-1-spot");
  REQUIRE(assorted[0].offerings.size() == 1);
  CHECK(assorted[0].offerings[0].price.nano_usd == 207374182);  // cheapest: 0.2073742
  CHECK(assorted.back().name == "64-cpu-128-mem-arm64-windows-test-zone-3-on-demand");
  CHECK(assorted.back().offerings[0].price.nano_usd == 20143895347);  // 20.1438953
  CHECK(assorted.back().requirements.get(std::string(label::k_zone))->values() ==
        std::vector<std::string>{"test-zone-3"});
}
