#include "capsim/core/resources.hpp"

#include <algorithm>

namespace capsim {
namespace {
constexpr std::string_view k_names[k_fixed_resources] = {
    "cpu",          "memory",         "pods",        "ephemeral-storage",
    "nvidia.com/gpu", "amd.com/gpu",  "aws.amazon.com/neuron", "aws.amazon.com/neuroncore",
    "vpc.amazonaws.com/efa", "habana.ai/gaudi", "vpc.amazonaws.com/pod-eni", "nodes"};

int fixed_index(std::string_view name) {
  for (std::size_t i = 0; i < k_fixed_resources; ++i)
    if (k_names[i] == name) return static_cast<int>(i);
  return -1;
}

}  // namespace

bool is_memory_like(std::string_view name) { return name == "memory" || name == "ephemeral-storage"; }

std::string_view resource_name(Resource r) { return k_names[static_cast<std::size_t>(r)]; }

Quantity ResourceList::get(std::string_view name) const {
  int i = fixed_index(name);
  if (i >= 0) return Quantity{m_fixed[static_cast<std::size_t>(i)]};
  auto it = std::lower_bound(m_extended.begin(), m_extended.end(), name,
                             [](const auto& e, std::string_view n) { return e.first < n; });
  if (it != m_extended.end() && it->first == name) return Quantity{it->second};
  return Quantity{0};
}

void ResourceList::set(std::string_view name, Quantity q) {
  int i = fixed_index(name);
  if (i >= 0) {
    m_fixed[static_cast<std::size_t>(i)] = q.milli;
    return;
  }
  // Extended entries are never stored as zero, so equal lists compare equal however they were built.
  auto it = std::lower_bound(m_extended.begin(), m_extended.end(), name,
                             [](const auto& e, std::string_view n) { return e.first < n; });
  if (it != m_extended.end() && it->first == name) {
    if (q.milli == 0) m_extended.erase(it);
    else it->second = q.milli;
  } else if (q.milli != 0) {
    m_extended.insert(it, {std::string(name), q.milli});
  }
}

ResourceList& ResourceList::operator+=(const ResourceList& o) {
  if (&o == this) return *this += ResourceList(o);  // set() below may reshape m_extended
  for (std::size_t i = 0; i < k_fixed_resources; ++i) m_fixed[i] += o.m_fixed[i];
  for (const auto& [n, v] : o.m_extended) set(n, Quantity{get(n).milli + v});
  return *this;
}

ResourceList& ResourceList::operator-=(const ResourceList& o) {
  if (&o == this) return *this -= ResourceList(o);
  for (std::size_t i = 0; i < k_fixed_resources; ++i) m_fixed[i] -= o.m_fixed[i];
  for (const auto& [n, v] : o.m_extended) set(n, Quantity{get(n).milli - v});
  return *this;
}

void ResourceList::max_with(const ResourceList& o) {
  for (std::size_t i = 0; i < k_fixed_resources; ++i) m_fixed[i] = std::max(m_fixed[i], o.m_fixed[i]);
  for (const auto& [n, v] : o.m_extended)
    if (v > get(n).milli) set(n, Quantity{v});
}

void ResourceList::clamp_non_negative() {
  for (auto& v : m_fixed) v = std::max<std::int64_t>(v, 0);
  std::erase_if(m_extended, [](const auto& e) { return e.second <= 0; });
}

bool ResourceList::any_negative() const {
  for (auto v : m_fixed)
    if (v < 0) return true;
  for (const auto& e : m_extended)
    if (e.second < 0) return true;
  return false;
}

bool ResourceList::is_zero() const {
  for (auto v : m_fixed)
    if (v != 0) return false;
  for (const auto& e : m_extended)
    if (e.second != 0) return false;
  return true;
}

bool ResourceList::fits_in(const ResourceList& avail) const {
  if (avail.any_negative()) return false;
  for (std::size_t i = 0; i < k_fixed_resources; ++i)
    if (m_fixed[i] > avail.m_fixed[i]) return false;
  for (const auto& [n, v] : m_extended)
    if (v > avail.get(n).milli) return false;
  return true;
}

bool ResourceList::fits_in(const ResourceList& total, const ResourceList& used) const {
  if (!m_extended.empty() || !total.m_extended.empty() || !used.m_extended.empty()) return fits_in(total - used);
  bool fits = true;
  for (std::size_t i = 0; i < k_fixed_resources; ++i) {
    const std::int64_t left = total.m_fixed[i] - used.m_fixed[i];
    if (left < 0) return false;
    if (m_fixed[i] > left) fits = false;
  }
  return fits;
}

std::string ResourceList::first_exceeding(const ResourceList& avail) const {
  for (std::size_t i = 0; i < k_fixed_resources; ++i)
    if (m_fixed[i] > avail.m_fixed[i] || avail.m_fixed[i] < 0) return std::string(k_names[i]);
  // Consistent with fits_in: a negative available amount fails even when nothing requests it.
  std::string first;
  for (const auto& [n, v] : m_extended)
    if (v > avail.get(n).milli) {
      first = n;
      break;
    }
  for (const auto& [n, v] : avail.m_extended)
    if (v < 0 && (first.empty() || n < first)) {
      first = n;
      break;
    }
  return first;
}

std::vector<std::pair<std::string, Quantity>> ResourceList::sorted_entries() const {
  std::vector<std::pair<std::string, Quantity>> out;
  for (std::size_t i = 0; i < k_fixed_resources; ++i)
    if (m_fixed[i] != 0) out.emplace_back(std::string(k_names[i]), Quantity{m_fixed[i]});
  for (const auto& [n, v] : m_extended)
    if (v != 0) out.emplace_back(n, Quantity{v});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::string to_string(const ResourceList& r) {
  std::string out;
  for (const auto& [n, q] : r.sorted_entries()) {
    if (!out.empty()) out += ' ';
    out += n;
    out += '=';
    if (is_memory_like(n)) out += format_bytes(q);
    else out += format_cpu(q);
  }
  return out.empty() ? "{}" : out;
}

}  // namespace capsim
