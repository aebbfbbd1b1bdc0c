// Conformance: the Cluster Autoscaler scale-up orchestrator (reference cluster-autoscaler.md 2,
// test catalogue 7.3), mirroring cluster-autoscaler core/scaleup/orchestrator/orchestrator_test.go,
// processors/nodegroupset/balancing_processor_test.go and compare_nodegroups_test.go, and
// core/podlistprocessor/filter_out_schedulable_test.go (T34).
//
// Harness as upstream: each listed node is in its node group (min 1, max 10, target = its node
// count); the group's template is the node without its non-DaemonSet pods; the pending pods go
// straight to scale-up (filter-out-schedulable is not run); totals 320000 cores / 6.4M GiB unless
// stated. ExpansionOptionToChoose (a forced expander pick) is a chooser that picks by name.
#include <catch2/catch.hpp>

#include <algorithm>

#include "capsim/policy/cluster_autoscaler/node_group.hpp"
#include "capsim/policy/cluster_autoscaler/scale_up.hpp"
#include "support/ca_builders.hpp"

using namespace capsim;
using namespace capsim::policy::cluster_autoscaler;
using namespace capsim::test::ca;
using scheduling::ClusterSnapshot;
using scheduling::SnapshotNode;
using scheduling::SchedulingHints;
using scheduling::schedule_with_hints;

namespace {

struct Harness {
  PodStore store;
  ClusterSnapshot snap;
  std::vector<SnapshotNode> templates;  // stable after setup
  std::vector<ScaleUpNodeGroup> groups;
  std::vector<PendingPod> pending;
  ScaleUpLimits limits;

  // A node of its own group, with bound pods of these cpu requests.
  void node(const std::string& group, SnapshotNode n, std::vector<std::int64_t> bound_cpu = {}) {
    n.node_group = group;
    templates.push_back(n);  // without pods
    const auto idx = snap.add_node(n);
    for (auto cpu : bound_cpu) bind(snap, idx, store.snap(store.pod(group + "-pod", store.spec(cpu, 0))));
  }
  void finish_groups(int max = 10) {
    for (const auto& t : templates) {
      ScaleUpNodeGroup g;
      g.name = t.node_group;
      g.target_size = 1;
      g.max_size = max;
      groups.push_back(g);
    }
    for (std::size_t i = 0; i < groups.size(); ++i) groups[i].node_template = &templates[i];
  }
  std::size_t pending_pod(const std::string& name, const cluster::PodSchedulingSpec& s) {
    PendingPod p;
    p.pod = store.snap(store.pod(name, s));
    p.name = name;
    pending.push_back(p);
    return pending.size() - 1;
  }
  std::vector<std::size_t> all_pending() const {
    std::vector<std::size_t> v;
    for (std::size_t i = 0; i < pending.size(); ++i) v.push_back(i);
    return v;
  }
  ScaleUpResult run(const std::string& pick = "", int pick_nodes = 0) {
    OptionChooser choose = [&](const std::vector<ExpansionOption>& o) -> std::optional<std::size_t> {
      for (std::size_t i = 0; i < o.size(); ++i)
        if (o[i].node_group == pick) return i;
      return o.empty() ? std::nullopt : std::optional<std::size_t>(0);
    };
    if (pick_nodes > 0) {
      // ExpansionOptionToChoose with a forced node count.
      choose = [&, pick, pick_nodes](const std::vector<ExpansionOption>& o) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < o.size(); ++i)
          if (o[i].node_group == pick) {
            const_cast<ExpansionOption&>(o[i]).node_count = pick_nodes;
            return i;
          }
        return std::nullopt;
      };
    }
    return compute_scale_up(snap, pending, all_pending(), groups, limits, choose);
  }
  std::vector<std::string> option_groups(const ScaleUpResult& r) const {
    std::vector<std::string> v;
    for (const auto& o : r.options) v.push_back(o.node_group + " +" + std::to_string(o.node_count));
    std::sort(v.begin(), v.end());
    return v;
  }
};

}  // namespace

// T15 TestScaleUpOK.
TEST_CASE("ca orchestrator T15: scale-up picks the only group whose template fits", "[conformance][ca]") {
  Harness h;
  h.node("ng1", test_node("n1", 100, 100), {80});
  h.node("ng2", test_node("n2", 1000, 1000), {800});
  h.finish_groups();
  h.pending_pod("p-new", h.store.spec(500, 0));
  auto r = h.run("ng2");
  REQUIRE(r.status == ScaleUpResult::Status::scaled);
  CHECK(h.option_groups(r) == std::vector<std::string>{"ng2 +1"});  // ng1's template is too small
  REQUIRE(r.increases.size() == 1);
  CHECK(h.groups[r.increases[0].first].name == "ng2");
  CHECK(r.increases[0].second == 1);
  CHECK(r.triggered == std::vector<std::size_t>{0});
  CHECK(h.snap.size() == 2);  // the snapshot is left as it was
}

// T16 TestMixedScaleUp: triggered / remaining / awaiting evaluation.
TEST_CASE("ca orchestrator T16: pods are triggered, awaiting evaluation or remain unschedulable", "[conformance][ca]") {
  Harness h;
  h.node("ng1", test_node("n1", 100, 1000), {80});
  h.node("ng2", test_node("n2", 1000, 100), {800});
  h.finish_groups();
  const auto triggering = h.pending_pod("triggering", h.store.spec(900, 0));
  const auto remaining = h.pending_pod("remaining", h.store.spec(2000, 0));
  const auto awaiting = h.pending_pod("awaiting", h.store.spec(0, 200));
  auto r = h.run("ng2");
  REQUIRE(r.status == ScaleUpResult::Status::scaled);
  CHECK(h.groups[r.increases.at(0).first].name == "ng2");
  CHECK(r.increases.at(0).second == 1);
  CHECK(r.triggered == std::vector<std::size_t>{triggering});
  CHECK(r.remaining == std::vector<std::size_t>{remaining});
  CHECK(r.awaiting == std::vector<std::size_t>{awaiting});
  CHECK(r.pod_reasons.at(remaining) == "pod didn't trigger scale-up: 2 Insufficient cpu");
}

// T18 TestScaleUpMaxMemoryLimitHit: 1100 MiB used of 1300 MiB, 100 MiB per ng1 node -> +2.
TEST_CASE("ca orchestrator T18: the memory total caps the chosen option", "[conformance][ca]") {
  Harness h;
  h.node("ng1", test_node("n1", 2000, 100 * k_mib), {1000});
  h.node("ng2", test_node("n2", 4000, 1000 * k_mib), {3000});
  h.finish_groups();
  for (int i = 0; i < 3; ++i) h.pending_pod("p" + std::to_string(i), h.store.spec(2000, 100 * k_mib));
  h.limits.memory_max_bytes = 1300 * k_mib;
  auto r = h.run("ng1", 3);
  REQUIRE(r.status == ScaleUpResult::Status::scaled);
  CHECK(h.groups[r.increases.at(0).first].name == "ng1");
  CHECK(r.increases.at(0).second == 2);
}

// T20 TestNoScaleUpMaxCoresLimitHit: one more node of either group breaks a total.
TEST_CASE("ca orchestrator T20: no scale-up when one node would exceed the totals", "[conformance][ca]") {
  Harness h;
  h.node("ng1", test_node("n1", 2000, 100), {1000});
  h.node("ng2", test_node("n2", 4000, 1000), {3000});
  h.finish_groups();
  h.pending_pod("p0", h.store.spec(2000, 0));
  h.pending_pod("p1", h.store.spec(2000, 0));
  h.limits.cores_max = 7;
  h.limits.memory_max_bytes = 1150;
  auto r = h.run();
  CHECK(r.status == ScaleUpResult::Status::no_options);
  CHECK(r.skipped.at(0) == "exceeded quota");
  CHECK(r.skipped.at(1) == "exceeded quota");
  CHECK(r.remaining.size() == 2);
  CHECK(r.increases.empty());
}

// T21 TestScaleUpToMeetNodeGroupMinSize's GPU siblings (orchestrator_test.go
// TestScaleUpNoHelp... GPU pools): a GPU node group is an option for a non-GPU pod only if the pod
// tolerates its taint; GPU pods only fit GPU groups.
TEST_CASE("ca orchestrator T21: GPU and standard pools", "[conformance][ca]") {
  const Taint gpu_taint{"nvidia.com/gpu", "present", TaintEffect::no_schedule};
  const Toleration tolerate{"nvidia.com/gpu", true, "", std::nullopt};
  const auto gpu_node = [&](const std::string& name, int gpus) {
    auto n = test_node(name, 2000, 1000 * k_mib);
    n.capacity.set(Resource::nvidia_gpu, Quantity::from_units(gpus));
    n.allocatable = n.capacity;
    n.taints = {gpu_taint};
    return n;
  };
  SECTION("(a) a non-GPU pod tolerating the GPU taint: both pools") {
    Harness h;
    h.node("gpu-pool", gpu_node("gpu-node", 1));
    h.node("std-pool", test_node("std-node", 2000, 1000 * k_mib));
    h.finish_groups();
    auto& s = h.store.spec(2000, 1000 * k_mib);
    s.tolerations = {tolerate};
    h.pending_pod("p", s);
    auto r = h.run();
    CHECK(h.option_groups(r) == std::vector<std::string>{"gpu-pool +1", "std-pool +1"});
  }
  SECTION("(b) the same pod asking for a GPU: only the GPU pool") {
    Harness h;
    h.node("gpu-pool", gpu_node("gpu-node", 1));
    h.node("std-pool", test_node("std-node", 2000, 1000 * k_mib));
    h.finish_groups();
    auto& s = h.store.spec(2000, 1000 * k_mib);
    s.tolerations = {tolerate};
    s.requests.set(Resource::nvidia_gpu, Quantity::from_units(1));
    h.pending_pod("p", s);
    auto r = h.run();
    CHECK(h.option_groups(r) == std::vector<std::string>{"gpu-pool +1"});
  }
  SECTION("(c) three 1-GPU pods over pools of 1, 2 and 4 GPUs") {
    Harness h;
    h.node("gpu-1", gpu_node("g1", 1));
    h.node("gpu-2", gpu_node("g2", 2));
    h.node("gpu-4", gpu_node("g4", 4));
    h.node("std", test_node("s", 2000, 1000 * k_mib));
    h.finish_groups();
    auto& s = h.store.spec(1, k_mib);
    s.tolerations = {tolerate};
    s.requests.set(Resource::nvidia_gpu, Quantity::from_units(1));
    for (int i = 0; i < 3; ++i) h.pending_pod("p" + std::to_string(i), s);
    auto r = h.run();
    CHECK(h.option_groups(r) == std::vector<std::string>{"gpu-1 +3", "gpu-2 +2", "gpu-4 +1"});
  }
}

// T22 TestScaleUpBalanceGroups / TestScaleUpTwoGroups: two similar groups share N = 2.
TEST_CASE("ca orchestrator T22: balance-similar-node-groups splits 2 nodes 1 + 1", "[conformance][ca]") {
  Harness h;
  h.node("ng1", test_node("ng1-n1", 1500, 1000 * k_mib), {1400});
  h.node("ng2", test_node("ng2-n1", 1500, 1000 * k_mib), {1400});
  h.finish_groups();
  h.pending_pod("p0", h.store.spec(1400, 0));
  h.pending_pod("p1", h.store.spec(1400, 0));
  h.limits.balance_similar_node_groups = true;
  auto r = h.run("ng1");
  REQUIRE(r.status == ScaleUpResult::Status::scaled);
  CHECK(r.options.at(*r.chosen).node_count == 2);
  std::map<std::string, int> targets;
  for (const auto& g : h.groups) targets[g.name] = g.target_size;
  for (const auto& [g, d] : r.increases) targets[h.groups[g].name] += d;
  CHECK(targets == std::map<std::string, int>{{"ng1", 2}, {"ng2", 2}});
}

// T25 TestScaleUpNoHelp and TestScaleUpUnhealthy.
TEST_CASE("ca orchestrator T25: no scale-up when no template helps or the group is unhealthy", "[conformance][ca]") {
  {
    Harness h;
    h.node("ng1", test_node("n1", 100, 1000), {80});
    h.finish_groups();
    h.pending_pod("p-new", h.store.spec(500, 0));
    auto r = h.run();
    CHECK(r.status == ScaleUpResult::Status::no_options);
    CHECK(r.remaining == std::vector<std::size_t>{0});
  }
  {
    // ng2: target 5 but one registered node; the test sets both unready thresholds to 0.
    CHECK_FALSE(node_group_healthy(1, 0, 0, 5, 0, 0, 0));
    CHECK(node_group_healthy(1, 0, 0, 1, 0, 0, 0));
    CHECK(node_group_healthy(1, 0, 0, 5, 4, 0, 0));  // the missing nodes are an ongoing scale-up
    Harness h;
    h.node("ng1", test_node("n1", 100, 1000), {80});
    h.node("ng2", test_node("n2", 1000, 1000), {});
    h.finish_groups();
    h.groups[1].target_size = 5;
    h.groups[1].healthy = node_group_healthy(1, 0, 0, 5, 0, 0, 0);
    h.pending_pod("p-new", h.store.spec(550, 0));
    auto r = h.run();
    CHECK(r.status == ScaleUpResult::Status::no_options);
    CHECK(r.skipped.at(1) == "node group is unhealthy");
  }
}

// balancing_processor_test.go TestBalanceSingleGroup / TestBalanceUnderMaxSize / TestBalanceHittingMaxSize.
TEST_CASE("ca orchestrator: balancing arithmetic", "[conformance][ca]") {
  const std::vector<std::pair<int, int>> g = {{1, 10}, {3, 10}, {5, 10}, {5, 10}};
  CHECK(balance_scale_up(g, 1) == std::vector<int>{2, 3, 5, 5});
  CHECK(balance_scale_up(g, 2) == std::vector<int>{3, 3, 5, 5});
  CHECK(balance_scale_up(g, 4) == std::vector<int>{4, 4, 5, 5});
  auto five = balance_scale_up(g, 5);
  CHECK(((five[0] == 4 && five[1] == 5) || (five[0] == 5 && five[1] == 4)));
  CHECK(five[2] == 5);
  CHECK(five[3] == 5);
  CHECK(balance_scale_up(g, 10) == std::vector<int>{6, 6, 6, 6});
  // Max sizes: ng1 (size 1, max 1), ng2 (1, 3), ng3 (3, 10), ng4 (5, 7).
  CHECK(balance_scale_up({{1, 1}}, 1) == std::vector<int>{1});
  CHECK(balance_scale_up({{1, 1}, {1, 3}}, 5) == std::vector<int>{1, 3});
  CHECK(balance_scale_up({{1, 3}, {3, 10}}, 4) == std::vector<int>{3, 5});
  CHECK(balance_scale_up({{1, 3}, {3, 10}, {5, 7}}, 9) == std::vector<int>{3, 8, 7});
  CHECK(balance_scale_up({{1, 3}, {3, 10}, {5, 7}}, 900) == std::vector<int>{3, 10, 7});
}

// compare_nodegroups_test.go.
TEST_CASE("ca orchestrator: node group similarity", "[conformance][ca]") {
  const auto n1 = test_node("n1", 1000, 2000);
  auto cpu = test_node("n2", 1001, 2000);
  CHECK_FALSE(similar_templates(n1, cpu));  // capacity cpu must be identical
  auto alloc = test_node("n2", 1000, 2000);
  alloc.allocatable.set(Resource::cpu, Quantity::from_milli(999));
  CHECK(similar_templates(n1, alloc));
  alloc.allocatable.set(Resource::cpu, Quantity::from_milli(500));
  CHECK_FALSE(similar_templates(n1, alloc));
  auto gpu = test_node("n2", 1000, 2000);
  gpu.capacity.set(Resource::nvidia_gpu, Quantity::from_units(1));
  gpu.allocatable = gpu.capacity;
  CHECK_FALSE(similar_templates(n1, gpu));
  // Two real m5.xlarge: 16116152 Ki vs 15944120 Ki is within 1.5 %; x 1.02 is not.
  auto m1 = test_node("m1", 4000, 16116152LL * 1024);
  auto m2 = test_node("m2", 4000, 15944120LL * 1024);
  CHECK(similar_templates(m1, m2));
  auto m3 = test_node("m3", 4000, static_cast<std::int64_t>(16116152LL * 1024 * 1.02));
  CHECK_FALSE(similar_templates(m1, m3));
  // Labels must match apart from the ignored ones (zone, hostname, eks node group name...).
  auto z = test_node("z", 1000, 2000);
  z.labels["topology.kubernetes.io/zone"] = "us-east-1b";
  z.labels["eks.amazonaws.com/nodegroup"] = "ng-b";
  CHECK(similar_templates(n1, z));
  z.labels["team"] = "a";
  CHECK_FALSE(similar_templates(n1, z));
}

// T34 filter_out_schedulable_test.go: pods that fit the snapshot are dropped from scale-up and keep
// their place; higher priority first, then list order (no size sorting).
TEST_CASE("ca orchestrator T34: filter-out-schedulable", "[conformance][ca]") {
  const auto run = [](std::int64_t used, std::vector<std::pair<std::int64_t, int>> pods) {
    PodStore store;
    ClusterSnapshot snap;
    const auto idx = snap.add_node(test_node("node", 2000, 1000 * k_mib));
    if (used > 0) bind(snap, idx, store.snap(store.pod("used", store.spec(used, 0))));
    std::vector<PendingPod> pending;
    for (std::size_t i = 0; i < pods.size(); ++i) {
      auto& s = store.spec(pods[i].first, 0);
      s.priority = pods[i].second;
      PendingPod p;
      p.pod = store.snap(store.pod("pod" + std::to_string(i + 1), s));
      pending.push_back(p);
    }
    auto left = filter_out_schedulable(snap, pending);
    std::sort(left.begin(), left.end());
    std::vector<std::int64_t> cpu;
    for (auto i : left) cpu.push_back(pods[i].first);
    return cpu;
  };
  CHECK(run(0, {{200, 0}, {500, 0}, {800, 0}}).empty());
  CHECK(run(0, {{200, 0}, {500, 0}, {1800, 0}}) == std::vector<std::int64_t>{1800});
  // pod1 200m prio 0, pod2 500m prio 10, pod3 1800m prio 20 -> pod3 and pod1 placed, pod2 left.
  CHECK(run(0, {{200, 0}, {500, 10}, {1800, 20}}) == std::vector<std::int64_t>{500});
  CHECK(run(500, {{1000, 0}, {300, 0}, {300, 0}}) == std::vector<std::int64_t>{300});
  CHECK(run(1500, {{1000, 0}, {300, 0}, {300, 0}}) == std::vector<std::int64_t>{1000, 300});
}

// groups.go: one controller's identical pods form one group; pods without a controller are alone.
TEST_CASE("ca orchestrator: equivalence groups", "[conformance][ca]") {
  PodStore store;
  const auto& a = store.spec(100, 0);
  const auto& b = store.spec(200, 0);
  std::vector<PendingPod> pods;
  const auto add = [&](const cluster::PodSchedulingSpec& s, const std::string& kind, const std::string& owner) {
    PendingPod p;
    p.pod = store.snap(store.pod("p" + std::to_string(pods.size()), s));
    p.owner_kind = kind;
    p.owner_name = owner;
    pods.push_back(p);
  };
  add(a, "Deployment", "web");
  add(a, "Deployment", "web");
  add(b, "Deployment", "web");
  add(a, "", "");
  add(a, "", "");
  add(a, "Deployment", "api");
  const auto g = equivalence_groups(pods);
  CHECK(g == std::vector<std::vector<std::size_t>>{{0, 1}, {2}, {3}, {4}, {5}});
}

// scheduling_opts.go lastIndexOrderMapping (offset 1) and hinting_simulator.go: the walk for a pod
// starts one past the node that took the previous pod (a fresh snapshot: at index 1), and the
// position carries over; a hinted pod goes back to its node without moving it; unused hints go
// after one round (hints.go DropOld).
TEST_CASE("ca orchestrator: first-fit ring position and scheduling hints", "[conformance][ca]") {
  PodStore store;
  ClusterSnapshot snap;
  for (const char* n : {"n0", "n1", "n2"}) snap.add_node(test_node(n, 1000, 1000 * k_mib));
  const auto pod = [&](const std::string& name, std::int64_t cpu) { return store.snap(store.pod(name, store.spec(cpu, 0))); };
  CHECK(snap.schedule_anywhere(pod("a", 400)) == 1u);  // lastIndex 0: the walk starts at n1
  CHECK(snap.schedule_anywhere(pod("b", 400)) == 2u);
  CHECK(snap.schedule_anywhere(pod("c", 400)) == 0u);
  CHECK(snap.schedule_anywhere(pod("d", 700)) == std::nullopt);  // each node has 600m left
  CHECK(snap.schedule_anywhere(pod("e", 100)) == 1u);  // the failed walk left the position at n0

  SchedulingHints hints;
  const auto f = pod("f", 100);
  hints.set(f.uid, "n0");
  CHECK(schedule_with_hints(snap, f, hints) == 0u);  // hinted: n0, although the ring is at n2 next
  CHECK(snap.schedule_anywhere(pod("g", 100)) == 2u);  // the hint did not move the ring
  const auto h = pod("h", 100);
  CHECK(schedule_with_hints(snap, h, hints) == 0u);    // no hint: the ring (n0 after n2); hint set
  CHECK(*hints.get(h.uid) == "n0");
  hints.drop_old();
  CHECK(hints.get(h.uid) != nullptr);  // one round old: still there
  hints.drop_old();
  CHECK(hints.get(h.uid) == nullptr);  // unused for a whole round: gone
}
