// `capsim sweep plan|run|merge|report` (docs/sweeps.md): the command-line side of the sweep module -
// resolving the shard (flags or a batch engine's environment), the shard's files, exit codes.
#include "cli_detail.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "capsim/cli/cli.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/core/sha256.hpp"
#include "capsim/io/sweep_loader.hpp"
#include "capsim/report/atomic_write.hpp"
#include "capsim/sweep/plan.hpp"
#include "capsim/sweep/report.hpp"
#include "capsim/sweep/runner.hpp"

namespace capsim::cli::detail {
namespace {

[[noreturn]] void usage_error(const std::string& msg) {
  throw InputError({Diagnostic{"", 0, 0, Severity::error, "", msg}});
}

sweep::Plan load_plan(const std::string& spec_path, const Common& common) {
  auto cat = load_catalog(common);
  spec::SweepSpec sw = io::load_sweep(spec_path, *cat);
  std::string base_text = read_text(sw.base), sweep_text = read_text(spec_path);
  return sweep::make_plan(std::move(sw), std::move(base_text), std::move(sweep_text));
}

std::string run_line(const sweep::Plan& plan, std::size_t run_id) {
  const sweep::RunRef r = plan.run(run_id);
  std::string s = "run " + std::to_string(r.run_id) + "  point " + std::to_string(r.point) + "  repetition " +
                  std::to_string(r.repetition) + "  seed " + std::to_string(r.seed) + " ";
  for (std::size_t k = 0; k < plan.spec.parameters.size(); ++k)
    s += " " + plan.spec.parameters[k].name + "=" + plan.points[r.point].values[k];
  return s;
}

sweep::Shard resolve_shard(const SweepOptions& o, std::string& how) {
  const int ways = (o.shard_index ? 1 : 0) + (o.shard.empty() ? 0 : 1) + (o.shard_from_env ? 1 : 0);
  if (ways > 1) usage_error("give one of --shard-index, --shard and --shard-from-env");
  sweep::Shard sh;
  if (o.shard_from_env) {
    sh = sweep::shard_from_env(o.shard_count, [](const char* n) { return std::getenv(n); }, &how);
    return sh;
  }
  if (!o.shard.empty()) {
    // K/N, 1-based.
    const auto slash = o.shard.find('/');
    std::size_t k = 0, n = 0;
    try {
      if (slash == std::string::npos) throw std::invalid_argument("");
      std::size_t used = 0;
      k = std::stoul(o.shard.substr(0, slash), &used);
      if (used != slash) throw std::invalid_argument("");
      n = std::stoul(o.shard.substr(slash + 1), &used);
      if (used != o.shard.size() - slash - 1) throw std::invalid_argument("");
    } catch (const std::exception&) {
      usage_error("--shard: expected K/N with 1 <= K <= N, got \"" + o.shard + "\"");
    }
    if (k < 1 || n < 1 || k > n) usage_error("--shard: expected K/N with 1 <= K <= N, got \"" + o.shard + "\"");
    how = "--shard " + o.shard;
    return {k - 1, n};
  }
  if (o.shard_index) {
    if (!o.shard_count) usage_error("--shard-index needs --shard-count");
    sh = {*o.shard_index, *o.shard_count};
    how = "--shard-index " + std::to_string(sh.index);
  } else {
    sh = {0, o.shard_count.value_or(1)};
    if (o.shard_count && *o.shard_count != 1) usage_error("--shard-count needs --shard-index or --shard-from-env");
    how = "no shard flags";
  }
  if (sh.count < 1) usage_error("--shard-count must be at least 1");
  if (sh.index >= sh.count)
    usage_error("--shard-index " + std::to_string(sh.index) + " is not below --shard-count " + std::to_string(sh.count));
  return sh;
}

int cmd_plan(const SweepOptions& o, const Common& common, std::ostream& out) {
  const sweep::Plan plan = load_plan(o.spec, common);
  const std::size_t n = o.shard_count.value_or(1);
  if (n < 1) usage_error("--shard-count must be at least 1");
  const std::size_t runs = plan.run_count();
  out << "sweep " << (plan.spec.name.empty() ? "(unnamed)" : plan.spec.name) << "\n"
      << "id " << plan.sweep_id << "\n"
      << "runs " << runs << " (" << plan.points.size() << " points x " << plan.spec.repetitions << " repetitions, method "
      << spec::to_string(plan.spec.method) << ")\n"
      << "runs per shard " << (runs / n) << (runs % n ? " to " + std::to_string(runs / n + 1) : std::string()) << " (" << n
      << (n == 1 ? " shard" : " shards") << ")\n";
  if (o.list)
    for (std::size_t r = 0; r < runs; ++r) out << run_line(plan, r) << "\n";
  return k_exit_ok;
}

int cmd_sweep_run(const SweepOptions& o, const Common& common, std::ostream& err) {
  if (o.out.empty()) usage_error("sweep run needs --out DIR");
  std::string how;
  const sweep::Shard shard = resolve_shard(o, how);  // before the plan: a bad shard is bad input too
  sweep::Plan plan = load_plan(o.spec, common);
  if (auto t = controller_time_override(common)) {
    plan.controller_time = t;
    plan.canonical += "controllerTime: " + t->preset + "\n";
    plan.sweep_id = sha256_hex(plan.canonical);
  }
  const auto ids = sweep::shard_runs(plan, shard);
  err << "capsim sweep: shard " << shard.index << " of " << shard.count << " (0-based, from " << how << "): " << ids.size()
      << " of " << plan.run_count() << " runs, sweep " << plan.sweep_id.substr(0, 12) << "\n";
  if (shard.count > plan.run_count())
    err << "capsim sweep: warning: " << shard.count << " shards for " << plan.run_count()
        << " runs; some shards are empty (they still write their file)\n";
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec) usage_error("cannot create --out directory \"" + o.out + "\": " + ec.message());
  const std::string base = (std::filesystem::path(o.out) / sweep::shard_file_name(shard, "")).string();
  std::ofstream log(base + ".log", std::ios::trunc);
  log << "sweep " << plan.sweep_id << " shard " << shard.index << " of " << shard.count << " (" << how << "), "
      << ids.size() << " runs, " << std::max(o.jobs, 1) << " jobs\n";
  log.flush();
  const auto cat = load_catalog(common);
  std::size_t failed = 0;
  const auto runs = sweep::run_shard(plan, shard, o.jobs, cat, [&](const sweep::RunOutcome& r) {
    log << run_line(plan, r.ref.run_id) << ": " << (r.ok ? "ok" : "error: " + r.error) << " (" << r.wall_s << " s)\n";
    log.flush();
    if (!r.ok) {
      ++failed;
      err << "capsim sweep: run " << r.ref.run_id << " failed: " << r.error << "\n";
    }
  });
  report::write_file_atomic(base + ".json", sweep::shard_json(plan, shard, runs));
  log << "wrote " << base << ".json: " << runs.size() - failed << " ok, " << failed << " failed\n";
  return failed ? k_exit_expectation_failed : k_exit_ok;
}

int cmd_merge(const SweepOptions& o, std::ostream& err) {
  if (o.out.empty()) usage_error("sweep merge needs --out FILE");
  std::vector<std::string> files;
  for (const auto& in : o.merge_inputs) {
    if (std::filesystem::is_directory(in)) {
      std::vector<std::string> found;
      for (const auto& e : std::filesystem::directory_iterator(in)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("shard-", 0) == 0 && e.path().extension() == ".json") found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) usage_error("no shard-*-of-*.json files in \"" + in + "\"");
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::exists(in)) {
      files.push_back(in);
    } else {
      usage_error("\"" + in + "\" not found");
    }
  }
  std::vector<std::pair<std::string, std::string>> texts;
  for (const auto& f : files) texts.emplace_back(f, read_text(f));
  const sweep::MergeResult m = sweep::merge_shards(texts);
  if (!m.missing.empty()) {
    std::string list;
    for (auto i : m.missing) list += (list.empty() ? "" : ", ") + std::to_string(i);
    err << "capsim sweep merge: missing shard" << (m.missing.size() > 1 ? "s " : " ") << list << "\n";
    if (!o.allow_missing) return k_exit_expectation_failed;
    err << "capsim sweep merge: --allow-missing: the result is marked partial\n";
  }
  report::write_file_atomic(o.out, m.json);
  if (m.failed_runs) err << "capsim sweep merge: " << m.failed_runs << " run(s) failed (status \"error\")\n";
  return k_exit_ok;
}

int cmd_report(const SweepOptions& o, std::ostream& out) {
  const std::string text = read_text(o.report_input);
  if (text.empty() && !std::filesystem::exists(o.report_input)) usage_error("\"" + o.report_input + "\" not found");
  const sweep::SweepReport rep = sweep::build_report(text, o.report_input);
  std::string s;
  if (o.format == "json") s = sweep::report_json(rep);
  else if (o.format == "csv") s = sweep::report_csv(rep);
  else if (o.format == "md" || o.format == "markdown") s = sweep::report_markdown(rep);
  else if (o.format == "html") s = sweep::report_html(rep);
  else s = sweep::report_table(rep);
  if (o.report_out.empty()) out << s;
  else report::write_file_atomic(o.report_out, s);
  return k_exit_ok;
}

}  // namespace

void add_sweep_commands(CLI::App& app, SweepOptions& o, Common& common) {
  o.cmd = app.add_subcommand("sweep", "Parameter sweeps: plan, run (sharded), merge and report (docs/sweeps.md)");
  o.cmd->require_subcommand(1);
  o.plan_cmd = o.cmd->add_subcommand("plan", "Print a sweep's id, run count and runs per shard (--list: every run)");
  o.plan_cmd->add_option("spec", o.spec, "Sweep file (kind: Sweep)")->required();
  o.plan_cmd->add_flag("--list", o.list, "List every run with its parameters and seed");
  o.plan_cmd->add_option("--shard-count", o.shard_count, "Shards to size for (default 1)");
  o.run_cmd = o.cmd->add_subcommand("run", "Run one shard of a sweep and write DIR/shard-I-of-N.json and .log");
  o.run_cmd->add_option("spec", o.spec, "Sweep file (kind: Sweep)")->required();
  o.run_cmd->add_option("--out", o.out, "Directory for the shard's files")->required();
  o.run_cmd->add_option("--shard-index", o.shard_index, "This shard, 0-based (with --shard-count)");
  o.run_cmd->add_option("--shard-count", o.shard_count, "Number of shards");
  o.run_cmd->add_option("--shard", o.shard, "This shard as K/N, 1-based");
  o.run_cmd->add_flag("--shard-from-env", o.shard_from_env,
                      "Shard from JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID/_MIN/_COUNT, TEST_SHARD_INDEX/TEST_TOTAL_SHARDS "
                      "or AWS_BATCH_JOB_ARRAY_INDEX");
  add_controller_time_option(o.run_cmd, common);
  o.run_cmd->add_option("-j,--jobs", o.jobs, "Runs in parallel inside this shard (default 1)")->check(CLI::Range(1, 1024));
  o.merge_cmd = o.cmd->add_subcommand("merge", "Merge shard files into one sweep result (checks every shard is there once)");
  o.merge_cmd->add_option("inputs", o.merge_inputs, "Shard files or directories of them")->required();
  o.merge_cmd->add_option("--out", o.out, "The merged result file")->required();
  o.merge_cmd->add_flag("--allow-missing", o.allow_missing, "Merge despite missing shards; the result is marked partial");
  o.report_cmd = o.cmd->add_subcommand("report", "Statistics per point, the Pareto front and picks of a merged sweep");
  o.report_cmd->add_option("result", o.report_input, "Merged sweep result (capsim sweep merge --out)")->required();
  o.report_cmd->add_option("--format", o.format, "table, json, csv, md or html")
      ->check(CLI::IsMember({"table", "json", "csv", "md", "markdown", "html"}));
  o.report_cmd->add_option("--out", o.report_out, "Write the report to this file (atomically) instead of standard output");
}

std::optional<int> run_sweep_command(const SweepOptions& o, const Common& common, std::ostream& out, std::ostream& err) {
  if (!o.cmd || !*o.cmd) return std::nullopt;
  if (*o.plan_cmd) return cmd_plan(o, common, out);
  if (*o.run_cmd) return cmd_sweep_run(o, common, err);
  if (*o.merge_cmd) return cmd_merge(o, err);
  if (*o.report_cmd) return cmd_report(o, out);
  return std::nullopt;
}

}  // namespace capsim::cli::detail
