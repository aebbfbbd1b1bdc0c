#include "capsim/report/result_diff.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "capsim/report/golden.hpp"
#include "capsim/report/json_result.hpp"
#include "capsim/report/html_page.hpp"
#include "text_table.hpp"

namespace capsim::report {

namespace {

struct Metric {
  std::string name;  // "cost (USD)"
  std::string key;   // JSON key in the diff output
  double base{0}, head{0};
  bool present_base{false}, present_head{false};
};

struct AutoscalerDiff {
  std::string autoscaler;
  std::vector<Metric> metrics;  // the fixed ones, then disruptions by reason, then instance types
  std::vector<std::string> decisions;
  std::size_t decision_count{0};
  bool decisions_compared{false};
};

const nlohmann::json* find_result(const nlohmann::json& doc, const std::string& autoscaler) {
  auto rs = doc.find("results");
  if (rs == doc.end() || !rs->is_array()) return nullptr;
  for (const auto& r : *rs)
    if (r.value("autoscaler", "") == autoscaler) return &r;
  return nullptr;
}

double at_path(const nlohmann::json* r, std::initializer_list<const char*> path, bool& present) {
  present = false;
  if (!r) return 0;
  const nlohmann::json* j = r;
  for (const char* k : path) {
    auto it = j->find(k);
    if (it == j->end()) return 0;
    j = &*it;
  }
  if (!j->is_number()) return 0;
  present = true;
  return j->get<double>();
}

void add_map_metrics(std::vector<Metric>& out, const nlohmann::json* b, const nlohmann::json* h, const char* field,
                     const std::string& label) {
  std::set<std::string> keys;
  for (const auto* r : {b, h})
    if (r)
      if (auto s = r->find("summary"); s != r->end())
        if (auto m = s->find(field); m != s->end() && m->is_object())
          for (const auto& [k, v] : m->items()) keys.insert(k);
  for (const auto& k : keys) {
    Metric m{label + ": " + k, std::string(field) + "." + k};
    m.base = at_path(b, {"summary", field, k.c_str()}, m.present_base);
    m.head = at_path(h, {"summary", field, k.c_str()}, m.present_head);
    // Counts absent on one side are 0 there.
    m.present_base = m.present_head = true;
    out.push_back(std::move(m));
  }
}

std::vector<AutoscalerDiff> diff_all(const DiffSide& base, const DiffSide& head, std::size_t max_decisions) {
  std::vector<std::string> names;
  for (const auto* doc : {&base.result, &head.result})
    if (auto rs = doc->find("results"); rs != doc->end() && rs->is_array())
      for (const auto& r : *rs) {
        const std::string n = r.value("autoscaler", "");
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
      }
  const auto base_runs = golden_runs(base.result, base.decisions_jsonl);
  const auto head_runs = golden_runs(head.result, head.decisions_jsonl);
  std::vector<AutoscalerDiff> out;
  for (const auto& name : names) {
    AutoscalerDiff d;
    d.autoscaler = name;
    const nlohmann::json* b = find_result(base.result, name);
    const nlohmann::json* h = find_result(head.result, name);
    struct Fixed {
      const char* label;
      const char* key;
      std::initializer_list<const char*> path;
    };
    const Fixed fixed[] = {
        {"cost (USD)", "costUsd", {"summary", "costUsd"}},
        {"node-hours", "nodeHours", {"summary", "nodeHours"}},
        {"peak nodes", "peakNodes", {"summary", "peakNodes"}},
        {"nodes launched", "nodesLaunched", {"summary", "nodesLaunched"}},
        {"pending p50 (s)", "podPendingSeconds.p50", {"summary", "podPendingSeconds", "p50"}},
        {"pending p95 (s)", "podPendingSeconds.p95", {"summary", "podPendingSeconds", "p95"}},
        {"pending max (s)", "podPendingSeconds.max", {"summary", "podPendingSeconds", "max"}},
        {"disruptions", "nodesTerminated", {"summary", "nodesTerminated"}},
    };
    for (const auto& f : fixed) {
      Metric m{f.label, f.key};
      m.base = at_path(b, f.path, m.present_base);
      m.head = at_path(h, f.path, m.present_head);
      d.metrics.push_back(std::move(m));
    }
    add_map_metrics(d.metrics, b, h, "terminationsByReason", "disruptions");
    add_map_metrics(d.metrics, b, h, "nodesByInstanceType", "instance type");
    d.decisions_compared = !base.decisions_jsonl.empty() && !head.decisions_jsonl.empty();
    if (d.decisions_compared && b && h) {
      std::vector<GoldenRun> bs, hs;
      for (const auto& r : base_runs)
        if (r.autoscaler == name) bs.push_back(r);
      for (const auto& r : head_runs)
        if (r.autoscaler == name) hs.push_back(r);
      auto c = compare_golden(bs, hs, {});
      if (!c.empty()) {
        d.decision_count = c[0].differences.size();
        for (std::size_t i = 0; i < c[0].differences.size() && i < max_decisions; ++i) d.decisions.push_back(c[0].differences[i]);
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::string num(double v) { return format_number(round_to(v, 6), false); }

std::string value(const Metric& m, bool head) {
  if (!(head ? m.present_head : m.present_base)) return "-";
  return num(head ? m.head : m.base);
}

std::string delta(const Metric& m) {
  if (!m.present_base || !m.present_head) return "";
  const double d = m.head - m.base;
  if (d == 0) return "0";
  std::string s = (d > 0 ? "+" : "") + num(d);
  if (m.base != 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " (%+.1f %%)", d / std::abs(m.base) * 100.0);
    s += buf;
  }
  return s;
}

// Per-reason and per-instance-type rows only where something changed.
bool shown(const Metric& m) {
  const bool per_key = m.key.rfind("terminationsByReason.", 0) == 0 || m.key.rfind("nodesByInstanceType.", 0) == 0;
  return !per_key || m.base != m.head;
}

}  // namespace

std::string result_diff(const DiffSide& base, const DiffSide& head, DiffFormat format, std::size_t max_decisions) {
  const auto diffs = diff_all(base, head, max_decisions);
  if (format == DiffFormat::json) {
    nlohmann::json doc = {{"base", base.label}, {"head", head.label}, {"autoscalers", nlohmann::json::array()}};
    for (const auto& d : diffs) {
      nlohmann::json metrics = nlohmann::json::object();
      for (const auto& m : d.metrics) {
        nlohmann::json e = nlohmann::json::object();
        if (m.present_base) e["base"] = round_to(m.base, 6);
        if (m.present_head) e["head"] = round_to(m.head, 6);
        if (m.present_base && m.present_head) e["delta"] = round_to(m.head - m.base, 6);
        metrics[m.key] = e;
      }
      nlohmann::json a = {{"autoscaler", d.autoscaler}, {"metrics", metrics}};
      if (d.decisions_compared) a["decisions"] = {{"diverging", d.decision_count}, {"first", d.decisions}};
      doc["autoscalers"].push_back(a);
    }
    return dump_stable(doc, 2) + "\n";
  }
  if (format == DiffFormat::html) {
    using detail::html_escape;
    std::string h = "<h1>capsim diff</h1>\n<p>base " + html_escape(base.label) + "<br>head " + html_escape(head.label) + "</p>\n";
    for (const auto& d : diffs) {
      h += "<h2>" + html_escape(d.autoscaler) + "</h2>\n<table class=\"summary\"><thead><tr><th></th><th>base</th><th>head</th>"
           "<th>delta</th></tr></thead><tbody>\n";
      for (const auto& m : d.metrics)
        if (shown(m))
          h += "<tr><td>" + html_escape(m.name) + "</td><td>" + value(m, false) + "</td><td>" + value(m, true) + "</td><td>" +
               html_escape(delta(m)) + "</td></tr>\n";
      h += "</tbody></table>\n";
      if (d.decisions_compared) {
        h += "<details" + std::string(d.decision_count ? " open" : "") + "><summary>" + std::to_string(d.decision_count) +
             " diverging decision(s)</summary><pre>";
        for (const auto& line : d.decisions) h += html_escape(line) + "\n";
        if (d.decision_count > d.decisions.size())
          h += "... and " + std::to_string(d.decision_count - d.decisions.size()) + " more\n";
        h += "</pre></details>\n";
      }
    }
    return detail::html_page("diff", h);
  }
  std::string out;
  if (format == DiffFormat::markdown) out += "## capsim diff\n\n`" + base.label + "` → `" + head.label + "`\n\n";
  else out += "base " + base.label + "\nhead " + head.label + "\n";
  for (const auto& d : diffs) {
    if (format == DiffFormat::markdown) {
      out += "### " + d.autoscaler + "\n\n| | base | head | Δ |\n|---|---|---|---|\n";
      for (const auto& m : d.metrics) {
        if (!shown(m)) continue;
        out += "| " + m.name + " | " + value(m, false) + " | " + value(m, true) + " | " + delta(m) + " |\n";
      }
      if (d.decisions_compared) {
        out += "\n<details><summary>" + std::to_string(d.decision_count) + " diverging decision(s)</summary>\n\n```\n";
        for (const auto& line : d.decisions) out += line + "\n";
        if (d.decision_count > d.decisions.size())
          out += "... and " + std::to_string(d.decision_count - d.decisions.size()) + " more\n";
        out += "```\n\n</details>\n";
      }
      out += "\n";
      continue;
    }
    out += "\n[" + d.autoscaler + "]\n";
    detail::Table t({detail::Align::left, detail::Align::right, detail::Align::right, detail::Align::right});
    t.add_plain({"", "BASE", "HEAD", "DELTA"});
    for (const auto& m : d.metrics) {
      if (!shown(m)) continue;
      t.add_plain({m.name, value(m, false), value(m, true), delta(m)});
    }
    t.render(out, 2);
    if (d.decisions_compared) {
      out += "  diverging decisions: " + std::to_string(d.decision_count) + "\n";
      for (const auto& line : d.decisions) out += "    " + line + "\n";
      if (d.decision_count > d.decisions.size())
        out += "    ... and " + std::to_string(d.decision_count - d.decisions.size()) + " more\n";
    }
  }
  return out;
}

bool results_differ(const DiffSide& base, const DiffSide& head) {
  for (const auto& d : diff_all(base, head, 0)) {
    if (!find_result(base.result, d.autoscaler) || !find_result(head.result, d.autoscaler)) return true;
    if (d.decision_count > 0) return true;
    for (const auto& m : d.metrics)
      if (m.present_base != m.present_head || m.base != m.head) return true;
  }
  return false;
}

}  // namespace capsim::report
