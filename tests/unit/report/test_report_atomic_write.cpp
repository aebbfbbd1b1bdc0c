// Report atomic writes: content lands whole, no temporaries are left, failures throw InputError
// naming the file and leave neither files nor temporaries; the run output set.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "capsim/core/diagnostic.hpp"
#include "capsim/report/atomic_write.hpp"
#include "capsim/report/decision_log.hpp"
#include "capsim/report/json_result.hpp"
#include "capsim/report/timeseries.hpp"
#include "capsim/sim/result.hpp"
#include "unit/report/test_report_fixture.hpp"

namespace fs = std::filesystem;
using capsim::InputError;
using capsim::report::write_file_atomic;
using capsim::report::write_outputs_atomic;
using capsim::report::write_run_outputs;

namespace {

// A fresh directory under the system temp dir, removed with everything in it at scope end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "capsim-report-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    m_path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("write_file_atomic writes, replaces and leaves no temporary", "[report]") {
  TempDir dir;
  const std::string path = (dir.path() / "out.txt").string();
  write_file_atomic(path, "first\n");
  CHECK(read_all(path) == "first\n");
  write_file_atomic(path, std::string("second\0x", 8));
  CHECK(read_all(path) == std::string("second\0x", 8));
  write_file_atomic(path, "");
  CHECK(read_all(path).empty());
  CHECK(names_in(dir.path()) == std::vector<std::string>{"out.txt"});
}

TEST_CASE("write_file_atomic skips a temporary name already taken", "[report]") {
  TempDir dir;
  const fs::path path = dir.path() / "out.txt";
  std::ofstream(path.string() + ".tmp.0") << "someone else's";
  write_file_atomic(path.string(), "mine");
  CHECK(read_all(path) == "mine");
  CHECK(read_all(path.string() + ".tmp.0") == "someone else's");
  CHECK(names_in(dir.path()) == std::vector<std::string>{"out.txt", "out.txt.tmp.0"});
}

TEST_CASE("write_file_atomic into an impossible path throws InputError naming the file", "[report]") {
  const std::string path = "/proc/capsim-x/y";
  try {
    write_file_atomic(path, "x");
    FAIL("expected InputError");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    const capsim::Diagnostic& d = e.diagnostics().front();
    CHECK(d.file == path);
    CHECK(d.severity == capsim::Severity::error);
    CHECK(d.message == "cannot write: No such file or directory");
    CHECK(d.render() == "/proc/capsim-x/y: error: cannot write: No such file or directory");
  }
  CHECK_FALSE(fs::exists("/proc/capsim-x"));
}

TEST_CASE("write_file_atomic onto a directory fails and removes its temporary", "[report]") {
  TempDir dir;
  fs::create_directory(dir.path() / "taken");
  const std::string path = (dir.path() / "taken").string();
  try {
    write_file_atomic(path, "x");
    FAIL("expected InputError");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics().front().file == path);
    CHECK(e.diagnostics().front().message.rfind("cannot write: ", 0) == 0);
  }
  CHECK(names_in(dir.path()) == std::vector<std::string>{"taken"});
}

TEST_CASE("write_outputs_atomic creates the directory and writes the whole set", "[report]") {
  TempDir dir;
  const fs::path out = dir.path() / "a" / "b";
  write_outputs_atomic(out.string(), {{"one.txt", "1"}, {"two.txt", "2"}});
  CHECK(names_in(out) == std::vector<std::string>{"one.txt", "two.txt"});
  CHECK(read_all(out / "one.txt") == "1");
  CHECK(read_all(out / "two.txt") == "2");
}

TEST_CASE("write_outputs_atomic leaves no half set when one file cannot be written", "[report]") {
  TempDir dir;
  std::ofstream(dir.path() / "one.txt") << "old";
  try {
    write_outputs_atomic(dir.path().string(), {{"one.txt", "new"}, {"missing/two.txt", "2"}, {"three.txt", "3"}});
    FAIL("expected InputError");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics().front().file == (dir.path() / "missing/two.txt").string());
    CHECK(e.diagnostics().front().message == "cannot write: No such file or directory");
  }
  CHECK(names_in(dir.path()) == std::vector<std::string>{"one.txt"});
  CHECK(read_all(dir.path() / "one.txt") == "old");
}

TEST_CASE("write_outputs_atomic into a non-writable place throws and creates nothing", "[report]") {
  try {
    write_outputs_atomic("/proc/capsim-x", {{"y", "x"}});
    FAIL("expected InputError");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics().front().file == "/proc/capsim-x");
    CHECK(e.diagnostics().front().message.rfind("cannot create directory: ", 0) == 0);
  }
  CHECK_FALSE(fs::exists("/proc/capsim-x"));
}

TEST_CASE("write_run_outputs writes result.json, decisions.jsonl and timeseries.csv", "[report]") {
  TempDir dir;
  const auto run = capsim::report::test::make_run_result();
  write_run_outputs(dir.path().string(), run);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"decisions.jsonl", "result.json", "timeseries.csv"});
  CHECK(read_all(dir.path() / "result.json") == capsim::report::to_json(run));
  CHECK(read_all(dir.path() / "decisions.jsonl") == capsim::report::decision_log_jsonl(run));
  CHECK(read_all(dir.path() / "timeseries.csv") == capsim::report::timeseries_csv(run));
  // A second run replaces the set in place.
  write_run_outputs(dir.path().string(), capsim::sim::RunResult{});
  CHECK(read_all(dir.path() / "decisions.jsonl").empty());
  CHECK(names_in(dir.path()).size() == 3);
}
