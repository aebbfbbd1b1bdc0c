// Access to the instance-catalog/ files compiled into capsim_catalog. The definition is generated
// at build time by cmake/embed.cmake (capsim_embedded_catalog.cpp in the build directory).
#pragma once

#include <string_view>

namespace capsim::catalog::detail {

// The bytes of instance-catalog/<name> ("instance-types.csv", "prices.csv", "regions.csv",
// "PROVENANCE.md"); empty for any other name.
std::string_view embedded_file(std::string_view name);

}  // namespace capsim::catalog::detail
