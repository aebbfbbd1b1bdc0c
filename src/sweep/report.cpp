#include "capsim/sweep/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include <nlohmann/json.hpp>

#include "capsim/core/diagnostic.hpp"
#include "capsim/report/html_page.hpp"

namespace capsim::sweep {
namespace {

using json = nlohmann::json;

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// "mean ± ci" (just the mean with one repetition).
std::string with_ci(const MetricStats& s) { return s.n >= 2 ? num(s.mean) + " ± " + num(s.ci95) : num(s.mean); }

MetricStats stats(const std::vector<double>& xs) {
  MetricStats s;
  s.n = xs.size();
  if (xs.empty()) return s;
  double sum = 0;
  for (double x : xs) sum += x;
  s.mean = sum / static_cast<double>(s.n);
  if (s.n < 2) return s;
  double ss = 0;
  for (double x : xs) ss += (x - s.mean) * (x - s.mean);
  s.stddev = std::sqrt(ss / static_cast<double>(s.n - 1));
  s.ci95 = student_t_975(s.n - 1) * s.stddev / std::sqrt(static_cast<double>(s.n));
  return s;
}

bool holds(double v, const std::string& op, double bound) {
  if (op == "<=") return v <= bound;
  if (op == "<") return v < bound;
  if (op == ">=") return v >= bound;
  if (op == ">") return v > bound;
  return v == bound;
}

// The objective's value turned so that lower is better.
double cost_of(const ReportRow& r, const Objective& o) {
  auto it = r.metrics.find(o.metric);
  const double v = it == r.metrics.end() ? std::numeric_limits<double>::infinity() : it->second.mean;
  return o.minimize ? v : -v;
}

bool dominates(const ReportRow& a, const ReportRow& b, const std::vector<Objective>& objs) {
  bool better = false;
  for (const auto& o : objs) {
    const double x = cost_of(a, o), y = cost_of(b, o);
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

// The two rows' 95 % intervals overlap on every objective.
bool tied(const ReportRow& a, const ReportRow& b, const std::vector<Objective>& objs) {
  for (const auto& o : objs) {
    auto ia = a.metrics.find(o.metric), ib = b.metrics.find(o.metric);
    if (ia == a.metrics.end() || ib == b.metrics.end()) return false;
    if (std::fabs(ia->second.mean - ib->second.mean) > ia->second.ci95 + ib->second.ci95) return false;
  }
  return true;
}

void mark_front(SweepReport& rep) {
  std::vector<std::size_t> cand;
  for (std::size_t i = 0; i < rep.rows.size(); ++i)
    if (rep.feasible(rep.rows[i])) cand.push_back(i);
  for (auto i : cand) {
    bool dominated = false;
    for (auto j : cand)
      if (j != i && dominates(rep.rows[j], rep.rows[i], rep.objectives)) {
        dominated = true;
        break;
      }
    rep.rows[i].front = !dominated;
  }
  for (auto i : cand) {
    if (rep.rows[i].front) continue;
    for (auto j : cand)
      if (rep.rows[j].front && tied(rep.rows[i], rep.rows[j], rep.objectives)) {
        rep.rows[i].tied_with = j;
        break;
      }
  }
  std::vector<std::size_t> front;
  for (auto i : cand)
    if (rep.rows[i].front) front.push_back(i);
  if (front.empty()) return;
  auto best_by = [&](const std::string& metric) -> std::optional<std::size_t> {
    auto o = std::find_if(rep.objectives.begin(), rep.objectives.end(), [&](const Objective& x) { return x.metric == metric; });
    if (o == rep.objectives.end()) return std::nullopt;
    std::size_t best = front.front();
    for (auto i : front)
      if (cost_of(rep.rows[i], *o) < cost_of(rep.rows[best], *o)) best = i;
    return best;
  };
  rep.cheapest = best_by("costUsd");
  rep.fastest = best_by("podPendingSeconds.p95");
  // Knee: each objective min-max normalised over the front (0 best), the point nearest the ideal.
  double best_d = std::numeric_limits<double>::infinity();
  for (auto i : front) {
    double d = 0;
    for (const auto& o : rep.objectives) {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (auto j : front) {
        lo = std::min(lo, cost_of(rep.rows[j], o));
        hi = std::max(hi, cost_of(rep.rows[j], o));
      }
      const double x = hi > lo ? (cost_of(rep.rows[i], o) - lo) / (hi - lo) : 0.0;
      d += x * x;
    }
    if (d < best_d) {
      best_d = d;
      rep.balanced = i;
    }
  }
}

std::string label(const ReportRow& r) {
  std::string s;
  for (const auto& [k, v] : r.params) s += (s.empty() ? "" : ", ") + k + "=" + v;
  return s + " [" + r.autoscaler + "]";
}

std::string status_of(const SweepReport& rep, std::size_t i) {
  const auto& r = rep.rows[i];
  if (r.runs_ok == 0) return "failed";
  if (!r.violated.empty()) return "violates " + r.violated.front();
  if (r.front) return "front";
  if (r.tied_with) return "tied with point " + std::to_string(rep.rows[*r.tied_with].point) + " " + rep.rows[*r.tied_with].autoscaler;
  return "dominated";
}

std::vector<std::string> picks(const SweepReport& rep, std::size_t i) {
  std::vector<std::string> p;
  if (rep.cheapest == i) p.emplace_back("cheapest");
  if (rep.fastest == i) p.emplace_back("fastest");
  if (rep.balanced == i) p.emplace_back("balanced");
  return p;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

std::vector<std::string> param_names(const SweepReport& rep) {
  std::vector<std::string> names;
  if (!rep.rows.empty())
    for (const auto& [k, v] : rep.rows.front().params) names.push_back(k);
  return names;
}

// Columns of the table, CSV and Markdown views: params, autoscaler, objective metrics, status.
std::vector<std::vector<std::string>> grid(const SweepReport& rep, bool ci_columns) {
  std::vector<std::vector<std::string>> g;
  std::vector<std::string> head = {"point"};
  for (const auto& n : param_names(rep)) head.push_back(n);
  head.emplace_back("autoscaler");
  head.emplace_back("runs");
  for (const auto& o : rep.objectives) {
    head.push_back(o.metric + " (" + (o.minimize ? "min" : "max") + ")");
    if (ci_columns) head.push_back(o.metric + " ci95");
  }
  head.emplace_back("status");
  head.emplace_back("pick");
  g.push_back(head);
  for (std::size_t i = 0; i < rep.rows.size(); ++i) {
    const auto& r = rep.rows[i];
    std::vector<std::string> row = {std::to_string(r.point)};
    for (const auto& [k, v] : r.params) row.push_back(v);
    row.push_back(r.autoscaler);
    row.push_back(std::to_string(r.runs_ok) + (r.runs_failed ? " (+" + std::to_string(r.runs_failed) + " failed)" : ""));
    for (const auto& o : rep.objectives) {
      auto it = r.metrics.find(o.metric);
      if (ci_columns) {
        row.push_back(it == r.metrics.end() ? "" : num(it->second.mean));
        row.push_back(it == r.metrics.end() || it->second.n < 2 ? "" : num(it->second.ci95));
      } else {
        row.push_back(it == r.metrics.end() ? "-" : with_ci(it->second));
      }
    }
    row.push_back(status_of(rep, i));
    row.push_back(join(picks(rep, i), " "));
    g.push_back(std::move(row));
  }
  return g;
}

std::string headline(const SweepReport& rep) {
  std::string s = "sweep " + (rep.name.empty() ? std::string("(unnamed)") : rep.name) + " " + rep.sweep_id.substr(0, 12) + ": " +
                  std::to_string(rep.runs) + " runs, " + std::to_string(rep.failed_runs) + " failed";
  if (rep.partial) {
    std::vector<std::string> m;
    for (auto i : rep.missing_shards) m.push_back(std::to_string(i));
    s += "; PARTIAL: shards " + join(m, ", ") + " missing";
  }
  return s;
}

std::string pick_lines(const SweepReport& rep, const std::string& bullet) {
  std::string s;
  auto line = [&](const char* what, const std::optional<std::size_t>& i) {
    if (i) s += bullet + what + ": point " + std::to_string(rep.rows[*i].point) + " " + label(rep.rows[*i]) + "\n";
  };
  line("cheapest", rep.cheapest);
  line("fastest", rep.fastest);
  line("balanced", rep.balanced);
  return s;
}

}  // namespace

double student_t_975(std::size_t df) {
  static constexpr double k_table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                       2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                       2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df == 0) return std::numeric_limits<double>::infinity();
  if (df <= 30) return k_table[df - 1];
  const double z = 1.959963985, v = static_cast<double>(df);
  const double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
  return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v);
}

SweepReport build_report(const std::string& merged_json, const std::string& file_name) {
  auto fail = [&](const std::string& msg) { throw InputError({Diagnostic{file_name, 0, 0, Severity::error, "", msg}}); };
  json j;
  try {
    j = json::parse(merged_json);
  } catch (const json::exception& e) {
    fail(std::string("not JSON: ") + e.what());
  }
  if (!j.is_object() || j.value("kind", "") != "capsim-sweep-result")
    fail("not a merged sweep result (kind \"capsim-sweep-result\"); merge shard files with `capsim sweep merge`");
  SweepReport rep;
  try {
    rep.sweep_id = j.at("sweepId").get<std::string>();
    const json& plan = j.at("plan");
    rep.name = plan.value("name", "");
    rep.partial = j.value("partial", false);
    rep.missing_shards = j.value("missingShards", std::vector<std::size_t>{});
    for (const auto& o : plan.at("objectives")) rep.objectives.push_back({o.at("metric").get<std::string>(), o.at("goal") == "min"});
    struct Constraint {
      std::string metric, op, text;
      double bound;
    };
    std::vector<Constraint> constraints;
    for (const auto& c : plan.at("constraints")) {
      constraints.push_back({c.at("metric").get<std::string>(), c.at("op").get<std::string>(), c.at("text").get<std::string>(),
                             c.at("bound").get<double>()});
      rep.constraints.push_back(constraints.back().text);
    }
    std::vector<std::string> names;
    for (const auto& p : plan.at("parameters")) names.push_back(p.at("name").get<std::string>());
    // (point, autoscaler) -> metric -> values over repetitions
    std::map<std::pair<std::size_t, std::string>, std::map<std::string, std::vector<double>>> values;
    std::map<std::pair<std::size_t, std::string>, std::size_t> failed;
    std::map<std::size_t, std::vector<std::pair<std::string, std::string>>> params;
    std::map<std::size_t, std::size_t> failed_points;  // failed runs per point (no autoscaler ran)
    for (const auto& run : j.at("runs")) {
      ++rep.runs;
      const auto point = run.at("point").get<std::size_t>();
      auto& p = params[point];
      if (p.empty())
        for (const auto& n : names) p.emplace_back(n, run.at("params").at(n).get<std::string>());
      if (run.at("status") != "ok") {
        ++rep.failed_runs;
        ++failed_points[point];
        continue;
      }
      for (const auto& [autoscaler, metrics] : run.at("metrics").items()) {
        if (autoscaler == "lower-bound") continue;  // a reference, not a configuration
        auto& per = values[{point, autoscaler}];
        for (const auto& [metric, v] : metrics.items()) per[metric].push_back(v.get<double>());
      }
    }
    for (const auto& [key, metrics] : values) {
      ReportRow row;
      row.point = key.first;
      row.autoscaler = key.second;
      row.params = params[key.first];
      for (const auto& [metric, xs] : metrics) {
        row.metrics[metric] = stats(xs);
        row.runs_ok = std::max(row.runs_ok, xs.size());
      }
      row.runs_failed = failed_points[key.first];
      for (const auto& c : constraints) {
        auto it = row.metrics.find(c.metric);
        if (it == row.metrics.end() || !holds(it->second.mean, c.op, c.bound)) row.violated.push_back(c.text);
      }
      rep.rows.push_back(std::move(row));
    }
    for (const auto& [point, n] : failed_points)
      if (std::none_of(rep.rows.begin(), rep.rows.end(), [&](const ReportRow& r) { return r.point == point; })) {
        ReportRow row;
        row.point = point;
        row.autoscaler = "-";
        row.params = params[point];
        row.runs_failed = n;
        rep.rows.push_back(std::move(row));
      }
    std::stable_sort(rep.rows.begin(), rep.rows.end(), [](const ReportRow& a, const ReportRow& b) {
      return a.point != b.point ? a.point < b.point : a.autoscaler < b.autoscaler;
    });
  } catch (const json::exception& e) {
    fail(std::string("malformed sweep result: ") + e.what());
  }
  mark_front(rep);
  return rep;
}

std::string report_table(const SweepReport& rep) {
  auto g = grid(rep, false);
  std::vector<std::size_t> width(g.front().size(), 0);
  for (const auto& row : g)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  std::string s = headline(rep) + "\n\n";
  for (const auto& row : g) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) line += row[c] + std::string(width[c] - row[c].size() + 2, ' ');
    while (!line.empty() && line.back() == ' ') line.pop_back();
    s += line + "\n";
  }
  s += "\n" + pick_lines(rep, "");
  return s;
}

std::string report_csv(const SweepReport& rep) {
  auto cell = [](const std::string& v) {
    if (v.find_first_of(",\"\n") == std::string::npos) return v;
    std::string q = "\"";
    for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  std::string s;
  for (const auto& row : grid(rep, true)) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) line += (c ? "," : "") + cell(row[c]);
    s += line + "\n";
  }
  return s;
}

std::string report_markdown(const SweepReport& rep) {
  std::string s = "### " + headline(rep) + "\n\n";
  auto g = grid(rep, false);
  for (std::size_t i = 0; i < g.size(); ++i) {
    s += "| " + join(g[i], " | ") + " |\n";
    if (i == 0) s += "|" + std::string() + [&] {
      std::string sep;
      for (std::size_t c = 0; c < g[0].size(); ++c) sep += " --- |";
      return sep;
    }() + "\n";
  }
  const std::string p = pick_lines(rep, "- ");
  if (!p.empty()) s += "\n" + p;
  s += "\nMeans over repetitions ± the 95 % confidence interval (Student t). \"tied\": dominated, but within the "
       "intervals of a front point on every objective.\n";
  return s;
}

std::string report_json(const SweepReport& rep) {
  json rows = json::array();
  for (std::size_t i = 0; i < rep.rows.size(); ++i) {
    const auto& r = rep.rows[i];
    json params = json::object();
    for (const auto& [k, v] : r.params) params[k] = v;
    json metrics = json::object();
    for (const auto& [m, st] : r.metrics) {
      metrics[m] = {{"n", st.n}, {"mean", st.mean}, {"stddev", st.stddev}};
      metrics[m]["ci95"] = st.n >= 2 ? json(st.ci95) : json(nullptr);
    }
    rows.push_back({{"point", r.point},
                    {"autoscaler", r.autoscaler},
                    {"params", params},
                    {"runsOk", r.runs_ok},
                    {"runsFailed", r.runs_failed},
                    {"metrics", metrics},
                    {"violates", r.violated},
                    {"front", r.front},
                    {"status", status_of(rep, i)},
                    {"picks", picks(rep, i)}});
  }
  json objectives = json::array();
  for (const auto& o : rep.objectives) objectives.push_back({{"metric", o.metric}, {"goal", o.minimize ? "min" : "max"}});
  auto pick = [&](const std::optional<std::size_t>& i) { return i ? json(rep.rows[*i].point) : json(nullptr); };
  auto pick_as = [&](const std::optional<std::size_t>& i) { return i ? json(rep.rows[*i].autoscaler) : json(nullptr); };
  json j = {{"schemaVersion", 1},
            {"sweepId", rep.sweep_id},
            {"name", rep.name},
            {"partial", rep.partial},
            {"missingShards", rep.missing_shards},
            {"runs", rep.runs},
            {"failedRuns", rep.failed_runs},
            {"objectives", objectives},
            {"constraints", rep.constraints},
            {"picks",
             {{"cheapest", {{"point", pick(rep.cheapest)}, {"autoscaler", pick_as(rep.cheapest)}}},
              {"fastest", {{"point", pick(rep.fastest)}, {"autoscaler", pick_as(rep.fastest)}}},
              {"balanced", {{"point", pick(rep.balanced)}, {"autoscaler", pick_as(rep.balanced)}}}}},
            {"rows", rows}};
  return j.dump(2) + "\n";
}

std::string report_html(const SweepReport& rep) {
  using report::detail::html_escape;
  // Scatter of the first objective (x) against the second (y): front points filled and joined,
  // dominated points hollow, constraint violators grey.
  const std::string xm = !rep.objectives.empty() ? rep.objectives[0].metric : "costUsd";
  const std::string ym = rep.objectives.size() > 1 ? rep.objectives[1].metric : "podPendingSeconds.p95";
  struct P {
    double x, y;
    std::size_t row;
  };
  std::vector<P> pts;
  for (std::size_t i = 0; i < rep.rows.size(); ++i) {
    const auto& r = rep.rows[i];
    auto ix = r.metrics.find(xm), iy = r.metrics.find(ym);
    if (ix != r.metrics.end() && iy != r.metrics.end()) pts.push_back({ix->second.mean, iy->second.mean, i});
  }
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  if (!pts.empty()) {
    x0 = x1 = pts.front().x;
    y0 = y1 = pts.front().y;
    for (const auto& p : pts) {
      x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
    }
  }
  auto pad = [](double& lo, double& hi) {
    const double d = hi > lo ? (hi - lo) * 0.08 : std::max(1.0, std::fabs(hi) * 0.1);
    lo -= d;
    hi += d;
  };
  pad(x0, x1);
  pad(y0, y1);
  const double W = 760, H = 420, L = 80, R = 20, T = 20, B = 50;
  auto sx = [&](double x) { return L + (x - x0) / (x1 - x0) * (W - L - R); };
  auto sy = [&](double y) { return H - B - (y - y0) / (y1 - y0) * (H - T - B); };
  std::string svg = "<svg class=\"chart\" id=\"sweep-front\" viewBox=\"0 0 760 470\" width=\"760\" height=\"470\" "
                    "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n";
  svg += "<g class=\"x-axis\"><line x1=\"" + num(L) + "\" y1=\"" + num(H - B) + "\" x2=\"" + num(W - R) + "\" y2=\"" +
         num(H - B) + "\" stroke=\"#444\"/>";
  for (int k = 0; k <= 4; ++k) {
    const double v = x0 + (x1 - x0) * k / 4;
    svg += "<text x=\"" + num(sx(v)) + "\" y=\"" + num(H - B + 18) + "\" text-anchor=\"middle\" font-size=\"11\">" + num(v) + "</text>";
  }
  svg += "<text x=\"" + num((L + W - R) / 2) + "\" y=\"" + num(H - 8) + "\" text-anchor=\"middle\" font-size=\"12\">" +
         html_escape(xm) + "</text></g>\n";
  svg += "<g class=\"y-axis\"><line x1=\"" + num(L) + "\" y1=\"" + num(T) + "\" x2=\"" + num(L) + "\" y2=\"" + num(H - B) +
         "\" stroke=\"#444\"/>";
  for (int k = 0; k <= 4; ++k) {
    const double v = y0 + (y1 - y0) * k / 4;
    svg += "<text x=\"" + num(L - 6) + "\" y=\"" + num(sy(v) + 4) + "\" text-anchor=\"end\" font-size=\"11\">" + num(v) + "</text>";
  }
  svg += "<text transform=\"rotate(-90)\" x=\"" + num(-(T + H - B) / 2) + "\" y=\"14\" text-anchor=\"middle\" font-size=\"12\">" +
         html_escape(ym) + "</text></g>\n";
  std::vector<P> front;
  for (const auto& p : pts)
    if (rep.rows[p.row].front) front.push_back(p);
  std::sort(front.begin(), front.end(), [](const P& a, const P& b) { return a.x != b.x ? a.x < b.x : a.y < b.y; });
  std::string d;
  for (const auto& p : front) d += (d.empty() ? "M" : " L") + num(sx(p.x)) + " " + num(sy(p.y));
  if (d.empty()) d = "M" + num(L) + " " + num(H - B);
  svg += "<path class=\"series front\" d=\"" + d + "\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n";
  for (const auto& p : pts) {
    const auto& r = rep.rows[p.row];
    const bool ok = rep.feasible(r);
    const std::string fill = r.front ? "#1f77b4" : "none";
    const std::string stroke = ok ? (r.autoscaler == "karpenter" ? "#1f77b4" : "#d62728") : "#aaa";
    svg += "<circle cx=\"" + num(sx(p.x)) + "\" cy=\"" + num(sy(p.y)) + "\" r=\"5\" fill=\"" + (ok ? fill : "#ddd") +
           "\" stroke=\"" + stroke + "\"><title>point " + std::to_string(r.point) + " " + html_escape(label(r)) + ": " +
           html_escape(xm) + " " + num(p.x) + ", " + html_escape(ym) + " " + num(p.y) + "</title></circle>\n";
  }
  svg += "<g class=\"legend\" transform=\"translate(" + num(L) + "," + num(H + 5) + ")\">"
         "<g class=\"legend-item\"><circle cx=\"6\" cy=\"6\" r=\"5\" fill=\"#1f77b4\"/><text x=\"16\" y=\"10\" font-size=\"11\">"
         "Pareto front</text></g>"
         "<g class=\"legend-item\" transform=\"translate(120,0)\"><circle cx=\"6\" cy=\"6\" r=\"5\" fill=\"none\" stroke=\"#d62728\"/>"
         "<text x=\"16\" y=\"10\" font-size=\"11\">dominated</text></g>"
         "<g class=\"legend-item\" transform=\"translate(230,0)\"><circle cx=\"6\" cy=\"6\" r=\"5\" fill=\"#ddd\" stroke=\"#aaa\"/>"
         "<text x=\"16\" y=\"10\" font-size=\"11\">violates a constraint</text></g></g>\n</svg>\n";
  std::string table = "<table>\n";
  auto g = grid(rep, false);
  for (std::size_t i = 0; i < g.size(); ++i) {
    table += i == 0 ? "<thead><tr>" : "<tr>";
    for (const auto& c : g[i]) table += (i == 0 ? "<th>" : "<td>") + html_escape(c) + (i == 0 ? "</th>" : "</td>");
    table += i == 0 ? "</tr></thead><tbody>\n" : "</tr>\n";
  }
  table += "</tbody></table>\n";
  std::string picks_html;
  for (const auto& line : {std::pair{"cheapest", rep.cheapest}, std::pair{"fastest", rep.fastest}, std::pair{"balanced", rep.balanced}})
    if (line.second)
      picks_html += "<li><b>" + std::string(line.first) + "</b>: point " + std::to_string(rep.rows[*line.second].point) + " " +
                    html_escape(label(rep.rows[*line.second])) + "</li>\n";
  return report::detail::html_page("sweep " + rep.name, "<h1>" + html_escape(headline(rep)) + "</h1>\n" + svg + "<ul>\n" +
                                                             picks_html + "</ul>\n" + table +
                                                             "<p class=\"note\">Means over repetitions ± the 95 % confidence "
                                                             "interval (Student t).</p>\n");
}

}  // namespace capsim::sweep
