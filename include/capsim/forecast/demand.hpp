// Demand history for forecasts: hourly series derived from a pod-event trace - the time-averaged
// requested vCPU, memory and live pods in each hour, and the pods created in it (the series
// kube-state-metrics' kube_pod_container_resource_requests would give, summed).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/time.hpp"
#include "capsim/spec/metrics.hpp"
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

// A workload class (a trace's owner, e.g. "ReplicaSet/app_0"; "(none)" for bare pods): its pods'
// shapes and lifetimes as the trace shows them - the empirical distributions to draw future pods
// from.
struct PodShape {
  double vcpu{0}, memory_gib{0};
  std::size_t pods{0};
};
struct ClassProfile {
  std::string name;
  std::size_t pods{0};                 // created in the trace
  double vcpu_hours{0};                // requested, over the trace
  std::vector<PodShape> shapes;        // distinct (vCPU, GiB), most pods first (ties by size)
  std::vector<double> lifetimes_s;     // of the pods deleted in the trace, ascending
  std::size_t still_running{0};        // created but not deleted by the end (censored lifetimes)
};

// Every event of `src`; hour 0 starts at the trace start. The series ends at `end` (rounded up to
// whole hours), or by default at the last event's hour; pods still alive then count until the end.
// With `only_class`, just that class's pods; with `classes`, every class's profile, most requested
// vCPU-hours first (ties by name).
DemandSeries demand_from_trace(spec::TraceSource& src, std::optional<Duration> end = std::nullopt,
                               const std::string* only_class = nullptr, std::vector<ClassProfile>* classes = nullptr);

// From Prometheus range-query series as kube-state-metrics names them (docs/forecast.md, "Demand
// from Prometheus"): kube_pod_container_resource_requests{resource="cpu"|"memory"} (or KSM v1's
// ..._cpu_cores / ..._memory_bytes, or a `sum by (resource)` of them), and live pods from
// kube_pod_info or kube_pod_status_phase{phase="Pending"|"Running"} - else from the distinct pods
// of the request series. At each query step a series without a sample contributes nothing; each
// hour (UTC, hour 0 the first sample's) is the mean over the steps in it; an hour without steps
// repeats the hour before. Arrivals: the pods whose first sample comes after the export's first
// step, in that hour (needs per-pod series). A series not found stays empty. Throws InputError
// when no series is a request or pod series.
DemandSeries demand_from_metrics(const std::vector<spec::MetricSeries>& series);

}  // namespace capsim::forecast
