// Streaming readers for the generic pod-event trace formats (docs/trace-format.md): CSV with a
// header row and JSONL, one record per line. Readers hold one record at a time, so memory stays
// bounded whatever the trace length. Malformed records throw InputError with file:line:col, where
// line is the record's 1-based line and col the 1-based byte column at which the offending field
// (CSV) or value (JSONL) starts; every bad field of the record is reported, in column order.
#pragma once

#include <cstdint>
#include <exception>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/diagnostic.hpp"
#include "capsim/core/taints.hpp"
#include "capsim/core/time.hpp"
#include "capsim/spec/scenario.hpp"
#include "capsim/spec/trace.hpp"

namespace capsim::io {

// csv / jsonl: capsim's generic formats. alibaba_openb: the Alibaba GPU 2023 openb pod list
// (cluster-trace-gpu-v2023 openb_pod_list_*.csv); alibaba_dlrm: the Alibaba GPU 2025
// disaggregated DLRM instance list (cluster-trace-gpu-v2025); both read as they are, mapped as
// docs/trace-format.md describes. k8s_audit: a Kubernetes API audit log (audit_reader.hpp).
enum class TraceFormat : std::uint8_t { auto_detect, csv, jsonl, alibaba_openb, alibaba_dlrm, k8s_audit };

// "auto", "csv", "jsonl", "alibaba-openb", "alibaba-dlrm", "k8s-audit".
std::string_view trace_format_name(TraceFormat f);
std::optional<TraceFormat> parse_trace_format(std::string_view s);
// By extension: .csv -> csv; .jsonl / .ndjson -> jsonl; anything else -> nullopt.
std::optional<TraceFormat> trace_format_for_path(std::string_view path);

// The format of a trace file told from its header, its first line that is not blank or a '#'
// comment: a CSV header with the columns time, pod and event is capsim's CSV, one with the openb or
// the DLRM list's columns that Alibaba list; a JSON object of kind Event with an audit.k8s.io
// apiVersion is a Kubernetes audit log, one with time, pod and event capsim's JSONL. Throws
// InputError at file:line:1 of that line when it is none of these, listing the formats known.
TraceFormat trace_format_from_header(const std::string& path);
// "the Alibaba GPU v2023 openb pod list", "a capsim CSV trace", ...: a format for messages.
std::string_view trace_format_title(TraceFormat f);

// A spec::TraceSource that also reports the warnings met so far (unknown CSV columns, unknown
// JSONL keys), in file order.
class TraceReader : public spec::TraceSource {
 public:
  const std::vector<Diagnostic>& warnings() const { return m_warnings; }
  // The name used in diagnostics (the path given to open_trace).
  const std::string& name() const { return m_name; }
  // 1-based number of the last line read; 0 before the first.
  int line() const { return m_line; }

 protected:
  explicit TraceReader(std::string name) : m_name(std::move(name)) {}
  std::vector<Diagnostic> m_warnings;
  std::string m_name;
  int m_line{0};
};

// Opens `path` (format by extension when auto_detect). Throws InputError when the file cannot be
// opened, the format cannot be told, or (CSV) the header row is malformed.
std::unique_ptr<TraceReader> open_trace(const std::string& path, TraceFormat fmt = TraceFormat::auto_detect);

// A scenario's replay: its path in its format (by extension when none is given). The opener
// sim::SimOptions::open_trace wants.
std::unique_ptr<spec::TraceSource> open_replay_trace(const spec::TraceReplay& replay);

// The same over any stream; `name` appears in diagnostics and chooses the format when auto_detect.
std::unique_ptr<TraceReader> open_trace_stream(std::unique_ptr<std::istream> in, const std::string& name,
                                               TraceFormat fmt);

// Building blocks, exposed for other readers and for tests.

// An nlohmann::json exception's message without its "[json.exception...] parse error at line 1,
// column 18: " prefix, as the JSON readers quote it after "invalid JSON: ".
std::string json_error_text(const std::exception& e);

// Decimal seconds ("12", "1.5", "0.001") to exact milliseconds without floating point; more than
// three decimals round half up. nullopt when not a plain non-negative decimal or out of range.
std::optional<Duration> parse_trace_seconds(std::string_view text);

// The compact toleration list of the CSV format, entries separated by ';':
//   key=value:Effect  Equal, one effect       key=value  Equal, every effect
//   key:Effect        Exists, one effect      key        Exists, every effect
//   :Effect           every key, one effect   :Exists    every key and effect (also key:Exists)
// Effect is NoSchedule, PreferNoSchedule or NoExecute. Returns an error message on failure.
std::optional<std::string> parse_toleration_list(std::string_view text, std::vector<Toleration>& out);

}  // namespace capsim::io
