#include "capsim/policy/registry.hpp"

#include "capsim/core/diagnostic.hpp"
#include "capsim/policy/cluster_autoscaler/cluster_autoscaler.hpp"
#include "capsim/policy/karpenter/karpenter.hpp"
#include "capsim/policy/lower_bound/lower_bound.hpp"
#include "capsim/policy/handover.hpp"
#include "capsim/policy/static_policy.hpp"

namespace capsim::policy {

std::vector<std::string> available_autoscalers() { return {"cluster-autoscaler", "karpenter", "lower-bound", "static"}; }

namespace {
std::unique_ptr<Autoscaler> make_single(const std::string& name, const PolicyContext& ctx);
}  // namespace

// A timeline `handover` from this autoscaler wraps it: it decides until the handover, the target
// afterwards (policy/handover.hpp). Only the first handover from an autoscaler applies.
std::unique_ptr<Autoscaler> make_autoscaler(const std::string& name, const PolicyContext& ctx) {
  auto policy = make_single(name, ctx);
  const std::string first = ctx.scenario.autoscalers.empty() ? std::string() : ctx.scenario.autoscalers.front();
  for (const auto& e : ctx.scenario.timeline) {
    if (e.kind != spec::TimelineKind::handover) continue;
    const std::string& from = e.handover_from.empty() ? first : e.handover_from;
    if (from != name) continue;
    return std::make_unique<Handover>(std::move(policy), make_single(e.handover_to, ctx), SimTime{0} + e.at);
  }
  return policy;
}

namespace {
std::unique_ptr<Autoscaler> make_single(const std::string& name, const PolicyContext& ctx) {
  if (name == "karpenter") {
    karpenter::Config cfg;
    cfg.settings = ctx.scenario.karpenter;
    cfg.node_pools = ctx.scenario.node_pools;
    cfg.node_classes = ctx.scenario.node_classes;
    cfg.catalog = ctx.catalog;
    cfg.region = ctx.scenario.region;
    cfg.zones = ctx.zones;
    cfg.fake_instance_types = ctx.fake_instance_types;
    cfg.pdbs = ctx.scenario.pdbs;
    cfg.start_time_unix_s = ctx.scenario.start_time_unix_s;
    cfg.exact = ctx.exact;
    return std::make_unique<karpenter::Karpenter>(std::move(cfg));
  }
  if (name == "cluster-autoscaler") {
    auto cfg = cluster_autoscaler::make_config(ctx.scenario, ctx.catalog, ctx.zones, ctx.fake_instance_types.get());
    cfg.exact = ctx.exact;
    return std::make_unique<cluster_autoscaler::ClusterAutoscaler>(std::move(cfg));
  }
  if (name == "static") return std::make_unique<StaticPolicy>();
  if (name == lower_bound::k_name) return std::make_unique<lower_bound::LowerBound>(ctx);
  throw InputError({Diagnostic{ctx.scenario.file, 0, 0, Severity::error, "spec.autoscalers",
                               "autoscaler \"" + name + "\" is not available in this build (available: cluster-autoscaler, karpenter, lower-bound, static)"}});
}
}  // namespace

}  // namespace capsim::policy
