// The generic pod-event trace record (docs/trace-format.md) and the streaming source interface
// that trace readers (io) implement and the workload module consumes one event at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capsim/core/labels.hpp"
#include "capsim/core/resources.hpp"
#include "capsim/core/taints.hpp"
#include "capsim/core/time.hpp"

namespace capsim::spec {

enum class TraceEventKind : std::uint8_t { create, del };

struct TraceEvent {
  Duration at;  // offset from the trace start (the replay adds its own start time)
  TraceEventKind kind{TraceEventKind::create};
  std::string pod;        // unique pod name within the trace
  std::string namespace_; // default "default"
  ResourceList requests;  // create only; cpu/memory/extended, "pods: 1" is implied
  Labels labels;
  std::map<std::string, std::string> node_selector;
  std::vector<Toleration> tolerations;
  std::string owner;  // e.g. "ReplicaSet/web-7d9f"; empty for bare pods
  int priority{0};
  int line{0};  // 1-based line of the record in the trace file (0 = unknown), for diagnostics
};

// A synthetic workload (`capsim generate trace`, or a scenario replay's `generate:`): `pods` pod
// creations spread over `duration` with a diurnal and weekly rate shape, each pod living an
// exponentially distributed time, owned by one of `owners` ReplicaSets whose pods all request the
// same CPU and memory (log-uniform in the given ranges). Every choice comes from named streams of
// `seed`, so the same parameters give the same trace byte for byte.
struct TraceGeneratorSpec {
  std::int64_t pods{10'000};
  // Of `pods`, how many already exist at t = 0 (a warm cluster; their lifetimes are exponential
  // too, the memoryless residual of pods created earlier). The rest arrive over the duration.
  std::int64_t initial_pods{0};
  Duration duration{Duration::hours(24)};
  std::uint64_t seed{1};
  Duration mean_lifetime{Duration::hours(7)};
  // Arrival rate shape: 1 + amplitude x cos(2 pi (t - peak) / 24h), times weekend_factor on
  // Saturdays and Sundays (t = 0 is a Monday 00:00).
  double diurnal_amplitude{0.5};
  Duration diurnal_peak{Duration::hours(14)};
  double weekend_factor{0.6};
  Quantity cpu_min{Quantity::from_milli(100)};
  Quantity cpu_max{Quantity::from_units(2)};
  Quantity memory_min{Quantity::from_mib(256)};
  Quantity memory_max{Quantity::from_mib(4096)};
  int owners{50};
  double owner_skew{1.0};  // owner k (1-based) is chosen with weight 1 / k^owner_skew
  std::string namespace_{"default"};
};

// The first out-of-range parameter of a generator spec: its scenario key (camelCase, as in a
// replay's `generate:`) and the message, e.g. {"owners", "expected an integer from 1 to 1000000, got 0"}.
struct GeneratorProblem {
  std::string key;
  std::string message;
};
std::optional<GeneratorProblem> check_trace_generator(const TraceGeneratorSpec& spec);

// Yields events in non-decreasing `at` order; a reader reports out-of-order or malformed rows as
// InputError with file:line.
class TraceSource {
 public:
  virtual ~TraceSource() = default;
  virtual std::optional<TraceEvent> next() = 0;
};

// Events already in memory, in order (a scenario run's pods, a forecast's sampled workload);
// several sources may read one list.
class EventListSource final : public TraceSource {
 public:
  explicit EventListSource(std::shared_ptr<const std::vector<TraceEvent>> events) : m_events(std::move(events)) {}
  std::optional<TraceEvent> next() override {
    if (m_next == m_events->size()) return std::nullopt;
    return (*m_events)[m_next++];
  }

 private:
  std::shared_ptr<const std::vector<TraceEvent>> m_events;
  std::size_t m_next{0};
};

}  // namespace capsim::spec
