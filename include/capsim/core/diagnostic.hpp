// Input diagnostics with file:line:col and key path, GCC-style rendering, and the exception that
// carries every diagnostic of a failed load. Also the invariant-assert used by library code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace capsim {

enum class Severity : std::uint8_t { error, warning };

struct Diagnostic {
  std::string file;
  int line{0};  // 1-based; 0 = unknown
  int col{0};   // 1-based; 0 = unknown
  Severity severity{Severity::error};
  std::string path;  // key path such as nodePools[0].disruption.consolidateAfter; may be empty
  std::string message;

  // "file:line:col: error: path: message"; "error: path: message" without a file
  std::string render() const;
  bool operator==(const Diagnostic&) const = default;
};

// Diagnostics with the same severity, path and message once list indexes are dropped
// (spec.containers[0].image and spec.containers[3].image are one), in order of first appearance:
// the first of each, its message and path with "[]" for every index, and how many there are.
struct DiagnosticGroup {
  Diagnostic first;
  std::size_t count{0};
};
std::vector<DiagnosticGroup> group_diagnostics(const std::vector<Diagnostic>& diags);

class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diags);
  const std::vector<Diagnostic>& diagnostics() const { return m_diags; }

 private:
  std::vector<Diagnostic> m_diags;
};

// A broken invariant (a bug): thrown by CAPSIM_ASSERT, never for bad input.
class InvariantError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void assert_failed(const char* expr, const char* file, int line, const std::string& context);

}  // namespace capsim

#define CAPSIM_ASSERT(cond, context)                                              \
  do {                                                                            \
    if (!(cond)) ::capsim::assert_failed(#cond, __FILE__, __LINE__, (context));   \
  } while (false)
