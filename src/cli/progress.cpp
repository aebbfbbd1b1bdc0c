#include "progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace capsim::cli::detail {

namespace {
constexpr auto k_first_draw_after = std::chrono::seconds(1);
constexpr auto k_redraw_every = std::chrono::milliseconds(100);
constexpr int k_bar_width = 24;

// "12:00:00.000" without the milliseconds.
std::string clock_s(SimTime t) {
  std::string s = format_clock(t);
  return s.substr(0, s.size() - 4);
}

std::string hms(double seconds) {
  const auto s = static_cast<long long>(std::max(0.0, seconds));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  return buf;
}
}  // namespace

ProgressBar::Mode parse_progress_mode(const std::string& s) {
  if (s == "never") return ProgressBar::Mode::never;
  if (s == "always") return ProgressBar::Mode::always;
  return ProgressBar::Mode::auto_;
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

ProgressBar::ProgressBar(Mode mode, std::ostream& err, bool err_is_terminal) : m_mode(mode), m_err(err) {
  if (m_mode == Mode::auto_ && !err_is_terminal) m_mode = Mode::never;
}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(const std::string& autoscaler, SimTime now, SimTime end, std::uint64_t events) {
  if (m_mode == Mode::never) return;
  const auto wall = Clock::now();
  if (autoscaler != m_autoscaler) {  // a new run (compare runs several)
    m_autoscaler = autoscaler;
    m_run_start = wall;
    m_events_at_run_start = events;
  }
  if (m_mode == Mode::auto_ && wall - m_start < k_first_draw_after) return;
  if (m_drawn_width > 0 && wall - m_last_draw < k_redraw_every && now < end) return;
  m_last_draw = wall;
  const double done = end.ms > 0 ? std::clamp(static_cast<double>(now.ms) / static_cast<double>(end.ms), 0.0, 1.0) : 1.0;
  const double elapsed = std::chrono::duration<double>(wall - m_run_start).count();
  const double rate = elapsed > 0 ? static_cast<double>(events - m_events_at_run_start) / elapsed : 0.0;
  const int filled = static_cast<int>(done * k_bar_width);
  std::string line = "[" + autoscaler + "] " + clock_s(now) + " / " + clock_s(end) +
                     " |" + std::string(static_cast<std::size_t>(filled), '#') +
                     std::string(static_cast<std::size_t>(k_bar_width - filled), ' ') + "| ";
  char buf[96];
  std::snprintf(buf, sizeof buf, "%3d%%  %.0f events/s  ETA %s", static_cast<int>(done * 100), rate,
                done > 0 ? hms(elapsed / done - elapsed).c_str() : "?");
  line += buf;
  const std::size_t width = line.size();
  if (width < m_drawn_width) line += std::string(m_drawn_width - width, ' ');
  m_err << '\r' << line << std::flush;
  m_drawn_width = std::max(m_drawn_width, width);
}

void ProgressBar::finish() {
  if (m_drawn_width == 0) return;
  m_err << '\r' << std::string(m_drawn_width, ' ') << '\r' << std::flush;
  m_drawn_width = 0;
}

}  // namespace capsim::cli::detail
