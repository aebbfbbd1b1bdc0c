// Test harness for topology spread and pod (anti-)affinity: a tiny cluster of nodes and pods on
// which "ExpectProvisioned" runs one Solver::solve over a batch, launches every new NodeClaim with
// the fake cloud provider (catalog::fake_create: cheapest type, first compatible offering) and
// binds the pods, so later batches see them as existing nodes with bound pods; plus
// "ExpectSkew" (pods per topology domain) as in core pkg/test/expectations. Header-only.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "capsim/catalog/fake_provider.hpp"
#include "capsim/cluster/objects.hpp"
#include "capsim/scheduling/solver.hpp"
#include "support/pod_builder.hpp"

namespace capsim::test {

// Fluent additions for topology on top of PodSpecBuilder's pod specs.
class TopoSpec {
 public:
  TopoSpec() { m_spec.requests.set(Resource::pods, Quantity::from_units(1)); }
  TopoSpec(cluster::PodSchedulingSpec s) : m_spec(std::move(s)) {}  // NOLINT: from PodSpecBuilder

  TopoSpec& cpu(std::string_view q) {
    m_spec.requests.set(Resource::cpu, qty(q));
    return *this;
  }
  TopoSpec& node_selector(std::string key, std::string value) {
    m_spec.node_selector[std::move(key)] = std::move(value);
    return *this;
  }
  TopoSpec& required_term(std::vector<Requirement> term) {
    m_spec.required_terms.push_back(Requirements(std::move(term)));
    return *this;
  }
  TopoSpec& preferred_term(int weight, std::vector<Requirement> term) {
    m_spec.preferred_terms.emplace_back(weight, Requirements(std::move(term)));
    return *this;
  }
  TopoSpec& toleration(Toleration t) {
    m_spec.tolerations.push_back(std::move(t));
    return *this;
  }
  // A DoNotSchedule (or ScheduleAnyway) topology spread constraint selecting `selector`.
  TopoSpec& spread(std::string key, int max_skew, std::map<std::string, std::string> selector,
                   bool do_not_schedule = true) {
    cluster::TopologySpreadConstraint c;
    c.topology_key = std::move(key);
    c.max_skew = max_skew;
    c.do_not_schedule = do_not_schedule;
    c.selector.match_labels = std::move(selector);
    m_spec.topology_spread.push_back(std::move(c));
    return *this;
  }
  // Edit the last spread constraint.
  cluster::TopologySpreadConstraint& last_spread() { return m_spec.topology_spread.back(); }
  TopoSpec& affinity(std::string key, std::map<std::string, std::string> selector, std::vector<std::string> ns = {}) {
    m_spec.pod_affinity.push_back(term(std::move(key), std::move(selector), std::move(ns)));
    return *this;
  }
  TopoSpec& anti_affinity(std::string key, std::map<std::string, std::string> selector) {
    m_spec.pod_anti_affinity.push_back(term(std::move(key), std::move(selector), {}));
    return *this;
  }
  TopoSpec& preferred_affinity(int weight, std::string key, std::map<std::string, std::string> selector) {
    m_spec.preferred_pod_affinity.push_back({weight, term(std::move(key), std::move(selector), {})});
    std::stable_sort(m_spec.preferred_pod_affinity.begin(), m_spec.preferred_pod_affinity.end(),
                     [](const auto& a, const auto& b) { return a.weight > b.weight; });
    return *this;
  }
  TopoSpec& preferred_anti_affinity(int weight, std::string key, std::map<std::string, std::string> selector) {
    m_spec.preferred_pod_anti_affinity.push_back({weight, term(std::move(key), std::move(selector), {})});
    std::stable_sort(m_spec.preferred_pod_anti_affinity.begin(), m_spec.preferred_pod_anti_affinity.end(),
                     [](const auto& a, const auto& b) { return a.weight > b.weight; });
    return *this;
  }
  operator cluster::PodSchedulingSpec() const { return m_spec; }  // NOLINT: builder convenience
  const cluster::PodSchedulingSpec& spec() const { return m_spec; }

 private:
  static cluster::PodAffinityTerm term(std::string key, std::map<std::string, std::string> selector,
                                       std::vector<std::string> ns) {
    cluster::PodAffinityTerm t;
    t.topology_key = std::move(key);
    t.selector.match_labels = std::move(selector);
    t.namespaces = std::move(ns);
    return t;
  }
  cluster::PodSchedulingSpec m_spec;
};

inline bool fake_well_known(std::string_view key) {
  return scheduling::is_well_known_label(key) || catalog::fake_is_well_known(key);
}

class TopologyCluster {
 public:
  using PodId = cluster::PodId;

  explicit TopologyCluster(std::vector<catalog::InstanceType> types = catalog::fake_default_instance_types())
      : m_types(std::move(types)) {}
  const std::vector<catalog::InstanceType>& types() const { return m_types; }

  // `count` pending pods sharing one spec (a Deployment's replicas).
  std::vector<PodId> add(const cluster::PodSchedulingSpec& spec, int count = 1, Labels labels = {},
                         std::string ns = "default") {
    m_specs.push_back(spec);
    std::vector<PodId> out;
    for (int i = 0; i < count; ++i) {
      PodRec p;
      p.spec = &m_specs.back();
      p.labels = labels;
      p.ns = ns;
      out.push_back(static_cast<PodId>(m_pods.size()));
      m_pods.push_back(std::move(p));
    }
    return out;
  }
  // A node that exists before provisioning (test.Node + the node state controller).
  std::size_t add_node(const std::string& name, Labels labels, ResourceList allocatable, std::vector<Taint> taints = {}) {
    NodeRec n;
    n.name = name;
    n.labels = std::move(labels);
    n.labels[std::string(label::k_hostname)] = name;
    n.allocatable = std::move(allocatable);
    n.taints = std::move(taints);
    n.initialized = true;
    m_nodes.push_back(std::move(n));
    return m_nodes.size() - 1;
  }
  // A pod bound to a node directly (test.Pod with NodeName).
  void bind(PodId pod, std::size_t node) {
    m_pods[pod].node = node;
    m_nodes[node].pods.push_back(pod);
  }
  // The pod is deleted (ExpectDeleted).
  void remove(PodId pod) {
    auto& p = m_pods[pod];
    if (p.node) std::erase(m_nodes[*p.node].pods, pod);
    p.node.reset();
    p.deleted = true;
  }

  // ExpectProvisioned over `batch`: solve, fake-launch new NodeClaims, bind.
  scheduling::SolverResult provision(const std::vector<scheduling::NodeClaimTemplate>& templates,
                                     const std::vector<PodId>& batch, scheduling::SolverOptions opts) {
    std::vector<scheduling::ExistingNodeInput> inputs;
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
      const NodeRec& n = m_nodes[i];
      scheduling::ExistingNodeInput in;
      in.id = static_cast<cluster::NodeId>(i);
      in.name = n.name;
      in.initialized = n.initialized;
      in.requirements = Requirements::from_labels(n.labels);
      in.taints = n.taints;
      in.remaining = n.allocatable;
      for (PodId pid : n.pods) {
        const PodRec& p = m_pods[pid];
        in.remaining -= p.spec->requests;
        in.pods.push_back(scheduling::BoundPodInput{pid, p.ns, &p.labels, p.spec});
      }
      inputs.push_back(std::move(in));
    }
    std::vector<scheduling::SolverPod> pods;
    for (PodId pid : batch) {
      const PodRec& p = m_pods[pid];
      scheduling::SolverPod sp;
      sp.id = pid;
      sp.uid = pid;
      sp.created = SimTime{static_cast<std::int64_t>(pid)};
      sp.name = "pod-" + std::to_string(pid);
      sp.spec = p.spec;
      sp.labels = &p.labels;
      sp.namespace_ = p.ns;
      pods.push_back(std::move(sp));
    }
    scheduling::SolverResult r = scheduling::Solver(templates, std::move(inputs), opts).solve(pods);
    for (const auto& [nid, pids] : r.existing)
      for (PodId pid : pids) bind(pid, nid);
    for (const auto& nc : r.new_claims) {
      auto l = catalog::fake_create(nc.instance_types, nc.requirements, nc.requests, fake_well_known);
      if (!l) continue;  // an error the caller checks through scheduled()
      NodeRec n;
      n.name = "node-" + std::to_string(++m_launched);
      n.labels = l->labels;
      for (const auto& [k, v] : templates[nc.template_index].labels) n.labels[k] = v;
      // ToNodeClaim: requirements still undecided get one concrete value (Requirement.Any()).
      for (const auto& req : nc.requirements.items())
        if (req.op() == Operator::in && !n.labels.count(req.key())) n.labels[req.key()] = req.any();
      n.labels[std::string(label::k_hostname)] = n.name;
      n.allocatable = l->instance_type->allocatable;
      n.initialized = false;  // registered, not yet initialized
      m_nodes.push_back(std::move(n));
      for (PodId pid : nc.pods) bind(pid, m_nodes.size() - 1);
    }
    return r;
  }

  bool scheduled(PodId pod) const { return m_pods[pod].node.has_value(); }
  const std::string& node_name(PodId pod) const { return m_nodes[*m_pods[pod].node].name; }
  const Labels& node_labels(PodId pod) const { return m_nodes[*m_pods[pod].node].labels; }
  std::size_t node_count() const { return m_nodes.size(); }
  std::size_t count_scheduled(const std::vector<PodId>& pods) const {
    return static_cast<std::size_t>(
        std::count_if(pods.begin(), pods.end(), [&](PodId p) { return scheduled(p); }));
  }
  std::vector<PodId> unscheduled(const std::vector<PodId>& pods) const {
    std::vector<PodId> out;
    for (PodId p : pods)
      if (!scheduled(p) && !m_pods[p].deleted) out.push_back(p);
    return out;
  }

  // ExpectSkew: bound pods in `ns` ("" = all) matching `selector` (nullopt = every pod), counted
  // per value of `key` on their node (hostname: the node name). Returned sorted (a multiset).
  std::multiset<int> skew(const std::string& key, std::optional<std::map<std::string, std::string>> selector,
                          const std::string& ns = "default") const {
    std::map<std::string, int> counts;
    for (const auto& p : m_pods) {
      if (!p.node || (!ns.empty() && p.ns != ns)) continue;
      if (selector) {
        bool match = std::all_of(selector->begin(), selector->end(), [&](const auto& kv) {
          auto it = p.labels.find(kv.first);
          return it != p.labels.end() && it->second == kv.second;
        });
        if (!match) continue;
      }
      const NodeRec& n = m_nodes[*p.node];
      if (key == label::k_hostname) {
        ++counts[n.name];
        continue;
      }
      auto it = n.labels.find(key);
      if (it != n.labels.end()) ++counts[it->second];
    }
    std::multiset<int> out;
    for (const auto& [d, c] : counts) out.insert(c);
    return out;
  }

 private:
  struct PodRec {
    const cluster::PodSchedulingSpec* spec{nullptr};
    Labels labels;
    std::string ns;
    std::optional<std::size_t> node;
    bool deleted{false};
  };
  struct NodeRec {
    std::string name;
    Labels labels;
    ResourceList allocatable;
    std::vector<Taint> taints;
    bool initialized{false};
    std::vector<PodId> pods;
  };
  std::vector<catalog::InstanceType> m_types;
  std::deque<cluster::PodSchedulingSpec> m_specs;
  std::deque<PodRec> m_pods;
  std::vector<NodeRec> m_nodes;
  int m_launched{0};
};

}  // namespace capsim::test
