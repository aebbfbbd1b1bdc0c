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

// Yields events in non-decreasing `at` order; a reader reports out-of-order or malformed rows as
// InputError with file:line.
class TraceSource {
 public:
  virtual ~TraceSource() = default;
  virtual std::optional<TraceEvent> next() = 0;
};

}  // namespace capsim::spec
