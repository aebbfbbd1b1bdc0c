// The static policy: a cluster that never scales (only its pre-existing node groups). It is the
// "do nothing" baseline of capsim compare.
#include "capsim/policy/static_policy.hpp"

namespace capsim::policy {

void StaticPolicy::on_pods_unschedulable(const std::vector<cluster::PodId>&, SimTime) {}
std::optional<SimTime> StaticPolicy::next_wakeup() const { return std::nullopt; }
Actions StaticPolicy::reconcile(const View&) { return {}; }

}  // namespace capsim::policy
