#include "capsim/sweep/runner.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <mutex>
#include <set>
#include <cmath>

#include <nlohmann/json.hpp>

#include "capsim/core/diagnostic.hpp"
#include "capsim/core/parallel.hpp"
#include "capsim/core/sha256.hpp"
#include "capsim/core/version.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "capsim/io/sweep_loader.hpp"
#include "capsim/io/trace_reader.hpp"
#include "capsim/sim/simulation.hpp"

namespace capsim::sweep {
namespace {

using json = nlohmann::json;

constexpr int k_schema_version = 1;
constexpr const char* k_shard_kind = "capsim-sweep-shard";
constexpr const char* k_result_kind = "capsim-sweep-result";

std::string first_message(const InputError& e) {
  if (e.diagnostics().empty()) return e.what();
  const auto& d = e.diagnostics().front();
  return d.path.empty() ? d.message : d.path + ": " + d.message;
}

json params_json(const Plan& plan, std::size_t point) {
  json p = json::object();
  for (std::size_t k = 0; k < plan.spec.parameters.size(); ++k) p[plan.spec.parameters[k].name] = plan.points[point].values[k];
  return p;
}

// What the report needs of the plan; paths of files are left out (they differ between machines).
json plan_json(const Plan& plan) {
  const auto& sw = plan.spec;
  json params = json::array();
  for (const auto& p : sw.parameters) {
    json e = {{"name", p.name}, {"paths", p.paths}};
    if (p.range) {
      e["range"] = {p.range->low, p.range->high};
      e["scale"] = p.range->log ? "log" : "linear";
    } else {
      e["values"] = p.values;
    }
    params.push_back(std::move(e));
  }
  json objectives = json::array();
  for (const auto& o : sw.objectives) objectives.push_back({{"metric", o.metric}, {"goal", o.minimize ? "min" : "max"}});
  json constraints = json::array();
  for (const auto& c : sw.constraints) constraints.push_back({{"metric", c.metric}, {"op", c.op}, {"bound", c.bound}, {"text", c.text}});
  return {{"name", sw.name},
          {"method", std::string(spec::to_string(sw.method))},
          {"seed", sw.seed},
          {"repetitions", sw.repetitions},
          {"points", plan.points.size()},
          {"baseSha256", sha256_hex(plan.base_text)},
          {"parameters", std::move(params)},
          {"objectives", std::move(objectives)},
          {"constraints", std::move(constraints)}};
}

json run_json(const Plan& plan, const RunOutcome& r) {
  json j = {{"runId", r.ref.run_id},
            {"point", r.ref.point},
            {"repetition", r.ref.repetition},
            {"seed", r.ref.seed},
            {"params", params_json(plan, r.ref.point)},
            {"status", r.ok ? "ok" : "error"}};
  if (!r.ok) j["error"] = r.error;
  json m = json::object();
  for (const auto& [autoscaler, values] : r.metrics) m[autoscaler] = values;
  j["metrics"] = std::move(m);
  return j;
}

}  // namespace

RunOutcome execute_run(const Plan& plan, std::size_t run_id, const std::shared_ptr<const catalog::Catalog>& cat) {
  const auto start = std::chrono::steady_clock::now();
  RunOutcome out;
  out.ref = plan.run(run_id);
  try {
    std::vector<io::SweepEdit> edits;
    for (std::size_t k = 0; k < plan.spec.parameters.size(); ++k)
      for (const auto& path : plan.spec.parameters[k].paths) edits.push_back({path, plan.points[out.ref.point].values[k]});
    spec::Scenario sc = io::load_scenario_text(io::apply_sweep_edits(plan.base_text, plan.spec.base, edits), plan.spec.base, *cat);
    sc.seed = out.ref.seed;
    if (plan.controller_time) spec::set_controller_time(sc, *plan.controller_time);
    sim::SimOptions opts;
    opts.catalog = cat;
    opts.open_trace = io::open_replay_trace;
    opts.keep_decisions = false;
    const sim::RunResult result = sim::run_scenario(sc, opts);
    for (const auto& res : result.results)
      for (std::string_view metric : spec::k_expectation_metrics)
        if (auto v = sim::summary_metric(res.summary, metric); v && std::isfinite(*v))
          out.metrics[res.autoscaler][std::string(metric)] = *v;
    out.ok = true;
  } catch (const InputError& e) {
    out.error = first_message(e);
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::vector<RunOutcome> run_shard(const Plan& plan, Shard shard, int jobs, const std::shared_ptr<const catalog::Catalog>& cat,
                                  const std::function<void(const RunOutcome&)>& on_done) {
  const std::vector<std::size_t> ids = shard_runs(plan, shard);
  std::vector<RunOutcome> out(ids.size());
  std::mutex done_mutex;
  parallel_for(ids.size(), static_cast<std::size_t>(std::max(jobs, 1)), [&](std::size_t i) {
    out[i] = execute_run(plan, ids[i], cat);
    if (on_done) {
      std::lock_guard<std::mutex> lock(done_mutex);
      on_done(out[i]);
    }
  });
  return out;
}

std::string shard_json(const Plan& plan, Shard shard, const std::vector<RunOutcome>& runs) {
  json j = {{"schemaVersion", k_schema_version},
            {"kind", k_shard_kind},
            {"sweepId", plan.sweep_id},
            {"specHash", plan.spec_hash},
            {"capsimVersion", std::string(k_version)},
            {"shardIndex", shard.index},
            {"shardCount", shard.count},
            {"runCount", plan.run_count()},
            {"plan", plan_json(plan)}};
  json arr = json::array();
  for (const auto& r : runs) arr.push_back(run_json(plan, r));
  j["runs"] = std::move(arr);
  return j.dump(2) + "\n";
}

std::string shard_file_name(Shard shard, const std::string& extension) {
  return "shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) + extension;
}

MergeResult merge_shards(const std::vector<std::pair<std::string, std::string>>& files) {
  auto fail = [](const std::string& file, const std::string& msg) {
    throw InputError({Diagnostic{file, 0, 0, Severity::error, "", msg}});
  };
  if (files.empty()) fail("", "no shard files to merge");
  std::optional<json> head;
  std::string head_file;
  std::map<std::size_t, std::string> seen_shards;
  std::map<std::size_t, json> runs;
  for (const auto& [name, text] : files) {
    json j;
    try {
      j = json::parse(text);
    } catch (const json::exception& e) {
      fail(name, std::string("not a JSON shard file: ") + e.what());
    }
    if (!j.is_object() || j.value("kind", "") != k_shard_kind || !j.contains("runs") || !j["runs"].is_array())
      fail(name, "not a capsim sweep shard file (kind \"" + std::string(k_shard_kind) + "\")");
    if (j.value("schemaVersion", 0) != k_schema_version)
      fail(name, "shard schemaVersion " + j["schemaVersion"].dump() + ", this capsim reads " + std::to_string(k_schema_version));
    if (!head) {
      head = j;
      head_file = name;
    }
    try {
      for (const char* key : {"sweepId", "specHash", "shardCount", "capsimVersion"})
        if (j.at(key) != head->at(key))
          fail(name, std::string(key) + " " + j[key].dump() + " differs from " + (*head)[key].dump() + " in " + head_file +
                         ": the files are not shards of one sweep");
      const auto index = j.at("shardIndex").get<std::size_t>();
      if (auto [it, inserted] = seen_shards.emplace(index, name); !inserted)
        fail(name, "shard " + std::to_string(index) + " is given twice (also " + it->second + ")");
      for (auto& r : j["runs"]) {
        const auto id = r.at("runId").get<std::size_t>();
        if (runs.count(id)) fail(name, "run " + std::to_string(id) + " appears twice");
        runs.emplace(id, std::move(r));
      }
    } catch (const json::exception& e) {
      fail(name, std::string("malformed shard file: ") + e.what());
    }
  }
  MergeResult m;
  const auto count = (*head)["shardCount"].get<std::size_t>();
  for (std::size_t i = 0; i < count; ++i)
    if (!seen_shards.count(i)) m.missing.push_back(i);
  json out = {{"schemaVersion", k_schema_version},
              {"kind", k_result_kind},
              {"sweepId", (*head)["sweepId"]},
              {"specHash", (*head)["specHash"]},
              {"capsimVersion", (*head)["capsimVersion"]},
              {"runCount", (*head)["runCount"]},
              {"plan", (*head)["plan"]},
              {"partial", !m.missing.empty()},
              {"missingShards", m.missing}};
  json arr = json::array();
  for (auto& [id, r] : runs) {
    if (r.value("status", "") != "ok") ++m.failed_runs;
    arr.push_back(std::move(r));
  }
  out["runs"] = std::move(arr);
  m.json = out.dump(2) + "\n";
  return m;
}

}  // namespace capsim::sweep
