// Kubernetes API audit logs as a pod-event trace (`capsim import audit`, or a scenario replay with
// `format: k8s-audit`): audit.k8s.io/v1 Event objects, one JSON per line, as the API server's log
// backend and a CloudWatch Logs export write them. Streamed with a bounded reorder buffer.
//
// Used (ResponseComplete stage, 2xx response):
//   create pods              -> create: the pod from responseObject (else requestObject): requests
//                               (containers, init containers, sidecars, overhead; limits stand in
//                               for missing requests), labels, nodeSelector, tolerations, the
//                               controller owner as Kind/name, spec.priority
//   delete pods              -> delete, matched to the created pod by namespace/name and uid
//   create pods/eviction     -> delete (an evicted pod goes; its controller's replacement is the
//                               log's own create)
// Skipped, counted by reason: other stages, failed requests, pod reads, updates, bindings and
// status, deletes of pods the log did not create (they existed before it started), workload
// scale/patch (their pods' creates and deletes are what the replay uses), other resources.
// Times: stageTimestamp, as offsets from the earliest event used. Lines up to `reorder_window`
// out of order (several API servers) are put in order; later ones are moved to the last time
// written, counted.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "capsim/core/time.hpp"
#include "capsim/io/trace_reader.hpp"

namespace capsim::io {

struct AuditCounts {
  std::int64_t lines{0};
  std::int64_t creates{0};
  std::int64_t deletes{0};
  std::map<std::string, std::int64_t> skipped;  // reason -> events
  std::int64_t reordered{0};                     // moved later (beyond the reorder window)
  std::int64_t origin_unix_ms{0};                // wall time of trace time 0
};

class AuditReader : public TraceReader {
 public:
  using TraceReader::TraceReader;
  virtual const AuditCounts& counts() const = 0;
};

std::unique_ptr<AuditReader> open_audit_log(std::unique_ptr<std::istream> in, const std::string& name,
                                            Duration reorder_window = Duration::seconds(10));

// A reader that skips up to `max_bad` malformed records of `inner` (each a warning with its
// location), then fails on the next one with every skipped record's location listed. For the
// line-streamed formats (csv, jsonl, alibaba-openb, k8s-audit): a bad record is consumed before
// the inner reader reports it.
std::unique_ptr<TraceReader> skip_bad_records(std::unique_ptr<TraceReader> inner, int max_bad);

}  // namespace capsim::io
