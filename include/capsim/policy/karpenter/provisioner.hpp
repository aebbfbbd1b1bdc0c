// Karpenter's provisioner (provisioning/provisioner.go, batcher.go, the pod controller's
// requeue): unschedulable pods open or extend a batch; when it closes the provisioner solves the
// provisionable pods against the existing nodes and the NodeClaim templates, nominates the nodes
// it uses and creates NodeClaims (ToNodeClaim with the AWS launch choice). A singleton: under
// controller time a solve is decided on the state at its start and launches at its end.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "capsim/policy/autoscaler.hpp"
#include "capsim/policy/karpenter/model.hpp"
#include "capsim/policy/karpenter/scheduling_inputs.hpp"

namespace capsim::policy::karpenter {

class Provisioner {
 public:
  Provisioner(Shared& shared, const SchedulingInputs& inputs) : m_shared(shared), m_inputs(inputs) {}

  // kube-scheduler marked these pods unschedulable: the batcher's trigger.
  void on_pods_unschedulable(const std::vector<cluster::PodId>& pods, SimTime now);
  // This instant's work: the pod controller's 10 s requeue, a solve that ends, a batch that
  // closes (solved when the cluster state is `synced`).
  void reconcile(const View& view, bool synced, Actions& out);
  std::optional<SimTime> next_wakeup() const;
  // One solve over the current state (no batching).
  Actions provision(const View& view);
  // The NodeClaim a solve's new claim becomes (NodeClaimTemplate.ToNodeClaim) with its fleet
  // request; also creates the disruption queue's replacements (queue.go CreateNodeClaims).
  LaunchNode launch_for(const scheduling::NewNodeClaim& nc, std::string reason) const;

 private:
  Shared& m_shared;
  const SchedulingInputs& m_inputs;
  // Batcher (provisioning/batcher.go).
  std::set<cluster::PodId> m_batch;
  std::optional<SimTime> m_batch_start;
  SimTime m_batch_idle_deadline;
  std::optional<SimTime> m_next_requeue;  // pod controller requeue of provisionable pods
  std::set<cluster::PodId> m_provisionable;
  // A solve that ends at `at` with these actions (the next batch waits for it).
  struct SolveEnd {
    SimTime at;
    Actions actions;
  };
  std::optional<SolveEnd> m_solve_end;
  std::size_t m_solve_pods{0};  // pods the last provision() solve placed
};

}  // namespace capsim::policy::karpenter
