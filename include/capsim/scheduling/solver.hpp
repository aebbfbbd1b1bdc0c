// Karpenter's scheduling simulation (core pkg/controllers/provisioning/scheduling/scheduler.go,
// nodeclaim.go, existingnode.go, queue.go, preferences.go): pods are placed first-fit on existing
// nodes, then on NodeClaims opened earlier in this solve (fewest pods first), then on a new
// NodeClaim from the first NodePool template (weight desc, name desc) that can take them. Each
// NodeClaim is a requirement set plus a shrinking instance-type list. Topology spread and pod
// (anti-)affinity go through the topology engine (scheduling/topology.hpp); preferences are
// relaxed one step at a time in preferences.go order. The same solver serves provisioning and
// every disruption simulation.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/cluster/objects.hpp"
#include "capsim/scheduling/node_index.hpp"
#include "capsim/scheduling/topology.hpp"

namespace capsim::scheduling {

// True for label keys a NodePool may leave undefined (v1.WellKnownLabels + AWS provider labels).
bool is_well_known_label(std::string_view key);
// Karpenter-restricted label domains (karpenter.sh, karpenter.k8s.aws, kubernetes.io/hostname).
bool is_restricted_label(std::string_view key);

// One NodePool as the solver sees it (NodeClaimTemplate).
struct NodeClaimTemplate {
  std::string node_pool;
  int weight{0};
  Requirements requirements;  // NodePool requirements + template labels as In
  Labels labels;
  std::vector<Taint> taints;
  std::vector<Taint> startup_taints;
  std::vector<const catalog::InstanceType*> instance_types;
  // Daemon overhead per instance type (same index as instance_types): requests of the DaemonSet
  // pods that would run on that type (buildDaemonOverheadGroups).
  std::vector<ResourceList> daemon_overhead;
  // Host ports held by the DaemonSets that would run on its nodes (scheduler.go
  // getDaemonHostPortUsage, v1.4+): a NodeClaim starts with them in use.
  std::vector<int> daemon_host_ports;
  // NodePool limits still available (spec.limits - usage); only resources named in
  // limited_resources are limited (a limit may be 0).
  ResourceList remaining_limits;
  std::vector<std::string> limited_resources;
};

struct SolverPod {
  cluster::PodId id{0};
  std::uint64_t uid{0};
  SimTime created;
  std::string name;
  const cluster::PodSchedulingSpec* spec{nullptr};
  const Labels* labels{nullptr};  // the pod's labels (topology selectors, matchLabelKeys); null: none
  std::string namespace_{"default"};
};

// The SolverPod of a cluster pod (identity, spec, labels and namespace); `p` must outlive the solve.
inline SolverPod solver_pod(const cluster::Pod& p) {
  return SolverPod{p.id, p.uid, p.created, p.name, p.spec.get(), &p.labels, p.namespace_};
}

class TemplateCache;

struct SolverOptions {
  std::size_t max_instance_types{600};  // MaxInstanceTypes (600 since v1.7, 100 before v0.36)
  bool min_values_strict{true};
  bool ignore_preferences{false};
  // A consolidation simulation whose caller only needs to know whether the move is possible: the
  // solve stops (SolverResult::stopped) as soon as the result cannot be a DELETE or a REPLACE - a
  // pod of this set fails for good (no topology involved, so a retry cannot succeed), lands on an
  // existing node that is not initialized, or a second NodeClaim opens. Null: solve everything.
  // (Sorted ascending.)
  const std::vector<cluster::PodId>* stop_when_not_consolidatable{nullptr};
  // With stop_when_not_consolidatable: the first NodeClaim already makes the move a no-op (the
  // caller knows no replacement can be cheaper than the candidates), so the solve stops there.
  bool stop_at_first_claim{false};
  // Where the solve keeps what it derives from its templates alone, to share with later solves
  // over the same template store (a consolidation pass runs many). Null: the solve's own.
  TemplateCache* template_cache{nullptr};
  // A deadline as a number of queue pops (pod attempts): after that many the solve stops with
  // what it has (SolverResult::timed_out); the pods not reached get no result. nullopt: none.
  std::optional<std::size_t> max_attempts;
};

// The daemon overhead of each instance type of a NodeClaim, aligned with its instance_types. The
// solver shares its template's table (one index per type, no ResourceList copies per NodeClaim);
// assigning a vector makes it an owned list.
class DaemonOverheads {
 public:
  DaemonOverheads() = default;
  DaemonOverheads(std::vector<ResourceList> v) : m_own(std::move(v)) {}  // NOLINT: a plain list
  DaemonOverheads& operator=(std::vector<ResourceList> v) {
    m_table.reset();
    m_index.clear();
    m_own = std::move(v);
    return *this;
  }
  void share(std::shared_ptr<const std::vector<ResourceList>> table, std::vector<std::uint32_t> index) {
    m_table = std::move(table);
    m_index = std::move(index);
    m_own.clear();
  }
  const ResourceList& operator[](std::size_t i) const { return m_table ? (*m_table)[m_index[i]] : m_own[i]; }
  std::size_t size() const { return m_table ? m_index.size() : m_own.size(); }
  bool empty() const { return size() == 0; }

 private:
  std::shared_ptr<const std::vector<ResourceList>> m_table;
  std::vector<std::uint32_t> m_index;
  std::vector<ResourceList> m_own;
};

struct NewNodeClaim {
  std::size_t template_index{0};
  std::string node_pool;
  std::string hostname;  // placeholder
  Requirements requirements;
  std::vector<const catalog::InstanceType*> instance_types;  // cheapest first after finalize
  DaemonOverheads daemon_overhead;                           // aligned with instance_types
  ResourceList pod_requests;  // sum of pod requests
  ResourceList requests;      // pod requests + min daemon overhead (after finalize)
  std::vector<cluster::PodId> pods;
};

struct SolverResult {
  std::vector<NewNodeClaim> new_claims;
  std::map<cluster::NodeId, std::vector<cluster::PodId>> existing;  // pods planned onto existing nodes
  std::map<cluster::PodId, std::string> errors;                     // unschedulable pods with reasons
  // SolverOptions::stop_when_not_consolidatable fired: the rest is partial.
  bool stopped{false};
  // Some topology group was involved (placements then depend on every node's pods).
  bool topology{false};
  // Some pod failed an attempt (it was relaxed, retried, or is left unschedulable).
  bool retried{false};
  // SolverOptions::max_attempts ran out; `attempts` pods were taken from the queue.
  bool timed_out{false};
  std::size_t attempts{0};
};

// What solves derive from their templates alone, per template: the instance types' dense resource
// table and their offering and label views. A solve given one over another template store starts
// it afresh.
class TemplateCache {
 private:
  friend class Solver;
  // Dense per-template data for the instance-type filter.
  struct TemplateTable {
    std::vector<std::array<std::int64_t, k_fixed_resources>> allocatable;  // per type
    std::vector<std::array<std::int64_t, k_fixed_resources>> overhead;     // daemon overhead per type
    std::vector<std::uint8_t> exact;  // comparing fixed slots decides Fits (no negative allocatable, no extended overhead)
    std::vector<std::vector<std::int64_t>> limit_capacity;  // per limited resource, capacity per type
    std::shared_ptr<const std::vector<ResourceList>> overhead_list;  // the template's daemon_overhead
    bool overhead_zero{true};  // no type has daemon overhead
    bool built{false};
  };
  // Per (template, zone and capacity-type requirements): which instance types have an available
  // compatible offering, and TruncateInstanceTypes' order (cheapest such offering, then name).
  struct OfferingView {
    std::vector<std::uint8_t> available;
    std::vector<std::uint32_t> price_order;
  };
  std::shared_ptr<const std::vector<NodeClaimTemplate>> m_store;  // the templates these are of
  std::vector<TemplateTable> m_tables;                             // parallel to the templates
  std::map<std::string, OfferingView> m_offering_views;
  std::map<std::string, std::vector<std::uint8_t>> m_label_views;
};

class Solver {
 public:
  Solver(const Solver&) = delete;  // m_cache may point into the solver
  Solver& operator=(const Solver&) = delete;
  Solver(std::vector<NodeClaimTemplate> templates, std::vector<ExistingNodeInput> nodes, SolverOptions opts);
  // Shared templates and a shared node index minus `excluded` (the disruption candidates): what
  // the simulations of a disruption pass use. Setting up costs O(nodes) in small integers only.
  Solver(std::shared_ptr<const std::vector<NodeClaimTemplate>> templates, std::shared_ptr<const NodeIndex> nodes,
         std::vector<cluster::NodeId> excluded, SolverOptions opts);
  // One Scheduler.Solve over `pods`; call once per Solver.
  SolverResult solve(std::vector<SolverPod> pods);

 private:
  // The solve's copy-on-write view of an existing node: the shared input plus what this solve
  // placed there.
  struct ExistingNode {
    const ExistingNodeInput* in{nullptr};
    std::size_t position{0};  // in the NodeIndex
    ResourceList remaining;
    std::optional<Requirements> narrowed;  // the requirements, once a placed pod narrowed them
    std::vector<int> added_ports;
    const Requirements& requirements() const { return narrowed ? *narrowed : in->requirements; }
    std::vector<cluster::PodId> pods;
    std::uint32_t host{0};                // hostname domain id in the topology
    std::vector<std::uint32_t> domains;   // Topology::node_domains of `in.requirements`
    bool domains_valid{false};
  };
  struct Claim {
    // instance_types and daemon_overhead are filled at finalize; until then type_index says which
    // of the template's instance types remain.
    NewNodeClaim nc;
    std::vector<std::uint32_t> type_index;
    std::array<std::int64_t, k_fixed_resources> requested{};  // nc.pod_requests, fixed slots
    bool requests_extended{false};                              // nc.pod_requests has other resources
    std::uint64_t seq{0};
    std::uint32_t host{0};                // hostname domain id in the topology
    std::size_t ordered_count{0};         // pod count under which m_order holds this claim
    std::vector<std::uint32_t> domains;   // Topology::node_domains of `nc.requirements`
    bool domains_valid{false};
    std::vector<int> host_ports;          // in use: its DaemonSets' and its pods' (HostPortUsage)
  };
  // What the in-flight scan reads of every claim, kept dense for the cache.
  static constexpr std::size_t k_hot_slots = 6;
  struct ClaimHot {
    std::uint32_t host{0};
    std::uint32_t template_index{0};
    std::uint32_t n_domains{0};  // valid entries of `domains` (0: not cached)
    std::array<std::uint32_t, k_hot_slots> domains{};  // Claim::domains, first slots
  };
  // One try of one pod in one relaxation state (the pod copy preferences.go relaxes).
  struct Attempt {
    const SolverPod* pod{nullptr};
    Topology::PodHandle topo;
    Requirements reqs;    // podData.Requirements: nodeSelector + first required term (+ heaviest preferred)
    Requirements strict;  // podData.StrictRequirements (podDomains for topology)
    std::vector<Toleration> tols;
    std::vector<std::uint32_t> owned;  // topology groups the pod owns
    bool topology{false};              // some topology group is involved
    bool sets_hostname{false};         // the pod itself constrains kubernetes.io/hostname
    std::vector<std::uint8_t> pod_keys;                // Topology::pod_keys
    std::vector<Topology::HostBound> host_bounds;      // Topology::hostname_bounds (scan pre-check)
    std::vector<std::uint8_t> tolerates_template;      // per template: its taints are tolerated
    std::array<std::int64_t, k_fixed_resources> requests{};  // the pod's requests, fixed slots
    bool requests_extended{false};
  };
  using TemplateTable = TemplateCache::TemplateTable;
  using OfferingView = TemplateCache::OfferingView;
  const TemplateTable& table(std::size_t template_index);
  const OfferingView& offering_view(std::size_t template_index, const Requirements& reqs);
  // Per (template, requirement): whether each of the template's types intersects it
  // (Requirements.Intersects on that key).
  const std::vector<std::uint8_t>& label_view(std::size_t template_index, const Requirement& r);

  void make_attempt(const SolverPod& pod, Topology::PodHandle h, const Relaxation& r, Attempt& a);
  bool relax(const cluster::PodSchedulingSpec& spec, Relaxation& r) const;
  std::optional<std::string> try_add(const Attempt& a);
  // The stop rule of SolverOptions::stop_when_not_consolidatable, after `a` was placed
  // (`on_existing`: on that existing node; null: on a NodeClaim) or failed (`failed`).
  bool moved(const Attempt& a) const;
  const ExistingNode* m_placed_on{nullptr};  // set by try_add when the pod went to an existing node
  bool m_any_min_values{false};  // finalize may drop a NodeClaim (minValues), so claim counts are not final
  bool can_add_existing(ExistingNode& n, const Attempt& a);
  // explain=false (in-flight NodeClaims, whose reasons are never reported) skips building the
  // reason text and uses integer-only pre-checks; the decision is the same.
  std::optional<std::string> can_add_claim(Claim& c, const Attempt& a, bool explain);
  std::optional<std::string> open_claim(std::size_t ti, const Attempt& a);
  // Topology requirements merged into `merged` (a copy of `base` is made when they narrow it).
  std::optional<std::string> apply_topology(const Attempt& a, const Requirements& base,
                                            std::optional<Requirements>& merged, std::uint32_t host,
                                            bool prechecked, const WellKnownFn& well_known, bool explain);
  void reorder(std::size_t claim_index);
  void finalize(Claim& c);
  // Fast topology verdict on a node's cached single-valued domains.
  Topology::Verdict topology_verdict(const Attempt& a, std::vector<std::uint32_t>& domains, bool& valid,
                                     const Requirements& reqs);
  void refresh_hot(std::size_t claim_index);

  void init(std::vector<cluster::NodeId> excluded);
  // The solve's view of the node at `position`, made on first use.
  ExistingNode& node_at(std::size_t position);
  bool is_excluded(cluster::NodeId id) const;

  std::shared_ptr<const std::vector<NodeClaimTemplate>> m_template_store;
  const std::vector<NodeClaimTemplate>& m_templates;
  std::vector<ResourceList> m_remaining_limits;  // per template: limits left after this solve's claims
  std::vector<ExistingNodeInput> m_owned_nodes;  // inputs of the owning constructor
  std::shared_ptr<const NodeIndex> m_index;
  std::vector<cluster::NodeId> m_excluded;  // sorted
  // Per index position: k_untouched, k_excluded, or the node's entry in m_touched.
  static constexpr std::int32_t k_untouched = -1;
  static constexpr std::int32_t k_excluded = -2;
  std::vector<std::int32_t> m_slot;
  std::deque<ExistingNode> m_touched;  // stable addresses (m_placed_on)
  // The fit tree the scan uses: the index's (placements and exclusions not reflected: the scan
  // checks them) or, for solves with many exclusions or pods, this solve's own exact copy.
  const FitTree* m_fit{nullptr};
  std::optional<FitTree> m_own_fit;
  bool m_inverse_anti_affinity{false};  // some node (placeable or not) has a pod with required anti-affinity
  std::vector<Claim> m_claims;
  std::vector<ClaimHot> m_hot;         // parallel to m_claims
  std::vector<std::uint32_t> m_order;  // claim indices by (pod count, creation): fewest pods first
  TemplateCache m_own_cache;
  TemplateCache* m_cache{nullptr};  // SolverOptions::template_cache or m_own_cache
  SolverOptions m_opts;
  std::uint64_t m_claim_seq{0};
  bool m_any_prefer_no_schedule{false};
  std::optional<Topology> m_topology;
};

// Cheapest available offering of `it` compatible with `reqs` (zone, capacity type); nullopt if none.
std::optional<Money> cheapest_offering_price(const catalog::InstanceType& it, const Requirements& reqs);
bool offering_compatible(const catalog::Offering& o, const Requirements& reqs);

}  // namespace capsim::scheduling
