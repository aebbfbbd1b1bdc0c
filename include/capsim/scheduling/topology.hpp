// Karpenter's topology engine for the scheduling simulation (core
// pkg/controllers/provisioning/scheduling/topology.go, topologygroup.go, topologydomaingroup.go,
// topologynodefilter.go; reference karpenter.md 2.8): topology spread constraints and pod
// (anti-)affinity as TopologyGroups that count pods per domain, shared across pods by identity,
// plus the inverse anti-affinity groups of pods with required anti-affinity. The Solver asks it
// which domains a pod may use on a node or NodeClaim (AddRequirements) and tells it where pods
// went (Record).
//
// Deterministic where upstream iterates Go maps: domains are visited in lexical order, so the
// spread choice among equally loaded domains and the affinity bootstrap domain are the
// lexically smallest. Keys and domains are interned to integers; where a node pins a group's key
// to one domain the decision is taken on integers (fast_check), which is what the solver's hot
// path uses.
//
// Deviations from upstream, none of which changes a decision in the upstream test suite:
// - the domain universe is built from the templates' pre-filtered instance types (upstream: every
//   instance type of the NodePool), and karpenter.sh/nodepool is never a domain key;
// - hostnames of NodeClaims and nodes are not Register()ed into the groups: on a NodeClaim or a
//   node the hostname requirement is always one value, and the hostname cases of
//   nextDomain* never look at registered-but-empty hostnames;
// - every node passed in registers its domains (upstream skips in-flight NodeClaims without a
//   Node object);
// - a label selector cannot be nil (capsim's schema reads an absent selector as {}, which selects
//   every pod; upstream's nil selects none), and namespaceSelector is not modelled.
#pragma once

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "capsim/cluster/objects.hpp"
#include "capsim/core/requirements.hpp"
#include "capsim/core/taints.hpp"

namespace capsim::scheduling {

struct NodeClaimTemplate;
struct SolverPod;

enum class TopologyType : std::uint8_t { spread, pod_affinity, pod_anti_affinity };
std::string_view topology_type_name(TopologyType t);  // "topology spread", "pod affinity", ...

// TopologyNodeFilter: whether a node takes part in a spread constraint's counts and domains
// (nodeAffinityPolicy: the node must satisfy the pod's nodeSelector and one of its required
// node-affinity terms; nodeTaintsPolicy: the pod must tolerate every node taint). Affinity and
// anti-affinity groups use the zero filter, which matches every node.
struct TopologyNodeFilter {
  std::vector<Requirements> terms;  // OR-ed; nodeSelector merged into each
  std::vector<Toleration> tolerations;
  bool affinity_honor{false};
  bool taints_honor{false};

  bool trivial() const;
  // allow_undefined_well_known: NodeClaims may leave well-known labels undefined
  // (AllowUndefinedWellKnownLabels); existing nodes may not.
  bool matches(const std::vector<Taint>& taints, const Requirements& node, bool allow_undefined_well_known) const;
};

// How far preferences.go has relaxed one attempt of a pod: the pod spec minus these.
struct Relaxation {
  std::size_t required_terms_dropped{0};  // required node-affinity OR-terms dropped from the front
  std::size_t preferred_affinity_dropped{0};
  std::size_t preferred_anti_affinity_dropped{0};
  std::size_t preferred_node_dropped{0};
  std::vector<std::uint32_t> spread;  // indices of the remaining spread constraints (swap-remove order)
  bool tolerate_prefer_no_schedule{false};
};

// A pod bound to a node, as topology counting sees it (Topology.countDomains lists the bound
// pods matching a selector; updateInverseAffinities takes those with required anti-affinity).
// The pointers must stay valid while the solve runs.
struct BoundPodInput {
  std::uint64_t uid{0};
  std::string namespace_{"default"};
  const Labels* labels{nullptr};                     // null: no labels
  const cluster::PodSchedulingSpec* spec{nullptr};  // null: no anti-affinity
};

// A node whose pods the topology counts. Active nodes also contribute their label values as
// domains (countDomains over state.Nodes().Active()).
struct TopologyNodeInput {
  std::string name;
  Requirements requirements;  // node labels as In (hostname included)
  std::vector<Taint> taints;
  bool registers_domains{true};
  std::vector<BoundPodInput> pods;
};

class Topology {
 public:
  // The domain universe per key comes from the templates (buildDomainGroups): NodePool
  // requirements and labels intersected with each instance type's requirements, plus the values
  // of In requirements of the NodePool. `templates` must outlive the Topology.
  Topology(const std::vector<NodeClaimTemplate>& templates, bool ignore_preferences);

  // NewTopology: bound pods of the batch are excluded from counting; inverse groups from bound
  // pods with required anti-affinity; one group per distinct constraint of the batch pods (counted
  // against the bound pods, with domains of the active nodes).
  void build(std::vector<TopologyNodeInput> nodes, const std::vector<SolverPod>& batch);
  // build() when no group can exist (no batch pod has topology constraints and no bound pod has
  // required anti-affinity): handles only, nothing counted.
  void build_without_groups(const std::vector<SolverPod>& batch);

  // Handle of a batch pod (index in the batch passed to build).
  struct PodHandle {
    std::uint32_t pod_class{0};
    std::uint32_t label_class{0};
  };
  PodHandle handle(std::size_t batch_index) const { return m_batch[batch_index]; }

  // Groups the pod owns in this relaxation state (Topology.Update), sorted, unique. May create
  // groups (a relaxed pod's spread constraints get a new node filter, hence a new identity).
  void owned_groups(PodHandle h, const Relaxation& r, std::vector<std::uint32_t>& out);
  // Whether placing the pod involves any topology group (owned ones or inverse groups selecting it).
  bool involved(PodHandle h, const std::vector<std::uint32_t>& owned) const {
    return !owned.empty() || !m_label_classes[h.label_class].selecting_inverse.empty();
  }

  // Interned hostname domain (placeholder hostnames of new NodeClaims, node names).
  std::uint32_t hostname_domain(const std::string& hostname);

  static constexpr std::uint32_t k_no_domain = UINT32_MAX;
  // Topology keys (the keys of existing groups) are numbered by slot, densely.
  std::size_t slot_count() const { return m_slot_keys.size(); }
  // The node's domain per slot where its requirement on the key is one value (k_no_domain
  // elsewhere), for fast_check and record.
  void node_domains(const Requirements& node, std::vector<std::uint32_t>& out);
  // Slots whose key the pod's own requirements constrain; fast_check leaves those to domains().
  void pod_keys(const Requirements& reqs, const Requirements& strict, std::vector<std::uint8_t>& out) const;

  // AddRequirements decided on integers for every group whose key the node pins to one domain and
  // the pod leaves alone: the choice is then that domain or nothing, so an accepted pod changes no
  // requirement. `unknown`: some group needs domains(). `domains` has `n` slots (node_domains).
  enum class Verdict : std::uint8_t { reject, accept, unknown };
  Verdict fast_check(PodHandle h, const std::vector<std::uint32_t>& owned, const std::uint32_t* domains, std::size_t n,
                     const std::vector<std::uint8_t>& pod_keys) const;

  // The hostname groups of fast_check as count bounds on the node's own hostname domain, for
  // scanning many NodeClaims: the node passes them iff lo <= count <= hi for every bound. Valid
  // until the next record().
  struct HostBound {
    const std::vector<std::int32_t>* counts;
    std::int32_t lo;
    std::int32_t hi;
  };
  void hostname_bounds(PodHandle h, const std::vector<std::uint32_t>& owned, std::vector<HostBound>& out) const;

  // Topology.AddRequirements: for every owned group and every inverse group selecting the pod,
  // the domains it may use given the pod's strict requirements (podDomains) and the node's
  // requirements merged with the pod's (nodeDomains). Returns an error text (empty when
  // !explain) if a group allows none; otherwise the domains to intersect into the node
  // requirements are appended to `out` (hostname groups on the node's own hostname add nothing).
  // `host`: the node's hostname domain when the pod does not constrain the hostname;
  // hostname_checked: fast_check already accepted the hostname groups, so they are skipped.
  std::optional<std::string> domains(PodHandle h, const std::vector<std::uint32_t>& owned, const Requirements& strict,
                                     const Requirements& node, std::optional<std::uint32_t> host,
                                     bool hostname_checked, std::vector<Requirement>& out, bool explain);

  // Topology.Record: the pod landed on a node with these taints and requirements;
  // `node_domains` is node_domains(node), current.
  void record(PodHandle h, const std::vector<Taint>& taints, const Requirements& node,
              const std::vector<std::uint32_t>& node_domains, bool allow_undefined_well_known);

  std::size_t group_count() const { return m_groups.size(); }

 private:
  struct DomainSet {  // TopologyDomainGroup: domain -> taint sets of the NodePools offering it
    std::vector<std::pair<std::uint32_t, std::vector<std::vector<Taint>>>> entries;  // sorted by domain id
  };
  struct KeyTable {
    std::string key;
    bool hostname{false};
    std::unordered_map<std::string, std::uint32_t> ids;
    std::vector<std::string> names;
    DomainSet universe;
    bool universe_built{false};
  };
  struct Group {
    TopologyType type{TopologyType::spread};
    bool inverse{false};
    std::uint32_t key{0};
    std::uint32_t slot{0};
    std::vector<std::string> namespaces;  // sorted, unique
    cluster::PodLabelSelector selector;
    int max_skew{0};
    std::optional<int> min_domains;
    TopologyNodeFilter filter;
    bool filter_trivial{true};
    std::vector<std::int32_t> counts;   // by domain id
    std::vector<std::uint8_t> present;  // in t.domains
    mutable std::vector<std::uint32_t> domains;  // present domain ids; lexical order when `sorted`
    mutable bool sorted{true};
    std::int32_t nonzero{0};  // present domains with a count > 0
  };
  struct LabelClass {
    std::string namespace_;
    Labels labels;
    std::vector<std::uint8_t> selects;  // by group id
    std::vector<std::uint32_t> selecting_regular;
    std::vector<std::uint32_t> selecting_inverse;
    std::vector<std::uint32_t> bound_nodes;  // node index of every counted bound pod with these labels
  };
  struct PodClass {
    const cluster::PodSchedulingSpec* spec{nullptr};
    std::uint32_t label_class{0};
    // Group ids of the unrelaxed pod, per term (UINT32_MAX: dropped by PreferencePolicy=Ignore).
    std::vector<std::uint32_t> spread, affinity, preferred_affinity, anti, preferred_anti, inverse;
    bool computed{false};
  };

  std::uint32_t key_id(std::string_view key);
  void ensure_universe(std::uint32_t key);
  std::uint32_t domain_id(std::uint32_t key, std::string_view value);
  std::uint32_t label_class(const std::string& ns, const Labels* labels);
  std::uint32_t pod_class(const cluster::PodSchedulingSpec* spec, std::uint32_t label_class);
  void compute_pod_class(PodClass& pc);
  std::uint32_t spread_group(const PodClass& pc, std::size_t index, std::size_t required_dropped, bool tolerate_pns);
  std::uint32_t affinity_group(TopologyType type, bool inverse, const cluster::PodAffinityTerm& term,
                               const std::string& ns, const std::vector<Toleration>& tolerations);
  std::uint32_t intern_group(Group g, const std::string& identity, bool inverse, const std::vector<Toleration>& tolerations);
  void count_domains(std::uint32_t gid);
  void record_domain(Group& g, std::uint32_t domain);
  void sort_domains(const Group& g) const;
  std::int32_t count_of(const Group& g, std::uint32_t domain) const {
    return domain < g.counts.size() ? g.counts[domain] : 0;
  }
  bool is_present(const Group& g, std::uint32_t domain) const {
    return domain < g.present.size() && g.present[domain] != 0;
  }
  bool pod_selected(const Group& g, const std::string& ns, const Labels& labels) const;

  // nextDomain* on string requirements (null = Exists); the allowed domain ids go to `out`.
  void next_spread(const Group& g, bool self, const Requirement* pod, const Requirement* node,
                   std::vector<std::uint32_t>& out);
  void next_affinity(const Group& g, bool self, const Requirement* pod, const Requirement* node,
                     std::vector<std::uint32_t>& out);
  void next_anti_affinity(const Group& g, const Requirement* pod, const Requirement* node,
                          std::vector<std::uint32_t>& out);
  std::int32_t domain_min_count(const Group& g, const Requirement* pod) const;
  std::optional<std::uint32_t> lookup(std::uint32_t key, std::string_view value) const;
  std::string describe_error(const Group& g, const Requirement* pod, const Requirement* node) const;

  bool m_ignore_preferences{false};
  const std::vector<NodeClaimTemplate>* m_templates{nullptr};  // the solver's, outlive this
  std::vector<KeyTable> m_keys;
  std::unordered_map<std::string, std::uint32_t> m_key_ids;
  std::uint32_t m_hostname_key{0};
  std::vector<std::uint32_t> m_slot_keys;  // slot -> key id
  std::vector<std::uint32_t> m_key_slots;  // key id -> slot (UINT32_MAX: none)
  std::vector<Group> m_groups;
  std::unordered_map<std::string, std::uint32_t> m_group_ids;  // identity -> group (regular and inverse)
  std::vector<LabelClass> m_label_classes;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> m_label_class_ids;  // by content hash
  std::vector<PodClass> m_pod_classes;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> m_pod_class_ids;  // by (spec, label class) hash
  std::vector<PodHandle> m_batch;
  std::vector<TopologyNodeInput> m_nodes;  // for counting groups created later
  std::vector<Labels> m_node_labels;       // label values of m_nodes (their In requirements)
  std::vector<std::uint64_t> m_excluded;   // uids of batch pods (sorted)
  // Groups keyed on relaxed spread identities: (pod class, constraint, required dropped, pns).
  std::unordered_map<std::string, std::uint32_t> m_relaxed_spread;
};

}  // namespace capsim::scheduling
