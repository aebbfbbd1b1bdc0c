#include "capsim/report/json_result.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>

#include "capsim/sim/result.hpp"

namespace capsim::report {
namespace {

constexpr std::array<std::int64_t, 10> k_pow10 = {1,       10,       100,       1'000,       10'000,
                                                  100'000, 1'000'000, 10'000'000, 100'000'000, 1'000'000'000};
constexpr double k_exact_int_limit = 9007199254740992.0;  // 2^53

std::string quote(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void dump_into(std::string& out, const nlohmann::json& v, int indent, int depth) {
  using value_t = nlohmann::json::value_t;
  const bool pretty = indent >= 0;
  auto newline = [&](int level) {
    out += '\n';
    out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(level), ' ');
  };
  switch (v.type()) {
    case value_t::object: {
      if (v.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& [key, child] : v.items()) {
        if (!first) out += ',';
        first = false;
        if (pretty) newline(depth + 1);
        out += quote(key);
        out += pretty ? ": " : ":";
        dump_into(out, child, indent, depth + 1);
      }
      if (pretty) newline(depth);
      out += '}';
      return;
    }
    case value_t::array: {
      if (v.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const auto& child : v) {
        if (!first) out += ',';
        first = false;
        if (pretty) newline(depth + 1);
        dump_into(out, child, indent, depth + 1);
      }
      if (pretty) newline(depth);
      out += ']';
      return;
    }
    case value_t::string:
      out += quote(v.get_ref<const std::string&>());
      return;
    case value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case value_t::number_integer:
      out += std::to_string(v.get<std::int64_t>());
      return;
    case value_t::number_unsigned:
      out += std::to_string(v.get<std::uint64_t>());
      return;
    case value_t::number_float: {
      const double d = v.get<double>();
      out += std::isfinite(d) ? format_number(d, true) : std::string("null");
      return;
    }
    case value_t::null:
    case value_t::binary:
    case value_t::discarded:
      out += "null";
      return;
  }
}

nlohmann::json launch_json(const sim::LaunchRecord& l) {
  nlohmann::json j = {
      {"atSeconds", seconds_3(l.at)},
      {"capacityType", l.capacity_type},
      {"instanceType", l.instance_type},
      {"launchedAtSeconds", seconds_3(l.launched_at)},
      {"node", l.node},
      {"nodePool", l.node_pool},
      {"pricePerHourUsd", usd_6(l.price_per_hour)},
      {"reason", l.reason},
      {"zone", l.zone},
  };
  if (!l.capacity_note.empty()) j["capacityNote"] = l.capacity_note;  // only on a spot-allowed on-demand launch
  return j;
}

nlohmann::json termination_json(const sim::TerminationRecord& t) {
  return {
      {"atSeconds", seconds_3(t.at)},
      {"instanceType", t.instance_type},
      {"node", t.node},
      {"reason", t.reason},
      {"terminatedAtSeconds", seconds_3(t.terminated_at)},
  };
}

// {"cpu": "1930m", "memory": "7220Mi", ...}: Kubernetes quantity strings, zero entries left out.
nlohmann::json resources_json(const ResourceList& r) {
  nlohmann::json o = nlohmann::json::object();
  for (const auto& [name, q] : r.sorted_entries()) o[name] = is_memory_like(name) ? format_bytes(q) : format_cpu(q);
  return o;
}

nlohmann::json node_size_json(const sim::NodeSize& n) {
  return {
      {"allocatable", resources_json(n.allocatable)},
      {"capacity", resources_json(n.capacity)},
      {"ec2MemoryMiB", n.ec2_memory_mib},
      {"evictionThreshold", resources_json(n.eviction_threshold)},
      {"instanceType", n.instance_type},
      {"kubeReserved", resources_json(n.kube_reserved)},
      {"nodePool", n.node_pool},
      {"systemReserved", resources_json(n.system_reserved)},
  };
}

nlohmann::json counts_json(const std::map<std::string, int>& m) {
  nlohmann::json o = nlohmann::json::object();
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

nlohmann::json summary_json(const sim::Summary& s) {
  nlohmann::json j = {
      {"costUsd", usd_6(s.cost)},
      {"evictions", s.evictions},
      {"finalNodes", s.final_nodes},
      {"nodeHours", round_to(s.node_hours, 6)},
      {"nodesLaunched", s.nodes_launched},
      {"nodesTerminated", s.nodes_terminated},
      {"peakNodes", s.peak_nodes},
      {"podPendingSeconds",
       {
           {"max", round_to(s.pod_pending_max_s, 3)},
           {"p50", round_to(s.pod_pending_p50_s, 3)},
           {"p95", round_to(s.pod_pending_p95_s, 3)},
           {"p99", round_to(s.pod_pending_p99_s, 3)},
       }},
      {"podsCreated", s.pods_created},
      {"podsPendingAtEnd", s.pods_pending_at_end},
      {"nodesByInstanceType", counts_json(s.nodes_by_instance_type)},
      {"spotShare", round_to(s.spot_share, 6)},
      {"terminationsByReason", counts_json(s.terminations_by_reason)},
  };
  if (s.cost_ratio_to_lower_bound) j["costRatioToLowerBound"] = round_to(*s.cost_ratio_to_lower_bound, 6);
  return j;
}

nlohmann::json autoscaler_json(const sim::AutoscalerResult& r) {
  nlohmann::json launches = nlohmann::json::array();
  for (const auto& l : r.launches) launches.push_back(launch_json(l));
  nlohmann::json terminations = nlohmann::json::array();
  for (const auto& t : r.terminations) terminations.push_back(termination_json(t));
  nlohmann::json sizes = nlohmann::json::array();
  for (const auto& n : r.node_sizes) sizes.push_back(node_size_json(n));
  nlohmann::json pending = nlohmann::json::array();
  for (const auto& w : r.pending_workloads)
    pending.push_back({{"workload", w.workload},
                       {"pendingAtEnd", w.pending_at_end},
                       {"waitedLong", w.waited_long},
                       {"reason", w.reason}});
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& [name, nodes] : r.node_groups_at_start) groups.push_back({{"name", name}, {"nodes", nodes}});
  nlohmann::json bill = nlohmann::json::array();
  for (const auto& l : r.bill) bill.push_back({{"item", l.item}, {"detail", l.detail}, {"usd", usd_6(l.cost)}});
  nlohmann::json prices = nlohmann::json::array();
  for (const auto& p : r.prices) {
    nlohmann::json e = {{"instanceType", p.instance_type}, {"capacityType", p.capacity_type},
                        {"usdPerHour", usd_6(p.price_per_hour)}, {"source", p.source}, {"nodes", p.nodes}};
    if (!p.zone.empty()) e["zone"] = p.zone;
    prices.push_back(std::move(e));
  }
  nlohmann::json j = {
      {"autoscaler", r.autoscaler},
      {"bill", std::move(bill)},
      {"decisionCount", r.decision_count},
      {"launches", std::move(launches)},
      {"nodeGroupsAtStart", std::move(groups)},
      {"nodeSizes", std::move(sizes)},
      {"pendingWorkloads", std::move(pending)},
      {"prices", std::move(prices)},
      {"summary", summary_json(r.summary)},
      {"terminations", std::move(terminations)},
  };
  if (!r.bill.empty()) j["summary"]["totalCostUsd"] = usd_6(r.summary.total_cost);  // not for the lower bound
  // Only off the default (instant) model, so instant results keep their bytes.
  if (const auto& c = r.controller_time) {
    nlohmann::json ct = {
        {"model", c->model},
        {"controller", c->controller},
        {"passes", c->passes},
        {"passSeconds", {{"p50", round_to(c->pass_p50_s, 3)}, {"p95", round_to(c->pass_p95_s, 3)}, {"max", round_to(c->pass_max_s, 3)}}},
        {"candidatesEvaluated", {{"p50", c->evaluated_p50}, {"max", c->evaluated_max}}},
    };
    if (c->controller == "loop") {
      ct["scaleDownSimulationTimeouts"] = c->scale_down_timeouts;
    } else {
      ct["singleNodeTimeouts"] = c->single_node_timeouts;
      ct["multiNodeTimeouts"] = c->multi_node_timeouts;
    }
    j["controllerTime"] = std::move(ct);
  }
  if (!r.controller_time_warning.empty()) j["controllerTimeWarning"] = r.controller_time_warning;
  return j;
}

nlohmann::json expectation_json(const sim::ExpectationResult& e) {
  return {
      {"actual", round_to(e.actual, 6)},
      {"autoscaler", e.autoscaler},
      {"expected", round_to(e.expected, 6)},
      {"location", e.location},
      {"metric", e.metric},
      {"op", e.op},
      {"passed", e.passed},
  };
}

}  // namespace

double round_to(double value, int decimals) {
  if (decimals < 0) decimals = 0;
  if (decimals > 9) decimals = 9;
  const auto scale = static_cast<double>(k_pow10[static_cast<std::size_t>(decimals)]);
  const double scaled = value * scale;
  if (!(std::fabs(scaled) < k_exact_int_limit)) return value;  // too large, or NaN / inf
  const auto units = static_cast<std::int64_t>(std::round(scaled));  // half away from zero
  return static_cast<double>(units) / scale + 0.0;  // correctly rounded quotient; -0 -> +0
}

double usd_6(Money m) {
  // nano-USD -> micro-USD, half away from zero, without overflow at the int64 limits.
  std::int64_t micro = m.nano_usd / 1000;
  const std::int64_t rest = m.nano_usd % 1000;
  if (rest >= 500) ++micro;
  if (rest <= -500) --micro;
  return static_cast<double>(micro) / 1e6 + 0.0;
}

double seconds_3(Duration d) { return static_cast<double>(d.ms) / 1000.0 + 0.0; }
double seconds_3(SimTime t) { return static_cast<double>(t.ms) / 1000.0 + 0.0; }

std::string format_number(double value, bool force_point) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  if (value == 0.0) value = 0.0;  // -0 -> +0
  std::array<char, 400> buf{};  // fixed notation of any double fits (at most ~330 characters)
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::fixed);
  std::string s(buf.data(), res.ptr);
  if (force_point && s.find('.') == std::string::npos) s += ".0";
  return s;
}

std::string dump_stable(const nlohmann::json& value, int indent) {
  std::string out;
  dump_into(out, value, indent, 0);
  return out;
}

nlohmann::json result_json(const sim::RunResult& run) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& r : run.results) results.push_back(autoscaler_json(r));
  nlohmann::json expectations = nlohmann::json::array();
  for (const auto& e : run.expectations) expectations.push_back(expectation_json(e));
  nlohmann::json not_modelled = nlohmann::json::array();
  for (const auto& g : run.not_modelled)
    not_modelled.push_back({{"file", g.first.file},
                            {"line", g.first.line},
                            {"column", g.first.col},
                            {"message", g.first.message},
                            {"count", g.count}});
  return {
      {"durationSeconds", seconds_3(run.duration)},
      {"expectations", std::move(expectations)},
      {"notModelled", std::move(not_modelled)},
      {"region", run.region},
      {"results", std::move(results)},
      {"scenario", run.scenario},
      {"scenarioFile", run.scenario_file},
      {"schemaVersion", k_result_schema_version},
      {"seed", run.seed},
  };
}

std::string to_json(const sim::RunResult& run) { return dump_stable(result_json(run), 2) + "\n"; }

}  // namespace capsim::report
