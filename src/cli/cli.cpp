#include "capsim/cli/cli.hpp"

#include "cli_detail.hpp"
#include "progress.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <memory>

#include "capsim/catalog/catalog.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/core/cron.hpp"
#include "capsim/core/suggest.hpp"
#include "capsim/core/version.hpp"
#include "capsim/io/audit_reader.hpp"
#include "capsim/io/cluster_import.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "capsim/io/sweep_loader.hpp"
#include "capsim/io/trace_reader.hpp"
#include "capsim/io/trace_writer.hpp"
#include "capsim/report/atomic_write.hpp"
#include "capsim/report/catalog_listing.hpp"
#include "capsim/report/compare_table.hpp"
#include "capsim/report/html_report.hpp"
#include "capsim/report/json_result.hpp"
#include "capsim/report/openmetrics.hpp"
#include "capsim/report/text_summary.hpp"
#include "capsim/sim/simulation.hpp"
#include "capsim/workload/trace_generator.hpp"

namespace capsim::cli {

namespace detail {

std::shared_ptr<const catalog::Catalog> load_catalog(const Common& c) {
  if (c.catalog_dir.empty()) return catalog::Catalog::embedded();
  return catalog::Catalog::load_directory(c.catalog_dir);
}

spec::Scenario load(const std::string& path, const catalog::Catalog& cat, bool lenient) {
  io::LoadOptions o;
  o.lenient = lenient;
  if (path.empty()) return io::load_scenario_text(default_scenario_text(), k_default_scenario_name, cat, o);
  return io::load_scenario(path, cat, o);
}

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

namespace {
// What an ignored note is about, from its message: `field "spec.containers[0].image" ...`,
// `kind "Secret" ...` or `pod "web-1" ...`; and the name it counts under (the last key of a field,
// indexes dropped; the kind).
std::pair<std::string, std::string> ignored_subject(const std::string& message) {
  const auto q = message.find('"');
  const auto e = q == std::string::npos ? q : message.find('"', q + 1);
  if (e == std::string::npos) return {"", ""};
  std::string what = message.substr(0, q > 0 ? q - 1 : 0), name = message.substr(q + 1, e - q - 1);
  if (what == "field") {
    const auto dot = name.find_last_of('.');
    name = name.substr(dot == std::string::npos ? 0 : dot + 1);
    name = name.substr(0, name.find('['));
  }
  return {what, name};
}

// "3344 field(s) (dnsPolicy 253, env 253, ...)": the notes about `what`, by name, most frequent first.
std::string ignored_part(const std::vector<Diagnostic>& ignored, const std::string& what, const std::string& label,
                         std::size_t limit) {
  std::map<std::string, std::size_t> count;
  std::size_t total = 0;
  for (const auto& d : ignored) {
    auto [w, name] = ignored_subject(d.message);
    if (w != what) continue;
    ++count[name];
    ++total;
  }
  if (total == 0) return {};
  std::vector<std::pair<std::string, std::size_t>> v(count.begin(), count.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out = std::to_string(total) + " " + label;
  if (what == "pod") return out;
  out += " (";
  for (std::size_t i = 0; i < v.size() && i < limit; ++i) out += (i ? ", " : "") + v[i].first + " " + std::to_string(v[i].second);
  return out + (v.size() > limit ? ", ...)" : ")");
}

// One line: the fields, documents and controller-owned Pods ignored, and which.
std::string ignored_summary(const std::vector<Diagnostic>& ignored) {
  std::string out;
  for (const auto& part : {ignored_part(ignored, "field", "field(s)", 6), ignored_part(ignored, "kind", "document(s)", 8),
                           ignored_part(ignored, "pod", "Pod(s) that their controllers in the manifests create", 0)})
    if (!part.empty()) out += (out.empty() ? "" : "; ") + part;
  return "note: ignored, as they cannot change the simulation: " + out + "; --explain-ignored lists them";
}
}  // namespace

void print_input_notes(const spec::Scenario& s, const Common& c, std::ostream& err, bool not_modelled) {
  if (not_modelled)
    for (const auto& g : group_diagnostics(s.not_modelled))
      err << g.first.render() << (g.count > 1 ? " (" + std::to_string(g.count) + " places, the first shown)" : "")
          << "\n";
  if (c.explain_ignored) {
    for (const auto& d : s.ignored) err << d.render() << "\n";
  }
  if (c.quiet) return;
  for (const auto& w : s.warnings) err << w.render() << "\n";
  if (!c.explain_ignored && !s.ignored.empty())
    err << ignored_summary(s.ignored) << "\n";
}

// The comma-separated items of --controller-time, and the first that names no preset (unset when
// every one does).
std::vector<std::string_view> controller_time_items(std::string_view v, std::optional<std::string_view>& unknown) {
  std::vector<std::string_view> items;
  unknown.reset();
  do {
    const auto comma = v.find(',');
    items.push_back(v.substr(0, comma));
    if (!unknown && !spec::controller_time_preset(items.back())) unknown = items.back();
    v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
  } while (!v.empty());
  return items;
}

std::vector<spec::ControllerTime> controller_time_models(const Common& c) {
  std::vector<spec::ControllerTime> out;
  if (c.controller_time.empty()) return out;
  std::optional<std::string_view> unknown;
  for (auto item : controller_time_items(c.controller_time, unknown))
    out.push_back(*spec::controller_time_preset(item));  // the option's check admits presets only
  return out;
}

std::optional<spec::ControllerTime> controller_time_override(const Common& c) {
  const auto models = controller_time_models(c);
  if (models.empty()) return std::nullopt;
  if (models.size() > 1)
    throw InputError({Diagnostic{"", 0, 0, Severity::error, "--controller-time",
                                 "a list of models (\"" + c.controller_time + "\") is for capsim compare; give one preset"}});
  return models.front();
}

void apply_controller_time(spec::Scenario& s, const Common& c) {
  if (auto t = controller_time_override(c)) spec::set_controller_time(s, *t);
}

void add_exact_flag(CLI::App* cmd, Common& common) {
  cmd->add_flag("--exact", common.exact,
                "Turn every performance shortcut off (quiet passes and loops, no-op memos, early-stopping "
                "simulations, repeated samples): the same bytes, computed the long way");
}

void add_controller_time_option(CLI::App* cmd, Common& common) {
  cmd->add_option("--controller-time", common.controller_time,
                  "How long the autoscalers' own passes take in simulated time, for every autoscaler (overrides "
                  "spec.controllerTime): instant (the default: zero-time passes), fast, typical or slow "
                  "(docs/controller-time.md); compare takes a list such as instant,typical")
      ->check(
          [](const std::string& v) -> std::string {
            std::optional<std::string_view> unknown;
            controller_time_items(v, unknown);
            if (!unknown) return {};
            return "expected instant, fast, typical or slow (or a comma-separated list of them), got \"" +
                   std::string(*unknown) + "\"";
          },
          "PRESET[,PRESET...]");
}

void check_output_path(const std::string& option, const std::string& path, bool directory) {
  if (path.empty()) return;
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path p(path);
  auto fail = [&](const std::string& why) { throw InputError({Diagnostic{"", 0, 0, Severity::error, option, why}}); };
  auto quote_path = [](const std::string& s) { return "\"" + s + "\""; };
  if (directory) {
    if (fs::exists(p, ec) && !fs::is_directory(p, ec)) fail(quote_path(path) + " exists and is not a directory");
  } else if (fs::is_directory(p, ec)) {
    fail(quote_path(path) + " is a directory");
  }
  const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec)) fail("directory " + quote_path(parent.string()) + " does not exist");
  if (::access(parent.c_str(), W_OK) != 0) fail("directory " + quote_path(parent.string()) + " is not writable");
}

sim::SimOptions sim_options(std::shared_ptr<const catalog::Catalog> cat, const Common& common, bool keep_decisions) {
  sim::SimOptions opts;
  opts.catalog = std::move(cat);
  opts.keep_decisions = keep_decisions;
  opts.check_invariants = common.check_invariants;
  opts.exact = common.exact;
  opts.open_trace = io::open_replay_trace;
  return opts;
}

}  // namespace detail

namespace {

using detail::CheckOptions;
using detail::Common;
using detail::load;
using detail::load_catalog;
using detail::print_input_notes;
using detail::sim_options;
using detail::k_default_scenario_name;

int exit_code(const sim::RunResult& result) {
  for (const auto& e : result.expectations)
    if (!e.passed) return k_exit_expectation_failed;
  return k_exit_ok;
}

// Simulation options with the progress bar (--progress) attached.
sim::SimOptions run_options(std::shared_ptr<const catalog::Catalog> cat, const Common& common, bool keep_decisions,
                            detail::ProgressBar& bar) {
  sim::SimOptions opts = sim_options(std::move(cat), common, keep_decisions);
  if (bar.active())
    opts.progress = [&bar](const std::string& a, SimTime now, SimTime end, std::uint64_t events) {
      bar.update(a, now, end, events);
    };
  return opts;
}

// What run and compare share: load, simulate (run_scenario, or compare_scenario when `compare`)
// with the progress bar, and write --out, --openmetrics and --html (the HTML page rendered once).
sim::RunResult simulate(const std::string& path, const Common& common, const std::string& out_dir,
                        std::optional<std::uint64_t> seed, bool compare, std::ostream& err) {
  // Where the results go is checked first: a long run must not end with nowhere to write.
  detail::check_output_path("--out", out_dir, true);
  detail::check_output_path("--html", common.html, false);
  detail::check_output_path("--openmetrics", common.openmetrics, false);
  auto cat = load_catalog(common);
  spec::Scenario scenario = load(path, *cat, common.lenient);
  print_input_notes(scenario, common, err, /*not_modelled=*/false);
  if (seed) scenario.seed = *seed;
  const auto models = detail::controller_time_models(common);
  if (!compare || models.size() < 2) detail::apply_controller_time(scenario, common);
  detail::ProgressBar bar(common.progress, err, common.err_is_terminal);
  const sim::SimOptions opts = run_options(cat, common, !out_dir.empty() || !common.html.empty(), bar);
  sim::RunResult result = !compare            ? sim::run_scenario(scenario, opts)
                          : models.size() > 1 ? sim::compare_models(scenario, models, opts)
                                              : sim::compare_scenario(scenario, opts);
  bar.finish();
  if (!out_dir.empty()) report::write_run_outputs(out_dir, result, /*with_html=*/true);
  if (!common.openmetrics.empty()) report::write_file_atomic(common.openmetrics, report::to_openmetrics(result));
  if (!common.html.empty()) report::write_file_atomic(common.html, report::html_report(result));
  return result;
}

int cmd_run(const std::string& path, const Common& common, const std::string& format, const std::string& out_dir,
            std::optional<std::uint64_t> seed, std::ostream& out, std::ostream& err) {
  const sim::RunResult result = simulate(path, common, out_dir, seed, /*compare=*/false, err);
  if (format == "json") out << report::to_json(result);
  else out << report::text_summary(result);
  return exit_code(result);
}

// `capsim compare`: every autoscaler the scenario configures, a static cluster and the lower
// bound (sim::compare_autoscalers) on the identical workload, catalog and seed, side by side.
int cmd_compare(const std::string& path, const Common& common, const std::string& format, const std::string& out_dir,
                std::optional<std::uint64_t> seed, std::ostream& out, std::ostream& err) {
  const sim::RunResult result = simulate(path, common, out_dir, seed, /*compare=*/true, err);
  if (format == "json") out << report::to_json(result);
  else out << report::compare_table(result);
  return exit_code(result);
}

int cmd_validate(const std::vector<std::string>& files, const Common& common, std::ostream& out, std::ostream& err) {
  auto cat = load_catalog(common);
  int rc = k_exit_ok;
  // Directories and globs give their scenario files; a sweep file named on its own is skipped.
  std::vector<Diagnostic> errors;
  std::vector<std::string> paths = files.empty() ? std::vector<std::string>{""} : detail::expand_inputs(files, errors);
  for (const auto& e : errors) err << e.render() << "\n";
  if (!errors.empty()) rc = k_exit_input_error;
  for (const auto& p : paths) {
    if (!p.empty() && io::is_sweep_file(p)) {
      out << p << ": skipped (a Sweep document: check it with `capsim sweep plan`)\n";
      continue;
    }
    try {
      spec::Scenario s = load(p, *cat, common.lenient);
      print_input_notes(s, common, err, /*not_modelled=*/true);
      out << (p.empty() ? k_default_scenario_name : p) << ": ok (" << s.node_pools.size() << " node pool(s), "
          << s.workloads.size() << " workload(s), " << s.timeline.size() << " timeline event(s), "
          << s.warnings.size() << " warning(s), " << s.not_modelled.size() << " not modelled)\n";
    } catch (const InputError& e) {
      for (const auto& d : e.diagnostics()) err << d.render() << "\n";
      rc = k_exit_input_error;
    }
  }
  return rc;
}

int cmd_catalog(const Common& common, const std::string& region, const std::string& type, const std::string& format,
                std::ostream& out) {
  auto cat = load_catalog(common);
  report::CatalogListOptions o;
  o.region = region;
  if (!type.empty()) o.type_filter = type;
  auto f = report::parse_catalog_list_format(format);
  if (!f) throw InputError({Diagnostic{"", 0, 0, Severity::error, "--format",
                                       "expected one of \"table\", \"csv\", \"json\", got \"" + format + "\""}});
  o.format = *f;
  out << report::list_catalog(*cat, o);
  return k_exit_ok;
}

// Raw `capsim generate trace` options, parsed and checked into a TraceGeneratorSpec.
struct GenerateOptions {
  spec::TraceGeneratorSpec spec;
  std::optional<double> days;
  std::string duration, mean_lifetime = "7h", diurnal_peak = "14h";
  std::string cpu_min = "100m", cpu_max = "2", memory_min = "256Mi", memory_max = "4Gi";
  std::string format = "csv", out;
};

Diagnostic option_error(const std::string& option, const std::string& message) {
  return Diagnostic{"", 0, 0, Severity::error, option, message};
}

// `capsim generate trace`: a synthetic trace, streamed to stdout or written atomically to --out.
int cmd_generate_trace(GenerateOptions o, std::ostream& out) {
  std::vector<Diagnostic> errors;
  auto duration = [&](const std::string& option, const std::string& text, Duration& into) {
    if (auto d = parse_duration(text)) into = *d;
    else errors.push_back(option_error(option, "expected a duration such as \"720h\", got \"" + text + "\""));
  };
  auto quantity = [&](const std::string& option, const std::string& text, Quantity& into) {
    if (auto q = parse_quantity(text)) into = *q;
    else errors.push_back(option_error(option, "expected a quantity such as \"500m\" or \"1Gi\", got \"" + text + "\""));
  };
  if (o.days && !o.duration.empty()) errors.push_back(option_error("--days", "expected --days or --duration, not both"));
  if (o.days) {
    if (*o.days > 0 && *o.days <= 3660) o.spec.duration = Duration{static_cast<std::int64_t>(*o.days * 86'400'000.0)};
    else errors.push_back(option_error("--days", "expected a number of days from 0 to 3660, got " + std::to_string(*o.days)));
  }
  if (!o.duration.empty()) duration("--duration", o.duration, o.spec.duration);
  duration("--mean-lifetime", o.mean_lifetime, o.spec.mean_lifetime);
  duration("--diurnal-peak", o.diurnal_peak, o.spec.diurnal_peak);
  quantity("--cpu-min", o.cpu_min, o.spec.cpu_min);
  quantity("--cpu-max", o.cpu_max, o.spec.cpu_max);
  quantity("--memory-min", o.memory_min, o.spec.memory_min);
  quantity("--memory-max", o.memory_max, o.spec.memory_max);
  if (errors.empty())
    if (auto e = spec::check_trace_generator(o.spec)) {
      // The scenario key's command-line name: meanLifetime -> --mean-lifetime.
      std::string option = "--";
      for (char c : e->key) option += std::isupper(static_cast<unsigned char>(c)) ? std::string("-") + char(std::tolower(c)) : std::string(1, c);
      errors.push_back(option_error(option, e->message));
    }
  if (!errors.empty()) throw InputError(errors);
  const io::TraceFormat fmt = o.format == "jsonl" ? io::TraceFormat::jsonl : io::TraceFormat::csv;
  workload::TraceGenerator gen(o.spec);
  std::optional<report::AtomicFile> file;
  if (!o.out.empty()) file.emplace(o.out);
  std::string buf = io::trace_header(fmt);
  auto flush = [&] {
    if (file) file->write(buf);
    else out << buf;
    buf.clear();
  };
  while (auto e = gen.next()) {
    io::append_trace_record(buf, *e, fmt);
    if (buf.size() >= (1U << 20)) flush();
  }
  flush();
  if (file) file->commit();
  return k_exit_ok;
}

struct ImportTraceOptions {
  std::string input, format, to = "csv", out;
  int skip_bad{0};
};

// `capsim import trace`: a public trace read natively (io::open_trace) and written in capsim's
// generic format, streamed (one event at a time) to stdout or atomically to --out.
int cmd_import_trace(const ImportTraceOptions& o, std::ostream& out, std::ostream& err) {
  const auto in_fmt = io::parse_trace_format(o.format);
  std::unique_ptr<io::TraceReader> reader = io::open_trace(o.input, *in_fmt);
  const auto* audit = dynamic_cast<const io::AuditReader*>(reader.get());
  if (o.skip_bad > 0) reader = io::skip_bad_records(std::move(reader), o.skip_bad);
  const io::TraceFormat fmt = o.to == "jsonl" ? io::TraceFormat::jsonl : io::TraceFormat::csv;
  // --out is a scratch file committed at the end: a bad record fails the import with nothing written.
  std::optional<report::AtomicFile> file;
  if (!o.out.empty()) file.emplace(o.out);
  std::string buf;
  if (fmt == io::TraceFormat::csv && *in_fmt == io::TraceFormat::alibaba_openb)
    buf += "# capsim generic trace imported by `capsim import trace --format alibaba-openb`\n"
           "# source: alibaba/clusterdata cluster-trace-gpu-v2023 (openb pod list), research or study use;\n"
           "# please cite Weng et al., \"Beware of Fragmentation\", USENIX ATC '23\n";
  buf += io::trace_header(fmt);
  auto flush = [&] {
    if (file) file->write(buf);
    else out << buf;
    buf.clear();
  };
  std::int64_t creates = 0, deletes = 0;
  while (auto e = reader->next()) {
    (e->kind == spec::TraceEventKind::create ? creates : deletes) += 1;
    io::append_trace_record(buf, *e, fmt);
    if (buf.size() >= (1U << 20)) flush();
  }
  flush();
  if (file) file->commit();
  for (const auto& w : reader->warnings()) err << w.render() << "\n";
  err << "imported " << o.input << ": " << creates << " pod(s) created, " << deletes << " deleted\n";
  if (audit) {
    const auto& c = audit->counts();
    err << "  " << c.lines << " audit line(s); events used: " << c.creates << " pod create(s), " << c.deletes
        << " delete(s) or eviction(s)\n";
    for (const auto& [why, n] : c.skipped) err << "  skipped " << n << ": " << why << "\n";
    if (c.reordered > 0) err << "  " << c.reordered << " event(s) beyond the reorder window moved later\n";
  }
  return k_exit_ok;
}

// `capsim import cluster`: a kubectl dump to a scenario file (io::import_cluster), written
// atomically to --out or to stdout; warnings and a summary on stderr.
int cmd_import_cluster(io::ClusterImportOptions o, const std::string& now, const std::string& out_file,
                       const detail::Common& common, std::ostream& out, std::ostream& err) {
  if (!now.empty()) {
    o.now_unix_s = parse_rfc3339_utc(now);
    if (!o.now_unix_s)
      throw InputError({Diagnostic{"", 0, 0, Severity::error, "--now",
                                   "expected a UTC time such as \"2026-01-05T00:00:00Z\", got \"" + now + "\""}});
  }
  if (!out_file.empty()) o.output_name = out_file;
  const auto cat = load_catalog(common);
  const io::ClusterImport r = io::import_cluster(o, *cat);
  for (const auto& w : r.warnings) err << w.render() << "\n";
  if (out_file.empty()) {
    out << r.yaml;
  } else {
    report::AtomicFile f(out_file);
    f.write(r.yaml);
    f.commit();
  }
  err << "imported " << r.nodes << " node(s) (" << r.karpenter_nodes << " Karpenter, " << r.node_group_nodes
      << " in node groups), " << r.bound_pods << " bound pod(s), " << r.workloads << " workload(s)\n";
  return k_exit_ok;
}

}  // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"capsim: offline cluster-autoscaling simulator and capacity planner for Kubernetes on AWS", "capsim"};
  app.require_subcommand(1);
  app.fallthrough();  // --catalog and --quiet may follow the subcommand
  app.set_version_flag("--version", "capsim " + std::string(k_version));
  Common common;
  app.add_option("--catalog", common.catalog_dir, "Load the EC2 catalog from this directory instead of the built-in one");
  app.add_flag("-q,--quiet", common.quiet,
               "Do not print warnings nor the count of ignored fields (what is not modelled is always reported)");
  app.add_flag("--lenient", common.lenient,
               "Unknown fields in manifests are reported as not modelled instead of being errors (as the Scenario "
               "document's spec.strict: false)");
  app.add_flag("--explain-ignored", common.explain_ignored,
               "List every manifest field and document that cannot change the simulation and is ignored");
  std::string progress = "auto";
  app.add_option("--progress", progress,
                 "Progress bar on stderr for run and compare: auto (when stderr is a terminal and the run takes over "
                 "a second), always, never")
      ->check(CLI::IsMember({"never", "auto", "always"}));
  app.add_flag("--check-invariants", common.check_invariants,
               "After every event, check the cluster's invariants (pods on one node, no node over its allocatable, "
               "pods conserved, launches explained by a pod that can bind); a violation is an internal error (exit 3)");

  std::string run_path, run_format = "table", run_out;
  std::optional<std::uint64_t> run_seed;
  auto* run_cmd = app.add_subcommand("run", "Simulate a scenario (default: the built-in walkthrough scenario)");
  run_cmd->add_option("scenario", run_path, "Scenario YAML file");
  run_cmd->add_option("--format", run_format, "Output format")->check(CLI::IsMember({"table", "json"}));
  run_cmd->add_option("--out", run_out, "Also write result.json, decisions.jsonl and timeseries.csv into this directory");
  run_cmd->add_option("--seed", run_seed, "Override the scenario seed");
  run_cmd->add_option("--html", common.html, "Write a self-contained HTML report (charts, summary, decisions)");
  run_cmd->add_option("--openmetrics", common.openmetrics,
                      "Write the time series as OpenMetrics text with timestamps (for promtool / Prometheus)");
  detail::add_controller_time_option(run_cmd, common);
  detail::add_exact_flag(run_cmd, common);

  std::string compare_path, compare_format = "table", compare_out;
  std::optional<std::uint64_t> compare_seed;
  auto* compare_cmd = app.add_subcommand(
      "compare", "Run every configured autoscaler, a static cluster and the cost lower bound side by side");
  compare_cmd->add_option("scenario", compare_path, "Scenario YAML file (default: the built-in walkthrough scenario)");
  compare_cmd->add_option("--format", compare_format, "Output format")->check(CLI::IsMember({"table", "json"}));
  compare_cmd->add_option("--out", compare_out,
                          "Also write result.json, decisions.jsonl and timeseries.csv into this directory");
  compare_cmd->add_option("--seed", compare_seed, "Override the scenario seed");
  compare_cmd->add_option("--html", common.html, "Write a self-contained HTML report (charts, summary, decisions)");
  compare_cmd->add_option("--openmetrics", common.openmetrics,
                          "Write the time series as OpenMetrics text with timestamps (for promtool / Prometheus)");
  detail::add_controller_time_option(compare_cmd, common);
  detail::add_exact_flag(compare_cmd, common);

  auto* version_cmd = app.add_subcommand("version", "Print capsim's version");

  std::vector<std::string> validate_files;
  auto* validate_cmd = app.add_subcommand("validate", "Check scenario files without simulating");
  validate_cmd->add_option("files", validate_files,
                           "Scenario YAML files, directories (their *.yaml) or globs (default: the built-in scenario)");

  std::string cat_region = "us-east-1", cat_type, cat_format = "table";
  auto* catalog_cmd = app.add_subcommand("catalog", "List EC2 instance types with capacity, allocatable and prices");
  catalog_cmd->add_option("--region", cat_region, "Region");
  catalog_cmd->add_option("--type", cat_type, "Instance type, family or name prefix");
  catalog_cmd->add_option("--format", cat_format, "table, csv or json");

  GenerateOptions gen;
  auto* generate_cmd = app.add_subcommand("generate", "Generate synthetic inputs");
  generate_cmd->require_subcommand(1);
  auto* trace_cmd = generate_cmd->add_subcommand(
      "trace", "A synthetic pod-event trace (diurnal/weekly arrivals, exponential lifetimes, ReplicaSet owners)");
  trace_cmd->add_option("--pods", gen.spec.pods, "Pods created over the whole trace (default 10000)");
  trace_cmd->add_option("--initial-pods", gen.spec.initial_pods,
                        "How many of the pods exist at t = 0, a warm cluster (default 0)");
  trace_cmd->add_option("--days", gen.days, "Length in days (default 1)");
  trace_cmd->add_option("--duration", gen.duration, "Length as a duration, e.g. 720h (instead of --days)");
  trace_cmd->add_option("--seed", gen.spec.seed, "Random seed (default 1)");
  trace_cmd->add_option("--mean-lifetime", gen.mean_lifetime, "Mean pod lifetime, exponentially distributed (default 7h)");
  trace_cmd->add_option("--diurnal-amplitude", gen.spec.diurnal_amplitude,
                        "Daily swing of the arrival rate, 0..1: rate 1 + A cos(2 pi (t - peak) / 24h) (default 0.5)");
  trace_cmd->add_option("--diurnal-peak", gen.diurnal_peak, "Time of day of the peak arrival rate (default 14h)");
  trace_cmd->add_option("--weekend-factor", gen.spec.weekend_factor,
                        "Arrival rate multiplier on Saturday and Sunday; day 0 is a Monday (default 0.6)");
  trace_cmd->add_option("--cpu-min", gen.cpu_min, "Smallest CPU request of an owner (default 100m)");
  trace_cmd->add_option("--cpu-max", gen.cpu_max, "Largest CPU request of an owner (default 2)");
  trace_cmd->add_option("--memory-min", gen.memory_min, "Smallest memory request of an owner (default 256Mi)");
  trace_cmd->add_option("--memory-max", gen.memory_max, "Largest memory request of an owner (default 4Gi)");
  trace_cmd->add_option("--owners", gen.spec.owners, "Number of ReplicaSets owning the pods (default 50)");
  trace_cmd->add_option("--owner-skew", gen.spec.owner_skew, "Zipf exponent of owner popularity, 0 = uniform (default 1)");
  trace_cmd->add_option("--namespace", gen.spec.namespace_, "Namespace of every pod (default \"default\")");
  trace_cmd->add_option("--format", gen.format, "csv or jsonl (default csv)")->check(CLI::IsMember({"csv", "jsonl"}));
  trace_cmd->add_option("--out", gen.out, "Write the trace to this file (atomically) instead of standard output");

  CheckOptions check;
  auto* check_cmd = app.add_subcommand(
      "check", "Run many scenarios, evaluate their expectations and compare their decisions with goldens");
  check_cmd->add_option("inputs", check.inputs, "Scenario files, directories (their *.yaml) or globs (default: scenarios/)");
  check_cmd->add_option("-j,--jobs", check.jobs, "Scenarios run in parallel (default: the number of cores)")
      ->check(CLI::Range(1, 1024));
  check_cmd->add_option("--golden", check.golden_dir,
                        "Compare each run's decisions with DIR/<scenario file name>/ (result.json, decisions.jsonl)");
  check_cmd->add_flag("--update-golden", check.update_golden, "Rewrite the goldens under --golden from these runs");
  check_cmd->add_option("--fail-on-cost-increase", check.fail_on_cost_increase,
                        "A golden comparison fails only when a run's monthly cost rose by more than PCT percent "
                        "(changed decisions alone pass)")
      ->check(CLI::NonNegativeNumber);
  check_cmd->add_option("--fail-on-cost-decrease", check.fail_on_cost_decrease,
                        "A golden comparison fails only when a run's monthly cost fell by more than PCT percent")
      ->check(CLI::NonNegativeNumber);
  check_cmd->add_flag("--require-golden", check.require_golden,
                      "A scenario without a golden under --golden fails (by default it is reported as new and passes)");
  detail::add_controller_time_option(check_cmd, common);
  detail::add_exact_flag(check_cmd, common);
  check_cmd->add_option("--junit", check.junit, "Write a JUnit XML report (one testcase per expectation and golden)");
  check_cmd->add_option("--markdown", check.markdown, "Write a Markdown summary (PR comment / job summary)");
  check_cmd->add_option("--html", check.html, "Write the summary as a self-contained HTML page");

  ImportTraceOptions imp;
  auto* import_cmd = app.add_subcommand("import", "Convert outside inputs into capsim's formats");
  import_cmd->require_subcommand(1);
  auto* import_trace_cmd = import_cmd->add_subcommand(
      "trace", "A public trace in its own format to capsim's generic trace (docs/trace-format.md)");
  import_trace_cmd->add_option("input", imp.input, "The trace file")->required();
  import_trace_cmd->add_option("--format", imp.format, "Its format: alibaba-openb or alibaba-dlrm")
      ->required()
      ->check(CLI::IsMember({"alibaba-openb", "alibaba-dlrm"}));
  import_trace_cmd->add_option("--to", imp.to, "Output format, csv or jsonl (default csv)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  import_trace_cmd->add_option("--out", imp.out, "Write to this file (atomically) instead of standard output");
  import_trace_cmd->add_option("--skip-bad", imp.skip_bad, "Skip up to N malformed records (each reported), fail on more")
      ->check(CLI::Range(0, 1'000'000'000));
  ImportTraceOptions audit_imp;
  audit_imp.format = "k8s-audit";
  auto* import_audit_cmd = import_cmd->add_subcommand(
      "audit", "A Kubernetes API audit log (audit.k8s.io/v1 Events, one per line) to a capsim pod trace");
  import_audit_cmd->add_option("input", audit_imp.input, "The audit log (JSON lines, e.g. a CloudWatch Logs export)")
      ->required();
  import_audit_cmd->add_option("--to", audit_imp.to, "Output format, csv or jsonl (default csv)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  import_audit_cmd->add_option("--out", audit_imp.out, "Write to this file (atomically) instead of standard output");
  import_audit_cmd->add_option("--skip-bad", audit_imp.skip_bad, "Skip up to N malformed lines (each reported), fail on more")
      ->check(CLI::Range(0, 1'000'000'000));

  io::ClusterImportOptions cluster_imp;
  std::string cluster_now, cluster_out;
  auto* import_cluster_cmd = import_cmd->add_subcommand(
      "cluster", "A live cluster's objects (kubectl get ... -A -o json) to a scenario that starts from them");
  import_cluster_cmd->add_option("dump", cluster_imp.inputs, "JSON or YAML files (a List or objects) or directories of them")
      ->required();
  import_cluster_cmd->add_option("--out", cluster_out, "Write the scenario to this file (atomically) instead of standard output");
  import_cluster_cmd->add_option("--nodes", cluster_imp.node_group_sizes,
                                 "MIN:MAX:NAME: managed node group NAME is an Auto Scaling group the Cluster Autoscaler "
                                 "scales between MIN and MAX (repeatable; as CA's --nodes)");
  import_cluster_cmd->add_option("--duration", cluster_imp.duration, "The scenario's duration (default 1h)");
  import_cluster_cmd->add_option("--skip-bad", cluster_imp.skip_bad,
                                 "Leave out up to N malformed Node objects (each reported; their pods stay pending)")
      ->check(CLI::Range(0, 1'000'000));
  import_cluster_cmd->add_option("--name", cluster_imp.name, "The scenario's name (default imported-cluster)");
  import_cluster_cmd->add_option("--now", cluster_now,
                                 "The dump's time (node ages are measured to it); default: its newest creationTimestamp");

  detail::DiffOptions diff;
  auto* diff_cmd = app.add_subcommand("diff", "Compare two runs: costs, nodes, pending times, disruptions, decisions");
  diff_cmd->add_option("base", diff.base, "result.json, a --out directory, or a scenario file (run here)")->required();
  diff_cmd->add_option("head", diff.head, "result.json, a --out directory, or a scenario file (run here)")->required();
  diff_cmd->add_option("--format", diff.format, "table, json or markdown")
      ->check(CLI::IsMember({"table", "json", "markdown"}));
  diff_cmd->add_option("--html", diff.html, "Also write the diff as a self-contained HTML page");
  diff_cmd->add_option("--decisions", diff.max_decisions, "How many diverging decisions to list per autoscaler (default 10)");
  diff_cmd->add_flag("--exit-code", diff.exit_code,
                     "Exit 1 when the runs differ (a metric or a decision), 0 when they are the same, as git diff "
                     "--exit-code (2 is still bad input)");

  detail::SweepOptions sweep_opts;
  detail::add_sweep_commands(app, sweep_opts, common);
  detail::ForecastCliOptions forecast_opts;
  detail::add_forecast_command(app, forecast_opts, common);

  // The first word that is neither a global option nor its value names the subcommand; an unknown
  // one gets "did you mean" (CLI11 alone says "A subcommand is required").
  {
    std::vector<std::string> names;
    for (const auto* sc : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(sc->get_name());
    for (int i = 1; i < argc; ++i) {
      const std::string_view a = argv[i];
      if (a == "--catalog" || a == "--progress") {
        ++i;
        continue;
      }
      if (a.empty() || a.front() == '-') continue;
      if (std::find(names.begin(), names.end(), a) != names.end()) break;
      const std::vector<std::string_view> views(names.begin(), names.end());
      err << "capsim: unknown subcommand \"" << a << "\"";
      if (auto near = closest_word(a, views)) err << ", did you mean \"" << *near << "\"?";
      err << " (capsim --help lists them)\n";
      return k_exit_input_error;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::ostringstream o, eo;
    int rc = app.exit(e, o, eo);
    out << o.str();
    err << eo.str();
    return rc == 0 ? k_exit_ok : k_exit_input_error;
  }

  common.progress = detail::parse_progress_mode(progress);
  common.err_is_terminal = &err == &std::cerr && detail::stderr_is_terminal();
  try {
    if (auto rc = detail::run_sweep_command(sweep_opts, common, out, err)) return *rc;
    if (auto rc = detail::run_forecast_command(forecast_opts, common, out, err)) return *rc;
    if (*run_cmd) return cmd_run(run_path, common, run_format, run_out, run_seed, out, err);
    if (*compare_cmd) return cmd_compare(compare_path, common, compare_format, compare_out, compare_seed, out, err);
    if (*validate_cmd) return cmd_validate(validate_files, common, out, err);
    if (*version_cmd) {
      out << "capsim " << k_version << "\n";
      return k_exit_ok;
    }
    if (*check_cmd) return detail::cmd_check(check, common, out, err);
    if (*diff_cmd) return detail::cmd_diff(diff, common, out, err);
    if (*catalog_cmd) return cmd_catalog(common, cat_region, cat_type, cat_format, out);
    if (*trace_cmd) return cmd_generate_trace(gen, out);
    if (*import_trace_cmd) return cmd_import_trace(imp, out, err);
    if (*import_audit_cmd) return cmd_import_trace(audit_imp, out, err);
    if (*import_cluster_cmd) return cmd_import_cluster(cluster_imp, cluster_now, cluster_out, common, out, err);
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics()) err << d.render() << "\n";
    return k_exit_input_error;
  } catch (const InvariantError& e) {
    err << "capsim: internal error: " << e.what() << "\n";
    return k_exit_internal_error;
  } catch (const std::exception& e) {
    err << "capsim: error: " << e.what() << "\n";
    return k_exit_internal_error;
  }
  return k_exit_ok;
}

}  // namespace capsim::cli
