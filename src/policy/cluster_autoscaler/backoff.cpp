#include "capsim/policy/cluster_autoscaler/backoff.hpp"

namespace capsim::policy::cluster_autoscaler {

SimTime ExponentialBackoff::backoff(const std::string& key, SimTime now) {
  Duration d = m_initial;
  if (auto it = m_entries.find(key); it != m_entries.end()) {
    // Concurrent failures do not grow the duration; only a failure after the backoff ended does.
    d = it->second.duration;
    if (it->second.until < now) {
      d = it->second.duration * 2;
      if (d > m_max) d = m_max;
    }
  }
  m_entries[key] = Entry{d, now + d, now};
  return now + d;
}

bool ExponentialBackoff::backed_off(const std::string& key, SimTime now) const {
  auto it = m_entries.find(key);
  return it != m_entries.end() && it->second.until > now;
}

std::optional<SimTime> ExponentialBackoff::until(const std::string& key) const {
  auto it = m_entries.find(key);
  if (it == m_entries.end()) return std::nullopt;
  return it->second.until;
}

void ExponentialBackoff::remove_stale(SimTime now) {
  std::erase_if(m_entries, [&](const auto& e) { return e.second.last_failure + m_reset < now; });
}

}  // namespace capsim::policy::cluster_autoscaler
