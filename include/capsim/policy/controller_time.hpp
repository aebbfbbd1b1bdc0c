// The controller-time model (spec::ControllerTime) as the policies use it: PassWork counts the
// work one pass of a controller does (simulations, nodes and pods they read, candidates listed,
// snapshots, binpacking) and prices it under a model; ControllerStats is what a run reports of
// its passes. The work is counted the same way whatever the model, so an `instant` run can still
// tell how long its passes would have taken under `typical`.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "capsim/core/time.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::policy {

struct PassWork {
  std::int64_t simulations{0}, simulated_nodes{0}, simulated_pods{0}, listed_nodes{0};
  std::int64_t removals{0}, removal_nodes{0}, snapshot_nodes{0}, binpacked_pods{0};
  // Time a simulation ran before a deadline cut it, under the model that cut it.
  std::int64_t cut_ns{0};

  // Karpenter: one scheduling simulation over `nodes` existing nodes placing `pods` pods.
  void simulation(std::size_t nodes, std::size_t pods) {
    ++simulations;
    simulated_nodes += static_cast<std::int64_t>(nodes);
    simulated_pods += static_cast<std::int64_t>(pods);
  }
  // Karpenter: one method's candidate listing over `nodes` nodes.
  void listing(std::size_t nodes) { listed_nodes += static_cast<std::int64_t>(nodes); }
  // Cluster Autoscaler: one node-removal simulation on a snapshot of `nodes` nodes.
  void removal(std::size_t nodes) {
    ++removals;
    removal_nodes += static_cast<std::int64_t>(nodes);
  }
  void snapshot(std::size_t nodes) { snapshot_nodes += static_cast<std::int64_t>(nodes); }
  void binpacking(std::size_t pods) { binpacked_pods += static_cast<std::int64_t>(pods); }

  // What the work costs under `m`, in nanoseconds.
  std::int64_t ns(const spec::ControllerTime& m) const {
    return simulations * m.simulation_ns + simulated_nodes * m.simulation_per_node_ns +
           simulated_pods * m.simulation_per_pod_ns + listed_nodes * m.list_per_node_ns + removals * m.removal_ns +
           removal_nodes * m.removal_per_node_ns + snapshot_nodes * m.snapshot_per_node_ns +
           binpacked_pods * m.binpack_per_pod_ns + cut_ns;
  }
  // The same as simulated time, rounded up to the millisecond.
  Duration elapsed(const spec::ControllerTime& m) const { return Duration{(ns(m) + 999'999) / 1'000'000}; }
};

// One controller's passes over a run (Karpenter's disruption passes, the Cluster Autoscaler's
// loops), for the result.
struct ControllerStats {
  std::string controller;  // "disruption" | "loop"
  std::string model;       // the ControllerTime preset
  std::vector<std::int64_t> pass_ms;     // each pass's simulated duration
  std::vector<std::int64_t> evaluated;   // candidates evaluated by each pass
  std::uint64_t single_node_timeouts{0}, multi_node_timeouts{0};  // Karpenter
  std::uint64_t scale_down_timeouts{0};                             // Cluster Autoscaler
  // Under the `typical` preset, the longest pass of the run (computed in every mode: an instant
  // run reports when a typical pass would be longer than the controller's poll period).
  std::int64_t typical_max_ms{0};
  Duration poll_period{Duration::seconds(10)};

  // Keeps the longest pass under `typical` (typical_max_ms).
  void observe_typical(const PassWork& w) {
    static const spec::ControllerTime k_typical = *spec::controller_time_preset("typical");
    typical_max_ms = std::max(typical_max_ms, w.elapsed(k_typical).ms);
  }
};

}  // namespace capsim::policy
