#include "capsim/spec/sweep.hpp"

#include <cmath>
#include <cstdio>

namespace capsim::spec {

std::string_view to_string(SweepMethod m) {
  switch (m) {
    case SweepMethod::grid: return "grid";
    case SweepMethod::random: return "random";
    case SweepMethod::lhs: return "lhs";
  }
  return "grid";
}

std::string sweep_range_value(const SweepRange& r, double u) {
  const double v = r.log ? std::exp(std::log(r.low) + u * (std::log(r.high) - std::log(r.low))) : r.low + u * (r.high - r.low);
  switch (r.kind) {
    case SweepRange::Kind::integer: return std::to_string(std::llround(v));
    case SweepRange::Kind::duration: return std::to_string(std::llround(v)) + "s";
    case SweepRange::Kind::number: break;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace capsim::spec
