#include "capsim/sweep/forecast_cost.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <map>

#include "capsim/core/diagnostic.hpp"
#include "capsim/core/parallel.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "capsim/io/sweep_loader.hpp"
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

// Demand per pod of the carrying Deployment, in the series' unit.
double per_pod_demand(const spec::Scenario& cluster, const CostForecastOptions& opts) {
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
  return per_pod;
}

constexpr const char* k_sampled_trace = "(sampled workload)";

// One path through one cluster: the Deployment scaled every hour to the path's demand, or the
// path's sampled pods replayed as a trace.
PathRun replay(const spec::Scenario& cluster, double per_pod, const std::vector<double>& path, double factor,
               std::uint64_t seed, const CostForecastOptions& opts, const std::shared_ptr<const catalog::Catalog>& cat) {
  const std::size_t H = path.size();
  spec::Scenario sc = cluster;
  sc.seed = seed;
  if (opts.controller_time) spec::set_controller_time(sc, *opts.controller_time);
  sc.duration = Duration::hours(static_cast<std::int64_t>(H));
  sim::SimOptions so;
  so.catalog = cat;
  so.open_trace = io::open_replay_trace;
  so.keep_decisions = false;
  if (opts.workload == "sampled") {
    auto events = std::make_shared<const std::vector<spec::TraceEvent>>(
        sampled_workload(path, factor, opts.scale, opts.classes, derive_seed(seed, 1)));
    spec::TimelineEvent ev;
    ev.kind = spec::TimelineKind::replay;
    ev.replay.path = k_sampled_trace;
    sc.timeline.push_back(std::move(ev));
    so.open_trace = [events](const spec::TraceReplay& r) -> std::unique_ptr<spec::TraceSource> {
      if (r.path == k_sampled_trace) return std::make_unique<spec::EventListSource>(events);
      return io::open_replay_trace(r);
    };
  } else {
    auto replicas = [&](std::size_t h) {
      return static_cast<int>(std::max(0.0, std::round(path[h] * factor * opts.scale / per_pod)));
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
  }
  PathRun run;
  try {
    const sim::RunResult r = sim::run_scenario(sc, so);
    for (const auto& a : r.results) {
      run.summary[a.autoscaler] = a.summary;
      run.daily_cost[a.autoscaler] = daily_cost(a, (H + 23) / 24);
    }
    run.ok = true;
  } catch (const std::exception&) {
    run.ok = false;
  }
  return run;
}

forecast::AutoscalerCost summarize(const std::string& autoscaler, const std::vector<PathRun>& runs, std::size_t days,
                                   double level) {
  forecast::AutoscalerCost c;
  c.autoscaler = autoscaler;
  std::vector<double> node_hours, spot, pending, evictions;
  std::vector<std::vector<double>> per_day(days), to_day(days);
  for (const auto& r : runs) {
    auto it = r.summary.find(autoscaler);
    if (!r.ok || it == r.summary.end()) {
      ++c.failed_paths;
      continue;
    }
    c.path_cost_usd.push_back(it->second.cost.usd());
    node_hours.push_back(it->second.node_hours);
    spot.push_back(it->second.spot_share);
    pending.push_back(it->second.pod_pending_p95_s);
    evictions.push_back(it->second.evictions);
    const auto& d = r.daily_cost.at(autoscaler);
    double sum = 0;
    for (std::size_t k = 0; k < days; ++k) {
      per_day[k].push_back(d[k]);
      to_day[k].push_back(sum += d[k]);
    }
  }
  c.cost_usd = forecast::interval_of(c.path_cost_usd, level);
  c.node_hours = forecast::interval_of(node_hours, level);
  c.spot_share = forecast::interval_of(spot, level);
  c.pending_p95_s = forecast::interval_of(pending, level);
  c.evictions = forecast::interval_of(evictions, level);
  for (const auto& d : per_day) c.daily_cost_usd.push_back(forecast::interval_of(d, level));
  for (const auto& d : to_day) c.cumulative_cost_usd.push_back(forecast::interval_of(d, level));
  return c;
}

std::vector<std::string> costed(const spec::Scenario& s) {
  std::vector<std::string> out;
  for (const auto& a : s.autoscalers)
    if (a != "lower-bound") out.push_back(a);
  return out;
}

forecast::WhatIfDiff diff(const std::string& a, const std::vector<PathRun>& base, const std::string& b,
                          const std::vector<PathRun>& what_if, double level) {
  forecast::WhatIfDiff d;
  d.base_autoscaler = a;
  d.what_if_autoscaler = b;
  std::vector<double> xa, xb, dx, dp;
  for (std::size_t p = 0; p < base.size(); ++p) {
    auto ia = base[p].summary.find(a);
    auto ib = what_if[p].summary.find(b);
    if (!base[p].ok || !what_if[p].ok || ia == base[p].summary.end() || ib == what_if[p].summary.end()) continue;
    const double ca = ia->second.cost.usd(), cb = ib->second.cost.usd();
    xa.push_back(ca);
    xb.push_back(cb);
    dx.push_back(cb - ca);
    dp.push_back(ca > 0 ? 100.0 * (cb - ca) / ca : 0.0);
  }
  d.paths = dx.size();
  d.base_cost_usd = forecast::interval_of(xa, level);
  d.what_if_cost_usd = forecast::interval_of(xb, level);
  d.diff_usd = forecast::interval_of(dx, level);
  d.diff_percent = forecast::interval_of(dp, level);
  return d;
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream s;
  s << f.rdbuf();
  out = s.str();
  return static_cast<bool>(f) || f.eof();
}

}  // namespace

std::vector<spec::TraceEvent> sampled_workload(const std::vector<double>& path, double factor, double scale,
                                               const std::vector<forecast::ClassProfile>& classes, std::uint64_t seed) {
  struct Class {
    const forecast::ClassProfile* profile;
    double share, mean_vcpu, mean_life_h;
  };
  std::vector<Class> cs;
  double total = 0;
  for (const auto& c : classes)
    if (c.pods > 0 && c.vcpu_hours > 0) total += c.vcpu_hours;
  const double horizon_h = static_cast<double>(path.size());
  for (const auto& c : classes) {
    if (c.pods == 0 || c.vcpu_hours <= 0) continue;
    double vcpu = 0;
    for (const auto& s : c.shapes) vcpu += s.vcpu * static_cast<double>(s.pods);
    double life = 0;
    for (double l : c.lifetimes_s) life += l / 3600.0;
    // A class none of whose pods ended in the history lives past the horizon.
    const double mean_life = c.lifetimes_s.empty() ? horizon_h : life / static_cast<double>(c.lifetimes_s.size());
    if (vcpu <= 0) continue;
    cs.push_back(Class{&c, c.vcpu_hours / total, vcpu / static_cast<double>(c.pods), std::max(mean_life, 1.0 / 60)});
  }
  if (cs.empty()) bad("--workload sampled needs workload classes with vCPU requests (a trace or a scenario input)");
  Rng rng(seed, "forecast/workload");
  struct Pod {
    double at_h, life_h;
    const Class* c;
    const forecast::PodShape* shape;
  };
  std::vector<Pod> pods;
  auto draw_shape = [&](const Class& c) {
    auto k = static_cast<std::size_t>(rng.uniform_int(1, static_cast<std::int64_t>(c.profile->pods)));
    for (const auto& s : c.profile->shapes) {
      if (k <= s.pods) return &s;
      k -= s.pods;
    }
    return &c.profile->shapes.back();
  };
  auto draw_life = [&](const Class& c) {
    const auto& ls = c.profile->lifetimes_s;
    if (ls.empty()) return horizon_h;
    return ls[static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(ls.size()) - 1))] / 3600.0;
  };
  for (const auto& c : cs) {
    const auto initial = static_cast<std::int64_t>(std::llround(c.share * path.front() * factor * scale / c.mean_vcpu));
    for (std::int64_t i = 0; i < initial; ++i) {
      const auto* shape = draw_shape(c);
      pods.push_back(Pod{0.0, draw_life(c) * rng.uniform01(), &c, shape});
    }
    for (std::size_t h = 0; h < path.size(); ++h) {
      const double rate = c.share * std::max(0.0, path[h] * factor * scale) / c.mean_vcpu / c.mean_life_h;
      if (rate <= 0) continue;
      for (double t = static_cast<double>(h) + rng.exponential(1.0 / rate); t < static_cast<double>(h + 1);
           t += rng.exponential(1.0 / rate)) {
        const auto* shape = draw_shape(c);
        pods.push_back(Pod{t, draw_life(c), &c, shape});
      }
    }
  }
  std::vector<spec::TraceEvent> out;
  auto ms = [](double hours) { return Duration{static_cast<std::int64_t>(std::llround(hours * 3'600'000.0))}; };
  for (std::size_t i = 0; i < pods.size(); ++i) {
    const Pod& p = pods[i];
    spec::TraceEvent e;
    e.at = ms(p.at_h);
    e.pod = "sampled-" + std::to_string(i);
    e.namespace_ = "default";
    e.owner = p.c->profile->name == "(none)" ? "" : p.c->profile->name;
    e.requests.set(Resource::cpu, Quantity::from_milli(static_cast<std::int64_t>(std::llround(p.shape->vcpu * 1000))));
    e.requests.set(Resource::memory,
                   Quantity::from_mib(static_cast<std::int64_t>(std::llround(p.shape->memory_gib * 1024))));
    out.push_back(e);
    if (p.at_h + p.life_h < horizon_h) {
      spec::TraceEvent d;
      d.at = ms(p.at_h + p.life_h);
      d.kind = spec::TraceEventKind::del;
      d.pod = e.pod;
      d.namespace_ = "default";
      out.push_back(std::move(d));
    }
  }
  // Time order; at one instant creates before deletes, each in the order drawn.
  std::stable_sort(out.begin(), out.end(), [](const spec::TraceEvent& a, const spec::TraceEvent& b) {
    if (a.at != b.at) return a.at < b.at;
    return a.kind == spec::TraceEventKind::create && b.kind != spec::TraceEventKind::create;
  });
  return out;
}

WhatIf parse_what_if(const std::vector<std::string>& edits, const std::string& cluster_path, const catalog::Catalog& cat) {
  WhatIf w;
  w.edits = edits;
  std::vector<io::SweepEdit> sets;
  std::string added;
  for (const auto& e : edits) {
    const std::string where = "--what-if \"" + e + "\": ";
    if (e.rfind("demand*", 0) == 0) {
      const std::string f = e.substr(7);
      char* end = nullptr;
      const double v = std::strtod(f.c_str(), &end);
      if (f.empty() || *end != '\0' || !(v > 0) || !std::isfinite(v)) bad(where + "expected a positive demand factor such as demand*1.3");
      w.demand_factor *= v;
    } else if (e.rfind("add=", 0) == 0) {
      std::string text;
      const std::string file = e.substr(4);
      if (!read_file(file, text)) bad(where + "cannot read " + file);
      added += "\n---\n" + text;
    } else if (auto eq = e.find('='); eq != std::string::npos && eq > 0) {
      sets.push_back({e.substr(0, eq), e.substr(eq + 1)});
    } else {
      bad(where + "expected demand*FACTOR, add=FILE or PATH=VALUE (a sweep parameter path, docs/sweep-format.md)");
    }
  }
  std::string text;
  if (!read_file(cluster_path, text)) bad("cannot read the cluster scenario " + cluster_path);
  for (const auto& s : sets) {
    try {
      text = io::apply_sweep_edits(text, cluster_path, {s});
    } catch (const InputError& err) {
      bad("--what-if \"" + s.path + "=" + s.value + "\": " + err.diagnostics().front().message);
    }
  }
  try {
    w.cluster = io::load_scenario_text(text + added, cluster_path, cat);
  } catch (const InputError& err) {
    const auto& d = err.diagnostics().front();
    bad("--what-if: the cluster scenario with the edits does not load: " + (d.path.empty() ? "" : d.path + ": ") + d.message);
  }
  return w;
}

CostForecast cost_through_autoscalers(const spec::Scenario& cluster, const forecast::ForecastResult& fr,
                                      const CostForecastOptions& opts, const std::shared_ptr<const catalog::Catalog>& cat,
                                      const WhatIf* what_if) {
  const bool sampled = opts.workload == "sampled";
  if (sampled && opts.series != "vcpu") bad("--workload sampled draws pods to a vcpu forecast, not " + opts.series);
  const double per_pod = sampled ? 0.0 : per_pod_demand(cluster, opts);
  const double per_pod_what_if = what_if && !sampled ? per_pod_demand(what_if->cluster, opts) : 0.0;
  const std::size_t days = (fr.point.size() + 23) / 24;
  const std::size_t n = std::min(opts.paths, fr.paths.size());
  std::vector<PathRun> base(n), edited(what_if ? n : 0);
  // Both replays of a path in one task: a path's what-if shares its demand path and seed.
  parallel_for(n, static_cast<std::size_t>(std::max(opts.jobs, 1)), [&](std::size_t p) {
    const std::uint64_t seed = derive_seed(opts.seed, p);
    base[p] = replay(cluster, per_pod, fr.paths[p], 1.0, seed, opts, cat);
    if (what_if) edited[p] = replay(what_if->cluster, per_pod_what_if, fr.paths[p], what_if->demand_factor, seed, opts, cat);
  });
  CostForecast out;
  const auto a = costed(cluster);
  for (const auto& s : a) out.base.push_back(summarize(s, base, days, fr.level));
  if (!what_if) return out;
  const auto b = costed(what_if->cluster);
  for (const auto& s : b) out.what_if.push_back(summarize(s, edited, days, fr.level));
  // Pairs: every autoscaler of both runs; when they share none and each has one (switching
  // autoscaler), that pair.
  for (const auto& s : a)
    if (std::find(b.begin(), b.end(), s) != b.end()) out.diffs.push_back(diff(s, base, s, edited, fr.level));
  if (out.diffs.empty() && a.size() == 1 && b.size() == 1) out.diffs.push_back(diff(a[0], base, b[0], edited, fr.level));
  return out;
}

}  // namespace capsim::sweep
