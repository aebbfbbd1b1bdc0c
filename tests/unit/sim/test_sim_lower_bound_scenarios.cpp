// The lower bound bounds: every scenario in scenarios/, compared with `lower-bound` added, costs
// each autoscaler at least the bound. The bound prices every pod as running from its creation, so
// it bounds exactly the autoscalers that serve the workload. Checked for every autoscaler the
// scenario lists (they serve it; their few seconds of pod wait are more than paid for by whole
// nodes and DaemonSet overhead), and for the static cluster when none of its pods ever waited
// (then its nodes covered the demand at every instant). A static cluster that leaves pods pending
// can cost less than the bound: it does not run the workload.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "capsim/io/sweep_loader.hpp"
#include "capsim/io/trace_reader.hpp"
#include "capsim/report/json_result.hpp"
#include "capsim/sim/simulation.hpp"

using namespace capsim;

TEST_CASE("lower bound: every autoscaler costs at least the bound on every scenario", "[sim][lower-bound][scenarios]") {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CAPSIM_SOURCE_DIR) + "/scenarios"))
    if (e.path().extension() == ".yaml" && !io::is_sweep_file(e.path().string())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  auto cat = catalog::Catalog::embedded();
  sim::SimOptions opts;
  opts.catalog = cat;
  opts.open_trace = io::open_replay_trace;
  for (const auto& f : files) {
    spec::Scenario s = io::load_scenario(f.string(), *cat);
    sim::RunResult run = sim::compare_scenario(s, opts);
    auto lb = std::find_if(run.results.begin(), run.results.end(), [](const auto& r) { return r.autoscaler == "lower-bound"; });
    REQUIRE(lb != run.results.end());
    CHECK(lb->summary.cost.nano_usd > 0);
    for (const auto& r : run.results) {
      if (r.autoscaler == "lower-bound") continue;
      const bool listed = std::find(s.autoscalers.begin(), s.autoscalers.end(), r.autoscaler) != s.autoscalers.end();
      const bool served_at_once = r.summary.pod_pending_max_s == 0.0;
      INFO(f.filename().string() << " " << r.autoscaler << ": cost " << report::usd_6(r.summary.cost) << " vs bound "
                                 << report::usd_6(lb->summary.cost));
      REQUIRE(r.summary.cost_ratio_to_lower_bound);
      if (listed || served_at_once) {
        CHECK(r.summary.cost >= lb->summary.cost);
        CHECK(*r.summary.cost_ratio_to_lower_bound >= 1.0);
      }
    }
  }
}
