// Shared body of the trace reader harnesses: read every record of the input as a trace named
// `name` (the name picks nothing: the format is given). Malformed traces must end in InputError,
// as `capsim run` reports them (exit code 2); anything else is a crash for libFuzzer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "capsim/core/diagnostic.hpp"
#include "capsim/io/trace_reader.hpp"

namespace capsim::fuzz {

inline void read_trace(const std::uint8_t* data, std::size_t size, const std::string& name, io::TraceFormat fmt) {
  auto in = std::make_unique<std::istringstream>(std::string(reinterpret_cast<const char*>(data), size));
  try {
    auto reader = io::open_trace_stream(std::move(in), name, fmt);
    while (auto ev = reader->next()) (void)ev;
    for (const auto& w : reader->warnings()) (void)w.render();
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics()) (void)d.render();
  }
}

}  // namespace capsim::fuzz
