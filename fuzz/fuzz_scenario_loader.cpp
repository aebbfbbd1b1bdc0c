// libFuzzer harness: scenario text -> io::load_scenario_text against the embedded catalog.
// Bad input must end in InputError (what `capsim run`/`validate` report with exit code 2); any
// other exception escapes and libFuzzer reports it as a crash, like ASan/UBSan findings.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "capsim/catalog/catalog.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/io/scenario_loader.hpp"

namespace {

const capsim::catalog::Catalog& catalog() {
  static const std::shared_ptr<const capsim::catalog::Catalog> k_cat = capsim::catalog::Catalog::embedded();
  return *k_cat;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // A directory that does not exist, so relative manifest and trace references resolve to
  // missing files (a located error) instead of whatever the fuzzer's working directory holds.
  static const std::string k_file = "/nonexistent-capsim-fuzz/scenario.yaml";
  try {
    const capsim::spec::Scenario sc = capsim::io::load_scenario_text(text, k_file, catalog());
    (void)sc;
  } catch (const capsim::InputError& e) {
    for (const auto& d : e.diagnostics()) (void)d.render();
  }
  return 0;
}
