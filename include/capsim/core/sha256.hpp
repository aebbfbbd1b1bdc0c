// SHA-256 (FIPS 180-4) of a byte string, as 64 lower-case hex digits: content ids that must not
// collide (a sweep's id over its canonical plan and input files).
#pragma once

#include <string>
#include <string_view>

namespace capsim {

std::string sha256_hex(std::string_view data);

}  // namespace capsim
