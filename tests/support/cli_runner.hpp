// Runs the capsim command line in-process (capsim::cli::run) and captures its output.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "capsim/cli/cli.hpp"

namespace capsim::test {

struct CliOutput {
  int rc;
  std::string out, err;
};

// `args` without the program name, e.g. {"run", "scenario.yaml", "--format", "json"}.
inline CliOutput run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "capsim");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int rc = capsim::cli::run(static_cast<int>(argv.size()), argv.data(), out, err);
  return {rc, out.str(), err.str()};
}

}  // namespace capsim::test
