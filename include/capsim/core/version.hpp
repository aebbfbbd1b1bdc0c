// capsim's version: printed by --version and recorded in sweep shard files (a sweep's id covers it).
#pragma once

#include <string_view>

namespace capsim {

inline constexpr std::string_view k_version = "0.1.0";

}  // namespace capsim
