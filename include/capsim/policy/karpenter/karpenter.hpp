// Karpenter as a policy: the provisioner (batcher, synced gate, scheduling solve, NodeClaim
// creation with the AWS provider's launch request) and the disruption controller (v1 Emptiness
// with consolidateAfter, budgets and the 15 s validation; v1alpha5 ttlSecondsAfterEmpty;
// expiration). Version differences (karpenter.version v0.29 vs v1.14) are options of one code path.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/policy/autoscaler.hpp"
#include "capsim/policy/controller_time.hpp"
#include "capsim/scheduling/solver.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::policy::karpenter {

struct Config {
  spec::KarpenterSettings settings;
  std::vector<spec::NodePool> node_pools;
  std::vector<spec::NodeClass> node_classes;
  std::shared_ptr<const catalog::Catalog> catalog;
  std::string region;
  std::vector<std::string> zones;
  // A built-in fake catalog's types (restricted to `zones`), used by every NodePool instead of the
  // EC2 types of its NodeClass; null for the EC2 catalog.
  std::shared_ptr<const std::vector<catalog::InstanceType>> fake_instance_types;
  std::vector<spec::PodDisruptionBudget> pdbs;
  std::int64_t start_time_unix_s{0};  // wall clock of t = 0, for budget schedules
  // --exact (SimOptions::exact): the performance shortcuts that skip work known to give the same
  // decisions are off - the quiet pass, the no-op memo with its pending placement, and the
  // simulations' early stops - so every pass computes everything.
  bool exact{false};
};

// Resolved per-NodePool data: its NodeClass parameters and instance types.
struct NodePoolModel {
  spec::NodePool spec;
  catalog::NodeClassParams node_class;
  std::vector<std::string> zones;
  // Shared by pools with the same NodeClass parameters; offering availability is kept current
  // with the unavailable-offerings cache.
  std::shared_ptr<std::vector<catalog::InstanceType>> instance_types;
  Requirements requirements;  // NodePool requirements + template labels as In
  const spec::NodeClass* node_class_spec{nullptr};
  // Drift hashes (core pkg/apis/v1/nodepool.go Hash: the template without requirements,
  // expireAfter and terminationGracePeriod; aws EC2NodeClass static fields).
  std::string pool_hash;
  std::string class_hash;
};

// Karpenter constants (reference karpenter.md section 9).
inline constexpr Duration k_pod_requeue = Duration::seconds(10);         // provisioning/controller.go
inline constexpr Duration k_disruption_poll = Duration::seconds(10);     // disruption/controller.go
inline constexpr Duration k_validation_delay = Duration::seconds(15);    // disruption/consolidation.go
inline constexpr Duration k_nomination_min = Duration::seconds(10);      // state/statenode.go
inline constexpr std::size_t k_aws_max_instance_types = 60;              // aws instance.go
inline constexpr std::size_t k_max_instance_types_v1 = 600;              // nodeclaimtemplate.go (v1.7+)
inline constexpr std::size_t k_max_instance_types_v0 = 100;              // before v0.36
inline constexpr Duration k_unavailable_offering_ttl = Duration::minutes(3);  // aws pkg/cache/cache.go
// disruption/events/events.go Unconsolidatable: DedupeValues {node UID}, DedupeTimeout 15 min.
inline constexpr Duration k_unconsolidatable_dedupe = Duration::minutes(15);
inline constexpr Duration k_consolidation_state_recheck = Duration::minutes(5);  // state/cluster.go ConsolidationState
// disruption/controller.go Reconcile: RequeueAfter 1 s while cluster state is not synced.
inline constexpr Duration k_synced_retry = Duration::seconds(1);
// singlenodeconsolidation.go SingleNodeConsolidationTimeoutDuration, checked before each candidate.
inline constexpr Duration k_single_node_timeout = Duration::minutes(3);
// multinodeconsolidation.go MultiNodeConsolidationTimeoutDuration (v1.4+: a context deadline).
inline constexpr Duration k_multi_node_timeout = Duration::minutes(1);

class Karpenter final : public Autoscaler {
 public:
  explicit Karpenter(Config cfg);

  std::string_view name() const override { return "karpenter"; }
  void on_pods_unschedulable(const std::vector<cluster::PodId>& pods, SimTime now) override;
  std::optional<SimTime> next_wakeup() const override;
  Actions reconcile(const View& view) override;
  void on_node_pools_updated(const std::vector<spec::NodePool>& pools, const std::vector<spec::NodeClass>& classes,
                             SimTime now) override;
  void on_launch_result(const LaunchNode& request, const std::vector<cloud::FleetOverride>& insufficient, bool launched,
                        SimTime now) override;
  void adopt(cluster::Node& node) const override;
  Actions on_spot_interruption(cluster::NodeId node, const View& view) override;
  const ControllerStats* controller_stats() const override { return &m_stats; }

  const std::vector<NodePoolModel>& node_pools() const { return m_pools; }
  // The instance type a NodePool knows by this name (for in-flight nodes), or null.
  const catalog::InstanceType* find_type(std::string_view pool, std::string_view type) const;

  // Exposed for unit tests: one provisioning solve over the current state (no batching).
  Actions provision(const View& view);

 private:
  bool v1alpha5() const { return m_cfg.settings.is_v1alpha5(); }
  Duration nomination_window() const;
  bool synced(const View& view) const;
  std::vector<scheduling::NodeClaimTemplate> build_templates(const View& view, std::vector<Note>& notes) const;
  // build_templates, cached: they change only with offering availability or the NodePools
  // (m_state_version), the DaemonSets, and - for pools with limits - the pool's node capacities.
  // `notes` gets the build's notes on every call.
  std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>> templates(const View& view, std::vector<Note>& notes) const;
  // The same without the notes (the simulations, which publish none).
  std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>> templates(const View& view) const;
  // The solver's existing nodes (active, launched; v0.29: Karpenter-owned only) in the solver's
  // order, from the per-node cache. `consolidation`: a consolidation simulation's view (v1.14),
  // where nodes inside their NodePool's consolidateAfter window take no pods. Cached until the
  // cluster, the DaemonSets, the NodePools or (for consolidation) the time change, so the
  // simulations of one disruption pass share it.
  std::shared_ptr<const scheduling::NodeIndex> node_index(const View& view, bool consolidation) const;
  std::vector<scheduling::ExistingNodeRef> existing_nodes(const View& view) const;
  static bool under_consolidate_after(const NodePoolModel* p, const cluster::Node& n, SimTime now);
  // Identity of the DaemonSets a view holds (names and specs): caches derived from them compare it.
  static std::uint64_t daemonsets_key(const View& view);
  scheduling::ExistingNodeInput make_existing_node(const View& view, const cluster::Node& n) const;
  cloud::FleetRequest fleet_request(const scheduling::NewNodeClaim& nc) const;
  LaunchNode launch_for(const scheduling::NewNodeClaim& nc, std::string reason) const;
  bool nominated(cluster::NodeId id, SimTime now) const;

  // Disruption (disruption/controller.go, types.go, helpers.go, consolidation.go, ...).
  enum class Method : std::uint8_t { emptiness, drift, multi_node, single_node, expiration /* v0.29 */ };
  struct Candidate {
    cluster::NodeId id{cluster::k_no_node};
    const NodePoolModel* pool{nullptr};
    Money price;                        // the node's offering price
    std::shared_ptr<const std::vector<cluster::PodId>> pods;  // reschedulable pods (shared with PodSummary)
    double reschedule_cost{1.0};        // RescheduleDisruptionCost: 1 + sum of positive eviction costs
    double legacy_cost{0.0};            // DisruptionCost: sum of eviction cost x lifetime remaining
  };
  struct Command {
    Method method{Method::emptiness};
    std::string reason;  // budget reason: Empty | Underutilized | Drifted
    std::vector<cluster::NodeId> candidates;
    std::vector<scheduling::NewNodeClaim> replacements;
  };
  struct RunningCommand {
    Command cmd;
    std::string tag;
    SimTime started;
    std::vector<cluster::NodeId> replacement_nodes;
  };
  struct SimOutcome {
    bool ok{false};  // every non-pending pod scheduled, none onto an uninitialized node
    std::vector<scheduling::NewNodeClaim> claims;
    std::string why;
    // What the simulation read beyond the candidates (NoOpMemo): the nodes it placed pods on, the
    // requests of its pods, whether topology was involved.
    std::vector<cluster::NodeId> used;
    std::vector<const ResourceList*> requests;
    bool topology{false};
  };
  // A consolidation no-op of a candidate set (single-node: one; multi-node: a prefix) simulated
  // with no pending pod, so of the candidates' pods alone, carried across passes. It stays exact
  // while the candidates, the NodeClaim templates and the DaemonSets are unchanged and every node
  // that changed since is one the simulation placed nothing on and that cannot hold any of its
  // pods now: a first-fit simulation without topology then makes the same placements (nodes that
  // reject every pod do not matter where they stand in the order) and the same NodeClaims.
  struct NoOpMemo {
    bool valid{false};                    // the simulation can be memoized (no topology)
    std::vector<std::uint64_t> versions;  // the candidate nodes' (key order)
    std::vector<cluster::NodeId> used;
    std::vector<const ResourceList*> requests;  // owned by the candidates' pods
    bool explained{false};                      // `why` was computed
    std::string why;
    std::uint64_t pass{0};  // the disruption pass that last used it (multi-node memos expire)
  };
  // Drops the memos that the changes since the last call may affect; once per disruption pass.
  void refresh_noop_memo(const View& view) const;
  // compute_consolidation through the memo: `pending` is this pass's pending_placement.
  std::optional<Command> consolidate(const View& view, const std::vector<Candidate>& cands, bool explain, bool single,
                                     const std::optional<std::vector<cluster::NodeId>>& pending, std::string& why) const;
  mutable std::map<std::vector<cluster::NodeId>, NoOpMemo> m_noop;  // by candidate ids
  mutable std::uint64_t m_noop_pass{0};
  struct NodeSeen {
    std::uint64_t version{0};
    bool present{false};
    bool accepts{false};
  };
  mutable std::vector<NodeSeen> m_noop_seen;  // by node id, as of the last refresh
  mutable std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>> m_noop_templates;
  mutable std::uint64_t m_noop_daemonsets{0};

  // What one disruption pass decided (disruption/controller.go Reconcile): the events and logs it
  // published and at most one command, which waits the 15 s validation first (consolidation,
  // v1 emptiness) or starts at once (drift, v0.29 expiration and ttlSecondsAfterEmpty).
  struct PassOutcome {
    std::vector<Note> notes;
    std::optional<Command> command;
    bool validate{false};
    bool requeue{false};  // a validation's outcome: the next pass starts at once
  };
  PassOutcome disrupt(const View& view);
  // Applies a pass's outcome at the pass's end (`view.now`): its notes, then its command started
  // or put to validation; sets the next poll.
  Actions end_pass(const View& view, PassOutcome o);
  // v0.29 expiration as a disruption method (v1: the expiration controller, expire()).
  std::optional<Command> expire_v1alpha5(const View& view);
  Actions expire(const View& view);
  void note_new_claim_expiry(SimTime created, const NodePoolModel& p);
  PassOutcome finish_validation(const View& view);
  std::vector<Candidate> candidates(const View& view, Method m) const;
  // The nodes every method may consider (ValidateNodeDisruptable, do-not-disrupt, PDBs) as
  // candidates, in node id order; computed once per instant and cluster state.
  const std::vector<Candidate>& disruptable(const View& view) const;
  struct CandidateKey {
    SimTime now;
    std::uint64_t generation{0}, state_version{0}, nominations{0};
    bool operator==(const CandidateKey&) const = default;
  };
  mutable std::optional<CandidateKey> m_disruptable_key;
  mutable std::vector<Candidate> m_disruptable;
  std::uint64_t m_nominations{0};  // bumped with every nomination (m_nominated_until)
  void sort_candidates(const View& view, Method m, std::vector<Candidate>& c) const;
  std::map<std::string, int> budgets(const View& view, const std::string& reason) const;
  // `consolidation`: a consolidation simulation (IsConsolidationSimulation), where moved pods may
  // not land on nodes inside their consolidateAfter window (v1.14).
  // `stop_early`: the caller needs no reason text, so the solve may stop once the move is
  // certainly a no-op (SolverOptions::stop_when_not_consolidatable).
  // `replaced_price` (with stop_early): the candidates' price. When no instance type of any
  // NodePool launches for less, a NodeClaim cannot be a cheaper replacement, so the solve stops at
  // the first one.
  SimOutcome simulate(const View& view, const std::vector<Candidate>& cands, bool consolidation = false,
                      bool stop_early = false, std::optional<Money> replaced_price = std::nullopt) const;
  // The lowest price of any available offering of any instance type of `templates` (a floor
  // for Offerings.WorstLaunchPrice of every NodeClaim they can make); cached per templates.
  std::optional<Money> launch_price_floor(const std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>>& templates) const;
  mutable std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>> m_floor_templates;
  mutable std::optional<Money> m_floor;
  // `explain`: the no-op reason `why` will be published, so the simulation runs to the end.
  // `memo`, if given, receives what a no-op result depends on (NoOpMemo); left untouched when the
  // simulation involved topology.
  std::optional<Command> compute_consolidation(const View& view, const std::vector<Candidate>& cands, bool explain, bool single,
                                               std::string& why, NoOpMemo* memo = nullptr) const;
  // Where the provisionable pending pods land when solved on their own on the consolidation view
  // of the nodes; nullopt unless each lands on an existing node at its first attempt without
  // topology. Then a simulation of candidates whose own pods touch none of those nodes (nor is
  // one) makes the placements of their pods alone plus these (see consolidate).
  std::optional<std::vector<cluster::NodeId>> pending_placement(const View& view) const;
  // Multi-node and single-node consolidation. Under controller time each simulation is charged to
  // the pass, and upstream's timeouts apply (v1 only): multi-node's 1-minute deadline returns the
  // best prefix so far; single-node's 3-minute timeout, checked before each candidate, gives up
  // and remembers the NodePools it did not reach. `timed_out` tells the caller; `notes` gets the
  // timeout's log line.
  std::optional<Command> multi_node(const View& view, std::vector<Candidate> cands,
                                    const std::optional<std::vector<cluster::NodeId>>& pending, std::vector<Note>& notes,
                                    bool& timed_out);
  // `unconsolidatable` collects (candidate, reason) for every candidate found to be a no-op (the
  // Unconsolidatable events computeConsolidation publishes for single candidates).
  std::optional<Command> single_node(const View& view, std::vector<Candidate> cands,
                                     std::vector<std::pair<cluster::NodeId, std::string>>* unconsolidatable,
                                     const std::optional<std::vector<cluster::NodeId>>& pending, std::vector<Note>& notes,
                                     bool& timed_out);
  bool revalidate(const View& view, Command& cmd) const;
  Actions start_command(const View& view, Command cmd);
  Actions progress_commands(const View& view);
  std::string describe_command(const View& view, const Command& cmd) const;
  bool consolidation_enabled(const NodePoolModel& p) const;
  const NodePoolModel* pool(std::string_view name) const;

  // aws pkg/cache/unavailableofferings.go: (capacity type, instance type, zone) -> expiry.
  void mark_unavailable(const std::string& capacity_type, const std::string& type, const std::string& zone, SimTime now);
  void refresh_availability(SimTime now);
  void set_available(const std::string& capacity_type, const std::string& type, const std::string& zone, bool available);
  std::map<std::tuple<std::string, std::string, std::string>, SimTime> m_unavailable;

  void build_pools();
  // Drift (nodeclaim/disruption/drift.go): node -> (time detected, reason).
  void detect_drift(const View& view);
  std::map<cluster::NodeId, std::pair<SimTime, std::string>> m_drifted;
  std::optional<SimTime> m_drift_check;

  // Bumped when offering availability or the NodePools change (caches below depend on it).
  std::uint64_t m_state_version{0};
  mutable std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>> m_templates_cache;
  // What the solves over m_templates_cache derive from the templates alone (one solve at a time).
  mutable scheduling::TemplateCache m_solver_cache;
  // Per node (by id): the solver input derived from it, rebuilt when the node's version or the
  // DaemonSets change; and the live nodes in the solver's order (initialized first, then name).
  struct NodeInputCache {
    std::uint64_t version{0};
    std::uint64_t daemonsets{0};
    bool valid{false};
    scheduling::ExistingNodeInput in;
  };
  mutable std::vector<NodeInputCache> m_node_inputs;
  // Per node (by id): what candidates() derives from its pods, rebuilt when its version moves.
  struct PodSummary {
    std::uint64_t version{0};
    bool valid{false};
    std::shared_ptr<const std::vector<cluster::PodId>> reschedulable;  // non-DaemonSet, non-mirror pods, bind order
    double reschedule_cost{1.0};                // 1 + sum of positive eviction costs of those
    std::vector<double> eviction_costs;         // of every pod, bind order (the legacy DisruptionCost)
    bool do_not_disrupt{false};                 // a reschedulable pod has do-not-disrupt "true"
    std::optional<SimTime> do_not_disrupt_until;  // latest end of a duration-valued do-not-disrupt (v1)
    bool multi_pdb{false};                       // a reschedulable pod is selected by more than one PDB
    std::vector<std::uint32_t> pdbs;             // PDBs (index in Config::pdbs) selecting some reschedulable pod
  };
  const PodSummary& pod_summary(const View& view, const cluster::Node& n) const;
  mutable std::vector<PodSummary> m_pod_summaries;
  mutable std::vector<cluster::NodeId> m_node_order;
  struct NodeIndexCache {
    std::uint64_t generation{0}, daemonsets{0}, state_version{0};
    SimTime at{0};
    std::shared_ptr<const scheduling::NodeIndex> index;
  };
  mutable std::array<NodeIndexCache, 2> m_node_index;  // [consolidation]
  mutable bool m_node_order_dirty{true};
  mutable std::uint64_t m_templates_key{0};
  mutable std::array<std::uint64_t, 3> m_templates_seen{};  // (generation, state version, DaemonSets) of the last check
  mutable std::vector<Note> m_templates_notes;
  std::map<int, std::string> m_consolidation_memo;
  // Cluster.ConsolidationState: when the state last changed (or was forced to, every 5 minutes).
  std::uint64_t m_state_change_generation{UINT64_MAX};
  SimTime m_state_change_at{0};
  // A v1 disruption pass that ended with nothing to do and nothing to say (at `at`). While the
  // keys stay the same, a later pass would compute the same candidates, budgets and memos and find
  // nothing again until a time threshold after `at` comes (quiet_until, computed at the first pass
  // that finds the keys unchanged): disrupt() returns at once. Not a model of upstream (which
  // re-evaluates every 10 s); the same decisions for less work.
  struct QuietPass {
    std::uint64_t generation{0}, state_version{0}, nominations{0};
    std::size_t drifted{0};
    SimTime at;
    std::optional<std::optional<SimTime>> until;  // unset: not computed yet; nullopt: never quiet
  };
  std::optional<QuietPass> m_quiet;
  std::optional<SimTime> quiet_until(const View& view, SimTime after) const;

  Config m_cfg;
  std::vector<NodePoolModel> m_pools;  // in weight order (weight desc, name desc)
  std::map<std::string, std::shared_ptr<std::vector<catalog::InstanceType>>> m_type_cache;

  // Batcher (provisioning/batcher.go).
  std::set<cluster::PodId> m_batch;
  std::optional<SimTime> m_batch_start;
  SimTime m_batch_idle_deadline;
  std::optional<SimTime> m_next_requeue;  // pod controller requeue of provisionable pods
  std::set<cluster::PodId> m_provisionable;

  // Controller time (spec::ControllerTime, policy/controller_time.hpp). The disruption pass and
  // the provisioner's solve are decided on the state at their start and applied at their end:
  // start + the priced work (instant: the same instant).
  const spec::ControllerTime& model() const { return m_cfg.settings.controller_time; }
  bool timed() const { return !model().instant(); }
  // The disruption pass under way: its start, the work so far, its nodes and provisionable
  // pending pods (every simulation places those too), candidates evaluated.
  struct Pass {
    SimTime start;
    PassWork work;
    std::size_t nodes{0}, pending{0}, evaluated{0};
    std::uint64_t single_node_timeouts{0}, multi_node_timeouts{0};
    Duration elapsed(const spec::ControllerTime& m) const { return work.elapsed(m); }
  };
  mutable Pass m_pass;
  void begin_pass(const View& view);
  // The pass's nodes and provisionable pending pods, as the simulations from now on see them.
  void count_pass_inputs(const View& view);
  // Charges the pass one simulation of `cands` (their pods plus the pending ones).
  void charge_simulation(const std::vector<Candidate>& cands) const;
  // The pass's duration under the model (and the longest typical pass so far).
  Duration price_pass();
  // Adds the pass that started at m_pass.start and ends at `end` to the stats (timed models).
  void record_pass(SimTime end);
  ControllerStats m_stats;
  // singlenodeconsolidation.go PreviouslyUnseenNodePools: the NodePools a timed-out pass did not
  // reach; their candidates go first next time.
  std::set<std::string> m_unseen_pools;
  // A disruption pass (or a validation) that ends at `at`, and what it decided.
  struct PassEnd {
    SimTime at;
    PassOutcome outcome;
    bool record{false};  // the pass is recorded at its end (not when it goes on to a validation)
  };
  std::optional<PassEnd> m_pass_end;
  // A provisioning solve that ends at `at` with these actions (the provisioner is a singleton:
  // the next batch waits for it).
  struct SolveEnd {
    SimTime at;
    Actions actions;
  };
  std::optional<SolveEnd> m_solve_end;
  std::size_t m_solve_pods{0};  // pods the last provision() solve placed

  // Disruption.
  SimTime m_next_poll{0};
  struct PendingValidation {
    SimTime due;
    Command cmd;
  };
  std::vector<RunningCommand> m_commands;
  std::optional<SimTime> m_next_command_check;
  std::optional<PendingValidation> m_validation;
  std::map<cluster::NodeId, SimTime> m_nominated_until;
  // When an Unconsolidatable event was last published per node: the event recorder drops
  // repeats for 15 minutes whatever their message (unconsolidatable_due).
  std::map<cluster::NodeId, SimTime> m_unconsolidatable;
  bool unconsolidatable_due(cluster::NodeId node, SimTime now) const;
  // v0.29: candidates of executed commands; the deprovisioning loop waits until they are gone
  // (deprovisioning/controller.go executeCommand -> waitForDeletion).
  std::set<cluster::NodeId> m_awaiting_deletion;
  std::optional<SimTime> m_next_expiry;  // v1 expireAfter: earliest expiry of a live NodeClaim
  std::uint64_t m_seq{0};
};

}  // namespace capsim::policy::karpenter
