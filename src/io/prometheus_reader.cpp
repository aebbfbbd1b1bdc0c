#include "capsim/io/prometheus_reader.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "capsim/core/diagnostic.hpp"

namespace capsim::io {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& file, int line, int col, const std::string& path, const std::string& msg) {
  throw InputError({Diagnostic{file, line, col, Severity::error, path, msg}});
}

// Line and column (1-based) of byte offset `byte` (1-based, as nlohmann reports it).
std::pair<int, int> position(std::string_view text, std::size_t byte) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, col = 1;
    else ++col;
  }
  return {line, col};
}

// Prometheus writes sample values as strings ("0.25", "NaN", "+Inf"); numbers are accepted too.
bool sample_value(const json& v, double& out) {
  if (v.is_number()) {
    out = v.get<double>();
    return true;
  }
  if (!v.is_string()) return false;
  const std::string s = v.get<std::string>();
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && *end == '\0';
}

}  // namespace

std::vector<spec::MetricSeries> parse_prometheus_matrix(std::string_view text, const std::string& file) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    const auto [line, col] = position(text, e.byte);
    std::string msg = e.what();
    if (auto p = msg.find(", column "); p != std::string::npos)  // the position is in the location already
      if (auto q = msg.find(": ", p); q != std::string::npos) msg = msg.substr(q + 2);
    fail(file, line, col, "", "not JSON: " + msg);
  }
  if (!doc.is_object()) fail(file, 0, 0, "", "expected a Prometheus query_range response (a JSON object)");
  if (doc.contains("status") && doc["status"] != "success")
    fail(file, 0, 0, "status", "the query did not succeed: " + doc.value("error", doc["status"].dump()));
  if (!doc.contains("data") || !doc["data"].is_object()) fail(file, 0, 0, "data", "missing: expected the query_range response's data");
  const json& data = doc["data"];
  if (data.value("resultType", std::string()) != "matrix")
    fail(file, 0, 0, "data.resultType", "expected \"matrix\" (a range query), got " + (data.contains("resultType") ? data["resultType"].dump() : "nothing"));
  if (!data.contains("result") || !data["result"].is_array()) fail(file, 0, 0, "data.result", "expected an array of series");
  std::vector<spec::MetricSeries> out;
  const json& result = data["result"];
  for (std::size_t i = 0; i < result.size(); ++i) {
    const std::string where = "data.result[" + std::to_string(i) + "]";
    const json& s = result[i];
    if (!s.is_object() || !s.contains("values") || !s["values"].is_array())
      fail(file, 0, 0, where, "expected {\"metric\": {...}, \"values\": [[time, \"value\"], ...]}");
    spec::MetricSeries m;
    if (s.contains("metric")) {
      if (!s["metric"].is_object()) fail(file, 0, 0, where + ".metric", "expected an object of labels");
      for (const auto& [k, v] : s["metric"].items()) {
        if (!v.is_string()) fail(file, 0, 0, where + ".metric." + k, "expected a string label value");
        m.labels[k] = v.get<std::string>();
      }
    }
    const json& values = s["values"];
    for (std::size_t j = 0; j < values.size(); ++j) {
      const json& v = values[j];
      const std::string at = where + ".values[" + std::to_string(j) + "]";
      double t = 0, x = 0;
      if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !sample_value(v[1], x))
        fail(file, 0, 0, at, "expected [unix_seconds, \"value\"], got " + v.dump());
      t = v[0].get<double>();
      if (!std::isfinite(x)) continue;  // NaN / Inf: no usable sample
      const auto ms = static_cast<std::int64_t>(std::llround(t * 1000.0));
      if (!m.samples.empty() && ms <= m.samples.back().first)
        fail(file, 0, 0, at, "sample times must ascend within a series");
      m.samples.emplace_back(ms, x);
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<spec::MetricSeries> read_prometheus_matrix(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) fail(path, 0, 0, "", "cannot read the file");
  std::ostringstream s;
  s << f.rdbuf();
  return parse_prometheus_matrix(s.str(), path);
}

}  // namespace capsim::io
