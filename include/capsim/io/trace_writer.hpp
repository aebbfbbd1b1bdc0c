// Writing pod-event traces in the generic formats (docs/trace-format.md), one record at a time,
// so that `capsim generate trace` streams and whatever a writer emits reads back unchanged.
#pragma once

#include <string>

#include "capsim/io/trace_reader.hpp"
#include "capsim/spec/trace.hpp"

namespace capsim::io {

// The CSV header row (with its newline); JSONL has none.
std::string trace_header(TraceFormat fmt);
// One record (with its newline) appended to `out`. `fmt` is csv or jsonl.
void append_trace_record(std::string& out, const spec::TraceEvent& e, TraceFormat fmt);
// Seconds with at most three decimals, trailing zeros dropped: 1500 ms -> "1.5".
std::string format_trace_seconds(Duration d);

}  // namespace capsim::io
