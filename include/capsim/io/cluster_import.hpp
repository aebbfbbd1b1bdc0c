// `capsim import cluster`: the JSON (or YAML) of `kubectl get nodes,pods,nodepools,nodeclaims,
// ec2nodeclasses,provisioners,awsnodetemplates,pdb,priorityclasses,deployments,statefulsets,
// daemonsets,jobs -A -o json` -> a scenario whose simulated cluster starts as the real one:
//
//  - Karpenter nodes (label karpenter.sh/nodepool, or karpenter.sh/provisioner-name) become
//    spec.nodeClaims entries of their NodePool, with their instance type, zone, capacity type
//    and age; the NodePools, EC2NodeClasses, Provisioners and AWSNodeTemplates are copied
//    verbatim (status and server-set metadata removed);
//  - EKS managed node group nodes (label eks.amazonaws.com/nodegroup) become spec.nodeGroups
//    entries listing each node (`nodes`), with the group's common labels and taints and its AMI
//    family from the nodes' OS image; `--nodes MIN:MAX:NAME` (the Cluster Autoscaler's flag)
//    makes a group an Auto Scaling group the Cluster Autoscaler scales; other nodes become static
//    groups per instance type;
//  - bound pods stay on their nodes (`pods` of each node) as pods of their workload: Deployments
//    (through the ReplicaSet's pod-template-hash), StatefulSets, ReplicaSets, Jobs and bare Pods,
//    with the controllers' replica counts (a controller missing from the dump is rebuilt from its
//    pods); DaemonSet pods come back from their DaemonSets; PodDisruptionBudgets and
//    PriorityClasses are kept.
//
// Pod templates keep what capsim models (requests, limits, host ports, node selector, affinity,
// tolerations, spread constraints, priority, grace period, local-storage volumes); images, env
// and secrets are dropped silently, every other field once with a warning. Finished pods and
// Jobs, mirror pods and objects of other kinds are skipped and counted. The result is loaded
// back (so it is a valid scenario) and every bound pod is checked against capsim's allocatable
// for its node: pods that do not fit stay pending at t = 0, with a warning.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/core/diagnostic.hpp"

namespace capsim::io {

struct ClusterImportOptions {
  std::vector<std::string> inputs;  // files (JSON or YAML, a List or objects) or directories of them
  std::string name{"imported-cluster"};
  std::string duration{"1h"};
  std::vector<std::string> node_group_sizes;  // "MIN:MAX:NAME", as the Cluster Autoscaler's --nodes
  // The dump's time (ages are measured to it); default: its newest creationTimestamp.
  std::optional<std::int64_t> now_unix_s;
  std::string output_name{"scenario.yaml"};  // the file name diagnostics of the result refer to
  int skip_bad{0};  // bad Node objects left out (with a warning each) before the import fails
};

struct ClusterImport {
  std::string yaml;                   // the scenario file
  std::vector<Diagnostic> warnings;   // each once
  int nodes{0}, karpenter_nodes{0}, node_group_nodes{0}, bound_pods{0}, workloads{0};
};

// Throws InputError (file:line:col and the object's path) for a malformed dump.
ClusterImport import_cluster(const ClusterImportOptions& opts, const catalog::Catalog& cat);

}  // namespace capsim::io
