#include "capsim/report/golden.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "capsim/core/time.hpp"

namespace capsim::report {

namespace {

// Decision kinds that are decisions (not the per-pass chatter of provision / nominate / unremovable
// notes): with launches and terminations, what a golden compares.
bool compared_kind(const std::string& kind, const std::string& reason) {
  if (kind == "disrupt") return reason != "unconsolidatable";
  return kind == "scale-up" || kind == "scale-down" || kind == "preempt" || kind == "interruption" ||
         kind == "launch-failed" || kind == "handover";
}

// Node names ("ip-10-0-0-7.us-east-1.compute.internal") become "<node>": they are numbered in
// launch order, so one extra launch renames every later node.
std::string without_node_names(const std::string& text) {
  static const std::regex k_node(R"(ip-[0-9]+-[0-9]+-[0-9]+-[0-9]+(\.[A-Za-z0-9-]+)*)");
  return std::regex_replace(text, k_node, "<node>");
}

std::string str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double num(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::string clock(double seconds) { return format_clock(SimTime{0} + Duration{std::llround(seconds * 1000.0)}); }

std::string join(const std::vector<std::string>& v, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < max; ++i) out += (i ? ", " : "") + v[i];
  if (v.size() > max) out += " and " + std::to_string(v.size() - max) + " other(s)";
  return out;
}

GoldenEvent launch_event(const std::string& autoscaler, const nlohmann::json& l) {
  GoldenEvent e;
  e.at = num(l, "atSeconds");
  e.category = "launch";
  e.key = "launch|" + str(l, "nodePool") + "|" + str(l, "reason");
  e.detail = str(l, "instanceType") + " in " + str(l, "zone") + " (" + str(l, "capacityType") + ")";
  e.text = autoscaler + " launched " + str(l, "instanceType") + " in " + str(l, "zone") + " (" + str(l, "capacityType") +
           ", nodepool " + str(l, "nodePool") + ")";
  return e;
}

GoldenEvent termination_event(const std::string& autoscaler, const nlohmann::json& t) {
  GoldenEvent e;
  e.at = num(t, "atSeconds");
  e.category = "termination";
  e.key = "termination|" + str(t, "reason");
  e.detail = str(t, "instanceType");
  e.text = autoscaler + " terminated " + str(t, "instanceType") + " (" + str(t, "reason") + ")";
  return e;
}

GoldenEvent decision_event(const nlohmann::json& d) {
  GoldenEvent e;
  e.at = num(d, "atSeconds");
  e.category = str(d, "kind");
  const std::string reason = str(d, "reason"), pool = str(d, "nodePool");
  e.key = e.category + "|" + reason + "|" + pool;
  std::vector<std::string> types;
  if (auto it = d.find("instanceTypes"); it != d.end() && it->is_array())
    for (const auto& t : *it) types.push_back(t.get<std::string>());
  const auto count = [&](const char* k) {
    auto it = d.find(k);
    return it != d.end() && it->is_array() ? it->size() : std::size_t{0};
  };
  const std::string counts = std::to_string(count("nodes")) + " node(s), " + std::to_string(count("pods")) + " pod(s)";
  e.detail = counts + (types.empty() ? "" : ", " + join(types, 3));
  e.text = str(d, "autoscaler") + " " + e.category + " " + reason + (pool.empty() ? "" : " (" + pool + ")") + ": " +
           without_node_names(str(d, "message"));
  if (e.text.size() > 200) e.text = e.text.substr(0, 197) + "...";
  return e;
}

}  // namespace

std::string format_change_percent(double before, double after) {
  if (before == 0) return after == 0 ? "0.0 %" : "new";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f %%", (after - before) / before * 100.0);
  return buf;
}

std::string format_usd(double usd) {
  const bool negative = usd < 0;
  const long long cents = std::llround(std::abs(usd) * 100.0);
  std::string whole = std::to_string(cents / 100);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(static_cast<std::size_t>(i), ",");
  char frac[4];
  std::snprintf(frac, sizeof frac, "%02lld", cents % 100);
  return std::string(negative ? "-$" : "$") + whole + "." + frac;
}

double monthly_usd(double cost_usd, double hours) { return hours > 0 ? cost_usd / hours * k_hours_per_month : 0.0; }

std::vector<GoldenRun> golden_runs(const nlohmann::json& result, const std::string& decisions_jsonl) {
  std::vector<GoldenRun> runs;
  std::map<std::string, std::size_t> index;
  const double duration = num(result, "durationSeconds");
  if (auto rs = result.find("results"); rs != result.end() && rs->is_array()) {
    for (const auto& r : *rs) {
      GoldenRun g;
      g.autoscaler = str(r, "autoscaler");
      g.duration_s = duration;
      if (auto s = r.find("summary"); s != r.end()) {
        g.cost_usd = num(*s, "costUsd");
        g.peak_nodes = static_cast<std::int64_t>(num(*s, "peakNodes"));
        g.disruptions = static_cast<std::int64_t>(num(*s, "nodesTerminated"));
        if (auto p = s->find("podPendingSeconds"); p != s->end()) g.pending_p95_s = num(*p, "p95");
      }
      if (auto ls = r.find("launches"); ls != r.end() && ls->is_array())
        for (const auto& l : *ls) g.events.push_back(launch_event(g.autoscaler, l));
      if (auto ts = r.find("terminations"); ts != r.end() && ts->is_array())
        for (const auto& t : *ts) g.events.push_back(termination_event(g.autoscaler, t));
      index[g.autoscaler] = runs.size();
      runs.push_back(std::move(g));
    }
  }
  std::istringstream lines(decisions_jsonl);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const auto d = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!d.is_object() || !compared_kind(str(d, "kind"), str(d, "reason"))) continue;
    auto it = index.find(str(d, "autoscaler"));
    if (it == index.end()) continue;
    runs[it->second].events.push_back(decision_event(d));
  }
  for (auto& g : runs)
    std::stable_sort(g.events.begin(), g.events.end(), [](const GoldenEvent& a, const GoldenEvent& b) { return a.at < b.at; });
  return runs;
}

namespace {

// Events match when their keys agree and their times differ by at most the tolerance; among the
// candidates the earliest unmatched one with the same detail, else the earliest one. What is left
// over on either side happened only there.
void compare_events(const GoldenRun& before, const GoldenRun& after, const spec::GoldenSettings& tol,
                    std::vector<std::pair<double, std::string>>& out) {
  const std::set<std::string> ignore(tol.ignore.begin(), tol.ignore.end());
  const double shift = static_cast<double>(tol.time_tolerance.ms) / 1000.0;
  std::vector<bool> used(after.events.size(), false);
  std::vector<const GoldenEvent*> gone;  // golden events with no match within the tolerance
  auto wanted = [&](const GoldenEvent& e) { return !ignore.count(e.category); };
  for (const auto& g : before.events) {
    if (!wanted(g)) continue;
    std::optional<std::size_t> same, any;
    for (std::size_t i = 0; i < after.events.size(); ++i) {
      const auto& c = after.events[i];
      if (used[i] || c.key != g.key) continue;
      if (c.at > g.at + shift + 1e-9) break;
      if (c.at < g.at - shift - 1e-9) continue;
      if (!any) any = i;
      if (c.detail == g.detail) {
        same = i;
        break;
      }
    }
    if (same) {
      used[*same] = true;
      continue;
    }
    if (any) {
      used[*any] = true;
      const auto& c = after.events[*any];
      out.emplace_back(c.at, c.text + " instead of " + g.detail);
      continue;
    }
    gone.push_back(&g);
  }
  // A decision that only moved in time (same key and detail, beyond the tolerance but within 15
  // minutes, e.g. after a consolidateAfter change) is one change, "moved 4m30s earlier", not a
  // vanished one and a new one: paired in time order, each with the first such event left.
  constexpr double k_moved_window_s = 15 * 60;
  for (const GoldenEvent* g : gone) {
    std::optional<std::size_t> moved;
    for (std::size_t i = 0; i < after.events.size() && !moved; ++i)
      if (!used[i] && after.events[i].key == g->key && after.events[i].detail == g->detail &&
          std::abs(after.events[i].at - g->at) <= k_moved_window_s + 1e-9)
        moved = i;
    if (!moved) {
      out.emplace_back(g->at, g->text + " no longer happens");
      continue;
    }
    used[*moved] = true;
    const auto& c = after.events[*moved];
    const auto ms = static_cast<std::int64_t>(std::llround((c.at - g->at) * 1000.0));
    out.emplace_back(c.at, c.text + " moved " + format_duration(Duration{ms < 0 ? -ms : ms}) +
                               (ms < 0 ? " earlier" : " later"));
  }
  for (std::size_t i = 0; i < after.events.size(); ++i)
    if (!used[i] && wanted(after.events[i])) out.emplace_back(after.events[i].at, after.events[i].text + " (new)");
}

}  // namespace

std::vector<GoldenComparison> compare_golden(const std::vector<GoldenRun>& golden, const std::vector<GoldenRun>& current,
                                             const spec::GoldenSettings& tolerance) {
  std::vector<GoldenComparison> out;
  const bool check_cost = std::find(tolerance.ignore.begin(), tolerance.ignore.end(), "cost") == tolerance.ignore.end();
  auto find = [](const std::vector<GoldenRun>& runs, const std::string& name) -> const GoldenRun* {
    for (const auto& r : runs)
      if (r.autoscaler == name) return &r;
    return nullptr;
  };
  for (const auto& now : current) {
    GoldenComparison c;
    c.autoscaler = now.autoscaler;
    c.after = now;
    c.cost_after = now.cost_usd;
    c.hours_after = now.duration_s / 3600.0;
    const GoldenRun* before = find(golden, now.autoscaler);
    if (!before) {
      c.passed = false;
      c.missing_golden = true;
      c.differences.push_back(clock(0) + " the golden has no " + now.autoscaler + " run");
      out.push_back(std::move(c));
      continue;
    }
    c.before = *before;
    c.cost_before = before->cost_usd;
    c.hours_before = before->duration_s / 3600.0;
    c.cost_line = "cost " + format_usd(c.cost_before) + " -> " + format_usd(c.cost_after) + " (" +
                  format_change_percent(c.cost_before, c.cost_after) + ")";
    std::vector<std::pair<double, std::string>> diffs;
    compare_events(*before, now, tolerance, diffs);
    std::stable_sort(diffs.begin(), diffs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [at, text] : diffs) c.differences.push_back(clock(at) + " " + text);
    // Costs are micro-USD figures: equal within half a micro-dollar, else within the tolerance.
    const double allowed = std::max(5e-7, tolerance.cost_tolerance * std::abs(c.cost_before));
    const bool cost_ok = !check_cost || std::abs(c.cost_after - c.cost_before) <= allowed;
    c.passed = c.differences.empty() && cost_ok;
    out.push_back(std::move(c));
  }
  for (const auto& g : golden) {
    if (find(current, g.autoscaler)) continue;
    GoldenComparison c;
    c.autoscaler = g.autoscaler;
    c.before = g;
    c.cost_before = g.cost_usd;
    c.hours_before = g.duration_s / 3600.0;
    c.passed = false;
    c.missing_golden = true;
    c.differences.push_back(clock(0) + " the " + g.autoscaler + " run of the golden no longer happens");
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace capsim::report
