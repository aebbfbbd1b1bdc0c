// Karpenter's disruption pass at scale: 1,000 initialized m5.2xlarge nodes running 20,000 pods
// (20 per node); on a quarter of the nodes the pods are small (100m), so Emptiness finds nothing
// and multi-node consolidation binary-searches over up to 100 candidates.
// One iteration = one disruption reconcile (candidate building, budgets, every simulation).
#include <benchmark/benchmark.h>

#include "capsim/catalog/catalog.hpp"
#include "capsim/cluster/cluster_state.hpp"
#include "capsim/policy/karpenter/karpenter.hpp"

using namespace capsim;

namespace {

struct World {
  cluster::ClusterState state;
  std::vector<policy::DaemonSetView> daemonsets;
  std::unique_ptr<policy::karpenter::Karpenter> karpenter;
};

std::unique_ptr<World> make_world(int nodes, int pods_per_node) {
  auto w = std::make_unique<World>();
  policy::karpenter::Config cfg;
  cfg.catalog = catalog::Catalog::embedded();
  cfg.region = "us-east-1";
  cfg.zones = {"us-east-1a", "us-east-1b", "us-east-1c"};
  spec::NodePool pool;
  pool.name = "default";
  pool.api = "karpenter.sh/v1";
  pool.kind = "NodePool";
  pool.node_class_ref = "default";
  pool.requirements.push_back({"karpenter.k8s.aws/instance-category", Operator::in, {"c", "m", "r"}, std::nullopt});
  pool.requirements.push_back({"karpenter.sh/capacity-type", Operator::in, {"on-demand"}, std::nullopt});
  pool.budgets.push_back(spec::DisruptionBudget{"100%", std::nullopt, std::nullopt, {}});
  cfg.node_pools.push_back(pool);
  spec::NodeClass nc;
  nc.name = "default";
  cfg.node_classes.push_back(nc);
  cfg.settings.version = "v1.14";
  w->karpenter = std::make_unique<policy::karpenter::Karpenter>(cfg);

  const catalog::InstanceType* type = w->karpenter->find_type("default", "m5.2xlarge");
  auto make_spec = [](std::int64_t cpu_milli, std::int64_t mem_mib) {
    auto spec = std::make_shared<cluster::PodSchedulingSpec>();
    spec->requests.set(Resource::cpu, Quantity::from_milli(cpu_milli));
    spec->requests.set(Resource::memory, Quantity::from_mib(mem_mib));
    spec->requests.set(Resource::pods, Quantity::from_units(1));
    return spec;
  };
  auto regular = make_spec(350, 1024);
  auto small = make_spec(100, 256);
  for (int i = 0; i < nodes; ++i) {
    cluster::Node n;
    n.name = "ip-10-1-" + std::to_string(i / 250) + "-" + std::to_string(i % 250 + 4);
    n.node_pool = "default";
    n.state = cluster::NodeState::ready;
    n.instance_type = type->name;
    n.zone = cfg.zones[static_cast<std::size_t>(i) % 3];
    n.capacity_type = "on-demand";
    n.price_per_hour = Money::from_usd(0.384);
    n.capacity = type->capacity;
    n.allocatable = type->allocatable;
    for (const auto& r : type->requirements.items())
      if (r.op() == Operator::in && r.values().size() == 1 && !r.values().front().empty()) n.labels[r.key()] = r.values().front();
    n.labels["topology.kubernetes.io/zone"] = n.zone;
    n.labels["karpenter.sh/capacity-type"] = "on-demand";
    n.labels["karpenter.sh/nodepool"] = "default";
    n.labels["kubernetes.io/hostname"] = n.name;
    n.annotations["karpenter.sh/nodepool-hash"] = w->karpenter->node_pools().front().pool_hash;
    n.annotations["karpenter.k8s.aws/ec2nodeclass-hash"] = w->karpenter->node_pools().front().class_hash;
    auto id = w->state.add_node(std::move(n));
    for (int k = 0; k < pods_per_node; ++k) {
      cluster::Pod p;
      p.name = "p-" + std::to_string(i) + "-" + std::to_string(k);
      p.owner = {"Deployment", "web"};
      p.spec = i % 4 == 0 ? small : regular;
      auto pid = w->state.add_pod(std::move(p));
      w->state.bind(pid, id, SimTime{0});
    }
  }
  return w;
}

void BM_DisruptionPass(benchmark::State& st) {
  const int nodes = static_cast<int>(st.range(0));
  auto w = make_world(nodes, 20);
  std::size_t decisions = 0;
  for (auto _ : st) {
    // A fresh policy each time so the "nothing changed" memo does not skip the work.
    st.PauseTiming();
    auto fresh = make_world(nodes, 20);
    st.ResumeTiming();
    policy::View view{SimTime{3'600'000}, fresh->state, fresh->daemonsets};
    auto actions = fresh->karpenter->reconcile(view);
    decisions += actions.notes.size();
    benchmark::DoNotOptimize(actions);
  }
  st.counters["nodes"] = nodes;
  st.counters["pods"] = static_cast<double>(w->state.live_pods().size());
  st.counters["notes"] = static_cast<double>(decisions) / static_cast<double>(st.iterations());
}

}  // namespace

BENCHMARK(BM_DisruptionPass)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);
