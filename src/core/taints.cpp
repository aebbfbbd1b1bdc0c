#include "capsim/core/taints.hpp"

namespace capsim {

std::string_view taint_effect_name(TaintEffect e) {
  switch (e) {
    case TaintEffect::no_schedule: return "NoSchedule";
    case TaintEffect::prefer_no_schedule: return "PreferNoSchedule";
    case TaintEffect::no_execute: return "NoExecute";
  }
  return "NoSchedule";
}

std::optional<TaintEffect> parse_taint_effect(std::string_view s) {
  if (s == "NoSchedule") return TaintEffect::no_schedule;
  if (s == "PreferNoSchedule") return TaintEffect::prefer_no_schedule;
  if (s == "NoExecute") return TaintEffect::no_execute;
  return std::nullopt;
}

bool tolerates(const Toleration& t, const Taint& taint) {
  if (t.effect && *t.effect != taint.effect) return false;
  if (!t.key.empty() && t.key != taint.key) return false;
  if (t.op_exists) return true;
  return t.value == taint.value;
}

std::optional<Taint> first_untolerated(const std::vector<Taint>& taints, const std::vector<Toleration>& tols) {
  for (const auto& taint : taints) {
    bool ok = false;
    for (const auto& t : tols) {
      if (tolerates(t, taint)) {
        ok = true;
        break;
      }
    }
    if (!ok) return taint;
  }
  return std::nullopt;
}

std::string describe(const Taint& t) {
  std::string s = t.key;
  if (!t.value.empty()) s += "=" + t.value;
  s += ":";
  s += taint_effect_name(t.effect);
  return s;
}

}  // namespace capsim
