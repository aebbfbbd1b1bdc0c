// The kube-scheduler binder (scheduling/kube_scheduler.hpp): default filters and the default
// score plugins (kube_score.hpp) with capsim's lowest-name tie-break, over a ClusterState built
// directly.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "capsim/cluster/cluster_state.hpp"
#include "capsim/scheduling/kube_scheduler.hpp"
#include "support/pod_builder.hpp"

using namespace capsim;
using namespace capsim::test;
using capsim::scheduling::kube_filter;
using capsim::scheduling::balanced_allocation_score;
using capsim::scheduling::least_allocated_score;
using capsim::scheduling::score_nodes;
using capsim::scheduling::select_node;

namespace {

cluster::Node make_node(const std::string& name, const char* cpu, const char* memory, const char* pods = "110") {
  cluster::Node n;
  n.name = name;
  n.state = cluster::NodeState::ready;
  n.labels = {{std::string(label::k_hostname), name}, {std::string(label::k_zone), "us-east-1a"}};
  n.allocatable.set(Resource::cpu, qty(cpu));
  n.allocatable.set(Resource::memory, qty(memory));
  n.allocatable.set(Resource::pods, qty(pods));
  n.capacity = n.allocatable;
  return n;
}

cluster::PodId add_pod(cluster::ClusterState& s, const std::string& name, cluster::PodSchedulingSpec spec) {
  cluster::Pod p;
  p.name = name;
  p.spec = std::make_shared<const cluster::PodSchedulingSpec>(std::move(spec));
  return s.add_pod(std::move(p));
}

}  // namespace

TEST_CASE("kube_filter: resources and pod count", "[scheduling]") {
  cluster::ClusterState s;
  auto nid = s.add_node(make_node("n1", "2", "4Gi", "2"));
  auto a = add_pod(s, "a", make_pod_spec("1", "1Gi"));
  s.bind(a, nid, SimTime{0});
  const auto& node = s.node(nid);
  CHECK(kube_filter(node, make_pod_spec("1", "3Gi"), s).empty());
  CHECK(kube_filter(node, make_pod_spec("1100m"), s) == "Insufficient cpu");
  CHECK(kube_filter(node, make_pod_spec("", "3100Mi"), s) == "Insufficient memory");
  auto b = add_pod(s, "b", make_pod_spec("100m"));
  s.bind(b, nid, SimTime{0});
  CHECK(kube_filter(s.node(nid), make_pod_spec(), s) == "Too many pods");
}

TEST_CASE("kube_filter: taints", "[scheduling]") {
  cluster::ClusterState s;
  auto n = make_node("n1", "4", "4Gi");
  n.taints = {Taint{"dedicated", "infra", TaintEffect::no_schedule}};
  auto nid = s.add_node(n);
  CHECK(kube_filter(s.node(nid), make_pod_spec(), s) == "node(s) had untolerated taint {dedicated=infra:NoSchedule}");
  auto tolerant = PodSpecBuilder().toleration(Toleration{"dedicated", false, "infra", std::nullopt}).build();
  CHECK(kube_filter(s.node(nid), tolerant, s).empty());
  auto wrong_value = PodSpecBuilder().toleration(Toleration{"dedicated", false, "other", std::nullopt}).build();
  CHECK_FALSE(kube_filter(s.node(nid), wrong_value, s).empty());

  SECTION("NoExecute must be tolerated too") {
    auto m = make_node("n2", "4", "4Gi");
    m.taints = {Taint{"gone", "", TaintEffect::no_execute}};
    auto mid = s.add_node(m);
    CHECK(kube_filter(s.node(mid), make_pod_spec(), s) == "node(s) had untolerated taint {gone:NoExecute}");
    auto exists = PodSpecBuilder().toleration(Toleration{"", true, "", std::nullopt}).build();
    CHECK(kube_filter(s.node(mid), exists, s).empty());
  }
  SECTION("PreferNoSchedule is not a filter") {
    auto m = make_node("n3", "4", "4Gi");
    m.taints = {Taint{"soft", "x", TaintEffect::prefer_no_schedule}};
    auto mid = s.add_node(m);
    CHECK(kube_filter(s.node(mid), make_pod_spec(), s).empty());
  }
}

TEST_CASE("kube_filter: node selector and required node-affinity OR-terms", "[scheduling]") {
  cluster::ClusterState s;
  auto nid = s.add_node(make_node("n1", "4", "4Gi"));
  const auto& node = s.node(nid);
  const std::string zone(label::k_zone);
  const char* k_msg = "node(s) didn't match Pod's node affinity/selector";
  CHECK(kube_filter(node, PodSpecBuilder().node_selector(zone, "us-east-1a"), s).empty());
  CHECK(kube_filter(node, PodSpecBuilder().node_selector(zone, "us-east-1b"), s) == k_msg);
  CHECK(kube_filter(node, PodSpecBuilder().node_selector("team", "a"), s) == k_msg);
  // terms are ORed; expressions inside a term are ANDed
  auto or_terms = PodSpecBuilder()
                      .required_term({req(zone, Operator::in, {"us-east-1b"})})
                      .required_term({req(zone, Operator::in, {"us-east-1a", "us-east-1c"})})
                      .build();
  CHECK(kube_filter(node, or_terms, s).empty());
  auto and_term = PodSpecBuilder()
                      .required_term({req(zone, Operator::in, {"us-east-1a"}), req("team", Operator::exists)})
                      .build();
  CHECK(kube_filter(node, and_term, s) == k_msg);
  auto not_in = PodSpecBuilder().required_term({req("team", Operator::not_in, {"a"})}).build();
  CHECK(kube_filter(node, not_in, s).empty());
  // preferred terms never filter
  auto preferred = PodSpecBuilder().preferred_term(100, {req(zone, Operator::in, {"nowhere"})}).build();
  CHECK(kube_filter(node, preferred, s).empty());
}

TEST_CASE("kube_filter: host ports and unschedulable nodes", "[scheduling]") {
  cluster::ClusterState s;
  auto nid = s.add_node(make_node("n1", "4", "4Gi"));
  auto a = add_pod(s, "a", PodSpecBuilder().host_port(8080));
  s.bind(a, nid, SimTime{0});
  CHECK(kube_filter(s.node(nid), PodSpecBuilder().host_port(8080), s) ==
        "node(s) didn't have free ports for the requested pod ports");
  CHECK(kube_filter(s.node(nid), PodSpecBuilder().host_port(9090), s).empty());

  auto cordoned = make_node("n2", "4", "4Gi");
  cordoned.unschedulable = true;
  auto cid = s.add_node(cordoned);
  CHECK(kube_filter(s.node(cid), make_pod_spec(), s) == "node(s) were unschedulable");
  auto booting = make_node("n3", "4", "4Gi");
  booting.state = cluster::NodeState::registered;
  auto bid = s.add_node(booting);
  CHECK(kube_filter(s.node(bid), make_pod_spec(), s) == "node(s) were unschedulable");
}

// k8s noderesources/least_allocated.go: per resource (alloc - requested) * 100 / alloc, integer
// division, then the mean over cpu and memory (weights 1, 1), integer division.
TEST_CASE("LeastAllocated score arithmetic", "[scheduling]") {
  cluster::ClusterState s;
  auto nid = s.add_node(make_node("n1", "4", "8Gi"));
  auto a = add_pod(s, "a", make_pod_spec("1", "2Gi"));
  s.bind(a, nid, SimTime{0});
  // cpu (4000 - 2000) * 100 / 4000 = 50; memory (8 - 4) * 100 / 8 = 50
  CHECK(least_allocated_score(s.node(nid), make_pod_spec("1", "2Gi")) == 50);
  // cpu (4000 - 1100) * 100 / 4000 = 72 (72.5); memory (8 - 2) * 100 / 8 = 75 -> (72 + 75) / 2 = 73
  CHECK(least_allocated_score(s.node(nid), make_pod_spec("100m")) == 73);
  // over-committed resource scores 0: cpu 0, memory (8 - 2) * 100 / 8 = 75 -> 37
  CHECK(least_allocated_score(s.node(nid), make_pod_spec("5")) == 37);
  // an empty node and a pod with no requests
  auto eid = s.add_node(make_node("n2", "3", "3Gi"));
  CHECK(least_allocated_score(s.node(eid), make_pod_spec()) == 100);
  // cpu (3000 - 1000) * 100 / 3000 = 66; memory 100 -> 83
  CHECK(least_allocated_score(s.node(eid), make_pod_spec("1")) == 83);
}

// k8s noderesources/balanced_allocation.go balancedResourceScorer: fractions requested /
// allocatable after placing the pod, std = |f_cpu - f_mem| / 2, (1 - std) * 100 truncated.
TEST_CASE("BalancedAllocation score arithmetic", "[scheduling]") {
  cluster::ClusterState s;
  auto nid = s.add_node(make_node("n1", "4", "8Gi"));
  s.bind(add_pod(s, "a", make_pod_spec("1", "2Gi")), nid, SimTime{0});
  // cpu 2/4 = 0.5, memory 3/8 = 0.375: std 0.0625 -> 93 (93.75)
  CHECK(balanced_allocation_score(s.node(nid), make_pod_spec("1", "1Gi")) == 93);
  // cpu 5/4 capped at 1, memory 2/8 = 0.25: std 0.375 -> 62 (62.5)
  CHECK(balanced_allocation_score(s.node(nid), make_pod_spec("4")) == 62);
  // a best-effort pod (no cpu, no memory request) is not scored (PreScore returns Skip)
  CHECK(balanced_allocation_score(s.node(nid), make_pod_spec()) == 0);
}

// BalancedAllocation (weight 1) breaks what LeastAllocated alone ties: n1 already runs a
// cpu-only pod, n2 a memory-only pod; a 1-CPU pod scores LeastAllocated 75 on both, Balanced 75
// on n1 (fractions 0.5 / 0) and 100 on n2 (0.25 / 0.25); TaintToleration gives both 3 x 100.
TEST_CASE("select_node: BalancedAllocation prefers the node whose cpu and memory use stay even", "[scheduling]") {
  cluster::ClusterState s;
  auto n1 = s.add_node(make_node("n1", "4", "8Gi"));
  auto n2 = s.add_node(make_node("n2", "4", "8Gi"));
  s.bind(add_pod(s, "cpu-heavy", make_pod_spec("1")), n1, SimTime{0});
  s.bind(add_pod(s, "mem-heavy", make_pod_spec("", "2Gi")), n2, SimTime{0});
  auto p = add_pod(s, "p", make_pod_spec("1"));
  CHECK(least_allocated_score(s.node(n1), *s.pod(p).spec) == least_allocated_score(s.node(n2), *s.pod(p).spec));
  CHECK(score_nodes(s, s.pod(p), {n1, n2}) == std::vector<std::int64_t>{150 + 300, 175 + 300});
  CHECK(*select_node(s, s.pod(p)).node == n2);
}

// TaintToleration score (taint_toleration.go, weight 3): the count of PreferNoSchedule taints the
// pod does not tolerate, normalised in reverse (DefaultNormalizeScore). n1 is emptier
// (LeastAllocated 81 + Balanced 93) but tainted; n2 scores 31 + 93.
TEST_CASE("select_node: PreferNoSchedule taints steer a pod that does not tolerate them", "[scheduling]") {
  cluster::ClusterState s;
  auto n1_node = make_node("n1", "4", "8Gi");
  n1_node.taints = {Taint{"dedicated", "batch", TaintEffect::prefer_no_schedule}};
  auto n1 = s.add_node(n1_node);
  auto n2 = s.add_node(make_node("n2", "4", "8Gi"));
  s.bind(add_pod(s, "x", make_pod_spec("2", "4Gi")), n2, SimTime{0});
  auto p = add_pod(s, "p", make_pod_spec("1", "1Gi"));
  CHECK(score_nodes(s, s.pod(p), {n1, n2}) == std::vector<std::int64_t>{81 + 93 + 3 * 0, 31 + 93 + 3 * 100});
  CHECK(*select_node(s, s.pod(p)).node == n2);
  SECTION("a toleration with the PreferNoSchedule effect lets the emptier node win") {
    auto t = add_pod(s, "t", PodSpecBuilder().cpu("1").memory("1Gi").toleration(
                                 Toleration{"dedicated", false, "batch", TaintEffect::prefer_no_schedule}));
    CHECK(score_nodes(s, s.pod(t), {n1, n2}) == std::vector<std::int64_t>{81 + 93 + 300, 31 + 93 + 300});
    CHECK(*select_node(s, s.pod(t)).node == n1);
  }
  SECTION("a NoSchedule-only toleration does not count for the score") {
    auto t = add_pod(s, "t", PodSpecBuilder().cpu("1").memory("1Gi").toleration(
                                 Toleration{"dedicated", false, "batch", TaintEffect::no_schedule}));
    CHECK(*select_node(s, s.pod(t)).node == n2);
  }
}

// NodeAffinity score (node_affinity.go, weight 2): the weights of the matching preferred terms,
// normalised by the maximum. The busier node in the preferred zone wins: 31 + 93 + 300 + 2 x 100
// against 81 + 93 + 300 + 0 (LeastAllocated + Balanced + TaintToleration + NodeAffinity).
TEST_CASE("select_node: preferred node affinity is scored", "[scheduling]") {
  cluster::ClusterState s;
  auto n1 = s.add_node(make_node("n1", "4", "8Gi"));
  auto n2_node = make_node("n2", "4", "8Gi");
  n2_node.labels[std::string(label::k_zone)] = "us-east-1b";
  auto n2 = s.add_node(n2_node);
  s.bind(add_pod(s, "x", make_pod_spec("2", "4Gi")), n2, SimTime{0});
  auto p = add_pod(s, "p", PodSpecBuilder().cpu("1").memory("1Gi").preferred_term(
                               30, {req(std::string(label::k_zone), Operator::in, {"us-east-1b"})}));
  CHECK(score_nodes(s, s.pod(p), {n1, n2}) == std::vector<std::int64_t>{81 + 93 + 300, 31 + 93 + 300 + 200});
  CHECK(*select_node(s, s.pod(p)).node == n2);
}

TEST_CASE("select_node: highest score, ties to the lowest name", "[scheduling]") {
  cluster::ClusterState s;
  auto busy = s.add_node(make_node("a-busy", "4", "8Gi"));
  auto b = s.add_node(make_node("c-empty", "4", "8Gi"));
  auto c = s.add_node(make_node("b-empty", "4", "8Gi"));
  auto x = add_pod(s, "x", make_pod_spec("2", "4Gi"));
  s.bind(x, busy, SimTime{0});
  auto p = add_pod(s, "p", make_pod_spec("1", "1Gi"));
  auto choice = select_node(s, s.pod(p));
  REQUIRE(choice.node.has_value());
  CHECK(*choice.node == c);  // b-empty and c-empty tie at the top score; lowest name wins
  CHECK(*choice.node != b);

  SECTION("a filtered node is never chosen, however empty") {
    s.edit_node(c, [&](cluster::Node& n) { n.taints = {Taint{"k", "v", TaintEffect::no_schedule}}; });
    s.edit_node(b, [&](cluster::Node& n) { n.taints = {Taint{"k", "v", TaintEffect::no_schedule}}; });
    auto ch = select_node(s, s.pod(p));
    REQUIRE(ch.node.has_value());
    CHECK(*ch.node == busy);
  }
  SECTION("no node fits: counted reasons, sorted") {
    auto big = add_pod(s, "big", make_pod_spec("3"));
    s.edit_node(c, [&](cluster::Node& n) { n.taints = {Taint{"k", "v", TaintEffect::no_schedule}}; });
    s.edit_node(b, [&](cluster::Node& n) { n.unschedulable = true; });
    auto ch = select_node(s, s.pod(big));
    CHECK_FALSE(ch.node.has_value());
    CHECK(ch.reason ==
          "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {k=v:NoSchedule}, 1 node(s) "
          "were unschedulable");
  }
  SECTION("launching nodes are not candidates") {
    auto m = make_node("0-launching", "64", "64Gi");
    m.state = cluster::NodeState::launching;
    s.add_node(m);
    auto ch = select_node(s, s.pod(p));
    REQUIRE(ch.node.has_value());
    CHECK(*ch.node == c);
  }
}
