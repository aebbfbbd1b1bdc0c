// Kubernetes audit logs as pod traces (`capsim import audit`, replay format k8s-audit): which
// events are used, how pods and deletions are read, ordering, and bad lines.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "capsim/io/audit_reader.hpp"
#include "capsim/io/trace_writer.hpp"
#include "support/cli_runner.hpp"

using namespace capsim;
namespace fs = std::filesystem;

namespace {

std::string event(const std::string& stage, const std::string& verb, const std::string& resource,
                  const std::string& sub, const std::string& name, const std::string& at, const std::string& extra = "",
                  int code = 201) {
  std::string e = R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","stage":")" + stage +
         R"(","verb":")" + verb + R"(","objectRef":{"resource":")" + resource + R"(","namespace":"shop","name":")" + name +
         R"(")" + (sub.empty() ? "" : R"(,"subresource":")" + sub + R"(")") + R"(},"responseStatus":{"code":)" +
         std::to_string(code) + R"(},"stageTimestamp":"2026-11-30T)" + at + R"(Z")" + extra + "}";
  std::erase(e, '\n');  // one event per line
  return e;
}

const std::string k_web = R"(,"responseObject":{"kind":"Pod","metadata":{"name":"web-1","uid":"u-web-1","labels":{"app":"web"},
  "ownerReferences":[{"kind":"ReplicaSet","name":"web-abc","controller":true}]},
  "spec":{"containers":[{"name":"c","image":"x","resources":{"requests":{"cpu":"500m","memory":"1Gi"},"limits":{"memory":"2Gi"}}}]}})";
const std::string k_job = R"(,"responseObject":{"kind":"Pod","metadata":{"name":"job-1","uid":"u-job-1"},
  "spec":{"priority":100,"nodeSelector":{"workload":"batch"},
    "tolerations":[{"key":"workload","operator":"Equal","value":"batch","effect":"NoSchedule"}],
    "containers":[{"name":"c","resources":{"limits":{"cpu":"2","memory":"4Gi"}}}]}})";

std::string log_text() {
  std::string s;
  for (const auto& line : {
           event("RequestReceived", "create", "pods", "", "", "12:00:00.100000"),
           event("ResponseComplete", "create", "pods", "", "", "12:00:00.250000", k_web),
           event("ResponseComplete", "create", "pods", "binding", "web-1", "12:00:00.300000"),
           event("ResponseComplete", "create", "pods", "", "", "12:00:01.000000", k_job),
           event("ResponseComplete", "get", "pods", "", "web-1", "12:00:02.000000", "", 200),
           event("ResponseComplete", "patch", "deployments", "scale", "web", "12:00:03.000000", "", 200),
           event("ResponseComplete", "delete", "pods", "", "web-1", "12:00:05.500000", "", 200),
           event("ResponseComplete", "delete", "pods", "", "old-1", "12:00:05.600000", "", 200),
           // 1.5 s out of order (a second API server): put back in order.
           event("ResponseComplete", "create", "pods", "eviction", "job-1", "12:00:04.000000", "", 201),
           event("ResponseComplete", "create", "pods", "", "", "12:00:06.000000", k_web, 403),
           event("ResponseComplete", "create", "pods", "", "meta-1", "12:00:07.000000"),
           event("ResponseComplete", "create", "configmaps", "", "cm", "12:00:08.000000"),
       })
    s += line + "\n";
  return s;
}

}  // namespace

TEST_CASE("audit log: pod creates, deletes and evictions become a trace, the rest is counted", "[io][audit]") {
  auto r = io::open_audit_log(std::make_unique<std::istringstream>(log_text()), "audit.log");
  std::string csv = io::trace_header(io::TraceFormat::csv);
  while (auto e = r->next()) io::append_trace_record(csv, *e, io::TraceFormat::csv);
  // Times from the first event used (12:00:00.250); the eviction (line 9) goes before the delete
  // of line 7; requests from the containers, limits standing in for missing requests.
  CHECK(csv == "time,pod,event,namespace,cpu,memory,gpu,labels,node_selector,tolerations,owner,priority\n"
               "0,web-1,create,shop,500m,1Gi,,app=web,,,ReplicaSet/web-abc,\n"
               "0.75,job-1,create,shop,2,4Gi,,,workload=batch,workload=batch:NoSchedule,,100\n"
               "3.75,job-1,delete,shop,,,,,,,,\n"
               "5.25,web-1,delete,shop,,,,,,,,\n");
  const auto& c = r->counts();
  CHECK(c.lines == 12);
  CHECK(c.creates == 2);
  CHECK(c.deletes == 2);
  CHECK(c.reordered == 0);
  CHECK(c.skipped == std::map<std::string, std::int64_t>{
                         {"delete of a pod the log did not create (it existed before)", 1},
                         {"failed request (response code >= 300)", 1},
                         {"other resources", 1},
                         {"pod binding or status (capsim schedules)", 1},
                         {"pod create without the pod (audit level Metadata)", 1},
                         {"pod reads and updates", 1},
                         {"stage RequestReceived (only ResponseComplete is used)", 1},
                         {"workload scale or patch (its pods' creates and deletes are replayed)", 1}});
}

TEST_CASE("audit log: bad lines are located, and --skip-bad skips up to a bound", "[io][audit][errors]") {
  const fs::path dir = fs::temp_directory_path() / "capsim-audit-test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "audit.log").string();
  std::ofstream(path) << log_text() << "{\"kind\":\"Event\", oops}\n"
                      << event("ResponseComplete", "create", "pods", "", "", "not-a-time", k_job) << "\n";
  const std::string out = (dir / "trace.csv").string();
  auto r = test::run_cli({"import", "audit", path, "--out", out});
  CHECK(r.rc == 2);
  CHECK(r.err == path + ":13:18: error: invalid JSON: syntax error while parsing object key - invalid literal; last read: "
                        "'\"Event\", o'; expected string literal\n");
  CHECK_FALSE(fs::exists(out));  // nothing half-written
  r = test::run_cli({"import", "audit", path, "--out", out, "--skip-bad", "1"});
  CHECK(r.rc == 2);
  CHECK(r.err.find(path + ":14:1: error: stageTimestamp: expected an RFC 3339 time, got \"2026-11-30Tnot-a-timeZ\"") !=
        std::string::npos);
  CHECK(r.err.find("more than 1 bad record(s) (--skip-bad 1)") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  r = test::run_cli({"import", "audit", path, "--out", out, "--skip-bad", "2", "--to", "jsonl"});
  REQUIRE(r.rc == 0);
  CHECK(r.err.find("warning: invalid JSON:") != std::string::npos);
  CHECK(r.err.find("(record skipped)") != std::string::npos);
  CHECK(r.err.find("imported " + path + ": 2 pod(s) created, 2 deleted\n  14 audit line(s); events used: 2 pod create(s), "
                                        "2 delete(s) or eviction(s)\n") != std::string::npos);
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(ss.str().rfind("{\"time\":0,\"pod\":\"web-1\",\"event\":\"create\"", 0) == 0);
}

TEST_CASE("audit log: a scenario replays it (format k8s-audit)", "[io][audit]") {
  const fs::path dir = fs::temp_directory_path() / "capsim-audit-replay";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "audit.log") << log_text();
  std::ofstream(dir / "day.yaml") << R"(apiVersion: capsim.dev/v1alpha1
kind: Scenario
metadata: {name: audit-day}
spec:
  region: us-east-1
  zones: [us-east-1a]
  duration: 1m
  autoscalers: [static]
  nodeGroups:
    - {name: apps, instanceType: m5.xlarge, count: 1}
    - {name: batch, instanceType: c5.xlarge, count: 1, labels: {workload: batch}, taints: [{key: workload, value: batch, effect: NoSchedule}]}
  timeline:
    - {at: 10s, replay: {trace: audit.log, format: k8s-audit}}
)";
  const auto r = test::run_cli({"run", (dir / "day.yaml").string(), "--format", "json"});
  REQUIRE(r.rc == 0);
  // Both pods run (job-1 on the tainted batch node it tolerates) and are deleted by the log.
  CHECK(r.out.find("\"podsCreated\": 2,") != std::string::npos);
  CHECK(r.out.find("\"podsPendingAtEnd\": 0,") != std::string::npos);
  CHECK(r.out.find("\"max\": 0.0,") != std::string::npos);  // podPendingSeconds: both bound at once
}
