// The YAML scenario loader: a multi-document scenario file (a capsim Scenario document plus real
// Karpenter, workload, PodDisruptionBudget and PriorityClass manifests, inline or by file
// reference) -> spec::Scenario, with Karpenter's webhook defaults and validation applied.
// Every problem of a run is collected as a Diagnostic with file:line:col and key path; on any
// error the loader throws InputError carrying all of them (at most 50). Manifest fields are checked
// strictly against the upstream schemas (an unknown field is an error); fields it does not read
// are sorted into Scenario::not_modelled and Scenario::ignored. docs/scenario-format.md is the user-facing description.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::io {

// At most this many errors are reported by one load; the rest are dropped.
inline constexpr std::size_t k_max_scenario_errors = 50;

struct LoadOptions {
  // Unknown manifest fields become not-modelled notes instead of errors (--lenient; the Scenario
  // document's spec.strict: false does the same).
  bool lenient{false};
};

// Reads and loads `path`. Files named in the Scenario document's `manifests` and trace replays
// are resolved relative to the directory of `path`. Throws InputError.
spec::Scenario load_scenario(const std::string& path, const catalog::Catalog& cat, const LoadOptions& opts = {});

// Loads scenario text; `file_name` is used in diagnostics and as the base for relative paths.
// Throws InputError.
spec::Scenario load_scenario_text(std::string_view text, const std::string& file_name, const catalog::Catalog& cat,
                                  const LoadOptions& opts = {});

// What a YAML file holds, read without loading it: a capsim Scenario document (and the manifest
// files its spec.manifests names, resolved as the loader resolves them), a Sweep, or neither
// (manifests only). `capsim check DIR` runs the scenario files and passes over the rest. A file
// that cannot be read or parsed is `unreadable`: loading it says why.
struct ScenarioFileScan {
  enum class Kind : std::uint8_t { scenario, sweep, other, unreadable };
  Kind kind{Kind::unreadable};
  std::vector<std::string> manifests{};
};
ScenarioFileScan scan_scenario_file(const std::string& path);

}  // namespace capsim::io
