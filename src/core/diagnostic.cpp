#include "capsim/core/diagnostic.hpp"

#include <string>

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
