// The node-selector requirement algebra of Karpenter (pkg/scheduling/requirement.go,
// requirements.go): one Requirement per label key is a value set with a complement flag, optional
// integer bounds (exclusive, as upstream) and minValues; Requirements is a key -> Requirement map
// whose Add intersects. Intersects / Compatible implement NodePool <- pod compatibility.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/labels.hpp"

namespace capsim {

enum class Operator : std::uint8_t { in, not_in, exists, does_not_exist, gt, lt, gte, lte };

std::string_view operator_name(Operator op);
std::optional<Operator> parse_operator(std::string_view s);

class Requirement {
 public:
  // NewRequirement: In v... -> {v...}; NotIn -> complement of {v...}; Exists -> complement of {};
  // DoesNotExist -> {}; Gt n -> Exists with gt=n; Lt n -> Exists with lt=n; Gte/Lte likewise
  // inclusive. An unparsable bound makes the requirement DoesNotExist.
  Requirement(std::string key, Operator op, std::vector<std::string> values = {},
              std::optional<int> min_values = std::nullopt);

  const std::string& key() const { return m_key; }
  bool complement() const { return m_complement; }
  const std::vector<std::string>& values() const { return m_values; }  // sorted, unique
  std::optional<int> min_values() const { return m_min_values; }
  void set_min_values(std::optional<int> mv) { m_min_values = mv; }

  // Derived operator (Requirement.Operator): In, NotIn, Exists or DoesNotExist.
  Operator op() const;
  // Number of allowed values; complement sets are "infinite" (INT64_MAX - exclusions).
  std::int64_t len() const;
  bool has(std::string_view value) const;
  Requirement intersection(const Requirement& other) const;
  bool has_intersection(const Requirement& other) const;
  // A concrete value: the lexically smallest allowed one for In (upstream picks arbitrarily);
  // for complements the smallest integer string >= 1 that is allowed. Empty for DoesNotExist.
  std::string any() const;
  // "In [a b]", "NotIn [x]", "Exists", "DoesNotExist", with bounds when set.
  std::string describe() const;

  bool operator==(const Requirement& o) const = default;

 private:
  Requirement() = default;
  bool within_bounds(std::string_view value) const;
  static bool within(std::string_view value, const std::optional<std::int64_t>& gt,
                     const std::optional<std::int64_t>& lt);

  std::string m_key;
  bool m_complement{false};
  std::vector<std::string> m_values;
  std::optional<std::int64_t> m_gt;  // exclusive lower bound
  std::optional<std::int64_t> m_lt;  // exclusive upper bound
  std::optional<int> m_min_values;
};

// metav1.LabelSelector semantics (k8s.io/apimachinery labels.Selector): every matchLabels pair
// must be present, and every expression hold: In = present with a listed value, NotIn = absent or
// not listed, Exists = present, DoesNotExist = absent (Gt/Lt never match). An empty selector
// matches everything. `Expr` has `key`, `op` and `values`.
template <typename Map, typename Expr>
bool label_selector_matches(const Map& match_labels, const std::vector<Expr>& match_expressions, const Labels& labels) {
  for (const auto& [k, v] : match_labels) {
    const auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const auto& e : match_expressions) {
    const auto it = labels.find(e.key);
    const bool has = it != labels.end();
    bool listed = false;
    if (has)
      for (const auto& v : e.values) listed = listed || v == it->second;
    switch (e.op) {
      case Operator::in:
        if (!listed) return false;
        break;
      case Operator::not_in:
        if (listed) return false;
        break;
      case Operator::exists:
        if (!has) return false;
        break;
      case Operator::does_not_exist:
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

// Predicate deciding whether a label key is "well known" (may be left undefined by a NodePool).
using WellKnownFn = std::function<bool(std::string_view)>;

class Requirements {
 public:
  Requirements() = default;
  explicit Requirements(std::vector<Requirement> reqs);
  static Requirements from_labels(const Labels& labels);

  // Intersects into an existing requirement on the same key.
  void add(const Requirement& r);
  void add(const Requirements& rs);
  const Requirement* get(std::string_view key) const;
  bool has(std::string_view key) const { return get(key) != nullptr; }
  void erase(std::string_view key);
  const std::vector<Requirement>& items() const { return m_items; }  // sorted by key
  bool empty() const { return m_items.empty(); }
  bool has_min_values() const;

  // Requirements.Intersects: for keys on both sides the values must overlap, except that
  // NotIn/DoesNotExist on both sides is always fine. Returns the first conflict, or nullopt.
  std::optional<std::string> intersects(const Requirements& incoming) const;
  // Requirements.Compatible: incoming keys that are not well known must be defined here unless
  // their operator is NotIn/DoesNotExist ("custom labels must be declared"); then Intersects.
  std::optional<std::string> compatible(const Requirements& incoming, const WellKnownFn& well_known) const;
  // Every label satisfies its requirement (labels missing a key fail unless NotIn/DoesNotExist).
  bool matches(const Labels& labels) const;

  std::string describe() const;
  bool operator==(const Requirements& o) const = default;

 private:
  std::vector<Requirement> m_items;
};

}  // namespace capsim
