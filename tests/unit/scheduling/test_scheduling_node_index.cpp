// The shared existing-node index (scheduling/node_index.hpp): solver order, the max-tree's
// first fit by remaining CPU / memory / pods, and a Solver over it minus excluded nodes making
// the placements of a plain scan.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "capsim/scheduling/node_index.hpp"
#include "capsim/scheduling/solver.hpp"
#include "support/pod_builder.hpp"

using namespace capsim;
using namespace capsim::test;
using capsim::scheduling::ExistingNodeInput;
using capsim::scheduling::ExistingNodeRef;
using capsim::scheduling::NodeIndex;

namespace {

ExistingNodeInput node(cluster::NodeId id, std::string name, bool initialized, const char* cpu, const char* memory,
                       const char* pods = "110") {
  ExistingNodeInput n;
  n.id = id;
  n.name = name;
  n.initialized = initialized;
  n.requirements = Requirements::from_labels({{std::string(label::k_hostname), name}});
  n.remaining.set(Resource::cpu, qty(cpu));
  n.remaining.set(Resource::memory, qty(memory));
  n.remaining.set(Resource::pods, qty(pods));
  return n;
}

std::int64_t m(const char* q) { return qty(q).milli; }

}  // namespace

TEST_CASE("node index: solver order and first fit by remaining cpu, memory and pods", "[scheduling][node-index]") {
  // Five nodes given out of order; one uninitialized (sorted last), one negative (fits nothing),
  // one without pod slots.
  std::vector<ExistingNodeInput> in = {
      node(1, "e-uninit", false, "8", "32Gi"),     node(2, "d-big", true, "4", "16Gi"),
      node(3, "a-small", true, "500m", "1Gi"),     node(4, "c-negative", true, "-100m", "64Gi"),
      node(5, "b-no-slots", true, "16", "64Gi", "0"),
  };
  std::vector<ExistingNodeRef> refs;
  for (const auto& n : in) refs.push_back(ExistingNodeRef{&n, true});
  NodeIndex idx(refs, /*presorted=*/false);
  REQUIRE(idx.size() == 5);
  std::vector<std::string> order;
  for (std::size_t i = 0; i < idx.size(); ++i) order.push_back(idx[i].name);
  CHECK(order == std::vector<std::string>{"a-small", "b-no-slots", "c-negative", "d-big", "e-uninit"});
  const auto one = m("1");
  // 250m / 512Mi: a-small first.
  CHECK(idx.fit().next_fit(0, m("250m"), m("512Mi"), one) == 0);
  // From position 1 on: b has no pod slot, c is negative: d-big.
  CHECK(idx.fit().next_fit(1, m("250m"), m("512Mi"), one) == 3);
  // 6 CPU: only the uninitialized node.
  CHECK(idx.fit().next_fit(0, m("6"), m("1Gi"), one) == 4);
  // Nothing has 10 CPU and a pod slot.
  CHECK(idx.fit().next_fit(0, m("10"), m("1Gi"), one) == idx.size());
  // Zero pod slots wanted: b-no-slots qualifies.
  CHECK(idx.fit().next_fit(0, m("10"), m("1Gi"), 0) == 1);
  CHECK(idx.position(4) == 2);
  CHECK(idx.position(99) == idx.size());
}

TEST_CASE("node index: count-only nodes and anti-affinity holders", "[scheduling][node-index]") {
  ExistingNodeInput a = node(1, "a", true, "4", "8Gi");
  ExistingNodeInput b = node(2, "b", true, "4", "8Gi");
  b.has_required_anti_affinity = true;
  NodeIndex idx({ExistingNodeRef{&a, true}, ExistingNodeRef{&b, false}}, true);
  REQUIRE(idx.size() == 1);
  REQUIRE(idx.count_only().size() == 1);
  CHECK(idx.count_only().front()->name == "b");
  CHECK(idx.anti_affinity_nodes() == std::vector<cluster::NodeId>{2});
  CHECK(idx.position(2) == idx.size());
}

TEST_CASE("solver over a shared index: excluded nodes take nothing, first fit in order", "[scheduling][node-index]") {
  // a (1 CPU) < b (2 CPU) < c (4 CPU) by name. Pods of 1.5 CPU and 800m.
  std::vector<ExistingNodeInput> in = {node(1, "a", true, "1", "4Gi"), node(2, "b", true, "2", "4Gi"),
                                       node(3, "c", true, "4", "4Gi")};
  std::vector<ExistingNodeRef> refs;
  for (const auto& n : in) refs.push_back(ExistingNodeRef{&n, true});
  auto idx = std::make_shared<const NodeIndex>(refs, true);
  auto templates = std::make_shared<const std::vector<scheduling::NodeClaimTemplate>>();
  PodSet pods;
  const cluster::PodId big = pods.add(PodSpecBuilder().cpu("1500m").memory("1Gi"), 1, "big");
  const cluster::PodId small = pods.add(PodSpecBuilder().cpu("800m").memory("1Gi"), 1, "small");
  {
    auto r = scheduling::Solver(templates, idx, {}, scheduling::SolverOptions{}).solve(pods.pods());
    // big (sorted first) skips a, lands on b; small fits a.
    CHECK(r.existing.at(2) == std::vector<cluster::PodId>{big});
    CHECK(r.existing.at(1) == std::vector<cluster::PodId>{small});
  }
  {
    // b excluded (a consolidation candidate): big goes to c, small still to a.
    auto r = scheduling::Solver(templates, idx, {2}, scheduling::SolverOptions{}).solve(pods.pods());
    CHECK(r.existing.count(2) == 0);
    CHECK(r.existing.at(3) == std::vector<cluster::PodId>{big});
    CHECK(r.existing.at(1) == std::vector<cluster::PodId>{small});
  }
  {
    // a and c excluded: big takes b (2 CPU -> 500m left), small no longer fits anywhere.
    auto r = scheduling::Solver(templates, idx, {1, 3}, scheduling::SolverOptions{}).solve(pods.pods());
    CHECK(r.existing.at(2) == std::vector<cluster::PodId>{big});
    CHECK(r.errors.count(small) == 1);
    CHECK(r.errors.at(small) == "no nodepools found");
  }
}

TEST_CASE("fit tree: set, clear and bulk rebuild agree", "[scheduling][node-index]") {
  auto rl = [](const char* cpu, const char* memory) {
    ResourceList r;
    r.set(Resource::cpu, qty(cpu));
    r.set(Resource::memory, qty(memory));
    r.set(Resource::pods, qty("10"));
    return r;
  };
  scheduling::FitTree bulk(5), incremental(5);
  const std::vector<ResourceList> rs = {rl("1", "1Gi"), rl("3", "1Gi"), rl("2", "8Gi"), rl("4", "4Gi"), rl("500m", "16Gi")};
  for (std::size_t i = 0; i < rs.size(); ++i) {
    bulk.set_leaf(i, rs[i]);
    incremental.set(i, rs[i]);
  }
  bulk.rebuild();
  for (const auto* t : {&bulk, &incremental}) {
    CHECK(t->next_fit(0, m("2"), m("2Gi"), m("1")) == 2);
    CHECK(t->next_fit(3, m("2"), m("2Gi"), m("1")) == 3);
    CHECK(t->next_fit(0, m("100m"), m("10Gi"), m("1")) == 4);
    CHECK(t->next_fit(0, m("5"), m("1Gi"), m("1")) == 5);
  }
  incremental.clear(2);
  CHECK(incremental.next_fit(0, m("2"), m("2Gi"), m("1")) == 3);
  ResourceList negative = rl("8", "8Gi");
  negative.set(Resource::memory, qty("-1"));
  incremental.set(3, negative);
  CHECK(incremental.next_fit(0, m("2"), m("2Gi"), m("1")) == 5);
}

TEST_CASE("solver over a shared index: many exclusions and pods, still first fit", "[scheduling][node-index]") {
  // 12 nodes n00..n11 with 1..12 CPU; every other node excluded (6 > the solve's own-tree
  // threshold), 40 pods of 700m: each pod takes the first non-excluded node with room, in order.
  std::vector<ExistingNodeInput> in;
  for (int i = 0; i < 12; ++i) {
    const std::string name = std::string("n") + (i < 10 ? "0" : "") + std::to_string(i);
    in.push_back(node(static_cast<cluster::NodeId>(i + 1), name, true, std::to_string(i + 1).c_str(), "64Gi"));
  }
  std::vector<ExistingNodeRef> refs;
  for (const auto& n : in) refs.push_back(ExistingNodeRef{&n, true});
  auto idx = std::make_shared<const NodeIndex>(refs, true);
  std::vector<cluster::NodeId> excluded;
  for (int i = 0; i < 12; i += 2) excluded.push_back(static_cast<cluster::NodeId>(i + 1));
  PodSet pods;
  pods.add(PodSpecBuilder().cpu("700m").memory("1Gi"), 40, "p");
  auto r = scheduling::Solver(std::make_shared<const std::vector<scheduling::NodeClaimTemplate>>(), idx, excluded,
                              scheduling::SolverOptions{})
               .solve(pods.pods());
  // Expected by a plain scan: node i (odd index) has i + 1 CPU -> floor((i + 1) / 0.7) pods.
  std::map<cluster::NodeId, std::size_t> expected;
  std::size_t left = 40;
  for (int i = 1; i < 12 && left > 0; i += 2) {
    const std::size_t fits = std::min<std::size_t>(left, static_cast<std::size_t>((i + 1) * 1000 / 700));
    expected[static_cast<cluster::NodeId>(i + 1)] = fits;
    left -= fits;
  }
  REQUIRE(left == 0);
  std::map<cluster::NodeId, std::size_t> got;
  for (const auto& [nid, pids] : r.existing) got[nid] = pids.size();
  CHECK(got == expected);
  CHECK(r.errors.empty());
}
