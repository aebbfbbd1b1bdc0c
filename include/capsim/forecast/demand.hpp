// Demand history for forecasts: hourly series derived from a pod-event trace - the time-averaged
// requested vCPU, memory and live pods in each hour, and the pods created in it (the series
// kube-state-metrics' kube_pod_container_resource_requests would give, summed).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "capsim/core/time.hpp"
#include "capsim/spec/trace.hpp"

namespace capsim::forecast {

struct DemandSeries {
  std::vector<double> vcpu;        // requested vCPU, averaged over each hour
  std::vector<double> memory_gib;  // requested memory (GiB), averaged over each hour
  std::vector<double> pods;        // live pods, averaged over each hour
  std::vector<double> arrivals;    // pods created in each hour
  std::size_t hours() const { return vcpu.size(); }
  // The series named "vcpu", "memory", "pods" or "arrivals" (anything else: vcpu).
  const std::vector<double>& named(std::string_view series) const {
    return series == "memory" ? memory_gib : series == "pods" ? pods : series == "arrivals" ? arrivals : vcpu;
  }
};

// Every event of `src`; hour 0 starts at the trace start. The series ends at `end` (rounded up to
// whole hours), or by default at the last event's hour; pods still alive then count until the end.
DemandSeries demand_from_trace(spec::TraceSource& src, std::optional<Duration> end = std::nullopt);

}  // namespace capsim::forecast
