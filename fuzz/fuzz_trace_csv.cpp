// libFuzzer harness: the CSV pod-event trace reader (docs/trace-format.md).
#include "fuzz_trace_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  capsim::fuzz::read_trace(data, size, "fuzz.csv", capsim::io::TraceFormat::csv);
  return 0;
}
