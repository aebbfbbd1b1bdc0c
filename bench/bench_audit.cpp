// Kubernetes audit logs (capsim import audit, replay format k8s-audit) at scale.
//
//   BM_AuditImport/<lines>: read a synthetic audit log of `lines` lines (per pod: its create with
//     the pod object, the scheduler's binding, its delete; the generated month's arrival shape
//     over 30 days) and write it as a CSV trace, as `capsim import audit` does. Counters: lines
//     per second, events used, peak RSS (MiB).
//   BM_AuditReplay/<lines>: the same log replayed directly (format k8s-audit) through the Cluster
//     Autoscaler on bench/replay-month.yaml's node groups, for the 30 days.
// The log is written to a temporary file once per process, outside the timing.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "capsim/catalog/catalog.hpp"
#include "capsim/io/audit_reader.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "capsim/io/trace_reader.hpp"
#include "capsim/io/trace_writer.hpp"
#include "capsim/sim/simulation.hpp"
#include "capsim/workload/trace_generator.hpp"

namespace {

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// 2026-11-01T00:00:00Z plus `ms`, as the API server writes stageTimestamp.
std::string stamp(std::int64_t ms) {
  const std::int64_t s = ms / 1000;
  char buf[48];
  std::snprintf(buf, sizeof buf, "2026-11-%02lldT%02lld:%02lld:%02lld.%03lld000Z", static_cast<long long>(1 + s / 86400),
                static_cast<long long>(s / 3600 % 24), static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60),
                static_cast<long long>(ms % 1000));
  return buf;
}

std::string cpu_text(const capsim::ResourceList& r) { return std::to_string(r.cpu_millis()) + "m"; }
std::string mem_text(const capsim::ResourceList& r) { return std::to_string(r.memory_bytes() / (1024 * 1024)) + "Mi"; }

// Writes the log once per process and returns its path; `used` gets the events the reader uses.
const std::string& audit_log(std::int64_t lines, std::int64_t& used) {
  static std::string path;
  static std::int64_t cached_lines = -1, cached_used = 0;
  if (cached_lines == lines) {
    used = cached_used;
    return path;
  }
  path = (std::filesystem::temp_directory_path() / ("capsim-bench-audit-" + std::to_string(lines) + ".log")).string();
  capsim::spec::TraceGeneratorSpec spec;
  spec.pods = lines / 3 + 1;
  spec.duration = capsim::Duration::hours(720);
  spec.mean_lifetime = capsim::Duration::hours(7);
  spec.seed = 1;
  capsim::workload::TraceGenerator gen(spec);
  std::ofstream out(path);
  std::int64_t written = 0, events = 0;
  while (written < lines) {
    auto e = gen.next();
    if (!e) break;
    const std::string head = R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"a)" +
                             std::to_string(written) + R"(","stage":"ResponseComplete","stageTimestamp":")" +
                             stamp(e->at.ms) + R"(",)";
    const std::string ref = R"("objectRef":{"resource":"pods","namespace":"default","name":")" + e->pod + R"(","apiVersion":"v1")";
    if (e->kind == capsim::spec::TraceEventKind::create) {
      out << head << R"("verb":"create",)" << ref << R"(},"responseStatus":{"code":201},"responseObject":{"kind":"Pod",)"
          << R"("apiVersion":"v1","metadata":{"name":")" << e->pod << R"(","namespace":"default","uid":"u-)" << e->pod
          << R"(","labels":{"app":"bench"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":")"
          << e->owner.substr(e->owner.find('/') + 1) << R"(","controller":true}]},"spec":{"containers":[{"name":"app",)"
          << R"("image":"registry.example/app:1","resources":{"requests":{"cpu":")" << cpu_text(e->requests)
          << R"(","memory":")" << mem_text(e->requests) << R"("}}}]}}})" << "\n";
      ++written;
      ++events;
      if (written < lines) {
        out << head << R"("verb":"create",)" << ref << R"(,"subresource":"binding"},"responseStatus":{"code":201}})"
            << "\n";
        ++written;
      }
    } else {
      out << head << R"("verb":"delete",)" << ref << R"(,"uid":"u-)" << e->pod << R"("},"responseStatus":{"code":200}})"
          << "\n";
      ++written;
      ++events;
    }
  }
  cached_lines = lines;
  cached_used = events;
  used = events;
  return path;
}

void BM_AuditImport(benchmark::State& state) {
  const std::int64_t lines = state.range(0);
  std::int64_t used = 0;
  const std::string& path = audit_log(lines, used);
  std::int64_t out_bytes = 0;
  for (auto _ : state) {
    auto reader = capsim::io::open_audit_log(std::make_unique<std::ifstream>(path), path);
    std::string buf = capsim::io::trace_header(capsim::io::TraceFormat::csv);
    out_bytes = 0;
    while (auto e = reader->next()) {
      capsim::io::append_trace_record(buf, *e, capsim::io::TraceFormat::csv);
      if (buf.size() >= (1U << 20)) {
        out_bytes += static_cast<std::int64_t>(buf.size());
        buf.clear();
      }
    }
    out_bytes += static_cast<std::int64_t>(buf.size());
    benchmark::DoNotOptimize(out_bytes);
  }
  state.SetItemsProcessed(state.iterations() * lines);
  state.counters["trace_events"] = static_cast<double>(used);
  state.counters["peak_rss_mib"] = peak_rss_mib();
}

void BM_AuditReplay(benchmark::State& state) {
  const std::int64_t lines = state.range(0);
  std::int64_t used = 0;
  const std::string& path = audit_log(lines, used);
  std::ifstream in(std::string(CAPSIM_SOURCE_DIR) + "/bench/replay-month.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const std::string gen = "replay: {generate:";
  const auto at = text.find(gen);
  text.replace(at, text.find("}}", at) + 2 - at, "replay: {trace: " + path + ", format: k8s-audit}");
  auto cat = capsim::catalog::Catalog::embedded();
  const capsim::spec::Scenario s = capsim::io::load_scenario_text(text, "bench/replay-month.yaml", *cat);
  capsim::sim::SimOptions opts;
  opts.catalog = cat;
  opts.keep_decisions = false;
  opts.open_trace = capsim::io::open_replay_trace;
  std::size_t nodes = 0;
  for (auto _ : state) {
    auto r = capsim::sim::run_autoscaler(s, "cluster-autoscaler", opts);
    nodes = static_cast<std::size_t>(r.summary.peak_nodes);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * lines);
  state.counters["trace_events"] = static_cast<double>(used);
  state.counters["peak_nodes"] = static_cast<double>(nodes);
  state.counters["peak_rss_mib"] = peak_rss_mib();
}

}  // namespace

BENCHMARK(BM_AuditImport)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_AuditReplay)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(1);
