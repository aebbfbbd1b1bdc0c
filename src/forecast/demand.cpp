#include "capsim/forecast/demand.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

namespace capsim::forecast {
namespace {

constexpr double k_hour_ms = 3'600'000.0;

struct Live {
  double vcpu, gib;
  std::int64_t from_ms;
};

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

DemandSeries demand_from_trace(spec::TraceSource& src, std::optional<Duration> end) {
  std::unordered_map<std::string, Live> live;
  DemandSeries d;
  std::int64_t last_ms = 0;
  auto close = [&](const Live& l, std::int64_t to_ms) {
    add_interval(d.vcpu, l.vcpu, l.from_ms, to_ms);
    add_interval(d.memory_gib, l.gib, l.from_ms, to_ms);
    add_interval(d.pods, 1.0, l.from_ms, to_ms);
  };
  while (auto ev = src.next()) {
    const std::int64_t at = ev->at.ms;
    last_ms = std::max(last_ms, at);
    const std::string key = ev->namespace_ + "/" + ev->pod;
    if (ev->kind == spec::TraceEventKind::create) {
      Live l{static_cast<double>(ev->requests.get(Resource::cpu).milli) / 1000.0,
             static_cast<double>(ev->requests.get(Resource::memory).milli) / 1000.0 / (1024.0 * 1024.0 * 1024.0), at};
      const auto h = static_cast<std::size_t>(at / 3'600'000);
      if (d.arrivals.size() <= h) d.arrivals.resize(h + 1, 0.0);
      d.arrivals[h] += 1;
      live[key] = l;
    } else if (auto it = live.find(key); it != live.end()) {
      close(it->second, at);
      live.erase(it);
    }
  }
  const std::int64_t end_ms = end ? end->ms : static_cast<std::int64_t>(std::ceil(static_cast<double>(last_ms) / k_hour_ms) * k_hour_ms);
  std::vector<std::pair<std::string, Live>> rest(live.begin(), live.end());
  std::sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) { return a.first < b.first; });  // a fixed summation order
  for (const auto& [key, l] : rest) close(l, end_ms);
  const auto hours = static_cast<std::size_t>(std::max<std::int64_t>(0, (end_ms + 3'599'999) / 3'600'000));
  for (auto* s : {&d.vcpu, &d.memory_gib, &d.pods, &d.arrivals}) s->resize(hours, 0.0);
  return d;
}

}  // namespace capsim::forecast
