#include "capsim/core/requirements.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace capsim {
namespace {

// strconv.Atoi: base 10, an optional sign ('+' included), int64 range.
std::optional<std::int64_t> parse_int(std::string_view s) {
  if (s.size() > 1 && s[0] == '+' && s[1] >= '0' && s[1] <= '9') s.remove_prefix(1);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

template <typename T>
std::optional<T> max_opt(const std::optional<T>& a, const std::optional<T>& b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}
template <typename T>
std::optional<T> min_opt(const std::optional<T>& a, const std::optional<T>& b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

bool contains(const std::vector<std::string>& sorted, std::string_view v) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), v, [](const std::string& a, std::string_view b) { return a < b; });
  return it != sorted.end() && *it == v;
}

bool is_negative_op(Operator op) { return op == Operator::not_in || op == Operator::does_not_exist; }

// No integer v with gt < v < lt (upstream: gte > lte after canonicalising Gt n to Gte n+1).
bool empty_bounds(const std::optional<std::int64_t>& gt, const std::optional<std::int64_t>& lt) {
  return gt && lt && (*gt >= *lt || *gt + 1 == *lt);
}

}  // namespace

std::string_view operator_name(Operator op) {
  switch (op) {
    case Operator::in: return "In";
    case Operator::not_in: return "NotIn";
    case Operator::exists: return "Exists";
    case Operator::does_not_exist: return "DoesNotExist";
    case Operator::gt: return "Gt";
    case Operator::lt: return "Lt";
    case Operator::gte: return "Gte";
    case Operator::lte: return "Lte";
  }
  return "In";
}

std::optional<Operator> parse_operator(std::string_view s) {
  for (Operator op : {Operator::in, Operator::not_in, Operator::exists, Operator::does_not_exist, Operator::gt,
                      Operator::lt, Operator::gte, Operator::lte})
    if (operator_name(op) == s) return op;
  return std::nullopt;
}

Requirement::Requirement(std::string key, Operator op, std::vector<std::string> values, std::optional<int> min_values)
    : m_key(label::normalize_key(key)), m_min_values(min_values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  auto bound = [&]() -> std::optional<std::int64_t> {
    if (values.size() != 1) return std::nullopt;
    return parse_int(values.front());
  };
  switch (op) {
    case Operator::in: m_values = std::move(values); break;
    case Operator::not_in:
      m_complement = true;
      m_values = std::move(values);
      break;
    case Operator::exists: m_complement = true; break;
    case Operator::does_not_exist: break;
    case Operator::gt:
    case Operator::lt:
    case Operator::gte:
    case Operator::lte: {
      auto b = bound();
      if (!b) break;  // unparsable bound: nothing satisfies it (DoesNotExist)
      m_complement = true;
      if (op == Operator::gt) {
        if (*b == std::numeric_limits<std::int64_t>::max()) {
          m_complement = false;  // Gt MaxInt -> DoesNotExist
        } else {
          m_gt = *b;
        }
      } else if (op == Operator::gte) {
        // Exclusive bounds cannot express Gte INT64_MIN / Lte INT64_MAX; saturate (only the limit
        // value itself is lost) rather than overflow.
        m_gt = *b == std::numeric_limits<std::int64_t>::min() ? *b : *b - 1;
      } else if (op == Operator::lt) {
        m_lt = *b;
      } else {
        m_lt = *b == std::numeric_limits<std::int64_t>::max() ? *b : *b + 1;
      }
      break;
    }
  }
}

bool Requirement::within(std::string_view value, const std::optional<std::int64_t>& gt,
                         const std::optional<std::int64_t>& lt) {
  if (!gt && !lt) return true;
  auto v = parse_int(value);
  if (!v) return false;
  if (gt && *v <= *gt) return false;
  if (lt && *v >= *lt) return false;
  return true;
}

bool Requirement::within_bounds(std::string_view value) const { return within(value, m_gt, m_lt); }

std::int64_t Requirement::len() const {
  if (m_complement) return std::numeric_limits<std::int64_t>::max() - static_cast<std::int64_t>(m_values.size());
  return static_cast<std::int64_t>(m_values.size());
}

Operator Requirement::op() const {
  if (m_complement) return len() < std::numeric_limits<std::int64_t>::max() ? Operator::not_in : Operator::exists;
  return m_values.empty() ? Operator::does_not_exist : Operator::in;
}

bool Requirement::has(std::string_view value) const {
  if (m_complement) return !contains(m_values, value) && within_bounds(value);
  return contains(m_values, value) && within_bounds(value);
}

Requirement Requirement::intersection(const Requirement& o) const {
  Requirement r;
  r.m_key = m_key;
  r.m_complement = m_complement && o.m_complement;
  r.m_gt = max_opt(m_gt, o.m_gt);
  r.m_lt = min_opt(m_lt, o.m_lt);
  r.m_min_values = max_opt(m_min_values, o.m_min_values);
  if (empty_bounds(r.m_gt, r.m_lt)) {
    r.m_complement = false;
    r.m_gt.reset();
    r.m_lt.reset();
    return r;  // DoesNotExist
  }
  std::vector<std::string> vals;
  if (m_complement && o.m_complement) {
    std::set_union(m_values.begin(), m_values.end(), o.m_values.begin(), o.m_values.end(), std::back_inserter(vals));
  } else if (m_complement) {
    std::set_difference(o.m_values.begin(), o.m_values.end(), m_values.begin(), m_values.end(), std::back_inserter(vals));
  } else if (o.m_complement) {
    std::set_difference(m_values.begin(), m_values.end(), o.m_values.begin(), o.m_values.end(), std::back_inserter(vals));
  } else {
    std::set_intersection(m_values.begin(), m_values.end(), o.m_values.begin(), o.m_values.end(),
                          std::back_inserter(vals));
  }
  if (r.m_gt || r.m_lt) {
    std::erase_if(vals, [&](const std::string& v) { return !within(v, r.m_gt, r.m_lt); });
  }
  r.m_values = std::move(vals);
  if (!r.m_complement) {
    r.m_gt.reset();
    r.m_lt.reset();
  }
  return r;
}

bool Requirement::has_intersection(const Requirement& o) const {
  auto gt = max_opt(m_gt, o.m_gt);
  auto lt = min_opt(m_lt, o.m_lt);
  if (empty_bounds(gt, lt)) return false;
  if (m_complement && o.m_complement) return true;
  if (m_complement) {
    for (const auto& v : o.m_values)
      if (!contains(m_values, v) && within(v, gt, lt)) return true;
    return false;
  }
  if (o.m_complement) {
    for (const auto& v : m_values)
      if (!contains(o.m_values, v) && within(v, gt, lt)) return true;
    return false;
  }
  // Both concrete: walk the two sorted lists.
  auto a = m_values.begin();
  auto b = o.m_values.begin();
  while (a != m_values.end() && b != o.m_values.end()) {
    if (*a < *b) ++a;
    else if (*b < *a) ++b;
    else {
      if (within(*a, gt, lt)) return true;
      ++a;
      ++b;
    }
  }
  return false;
}

std::string Requirement::any() const {
  if (!m_complement) return m_values.empty() ? std::string() : m_values.front();
  // Walk up from 1 (or just above the lower bound) to the upper bound; without a lower bound, then
  // walk down below both (Lt 1 -> "0", as upstream). m_gt < INT64_MAX always (Gt MaxInt is DoesNotExist).
  constexpr int k_tries = 1'000'000;
  const std::int64_t lo = m_gt ? *m_gt + 1 : 1;
  std::int64_t v = lo;
  for (int i = 0; i < k_tries && (!m_lt || v < *m_lt); ++i, ++v) {
    if (has(std::to_string(v))) return std::to_string(v);
    if (v == std::numeric_limits<std::int64_t>::max()) break;
  }
  if (m_gt) return {};
  v = m_lt ? std::min(lo, *m_lt) : lo;
  for (int i = 0; i < k_tries && v != std::numeric_limits<std::int64_t>::min(); ++i) {
    --v;
    if (has(std::to_string(v))) return std::to_string(v);
  }
  return {};
}

std::string Requirement::describe() const {
  std::string s = m_key + " ";
  s += operator_name(op());
  if (!m_values.empty()) {
    s += " [";
    for (std::size_t i = 0; i < m_values.size(); ++i) {
      if (i) s += " ";
      s += m_values[i];
    }
    s += "]";
  }
  if (m_gt) s += " >" + std::to_string(*m_gt);
  if (m_lt) s += " <" + std::to_string(*m_lt);
  if (m_min_values) s += " minValues " + std::to_string(*m_min_values);
  return s;
}

Requirements::Requirements(std::vector<Requirement> reqs) {
  for (const auto& r : reqs) add(r);
}

Requirements Requirements::from_labels(const Labels& labels) {
  Requirements rs;
  rs.m_items.reserve(labels.size());
  for (const auto& [k, v] : labels) rs.add(Requirement(k, Operator::in, {v}));
  return rs;
}

void Requirements::add(const Requirement& r) {
  auto it = std::lower_bound(m_items.begin(), m_items.end(), r.key(),
                             [](const Requirement& a, const std::string& k) { return a.key() < k; });
  if (it != m_items.end() && it->key() == r.key()) {
    *it = it->intersection(r);
  } else {
    m_items.insert(it, r);
  }
}

void Requirements::add(const Requirements& rs) {
  for (const auto& r : rs.m_items) add(r);
}

const Requirement* Requirements::get(std::string_view key) const {
  auto it = std::lower_bound(m_items.begin(), m_items.end(), key,
                             [](const Requirement& a, std::string_view k) { return a.key() < k; });
  if (it != m_items.end() && it->key() == key) return &*it;
  return nullptr;
}

void Requirements::erase(std::string_view key) {
  std::erase_if(m_items, [&](const Requirement& r) { return r.key() == key; });
}

bool Requirements::has_min_values() const {
  return std::any_of(m_items.begin(), m_items.end(), [](const Requirement& r) { return r.min_values().has_value(); });
}

std::optional<std::string> Requirements::intersects(const Requirements& incoming) const {
  auto a = m_items.begin();
  auto b = incoming.m_items.begin();
  while (a != m_items.end() && b != incoming.m_items.end()) {
    if (a->key() < b->key()) {
      ++a;
    } else if (b->key() < a->key()) {
      ++b;
    } else {
      if (!a->has_intersection(*b)) {
        if (!(is_negative_op(b->op()) && is_negative_op(a->op())))
          return "key " + a->key() + ", " + b->describe().substr(a->key().size() + 1) + " not in " +
                 a->describe().substr(a->key().size() + 1);
      }
      ++a;
      ++b;
    }
  }
  return std::nullopt;
}

std::optional<std::string> Requirements::compatible(const Requirements& incoming, const WellKnownFn& well_known) const {
  for (const auto& r : incoming.m_items) {
    if (well_known && well_known(r.key())) continue;
    if (has(r.key()) || is_negative_op(r.op())) continue;
    return "label \"" + r.key() + "\" does not have known values";
  }
  return intersects(incoming);
}

bool Requirements::matches(const Labels& labels) const {
  for (const auto& r : m_items) {
    auto it = labels.find(r.key());
    if (it == labels.end()) {
      Operator op = r.op();
      if (op == Operator::not_in || op == Operator::does_not_exist) continue;
      return false;
    }
    if (!r.has(it->second)) return false;
  }
  return true;
}

std::string Requirements::describe() const {
  std::string s;
  for (const auto& r : m_items) {
    if (!s.empty()) s += ", ";
    s += r.describe();
  }
  return s;
}

}  // namespace capsim
