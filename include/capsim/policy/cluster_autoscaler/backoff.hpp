// Node group backoff after failed scale-ups (cluster-autoscaler utils/backoff/
// exponential_backoff.go): the first failure backs a group off for the initial duration; a
// failure after the previous backoff ended doubles it (capped at the maximum); a failure while
// still backed off restarts the same duration from now; history older than the reset timeout
// is forgotten. "Backed off" is strict: until > now.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "capsim/core/time.hpp"

namespace capsim::policy::cluster_autoscaler {

class ExponentialBackoff {
 public:
  ExponentialBackoff(Duration initial, Duration max, Duration reset_timeout)
      : m_initial(initial), m_max(max), m_reset(reset_timeout) {}

  // Records a failure at `now`; returns the end of the backoff.
  SimTime backoff(const std::string& key, SimTime now);
  bool backed_off(const std::string& key, SimTime now) const;
  std::optional<SimTime> until(const std::string& key) const;
  // RemoveStaleBackoffData: drops entries whose last failure is older than the reset timeout.
  void remove_stale(SimTime now);

 private:
  struct Entry {
    Duration duration;
    SimTime until;
    SimTime last_failure;
  };
  Duration m_initial, m_max, m_reset;
  std::map<std::string, Entry> m_entries;
};

}  // namespace capsim::policy::cluster_autoscaler
