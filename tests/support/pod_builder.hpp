// Test builders for the scheduling tests: pod scheduling specs (requests, nodeSelector, required
// and preferred node-affinity terms, tolerations, host ports), a pod set that owns the specs and
// hands out Solver pods, and NodePool templates pre-filtered the way Karpenter's NewScheduler
// does (core pkg/controllers/provisioning/scheduling/scheduler.go). Header-only.
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/cluster/objects.hpp"
#include "capsim/core/quantity.hpp"
#include "capsim/core/requirements.hpp"
#include "capsim/core/resources.hpp"
#include "capsim/core/taints.hpp"
#include "capsim/scheduling/solver.hpp"

namespace capsim::test {

inline Quantity qty(std::string_view text) {
  auto q = parse_quantity(text);
  if (!q) throw std::invalid_argument("bad quantity in test: " + std::string(text));
  return *q;
}

inline Requirement req(std::string key, Operator op, std::vector<std::string> values = {}) {
  return Requirement(std::move(key), op, std::move(values));
}

inline Requirements reqs(std::vector<Requirement> rs) { return Requirements(std::move(rs)); }

// Fluent builder of a cluster::PodSchedulingSpec. Requests always include pods: 1 (Karpenter adds
// it to every pod); a pod with no resources requests only that.
class PodSpecBuilder {
 public:
  PodSpecBuilder() { m_spec.requests.set(Resource::pods, Quantity::from_units(1)); }

  PodSpecBuilder& cpu(std::string_view q) {
    m_spec.requests.set(Resource::cpu, qty(q));
    return *this;
  }
  PodSpecBuilder& memory(std::string_view q) {
    m_spec.requests.set(Resource::memory, qty(q));
    return *this;
  }
  PodSpecBuilder& resource(std::string_view name, std::string_view q) {
    m_spec.requests.set(name, qty(q));
    return *this;
  }
  // Replaces the requests wholesale (pods: 1 is re-added), e.g. with spec::PodTemplate::requests().
  PodSpecBuilder& requests(ResourceList r) {
    m_spec.requests = std::move(r);
    m_spec.requests.set(Resource::pods, Quantity::from_units(1));
    return *this;
  }
  PodSpecBuilder& node_selector(std::string key, std::string value) {
    m_spec.node_selector[std::move(key)] = std::move(value);
    return *this;
  }
  // One required node-affinity OR-term (nodeSelectorTerms[i]); call repeatedly for more terms.
  PodSpecBuilder& required_term(std::vector<Requirement> term) {
    m_spec.required_terms.push_back(Requirements(std::move(term)));
    return *this;
  }
  // One preferred node-affinity term; terms are kept heaviest first (stable), as
  // workload::make_scheduling_spec and Karpenter's preferences.go sort them.
  PodSpecBuilder& preferred_term(int weight, std::vector<Requirement> term) {
    m_spec.preferred_terms.emplace_back(weight, Requirements(std::move(term)));
    std::stable_sort(m_spec.preferred_terms.begin(), m_spec.preferred_terms.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    return *this;
  }
  PodSpecBuilder& toleration(Toleration t) {
    m_spec.tolerations.push_back(std::move(t));
    return *this;
  }
  PodSpecBuilder& host_port(int port) {
    m_spec.host_ports.push_back(port);
    return *this;
  }
  cluster::PodSchedulingSpec build() const { return m_spec; }
  operator cluster::PodSchedulingSpec() const { return m_spec; }  // NOLINT: builder convenience

 private:
  cluster::PodSchedulingSpec m_spec;
};

inline cluster::PodSchedulingSpec make_pod_spec(std::string_view cpu = {}, std::string_view memory = {}) {
  PodSpecBuilder b;
  if (!cpu.empty()) b.cpu(cpu);
  if (!memory.empty()) b.memory(memory);
  return b.build();
}

// Owns pod specs (stable addresses) and assigns ids, uids and creation times in insertion order
// (id = uid = creation ms = index), like pods created one after another.
class PodSet {
 public:
  // Adds `count` pods sharing `spec`; returns the id of the first.
  cluster::PodId add(const cluster::PodSchedulingSpec& spec, int count = 1, const std::string& name = "pod") {
    m_specs.push_back(spec);
    const cluster::PodSchedulingSpec* s = &m_specs.back();
    cluster::PodId first = static_cast<cluster::PodId>(m_pods.size());
    for (int i = 0; i < count; ++i) {
      scheduling::SolverPod p;
      p.id = static_cast<cluster::PodId>(m_pods.size());
      p.uid = p.id;
      p.created = SimTime{static_cast<std::int64_t>(p.id)};
      p.name = name + "-" + std::to_string(p.id);
      p.spec = s;
      m_pods.push_back(std::move(p));
    }
    return first;
  }
  // Adds one pod with explicit identity (for ordering tests).
  cluster::PodId add_with(const cluster::PodSchedulingSpec& spec, std::uint64_t uid, SimTime created,
                          const std::string& name) {
    m_specs.push_back(spec);
    scheduling::SolverPod p;
    p.id = static_cast<cluster::PodId>(m_pods.size());
    p.uid = uid;
    p.created = created;
    p.name = name;
    p.spec = &m_specs.back();
    const cluster::PodId id = p.id;
    m_pods.push_back(std::move(p));
    return id;
  }
  const std::vector<scheduling::SolverPod>& pods() const { return m_pods; }
  // The pods with ids in [first, first + count).
  std::vector<scheduling::SolverPod> range(cluster::PodId first, std::size_t count) const {
    return {m_pods.begin() + first, m_pods.begin() + first + static_cast<std::ptrdiff_t>(count)};
  }
  std::size_t size() const { return m_pods.size(); }

 private:
  std::deque<cluster::PodSchedulingSpec> m_specs;
  std::vector<scheduling::SolverPod> m_pods;
};

// A NodePool as a NodeClaimTemplate. Requirements = NodePool requirements + template labels as In
// + karpenter.sh/nodepool In [name] (NewNodeClaimTemplate). Limits default to cpu 2000, as
// pkg/test.NodePool does for every upstream test NodePool.
struct NodePoolOptions {
  std::string name{"default"};
  int weight{0};
  std::vector<Requirement> requirements;
  Labels labels;
  std::vector<Taint> taints;
  std::vector<Taint> startup_taints;
  // Limits (resource name -> quantity); empty map = no limits.
  std::map<std::string, std::string> limits{{"cpu", "2000"}};
  // Daemon overhead for every instance type of the pool (buildDaemonOverheadGroups with one
  // group); empty = no DaemonSets.
  ResourceList daemon_overhead;
};

// NewScheduler's pre-filter (filterInstanceTypesByRequirements with an empty pod): keep the types
// whose requirements intersect the template's, that have an available offering compatible with
// them and whose allocatable is non-negative.
inline scheduling::NodeClaimTemplate make_template(const std::vector<catalog::InstanceType>& types,
                                                   const NodePoolOptions& o = {}) {
  scheduling::NodeClaimTemplate t;
  t.node_pool = o.name;
  t.weight = o.weight;
  for (const auto& r : o.requirements) t.requirements.add(r);
  t.labels = o.labels;
  t.labels[std::string(label::k_nodepool)] = o.name;
  for (const auto& [k, v] : t.labels) t.requirements.add(Requirement(k, Operator::in, {v}));
  t.taints = o.taints;
  t.startup_taints = o.startup_taints;
  for (const auto& it : types) {
    if (it.requirements.intersects(t.requirements)) continue;
    bool offering = std::any_of(it.offerings.begin(), it.offerings.end(), [&](const catalog::Offering& of) {
      return of.available && scheduling::offering_compatible(of, t.requirements);
    });
    if (!offering) continue;
    if (it.allocatable.any_negative()) continue;
    t.instance_types.push_back(&it);
    t.daemon_overhead.push_back(o.daemon_overhead);
  }
  for (const auto& [name, q] : o.limits) {
    t.remaining_limits.set(name, qty(q));
    t.limited_resources.push_back(name);
  }
  return t;
}

// Templates in Karpenter's NodePool order: weight descending, then name descending
// (pkg/utils/nodepool/nodepool.go OrderByWeight).
inline std::vector<scheduling::NodeClaimTemplate> order_by_weight(std::vector<scheduling::NodeClaimTemplate> ts) {
  std::stable_sort(ts.begin(), ts.end(), [](const auto& a, const auto& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.node_pool > b.node_pool;
  });
  return ts;
}

}  // namespace capsim::test
