#include "sim/billing_input.hpp"

#include "capsim/core/labels.hpp"

namespace capsim::sim {
namespace {

std::vector<cloud::Volume> to_volumes(const std::vector<spec::EbsVolume>& in) {
  std::vector<cloud::Volume> out;
  out.reserve(in.size());
  for (const auto& v : in) out.push_back({v.volume_type, v.size_gib, v.iops, v.throughput_mibps});
  return out;
}

}  // namespace

cloud::BillingRates billing_rates(const spec::Pricing& pricing) {
  cloud::BillingRates r;
  r.on_demand_discount = pricing.on_demand_discount;
  r.family_discounts = pricing.family_discounts;
  r.eks_support = pricing.eks_support;
  r.ebs_usd_per_gib_month = pricing.ebs_usd_per_gib_month;
  for (const auto& p : pricing.prices)
    if (p.os == "windows" && p.capacity_type == "on-demand") r.windows_on_demand[p.instance_type] = p.price;
  return r;
}

std::vector<catalog::PriceChange> market_price_changes(const spec::Pricing& pricing) {
  std::vector<catalog::PriceChange> out;
  for (const auto& p : pricing.prices)
    if (p.os == "linux") out.push_back({p.instance_type, p.capacity_type, p.zone, p.price, p.source});
  return out;
}

std::vector<cloud::Volume> node_volumes(const spec::Scenario& scenario, const cluster::Node& node) {
  if (!node.node_pool.empty()) {
    for (const auto& np : scenario.node_pools)
      if (np.name == node.node_pool) {
        if (const auto* nc = scenario.find_node_class(np.node_class_ref)) return to_volumes(nc->volumes);
        break;
      }
    return to_volumes(spec::default_volumes("AL2023"));
  }
  for (const auto& g : scenario.node_groups)
    if (g.name == node.node_group) return to_volumes(spec::default_volumes(g.ami_family));
  return to_volumes(spec::default_volumes("AL2023"));
}

cloud::BilledInstance billed_instance(const spec::Scenario& scenario, const catalog::Catalog& cat,
                                      const cluster::Node& node, Duration running) {
  cloud::BilledInstance b;
  b.instance_type = node.instance_type;
  b.capacity_type = node.capacity_type;
  b.price_per_hour = node.price_per_hour;
  b.running = running;
  if (const auto* info = cat.find(node.instance_type)) {
    b.family = info->family;
    b.vcpu = info->vcpu;
  }
  b.on_demand_list_price = cat.on_demand_price(scenario.region, node.instance_type).value_or(node.price_per_hour);
  auto os = node.labels.find(label::k_os);
  b.windows = os != node.labels.end() && os->second == "windows";
  b.volumes = node_volumes(scenario, node);
  return b;
}

}  // namespace capsim::sim
