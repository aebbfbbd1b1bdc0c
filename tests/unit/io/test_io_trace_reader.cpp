// Trace readers (docs/trace-format.md): CSV and JSONL parsing, streaming, warnings, and the exact
// file:line:col messages of malformed records.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "capsim/core/diagnostic.hpp"
#include "capsim/io/trace_reader.hpp"

using capsim::InputError;
using capsim::Quantity;
using capsim::Resource;
using capsim::TaintEffect;
using capsim::Toleration;
using capsim::io::open_trace;
using capsim::io::open_trace_stream;
using capsim::io::TraceFormat;
using capsim::io::TraceReader;
using capsim::spec::TraceEvent;
using capsim::spec::TraceEventKind;

namespace {

std::unique_ptr<TraceReader> from_text(const std::string& text, const std::string& name) {
  return open_trace_stream(std::make_unique<std::istringstream>(text), name, TraceFormat::auto_detect);
}

std::vector<TraceEvent> read_all(TraceReader& r) {
  std::vector<TraceEvent> out;
  while (auto ev = r.next()) out.push_back(std::move(*ev));
  return out;
}

// Every diagnostic of the InputError thrown while opening and reading `text`, rendered.
std::vector<std::string> errors_of(const std::string& text, const std::string& name) {
  try {
    auto r = from_text(text, name);
    read_all(*r);
  } catch (const InputError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics()) out.push_back(d.render());
    return out;
  }
  return {};
}

std::string csv_error(const std::string& text) {
  const auto errs = errors_of(text, "traces/x.csv");
  REQUIRE(errs.size() == 1);
  return errs.front();
}

std::string jsonl_error(const std::string& text) {
  const auto errs = errors_of(text, "traces/x.jsonl");
  REQUIRE(errs.size() == 1);
  return errs.front();
}

std::vector<std::string> rendered(const std::vector<capsim::Diagnostic>& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags) out.push_back(d.render());
  return out;
}

Toleration tol(std::string key, bool exists, std::string value, std::optional<TaintEffect> effect) {
  return Toleration{std::move(key), exists, std::move(value), effect};
}

}  // namespace

// ---------------------------------------------------------------- CSV

TEST_CASE("csv: every column, in any order, with RFC 4180 quoting", "[io]") {
  const std::string text =
      "pod,event,time,namespace,cpu,memory,gpu,labels,node_selector,tolerations,owner,priority\n"
      "web-1,create,0,shop,500m,512Mi,,app=web;tier=front,,,ReplicaSet/web-7d9f,100\n"
      "\"train,0\",create,1.5,,4,16Gi,2,\"team=ml;note=a \"\"quoted\"\" value\",karpenter.sh/capacity-type=spot,"
      "\"nvidia.com/gpu:NoSchedule;dedicated=ml:NoExecute\",Job/train,-5\n"
      "web-1,delete,1.5,shop,,,,,,,,\n";
  auto r = from_text(text, "traces/shop.csv");
  const auto evs = read_all(*r);
  REQUIRE(evs.size() == 3);
  CHECK(r->warnings().empty());
  CHECK(r->line() == 4);

  const TraceEvent& a = evs[0];
  CHECK(a.at.ms == 0);
  CHECK(a.kind == TraceEventKind::create);
  CHECK(a.pod == "web-1");
  CHECK(a.namespace_ == "shop");
  CHECK(a.requests.get(Resource::cpu) == Quantity::from_milli(500));
  CHECK(a.requests.get(Resource::memory) == Quantity::from_mib(512));
  CHECK(a.requests.get(Resource::nvidia_gpu) == Quantity{});
  CHECK(a.labels == capsim::Labels{{"app", "web"}, {"tier", "front"}});
  CHECK(a.node_selector.empty());
  CHECK(a.tolerations.empty());
  CHECK(a.owner == "ReplicaSet/web-7d9f");
  CHECK(a.priority == 100);
  CHECK(a.line == 2);

  const TraceEvent& b = evs[1];
  CHECK(b.at.ms == 1500);
  CHECK(b.pod == "train,0");
  CHECK(b.namespace_ == "default");
  CHECK(b.requests.get(Resource::cpu) == Quantity::from_units(4));
  CHECK(b.requests.get(Resource::memory) == Quantity::from_mib(16 * 1024));
  CHECK(b.requests.get("nvidia.com/gpu") == Quantity::from_units(2));
  CHECK(b.labels == capsim::Labels{{"note", "a \"quoted\" value"}, {"team", "ml"}});
  CHECK(b.node_selector == std::map<std::string, std::string>{{"karpenter.sh/capacity-type", "spot"}});
  CHECK(b.tolerations == std::vector<Toleration>{tol("nvidia.com/gpu", true, "", TaintEffect::no_schedule),
                                                 tol("dedicated", false, "ml", TaintEffect::no_execute)});
  CHECK(b.owner == "Job/train");
  CHECK(b.priority == -5);

  CHECK(evs[2].kind == TraceEventKind::del);
  CHECK(evs[2].at.ms == 1500);
  CHECK(evs[2].requests.is_zero());
  CHECK(evs[2].line == 4);
}

TEST_CASE("csv: comments before the header, BOM, CRLF, blank lines, spaces and multi-line fields", "[io]") {
  const std::string text =
      "\xEF\xBB\xBF# converted from somewhere\r\n"
      "# licence: CC BY 4.0\r\n"
      "\r\n"
      " time , pod , event , labels \r\n"
      " 2 , a , create , \"k=v\" \r\n"
      "\r\n"
      "3,b,create,\"x=1;\n"
      "y=2\"\r\n"
      "4,c,delete,\r\n";
  auto r = from_text(text, "t.csv");
  const auto evs = read_all(*r);
  REQUIRE(evs.size() == 3);
  CHECK(evs[0].at.ms == 2000);
  CHECK(evs[0].pod == "a");
  CHECK(evs[0].labels == capsim::Labels{{"k", "v"}});
  CHECK(evs[0].line == 5);
  CHECK(evs[1].labels == capsim::Labels{{"x", "1"}, {"y", "2"}});
  CHECK(evs[1].line == 7);
  CHECK(evs[2].pod == "c");
  CHECK(evs[2].line == 9);
  CHECK(evs[2].kind == TraceEventKind::del);
}

TEST_CASE("csv: times are decimal seconds converted to exact milliseconds", "[io]") {
  using capsim::io::parse_trace_seconds;
  CHECK(parse_trace_seconds("0")->ms == 0);
  CHECK(parse_trace_seconds("1.5")->ms == 1500);
  CHECK(parse_trace_seconds("12")->ms == 12000);
  CHECK(parse_trace_seconds("0.001")->ms == 1);
  CHECK(parse_trace_seconds(".25")->ms == 250);
  CHECK(parse_trace_seconds("7.")->ms == 7000);
  CHECK(parse_trace_seconds("12901761")->ms == 12'901'761'000);
  CHECK(parse_trace_seconds("1.0004")->ms == 1000);  // beyond milliseconds: round half up
  CHECK(parse_trace_seconds("1.0005")->ms == 1001);
  CHECK(parse_trace_seconds("0.1234999")->ms == 123);
  CHECK(parse_trace_seconds("9223372036854774")->ms == 9'223'372'036'854'774'000);
  for (const char* bad : {"", ".", "-1", "+1", "1e3", "1.5s", " 1", "1,5", "0x10", "9223372036854775", "99999999999999999999"})
    CHECK_FALSE(parse_trace_seconds(bad).has_value());
}

TEST_CASE("csv: compact toleration syntax", "[io]") {
  using capsim::io::parse_toleration_list;
  std::vector<Toleration> t;
  REQUIRE_FALSE(parse_toleration_list(
      "k=v:NoSchedule; k2=v2 ;k3:PreferNoSchedule;k4;:NoExecute;:Exists;k5:Exists;;k6=:NoSchedule", t));
  CHECK(t == std::vector<Toleration>{
                 tol("k", false, "v", TaintEffect::no_schedule), tol("k2", false, "v2", std::nullopt),
                 tol("k3", true, "", TaintEffect::prefer_no_schedule), tol("k4", true, "", std::nullopt),
                 tol("", true, "", TaintEffect::no_execute), tol("", true, "", std::nullopt),
                 tol("k5", true, "", std::nullopt), tol("k6", false, "", TaintEffect::no_schedule)});

  std::vector<Toleration> ignored;
  CHECK(parse_toleration_list("k=v:Never", ignored) ==
        "expected NoSchedule, PreferNoSchedule, NoExecute or Exists after ':', got \"Never\" in \"k=v:Never\"");
  CHECK(parse_toleration_list("=v:NoSchedule", ignored) ==
        "expected operator Exists (no \"=value\") when the key is empty, got \"=v:NoSchedule\"");
  CHECK(parse_toleration_list("k=v:Exists", ignored) == "expected no \"=value\" with \":Exists\", got \"k=v:Exists\"");
  CHECK(parse_toleration_list("a:b:NoSchedule", ignored) ==
        "expected entries such as \"key=value:NoSchedule\", \"key:NoExecute\" or \":Exists\" separated by \";\", "
        "got \"a:b:NoSchedule\"");
}

TEST_CASE("csv: unknown columns give one warning each and are ignored", "[io]") {
  auto r = from_text("time,pod,color,event,size\n1,a,red,create,XL\n2,b,blue,create,S\n", "traces/x.csv");
  const auto evs = read_all(*r);
  CHECK(evs.size() == 2);
  CHECK(rendered(r->warnings()) ==
        std::vector<std::string>{"traces/x.csv:1:10: warning: unknown column \"color\" is ignored",
                                 "traces/x.csv:1:22: warning: unknown column \"size\" is ignored"});
}

TEST_CASE("csv: malformed rows are errors with file, line, column and field", "[io]") {
  // The example of the brief: line 14, the cpu field starting in column 9.
  std::string text = "time,cpu,pod,event\n";
  for (int i = 0; i < 12; ++i) text += "1,100m,p" + std::to_string(i) + ",create\n";
  text += "1234567,lots,p,create\n";
  CHECK(csv_error(text) == "traces/x.csv:14:9: error: cpu: expected a quantity such as \"500m\", got \"lots\"");

  const std::string head = "time,pod,event,cpu,memory,gpu,labels,owner,priority,tolerations\n";
  CHECK(csv_error(head + "abc,p,create,,,,,,,\n") ==
        "traces/x.csv:2:1: error: time: expected a non-negative number of seconds such as \"1.5\", got \"abc\"");
  CHECK(csv_error(head + "-1,p,create,,,,,,,\n") ==
        "traces/x.csv:2:1: error: time: expected a non-negative number of seconds such as \"1.5\", got \"-1\"");
  CHECK(csv_error(head + "1,,create,,,,,,,\n") == "traces/x.csv:2:3: error: pod: expected a pod name, got \"\"");
  CHECK(csv_error(head + "1,p,start,,,,,,,\n") ==
        "traces/x.csv:2:5: error: event: expected \"create\" or \"delete\", got \"start\"");
  CHECK(csv_error(head + "1,p,create,-1,,,,,,\n") ==
        "traces/x.csv:2:12: error: cpu: expected a non-negative quantity such as \"500m\", got \"-1\"");
  CHECK(csv_error(head + "1,p,create,,12XB,,,,,\n") ==
        "traces/x.csv:2:13: error: memory: expected a quantity such as \"512Mi\", got \"12XB\"");
  CHECK(csv_error(head + "1,p,create,,,0.5,,,,\n") ==
        "traces/x.csv:2:14: error: gpu: expected a whole number such as \"1\", got \"0.5\"");
  CHECK(csv_error(head + "1,p,create,,,,app,,,\n") ==
        "traces/x.csv:2:15: error: labels: expected key=value pairs separated by \";\" such as \"app=web;tier=db\", "
        "got \"app\"");
  CHECK(csv_error(head + "1,p,create,,,,a=1;a=2,,,\n") ==
        "traces/x.csv:2:15: error: labels: duplicate key \"a\" in \"a=1;a=2\"");
  CHECK(csv_error(head + "1,p,create,,,,,web,,\n") ==
        "traces/x.csv:2:16: error: owner: expected Kind/name such as \"ReplicaSet/web-7d9f\", got \"web\"");
  CHECK(csv_error(head + "1,p,create,,,,,,high,\n") ==
        "traces/x.csv:2:17: error: priority: expected an integer such as \"1000\", got \"high\"");
  CHECK(csv_error(head + "1,p,create,,,,,,,\"a=b:Soon\"\n") ==
        "traces/x.csv:2:18: error: tolerations: expected NoSchedule, PreferNoSchedule, NoExecute or Exists after "
        "':', got \"Soon\" in \"a=b:Soon\"");
}

TEST_CASE("csv: every bad field of a row is reported, in column order", "[io]") {
  const auto errs = errors_of("time,pod,event,cpu\nsoon,p,begin,lots\n", "x.csv");
  CHECK(errs == std::vector<std::string>{
                    "x.csv:2:1: error: time: expected a non-negative number of seconds such as \"1.5\", got \"soon\"",
                    "x.csv:2:8: error: event: expected \"create\" or \"delete\", got \"begin\"",
                    "x.csv:2:14: error: cpu: expected a quantity such as \"500m\", got \"lots\""});
}

TEST_CASE("csv: times must not go backwards", "[io]") {
  const std::string text = "time,pod,event\n5,a,create\n10.25,b,create\n\n10.2,c,create\n";
  auto r = from_text(text, "traces/x.csv");
  CHECK(r->next()->pod == "a");
  CHECK(r->next()->pod == "b");
  try {
    r->next();
    FAIL("no error");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].render() ==
          "traces/x.csv:5:1: error: time: expected a time >= 10.25 (the previous event, line 3), got 10.2");
    CHECK(std::string(e.what()) == e.diagnostics()[0].render());
  }
  // Equal times are fine.
  auto ok = from_text("time,pod,event\n5,a,create\n5.000,b,create\n", "x.csv");
  CHECK(read_all(*ok).size() == 2);
}

TEST_CASE("csv: structural errors", "[io]") {
  CHECK(csv_error("time,pod,event\n1,a\n") == "traces/x.csv:2: error: expected 3 fields as in the header, got 2");
  CHECK(csv_error("time,pod,event\n1,a,create,x\n") ==
        "traces/x.csv:2: error: expected 3 fields as in the header, got 4");
  CHECK(csv_error("time,pod,event\n1,\"a,create\n2,b,create\n") ==
        "traces/x.csv:2:3: error: unterminated quoted field: expected a closing '\"'");
  CHECK(csv_error("time,pod,event\n1,\"a\"b,create\n") ==
        "traces/x.csv:2:6: error: expected ',' or the end of the line after a closing quote, got 'b'");
  CHECK(csv_error("") ==
        "traces/x.csv: error: empty trace: expected a header row with the columns time, pod and event");
  CHECK(csv_error("# only a comment\n\n") ==
        "traces/x.csv: error: empty trace: expected a header row with the columns time, pod and event");
  CHECK(errors_of("pod,cpu,pod\n", "traces/x.csv") ==
        std::vector<std::string>{"traces/x.csv:1: error: missing required column \"time\"",
                                 "traces/x.csv:1: error: missing required column \"event\"",
                                 "traces/x.csv:1:9: error: duplicate column \"pod\""});
  // A header alone is an empty, valid trace.
  auto r = from_text("time,pod,event\n", "x.csv");
  CHECK_FALSE(r->next().has_value());
  CHECK_FALSE(r->next().has_value());
}

// ---------------------------------------------------------------- JSONL

TEST_CASE("jsonl: every key", "[io]") {
  const std::string text =
      R"({"time": 0, "pod": "web-1", "event": "create", "namespace": "shop", "requests": {"cpu": "500m", "memory": "512Mi", "nvidia.com/gpu": 1, "vpc.amazonaws.com/efa": "2"}, "labels": {"app": "web"}, "nodeSelector": {"kubernetes.io/arch": "arm64"}, "tolerations": [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}, {"key": "team", "value": "ml", "tolerationSeconds": 30}, {"operator": "Exists"}], "owner": "ReplicaSet/web-7d9f", "priority": 1000})"
      "\n\n"
      R"({"time": 1.5, "pod": "web-1", "event": "delete"})"
      "\n"
      R"({"time": "2.25", "pod": "b", "event": "create", "requests": {"cpu": 0.25}})"
      "\n";
  auto r = from_text(text, "t.jsonl");
  const auto evs = read_all(*r);
  REQUIRE(evs.size() == 3);
  CHECK(r->warnings().empty());
  const TraceEvent& a = evs[0];
  CHECK(a.at.ms == 0);
  CHECK(a.pod == "web-1");
  CHECK(a.namespace_ == "shop");
  CHECK(a.requests.get(Resource::cpu) == Quantity::from_milli(500));
  CHECK(a.requests.get(Resource::memory) == Quantity::from_mib(512));
  CHECK(a.requests.get(Resource::nvidia_gpu) == Quantity::from_units(1));
  CHECK(a.requests.get(Resource::efa) == Quantity::from_units(2));
  CHECK(a.labels == capsim::Labels{{"app", "web"}});
  CHECK(a.node_selector == std::map<std::string, std::string>{{"kubernetes.io/arch", "arm64"}});
  CHECK(a.tolerations == std::vector<Toleration>{tol("gpu", true, "", TaintEffect::no_schedule),
                                                 tol("team", false, "ml", std::nullopt),
                                                 tol("", true, "", std::nullopt)});
  CHECK(a.owner == "ReplicaSet/web-7d9f");
  CHECK(a.priority == 1000);
  CHECK(a.line == 1);
  CHECK(evs[1].kind == TraceEventKind::del);
  CHECK(evs[1].at.ms == 1500);
  CHECK(evs[1].namespace_ == "default");
  CHECK(evs[1].line == 3);
  CHECK(evs[2].at.ms == 2250);
  CHECK(evs[2].requests.get(Resource::cpu) == Quantity::from_milli(250));
}

TEST_CASE("jsonl: errors point at the offending value", "[io]") {
  CHECK(jsonl_error(R"({"time": 1, "pod": "a", "event": "create", "requests": {"cpu": "lots"}})") ==
        R"(traces/x.jsonl:1:64: error: requests.cpu: expected a quantity such as "500m", got "lots")");
  CHECK(jsonl_error(R"({"time": "soon", "pod": "a", "event": "create"})") ==
        R"(traces/x.jsonl:1:10: error: time: expected a non-negative number of seconds such as 1.5, got "soon")");
  CHECK(jsonl_error(R"({"time": -2, "pod": "a", "event": "create"})") ==
        R"(traces/x.jsonl:1:10: error: time: expected a non-negative number of seconds such as 1.5, got -2)");
  CHECK(jsonl_error(R"({"time": 1, "pod": "", "event": "create"})") ==
        R"(traces/x.jsonl:1:20: error: pod: expected a pod name, got "")");
  CHECK(jsonl_error(R"({"time": 1, "pod": "a", "event": "stop"})") ==
        R"(traces/x.jsonl:1:34: error: event: expected "create" or "delete", got "stop")");
  CHECK(jsonl_error(R"({"time": 1, "pod": "a", "event": "create", "requests": {"nvidia.com/gpu": 0.5}})") ==
        R"(traces/x.jsonl:1:75: error: requests.nvidia.com/gpu: expected a whole number such as "1", got "0.5")");
  CHECK(jsonl_error(R"({"time": 1, "pod": "a", "event": "create", "labels": {"app": 5}})") ==
        R"(traces/x.jsonl:1:62: error: labels.app: expected a string, got 5)");
  CHECK(jsonl_error(R"({"time": 1, "pod": "a", "event": "create", "tolerations": [{"key": "k"}, {"key": "k", "effect": "Soon"}]})") ==
        R"(traces/x.jsonl:1:97: error: tolerations[1].effect: expected "NoSchedule", "PreferNoSchedule" or "NoExecute", got "Soon")");
  CHECK(jsonl_error(R"({"time": 1, "pod": "a", "event": "create", "tolerations": [{"operator": "Exists", "value": "v"}]})") ==
        R"(traces/x.jsonl:1:92: error: tolerations[0].value: expected no value with operator "Exists", got "v")");
  CHECK(jsonl_error(R"({"time": 1, "pod": "a", "event": "create", "tolerations": [{"value": "v"}]})") ==
        R"(traces/x.jsonl:1:60: error: tolerations[0].operator: expected "Exists" when the key is empty, got "Equal")");
  CHECK(jsonl_error(R"({"time": 1, "pod": "a", "event": "create", "owner": "web"})") ==
        R"(traces/x.jsonl:1:53: error: owner: expected Kind/name such as "ReplicaSet/web-7d9f", got "web")");
  CHECK(jsonl_error(R"({"time": 1, "pod": "a", "event": "create", "priority": "high"})") ==
        R"(traces/x.jsonl:1:56: error: priority: expected an integer such as 1000, got "high")");
  CHECK(jsonl_error("{\"time\": 1, \"pod\": \"a\", \"event\": \"create\"}\n  {\"time\": 0.5, \"pod\": \"b\", \"event\": \"create\"}\n") ==
        R"(traces/x.jsonl:2:12: error: time: expected a time >= 1 (the previous event, line 1), got 0.5)");
}

TEST_CASE("jsonl: malformed lines", "[io]") {
  CHECK(jsonl_error(R"({"time": 1, "pod": "a", "event": })") ==
        "traces/x.jsonl:1:34: error: invalid JSON: syntax error while parsing value - unexpected '}'; expected '[', "
        "'{', or a literal");
  CHECK(jsonl_error("  [1, 2]") == "traces/x.jsonl:1:3: error: expected a JSON object such as {\"time\": 0, ...}, got [1,2]");
  CHECK(errors_of(R"({"event": "create"})", "traces/x.jsonl") ==
        std::vector<std::string>{"traces/x.jsonl:1:1: error: missing required key \"time\"",
                                 "traces/x.jsonl:1:1: error: missing required key \"pod\""});
}

// Found by fuzz/fuzz_trace_jsonl: nlohmann throws out_of_range (not parse_error) for a number
// beyond double range, which escaped the reader as an internal error instead of an InputError.
TEST_CASE("jsonl: a number beyond double range is a located error", "[io]") {
  CHECK(jsonl_error(R"({"time": 1e400, "pod": "a", "event": "create"})") ==
        "traces/x.jsonl:1:10: error: invalid JSON: number overflow parsing '1e400'");
  CHECK(jsonl_error(R"({"time": 1, "pod": "a", "event": "create", "priority": -2e999})") ==
        "traces/x.jsonl:1:56: error: invalid JSON: number overflow parsing '-2e999'");
}

TEST_CASE("jsonl: unknown keys warn once each", "[io]") {
  const std::string text = R"({"time": 1, "pod": "a", "event": "create", "color": "red", "tolerations": [{"key": "k", "x": 1}]})"
                           "\n"
                           R"({"time": 2, "pod": "b", "event": "create", "color": "blue", "size": 3})"
                           "\n";
  auto r = from_text(text, "x.jsonl");
  CHECK(read_all(*r).size() == 2);
  CHECK(rendered(r->warnings()) ==
        std::vector<std::string>{"x.jsonl:1:53: warning: unknown key \"color\" is ignored",
                                 "x.jsonl:1:94: warning: unknown key \"tolerations[].x\" is ignored",
                                 "x.jsonl:2:69: warning: unknown key \"size\" is ignored"});
}

// ---------------------------------------------------------------- files and formats

TEST_CASE("open_trace: formats, missing files and extensions", "[io]") {
  using capsim::io::parse_trace_format;
  using capsim::io::trace_format_for_path;
  CHECK(trace_format_for_path("a/b.csv") == TraceFormat::csv);
  CHECK(trace_format_for_path("b.CSV") == TraceFormat::csv);
  CHECK(trace_format_for_path("b.jsonl") == TraceFormat::jsonl);
  CHECK(trace_format_for_path("b.ndjson") == TraceFormat::jsonl);
  CHECK_FALSE(trace_format_for_path("b.json").has_value());
  CHECK(parse_trace_format("auto") == TraceFormat::auto_detect);
  CHECK(parse_trace_format("jsonl") == TraceFormat::jsonl);
  CHECK_FALSE(parse_trace_format("xml").has_value());

  try {
    open_trace("/nonexistent/capsim/trace.csv");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) == "/nonexistent/capsim/trace.csv: error: no such trace file");
  }
  CHECK_THROWS_WITH(from_text("", "trace.txt"),
                    "trace.txt: error: cannot tell the trace format from the file name: expected a .csv, .jsonl or "
                    ".ndjson extension");
  // An explicit format overrides the extension.
  auto r = open_trace_stream(std::make_unique<std::istringstream>("time,pod,event\n1,a,create\n"), "trace.txt",
                             TraceFormat::csv);
  CHECK(read_all(*r).size() == 1);

  const auto path = std::filesystem::temp_directory_path() / "capsim_test_io_trace_reader.jsonl";
  {
    std::ofstream out(path);
    out << R"({"time": 3, "pod": "a", "event": "create"})" << "\n";
  }
  auto f = open_trace(path.string());
  const auto evs = read_all(*f);
  std::filesystem::remove(path);
  REQUIRE(evs.size() == 1);
  CHECK(evs[0].at.ms == 3000);
}

namespace {
// Generates "time,pod,event" followed by `rows` create rows on demand, counting rows handed out.
class GeneratedTrace : public std::streambuf {
 public:
  explicit GeneratedTrace(int rows) : m_rows(rows) {}
  int produced() const { return m_next; }

 protected:
  int_type underflow() override {
    if (m_next > m_rows) return traits_type::eof();
    m_line = m_next == 0 ? "time,pod,event\n" : std::to_string(m_next) + ".5,pod-" + std::to_string(m_next) + ",create\n";
    ++m_next;
    setg(m_line.data(), m_line.data(), m_line.data() + m_line.size());
    return traits_type::to_int_type(m_line[0]);
  }

 private:
  int m_rows;
  int m_next{0};
  std::string m_line;
};

class GeneratedStream : public std::istream {
 public:
  explicit GeneratedStream(int rows) : std::istream(nullptr), m_buf(rows) { rdbuf(&m_buf); }
  GeneratedTrace m_buf;
};
}  // namespace

TEST_CASE("readers stream: one record is read at a time", "[io]") {
  auto in = std::make_unique<GeneratedStream>(50'000);
  GeneratedStream* raw = in.get();
  auto r = open_trace_stream(std::move(in), "gen.csv", TraceFormat::auto_detect);
  CHECK(raw->m_buf.produced() == 1);  // the header only
  auto first = r->next();
  REQUIRE(first);
  CHECK(first->pod == "pod-1");
  CHECK(raw->m_buf.produced() == 2);
  std::size_t n = 1;
  std::int64_t last = first->at.ms;
  while (auto ev = r->next()) {
    ++n;
    last = ev->at.ms;
  }
  CHECK(n == 50'000);
  CHECK(last == 50'000'500);
}

// ---------------------------------------------------------------- the shared Alibaba trace

TEST_CASE("the Alibaba GPU 2023 openb trace in the generic format streams in order", "[io]") {
  const std::string src = std::string(CAPSIM_SHARED_DATA_DIR) + "/traces/alibaba-gpu-v2023-openb_pod_list_default.csv";
  std::ifstream in(src);
  if (!in) {
    WARN("shared data not found, skipped: " << src);
    return;
  }
  // The openb mapping of docs/trace-format.md, inlined: create at creation_time, delete at
  // deletion_time, sorted by (time, event, pod).
  struct Row {
    long long t;
    std::string event;
    std::string pod;
    std::string cpu, mem, gpu;
  };
  std::vector<Row> rows;
  std::string line;
  std::getline(in, line);
  REQUIRE(line.rfind("name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time", 0) == 0);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    f.resize(11);
    rows.push_back({std::stoll(f[8]), "create", f[0], f[1] + "m", f[2] + "Mi", f[3]});
    if (!f[9].empty()) rows.push_back({std::stoll(f[9]), "delete", f[0], "", "", ""});
  }
  std::sort(rows.begin(), rows.end(),
            [](const Row& a, const Row& b) { return std::tie(a.t, a.event, a.pod) < std::tie(b.t, b.event, b.pod); });
  std::string text = "# derived from alibaba/clusterdata cluster-trace-gpu-v2023 (openb)\ntime,pod,event,cpu,memory,gpu\n";
  for (const Row& r : rows)
    text += std::to_string(r.t) + "," + r.pod + "," + r.event + "," + r.cpu + "," + r.mem + "," + r.gpu + "\n";

  auto reader = from_text(text, "openb.csv");
  std::size_t creates = 0;
  std::size_t deletes = 0;
  std::size_t gpu_pods = 0;
  std::int64_t prev = 0;
  std::int64_t max_ms = 0;
  while (auto ev = reader->next()) {
    CHECK(ev->at.ms >= prev);
    prev = ev->at.ms;
    max_ms = std::max(max_ms, ev->at.ms);
    if (ev->kind == TraceEventKind::create) {
      ++creates;
      if (ev->requests.get(Resource::nvidia_gpu).milli > 0) ++gpu_pods;
    } else {
      ++deletes;
    }
  }
  CHECK(creates == 8152);
  CHECK(deletes == 8152);
  CHECK(gpu_pods > 0);
  CHECK(max_ms == 12'902'960'000);
  CHECK(reader->warnings().empty());

  // The native reader (--format alibaba-openb, a deletion heap instead of a sort) gives the same
  // events in the same order.
  auto generic = from_text(text, "openb.csv");
  auto native = capsim::io::open_trace(src, capsim::io::TraceFormat::alibaba_openb);
  std::size_t n = 0;
  while (auto a = generic->next()) {
    auto b = native->next();
    REQUIRE(b);
    REQUIRE(std::tie(a->at.ms, a->pod, a->kind) == std::tie(b->at.ms, b->pod, b->kind));
    REQUIRE(a->requests == b->requests);
    ++n;
  }
  CHECK_FALSE(native->next());
  CHECK(n == 16304);
}

TEST_CASE("the openb reader reports a bad row where it is", "[io]") {
  const std::string head = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n";
  auto open = [](const std::string& text) {
    return capsim::io::open_trace_stream(std::make_unique<std::istringstream>(text), "openb.csv",
                                         capsim::io::TraceFormat::alibaba_openb);
  };
  auto bad = open(head + "p0,1000,512,1,1000,,LS,Running,10,20,10\np1,lots,512,0,0,,BE,Running,5,,5\n");
  CHECK(bad->next()->pod == "p0");
  try {
    bad->next();
    FAIL("expected an InputError");
  } catch (const capsim::InputError& e) {
    REQUIRE(e.diagnostics().size() == 2);
    CHECK(e.diagnostics()[0].render() == "openb.csv:3:4: error: cpu_milli: expected a non-negative integer, got \"lots\"");
    CHECK(e.diagnostics()[1].render() ==
          "openb.csv:3:29: error: creation_time: expected a time >= 10 (the previous event, line 2), got 5");
  }
  // A deletion earlier than the creation is raised to it; one without a deletion time never goes.
  auto ok = open(head + "a,100,64,0,0,,BE,Running,7,3,7\nb,100,64,2,0,,LS,Running,8,,8\n");
  std::vector<std::string> seen;
  while (auto e = ok->next())
    seen.push_back(std::to_string(e->at.ms) + " " + e->pod + (e->kind == TraceEventKind::create ? " create" : " delete"));
  CHECK(seen == std::vector<std::string>{"7000 a create", "7000 a delete", "8000 b create"});
}

// The Alibaba GPU 2025 DLRM instance list: unordered rows sorted into events; a blank creation time
// is an instance running before the window (created at 0), a blank deletion time one that stays.
TEST_CASE("the DLRM reader maps instances to pods and orders their events", "[io]") {
  const std::string text =
      "instance_sn,role,app_name,cpu_request,cpu_limit,gpu_request,gpu_limit,rdma_request,rdma_limit,memory_request,"
      "memory_limit,disk_request,disk_limit,max_instance_per_node,creation_time,scheduled_time,deletion_time\n"
      "i2,CN,app_9,64,64,0,0,1,1,320.0,320.0,544.0,640.0,-1,475.00000000000006,623.0,900.5\n"
      "i1,HN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,8,,,600\n"
      "i3,HN,app_0,8,8,1,1,25,25,15.5,15.5,0,0,8,475,480,\n";
  auto r = capsim::io::open_trace_stream(std::make_unique<std::istringstream>(text), "dlrm.csv",
                                         capsim::io::TraceFormat::alibaba_dlrm);
  std::vector<std::string> seen;
  while (auto e = r->next()) {
    std::string s = std::to_string(e->at.ms) + " " + e->pod + (e->kind == TraceEventKind::create ? " create" : " delete");
    if (e->kind == TraceEventKind::create)
      s += " " + to_string(e->requests) + " " + e->owner + " " + e->labels.at("alibaba.com/role");
    seen.push_back(s);
  }
  CHECK(seen == std::vector<std::string>{
                    "0 i1 create cpu=12 ephemeral-storage=640Gi memory=120Gi nvidia.com/gpu=1 ReplicaSet/app_0 HN",
                    "475000 i2 create cpu=64 ephemeral-storage=544Gi memory=320Gi ReplicaSet/app_9 CN",
                    "475000 i3 create cpu=8 memory=15872Mi nvidia.com/gpu=1 ReplicaSet/app_0 HN",
                    "600000 i1 delete",
                    "900500 i2 delete"});
  auto bad = [](const std::string& t) {
    return capsim::io::open_trace_stream(std::make_unique<std::istringstream>(t), "dlrm.csv",
                                         capsim::io::TraceFormat::alibaba_dlrm);
  };
  try {
    bad(text.substr(0, text.find('\n') + 1) + "i1,HN,app_0,twelve,12,1,1,25,25,120.0,120.0,640.0,800.0,8,,,600\n");
    FAIL("expected an InputError");
  } catch (const capsim::InputError& e) {
    CHECK(e.diagnostics().at(0).render() == "dlrm.csv:2:13: error: cpu_request: expected a non-negative number, got \"twelve\"");
  }
}

TEST_CASE("trace_format_from_header: each format known by its first line; anything else is an error at it", "[io][forecast]") {
  using capsim::io::trace_format_from_header;
  const auto dir = std::filesystem::temp_directory_path() / "capsim-test-trace-header";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto file = [&](const std::string& name, const std::string& text) {
    const std::string p = (dir / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  };
  // The extension does not decide: these are all named .csv or .txt.
  CHECK(trace_format_from_header(file("generic.txt", "\xEF\xBB\xBF# provenance\r\n\r\ntime, pod ,event,cpu\r\n0,a,create,1\r\n")) ==
        TraceFormat::csv);
  CHECK(trace_format_from_header(file("openb.csv",
                                      "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,"
                                      "deletion_time,scheduled_time\nopenb-pod-0000,12000,16384,1,1000,,LS,Running,0,12537496,0\n")) ==
        TraceFormat::alibaba_openb);
  CHECK(trace_format_from_header(file("dlrm.csv",
                                      "instance_sn,role,app_name,cpu_request,cpu_limit,gpu_request,gpu_limit,rdma_request,"
                                      "rdma_limit,memory_request,memory_limit,disk_request,disk_limit,max_instance_per_node,"
                                      "creation_time,scheduled_time,deletion_time\n")) == TraceFormat::alibaba_dlrm);
  CHECK(trace_format_from_header(file("events.csv", R"({"time": 0, "pod": "a", "event": "create"})"
                                                    "\n")) == TraceFormat::jsonl);
  CHECK(trace_format_from_header(file("audit.csv", R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create"})"
                                                   "\n")) == TraceFormat::k8s_audit);
  CHECK(capsim::io::trace_format_title(TraceFormat::alibaba_openb) == "the Alibaba GPU v2023 openb pod list");

  auto error_of = [](const std::string& path) {
    try {
      trace_format_from_header(path);
    } catch (const InputError& e) {
      REQUIRE(e.diagnostics().size() == 1);
      return e.diagnostics().front().render();
    }
    return std::string("no error");
  };
  const std::string known =
      ": expected capsim's CSV (columns time, pod, event), capsim's JSONL (objects with time, pod, event), alibaba-openb "
      "(columns name, cpu_milli, memory_mib, num_gpu, qos, creation_time, deletion_time), alibaba-dlrm (columns "
      "instance_sn, role, app_name, cpu_request, gpu_request, memory_request, disk_request, creation_time, deletion_time) "
      "or k8s-audit (audit.k8s.io Event objects); or give the format (--trace-format)";
  const std::string v2018 = file("batch_task.csv", "task_name,instance_num,job_name,task_type,status,start_time\n");
  CHECK(error_of(v2018) == v2018 + ":1:1: error: no trace format has the header "
                                   "\"task_name,instance_num,job_name,task_type,status,start_time\"" + known);
  const std::string late = file("late.csv", "# a comment\n\n{\"time\": 0}\n");
  CHECK(error_of(late) == late + ":3:1: error: no trace format has the header \"{\\\"time\\\": 0}\"" + known);
  const std::string empty = file("empty.csv", "");
  CHECK(error_of(empty) == empty + ":1:1: error: the file has no header line" + known);
  CHECK(error_of((dir / "missing.csv").string()) == (dir / "missing.csv").string() + ": error: no such trace file");
  std::filesystem::remove_all(dir);
}
