// Helpers shared by the scenario loader tests: a tiny catalog (two regions, five instance types)
// so that the tests do not depend on the generated catalog, and diagnostic accessors.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/io/scenario_loader.hpp"

namespace capsim::io::test {

inline std::shared_ptr<const catalog::Catalog> tiny_catalog() {
  static const std::shared_ptr<const catalog::Catalog> cat = [] {
    catalog::Catalog::Builder b;
    const struct {
      const char* name;
      const char* family;
      int vcpu;
      std::int64_t mib;
    } types[] = {{"m5.large", "m5", 2, 8192},
                 {"m5.xlarge", "m5", 4, 16384},
                 {"c6i.large", "c6i", 2, 4096},
                 {"c6i.xlarge", "c6i", 4, 8192},
                 {"r6i.large", "r6i", 2, 16384}};
    for (const auto& t : types) {
      catalog::InstanceTypeInfo info;
      info.name = t.name;
      info.family = t.family;
      info.category = std::string(1, t.family[0]);
      info.generation = t.family[1] - '0';
      info.size = std::string(t.name).substr(std::string(t.name).find('.') + 1);
      info.vcpu = t.vcpu;
      info.memory_mib = t.mib;
      info.arch = "amd64";
      b.add_type(info);
    }
    b.set_zones("ap-northeast-2", {"ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c", "ap-northeast-2d"});
    b.set_zones("us-east-1", {"us-east-1a", "us-east-1b", "us-east-1c"});
    for (const char* region : {"ap-northeast-2", "us-east-1"})
      for (const auto& t : types) b.set_on_demand_price(region, t.name, Money::from_usd(0.1 * t.vcpu));
    return b.build();
  }();
  return cat;
}

inline std::string fixture(const std::string& name) {
  return std::string(CAPSIM_SOURCE_DIR) + "/tests/data/scenarios/" + name;
}

// Loads text that must fail and returns every diagnostic.
inline std::vector<Diagnostic> load_errors(const std::string& text, const std::string& file = "scenarios/x.yaml") {
  try {
    (void)load_scenario_text(text, file, *tiny_catalog());
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  FAIL("the scenario loaded without errors");
  return {};
}

// The rendered diagnostics, one per element (easier to read in a failing assertion).
inline std::vector<std::string> rendered(const std::vector<Diagnostic>& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags) out.push_back(d.render());
  return out;
}

// The messages only, one per element.
inline std::vector<std::string> messages(const std::vector<Diagnostic>& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags) out.push_back(d.message);
  return out;
}

// The warnings other than the BestEffort note (tests whose pods request nothing on purpose).
inline std::vector<Diagnostic> besides_best_effort(const std::vector<Diagnostic>& warnings) {
  std::vector<Diagnostic> out;
  for (const auto& w : warnings)
    if (w.message.find("(BestEffort)") == std::string::npos) out.push_back(w);
  return out;
}

// Loads text that must fail with exactly one error; returns it rendered.
inline std::string single_error(const std::string& text, const std::string& file = "scenarios/x.yaml") {
  const auto diags = load_errors(text, file);
  INFO(Catch::Detail::stringify(rendered(diags)));
  REQUIRE(diags.size() == 1);
  return diags.front().render();
}

}  // namespace capsim::io::test
