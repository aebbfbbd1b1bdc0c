// The progress bar of `capsim run` / `compare` on stderr (--progress=never|auto|always): simulated
// time reached of the run's duration, events per second and an ETA, redrawn in place at most ten
// times a second. auto: only when stderr is a terminal and once the run has taken a second, so CI
// logs stay clean; always: from the start, wherever stderr goes. The line is erased at the end.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

#include "capsim/core/time.hpp"

namespace capsim::cli::detail {

class ProgressBar {
 public:
  enum class Mode { never, auto_, always };
  ProgressBar(Mode mode, std::ostream& err, bool err_is_terminal);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool active() const { return m_mode != Mode::never; }
  void update(const std::string& autoscaler, SimTime now, SimTime end, std::uint64_t events);
  // Erases the bar (if one was drawn).
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  Mode m_mode;
  std::ostream& m_err;
  Clock::time_point m_start{Clock::now()};
  Clock::time_point m_last_draw{};
  std::string m_autoscaler;
  Clock::time_point m_run_start{Clock::now()};
  std::uint64_t m_events_at_run_start{0};
  std::size_t m_drawn_width{0};
};

// "never" | "auto" | "always" (CLI11 checks the value).
ProgressBar::Mode parse_progress_mode(const std::string& s);
// Whether standard error is a terminal.
bool stderr_is_terminal();

}  // namespace capsim::cli::detail
