// Cluster Autoscaler expanders (cluster-autoscaler expander/*): filters that keep the best of the
// scale-up options, chained as --expander lists them (expander/factory/chain.go): each filter
// runs on the survivors of the previous one, a single survivor is chosen at once, and a uniform
// random choice (seeded stream "cluster-autoscaler/expander") breaks the remaining tie.
//   random       uniform choice (expander/random/random.go)
//   most-pods    most pods placed (expander/mostpods/mostpods.go)
//   least-nodes  fewest nodes, options with 0 nodes ignored (expander/leastnodes/leastnodes.go)
//   least-waste  least (cpu + memory) fraction of template capacity left unused (expander/waste/waste.go)
//   priority     highest ConfigMap priority whose regex finds the group name (expander/priority/priority.go)
//   price        HYPOTHETICAL on AWS (expander/price/price.go with capsim's catalog prices): the AWS
//                provider has no pricing model and CA exits at start-up with this expander.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/money.hpp"
#include "capsim/core/resources.hpp"
#include "capsim/core/rng.hpp"

namespace capsim::policy::cluster_autoscaler {

// One scale-up option as the expanders see it (expander.Option).
struct ExpansionOption {
  std::string node_group;
  int node_count{0};
  int pod_count{0};
  ResourceList pod_requests;   // summed requests of the pods the estimator placed
  ResourceList node_capacity;  // capacity of the group's template node
  std::optional<Money> node_price;  // price expander only: hourly price of one node of the group
};

// What the price expander needs besides the options.
struct PriceContext {
  int cluster_nodes{0};           // nodes in the cluster now (preferred node size)
  double cpu_usd_per_hour{0};     // PodPrice: per requested vCPU
  double memory_usd_per_gib_hour{0};  // PodPrice: per requested GiB
};

class ExpanderFilter {
 public:
  virtual ~ExpanderFilter() = default;
  virtual std::string_view name() const = 0;
  // The best options among `in` (indexes into `options`), in input order.
  virtual std::vector<std::size_t> best(const std::vector<ExpansionOption>& options,
                                        const std::vector<std::size_t>& in) const = 0;
};

std::unique_ptr<ExpanderFilter> make_most_pods();
std::unique_ptr<ExpanderFilter> make_least_nodes();
std::unique_ptr<ExpanderFilter> make_least_waste();
// priorities: priority -> regular expressions (ECMAScript syntax; RE2 patterns CA users write
// are accepted as long as they are valid there).
std::unique_ptr<ExpanderFilter> make_priority(std::map<int, std::vector<std::string>> priorities);
std::unique_ptr<ExpanderFilter> make_price(PriceContext ctx);

// least-waste score of one option: (N*Ccpu - Rcpu)/(N*Ccpu) + (N*Cmem - Rmem)/(N*Cmem).
double waste_score(const ExpansionOption& o);
// price expander score of one option (lower is better); nullopt when the option has no price.
std::optional<double> price_score(const ExpansionOption& o, const PriceContext& ctx);

class ExpanderChain {
 public:
  // names as --expander lists them; "random" may only be last (it is the fallback anyway).
  ExpanderChain(const std::vector<std::string>& names, std::map<int, std::vector<std::string>> priorities,
                std::uint64_t seed);
  // The chosen option, or nullopt when no option is left. `price` feeds the price expander.
  std::optional<std::size_t> choose(const std::vector<ExpansionOption>& options, const PriceContext& price = {});
  // Which filter decided the last choice ("random" when the tie-break did), for the decision log.
  const std::string& decided_by() const { return m_decided_by; }
  const std::vector<std::string>& names() const { return m_names; }

 private:
  std::vector<std::string> m_names;
  std::map<int, std::vector<std::string>> m_priorities;
  Rng m_rng;
  std::string m_decided_by;
};

}  // namespace capsim::policy::cluster_autoscaler
