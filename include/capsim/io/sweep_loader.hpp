// The sweep loader: a `kind: Sweep` file (docs/sweep-format.md) -> spec::SweepSpec, and parameter
// paths applied to the base scenario's documents. Loading validates everything a run needs before
// any run starts: the file's structure, that the base scenario loads, that every parameter path
// resolves in it, and that the base scenario still loads with each value (and each range end)
// set. Every problem is a Diagnostic with file:line:col; InputError carries them all.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/spec/sweep.hpp"

namespace capsim::io {

// Reads and validates `path`; the base scenario is resolved against its directory. Throws
// InputError.
spec::SweepSpec load_sweep(const std::string& path, const catalog::Catalog& cat);
// The same for sweep text; `file_name` is used in diagnostics and as the base for relative paths.
spec::SweepSpec load_sweep_text(std::string_view text, const std::string& file_name, const catalog::Catalog& cat);

// The file's first YAML document is a capsim Sweep (so `capsim check DIR` passes it over). False
// for anything unreadable or not YAML.
bool is_sweep_file(const std::string& path);

// One parameter value to set: a path (docs/sweep-format.md, e.g.
// `NodePool[default].spec.disruption.consolidateAfter`) and a value as YAML text.
struct SweepEdit {
  std::string path;
  std::string value;
};

// The base scenario text with every edit applied, in order, as YAML text (comments are not
// kept). Throws InputError (at `base_file`) when a path does not resolve.
std::string apply_sweep_edits(std::string_view base_text, const std::string& base_file, const std::vector<SweepEdit>& edits);

}  // namespace capsim::io
