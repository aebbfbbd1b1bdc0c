#include "capsim/scheduling/node_index.hpp"

#include <algorithm>
#include <limits>

namespace capsim::scheduling {

NodeIndex::NodeIndex(std::vector<ExistingNodeRef> nodes, bool presorted) {
  if (!presorted)
    std::stable_sort(nodes.begin(), nodes.end(), [](const ExistingNodeRef& a, const ExistingNodeRef& b) {
      if (a.in->initialized != b.in->initialized) return a.in->initialized;
      return a.in->name < b.in->name;
    });
  m_nodes.reserve(nodes.size());
  for (const auto& n : nodes) {
    if (n.in->has_required_anti_affinity) m_anti_affinity.push_back(n.in->id);
    if (n.accepts_pods) m_positions.emplace_back(n.in->id, static_cast<std::uint32_t>(m_nodes.size()));
    (n.accepts_pods ? m_nodes : m_count_only).push_back(n.in);
  }
  std::sort(m_positions.begin(), m_positions.end());
  m_fit = FitTree(m_nodes.size());
  for (std::size_t i = 0; i < m_nodes.size(); ++i) m_fit.set_leaf(i, m_nodes[i]->remaining);
  m_fit.rebuild();
}

std::size_t NodeIndex::position(cluster::NodeId id) const {
  auto it = std::lower_bound(m_positions.begin(), m_positions.end(), std::make_pair(id, std::uint32_t{0}));
  return it != m_positions.end() && it->first == id ? it->second : size();
}

FitTree::FitTree(std::size_t n) : m_size(n) {
  while (m_leaves < n) m_leaves *= 2;
  constexpr std::int64_t none = std::numeric_limits<std::int64_t>::min();
  m_tree.assign(2 * m_leaves, Max{none, none, none});
}

void FitTree::update(std::size_t leaf, const Max& m) {
  std::size_t k = m_leaves + leaf;
  m_tree[k] = m;
  for (k /= 2; k >= 1; k /= 2) {
    const Max& a = m_tree[2 * k];
    const Max& b = m_tree[2 * k + 1];
    m_tree[k] = Max{std::max(a.cpu, b.cpu), std::max(a.memory, b.memory), std::max(a.pods, b.pods)};
  }
}

FitTree::Max FitTree::amounts(const ResourceList& r) {
  constexpr std::int64_t none = std::numeric_limits<std::int64_t>::min();
  if (r.any_negative()) return Max{none, none, none};
  return Max{r.get(Resource::cpu).milli, r.get(Resource::memory).milli, r.get(Resource::pods).milli};
}

void FitTree::set(std::size_t i, const ResourceList& r) { update(i, amounts(r)); }

void FitTree::clear(std::size_t i) {
  constexpr std::int64_t none = std::numeric_limits<std::int64_t>::min();
  update(i, Max{none, none, none});
}

void FitTree::set_leaf(std::size_t i, const ResourceList& r) { m_tree[m_leaves + i] = amounts(r); }

void FitTree::rebuild() {
  for (std::size_t k = m_leaves - 1; k >= 1; --k) {
    const Max& a = m_tree[2 * k];
    const Max& b = m_tree[2 * k + 1];
    m_tree[k] = Max{std::max(a.cpu, b.cpu), std::max(a.memory, b.memory), std::max(a.pods, b.pods)};
  }
}

std::size_t FitTree::find(std::size_t k, std::size_t lo, std::size_t hi, std::size_t from, const Max& want) const {
  if (hi <= from) return m_size;
  const Max& m = m_tree[k];
  if (m.cpu < want.cpu || m.memory < want.memory || m.pods < want.pods) return m_size;
  if (k >= m_leaves) return lo < m_size ? lo : m_size;
  const std::size_t mid = (lo + hi) / 2;
  const std::size_t left = find(2 * k, lo, mid, from, want);
  if (left != m_size) return left;
  return find(2 * k + 1, mid, hi, from, want);
}

std::size_t FitTree::next_fit(std::size_t from, std::int64_t cpu, std::int64_t memory, std::int64_t pods) const {
  if (from >= m_size) return m_size;
  return find(1, 0, m_leaves, from, Max{cpu, memory, pods});
}

}  // namespace capsim::scheduling
