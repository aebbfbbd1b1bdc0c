// libFuzzer harness: core parse_quantity. Beyond not crashing, every parsed quantity must survive
// a round trip through both formatters (format_cpu and format_bytes print exact values).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "capsim/core/quantity.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto q = capsim::parse_quantity(text);
  if (!q) return 0;
  if (capsim::parse_quantity(capsim::format_cpu(*q)) != q) std::abort();
  if (capsim::parse_quantity(capsim::format_bytes(*q)) != q) std::abort();
  return 0;
}
