// Test builders for the Cluster Autoscaler conformance tests, shaped like CA's test helpers
// (cluster-autoscaler utils/test/test_utils.go): BuildTestNode(name, cpu_m, mem_B) gives
// capacity = allocatable and 100 pods; BuildTestPod(name, cpu_m, mem_B) a single-container pod
// with those requests and no owner. Pods and their specs live in a PodStore (stable addresses);
// cluster::Pod objects for the drain rules come from the same store. Header-only.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "capsim/cluster/objects.hpp"
#include "capsim/scheduling/cluster_snapshot.hpp"

namespace capsim::test::ca {

inline ResourceList resources(std::int64_t cpu_millis, std::int64_t mem_bytes, std::int64_t pods = 0) {
  ResourceList r;
  r.set(Resource::cpu, Quantity::from_milli(cpu_millis));
  r.set(Resource::memory, Quantity::from_units(mem_bytes));
  if (pods > 0) r.set(Resource::pods, Quantity::from_units(pods));
  return r;
}

inline constexpr std::int64_t k_mib = 1024 * 1024;

// BuildTestNode: capacity = allocatable, `pods` pods (CA's default 100), hostname label.
inline scheduling::SnapshotNode test_node(const std::string& name, std::int64_t cpu_millis, std::int64_t mem_bytes,
                                          std::int64_t pods = 100, const std::string& group = "") {
  scheduling::SnapshotNode n;
  n.name = name;
  n.node_group = group;
  n.capacity = resources(cpu_millis, mem_bytes, pods);
  n.allocatable = n.capacity;
  n.labels["kubernetes.io/hostname"] = name;
  return n;
}

// Owns pod specs, labels and cluster::Pod objects.
class PodStore {
 public:
  // A pod spec requesting cpu / memory (plus pods: 1, as every pod does).
  cluster::PodSchedulingSpec& spec(std::int64_t cpu_millis, std::int64_t mem_bytes) {
    auto s = std::make_shared<cluster::PodSchedulingSpec>();
    s->requests = resources(cpu_millis, mem_bytes);
    s->requests.set(Resource::pods, Quantity::from_units(1));
    m_specs.push_back(s);
    return *s;
  }
  std::shared_ptr<const cluster::PodSchedulingSpec> shared(const cluster::PodSchedulingSpec& s) const {
    for (const auto& p : m_specs)
      if (p.get() == &s) return p;
    return nullptr;
  }
  const Labels& labels(Labels l) {
    m_labels.push_back(std::move(l));
    return m_labels.back();
  }
  // A cluster pod with this spec (id = creation index); for the drain rules and lookups.
  cluster::Pod& pod(const std::string& name, const cluster::PodSchedulingSpec& s, cluster::OwnerRef owner = {},
                    const std::string& ns = "default", Labels labels = {}) {
    cluster::Pod p;
    p.id = static_cast<cluster::PodId>(m_pods.size());
    p.uid = p.id;
    p.name = name;
    p.namespace_ = ns;
    p.labels = std::move(labels);
    p.owner = std::move(owner);
    p.spec = shared(s);
    p.phase = cluster::PodPhase::running;
    m_pods.push_back(std::move(p));
    return m_pods.back();
  }
  const cluster::Pod* find(cluster::PodId id) const { return id < m_pods.size() ? &m_pods[id] : nullptr; }
  // The snapshot view of a cluster pod.
  scheduling::SnapshotPod snap(const cluster::Pod& p) const {
    return scheduling::SnapshotPod{p.id, p.uid, p.spec.get(), &p.labels, p.namespace_, p.is_daemon(), p.is_mirror()};
  }
  // A snapshot pod with no cluster pod behind it (estimator tests).
  scheduling::SnapshotPod snap(const cluster::PodSchedulingSpec& s, const Labels* labels = nullptr) {
    return scheduling::SnapshotPod{m_next_synthetic++, 0, &s, labels, "default", false, false};
  }

 private:
  std::deque<std::shared_ptr<cluster::PodSchedulingSpec>> m_specs;
  std::deque<Labels> m_labels;
  std::deque<cluster::Pod> m_pods;
  cluster::PodId m_next_synthetic{1'000'000};
};

// Places a pod on a snapshot node (bound pods of the harness).
inline void bind(scheduling::ClusterSnapshot& snap, std::size_t node, const scheduling::SnapshotPod& p) {
  snap.add_pod(node, p);
}

}  // namespace capsim::test::ca
