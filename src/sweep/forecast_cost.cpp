#include "capsim/sweep/forecast_cost.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "capsim/core/diagnostic.hpp"
#include "capsim/core/parallel.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/io/trace_reader.hpp"
#include "capsim/sim/simulation.hpp"

namespace capsim::sweep {
namespace {

[[noreturn]] void bad(const std::string& msg) { throw InputError({Diagnostic{"", 0, 0, Severity::error, "", msg}}); }

struct PathRun {
  bool ok{false};
  std::map<std::string, sim::Summary> summary;             // by autoscaler
  std::map<std::string, std::vector<double>> daily_cost;  // by autoscaler
};

// Cost per day from the samples: each sample's hourly rate until the next sample, in its day.
std::vector<double> daily_cost(const sim::AutoscalerResult& r, std::size_t days) {
  std::vector<double> d(days, 0.0);
  for (std::size_t i = 0; i + 1 < r.samples.size(); ++i) {
    const auto& s = r.samples[i];
    const double hours = static_cast<double>((r.samples[i + 1].at - s.at).ms) / 3'600'000.0;
    const auto day = std::min<std::size_t>(static_cast<std::size_t>(s.at.ms / 86'400'000), days - 1);
    d[day] += s.cost_rate_per_hour.usd() * hours;
  }
  return d;
}

}  // namespace

std::vector<forecast::AutoscalerCost> cost_through_autoscalers(const spec::Scenario& cluster, const forecast::ForecastResult& fr,
                                                               const CostForecastOptions& opts,
                                                               const std::shared_ptr<const catalog::Catalog>& cat) {
  auto dep = std::find_if(cluster.workloads.begin(), cluster.workloads.end(), [&](const spec::Workload& w) {
    return w.kind == spec::WorkloadKind::deployment && w.name == opts.deployment;
  });
  if (dep == cluster.workloads.end())
    bad("the cluster scenario has no Deployment named \"" + opts.deployment + "\" to carry the demand (--deployment)");
  const ResourceList req = dep->tmpl.requests();
  double per_pod = 1.0;
  if (opts.series == "vcpu") per_pod = static_cast<double>(req.get(Resource::cpu).milli) / 1000.0;
  else if (opts.series == "memory") per_pod = static_cast<double>(req.get(Resource::memory).milli) / 1000.0 / (1024.0 * 1024.0 * 1024.0);
  else if (opts.series != "pods") bad("cost through the autoscalers needs a vcpu, memory or pods series, not " + opts.series);
  if (per_pod <= 0) bad("the Deployment \"" + opts.deployment + "\" requests no " + opts.series + " per pod");
  const std::size_t H = fr.point.size();
  const std::size_t days = (H + 23) / 24;
  const std::size_t n = std::min(opts.paths, fr.paths.size());
  std::vector<PathRun> runs(n);
  parallel_for(n, static_cast<std::size_t>(std::max(opts.jobs, 1)), [&](std::size_t p) {
    spec::Scenario sc = cluster;
    sc.seed = derive_seed(opts.seed, p);
    sc.duration = Duration::hours(static_cast<std::int64_t>(H));
    auto replicas = [&](std::size_t h) {
      return static_cast<int>(std::max(0.0, std::round(fr.paths[p][h] * opts.scale / per_pod)));
    };
    for (auto& w : sc.workloads)
      if (w.kind == spec::WorkloadKind::deployment && w.name == opts.deployment) w.replicas = replicas(0);
    for (std::size_t h = 1; h < H; ++h) {
      spec::TimelineEvent ev;
      ev.at = Duration::hours(static_cast<std::int64_t>(h));
      ev.kind = spec::TimelineKind::scale;
      ev.target_kind = "Deployment";
      ev.target_name = opts.deployment;
      ev.replicas = replicas(h);
      sc.timeline.push_back(std::move(ev));
    }
    sim::SimOptions so;
    so.catalog = cat;
    so.open_trace = io::open_replay_trace;
    so.keep_decisions = false;
    try {
      const sim::RunResult r = sim::run_scenario(sc, so);
      for (const auto& a : r.results) {
        runs[p].summary[a.autoscaler] = a.summary;
        runs[p].daily_cost[a.autoscaler] = daily_cost(a, days);
      }
      runs[p].ok = true;
    } catch (const std::exception&) {
      runs[p].ok = false;
    }
  });
  std::vector<forecast::AutoscalerCost> out;
  for (const auto& autoscaler : cluster.autoscalers) {
    if (autoscaler == "lower-bound") continue;
    forecast::AutoscalerCost c;
    c.autoscaler = autoscaler;
    std::vector<double> cost, node_hours, spot, pending, evictions;
    std::vector<std::vector<double>> per_day(days);
    for (const auto& r : runs) {
      auto it = r.summary.find(autoscaler);
      if (!r.ok || it == r.summary.end()) {
        ++c.failed_paths;
        continue;
      }
      cost.push_back(it->second.cost.usd());
      node_hours.push_back(it->second.node_hours);
      spot.push_back(it->second.spot_share);
      pending.push_back(it->second.pod_pending_p95_s);
      evictions.push_back(it->second.evictions);
      const auto& d = r.daily_cost.at(autoscaler);
      for (std::size_t k = 0; k < days; ++k) per_day[k].push_back(d[k]);
    }
    c.cost_usd = forecast::interval_of(cost, fr.level);
    c.node_hours = forecast::interval_of(node_hours, fr.level);
    c.spot_share = forecast::interval_of(spot, fr.level);
    c.pending_p95_s = forecast::interval_of(pending, fr.level);
    c.evictions = forecast::interval_of(evictions, fr.level);
    for (const auto& d : per_day) c.daily_cost_usd.push_back(forecast::interval_of(d, fr.level));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace capsim::sweep
