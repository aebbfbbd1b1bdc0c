// Module-private: measures a run's structural expectations (spec::k_structural_metrics) - counts
// and fields of its launches, terminations and decisions, and the final placement of pods -
// while it runs, so decisions need not be kept.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "capsim/cluster/cluster_state.hpp"
#include "capsim/sim/result.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::sim {

class ExpectationProbe {
 public:
  explicit ExpectationProbe(const std::vector<spec::Expectation>& expectations);
  // Every decision the run records (World::record).
  void on_decision(const Decision& d);
  // The value of each structural expectation by its index in `expectations` (NaN: nothing
  // matched where a value must be read, e.g. launch.* past the last matching launch).
  std::map<std::size_t, double> finish(const cluster::ClusterState& state, const AutoscalerResult& r,
                                       const std::vector<std::string>& zones) const;

 private:
  const std::vector<spec::Expectation>& m_expectations;
  std::vector<std::size_t> m_decision_metrics;  // indices of "decisions" expectations
  std::map<std::size_t, double> m_decision_counts;
};

}  // namespace capsim::sim
