// Conformance: Cluster Autoscaler expanders (reference cluster-autoscaler.md 3, test catalogue 7.2),
// mirroring cluster-autoscaler expander/waste/waste_test.go, leastnodes/leastnodes_test.go,
// mostpods/mostpods_test.go, priority/priority_test.go and factory/chain_test.go.
#include <catch2/catch.hpp>

#include <set>

#include "capsim/policy/cluster_autoscaler/expander.hpp"
#include "support/ca_builders.hpp"

using namespace capsim;
using namespace capsim::policy::cluster_autoscaler;
using capsim::test::ca::k_mib;
using capsim::test::ca::resources;

namespace {

std::vector<std::size_t> all(const std::vector<ExpansionOption>& o) {
  std::vector<std::size_t> v;
  for (std::size_t i = 0; i < o.size(); ++i) v.push_back(i);
  return v;
}

std::vector<std::string> names(const std::vector<ExpansionOption>& o, const std::vector<std::size_t>& idx) {
  std::vector<std::string> out;
  for (auto i : idx) out.push_back(o[i].node_group);
  return out;
}

ExpansionOption option(const std::string& group, int nodes, int pods = 1) {
  ExpansionOption o;
  o.node_group = group;
  o.node_count = nodes;
  o.pod_count = pods;
  return o;
}

// waste_test.go: one 500m / 1000 MiB pod, one node of the given capacity.
ExpansionOption waste_option(const std::string& group, std::int64_t cpu, std::int64_t mem_mib) {
  ExpansionOption o = option(group, 1);
  o.pod_requests = resources(500, 1000 * k_mib);
  o.node_capacity = resources(cpu, mem_mib * k_mib);
  return o;
}

}  // namespace

// T10 waste_test.go TestLeastWaste*: score = cpu waste fraction + memory waste fraction.
TEST_CASE("ca expander T10: least-waste adds the cpu and memory waste fractions", "[conformance][ca]") {
  const auto balanced = waste_option("balanced", 8000, 16000);
  const auto highmem = waste_option("highmem", 8000, 32000);
  const auto lowcpu = waste_option("lowcpu", 4000, 16000);
  CHECK(waste_score(balanced) == Approx(1.875));
  CHECK(waste_score(highmem) == Approx(1.90625));
  CHECK(waste_score(lowcpu) == Approx(1.8125));
  auto f = make_least_waste();
  std::vector<ExpansionOption> three = {balanced, highmem, lowcpu};
  CHECK(names(three, f->best(three, all(three))) == std::vector<std::string>{"lowcpu"});
  std::vector<ExpansionOption> two = {balanced, highmem};
  CHECK(names(two, f->best(two, all(two))) == std::vector<std::string>{"balanced"});
  // A single option (even without pods) is returned as it is.
  std::vector<ExpansionOption> one = {option("empty", 1, 0)};
  one[0].node_capacity = resources(1000, k_mib);
  CHECK(f->best(one, all(one)).size() == 1);
}

// T12 leastnodes_test.go / mostpods_test.go.
TEST_CASE("ca expander T12: least-nodes keeps the fewest nodes, most-pods the most pods", "[conformance][ca]") {
  auto ln = make_least_nodes();
  std::vector<ExpansionOption> o;
  int k = 0;
  for (int n : {23, 0, 5, 8, 5, 5, 22}) o.push_back(option("ng" + std::to_string(k++), n));
  CHECK(names(o, ln->best(o, all(o))) == std::vector<std::string>{"ng2", "ng4", "ng5"});  // 0 ignored
  std::vector<ExpansionOption> o2 = {option("a", 6), option("b", 2), option("c", 2)};
  CHECK(names(o2, ln->best(o2, all(o2))) == std::vector<std::string>{"b", "c"});
  std::vector<ExpansionOption> o3 = {option("a", 3), option("b", 3)};
  CHECK(ln->best(o3, all(o3)).size() == 2);

  auto mp = make_most_pods();
  std::vector<ExpansionOption> p1 = {option("zero", 1, 0), option("one", 1, 1)};
  CHECK(names(p1, mp->best(p1, all(p1))) == std::vector<std::string>{"one"});
  std::vector<ExpansionOption> p2 = {option("a", 1, 1), option("b", 2, 1)};
  CHECK(mp->best(p2, all(p2)).size() == 2);  // then random decides
}

// T13 priority_test.go: regexes match (substring search) the node group names; the highest
// priority with a match wins; no match at all (or no config) leaves every option.
TEST_CASE("ca expander T13: priority keeps the highest-priority matching groups", "[conformance][ca]") {
  const std::map<int, std::vector<std::string>> config = {
      {5, {R"(.*t2\.micro.*)"}}, {10, {R"(.*t2\.large.*)", R"(.*t3\.large.*)"}}, {50, {R"(.*m4\.4xlarge.*)"}}};
  auto f = make_priority(config);
  const auto opt = [](const std::string& t) { return option("my-asg." + t, 1); };
  std::vector<ExpansionOption> a = {opt("t2.large")};
  CHECK(names(a, f->best(a, all(a))) == std::vector<std::string>{"my-asg.t2.large"});
  std::vector<ExpansionOption> b = {opt("t2.large"), opt("m4.4xlarge")};
  CHECK(names(b, f->best(b, all(b))) == std::vector<std::string>{"my-asg.m4.4xlarge"});
  std::vector<ExpansionOption> c = {opt("t2.large"), opt("t3.large"), opt("t2.micro")};
  CHECK(names(c, f->best(c, all(c))) == std::vector<std::string>{"my-asg.t2.large", "my-asg.t3.large"});
  auto wildcard = make_priority({{5, {".*"}}, {10, {R"(.t2\.large.*)"}}});
  std::vector<ExpansionOption> d = {opt("t2.large"), opt("t2.micro")};
  CHECK(names(d, wildcard->best(d, all(d))) == std::vector<std::string>{"my-asg.t2.large"});
  auto empty = make_priority({});
  CHECK(empty->best(c, all(c)).size() == 3);
  // Options matching no rule are dropped; if none matches, all pass.
  auto only_m4 = make_priority({{50, {R"(m4\.4xlarge)"}}});
  CHECK(only_m4->best(c, all(c)).size() == 3);
}

// T14 chain_test.go: filters in order, a single survivor short-circuits, else the random
// fallback picks among the survivors.
TEST_CASE("ca expander T14: chained expanders filter in order and random breaks the tie", "[conformance][ca]") {
  // most-pods leaves one option: least-waste (which would prefer "lean") is not asked.
  std::vector<ExpansionOption> o = {waste_option("lean", 4000, 16000), waste_option("wasteful", 64000, 256000)};
  o[1].pod_count = 2;
  ExpanderChain chain({"most-pods", "least-waste"}, {}, 1);
  CHECK(o[*chain.choose(o)].node_group == "wasteful");
  CHECK(chain.decided_by() == "most-pods");
  // Both filters leave a tie: the random fallback picks one of the survivors, never the other.
  std::vector<ExpansionOption> t = {waste_option("a", 4000, 16000), waste_option("b", 4000, 16000),
                                    waste_option("c", 8000, 16000)};
  std::set<std::string> picked;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    ExpanderChain c2({"least-waste"}, {}, seed);
    picked.insert(t[*c2.choose(t)].node_group);
    CHECK(c2.decided_by() == "random");
  }
  CHECK(picked == std::set<std::string>{"a", "b"});
  // random alone: uniform over every option.
  std::set<std::string> any;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    ExpanderChain r({"random"}, {}, seed);
    any.insert(t[*r.choose(t)].node_group);
  }
  CHECK(any.size() == 3);
  // The same seed, the same choice.
  ExpanderChain x({"random"}, {}, 7), y({"random"}, {}, 7);
  CHECK(*x.choose(t) == *y.choose(t));
}

// price.go (hypothetical on AWS): node cost + stabilisation over pod cost + stabilisation, times
// the suppressed unfitness against the preferred node for the cluster size.
TEST_CASE("ca expander: price score follows price.go with catalog prices", "[conformance][ca]") {
  PriceContext ctx;
  ctx.cluster_nodes = 2;  // preferred node: 1 CPU
  ctx.cpu_usd_per_hour = 0.03;
  ctx.memory_usd_per_gib_hour = 0.004;
  ExpansionOption o = option("m5.large", 1, 1);
  o.node_capacity = resources(2000, 8192 * k_mib);
  o.pod_requests = resources(1000, 1024 * k_mib);
  o.node_price = Money::from_usd(0.096);
  const double stab = 0.5 * 0.03 + (500.0 / 1024) * 0.004;
  const double ratio = (0.096 + stab) / (0.03 + 0.004 + stab);
  // unfitness 2 (2 CPU vs 1 preferred), N = 1: suppressed = (2 - 1) x (1 - tanh(0)) + 1 = 2.
  CHECK(*price_score(o, ctx) == Approx(2.0 * ratio));
  o.node_price.reset();
  CHECK(!price_score(o, ctx));
}
