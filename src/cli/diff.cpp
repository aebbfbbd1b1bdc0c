// `capsim diff BASE HEAD`: each side a result.json, a --out directory, or a scenario file that is
// run here; printed by report::result_diff.
#include <filesystem>

#include "cli_detail.hpp"
#include "capsim/cli/cli.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/report/atomic_write.hpp"
#include "capsim/report/decision_log.hpp"
#include "capsim/report/json_result.hpp"
#include "capsim/report/result_diff.hpp"

namespace capsim::cli::detail {

namespace {

namespace fs = std::filesystem;

report::DiffSide side(const std::string& path, const Common& common, std::ostream& err) {
  report::DiffSide s;
  s.label = path;
  const fs::path p(path);
  const std::string ext = p.extension().string();
  std::error_code ec;
  if (ext == ".yaml" || ext == ".yml") {
    auto cat = load_catalog(common);
    spec::Scenario scenario = load(path, *cat, common.lenient);
    print_input_notes(scenario, common, err, /*not_modelled=*/true);
    const sim::RunResult run = sim::run_scenario(scenario, sim_options(cat, common, /*keep_decisions=*/true));
    s.result = report::result_json(run);
    s.decisions_jsonl = report::decision_log_jsonl(run);
    return s;
  }
  fs::path result_file = p;
  if (fs::is_directory(p, ec)) result_file = p / "result.json";
  if (!fs::is_regular_file(result_file, ec))
    throw InputError({Diagnostic{result_file.string(), 0, 0, Severity::error, "",
                                 "expected a result.json, a --out directory or a scenario file; no such file"}});
  s.result = nlohmann::json::parse(read_text(result_file.string()), nullptr, /*allow_exceptions=*/false);
  if (!s.result.is_object() || !s.result.contains("results"))
    throw InputError({Diagnostic{result_file.string(), 0, 0, Severity::error, "", "not a capsim result.json"}});
  const fs::path decisions = result_file.parent_path() / "decisions.jsonl";
  if (fs::is_regular_file(decisions, ec)) s.decisions_jsonl = read_text(decisions.string());
  return s;
}

}  // namespace

int cmd_diff(const DiffOptions& o, const Common& common, std::ostream& out, std::ostream& err) {
  const report::DiffSide base = side(o.base, common, err);
  const report::DiffSide head = side(o.head, common, err);
  const report::DiffFormat format = o.format == "json"       ? report::DiffFormat::json
                                    : o.format == "markdown" ? report::DiffFormat::markdown
                                                             : report::DiffFormat::table;
  if (!o.html.empty())
    report::write_file_atomic(o.html, report::result_diff(base, head, report::DiffFormat::html, o.max_decisions));
  out << report::result_diff(base, head, format, o.max_decisions);
  if (o.exit_code && report::results_differ(base, head)) return k_exit_expectation_failed;
  return k_exit_ok;
}

}  // namespace capsim::cli::detail
