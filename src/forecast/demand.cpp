#include "capsim/forecast/demand.hpp"

#include "capsim/core/diagnostic.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <unordered_map>

namespace capsim::forecast {
namespace {

constexpr double k_hour_ms = 3'600'000.0;

struct Live {
  double vcpu, gib;
  std::int64_t from_ms;
  std::string owner;
};

std::string class_of(const spec::TraceEvent& e) { return e.owner.empty() ? "(none)" : e.owner; }

// Adds `value` x (share of each hour covered by [from, to)) to the series.
void add_interval(std::vector<double>& s, double value, std::int64_t from_ms, std::int64_t to_ms) {
  if (to_ms <= from_ms) return;
  const auto first = static_cast<std::size_t>(from_ms / 3'600'000);
  const auto last = static_cast<std::size_t>((to_ms - 1) / 3'600'000);
  if (s.size() <= last) s.resize(last + 1, 0.0);
  for (std::size_t h = first; h <= last; ++h) {
    const auto lo = std::max<std::int64_t>(from_ms, static_cast<std::int64_t>(h) * 3'600'000);
    const auto hi = std::min<std::int64_t>(to_ms, static_cast<std::int64_t>(h + 1) * 3'600'000);
    s[h] += value * static_cast<double>(hi - lo) / k_hour_ms;
  }
}

}  // namespace

DemandSeries demand_from_trace(spec::TraceSource& src, std::optional<Duration> end, const std::string* only_class,
                               std::vector<ClassProfile>* classes) {
  std::unordered_map<std::string, Live> live;
  std::map<std::string, ClassProfile> profiles;
  std::map<std::string, std::map<std::pair<double, double>, std::size_t>> shapes;
  DemandSeries d;
  std::int64_t last_ms = 0;
  auto close = [&](const Live& l, std::int64_t to_ms) {
    add_interval(d.vcpu, l.vcpu, l.from_ms, to_ms);
    add_interval(d.memory_gib, l.gib, l.from_ms, to_ms);
    add_interval(d.pods, 1.0, l.from_ms, to_ms);
    if (classes) profiles[l.owner].vcpu_hours += l.vcpu * static_cast<double>(to_ms - l.from_ms) / k_hour_ms;
  };
  while (auto ev = src.next()) {
    const std::int64_t at = ev->at.ms;
    last_ms = std::max(last_ms, at);
    const std::string key = ev->namespace_ + "/" + ev->pod;
    if (ev->kind == spec::TraceEventKind::create) {
      std::string owner = class_of(*ev);
      if (only_class && owner != *only_class) continue;
      Live l{static_cast<double>(ev->requests.get(Resource::cpu).milli) / 1000.0,
             static_cast<double>(ev->requests.get(Resource::memory).milli) / 1000.0 / (1024.0 * 1024.0 * 1024.0), at,
             std::move(owner)};
      const auto h = static_cast<std::size_t>(at / 3'600'000);
      if (d.arrivals.size() <= h) d.arrivals.resize(h + 1, 0.0);
      d.arrivals[h] += 1;
      if (classes) {
        ++profiles[l.owner].pods;
        ++shapes[l.owner][{l.vcpu, l.gib}];
      }
      live[key] = std::move(l);
    } else if (auto it = live.find(key); it != live.end()) {
      close(it->second, at);
      if (classes) profiles[it->second.owner].lifetimes_s.push_back(static_cast<double>(at - it->second.from_ms) / 1000.0);
      live.erase(it);
    }
  }
  const std::int64_t end_ms = end ? end->ms : static_cast<std::int64_t>(std::ceil(static_cast<double>(last_ms) / k_hour_ms) * k_hour_ms);
  std::vector<std::pair<std::string, Live>> rest(live.begin(), live.end());
  std::sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) { return a.first < b.first; });  // a fixed summation order
  for (const auto& [key, l] : rest) {
    close(l, end_ms);
    if (classes) ++profiles[l.owner].still_running;
  }
  const auto hours = static_cast<std::size_t>(std::max<std::int64_t>(0, (end_ms + 3'599'999) / 3'600'000));
  for (auto* s : {&d.vcpu, &d.memory_gib, &d.pods, &d.arrivals}) s->resize(hours, 0.0);
  if (classes) {
    classes->clear();
    for (auto& [name, p] : profiles) {
      p.name = name;
      for (const auto& [shape, n] : shapes[name]) p.shapes.push_back(PodShape{shape.first, shape.second, n});
      std::stable_sort(p.shapes.begin(), p.shapes.end(), [](const PodShape& a, const PodShape& b) { return a.pods > b.pods; });
      std::sort(p.lifetimes_s.begin(), p.lifetimes_s.end());
      classes->push_back(std::move(p));
    }
    std::stable_sort(classes->begin(), classes->end(),
                     [](const ClassProfile& a, const ClassProfile& b) { return a.vcpu_hours > b.vcpu_hours; });
  }
  return d;
}

}  // namespace capsim::forecast

namespace capsim::forecast {
namespace {

enum class MetricKind { none, cpu, memory, pods };

MetricKind kind_of(const spec::MetricSeries& s) {
  const std::string& name = s.label("__name__");
  const std::string& resource = s.label("resource");
  if (name == "kube_pod_container_resource_requests" || (name.empty() && !resource.empty())) {
    if (resource == "cpu") return MetricKind::cpu;
    if (resource == "memory") return MetricKind::memory;
    return MetricKind::none;
  }
  if (name == "kube_pod_container_resource_requests_cpu_cores") return MetricKind::cpu;
  if (name == "kube_pod_container_resource_requests_memory_bytes") return MetricKind::memory;
  if (name == "kube_pod_info") return MetricKind::pods;
  if (name == "kube_pod_status_phase") {
    const std::string& phase = s.label("phase");
    return phase == "Pending" || phase == "Running" ? MetricKind::pods : MetricKind::none;
  }
  return MetricKind::none;
}

std::string pod_key(const spec::MetricSeries& s) {
  if (!s.label("uid").empty()) return s.label("uid");
  if (s.label("pod").empty()) return {};
  return s.label("namespace") + "/" + s.label("pod");
}

}  // namespace

DemandSeries demand_from_metrics(const std::vector<spec::MetricSeries>& series) {
  // Per step (unix ms): the sums of each kind, and the pods seen in request series.
  struct Step {
    double cpu{0}, gib{0}, pods{0};
    std::vector<const std::string*> request_pods;
  };
  std::map<std::int64_t, Step> steps;
  bool have[4] = {false, false, false, false};
  std::map<std::string, std::int64_t> first_seen;  // pod -> its first sample
  std::vector<std::string> keys(series.size());
  for (std::size_t i = 0; i < series.size(); ++i) {
    const auto& s = series[i];
    const MetricKind k = kind_of(s);
    if (k == MetricKind::none) continue;
    have[static_cast<int>(k)] = true;
    keys[i] = pod_key(s);
    for (const auto& [t, v] : s.samples) {
      Step& st = steps[t];
      if (k == MetricKind::cpu) st.cpu += v;
      else if (k == MetricKind::memory) st.gib += v / (1024.0 * 1024.0 * 1024.0);
      else st.pods += v;
      if (!keys[i].empty()) {
        if (k != MetricKind::pods) st.request_pods.push_back(&keys[i]);
        auto [it, fresh] = first_seen.emplace(keys[i], t);
        if (!fresh) it->second = std::min(it->second, t);
      }
    }
  }
  if (steps.empty())
    throw InputError({Diagnostic{"", 0, 0, Severity::error, "",
                                 "no kube_pod_container_resource_requests, kube_pod_info or kube_pod_status_phase samples "
                                 "in the Prometheus export"}});
  const bool pods_from_requests = !have[static_cast<int>(MetricKind::pods)] && !first_seen.empty();
  const std::int64_t h0 = steps.begin()->first / 3'600'000;
  const auto hours = static_cast<std::size_t>(steps.rbegin()->first / 3'600'000 - h0 + 1);
  std::vector<double> cpu(hours, 0), gib(hours, 0), pods(hours, 0), arrivals(hours, 0);
  std::vector<int> n(hours, 0);
  for (auto& [t, st] : steps) {
    const auto h = static_cast<std::size_t>(t / 3'600'000 - h0);
    cpu[h] += st.cpu;
    gib[h] += st.gib;
    if (pods_from_requests) {
      std::sort(st.request_pods.begin(), st.request_pods.end(), [](auto* a, auto* b) { return *a < *b; });
      pods[h] += static_cast<double>(std::unique(st.request_pods.begin(), st.request_pods.end(),
                                                 [](auto* a, auto* b) { return *a == *b; }) -
                                     st.request_pods.begin());
    } else {
      pods[h] += st.pods;
    }
    ++n[h];
  }
  for (std::size_t h = 0; h < hours; ++h) {
    if (n[h] > 0) {
      cpu[h] /= n[h];
      gib[h] /= n[h];
      pods[h] /= n[h];
    } else {  // a gap in the export: the hour before
      cpu[h] = cpu[h - 1];
      gib[h] = gib[h - 1];
      pods[h] = pods[h - 1];
    }
  }
  const std::int64_t start = steps.begin()->first;
  for (const auto& [pod, t] : first_seen)
    if (t > start) arrivals[static_cast<std::size_t>(t / 3'600'000 - h0)] += 1;
  DemandSeries d;
  if (have[static_cast<int>(MetricKind::cpu)]) d.vcpu = std::move(cpu);
  if (have[static_cast<int>(MetricKind::memory)]) d.memory_gib = std::move(gib);
  if (have[static_cast<int>(MetricKind::pods)] || pods_from_requests) d.pods = std::move(pods);
  if (!first_seen.empty()) d.arrivals = std::move(arrivals);
  return d;
}

}  // namespace capsim::forecast
