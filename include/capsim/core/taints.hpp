// Taints and tolerations with Kubernetes' matching rule (k8s.io/api core/v1 Toleration.ToleratesTaint).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace capsim {

enum class TaintEffect : std::uint8_t { no_schedule, prefer_no_schedule, no_execute };

std::string_view taint_effect_name(TaintEffect e);
std::optional<TaintEffect> parse_taint_effect(std::string_view s);

struct Taint {
  std::string key;
  std::string value;
  TaintEffect effect{TaintEffect::no_schedule};
  bool operator==(const Taint&) const = default;
};

struct Toleration {
  std::string key;  // empty with op exists: tolerates every key
  bool op_exists{false};
  std::string value;
  std::optional<TaintEffect> effect;  // empty: every effect
  bool operator==(const Toleration&) const = default;
};

bool tolerates(const Toleration& t, const Taint& taint);
// Karpenter Taints.ToleratesPod: every taint (any effect, PreferNoSchedule included) must be
// tolerated. Returns the first taint not tolerated.
std::optional<Taint> first_untolerated(const std::vector<Taint>& taints, const std::vector<Toleration>& tols);
std::string describe(const Taint& t);

}  // namespace capsim
