// libFuzzer harness: the Kubernetes audit log reader (format k8s-audit, docs/trace-format.md).
#include "fuzz_trace_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  capsim::fuzz::read_trace(data, size, "fuzz.log", capsim::io::TraceFormat::k8s_audit);
  return 0;
}
