// Wiring: builds the world from a scenario (pre-existing node groups, workloads, timeline, trace
// replays), runs the engine loop with the kube-scheduler pass and the autoscaler's reconcile
// wake-ups, applies the autoscaler's actions through the simulated cloud (launch -> register ->
// initialize; cordon -> drain -> terminate) and collects what the reports need.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/sim/result.hpp"
#include "capsim/spec/scenario.hpp"
#include "capsim/spec/trace.hpp"

namespace capsim::sim {

using TraceOpener = std::function<std::unique_ptr<spec::TraceSource>(const spec::TraceReplay&)>;

struct SimOptions {
  std::shared_ptr<const catalog::Catalog> catalog;
  TraceOpener open_trace;  // needed only when the scenario replays traces
  Duration sample_interval{Duration::seconds(60)};
  std::size_t max_log_lines{100000};
  // false: decisions are counted (AutoscalerResult::decision_count) but not kept, so a replay of
  // months keeps bounded memory when nothing reads them (no --out, no golden comparison).
  bool keep_decisions{true};
  // Invariant mode (--check-invariants; on in the tests): after every event, every bound pod is on
  // exactly one live node and listed there, every other live pod is pending, no node's requests
  // exceed its allocatable, pods are conserved (created = live + removed); and every node launched
  // for pods is, when it is initialized, explained by one of them that can bind to it (or took
  // it). A violation throws InvariantError naming the time and the objects.
  bool check_invariants{false};
  // --exact: every performance shortcut off - Karpenter's quiet pass, no-op memo and early-stopping
  // simulations, the Cluster Autoscaler's quiet loops, the repeated metric sample of an unchanged
  // cluster. Each states what it depends on; the outputs must be the same bytes either way
  // (tests/golden/exact_check.cmake).
  bool exact{false};
  // Called at every sample (each simulated sample_interval) with the autoscaler, the simulated
  // time reached, the run's end and the events run so far: a progress display. Unset: nothing.
  std::function<void(const std::string& autoscaler, SimTime now, SimTime end, std::uint64_t events)> progress;
  // Called for every workload pod created or deleted (DaemonSet pods are per node, not workload):
  // the pod as a trace event (name "<name>#<uid>", its owner, its requests on create), at its
  // offset from the start. `capsim forecast SCENARIO.yaml` takes its demand history from the lower
  // bound's.
  std::function<void(const spec::TraceEvent&)> pod_event;
};

// Runs one autoscaler on the scenario.
AutoscalerResult run_autoscaler(const spec::Scenario& scenario, const std::string& autoscaler, const SimOptions& opts);
// Runs every autoscaler the scenario lists, on the identical workload, and checks expectations.
// When "lower-bound" is among them, every other result gets summary.cost_ratio_to_lower_bound.
// An expectation naming no autoscaler is checked against every listed autoscaler except the
// lower bound; one naming an autoscaler only against that one.
RunResult run_scenario(const spec::Scenario& scenario, const SimOptions& opts);

// What `capsim compare` runs: the scenario's autoscalers in their order, then, when missing,
// karpenter (the scenario has NodePools), cluster-autoscaler (it has autoscaled node groups and
// this build has the policy), static and lower-bound, in that order.
std::vector<std::string> compare_autoscalers(const spec::Scenario& scenario);
// run_scenario over compare_autoscalers (same seed, workload and catalog for each); expectations
// as for run_scenario, so the added autoscalers are checked only by expectations naming them.
RunResult compare_scenario(const spec::Scenario& scenario, const SimOptions& opts);
// compare_scenario under each controller-time model (`capsim compare --controller-time
// instant,typical`): every autoscaler under each model side by side, named "karpenter (instant)",
// "karpenter (typical)", ..., then the static cluster and the lower bound once (they have no
// controller). With one model: compare_scenario under it.
RunResult compare_models(const spec::Scenario& scenario, const std::vector<spec::ControllerTime>& models,
                         const SimOptions& opts);

// The zones a scenario runs in: its own list, or every catalog zone of its region.
std::vector<std::string> resolve_zones(const spec::Scenario& scenario, const catalog::Catalog& cat);
// The instance types of a built-in fake catalog or of the scenario's InstanceCatalog document that
// spec.instanceCatalog selects (built like fake.NewInstanceType); nullopt for the EC2 catalog.
std::optional<std::vector<catalog::InstanceType>> synthetic_instance_types(const spec::Scenario& scenario);

}  // namespace capsim::sim
