// Karpenter's scheduling solver (scheduling/solver.hpp) beyond the conformance cases: queue
// ordering, in-flight ordering, NodePool limits (subtractMax), per-instance-type daemon overhead,
// minValues, truncation and price ordering at finalisation, and the text of failure reasons.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "capsim/catalog/fake_provider.hpp"
#include "capsim/scheduling/solver.hpp"
#include "support/pod_builder.hpp"

using namespace capsim;
using namespace capsim::test;
using capsim::scheduling::ExistingNodeInput;
using capsim::scheduling::NodeClaimTemplate;
using capsim::scheduling::Solver;
using capsim::scheduling::SolverOptions;
using capsim::scheduling::SolverResult;

namespace {

const std::string k_zone(label::k_zone);
const std::string k_arch(label::k_arch);
const std::string k_type(label::k_instance_type);

// An existing node with room for exactly one pod (pods: 1) and plenty of cpu/memory.
ExistingNodeInput one_slot_node() {
  ExistingNodeInput n;
  n.id = 3;
  n.name = "node-a";
  n.initialized = true;
  n.requirements = Requirements::from_labels({{std::string(label::k_hostname), "node-a"}});
  n.remaining.set(Resource::cpu, qty("100"));
  n.remaining.set(Resource::memory, qty("100Gi"));
  n.remaining.set(Resource::pods, qty("1"));
  return n;
}

// Which pod the queue order places first: the one that wins the single slot.
cluster::PodId first_in_queue(const PodSet& pods) {
  auto r = Solver({}, {one_slot_node()}, SolverOptions{}).solve(pods.pods());
  REQUIRE(r.existing.count(3) == 1);
  REQUIRE(r.existing.at(3).size() == 1);
  CHECK(r.errors.size() == pods.size() - 1);
  return r.existing.at(3).front();
}

std::vector<std::string> type_names(const scheduling::NewNodeClaim& nc) {
  std::vector<std::string> out;
  for (const auto* it : nc.instance_types) out.push_back(it->name);
  return out;
}


}  // namespace

// queue.go byCPUAndMemoryDescending: CPU desc, memory desc, creation asc, UID asc.
TEST_CASE("pods are queued by cpu, memory, creation time and uid", "[scheduling]") {
  SECTION("larger cpu first") {
    PodSet pods;
    pods.add_with(make_pod_spec("1", "8Gi"), 0, SimTime{0}, "a");
    auto b = pods.add_with(make_pod_spec("2", "1Gi"), 1, SimTime{5}, "b");
    CHECK(first_in_queue(pods) == b);
  }
  SECTION("same cpu: larger memory first") {
    PodSet pods;
    pods.add_with(make_pod_spec("1", "1Gi"), 0, SimTime{0}, "a");
    auto b = pods.add_with(make_pod_spec("1", "2Gi"), 1, SimTime{5}, "b");
    CHECK(first_in_queue(pods) == b);
  }
  SECTION("same requests: older first") {
    PodSet pods;
    pods.add_with(make_pod_spec("1", "1Gi"), 0, SimTime{9}, "a");
    auto b = pods.add_with(make_pod_spec("1", "1Gi"), 1, SimTime{5}, "b");
    CHECK(first_in_queue(pods) == b);
  }
  SECTION("same requests and age: smaller uid first") {
    PodSet pods;
    pods.add_with(make_pod_spec("1", "1Gi"), 42, SimTime{5}, "a");
    auto b = pods.add_with(make_pod_spec("1", "1Gi"), 7, SimTime{5}, "b");
    CHECK(first_in_queue(pods) == b);
  }
}

// scheduler.go add(): in-flight NodeClaims sorted by pod count ascending before each pod (capsim
// breaks ties by creation order).
TEST_CASE("in-flight NodeClaims are tried fewest pods first", "[scheduling]") {
  auto types = catalog::fake_default_instance_types();
  std::vector<NodeClaimTemplate> ts{make_template(types)};
  PodSet pods;
  auto a1 = pods.add(PodSpecBuilder().cpu("1").node_selector(k_zone, "test-zone-1"));
  auto a2 = pods.add(PodSpecBuilder().cpu("1").node_selector(k_zone, "test-zone-1"));
  auto b1 = pods.add(PodSpecBuilder().cpu("1").node_selector(k_zone, "test-zone-2"));
  auto free1 = pods.add(PodSpecBuilder().cpu("500m"));  // claims: A 2 pods, B 1 pod -> B
  auto free2 = pods.add(PodSpecBuilder().cpu("100m"));  // A 2, B 2 -> tie: A (created first)
  auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
  CHECK(r.errors.empty());
  REQUIRE(r.new_claims.size() == 2);
  CHECK(r.new_claims[0].pods == std::vector<cluster::PodId>{a1, a2, free2});
  CHECK(r.new_claims[1].pods == std::vector<cluster::PodId>{b1, free1});
  CHECK(r.new_claims[1].requirements.get(k_zone)->values() == std::vector<std::string>{"test-zone-2"});
}

TEST_CASE("existing nodes are tried before NodeClaims, initialized first then by name", "[scheduling]") {
  auto types = catalog::fake_default_instance_types();
  std::vector<NodeClaimTemplate> ts{make_template(types)};
  auto node = [](cluster::NodeId id, const char* name, bool init) {
    ExistingNodeInput n;
    n.id = id;
    n.name = name;
    n.initialized = init;
    n.requirements = Requirements::from_labels({{std::string(label::k_hostname), name}});
    n.remaining.set(Resource::cpu, qty("4"));
    n.remaining.set(Resource::memory, qty("4Gi"));
    n.remaining.set(Resource::pods, qty("10"));
    return n;
  };
  PodSet pods;
  pods.add(make_pod_spec("3"), 4);
  auto r = Solver(ts, {node(1, "a-uninit", false), node(2, "z-init", true), node(3, "b-init", true)}, SolverOptions{})
               .solve(pods.pods());
  CHECK(r.errors.empty());
  CHECK(r.new_claims.size() == 1);
  CHECK(r.existing.at(3) == std::vector<cluster::PodId>{0});  // b-init
  CHECK(r.existing.at(2) == std::vector<cluster::PodId>{1});  // z-init
  CHECK(r.existing.at(1) == std::vector<cluster::PodId>{2});  // a-uninit last
}

// scheduler.go filterByRemainingResources / subtractMax; provisioning/suite_test.go › Limits.
TEST_CASE("NodePool limits: capacity filter and pessimistic subtractMax", "[scheduling]") {
  auto types = catalog::fake_default_instance_types();
  SECTION("a new NodeClaim consumes the largest capacity among its options") {
    NodePoolOptions pool;
    pool.requirements = {req(k_arch, Operator::in, {"amd64"})};  // 4-cpu types and the 2-cpu small one
    pool.limits = {{"cpu", "6"}};
    std::vector<NodeClaimTemplate> ts{make_template(types, pool)};
    PodSet pods;
    auto p1 = pods.add(PodSpecBuilder().cpu("300m").node_selector(k_zone, "test-zone-1"));
    auto p2 = pods.add(PodSpecBuilder().cpu("200m").node_selector(k_zone, "test-zone-2"));
    auto p3 = pods.add(PodSpecBuilder().cpu("100m").node_selector(k_zone, "test-zone-3"));
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    REQUIRE(r.new_claims.size() == 2);
    // p1: every type fits the limit; 6 - max(4, 2) = 2 remain although small would do
    CHECK(r.new_claims[0].pods == std::vector<cluster::PodId>{p1});
    CHECK(r.new_claims[0].instance_types.front()->name == "small-instance-type");
    CHECK(r.new_claims[0].instance_types.size() == 5);
    // p2: only the 2-cpu type is within the remaining 2; then 0 remain
    CHECK(r.new_claims[1].pods == std::vector<cluster::PodId>{p2});
    CHECK(type_names(r.new_claims[1]) == std::vector<std::string>{"small-instance-type"});
    // p3: nothing left
    REQUIRE(r.errors.count(p3) == 1);
    CHECK(r.errors.at(p3) ==
          "incompatible with nodepool \"default\", all available instance types exceed limits for nodepool");
  }
  SECTION("should not schedule if limits would be exceeded") {
    NodePoolOptions pool;
    pool.limits = {{"cpu", "2"}};
    std::vector<NodeClaimTemplate> ts{make_template(types, pool)};
    PodSet pods;
    pods.add(PodSpecBuilder().cpu("2.1"));
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    CHECK(r.new_claims.empty());
    REQUIRE(r.errors.count(0) == 1);
    CHECK(r.errors.at(0).find("no instance type has enough resources") != std::string::npos);
  }
  SECTION("should not schedule if limits would be exceeded (GPU)") {
    NodePoolOptions pool;
    pool.limits = {{"pods", "1"}};
    std::vector<NodeClaimTemplate> ts{make_template(types, pool)};
    PodSet pods;
    pods.add(PodSpecBuilder().resource(catalog::k_fake_vendor_a, "1"));
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    CHECK(r.new_claims.empty());
    CHECK(r.errors.count(0) == 1);
  }
  SECTION("should not schedule to a nodepool after a scheduling round if limits would be exceeded") {
    // Round 2 sees remaining = 2 - capacity of the small node launched in round 1.
    NodePoolOptions pool;
    pool.limits = {{"cpu", "2"}};
    auto t = make_template(types, pool);
    PodSet pods;
    pods.add(PodSpecBuilder().cpu("1.75"), 2);
    auto r1 = Solver({t}, {}, SolverOptions{}).solve(pods.range(0, 1));
    REQUIRE(r1.new_claims.size() == 1);
    CHECK(r1.new_claims[0].instance_types.front()->name == "small-instance-type");
    t.remaining_limits.set(Resource::cpu, qty("0"));  // 2 - 2 (small-instance-type capacity)
    auto r2 = Solver({t}, {}, SolverOptions{}).solve(pods.range(1, 1));
    CHECK(r2.new_claims.empty());
    CHECK(r2.errors.count(1) == 1);
  }
  SECTION("a nodes limit of zero refuses new NodeClaims") {
    NodePoolOptions pool;
    pool.limits = {{"nodes", "0"}};
    std::vector<NodeClaimTemplate> ts{make_template(types, pool)};
    PodSet pods;
    pods.add(make_pod_spec("1"));
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    CHECK(r.errors.at(0) == "incompatible with nodepool \"default\", all available nodes limit exceeded");
  }
}

// provisioning/suite_test.go › Daemonsets › "should account for daemonsets"; buildDaemonOverheadGroups.
TEST_CASE("daemon overhead is added per instance type", "[scheduling]") {
  auto types = catalog::fake_default_instance_types();
  SECTION("the same overhead on every type rules the small type out") {
    NodePoolOptions pool;
    pool.daemon_overhead.set(Resource::cpu, qty("2"));
    pool.daemon_overhead.set(Resource::memory, qty("2Gi"));
    pool.daemon_overhead.set(Resource::pods, qty("1"));
    std::vector<NodeClaimTemplate> ts{make_template(types, pool)};
    PodSet pods;
    pods.add(make_pod_spec("1", "1Gi"));
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    REQUIRE(r.new_claims.size() == 1);
    const auto& nc = r.new_claims[0];
    CHECK(nc.instance_types.front()->name == "default-instance-type");  // 4 cpu / 4Gi, not 2 / 2Gi
    CHECK(std::none_of(nc.instance_types.begin(), nc.instance_types.end(),
                       [](const auto* it) { return it->name == "small-instance-type" || it->name == "single-pod-instance-type"; }));
    // recorded requests: pod + the minimum overhead among surviving types
    CHECK(nc.pod_requests.cpu_millis() == 1000);
    CHECK(nc.requests.cpu_millis() == 3000);
    CHECK(nc.requests.pods() == 2);
  }
  SECTION("overhead on one type only affects that type") {
    auto t = make_template(types);
    for (std::size_t i = 0; i < t.instance_types.size(); ++i)
      if (t.instance_types[i]->name == "small-instance-type") t.daemon_overhead[i].set(Resource::cpu, qty("1"));
    PodSet pods;
    pods.add(make_pod_spec("1"));
    auto r = Solver({t}, {}, SolverOptions{}).solve(pods.pods());
    REQUIRE(r.new_claims.size() == 1);
    CHECK(r.new_claims[0].instance_types.front()->name == "default-instance-type");  // small: 1 + 1 > 1.9
    PodSet small_pod;
    small_pod.add(make_pod_spec("800m"));
    auto r2 = Solver({t}, {}, SolverOptions{}).solve(small_pod.pods());
    REQUIRE(r2.new_claims.size() == 1);
    CHECK(r2.new_claims[0].instance_types.front()->name == "small-instance-type");  // 0.8 + 1 <= 1.9
    CHECK(r2.new_claims[0].requests.cpu_millis() == 800);  // min overhead among survivors is 0
  }
}

// nodeclaim.go filterInstanceTypesByRequirements + SatisfiesMinValues (Strict policy).
TEST_CASE("minValues is enforced under the Strict policy", "[scheduling]") {
  auto types = catalog::fake_default_instance_types();
  NodePoolOptions pool;
  Requirement exists_mv(k_type, Operator::exists, {}, 3);
  pool.requirements = {exists_mv};
  std::vector<NodeClaimTemplate> ts{make_template(types, pool)};
  SECTION("enough distinct types survive") {
    PodSet pods;
    pods.add(make_pod_spec("3"));  // default, gpu-a, gpu-b, arm, single-pod
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    CHECK(r.errors.empty());
    REQUIRE(r.new_claims.size() == 1);
    CHECK(r.new_claims[0].instance_types.size() == 5);
  }
  SECTION("too few types: unschedulable under Strict") {
    PodSet pods;
    pods.add(make_pod_spec("3950m"));  // only arm-instance-type has the room
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    CHECK(r.new_claims.empty());
    REQUIRE(r.errors.count(0) == 1);
    CHECK(r.errors.at(0) ==
          "incompatible with nodepool \"default\", minValues requirement is not met for label(s) "
          "(label=\"node.kubernetes.io/instance-type\", required=3, found=1)");
  }
  SECTION("BestEffort keeps the claim") {
    PodSet pods;
    pods.add(make_pod_spec("3950m"));
    SolverOptions o;
    o.min_values_strict = false;
    auto r = Solver(ts, {}, o).solve(pods.pods());
    CHECK(r.errors.empty());
    REQUIRE(r.new_claims.size() == 1);
    CHECK(type_names(r.new_claims[0]) == std::vector<std::string>{"arm-instance-type"});
  }
  SECTION("truncation below minValues fails the NodeClaim at finalisation") {
    PodSet pods;
    pods.add(make_pod_spec("100m"));
    SolverOptions o;
    o.max_instance_types = 2;
    auto r = Solver(ts, {}, o).solve(pods.pods());
    CHECK(r.new_claims.empty());
    REQUIRE(r.errors.count(0) == 1);
    CHECK(r.errors.at(0) == "all instance types were filtered out when finalizing the nodeclaim");
  }
}

// nodeclaimtemplate.go ToNodeClaim: OrderByPrice then the first MaxInstanceTypes.
TEST_CASE("finalized NodeClaims list types cheapest first, ties by name, truncated", "[scheduling]") {
  auto same = [](const char* name) {
    catalog::FakeInstanceTypeOptions o;
    o.resources.set(Resource::cpu, qty("2"));
    return catalog::fake_new_instance_type(name, o);
  };
  catalog::FakeInstanceTypeOptions cheap;
  cheap.resources.set(Resource::cpu, qty("1"));
  cheap.resources.set(Resource::memory, qty("1Gi"));
  std::vector<catalog::InstanceType> types{same("b-type"), same("c-type"), catalog::fake_new_instance_type("z-cheap", cheap),
                                           same("a-type")};
  std::vector<NodeClaimTemplate> ts{make_template(types)};
  PodSet pods;
  pods.add(make_pod_spec("100m"));
  SECTION("all types, ordered") {
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    REQUIRE(r.new_claims.size() == 1);
    CHECK(type_names(r.new_claims[0]) == std::vector<std::string>{"z-cheap", "a-type", "b-type", "c-type"});
    CHECK(r.new_claims[0].daemon_overhead.size() == 4);
  }
  SECTION("truncated to max_instance_types") {
    SolverOptions o;
    o.max_instance_types = 3;
    auto r = Solver(ts, {}, o).solve(pods.pods());
    REQUIRE(r.new_claims.size() == 1);
    CHECK(type_names(r.new_claims[0]) == std::vector<std::string>{"z-cheap", "a-type", "b-type"});
  }
  SECTION("the price is that of the cheapest compatible offering") {
    // c-type gets a cheap offering only in test-zone-3; with the pod pinned to test-zone-1 it is ignored.
    types[1].offerings[4].price = Money::from_usd(0.01);
    std::vector<NodeClaimTemplate> ts2{make_template(types)};
    PodSet zonal;
    zonal.add(PodSpecBuilder().cpu("100m").node_selector(k_zone, "test-zone-1"));
    auto r = Solver(ts2, {}, SolverOptions{}).solve(zonal.pods());
    REQUIRE(r.new_claims.size() == 1);
    CHECK(type_names(r.new_claims[0]) == std::vector<std::string>{"z-cheap", "a-type", "b-type", "c-type"});
    PodSet any;
    any.add(make_pod_spec("100m"));
    auto r2 = Solver(ts2, {}, SolverOptions{}).solve(any.pods());
    REQUIRE(r2.new_claims.size() == 1);
    CHECK(r2.new_claims[0].instance_types.front()->name == "c-type");
  }
  SECTION("the hostname placeholder requirement is dropped") {
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    REQUIRE(r.new_claims.size() == 1);
    CHECK(r.new_claims[0].hostname == "hostname-placeholder-0000");
    CHECK_FALSE(r.new_claims[0].requirements.has(std::string(label::k_hostname)));
  }
}

TEST_CASE("failure reasons", "[scheduling]") {
  auto types = catalog::fake_default_instance_types();
  SECTION("no NodePools") {
    PodSet pods;
    pods.add(make_pod_spec("1"));
    auto r = Solver(std::vector<scheduling::NodeClaimTemplate>{}, {}, SolverOptions{}).solve(pods.pods());
    CHECK(r.errors.at(0) == "no nodepools found");
  }
  SECTION("untolerated taint") {
    NodePoolOptions pool;
    pool.taints = {Taint{"dedicated", "gpu", TaintEffect::no_schedule}};
    std::vector<NodeClaimTemplate> ts{make_template(types, pool)};
    PodSet pods;
    pods.add(make_pod_spec("1"));
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    CHECK(r.errors.at(0) == "incompatible with nodepool \"default\", did not tolerate taint dedicated=gpu:NoSchedule");
    PodSet tolerant;
    tolerant.add(PodSpecBuilder().cpu("1").toleration(Toleration{"dedicated", false, "gpu", TaintEffect::no_schedule}));
    CHECK(Solver(ts, {}, SolverOptions{}).solve(tolerant.pods()).errors.empty());
  }
  SECTION("custom label the NodePool does not define") {
    std::vector<NodeClaimTemplate> ts{make_template(types)};
    PodSet pods;
    pods.add(PodSpecBuilder().node_selector("team", "a"));
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    CHECK(r.errors.at(0) == "incompatible with nodepool \"default\", label \"team\" does not have known values");
  }
  SECTION("conflicting requirement") {
    NodePoolOptions pool;
    pool.requirements = {req(k_zone, Operator::in, {"test-zone-1"})};
    std::vector<NodeClaimTemplate> ts{make_template(types, pool)};
    PodSet pods;
    pods.add(PodSpecBuilder().node_selector(k_zone, "test-zone-2"));
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    CHECK(r.errors.at(0) ==
          "incompatible with nodepool \"default\", key topology.kubernetes.io/zone, In [test-zone-2] not in In "
          "[test-zone-1]");
  }
  SECTION("no type meets the requirements") {
    std::vector<NodeClaimTemplate> ts{make_template(types)};
    PodSet pods;
    pods.add(PodSpecBuilder().node_selector(k_type, "m5.large"));
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    CHECK(r.errors.at(0).starts_with(
        "incompatible with nodepool \"default\", no instance type met the scheduling requirements (requirements: "));
  }
  SECTION("no type is large enough") {
    std::vector<NodeClaimTemplate> ts{make_template(types)};
    PodSet pods;
    pods.add(make_pod_spec("", "2Ti"));
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    CHECK(r.errors.at(0).starts_with("incompatible with nodepool \"default\", no instance type has enough resources"));
    CHECK(r.errors.at(0).find("resources: memory=2Ti pods=1") != std::string::npos);
  }
  SECTION("one reason per NodePool, in NodePool order") {
    NodePoolOptions a;
    a.name = "a";
    a.taints = {Taint{"x", "", TaintEffect::no_execute}};
    NodePoolOptions b;
    b.name = "b";
    b.limits = {{"cpu", "0"}};
    auto ts = order_by_weight({make_template(types, a), make_template(types, b)});
    PodSet pods;
    pods.add(make_pod_spec("1"));
    auto r = Solver(ts, {}, SolverOptions{}).solve(pods.pods());
    CHECK(r.errors.at(0) ==
          "incompatible with nodepool \"b\", all available instance types exceed limits for nodepool; "
          "incompatible with nodepool \"a\", did not tolerate taint x:NoExecute");
  }
}
