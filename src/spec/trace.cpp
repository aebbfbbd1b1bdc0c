#include "capsim/spec/trace.hpp"

namespace capsim::spec {

std::optional<GeneratorProblem> check_trace_generator(const TraceGeneratorSpec& s) {
  auto problem = [](std::string key, std::string message) { return GeneratorProblem{std::move(key), std::move(message)}; };
  if (s.pods < 0) return problem("pods", "expected a non-negative integer, got " + std::to_string(s.pods));
  if (s.initial_pods < 0 || s.initial_pods > s.pods)
    return problem("initialPods", "expected an integer from 0 to pods (" + std::to_string(s.pods) + "), got " +
                                      std::to_string(s.initial_pods));
  if (s.duration.ms <= 0) return problem("duration", "expected a positive duration, got \"" + format_duration(s.duration) + "\"");
  if (s.mean_lifetime.ms <= 0)
    return problem("meanLifetime", "expected a positive duration, got \"" + format_duration(s.mean_lifetime) + "\"");
  if (!(s.diurnal_amplitude >= 0 && s.diurnal_amplitude <= 1))
    return problem("diurnalAmplitude", "expected a number from 0 to 1, got " + std::to_string(s.diurnal_amplitude));
  if (!(s.weekend_factor >= 0 && s.weekend_factor <= 100))
    return problem("weekendFactor", "expected a number from 0 to 100, got " + std::to_string(s.weekend_factor));
  if (s.cpu_min.milli <= 0) return problem("cpuMin", "expected a positive quantity, got \"" + format_cpu(s.cpu_min) + "\"");
  if (s.cpu_max < s.cpu_min)
    return problem("cpuMax", "expected at least cpuMin (" + format_cpu(s.cpu_min) + "), got \"" + format_cpu(s.cpu_max) + "\"");
  if (s.memory_min.milli < 1000)
    return problem("memoryMin", "expected at least one byte, got \"" + format_bytes(s.memory_min) + "\"");
  if (s.memory_max < s.memory_min)
    return problem("memoryMax", "expected at least memoryMin (" + format_bytes(s.memory_min) + "), got \"" +
                                    format_bytes(s.memory_max) + "\"");
  if (s.owners < 1 || s.owners > 1'000'000)
    return problem("owners", "expected an integer from 1 to 1000000, got " + std::to_string(s.owners));
  if (!(s.owner_skew >= 0 && s.owner_skew <= 10))
    return problem("ownerSkew", "expected a number from 0 to 10, got " + std::to_string(s.owner_skew));
  return std::nullopt;
}

}  // namespace capsim::spec
