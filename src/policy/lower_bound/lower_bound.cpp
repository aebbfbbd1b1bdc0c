// The lower-bound policy: the allowed instance types of every configured autoscaler, priced and
// sized as lower_bound.hpp says, and the memoised covering LP over them.
#include "capsim/policy/lower_bound/lower_bound.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

#include "capsim/catalog/fake_provider.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/core/labels.hpp"
#include "capsim/policy/node_class.hpp"
#include "capsim/scheduling/solver.hpp"

namespace capsim::policy::lower_bound {
namespace {

constexpr double k_bytes_per_gib = 1073741824.0;

// The types of one NodeClass in `zones`: the fake catalog's, or the EC2 catalog's.
std::vector<catalog::InstanceType> types_for(const PolicyContext& ctx, const std::vector<std::string>& zones,
                                             const catalog::NodeClassParams& params) {
  if (ctx.fake_instance_types) return catalog::fake_types_in_zones(*ctx.fake_instance_types, zones);
  return catalog::build_instance_types(*ctx.catalog, ctx.scenario.region, zones, params);
}

// The cheapest available offering accepted by `allowed`; ties by capacity type, then zone.
template <typename Allowed>
std::optional<catalog::Offering> cheapest(const catalog::InstanceType& it, Allowed allowed) {
  std::optional<catalog::Offering> best;
  for (const auto& o : it.offerings) {
    if (!o.available || !allowed(o)) continue;
    if (!best || std::tie(o.price, o.capacity_type, o.zone) < std::tie(best->price, best->capacity_type, best->zone))
      best = o;
  }
  return best;
}

void add_column(std::vector<Column>& out, const catalog::InstanceType& it, const std::string& source,
                const catalog::Offering& o) {
  Column c{it.name, source, o.capacity_type, o.zone, o.price, it.allocatable};
  for (const auto& e : out)
    if (e.instance_type == c.instance_type && e.price == c.price && e.allocatable.cpu_millis() == c.allocatable.cpu_millis() &&
        e.allocatable.memory_bytes() == c.allocatable.memory_bytes() && e.allocatable.pods() == c.allocatable.pods())
      return;
  out.push_back(std::move(c));
}

// One NodePool version under one NodeClass version; mirrors Karpenter::build_pools
// (policy/karpenter/karpenter.cpp): NodeClass parameters, zones, requirements.
void add_node_pool(const PolicyContext& ctx, const spec::NodePool& p, const spec::NodeClass* nc, std::vector<Column>& out) {
  const spec::Scenario& sc = ctx.scenario;
  const catalog::NodeClassParams params = node_pool_params(p, nc, sc.karpenter.vm_memory_overhead_percent);
  const std::vector<std::string> zones = node_class_zones(nc, ctx.zones);
  Requirements reqs;
  for (const auto& r : p.requirements) reqs.add(Requirement(r.key, r.op, r.values, r.min_values));
  for (const auto& [k, v] : p.labels) reqs.add(Requirement(k, Operator::in, {v}));
  for (const auto& it : types_for(ctx, zones, params)) {
    if (it.requirements.intersects(reqs)) continue;
    auto o = cheapest(it, [&](const catalog::Offering& off) { return scheduling::offering_compatible(off, reqs); });
    if (o) add_column(out, it, "nodepool/" + p.name, *o);
  }
}

// Every NodePool version (the scenario's and each timeline `update`) under every version of its
// NodeClass, so that the bound also covers what an update allows.
void add_node_pools(const PolicyContext& ctx, std::vector<Column>& out) {
  const spec::Scenario& sc = ctx.scenario;
  std::vector<const spec::NodePool*> pools;
  std::vector<const spec::NodeClass*> classes;
  for (const auto& p : sc.node_pools) pools.push_back(&p);
  for (const auto& c : sc.node_classes) classes.push_back(&c);
  for (const auto& e : sc.timeline) {
    for (const auto& p : e.node_pool_updates) pools.push_back(&p);
    for (const auto& c : e.node_class_updates) classes.push_back(&c);
  }
  for (const auto* p : pools) {
    bool any = false;
    for (const auto* c : classes) {
      if (c->name != p->node_class_ref) continue;
      add_node_pool(ctx, *p, c, out);
      any = true;
    }
    if (!any) add_node_pool(ctx, *p, nullptr, out);
  }
}

void add_node_groups(const PolicyContext& ctx, std::vector<Column>& out) {
  for (const auto& g : ctx.scenario.node_groups) {
    std::vector<std::string> zones = g.zones.empty() ? ctx.zones : g.zones;
    std::set<std::string> names{g.instance_type};
    if (g.mixed_instances) names.insert(g.mixed_instances->overrides.begin(), g.mixed_instances->overrides.end());
    // The capacity types the group's instances can have, whatever its size.
    std::set<std::string> capacity_types;
    const int size = std::max({g.count, g.max_size.value_or(0), 1});
    for (int i = 0; i < size && capacity_types.size() < 2; ++i) capacity_types.insert(g.capacity_type_at(i));
    for (const auto& it : types_for(ctx, zones, node_group_params(g))) {
      if (!names.count(it.name)) continue;
      auto in_group = [&](const catalog::Offering& o) {
        return capacity_types.count(o.capacity_type) &&
               std::find(zones.begin(), zones.end(), o.zone) != zones.end();
      };
      auto o = cheapest(it, in_group);
      // A fake type without such an offering is billed at its first offering (sim/world.cpp).
      if (!o && ctx.fake_instance_types) o = cheapest(it, [](const catalog::Offering&) { return true; });
      if (o) add_column(out, it, "nodegroup/" + g.name, *o);
    }
  }
}

}  // namespace

std::vector<Column> allowed_columns(const PolicyContext& ctx) {
  std::vector<Column> out;
  const spec::Scenario& sc = ctx.scenario;
  add_node_pools(ctx, out);
  const bool autoscaled_groups =
      std::any_of(sc.node_groups.begin(), sc.node_groups.end(), [](const spec::NodeGroup& g) { return g.autoscaled(); });
  if (sc.node_pools.empty() && !autoscaled_groups) {
    // No autoscaler configuration: every type with a price in the region, on-demand, AL2023.
    for (const auto& it : types_for(ctx, ctx.zones, catalog::NodeClassParams{})) {
      auto o = cheapest(it, [](const catalog::Offering& off) { return off.capacity_type == label::k_on_demand; });
      if (o) add_column(out, it, "region", *o);
    }
  }
  add_node_groups(ctx, out);
  return out;
}

LowerBound::LowerBound(const PolicyContext& ctx) : m_columns(allowed_columns(ctx)) {
  std::vector<CoverColumn> all;
  all.reserve(m_columns.size());
  for (const auto& c : m_columns)
    all.push_back(CoverColumn{c.price.usd(), static_cast<double>(c.allocatable.cpu_millis()) / 1000.0,
                              static_cast<double>(c.allocatable.memory_bytes()) / k_bytes_per_gib,
                              static_cast<double>(c.allocatable.pods())});
  m_lp_columns = undominated_columns(all);
  for (auto j : m_lp_columns) m_lp.push_back(all[j]);
}

const CoverSolution& LowerBound::solve(const CoverDemand& demand) {
  auto it = m_memo.find(demand);
  if (it != m_memo.end()) return it->second;
  CoverSolution s = solve_cover_lp(m_lp, demand);
  for (auto& [j, x] : s.mix) j = m_lp_columns[j];
  return m_memo.emplace(demand, std::move(s)).first->second;
}

}  // namespace capsim::policy::lower_bound
