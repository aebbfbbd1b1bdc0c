// Karpenter's scheduling benchmark (core pkg/controllers/provisioning/scheduling/
// scheduling_benchmark_test.go; reference karpenter.md 7.1) on capsim's solver: one NodePool with
// huge limits over fake.InstanceTypes(400), no existing nodes, no DaemonSets, one Solve per
// iteration.
//
// - BM_ProvisioningSolve_DiversePods: makeDiversePods(N), five equal parts - generic pods; zonal
//   topology spread (maxSkew 1, DoNotSchedule, selector my-label=<random of 7>); hostname topology
//   spread (likewise); zonal self pod-affinity (my-affininity=<random of 7>, upstream's spelling);
//   hostname pod anti-affinity (all share app=nginx) - the remainder generic. Every pod but the
//   affinity and anti-affinity ones carries a random my-label.
// - BM_ProvisioningSolve_GenericPods: only generic pods (the pure bin-packing path).
// - BM_ProvisioningSolve_{Respect,Ignore}Preferences: makePreferencePods(4000) - a satisfiable zone
//   preference, an unsatisfiable zonal anti-affinity preference (weight 10) and a satisfiable
//   hostname anti-affinity preference (weight 1), with PreferencePolicy Respect / Ignore.
//
// Requests are drawn from CPU {100m, 250m, 500m, 1000m, 1500m} x memory {100Mi, 256Mi, 512Mi,
// 1Gi, 2Gi, 4Gi} with capsim's seeded stream (upstream: math/rand seeded 42), in upstream's call
// order. Reports pods/s (N / time per Solve) and the node count; skips with an error if any pod is
// left unschedulable, as upstream fails.
#include <benchmark/benchmark.h>

#include <deque>
#include <string>
#include <vector>

#include "capsim/catalog/fake_provider.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/scheduling/solver.hpp"

namespace {

using namespace capsim;

const std::vector<catalog::InstanceType>& fake_400() {
  static const std::vector<catalog::InstanceType> types = catalog::fake_instance_types(400);
  return types;
}

// test.NodePool with limits cpu 10,000,000 and memory 10,000,000Gi upstream. 10,000,000Gi does not
// fit capsim's int64 milli-byte Quantity, so memory is limited to 8,000,000Gi. Every NodeClaim
// reserves the largest fake type (400 CPU, 800Gi: subtractMax), so the limits allow 10,000
// NodeClaims (upstream 12,500), more than any case here opens.
scheduling::NodeClaimTemplate bench_template() {
  scheduling::NodeClaimTemplate t;
  t.node_pool = "default";
  t.labels[std::string(label::k_nodepool)] = "default";
  t.requirements.add(Requirement(std::string(label::k_nodepool), Operator::in, {"default"}));
  for (const auto& it : fake_400()) {  // NewScheduler's pre-filter keeps all 400 (no requirements)
    t.instance_types.push_back(&it);
    t.daemon_overhead.emplace_back();
  }
  t.remaining_limits.set(Resource::cpu, Quantity::from_units(10'000'000));
  t.remaining_limits.set(Resource::memory, Quantity{8'000'000LL * 1024 * 1024 * 1024 * 1000});
  t.limited_resources = {"cpu", "memory"};
  return t;
}

// Pods with stable addresses for their specs and labels.
class BenchPods {
 public:
  explicit BenchPods(std::uint64_t seed) : m_rng(seed, "bench") {}

  // makeGenericPods
  void generic(int n) {
    for (int i = 0; i < n; ++i) {
      Labels labels = random_labels();
      add(requests(), std::move(labels));
    }
  }
  // makeTopologySpreadPods(n, key)
  void spread(int n, std::string_view key) {
    for (int i = 0; i < n; ++i) {
      Labels labels = random_labels();
      cluster::TopologySpreadConstraint tsc;
      tsc.topology_key = std::string(key);
      tsc.max_skew = 1;
      tsc.do_not_schedule = true;
      tsc.selector.match_labels = {{"my-label", random_value()}};
      cluster::PodSchedulingSpec s = requests();
      s.topology_spread.push_back(std::move(tsc));
      add(std::move(s), std::move(labels));
    }
  }
  // makePodAffinityPods(n, key): self-affinity on a random my-affininity label
  void affinity(int n, std::string_view key) {
    for (int i = 0; i < n; ++i) {
      std::map<std::string, std::string> ml{{"my-affininity", random_value()}};
      cluster::PodSchedulingSpec s = requests();
      cluster::PodAffinityTerm term;
      term.topology_key = std::string(key);
      term.selector.match_labels = ml;
      s.pod_affinity.push_back(std::move(term));
      add(std::move(s), Labels(ml.begin(), ml.end()));
    }
  }
  // makePodAntiAffinityPods(n, key): all share app=nginx and are anti-affine to each other
  void anti_affinity(int n, std::string_view key) {
    for (int i = 0; i < n; ++i) {
      cluster::PodSchedulingSpec s = requests();
      cluster::PodAffinityTerm term;
      term.topology_key = std::string(key);
      term.selector.match_labels = {{"app", "nginx"}};
      s.pod_anti_affinity.push_back(std::move(term));
      add(std::move(s), Labels{{"app", "nginx"}});
    }
  }
  // makePreferencePods(n): test.Pods(n, options) draws the requests once for all pods.
  void preference(int n) {
    const cluster::PodSchedulingSpec base = requests();
    for (int i = 0; i < n; ++i) {
      cluster::PodSchedulingSpec s = base;
      s.preferred_terms.emplace_back(
          1, Requirements({Requirement(std::string(label::k_zone), Operator::in, {"test-zone-1"})}));
      cluster::WeightedPodAffinityTerm zonal;  // unsatisfiable after the first pod
      zonal.weight = 10;
      zonal.term.topology_key = std::string(label::k_zone);
      zonal.term.selector.match_labels = {{"app", "nginx"}};
      cluster::WeightedPodAffinityTerm host;
      host.weight = 1;
      host.term.topology_key = std::string(label::k_hostname);
      host.term.selector.match_labels = {{"app", "nginx"}};
      s.preferred_pod_anti_affinity = {zonal, host};
      add(std::move(s), Labels{{"app", "nginx"}});
    }
  }

  const std::vector<scheduling::SolverPod>& pods() const { return m_pods; }

 private:
  std::string random_value() {
    static const char* const k_values[] = {"a", "b", "c", "d", "e", "f", "g"};
    return k_values[m_rng.uniform_int(0, 6)];
  }
  Labels random_labels() { return Labels{{"my-label", random_value()}}; }
  cluster::PodSchedulingSpec requests() {
    static constexpr std::int64_t k_cpu_m[] = {100, 250, 500, 1000, 1500};
    static constexpr std::int64_t k_mem_mi[] = {100, 256, 512, 1024, 2048, 4096};
    cluster::PodSchedulingSpec s;
    s.requests.set(Resource::cpu, Quantity::from_milli(k_cpu_m[m_rng.uniform_int(0, 4)]));
    s.requests.set(Resource::memory, Quantity::from_mib(k_mem_mi[m_rng.uniform_int(0, 5)]));
    s.requests.set(Resource::pods, Quantity::from_units(1));
    return s;
  }
  void add(cluster::PodSchedulingSpec spec, Labels labels) {
    m_specs.push_back(std::move(spec));
    m_labels.push_back(std::move(labels));
    scheduling::SolverPod p;
    p.id = static_cast<cluster::PodId>(m_pods.size());
    p.uid = p.id;
    p.created = SimTime{0};
    p.name = "pod-" + std::to_string(p.id);
    p.spec = &m_specs.back();
    p.labels = &m_labels.back();
    m_pods.push_back(std::move(p));
  }

  Rng m_rng;
  std::deque<cluster::PodSchedulingSpec> m_specs;
  std::deque<Labels> m_labels;
  std::vector<scheduling::SolverPod> m_pods;
};

// makeDiversePods
BenchPods make_diverse_pods(int count) {
  BenchPods b(42);
  const int part = count / 5;
  b.generic(part);
  b.spread(part, label::k_zone);
  b.spread(part, label::k_hostname);
  b.affinity(part, label::k_zone);
  b.anti_affinity(part, label::k_hostname);
  b.generic(count - 5 * part);
  return b;
}

void run(benchmark::State& state, const BenchPods& b, scheduling::SolverOptions opts) {
  const scheduling::NodeClaimTemplate tmpl = bench_template();
  const auto& pods = b.pods();
  std::size_t nodes = 0;
  std::size_t scheduled = 0;
  bool first = true;
  for (auto _ : state) {
    scheduling::Solver solver({tmpl}, {}, opts);
    scheduling::SolverResult r = solver.solve(pods);
    if (!r.errors.empty()) {
      state.SkipWithError(("expected all pods to schedule, got " + std::to_string(r.errors.size()) +
                           " pods that didn't: " + r.errors.begin()->second)
                              .c_str());
      break;
    }
    if (first) {
      nodes = r.new_claims.size();
      for (const auto& nc : r.new_claims) scheduled += nc.pods.size();
      first = false;
    }
    benchmark::DoNotOptimize(r);
  }
  state.counters["pods/s"] =
      benchmark::Counter(static_cast<double>(pods.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["nodes"] = static_cast<double>(nodes);
  state.counters["pods"] = static_cast<double>(scheduled);
}

void BM_ProvisioningSolve_DiversePods(benchmark::State& state) {
  const BenchPods b = make_diverse_pods(static_cast<int>(state.range(0)));
  run(state, b, scheduling::SolverOptions{});
}

void BM_ProvisioningSolve_GenericPods(benchmark::State& state) {
  BenchPods b(42);
  b.generic(static_cast<int>(state.range(0)));
  run(state, b, scheduling::SolverOptions{});
}

void BM_ProvisioningSolve_RespectPreferences(benchmark::State& state) {
  BenchPods b(42);
  b.preference(static_cast<int>(state.range(0)));
  run(state, b, scheduling::SolverOptions{});
}

void BM_ProvisioningSolve_IgnorePreferences(benchmark::State& state) {
  BenchPods b(42);
  b.preference(static_cast<int>(state.range(0)));
  scheduling::SolverOptions opts;
  opts.ignore_preferences = true;
  run(state, b, opts);
}

BENCHMARK(BM_ProvisioningSolve_DiversePods)->Arg(1000)->Arg(5000)->Arg(20000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ProvisioningSolve_GenericPods)->Arg(1000)->Arg(5000)->Arg(20000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ProvisioningSolve_RespectPreferences)->Arg(4000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ProvisioningSolve_IgnorePreferences)->Arg(4000)->Unit(benchmark::kMillisecond);

}  // namespace
