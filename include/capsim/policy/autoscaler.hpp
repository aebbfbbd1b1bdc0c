// The Autoscaler interface every policy implements, and the Actions it returns. Policies decide,
// sim acts: a policy reads a View (cluster state, time) and returns Actions with reasons; it
// never schedules events or touches the cloud. The sim asks next_wakeup() after every change.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/cloud/fleet.hpp"
#include "capsim/cluster/cluster_state.hpp"
#include "capsim/core/time.hpp"
#include "capsim/policy/controller_time.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::policy {

// A decision note for the decision log (sim stamps time and autoscaler name).
struct Note {
  std::string kind;    // provision | nominate | disrupt | unschedulable | launch-failed | ignored
  std::string reason;  // short machine-friendly reason
  std::string node_pool;
  std::vector<std::string> nodes;
  std::vector<std::string> instance_types;
  std::vector<std::string> pods;
  std::string message;  // one human line
  // unschedulable: why one of `pods` could not be placed, in the autoscaler's words ("could not
  // schedule pod: ...", "pod didn't trigger scale-up: ..."), kept per pending pod by the sim.
  std::string pod_reason{};
};

// Create a node: for Karpenter a NodeClaim (not yet launched), for CA an ASG scale-out.
struct LaunchNode {
  std::string node_pool;   // Karpenter NodePool (or empty)
  std::string node_group;  // CA node group (or empty)
  Requirements requirements;
  std::vector<std::string> instance_type_options;  // cheapest first
  ResourceList requests;
  Labels labels;
  std::vector<Taint> taints;
  std::vector<Taint> startup_taints;
  cloud::FleetRequest fleet;
  std::vector<cluster::PodId> pods;  // pods planned onto it
  std::string reason;
  // Why an on-demand launch could not use spot though its NodePool allows it ("" otherwise).
  std::string capacity_note;
  std::string tag;  // copied to Node::launch_tag (e.g. the disruption command it replaces for)
  std::map<std::string, std::string> annotations;  // copied to Node::annotations
  std::optional<Duration> termination_grace_period;  // copied to Node
};

// Delete a node: cordon/taint, drain (pods evicted, owners recreate them), terminate.
struct DeleteNode {
  cluster::NodeId node{cluster::k_no_node};
  std::string reason;  // empty | ttlSecondsAfterEmpty | expired | ...
};

// Mark a node for deletion (taint karpenter.sh/disrupted:NoSchedule) while a command's
// replacements boot, or take the mark back when the command fails.
struct MarkNode {
  cluster::NodeId node{cluster::k_no_node};
  bool marked{true};
  std::string reason;
  // The taint that marks the node; default karpenter.sh/disrupted:NoSchedule. The Cluster
  // Autoscaler uses ToBeDeletedByClusterAutoscaler.
  std::optional<Taint> taint;
};

struct Actions {
  std::vector<LaunchNode> launches;
  std::vector<MarkNode> marks;
  std::vector<DeleteNode> deletions;
  std::vector<Note> notes;
  bool empty() const { return launches.empty() && marks.empty() && deletions.empty(); }
  void append(Actions&& o);
};

struct DaemonSetView {
  std::string name;
  const cluster::PodSchedulingSpec* spec{nullptr};
};

struct View {
  SimTime now;
  const cluster::ClusterState& cluster;
  const std::vector<DaemonSetView>& daemonsets;
};

class Autoscaler {
 public:
  virtual ~Autoscaler() = default;
  virtual std::string_view name() const = 0;
  // kube-scheduler marked these pods PodScheduled=False/Unschedulable (or they still are).
  virtual void on_pods_unschedulable(const std::vector<cluster::PodId>& pods, SimTime now) = 0;
  // The next instant the policy wants reconcile() called (timers: batch windows, polls, TTLs).
  virtual std::optional<SimTime> next_wakeup() const = 0;
  virtual Actions reconcile(const View& view) = 0;

  // The cloud answered a launch: `insufficient` lists the pools (capacity type of request.fleet x
  // override) that had no capacity; `launched` is false when nothing was launched (the node is gone).
  virtual void on_launch_result(const LaunchNode& request, const std::vector<cloud::FleetOverride>& insufficient,
                                bool launched, SimTime now) {
    (void)request, (void)insufficient, (void)launched, (void)now;
  }
  // The controller is switched off (a migration's handover): it makes no more decisions; what
  // the cloud does on its own (an Auto Scaling group keeping its desired capacity) goes on.
  virtual void stop_controller() {}
  // The user set a node group's desired capacity (timeline `scale` of kind NodeGroup). Returns
  // false when this policy does not own the group (the sim then scales a static group itself).
  virtual bool on_node_group_scaled(const std::string& group, int desired, SimTime now) {
    (void)group, (void)desired, (void)now;
    return false;
  }
  // New versions of NodePools / node classes were applied (timeline `update`).
  virtual void on_node_pools_updated(const std::vector<spec::NodePool>& pools, const std::vector<spec::NodeClass>& classes,
                                     SimTime now) {
    (void)pools, (void)classes, (void)now;
  }
  // A node present at t = 0 that this policy owns (spec.nodeClaims: a Karpenter NodeClaim), which
  // already carries its NodePool's labels and taints: stamp the rest as the policy's own launch
  // would (requirements, annotations, allocatable).
  virtual void adopt(cluster::Node& node) { (void)node; }
  // A spot interruption warning (2-minute notice) for a running node. The instance goes away two
  // minutes later whatever the policy does; the returned actions are applied now.
  virtual Actions on_spot_interruption(cluster::NodeId node, const View& view) {
    (void)node, (void)view;
    return {};
  }
  // What the policy's controller passes took (spec::ControllerTime), or null for a policy with
  // no such passes.
  virtual const ControllerStats* controller_stats() const { return nullptr; }
};

}  // namespace capsim::policy
