#include "capsim/policy/cluster_autoscaler/scale_up.hpp"

#include <algorithm>
#include <climits>
#include <set>

#include "capsim/core/labels.hpp"

#include "capsim/policy/cluster_autoscaler/node_group.hpp"
#include "capsim/scheduling/binpacking_estimator.hpp"

namespace capsim::policy::cluster_autoscaler {

namespace {
constexpr std::size_t k_max_groups_per_controller = 10;  // equivalence/groups.go maxEquivalenceGroupsByController

// A fresh copy of a template for a what-if (sanitised name and hostname).
scheduling::SnapshotNode fresh_copy(const scheduling::SnapshotNode& t, const std::string& group) {
  scheduling::SnapshotNode n = t;
  n.name = "template-node-for-" + group + "-check";
  n.id = cluster::k_no_node;
  n.labels[std::string(label::k_hostname)] = n.name;
  return n;
}
}  // namespace

std::vector<std::vector<std::size_t>> equivalence_groups(const std::vector<PendingPod>& pods) {
  std::vector<std::vector<std::size_t>> out;
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> by_controller;  // -> group indexes
  for (std::size_t i = 0; i < pods.size(); ++i) {
    const PendingPod& p = pods[i];
    if (p.owner_kind.empty() || p.owner_kind == "DaemonSet") {
      out.push_back({i});
      continue;
    }
    auto& groups = by_controller[{p.owner_kind, p.owner_name}];
    bool placed = false;
    for (std::size_t g : groups) {
      const PendingPod& first = pods[out[g].front()];
      const bool same_labels = (first.pod.labels == p.pod.labels) ||
                               (first.pod.labels && p.pod.labels && *first.pod.labels == *p.pod.labels);
      if (first.pod.spec == p.pod.spec && first.pod.namespace_ == p.pod.namespace_ && same_labels) {
        out[g].push_back(i);
        placed = true;
        break;
      }
    }
    if (placed) continue;
    if (groups.size() < k_max_groups_per_controller) groups.push_back(out.size());
    out.push_back({i});
  }
  return out;
}

std::vector<std::size_t> filter_out_schedulable(scheduling::ClusterSnapshot& snap, const std::vector<PendingPod>& pods,
                                                scheduling::SchedulingHints* hints) {
  std::vector<std::size_t> order(pods.size());
  for (std::size_t i = 0; i < pods.size(); ++i) order[i] = i;
  // Higher priority first; equal priorities keep the list order (no size sorting).
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return pods[a].pod.spec->priority > pods[b].pod.spec->priority;
  });
  std::vector<std::size_t> left;
  for (std::size_t i : order) {
    const bool placed = hints ? scheduling::schedule_with_hints(snap, pods[i].pod, *hints).has_value()
                              : snap.schedule_anywhere(pods[i].pod).has_value();
    if (!placed) left.push_back(i);
  }
  if (hints) hints->drop_old();  // filterOutSchedulableByPacking ends with DropOldHints
  return left;
}

bool node_group_healthy(int ready, int unready, int not_started, int target, int scale_up_in_progress,
                        int ok_total_unready_count, int max_total_unready_percentage) {
  const int unjustified = std::max(0, target - scale_up_in_progress - ready);
  return !(unjustified > ok_total_unready_count &&
           unjustified * 100 > max_total_unready_percentage * (ready + unready + not_started));
}

std::int64_t node_cores(const ResourceList& capacity) {
  return (capacity.cpu_millis() + 999) / 1000;
}

ResourceUsage resource_usage(const scheduling::ClusterSnapshot& snap) {
  ResourceUsage u;
  for (const auto& n : snap.nodes()) {
    u.cores += node_cores(n.capacity);
    u.memory_bytes += n.capacity.memory_bytes();
  }
  return u;
}

std::int64_t nodes_within_limits(const ResourceUsage& usage, const ResourceList& capacity, const ScaleUpLimits& limits) {
  std::int64_t n = INT64_MAX;
  const std::int64_t cores = node_cores(capacity);
  const std::int64_t mem = capacity.memory_bytes();
  if (cores > 0) n = std::min(n, std::max<std::int64_t>(0, limits.cores_max - usage.cores) / cores);
  if (mem > 0) n = std::min(n, std::max<std::int64_t>(0, limits.memory_max_bytes - usage.memory_bytes) / mem);
  return n;
}

ScaleUpResult compute_scale_up(scheduling::ClusterSnapshot& snap, const std::vector<PendingPod>& pending,
                               const std::vector<std::size_t>& to_help, const std::vector<ScaleUpNodeGroup>& groups,
                               const ScaleUpLimits& limits, const OptionChooser& choose) {
  ScaleUpResult r;
  if (to_help.empty()) return r;

  std::vector<PendingPod> pods;
  for (auto i : to_help) pods.push_back(pending[i]);
  const auto eq = equivalence_groups(pods);
  const ResourceUsage usage = resource_usage(snap);
  const int node_count = static_cast<int>(snap.size());

  // filterValidScaleUpNodeGroups.
  std::vector<bool> valid(groups.size(), false);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto& ng = groups[g];
    if (ng.target_size >= ng.max_size) r.skipped[g] = "max node group size reached";
    else if (ng.backed_off) r.skipped[g] = "in backoff after failed scale-up";
    else if (!ng.healthy) r.skipped[g] = "node group is unhealthy";
    else if (!ng.node_template) r.skipped[g] = "no template node";
    else if (nodes_within_limits(usage, ng.node_template->capacity, limits) < 1) r.skipped[g] = "exceeded quota";
    else valid[g] = true;
  }

  // Which equivalence groups each valid node group can host (first pod on a fresh template copy).
  std::vector<std::vector<bool>> fits(groups.size(), std::vector<bool>(eq.size(), false));
  std::vector<std::map<std::string, int>> why(eq.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (!valid[g]) {
      for (std::size_t e = 0; e < eq.size(); ++e) ++why[e][r.skipped[g]];
      continue;
    }
    // One fresh template copy per node group: checking a pod leaves the snapshot as it was.
    snap.fork();
    const std::size_t idx = snap.add_node(fresh_copy(*groups[g].node_template, groups[g].name));
    for (std::size_t e = 0; e < eq.size(); ++e) {
      const auto& first = pods[eq[e].front()].pod;
      const auto f = snap.check(first, idx);
      if (f == scheduling::FilterFailure::none) fits[g][e] = true;
      else ++why[e][f == scheduling::FilterFailure::resources ? scheduling::insufficient_resource(*first.spec, snap.node(idx))
                                                             : std::string(scheduling::filter_failure_text(f))];
    }
    snap.revert();
  }

  // Options.
  std::size_t binpacked = 0;  // pods placed by the estimates so far
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (!valid[g]) continue;
    std::vector<scheduling::EstimatePodGroup> est;
    for (std::size_t e = 0; e < eq.size(); ++e) {
      if (!fits[g][e]) continue;
      scheduling::EstimatePodGroup pg;
      for (auto i : eq[e]) pg.pods.push_back(pods[i].pod);
      est.push_back(std::move(pg));
    }
    if (est.empty()) continue;
    std::vector<std::size_t> similar;
    int headroom = groups[g].max_size - groups[g].target_size;
    if (limits.balance_similar_node_groups) {
      for (std::size_t o = 0; o < groups.size(); ++o) {
        if (o == g || !valid[o] || !similar_templates(*groups[g].node_template, *groups[o].node_template)) continue;
        bool hosts_all = true;
        for (std::size_t e = 0; e < eq.size(); ++e)
          if (fits[g][e] && !fits[o][e]) hosts_all = false;
        if (!hosts_all) continue;
        similar.push_back(o);
        headroom += groups[o].max_size - groups[o].target_size;
      }
    }
    // The threshold-based limiter: the minimum of the non-zero limits; a non-positive headroom
    // means no node at all.
    int limit = limits.max_nodes_per_scaleup;
    const auto cap = [&](int l) {
      if (l <= 0) limit = -1;
      else if (limit >= 0 && (limit == 0 || l < limit)) limit = l;
    };
    cap(headroom);
    if (limits.max_nodes_total > 0) cap(limits.max_nodes_total - node_count);
    const auto est_result = scheduling::estimate_binpacking(snap, std::move(est), *groups[g].node_template, limit,
                                                            "template-node-for-" + groups[g].name, limits.group_pod_budget);
    if (est_result.duration_capped) r.capped.push_back(g);
    binpacked += est_result.scheduled.size();
    const bool stop = limits.total_pod_budget && binpacked > *limits.total_pod_budget;
    if (stop) r.binpacking_cut = true;
    if (est_result.node_count == 0 || est_result.scheduled.empty()) {
      if (stop) break;
      continue;
    }
    ExpansionOption o;
    o.node_group = groups[g].name;
    o.node_count = est_result.node_count;
    o.pod_count = static_cast<int>(est_result.scheduled.size());
    for (const auto& p : est_result.scheduled) o.pod_requests += p.spec->requests;
    o.node_capacity = groups[g].node_template->capacity;
    r.options.push_back(std::move(o));
    r.option_group.push_back(g);
    r.option_similar.push_back(std::move(similar));
    if (stop) break;  // the options computed so far are used
  }

  const auto classify = [&](std::optional<std::size_t> chosen_group) {
    for (std::size_t e = 0; e < eq.size(); ++e) {
      bool any = false;
      for (std::size_t g = 0; g < groups.size(); ++g) any = any || fits[g][e];
      auto& bucket = (chosen_group && fits[*chosen_group][e]) ? r.triggered : any ? r.awaiting : r.remaining;
      for (auto i : eq[e]) bucket.push_back(to_help[i]);
      if (!any) {
        std::string text = "pod didn't trigger scale-up:";
        std::string sep = " ";
        for (const auto& [reason, count] : why[e]) {
          text += sep + std::to_string(count) + " " + reason;
          sep = ", ";
        }
        if (groups.empty()) text += " no node groups";
        for (auto i : eq[e]) r.pod_reasons[to_help[i]] = text;
      }
    }
  };

  if (r.options.empty()) {
    r.status = ScaleUpResult::Status::no_options;
    classify(std::nullopt);
    return r;
  }
  r.chosen = choose(r.options);
  if (!r.chosen) {
    r.status = ScaleUpResult::Status::no_options;
    classify(std::nullopt);
    return r;
  }
  const std::size_t chosen_group = r.option_group[*r.chosen];
  classify(chosen_group);

  // Caps: max-nodes-total against every snapshot node (upcoming ones included), then the totals.
  int n = r.options[*r.chosen].node_count;
  if (limits.max_nodes_total > 0 && n + node_count > limits.max_nodes_total) {
    n = limits.max_nodes_total - node_count;
    if (n < 1) {
      r.status = ScaleUpResult::Status::error;
      r.error = "max node total count already reached";
      return r;
    }
  }
  const auto& tmpl_cap = groups[chosen_group].node_template->capacity;
  n = static_cast<int>(std::min<std::int64_t>(n, nodes_within_limits(usage, tmpl_cap, limits)));
  if (n < 1) {
    r.status = ScaleUpResult::Status::error;
    r.error = "exceeded quota";
    return r;
  }

  std::vector<std::size_t> set = {chosen_group};
  if (limits.balance_similar_node_groups)
    for (auto o : r.option_similar[*r.chosen])
      if (nodes_within_limits(usage, groups[o].node_template->capacity, limits) >= 1) set.push_back(o);
  if (set.size() == 1) {
    r.increases.emplace_back(chosen_group, n);
  } else {
    std::vector<std::pair<int, int>> sizes;
    for (auto g : set) sizes.emplace_back(groups[g].target_size, groups[g].max_size);
    const auto targets = balance_scale_up(sizes, n);
    ResourceUsage u = usage;
    for (std::size_t k = 0; k < set.size(); ++k) {
      int delta = targets[k] - groups[set[k]].target_size;
      if (delta <= 0) continue;
      const auto& cap = groups[set[k]].node_template->capacity;
      delta = static_cast<int>(std::min<std::int64_t>(delta, nodes_within_limits(u, cap, limits)));
      if (delta <= 0) continue;
      u.cores += node_cores(cap) * delta;
      u.memory_bytes += cap.memory_bytes() * delta;
      r.increases.emplace_back(set[k], delta);
    }
  }
  r.status = r.increases.empty() ? ScaleUpResult::Status::error : ScaleUpResult::Status::scaled;
  if (r.increases.empty()) r.error = "exceeded quota";
  return r;
}

}  // namespace capsim::policy::cluster_autoscaler
