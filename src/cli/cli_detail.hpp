// Shared by the capsim subcommands (cli.cpp, check.cpp): global options, loading scenarios and
// the catalog, simulation options.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/sim/simulation.hpp"
#include "capsim/spec/scenario.hpp"
#include "capsim/sweep/forecast_cost.hpp"
#include "progress.hpp"

namespace CLI {
class App;
}  // namespace CLI

namespace capsim::cli {

std::string_view default_scenario_text();  // generated from scenarios/seed-nginx-scaleout.yaml

namespace detail {

inline constexpr const char* k_default_scenario_name = "scenarios/seed-nginx-scaleout.yaml";

struct Common {
  std::string catalog_dir;
  bool quiet{false};
  bool check_invariants{false};
  ProgressBar::Mode progress{ProgressBar::Mode::auto_};
  bool err_is_terminal{false};  // the error stream is the process's stderr and a terminal
  std::string openmetrics;      // run / compare --openmetrics FILE
  std::string html;             // run / compare --html FILE
  std::string controller_time;  // --controller-time PRESET (run, compare, check, sweep run, forecast)
  bool exact{false};            // --exact (run, compare, check): every performance shortcut off
  bool lenient{false};          // --lenient: unknown manifest fields are noted, not errors
  bool explain_ignored{false};  // --explain-ignored: list the ignored fields instead of counting them
};

// --controller-time, when given: the model for every autoscaler of `s`.
void apply_controller_time(spec::Scenario& s, const Common& c);
// The presets --controller-time lists (empty when not given).
std::vector<spec::ControllerTime> controller_time_models(const Common& c);
// The preset --controller-time names (nullopt when not given; a list is bad input here).
std::optional<spec::ControllerTime> controller_time_override(const Common& c);
// Adds --exact to a subcommand.
void add_exact_flag(CLI::App* cmd, Common& common);
// Adds --controller-time to a subcommand.
void add_controller_time_option(CLI::App* cmd, Common& common);

std::shared_ptr<const catalog::Catalog> load_catalog(const Common& c);
// The whole file (empty when it cannot be read).
std::string read_text(const std::string& path);
// `path` empty: the built-in default scenario. `lenient`: --lenient.
spec::Scenario load(const std::string& path, const catalog::Catalog& cat, bool lenient = false);
// What loading found, on `err`: warnings (unless --quiet); the fields and kinds that cannot change
// the simulation in one line (unless --quiet), or one per line with --explain-ignored; and, when
// `not_modelled` (commands whose output does not carry it), what is not modelled, always.
// Scenario files: a directory's *.yaml / *.yml (sweep files left out), a glob's matches, or the
// file itself; each input that names nothing is an error in `errors`.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs, std::vector<Diagnostic>& errors);
// An output path (--out directory, --html / --openmetrics file) that cannot be written: an
// InputError naming the option, before anything runs.
void check_output_path(const std::string& option, const std::string& path, bool directory);
void print_input_notes(const spec::Scenario& s, const Common& c, std::ostream& err, bool not_modelled);
// `keep_decisions`: the run's decisions are kept (written or compared); otherwise only counted.
sim::SimOptions sim_options(std::shared_ptr<const catalog::Catalog> cat, const Common& common, bool keep_decisions);

struct CheckOptions {
  std::vector<std::string> inputs;  // files, directories, globs (default: scenarios/)
  int jobs{0};                      // 0: the machine's cores
  std::string golden_dir;
  bool update_golden{false};
  bool require_golden{false};  // a scenario without a golden fails (else it is new and passes)
  // A golden comparison fails only on a monthly cost change beyond these percentages (when given);
  // changed decisions alone then pass.
  std::optional<double> fail_on_cost_increase, fail_on_cost_decrease;
  std::string junit, markdown, html;
};
// `capsim check`: exit 0 every expectation and golden passed, 1 one failed, 2 bad input.
int cmd_check(const CheckOptions& o, const Common& common, std::ostream& out, std::ostream& err);

struct DiffOptions {
  std::string base, head;  // result.json, a --out directory, or a scenario file (run here)
  std::string format = "table";
  std::size_t max_decisions{10};
  std::string html;  // also write the diff as an HTML page
  bool exit_code{false};  // --exit-code: 1 when the runs differ, 0 when they do not (git diff's)
};
// `capsim diff`: exit 0 (with --exit-code: 0 the same, 1 they differ), or 2 for bad input.
int cmd_diff(const DiffOptions& o, const Common& common, std::ostream& out, std::ostream& err);

// `capsim sweep plan|run|merge|report` (sweep.cpp).
struct SweepOptions {
  CLI::App* cmd{nullptr};
  CLI::App* plan_cmd{nullptr};
  CLI::App* run_cmd{nullptr};
  CLI::App* merge_cmd{nullptr};
  CLI::App* report_cmd{nullptr};
  std::string spec;
  bool list{false};
  std::string out;
  std::optional<std::size_t> shard_index, shard_count;
  std::string shard;  // K/N, 1-based
  bool shard_from_env{false};
  int jobs{1};
  std::vector<std::string> merge_inputs;
  bool allow_missing{false};
  std::string report_input;
  std::string format = "table";
  std::string report_out;
};
void add_sweep_commands(CLI::App& app, SweepOptions& o, Common& common);
// The exit code of the sweep subcommand given, nullopt when none was. Bad input throws InputError.
std::optional<int> run_sweep_command(const SweepOptions& o, const Common& common, std::ostream& out, std::ostream& err);

// `capsim forecast` (forecast.cpp).
struct ForecastCliOptions {
  CLI::App* cmd{nullptr};
  std::vector<std::string> inputs;  // a trace, or Prometheus exports
  std::string only_class;
  std::string trace_format = "auto";
  std::string horizon = "168h";
  int level{80};
  int backtest_days{7};
  std::string format = "table";
  std::string out;
  std::string scenario;  // cost through this cluster scenario's autoscalers
  std::vector<std::string> what_if;
  std::optional<double> budget;
  sweep::CostForecastOptions cost;  // and how (its `series` is the forecast's series too)
};
void add_forecast_command(CLI::App& app, ForecastCliOptions& o, Common& common);
std::optional<int> run_forecast_command(const ForecastCliOptions& o, const Common& common, std::ostream& out,
                                        std::ostream& err);

}  // namespace detail
}  // namespace capsim::cli
