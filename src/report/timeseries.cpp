#include "capsim/report/timeseries.hpp"

#include <set>
#include <string>
#include <vector>

#include "capsim/report/json_result.hpp"
#include "capsim/sim/result.hpp"

namespace capsim::report {
namespace {

// RFC 4180: quote a field holding a separator, a quote or a line break; double inner quotes.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// Nodes still launching are sampled under the "" type.
std::string type_column(const std::string& instance_type) {
  return "nodes_" + (instance_type.empty() ? std::string("launching") : instance_type);
}

void collect_types(const sim::AutoscalerResult& r, std::set<std::string>& types) {
  for (const auto& s : r.samples)
    for (const auto& [type, count] : s.nodes_by_type) types.insert(type);
}

std::string header(const std::set<std::string>& types) {
  std::string out = "time_seconds,autoscaler,pending_pods,running_pods,nodes,cost_rate_usd_per_hour";
  for (const auto& t : types) out += "," + csv_field(type_column(t));
  out += '\n';
  return out;
}

void append_rows(std::string& out, const sim::AutoscalerResult& r, const std::set<std::string>& types) {
  const std::string name = csv_field(r.autoscaler);
  for (const auto& s : r.samples) {
    long long nodes = 0;
    for (const auto& [type, count] : s.nodes_by_type) nodes += count;
    out += format_number(seconds_3(s.at), false);
    out += ',' + name;
    out += ',' + std::to_string(s.pending_pods);
    out += ',' + std::to_string(s.running_pods);
    out += ',' + std::to_string(nodes);
    out += ',' + format_number(usd_6(s.cost_rate_per_hour), false);
    for (const auto& t : types) {
      const auto it = s.nodes_by_type.find(t);
      out += ',' + std::to_string(it == s.nodes_by_type.end() ? 0 : it->second);
    }
    out += '\n';
  }
}

}  // namespace

std::string timeseries_csv(const sim::AutoscalerResult& result) {
  std::set<std::string> types;
  collect_types(result, types);
  std::string out = header(types);
  append_rows(out, result, types);
  return out;
}

std::string timeseries_csv(const sim::RunResult& run) {
  std::set<std::string> types;
  for (const auto& r : run.results) collect_types(r, types);
  std::string out = header(types);
  for (const auto& r : run.results) append_rows(out, r, types);
  return out;
}

}  // namespace capsim::report
