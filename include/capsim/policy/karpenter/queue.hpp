// The disruption queue (disruption/queue.go): a command without replacements deletes its
// candidates at once; one with replacements taints the candidates, creates the replacement
// NodeClaims through the provisioner and deletes the candidates once every replacement is
// initialized, or untaints them when a replacement is lost or the command times out. v0.29
// executes a command synchronously: the deprovisioning loop waits until its candidates are gone.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "capsim/policy/autoscaler.hpp"
#include "capsim/policy/karpenter/disruption.hpp"
#include "capsim/policy/karpenter/provisioner.hpp"

namespace capsim::policy::karpenter {

class CommandQueue {
 public:
  CommandQueue(Shared& shared, const Provisioner& provisioner) : m_shared(shared), m_provisioner(provisioner) {}

  // StartCommand, with the log line the controller writes for it.
  Actions start(const View& view, Command cmd);
  // Polls the running commands (about once a second).
  Actions progress(const View& view);
  bool empty() const { return m_commands.empty(); }
  // v0.29 (deprovisioning/controller.go executeCommand -> waitForDeletion): candidates of executed
  // commands still present.
  bool awaiting_deletion(const View& view);

 private:
  // types.go Command.String as the log line shows it.
  std::string describe(const View& view, const Command& cmd) const;

  Shared& m_shared;
  const Provisioner& m_provisioner;
  struct RunningCommand {
    Command cmd;
    std::string tag;
    SimTime started;
  };
  std::vector<RunningCommand> m_commands;
  std::set<cluster::NodeId> m_awaiting_deletion;
  std::uint64_t m_seq{0};
};

}  // namespace capsim::policy::karpenter
