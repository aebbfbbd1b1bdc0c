#include "capsim/core/diagnostic.hpp"

#include <map>
#include <string>
#include <tuple>

namespace capsim {

std::string Diagnostic::render() const {
  // Without a file (command-line input) the message starts at the severity: "error: ...".
  std::string s = file;
  if (!file.empty() && line > 0) {
    s += ":" + std::to_string(line);
    if (col > 0) s += ":" + std::to_string(col);
  }
  if (!s.empty()) s += ": ";
  s += severity == Severity::error ? "error: " : "warning: ";
  if (!path.empty()) s += path + ": ";
  s += message;
  return s;
}

namespace {
// "a[0].b[12]" -> "a[].b[]"; quoted keys (a["x.y"]) are kept.
std::string drop_indexes(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    out += s[i];
    if (s[i] != '[') continue;
    std::size_t j = i + 1;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j > i + 1 && j < s.size() && s[j] == ']') i = j - 1;
  }
  return out;
}
}  // namespace

std::vector<DiagnosticGroup> group_diagnostics(const std::vector<Diagnostic>& diags) {
  std::vector<DiagnosticGroup> out;
  std::map<std::tuple<Severity, std::string, std::string>, std::size_t> index;
  for (const auto& d : diags) {
    Diagnostic g = d;
    g.path = drop_indexes(d.path);
    g.message = drop_indexes(d.message);
    auto [it, inserted] = index.emplace(std::make_tuple(g.severity, g.path, g.message), out.size());
    if (inserted) out.push_back(DiagnosticGroup{std::move(g), 0});
    ++out[it->second].count;
  }
  return out;
}

namespace {
std::string summarize(const std::vector<Diagnostic>& diags) {
  if (diags.empty()) return "invalid input";
  return diags.front().render();
}
}  // namespace

InputError::InputError(std::vector<Diagnostic> diags) : std::runtime_error(summarize(diags)), m_diags(std::move(diags)) {}

void assert_failed(const char* expr, const char* file, int line, const std::string& context) {
  throw InvariantError(std::string("invariant violated: ") + expr + " at " + file + ":" + std::to_string(line) +
                       (context.empty() ? "" : " (" + context + ")"));
}

}  // namespace capsim
