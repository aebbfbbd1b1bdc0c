// Karpenter's disruption methods (disruption.hpp): eligibility, candidate order and
// ComputeCommands of Emptiness, Drift, multi-node and single-node consolidation, and v0.29's
// Expiration.
#include <algorithm>

#include "capsim/policy/karpenter/disruption.hpp"

namespace capsim::policy::karpenter {
namespace {

// When a node last changed for consolidation: its last pod event, else its initialization.
SimTime last_event(const cluster::Node& n) { return std::max(n.last_pod_event_at, n.initialized_at); }

const std::string& node_name(const View& view, const Candidate& c) { return view.cluster.node(c.id).name; }

// The consolidation methods' order (and Emptiness's). v0.29 / v1.0-1.13: ascending disruption
// cost; v1.14: descending savings ratio price / RescheduleDisruptionCost. Ties by node name.
void sort_for_consolidation(std::vector<Candidate>& c, const View& view, bool v1alpha5) {
  if (v1alpha5) {
    std::stable_sort(c.begin(), c.end(), [&](const Candidate& a, const Candidate& b) {
      if (a.legacy_cost != b.legacy_cost) return a.legacy_cost < b.legacy_cost;
      return node_name(view, a) < node_name(view, b);
    });
    return;
  }
  struct Key {
    double ratio;
    const std::string* name;
    std::size_t index;
  };
  std::vector<Key> keys;
  keys.reserve(c.size());
  for (std::size_t i = 0; i < c.size(); ++i)
    keys.push_back(Key{c[i].price.usd() / c[i].reschedule_cost, &node_name(view, c[i]), i});
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.ratio != b.ratio) return a.ratio > b.ratio;
    return *a.name < *b.name;
  });
  std::vector<Candidate> sorted;
  sorted.reserve(c.size());
  for (const auto& k : keys) sorted.push_back(std::move(c[k.index]));
  c = std::move(sorted);
}

bool consolidation_enabled(const Shared& shared, const NodePoolModel& p) {
  if (shared.v1alpha5()) return p.spec.consolidation_enabled;
  return p.spec.consolidation_policy != spec::ConsolidationPolicy::when_empty && p.spec.consolidate_after.has_value();
}

// emptiness.go; v0.29 emptiness.go (ttlSecondsAfterEmpty) and emptynodeconsolidation.go.
class Emptiness final : public Method {
 public:
  explicit Emptiness(const Shared& shared) : m_shared(shared) {}
  std::string_view name() const override { return "emptiness"; }
  std::string_view reason() const override { return "Empty"; }
  DisruptionClass disruption_class() const override { return DisruptionClass::graceful; }

  bool should_disrupt(const Candidate& c, const View& view) const override {
    if (!c.empty()) return false;
    const auto& p = c.pool->spec;
    const SimTime since = last_event(view.cluster.node(c.id));
    if (m_shared.v1alpha5()) {
      // ttlSecondsAfterEmpty: empty for at least the TTL; with consolidation enabled instead,
      // empty nodes are consolidated (after validation) right away.
      if (p.ttl_seconds_after_empty) return view.now >= since + Duration::seconds(*p.ttl_seconds_after_empty);
      return p.consolidation_enabled;
    }
    // Consolidatable: consolidateAfter (not Never) elapsed since the last pod event.
    return p.consolidate_after && view.now >= since + *p.consolidate_after;
  }
  void sort(std::vector<Candidate>& c, const View& view) const override { sort_for_consolidation(c, view, m_shared.v1alpha5()); }

  MethodResult compute_command(MethodInput& in) override {
    MethodResult out;
    Command cmd;
    cmd.method = this;
    cmd.reason = "Empty";
    if (m_shared.v1alpha5()) {
      // ttlSecondsAfterEmpty: every expired-empty node at once, no validation. Nodes of pools with
      // consolidation enabled go through EmptyMachineConsolidation (validated) instead.
      std::vector<cluster::NodeId> ttl, consolidate;
      for (const auto& c : in.candidates) (c.pool->spec.ttl_seconds_after_empty ? ttl : consolidate).push_back(c.id);
      if (!ttl.empty()) {
        cmd.candidates = ttl;
        cmd.reason = "ttlSecondsAfterEmpty";
        out.command = std::move(cmd);
        return out;
      }
      cmd.candidates = consolidate;
    } else {
      // Every candidate while its NodePool's budget allows, decrementing it.
      for (const auto& c : in.candidates) {
        int& b = in.budgets[c.pool->spec.name];
        if (b <= 0) continue;
        --b;
        cmd.candidates.push_back(c.id);
      }
    }
    if (!cmd.candidates.empty()) {
      out.command = std::move(cmd);
      out.validate = true;
    }
    return out;
  }

 private:
  const Shared& m_shared;
};

// drift.go: the first drifted candidate, within its pool's Drifted budget, whose pods all schedule
// elsewhere; it is replaced by however many NodeClaims the simulation needs, without a price
// check or the 15 s validation.
class Drift final : public Method {
 public:
  explicit Drift(const Shared& shared) : m_shared(shared) {}
  std::string_view name() const override { return "drift"; }
  std::string_view reason() const override { return "Drifted"; }
  DisruptionClass disruption_class() const override { return DisruptionClass::eventual; }

  // Drifted=True; ignores consolidateAfter and the consolidation policy.
  bool should_disrupt(const Candidate& c, const View&) const override { return m_shared.drifted.count(c.id) > 0; }
  // Empty candidates first, then by the time the node drifted; ties by name.
  void sort(std::vector<Candidate>& c, const View& view) const override {
    std::stable_sort(c.begin(), c.end(), [&](const Candidate& a, const Candidate& b) {
      if (a.empty() != b.empty()) return a.empty();
      const SimTime ta = m_shared.drifted.at(a.id).first, tb = m_shared.drifted.at(b.id).first;
      if (ta != tb) return ta < tb;
      return node_name(view, a) < node_name(view, b);
    });
  }

  MethodResult compute_command(MethodInput& in) override {
    MethodResult out;
    for (const auto& c : in.candidates) {
      if (in.budgets[c.pool->spec.name] <= 0) continue;
      in.pass.charge({c});
      auto sim = in.sim.simulate(in.view, {c});
      const std::string& node = node_name(in.view, c);
      if (!sim.ok) {
        out.notes.push_back(Note{"disrupt", "drift blocked", c.pool->spec.name, {node}, {}, {},
                                 "cannot disrupt drifted node " + node + ": " + sim.why});
        continue;
      }
      Command cmd;
      cmd.method = this;
      cmd.reason = "Drifted";
      cmd.candidates = {c.id};
      cmd.replacements = std::move(sim.claims);
      out.command = std::move(cmd);
      return out;
    }
    return out;
  }

 private:
  const Shared& m_shared;
};

// The two consolidation methods: eligibility (consolidation.go ShouldDisrupt) and state.
class Consolidation : public Method {
 public:
  explicit Consolidation(const Shared& shared) : m_shared(shared) {}
  std::string_view reason() const override { return "Underutilized"; }
  DisruptionClass disruption_class() const override { return DisruptionClass::graceful; }
  bool should_disrupt(const Candidate& c, const View& view) const override {
    if (!consolidation_enabled(m_shared, *c.pool)) return false;
    if (m_shared.v1alpha5()) return true;
    if (c.empty()) return false;  // empty nodes are left to Emptiness (v1.14)
    return view.now >= last_event(view.cluster.node(c.id)) + *c.pool->spec.consolidate_after;
  }
  void sort(std::vector<Candidate>& c, const View& view) const override { sort_for_consolidation(c, view, m_shared.v1alpha5()); }
  ConsolidationState* consolidation_state() override { return &m_state; }
  bool validates_by_simulation() const override { return true; }

  // IsConsolidated first; a command resets the state and waits the validation; finding nothing
  // marks the method consolidated, except a single-node search that timed out
  // (singlenodeconsolidation.go, multinodeconsolidation.go ComputeCommands).
  MethodResult compute_command(MethodInput& in) final {
    if (m_state.is_consolidated(in.consolidation_key)) return {};
    MethodResult out = search(in);
    if (out.command) {
      m_state.reset();
      out.validate = true;
    } else if (out.timed_out && single_candidate()) {
      m_state.reset();
    } else {
      m_state.mark_consolidated(in.consolidation_key);
    }
    return out;
  }

 protected:
  virtual MethodResult search(MethodInput& in) = 0;
  const Shared& m_shared;
  ConsolidationState m_state;
};

// multinodeconsolidation.go: the longest prefix of the candidates (within budgets, at most 100)
// that consolidates into at most one cheaper NodeClaim, by binary search.
class MultiNodeConsolidation final : public Consolidation {
 public:
  using Consolidation::Consolidation;
  std::string_view name() const override { return "multi-node consolidation"; }

 protected:
  MethodResult search(MethodInput& in) override {
    MethodResult out;
    // Keep candidates in order while their pool's budget allows, decrementing it.
    std::vector<Candidate> eligible;
    for (auto& c : in.candidates) {
      int& b = in.budgets[c.pool->spec.name];
      if (b <= 0) continue;
      --b;
      eligible.push_back(std::move(c));
    }
    if (eligible.size() < 2) return out;
    // Binary search on the prefix length: lo = 1, hi = n - 1 (n <= 100) else 100; prefix = mid + 1.
    const std::size_t n = eligible.size();
    std::size_t lo = 1, hi = n <= k_multi_node_max_candidates ? n - 1 : k_multi_node_max_candidates;
    // firstNConsolidationOption: a context deadline 1 minute from the search's start that cuts the
    // simulation under way (v1.4+); the search then returns the last valid command, if any.
    Pass& pass = in.pass;
    const std::int64_t deadline_ns = pass.ns() + k_multi_node_timeout.ms * 1'000'000;
    while (lo <= hi) {
      const std::size_t mid = (lo + hi) / 2;
      std::vector<Candidate> prefix(eligible.begin(), eligible.begin() + static_cast<std::ptrdiff_t>(mid + 1));
      const PassWork before = pass.work;
      pass.charge(prefix);
      if (pass.timeouts && pass.ns() > deadline_ns) {
        // The simulation is cut at the deadline: the search has spent exactly its minute.
        pass.work = before;
        pass.work.cut_ns += deadline_ns - before.ns(*pass.model);
        out.timed_out = true;
        ++pass.multi_node_timeouts;
        out.notes.push_back(Note{"disrupt", "consolidation timeout", "", {}, {}, {},
                                 out.command ? "stopping multi-node consolidation after timeout, returning last valid command"
                                             : "failed to find a multi-node consolidation after timeout, last considered "
                                               "batch had " + std::to_string(mid)});
        break;
      }
      std::string why;
      auto cmd = in.sim.consolidate(in.view, *this, prefix, /*explain=*/false, why);
      bool valid = cmd.has_value();
      if (valid && !cmd->replacements.empty()) valid = filter_out_same_instance_type(in.view, prefix, cmd->replacements.front());
      if (valid) {
        out.command = std::move(cmd);
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return out;
  }

 private:
  // filterOutSameInstanceType: never replace [A, A, small] by one A; the replacement's types are
  // capped at the price of the cheapest candidate whose type is among them. False when none is left.
  static bool filter_out_same_instance_type(const View& view, const std::vector<Candidate>& prefix,
                                            scheduling::NewNodeClaim& nc) {
    std::optional<Money> cap;
    for (const auto& c : prefix) {
      const auto& node = view.cluster.node(c.id);
      for (const auto* it : nc.instance_types)
        if (it->name == node.instance_type && (!cap || c.price < *cap)) cap = c.price;
    }
    if (!cap) return true;
    std::vector<const catalog::InstanceType*> kept;
    std::vector<ResourceList> overhead;
    for (std::size_t i = 0; i < nc.instance_types.size(); ++i) {
      auto w = worst_launch_price(*nc.instance_types[i], nc.requirements);
      if (w && *w < *cap) {
        kept.push_back(nc.instance_types[i]);
        overhead.push_back(nc.daemon_overhead[i]);
      }
    }
    nc.instance_types = std::move(kept);
    nc.daemon_overhead = std::move(overhead);
    return !nc.instance_types.empty();
  }
};

// singlenodeconsolidation.go: the first candidate (NodePools interleaved) that consolidates.
class SingleNodeConsolidation final : public Consolidation {
 public:
  using Consolidation::Consolidation;
  std::string_view name() const override { return "single-node consolidation"; }
  bool single_candidate() const override { return true; }

  void sort(std::vector<Candidate>& c, const View& view) const override {
    sort_for_consolidation(c, view, m_shared.v1alpha5());
    if (m_shared.v1alpha5() || c.empty()) return;
    if (std::all_of(c.begin(), c.end(), [&](const Candidate& x) { return x.pool == c.front().pool; })) return;
    // shuffleCandidates: NodePools interleaved round-robin, the ones a timed-out pass did not
    // reach (PreviouslyUnseenNodePools) first, then the others. Upstream takes each group in Go
    // map order; capsim in the order of their first candidate.
    std::vector<std::string> order, rest;
    std::map<std::string, std::vector<Candidate>> by_pool;
    for (auto& x : c) {
      if (!by_pool.count(x.pool->spec.name)) (m_unseen_pools.count(x.pool->spec.name) ? order : rest).push_back(x.pool->spec.name);
      by_pool[x.pool->spec.name].push_back(x);
    }
    order.insert(order.end(), rest.begin(), rest.end());
    std::vector<Candidate> inter;
    for (std::size_t i = 0; inter.size() < c.size(); ++i)
      for (const auto& pn : order)
        if (i < by_pool[pn].size()) inter.push_back(by_pool[pn][i]);
    c = std::move(inter);
  }

 protected:
  MethodResult search(MethodInput& in) override {
    MethodResult out;
    // The timeout is 3 minutes from the method's start, checked before each candidate
    // (clock.Now().After(timeout)); a pass that runs out remembers the NodePools it has not
    // reached (PreviouslyUnseenNodePools) and does not mark itself consolidated. v0.29 has no
    // timeout.
    Pass& pass = in.pass;
    const std::int64_t timeout_ns = pass.ns() + k_single_node_timeout.ms * 1'000'000;
    std::set<std::string> unseen;
    for (const auto& c : in.candidates) unseen.insert(c.pool->spec.name);
    for (std::size_t i = 0; i < in.candidates.size(); ++i) {
      const Candidate& c = in.candidates[i];
      if (pass.timeouts && pass.ns() > timeout_ns) {
        out.timed_out = true;
        ++pass.single_node_timeouts;
        m_unseen_pools = std::move(unseen);
        out.notes.push_back(Note{"disrupt", "consolidation timeout", "", {}, {}, {},
                                 "abandoning single-node consolidation due to timeout after evaluating " +
                                     std::to_string(i) + " candidates"});
        return out;
      }
      unseen.erase(c.pool->spec.name);
      if (in.budgets[c.pool->spec.name] <= 0) continue;
      // computeConsolidation publishes an Unconsolidatable event for a candidate it cannot
      // consolidate; the reason is computed only when the recorder would publish it.
      const bool explain = in.events.due(c.id, in.view.now);
      std::string why;
      pass.charge({c});
      ++pass.evaluated;
      if ((out.command = in.sim.consolidate(in.view, *this, {c}, explain, why))) return out;
      if (explain && !why.empty()) out.unconsolidatable.emplace_back(c.id, why);
    }
    m_unseen_pools.clear();
    return out;
  }

 private:
  std::set<std::string> m_unseen_pools;
};

// v0.29 deprovisioning/expiration.go: ttlSecondsUntilExpired is the first deprovisioner of the
// 10 s loop, one command per pass: every empty expired candidate at once; else the first expired
// candidate (by expiration time), replaced by the NodeClaims its pods need - even if the
// simulation cannot place all of them - before it is deleted.
class Expiration final : public Method {
 public:
  std::string_view name() const override { return "expiration"; }
  std::string_view reason() const override { return "expired"; }
  DisruptionClass disruption_class() const override { return DisruptionClass::graceful; }

  // Machine condition Expired: creation + ttlSecondsUntilExpired has passed.
  bool should_disrupt(const Candidate& c, const View& view) const override {
    const auto& ttl = c.pool->spec.ttl_seconds_until_expired;
    return ttl && view.now >= view.cluster.node(c.id).created_at + Duration::seconds(*ttl);
  }
  // By expiration time; ties by name.
  void sort(std::vector<Candidate>& c, const View& view) const override {
    auto at = [&](const Candidate& x) {
      return view.cluster.node(x.id).created_at + Duration::seconds(x.pool->spec.ttl_seconds_until_expired.value_or(0));
    };
    std::stable_sort(c.begin(), c.end(), [&](const Candidate& a, const Candidate& b) {
      if (at(a) != at(b)) return at(a) < at(b);
      return node_name(view, a) < node_name(view, b);
    });
  }

  MethodResult compute_command(MethodInput& in) override {
    MethodResult out;
    Command cmd;
    cmd.method = this;
    cmd.reason = "expired";
    for (const auto& c : in.candidates)
      if (c.pods->empty()) cmd.candidates.push_back(c.id);
    if (cmd.candidates.empty()) {
      const Candidate& first = in.candidates.front();
      cmd.candidates = {first.id};
      in.pass.charge({first});
      cmd.replacements = in.sim.simulate(in.view, {first}).claims;
    }
    out.command = std::move(cmd);
    return out;
  }
};

}  // namespace

std::optional<Money> worst_launch_price(const catalog::InstanceType& it, const Requirements& reqs) {
  for (std::string_view ct : {std::string_view("reserved"), label::k_spot, label::k_on_demand}) {
    std::optional<Money> worst;
    for (const auto& o : it.offerings)
      if (o.capacity_type == ct && o.available && scheduling::offering_compatible(o, reqs) && (!worst || o.price > *worst))
        worst = o.price;
    if (worst) return worst;
  }
  return std::nullopt;
}

void Pass::charge(const std::vector<Candidate>& cands) {
  std::size_t pods = pending;
  for (const auto& c : cands) pods += c.pods->size();
  work.simulation(nodes, pods);
}

std::vector<std::unique_ptr<Method>> make_methods(const Shared& shared) {
  std::vector<std::unique_ptr<Method>> m;
  if (shared.v1alpha5()) m.push_back(std::make_unique<Expiration>());
  m.push_back(std::make_unique<Emptiness>(shared));
  if (!shared.v1alpha5()) m.push_back(std::make_unique<Drift>(shared));
  m.push_back(std::make_unique<MultiNodeConsolidation>(shared));
  m.push_back(std::make_unique<SingleNodeConsolidation>(shared));
  return m;
}

}  // namespace capsim::policy::karpenter
