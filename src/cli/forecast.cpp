// `capsim forecast INPUT` (docs/forecast.md): the hourly demand of a trace, Prometheus exports or a
// scenario's run, every model backtested, the chosen one's forecast with intervals from sample paths,
// and its cost through a cluster's autoscalers with what-ifs.
#include "cli_detail.hpp"

#include <functional>

#include <CLI/CLI.hpp>

#include "capsim/cli/cli.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/core/time.hpp"
#include "capsim/forecast/backtest.hpp"
#include "capsim/forecast/demand.hpp"
#include "capsim/report/forecast_report.hpp"
#include "capsim/io/prometheus_reader.hpp"
#include "capsim/io/trace_reader.hpp"
#include "capsim/report/atomic_write.hpp"
#include "capsim/sim/simulation.hpp"
#include "capsim/sweep/forecast_cost.hpp"

namespace capsim::cli::detail {
namespace {

[[noreturn]] void bad(const std::string& msg) { throw InputError({Diagnostic{"", 0, 0, Severity::error, "", msg}}); }

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool given_as(const ForecastCliOptions& o, const std::string& format, std::initializer_list<std::string_view> extensions) {
  if (o.trace_format == format) return true;
  if (o.trace_format != "auto") return false;
  return std::any_of(extensions.begin(), extensions.end(), [&](std::string_view e) { return ends_with(o.inputs.front(), e); });
}

// The hourly demand of the inputs: one trace, Prometheus exports whose series are pooled, or a
// scenario's own workload (its pods as the lower bound, which places every pod at once, sees them).
// A trace's format, when not given, is told from its header and named on `err`.
forecast::DemandSeries demand(const ForecastCliOptions& o, const std::function<std::shared_ptr<const catalog::Catalog>()>& get_catalog,
                              std::vector<forecast::ClassProfile>& classes, std::ostream& err) {
  const std::string* only = o.only_class.empty() ? nullptr : &o.only_class;
  if (given_as(o, "scenario", {".yaml", ".yml"})) {
    if (o.inputs.size() > 1) bad("one scenario at a time");
    const auto cat = get_catalog();
    const spec::Scenario sc = load(o.inputs.front(), *cat);
    auto events = std::make_shared<std::vector<spec::TraceEvent>>();
    sim::SimOptions so;
    so.catalog = cat;
    so.open_trace = io::open_replay_trace;
    so.keep_decisions = false;
    so.pod_event = [&](const spec::TraceEvent& e) { events->push_back(e); };
    sim::run_autoscaler(sc, "lower-bound", so);
    spec::EventListSource list(std::move(events));
    return forecast::demand_from_trace(list, sc.duration, only, &classes);
  }
  if (given_as(o, "prometheus", {".json"})) {
    if (only) bad("--class needs a trace or a scenario: a Prometheus export's series have no workload classes");
    std::vector<spec::MetricSeries> series;
    for (const auto& f : o.inputs) {
      auto s = io::read_prometheus_matrix(f);
      series.insert(series.end(), std::make_move_iterator(s.begin()), std::make_move_iterator(s.end()));
    }
    return forecast::demand_from_metrics(series);
  }
  if (o.inputs.size() > 1) bad("one trace at a time; several inputs must be Prometheus exports (--trace-format prometheus)");
  auto fmt = io::parse_trace_format(o.trace_format);
  if (!fmt) bad("--trace-format: unknown format \"" + o.trace_format + "\"");
  const std::string& trace = o.inputs.front();
  if (*fmt == io::TraceFormat::auto_detect) {
    fmt = io::trace_format_from_header(trace);
    err << "reading " << trace << " as " << io::trace_format_title(*fmt) << " (" << io::trace_format_name(*fmt)
        << ", from its header)\n";
  }
  auto reader = io::open_trace(trace, *fmt);
  return forecast::demand_from_trace(*reader, std::nullopt, only, &classes);
}

}  // namespace

void add_forecast_command(CLI::App& app, ForecastCliOptions& o, Common& common) {
  o.cmd = app.add_subcommand("forecast", "Forecast a trace's demand: every model backtested, the best with intervals");
  o.cmd->add_option("input", o.inputs,
                    "A pod-event trace (capsim CSV/JSONL, alibaba-openb, alibaba-dlrm, k8s-audit), Prometheus "
                    "query_range exports (.json, one or more), or a scenario (.yaml: the demand of its own run)")
      ->required();
  o.cmd->add_option("--trace-format", o.trace_format,
                    "auto (.json is prometheus, .yaml a scenario, any other trace's format is told from its header), "
                    "csv, jsonl, alibaba-openb, alibaba-dlrm, k8s-audit, prometheus, scenario");
  o.cmd->add_option("--series", o.cost.series, "vcpu (default), memory, pods or arrivals")
      ->check(CLI::IsMember({"vcpu", "memory", "pods", "arrivals"}));
  o.cmd->add_option("--horizon", o.horizon, "How far ahead, as a duration in whole hours (default 168h)");
  o.cmd->add_option("--class", o.only_class,
                    "Forecast one workload class: the pods of this owner (e.g. ReplicaSet/app_0; the report lists them)");
  o.cmd->add_option("--level", o.level, "Central interval in percent, 50 to 99 (default 80)")->check(CLI::Range(50, 99));
  o.cmd->add_option("--backtest-days", o.backtest_days, "Daily backtest origins (default 7)")->check(CLI::Range(1, 365));
  o.cmd->add_option("--format", o.format, "table, markdown, json or html (charts of the forecast and of the cost)")
      ->check(CLI::IsMember({"table", "markdown", "json", "html"}));
  o.cmd->add_option("--out", o.out, "Write to this file (atomically) instead of standard output");
  o.cmd->add_option("--scenario", o.scenario,
                    "Replay every demand path through this cluster scenario's autoscalers: its Deployment --deployment "
                    "is scaled each hour to the path's demand");
  o.cmd->add_option("--paths", o.cost.paths, "Demand paths to replay (default 100; at most the forecast's)")->check(CLI::Range(1, 100000));
  add_controller_time_option(o.cmd, common);
  o.cmd->add_option("-j,--jobs", o.cost.jobs, "Paths replayed in parallel (default 1)")->check(CLI::Range(1, 1024));
  o.cmd->add_option("--seed", o.cost.seed, "Seed of the replays (path p runs with derive_seed(seed, p))");
  o.cmd->add_option("--scale", o.cost.scale, "Multiply the demand before replaying it (simulate a fraction; default 1)")
      ->check(CLI::Range(1e-6, 1e6));
  o.cmd->add_option("--deployment", o.cost.deployment, "The scenario's Deployment that carries the demand (default demand)");
  o.cmd->add_option("--workload", o.cost.workload,
                    "How a path becomes pods: deployment (scale --deployment every hour; default) or sampled (pods drawn "
                    "from the history's classes, shapes and lifetimes)")
      ->check(CLI::IsMember({"deployment", "sampled"}));
  o.cmd->add_option("--what-if", o.what_if,
                    "An edit replayed beside the base (repeatable, applied in order): demand*FACTOR, add=FILE (its "
                    "documents appended to the cluster) or PATH=VALUE (a sweep parameter path, docs/sweep-format.md)");
  o.cmd->add_option("--budget", o.budget, "Budget for the horizon in USD: the share of paths above it, a line on the cost chart")
      ->check(CLI::PositiveNumber);
}

std::optional<int> run_forecast_command(const ForecastCliOptions& o, const Common& common, std::ostream& out,
                                        std::ostream& err) {
  if (!o.cmd || !*o.cmd) return std::nullopt;
  const auto horizon = parse_duration(o.horizon);
  if (!horizon || horizon->ms <= 0 || horizon->ms % 3'600'000 != 0)
    bad("--horizon: expected a duration in whole hours such as \"168h\", got \"" + o.horizon + "\"");
  std::shared_ptr<const catalog::Catalog> cat;  // loaded once, when a scenario needs it
  const auto get_catalog = [&] {
    if (!cat) cat = load_catalog(common);
    return cat;
  };
  std::vector<forecast::ClassProfile> classes;
  const forecast::DemandSeries d = demand(o, get_catalog, classes, err);
  if (!o.only_class.empty() && classes.empty()) bad("--class: no pod of the input has the owner \"" + o.only_class + "\"");
  const std::vector<double>& y = d.named(o.cost.series);
  if (y.empty()) bad("the input has no " + o.cost.series + " series (docs/forecast.md, \"Demand series\")");
  forecast::ForecastOptions opts;
  opts.horizon_hours = static_cast<std::size_t>(horizon->ms / 3'600'000);
  opts.level = o.level / 100.0;
  opts.eval_days = static_cast<std::size_t>(o.backtest_days);
  const forecast::ForecastResult r = forecast::forecast_series(y, opts);
  report::ForecastContext ctx;
  for (const auto& in : o.inputs) ctx.source += (ctx.source.empty() ? "" : ", ") + in;
  ctx.series = o.cost.series;
  ctx.cluster = o.scenario;
  ctx.scale = o.cost.scale;
  ctx.classes = std::move(classes);
  ctx.only_class = o.only_class;
  if (o.scenario.empty() && (!o.what_if.empty() || o.budget)) bad("--what-if and --budget need the cluster scenario (--scenario)");
  if (!o.scenario.empty()) {
    get_catalog();
    const spec::Scenario cluster = load(o.scenario, *cat);
    std::optional<sweep::WhatIf> what_if;
    if (!o.what_if.empty()) what_if = sweep::parse_what_if(o.what_if, o.scenario, *cat);
    sweep::CostForecastOptions cost = o.cost;
    cost.controller_time = controller_time_override(common);
    if (cost.workload == "sampled") cost.classes = ctx.classes;
    auto c = sweep::cost_through_autoscalers(cluster, r, cost, cat, what_if ? &*what_if : nullptr);
    ctx.costs = std::move(c.base);
    ctx.what_if = o.what_if;
    ctx.what_if_costs = std::move(c.what_if);
    ctx.diffs = std::move(c.diffs);
    ctx.budget_usd = o.budget;
  }
  const std::string text = o.format == "json"       ? report::forecast_json(r, ctx)
                           : o.format == "html"     ? report::forecast_html(r, ctx, y)
                           : o.format == "markdown" ? report::forecast_markdown(r, ctx)
                                                    : report::forecast_table(r, ctx);
  if (o.out.empty()) out << text;
  else report::write_file_atomic(o.out, text);
  return k_exit_ok;
}

}  // namespace capsim::cli::detail
