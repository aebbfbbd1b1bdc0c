#include "capsim/workload/trace_generator.hpp"

#include <algorithm>
#include <cmath>

#include "capsim/core/diagnostic.hpp"

namespace capsim::workload {
namespace {

constexpr std::int64_t k_minute_ms = 60'000;
constexpr std::int64_t k_day_ms = 24 * 3'600'000LL;
constexpr double k_pi = 3.14159265358979323846;
constexpr std::int64_t k_cpu_step_milli = 50;                      // requests are multiples of 50m
constexpr std::int64_t k_memory_step_bytes = 64LL * 1024 * 1024;   // and of 64Mi
constexpr std::int64_t k_min_lifetime_ms = 1'000;

// Log-uniform in [lo, hi], rounded to a multiple of `step` and kept within [lo, hi].
std::int64_t log_uniform(Rng& rng, std::int64_t lo, std::int64_t hi, std::int64_t step) {
  if (hi <= lo) return lo;
  const double x = std::exp(std::log(static_cast<double>(lo)) +
                            rng.uniform01() * (std::log(static_cast<double>(hi)) - std::log(static_cast<double>(lo))));
  const std::int64_t rounded = static_cast<std::int64_t>(std::llround(x / static_cast<double>(step))) * step;
  return std::clamp(rounded, lo, hi);
}

}  // namespace

double TraceGenerator::rate(const spec::TraceGeneratorSpec& s, Duration t) {
  const std::int64_t day = t.ms / k_day_ms;
  const double phase = static_cast<double>((t.ms - s.diurnal_peak.ms) % k_day_ms) / static_cast<double>(k_day_ms);
  double r = 1.0 + s.diurnal_amplitude * std::cos(2.0 * k_pi * phase);
  if (day % 7 >= 5) r *= s.weekend_factor;  // day 0 is a Monday
  return r;
}

TraceGenerator::TraceGenerator(spec::TraceGeneratorSpec spec)
    : m_spec(std::move(spec)),
      m_arrivals(m_spec.seed, "trace-generator/arrivals"),
      m_lifetimes(m_spec.seed, "trace-generator/lifetimes"),
      m_owner_choice(m_spec.seed, "trace-generator/owner-choice") {
  if (auto e = spec::check_trace_generator(m_spec))
    throw InputError({Diagnostic{"", 0, 0, Severity::error, "generate." + e->key, e->message}});
  // The cumulative rate at every minute boundary; the rate is taken constant within a minute (its
  // value at the minute's midpoint), so the inverse below is exact.
  const std::int64_t total = m_spec.duration.ms;
  m_cumulative.push_back(0.0);
  for (std::int64_t start = 0; start < total; start += k_minute_ms) {
    const std::int64_t len = std::min(k_minute_ms, total - start);
    m_cumulative.push_back(m_cumulative.back() + rate(m_spec, Duration{start + len / 2}) * static_cast<double>(len));
  }
  if (m_cumulative.back() <= 0.0 && m_spec.pods > m_spec.initial_pods)
    throw InputError({Diagnostic{"", 0, 0, Severity::error, "generate",
                                 "the arrival rate is zero over the whole duration (weekendFactor 0 on a weekend-only trace?)"}});
  // Owners: names, request shapes and Zipf weights.
  Rng shapes(m_spec.seed, "trace-generator/owners");
  const int width = static_cast<int>(std::to_string(m_spec.owners).size());
  double sum = 0;
  for (int k = 1; k <= m_spec.owners; ++k) {
    std::string idx = std::to_string(k);
    Owner o;
    o.name = "app-" + std::string(static_cast<std::size_t>(width) - idx.size(), '0') + idx;
    o.requests.set(Resource::cpu, Quantity::from_milli(log_uniform(shapes, m_spec.cpu_min.milli, m_spec.cpu_max.milli, k_cpu_step_milli)));
    const std::int64_t mem = log_uniform(shapes, m_spec.memory_min.milli / 1000, m_spec.memory_max.milli / 1000, k_memory_step_bytes);
    o.requests.set(Resource::memory, Quantity::from_milli(mem * 1000));
    m_owners.push_back(std::move(o));
    sum += std::pow(static_cast<double>(k), -m_spec.owner_skew);
    m_owner_cdf.push_back(sum);
  }
  for (auto& c : m_owner_cdf) c /= sum;
  m_owner_cdf.back() = 1.0;
}

// The next of `pods` sorted arrival times: the k-th order statistic of N uniforms drawn in
// ascending order (U_k = 1 - (1 - U_{k-1}) V^(1/(N-k+1))), mapped through the inverse of the
// cumulative rate.
std::int64_t TraceGenerator::next_arrival_ms() {
  const double remaining = static_cast<double>(m_spec.pods - static_cast<std::int64_t>(m_created));
  const double v = 1.0 - m_arrivals.uniform01();  // (0, 1]
  m_last_u = 1.0 - (1.0 - m_last_u) * std::pow(v, 1.0 / remaining);
  const double target = m_last_u * m_cumulative.back();
  while (m_minute + 2 < m_cumulative.size() && m_cumulative[m_minute + 1] <= target) ++m_minute;
  const double width = m_cumulative[m_minute + 1] - m_cumulative[m_minute];
  const std::int64_t start = static_cast<std::int64_t>(m_minute) * k_minute_ms;
  const std::int64_t len = std::min(k_minute_ms, m_spec.duration.ms - start);
  std::int64_t at = start;
  if (width > 0) at += static_cast<std::int64_t>(std::floor((target - m_cumulative[m_minute]) / width * static_cast<double>(len)));
  return std::clamp<std::int64_t>(at, start, start + len - 1);
}

std::string TraceGenerator::pod_name(std::uint32_t owner, std::uint64_t pod) const {
  return m_owners[owner].name + "-" + std::to_string(pod);
}

std::optional<spec::TraceEvent> TraceGenerator::next() {
  if (!m_pending_arrival && m_created < static_cast<std::uint64_t>(m_spec.pods))
    m_pending_arrival = m_created < static_cast<std::uint64_t>(m_spec.initial_pods) ? 0 : next_arrival_ms();
  const bool deletion_first =
      !m_deletions.empty() && (!m_pending_arrival || m_deletions.top().at_ms <= *m_pending_arrival);
  spec::TraceEvent e;
  e.namespace_ = m_spec.namespace_;
  if (deletion_first) {
    const Deletion d = m_deletions.top();
    m_deletions.pop();
    e.at = Duration{d.at_ms};
    e.kind = spec::TraceEventKind::del;
    e.pod = pod_name(d.owner, d.pod);
    return e;
  }
  if (!m_pending_arrival) return std::nullopt;
  const std::int64_t at = *m_pending_arrival;
  m_pending_arrival.reset();
  const std::uint64_t index = m_created++;
  const double u = m_owner_choice.uniform01();
  const auto owner = static_cast<std::uint32_t>(std::upper_bound(m_owner_cdf.begin(), m_owner_cdf.end(), u) - m_owner_cdf.begin());
  const Owner& o = m_owners[std::min<std::size_t>(owner, m_owners.size() - 1)];
  e.at = Duration{at};
  e.kind = spec::TraceEventKind::create;
  e.pod = pod_name(owner, index);
  e.requests = o.requests;
  e.labels["app"] = o.name;
  e.owner = "ReplicaSet/" + o.name;
  const std::int64_t life = std::max<std::int64_t>(
      k_min_lifetime_ms, std::llround(m_lifetimes.exponential(static_cast<double>(m_spec.mean_lifetime.ms))));
  if (at + life < m_spec.duration.ms) m_deletions.push(Deletion{at + life, index, owner});
  return e;
}

}  // namespace capsim::workload
