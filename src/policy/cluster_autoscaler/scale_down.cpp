#include "capsim/policy/cluster_autoscaler/scale_down.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace capsim::policy::cluster_autoscaler {

std::string_view unremovable_name(UnremovableReason r) {
  switch (r) {
    case UnremovableReason::none: return "";
    case UnremovableReason::scale_down_disabled_annotation: return "ScaleDownDisabledAnnotation";
    case UnremovableReason::not_autoscaled: return "NotAutoscaled";
    case UnremovableReason::not_underutilized: return "NotUnderutilized";
    case UnremovableReason::currently_being_deleted: return "CurrentlyBeingDeleted";
    case UnremovableReason::recently_unremovable: return "RecentlyUnremovable";
    case UnremovableReason::unexpected_error: return "UnexpectedError";
    case UnremovableReason::blocked_by_pod: return "BlockedByPod";
    case UnremovableReason::no_place_to_move_pods: return "NoPlaceToMovePods";
    case UnremovableReason::not_unneeded_long_enough: return "NotUnneededLongEnough";
    case UnremovableReason::node_group_min_size_reached: return "NodeGroupMinSizeReached";
    case UnremovableReason::minimal_resource_limit_exceeded: return "MinimalResourceLimitExceeded";
  }
  return "";
}

std::optional<UtilizationInfo> node_utilization(const scheduling::SnapshotNode& n, bool ignore_daemonsets,
                                                bool ignore_mirror) {
  UtilizationInfo u;
  const std::int64_t gpu_alloc = n.allocatable.get(Resource::nvidia_gpu).milli;
  u.gpu_node = gpu_alloc > 0 || n.labels.count("k8s.amazonaws.com/accelerator") > 0;
  if (u.gpu_node) {
    // GPU nodes: only the GPU ratio counts.
    if (gpu_alloc <= 0) return std::nullopt;
    std::int64_t req = 0;
    for (const auto& p : n.pods) req += p.spec->requests.get(Resource::nvidia_gpu).milli;
    u.gpu = static_cast<double>(req) / static_cast<double>(gpu_alloc);
    u.utilization = u.gpu;
    return u;
  }
  const auto ratio = [&](Resource r) -> std::optional<double> {
    const std::int64_t alloc = n.allocatable.get(r).milli;
    if (alloc <= 0) return std::nullopt;
    std::int64_t req = 0, skipped = 0;
    for (const auto& p : n.pods) {
      const std::int64_t q = p.spec->requests.get(r).milli;
      if ((ignore_daemonsets && p.daemon) || (ignore_mirror && p.mirror)) skipped += q;
      else req += q;
    }
    const std::int64_t denom = alloc - skipped;
    if (denom <= 0) return 0.0;
    return static_cast<double>(req) / static_cast<double>(denom);
  };
  auto cpu = ratio(Resource::cpu);
  auto mem = ratio(Resource::memory);
  if (!cpu || !mem) return std::nullopt;
  u.cpu = *cpu;
  u.memory = *mem;
  u.utilization = std::max(u.cpu, u.memory);
  return u;
}

UnremovableReason eligibility(const scheduling::SnapshotNode& n, const EligibilityInput& in,
                              std::optional<UtilizationInfo>* out) {
  if (in.being_deleted) return UnremovableReason::currently_being_deleted;
  if (in.annotations) {
    static const std::string key(k_scale_down_disabled);
    auto it = in.annotations->find(key);
    if (it != in.annotations->end() && it->second == "true") return UnremovableReason::scale_down_disabled_annotation;
  }
  auto u = in.utilization ? *in.utilization : node_utilization(n, in.ignore_daemonsets);
  if (out) *out = u;
  if (!u) return UnremovableReason::unexpected_error;
  const double threshold = u->gpu_node ? in.gpu_threshold : in.threshold;
  if (u->utilization > threshold) return UnremovableReason::not_underutilized;
  return UnremovableReason::none;
}

// ---------------------------------------------------------------------------------------------
// PDBs

namespace {

int resolve_int_or_percent(const std::string& v, int expected, bool round_up) {
  if (!v.empty() && v.back() == '%') {
    const double pct = std::stod(v.substr(0, v.size() - 1));
    const double x = pct * expected / 100.0;
    return static_cast<int>(round_up ? std::ceil(x) : std::floor(x));
  }
  return std::stoi(v);
}

}  // namespace

PdbTracker::PdbTracker(const std::vector<spec::PodDisruptionBudget>& pdbs, const cluster::ClusterState& state) {
  for (const auto& pdb : pdbs) {
    // The disruption controller: expected = matching pods, healthy = those running on a node.
    int healthy = 0, expected = 0;
    for (auto pid : state.live_pods()) {
      const auto& p = state.pod(pid);
      if (p.namespace_ != pdb.namespace_ || !pdb.selector.matches(p.labels)) continue;
      ++expected;
      if (p.bound()) ++healthy;
    }
    int desired = expected;  // neither set: nothing may be disrupted
    if (pdb.min_available) desired = resolve_int_or_percent(*pdb.min_available, expected, true);
    else if (pdb.max_unavailable) desired = expected - resolve_int_or_percent(*pdb.max_unavailable, expected, true);
    add(pdb, std::max(healthy - desired, 0));
  }
}

void PdbTracker::add(const spec::PodDisruptionBudget& pdb, int allowed) { m_entries.push_back(Entry{pdb, allowed}); }

std::vector<std::size_t> PdbTracker::matching(const cluster::Pod& pod) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < m_entries.size(); ++i)
    if (m_entries[i].pdb.namespace_ == pod.namespace_ && m_entries[i].pdb.selector.matches(pod.labels)) out.push_back(i);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Drain rules

namespace {

const std::string& annotation(const cluster::Pod& p, const std::string& key) {
  static const std::string none;
  auto it = p.annotations.find(key);
  return it == p.annotations.end() ? none : it->second;
}

// Controllers CA accepts as "replicated" (drain.go: ReplicationController, ReplicaSet (a
// Deployment's pods are owned by one), Job, StatefulSet). Trace pods carry "Trace<Kind>".
bool replicated(const cluster::OwnerRef& o) {
  std::string_view k = o.kind;
  if (k.substr(0, 5) == "Trace") k.remove_prefix(5);
  return k == "ReplicaSet" || k == "Deployment" || k == "ReplicationController" || k == "Job" || k == "StatefulSet";
}

}  // namespace

PodDrainResult drain_verdict(const cluster::Pod& pod, const PdbTracker& pdbs, const DrainOptions& opt, SimTime now) {
  // 1. mirror (static) pods die with the node.
  if (pod.is_mirror()) return {DrainVerdict::ignore, ""};
  // 4. DaemonSet pods are not rescheduled.
  if (pod.is_daemon()) return {DrainVerdict::daemonset, ""};
  static const std::string safe_key(k_safe_to_evict), local_volumes_key(k_safe_to_evict_local_volumes);
  const std::string& safe = annotation(pod, safe_key);
  // 5. safe-to-evict: "true" overrides every later rule, the PDB included.
  if (safe == "true") return {DrainVerdict::move, ""};
  // 6. terminal pods.
  if (pod.phase == cluster::PodPhase::succeeded) return {DrainVerdict::ignore, ""};
  // 7. on-completion: the node waits for the pod to finish.
  if (safe == "on-completion") return {DrainVerdict::wait, ""};
  // 8. no controller, or one CA does not know.
  if (pod.owner.kind.empty() || !replicated(pod.owner)) return {DrainVerdict::block, "NotReplicated"};
  // 9. kube-system pods without a PDB (since 1.33 only while younger than the timeout).
  if (opt.skip_nodes_with_system_pods && pod.namespace_ == "kube-system" && !pdbs.any_selects(pod)) {
    const bool old_enough = opt.blocking_system_pod_timeout && now - pod.created > *opt.blocking_system_pod_timeout;
    if (!old_enough) return {DrainVerdict::block, "UnmovableKubeSystemPod"};
  }
  // 10. safe-to-evict: "false".
  if (safe == "false") return {DrainVerdict::block, "NotSafeToEvictAnnotation"};
  // 11. local storage not listed in safe-to-evict-local-volumes.
  if (opt.skip_nodes_with_local_storage && !pod.spec->local_storage_volumes.empty()) {
    const std::string listed = "," + annotation(pod, local_volumes_key) + ",";
    for (const auto& v : pod.spec->local_storage_volumes) {
      std::string needle = "," + v + ",";
      std::string compact;
      for (char c : listed)
        if (c != ' ') compact += c;
      if (compact.find(needle) == std::string::npos) return {DrainVerdict::block, "LocalStorageRequested"};
    }
  }
  // 12. a PDB with no disruption left.
  for (auto i : pdbs.matching(pod))
    if (pdbs.allowed(i) < 1) return {DrainVerdict::block, "NotEnoughPdb"};
  return {DrainVerdict::move, ""};
}

RemovalResult simulate_node_removal(scheduling::ClusterSnapshot& snap, std::size_t node, const PodLookup& lookup,
                                    const std::vector<bool>& destination, PdbTracker& pdbs, const DrainOptions& opt,
                                    SimTime now, scheduling::SchedulingHints* hints) {
  RemovalResult r;
  std::vector<scheduling::SnapshotPod> moving;
  for (const auto& sp : snap.node(node).pods) {
    if (sp.id == scheduling::k_no_pod) continue;  // template pods never sit on a real node
    const cluster::Pod* pod = lookup(sp.id);
    if (!pod) continue;
    const PodDrainResult v = drain_verdict(*pod, pdbs, opt, now);
    switch (v.verdict) {
      case DrainVerdict::ignore:
      case DrainVerdict::daemonset: break;
      case DrainVerdict::wait: r.on_completion = true; break;
      case DrainVerdict::block:
        r.reason = UnremovableReason::blocked_by_pod;
        r.blocking_pod = pod->namespace_ + "/" + pod->name;
        r.blocking_reason = v.reason;
        return r;
      case DrainVerdict::move:
        moving.push_back(sp);
        r.to_move.push_back(sp.id);
        break;
    }
  }
  r.empty = moving.empty();
  // PDB budget of the pods that move: fewer disruptions allowed than pods -> risky.
  std::map<std::size_t, int> per_pdb;
  for (const auto& sp : moving)
    for (auto i : pdbs.matching(*lookup(sp.id))) ++per_pdb[i];
  for (const auto& [i, count] : per_pdb)
    if (pdbs.allowed(i) < count) r.risky = true;

  snap.fork();
  for (const auto& sp : moving) snap.remove_pod(node, sp.id);
  snap.add_taint(node, Taint{std::string(k_to_be_deleted_taint), "", TaintEffect::no_schedule});
  std::stable_sort(moving.begin(), moving.end(), [](const scheduling::SnapshotPod& a, const scheduling::SnapshotPod& b) {
    return a.spec->priority > b.spec->priority;
  });
  r.to_move.clear();
  for (const auto& sp : moving) {
    const auto acceptable = [&](std::size_t i) { return i != node && i < destination.size() && destination[i]; };
    auto at = hints ? scheduling::schedule_with_hints(snap, sp, *hints, acceptable) : snap.schedule_anywhere(sp, acceptable);
    if (!at) {
      snap.revert();
      r.reason = UnremovableReason::no_place_to_move_pods;
      r.to_move.clear();
      r.destinations.clear();
      return r;
    }
    r.to_move.push_back(sp.id);
    r.destinations.push_back(snap.node(*at).name);
  }
  snap.commit();
  for (const auto& [i, count] : per_pdb) pdbs.spend(i, count);
  return r;
}

int unneeded_nodes_limit(int previous_unneeded, int parallelism, Duration unneeded_time, Duration loop_interval) {
  const std::int64_t interval = loop_interval.ms > 0 ? loop_interval.ms : std::max<std::int64_t>(unneeded_time.ms, 1);
  const std::int64_t longest = std::max(unneeded_time.ms, interval);
  const std::int64_t by_time = static_cast<std::int64_t>(parallelism) * (longest / interval) + parallelism;
  const std::int64_t by_growth = static_cast<std::int64_t>(previous_unneeded) + 2LL * parallelism;
  return static_cast<int>(std::min(by_growth, by_time));
}

CropResult crop_nodes(const std::vector<std::string>& empty_groups, const std::vector<std::string>& drain_groups,
                      int empty_in_flight, int drain_in_flight, int parallelism, int drain_parallelism,
                      std::optional<int> empty_limit) {
  CropResult r;
  // Buckets per node group in order of first appearance; within a bucket the list order.
  const auto take = [](const std::vector<std::string>& groups, int budget, std::vector<std::size_t>& out) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<std::size_t>> buckets;
    for (std::size_t i = 0; i < groups.size(); ++i) {
      if (!buckets.count(groups[i])) order.push_back(groups[i]);
      buckets[groups[i]].push_back(i);
    }
    for (const auto& g : order)
      for (auto i : buckets[g]) {
        if (budget <= 0) return;
        out.push_back(i);
        --budget;
      }
  };
  int empty_budget = parallelism - empty_in_flight - drain_in_flight;
  if (empty_limit) empty_budget = std::min(empty_budget, *empty_limit);
  take(empty_groups, empty_budget, r.empty);
  const int left = parallelism - empty_in_flight - drain_in_flight - static_cast<int>(r.empty.size());
  const int drain_budget = std::min(left, drain_parallelism - drain_in_flight);
  take(drain_groups, drain_budget, r.drain);
  return r;
}

}  // namespace capsim::policy::cluster_autoscaler
