#include "capsim/io/trace_reader.hpp"

#include "capsim/io/audit_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <queue>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "capsim/core/quantity.hpp"
#include "capsim/core/resources.hpp"

namespace capsim::io {

std::string_view trace_format_name(TraceFormat f) {
  switch (f) {
    case TraceFormat::auto_detect: return "auto";
    case TraceFormat::csv: return "csv";
    case TraceFormat::jsonl: return "jsonl";
    case TraceFormat::alibaba_openb: return "alibaba-openb";
    case TraceFormat::alibaba_dlrm: return "alibaba-dlrm";
    case TraceFormat::k8s_audit: return "k8s-audit";
  }
  return "auto";
}

std::string json_error_text(const std::exception& e) {
  std::string what = e.what();
  const auto c = what.find("column ");
  if (const auto colon = c == std::string::npos ? c : what.find(": ", c); colon != std::string::npos)
    return what.substr(colon + 2);
  if (const auto b = what.find("] "); b != std::string::npos) return what.substr(b + 2);
  return what;
}

std::optional<TraceFormat> parse_trace_format(std::string_view s) {
  if (s == "auto") return TraceFormat::auto_detect;
  if (s == "csv") return TraceFormat::csv;
  if (s == "jsonl") return TraceFormat::jsonl;
  if (s == "alibaba-openb") return TraceFormat::alibaba_openb;
  if (s == "alibaba-dlrm") return TraceFormat::alibaba_dlrm;
  if (s == "k8s-audit") return TraceFormat::k8s_audit;
  return std::nullopt;
}

std::optional<TraceFormat> trace_format_for_path(std::string_view path) {
  auto ends_with = [path](std::string_view ext) {
    if (path.size() < ext.size()) return false;
    for (std::size_t i = 0; i < ext.size(); ++i) {
      char c = path[path.size() - ext.size() + i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != ext[i]) return false;
    }
    return true;
  };
  if (ends_with(".csv")) return TraceFormat::csv;
  if (ends_with(".jsonl") || ends_with(".ndjson")) return TraceFormat::jsonl;
  return std::nullopt;
}

std::optional<Duration> parse_trace_seconds(std::string_view text) {
  // Integer seconds are capped so that seconds * 1000 + 999 fits in int64.
  constexpr std::int64_t k_max_seconds = (std::numeric_limits<std::int64_t>::max() - 1000) / 1000;
  std::int64_t secs = 0;
  std::int64_t frac_ms = 0;
  int frac_digits = 0;
  bool round_up = false;
  bool any_digit = false;
  std::size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    any_digit = true;
    secs = secs * 10 + (text[i] - '0');
    if (secs > k_max_seconds) return std::nullopt;
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      any_digit = true;
      if (frac_digits < 3) {
        frac_ms = frac_ms * 10 + (text[i] - '0');
      } else if (frac_digits == 3) {
        round_up = text[i] >= '5';  // half up on the first dropped digit
      }
      ++frac_digits;
    }
  }
  if (!any_digit || i != text.size()) return std::nullopt;
  for (int k = frac_digits; k < 3; ++k) frac_ms *= 10;
  return Duration{secs * 1000 + frac_ms + (round_up ? 1 : 0)};
}

namespace {

constexpr std::size_t k_max_record_bytes = std::size_t{1} << 20;
constexpr std::size_t k_max_unknown_key_warnings = 100;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// A value quoted for a message: escapes quotes and control characters, cut after 80 bytes.
std::string quote(std::string_view s) {
  constexpr std::size_t k_max = 80;
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < k_max; ++i) {
    const char c = s[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  if (s.size() > k_max) out += "...";
  out += '"';
  return out;
}

// "10", "10.5", "0.001": the shortest decimal for a millisecond count.
std::string format_seconds(std::int64_t ms) {
  std::string s = std::to_string(ms / 1000);
  std::int64_t frac = ms % 1000;
  if (frac == 0) return s;
  std::string f = std::to_string(frac);
  f.insert(0, 3 - f.size(), '0');
  while (f.back() == '0') f.pop_back();
  return s + "." + f;
}

// ---- field validators shared by both formats: nullopt on success, else the message ----

std::optional<std::string> check_quantity(std::string_view text, std::string_view example, bool whole,
                                          Quantity& out) {
  const auto q = parse_quantity(text);
  const std::string expected = whole ? std::string("a whole number") : std::string("a quantity");
  if (!q) return "expected " + expected + " such as " + quote(example) + ", got " + quote(text);
  if (q->milli < 0) return "expected a non-negative " + expected.substr(2) + " such as " + quote(example) + ", got " + quote(text);
  if (whole && q->milli % 1000 != 0) return "expected a whole number such as " + quote(example) + ", got " + quote(text);
  out = *q;
  return std::nullopt;
}

// Example value and whole-number rule per resource name.
std::pair<std::string_view, bool> quantity_rule(std::string_view resource) {
  if (resource == "cpu") return {"500m", false};
  if (resource == "memory" || resource == "ephemeral-storage") return {"512Mi", false};
  if (resource.find('/') != std::string_view::npos) return {"1", true};  // extended resources are integers
  return {"1", false};
}

std::optional<std::string> check_owner(std::string_view text) {
  const auto slash = text.find('/');
  const bool ok = slash != std::string_view::npos && slash > 0 && slash + 1 < text.size() &&
                  text.find('/', slash + 1) == std::string_view::npos &&
                  text.find_first_of(" \t") == std::string_view::npos;
  if (ok) return std::nullopt;
  return "expected Kind/name such as \"ReplicaSet/web-7d9f\", got " + quote(text);
}

std::optional<std::string> check_event(std::string_view text, spec::TraceEventKind& out) {
  if (text == "create") {
    out = spec::TraceEventKind::create;
    return std::nullopt;
  }
  if (text == "delete") {
    out = spec::TraceEventKind::del;
    return std::nullopt;
  }
  return "expected \"create\" or \"delete\", got " + quote(text);
}

template <typename Map>
std::optional<std::string> parse_kv_list(std::string_view text, Map& out) {
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find(';', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view entry = trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (entry.empty()) continue;
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos || trim(entry.substr(0, eq)).empty())
      return "expected key=value pairs separated by \";\" such as \"app=web;tier=db\", got " + quote(text);
    const std::string key(trim(entry.substr(0, eq)));
    if (out.count(key) != 0) return "duplicate key " + quote(key) + " in " + quote(text);
    out.emplace(key, std::string(trim(entry.substr(eq + 1))));
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t v = 0;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::optional<std::string> check_priority(std::string_view text, int& out) {
  const auto v = parse_int(text);
  if (!v || *v < std::numeric_limits<std::int32_t>::min() || *v > std::numeric_limits<std::int32_t>::max())
    return "expected an integer such as \"1000\", got " + quote(text);
  out = static_cast<int>(*v);
  return std::nullopt;
}

// ---- the reader base: line input, diagnostics, time order ----

class ReaderBase : public TraceReader {
 public:
  ReaderBase(std::unique_ptr<std::istream> in, std::string name) : TraceReader(std::move(name)), m_in(std::move(in)) {}

 protected:
  // Next physical line without its line ending; false at end of input.
  bool read_line(std::string& out) {
    if (!std::getline(*m_in, out)) {
      if (m_in->bad()) fail({diag(m_line + 1, 0, "", "read error")});
      return false;
    }
    ++m_line;
    if (!out.empty() && out.back() == '\r') out.pop_back();
    if (m_line == 1 && out.size() >= 3 && out.compare(0, 3, "\xEF\xBB\xBF") == 0) {
      out.erase(0, 3);  // a UTF-8 byte-order mark
      m_bom = true;
    }
    return true;
  }

  // Physical column of a 0-based offset into line `line` (the BOM is three bytes of line 1).
  int column(int line, std::size_t offset) const {
    return static_cast<int>(offset) + 1 + (line == 1 && m_bom ? 3 : 0);
  }

  Diagnostic diag(int line, int col, std::string path, std::string message,
                  Severity sev = Severity::error) const {
    Diagnostic d;
    d.file = m_name;
    d.line = line;
    d.col = col;
    d.severity = sev;
    d.path = std::move(path);
    d.message = std::move(message);
    return d;
  }

  [[noreturn]] static void fail(std::vector<Diagnostic> diags) {
    std::stable_sort(diags.begin(), diags.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return std::pair(a.line, a.col) < std::pair(b.line, b.col); });
    throw InputError(std::move(diags));
  }

  // Times must be non-decreasing.
  std::optional<std::string> check_order(Duration at) const {
    if (!m_prev || at.ms >= m_prev->ms) return std::nullopt;
    return "expected a time >= " + format_seconds(m_prev->ms) + " (the previous event, line " +
           std::to_string(m_prev_line) + "), got " + format_seconds(at.ms);
  }
  void accept(const spec::TraceEvent& ev) {
    m_prev = ev.at;
    m_prev_line = ev.line;
  }

  void warn_unknown(std::string_view what, const std::string& key, int line, int col) {
    if (m_unknown_seen.count(key) != 0) return;
    if (m_unknown_seen.size() == k_max_unknown_key_warnings) {
      m_unknown_seen.insert(key);
      m_warnings.push_back(diag(line, col, "", "further unknown " + std::string(what) + "s are not reported",
                                Severity::warning));
      return;
    }
    if (m_unknown_seen.size() > k_max_unknown_key_warnings) return;
    m_unknown_seen.insert(key);
    m_warnings.push_back(
        diag(line, col, "", "unknown " + std::string(what) + " " + quote(key) + " is ignored", Severity::warning));
  }

  std::unique_ptr<std::istream> m_in;

 private:
  std::optional<Duration> m_prev;
  int m_prev_line{0};
  bool m_bom{false};
  std::set<std::string, std::less<>> m_unknown_seen;
};

// ---- CSV ----

enum class Col : std::uint8_t {
  time, pod, event, namespace_, cpu, memory, gpu, labels, node_selector, tolerations, owner, priority, count_
};
constexpr std::size_t k_ncols = static_cast<std::size_t>(Col::count_);
constexpr std::array<std::string_view, k_ncols> k_col_names = {
    "time", "pod", "event", "namespace", "cpu", "memory", "gpu", "labels", "node_selector", "tolerations", "owner",
    "priority"};

class CsvReader : public ReaderBase {
 public:
  CsvReader(std::unique_ptr<std::istream> in, std::string name) : ReaderBase(std::move(in), std::move(name)) {
    m_index.fill(-1);
    read_header();
  }

  std::optional<spec::TraceEvent> next() override {
    if (!read_record(false)) return std::nullopt;
    if (m_nfields != m_header_size)
      fail({diag(m_record_line, 0, "",
                 "expected " + std::to_string(m_header_size) + " fields as in the header, got " +
                     std::to_string(m_nfields))});

    std::vector<Diagnostic> errs;
    auto error = [&](const Field& f, Col c, std::string msg) {
      errs.push_back(diag(f.line, f.col, std::string(k_col_names[static_cast<std::size_t>(c)]), std::move(msg)));
    };
    auto field = [&](Col c) -> const Field* {
      const int i = m_index[static_cast<std::size_t>(c)];
      return i < 0 ? nullptr : &m_fields[static_cast<std::size_t>(i)];
    };

    spec::TraceEvent ev;
    ev.line = m_record_line;
    ev.namespace_ = "default";

    const Field& time = *field(Col::time);
    if (const auto t = parse_trace_seconds(time.text)) {
      ev.at = *t;
      if (auto m = check_order(*t)) error(time, Col::time, *m);
    } else {
      error(time, Col::time, "expected a non-negative number of seconds such as \"1.5\", got " + quote(time.text));
    }
    const Field& pod = *field(Col::pod);
    if (pod.text.empty()) error(pod, Col::pod, "expected a pod name, got \"\"");
    ev.pod = pod.text;
    const Field& event = *field(Col::event);
    if (auto m = check_event(event.text, ev.kind)) error(event, Col::event, *m);

    if (const Field* f = field(Col::namespace_); f && !f->text.empty()) ev.namespace_ = f->text;
    for (const auto& [col, res] : {std::pair{Col::cpu, Resource::cpu}, std::pair{Col::memory, Resource::memory},
                                   std::pair{Col::gpu, Resource::nvidia_gpu}}) {
      const Field* f = field(col);
      if (!f || f->text.empty()) continue;
      const auto [example, whole] = quantity_rule(resource_name(res));
      Quantity q;
      if (auto m = check_quantity(f->text, example, whole, q)) {
        error(*f, col, *m);
      } else {
        ev.requests.set(res, q);
      }
    }
    if (const Field* f = field(Col::labels); f && !f->text.empty())
      if (auto m = parse_kv_list(f->text, ev.labels)) error(*f, Col::labels, *m);
    if (const Field* f = field(Col::node_selector); f && !f->text.empty())
      if (auto m = parse_kv_list(f->text, ev.node_selector)) error(*f, Col::node_selector, *m);
    if (const Field* f = field(Col::tolerations); f && !f->text.empty())
      if (auto m = parse_toleration_list(f->text, ev.tolerations)) error(*f, Col::tolerations, *m);
    if (const Field* f = field(Col::owner); f && !f->text.empty()) {
      if (auto m = check_owner(f->text)) error(*f, Col::owner, *m);
      ev.owner = f->text;
    }
    if (const Field* f = field(Col::priority); f && !f->text.empty())
      if (auto m = check_priority(f->text, ev.priority)) error(*f, Col::priority, *m);

    if (!errs.empty()) fail(std::move(errs));
    accept(ev);
    return ev;
  }

 private:
  struct Field {
    std::string text;
    int line{0};
    int col{0};
  };

  void read_header() {
    if (!read_record(true))
      fail({diag(0, 0, "", "empty trace: expected a header row with the columns time, pod and event")});
    m_header_size = m_nfields;
    std::vector<Diagnostic> errs;
    for (std::size_t i = 0; i < m_nfields; ++i) {
      const Field& f = m_fields[i];
      const auto it = std::find(k_col_names.begin(), k_col_names.end(), f.text);
      if (it == k_col_names.end()) {
        warn_unknown("column", f.text, f.line, f.col);
        continue;
      }
      auto& slot = m_index[static_cast<std::size_t>(it - k_col_names.begin())];
      if (slot >= 0) {
        errs.push_back(diag(f.line, f.col, "", "duplicate column " + quote(f.text)));
        continue;
      }
      slot = static_cast<int>(i);
    }
    for (Col c : {Col::time, Col::pod, Col::event})
      if (m_index[static_cast<std::size_t>(c)] < 0)
        errs.push_back(diag(m_record_line, 0, "",
                            "missing required column " + quote(k_col_names[static_cast<std::size_t>(c)])));
    if (!errs.empty()) fail(std::move(errs));
  }

  Field& new_field() {
    if (m_nfields == m_fields.size()) m_fields.emplace_back();
    Field& f = m_fields[m_nfields++];
    f.text.clear();
    return f;
  }

  // Reads one RFC 4180 record into m_fields[0, m_nfields); false at end of input. Skips blank
  // lines, and '#' comment lines when `header` (comments may only precede the header row).
  // Unquoted fields are trimmed of spaces and tabs; a quoted field may span lines.
  bool read_record(bool header) {
    m_nfields = 0;
    for (;;) {
      if (!read_line(m_buf)) return false;
      const std::string_view t = trim(m_buf);
      if (t.empty() || (header && t.front() == '#')) continue;
      break;
    }
    m_record_line = m_line;
    std::size_t i = 0;
    for (;;) {
      Field& f = new_field();
      while (i < m_buf.size() && (m_buf[i] == ' ' || m_buf[i] == '\t')) ++i;
      f.line = m_line;
      f.col = column(m_line, i);
      if (i < m_buf.size() && m_buf[i] == '"') {
        const int open_line = m_line;
        const int open_col = f.col;
        ++i;
        for (;;) {
          if (i >= m_buf.size()) {  // the quoted field goes on on the next line
            f.text += '\n';
            if (f.text.size() > k_max_record_bytes || !read_line(m_buf))
              fail({diag(open_line, open_col, "", "unterminated quoted field: expected a closing '\"'")});
            i = 0;
            continue;
          }
          const std::size_t q = m_buf.find('"', i);
          if (q == std::string::npos) {
            f.text.append(m_buf, i, std::string::npos);
            i = m_buf.size();
            continue;
          }
          f.text.append(m_buf, i, q - i);
          if (q + 1 < m_buf.size() && m_buf[q + 1] == '"') {  // "" is an escaped quote
            f.text += '"';
            i = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        while (i < m_buf.size() && (m_buf[i] == ' ' || m_buf[i] == '\t')) ++i;
        if (i < m_buf.size() && m_buf[i] != ',')
          fail({diag(m_line, column(m_line, i), "",
                     std::string("expected ',' or the end of the line after a closing quote, got '") + m_buf[i] + "'")});
      } else {
        std::size_t end = m_buf.find(',', i);
        if (end == std::string::npos) end = m_buf.size();
        f.text.assign(trim(std::string_view(m_buf).substr(i, end - i)));
        i = end;
      }
      if (i < m_buf.size() && m_buf[i] == ',') {
        ++i;
        continue;
      }
      return true;
    }
  }

  std::vector<Field> m_fields;  // reused across records
  std::size_t m_nfields{0};
  std::size_t m_header_size{0};
  std::array<int, k_ncols> m_index{};
  std::string m_buf;
  int m_record_line{0};
};

// ---- JSONL ----

using nlohmann::json;

// Column (1-based) of every value in one line of valid JSON, by key path ("requests.cpu",
// "tolerations[0].effect"). Only computed when a record has an error.
std::map<std::string, int> value_columns(std::string_view s) {
  struct Frame {
    bool object;
    std::string key;
    int index;
  };
  std::map<std::string, int> out;
  std::vector<Frame> st;
  auto path = [&st] {
    std::string p;
    for (const Frame& f : st) {
      if (f.object) {
        if (!p.empty()) p += '.';
        p += f.key;
      } else {
        p += "[" + std::to_string(f.index) + "]";
      }
    }
    return p;
  };
  auto skip_string = [&s](std::size_t& i) {  // at the opening quote; returns the raw contents
    std::string raw;
    for (++i; i < s.size() && s[i] != '"'; ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      raw += s[i];
    }
    ++i;
    return raw;
  };
  enum class State : std::uint8_t { value, key, after };
  State state = State::value;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
      ++i;
      continue;
    }
    switch (state) {
      case State::value:
        if (!st.empty()) out[path()] = static_cast<int>(i) + 1;
        if (s[i] == '{' || s[i] == '[') {
          st.push_back(Frame{s[i] == '{', "", 0});
          ++i;
          while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
          if (i < s.size() && (s[i] == '}' || s[i] == ']')) {
            ++i;
            st.pop_back();
            state = State::after;
          } else {
            state = st.back().object ? State::key : State::value;
          }
        } else if (s[i] == '"') {
          skip_string(i);
          state = State::after;
        } else {
          while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ') ++i;
          state = State::after;
        }
        break;
      case State::key:
        if (s[i] != '"') return out;
        st.back().key = skip_string(i);
        while (i < s.size() && s[i] != ':') ++i;
        ++i;
        state = State::value;
        break;
      case State::after:
        if (st.empty()) return out;
        if (s[i] == ',') {
          ++i;
          if (st.back().object) {
            state = State::key;
          } else {
            ++st.back().index;
            state = State::value;
          }
        } else {
          ++i;  // '}' or ']'
          st.pop_back();
        }
        break;
    }
  }
  return out;
}

// A JSON value for a message: strings quoted, anything else as compact JSON, cut after 80 bytes.
std::string excerpt(const json& j) {
  if (j.is_string()) return quote(j.get_ref<const std::string&>());
  std::string d = j.dump();
  if (d.size() > 80) d = d.substr(0, 80) + "...";
  return d;
}

class JsonlReader : public ReaderBase {
 public:
  using ReaderBase::ReaderBase;

  std::optional<spec::TraceEvent> next() override {
    std::size_t start = 0;
    for (;;) {
      if (!read_line(m_buf)) return std::nullopt;
      start = m_buf.find_first_not_of(" \t");
      if (start != std::string::npos) break;
    }
    m_columns.reset();
    json j;
    try {
      j = json::parse(m_buf);
    } catch (const json::parse_error& e) {
      const int col = static_cast<int>(std::clamp<std::size_t>(e.byte, 1, m_buf.size() + 1));
      fail({diag(m_line, column(m_line, static_cast<std::size_t>(col - 1)), "", "invalid JSON: " + json_error_text(e))});
    } catch (const json::out_of_range& e) {
      // A number beyond double range ("1e400"): nlohmann reports it as out_of_range.406 without
      // a position, so the error points at the number's text, quoted in the message.
      std::string what = e.what();
      if (const auto b = what.find("] "); b != std::string::npos) what = what.substr(b + 2);
      std::size_t at = start;
      if (const auto q = what.find('\''); q != std::string::npos) {
        const std::string number = what.substr(q + 1, what.size() - q - 2);
        if (const auto f = m_buf.find(number); f != std::string::npos) at = f;
      }
      fail({diag(m_line, column(m_line, at), "", "invalid JSON: " + what)});
    }
    if (!j.is_object())
      fail({diag(m_line, column(m_line, start), "", "expected a JSON object such as {\"time\": 0, ...}, got " + excerpt(j))});

    std::vector<Diagnostic> errs;
    auto error = [&](const std::string& path, std::string msg) {
      errs.push_back(diag(m_line, col_of(path), path, std::move(msg)));
    };

    spec::TraceEvent ev;
    ev.line = m_line;
    ev.namespace_ = "default";
    bool have_time = false;
    bool have_pod = false;
    bool have_event = false;
    for (const auto& [key, v] : j.items()) {
      if (key == "time") {
        have_time = true;
        if (auto t = json_seconds(v)) {
          ev.at = *t;
          if (auto m = check_order(*t)) error(key, *m);
        } else {
          error(key, "expected a non-negative number of seconds such as 1.5, got " + excerpt(v));
        }
      } else if (key == "pod") {
        have_pod = true;
        if (!v.is_string() || v.get_ref<const std::string&>().empty())
          error(key, "expected a pod name, got " + excerpt(v));
        else
          ev.pod = v.get<std::string>();
      } else if (key == "event") {
        have_event = true;
        if (!v.is_string())
          error(key, "expected \"create\" or \"delete\", got " + excerpt(v));
        else if (auto m = check_event(v.get_ref<const std::string&>(), ev.kind))
          error(key, *m);
      } else if (key == "namespace") {
        if (!v.is_string())
          error(key, "expected a string, got " + excerpt(v));
        else if (!v.get_ref<const std::string&>().empty())
          ev.namespace_ = v.get<std::string>();
      } else if (key == "requests") {
        read_requests(v, ev.requests, error);
      } else if (key == "labels") {
        read_string_map(key, v, ev.labels, error);
      } else if (key == "nodeSelector") {
        read_string_map(key, v, ev.node_selector, error);
      } else if (key == "tolerations") {
        read_tolerations(v, ev.tolerations, error);
      } else if (key == "owner") {
        if (!v.is_string())
          error(key, "expected Kind/name such as \"ReplicaSet/web-7d9f\", got " + excerpt(v));
        else if (auto m = check_owner(v.get_ref<const std::string&>()))
          error(key, *m);
        else
          ev.owner = v.get<std::string>();
      } else if (key == "priority") {
        if (!v.is_number_integer() || v.get<std::int64_t>() < std::numeric_limits<std::int32_t>::min() ||
            v.get<std::int64_t>() > std::numeric_limits<std::int32_t>::max())
          error(key, "expected an integer such as 1000, got " + excerpt(v));
        else
          ev.priority = v.get<int>();
      } else {
        warn_unknown("key", key, m_line, col_of(key));
      }
    }
    for (const auto& [have, key] : {std::pair{have_time, "time"}, std::pair{have_pod, "pod"},
                                    std::pair{have_event, "event"}})
      if (!have) errs.push_back(diag(m_line, column(m_line, start), "", std::string("missing required key \"") + key + "\""));
    if (!errs.empty()) fail(std::move(errs));
    accept(ev);
    return ev;
  }

 private:
  template <typename ErrorFn>
  void read_requests(const json& v, ResourceList& out, ErrorFn& error) {
    if (!v.is_object()) {
      error("requests", "expected an object such as {\"cpu\": \"500m\"}, got " + excerpt(v));
      return;
    }
    for (const auto& [name, q] : v.items()) {
      const std::string path = "requests." + name;
      const auto [example, whole] = quantity_rule(name);
      if (!q.is_string() && !q.is_number()) {
        error(path, "expected " + std::string(whole ? "a whole number" : "a quantity") + " such as " +
                        quote(example) + ", got " + excerpt(q));
        continue;
      }
      const std::string text = q.is_string() ? q.template get<std::string>() : q.dump();
      Quantity amount;
      if (auto m = check_quantity(text, example, whole, amount)) {
        error(path, *m);
        continue;
      }
      out.set(name, amount);
    }
  }

  template <typename Map, typename ErrorFn>
  void read_string_map(const std::string& key, const json& v, Map& out, ErrorFn& error) {
    if (!v.is_object()) {
      error(key, "expected an object of strings such as {\"app\": \"web\"}, got " + excerpt(v));
      return;
    }
    for (const auto& [k, val] : v.items()) {
      if (!val.is_string()) {
        error(key + "." + k, "expected a string, got " + excerpt(val));
        continue;
      }
      out.emplace(k, val.template get<std::string>());
    }
  }

  template <typename ErrorFn>
  void read_tolerations(const json& v, std::vector<Toleration>& out, ErrorFn& error) {
    if (!v.is_array()) {
      error("tolerations", "expected a list such as [{\"key\": \"gpu\", \"operator\": \"Exists\"}], got " + excerpt(v));
      return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      const json& t = v[i];
      const std::string base = "tolerations[" + std::to_string(i) + "]";
      if (!t.is_object()) {
        error(base, "expected an object such as {\"key\": \"gpu\", \"operator\": \"Exists\"}, got " + excerpt(t));
        continue;
      }
      Toleration tol;
      std::string op = "Equal";
      bool ok = true;
      for (const auto& [k, val] : t.items()) {
        const std::string path = base + "." + k;
        if (k == "tolerationSeconds") continue;  // eviction timing is not modelled
        if (k != "key" && k != "operator" && k != "value" && k != "effect") {
          warn_unknown("key", "tolerations[]." + k, m_line, col_of(path));
          continue;
        }
        if (!val.is_string()) {
          error(path, "expected a string, got " + excerpt(val));
          ok = false;
          continue;
        }
        const auto& s = val.template get_ref<const std::string&>();
        if (k == "key") {
          tol.key = s;
        } else if (k == "value") {
          tol.value = s;
        } else if (k == "operator") {
          if (s != "Equal" && s != "Exists") {
            error(path, "expected \"Equal\" or \"Exists\", got " + quote(s));
            ok = false;
          }
          op = s;
        } else if (!s.empty()) {
          tol.effect = parse_taint_effect(s);
          if (!tol.effect) {
            error(path, "expected \"NoSchedule\", \"PreferNoSchedule\" or \"NoExecute\", got " + quote(s));
            ok = false;
          }
        }
      }
      if (!ok) continue;
      tol.op_exists = op == "Exists";
      if (tol.op_exists && !tol.value.empty()) {
        error(base + ".value", "expected no value with operator \"Exists\", got " + quote(tol.value));
        continue;
      }
      if (tol.key.empty() && !tol.op_exists) {
        error(base + ".operator", "expected \"Exists\" when the key is empty, got " + quote(op));
        continue;
      }
      out.push_back(std::move(tol));
    }
  }

  static std::optional<Duration> json_seconds(const json& v) {
    if (v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
      const auto s = v.get<std::uint64_t>();
      if (s > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / 1000 - 1)) return std::nullopt;
      return Duration{static_cast<std::int64_t>(s) * 1000};
    }
    if (v.is_number_float()) {
      const double d = v.get<double>();
      // Below 2^53 ms a double with three decimals rounds back to the exact millisecond.
      if (!(d >= 0.0) || d > 9.0e12) return std::nullopt;
      return Duration{std::llround(d * 1000.0)};
    }
    if (v.is_string()) return parse_trace_seconds(v.get_ref<const std::string&>());
    return std::nullopt;
  }

  int col_of(const std::string& path) {
    if (!m_columns) m_columns = value_columns(m_buf);
    // A missing key points at the closest enclosing value that is there ("tolerations[0]").
    std::string p = path;
    for (;;) {
      if (const auto it = m_columns->find(p); it != m_columns->end())
        return column(m_line, static_cast<std::size_t>(it->second - 1));
      const auto cut = p.find_last_of(".[");
      if (cut == std::string::npos || cut == 0) return column(m_line, 0);
      p.resize(cut);
    }
  }

  std::string m_buf;
  std::optional<std::map<std::string, int>> m_columns;  // of m_buf, computed on demand
};

}  // namespace

std::optional<std::string> parse_toleration_list(std::string_view text, std::vector<Toleration>& out) {
  const std::string valid = "expected entries such as \"key=value:NoSchedule\", \"key:NoExecute\" or \":Exists\" "
                            "separated by \";\", got ";
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find(';', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view entry = trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (entry.empty()) continue;

    std::string_view head = entry;
    std::optional<std::string_view> effect;
    if (const auto colon = entry.find(':'); colon != std::string_view::npos) {
      head = trim(entry.substr(0, colon));
      effect = trim(entry.substr(colon + 1));
      if (effect->find(':') != std::string_view::npos) return valid + quote(entry);
    }
    Toleration t;
    if (const auto eq = head.find('='); eq != std::string_view::npos) {
      t.key = std::string(trim(head.substr(0, eq)));
      t.value = std::string(trim(head.substr(eq + 1)));
      t.op_exists = false;
    } else {
      t.key = std::string(head);
      t.op_exists = true;
    }
    if (effect && *effect != "Exists") {
      t.effect = parse_taint_effect(*effect);
      if (!t.effect)
        return "expected NoSchedule, PreferNoSchedule, NoExecute or Exists after ':', got " + quote(*effect) +
               " in " + quote(entry);
    }
    if (effect && *effect == "Exists" && !t.op_exists)
      return "expected no \"=value\" with \":Exists\", got " + quote(entry);
    if (t.key.empty() && !t.op_exists)
      return "expected operator Exists (no \"=value\") when the key is empty, got " + quote(entry);
    out.push_back(std::move(t));
  }
  return std::nullopt;
}

// ---- Alibaba GPU traces ----

// The columns each Alibaba list must have (the others are dropped).
constexpr std::array<const char*, 7> k_openb_columns = {"name",     "cpu_milli",     "memory_mib",   "num_gpu",
                                                        "qos",      "creation_time", "deletion_time"};
constexpr std::array<const char*, 9> k_dlrm_columns = {"instance_sn",   "role",         "app_name",
                                                       "cpu_request",   "gpu_request",  "memory_request",
                                                       "disk_request",  "creation_time", "deletion_time"};

// The fields of a plain comma-separated line (the Alibaba lists quote nothing).
std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i)
    if (i == line.size() || line[i] == ',') {
      out.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

// Alibaba GPU 2023 openb pod list.

// cluster-trace-gpu-v2023 openb_pod_list_*.csv (columns name, cpu_milli, memory_mib, num_gpu,
// gpu_milli, gpu_spec, qos, pod_phase, creation_time, deletion_time, scheduled_time; plain
// comma-separated, times in seconds from the trace start, rows ordered by creation_time). Each pod
// is a create at creation_time (cpu_milli -> cpu "<n>m", memory_mib -> memory "<n>Mi", num_gpu ->
// nvidia.com/gpu when > 0, label alibaba.com/qos=<qos>) and a delete at deletion_time (none when
// blank; raised to creation_time when earlier). gpu_milli (a share of one GPU) and gpu_spec (a GPU
// model) have no EC2 equivalent and are dropped. Deletions wait in a heap until their time, so
// memory holds the live pods only; at one instant creations come first, then deletions by name.
class OpenbReader : public ReaderBase {
 public:
  OpenbReader(std::unique_ptr<std::istream> in, std::string name) : ReaderBase(std::move(in), std::move(name)) {
    std::string header;
    if (!read_line(header)) fail({diag(1, 1, "", "expected the openb header row, got an empty file")});
    const auto cols = split_commas(header);
    for (std::size_t i = 0; i < cols.size(); ++i) m_col[std::string(cols[i])] = i;
    std::vector<Diagnostic> errs;
    for (const char* c : k_openb_columns)
      if (!m_col.count(c)) errs.push_back(diag(1, 1, "", "expected a column " + quote(c) + " in the openb header"));
    if (!errs.empty()) fail(std::move(errs));
    m_width = cols.size();
  }

  std::optional<spec::TraceEvent> next() override {
    // The next row is read only when needed, so a bad row is reported when it is reached.
    if (!m_create && !m_done) advance();
    // The earliest of the next creation and the earliest pending deletion; creations first on ties.
    if (!m_deletes.empty() && (!m_create || m_deletes.top().first < m_create->at.ms)) {
      auto [ms, pod] = m_deletes.top();
      m_deletes.pop();
      spec::TraceEvent ev;
      ev.at = Duration{ms};
      ev.kind = spec::TraceEventKind::del;
      ev.pod = std::move(pod);
      ev.namespace_ = "default";
      return ev;
    }
    if (!m_create) return std::nullopt;
    spec::TraceEvent ev = std::move(*m_create);
    m_create.reset();
    return ev;
  }

 private:
  // Reads the next pod row into m_create (and its deletion into the heap); nullopt at the end.
  void advance() {
    m_create.reset();
    std::string line;
    while (read_line(line)) {
      if (line.empty()) continue;
      const auto f = split_commas(line);
      if (f.size() != m_width)
        fail({diag(m_line, 1, "", "expected " + std::to_string(m_width) + " fields as in the header, got " +
                                      std::to_string(f.size()))});
      std::vector<Diagnostic> errs;
      auto offset = [&](std::string_view field) { return column(m_line, static_cast<std::size_t>(field.data() - line.data())); };
      auto integer = [&](const char* name, bool required) -> std::optional<std::int64_t> {
        const std::string_view t = f[m_col.at(name)];
        if (t.empty() && !required) return std::nullopt;
        const auto v = parse_int(t);
        if (!v || *v < 0) {
          errs.push_back(diag(m_line, offset(t), name, "expected a non-negative integer, got " + quote(t)));
          return std::nullopt;
        }
        return v;
      };
      spec::TraceEvent ev;
      ev.line = m_line;
      ev.namespace_ = "default";
      ev.pod = std::string(f[m_col.at("name")]);
      if (ev.pod.empty()) errs.push_back(diag(m_line, 1, "name", "expected a pod name, got \"\""));
      const auto created = integer("creation_time", true);
      const auto cpu = integer("cpu_milli", true), mem = integer("memory_mib", true), gpu = integer("num_gpu", true);
      const auto deleted = integer("deletion_time", false);
      if (created) {
        ev.at = Duration::seconds(*created);
        if (auto m = check_order(ev.at)) errs.push_back(diag(m_line, offset(f[m_col.at("creation_time")]), "creation_time", *m));
      }
      if (!errs.empty()) fail(std::move(errs));
      accept(ev);
      ev.requests.set(Resource::cpu, Quantity::from_milli(*cpu));
      ev.requests.set(Resource::memory, Quantity::from_mib(*mem));
      if (*gpu > 0) ev.requests.set(Resource::nvidia_gpu, Quantity::from_units(*gpu));
      if (const std::string_view qos = f[m_col.at("qos")]; !qos.empty()) ev.labels["alibaba.com/qos"] = std::string(qos);
      if (deleted) m_deletes.emplace(std::max(*deleted * 1000, ev.at.ms), ev.pod);
      m_create = std::move(ev);
      return;
    }
    m_done = true;
  }

  std::map<std::string, std::size_t, std::less<>> m_col;
  std::size_t m_width{0};
  std::optional<spec::TraceEvent> m_create;
  bool m_done{false};  // every row read
  using Pending = std::pair<std::int64_t, std::string>;  // deletion time (ms), pod
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> m_deletes;
};

// ---- Alibaba GPU 2025 disaggregated DLRM instances ----

// cluster-trace-gpu-v2025 disaggregated_DLRM_trace.csv (columns instance_sn, role, app_name,
// cpu_request, cpu_limit, gpu_request, gpu_limit, rdma_request, rdma_limit, memory_request,
// memory_limit, disk_request, disk_limit, max_instance_per_node, creation_time, scheduled_time,
// deletion_time; vCPUs, GPUs, GiB, seconds from the trace start, blank when outside the window).
// Each instance is a pod owned by ReplicaSet/<app_name> with label alibaba.com/role=<role>,
// requesting cpu_request vCPUs, gpu_request nvidia.com/gpu (when above 0), memory_request GiB and
// disk_request GiB of ephemeral-storage; created at creation_time (blank: running before the
// window, created at 0) and deleted at deletion_time (blank: never). rdma_* (a share of an RDMA
// NIC) and max_instance_per_node have no EC2 equivalent and are dropped. The file is not in time
// order, so the reader sorts its events: it holds the instance list (23,871 rows).
class DlrmReader : public ReaderBase {
 public:
  DlrmReader(std::unique_ptr<std::istream> in, std::string name) : ReaderBase(std::move(in), std::move(name)) {
    std::string line;
    if (!read_line(line)) fail({diag(1, 1, "", "expected the DLRM header row, got an empty file")});
    std::map<std::string, std::size_t, std::less<>> col;
    const auto header = split_commas(line);
    for (std::size_t i = 0; i < header.size(); ++i) col[std::string(header[i])] = i;
    std::vector<Diagnostic> errs;
    for (const char* c : k_dlrm_columns)
      if (!col.count(c)) errs.push_back(diag(1, 1, "", "expected a column " + quote(c) + " in the DLRM header"));
    if (!errs.empty()) fail(std::move(errs));
    while (read_line(line)) {
      if (line.empty()) continue;
      const auto f = split_commas(line);
      if (f.size() != header.size())
        fail({diag(m_line, 1, "", "expected " + std::to_string(header.size()) + " fields as in the header, got " +
                                      std::to_string(f.size()))});
      auto at = [&](const char* c) { return f[col.at(c)]; };
      auto number = [&](const char* c, bool required) -> std::optional<double> {
        const std::string_view t = at(c);
        if (t.empty() && !required) return std::nullopt;
        double v = -1;
        const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
        if (r.ec != std::errc() || r.ptr != t.data() + t.size() || !(v >= 0) || v > 1e12) {
          errs.push_back(diag(m_line, column(m_line, static_cast<std::size_t>(t.data() - line.data())), c,
                              "expected a non-negative number, got " + quote(t)));
          return std::nullopt;
        }
        return v;
      };
      spec::TraceEvent ev;
      ev.line = m_line;
      ev.namespace_ = "default";
      ev.pod = std::string(at("instance_sn"));
      const auto cpu = number("cpu_request", true), gpu = number("gpu_request", true);
      const auto mem = number("memory_request", true), disk = number("disk_request", true);
      const auto created = number("creation_time", false), deleted = number("deletion_time", false);
      if (!errs.empty()) fail(std::move(errs));
      auto ms = [](double s) { return static_cast<std::int64_t>(std::llround(s * 1000.0)); };
      ev.at = Duration{created ? ms(*created) : 0};
      ev.requests.set(Resource::cpu, Quantity::from_milli(ms(*cpu)));
      ev.requests.set(Resource::memory, Quantity::from_mib(std::llround(*mem * 1024.0)));
      if (*disk > 0) ev.requests.set(Resource::ephemeral_storage, Quantity::from_mib(std::llround(*disk * 1024.0)));
      if (*gpu > 0) ev.requests.set(Resource::nvidia_gpu, Quantity::from_units(std::llround(*gpu)));
      ev.labels["alibaba.com/role"] = std::string(at("role"));
      ev.owner = "ReplicaSet/" + std::string(at("app_name"));
      if (deleted) {
        spec::TraceEvent del;
        del.at = Duration{std::max(ms(*deleted), ev.at.ms)};
        del.kind = spec::TraceEventKind::del;
        del.pod = ev.pod;
        del.namespace_ = "default";
        del.line = m_line;
        m_events.push_back(std::move(del));
      }
      m_events.push_back(std::move(ev));
    }
    // Time, then creations before deletions, then pod name (as the openb reader orders them).
    std::sort(m_events.begin(), m_events.end(), [](const spec::TraceEvent& a, const spec::TraceEvent& b) {
      return std::tie(a.at.ms, a.kind, a.pod) < std::tie(b.at.ms, b.kind, b.pod);
    });
  }

  std::optional<spec::TraceEvent> next() override {
    if (m_next >= m_events.size()) return std::nullopt;
    return std::move(m_events[m_next++]);
  }

 private:
  std::vector<spec::TraceEvent> m_events;
  std::size_t m_next{0};
};

std::unique_ptr<TraceReader> open_trace_stream(std::unique_ptr<std::istream> in, const std::string& name,
                                               TraceFormat fmt) {
  if (fmt == TraceFormat::auto_detect) {
    const auto f = trace_format_for_path(name);
    if (!f) {
      Diagnostic d;
      d.file = name;
      d.message = "cannot tell the trace format from the file name: expected a .csv, .jsonl or .ndjson extension";
      throw InputError({d});
    }
    fmt = *f;
  }
  if (fmt == TraceFormat::csv) return std::make_unique<CsvReader>(std::move(in), name);
  if (fmt == TraceFormat::alibaba_openb) return std::make_unique<OpenbReader>(std::move(in), name);
  if (fmt == TraceFormat::alibaba_dlrm) return std::make_unique<DlrmReader>(std::move(in), name);
  if (fmt == TraceFormat::k8s_audit) return open_audit_log(std::move(in), name);
  return std::make_unique<JsonlReader>(std::move(in), name);
}

namespace {

std::unique_ptr<std::ifstream> open_trace_file(const std::string& path) {
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) {
    std::error_code ec;
    Diagnostic d;
    d.file = path;
    d.message = std::filesystem::exists(path, ec) ? "cannot open the trace file for reading" : "no such trace file";
    throw InputError({d});
  }
  return in;
}

// Every column in `need` is one of `have`.
template <typename Names>
bool has_columns(const std::vector<std::string_view>& have, const Names& need) {
  return std::all_of(std::begin(need), std::end(need), [&](std::string_view n) {
    return std::find(have.begin(), have.end(), n) != have.end();
  });
}

// The format a trace's first line (no '#' comment, no byte-order mark) is the header of.
std::optional<TraceFormat> format_of_header(std::string_view line) {
  if (!line.empty() && line.front() == '{') {
    const json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return std::nullopt;
    const auto text = [&](const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; };
    if (text("kind") == "Event" && text("apiVersion").rfind("audit.k8s.io/", 0) == 0) return TraceFormat::k8s_audit;
    if (j.contains("time") && j.contains("pod") && j.contains("event")) return TraceFormat::jsonl;
    return std::nullopt;
  }
  std::vector<std::string_view> columns;
  for (auto c : split_commas(line)) columns.push_back(trim(c));
  if (has_columns(columns, std::array<std::string_view, 3>{"time", "pod", "event"})) return TraceFormat::csv;
  if (has_columns(columns, k_openb_columns)) return TraceFormat::alibaba_openb;
  if (has_columns(columns, k_dlrm_columns)) return TraceFormat::alibaba_dlrm;
  return std::nullopt;
}

}  // namespace

std::string_view trace_format_title(TraceFormat f) {
  switch (f) {
    case TraceFormat::csv: return "a capsim CSV trace";
    case TraceFormat::jsonl: return "a capsim JSONL trace";
    case TraceFormat::alibaba_openb: return "the Alibaba GPU v2023 openb pod list";
    case TraceFormat::alibaba_dlrm: return "the Alibaba GPU v2025 DLRM instance list";
    case TraceFormat::k8s_audit: return "a Kubernetes audit log";
    case TraceFormat::auto_detect: break;
  }
  return "a trace of unknown format";
}

TraceFormat trace_format_from_header(const std::string& path) {
  auto in = open_trace_file(path);
  std::string line;
  int n = 0;
  while (std::getline(*in, line)) {
    ++n;
    if (n == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!trim(line).empty() && trim(line).front() != '#') break;
    line.clear();
  }
  if (!line.empty())
    if (auto f = format_of_header(trim(line))) return *f;
  Diagnostic d;
  d.file = path;
  d.line = std::max(n, 1);
  d.col = 1;
  d.message = (line.empty() ? std::string("the file has no header line") : "no trace format has the header " + quote(trim(line))) +
              ": expected capsim's CSV (columns time, pod, event), capsim's JSONL (objects with time, pod, event), "
              "alibaba-openb (columns name, cpu_milli, memory_mib, num_gpu, qos, creation_time, deletion_time), "
              "alibaba-dlrm (columns instance_sn, role, app_name, cpu_request, gpu_request, memory_request, "
              "disk_request, creation_time, deletion_time) or k8s-audit (audit.k8s.io Event objects); or give the "
              "format (--trace-format)";
  throw InputError({d});
}

std::unique_ptr<TraceReader> open_trace(const std::string& path, TraceFormat fmt) {
  return open_trace_stream(open_trace_file(path), path, fmt);
}

std::unique_ptr<spec::TraceSource> open_replay_trace(const spec::TraceReplay& replay) {
  TraceFormat fmt = TraceFormat::auto_detect;
  if (!replay.format.empty())
    if (auto f = parse_trace_format(replay.format)) fmt = *f;
  return open_trace(replay.path, fmt);
}

}  // namespace capsim::io
