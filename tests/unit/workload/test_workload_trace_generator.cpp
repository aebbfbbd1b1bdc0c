// The synthetic trace generator (workload::TraceGenerator), its writer round trip (io), the
// `capsim generate trace` command and a scenario replay's `generate:`.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "capsim/cli/cli.hpp"
#include "support/cli_runner.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/io/trace_reader.hpp"
#include "capsim/io/trace_writer.hpp"
#include "capsim/workload/controllers.hpp"
#include "capsim/workload/trace_generator.hpp"

using namespace capsim;

namespace {

spec::TraceGeneratorSpec small_spec() {
  spec::TraceGeneratorSpec s;
  s.pods = 2'000;
  s.initial_pods = 200;
  s.duration = Duration::hours(48);
  s.mean_lifetime = Duration::hours(3);
  s.owners = 7;
  s.seed = 42;
  return s;
}

std::vector<spec::TraceEvent> all(spec::TraceGeneratorSpec s) {
  workload::TraceGenerator g(std::move(s));
  std::vector<spec::TraceEvent> out;
  while (auto e = g.next()) out.push_back(std::move(*e));
  return out;
}

std::string text(const std::vector<spec::TraceEvent>& events, io::TraceFormat fmt) {
  std::string out = io::trace_header(fmt);
  for (const auto& e : events) io::append_trace_record(out, e, fmt);
  return out;
}

using capsim::test::run_cli;

}  // namespace

TEST_CASE("trace generator: exact pod count, time order, one delete per pod that ends", "[workload][generator]") {
  const auto events = all(small_spec());
  std::map<std::string, Duration> created;
  std::size_t creates = 0, deletes = 0, at_zero = 0;
  Duration last{0};
  for (const auto& e : events) {
    CHECK(e.at >= last);
    last = e.at;
    CHECK(e.at < Duration::hours(48));
    if (e.kind == spec::TraceEventKind::create) {
      ++creates;
      if (e.at.ms == 0) ++at_zero;
      CHECK(created.emplace(e.pod, e.at).second);  // names are unique
      CHECK(e.owner == "ReplicaSet/" + e.labels.at("app"));
      CHECK(e.requests.cpu_millis() >= 100);
      CHECK(e.requests.cpu_millis() <= 2000);
      CHECK(e.requests.cpu_millis() % 50 == 0);
      CHECK(e.requests.memory_bytes() >= 256LL << 20);
      CHECK(e.requests.memory_bytes() <= 4096LL << 20);
    } else {
      ++deletes;
      REQUIRE(created.count(e.pod));
      CHECK(e.at > created.at(e.pod));
    }
  }
  CHECK(creates == 2'000);
  CHECK(at_zero == 200);  // the warm start
  CHECK(deletes < creates);
  CHECK(deletes > 1'500);  // a 3 h mean lifetime over 48 h: nearly every pod ends
}

TEST_CASE("trace generator: same parameters, same trace; another seed, another trace", "[workload][generator]") {
  const auto a = text(all(small_spec()), io::TraceFormat::csv);
  CHECK(a == text(all(small_spec()), io::TraceFormat::csv));
  auto other = small_spec();
  other.seed = 43;
  CHECK(a != text(all(other), io::TraceFormat::csv));
}

TEST_CASE("trace generator: one request shape per owner, Zipf popularity", "[workload][generator]") {
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> shape;
  std::map<std::string, int> count;
  for (const auto& e : all(small_spec())) {
    if (e.kind != spec::TraceEventKind::create) continue;
    const auto s = std::make_pair(e.requests.cpu_millis(), e.requests.memory_bytes());
    auto [it, fresh] = shape.emplace(e.owner, s);
    CHECK(it->second == s);
    ++count[e.owner];
  }
  CHECK(shape.size() == 7);
  // Weights 1/k: app-1 is chosen with probability 1 / H(7) = 0.386, app-7 with 0.055.
  CHECK(count["ReplicaSet/app-1"] > 3 * count["ReplicaSet/app-7"]);
}

TEST_CASE("trace generator: the diurnal and weekly rate shape", "[workload][generator]") {
  spec::TraceGeneratorSpec s;
  CHECK(workload::TraceGenerator::rate(s, Duration::hours(14)) == Approx(1.5));  // Monday peak
  CHECK(workload::TraceGenerator::rate(s, Duration::hours(2)) == Approx(0.5));   // Monday trough
  CHECK(workload::TraceGenerator::rate(s, Duration::hours(5 * 24 + 14)) == Approx(1.5 * 0.6));  // Saturday
  // More arrivals in the busy half of the day than in the quiet half.
  s.pods = 10'000;
  s.duration = Duration::hours(24);
  int busy = 0;
  for (const auto& e : all(s))
    if (e.kind == spec::TraceEventKind::create && e.at >= Duration::hours(8) && e.at < Duration::hours(20)) ++busy;
  CHECK(busy > 6'500);  // the integral of 1 + 0.5 cos over the 12 busy hours is 0.659 of the day
}

TEST_CASE("trace writer: CSV and JSONL read back to the same events", "[workload][generator][io]") {
  const auto events = all(small_spec());
  for (auto fmt : {io::TraceFormat::csv, io::TraceFormat::jsonl}) {
    auto in = std::make_unique<std::istringstream>(text(events, fmt));
    auto reader = io::open_trace_stream(std::move(in), fmt == io::TraceFormat::csv ? "t.csv" : "t.jsonl", fmt);
    std::size_t i = 0;
    while (auto e = reader->next()) {
      REQUIRE(i < events.size());
      CHECK(e->at == events[i].at);
      CHECK(e->pod == events[i].pod);
      CHECK(e->kind == events[i].kind);
      if (e->kind == spec::TraceEventKind::create) {
        CHECK(e->requests == events[i].requests);
        CHECK(e->labels == events[i].labels);
        CHECK(e->owner == events[i].owner);
      }
      ++i;
    }
    CHECK(i == events.size());
    CHECK(reader->warnings().empty());
  }
}

TEST_CASE("capsim generate trace: streams CSV, writes --out atomically, rejects bad options", "[workload][generator][cli]") {
  auto r = run_cli({"generate", "trace", "--pods", "5", "--days", "1", "--seed", "3"});
  CHECK(r.rc == 0);
  CHECK(r.out.rfind("time,pod,event,namespace,cpu,memory,gpu,labels,node_selector,tolerations,owner,priority\n", 0) == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') >= 6);

  const auto dir = std::filesystem::temp_directory_path() / "capsim-test-generate";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto file = (dir / "t.jsonl").string();
  r = run_cli({"generate", "trace", "--pods", "5", "--format", "jsonl", "--out", file});
  CHECK(r.rc == 0);
  CHECK(r.out.empty());
  std::ifstream in(file);
  std::string first;
  std::getline(in, first);
  CHECK(first.rfind("{\"time\":", 0) == 0);
  CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator{}) == 1);

  r = run_cli({"generate", "trace", "--owners", "0"});
  CHECK(r.rc == 2);
  CHECK(r.err == "error: --owners: expected an integer from 1 to 1000000, got 0\n");
  r = run_cli({"generate", "trace", "--mean-lifetime", "soon", "--cpu-min", "lots"});
  CHECK(r.rc == 2);
  CHECK(r.err ==
        "error: --mean-lifetime: expected a duration such as \"720h\", got \"soon\"\n"
        "error: --cpu-min: expected a quantity such as \"500m\" or \"1Gi\", got \"lots\"\n");
  r = run_cli({"generate", "trace", "--pods", "10", "--initial-pods", "11"});
  CHECK(r.rc == 2);
  CHECK(r.err == "error: --initial-pods: expected an integer from 0 to pods (10), got 11\n");
}

TEST_CASE("an evicted trace pod with a controller owner is recreated under its name; a bare one is gone",
          "[workload][trace]") {
  spec::Scenario scenario;
  workload::Controllers controllers(scenario);
  spec::TraceEvent e;
  e.pod = "web-1";
  e.namespace_ = "shop";
  e.owner = "ReplicaSet/web";
  e.labels["app"] = "web";
  e.requests.set(Resource::cpu, Quantity::from_milli(500));
  cluster::Pod owned = controllers.from_trace(e, SimTime{1'000});
  auto again = controllers.on_pod_gone(owned, /*succeeded=*/false, SimTime{60'000});
  REQUIRE(again);
  CHECK(again->name == "web-1");
  CHECK(again->namespace_ == "shop");
  CHECK(again->owner.name == "web");
  CHECK(again->spec == owned.spec);
  CHECK(again->created.ms == 60'000);
  CHECK_FALSE(controllers.on_pod_gone(owned, /*succeeded=*/true, SimTime{60'000}));
  e.owner.clear();
  e.pod = "bare";
  CHECK_FALSE(controllers.on_pod_gone(controllers.from_trace(e, SimTime{1'000}), false, SimTime{60'000}));
  // Pods of one shape share their scheduling spec.
  e.pod = "web-2";
  e.owner = "ReplicaSet/web";
  CHECK(controllers.from_trace(e, SimTime{2'000}).spec == owned.spec);
}
