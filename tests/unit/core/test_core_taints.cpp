// core/taints: Kubernetes Toleration.ToleratesTaint (k8s.io/api core/v1), Karpenter's
// Taints.ToleratesPod (every taint, PreferNoSchedule included, must be tolerated), names and describe.
#include <catch2/catch.hpp>

#include <optional>
#include <vector>

#include "capsim/core/taints.hpp"

using capsim::first_untolerated;
using capsim::Taint;
using capsim::TaintEffect;
using capsim::Toleration;
using capsim::tolerates;

namespace {
Toleration exists_tol(std::string key, std::optional<TaintEffect> effect = std::nullopt) {
  return Toleration{std::move(key), true, "", effect};
}
Toleration equal_tol(std::string key, std::string value, std::optional<TaintEffect> effect = std::nullopt) {
  return Toleration{std::move(key), false, std::move(value), effect};
}
}  // namespace

TEST_CASE("taint effect names round-trip", "[core]") {
  for (TaintEffect e : {TaintEffect::no_schedule, TaintEffect::prefer_no_schedule, TaintEffect::no_execute}) {
    auto back = capsim::parse_taint_effect(capsim::taint_effect_name(e));
    REQUIRE(back);
    CHECK(*back == e);
  }
  CHECK(capsim::taint_effect_name(TaintEffect::no_schedule) == "NoSchedule");
  CHECK(capsim::taint_effect_name(TaintEffect::prefer_no_schedule) == "PreferNoSchedule");
  CHECK(capsim::taint_effect_name(TaintEffect::no_execute) == "NoExecute");
  CHECK_FALSE(capsim::parse_taint_effect("noschedule"));
  CHECK_FALSE(capsim::parse_taint_effect(""));
}

TEST_CASE("toleration with Exists and an empty key tolerates every taint", "[core]") {
  const Toleration all = exists_tol("");
  CHECK(tolerates(all, Taint{"dedicated", "gpu", TaintEffect::no_schedule}));
  CHECK(tolerates(all, Taint{"node.kubernetes.io/not-ready", "", TaintEffect::no_execute}));
  CHECK(tolerates(all, Taint{"x", "y", TaintEffect::prefer_no_schedule}));
  // ... unless it names an effect.
  const Toleration all_no_schedule = exists_tol("", TaintEffect::no_schedule);
  CHECK(tolerates(all_no_schedule, Taint{"dedicated", "gpu", TaintEffect::no_schedule}));
  CHECK_FALSE(tolerates(all_no_schedule, Taint{"dedicated", "gpu", TaintEffect::no_execute}));
}

TEST_CASE("toleration with Exists matches the key with any value", "[core]") {
  const Toleration t = exists_tol("dedicated");
  CHECK(tolerates(t, Taint{"dedicated", "gpu", TaintEffect::no_schedule}));
  CHECK(tolerates(t, Taint{"dedicated", "", TaintEffect::no_execute}));
  CHECK_FALSE(tolerates(t, Taint{"other", "gpu", TaintEffect::no_schedule}));
  // Exists ignores the toleration's value.
  CHECK(tolerates(Toleration{"dedicated", true, "ignored", std::nullopt}, Taint{"dedicated", "gpu", TaintEffect::no_schedule}));
}

TEST_CASE("toleration with Equal matches key and value", "[core]") {
  const Toleration t = equal_tol("dedicated", "gpu");
  CHECK(tolerates(t, Taint{"dedicated", "gpu", TaintEffect::no_schedule}));
  CHECK(tolerates(t, Taint{"dedicated", "gpu", TaintEffect::prefer_no_schedule}));
  CHECK_FALSE(tolerates(t, Taint{"dedicated", "cpu", TaintEffect::no_schedule}));
  CHECK_FALSE(tolerates(t, Taint{"dedicated", "", TaintEffect::no_schedule}));
  CHECK_FALSE(tolerates(t, Taint{"Dedicated", "gpu", TaintEffect::no_schedule}));  // case-sensitive
  // Equal with an empty value matches a taint without a value.
  CHECK(tolerates(equal_tol("spot", ""), Taint{"spot", "", TaintEffect::no_schedule}));
  CHECK_FALSE(tolerates(equal_tol("spot", ""), Taint{"spot", "true", TaintEffect::no_schedule}));
}

TEST_CASE("toleration effect must match when set", "[core]") {
  const Taint taint{"dedicated", "gpu", TaintEffect::no_execute};
  CHECK(tolerates(equal_tol("dedicated", "gpu", TaintEffect::no_execute), taint));
  CHECK_FALSE(tolerates(equal_tol("dedicated", "gpu", TaintEffect::no_schedule), taint));
  CHECK_FALSE(tolerates(equal_tol("dedicated", "gpu", TaintEffect::prefer_no_schedule), taint));
  CHECK(tolerates(equal_tol("dedicated", "gpu"), taint));  // no effect: every effect
  CHECK_FALSE(tolerates(exists_tol("dedicated", TaintEffect::no_schedule), taint));
}

TEST_CASE("first_untolerated returns the first taint no toleration covers", "[core]") {
  const std::vector<Taint> taints = {
      {"dedicated", "gpu", TaintEffect::no_schedule},
      {"spot", "", TaintEffect::prefer_no_schedule},
      {"maintenance", "true", TaintEffect::no_execute},
  };
  CHECK_FALSE(first_untolerated({}, {}));
  CHECK_FALSE(first_untolerated({}, {equal_tol("x", "y")}));
  CHECK(first_untolerated(taints, {}) == taints[0]);
  CHECK(first_untolerated(taints, {equal_tol("dedicated", "gpu")}) == taints[1]);
  // PreferNoSchedule taints count too (Karpenter Taints.ToleratesPod).
  CHECK(first_untolerated(taints, {equal_tol("dedicated", "gpu"), exists_tol("spot")}) == taints[2]);
  CHECK_FALSE(first_untolerated(taints, {equal_tol("dedicated", "gpu"), exists_tol("spot"), exists_tol("maintenance")}));
  CHECK_FALSE(first_untolerated(taints, {exists_tol("")}));
  // Toleration order does not matter.
  CHECK_FALSE(first_untolerated(taints, {exists_tol("maintenance"), exists_tol("spot"), equal_tol("dedicated", "gpu")}));
  CHECK(first_untolerated(taints, {exists_tol("", TaintEffect::no_schedule)}) == taints[1]);
}

TEST_CASE("describe renders key=value:Effect", "[core]") {
  CHECK(capsim::describe(Taint{"dedicated", "gpu", TaintEffect::no_schedule}) == "dedicated=gpu:NoSchedule");
  CHECK(capsim::describe(Taint{"spot", "", TaintEffect::prefer_no_schedule}) == "spot:PreferNoSchedule");
  CHECK(capsim::describe(Taint{"node.kubernetes.io/unreachable", "", TaintEffect::no_execute}) ==
        "node.kubernetes.io/unreachable:NoExecute");
}
