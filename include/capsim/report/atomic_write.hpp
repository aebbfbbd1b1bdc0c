// Writing output files so a reader never sees a half-written file or a half-written set: each
// file goes to a temporary sibling, is fsynced, then renamed over the target.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace capsim::sim {
struct RunResult;
}  // namespace capsim::sim

namespace capsim::report {

// A file written in pieces (a stream too large to hold, e.g. a generated trace) that appears at
// `target` only on commit(): the pieces go to "<target>.tmp.<n>" (n: the first free number,
// claimed with O_EXCL); commit() fsyncs it and renames it over `target`. Destroyed uncommitted,
// the temporary is removed. Errors throw capsim::InputError naming `target` ("cannot write: ...").
class AtomicFile {
 public:
  explicit AtomicFile(std::string target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  void write(std::string_view content);
  void commit();
  // Fsyncs and closes the temporary without renaming it; returns its path (the caller renames).
  std::string close_temp();

 private:
  void abandon();
  std::string m_target;
  std::string m_temp;
  int m_fd{-1};
};

// Writes `content` to "<path>.tmp.<n>" (n: the first free number, claimed with O_EXCL) in the
// same directory, fsyncs it, renames it to `path` and fsyncs the directory. On failure the
// temporary is removed and capsim::InputError is thrown with one Diagnostic
// {file = path, message = "cannot write: <strerror>"}.
void write_file_atomic(const std::string& path, std::string_view content);

// Creates `dir` (and parents) if needed, then writes every (file name, content) pair to its
// temporary first; only when all temporaries are written and fsynced are they renamed, in order.
// A failure before the renames removes every temporary and leaves existing files untouched.
// Errors as for write_file_atomic ("cannot create directory: <strerror>" for `dir`).
void write_outputs_atomic(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files);

// result.json (to_json), decisions.jsonl (all autoscalers in result order) and timeseries.csv
// (all autoscalers under one header), and with `with_html` report.html (html_report), written as
// one set with write_outputs_atomic.
void write_run_outputs(const std::string& dir, const sim::RunResult& run, bool with_html = false);

}  // namespace capsim::report
