// The HTML report (issue 24 item 7, "reports people read"): one colour per instance type and per
// autoscaler on the whole page, the nodes of every autoscaler overlaid first, series that are zero
// throughout left out, responsive charts, repeated decisions collapsed; the forecast page's money
// axis and tables.
#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "capsim/report/forecast_report.hpp"
#include "capsim/report/html_report.hpp"
#include "capsim/sim/result.hpp"
#include "report/chart_colors.hpp"
#include "report/decision_rows.hpp"
#include "report/svg_chart.hpp"

using namespace capsim;

namespace {

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

sim::Sample sample(std::int64_t at_s, std::map<std::string, int> nodes, int pending, double usd_per_hour) {
  sim::Sample s{SimTime{at_s * 1000}, std::move(nodes), pending, 0, Money::from_usd(usd_per_hour)};
  return s;
}

// Two autoscalers on the same sample times sharing m5.large; no spot node, no pending pod.
sim::RunResult two_autoscalers() {
  sim::RunResult run;
  run.scenario = "colours";
  run.scenario_file = "colours.yaml";
  run.duration = Duration::minutes(2);
  sim::AutoscalerResult k;
  k.autoscaler = "karpenter";
  k.samples = {sample(0, {}, 0, 0), sample(60, {{"", 1}, {"m5.large", 1}}, 0, 0.096),
               sample(120, {{"c5.xlarge", 1}, {"m5.large", 2}, {"r5.large", 0}}, 0, 0.362)};
  sim::AutoscalerResult ca;
  ca.autoscaler = "cluster-autoscaler";
  ca.samples = {sample(0, {{"m5.large", 1}}, 0, 0.096), sample(60, {{"m5.large", 1}, {"m5.2xlarge", 1}}, 0, 0.48),
                sample(120, {{"m5.large", 1}, {"m5.2xlarge", 1}}, 0, 0.48)};
  sim::AutoscalerResult bound;
  bound.autoscaler = "lower-bound";
  bound.samples = {sample(0, {}, 0, 0.05), sample(60, {}, 0, 0.2), sample(120, {}, 0, 0.3)};
  run.results = {k, ca, bound};
  return run;
}

// Every (data-kind, data-series) of the page with the colours it is drawn in.
std::map<std::pair<std::string, std::string>, std::set<std::string>> drawn_colors(const std::string& page) {
  std::map<std::pair<std::string, std::string>, std::set<std::string>> out;
  static const std::regex attrs("data-kind=\"([^\"]*)\" data-series=\"([^\"]*)\" data-color=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), attrs); it != std::sregex_iterator(); ++it)
    out[{(*it)[1], (*it)[2]}].insert((*it)[3]);
  return out;
}

}  // namespace

TEST_CASE("chart colours: instance types and autoscalers by sorted name, past the palette golden-angle hues", "[report][html]") {
  using report::detail::autoscaler_colors;
  using report::detail::instance_type_colors;
  const auto types = instance_type_colors({"m5.large", "c5.xlarge", "launching", "m5.2xlarge"});
  CHECK(types == report::detail::ColorMap{{"c5.xlarge", "#4e79a7"}, {"m5.2xlarge", "#f28e2b"}, {"m5.large", "#59a14f"},
                                          {"launching", "#b0b0b0"}});
  // The colour of a type depends on the set of names only, never on the order they were met in.
  CHECK(instance_type_colors({"m5.large"}).at("m5.large") == "#4e79a7");
  CHECK(autoscaler_colors({"karpenter", "cluster-autoscaler", "static", "lower-bound"}) ==
        report::detail::ColorMap{{"cluster-autoscaler", "#1f77b4"}, {"karpenter", "#d62728"}, {"static", "#2ca02c"},
                                 {"lower-bound", "#222222"}});
  std::set<std::string> many;
  for (int i = 0; i < 60; ++i) many.insert("t" + std::to_string(100 + i) + ".large");
  const auto big = instance_type_colors(many);
  CHECK(big.at("t120.large") == "#d36969");  // the 21st: hue 0, lighter
  CHECK(big.at("t121.large") == "#2e9e4f");  // the 22nd: hue 137.5, darker
  std::set<std::string> distinct;
  for (const auto& [name, color] : big) distinct.insert(color);
  CHECK(distinct.size() == 60);
}

TEST_CASE("html report: one colour per instance type and per autoscaler in every chart of the page", "[report][html]") {
  const std::string page = report::html_report(two_autoscalers());
  const auto drawn = drawn_colors(page);
  // Every chart (path and legend item) draws a type or an autoscaler in the page's one colour.
  const std::map<std::pair<std::string, std::string>, std::set<std::string>> expected = {
      {{"instance-type", "c5.xlarge"}, {"#4e79a7"}},
      {{"instance-type", "m5.2xlarge"}, {"#f28e2b"}},
      {{"instance-type", "m5.large"}, {"#59a14f"}},
      {{"instance-type", "launching"}, {"#b0b0b0"}},
      {{"autoscaler", "cluster-autoscaler"}, {"#1f77b4"}},
      {{"autoscaler", "karpenter"}, {"#d62728"}},
      {{"autoscaler", "lower-bound"}, {"#222222"}},
  };
  for (const auto& [key, colors] : drawn) {
    INFO(key.first << " " << key.second);
    REQUIRE(expected.count(key));
    CHECK(colors == expected.at(key));
  }
  // m5.large is in both autoscalers' instance-type charts (a path and a legend item in each).
  CHECK(count_of(page, "data-kind=\"instance-type\" data-series=\"m5.large\"") == 4);
  // The summary and the section headings carry the autoscaler's colour too.
  CHECK(page.find("<tr><td><span class=\"swatch\" style=\"background:#d62728\"></span>karpenter</td>") != std::string::npos);
  CHECK(page.find("<h3 class=\"autoscaler\"><span class=\"swatch\" style=\"background:#1f77b4\"></span>cluster-autoscaler</h3>") !=
        std::string::npos);
}

TEST_CASE("html report: the first chart is every autoscaler's nodes overlaid; zero series are not drawn", "[report][html]") {
  const std::string page = report::html_report(two_autoscalers());
  const auto first = page.find("<svg class=\"chart\"");
  REQUIRE(first != std::string::npos);
  const std::string chart0_open = "<svg class=\"chart\" id=\"chart-0\" data-chart=\"nodes over time, every autoscaler\"";
  CHECK(page.compare(first, chart0_open.size(), chart0_open) == 0);
  const std::string chart0 = page.substr(first, page.find("</svg>", first) - first);
  CHECK(count_of(chart0, "<path class=\"series line\"") == 2);  // karpenter, cluster-autoscaler; not the bound
  CHECK(chart0.find("data-series=\"karpenter\" data-color=\"#d62728\" fill=\"none\" stroke=\"#d62728\" d=\"M64.0,250.0L") !=
        std::string::npos);
  // r5.large is listed with 0 nodes, spot has none, nothing is ever pending, CPU and memory are
  // never requested: none of them is drawn or in a legend.
  CHECK(page.find("r5.large") == std::string::npos);
  CHECK(page.find("data-series=\"spot\"") == std::string::npos);
  CHECK(page.find("data-series=\"memory\"") == std::string::npos);
  CHECK(page.find("<p class=\"note chart-empty\" id=\"chart-7\">pending pods: zero throughout, not drawn.</p>") != std::string::npos);
  // One capacity type throughout: a line instead of a chart that would repeat the total.
  CHECK(page.find("<p class=\"note capacity-type\">karpenter: every node on-demand throughout.</p>") != std::string::npos);
  CHECK(page.find("nodes by capacity type") == std::string::npos);
  // With spot and on-demand both, the chart is drawn, each in its own colour.
  auto run = two_autoscalers();
  run.results[1].samples[1].spot_nodes = 1;
  const std::string mixed = report::html_report(run);
  CHECK(mixed.find("data-chart=\"cluster-autoscaler: nodes by capacity type\"") != std::string::npos);
  CHECK(count_of(mixed, "data-kind=\"capacity-type\" data-series=\"spot\" data-color=\"#e6a100\"") == 2);
  CHECK(count_of(mixed, "data-kind=\"capacity-type\" data-series=\"on-demand\" data-color=\"#5d6d7e\"") == 2);
}

TEST_CASE("html report: charts take the page's width (a viewBox, width 100 %, no fixed size)", "[report][html]") {
  const std::string page = report::html_report(two_autoscalers());
  CHECK(count_of(page, "<svg class=\"chart\"") == count_of(page, "width=\"100%\" preserveAspectRatio=\"xMinYMin meet\""));
  CHECK(page.find("viewBox=\"0 0 1000 ") != std::string::npos);
  CHECK(page.find("height=\"280\"") == std::string::npos);
  CHECK(page.find("width=\"960\"") == std::string::npos);
  CHECK(page.find("svg.chart{display:block;background:#fff;border:1px solid #ddd;width:100%;height:auto}") != std::string::npos);
  CHECK(page.find("max-width:1200px") == std::string::npos);
  // A two-minute run's time axis is in minutes.
  CHECK(page.find(">simulated time (min)</text>") != std::string::npos);
}

TEST_CASE("html report: repeated decisions collapse into one row with the count and time range", "[report][html]") {
  auto at = [](std::int64_t s) { return SimTime{s * 1000}; };
  auto nominate = [&](std::int64_t s) {
    return sim::Decision{at(s), "karpenter", "nominate", "pods fit existing node", "general", {"node-1"}, {"m5.large"},
                         {"web-0", "web-1"}, "nominated node node-1 for 2 pod(s)"};
  };
  auto unconsolidatable = [&](std::int64_t s, const std::string& why) {
    return sim::Decision{at(s), "", "disrupt", "unconsolidatable", "general", {"node-2"}, {"m5.large"}, {},
                         "node node-2 is unconsolidatable: " + why};
  };
  std::vector<sim::Decision> ds;
  for (std::int64_t s = 10; s <= 420; s += 10) ds.push_back(nominate(s));  // x 42, 00:00:10-00:07:00
  ds.insert(ds.begin() + 1, unconsolidatable(15, "can't replace with a cheaper node"));
  ds.insert(ds.begin() + 3, unconsolidatable(25, "can't replace with a cheaper node"));
  ds.push_back(unconsolidatable(430, "a pod has a do-not-disrupt annotation"));  // the answer changes ...
  ds.push_back(unconsolidatable(440, "can't replace with a cheaper node"));       // ... and back: a new row
  ds.push_back(unconsolidatable(450, "can't replace with a cheaper node"));
  ds.back().at = SimTime{450'500};
  const auto rows = report::detail::collapse_decisions(ds, "karpenter");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].first->kind == "nominate");
  CHECK(rows[0].count == 42);
  CHECK(report::detail::repeat_text(rows[0]) == "\u00d7 42, 00:00:10\u201300:07:00");
  CHECK(rows[1].autoscaler == "karpenter");  // the result's, when the decision names none
  CHECK(report::detail::repeat_text(rows[1]) == "\u00d7 2, 00:00:15\u201300:00:25");
  CHECK(report::detail::repeat_text(rows[2]).empty());
  CHECK(rows[2].first->message == "node node-2 is unconsolidatable: a pod has a do-not-disrupt annotation");
  CHECK(report::detail::repeat_text(rows[3]) == "\u00d7 2, 00:07:20\u201300:07:30.500");

  auto run = two_autoscalers();
  run.results[0].decisions = ds;
  const std::string page = report::html_report(run);
  CHECK(page.find("<tr data-kind=\"nominate\" data-count=\"42\"><td>00:00:10.000</td><td class=\"repeat\">\u00d7 42, "
                  "00:00:10\u201300:07:00</td><td>karpenter</td><td>nominate</td><td>pods fit existing node</td><td>general</td>"
                  "<td>nominated node node-1 for 2 pod(s)</td></tr>") != std::string::npos);
  CHECK(count_of(page, "<tr data-kind=") == 4);
  CHECK(page.find("<p class=\"note\">47 decisions in 4 rows: ") != std::string::npos);
}

TEST_CASE("svg axis numbers: thousands separated, the step's decimals", "[report][html]") {
  using report::detail::axis_number;
  using report::detail::grouped_number;
  CHECK(grouped_number(12345, 0) == "12,345");
  CHECK(grouped_number(1234567.891, 2) == "1,234,567.89");
  CHECK(grouped_number(-1234, 0) == "-1,234");
  CHECK(grouped_number(-0.0001, 2) == "0.00");
  CHECK(grouped_number(999, 0) == "999");
  CHECK(axis_number(0.25, 0.05) == "0.25");
  CHECK(axis_number(20000, 5000) == "20,000");
  CHECK(report::detail::nice_step(23456, 5) == 5000);
}

TEST_CASE("forecast page: $ and thousands on the cost axis, HTML tables, one colour per autoscaler", "[report][html][forecast]") {
  forecast::ForecastResult r;
  r.chosen = "seasonal-naive-168";
  r.why = "lowest MASE";
  r.scores = {{"seasonal-naive-168", 7, 0.8, 3.5, -1.25, 0.86}};
  r.history_hours = 336;
  r.level = 0.8;
  r.point = std::vector<double>(48, 12000);
  r.paths = {std::vector<double>(48, 11500), std::vector<double>(48, 12500)};
  r.daily = {{288000, 288000, 276000, 300000}, {288000, 288000, 276000, 300000}};
  r.total = {576000, 576000, 552000, 600000};
  report::ForecastContext ctx;
  ctx.source = "trace.csv";
  ctx.series = "vcpu";
  ctx.cluster = "cluster.yaml";
  auto cost = [](const std::string& who, double per_day) {
    forecast::AutoscalerCost c;
    c.autoscaler = who;
    c.daily_cost_usd = {{per_day, per_day, per_day * 0.9, per_day * 1.1}, {per_day, per_day, per_day * 0.9, per_day * 1.1}};
    c.cumulative_cost_usd = {{per_day, per_day, per_day * 0.9, per_day * 1.1},
                             {2 * per_day, 2 * per_day, 1.8 * per_day, 2.2 * per_day}};
    c.cost_usd = c.cumulative_cost_usd.back();
    return c;
  };
  ctx.costs = {cost("karpenter", 6000), cost("cluster-autoscaler", 7500)};
  ctx.what_if = {"demand*1.3"};
  ctx.budget_usd = 25000;
  ctx.what_if_costs = {cost("karpenter", 7800)};
  const std::vector<double> history(336, 12000);
  const std::string page = report::forecast_html(r, ctx, history);
  // The cost axis: nice steps of money with thousands separators.
  CHECK(page.find("text-anchor=\"end\">$0</text>") != std::string::npos);
  CHECK(page.find("text-anchor=\"end\">$10,000</text>") != std::string::npos);
  CHECK(page.find("text-anchor=\"end\">$15,000</text>") != std::string::npos);
  CHECK(page.find(">budget $25,000.00</text>") != std::string::npos);
  // The demand axis: thousands separated, no "$".
  CHECK(page.find("text-anchor=\"end\">12,000</text>") != std::string::npos);
  // Responsive, like the run report's.
  CHECK(page.find("width=\"900\"") == std::string::npos);
  CHECK(count_of(page, "width=\"100%\" preserveAspectRatio=\"xMinYMin meet\"") == 2);
  CHECK(page.find("<h1>Forecast of vcpu from trace.csv</h1>\n<p>336 hours of history &middot; model: lowest MASE</p>") !=
        std::string::npos);
  // Tables, not preformatted text; big numbers and money grouped.
  CHECK(page.find("<pre>") == std::string::npos);
  CHECK(page.find("<table class=\"forecast\"><thead><tr><th>MODEL</th><th>MASE</th>") != std::string::npos);
  CHECK(page.find("<tr><td>+1</td><td>288,000</td><td>276,000</td><td>288,000</td><td>300,000</td></tr>") != std::string::npos);
  CHECK(page.find("<tr><td>total</td><td>576,000</td>") != std::string::npos);
  CHECK(page.find("<td>karpenter</td><td>12,000.00</td>") != std::string::npos);
  // One colour per autoscaler: the what-if line is karpenter's colour, dashed.
  const auto drawn = drawn_colors(page);
  CHECK(drawn.at({"autoscaler", "karpenter"}) == std::set<std::string>{"#d62728"});
  CHECK(drawn.at({"autoscaler", "cluster-autoscaler"}) == std::set<std::string>{"#1f77b4"});
  CHECK(count_of(page, "data-series=\"karpenter\"") == 2);
}
