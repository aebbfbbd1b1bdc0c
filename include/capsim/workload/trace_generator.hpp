// Synthetic pod-event traces (spec::TraceGeneratorSpec): a streaming spec::TraceSource that makes
// exactly `pods` creations over the duration with the diurnal / weekly arrival shape, and the
// deletion of each pod an exponential lifetime later (pods outliving the duration are never
// deleted). Memory is O(live pods + owners + minutes of the duration), whatever the pod count.
#pragma once

#include <cstdint>
#include <queue>
#include <string>
#include <vector>

#include "capsim/core/rng.hpp"
#include "capsim/spec/trace.hpp"

namespace capsim::workload {

class TraceGenerator final : public spec::TraceSource {
 public:
  // Throws InputError (no location) when spec::check_trace_generator finds a problem, or the
  // arrival rate is zero over the whole duration.
  explicit TraceGenerator(spec::TraceGeneratorSpec spec);
  std::optional<spec::TraceEvent> next() override;

  // Relative arrival rate at offset t (mean over a week of 1 for the default shape's weekdays).
  static double rate(const spec::TraceGeneratorSpec& spec, Duration t);

 private:
  struct Owner {
    std::string name;
    ResourceList requests;
  };
  struct Deletion {
    std::int64_t at_ms;
    std::uint64_t pod;  // creation index
    std::uint32_t owner;
    bool operator>(const Deletion& o) const { return at_ms != o.at_ms ? at_ms > o.at_ms : pod > o.pod; }
  };
  std::int64_t next_arrival_ms();
  std::string pod_name(std::uint32_t owner, std::uint64_t pod) const;

  spec::TraceGeneratorSpec m_spec;
  std::vector<Owner> m_owners;
  std::vector<double> m_owner_cdf;       // cumulative owner weights, last = 1
  std::vector<double> m_cumulative;      // integral of the rate at each minute boundary
  Rng m_arrivals, m_lifetimes, m_owner_choice;
  std::uint64_t m_created{0};
  double m_last_u{0.0};                  // the previous sorted uniform (order statistic)
  std::size_t m_minute{0};               // search position in m_cumulative (monotonic)
  std::optional<std::int64_t> m_pending_arrival;
  std::priority_queue<Deletion, std::vector<Deletion>, std::greater<>> m_deletions;
};

}  // namespace capsim::workload
