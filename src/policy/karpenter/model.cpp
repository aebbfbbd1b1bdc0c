// What Karpenter's controllers share (model.hpp).
#include "capsim/policy/karpenter/model.hpp"

namespace capsim::policy::karpenter {

bool reschedulable(const cluster::Pod& p) {
  return (!p.terminating || p.owner.kind == "StatefulSet") && !p.is_daemon() && !p.is_mirror();
}

const NodePoolModel* Shared::pool(std::string_view name) const {
  for (const auto& p : pools)
    if (p.spec.name == name) return &p;
  return nullptr;
}

void Shared::nominate(cluster::NodeId id, SimTime now) {
  nominated_until[id] = now + nomination_window();
  ++nominations;
}

Duration Shared::nomination_window() const {
  // state/statenode.go nominationWindow: max(2 x BatchMaxDuration, 10 s).
  Duration d = cfg.settings.batch_max * 2;
  return d < k_nomination_min ? k_nomination_min : d;
}

bool Shared::nominated(cluster::NodeId id, SimTime now) const {
  auto it = nominated_until.find(id);
  return it != nominated_until.end() && now < it->second;
}

void Shared::note_new_claim_expiry(SimTime created, const NodePoolModel& p) {
  if (v1alpha5() || !p.spec.expire_after) return;
  SimTime at = created + *p.spec.expire_after;
  if (!next_expiry || at < *next_expiry) next_expiry = at;
}

}  // namespace capsim::policy::karpenter
