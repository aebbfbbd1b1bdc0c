// kind: Sweep files and parameter paths (docs/sweep-format.md).
//
// A path is `<Kind>[<name>]` (the base document of that kind and metadata.name; `<Kind>` alone
// when the base has exactly one, e.g. `Scenario`), then `.key` steps into maps and `[i]` / `[sel]`
// steps into lists: an index, or the element whose `key` or `name` is `sel` (a NodePool
// requirement by its key, a node group or container by its name). Every step must exist except a
// last map key, which is added; a value that sets a field capsim does not model is rejected (the
// base scenario's loader warns about it).
#include "capsim/io/sweep_loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <variant>

#include "capsim/core/time.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "io/scenario_loader_detail.hpp"

namespace capsim::io {
namespace {

using namespace detail;

constexpr std::string_view k_sweep_api = "capsim.dev/v1alpha1";
constexpr int k_max_repetitions = 1000;
constexpr std::int64_t k_max_samples = 1000000;

struct Step {
  enum class Kind : std::uint8_t { key, select } kind{Kind::key};
  std::string text;
};

struct ParsedPath {
  std::string doc_kind;
  std::optional<std::string> doc_name;
  std::vector<Step> steps;
};

// Why `path` is malformed, or the parsed path.
std::variant<ParsedPath, std::string> parse_path(std::string_view path) {
  ParsedPath p;
  std::size_t i = 0;
  auto read_bracket = [&]() -> std::optional<std::string> {
    const auto end = path.find(']', i + 1);
    if (end == std::string_view::npos) return std::nullopt;
    std::string inner(path.substr(i + 1, end - i - 1));
    i = end + 1;
    return inner;
  };
  while (i < path.size() && path[i] != '.' && path[i] != '[') ++i;
  p.doc_kind = std::string(path.substr(0, i));
  if (p.doc_kind.empty()) return std::string("a path starts with a document kind, such as NodePool[default] or Scenario");
  if (i < path.size() && path[i] == '[') {
    auto name = read_bracket();
    if (!name || name->empty()) return std::string("unclosed or empty [...] after " + p.doc_kind);
    p.doc_name = std::move(*name);
  }
  while (i < path.size()) {
    if (path[i] == '.') {
      const std::size_t start = ++i;
      while (i < path.size() && path[i] != '.' && path[i] != '[') ++i;
      if (i == start) return std::string("empty key at offset " + std::to_string(start));
      p.steps.push_back({Step::Kind::key, std::string(path.substr(start, i - start))});
    } else if (path[i] == '[') {
      auto sel = read_bracket();
      if (!sel || sel->empty()) return std::string("unclosed or empty [...] at offset " + std::to_string(i));
      p.steps.push_back({Step::Kind::select, std::move(*sel)});
    } else {
      return std::string("expected \".\" or \"[\" at offset " + std::to_string(i));
    }
  }
  if (p.steps.empty()) return std::string("the path names a document but no field in it");
  return p;
}

std::string scalar_or_empty(const YAML::Node& n) { return n.IsDefined() && n.IsScalar() ? n.Scalar() : std::string(); }

// The document a parsed path targets, or why none.
std::variant<YAML::Node, std::string> find_document(const std::vector<YAML::Node>& docs, const ParsedPath& p) {
  std::vector<YAML::Node> of_kind;
  std::vector<std::string> names;
  for (const auto& d : docs) {
    if (!d.IsMap() || scalar_or_empty(d["kind"]) != p.doc_kind) continue;
    of_kind.push_back(d);
    names.push_back(d["metadata"].IsMap() ? scalar_or_empty(d["metadata"]["name"]) : std::string());
  }
  if (of_kind.empty()) return "the base scenario has no " + p.doc_kind + " document";
  if (!p.doc_name) {
    if (of_kind.size() == 1) return of_kind.front();
    return "the base scenario has " + std::to_string(of_kind.size()) + " " + p.doc_kind + " documents (" +
           quote_list(names) + "): name one, as in " + p.doc_kind + "[" + names.front() + "]";
  }
  for (std::size_t i = 0; i < of_kind.size(); ++i)
    if (names[i] == *p.doc_name) return of_kind[i];
  return "the base scenario has no " + p.doc_kind + " named " + quote(*p.doc_name) + " (it has " + quote_list(names) + ")";
}

// Rebinds `cur` to `next` (assignment would overwrite the node `cur` refers to).
void step_to(YAML::Node& cur, const YAML::Node& next) { cur.reset(next); }

// The element of list `seq` that `sel` selects (an index, or the map whose key or name is `sel`).
std::variant<std::size_t, std::string> select_index(const YAML::Node& seq, const std::string& sel, const std::string& where) {
  if (!seq.IsSequence()) return where + " is not a list";
  if (std::all_of(sel.begin(), sel.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    const auto idx = std::stoull(sel);
    if (idx >= seq.size())
      return where + " has " + std::to_string(seq.size()) + " entries, no index " + sel;
    return static_cast<std::size_t>(idx);
  }
  std::vector<std::string> have;
  for (std::size_t i = 0; i < seq.size(); ++i) {
    const YAML::Node e = seq[i];
    if (!e.IsMap()) continue;
    for (const char* field : {"key", "name"}) {
      const std::string v = scalar_or_empty(e[field]);
      if (v == sel) return i;
      if (!v.empty()) {
        have.push_back(v);
        break;
      }
    }
  }
  return where + " has no entry whose key or name is " + quote(sel) + (have.empty() ? "" : " (it has " + quote_list(have) + ")");
}

// Sets the field `path` names in `docs` to `value`; returns why not, or nullopt.
std::optional<std::string> set_path(std::vector<YAML::Node>& docs, std::string_view path, const YAML::Node& value) {
  auto parsed = parse_path(path);
  if (auto* why = std::get_if<std::string>(&parsed)) return *why;
  const auto& p = std::get<ParsedPath>(parsed);
  auto doc = find_document(docs, p);
  if (auto* why = std::get_if<std::string>(&doc)) return *why;
  YAML::Node cur;
  step_to(cur, std::get<YAML::Node>(doc));
  std::string where = p.doc_kind + (p.doc_name ? "[" + *p.doc_name + "]" : "");
  for (std::size_t k = 0; k < p.steps.size(); ++k) {
    const Step& s = p.steps[k];
    const bool last = k + 1 == p.steps.size();
    if (s.kind == Step::Kind::key) {
      if (!cur.IsMap()) return where + " is not a map";
      const YAML::Node& ccur = cur;
      if (!ccur[s.text].IsDefined()) {
        if (!last) {
          std::vector<std::string> keys;
          for (const auto& kv : ccur) keys.push_back(scalar_or_empty(kv.first));
          return where + " has no key " + quote(s.text) + (keys.empty() ? "" : " (it has " + quote_list(keys) + ")");
        }
      }
      if (last) {
        cur[s.text] = YAML::Clone(value);
        return std::nullopt;
      }
      YAML::Node next = cur[s.text];
      step_to(cur, next);
      where += "." + s.text;
    } else {
      auto idx = select_index(cur, s.text, where);
      if (auto* why = std::get_if<std::string>(&idx)) return *why;
      const std::size_t i = std::get<std::size_t>(idx);
      if (last) {
        cur[i] = YAML::Clone(value);
        return std::nullopt;
      }
      YAML::Node next = cur[i];
      step_to(cur, next);
      where += "[" + s.text + "]";
    }
  }
  return std::nullopt;
}

// Canonical flow-style YAML text of a value node.
std::string flow_text(const YAML::Node& n) {
  YAML::Emitter e;
  e.SetMapFormat(YAML::Flow);
  e.SetSeqFormat(YAML::Flow);
  e << n;
  return e.c_str();
}

std::string emit_documents(const std::vector<YAML::Node>& docs) {
  std::string out;
  for (const auto& d : docs) {
    if (!d.IsDefined() || d.IsNull()) continue;
    YAML::Emitter e;
    e << d;
    out += "---\n";
    out += e.c_str();
    out += "\n";
  }
  return out;
}

std::optional<spec::SweepRange> read_range(Doc& d, MapView& m) {
  YAML::Node r = m.get("range");
  const std::string rpath = m.path("range");
  if (!r.IsSequence() || r.size() != 2) {
    d.error(r, rpath, "expected a list of two values [low, high], got " + describe(r));
    return std::nullopt;
  }
  spec::SweepRange range;
  std::optional<double> ends[2];
  std::optional<spec::SweepRange::Kind> kinds[2];
  for (std::size_t i = 0; i < 2; ++i) {
    const YAML::Node e = r[i];
    const std::string epath = index_path(rpath, i);
    if (!e.IsScalar()) {
      d.error(e, epath, "expected a number or a duration, got " + describe(e));
      return std::nullopt;
    }
    const std::string& t = e.Scalar();
    char* end = nullptr;
    errno = 0;
    const long long iv = std::strtoll(t.c_str(), &end, 10);
    if (end && *end == '\0' && !t.empty() && errno == 0) {
      ends[i] = static_cast<double>(iv);
      kinds[i] = spec::SweepRange::Kind::integer;
      continue;
    }
    const double dv = std::strtod(t.c_str(), &end);
    if (end && *end == '\0' && !t.empty() && std::isfinite(dv)) {
      ends[i] = dv;
      kinds[i] = spec::SweepRange::Kind::number;
      continue;
    }
    if (auto dur = parse_duration(t)) {
      ends[i] = dur->seconds_f();
      kinds[i] = spec::SweepRange::Kind::duration;
      continue;
    }
    d.error(e, epath, "expected a number or a duration such as \"30s\", got " + quote(t));
    return std::nullopt;
  }
  const bool dur0 = *kinds[0] == spec::SweepRange::Kind::duration, dur1 = *kinds[1] == spec::SweepRange::Kind::duration;
  if (dur0 != dur1) {
    d.error(r, rpath, "both ends must be durations or both numbers");
    return std::nullopt;
  }
  range.kind = dur0 ? spec::SweepRange::Kind::duration
                    : (*kinds[0] == spec::SweepRange::Kind::integer && *kinds[1] == spec::SweepRange::Kind::integer
                           ? spec::SweepRange::Kind::integer
                           : spec::SweepRange::Kind::number);
  range.low = *ends[0];
  range.high = *ends[1];
  if (range.low > range.high) {
    d.error(r, rpath, "the low end is above the high end");
    return std::nullopt;
  }
  if (auto scale = m.enumeration("scale", {"linear", "log"})) range.log = *scale == "log";
  if (range.log && range.low <= 0) {
    d.error(r, rpath, "scale: log needs a low end above 0");
    return std::nullopt;
  }
  return range;
}

void read_parameter(Doc& d, const YAML::Node& n, const std::string& path, spec::SweepSpec& sw) {
  MapView m(d, n, path);
  if (!m.ok()) return;
  spec::SweepParameter p;
  p.loc = d.loc(n);
  const bool has_path = m.has("path"), has_paths = m.has("paths");
  if (has_path == has_paths) {
    d.error(n, path, has_path ? "give either path or paths, not both" : "missing required key \"path\"");
  } else if (has_path) {
    if (auto s = m.str("path")) p.paths.push_back(*s);
  } else if (auto l = m.str_list("paths")) {
    if (l->empty()) d.error(m.get("paths"), m.path("paths"), "expected at least one path");
    p.paths = *l;
  }
  for (std::size_t i = 0; i < p.paths.size(); ++i) {
    auto parsed = parse_path(p.paths[i]);
    if (auto* why = std::get_if<std::string>(&parsed)) {
      const YAML::Node at = has_path ? m.get("path") : YAML::Node(m.get("paths")[i]);
      d.error(at, has_path ? m.path("path") : index_path(m.path("paths"), i), "bad path " + quote(p.paths[i]) + ": " + *why);
    }
  }
  if (auto name = m.str("name")) {
    p.name = *name;
  } else if (!p.paths.empty()) {
    auto parsed = parse_path(p.paths.front());
    if (auto* pp = std::get_if<ParsedPath>(&parsed)) p.name = pp->steps.back().text;
  }
  const bool has_values = m.has("values"), has_range = m.has("range");
  if (has_values == has_range) {
    d.error(n, path, has_values ? "give either values or range, not both" : "missing required key \"values\" (or \"range\")");
  } else if (has_values) {
    const YAML::Node vals = m.get("values");
    if (!vals.IsSequence() || vals.size() == 0) {
      d.error(vals, m.path("values"), "expected a non-empty list of values, got " + describe(vals));
    } else {
      for (std::size_t i = 0; i < vals.size(); ++i) {
        const YAML::Node v = vals[i];
        if (!v.IsDefined() || v.IsNull()) {
          d.error(v, index_path(m.path("values"), i), "a value may not be null");
          continue;
        }
        p.values.push_back(flow_text(v));
        p.value_locs.push_back(d.loc(v));
      }
      for (std::size_t i = 0; i < p.values.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
          if (p.values[i] == p.values[j]) {
            const auto& l = p.value_locs[i];
            d.error_at(l, index_path(m.path("values"), i), "value " + quote(p.values[i]) + " is listed twice");
          }
    }
    if (m.has("scale")) d.error(m.key_node("scale"), m.path("scale"), "scale applies to a range, not to values");
  } else {
    p.range = read_range(d, m);
  }
  m.reject_unknown({"name", "path", "paths", "values", "range", "scale"});
  sw.parameters.push_back(std::move(p));
}

void read_objective(Doc& d, const YAML::Node& n, const std::string& path, spec::SweepSpec& sw) {
  MapView m(d, n, path);
  if (!m.ok()) return;
  spec::SweepObjective o;
  o.loc = d.loc(n);
  std::vector<std::string_view> metrics(std::begin(spec::k_expectation_metrics), std::end(spec::k_expectation_metrics));
  if (auto metric = m.enumeration("metric", metrics)) o.metric = *metric;
  if (!m.has("metric")) d.error(n, path, "missing required key \"metric\"");
  if (auto goal = m.enumeration("goal", {"min", "max"})) o.minimize = *goal == "min";
  m.reject_unknown({"metric", "goal"});
  sw.objectives.push_back(std::move(o));
}

void read_constraint(Doc& d, const YAML::Node& n, const std::string& path, spec::SweepSpec& sw) {
  auto text = to_string(d, n, path);
  if (!text) return;
  spec::SweepConstraint c;
  c.text = *text;
  c.loc = d.loc(n);
  std::istringstream in(*text);
  std::string bound, rest;
  in >> c.metric >> c.op >> bound;
  const bool metric_ok = std::find(std::begin(spec::k_expectation_metrics), std::end(spec::k_expectation_metrics),
                                   c.metric) != std::end(spec::k_expectation_metrics);
  const bool op_ok = c.op == "<=" || c.op == "<" || c.op == ">=" || c.op == ">" || c.op == "==";
  char* end = nullptr;
  c.bound = std::strtod(bound.c_str(), &end);
  const bool bound_ok = !bound.empty() && end && *end == '\0' && std::isfinite(c.bound);
  if (!(in >> rest) && metric_ok && op_ok && bound_ok) {
    sw.constraints.push_back(std::move(c));
    return;
  }
  std::string why = "expected \"<metric> <op> <number>\" with op one of <=, <, >=, >, ==";
  if (!c.metric.empty() && !metric_ok) {
    std::vector<std::string_view> metrics(std::begin(spec::k_expectation_metrics), std::end(spec::k_expectation_metrics));
    why = "unknown metric " + quote(c.metric);
    if (auto near = closest(c.metric, metrics)) why += ", did you mean " + quote(*near) + "?";
  }
  d.error(n, path, why + ", got " + quote(*text));
}

void read_sweep(Doc& d, const YAML::Node& root, spec::SweepSpec& sw) {
  MapView top(d, root, "");
  if (!top.ok()) return;
  if (auto api = top.req_str("apiVersion"); api && *api != k_sweep_api)
    d.error(top.get("apiVersion"), "apiVersion", "expected " + quote(k_sweep_api) + ", got " + quote(*api));
  if (auto kind = top.req_str("kind"); kind && *kind != "Sweep")
    d.error(top.get("kind"), "kind", "expected \"Sweep\", got " + quote(*kind));
  if (top.has("metadata")) {
    MapView meta(d, top.get("metadata"), "metadata");
    if (auto name = meta.str("name")) sw.name = *name;
    meta.ignore({"labels", "annotations"});
    meta.reject_unknown({"name", "labels", "annotations"});
  }
  YAML::Node spec_node = top.require("spec");
  top.reject_unknown({"apiVersion", "kind", "metadata", "spec"});
  if (!present(spec_node)) return;
  MapView s(d, spec_node, "spec");
  if (!s.ok()) return;
  if (auto base = s.req_str("base")) {
    sw.base = *base;
    sw.base_loc = d.loc(s.get("base"));
  }
  if (auto method = s.enumeration("method", {"grid", "random", "lhs"}))
    sw.method = *method == "grid" ? spec::SweepMethod::grid : *method == "random" ? spec::SweepMethod::random : spec::SweepMethod::lhs;
  if (auto samples = s.integer("samples", 1, k_max_samples)) sw.samples = static_cast<std::size_t>(*samples);
  if (sw.method == spec::SweepMethod::grid && s.has("samples"))
    d.error(s.key_node("samples"), s.path("samples"), "samples applies to method random or lhs; a grid runs every combination");
  if (sw.method != spec::SweepMethod::grid && !s.has("samples"))
    d.error(spec_node, "spec", "missing required key \"samples\" (method " + std::string(to_string(sw.method)) + ")");
  if (auto seed = s.integer("seed", 0)) sw.seed = static_cast<std::uint64_t>(*seed);
  if (auto reps = s.integer("repetitions", 1, k_max_repetitions)) sw.repetitions = static_cast<int>(*reps);
  YAML::Node params = s.require("parameters");
  if (present(params) && expect_list(d, params, "spec.parameters")) {
    if (params.size() == 0) d.error(params, "spec.parameters", "expected at least one parameter");
    for (std::size_t i = 0; i < params.size(); ++i) read_parameter(d, params[i], index_path("spec.parameters", i), sw);
  }
  for (std::size_t i = 0; i < sw.parameters.size(); ++i) {
    const auto& p = sw.parameters[i];
    if (sw.method == spec::SweepMethod::grid && p.range)
      d.error_at(p.loc, index_path("spec.parameters", i), "method grid needs values; a range is sampled by method random or lhs");
    for (std::size_t j = 0; j < i; ++j)
      if (!p.name.empty() && p.name == sw.parameters[j].name)
        d.error_at(p.loc, index_path("spec.parameters", i),
                   "parameter name " + quote(p.name) + " is used twice; give one of them a name");
  }
  YAML::Node objectives = s.get("objectives");
  if (present(objectives) && expect_list(d, objectives, "spec.objectives"))
    for (std::size_t i = 0; i < objectives.size(); ++i) read_objective(d, objectives[i], index_path("spec.objectives", i), sw);
  if (!present(objectives)) {
    sw.objectives.push_back({"costUsd", true, {}});
    sw.objectives.push_back({"podPendingSeconds.p95", true, {}});
  }
  YAML::Node constraints = s.get("constraints");
  if (present(constraints) && expect_list(d, constraints, "spec.constraints"))
    for (std::size_t i = 0; i < constraints.size(); ++i)
      read_constraint(d, constraints[i], index_path("spec.constraints", i), sw);
  s.reject_unknown({"base", "method", "samples", "seed", "repetitions", "parameters", "objectives", "constraints"});
}

// The loader's first error, for a value that breaks the base scenario.
std::string first_problem(const InputError& e) {
  const auto& diags = e.diagnostics();
  if (diags.empty()) return e.what();
  std::string msg = diags.front().path.empty() ? diags.front().message : diags.front().path + ": " + diags.front().message;
  if (diags.size() > 1) msg += " (and " + std::to_string(diags.size() - 1) + " more)";
  return msg;
}

// The base scenario loads, every path resolves in it, and it still loads with every value set.
void validate_against_base(Doc& d, spec::SweepSpec& sw, const catalog::Catalog& cat) {
  std::string text;
  switch (read_whole_file(sw.base, text)) {
    case ReadStatus::ok: break;
    case ReadStatus::not_found:
      d.error_at(sw.base_loc, "spec.base", "base scenario " + quote(sw.base) + " not found");
      return;
    case ReadStatus::unreadable:
      d.error_at(sw.base_loc, "spec.base", "cannot read base scenario " + quote(sw.base));
      return;
  }
  std::size_t base_warnings = 0, base_not_modelled = 0;
  try {
    const auto base = load_scenario_text(text, sw.base, cat);
    base_warnings = base.warnings.size();
    base_not_modelled = base.not_modelled.size();
  } catch (const InputError& e) {
    d.error_at(sw.base_loc, "spec.base", "the base scenario does not load: " + e.diagnostics().front().render());
    return;
  }
  std::vector<YAML::Node> docs = load_all_documents(text);
  for (std::size_t i = 0; i < sw.parameters.size(); ++i) {
    const auto& p = sw.parameters[i];
    const std::string ppath = index_path("spec.parameters", i);
    bool paths_ok = true;
    for (const auto& path : p.paths) {
      std::vector<YAML::Node> copy;
      for (const auto& doc : docs) copy.push_back(YAML::Clone(doc));
      if (auto why = set_path(copy, path, YAML::Node("x"))) {
        d.error_at(p.loc, ppath, "path " + quote(path) + " does not resolve in " + quote(sw.base) + ": " + *why);
        paths_ok = false;
      }
    }
    if (!paths_ok) continue;
    std::vector<std::pair<std::string, spec::SourceLoc>> checks;
    for (std::size_t v = 0; v < p.values.size(); ++v) checks.emplace_back(p.values[v], p.value_locs[v]);
    if (p.range) {
      checks.emplace_back(spec::sweep_range_value(*p.range, 0.0), p.loc);
      checks.emplace_back(spec::sweep_range_value(*p.range, 1.0), p.loc);
    }
    for (const auto& [value, loc] : checks) {
      std::vector<SweepEdit> edits;
      for (const auto& path : p.paths) edits.push_back({path, value});
      try {
        auto sc = load_scenario_text(apply_sweep_edits(text, sw.base, edits), sw.base, cat);
        // A value that adds a warning or a not-modelled field would be ignored: an error here.
        if (sc.not_modelled.size() > base_not_modelled)
          d.error_at(loc, ppath, p.paths.front() + " = " + value + ": " + sc.not_modelled.back().message);
        else if (sc.warnings.size() > base_warnings)
          d.error_at(loc, ppath, p.paths.front() + " = " + value + ": " + sc.warnings.back().message);
      } catch (const InputError& e) {
        d.error_at(loc, ppath, p.paths.front() + " = " + value + ": " + first_problem(e));
      }
    }
  }
}

}  // namespace

std::string apply_sweep_edits(std::string_view base_text, const std::string& base_file, const std::vector<SweepEdit>& edits) {
  std::vector<YAML::Node> docs;
  try {
    docs = load_all_documents(std::string(base_text));
    for (const auto& e : edits) {
      if (auto why = set_path(docs, e.path, YAML::Load(e.value)))
        throw InputError({Diagnostic{base_file, 0, 0, Severity::error, e.path, *why}});
    }
  } catch (const YAML::Exception& e) {
    throw InputError({Diagnostic{base_file, 0, 0, Severity::error, "", lower_first(e.msg)}});
  }
  return emit_documents(docs);
}

spec::SweepSpec load_sweep_text(std::string_view text, const std::string& file_name, const catalog::Catalog& cat) {
  Diagnostics diags;
  Doc d(diags, file_name);
  spec::SweepSpec sw;
  sw.file = file_name;
  std::vector<YAML::Node> docs;
  try {
    docs = load_all_documents(std::string(text));
  } catch (const YAML::Exception& e) {
    Diagnostic diag{file_name, 0, 0, Severity::error, "", lower_first(e.msg)};
    if (!e.mark.is_null()) {
      diag.line = e.mark.line + 1;
      diag.col = e.mark.column + 1;
    }
    throw InputError({std::move(diag)});
  }
  std::vector<YAML::Node> present_docs;
  for (const auto& doc : docs)
    if (present(doc)) present_docs.push_back(doc);
  if (present_docs.size() != 1)
    throw InputError({Diagnostic{file_name, 1, 1, Severity::error, "",
                                 "a sweep file holds exactly one Sweep document, found " + std::to_string(present_docs.size())}});
  read_sweep(d, present_docs.front(), sw);
  if (!sw.base.empty()) {
    const std::filesystem::path base(sw.base);
    if (base.is_relative()) sw.base = (std::filesystem::path(file_name).parent_path() / base).lexically_normal().string();
  }
  if (diags.errors.empty()) validate_against_base(d, sw, cat);
  std::stable_sort(diags.errors.begin(), diags.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.col < b.col;
  });
  if (!diags.errors.empty()) throw InputError(std::move(diags.errors));
  return sw;
}

bool is_sweep_file(const std::string& path) {
  std::string text;
  if (read_whole_file(path, text) != ReadStatus::ok) return false;
  try {
    const auto docs = load_all_documents(text);
    for (const auto& d : docs)
      if (present(d)) return d.IsMap() && scalar_or_empty(d["kind"]) == "Sweep" && scalar_or_empty(d["apiVersion"]) == k_sweep_api;
  } catch (const YAML::Exception&) {
  }
  return false;
}

spec::SweepSpec load_sweep(const std::string& path, const catalog::Catalog& cat) {
  std::string text;
  switch (read_whole_file(path, text)) {
    case ReadStatus::ok: break;
    case ReadStatus::not_found: throw InputError({Diagnostic{path, 0, 0, Severity::error, "", "sweep file not found"}});
    case ReadStatus::unreadable: throw InputError({Diagnostic{path, 0, 0, Severity::error, "", "cannot read the sweep file"}});
  }
  return load_sweep_text(text, path, cat);
}

}  // namespace capsim::io
