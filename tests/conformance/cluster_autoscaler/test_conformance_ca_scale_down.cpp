// Conformance: Cluster Autoscaler scale-down (reference cluster-autoscaler.md 4, test catalogue
// 7.4), mirroring cluster-autoscaler simulator/cluster_test.go TestSimulateNodeRemoval (T26),
// simulator/drain_test.go TestGetPodsToMove (T27), core/scaledown/eligibility/eligibility_test.go
// (T28), simulator/utilization/info_test.go (T29), core/scaledown/planner/planner_test.go
// TestUpdateClusterStatUnneededNodesLimit (T31) and core/scaledown/budgets/budgets_test.go (T33).
#include <catch2/catch.hpp>

#include <tuple>

#include "capsim/policy/cluster_autoscaler/scale_down.hpp"
#include "capsim/spec/scenario.hpp"
#include "capsim/workload/controllers.hpp"
#include "support/ca_builders.hpp"

using namespace capsim;
using namespace capsim::policy::cluster_autoscaler;
using namespace capsim::test::ca;
using scheduling::ClusterSnapshot;

namespace {

const cluster::OwnerRef k_rs{"ReplicaSet", "rs"};
const SimTime k_now = SimTime{0} + Duration::hours(5);

struct Harness {
  PodStore store;
  ClusterSnapshot snap;
  PdbTracker pdbs;
  DrainOptions opt;

  std::size_t node(const std::string& name) { return snap.add_node(test_node(name, 1000, 2'000'000)); }
  const cluster::Pod& pod_on(std::size_t node, const std::string& name, std::int64_t cpu, cluster::OwnerRef owner = k_rs,
                             Labels labels = {}, const cluster::PodSchedulingSpec* spec = nullptr) {
    const auto& s = spec ? *spec : store.spec(cpu, 0);
    auto& p = store.pod(name, s, std::move(owner), "default", std::move(labels));
    bind(snap, node, store.snap(p));
    return p;
  }
  RemovalResult remove(std::size_t node) {
    std::vector<bool> dest(snap.size(), true);
    return simulate_node_removal(
        snap, node, [&](cluster::PodId id) { return store.find(id); }, dest, pdbs, opt, k_now);
  }
};

spec::PodDisruptionBudget pdb_for(const std::string& app) {
  spec::PodDisruptionBudget p;
  p.name = app;
  p.selector.match_labels = {{"app", app}};
  return p;
}

}  // namespace

// T26 TestSimulateNodeRemoval.
TEST_CASE("ca scale-down T26: removal simulation", "[conformance][ca]") {
  SECTION("(a) an empty node alone is removable") {
    Harness h;
    const auto n = h.node("n1");
    auto r = h.remove(n);
    CHECK(r.removable());
    CHECK(r.empty);
  }
  SECTION("(b) two ReplicaSet pods and no other node: NoPlaceToMovePods") {
    Harness h;
    const auto n = h.node("n1");
    h.pod_on(n, "p1", 100);
    h.pod_on(n, "p2", 100);
    auto r = h.remove(n);
    CHECK(r.reason == UnremovableReason::no_place_to_move_pods);
    CHECK(h.snap.node(n).pods.size() == 2);  // reverted
  }
  SECTION("(c) with a node holding one unowned 100m pod: removable, 2 pods to reschedule") {
    Harness h;
    const auto n = h.node("n1");
    h.pod_on(n, "p1", 100);
    h.pod_on(n, "p2", 100);
    const auto other = h.node("n2");
    h.pod_on(other, "lonely", 100, {});
    auto r = h.remove(n);
    REQUIRE(r.removable());
    CHECK(r.to_move.size() == 2);
    CHECK(r.destinations == std::vector<std::string>{"n2", "n2"});
    CHECK(h.snap.node(other).pods.size() == 3);  // committed
  }
  SECTION("(d) with a full node instead: NoPlaceToMovePods") {
    Harness h;
    const auto n = h.node("n1");
    h.pod_on(n, "p1", 100);
    h.pod_on(n, "p2", 100);
    h.pod_on(h.node("n2"), "big", 1000, {});
    CHECK(h.remove(n).reason == UnremovableReason::no_place_to_move_pods);
  }
  SECTION("(e) hostname spread maxSkew 1 minDomains 2: the tainted ghost still counts as a domain") {
    for (bool honor : {false, true}) {
      Harness h;
      auto& s = h.store.spec(100, 0);
      cluster::TopologySpreadConstraint c;
      c.topology_key = "kubernetes.io/hostname";
      c.max_skew = 1;
      c.min_domains = 2;
      c.selector.match_labels = {{"app", "spread"}};
      c.node_taints_policy_honor = honor;
      s.topology_spread = {c};
      std::vector<std::size_t> nodes = {h.node("n1"), h.node("n2"), h.node("n3")};
      for (auto n : nodes) h.pod_on(n, "p" + std::to_string(n), 0, k_rs, {{"app", "spread"}}, &s);
      auto r = h.remove(nodes[0]);
      INFO("nodeTaintsPolicy Honor: " << honor);
      CHECK(r.removable() == honor);
      if (!honor) CHECK(r.reason == UnremovableReason::no_place_to_move_pods);
    }
  }
}

// T27 TestGetPodsToMove: the drainability rules.
TEST_CASE("ca scale-down T27: drain rules", "[conformance][ca]") {
  PodStore store;
  PdbTracker none;
  DrainOptions opt;
  const auto& s = store.spec(100, 0);
  const auto verdict = [&](const cluster::Pod& p, const PdbTracker& pdbs = PdbTracker{}) {
    return drain_verdict(p, pdbs, opt, k_now);
  };
  CHECK(verdict(store.pod("bare", s)).verdict == DrainVerdict::block);
  CHECK(verdict(store.pod("bare", s)).reason == "NotReplicated");
  for (const char* kind : {"ReplicaSet", "ReplicationController", "Job", "StatefulSet", "Deployment"})
    CHECK(verdict(store.pod("owned", s, {kind, "x"})).verdict == DrainVerdict::move);
  CHECK(verdict(store.pod("mirror", s, {"Node", "n1"})).verdict == DrainVerdict::ignore);
  CHECK(verdict(store.pod("ds", s, {"DaemonSet", "ds"})).verdict == DrainVerdict::daemonset);
  CHECK(verdict(store.pod("custom", s, {"ArgoRollout", "r"})).reason == "NotReplicated");

  // kube-system without a PDB blocks, unless created more than 1 h before the check (1.33+).
  auto& sys = store.pod("coredns", s, k_rs, "kube-system");
  sys.created = k_now - Duration::minutes(30);
  CHECK(verdict(sys).reason == "UnmovableKubeSystemPod");
  sys.created = k_now - Duration::minutes(61);
  CHECK(verdict(sys).verdict == DrainVerdict::move);
  DrainOptions before_133 = opt;
  before_133.blocking_system_pod_timeout.reset();
  CHECK(drain_verdict(sys, none, before_133, k_now).reason == "UnmovableKubeSystemPod");
  PdbTracker sys_pdb;
  auto sp = pdb_for("dns");
  sp.namespace_ = "kube-system";
  sys_pdb.add(sp, 1);
  auto& dns = store.pod("dns", s, k_rs, "kube-system", {{"app", "dns"}});
  dns.created = k_now;
  CHECK(verdict(dns, sys_pdb).verdict == DrainVerdict::move);

  // Local storage blocks unless listed in safe-to-evict-local-volumes.
  auto& local_spec = store.spec(100, 0);
  local_spec.local_storage_volumes = {"scratch", "cache"};
  auto& local = store.pod("local", local_spec, k_rs);
  CHECK(verdict(local).reason == "LocalStorageRequested");
  local.annotations[std::string(k_safe_to_evict_local_volumes)] = "scratch";
  CHECK(verdict(local).reason == "LocalStorageRequested");
  local.annotations[std::string(k_safe_to_evict_local_volumes)] = "scratch, cache";
  CHECK(verdict(local).verdict == DrainVerdict::move);

  // PDB with 0 disruptions blocks; with 1 it does not.
  auto& web = store.pod("web", s, k_rs, "default", {{"app", "web"}});
  PdbTracker zero, one;
  zero.add(pdb_for("web"), 0);
  one.add(pdb_for("web"), 1);
  CHECK(verdict(web, zero).reason == "NotEnoughPdb");
  CHECK(verdict(web, one).verdict == DrainVerdict::move);

  // safe-to-evict: "true" overrides unreplicated, kube-system, local storage and PDBs.
  for (cluster::Pod* p : {&store.pod("bare2", s), &sys, &local, &web}) {
    p->annotations[std::string(k_safe_to_evict)] = "true";
    CHECK(verdict(*p, zero).verdict == DrainVerdict::move);
  }
  auto& unsafe = store.pod("unsafe", s, k_rs);
  unsafe.annotations[std::string(k_safe_to_evict)] = "false";
  CHECK(verdict(unsafe).reason == "NotSafeToEvictAnnotation");
  // Terminal pods do not block; on-completion pods make the node wait.
  auto& done = store.pod("done", s);
  done.phase = cluster::PodPhase::succeeded;
  CHECK(verdict(done).verdict == DrainVerdict::ignore);
  auto& job = store.pod("job", s, {"Job", "j"});
  job.annotations[std::string(k_safe_to_evict)] = "on-completion";
  CHECK(verdict(job).verdict == DrainVerdict::wait);
}

// T28 eligibility_test.go: node 1000m / 10 B, threshold 0.5.
TEST_CASE("ca scale-down T28: eligibility", "[conformance][ca]") {
  PodStore store;
  const auto node_with = [&](std::vector<std::pair<std::int64_t, bool>> pods) {
    auto n = test_node("n", 1000, 10);
    for (const auto& [cpu, ds] : pods) {
      auto& p = store.pod("p", store.spec(cpu, 0), ds ? cluster::OwnerRef{"DaemonSet", "ds"} : k_rs);
      n.pods.push_back(store.snap(p));
      n.requested += p.spec->requests;
    }
    return n;
  };
  EligibilityInput in;
  CHECK(eligibility(node_with({{600, false}}), in) == UnremovableReason::not_underutilized);
  CHECK(eligibility(node_with({{100, false}}), in) == UnremovableReason::none);
  EligibilityInput deleting = in;
  deleting.being_deleted = true;
  CHECK(eligibility(node_with({{100, false}}), deleting) == UnremovableReason::currently_being_deleted);
  std::map<std::string, std::string> ann = {{std::string(k_scale_down_disabled), "true"}};
  EligibilityInput annotated = in;
  annotated.annotations = &ann;
  CHECK(eligibility(node_with({{100, false}}), annotated) == UnremovableReason::scale_down_disabled_annotation);
  auto zero = test_node("zero", 0, 0);
  CHECK(eligibility(zero, in) == UnremovableReason::unexpected_error);
  // DaemonSet 500m + pod 100m: 0.6 counted; 100 / (1000 - 500) = 0.2 with ignore-daemonsets.
  std::optional<UtilizationInfo> u;
  CHECK(eligibility(node_with({{500, true}, {100, false}}), in, &u) == UnremovableReason::not_underutilized);
  CHECK(u->utilization == Approx(0.6));
  EligibilityInput ignore = in;
  ignore.ignore_daemonsets = true;
  CHECK(eligibility(node_with({{500, true}, {100, false}}), ignore, &u) == UnremovableReason::none);
  CHECK(u->utilization == Approx(0.2));
  ignore.threshold = 0;
  CHECK(eligibility(node_with({{500, true}}), ignore) == UnremovableReason::none);  // 0 <= 0
}

// T29 info_test.go: node 2000m / 2,000,000 B; each case is its own node, as upstream.
TEST_CASE("ca scale-down T29: utilization numbers", "[conformance][ca]") {
  PodStore store;
  const cluster::OwnerRef ds{"DaemonSet", "ds"}, mirror{"Node", "n"};
  const auto node = [&](std::vector<std::tuple<std::int64_t, std::int64_t, cluster::OwnerRef>> pods) {
    auto n = test_node("n", 2000, 2'000'000);
    for (const auto& [cpu, mem, owner] : pods) {
      auto& p = store.pod("p", store.spec(cpu, mem), owner);
      n.pods.push_back(store.snap(p));
      n.requested += p.spec->requests;
    }
    return n;
  };
  const auto base = node({{100, 200'000, k_rs}, {100, 200'000, k_rs}, {0, 0, k_rs}});
  auto u = node_utilization(base, false);
  CHECK(u->cpu == Approx(0.1));
  CHECK(u->memory == Approx(0.2));
  CHECK(u->utilization == Approx(0.2));
  const auto with_ds = node({{100, 200'000, k_rs}, {100, 200'000, k_rs}, {100, 200'000, ds}, {100, 200'000, ds}});
  CHECK(node_utilization(with_ds, true)->utilization == Approx(0.25));  // 400,000 / 1,600,000
  const auto with_mirror = node({{100, 200'000, k_rs}, {100, 200'000, k_rs}, {100, 200'000, mirror}});
  CHECK(node_utilization(with_mirror, false, true)->utilization == Approx(400'000.0 / 1'800'000));
  const auto both = node({{100, 200'000, k_rs}, {100, 200'000, mirror}, {100, 200'000, ds}});
  CHECK(node_utilization(both, true, true)->utilization == Approx(0.125));  // 200,000 / 1,600,000

  // Init containers: effective requests as k8s PodRequests (workload::pod_requests).
  auto m = test_node("m", 2000, 2'000'000);
  const auto add_template = [&](const spec::PodTemplate& t) {
    auto& s = store.spec(0, 0);
    s.requests = t.requests();
    auto& p = store.pod("init", s, k_rs);
    m.pods.push_back(store.snap(p));
  };
  const auto container = [](std::int64_t cpu, std::int64_t mem, bool sidecar = false) {
    spec::Container c;
    c.requests = resources(cpu, mem);
    c.restart_always = sidecar;
    return c;
  };
  spec::PodTemplate plain, with_sidecar, with_init;
  plain.containers = {container(100, 200'000)};
  with_sidecar.containers = {container(100, 200'000)};
  with_sidecar.init_containers = {container(50, 100'000, true)};
  with_init.containers = {container(100, 200'000)};
  with_init.init_containers = {container(50000, 100'000'000)};
  add_template(plain);
  add_template(with_sidecar);
  add_template(with_init);
  auto ui = node_utilization(m, false);
  CHECK(ui->cpu == Approx(25.125));
  CHECK(ui->memory == Approx(50.25));
}

// T31 TestUpdateClusterStatUnneededNodesLimit (P = 10).
TEST_CASE("ca scale-down T31: the unneeded nodes limit", "[conformance][ca]") {
  const Duration s10 = Duration::seconds(10), m1 = Duration::minutes(1);
  CHECK(unneeded_nodes_limit(0, 10, m1, s10) == 20);
  CHECK(unneeded_nodes_limit(3, 10, m1, s10) == 23);
  CHECK(unneeded_nodes_limit(70, 10, m1, s10) == 70);
  CHECK(unneeded_nodes_limit(77, 10, m1, s10) == 70);
  CHECK(unneeded_nodes_limit(0, 10, Duration{0}, s10) == 20);
  CHECK(unneeded_nodes_limit(13, 10, m1, Duration::seconds(1)) == 33);
  CHECK(unneeded_nodes_limit(13, 10, m1, Duration::seconds(30)) == 30);
}

// T33 budgets_test.go (parallelism 10, drain parallelism 5 as in the test; the default is 1).
TEST_CASE("ca scale-down T33: deletion budgets", "[conformance][ca]") {
  const auto g = [](int n, const std::string& group = "ng1") { return std::vector<std::string>(static_cast<std::size_t>(n), group); };
  const auto crop = [&](std::vector<std::string> e, std::vector<std::string> d, int ei = 0, int di = 0) {
    auto r = crop_nodes(e, d, ei, di, 10, 5);
    return std::make_pair(r.empty.size(), r.drain.size());
  };
  CHECK(crop(g(11), {}) == std::make_pair<std::size_t, std::size_t>(10, 0));
  CHECK(crop(g(10), {}, 1, 1) == std::make_pair<std::size_t, std::size_t>(8, 0));
  CHECK(crop({}, g(6)) == std::make_pair<std::size_t, std::size_t>(0, 5));
  CHECK(crop(g(8), g(8)) == std::make_pair<std::size_t, std::size_t>(8, 2));
  CHECK(crop(g(2), g(8)) == std::make_pair<std::size_t, std::size_t>(2, 5));
  CHECK(crop({}, g(4), 7, 1) == std::make_pair<std::size_t, std::size_t>(0, 2));
  CHECK(crop(g(4), g(4), 10, 0) == std::make_pair<std::size_t, std::size_t>(0, 0));
  // Drain 5 + 5 in two node groups (interleaved in the list): the first group's 5.
  std::vector<std::string> two;
  for (int i = 0; i < 5; ++i) {
    two.push_back("ng1");
    two.push_back("ng2");
  }
  auto r = crop_nodes({}, two, 0, 0, 10, 5);
  std::vector<std::string> taken;
  for (auto i : r.drain) taken.push_back(two[i]);
  CHECK(taken == g(5, "ng1"));
  // Production default: one drain at a time cluster-wide.
  CHECK(crop_nodes({}, g(3), 0, 0, 10, 1).drain.size() == 1);
  CHECK(crop_nodes({}, g(3), 0, 1, 10, 1).drain.empty());
}
