#include "capsim/report/html_report.hpp"
#include "capsim/report/atomic_write.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

#include "capsim/core/diagnostic.hpp"
#include "capsim/report/decision_log.hpp"
#include "capsim/report/json_result.hpp"
#include "capsim/report/timeseries.hpp"
#include "capsim/sim/result.hpp"

namespace capsim::report {
namespace {

constexpr int k_max_temp_attempts = 10'000;

[[noreturn]] void fail(const std::string& file, const std::string& what, int err) {
  Diagnostic d;
  d.file = file;
  d.message = what + ": " + std::generic_category().message(err);
  throw InputError({d});
}

// Writes `content` to a fresh temporary beside `target` (AtomicFile), fsyncs and closes it. Returns
// the temporary's path; on failure nothing is left behind and InputError names `target`.
std::string write_temp(const std::string& target, std::string_view content) {
  AtomicFile f(target);
  f.write(content);
  return f.close_temp();
}

// Makes the renames durable; best effort, as some file systems cannot fsync a directory.
void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

std::string parent_of(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? std::string(".") : parent;
}

}  // namespace

AtomicFile::AtomicFile(std::string target) : m_target(std::move(target)) {
  for (int n = 0;; ++n) {
    m_temp = m_target + ".tmp." + std::to_string(n);
    m_fd = ::open(m_temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (m_fd >= 0) break;
    if (errno != EEXIST || n + 1 >= k_max_temp_attempts) fail(m_target, "cannot write", errno);
  }
}

AtomicFile::~AtomicFile() { abandon(); }

void AtomicFile::abandon() {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
  if (!m_temp.empty()) ::unlink(m_temp.c_str());
  m_temp.clear();
}

void AtomicFile::write(std::string_view content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(m_fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      abandon();
      fail(m_target, "cannot write", err);
    }
    done += static_cast<std::size_t>(n);
  }
}

std::string AtomicFile::close_temp() {
  if (::fsync(m_fd) != 0 || ::close(m_fd) != 0) {
    const int err = errno;
    m_fd = -1;
    abandon();
    fail(m_target, "cannot write", err);
  }
  m_fd = -1;
  std::string tmp = std::move(m_temp);
  m_temp.clear();
  return tmp;
}

void AtomicFile::commit() {
  const std::string tmp = close_temp();
  if (::rename(tmp.c_str(), m_target.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    fail(m_target, "cannot write", err);
  }
  sync_directory(parent_of(m_target));
}

void write_file_atomic(const std::string& path, std::string_view content) {
  AtomicFile f(path);
  f.write(content);
  f.commit();
}

void write_outputs_atomic(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files) {
  const std::string base = dir.empty() ? std::string(".") : dir;
  std::error_code ec;
  std::filesystem::create_directories(base, ec);
  if (ec) fail(base, "cannot create directory", ec.value());

  std::vector<std::string> targets;
  std::vector<std::string> temps;
  targets.reserve(files.size());
  temps.reserve(files.size());
  auto remove_temps_from = [&](std::size_t first) {
    for (std::size_t i = first; i < temps.size(); ++i) ::unlink(temps[i].c_str());
  };
  try {
    for (const auto& [name, content] : files) {
      targets.push_back((std::filesystem::path(base) / name).string());
      temps.push_back(write_temp(targets.back(), content));
    }
  } catch (...) {
    remove_temps_from(0);
    throw;
  }
  for (std::size_t i = 0; i < temps.size(); ++i) {
    if (::rename(temps[i].c_str(), targets[i].c_str()) != 0) {
      const int err = errno;
      remove_temps_from(i);
      fail(targets[i], "cannot write", err);
    }
  }
  sync_directory(base);
}

void write_run_outputs(const std::string& dir, const sim::RunResult& run, bool with_html) {
  std::vector<std::pair<std::string, std::string>> files = {
      {"result.json", to_json(run)},
      {"decisions.jsonl", decision_log_jsonl(run)},
      {"timeseries.csv", timeseries_csv(run)},
  };
  if (with_html) files.emplace_back("report.html", html_report(run));
  write_outputs_atomic(dir, files);
}

}  // namespace capsim::report
