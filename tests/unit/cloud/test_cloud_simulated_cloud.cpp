// SimulatedCloud: CreateFleet's override order (aws:pkg/providers/instance/instance.go Create:
// lowest-price for on-demand, price-capacity-optimized for spot; reference karpenter.md 4.2 step 7),
// injected insufficient capacity (4.3: the pools that returned InsufficientInstanceCapacity are
// reported so that Karpenter can mark them unavailable), and spot interruption targets and times.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/cloud/failures.hpp"
#include "capsim/cloud/simulated_cloud.hpp"
#include "capsim/cluster/cluster_state.hpp"

using namespace capsim;
using cloud::AllocationStrategy;
using cloud::FailureModel;
using cloud::FleetOverride;
using cloud::FleetRequest;
using cloud::InsufficientCapacityRule;
using cloud::SimulatedCloud;

namespace {

// Three types in us-east-1 with Spot Advisor bands 0 (<5%), 4 (>20%) and 1 (5-10%).
std::shared_ptr<const catalog::Catalog> test_catalog() {
  static const std::shared_ptr<const catalog::Catalog> cat = [] {
    catalog::Catalog::Builder b;
    for (const char* name : {"m5.large", "m5.xlarge", "c6i.large"}) {
      catalog::InstanceTypeInfo info;
      info.name = name;
      info.family = std::string(name).substr(0, std::string(name).find('.'));
      info.vcpu = 2;
      info.memory_mib = 8192;
      info.arch = "amd64";
      b.add_type(info);
      b.set_on_demand_price("us-east-1", name, Money::from_usd(0.1));
    }
    b.set_zones("us-east-1", {"us-east-1a", "us-east-1b", "us-east-1c"});
    b.set_spot_advice("us-east-1", "m5.large", catalog::SpotAdvice{60, "<5%", 0});
    b.set_spot_advice("us-east-1", "m5.xlarge", catalog::SpotAdvice{60, ">20%", 4});
    b.set_spot_advice("us-east-1", "c6i.large", catalog::SpotAdvice{60, "5-10%", 1});
    return b.build();
  }();
  return cat;
}

const catalog::InstanceType& type(const std::string& name) {
  static const std::vector<catalog::InstanceType> types = [] {
    std::vector<catalog::InstanceType> out;
    for (const char* n : {"m5.large", "m5.xlarge", "c6i.large"}) {
      catalog::InstanceType t;
      t.name = n;
      out.push_back(t);
    }
    return out;
  }();
  for (const auto& t : types)
    if (t.name == name) return t;
  FAIL("no test type " << name);
  return types.front();
}

FleetOverride ovr(const std::string& t, const std::string& zone, double usd) {
  return FleetOverride{&type(t), zone, Money::from_usd(usd)};
}

FleetRequest on_demand(std::vector<FleetOverride> overrides) {
  return FleetRequest{"on-demand", AllocationStrategy::lowest_price, std::move(overrides)};
}

std::vector<std::string> pools(const std::vector<FleetOverride>& os) {
  std::vector<std::string> out;
  for (const auto& o : os) out.push_back(o.instance_type->name + "/" + o.zone);
  return out;
}

SimTime at_min(int m) { return SimTime{0} + Duration::minutes(m); }

InsufficientCapacityRule ice(std::string capacity_type, std::vector<std::string> types, std::vector<std::string> zones) {
  InsufficientCapacityRule r;
  r.capacity_type = std::move(capacity_type);
  r.instance_types = std::move(types);
  r.zones = std::move(zones);
  return r;
}

SimulatedCloud cloud_with(std::vector<InsufficientCapacityRule> rules, std::uint64_t seed = 1) {
  FailureModel f;
  f.insufficient_capacity = std::move(rules);
  return SimulatedCloud(test_catalog(), "us-east-1", f, seed);
}

}  // namespace

TEST_CASE("cloud: lowest-price tries overrides by price, then type name, then zone", "[cloud]") {
  SimulatedCloud c(test_catalog(), "us-east-1");
  auto req = on_demand({ovr("m5.xlarge", "us-east-1a", 0.192), ovr("m5.large", "us-east-1b", 0.096),
                        ovr("c6i.large", "us-east-1a", 0.096), ovr("m5.large", "us-east-1a", 0.096)});
  CHECK(pools(c.try_order(req)) ==
        std::vector<std::string>{"c6i.large/us-east-1a", "m5.large/us-east-1a", "m5.large/us-east-1b",
                                 "m5.xlarge/us-east-1a"});
  auto r = c.create_fleet(req, SimTime{0});
  REQUIRE(r.chosen);
  CHECK(r.chosen->instance_type->name == "c6i.large");
  CHECK(r.chosen->zone == "us-east-1a");
  CHECK(r.insufficient.empty());
  CHECK(r.error.empty());
}

TEST_CASE("cloud: price-capacity-optimized weighs price by the interruption band", "[cloud]") {
  SimulatedCloud c(test_catalog(), "us-east-1");
  // m5.xlarge is the cheapest but in the >20% band (index 4); c6i.large is in 5-10% (index 1).
  FleetRequest req{"spot", AllocationStrategy::price_capacity_optimized,
                   {ovr("m5.xlarge", "us-east-1a", 0.034), ovr("c6i.large", "us-east-1a", 0.038),
                    ovr("m5.large", "us-east-1b", 0.041)}};
  // Scores: m5.xlarge 0.034 x 1.2 = 0.0408; c6i.large 0.038 x 1.05 = 0.0399; m5.large 0.041 x 1.0.
  CHECK(pools(c.try_order(req)) ==
        std::vector<std::string>{"c6i.large/us-east-1a", "m5.xlarge/us-east-1a", "m5.large/us-east-1b"});
  auto r = c.create_fleet(req, SimTime{0});
  REQUIRE(r.chosen);
  CHECK(r.chosen->instance_type->name == "c6i.large");
}

TEST_CASE("cloud: an ICE'd pool is reported and the next override is launched in the same call", "[cloud]") {
  auto c = cloud_with({ice("on-demand", {"m5.large"}, {"us-east-1a"})});
  auto req = on_demand({ovr("m5.large", "us-east-1a", 0.096), ovr("m5.large", "us-east-1b", 0.096),
                        ovr("m5.xlarge", "us-east-1a", 0.192)});
  auto r = c.create_fleet(req, SimTime{0});
  REQUIRE(r.chosen);
  CHECK(r.chosen->instance_type->name == "m5.large");
  CHECK(r.chosen->zone == "us-east-1b");
  CHECK(pools(r.insufficient) == std::vector<std::string>{"m5.large/us-east-1a"});
  CHECK(r.error.empty());
  // The rule names on-demand: the same pool with spot capacity is fine.
  FleetRequest spot{"spot", AllocationStrategy::lowest_price, {ovr("m5.large", "us-east-1a", 0.04)}};
  auto s = c.create_fleet(spot, SimTime{0});
  REQUIRE(s.chosen);
  CHECK(s.insufficient.empty());
}

TEST_CASE("cloud: every override ICE'd fails with InsufficientInstanceCapacity", "[cloud]") {
  // Omitted filters mean any: a rule without instance types or zones hits every spot pool.
  auto c = cloud_with({ice("spot", {}, {})});
  FleetRequest req{"spot", AllocationStrategy::price_capacity_optimized,
                   {ovr("m5.large", "us-east-1a", 0.04), ovr("m5.large", "us-east-1b", 0.041)}};
  auto r = c.create_fleet(req, SimTime{0});
  CHECK_FALSE(r.chosen);
  CHECK(r.error == "InsufficientInstanceCapacity: all requested instance types were unavailable");
  CHECK(pools(r.insufficient) == std::vector<std::string>{"m5.large/us-east-1a", "m5.large/us-east-1b"});
  // No overrides at all: the same error, nothing reported.
  auto e = c.create_fleet(FleetRequest{"spot", AllocationStrategy::lowest_price, {}}, SimTime{0});
  CHECK_FALSE(e.chosen);
  CHECK(e.insufficient.empty());
  CHECK(e.error == "InsufficientInstanceCapacity: all requested instance types were unavailable");
}

TEST_CASE("cloud: an ICE window applies from `from` (inclusive) until `until` (exclusive)", "[cloud]") {
  auto rule = ice("", {"m5.large"}, {"us-east-1a"});
  rule.from = at_min(10);
  rule.until = at_min(40);
  auto c = cloud_with({rule});
  auto req = on_demand({ovr("m5.large", "us-east-1a", 0.096)});
  CHECK(c.create_fleet(req, at_min(10) - Duration::millis(1)).chosen);
  CHECK_FALSE(c.create_fleet(req, at_min(10)).chosen);
  CHECK_FALSE(c.create_fleet(req, at_min(39)).chosen);
  CHECK(c.create_fleet(req, at_min(40)).chosen);
}

TEST_CASE("cloud: probabilistic ICE is deterministic per seed", "[cloud]") {
  auto rule = ice("on-demand", {"m5.large"}, {});
  rule.probability = 0.3;
  auto req = on_demand({ovr("m5.large", "us-east-1a", 0.096), ovr("m5.large", "us-east-1b", 0.096)});
  // The outcome of each call: which pools failed, as a string.
  auto outcomes = [&](std::uint64_t seed) {
    auto c = cloud_with({rule}, seed);
    std::vector<std::string> out;
    for (int i = 0; i < 200; ++i) {
      auto r = c.create_fleet(req, SimTime{i});
      std::string s;
      for (const auto& p : pools(r.insufficient)) s += p + " ";
      out.push_back(s + (r.chosen ? r.chosen->zone : std::string("none")));
    }
    return out;
  };
  const auto a = outcomes(7);
  CHECK(a == outcomes(7));
  CHECK(a != outcomes(8));
  // Roughly 30 % of first attempts fail, and a failed zone a is followed by a draw for zone b.
  int first_failed = 0, both_failed = 0;
  for (const auto& s : a) {
    if (s.rfind("m5.large/us-east-1a", 0) == 0) ++first_failed;
    if (s.size() >= 4 && s.substr(s.size() - 4) == "none") ++both_failed;
  }
  CHECK(first_failed > 40);
  CHECK(first_failed < 80);
  CHECK(both_failed > 5);
  CHECK(both_failed < first_failed);
  // Probability 0 never fails; probability 1 always does.
  rule.probability = 0.0;
  auto never = cloud_with({rule});
  for (int i = 0; i < 20; ++i) CHECK(never.create_fleet(req, SimTime{i}).insufficient.empty());
  rule.probability = 1.0;
  auto always = cloud_with({rule});
  for (int i = 0; i < 20; ++i) CHECK_FALSE(always.create_fleet(req, SimTime{i}).chosen);
}

TEST_CASE("cloud: a probabilistic rule outside its window does not draw", "[cloud]") {
  auto rule = ice("on-demand", {"m5.large"}, {});
  rule.probability = 0.5;
  rule.from = at_min(10);
  auto with_window = cloud_with({rule}, 3);
  rule.from = SimTime{0};
  auto without = cloud_with({rule}, 3);
  auto req = on_demand({ovr("m5.large", "us-east-1a", 0.096)});
  // Before the window: always available, and the stream is not advanced, so the draws inside the
  // window are the ones a window-less cloud makes from its first call.
  for (int i = 0; i < 5; ++i) CHECK(with_window.create_fleet(req, SimTime{i}).chosen);
  for (int i = 0; i < 50; ++i)
    CHECK(static_cast<bool>(with_window.create_fleet(req, at_min(10)).chosen) ==
          static_cast<bool>(without.create_fleet(req, at_min(10)).chosen));
}

TEST_CASE("cloud: interruption bands map to monthly frequencies at their midpoints", "[cloud]") {
  CHECK(cloud::interruption_band_monthly_frequency(0) == Approx(0.025));
  CHECK(cloud::interruption_band_monthly_frequency(1) == Approx(0.075));
  CHECK(cloud::interruption_band_monthly_frequency(2) == Approx(0.125));
  CHECK(cloud::interruption_band_monthly_frequency(3) == Approx(0.175));
  CHECK(cloud::interruption_band_monthly_frequency(4) == Approx(0.25));
}

TEST_CASE("cloud: sampled time to interruption is exponential with mean 30 days / f", "[cloud]") {
  FailureModel f;
  f.sampled_spot_interruptions = true;
  SimulatedCloud c(test_catalog(), "us-east-1", f, 11);
  // Same node name, same draw; another seed, another draw.
  auto a = c.sample_time_to_interruption("ip-10-0-0-4", "m5.xlarge");
  REQUIRE(a);
  CHECK(a == c.sample_time_to_interruption("ip-10-0-0-4", "m5.xlarge"));
  SimulatedCloud other(test_catalog(), "us-east-1", f, 12);
  CHECK(a != other.sample_time_to_interruption("ip-10-0-0-4", "m5.xlarge"));
  // The sample mean over many nodes is near 30 days / 25 % = 120 days (m5.xlarge, >20%).
  double sum_days = 0;
  const int n = 4000;
  for (int i = 0; i < n; ++i)
    sum_days += static_cast<double>(c.sample_time_to_interruption("node-" + std::to_string(i), "m5.xlarge")->ms) /
                86'400'000.0;
  CHECK(sum_days / n == Approx(120.0).epsilon(0.06));
  // Off, or no Spot Advisor data: never sampled.
  SimulatedCloud off(test_catalog(), "us-east-1");
  CHECK_FALSE(off.sample_time_to_interruption("ip-10-0-0-4", "m5.xlarge"));
  CHECK_FALSE(c.sample_time_to_interruption("ip-10-0-0-4", "r6i.large"));
}

TEST_CASE("cloud: a scheduled interruption hits the oldest running matching spot nodes", "[cloud]") {
  cluster::ClusterState state;
  auto add = [&](const std::string& name, const std::string& t, const std::string& zone, const std::string& ct,
                 cluster::NodeState st, int launched_min) {
    cluster::Node n;
    n.name = name;
    n.instance_type = t;
    n.zone = zone;
    n.capacity_type = ct;
    n.state = st;
    n.launched_at = at_min(launched_min);
    return state.add_node(std::move(n));
  };
  auto b = add("b", "m5.large", "us-east-1a", "spot", cluster::NodeState::ready, 5);
  auto a = add("a", "m5.large", "us-east-1a", "spot", cluster::NodeState::ready, 5);  // same age: name first
  auto old = add("z-old", "m5.large", "us-east-1a", "spot", cluster::NodeState::registered, 1);
  add("od", "m5.large", "us-east-1a", "on-demand", cluster::NodeState::ready, 0);       // not spot
  add("other-zone", "m5.large", "us-east-1b", "spot", cluster::NodeState::ready, 0);    // other zone
  add("other-type", "c6i.large", "us-east-1a", "spot", cluster::NodeState::ready, 0);   // other type
  add("going", "m5.large", "us-east-1a", "spot", cluster::NodeState::deleting, 0);      // being deleted
  add("booting", "m5.large", "us-east-1a", "spot", cluster::NodeState::launching, 0);   // no instance yet
  SimulatedCloud c(test_catalog(), "us-east-1");
  cloud::ScheduledSpotInterruption e{at_min(30), "m5.large", "us-east-1a", 2};
  CHECK(c.spot_interruption_targets(e, state, {}) == std::vector<cluster::NodeId>{old, a});
  CHECK(c.spot_interruption_targets(e, state, {old}) == std::vector<cluster::NodeId>{a, b});
  e.count = 10;
  CHECK(c.spot_interruption_targets(e, state, {}) == std::vector<cluster::NodeId>{old, a, b});
  // No filters: every running spot node.
  cloud::ScheduledSpotInterruption any{at_min(30), "", "", 10};
  CHECK(c.spot_interruption_targets(any, state, {}).size() == 5);
}
