// The capsim command line: subcommands run, compare, validate, catalog; exit codes 0 (ok), 1 (an
// expectation failed), 2 (bad input), 3 (internal error).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace capsim::cli {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_expectation_failed = 1;
inline constexpr int k_exit_input_error = 2;
inline constexpr int k_exit_internal_error = 3;

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace capsim::cli
