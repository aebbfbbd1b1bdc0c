// What the bill of a run needs from the scenario (spec.pricing, the volumes of each node) and
// which market prices replace the catalog's; the bill itself is cloud::compute_bill.
#pragma once

#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/cloud/billing.hpp"
#include "capsim/cluster/objects.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::sim {

// spec.pricing's billing-only parts: discounts, Windows prices of the price file, EBS rates, EKS.
cloud::BillingRates billing_rates(const spec::Pricing& pricing);
// spec.pricing's Linux prices (price file, spotPrices), which the autoscalers decide with.
std::vector<catalog::PriceChange> market_price_changes(const spec::Pricing& pricing);
// The EBS volumes of a node: its NodePool's node class mappings (else the AL2023 defaults), or its
// node group's AMI family defaults.
std::vector<cloud::Volume> node_volumes(const spec::Scenario& scenario, const cluster::Node& node);
// A node's bill entry (running = its billed time so far).
cloud::BilledInstance billed_instance(const spec::Scenario& scenario, const catalog::Catalog& cat,
                                      const cluster::Node& node, Duration running);

}  // namespace capsim::sim
