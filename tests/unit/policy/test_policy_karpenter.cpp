// Karpenter's disruption pieces without the engine: each method's eligibility (ShouldDisrupt) and
// order, ComputeCommands of multi-node and single-node consolidation against a scripted simulator
// (binary search, the 1-minute deadline with the best prefix, the 3-minute timeout with the unseen
// NodePools first, consolidation state, the Unconsolidatable event dedupe), the AWS launch choice,
// and the controller's emptiness -> 15 s validation -> delete on a View.
#include <catch2/catch.hpp>

#include "capsim/policy/karpenter/aws.hpp"
#include "capsim/policy/karpenter/disruption.hpp"
#include "capsim/policy/karpenter/karpenter.hpp"

using namespace capsim;
using namespace capsim::policy;
using namespace capsim::policy::karpenter;

namespace {

SimTime sec(int s) { return SimTime{0} + Duration::seconds(s); }

spec::NodePool node_pool(const std::string& name, std::optional<Duration> consolidate_after = Duration::seconds(30)) {
  spec::NodePool p;
  p.name = name;
  p.node_class_ref = "default";
  p.consolidate_after = consolidate_after;
  return p;
}

// A cluster of Karpenter nodes and the methods of v1.14 over it.
struct Fixture {
  Shared shared;
  cluster::ClusterState state;
  std::vector<DaemonSetView> ds;
  std::vector<std::unique_ptr<Method>> methods;
  std::shared_ptr<cluster::PodSchedulingSpec> pod_spec = std::make_shared<cluster::PodSchedulingSpec>();

  explicit Fixture(std::vector<std::string> pools = {"a"}) : shared(Config{}) {
    for (const auto& name : pools) {
      NodePoolModel m;
      m.spec = node_pool(name);
      shared.pools.push_back(std::move(m));
    }
    methods = make_methods(shared);
  }
  Method& method(std::string_view name) {
    for (auto& m : methods)
      if (m->name() == name) return *m;
    FAIL("no method " << name);
    return *methods.front();
  }
  View view(SimTime now) const { return View{now, state, ds}; }
  // A Ready node of `pool` last changed at `since`, with `pods` pods.
  Candidate node(const std::string& name, const std::string& pool, SimTime since, int pods, double price = 0.1) {
    cluster::Node n;
    n.name = name;
    n.node_pool = pool;
    n.state = cluster::NodeState::ready;
    n.instance_type = "m5.large";
    n.initialized_at = since;
    n.last_pod_event_at = since;
    n.price_per_hour = Money::from_usd(price);
    const auto id = state.add_node(std::move(n));
    auto ids = std::make_shared<std::vector<cluster::PodId>>();
    for (int i = 0; i < pods; ++i) {
      cluster::Pod p;
      p.name = name + "-pod-" + std::to_string(i);
      p.spec = pod_spec;
      ids->push_back(state.add_pod(std::move(p)));
    }
    Candidate c;
    c.id = id;
    c.pool = shared.pool(pool);
    c.price = Money::from_usd(price);
    c.pods = std::move(ids);
    c.reschedule_cost = 1.0 + pods;
    return c;
  }
};

// Answers every consolidation with a DELETE of the candidates while there are at most `fits` of
// them, else a no-op with a reason; records each call.
struct ScriptedSimulator final : Simulator {
  std::size_t fits{0};
  std::vector<std::size_t> sizes;  // candidates per call
  std::vector<bool> explained;
  SimOutcome simulate(const View&, const std::vector<Candidate>&) override { return SimOutcome{}; }
  std::optional<Command> consolidate(const View&, const Method& m, const std::vector<Candidate>& cands, bool explain,
                                     std::string& why) override {
    sizes.push_back(cands.size());
    explained.push_back(explain);
    if (cands.size() > fits) {
      why = "not all pods would schedule";
      return std::nullopt;
    }
    Command cmd;
    cmd.method = &m;
    cmd.reason = "Underutilized";
    for (const auto& c : cands) cmd.candidates.push_back(c.id);
    return cmd;
  }
};

struct Run {
  Pass pass;
  UnconsolidatableEvents events;
  spec::ControllerTime model;
  explicit Run(std::int64_t simulation_ns = 0) {
    model.preset = simulation_ns ? "custom" : "instant";
    model.simulation_ns = simulation_ns;
    pass.model = &model;
    pass.timeouts = simulation_ns > 0;
  }
};

}  // namespace

TEST_CASE("karpenter methods: v1.14 order and ShouldDisrupt of each (emptiness.go, drift.go, consolidation.go)") {
  Fixture f;
  std::vector<std::string> names;
  for (const auto& m : f.methods) names.emplace_back(m->name());
  CHECK(names == std::vector<std::string>{"emptiness", "drift", "multi-node consolidation", "single-node consolidation"});
  const Candidate empty = f.node("empty", "a", sec(0), 0);
  const Candidate busy = f.node("busy", "a", sec(0), 2);
  // consolidateAfter 30s counts from the last pod event: not before t = 30 s.
  CHECK_FALSE(f.method("emptiness").should_disrupt(empty, f.view(sec(29))));
  CHECK(f.method("emptiness").should_disrupt(empty, f.view(sec(30))));
  CHECK_FALSE(f.method("emptiness").should_disrupt(busy, f.view(sec(30))));
  // v1.14: empty nodes are left to Emptiness; busy ones consolidate after the window.
  CHECK_FALSE(f.method("single-node consolidation").should_disrupt(empty, f.view(sec(30))));
  CHECK_FALSE(f.method("multi-node consolidation").should_disrupt(busy, f.view(sec(29))));
  CHECK(f.method("multi-node consolidation").should_disrupt(busy, f.view(sec(30))));
  // WhenEmpty turns consolidation off, not emptiness.
  f.shared.pools.front().spec.consolidation_policy = spec::ConsolidationPolicy::when_empty;
  CHECK_FALSE(f.method("single-node consolidation").should_disrupt(busy, f.view(sec(30))));
  CHECK(f.method("emptiness").should_disrupt(empty, f.view(sec(30))));
  // Drift: Drifted=True alone, whatever consolidateAfter says.
  CHECK_FALSE(f.method("drift").should_disrupt(busy, f.view(sec(0))));
  f.shared.drifted[busy.id] = {sec(0), "NodePoolDrifted"};
  CHECK(f.method("drift").should_disrupt(busy, f.view(sec(0))));
  CHECK(f.method("drift").disruption_class() == DisruptionClass::eventual);
  CHECK(f.method("drift").reason() == "Drifted");
  CHECK(f.method("single-node consolidation").reason() == "Underutilized");
}

TEST_CASE("karpenter methods: consolidation order is the savings ratio price / reschedule cost, ties by name (v1.14)") {
  Fixture f;
  std::vector<Candidate> c{f.node("n-b", "a", sec(0), 1, 0.2), f.node("n-a", "a", sec(0), 1, 0.2),
                           f.node("n-c", "a", sec(0), 3, 0.2), f.node("n-d", "a", sec(0), 1, 0.4)};
  f.method("multi-node consolidation").sort(c, f.view(sec(60)));
  // Ratios: n-d 0.4/2, n-a and n-b 0.2/2, n-c 0.2/4.
  std::vector<std::string> order;
  for (const auto& x : c) order.push_back(f.state.node(x.id).name);
  CHECK(order == std::vector<std::string>{"n-d", "n-a", "n-b", "n-c"});
}

TEST_CASE("multi-node consolidation: binary search over prefixes returns the longest that consolidates") {
  Fixture f;
  std::vector<Candidate> c;
  for (int i = 0; i < 10; ++i) c.push_back(f.node("n-" + std::to_string(i), "a", sec(0), 1));
  ScriptedSimulator sim;
  sim.fits = 3;
  Run run;
  MethodInput in{f.view(sec(60)), c, {{"a", 100}}, {1}, sim, run.pass, run.events};
  MethodResult r = f.method("multi-node consolidation").compute_command(in);
  // lo = 1, hi = 9: prefix 6 fails, prefix 3 fits, prefix 4 fails.
  CHECK(sim.sizes == std::vector<std::size_t>{6, 3, 4});
  REQUIRE(r.command);
  CHECK(r.command->candidates == std::vector<cluster::NodeId>{c[0].id, c[1].id, c[2].id});
  CHECK(r.validate);
  CHECK(run.pass.work.simulations == 3);
}

TEST_CASE("multi-node consolidation: budgets drop candidates; fewer than two left is no command, and the method is consolidated") {
  Fixture f;
  std::vector<Candidate> c{f.node("n-0", "a", sec(0), 1), f.node("n-1", "a", sec(0), 1)};
  ScriptedSimulator sim;
  sim.fits = 2;
  Run run;
  Method& multi = f.method("multi-node consolidation");
  MethodInput in{f.view(sec(60)), c, {{"a", 1}}, {1}, sim, run.pass, run.events};
  CHECK_FALSE(multi.compute_command(in).command);
  CHECK(sim.sizes.empty());
  CHECK(multi.consolidation_state()->is_consolidated(ConsolidationKey{1}));
  // The same state again: skipped without listing a simulation; a new state is looked at.
  MethodInput again{f.view(sec(70)), c, {{"a", 5}}, {1}, sim, run.pass, run.events};
  CHECK_FALSE(multi.compute_command(again).command);
  CHECK(sim.sizes.empty());
  MethodInput moved{f.view(sec(70)), c, {{"a", 5}}, {2}, sim, run.pass, run.events};
  CHECK(multi.compute_command(moved).command);
  CHECK(sim.sizes == std::vector<std::size_t>{2});
  CHECK_FALSE(multi.consolidation_state()->is_consolidated(ConsolidationKey{2}));
}

TEST_CASE("multi-node consolidation: the 1-minute deadline cuts the search and returns the best prefix so far "
          "(multinodeconsolidation.go firstNConsolidationOption)") {
  Fixture f;
  std::vector<Candidate> c;
  for (int i = 0; i < 10; ++i) c.push_back(f.node("n-" + std::to_string(i), "a", sec(0), 1));
  ScriptedSimulator sim;
  sim.fits = 8;
  Run run(40'000'000'000);  // 40 s per simulation
  MethodInput in{f.view(sec(60)), c, {{"a", 100}}, {1}, sim, run.pass, run.events};
  MethodResult r = f.method("multi-node consolidation").compute_command(in);
  // Prefix 6 fits at 40 s; the next simulation would end at 80 s, past the minute: cut at 60 s.
  CHECK(sim.sizes == std::vector<std::size_t>{6});
  REQUIRE(r.command);
  CHECK(r.command->candidates.size() == 6);
  CHECK(r.timed_out);
  CHECK(run.pass.multi_node_timeouts == 1);
  CHECK(run.pass.ns() == 60'000'000'000);
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0].message == "stopping multi-node consolidation after timeout, returning last valid command");
}

TEST_CASE("single-node consolidation: the 3-minute timeout is checked before each candidate; the NodePools it did not "
          "reach go first next pass (singlenodeconsolidation.go)") {
  Fixture f({"a", "b", "c"});
  std::vector<Candidate> c;
  for (const char* pool : {"a", "b", "c"})
    for (int i = 0; i < 3; ++i) c.push_back(f.node(std::string(pool) + "-" + std::to_string(i), pool, sec(0), 1));
  Method& single = f.method("single-node consolidation");
  auto first_names = [&](std::vector<Candidate> cands, std::size_t n) {
    single.sort(cands, f.view(sec(60)));
    std::vector<std::string> names;
    for (std::size_t i = 0; i < n; ++i) names.push_back(f.state.node(cands[i].id).name);
    return names;
  };
  // The pools interleave round-robin in the order of their first candidate.
  CHECK(first_names(c, 4) == std::vector<std::string>{"a-0", "b-0", "c-0", "a-1"});
  ScriptedSimulator sim;  // nothing consolidates
  Run run(100'000'000'000);  // 100 s per simulation: 0 s and 100 s are within 3 minutes, 200 s is not
  std::vector<Candidate> sorted = c;
  single.sort(sorted, f.view(sec(60)));
  MethodInput in{f.view(sec(60)), sorted, {{"a", 9}, {"b", 9}, {"c", 9}}, {1}, sim, run.pass, run.events};
  MethodResult r = single.compute_command(in);
  CHECK_FALSE(r.command);
  CHECK(r.timed_out);
  CHECK(sim.sizes.size() == 2);
  CHECK(run.pass.evaluated == 2);
  CHECK(run.pass.single_node_timeouts == 1);
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0].message == "abandoning single-node consolidation due to timeout after evaluating 2 candidates");
  // A timed-out single-node search does not mark itself consolidated.
  CHECK_FALSE(single.consolidation_state()->is_consolidated(ConsolidationKey{1}));
  // Pool c was not reached: its candidates lead the next pass.
  CHECK(first_names(c, 4) == std::vector<std::string>{"c-0", "a-0", "b-0", "c-1"});
}

TEST_CASE("single-node consolidation: the first candidate that consolidates wins; budgets of 0 skip a pool; reasons "
          "are computed only when the Unconsolidatable event would be published (15-minute dedupe)") {
  Fixture f({"a", "b"});
  std::vector<Candidate> c{f.node("a-0", "a", sec(0), 1), f.node("b-0", "b", sec(0), 1), f.node("b-1", "b", sec(0), 1)};
  Method& single = f.method("single-node consolidation");
  ScriptedSimulator sim;
  Run run;
  run.events.published(c[1].id, sec(0));
  MethodInput in{f.view(sec(600)), c, {{"a", 0}, {"b", 1}}, {1}, sim, run.pass, run.events};
  MethodResult r = single.compute_command(in);
  CHECK_FALSE(r.command);
  CHECK(sim.sizes == std::vector<std::size_t>{1, 1});           // a-0 skipped by its budget
  CHECK(sim.explained == std::vector<bool>{false, true});       // b-0's event was published 10 minutes ago
  REQUIRE(r.unconsolidatable.size() == 1);
  CHECK(r.unconsolidatable[0] == std::pair<cluster::NodeId, std::string>{c[2].id, "not all pods would schedule"});
  CHECK(single.consolidation_state()->is_consolidated(ConsolidationKey{1}));
  sim.fits = 1;
  MethodInput next{f.view(sec(900)), c, {{"a", 1}, {"b", 1}}, {2}, sim, run.pass, run.events};
  MethodResult ok = single.compute_command(next);
  REQUIRE(ok.command);
  CHECK(ok.command->candidates == std::vector<cluster::NodeId>{c[0].id});
  CHECK(ok.validate);
}

TEST_CASE("aws launch choice: on-demand NodeClaims launch lowest-price over the cheapest types, cheapest first") {
  auto cat = catalog::Catalog::embedded();
  catalog::NodeClassParams params;
  params.ami_family = catalog::AmiFamily::al2023;
  auto types = catalog::build_instance_types(*cat, "us-east-1", {"us-east-1a"}, params);
  scheduling::NewNodeClaim nc;
  for (const auto& it : types)
    if (it.name == "m5.xlarge" || it.name == "m5.large" || it.name == "c5.large") nc.instance_types.push_back(&it);
  REQUIRE(nc.instance_types.size() == 3);
  nc.requirements.add(Requirement(std::string(label::k_capacity_type), Operator::in, {std::string(label::k_on_demand)}));
  nc.requests.set(Resource::cpu, Quantity::from_milli(500));
  cloud::FleetRequest req = fleet_request(nc);
  CHECK(req.capacity_type == "on-demand");
  CHECK(req.strategy == cloud::AllocationStrategy::lowest_price);
  std::vector<std::string> order;
  for (const auto& o : req.overrides) order.push_back(o.instance_type->name);
  CHECK(order == std::vector<std::string>{"c5.large", "m5.large", "m5.xlarge"});
  // A request no type fits leaves nothing to launch.
  nc.requests.set(Resource::cpu, Quantity::from_milli(64'000));
  CHECK(fleet_request(nc).overrides.empty());
}

TEST_CASE("karpenter controller on a view: an empty node is validated 15 s and then deleted (emptiness.go, validation.go)") {
  Config cfg;
  cfg.catalog = catalog::Catalog::embedded();
  cfg.region = "us-east-1";
  cfg.zones = {"us-east-1a"};
  cfg.node_pools = {node_pool("default", Duration{0})};
  Karpenter k(cfg);
  cluster::ClusterState state;
  std::vector<DaemonSetView> ds;
  cluster::Node n;
  n.name = "node-a";
  n.node_pool = "default";
  n.state = cluster::NodeState::ready;
  n.instance_type = "m5.large";
  n.capacity_type = "on-demand";
  n.price_per_hour = Money::from_usd(0.096);
  const auto id = state.add_node(std::move(n));
  Actions first = k.reconcile(View{sec(0), state, ds});
  CHECK(first.deletions.empty());
  CHECK(k.next_wakeup() == sec(15));
  Actions second = k.reconcile(View{sec(15), state, ds});
  REQUIRE(second.deletions.size() == 1);
  CHECK(second.deletions[0].node == id);
  CHECK(second.deletions[0].reason == "empty");
  REQUIRE(second.notes.size() == 1);
  CHECK(second.notes[0].message ==
        "disrupting nodeclaim(s) via delete, terminating 1 nodes (0 pods) node-a/m5.large/on-demand (reason Empty, emptiness)");
  // The next pass is requeued at once after the command.
  CHECK(k.next_wakeup() == sec(15));
}
