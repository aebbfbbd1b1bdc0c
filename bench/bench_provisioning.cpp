// Karpenter's scheduling benchmark (core pkg/controllers/provisioning/scheduling/
// scheduling_benchmark_test.go; reference karpenter.md 7.1) on capsim's solver: one NodePool with
// huge limits over fake.InstanceTypes(400), no existing nodes, no DaemonSets, one Solve per
// iteration. Upstream's makeDiversePods(N) mixes five kinds of pods; topology spread and pod
// (anti-)affinity are not implemented in capsim yet, so every pod here is a "generic pod" (hence
// the benchmark name): requests drawn from CPU {100m, 250m, 500m, 1000m, 1500m} x memory
// {100Mi, 256Mi, 512Mi, 1Gi, 2Gi, 4Gi} with a seeded stream. Reports pods/s (N / time per Solve)
// and the node count; fails if any pod is left unschedulable, as upstream does.
#include <benchmark/benchmark.h>

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
// fit capsim's int64 milli-byte Quantity, so memory is limited to 1,000,000Gi, still far above what
// 20,000 pods consume (each NodeClaim reserves at most 800Gi, the largest fake type).
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
  t.remaining_limits.set(Resource::memory, Quantity{1'000'000LL * 1024 * 1024 * 1024 * 1000});
  t.limited_resources = {"cpu", "memory"};
  return t;
}

// makeGenericPods: random CPU and memory requests (randomCPU / randomMemory).
struct GenericPods {
  std::vector<cluster::PodSchedulingSpec> specs;
  std::vector<scheduling::SolverPod> pods;
};

GenericPods make_generic_pods(int n) {
  static constexpr std::int64_t k_cpu_m[] = {100, 250, 500, 1000, 1500};
  static constexpr std::int64_t k_mem_mi[] = {100, 256, 512, 1024, 2048, 4096};
  Rng rng(42, "bench");
  GenericPods g;
  g.specs.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    cluster::PodSchedulingSpec s;
    s.requests.set(Resource::cpu, Quantity::from_milli(k_cpu_m[rng.uniform_int(0, 4)]));
    s.requests.set(Resource::memory, Quantity::from_mib(k_mem_mi[rng.uniform_int(0, 5)]));
    s.requests.set(Resource::pods, Quantity::from_units(1));
    g.specs.push_back(std::move(s));
  }
  for (int i = 0; i < n; ++i) {
    scheduling::SolverPod p;
    p.id = static_cast<cluster::PodId>(i);
    p.uid = static_cast<std::uint64_t>(i);
    p.created = SimTime{0};
    p.name = "pod-" + std::to_string(i);
    p.spec = &g.specs[static_cast<std::size_t>(i)];
    g.pods.push_back(std::move(p));
  }
  return g;
}

void BM_ProvisioningSolve_GenericPods(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const GenericPods g = make_generic_pods(n);
  const scheduling::NodeClaimTemplate tmpl = bench_template();
  std::size_t nodes = 0;
  std::size_t scheduled = 0;
  for (auto _ : state) {
    scheduling::Solver solver({tmpl}, {}, scheduling::SolverOptions{});
    scheduling::SolverResult r = solver.solve(g.pods);
    if (!r.errors.empty()) {
      state.SkipWithError(("expected all pods to schedule, got " + std::to_string(r.errors.size()) +
                           " pods that didn't: " + r.errors.begin()->second)
                              .c_str());
      break;
    }
    nodes = r.new_claims.size();
    scheduled = 0;
    for (const auto& nc : r.new_claims) scheduled += nc.pods.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["pods/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["nodes"] = static_cast<double>(nodes);
  state.counters["pods"] = static_cast<double>(scheduled);
}

BENCHMARK(BM_ProvisioningSolve_GenericPods)->Arg(1000)->Arg(5000)->Arg(20000)->Unit(benchmark::kMillisecond);

}  // namespace
