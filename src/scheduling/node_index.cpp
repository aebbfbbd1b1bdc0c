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
  while (m_leaves < m_nodes.size()) m_leaves *= 2;
  constexpr std::int64_t none = std::numeric_limits<std::int64_t>::min();
  m_tree.assign(2 * m_leaves, Max{none, none, none});
  for (std::size_t i = 0; i < m_nodes.size(); ++i) {
    const ResourceList& r = m_nodes[i]->remaining;
    // ResourceList::fits_in: a node with any negative remaining amount fits nothing.
    if (r.any_negative()) continue;
    m_tree[m_leaves + i] = Max{r.get(Resource::cpu).milli, r.get(Resource::memory).milli, r.get(Resource::pods).milli};
  }
  for (std::size_t k = m_leaves - 1; k >= 1; --k) {
    const Max& a = m_tree[2 * k];
    const Max& b = m_tree[2 * k + 1];
    m_tree[k] = Max{std::max(a.cpu, b.cpu), std::max(a.memory, b.memory), std::max(a.pods, b.pods)};
  }
}

std::size_t NodeIndex::position(cluster::NodeId id) const {
  auto it = std::lower_bound(m_positions.begin(), m_positions.end(), std::make_pair(id, std::uint32_t{0}));
  return it != m_positions.end() && it->first == id ? it->second : size();
}

std::size_t NodeIndex::find(std::size_t k, std::size_t lo, std::size_t hi, std::size_t from, const Max& want) const {
  if (hi <= from) return size();
  const Max& m = m_tree[k];
  if (m.cpu < want.cpu || m.memory < want.memory || m.pods < want.pods) return size();
  if (k >= m_leaves) return lo < size() ? lo : size();
  const std::size_t mid = (lo + hi) / 2;
  const std::size_t left = find(2 * k, lo, mid, from, want);
  if (left != size()) return left;
  return find(2 * k + 1, mid, hi, from, want);
}

std::size_t NodeIndex::next_fit(std::size_t from, std::int64_t cpu, std::int64_t memory, std::int64_t pods) const {
  if (from >= size()) return size();
  return find(1, 0, m_leaves, from, Max{cpu, memory, pods});
}

}  // namespace capsim::scheduling
