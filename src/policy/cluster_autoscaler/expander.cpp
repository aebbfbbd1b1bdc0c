#include "capsim/policy/cluster_autoscaler/expander.hpp"

#include <algorithm>
#include <cmath>
#include <regex>

#include "capsim/core/diagnostic.hpp"

namespace capsim::policy::cluster_autoscaler {

namespace {

class MostPods final : public ExpanderFilter {
 public:
  std::string_view name() const override { return "most-pods"; }
  std::vector<std::size_t> best(const std::vector<ExpansionOption>& o, const std::vector<std::size_t>& in) const override {
    int most = 0;
    std::vector<std::size_t> out;
    for (auto i : in) {
      if (o[i].pod_count > most) {
        most = o[i].pod_count;
        out.clear();
      }
      if (o[i].pod_count == most) out.push_back(i);
    }
    return out;
  }
};

class LeastNodes final : public ExpanderFilter {
 public:
  std::string_view name() const override { return "least-nodes"; }
  std::vector<std::size_t> best(const std::vector<ExpansionOption>& o, const std::vector<std::size_t>& in) const override {
    std::optional<int> least;
    std::vector<std::size_t> out;
    for (auto i : in) {
      if (o[i].node_count <= 0) continue;  // options adding no node are ignored
      if (!least || o[i].node_count < *least) {
        least = o[i].node_count;
        out.clear();
      }
      if (o[i].node_count == *least) out.push_back(i);
    }
    return out;
  }
};

class LeastWaste final : public ExpanderFilter {
 public:
  std::string_view name() const override { return "least-waste"; }
  std::vector<std::size_t> best(const std::vector<ExpansionOption>& o, const std::vector<std::size_t>& in) const override {
    // waste.go: exact float ties are kept (no epsilon).
    std::optional<double> least;
    std::vector<std::size_t> out;
    for (auto i : in) {
      const double w = waste_score(o[i]);
      if (!least || w < *least) {
        least = w;
        out.clear();
      }
      if (w == *least) out.push_back(i);
    }
    return out;
  }
};

class Priority final : public ExpanderFilter {
 public:
  explicit Priority(std::map<int, std::vector<std::string>> p) {
    for (auto& [prio, patterns] : p) {
      std::vector<std::regex> res;
      for (const auto& s : patterns) {
        try {
          res.emplace_back(s, std::regex::ECMAScript);
        } catch (const std::regex_error&) {
          // The loader rejects invalid patterns; an invalid one here simply never matches.
        }
      }
      m_rules.emplace_back(prio, std::move(res));
    }
    // Highest priority first.
    std::sort(m_rules.begin(), m_rules.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  }
  std::string_view name() const override { return "priority"; }
  std::vector<std::size_t> best(const std::vector<ExpansionOption>& o, const std::vector<std::size_t>& in) const override {
    // priority.go: an option takes the highest priority whose regex finds its group name
    // (MatchString is a substring search); options matching nothing are dropped; when nothing
    // matches at all (or there is no config), every option passes.
    if (m_rules.empty()) return in;
    std::optional<int> best_prio;
    std::vector<std::size_t> out;
    for (auto i : in) {
      std::optional<int> prio;
      for (const auto& [p, res] : m_rules) {
        const bool hit = std::any_of(res.begin(), res.end(),
                                     [&](const std::regex& r) { return std::regex_search(o[i].node_group, r); });
        if (hit) {
          prio = p;
          break;
        }
      }
      if (!prio) continue;
      if (!best_prio || *prio > *best_prio) {
        best_prio = prio;
        out.clear();
      }
      if (*prio == *best_prio) out.push_back(i);
    }
    if (out.empty()) return in;
    return out;
  }

 private:
  std::vector<std::pair<int, std::vector<std::regex>>> m_rules;
};

class Price final : public ExpanderFilter {
 public:
  explicit Price(PriceContext ctx) : m_ctx(ctx) {}
  std::string_view name() const override { return "price"; }
  std::vector<std::size_t> best(const std::vector<ExpansionOption>& o, const std::vector<std::size_t>& in) const override {
    std::optional<double> least;
    std::vector<std::size_t> out;
    for (auto i : in) {
      auto s = price_score(o[i], m_ctx);
      if (!s) continue;  // a pricing error drops the option
      if (!least || *s < *least) {
        least = s;
        out.clear();
      }
      if (*s == *least) out.push_back(i);
    }
    return out;
  }

 private:
  PriceContext m_ctx;
};

}  // namespace

std::unique_ptr<ExpanderFilter> make_most_pods() { return std::make_unique<MostPods>(); }
std::unique_ptr<ExpanderFilter> make_least_nodes() { return std::make_unique<LeastNodes>(); }
std::unique_ptr<ExpanderFilter> make_least_waste() { return std::make_unique<LeastWaste>(); }
std::unique_ptr<ExpanderFilter> make_priority(std::map<int, std::vector<std::string>> p) {
  return std::make_unique<Priority>(std::move(p));
}
std::unique_ptr<ExpanderFilter> make_price(PriceContext ctx) { return std::make_unique<Price>(ctx); }

double waste_score(const ExpansionOption& o) {
  const double n = o.node_count;
  const double cap_cpu = n * static_cast<double>(o.node_capacity.cpu_millis());
  const double cap_mem = n * static_cast<double>(o.node_capacity.memory_bytes());
  double score = 0;
  if (cap_cpu > 0) score += (cap_cpu - static_cast<double>(o.pod_requests.cpu_millis())) / cap_cpu;
  if (cap_mem > 0) score += (cap_mem - static_cast<double>(o.pod_requests.memory_bytes())) / cap_mem;
  return score;
}

std::optional<double> price_score(const ExpansionOption& o, const PriceContext& ctx) {
  if (!o.node_price) return std::nullopt;
  constexpr double k_gib = 1024.0 * 1024.0 * 1024.0;
  const auto pod_price = [&](double cpu_millis, double mem_bytes) {
    return cpu_millis / 1000.0 * ctx.cpu_usd_per_hour + mem_bytes / k_gib * ctx.memory_usd_per_gib_hour;
  };
  // price.go: one hour of node and pod prices; a 500m / 500Mi stabilisation pod on both sides.
  const double node_cost = o.node_price->usd() * o.node_count;
  const double pod_cost = pod_price(static_cast<double>(o.pod_requests.cpu_millis()),
                                    static_cast<double>(o.pod_requests.memory_bytes()));
  const double stab = pod_price(500.0, 500.0 * 1024 * 1024);
  const double price_ratio = (node_cost + stab) / (pod_cost + stab);
  // SimplePreferredNodeProvider: the CPU of the preferred node grows with the cluster size.
  const int n = ctx.cluster_nodes;
  const double pref_cpu = n <= 2 ? 1000 : n <= 6 ? 2000 : n <= 20 ? 4000 : n <= 60 ? 8000 : n <= 200 ? 16000 : 32000;
  const double node_cpu = static_cast<double>(o.node_capacity.cpu_millis());
  double unfitness = 1.0;
  if (node_cpu > 0) unfitness = std::max(pref_cpu / node_cpu, node_cpu / pref_cpu);
  double suppressed = (unfitness - 1.0) * (1.0 - std::tanh((o.node_count - 1) / 15.0)) + 1.0;
  if (o.node_capacity.get(Resource::nvidia_gpu).milli > 0) suppressed = 1000.0;  // GPU nodes for non-GPU work
  return suppressed * price_ratio;
}

ExpanderChain::ExpanderChain(const std::vector<std::string>& names, std::map<int, std::vector<std::string>> priorities,
                             std::uint64_t seed)
    : m_names(names), m_priorities(std::move(priorities)), m_rng(seed, "cluster-autoscaler/expander") {}

std::optional<std::size_t> ExpanderChain::choose(const std::vector<ExpansionOption>& options, const PriceContext& price) {
  std::vector<std::size_t> left(options.size());
  for (std::size_t i = 0; i < options.size(); ++i) left[i] = i;
  m_decided_by.clear();
  for (const auto& name : m_names) {
    if (name == "random") break;  // the fallback below
    std::unique_ptr<ExpanderFilter> f;
    if (name == "most-pods") f = make_most_pods();
    else if (name == "least-nodes") f = make_least_nodes();
    else if (name == "least-waste") f = make_least_waste();
    else if (name == "priority") f = make_priority(m_priorities);
    else if (name == "price") f = make_price(price);
    CAPSIM_ASSERT(f != nullptr, "unknown expander " + name);
    left = f->best(options, left);
    if (left.size() == 1) {
      m_decided_by = name;
      return left.front();
    }
  }
  if (left.empty()) return std::nullopt;
  // random.go: a uniform choice among what is left.
  m_decided_by = "random";
  const auto k = m_rng.uniform_int(0, static_cast<std::int64_t>(left.size()) - 1);
  return left[static_cast<std::size_t>(k)];
}

}  // namespace capsim::policy::cluster_autoscaler
