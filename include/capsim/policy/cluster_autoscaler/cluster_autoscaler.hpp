// The Cluster Autoscaler as a policy (cluster-autoscaler core/static_autoscaler.go RunOnce,
// loop/trigger.go, clusterstate/clusterstate.go, core/scaledown/actuation/*), on AWS Auto Scaling
// groups (cloudprovider/aws). Every scan-interval (or at once when a pod turns unschedulable and
// CA is idle; two back-to-back loops after a loop that scaled up or started deletions) one loop:
// AWS refresh (failed scaling activities, every 60 s) -> cluster health -> scale-up request
// timeouts -> templates -> upcoming nodes -> snapshot -> pending pods (filter-out-schedulable,
// new-pod delay, the 2 s rule) -> scale-up (one option) -> scale-down planning (always) ->
// deletions when not in cooldown. Deletions taint the node ToBeDeletedByClusterAutoscaler at
// once and delete it node-delete-delay-after-taint later (PDBs re-checked, retried every 10 s for
// up to 2 min); the ASG's desired capacity drops when the node is deleted.
//
// Modelling choices (documented in docs/scenario-format.md): a loop takes no simulated time; the
// ASG side (launching to desired capacity, AZ balance, On-Demand / Spot split) is in
// node_group.hpp; an ASG does not retry a failed launch before CA's next refresh sees the
// failed scaling activity; evicted pods terminate at once.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/policy/autoscaler.hpp"
#include "capsim/policy/cluster_autoscaler/backoff.hpp"
#include "capsim/policy/cluster_autoscaler/expander.hpp"
#include "capsim/policy/cluster_autoscaler/node_group.hpp"
#include "capsim/policy/cluster_autoscaler/scale_down.hpp"
#include "capsim/policy/cluster_autoscaler/scale_up.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::policy::cluster_autoscaler {

// Hard-coded constants (reference cluster-autoscaler.md A.2).
inline constexpr Duration k_unschedulable_pod_time_buffer = Duration::seconds(2);      // static_autoscaler.go
inline constexpr Duration k_unschedulable_gpu_pod_time_buffer = Duration::seconds(30);  // static_autoscaler.go
inline constexpr Duration k_aws_refresh_interval = Duration::seconds(60);              // aws_manager.go
inline constexpr Duration k_template_ready_stability = Duration::minutes(1);           // mixed_nodeinfos_processor.go
inline constexpr Duration k_unremovable_recheck = Duration::minutes(5);                // --unremovable-node-recheck-timeout
inline constexpr Duration k_max_node_startup_time = Duration::minutes(15);             // --max-node-startup-time
inline constexpr Duration k_eviction_retry = Duration::seconds(10);                    // actuation/drain.go
inline constexpr Duration k_max_pod_eviction_time = Duration::minutes(2);              // --max-pod-eviction-time

struct Config {
  spec::ClusterAutoscalerSettings settings;
  // --exact: no quiet loops (every loop computed).
  bool exact{false};
  std::shared_ptr<const catalog::Catalog> catalog;
  std::string region;
  std::vector<std::string> zones;  // scenario zones
  std::vector<NodeGroupModel> node_groups;  // autoscaled groups, scenario order
  std::vector<spec::PodDisruptionBudget> pdbs;
  std::uint64_t seed{1};
};
// The Config of a scenario (`fake_types`: a built-in fake catalog's types, or null).
Config make_config(const spec::Scenario& sc, std::shared_ptr<const catalog::Catalog> cat,
                   const std::vector<std::string>& zones,
                   const std::vector<catalog::InstanceType>* fake_types = nullptr);

class ClusterAutoscaler final : public Autoscaler {
 public:
  explicit ClusterAutoscaler(Config cfg);

  std::string_view name() const override { return "cluster-autoscaler"; }
  void on_pods_unschedulable(const std::vector<cluster::PodId>& pods, SimTime now) override;
  std::optional<SimTime> next_wakeup() const override;
  Actions reconcile(const View& view) override;
  void on_launch_result(const LaunchNode& request, const std::vector<cloud::FleetOverride>& insufficient, bool launched,
                        SimTime now) override;
  void stop_controller() override { m_stopped = true; }
  bool on_node_group_scaled(const std::string& group, int desired, SimTime now) override;
  const ControllerStats* controller_stats() const override { return &m_stats; }

  // Read access for tests.
  const std::vector<NodeGroupModel>& node_groups() const { return m_cfg.node_groups; }
  int target_size(const std::string& group) const;
  bool backed_off(const std::string& group, SimTime now) const { return m_backoff.backed_off(group, now); }
  std::optional<SimTime> unneeded_since(cluster::NodeId node) const;
  int loops() const { return m_loop; }
  int quiet_loops() const { return m_quiet_loops; }  // loops that repeated a quiet loop

 private:
  struct ScaleUpRequest {
    SimTime time;
    int increase{0};
    SimTime deadline;
  };
  struct GroupState {
    std::optional<ScaleUpRequest> request;
    int failed_unnoticed{0};  // launches that failed since the last AWS refresh
    std::shared_ptr<const TemplateNode> cached_template;  // the last real-node template
    // What cached_template was made from (node_template_from reads nothing else): it is reused
    // while the chosen node still has these.
    struct Source {
      cluster::NodeId node{cluster::k_no_node};
      Labels labels;
      std::vector<Taint> taints;
      ResourceList capacity, allocatable;
      std::vector<std::uint64_t> daemon_pods;  // uids of its DaemonSet and mirror pods
      bool operator==(const Source&) const = default;
    };
    Source template_source;
  };
  struct Unneeded {
    SimTime since;
    bool empty{false};
    bool risky{false};
    bool on_completion{false};
    bool ready{true};
    std::string group;
    std::size_t order{0};
    bool operator==(const Unneeded&) const = default;
  };
  struct Deletion {
    cluster::NodeId node{cluster::k_no_node};
    std::string name;
    std::string group;
    bool drain{false};
    SimTime started;
    SimTime due;  // next attempt at deleting (taint + delay, then eviction retries)
    bool issued{false};
    std::string reason;
  };
  enum class Readiness : std::uint8_t { unregistered, long_unregistered, not_started, unready, ready, deleting };

  void run_loop(const View& view, Actions& out);
  // A loop's bookkeeping before it looks at the cluster (loop count, interval, backoff, AWS
  // refresh); returns the loop's number.
  int begin_loop(SimTime now, Actions& out);
  // loop/trigger.go: when the loop after `loop` runs.
  void schedule_next(SimTime now, int loop);
  // Quiet loops (see m_quiet): whether the loop due now repeats the last one, which a loop just
  // run with output `loop_out` makes so, and until when time alone leaves it so.
  bool repeats_quiet_loop(const View& view);
  void record_quiet_loop(const View& view, const Actions& loop_out);
  SimTime quiet_until(const View& view, SimTime after) const;
  void aws_refresh(SimTime now, Actions& out);
  void asg_reconcile(const View& view, Actions& out);
  void progress_deletions(const View& view, Actions& out);
  Readiness readiness(const cluster::Node& n, SimTime now) const;
  int upcoming(std::size_t g, const View& view, bool for_request) const;
  std::shared_ptr<const TemplateNode> group_template(std::size_t g, const View& view);
  bool in_cooldown(SimTime now) const;
  DrainOptions drain_options() const;
  // How long a node must stay unneeded before it is deleted (its group's or the global setting).
  Duration unneeded_time(const Unneeded& u) const;
  void plan_scale_down(const View& view, scheduling::ClusterSnapshot& snap, bool cooldown, Actions& out);
  // clusterstate.go IsNodeGroupHealthy for group `g`.
  bool group_healthy(std::size_t g, const View& view) const;
  // Raises group `g`'s target size by `delta` and registers the scale-up request
  // (clusterstate.go registerOrUpdateScaleUpNoLock); returns the size before.
  int increase_target(std::size_t g, int delta, SimTime now);
  // --enforce-node-group-min-size (orchestrator.go ScaleUpToNodeGroupMinSize); true if it scaled.
  bool scale_up_to_min_size(const View& view, const scheduling::ClusterSnapshot& snap, Actions& out);
  void note(Actions& out, std::string kind, std::string reason, std::string group, std::vector<std::string> nodes,
            std::vector<std::string> pods, std::string message) const;
  std::size_t group_index(const std::string& name) const;
  // Per cluster node (node ids are never reused): its group, and its snapshot node as of its
  // `version` (pods below the expendable cutoff left out; labels and the NotReady taint are set
  // per loop), so a loop re-reads only the nodes that changed.
  struct NodeCache {
    bool known{false};
    std::size_t group{SIZE_MAX};
    std::uint64_t version{UINT64_MAX};
    scheduling::SnapshotNode node;
    bool anti_affinity{false};    // some pod of `node` has required pod anti-affinity
    bool has_pod_to_move{false};  // some pod of `node` is neither mirror, DaemonSet nor finished
    // node_utilization(node, utilization_ignores_daemonsets), once computed for this version.
    std::optional<std::optional<UtilizationInfo>> utilization;
    bool utilization_ignores_daemonsets{false};
  };
  NodeCache& node_cache(const cluster::Node& n) {  // hot: several times per node per loop
    if (n.id < m_node_cache.size() && m_node_cache[n.id].known) return m_node_cache[n.id];
    return new_node_cache(n);
  }
  NodeCache& new_node_cache(const cluster::Node& n);
  // Fills m_group_nodes from the cluster when its generation moved (nodes do not change within a
  // reconcile).
  void index_groups(const View& view);

  Config m_cfg;
  std::map<std::string, std::size_t> m_index;
  std::vector<GroupState> m_state;
  ExponentialBackoff m_backoff;
  ExpanderChain m_expander;
  PriceContext m_price;
  std::vector<NodeCache> m_node_cache;                    // by node id
  // The loop's snapshot, refilled each loop, and which node version each of its positions holds.
  struct SnapKey {
    cluster::NodeId node{cluster::k_no_node};
    std::uint64_t version{0};
    bool unready{false};  // carries the NotReady taint
    bool operator==(const SnapKey&) const = default;
  };
  // One snapshot for the autoscaler's life, as upstream's PredicateSnapshot (builder/autoscaler.go):
  // its first-fit ring position (plugin_runner.go defaultNodeOrdering) carries over between loops.
  scheduling::ClusterSnapshot m_snap;
  std::vector<SnapKey> m_snap_keys;
  // The hinting simulators of filter-out-schedulable and of the removal simulator, kept across
  // loops (podlistprocessor/filter_out_schedulable.go, simulator/cluster.go).
  scheduling::SchedulingHints m_filter_hints, m_removal_hints;
  std::vector<std::vector<cluster::NodeId>> m_group_nodes;  // per group: its live nodes, ascending
  std::uint64_t m_indexed_generation{UINT64_MAX};            // the cluster generation m_group_nodes is of

  // Loop timing.
  SimTime m_next_loop{0};
  int m_loop{0};  // loops run so far
  std::optional<SimTime> m_prev_loop_start;
  Duration m_min_loop_interval{0};
  int m_last_action_loop{-10};  // last loop that scaled up or started deletions
  std::optional<SimTime> m_last_scale_up;
  std::optional<SimTime> m_last_scale_down_delete;
  std::optional<SimTime> m_last_scale_down_fail;
  std::optional<SimTime> m_last_refresh;
  bool m_started{false};

  // Scale-down.
  std::map<cluster::NodeId, Unneeded> m_unneeded;
  std::map<cluster::NodeId, SimTime> m_unremovable_until;
  std::map<cluster::NodeId, std::string> m_unremovable_reason;  // last logged reason per node
  bool m_stopped{false};             // handover: the controller no longer decides
  std::set<std::string> m_user_scaled;  // groups whose desired capacity the user set
  std::vector<Deletion> m_deletions;
  std::set<cluster::NodeId> m_deleted_this_call;

  std::set<std::uint64_t> m_reported_pods;  // NotTriggerScaleUp notes, once per pod
  bool m_unhealthy_reported{false};

  // A loop is a function of the cluster, the time and what the autoscaler carries from loop to
  // loop (unneeded and unremovable nodes, scheduling hints, the snapshot's ring position, cached
  // templates, the loop interval, reported pods and scale-up requests). A loop that finds nothing
  // to do on a cluster with no pending pod, unready node or deletion, and leaves what it carries
  // as it found it (m_loop_changed stays false), is repeated by every later loop on the same
  // cluster generation until a time threshold of quiet_until passes: those loops only keep the
  // loop timing (begin_loop, schedule_next).
  struct QuietLoop {
    std::uint64_t generation{0};
    SimTime at;                    // when the quiet loop ran
    std::optional<SimTime> until;  // quiet_until(at), once asked
  };
  std::optional<QuietLoop> m_quiet;
  int m_quiet_loops{0};
  bool m_loop_changed{false};  // the running loop changed what loops carry

  // Controller time (spec::ControllerTime, docs/controller-time.md). A loop is decided on the state
  // at its start; under a timed model its effects - notes, ToBeDeleted taints, the deletions it
  // starts and the desired-capacity increases of its scale-ups - wait for its end (start + its
  // snapshot, filtering, binpacking and removal simulations), and the next loop starts
  // --scan-interval after the end (loop/trigger.go Wait), or at once after a productive loop or
  // when a pod turned unschedulable meanwhile.
  const spec::ControllerTime& model() const { return m_cfg.settings.controller_time; }
  bool timed() const { return !model().instant(); }
  PassWork m_work;        // the loop under way
  PassWork m_quiet_work;  // the work of the loop that quiet loops repeat
  std::uint64_t m_loop_timeouts{0};  // scale-down simulation timeouts of the loop under way
  struct LoopEnd {
    SimTime start, at, next;
    Actions actions;
    std::vector<std::pair<std::size_t, int>> increases;  // (node group, delta) applied at `at`
    std::int64_t evaluated{0};
    std::uint64_t timeouts{0};
  };
  std::optional<LoopEnd> m_loop_end;
  std::vector<std::pair<std::size_t, int>> m_loop_increases;  // increase_target calls of the loop under way
  // Runs one loop (or repeats a quiet one) into `out`, or holds its effects until its end.
  void loop(const View& view, Actions& out);
  void finish_loop(Actions& out);
  ControllerStats m_stats;
};

}  // namespace capsim::policy::cluster_autoscaler
