// A Cluster Autoscaler node group on AWS: an Auto Scaling group as CA's AWS cloud provider sees it
// (cluster-autoscaler cloudprovider/aws/{auto_scaling_groups,aws_manager,aws_wrapper}.go) and the
// template nodes CA plans with (processors/nodeinfosprovider/mixed_nodeinfos_processor.go,
// simulator/node_info_utils.go, cloudprovider/aws/aws_manager.go buildNodeFromTemplate), plus
// the node-group similarity used by --balance-similar-node-groups
// (processors/nodegroupset/{compare_nodegroups,aws_nodegroups}.go).
//
// capsim has no ASG entity in the simulated cloud, so this file also holds the ASG's own side:
// how it launches instances to reach its desired capacity (Availability Zone balance, On-Demand /
// Spot split of a mixed-instances policy, the allocation strategies), as launch requests the sim
// sends to the cloud. That is AWS behaviour, not CA's; it is kept apart from the CA decisions.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/cluster/cluster_state.hpp"
#include "capsim/policy/autoscaler.hpp"
#include "capsim/scheduling/cluster_snapshot.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::policy::cluster_autoscaler {

// ASG tag prefixes CA reads (cloudprovider/aws/aws_manager.go).
inline constexpr std::string_view k_tag_label = "k8s.io/cluster-autoscaler/node-template/label/";
inline constexpr std::string_view k_tag_taint = "k8s.io/cluster-autoscaler/node-template/taint/";
inline constexpr std::string_view k_tag_resources = "k8s.io/cluster-autoscaler/node-template/resources/";
inline constexpr std::string_view k_tag_options = "k8s.io/cluster-autoscaler/node-template/autoscaling-options/";
// An EKS managed node group's ASG carries this tag; CA then also reads the node group's labels
// and taints from the EKS API (aws_manager.go managedNodegroupCache).
inline constexpr std::string_view k_tag_eks_nodegroup = "eks:nodegroup-name";

// The pods of a template node, owned (a template outlives the pods it was copied from).
struct TemplateNode {
  scheduling::SnapshotNode node;
  bool from_real_node{false};
  std::string source;  // "node ip-..." or "cloud (m5.large)"

  TemplateNode() = default;
  TemplateNode(const TemplateNode&) = delete;
  TemplateNode& operator=(const TemplateNode&) = delete;
  // Adds a pod that the template owns.
  void add_pod(std::shared_ptr<const cluster::PodSchedulingSpec> spec, Labels labels, std::string ns, bool daemon,
               bool mirror);

 private:
  struct Owned {
    std::shared_ptr<const cluster::PodSchedulingSpec> spec;
    Labels labels;
    std::string ns;
  };
  std::deque<Owned> m_owned;  // stable addresses
};

// One autoscaled node group (an ASG).
struct NodeGroupModel {
  spec::NodeGroup spec;
  int min_size{0};
  int max_size{0};
  int target_size{0};  // the ASG's desired capacity
  std::vector<std::string> zones;
  // The group's instance types in override order (one for a single-type group), with the
  // group's AMI family / kubelet parameters and offerings in its zones.
  std::vector<catalog::InstanceType> instance_types;
  // Per-ASG scale-down options from autoscaling-options tags.
  std::optional<double> scale_down_utilization_threshold;
  std::optional<Duration> scale_down_unneeded_time;
  std::optional<Duration> scale_down_unready_time;
  std::optional<bool> ignore_daemonsets_utilization;

  const std::string& name() const { return spec.name; }
  const catalog::InstanceType* template_type() const {
    return instance_types.empty() ? nullptr : &instance_types.front();
  }
  bool managed_node_group() const { return spec.tags.count(std::string(k_tag_eks_nodegroup)) > 0; }
};

// Builds the model of every autoscaled node group of the scenario, in scenario order. With a
// built-in fake catalog (spec.instanceCatalog) the types come from `fake_types`, as the sim's.
std::vector<NodeGroupModel> build_node_groups(const spec::Scenario& sc, const catalog::Catalog& cat,
                                              const std::vector<std::string>& scenario_zones,
                                              const std::vector<catalog::InstanceType>* fake_types = nullptr);
// The hourly price of one node of the group: the cheapest offering of its (first) instance type
// in its zones for the capacity type its next instance would get.
std::optional<Money> node_group_price(const NodeGroupModel& g);

// buildNodeFromTemplate: the optimistic template of a group without a usable node. Capacity from
// the first instance type (vCPU, MemoryMb, GPUs; resources tags override), 110 pods, allocatable
// = capacity; labels os/arch/instance type/region/zone (the first AZ)/hostname plus label tags
// (and the node group's labels for an EKS managed node group); taints from taint tags (and the
// group's taints for a managed one); a kube-proxy mirror pod of 100m CPU and every DaemonSet
// that would run on the node.
std::shared_ptr<const TemplateNode> cloud_template(const NodeGroupModel& g, const std::string& region,
                                                   const std::vector<DaemonSetView>& daemonsets);
// The sanitised copy of a real node (TemplateNodeInfoFromExampleNodeInfo): capacity,
// allocatable, labels (new hostname) and taints of the node (CA's ToBeDeleted / deletion
// candidate and not-ready taints removed), with only its DaemonSet and mirror pods.
std::shared_ptr<const TemplateNode> node_template_from(const cluster::Node& n, const cluster::ClusterState& state);

// A copy of a template node for the snapshot with a new name (its hostname too).
scheduling::SnapshotNode template_copy(const TemplateNode& t, const std::string& name);

// compare_nodegroups.go IsCloudProviderNodeInfoSimilar with the AWS ignored labels
// (aws_nodegroups.go): same capacity except memory within 1.5 %, allocatable and free resources
// within 5 %, equal labels apart from the ignored ones.
bool similar_templates(const scheduling::SnapshotNode& a, const scheduling::SnapshotNode& b);

// BalanceScaleUpBetweenGroups: spreads `new_nodes` over groups given as (target, max), smallest
// first, each capped at its max. Returns the new target of each group (same order).
std::vector<int> balance_scale_up(const std::vector<std::pair<int, int>>& groups, int new_nodes);

// ---------------------------------------------------------------------------------------------
// The ASG's side (AWS, not CA).

// The instances of a group as the ASG counts them: live nodes of the group not being deleted.
struct AsgInstances {
  int total{0};
  int on_demand{0};
  std::map<std::string, int> per_zone;
};
// `nodes`: the group's live node ids (every other node is skipped by its group).
AsgInstances count_instances(const NodeGroupModel& g, const cluster::ClusterState& state,
                             const std::vector<cluster::NodeId>& nodes);

// The launch requests the ASG makes for `count` more instances: each picks its capacity type
// from the On-Demand / Spot split, its Availability Zone by balance (fewest instances, ties in
// the group's zone order; the other zones follow as fallbacks, as an ASG retries a failed launch
// in another AZ) and its instance type order by the allocation strategy: On-Demand prioritized
// (override order) or lowest-price; Spot lowest-price, price-capacity-optimized (price x
// (1 + 0.05 x interruption band), SimulatedCloud's approximation) or capacity-optimized
// (interruption band, then override order).
std::vector<LaunchNode> plan_asg_launches(const NodeGroupModel& g, int count, AsgInstances instances,
                                          const catalog::Catalog& cat, const std::string& region,
                                          const std::string& reason);

// The zone a launch request planned first (kept in LaunchNode::tag, for AZ balance while the
// instance is still launching).
std::string planned_zone(const cluster::Node& n);

}  // namespace capsim::policy::cluster_autoscaler
