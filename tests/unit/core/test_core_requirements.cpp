// core/requirements: the node-selector requirement algebra, mirroring Karpenter's
// pkg/scheduling/requirement_test.go and requirements_test.go (kubernetes-sigs/karpenter). Tables
// below use the upstream inputs and expectations; each test cites the upstream Context / It name.
// capsim's own additions (messages, describe(), matches(), bounds at the int64 edges) follow.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "capsim/core/labels.hpp"
#include "capsim/core/requirements.hpp"

using capsim::Labels;
using capsim::Operator;
using capsim::Requirement;
using capsim::Requirements;

namespace {

constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();

// The fixtures of upstream requirement_test.go, on key "key".
struct Fixtures {
  // Requirements created without minValues.
  Requirement exists{"key", Operator::exists};
  Requirement does_not_exist{"key", Operator::does_not_exist};
  Requirement in_a{"key", Operator::in, {"A"}};
  Requirement in_b{"key", Operator::in, {"B"}};
  Requirement in_ab{"key", Operator::in, {"A", "B"}};
  Requirement not_in_a{"key", Operator::not_in, {"A"}};
  Requirement in_1{"key", Operator::in, {"1"}};
  Requirement in_9{"key", Operator::in, {"9"}};
  Requirement in_19{"key", Operator::in, {"1", "9"}};
  Requirement not_in_12{"key", Operator::not_in, {"1", "2"}};
  Requirement gt_1{"key", Operator::gt, {"1"}};
  Requirement gt_9{"key", Operator::gt, {"9"}};
  Requirement lt_1{"key", Operator::lt, {"1"}};
  Requirement lt_9{"key", Operator::lt, {"9"}};
  // Requirements created with minValues flexibility.
  Requirement exists_mv{"key", Operator::exists, {}, 1};
  Requirement does_not_exist_mv{"key", Operator::does_not_exist, {}, 1};
  Requirement in_a_mv{"key", Operator::in, {"A"}, 1};
  Requirement in_b_mv{"key", Operator::in, {"B"}, 1};
  Requirement in_ab_mv{"key", Operator::in, {"A", "B"}, 2};
  Requirement not_in_a_mv{"key", Operator::not_in, {"A"}, 1};
  Requirement in_1_mv{"key", Operator::in, {"1"}, 1};
  Requirement in_9_mv{"key", Operator::in, {"9"}, 1};
  Requirement in_19_mv{"key", Operator::in, {"1", "9"}, 2};
  Requirement not_in_12_mv{"key", Operator::not_in, {"1", "2"}, 2};
  Requirement gt_1_mv{"key", Operator::gt, {"1"}, 1};
  Requirement gt_9_mv{"key", Operator::gt, {"9"}, 1};
  Requirement lt_1_mv{"key", Operator::lt, {"1"}, 1};
  Requirement lt_9_mv{"key", Operator::lt, {"9"}, 1};
};

// Upstream's literal &Requirement{complement, values, gte/lte copied from a fixture, MinValues}:
// a value set (complemented or not) narrowed by the bounds of `bounds_from`.
Requirement lit(bool complement, std::vector<std::string> values, std::optional<int> min_values,
                std::vector<Requirement> bounds_from) {
  Requirement r("key", complement ? Operator::not_in : Operator::in, std::move(values), min_values);
  for (Requirement b : bounds_from) {
    b.set_min_values(std::nullopt);
    r = r.intersection(b);
  }
  return r;
}

struct IntersectionCase {
  Requirement a;
  Requirement b;
  Requirement expected;
};

void check_intersections(const std::vector<IntersectionCase>& cases) {
  for (const auto& c : cases) {
    INFO(c.a.describe() << "  ∩  " << c.b.describe() << "  expected " << c.expected.describe());
    const Requirement got = c.a.intersection(c.b);
    INFO("got " << got.describe());
    CHECK(got == c.expected);
    // HasIntersection is the allocation-free form of "Intersection is not DoesNotExist".
    CHECK(c.a.has_intersection(c.b) == (got.op() != Operator::does_not_exist));
  }
}

// A key that upstream's AllowUndefinedWellKnownLabels would allow undefined.
bool zone_is_well_known(std::string_view key) { return key == capsim::label::k_zone; }

}  // namespace

TEST_CASE("requirement operator names round-trip", "[core]") {
  for (Operator op : {Operator::in, Operator::not_in, Operator::exists, Operator::does_not_exist, Operator::gt,
                      Operator::lt, Operator::gte, Operator::lte}) {
    auto back = capsim::parse_operator(capsim::operator_name(op));
    REQUIRE(back);
    CHECK(*back == op);
  }
  CHECK(capsim::operator_name(Operator::does_not_exist) == "DoesNotExist");
  CHECK(capsim::operator_name(Operator::gte) == "Gte");
  CHECK_FALSE(capsim::parse_operator("in"));
  CHECK_FALSE(capsim::parse_operator("Equals"));
  CHECK_FALSE(capsim::parse_operator(""));
}

// Upstream: Requirement / NewRequirements / "should normalize labels".
TEST_CASE("requirement keys are normalised to their GA labels", "[core]") {
  const Labels node_selector = {{"failure-domain.beta.kubernetes.io/zone", "test"},
                                {"failure-domain.beta.kubernetes.io/region", "test"},
                                {"beta.kubernetes.io/arch", "test"},
                                {"beta.kubernetes.io/os", "test"},
                                {"beta.kubernetes.io/instance-type", "test"}};
  std::vector<Requirement> reqs;
  for (const auto& [k, v] : node_selector) reqs.emplace_back(k, Operator::in, std::vector<std::string>{v});
  for (const Requirements& rs : {Requirements::from_labels(node_selector), Requirements(reqs)}) {
    std::vector<std::string> keys;
    for (const auto& r : rs.items()) keys.push_back(r.key());
    CHECK(keys == std::vector<std::string>{"kubernetes.io/arch", "kubernetes.io/os", "node.kubernetes.io/instance-type",
                                           "topology.kubernetes.io/region", "topology.kubernetes.io/zone"});
  }
  CHECK(capsim::label::normalize_key("failure-domain.beta.kubernetes.io/zone") == "topology.kubernetes.io/zone");
  CHECK(capsim::label::normalize_key("topology.kubernetes.io/zone") == "topology.kubernetes.io/zone");
  CHECK(capsim::label::normalize_key("example.com/team") == "example.com/team");
}

TEST_CASE("requirement construction", "[core]") {
  SECTION("values are sorted and unique") {
    const Requirement r("key", Operator::in, {"b", "a", "b", "c"});
    CHECK(r.values() == std::vector<std::string>{"a", "b", "c"});
    CHECK(r.len() == 3);
    CHECK_FALSE(r.complement());
  }
  SECTION("NotIn and Exists are complements") {
    CHECK(Requirement("key", Operator::not_in, {"x"}).complement());
    CHECK(Requirement("key", Operator::exists).complement());
    CHECK(Requirement("key", Operator::exists).values().empty());
    CHECK_FALSE(Requirement("key", Operator::does_not_exist).complement());
  }
  SECTION("Exists and DoesNotExist ignore values") {
    CHECK(Requirement("key", Operator::exists, {"x"}) == Requirement("key", Operator::exists));
    CHECK(Requirement("key", Operator::does_not_exist, {"x"}) == Requirement("key", Operator::does_not_exist));
  }
  SECTION("an unparsable or missing bound makes nothing match") {
    for (const Requirement& r : {Requirement("key", Operator::gt, {"abc"}), Requirement("key", Operator::lt, {"1.5"}),
                                 Requirement("key", Operator::gte, {}), Requirement("key", Operator::lte, {"1", "2"}),
                                 Requirement("key", Operator::gt, {""})}) {
      INFO(r.describe());
      CHECK(r.op() == Operator::does_not_exist);
      CHECK(r.len() == 0);
      CHECK_FALSE(r.has("1"));
    }
  }
  SECTION("min values are kept") {
    CHECK(Requirement("key", Operator::in, {"a", "b"}, 2).min_values() == 2);
    CHECK_FALSE(Requirement("key", Operator::in, {"a", "b"}).min_values());
    Requirement r("key", Operator::exists);
    r.set_min_values(3);
    CHECK(r.min_values() == 3);
  }
}

// Upstream: Requirement / Intersect requirements / "should intersect two requirements without minValues".
TEST_CASE("requirement intersection without minValues (upstream table)", "[core]") {
  const Fixtures f;
  const auto& [exists, does_not_exist, in_a, in_b, in_ab, not_in_a, in_1, in_9, in_19, not_in_12, gt_1, gt_9, lt_1,
               lt_9, exists_mv, does_not_exist_mv, in_a_mv, in_b_mv, in_ab_mv, not_in_a_mv, in_1_mv, in_9_mv, in_19_mv,
               not_in_12_mv, gt_1_mv, gt_9_mv, lt_1_mv, lt_9_mv] = f;
  check_intersections({
      {exists, exists, exists},
      {exists, does_not_exist, does_not_exist},
      {exists, in_a, in_a},
      {exists, in_b, in_b},
      {exists, in_ab, in_ab},
      {exists, not_in_a, not_in_a},
      {exists, in_1, in_1},
      {exists, in_9, in_9},
      {exists, in_19, in_19},
      {exists, not_in_12, not_in_12},
      {exists, gt_1, gt_1},
      {exists, gt_9, gt_9},
      {exists, lt_1, lt_1},
      {exists, lt_9, lt_9},
      {does_not_exist, exists, does_not_exist},
      {does_not_exist, does_not_exist, does_not_exist},
      {does_not_exist, in_a, does_not_exist},
      {does_not_exist, in_b, does_not_exist},
      {does_not_exist, in_ab, does_not_exist},
      {does_not_exist, not_in_a, does_not_exist},
      {does_not_exist, in_1, does_not_exist},
      {does_not_exist, in_9, does_not_exist},
      {does_not_exist, in_19, does_not_exist},
      {does_not_exist, not_in_12, does_not_exist},
      {does_not_exist, gt_1, does_not_exist},
      {does_not_exist, gt_9, does_not_exist},
      {does_not_exist, lt_1, does_not_exist},
      {does_not_exist, lt_9, does_not_exist},
      {in_a, exists, in_a},
      {in_a, does_not_exist, does_not_exist},
      {in_a, in_a, in_a},
      {in_a, in_b, does_not_exist},
      {in_a, in_ab, in_a},
      {in_a, not_in_a, does_not_exist},
      {in_a, in_1, does_not_exist},
      {in_a, in_9, does_not_exist},
      {in_a, in_19, does_not_exist},
      {in_a, not_in_12, in_a},
      {in_a, gt_1, does_not_exist},
      {in_a, gt_9, does_not_exist},
      {in_a, lt_1, does_not_exist},
      {in_a, lt_9, does_not_exist},
      {in_b, exists, in_b},
      {in_b, does_not_exist, does_not_exist},
      {in_b, in_a, does_not_exist},
      {in_b, in_b, in_b},
      {in_b, in_ab, in_b},
      {in_b, not_in_a, in_b},
      {in_b, in_1, does_not_exist},
      {in_b, in_9, does_not_exist},
      {in_b, in_19, does_not_exist},
      {in_b, not_in_12, in_b},
      {in_b, gt_1, does_not_exist},
      {in_b, gt_9, does_not_exist},
      {in_b, lt_1, does_not_exist},
      {in_b, lt_9, does_not_exist},
      {in_ab, exists, in_ab},
      {in_ab, does_not_exist, does_not_exist},
      {in_ab, in_a, in_a},
      {in_ab, in_b, in_b},
      {in_ab, in_ab, in_ab},
      {in_ab, not_in_a, in_b},
      {in_ab, in_1, does_not_exist},
      {in_ab, in_9, does_not_exist},
      {in_ab, in_19, does_not_exist},
      {in_ab, not_in_12, in_ab},
      {in_ab, gt_1, does_not_exist},
      {in_ab, gt_9, does_not_exist},
      {in_ab, lt_1, does_not_exist},
      {in_ab, lt_9, does_not_exist},
      {not_in_a, exists, not_in_a},
      {not_in_a, does_not_exist, does_not_exist},
      {not_in_a, in_a, does_not_exist},
      {not_in_a, in_b, in_b},
      {not_in_a, in_ab, in_b},
      {not_in_a, not_in_a, not_in_a},
      {not_in_a, in_1, in_1},
      {not_in_a, in_9, in_9},
      {not_in_a, in_19, in_19},
      {not_in_a, not_in_12, lit(true, {"A", "1", "2"}, std::nullopt, {})},
      {not_in_a, gt_1, gt_1},
      {not_in_a, gt_9, gt_9},
      {not_in_a, lt_1, lt_1},
      {not_in_a, lt_9, lt_9},
      {in_1, exists, in_1},
      {in_1, does_not_exist, does_not_exist},
      {in_1, in_a, does_not_exist},
      {in_1, in_b, does_not_exist},
      {in_1, in_ab, does_not_exist},
      {in_1, not_in_a, in_1},
      {in_1, in_1, in_1},
      {in_1, in_9, does_not_exist},
      {in_1, in_19, in_1},
      {in_1, not_in_12, does_not_exist},
      {in_1, gt_1, does_not_exist},
      {in_1, gt_9, does_not_exist},
      {in_1, lt_1, does_not_exist},
      {in_1, lt_9, in_1},
      {in_9, exists, in_9},
      {in_9, does_not_exist, does_not_exist},
      {in_9, in_a, does_not_exist},
      {in_9, in_b, does_not_exist},
      {in_9, in_ab, does_not_exist},
      {in_9, not_in_a, in_9},
      {in_9, in_1, does_not_exist},
      {in_9, in_9, in_9},
      {in_9, in_19, in_9},
      {in_9, not_in_12, in_9},
      {in_9, gt_1, in_9},
      {in_9, gt_9, does_not_exist},
      {in_9, lt_1, does_not_exist},
      {in_9, lt_9, does_not_exist},
      {in_19, exists, in_19},
      {in_19, does_not_exist, does_not_exist},
      {in_19, in_a, does_not_exist},
      {in_19, in_b, does_not_exist},
      {in_19, in_ab, does_not_exist},
      {in_19, not_in_a, in_19},
      {in_19, in_1, in_1},
      {in_19, in_9, in_9},
      {in_19, in_19, in_19},
      {in_19, not_in_12, in_9},
      {in_19, gt_1, in_9},
      {in_19, gt_9, does_not_exist},
      {in_19, lt_1, does_not_exist},
      {in_19, lt_9, in_1},
      {not_in_12, exists, not_in_12},
      {not_in_12, does_not_exist, does_not_exist},
      {not_in_12, in_a, in_a},
      {not_in_12, in_b, in_b},
      {not_in_12, in_ab, in_ab},
      {not_in_12, not_in_a, lit(true, {"A", "1", "2"}, std::nullopt, {})},
      {not_in_12, in_1, does_not_exist},
      {not_in_12, in_9, in_9},
      {not_in_12, in_19, in_9},
      {not_in_12, not_in_12, not_in_12},
      {not_in_12, gt_1, lit(true, {"2"}, std::nullopt, {gt_1})},
      {not_in_12, gt_9, lit(true, {}, std::nullopt, {gt_9})},
      {not_in_12, lt_1, lit(true, {}, std::nullopt, {lt_1})},
      {not_in_12, lt_9, lit(true, {"1", "2"}, std::nullopt, {lt_9})},
      {gt_1, exists, gt_1},
      {gt_1, does_not_exist, does_not_exist},
      {gt_1, in_a, does_not_exist},
      {gt_1, in_b, does_not_exist},
      {gt_1, in_ab, does_not_exist},
      {gt_1, not_in_a, gt_1},
      {gt_1, in_1, does_not_exist},
      {gt_1, in_9, in_9},
      {gt_1, in_19, in_9},
      {gt_1, not_in_12, lit(true, {"2"}, std::nullopt, {gt_1})},
      {gt_1, gt_1, gt_1},
      {gt_1, gt_9, gt_9},
      {gt_1, lt_1, does_not_exist},
      {gt_1, lt_9, lit(true, {}, std::nullopt, {gt_1, lt_9})},
      {gt_9, exists, gt_9},
      {gt_9, does_not_exist, does_not_exist},
      {gt_9, in_a, does_not_exist},
      {gt_9, in_b, does_not_exist},
      {gt_9, in_ab, does_not_exist},
      {gt_9, not_in_a, gt_9},
      {gt_9, in_1, does_not_exist},
      {gt_9, in_9, does_not_exist},
      {gt_9, in_19, does_not_exist},
      {gt_9, not_in_12, gt_9},
      {gt_9, gt_1, gt_9},
      {gt_9, gt_9, gt_9},
      {gt_9, lt_1, does_not_exist},
      {gt_9, lt_9, does_not_exist},
      {lt_1, exists, lt_1},
      {lt_1, does_not_exist, does_not_exist},
      {lt_1, in_a, does_not_exist},
      {lt_1, in_b, does_not_exist},
      {lt_1, in_ab, does_not_exist},
      {lt_1, not_in_a, lt_1},
      {lt_1, in_1, does_not_exist},
      {lt_1, in_9, does_not_exist},
      {lt_1, in_19, does_not_exist},
      {lt_1, not_in_12, lt_1},
      {lt_1, gt_1, does_not_exist},
      {lt_1, gt_9, does_not_exist},
      {lt_1, lt_1, lt_1},
      {lt_1, lt_9, lt_1},
      {lt_9, exists, lt_9},
      {lt_9, does_not_exist, does_not_exist},
      {lt_9, in_a, does_not_exist},
      {lt_9, in_b, does_not_exist},
      {lt_9, in_ab, does_not_exist},
      {lt_9, not_in_a, lt_9},
      {lt_9, in_1, in_1},
      {lt_9, in_9, does_not_exist},
      {lt_9, in_19, in_1},
      {lt_9, not_in_12, lit(true, {"1", "2"}, std::nullopt, {lt_9})},
      {lt_9, gt_1, lit(true, {}, std::nullopt, {gt_1, lt_9})},
      {lt_9, gt_9, does_not_exist},
      {lt_9, lt_1, lt_1},
      {lt_9, lt_9, lt_9},
  });
}

// Upstream: Requirement / Intersect requirements / "should intersect requirement with minValues with a
// requirement without".
TEST_CASE("requirement intersection with minValues on one side (upstream table)", "[core]") {
  const Fixtures f;
  const auto& [exists, does_not_exist, in_a, in_b, in_ab, not_in_a, in_1, in_9, in_19, not_in_12, gt_1, gt_9, lt_1,
               lt_9, exists_mv, does_not_exist_mv, in_a_mv, in_b_mv, in_ab_mv, not_in_a_mv, in_1_mv, in_9_mv, in_19_mv,
               not_in_12_mv, gt_1_mv, gt_9_mv, lt_1_mv, lt_9_mv] = f;
  check_intersections({
      {exists_mv, exists, exists_mv},
      {exists_mv, does_not_exist, does_not_exist_mv},
      {exists_mv, in_a, in_a_mv},
      {exists_mv, in_b, in_b_mv},
      {exists_mv, in_ab, lit(false, {"A", "B"}, 1, {})},
      {exists_mv, not_in_a, not_in_a_mv},
      {exists_mv, in_1, in_1_mv},
      {exists_mv, in_9, in_9_mv},
      {exists_mv, in_19, lit(false, {"1", "9"}, 1, {})},
      {exists_mv, not_in_12, lit(true, {"1", "2"}, 1, {})},
      {exists_mv, gt_1, gt_1_mv},
      {exists_mv, gt_9, gt_9_mv},
      {exists_mv, lt_1, lt_1_mv},
      {exists_mv, lt_9, lt_9_mv},
      {exists_mv, exists, exists_mv},
      {does_not_exist_mv, exists, does_not_exist_mv},
      {does_not_exist_mv, does_not_exist, does_not_exist_mv},
      {does_not_exist_mv, in_a, does_not_exist_mv},
      {does_not_exist_mv, in_b, does_not_exist_mv},
      {does_not_exist_mv, in_ab, does_not_exist_mv},
      {does_not_exist_mv, not_in_a, does_not_exist_mv},
      {does_not_exist_mv, in_1, does_not_exist_mv},
      {does_not_exist_mv, in_9, does_not_exist_mv},
      {does_not_exist_mv, in_19, does_not_exist_mv},
      {does_not_exist_mv, not_in_12, does_not_exist_mv},
      {does_not_exist_mv, gt_1, does_not_exist_mv},
      {does_not_exist_mv, gt_9, does_not_exist_mv},
      {does_not_exist_mv, lt_1, does_not_exist_mv},
      {does_not_exist_mv, lt_9, does_not_exist_mv},
      {in_a_mv, exists, in_a_mv},
      {in_a_mv, does_not_exist, does_not_exist_mv},
      {in_a_mv, in_a, in_a_mv},
      {in_a_mv, in_b, does_not_exist_mv},
      {in_a_mv, in_ab, in_a_mv},
      {in_a_mv, not_in_a, does_not_exist_mv},
      {in_a_mv, in_1, does_not_exist_mv},
      {in_a_mv, in_9, does_not_exist_mv},
      {in_a_mv, in_19, does_not_exist_mv},
      {in_a_mv, not_in_12, in_a_mv},
      {in_a_mv, gt_1, does_not_exist_mv},
      {in_a_mv, gt_9, does_not_exist_mv},
      {in_a_mv, lt_1, does_not_exist_mv},
      {in_a_mv, lt_9, does_not_exist_mv},
      {in_b_mv, exists, in_b_mv},
      {in_b_mv, does_not_exist, does_not_exist_mv},
      {in_b_mv, in_a, does_not_exist_mv},
      {in_b_mv, in_b, in_b_mv},
      {in_b_mv, in_ab, in_b_mv},
      {in_b_mv, not_in_a, in_b_mv},
      {in_b_mv, in_1, does_not_exist_mv},
      {in_b_mv, in_9, does_not_exist_mv},
      {in_b_mv, in_19, does_not_exist_mv},
      {in_b_mv, not_in_12, in_b_mv},
      {in_b_mv, gt_1, does_not_exist_mv},
      {in_b_mv, gt_9, does_not_exist_mv},
      {in_b_mv, lt_1, does_not_exist_mv},
      {in_b_mv, lt_9, does_not_exist_mv},
      {in_ab_mv, exists, in_ab_mv},
      {in_ab_mv, does_not_exist, lit(false, {}, 2, {})},
      {in_ab_mv, in_a, lit(false, {"A"}, 2, {})},
      {in_ab_mv, in_b, lit(false, {"B"}, 2, {})},
      {in_ab_mv, in_ab, in_ab_mv},
      {in_ab_mv, not_in_a, lit(false, {"B"}, 2, {})},
      {in_ab_mv, in_1, lit(false, {}, 2, {})},
      {in_ab_mv, in_9, lit(false, {}, 2, {})},
      {in_ab_mv, in_19, lit(false, {}, 2, {})},
      {in_ab_mv, not_in_12, lit(false, {"A", "B"}, 2, {})},
      {in_ab_mv, gt_1, lit(false, {}, 2, {})},
      {in_ab_mv, gt_9, lit(false, {}, 2, {})},
      {in_ab_mv, lt_1, lit(false, {}, 2, {})},
      {in_ab_mv, lt_9, lit(false, {}, 2, {})},
      {not_in_a_mv, exists, not_in_a_mv},
      {not_in_a_mv, does_not_exist, does_not_exist_mv},
      {not_in_a_mv, in_a, does_not_exist_mv},
      {not_in_a_mv, in_b, in_b_mv},
      {not_in_a_mv, in_ab, in_b_mv},
      {not_in_a_mv, not_in_a, not_in_a_mv},
      {not_in_a_mv, in_1, in_1_mv},
      {not_in_a_mv, in_9, in_9_mv},
      {not_in_a_mv, in_19, lit(false, {"1", "9"}, 1, {})},
      {not_in_a_mv, not_in_12, lit(true, {"A", "1", "2"}, 1, {})},
      {not_in_a_mv, gt_1, gt_1_mv},
      {not_in_a_mv, gt_9, gt_9_mv},
      {not_in_a_mv, lt_1, lt_1_mv},
      {not_in_a_mv, lt_9, lt_9_mv},
      {in_1_mv, exists, in_1_mv},
      {in_1_mv, does_not_exist, does_not_exist_mv},
      {in_1_mv, in_a, does_not_exist_mv},
      {in_1_mv, in_b, does_not_exist_mv},
      {in_1_mv, in_ab, does_not_exist_mv},
      {in_1_mv, not_in_a, in_1_mv},
      {in_1_mv, in_1, in_1_mv},
      {in_1_mv, in_9, does_not_exist_mv},
      {in_1_mv, in_19, in_1_mv},
      {in_1_mv, not_in_12, does_not_exist_mv},
      {in_1_mv, gt_1, does_not_exist_mv},
      {in_1_mv, gt_9, does_not_exist_mv},
      {in_1_mv, lt_1, does_not_exist_mv},
      {in_1_mv, lt_9, in_1_mv},
      {in_9_mv, exists, in_9_mv},
      {in_9_mv, does_not_exist, does_not_exist_mv},
      {in_9_mv, in_a, does_not_exist_mv},
      {in_9_mv, in_b, does_not_exist_mv},
      {in_9_mv, in_ab, does_not_exist_mv},
      {in_9_mv, not_in_a, in_9_mv},
      {in_9_mv, in_1, does_not_exist_mv},
      {in_9_mv, in_9, in_9_mv},
      {in_9_mv, in_19, in_9_mv},
      {in_9_mv, not_in_12, in_9_mv},
      {in_9_mv, gt_1, in_9_mv},
      {in_9_mv, gt_9, does_not_exist_mv},
      {in_9_mv, lt_1, does_not_exist_mv},
      {in_9_mv, lt_9, does_not_exist_mv},
      {in_19_mv, exists, in_19_mv},
      {in_19_mv, does_not_exist, lit(false, {}, 2, {})},
      {in_19_mv, in_a, lit(false, {}, 2, {})},
      {in_19_mv, in_b, lit(false, {}, 2, {})},
      {in_19_mv, in_ab, lit(false, {}, 2, {})},
      {in_19_mv, not_in_a, lit(false, {"1", "9"}, 2, {})},
      {in_19_mv, in_1, lit(false, {"1"}, 2, {})},
      {in_19_mv, in_9, lit(false, {"9"}, 2, {})},
      {in_19_mv, in_19, in_19_mv},
      {in_19_mv, not_in_12, lit(false, {"9"}, 2, {})},
      {in_19_mv, gt_1, lit(false, {"9"}, 2, {})},
      {in_19_mv, gt_9, lit(false, {}, 2, {})},
      {in_19_mv, lt_1, lit(false, {}, 2, {})},
      {in_19_mv, lt_9, lit(false, {"1"}, 2, {})},
      {not_in_12_mv, exists, not_in_12_mv},
      {not_in_12_mv, does_not_exist, lit(false, {}, 2, {})},
      {not_in_12_mv, in_a, lit(false, {"A"}, 2, {})},
      {not_in_12_mv, in_b, lit(false, {"B"}, 2, {})},
      {not_in_12_mv, in_ab, in_ab_mv},
      {not_in_12_mv, not_in_a, lit(true, {"A", "1", "2"}, 2, {})},
      {not_in_12_mv, in_1, lit(false, {}, 2, {})},
      {not_in_12_mv, in_9, lit(false, {"9"}, 2, {})},
      {not_in_12_mv, in_19, lit(false, {"9"}, 2, {})},
      {not_in_12_mv, not_in_12, not_in_12_mv},
      {not_in_12_mv, gt_1, lit(true, {"2"}, 2, {gt_1})},
      {not_in_12_mv, gt_9, lit(true, {}, 2, {gt_9})},
      {not_in_12_mv, lt_1, lit(true, {}, 2, {lt_1})},
      {not_in_12_mv, lt_9, lit(true, {"1", "2"}, 2, {lt_9})},
      {gt_1_mv, exists, gt_1_mv},
      {gt_1_mv, does_not_exist, does_not_exist_mv},
      {gt_1_mv, in_a, does_not_exist_mv},
      {gt_1_mv, in_b, does_not_exist_mv},
      {gt_1_mv, in_ab, does_not_exist_mv},
      {gt_1_mv, not_in_a, gt_1_mv},
      {gt_1_mv, in_1, does_not_exist_mv},
      {gt_1_mv, in_9, in_9_mv},
      {gt_1_mv, in_19, in_9_mv},
      {gt_1_mv, not_in_12, lit(true, {"2"}, 1, {gt_1})},
      {gt_1_mv, gt_1, gt_1_mv},
      {gt_1_mv, gt_9, gt_9_mv},
      {gt_1_mv, lt_1, does_not_exist_mv},
      {gt_1_mv, lt_9, lit(true, {}, 1, {gt_1, lt_9})},
      {gt_9_mv, exists, gt_9_mv},
      {gt_9_mv, does_not_exist, does_not_exist_mv},
      {gt_9_mv, in_a, does_not_exist_mv},
      {gt_9_mv, in_b, does_not_exist_mv},
      {gt_9_mv, in_ab, does_not_exist_mv},
      {gt_9_mv, not_in_a, gt_9_mv},
      {gt_9_mv, in_1, does_not_exist_mv},
      {gt_9_mv, in_9, does_not_exist_mv},
      {gt_9_mv, in_19, does_not_exist_mv},
      {gt_9_mv, not_in_12, gt_9_mv},
      {gt_9_mv, gt_1, gt_9_mv},
      {gt_9_mv, gt_9, gt_9_mv},
      {gt_9_mv, lt_1, does_not_exist_mv},
      {gt_9_mv, lt_9, does_not_exist_mv},
      {lt_1_mv, exists, lt_1_mv},
      {lt_1_mv, does_not_exist, does_not_exist_mv},
      {lt_1_mv, in_a, does_not_exist_mv},
      {lt_1_mv, in_b, does_not_exist_mv},
      {lt_1_mv, in_ab, does_not_exist_mv},
      {lt_1_mv, not_in_a, lt_1_mv},
      {lt_1_mv, in_1, does_not_exist_mv},
      {lt_1_mv, in_9, does_not_exist_mv},
      {lt_1_mv, in_19, does_not_exist_mv},
      {lt_1_mv, not_in_12, lt_1_mv},
      {lt_1_mv, gt_1, does_not_exist_mv},
      {lt_1_mv, gt_9, does_not_exist_mv},
      {lt_1_mv, lt_1, lt_1_mv},
      {lt_1_mv, lt_9, lt_1_mv},
      {lt_9_mv, exists, lt_9_mv},
      {lt_9_mv, does_not_exist, does_not_exist_mv},
      {lt_9_mv, in_a, does_not_exist_mv},
      {lt_9_mv, in_b, does_not_exist_mv},
      {lt_9_mv, in_ab, does_not_exist_mv},
      {lt_9_mv, not_in_a, lt_9_mv},
      {lt_9_mv, in_1, in_1_mv},
      {lt_9_mv, in_9, does_not_exist_mv},
      {lt_9_mv, in_19, in_1_mv},
      {lt_9_mv, not_in_12, lit(true, {"1", "2"}, 1, {lt_9})},
      {lt_9_mv, gt_1, lit(true, {}, 1, {gt_1, lt_9})},
      {lt_9_mv, gt_9, does_not_exist_mv},
      {lt_9_mv, lt_1, lt_1_mv},
      {lt_9_mv, lt_9, lt_9_mv},
  });
}

// Upstream: Requirement / Intersect requirements / "should intersect two requirements with minValues".
TEST_CASE("requirement intersection with minValues on both sides (upstream table)", "[core]") {
  const Fixtures f;
  const auto& [exists, does_not_exist, in_a, in_b, in_ab, not_in_a, in_1, in_9, in_19, not_in_12, gt_1, gt_9, lt_1,
               lt_9, exists_mv, does_not_exist_mv, in_a_mv, in_b_mv, in_ab_mv, not_in_a_mv, in_1_mv, in_9_mv, in_19_mv,
               not_in_12_mv, gt_1_mv, gt_9_mv, lt_1_mv, lt_9_mv] = f;
  check_intersections({
      {exists_mv, exists_mv, exists_mv},
      {exists_mv, does_not_exist_mv, does_not_exist_mv},
      {exists_mv, in_a_mv, in_a_mv},
      {exists_mv, in_b_mv, in_b_mv},
      {exists_mv, in_ab_mv, lit(false, {"A", "B"}, 2, {})},
      {exists_mv, not_in_a_mv, not_in_a_mv},
      {exists_mv, in_1_mv, in_1_mv},
      {exists_mv, in_9_mv, in_9_mv},
      {exists_mv, in_19_mv, lit(false, {"1", "9"}, 2, {})},
      {exists_mv, not_in_12_mv, lit(true, {"1", "2"}, 2, {})},
      {exists_mv, gt_1_mv, gt_1_mv},
      {exists_mv, gt_9_mv, gt_9_mv},
      {exists_mv, lt_1_mv, lt_1_mv},
      {exists_mv, lt_9_mv, lt_9_mv},
      {exists_mv, exists_mv, exists_mv},
      {does_not_exist_mv, exists_mv, does_not_exist_mv},
      {does_not_exist_mv, does_not_exist_mv, does_not_exist_mv},
      {does_not_exist_mv, in_a_mv, does_not_exist_mv},
      {does_not_exist_mv, in_b_mv, does_not_exist_mv},
      {does_not_exist_mv, in_ab_mv, lit(false, {}, 2, {})},
      {does_not_exist_mv, not_in_a_mv, does_not_exist_mv},
      {does_not_exist_mv, in_1_mv, does_not_exist_mv},
      {does_not_exist_mv, in_9_mv, does_not_exist_mv},
      {does_not_exist_mv, in_19_mv, lit(false, {}, 2, {})},
      {does_not_exist_mv, not_in_12_mv, lit(false, {}, 2, {})},
      {does_not_exist_mv, gt_1_mv, does_not_exist_mv},
      {does_not_exist_mv, gt_9_mv, does_not_exist_mv},
      {does_not_exist_mv, lt_1_mv, does_not_exist_mv},
      {does_not_exist_mv, lt_9_mv, does_not_exist_mv},
      {in_a_mv, exists_mv, in_a_mv},
      {in_a_mv, does_not_exist_mv, does_not_exist_mv},
      {in_a_mv, in_a_mv, in_a_mv},
      {in_a_mv, in_b_mv, does_not_exist_mv},
      {in_a_mv, in_ab_mv, lit(false, {"A"}, 2, {})},
      {in_a_mv, not_in_a_mv, does_not_exist_mv},
      {in_a_mv, in_1_mv, does_not_exist_mv},
      {in_a_mv, in_9_mv, does_not_exist_mv},
      {in_a_mv, in_19_mv, lit(false, {}, 2, {})},
      {in_a_mv, not_in_12_mv, lit(false, {"A"}, 2, {})},
      {in_a_mv, gt_1_mv, does_not_exist_mv},
      {in_a_mv, gt_9_mv, does_not_exist_mv},
      {in_a_mv, lt_1_mv, does_not_exist_mv},
      {in_a_mv, lt_9_mv, does_not_exist_mv},
      {in_b_mv, exists_mv, in_b_mv},
      {in_b_mv, does_not_exist_mv, does_not_exist_mv},
      {in_b_mv, in_a_mv, does_not_exist_mv},
      {in_b_mv, in_b_mv, in_b_mv},
      {in_b_mv, in_ab_mv, lit(false, {"B"}, 2, {})},
      {in_b_mv, not_in_a_mv, in_b_mv},
      {in_b_mv, in_1_mv, does_not_exist_mv},
      {in_b_mv, in_9_mv, does_not_exist_mv},
      {in_b_mv, in_19_mv, lit(false, {}, 2, {})},
      {in_b_mv, not_in_12_mv, lit(false, {"B"}, 2, {})},
      {in_b_mv, gt_1_mv, does_not_exist_mv},
      {in_b_mv, gt_9_mv, does_not_exist_mv},
      {in_b_mv, lt_1_mv, does_not_exist_mv},
      {in_b_mv, lt_9_mv, does_not_exist_mv},
      {in_ab_mv, exists_mv, in_ab_mv},
      {in_ab_mv, does_not_exist_mv, lit(false, {}, 2, {})},
      {in_ab_mv, in_a_mv, lit(false, {"A"}, 2, {})},
      {in_ab_mv, in_b_mv, lit(false, {"B"}, 2, {})},
      {in_ab_mv, in_ab_mv, in_ab_mv},
      {in_ab_mv, not_in_a_mv, lit(false, {"B"}, 2, {})},
      {in_ab_mv, in_1_mv, lit(false, {}, 2, {})},
      {in_ab_mv, in_9_mv, lit(false, {}, 2, {})},
      {in_ab_mv, in_19_mv, lit(false, {}, 2, {})},
      {in_ab_mv, not_in_12_mv, lit(false, {"A", "B"}, 2, {})},
      {in_ab_mv, gt_1_mv, lit(false, {}, 2, {})},
      {in_ab_mv, gt_9_mv, lit(false, {}, 2, {})},
      {in_ab_mv, lt_1_mv, lit(false, {}, 2, {})},
      {in_ab_mv, lt_9_mv, lit(false, {}, 2, {})},
      {not_in_a_mv, exists_mv, not_in_a_mv},
      {not_in_a_mv, does_not_exist_mv, does_not_exist_mv},
      {not_in_a_mv, in_a_mv, does_not_exist_mv},
      {not_in_a_mv, in_b_mv, in_b_mv},
      {not_in_a_mv, in_ab_mv, lit(false, {"B"}, 2, {})},
      {not_in_a_mv, not_in_a_mv, not_in_a_mv},
      {not_in_a_mv, in_1_mv, in_1_mv},
      {not_in_a_mv, in_9_mv, in_9_mv},
      {not_in_a_mv, in_19_mv, lit(false, {"1", "9"}, 2, {})},
      {not_in_a_mv, not_in_12_mv, lit(true, {"A", "1", "2"}, 2, {})},
      {not_in_a_mv, gt_1_mv, gt_1_mv},
      {not_in_a_mv, gt_9_mv, gt_9_mv},
      {not_in_a_mv, lt_1_mv, lt_1_mv},
      {not_in_a_mv, lt_9_mv, lt_9_mv},
      {in_1_mv, exists_mv, in_1_mv},
      {in_1_mv, does_not_exist_mv, does_not_exist_mv},
      {in_1_mv, in_a_mv, does_not_exist_mv},
      {in_1_mv, in_b_mv, does_not_exist_mv},
      {in_1_mv, in_ab_mv, lit(false, {}, 2, {})},
      {in_1_mv, not_in_a_mv, in_1_mv},
      {in_1_mv, in_1_mv, in_1_mv},
      {in_1_mv, in_9_mv, does_not_exist_mv},
      {in_1_mv, in_19_mv, lit(false, {"1"}, 2, {})},
      {in_1_mv, not_in_12_mv, lit(false, {}, 2, {})},
      {in_1_mv, gt_1_mv, does_not_exist_mv},
      {in_1_mv, gt_9_mv, does_not_exist_mv},
      {in_1_mv, lt_1_mv, does_not_exist_mv},
      {in_1_mv, lt_9_mv, in_1_mv},
      {in_9_mv, exists_mv, in_9_mv},
      {in_9_mv, does_not_exist_mv, does_not_exist_mv},
      {in_9_mv, in_a_mv, does_not_exist_mv},
      {in_9_mv, in_b_mv, does_not_exist_mv},
      {in_9_mv, in_ab_mv, lit(false, {}, 2, {})},
      {in_9_mv, not_in_a_mv, in_9_mv},
      {in_9_mv, in_1_mv, does_not_exist_mv},
      {in_9_mv, in_9_mv, in_9_mv},
      {in_9_mv, in_19_mv, lit(false, {"9"}, 2, {})},
      {in_9_mv, not_in_12_mv, lit(false, {"9"}, 2, {})},
      {in_9_mv, gt_1_mv, in_9_mv},
      {in_9_mv, gt_9_mv, does_not_exist_mv},
      {in_9_mv, lt_1_mv, does_not_exist_mv},
      {in_9_mv, lt_9_mv, does_not_exist_mv},
      {in_19_mv, exists_mv, in_19_mv},
      {in_19_mv, does_not_exist_mv, lit(false, {}, 2, {})},
      {in_19_mv, in_a_mv, lit(false, {}, 2, {})},
      {in_19_mv, in_b_mv, lit(false, {}, 2, {})},
      {in_19_mv, in_ab_mv, lit(false, {}, 2, {})},
      {in_19_mv, not_in_a_mv, lit(false, {"1", "9"}, 2, {})},
      {in_19_mv, in_1_mv, lit(false, {"1"}, 2, {})},
      {in_19_mv, in_9_mv, lit(false, {"9"}, 2, {})},
      {in_19_mv, in_19_mv, in_19_mv},
      {in_19_mv, not_in_12_mv, lit(false, {"9"}, 2, {})},
      {in_19_mv, gt_1_mv, lit(false, {"9"}, 2, {})},
      {in_19_mv, gt_9_mv, lit(false, {}, 2, {})},
      {in_19_mv, lt_1_mv, lit(false, {}, 2, {})},
      {in_19_mv, lt_9_mv, lit(false, {"1"}, 2, {})},
      {not_in_12_mv, exists_mv, not_in_12_mv},
      {not_in_12_mv, does_not_exist_mv, lit(false, {}, 2, {})},
      {not_in_12_mv, in_a_mv, lit(false, {"A"}, 2, {})},
      {not_in_12_mv, in_b_mv, lit(false, {"B"}, 2, {})},
      {not_in_12_mv, in_ab_mv, in_ab_mv},
      {not_in_12_mv, not_in_a_mv, lit(true, {"A", "1", "2"}, 2, {})},
      {not_in_12_mv, in_1_mv, lit(false, {}, 2, {})},
      {not_in_12_mv, in_9_mv, lit(false, {"9"}, 2, {})},
      {not_in_12_mv, in_19_mv, lit(false, {"9"}, 2, {})},
      {not_in_12_mv, not_in_12_mv, not_in_12_mv},
      {not_in_12_mv, gt_1_mv, lit(true, {"2"}, 2, {gt_1})},
      {not_in_12_mv, gt_9_mv, lit(true, {}, 2, {gt_9})},
      {not_in_12_mv, lt_1_mv, lit(true, {}, 2, {lt_1})},
      {not_in_12_mv, lt_9_mv, lit(true, {"1", "2"}, 2, {lt_9})},
      {gt_1_mv, exists_mv, gt_1_mv},
      {gt_1_mv, does_not_exist_mv, does_not_exist_mv},
      {gt_1_mv, in_a_mv, does_not_exist_mv},
      {gt_1_mv, in_b_mv, does_not_exist_mv},
      {gt_1_mv, in_ab_mv, lit(false, {}, 2, {})},
      {gt_1_mv, not_in_a_mv, gt_1_mv},
      {gt_1_mv, in_1_mv, does_not_exist_mv},
      {gt_1_mv, in_9_mv, in_9_mv},
      {gt_1_mv, in_19_mv, lit(false, {"9"}, 2, {})},
      {gt_1_mv, not_in_12_mv, lit(true, {"2"}, 2, {gt_1})},
      {gt_1_mv, gt_1_mv, gt_1_mv},
      {gt_1_mv, gt_9_mv, gt_9_mv},
      {gt_1_mv, lt_1_mv, does_not_exist_mv},
      {gt_1_mv, lt_9_mv, lit(true, {}, 1, {gt_1, lt_9})},
      {gt_9_mv, exists_mv, gt_9_mv},
      {gt_9_mv, does_not_exist_mv, does_not_exist_mv},
      {gt_9_mv, in_a_mv, does_not_exist_mv},
      {gt_9_mv, in_b_mv, does_not_exist_mv},
      {gt_9_mv, in_ab_mv, lit(false, {}, 2, {})},
      {gt_9_mv, not_in_a_mv, gt_9_mv},
      {gt_9_mv, in_1_mv, does_not_exist_mv},
      {gt_9_mv, in_9_mv, does_not_exist_mv},
      {gt_9_mv, in_19_mv, lit(false, {}, 2, {})},
      {gt_9_mv, not_in_12_mv, lit(true, {}, 2, {gt_9})},
      {gt_9_mv, gt_1_mv, gt_9_mv},
      {gt_9_mv, gt_9_mv, gt_9_mv},
      {gt_9_mv, lt_1_mv, does_not_exist_mv},
      {gt_9_mv, lt_9_mv, does_not_exist_mv},
      {lt_1_mv, exists_mv, lt_1_mv},
      {lt_1_mv, does_not_exist_mv, does_not_exist_mv},
      {lt_1_mv, in_a_mv, does_not_exist_mv},
      {lt_1_mv, in_b_mv, does_not_exist_mv},
      {lt_1_mv, in_ab_mv, lit(false, {}, 2, {})},
      {lt_1_mv, not_in_a_mv, lt_1_mv},
      {lt_1_mv, in_1_mv, does_not_exist_mv},
      {lt_1_mv, in_9_mv, does_not_exist_mv},
      {lt_1_mv, in_19_mv, lit(false, {}, 2, {})},
      {lt_1_mv, not_in_12_mv, lit(true, {}, 2, {lt_1})},
      {lt_1_mv, gt_1_mv, does_not_exist_mv},
      {lt_1_mv, gt_9_mv, does_not_exist_mv},
      {lt_1_mv, lt_1_mv, lt_1_mv},
      {lt_1_mv, lt_9_mv, lt_1_mv},
      {lt_9_mv, exists_mv, lt_9_mv},
      {lt_9_mv, does_not_exist_mv, does_not_exist_mv},
      {lt_9_mv, in_a_mv, does_not_exist_mv},
      {lt_9_mv, in_b_mv, does_not_exist_mv},
      {lt_9_mv, in_ab_mv, lit(false, {}, 2, {})},
      {lt_9_mv, not_in_a_mv, lt_9_mv},
      {lt_9_mv, in_1_mv, in_1_mv},
      {lt_9_mv, in_9_mv, does_not_exist_mv},
      {lt_9_mv, in_19_mv, lit(false, {"1"}, 2, {})},
      {lt_9_mv, not_in_12_mv, lit(true, {"1", "2"}, 2, {lt_9})},
      {lt_9_mv, gt_1_mv, lit(true, {}, 1, {gt_1, lt_9})},
      {lt_9_mv, gt_9_mv, does_not_exist_mv},
      {lt_9_mv, lt_1_mv, lt_1_mv},
      {lt_9_mv, lt_9_mv, lt_9_mv},
  });
}

// Upstream: Requirement / Has / "should have the right values".
TEST_CASE("requirement has (upstream table)", "[core]") {
  const Fixtures f;
  const auto& [exists, does_not_exist, in_a, in_b, in_ab, not_in_a, in_1, in_9, in_19, not_in_12, gt_1, gt_9, lt_1,
               lt_9, exists_mv, does_not_exist_mv, in_a_mv, in_b_mv, in_ab_mv, not_in_a_mv, in_1_mv, in_9_mv, in_19_mv,
               not_in_12_mv, gt_1_mv, gt_9_mv, lt_1_mv, lt_9_mv] = f;
  struct Case {
    Requirement r;
    const char* value;
    bool expected;
  };
  const std::vector<Case> cases = {
      {exists, "A", true},
      {does_not_exist, "A", false},
      {in_a, "A", true},
      {in_b, "A", false},
      {in_ab, "A", true},
      {not_in_a, "A", false},
      {in_1, "A", false},
      {in_9, "A", false},
      {in_19, "A", false},
      {not_in_12, "A", true},
      {gt_1, "A", false},
      {gt_9, "A", false},
      {lt_1, "A", false},
      {lt_9, "A", false},
      {exists, "B", true},
      {does_not_exist, "B", false},
      {in_a, "B", false},
      {in_b, "B", true},
      {in_ab, "B", true},
      {not_in_a, "B", true},
      {in_1, "B", false},
      {in_9, "B", false},
      {in_19, "B", false},
      {not_in_12, "B", true},
      {gt_1, "B", false},
      {gt_9, "B", false},
      {lt_1, "B", false},
      {lt_9, "B", false},
      {exists, "1", true},
      {does_not_exist, "1", false},
      {in_a, "1", false},
      {in_b, "1", false},
      {in_ab, "1", false},
      {not_in_a, "1", true},
      {in_1, "1", true},
      {in_9, "1", false},
      {in_19, "1", true},
      {not_in_12, "1", false},
      {gt_1, "1", false},
      {gt_9, "1", false},
      {lt_1, "1", false},
      {lt_9, "1", true},
      {exists, "2", true},
      {does_not_exist, "2", false},
      {in_a, "2", false},
      {in_b, "2", false},
      {in_ab, "2", false},
      {not_in_a, "2", true},
      {in_1, "2", false},
      {in_9, "2", false},
      {in_19, "2", false},
      {not_in_12, "2", false},
      {gt_1, "2", true},
      {gt_9, "2", false},
      {lt_1, "2", false},
      {lt_9, "2", true},
      {exists, "9", true},
      {does_not_exist, "9", false},
      {in_a, "9", false},
      {in_b, "9", false},
      {in_ab, "9", false},
      {not_in_a, "9", true},
      {in_1, "9", false},
      {in_9, "9", true},
      {in_19, "9", true},
      {not_in_12, "9", true},
      {gt_1, "9", true},
      {gt_9, "9", false},
      {lt_1, "9", false},
      {lt_9, "9", false},
  };
  for (const auto& c : cases) {
    INFO(c.r.describe() << " has " << c.value);
    CHECK(c.r.has(c.value) == c.expected);
  }
}

// Upstream: Requirement / Operator / "should return the right operator".
TEST_CASE("requirement operator (upstream table)", "[core]") {
  const Fixtures f;
  const auto& [exists, does_not_exist, in_a, in_b, in_ab, not_in_a, in_1, in_9, in_19, not_in_12, gt_1, gt_9, lt_1,
               lt_9, exists_mv, does_not_exist_mv, in_a_mv, in_b_mv, in_ab_mv, not_in_a_mv, in_1_mv, in_9_mv, in_19_mv,
               not_in_12_mv, gt_1_mv, gt_9_mv, lt_1_mv, lt_9_mv] = f;
  struct Case {
    Requirement r;
    Operator expected;
  };
  const std::vector<Case> cases = {
      {exists, Operator::exists},
      {does_not_exist, Operator::does_not_exist},
      {in_a, Operator::in},
      {in_b, Operator::in},
      {in_ab, Operator::in},
      {not_in_a, Operator::not_in},
      {in_1, Operator::in},
      {in_9, Operator::in},
      {in_19, Operator::in},
      {not_in_12, Operator::not_in},
      {gt_1, Operator::exists},
      {gt_9, Operator::exists},
      {lt_1, Operator::exists},
      {lt_9, Operator::exists},
  };
  for (const auto& c : cases) {
    INFO(c.r.describe());
    CHECK(c.r.op() == c.expected);
  }
}

// Upstream: Requirement / Len / "should have the correct length".
TEST_CASE("requirement len (upstream table)", "[core]") {
  const Fixtures f;
  const auto& [exists, does_not_exist, in_a, in_b, in_ab, not_in_a, in_1, in_9, in_19, not_in_12, gt_1, gt_9, lt_1,
               lt_9, exists_mv, does_not_exist_mv, in_a_mv, in_b_mv, in_ab_mv, not_in_a_mv, in_1_mv, in_9_mv, in_19_mv,
               not_in_12_mv, gt_1_mv, gt_9_mv, lt_1_mv, lt_9_mv] = f;
  struct Case {
    Requirement r;
    std::int64_t expected;
  };
  const std::vector<Case> cases = {
      {exists, k_max},
      {does_not_exist, 0},
      {in_a, 1},
      {in_b, 1},
      {in_ab, 2},
      {not_in_a, k_max-1},
      {in_1, 1},
      {in_9, 1},
      {in_19, 2},
      {not_in_12, k_max-2},
      {gt_1, k_max},
      {gt_9, k_max},
      {lt_1, k_max},
      {lt_9, k_max},
  };
  for (const auto& c : cases) {
    INFO(c.r.describe());
    CHECK(c.r.len() == c.expected);
  }
}

// Upstream: Requirement / Any / "should return any". capsim is deterministic: the smallest allowed
// value for In, the smallest allowed integer >= 1 (or above the lower bound) for complements.
TEST_CASE("requirement any (upstream expectations, deterministic choice)", "[core]") {
  const Fixtures f;
  CHECK_FALSE(f.exists.any().empty());
  CHECK(f.does_not_exist.any().empty());
  CHECK(f.in_a.any() == "A");
  CHECK(f.in_b.any() == "B");
  CHECK(f.in_ab.any() == "A");
  CHECK(f.not_in_a.any() == "1");
  CHECK(f.in_1.any() == "1");
  CHECK(f.in_9.any() == "9");
  CHECK(f.in_19.any() == "1");
  CHECK(f.not_in_12.any() == "3");
  CHECK(f.gt_1.any() == "2");
  CHECK(f.gt_9.any() == "10");
  CHECK(f.lt_1.any() == "0");  // upstream: Expect(lessThan1.Any()).To(Equal("0"))
  CHECK(f.lt_9.any() == "1");
  // Every value Any() returns is allowed.
  for (const Requirement& r : {f.exists, f.not_in_a, f.not_in_12, f.gt_1, f.gt_9, f.lt_1, f.lt_9,
                               f.not_in_12.intersection(f.lt_9), f.gt_1.intersection(f.lt_9),
                               Requirement("key", Operator::lt, {"-5"}),
                               Requirement("key", Operator::lt, {"1"}).intersection(Requirement("key", Operator::not_in, {"0"})),
                               Requirement("key", Operator::gte, {"9223372036854775807"})}) {
    INFO(r.describe());
    const std::string v = r.any();
    CHECK_FALSE(v.empty());
    CHECK(r.has(v));
  }
  CHECK(Requirement("key", Operator::lt, {"-5"}).any() == "-6");
  CHECK(Requirement("key", Operator::gte, {"9223372036854775807"}).any() == "9223372036854775807");
}

// Upstream: Requirement / String / "should print the right string" (capsim prints the exclusive bounds
// it stores: Gt 1 is "> 1" where upstream prints ">=2").
TEST_CASE("requirement describe", "[core]") {
  const Fixtures f;
  CHECK(f.exists.describe() == "key Exists");
  CHECK(f.does_not_exist.describe() == "key DoesNotExist");
  CHECK(f.in_a.describe() == "key In [A]");
  CHECK(f.in_ab.describe() == "key In [A B]");
  CHECK(f.not_in_a.describe() == "key NotIn [A]");
  CHECK(f.in_19.describe() == "key In [1 9]");
  CHECK(f.not_in_12.describe() == "key NotIn [1 2]");
  CHECK(f.gt_1.describe() == "key Exists >1");
  CHECK(f.gt_9.describe() == "key Exists >9");
  CHECK(f.lt_1.describe() == "key Exists <1");
  CHECK(f.lt_9.describe() == "key Exists <9");
  CHECK(f.gt_1.intersection(f.lt_9).describe() == "key Exists >1 <9");
  CHECK(f.gt_9.intersection(f.lt_1).describe() == "key DoesNotExist");
  CHECK(f.not_in_12.intersection(f.gt_1).describe() == "key NotIn [2] >1");
  CHECK(f.in_ab_mv.describe() == "key In [A B] minValues 2");
  CHECK(Requirement("key", Operator::gte, {"2"}).describe() == "key Exists >1");
  CHECK(Requirement("key", Operator::lte, {"8"}).describe() == "key Exists <9");
}

// Upstream: Requirement / Gte and Lte Operators.
TEST_CASE("requirement Gte and Lte are inclusive bounds", "[core]") {
  const Requirement gte2("key", Operator::gte, {"2"});
  const Requirement lte8("key", Operator::lte, {"8"});

  SECTION("should treat Gte as inclusive lower bound") {
    CHECK(gte2.has("2"));
    CHECK(gte2.has("3"));
    CHECK(gte2.has("100"));
    CHECK_FALSE(gte2.has("1"));
    CHECK_FALSE(gte2.has("0"));
  }
  SECTION("should treat Lte as inclusive upper bound") {
    CHECK(lte8.has("8"));
    CHECK(lte8.has("7"));
    CHECK(lte8.has("0"));
    CHECK_FALSE(lte8.has("9"));
    CHECK_FALSE(lte8.has("10"));
  }
  SECTION("should intersect Gte and Lte correctly") {
    const Requirement both = gte2.intersection(lte8);
    CHECK(both.has("2"));
    CHECK(both.has("5"));
    CHECK(both.has("8"));
    CHECK_FALSE(both.has("1"));
    CHECK_FALSE(both.has("9"));
  }
  SECTION("should be equivalent to adjusted Gt/Lt") {
    const Requirement gt1("key", Operator::gt, {"1"});
    const Requirement lt9("key", Operator::lt, {"9"});
    CHECK(gte2.has("2") == gt1.has("2"));
    CHECK(gte2.has("1") == gt1.has("1"));
    CHECK(lte8.has("8") == lt9.has("8"));
    CHECK(lte8.has("9") == lt9.has("9"));
    CHECK(gte2 == gt1);  // one canonical form
    CHECK(lte8 == lt9);
  }
  SECTION("should collapse redundant bounds in intersection") {
    const Requirement r = Requirement("key", Operator::gt, {"4"}).intersection(Requirement("key", Operator::gte, {"5"}));
    CHECK(r.has("5"));
    CHECK_FALSE(r.has("4"));
    CHECK(r == Requirement("key", Operator::gte, {"5"}));
  }
  SECTION("should keep Gt when Gt is more restrictive") {
    const Requirement r = Requirement("key", Operator::gt, {"5"}).intersection(Requirement("key", Operator::gte, {"5"}));
    CHECK(r.has("6"));
    CHECK_FALSE(r.has("5"));
    CHECK(r == Requirement("key", Operator::gte, {"6"}));
  }
  SECTION("should keep more restrictive Gte when Gte > Gt+1") {
    const Requirement r = Requirement("key", Operator::gt, {"3"}).intersection(Requirement("key", Operator::gte, {"6"}));
    CHECK(r.has("6"));
    CHECK_FALSE(r.has("5"));
    CHECK(r == Requirement("key", Operator::gte, {"6"}));
  }
  SECTION("should keep Lt when Lt is more restrictive") {
    const Requirement r = Requirement("key", Operator::lt, {"5"}).intersection(Requirement("key", Operator::lte, {"5"}));
    CHECK(r.has("4"));
    CHECK_FALSE(r.has("5"));
    CHECK(r == Requirement("key", Operator::lte, {"4"}));
  }
  SECTION("should keep more restrictive Lte when Lte < Lt-1") {
    const Requirement r = Requirement("key", Operator::lt, {"9"}).intersection(Requirement("key", Operator::lte, {"5"}));
    CHECK(r.has("5"));
    CHECK_FALSE(r.has("6"));
    CHECK(r == Requirement("key", Operator::lte, {"5"}));
  }
  SECTION("should handle Gte 0 boundary") {
    const Requirement gte0("key", Operator::gte, {"0"});
    CHECK(gte0.has("0"));
    CHECK_FALSE(gte0.has("-1"));
  }
  SECTION("should handle Lte 0 boundary") {
    const Requirement lte0("key", Operator::lte, {"0"});
    CHECK(lte0.has("0"));
    CHECK_FALSE(lte0.has("1"));
  }
  SECTION("should return valid value from Any() for Gte") {
    const Requirement gte5("key", Operator::gte, {"5"});
    CHECK(std::stoll(gte5.any()) >= 5);
  }
  SECTION("should return valid value from Any() for Lte") {
    const Requirement lte10("key", Operator::lte, {"10"});
    CHECK(std::stoll(lte10.any()) <= 10);
  }
  SECTION("should return DoesNotExist for Gt MaxInt") {
    const Requirement r("key", Operator::gt, {std::to_string(k_max)});
    CHECK(r.op() == Operator::does_not_exist);
    CHECK(r.len() == 0);
  }
}

TEST_CASE("requirement bounds: edge cases", "[core]") {
  SECTION("bounds with no integer between them are empty") {
    // Gt 1 and Lt 2 leave no integer (upstream: Gte 2 > Lte 1 -> DoesNotExist).
    const Requirement gt1("key", Operator::gt, {"1"});
    const Requirement lt2("key", Operator::lt, {"2"});
    CHECK(gt1.intersection(lt2).op() == Operator::does_not_exist);
    CHECK(gt1.intersection(lt2) == Requirement("key", Operator::does_not_exist));
    CHECK_FALSE(gt1.has_intersection(lt2));
    CHECK_FALSE(lt2.has_intersection(gt1));
    // Gte 2 and Lte 2 leave exactly "2".
    const Requirement two = Requirement("key", Operator::gte, {"2"}).intersection(Requirement("key", Operator::lte, {"2"}));
    CHECK(two.op() == Operator::exists);
    CHECK(two.has("2"));
    CHECK_FALSE(two.has("1"));
    CHECK_FALSE(two.has("3"));
    CHECK(two.any() == "2");
    CHECK(Requirement("key", Operator::gte, {"2"}).has_intersection(Requirement("key", Operator::lte, {"2"})));
    // Gte 3 and Lte 2 are empty.
    CHECK_FALSE(Requirement("key", Operator::gte, {"3"}).has_intersection(Requirement("key", Operator::lte, {"2"})));
  }
  SECTION("minValues survive an empty bounds intersection") {
    const Requirement r = Requirement("key", Operator::gt, {"5"}, 2).intersection(Requirement("key", Operator::lt, {"3"}));
    CHECK(r == Requirement("key", Operator::does_not_exist, {}, 2));
  }
  SECTION("bounds reject non-integer values") {
    const Requirement gt1("key", Operator::gt, {"1"});
    CHECK_FALSE(gt1.has("2.5"));
    CHECK_FALSE(gt1.has("two"));
    CHECK_FALSE(gt1.has(""));
    CHECK_FALSE(gt1.has("2 "));
    CHECK(gt1.has("0002"));
    CHECK(gt1.has("+2"));  // strconv.Atoi accepts a leading '+'
    CHECK(Requirement("key", Operator::gt, {"+1"}) == gt1);
    CHECK(Requirement("key", Operator::lt, {"-3"}).has("-4"));
    CHECK_FALSE(Requirement("key", Operator::lt, {"-3"}).has("-3"));
    // In values outside the bounds are dropped by the intersection.
    const Requirement in("key", Operator::in, {"1", "5", "x", "12"});
    CHECK(in.intersection(gt1).intersection(Requirement("key", Operator::lt, {"10"})).values() ==
          std::vector<std::string>{"5"});
  }
  SECTION("bounds at the int64 limits") {
    const std::string max = std::to_string(k_max);
    const std::string min = std::to_string(std::numeric_limits<std::int64_t>::min());
    CHECK(Requirement("key", Operator::gte, {max}).has(max));
    CHECK_FALSE(Requirement("key", Operator::gte, {max}).has("0"));
    CHECK(Requirement("key", Operator::lt, {max}).has("0"));
    CHECK_FALSE(Requirement("key", Operator::lt, {max}).has(max));
    CHECK(Requirement("key", Operator::gt, {min}).has("0"));
    CHECK_FALSE(Requirement("key", Operator::gt, {min}).has(min));
    // Inclusive bounds at the limits cover (almost) every integer; they must not wrap around.
    CHECK(Requirement("key", Operator::lte, {max}).has("0"));
    CHECK(Requirement("key", Operator::lte, {max}).has(min));
    CHECK(Requirement("key", Operator::gte, {min}).has("0"));
    CHECK(Requirement("key", Operator::gte, {min}).has(max));
    CHECK(Requirement("key", Operator::gte, {min}).intersection(Requirement("key", Operator::lte, {max})).has("7"));
    CHECK_FALSE(Requirement("key", Operator::lt, {"1"}).has("99999999999999999999"));  // not an int64
  }
}

// Upstream: Requirements / Compatibility / "should normalize aliased labels".
TEST_CASE("requirements normalise aliased labels", "[core]") {
  const Requirements rs({Requirement("failure-domain.beta.kubernetes.io/zone", Operator::in, {"test"})});
  CHECK_FALSE(rs.has("failure-domain.beta.kubernetes.io/zone"));
  REQUIRE(rs.get("topology.kubernetes.io/zone"));
  CHECK(rs.get("topology.kubernetes.io/zone")->has("test"));
}

namespace {
// The Requirements fixtures of upstream requirements_test.go: a well-known key (zone), because it
// behaves differently from custom labels.
struct ZoneFixtures {
  static Requirements one(Operator op, std::vector<std::string> values = {}) {
    return Requirements({Requirement(std::string(capsim::label::k_zone), op, std::move(values))});
  }
  Requirements unconstrained{};
  Requirements exists = one(Operator::exists);
  Requirements does_not_exist = one(Operator::does_not_exist);
  Requirements in_a = one(Operator::in, {"A"});
  Requirements in_b = one(Operator::in, {"B"});
  Requirements in_ab = one(Operator::in, {"A", "B"});
  Requirements not_in_a = one(Operator::not_in, {"A"});
  Requirements in_1 = one(Operator::in, {"1"});
  Requirements in_9 = one(Operator::in, {"9"});
  Requirements in_19 = one(Operator::in, {"1", "9"});
  Requirements not_in_12 = one(Operator::not_in, {"1", "2"});
  Requirements gt_1 = one(Operator::gt, {"1"});
  Requirements gt_9 = one(Operator::gt, {"9"});
  Requirements lt_1 = one(Operator::lt, {"1"});
  Requirements lt_9 = one(Operator::lt, {"9"});
};

struct CompatCase {
  Requirements existing;
  Requirements incoming;
  bool ok;
};

void check_compatible(const std::vector<CompatCase>& cases, const capsim::WellKnownFn& well_known) {
  for (const auto& c : cases) {
    INFO("existing {" << c.existing.describe() << "} incoming {" << c.incoming.describe() << "}");
    const auto err = c.existing.compatible(c.incoming, well_known);
    INFO("error: " << err.value_or("none"));
    CHECK(!err.has_value() == c.ok);
  }
}
}  // namespace

// Upstream: Requirements / Compatibility / "should be compatible with well-known v1 labels undefined".
TEST_CASE("requirements compatible with well-known labels undefined (upstream table)", "[core]") {
  const ZoneFixtures z;
  const auto& [unconstrained, exists, does_not_exist, in_a, in_b, in_ab, not_in_a, in_1, in_9, in_19, not_in_12, gt_1,
               gt_9, lt_1, lt_9] = z;
  check_compatible({
      {unconstrained, unconstrained, true},
      {unconstrained, exists, true},
      {unconstrained, does_not_exist, true},
      {unconstrained, in_a, true},
      {unconstrained, in_b, true},
      {unconstrained, in_ab, true},
      {unconstrained, not_in_a, true},
      {unconstrained, in_1, true},
      {unconstrained, in_9, true},
      {unconstrained, in_19, true},
      {unconstrained, not_in_12, true},
      {unconstrained, gt_1, true},
      {unconstrained, gt_9, true},
      {unconstrained, lt_1, true},
      {unconstrained, lt_9, true},
      {exists, unconstrained, true},
      {exists, exists, true},
      {exists, does_not_exist, false},
      {exists, in_a, true},
      {exists, in_b, true},
      {exists, in_ab, true},
      {exists, not_in_a, true},
      {exists, in_1, true},
      {exists, in_9, true},
      {exists, in_19, true},
      {exists, not_in_12, true},
      {exists, gt_1, true},
      {exists, gt_9, true},
      {exists, lt_1, true},
      {exists, lt_9, true},
      {does_not_exist, unconstrained, true},
      {does_not_exist, exists, false},
      {does_not_exist, does_not_exist, true},
      {does_not_exist, in_a, false},
      {does_not_exist, in_b, false},
      {does_not_exist, in_ab, false},
      {does_not_exist, not_in_a, true},
      {does_not_exist, in_1, false},
      {does_not_exist, in_9, false},
      {does_not_exist, in_19, false},
      {does_not_exist, not_in_12, true},
      {does_not_exist, gt_1, false},
      {does_not_exist, gt_9, false},
      {does_not_exist, lt_1, false},
      {does_not_exist, lt_9, false},
      {in_a, unconstrained, true},
      {in_a, exists, true},
      {in_a, does_not_exist, false},
      {in_a, in_a, true},
      {in_a, in_b, false},
      {in_a, in_ab, true},
      {in_a, not_in_a, false},
      {in_a, in_1, false},
      {in_a, in_9, false},
      {in_a, in_19, false},
      {in_a, not_in_12, true},
      {in_a, gt_1, false},
      {in_a, gt_9, false},
      {in_a, lt_1, false},
      {in_a, lt_9, false},
      {in_b, unconstrained, true},
      {in_b, exists, true},
      {in_b, does_not_exist, false},
      {in_b, in_a, false},
      {in_b, in_b, true},
      {in_b, in_ab, true},
      {in_b, not_in_a, true},
      {in_b, in_1, false},
      {in_b, in_9, false},
      {in_b, in_19, false},
      {in_b, not_in_12, true},
      {in_b, gt_1, false},
      {in_b, gt_9, false},
      {in_b, lt_1, false},
      {in_b, lt_9, false},
      {in_ab, unconstrained, true},
      {in_ab, exists, true},
      {in_ab, does_not_exist, false},
      {in_ab, in_a, true},
      {in_ab, in_b, true},
      {in_ab, in_ab, true},
      {in_ab, not_in_a, true},
      {in_ab, in_1, false},
      {in_ab, in_9, false},
      {in_ab, in_19, false},
      {in_ab, not_in_12, true},
      {in_ab, gt_1, false},
      {in_ab, gt_9, false},
      {in_ab, lt_1, false},
      {in_ab, lt_9, false},
      {not_in_a, unconstrained, true},
      {not_in_a, exists, true},
      {not_in_a, does_not_exist, true},
      {not_in_a, in_a, false},
      {not_in_a, in_b, true},
      {not_in_a, in_ab, true},
      {not_in_a, not_in_a, true},
      {not_in_a, in_1, true},
      {not_in_a, in_9, true},
      {not_in_a, in_19, true},
      {not_in_a, not_in_12, true},
      {not_in_a, gt_1, true},
      {not_in_a, gt_9, true},
      {not_in_a, lt_1, true},
      {not_in_a, lt_9, true},
      {in_1, unconstrained, true},
      {in_1, exists, true},
      {in_1, does_not_exist, false},
      {in_1, in_a, false},
      {in_1, in_b, false},
      {in_1, in_ab, false},
      {in_1, not_in_a, true},
      {in_1, in_1, true},
      {in_1, in_9, false},
      {in_1, in_19, true},
      {in_1, not_in_12, false},
      {in_1, gt_1, false},
      {in_1, gt_9, false},
      {in_1, lt_1, false},
      {in_1, lt_9, true},
      {in_9, unconstrained, true},
      {in_9, exists, true},
      {in_9, does_not_exist, false},
      {in_9, in_a, false},
      {in_9, in_b, false},
      {in_9, in_ab, false},
      {in_9, not_in_a, true},
      {in_9, in_1, false},
      {in_9, in_9, true},
      {in_9, in_19, true},
      {in_9, not_in_12, true},
      {in_9, gt_1, true},
      {in_9, gt_9, false},
      {in_9, lt_1, false},
      {in_9, lt_9, false},
      {in_19, unconstrained, true},
      {in_19, exists, true},
      {in_19, does_not_exist, false},
      {in_19, in_a, false},
      {in_19, in_b, false},
      {in_19, in_ab, false},
      {in_19, not_in_a, true},
      {in_19, in_1, true},
      {in_19, in_9, true},
      {in_19, in_19, true},
      {in_19, not_in_12, true},
      {in_19, gt_1, true},
      {in_19, gt_9, false},
      {in_19, lt_1, false},
      {in_19, lt_9, true},
      {not_in_12, unconstrained, true},
      {not_in_12, exists, true},
      {not_in_12, does_not_exist, true},
      {not_in_12, in_a, true},
      {not_in_12, in_b, true},
      {not_in_12, in_ab, true},
      {not_in_12, not_in_a, true},
      {not_in_12, in_1, false},
      {not_in_12, in_9, true},
      {not_in_12, in_19, true},
      {not_in_12, not_in_12, true},
      {not_in_12, gt_1, true},
      {not_in_12, gt_9, true},
      {not_in_12, lt_1, true},
      {not_in_12, lt_9, true},
      {gt_1, unconstrained, true},
      {gt_1, exists, true},
      {gt_1, does_not_exist, false},
      {gt_1, in_a, false},
      {gt_1, in_b, false},
      {gt_1, in_ab, false},
      {gt_1, not_in_a, true},
      {gt_1, in_1, false},
      {gt_1, in_9, true},
      {gt_1, in_19, true},
      {gt_1, not_in_12, true},
      {gt_1, gt_1, true},
      {gt_1, gt_9, true},
      {gt_1, lt_1, false},
      {gt_1, lt_9, true},
      {gt_9, unconstrained, true},
      {gt_9, exists, true},
      {gt_9, does_not_exist, false},
      {gt_9, in_a, false},
      {gt_9, in_b, false},
      {gt_9, in_ab, false},
      {gt_9, not_in_a, true},
      {gt_9, in_1, false},
      {gt_9, in_9, false},
      {gt_9, in_19, false},
      {gt_9, not_in_12, true},
      {gt_9, gt_1, true},
      {gt_9, gt_9, true},
      {gt_9, lt_1, false},
      {gt_9, lt_9, false},
      {lt_1, unconstrained, true},
      {lt_1, exists, true},
      {lt_1, does_not_exist, false},
      {lt_1, in_a, false},
      {lt_1, in_b, false},
      {lt_1, in_ab, false},
      {lt_1, not_in_a, true},
      {lt_1, in_1, false},
      {lt_1, in_9, false},
      {lt_1, in_19, false},
      {lt_1, not_in_12, true},
      {lt_1, gt_1, false},
      {lt_1, gt_9, false},
      {lt_1, lt_1, true},
      {lt_1, lt_9, true},
      {lt_9, unconstrained, true},
      {lt_9, exists, true},
      {lt_9, does_not_exist, false},
      {lt_9, in_a, false},
      {lt_9, in_b, false},
      {lt_9, in_ab, false},
      {lt_9, not_in_a, true},
      {lt_9, in_1, true},
      {lt_9, in_9, false},
      {lt_9, in_19, true},
      {lt_9, not_in_12, true},
      {lt_9, gt_1, true},
      {lt_9, gt_9, false},
      {lt_9, lt_1, true},
      {lt_9, lt_9, true},
  }, zone_is_well_known);
}

// Upstream: Requirements / Compatibility / "should be strictly compatible" (no undefined keys allowed).
TEST_CASE("requirements strictly compatible (upstream table)", "[core]") {
  const ZoneFixtures z;
  const auto& [unconstrained, exists, does_not_exist, in_a, in_b, in_ab, not_in_a, in_1, in_9, in_19, not_in_12, gt_1,
               gt_9, lt_1, lt_9] = z;
  check_compatible({
      {unconstrained, exists, false},
      {unconstrained, in_a, false},
      {unconstrained, in_b, false},
      {unconstrained, in_ab, false},
      {unconstrained, in_1, false},
      {unconstrained, in_9, false},
      {unconstrained, in_19, false},
      {unconstrained, gt_1, false},
      {unconstrained, gt_9, false},
      {unconstrained, lt_1, false},
      {unconstrained, lt_9, false},
      {unconstrained, unconstrained, true},
      {unconstrained, does_not_exist, true},
      {unconstrained, not_in_a, true},
      {unconstrained, not_in_12, true},
      {exists, unconstrained, true},
      {exists, exists, true},
      {exists, does_not_exist, false},
      {exists, in_a, true},
      {exists, in_b, true},
      {exists, in_ab, true},
      {exists, not_in_a, true},
      {exists, in_1, true},
      {exists, in_9, true},
      {exists, in_19, true},
      {exists, not_in_12, true},
      {exists, gt_1, true},
      {exists, gt_9, true},
      {exists, lt_1, true},
      {exists, lt_9, true},
      {does_not_exist, unconstrained, true},
      {does_not_exist, exists, false},
      {does_not_exist, does_not_exist, true},
      {does_not_exist, in_a, false},
      {does_not_exist, in_b, false},
      {does_not_exist, in_ab, false},
      {does_not_exist, not_in_a, true},
      {does_not_exist, in_1, false},
      {does_not_exist, in_9, false},
      {does_not_exist, in_19, false},
      {does_not_exist, not_in_12, true},
      {does_not_exist, gt_1, false},
      {does_not_exist, gt_9, false},
      {does_not_exist, lt_1, false},
      {does_not_exist, lt_9, false},
      {in_a, unconstrained, true},
      {in_a, exists, true},
      {in_a, does_not_exist, false},
      {in_a, in_a, true},
      {in_a, in_b, false},
      {in_a, in_ab, true},
      {in_a, not_in_a, false},
      {in_a, in_1, false},
      {in_a, in_9, false},
      {in_a, in_19, false},
      {in_a, not_in_12, true},
      {in_a, gt_1, false},
      {in_a, gt_9, false},
      {in_a, lt_1, false},
      {in_a, lt_9, false},
      {in_b, unconstrained, true},
      {in_b, exists, true},
      {in_b, does_not_exist, false},
      {in_b, in_a, false},
      {in_b, in_b, true},
      {in_b, in_ab, true},
      {in_b, not_in_a, true},
      {in_b, in_1, false},
      {in_b, in_9, false},
      {in_b, in_19, false},
      {in_b, not_in_12, true},
      {in_b, gt_1, false},
      {in_b, gt_9, false},
      {in_b, lt_1, false},
      {in_b, lt_9, false},
      {in_ab, unconstrained, true},
      {in_ab, exists, true},
      {in_ab, does_not_exist, false},
      {in_ab, in_a, true},
      {in_ab, in_b, true},
      {in_ab, in_ab, true},
      {in_ab, not_in_a, true},
      {in_ab, in_1, false},
      {in_ab, in_9, false},
      {in_ab, in_19, false},
      {in_ab, not_in_12, true},
      {in_ab, gt_1, false},
      {in_ab, gt_9, false},
      {in_ab, lt_1, false},
      {in_ab, lt_9, false},
      {not_in_a, unconstrained, true},
      {not_in_a, exists, true},
      {not_in_a, does_not_exist, true},
      {not_in_a, in_a, false},
      {not_in_a, in_b, true},
      {not_in_a, in_ab, true},
      {not_in_a, not_in_a, true},
      {not_in_a, in_1, true},
      {not_in_a, in_9, true},
      {not_in_a, in_19, true},
      {not_in_a, not_in_12, true},
      {not_in_a, gt_1, true},
      {not_in_a, gt_9, true},
      {not_in_a, lt_1, true},
      {not_in_a, lt_9, true},
      {in_1, unconstrained, true},
      {in_1, exists, true},
      {in_1, does_not_exist, false},
      {in_1, in_a, false},
      {in_1, in_b, false},
      {in_1, in_ab, false},
      {in_1, not_in_a, true},
      {in_1, in_1, true},
      {in_1, in_9, false},
      {in_1, in_19, true},
      {in_1, not_in_12, false},
      {in_1, gt_1, false},
      {in_1, gt_9, false},
      {in_1, lt_1, false},
      {in_1, lt_9, true},
      {in_9, unconstrained, true},
      {in_9, exists, true},
      {in_9, does_not_exist, false},
      {in_9, in_a, false},
      {in_9, in_b, false},
      {in_9, in_ab, false},
      {in_9, not_in_a, true},
      {in_9, in_1, false},
      {in_9, in_9, true},
      {in_9, in_19, true},
      {in_9, not_in_12, true},
      {in_9, gt_1, true},
      {in_9, gt_9, false},
      {in_9, lt_1, false},
      {in_9, lt_9, false},
      {in_19, unconstrained, true},
      {in_19, exists, true},
      {in_19, does_not_exist, false},
      {in_19, in_a, false},
      {in_19, in_b, false},
      {in_19, in_ab, false},
      {in_19, not_in_a, true},
      {in_19, in_1, true},
      {in_19, in_9, true},
      {in_19, in_19, true},
      {in_19, not_in_12, true},
      {in_19, gt_1, true},
      {in_19, gt_9, false},
      {in_19, lt_1, false},
      {in_19, lt_9, true},
      {not_in_12, unconstrained, true},
      {not_in_12, exists, true},
      {not_in_12, does_not_exist, true},
      {not_in_12, in_a, true},
      {not_in_12, in_b, true},
      {not_in_12, in_ab, true},
      {not_in_12, not_in_a, true},
      {not_in_12, in_1, false},
      {not_in_12, in_9, true},
      {not_in_12, in_19, true},
      {not_in_12, not_in_12, true},
      {not_in_12, gt_1, true},
      {not_in_12, gt_9, true},
      {not_in_12, lt_1, true},
      {not_in_12, lt_9, true},
      {gt_1, unconstrained, true},
      {gt_1, exists, true},
      {gt_1, does_not_exist, false},
      {gt_1, in_a, false},
      {gt_1, in_b, false},
      {gt_1, in_ab, false},
      {gt_1, not_in_a, true},
      {gt_1, in_1, false},
      {gt_1, in_9, true},
      {gt_1, in_19, true},
      {gt_1, not_in_12, true},
      {gt_1, gt_1, true},
      {gt_1, gt_9, true},
      {gt_1, lt_1, false},
      {gt_1, lt_9, true},
      {gt_9, unconstrained, true},
      {gt_9, exists, true},
      {gt_9, does_not_exist, false},
      {gt_9, in_a, false},
      {gt_9, in_b, false},
      {gt_9, in_ab, false},
      {gt_9, not_in_a, true},
      {gt_9, in_1, false},
      {gt_9, in_9, false},
      {gt_9, in_19, false},
      {gt_9, not_in_12, true},
      {gt_9, gt_1, true},
      {gt_9, gt_9, true},
      {gt_9, lt_1, false},
      {gt_9, lt_9, false},
      {lt_1, unconstrained, true},
      {lt_1, exists, true},
      {lt_1, does_not_exist, false},
      {lt_1, in_a, false},
      {lt_1, in_b, false},
      {lt_1, in_ab, false},
      {lt_1, not_in_a, true},
      {lt_1, in_1, false},
      {lt_1, in_9, false},
      {lt_1, in_19, false},
      {lt_1, not_in_12, true},
      {lt_1, gt_1, false},
      {lt_1, gt_9, false},
      {lt_1, lt_1, true},
      {lt_1, lt_9, true},
      {lt_9, unconstrained, true},
      {lt_9, exists, true},
      {lt_9, does_not_exist, false},
      {lt_9, in_a, false},
      {lt_9, in_b, false},
      {lt_9, in_ab, false},
      {lt_9, not_in_a, true},
      {lt_9, in_1, true},
      {lt_9, in_9, false},
      {lt_9, in_19, true},
      {lt_9, not_in_12, true},
      {lt_9, gt_1, true},
      {lt_9, gt_9, false},
      {lt_9, lt_1, true},
      {lt_9, lt_9, true},
  }, capsim::WellKnownFn{});
}

// Upstream: Requirements / Error Messages / "should display an error message for unknown labels".
TEST_CASE("requirements compatible: custom labels must be declared", "[core]") {
  const Requirements unconstrained;
  const Requirements custom({Requirement("deployment", Operator::exists)});
  CHECK(unconstrained.compatible(custom, zone_is_well_known) == "label \"deployment\" does not have known values");
  CHECK(unconstrained.compatible(custom, {}) == "label \"deployment\" does not have known values");

  const Requirements team_in({Requirement("example.com/team", Operator::in, {"a"})});
  const Requirements team_not_in({Requirement("example.com/team", Operator::not_in, {"a"})});
  const Requirements team_dne({Requirement("example.com/team", Operator::does_not_exist)});
  const Requirements team_gt({Requirement("example.com/team", Operator::gt, {"3"})});
  // has_value(): an error (incompatible).
  CHECK(unconstrained.compatible(team_in, zone_is_well_known).has_value());
  CHECK(unconstrained.compatible(team_gt, zone_is_well_known).has_value());
  CHECK_FALSE(unconstrained.compatible(team_not_in, zone_is_well_known).has_value());
  CHECK_FALSE(unconstrained.compatible(team_dne, zone_is_well_known).has_value());
  // Defined on the NodePool side: then the values must intersect.
  const Requirements pool({Requirement("example.com/team", Operator::in, {"a", "b"})});
  CHECK_FALSE(pool.compatible(team_in, zone_is_well_known).has_value());
  CHECK_FALSE(pool.compatible(team_not_in, zone_is_well_known).has_value());  // leaves "b"
  CHECK(pool.compatible(team_dne, zone_is_well_known).has_value());  // In [a b] vs DoesNotExist
  CHECK(pool.compatible(Requirements({Requirement("example.com/team", Operator::in, {"c"})}), zone_is_well_known) ==
        "key example.com/team, In [c] not in In [a b]");
  // The first undeclared key (in key order) is reported.
  const Requirements two({Requirement("b.example.com/x", Operator::exists), Requirement("a.example.com/y", Operator::in, {"1"})});
  CHECK(unconstrained.compatible(two, {}) == "label \"a.example.com/y\" does not have known values");
  // The predicate sees the normalised key.
  const Requirements beta_zone({Requirement("failure-domain.beta.kubernetes.io/zone", Operator::in, {"us-west-2a"})});
  CHECK_FALSE(unconstrained.compatible(beta_zone, zone_is_well_known).has_value());
}

TEST_CASE("requirements intersects", "[core]") {
  const ZoneFixtures z;
  SECTION("keys on one side only never conflict") {
    const Requirements other({Requirement("example.com/team", Operator::in, {"a"})});
    CHECK_FALSE(z.in_a.intersects(other).has_value());
    CHECK_FALSE(other.intersects(z.in_a).has_value());
    CHECK_FALSE(z.in_a.intersects(z.unconstrained).has_value());
    CHECK_FALSE(z.unconstrained.intersects(z.in_a).has_value());
  }
  SECTION("disjoint values report the key and both requirements") {
    CHECK(z.in_a.intersects(z.in_b) == "key topology.kubernetes.io/zone, In [B] not in In [A]");
    CHECK(z.in_ab.intersects(z.gt_9) == "key topology.kubernetes.io/zone, Exists >9 not in In [A B]");
    CHECK(z.does_not_exist.intersects(z.exists) ==
          "key topology.kubernetes.io/zone, Exists not in DoesNotExist");
  }
  SECTION("NotIn/DoesNotExist on both sides is always fine") {
    CHECK_FALSE(z.does_not_exist.intersects(z.does_not_exist).has_value());
    CHECK_FALSE(z.does_not_exist.intersects(z.not_in_a).has_value());
    CHECK_FALSE(z.not_in_a.intersects(z.does_not_exist).has_value());
    CHECK_FALSE(z.not_in_12.intersects(z.does_not_exist).has_value());
    // ... but only when both are negative.
    CHECK(z.does_not_exist.intersects(z.in_a).has_value());
    CHECK(z.in_a.intersects(z.does_not_exist).has_value());
    CHECK(z.in_a.intersects(z.not_in_a).has_value());
  }
  SECTION("the first conflicting key in key order is reported") {
    const Requirements a({Requirement("a", Operator::in, {"1"}), Requirement("b", Operator::in, {"1"})});
    const Requirements b({Requirement("a", Operator::in, {"2"}), Requirement("b", Operator::in, {"2"})});
    CHECK(a.intersects(b) == "key a, In [2] not in In [1]");
  }
}

TEST_CASE("requirements add intersects per key and propagates minValues", "[core]") {
  Requirements rs;
  CHECK(rs.empty());
  CHECK_FALSE(rs.has_min_values());
  rs.add(Requirement("karpenter.k8s.aws/instance-family", Operator::in, {"c5", "m5", "r5"}, 2));
  rs.add(Requirement("karpenter.sh/capacity-type", Operator::in, {"spot", "on-demand"}));
  rs.add(Requirement("karpenter.k8s.aws/instance-family", Operator::not_in, {"r5"}, 1));
  CHECK(rs.has_min_values());
  const Requirement* fam = rs.get("karpenter.k8s.aws/instance-family");
  REQUIRE(fam);
  CHECK(fam->values() == std::vector<std::string>{"c5", "m5"});
  CHECK(fam->min_values() == 2);  // max of 2 and 1

  rs.add(Requirement("karpenter.k8s.aws/instance-family", Operator::exists, {}, 3));
  CHECK(rs.get("karpenter.k8s.aws/instance-family")->min_values() == 3);

  // items() are sorted by key whatever the insertion order.
  std::vector<std::string> keys;
  for (const auto& r : rs.items()) keys.push_back(r.key());
  CHECK(keys == std::vector<std::string>{"karpenter.k8s.aws/instance-family", "karpenter.sh/capacity-type"});

  // Adding a whole set intersects key by key.
  Requirements more({Requirement("karpenter.sh/capacity-type", Operator::in, {"spot"}),
                     Requirement("kubernetes.io/arch", Operator::in, {"amd64"})});
  rs.add(more);
  CHECK(rs.get("karpenter.sh/capacity-type")->values() == std::vector<std::string>{"spot"});
  CHECK(rs.has("kubernetes.io/arch"));
  CHECK(rs.items().size() == 3);

  rs.erase("kubernetes.io/arch");
  CHECK_FALSE(rs.has("kubernetes.io/arch"));
  CHECK(rs.get("kubernetes.io/arch") == nullptr);
  rs.erase("not-there");
  CHECK(rs.items().size() == 2);

  // The constructor merges repeated keys the same way.
  const Requirements merged({Requirement("k", Operator::in, {"a", "b"}), Requirement("k", Operator::in, {"b", "c"}, 1)});
  REQUIRE(merged.items().size() == 1);
  CHECK(merged.items()[0] == Requirement("k", Operator::in, {"b"}, 1));
}

TEST_CASE("requirements from_labels and describe", "[core]") {
  const Requirements rs = Requirements::from_labels({{"kubernetes.io/arch", "arm64"}, {"example.com/team", "ml"}});
  CHECK(rs.describe() == "example.com/team In [ml], kubernetes.io/arch In [arm64]");
  CHECK(Requirements().describe().empty());
  CHECK(rs == Requirements({Requirement("kubernetes.io/arch", Operator::in, {"arm64"}),
                            Requirement("example.com/team", Operator::in, {"ml"})}));
}

TEST_CASE("requirements match node labels", "[core]") {
  const Labels node = {{"topology.kubernetes.io/zone", "us-west-2a"},
                       {"karpenter.sh/capacity-type", "spot"},
                       {"karpenter.k8s.aws/instance-cpu", "8"}};
  auto one = [](const char* key, Operator op, std::vector<std::string> values = {}) {
    return Requirements({Requirement(key, op, std::move(values))});
  };
  CHECK(Requirements().matches(node));
  CHECK(Requirements().matches({}));
  CHECK(one("topology.kubernetes.io/zone", Operator::in, {"us-west-2a", "us-west-2b"}).matches(node));
  CHECK_FALSE(one("topology.kubernetes.io/zone", Operator::in, {"us-west-2b"}).matches(node));
  CHECK(one("topology.kubernetes.io/zone", Operator::not_in, {"us-west-2b"}).matches(node));
  CHECK_FALSE(one("topology.kubernetes.io/zone", Operator::not_in, {"us-west-2a"}).matches(node));
  CHECK(one("karpenter.sh/capacity-type", Operator::exists).matches(node));
  CHECK_FALSE(one("karpenter.sh/capacity-type", Operator::does_not_exist).matches(node));
  CHECK(one("karpenter.k8s.aws/instance-cpu", Operator::gt, {"4"}).matches(node));
  CHECK_FALSE(one("karpenter.k8s.aws/instance-cpu", Operator::gt, {"8"}).matches(node));
  CHECK(one("karpenter.k8s.aws/instance-cpu", Operator::lte, {"8"}).matches(node));
  // A label the node lacks: only NotIn / DoesNotExist are satisfied.
  CHECK(one("example.com/team", Operator::does_not_exist).matches(node));
  CHECK(one("example.com/team", Operator::not_in, {"a"}).matches(node));
  CHECK_FALSE(one("example.com/team", Operator::exists).matches(node));
  CHECK_FALSE(one("example.com/team", Operator::in, {"a"}).matches(node));
  CHECK_FALSE(one("example.com/team", Operator::gt, {"1"}).matches(node));
  // A beta key in the requirement is normalised and matches the GA label.
  CHECK(one("failure-domain.beta.kubernetes.io/zone", Operator::in, {"us-west-2a"}).matches(node));
  // Every requirement must hold.
  Requirements both = one("topology.kubernetes.io/zone", Operator::in, {"us-west-2a"});
  both.add(Requirement("karpenter.sh/capacity-type", Operator::in, {"on-demand"}));
  CHECK_FALSE(both.matches(node));
}
