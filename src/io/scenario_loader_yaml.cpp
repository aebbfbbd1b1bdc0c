// yaml-cpp helpers of the scenario loader: positions, duplicate-key detection, key tracking and
// scalar conversion with precise messages (yaml-cpp itself only says "bad conversion").
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "capsim/core/suggest.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "io/k8s_fields.hpp"
#include "io/scenario_loader_detail.hpp"

namespace capsim::io::detail {

// ---------------------------------------------------------------------------------------------
// Diagnostics

void Diagnostics::error(Diagnostic d) {
  if (errors.size() >= k_max_scenario_errors) return;
  d.severity = Severity::error;
  errors.push_back(std::move(d));
}

void Diagnostics::warning(Diagnostic d) {
  d.severity = Severity::warning;
  warnings.push_back(std::move(d));
}

spec::SourceLoc loc_of(const std::string& file, const YAML::Node& n) {
  spec::SourceLoc loc;
  loc.file = file;
  if (!n.IsDefined()) return loc;
  const YAML::Mark m = n.Mark();
  if (m.is_null() || m.line < 0) return loc;
  loc.line = m.line + 1;
  loc.col = m.column + 1;
  return loc;
}

void Doc::error(const YAML::Node& at, const std::string& path, std::string message) {
  error_at(loc(at), path, std::move(message));
}

void Doc::error_at(const spec::SourceLoc& at, const std::string& path, std::string message) {
  m_diags.error(Diagnostic{at.file, at.line, at.col, Severity::error, path, std::move(message)});
}

void Doc::warning(const YAML::Node& at, const std::string& path, std::string message) {
  const spec::SourceLoc l = loc(at);
  m_diags.warning(Diagnostic{l.file, l.line, l.col, Severity::warning, path, std::move(message)});
}

void Doc::unmodelled(const YAML::Node& key_node, const std::string& path, const YAML::Node& value) {
  if (m_unknown.count(path) || !m_warned.insert(path).second) return;
  if (classify_unread(m_kind, path, value) == UnreadField::inert)
    ignored(key_node, "field " + quote(path) + " cannot change the simulation and is ignored");
  else
    not_modelled(key_node, "field " + quote(path) + " is not modelled and is ignored");
}

void Doc::not_modelled(const YAML::Node& at, std::string message) {
  const spec::SourceLoc l = loc(at);
  m_diags.not_modelled.push_back(Diagnostic{l.file, l.line, l.col, Severity::warning, "", std::move(message)});
}

void Doc::ignored(const YAML::Node& at, std::string message) {
  const spec::SourceLoc l = loc(at);
  m_diags.ignored.push_back(Diagnostic{l.file, l.line, l.col, Severity::warning, "", std::move(message)});
}

// ---------------------------------------------------------------------------------------------
// Paths and message fragments

namespace {
bool plain_key(std::string_view key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}
}  // namespace

std::string key_path(const std::string& base, std::string_view key) {
  if (!plain_key(key)) return base + "[" + quote(key) + "]";
  if (base.empty()) return std::string(key);
  return base + "." + std::string(key);
}

std::string index_path(const std::string& base, std::size_t i) { return base + "[" + std::to_string(i) + "]"; }

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  out += '"';
  return out;
}

std::optional<std::string_view> closest(std::string_view word, const std::vector<std::string_view>& candidates) {
  return closest_word(word, candidates);
}

std::string describe(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "null";
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  return quote(n.Scalar());
}

std::string quote_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ", ";
    out += quote(s);
  }
  return out;
}

std::string quote_list(const std::vector<std::string_view>& items) {
  std::string out;
  for (auto s : items) {
    if (!out.empty()) out += ", ";
    out += quote(s);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scalar converters

namespace {

// A plain (unquoted) scalar: YAML numbers and booleans must not be quoted strings.
bool is_plain(const YAML::Node& n) { return n.Tag() != "!"; }

bool scalar_or_error(Doc& d, const YAML::Node& n, const std::string& path, const char* what) {
  if (n.IsDefined() && n.IsScalar()) return true;
  d.error(n, path, std::string("expected ") + what + ", got " + describe(n));
  return false;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::size_t i = 0;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  if (i >= s.size()) return std::nullopt;
  std::int64_t v = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    const int digit = c - '0';
    if (v > (std::numeric_limits<std::int64_t>::max() - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return neg ? -v : v;
}

std::string range_text(std::int64_t lo, std::int64_t hi) {
  // Kubernetes int32 fields say "non-negative" rather than spelling out 2147483647.
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t int32_max = 2147483647;
  if (hi >= int32_max) hi = std::numeric_limits<std::int64_t>::max();
  if (lo <= -int32_max - 1) lo = min;
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  if (lo == 0 && hi == max) return "a non-negative integer";
  if (lo == 1 && hi == max) return "a positive integer";
  if (lo == min && hi == max) return "an integer";
  if (hi == max) return "an integer >= " + std::to_string(lo);
  if (lo == min) return "an integer <= " + std::to_string(hi);
  return "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
}

// Karpenter duration pattern ^([0-9]+(s|m|h))+$.
bool karpenter_duration_syntax(std::string_view s) {
  if (s.empty()) return false;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start || i >= s.size()) return false;
    if (s[i] != 's' && s[i] != 'm' && s[i] != 'h') return false;
    ++i;
  }
  return true;
}

}  // namespace

std::optional<std::string> to_string(Doc& d, const YAML::Node& n, const std::string& path) {
  if (!scalar_or_error(d, n, path, "a string")) return std::nullopt;
  return n.Scalar();
}

std::optional<std::int64_t> to_int(Doc& d, const YAML::Node& n, const std::string& path, std::int64_t lo,
                                   std::int64_t hi) {
  if (!scalar_or_error(d, n, path, range_text(lo, hi).c_str())) return std::nullopt;
  const auto v = parse_int(n.Scalar());
  if (v && !is_plain(n)) {
    d.error(n, path, "expected " + range_text(lo, hi) + ", got the quoted string " + quote(n.Scalar()));
    return std::nullopt;
  }
  if (!v || *v < lo || *v > hi) {
    d.error(n, path, "expected " + range_text(lo, hi) + ", got " + quote(n.Scalar()));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> to_bool(Doc& d, const YAML::Node& n, const std::string& path) {
  if (!scalar_or_error(d, n, path, "a boolean (true or false)")) return std::nullopt;
  const std::string& s = n.Scalar();
  const bool t = s == "true" || s == "True" || s == "TRUE";
  const bool f = s == "false" || s == "False" || s == "FALSE";
  if ((t || f) && is_plain(n)) return t;
  d.error(n, path,
          std::string("expected a boolean (true or false), got ") + ((t || f) ? "the quoted string " : "") + quote(s));
  return std::nullopt;
}

std::optional<double> to_number(Doc& d, const YAML::Node& n, const std::string& path) {
  if (!scalar_or_error(d, n, path, "a number")) return std::nullopt;
  const std::string& s = n.Scalar();
  if (is_plain(n) && !s.empty()) {
    // from_chars: locale-independent; accepts decimals and exponents, not hex, inf or nan.
    const char* first = s.c_str() + (s[0] == '+' ? 1 : 0);
    double v = 0;
    const auto [end, ec] = std::from_chars(first, s.c_str() + s.size(), v, std::chars_format::general);
    if (ec == std::errc() && end == s.c_str() + s.size() && std::isfinite(v)) return v;
  }
  d.error(n, path, "expected a number, got " + quote(s));
  return std::nullopt;
}

std::optional<Quantity> to_quantity(Doc& d, const YAML::Node& n, const std::string& path, bool allow_negative) {
  if (!scalar_or_error(d, n, path, "a quantity such as \"500m\"")) return std::nullopt;
  const auto q = parse_quantity(n.Scalar());
  if (!q) {
    d.error(n, path, "expected a quantity such as \"500m\", got " + quote(n.Scalar()));
    return std::nullopt;
  }
  if (!allow_negative && q->milli < 0) {
    d.error(n, path, "expected a non-negative quantity, got " + quote(n.Scalar()));
    return std::nullopt;
  }
  return q;
}

namespace {
// " (days are not a unit: use \"168h\")" for "7d" (Go's time.ParseDuration, which Kubernetes and
// Karpenter use, stops at hours); "" otherwise.
std::string days_hint(const std::string& s) {
  if (s.size() < 2 || s.back() != 'd' || s.size() > 7) return {};
  if (!std::all_of(s.begin(), s.end() - 1, [](char c) { return c >= '0' && c <= '9'; })) return {};
  return " (days are not a unit: use \"" + std::to_string(std::stoll(s.substr(0, s.size() - 1)) * 24) + "h\")";
}
}  // namespace

std::optional<Duration> to_duration(Doc& d, const YAML::Node& n, const std::string& path) {
  if (!scalar_or_error(d, n, path, "a duration such as \"30s\"")) return std::nullopt;
  const auto v = parse_duration(n.Scalar());
  if (!v || v->ms < 0) {
    d.error(n, path, "expected a duration such as \"30s\", got " + quote(n.Scalar()) + days_hint(n.Scalar()));
    return std::nullopt;
  }
  return v;
}

std::optional<std::optional<Duration>> to_karpenter_duration(Doc& d, const YAML::Node& n, const std::string& path,
                                                             bool allow_never) {
  const char* what = allow_never ? "a duration such as \"30s\" or \"Never\"" : "a duration such as \"30s\"";
  if (!scalar_or_error(d, n, path, what)) return std::nullopt;
  const std::string& s = n.Scalar();
  if (allow_never && s == "Never") return std::optional<Duration>{};
  if (karpenter_duration_syntax(s)) {
    if (auto v = parse_duration(s)) return std::optional<Duration>{*v};
  }
  d.error(n, path, std::string("expected ") + what + ", got " + quote(s) + days_hint(s));
  return std::nullopt;
}

std::optional<std::string> to_enum(Doc& d, const YAML::Node& n, const std::string& path,
                                   const std::vector<std::string_view>& choices) {
  const std::string expected = choices.size() == 1 ? quote(*choices.begin()) : "one of " + quote_list(choices);
  if (!n.IsDefined() || !n.IsScalar()) {
    d.error(n, path, "expected " + expected + ", got " + describe(n));
    return std::nullopt;
  }
  for (auto c : choices)
    if (c == n.Scalar()) return n.Scalar();
  std::string msg = "expected " + expected + ", got " + quote(n.Scalar());
  if (auto near = closest(n.Scalar(), choices)) msg += " (did you mean " + quote(*near) + "?)";
  d.error(n, path, std::move(msg));
  return std::nullopt;
}

bool expect_list(Doc& d, const YAML::Node& n, const std::string& path) {
  if (n.IsDefined() && n.IsSequence()) return true;
  d.error(n, path, "expected a list, got " + describe(n));
  return false;
}

std::optional<std::vector<std::string>> to_string_list(Doc& d, const YAML::Node& n, const std::string& path) {
  if (!expect_list(d, n, path)) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (auto s = to_string(d, n[i], index_path(path, i)))
      out.push_back(*s);
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

// ---------------------------------------------------------------------------------------------
// MapView

MapView::MapView(Doc& d, const YAML::Node& n, std::string path) : m_doc(&d), m_node(n), m_path(std::move(path)) {
  if (!n.IsDefined() || !n.IsMap()) {
    d.error(n, m_path, "expected a map, got " + describe(n));
    return;
  }
  m_ok = true;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const YAML::Node k = it->first;
    if (!k.IsScalar()) {
      d.error(k, m_path, "expected a string key, got " + describe(k));
      continue;
    }
    const std::string& key = k.Scalar();
    if (find(key) != nullptr) {
      d.error(k, key_path(m_path, key), "duplicate key " + quote(key));
      continue;
    }
    m_entries.push_back(MapEntry{key, k, it->second, false});
  }
}

MapEntry* MapView::find(std::string_view key) {
  for (auto& e : m_entries)
    if (e.key == key) return &e;
  return nullptr;
}

const MapEntry* MapView::find(std::string_view key) const {
  for (const auto& e : m_entries)
    if (e.key == key) return &e;
  return nullptr;
}

bool MapView::has(std::string_view key) const {
  const MapEntry* e = find(key);
  return e != nullptr && present(e->value);
}

YAML::Node MapView::get(std::string_view key) {
  MapEntry* e = find(key);
  if (e == nullptr) return YAML::Node(YAML::NodeType::Undefined);
  e->used = true;
  return e->value;
}

YAML::Node MapView::require(std::string_view key) {
  const YAML::Node v = get(key);
  if (!present(v) && m_ok) m_doc->error(m_node, m_path, "missing required key " + quote(key));
  return v;
}

YAML::Node MapView::key_node(std::string_view key) const {
  const MapEntry* e = find(key);
  return e != nullptr ? e->key_node : YAML::Node(YAML::NodeType::Undefined);
}

void MapView::ignore(std::initializer_list<std::string_view> keys) {
  for (auto k : keys)
    if (MapEntry* e = find(k)) e->used = true;
}

std::optional<std::string> MapView::str(std::string_view key) {
  const YAML::Node v = get(key);
  if (!present(v)) return std::nullopt;
  return to_string(*m_doc, v, path(key));
}

std::optional<std::string> MapView::req_str(std::string_view key) {
  const YAML::Node v = require(key);
  if (!present(v)) return std::nullopt;
  return to_string(*m_doc, v, path(key));
}

std::optional<std::int64_t> MapView::integer(std::string_view key, std::int64_t lo, std::int64_t hi) {
  const YAML::Node v = get(key);
  if (!present(v)) return std::nullopt;
  return to_int(*m_doc, v, path(key), lo, hi);
}

std::optional<bool> MapView::boolean(std::string_view key) {
  const YAML::Node v = get(key);
  if (!present(v)) return std::nullopt;
  return to_bool(*m_doc, v, path(key));
}

std::optional<double> MapView::number(std::string_view key) {
  const YAML::Node v = get(key);
  if (!present(v)) return std::nullopt;
  return to_number(*m_doc, v, path(key));
}

std::optional<Quantity> MapView::quantity(std::string_view key) {
  const YAML::Node v = get(key);
  if (!present(v)) return std::nullopt;
  return to_quantity(*m_doc, v, path(key));
}

std::optional<Duration> MapView::duration(std::string_view key) {
  const YAML::Node v = get(key);
  if (!present(v)) return std::nullopt;
  return to_duration(*m_doc, v, path(key));
}

std::optional<std::string> MapView::enumeration(std::string_view key, const std::vector<std::string_view>& choices) {
  const YAML::Node v = get(key);
  if (!present(v)) return std::nullopt;
  return to_enum(*m_doc, v, path(key), choices);
}

std::optional<std::vector<std::string>> MapView::str_list(std::string_view key) {
  const YAML::Node v = get(key);
  if (!present(v)) return std::nullopt;
  return to_string_list(*m_doc, v, path(key));
}

std::optional<std::map<std::string, std::string>> MapView::str_map(std::string_view key) {
  const YAML::Node v = get(key);
  if (!present(v)) return std::nullopt;
  MapView m(*m_doc, v, path(key));
  if (!m.ok()) return std::nullopt;
  std::map<std::string, std::string> out;
  bool ok = true;
  for (auto& e : m.entries()) {
    e.used = true;
    if (!present(e.value)) {
      out[e.key] = "";
      continue;
    }
    if (auto s = to_string(*m_doc, e.value, m.path(e.key)))
      out[e.key] = *s;
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

void MapView::warn_unread() {
  for (const auto& e : m_entries)
    if (!e.used) m_doc->unmodelled(e.key_node, path(e.key), e.value);
}

void MapView::reject_unknown(const std::vector<std::string_view>& valid) {
  for (const auto& e : m_entries) {
    if (std::find(valid.begin(), valid.end(), std::string_view(e.key)) != valid.end()) continue;
    std::string msg = "unknown key " + quote(e.key);
    if (auto near = closest(e.key, valid))
      msg += ", did you mean " + quote(*near) + "?";
    else if (valid.size() <= 8)
      msg += ", expected one of " + quote_list(valid);
    m_doc->error(e.key_node, m_path, std::move(msg));
  }
}

std::optional<int> read_replicas(MapView& m, std::string_view key) {
  const auto v = m.integer(key, 0, 2147483647LL);
  if (!v) return std::nullopt;
  if (*v > k_max_replicas) {
    m.doc().error(m.get(key), m.path(key),
                  "expected at most " + std::to_string(k_max_replicas) + " pods, got " + std::to_string(*v) +
                      " (the supported maximum: Kubernetes' tested limit of 150,000 pods per cluster; for more, "
                      "replay a pod trace)");
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

// ---------------------------------------------------------------------------------------------
// Loader helpers

void Loader::register_name(Doc& d, const std::string& kind, const std::string& name, const YAML::Node& at,
                           const std::string& path) {
  const auto [it, inserted] = names.emplace(std::make_pair(kind, name), d.loc(at));
  if (inserted) return;
  const spec::SourceLoc& first = it->second;
  d.error(at, path,
          "duplicate " + kind + " named " + quote(name) + " (first defined at " + first.file + ":" +
              std::to_string(first.line) + ":" + std::to_string(first.col) + ")");
}

std::string resolve_path(const std::string& base_dir, const std::string& relative) {
  std::filesystem::path p(relative);
  if (p.is_absolute() || base_dir.empty()) return p.lexically_normal().string();
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

}  // namespace capsim::io::detail
