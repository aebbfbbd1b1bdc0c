// The Cluster Autoscaler parts of the Scenario document: spec.clusterAutoscaler (flags under their
// flag names, defaults, version rules, the expander chain, the priority expander ConfigMap) and the
// Auto Scaling group fields of spec.nodeGroups[]; every error with its exact message and position.
#include <catch2/catch.hpp>

#include "capsim/io/scenario_loader.hpp"
#include "unit/io/io_scenario_test_support.hpp"

using namespace capsim;
using capsim::io::test::load_errors;
using capsim::io::test::rendered;
using capsim::io::test::single_error;
using capsim::io::test::tiny_catalog;

namespace {

// A Scenario document whose spec ends with `lines` (each indented by 2); line 4 is the first.
std::string doc(const std::string& lines) {
  return "apiVersion: capsim.dev/v1alpha1\n"  // 1
         "kind: Scenario\n"                   // 2
         "spec:\n" +                          // 3
         lines;
}

spec::Scenario load(const std::string& text) { return io::load_scenario_text(text, "scenarios/x.yaml", *tiny_catalog()); }

}  // namespace

TEST_CASE("clusterAutoscaler: CA's defaults (1.33)", "[io][ca]") {
  const auto sc = load(doc("  region: us-east-1\n"));
  const auto& ca = sc.cluster_autoscaler;
  CHECK(ca.version == "1.33");
  CHECK(ca.effective_expander() == std::vector<std::string>{"least-waste"});
  CHECK(ca.scan_interval == Duration::seconds(10));
  CHECK(ca.scale_down_utilization_threshold == 0.5);
  CHECK(ca.scale_down_unneeded_time == Duration::minutes(10));
  CHECK(ca.scale_down_delay_after_add == Duration::minutes(10));
  CHECK(ca.scale_down_delay_after_delete == Duration{0});
  CHECK(ca.scale_down_delay_after_failure == Duration::minutes(3));
  CHECK(ca.max_node_provision_time == Duration::minutes(15));
  CHECK(ca.new_pod_scale_up_delay == Duration{0});
  CHECK_FALSE(ca.balance_similar_node_groups);
  CHECK(ca.max_nodes_total == 0);
  CHECK(ca.cores_total_min == 0);
  CHECK(ca.cores_total_max == 320000);
  CHECK(ca.memory_total_max_gib == 6400000);
  CHECK(ca.max_scale_down_parallelism == 10);
  CHECK(ca.max_drain_parallelism == 1);
  CHECK_FALSE(ca.max_empty_bulk_delete);
  CHECK_FALSE(ca.ignore_daemonsets_utilization);
  CHECK(ca.skip_nodes_with_local_storage);
  CHECK(ca.skip_nodes_with_system_pods);
  CHECK(ca.ok_total_unready_count == 3);
  CHECK(ca.priorities.empty());
}

TEST_CASE("clusterAutoscaler: flags under their names", "[io][ca]") {
  const auto sc = load(doc("  clusterAutoscaler:\n"
                           "    version: \"1.30\"\n"
                           "    expander: priority, least-waste\n"
                           "    scan-interval: 30s\n"
                           "    scale-down-utilization-threshold: 0.65\n"
                           "    scale-down-unneeded-time: 5m\n"
                           "    scale-down-delay-after-add: 2m\n"
                           "    scale-down-delay-after-delete: 10s\n"
                           "    scale-down-delay-after-failure: 1m\n"
                           "    max-node-provision-time: 10m\n"
                           "    balance-similar-node-groups: true\n"
                           "    max-nodes-total: 40\n"
                           "    cores-total: \"8:256\"\n"
                           "    memory-total: \"32:1024\"\n"
                           "    max-scale-down-parallelism: 5\n"
                           "    max-drain-parallelism: 2\n"
                           "    ignore-daemonsets-utilization: true\n"
                           "    skip-nodes-with-local-storage: false\n"
                           "    skip-nodes-with-system-pods: false\n"
                           "    new-pod-scale-up-delay: 5s\n"
                           "    max-empty-bulk-delete: 4\n"
                           "    ok-total-unready-count: 1\n"
                           "    priorityExpanderConfig: |\n"
                           "      10:\n"
                           "        - .*spot.*\n"
                           "      50:\n"
                           "        - ^reserved-.*\n"));
  const auto& ca = sc.cluster_autoscaler;
  CHECK(ca.minor() == 30);
  CHECK(ca.effective_expander() == std::vector<std::string>{"priority", "least-waste"});
  CHECK(ca.scan_interval == Duration::seconds(30));
  CHECK(ca.scale_down_utilization_threshold == 0.65);
  CHECK(ca.scale_down_unneeded_time == Duration::minutes(5));
  CHECK(ca.scale_down_delay_after_add == Duration::minutes(2));
  CHECK(ca.scale_down_delay_after_delete == Duration::seconds(10));
  CHECK(ca.scale_down_delay_after_failure == Duration::minutes(1));
  CHECK(ca.max_node_provision_time == Duration::minutes(10));
  CHECK(ca.balance_similar_node_groups);
  CHECK(ca.max_nodes_total == 40);
  CHECK(ca.cores_total_min == 8);
  CHECK(ca.cores_total_max == 256);
  CHECK(ca.memory_total_min_gib == 32);
  CHECK(ca.memory_total_max_gib == 1024);
  CHECK(ca.max_scale_down_parallelism == 5);
  CHECK(ca.max_drain_parallelism == 2);
  CHECK(ca.ignore_daemonsets_utilization);
  CHECK_FALSE(ca.skip_nodes_with_local_storage);
  CHECK_FALSE(ca.skip_nodes_with_system_pods);
  CHECK(ca.new_pod_scale_up_delay == Duration::seconds(5));
  CHECK(ca.max_empty_bulk_delete == 4);
  CHECK(ca.ok_total_unready_count == 1);
  CHECK(ca.priorities == std::map<int, std::vector<std::string>>{{10, {".*spot.*"}}, {50, {"^reserved-.*"}}});
}

TEST_CASE("clusterAutoscaler: the default expander follows the version", "[io][ca]") {
  CHECK(load(doc("  clusterAutoscaler: {version: \"1.32\"}\n")).cluster_autoscaler.effective_expander() ==
        std::vector<std::string>{"random"});
  CHECK(load(doc("  clusterAutoscaler: {version: \"1.33.2\"}\n")).cluster_autoscaler.effective_expander() ==
        std::vector<std::string>{"least-waste"});
  // The ConfigMap may also be written as a map.
  CHECK(load(doc("  clusterAutoscaler: {expander: priority, priorityExpanderConfig: {10: [a], 20: [b, c]}}\n"))
            .cluster_autoscaler.priorities == std::map<int, std::vector<std::string>>{{10, {"a"}}, {20, {"b", "c"}}});
}

TEST_CASE("clusterAutoscaler: errors", "[io][ca]") {
  CHECK(single_error(doc("  clusterAutoscaler: {scan-intervall: 10s}\n")) ==
        "scenarios/x.yaml:4:23: error: spec.clusterAutoscaler: unknown key \"scan-intervall\", did you mean "
        "\"scan-interval\"?");
  CHECK(single_error(doc("  clusterAutoscaler: {version: \"2.0\"}\n")) ==
        "scenarios/x.yaml:4:32: error: spec.clusterAutoscaler.version: expected a Cluster Autoscaler version from "
        "\"1.24\" to \"1.36\" such as \"1.33\", got \"2.0\"");
  CHECK(single_error(doc("  clusterAutoscaler: {expander: cheapest}\n")) ==
        "scenarios/x.yaml:4:33: error: spec.clusterAutoscaler.expander: unknown expander \"cheapest\", expected one of "
        "\"random\", \"most-pods\", \"least-nodes\", \"least-waste\", \"price\", \"priority\", \"grpc\" "
        "(comma-separated for a chain)");
  CHECK(single_error(doc("  clusterAutoscaler: {expander: \"random,least-waste\"}\n")) ==
        "scenarios/x.yaml:4:33: error: spec.clusterAutoscaler.expander: expander \"random\" picks a single option and "
        "may only be the last of the chain");
  CHECK(single_error(doc("  clusterAutoscaler: {expander: \"least-waste,least-waste\"}\n")) ==
        "scenarios/x.yaml:4:33: error: spec.clusterAutoscaler.expander: expander \"least-waste\" is listed twice");
  CHECK(single_error(doc("  clusterAutoscaler: {expander: grpc}\n")) ==
        "scenarios/x.yaml:4:33: error: spec.clusterAutoscaler.expander: expander \"grpc\" calls an external service "
        "and cannot be simulated");
  CHECK(single_error(doc("  clusterAutoscaler: {scale-down-utilization-threshold: 1.5}\n")) ==
        "scenarios/x.yaml:4:57: error: spec.clusterAutoscaler.scale-down-utilization-threshold: expected a "
        "fraction from 0 to 1 such as 0.5, got \"1.5\"");
  CHECK(single_error(doc("  clusterAutoscaler: {scale-down-unneeded-time: soon}\n")) ==
        "scenarios/x.yaml:4:49: error: spec.clusterAutoscaler.scale-down-unneeded-time: expected a duration such "
        "as \"30s\", got \"soon\"");
  CHECK(single_error(doc("  clusterAutoscaler: {cores-total: 320000}\n")) ==
        "scenarios/x.yaml:4:36: error: spec.clusterAutoscaler.cores-total: expected \"<min>:<max>\" such as "
        "\"0:320000\", got \"320000\"");
  CHECK(single_error(doc("  clusterAutoscaler: {memory-total: \"10:5\"}\n")) ==
        "scenarios/x.yaml:4:37: error: spec.clusterAutoscaler.memory-total: min 10 is greater than max 5");
  CHECK(single_error(doc("  clusterAutoscaler: {max-empty-bulk-delete: 10}\n")) ==
        "scenarios/x.yaml:4:23: error: spec.clusterAutoscaler.max-empty-bulk-delete: flag removed in Cluster "
        "Autoscaler 1.33 (version \"1.33\"); use max-scale-down-parallelism, or set version below \"1.33\"");
  CHECK(single_error(doc("  clusterAutoscaler: {max-nodes-total: -1}\n")) ==
        "scenarios/x.yaml:4:40: error: spec.clusterAutoscaler.max-nodes-total: expected an integer from 0 to "
        "1000000, got \"-1\"");
  CHECK(single_error(doc("  clusterAutoscaler:\n"
                         "    priorityExpanderConfig: |\n"
                         "      10: [\"(unclosed\"]\n")) ==
        "scenarios/x.yaml:5:29: error: spec.clusterAutoscaler.priorityExpanderConfig[10][0]: invalid regular "
        "expression \"(unclosed\"");
  CHECK(single_error(doc("  clusterAutoscaler:\n"
                         "    priorityExpanderConfig: {high: [a]}\n")) ==
        "scenarios/x.yaml:5:30: error: spec.clusterAutoscaler.priorityExpanderConfig: expected an integer priority, "
        "got \"high\"");
}

TEST_CASE("clusterAutoscaler: warnings for the priority expander without a ConfigMap and for price", "[io][ca]") {
  const auto sc = load(doc("  clusterAutoscaler: {expander: \"priority,price\"}\n"));
  REQUIRE(sc.warnings.size() == 2);
  CHECK(sc.warnings[0].render() ==
        "scenarios/x.yaml:4:33: warning: spec.clusterAutoscaler.expander: expander \"priority\" without "
        "priorityExpanderConfig: the ConfigMap is missing, so every option passes it");
  CHECK(sc.warnings[1].render() ==
        "scenarios/x.yaml:4:33: warning: spec.clusterAutoscaler.expander: expander \"price\" is hypothetical on AWS: "
        "Cluster Autoscaler refuses to start with it (the AWS provider has no pricing model); capsim runs it with "
        "catalog prices");
}

TEST_CASE("nodeGroups: Auto Scaling group fields", "[io][ca]") {
  const auto sc = load(doc("  region: us-east-1\n"
                           "  nodeGroups:\n"
                           "    - name: static\n"
                           "      instanceType: m5.large\n"
                           "      count: 2\n"
                           "    - name: asg\n"
                           "      instanceType: m5.xlarge\n"
                           "      minSize: 1\n"
                           "      maxSize: 10\n"
                           "      zones: [us-east-1a]\n"
                           "      labels: {team: a}\n"
                           "      annotations: {cluster-autoscaler.kubernetes.io/scale-down-disabled: \"true\"}\n"
                           "      tags:\n"
                           "        k8s.io/cluster-autoscaler/node-template/label/team: a\n"
                           "        k8s.io/cluster-autoscaler/node-template/taint/dedicated: \"batch:NoSchedule\"\n"
                           "        k8s.io/cluster-autoscaler/node-template/resources/ephemeral-storage: 100Gi\n"
                           "        k8s.io/cluster-autoscaler/node-template/autoscaling-options/scaledownunneededtime: 5m\n"
                           "        Name: workers\n"
                           "    - name: mixed\n"
                           "      desiredCapacity: 3\n"
                           "      maxSize: 20\n"
                           "      mixedInstancesPolicy:\n"
                           "        overrides: [{instanceType: c6i.xlarge}, {instanceType: m5.xlarge}]\n"
                           "        onDemandBaseCapacity: 1\n"
                           "        onDemandPercentageAboveBaseCapacity: 50\n"
                           "        spotAllocationStrategy: price-capacity-optimized\n"));
  REQUIRE(sc.node_groups.size() == 3);
  const auto& st = sc.node_groups[0];
  CHECK_FALSE(st.autoscaled());
  CHECK(st.count == 2);
  const auto& asg = sc.node_groups[1];
  CHECK(asg.autoscaled());
  CHECK(*asg.min_size == 1);
  CHECK(*asg.max_size == 10);
  CHECK(asg.count == 1);  // desired capacity defaults to minSize
  CHECK(asg.tags.size() == 5);
  CHECK(asg.annotations.at("cluster-autoscaler.kubernetes.io/scale-down-disabled") == "true");
  const auto& mixed = sc.node_groups[2];
  CHECK(mixed.count == 3);
  CHECK(mixed.instance_type == "c6i.xlarge");  // the first override
  REQUIRE(mixed.mixed_instances);
  CHECK(mixed.mixed_instances->overrides == std::vector<std::string>{"c6i.xlarge", "m5.xlarge"});
  CHECK(mixed.mixed_instances->on_demand_base_capacity == 1);
  CHECK(mixed.mixed_instances->spot_allocation_strategy == "price-capacity-optimized");
  CHECK(mixed.mixed_instances->on_demand_allocation_strategy == "prioritized");
  // Base 1, then 50 % above it rounded up in favour of On-Demand.
  CHECK(mixed.on_demand_count(1) == 1);
  CHECK(mixed.on_demand_count(2) == 2);
  CHECK(mixed.on_demand_count(3) == 2);
  CHECK(mixed.on_demand_count(5) == 3);
  CHECK(mixed.capacity_type_at(0) == "on-demand");
  CHECK(mixed.capacity_type_at(1) == "on-demand");
  CHECK(mixed.capacity_type_at(2) == "spot");
}

TEST_CASE("nodeGroups: Auto Scaling group errors", "[io][ca]") {
  const auto groups = [](const std::string& entry) { return doc("  nodeGroups:\n    - " + entry + "\n"); };
  CHECK(single_error(groups("{name: a, instanceType: m5.large, minSize: 1}")) ==
        "scenarios/x.yaml:5:41: error: spec.nodeGroups[0].minSize: minSize needs maxSize (a node group with maxSize "
        "is an Auto Scaling group the Cluster Autoscaler scales; without it the nodes are static)");
  CHECK(single_error(groups("{name: a, instanceType: m5.large, minSize: 5, maxSize: 3}")) ==
        "scenarios/x.yaml:5:50: error: spec.nodeGroups[0].minSize: minSize 5 is greater than maxSize 3");
  CHECK(single_error(groups("{name: a, instanceType: m5.large, maxSize: 3, desiredCapacity: 4}")) ==
        "scenarios/x.yaml:5:70: error: spec.nodeGroups[0].desiredCapacity: desiredCapacity 4 is above maxSize 3");
  CHECK(single_error(groups("{name: a, instanceType: m5.large, maxSize: 3, count: 1, desiredCapacity: 1}")) ==
        "scenarios/x.yaml:5:63: error: spec.nodeGroups[0].desiredCapacity: give desiredCapacity or count, not both "
        "(count is the desired capacity of an autoscaled node group)");
  CHECK(single_error(groups("{name: a, maxSize: 3}")) ==
        "scenarios/x.yaml:5:7: error: spec.nodeGroups[0]: missing required key \"instanceType\"");
  CHECK(single_error(groups("{name: a, instanceType: m5.large, maxSize: 3, mixedInstancesPolicy: {overrides: "
                            "[{instanceType: m5.large}]}}")) ==
        "scenarios/x.yaml:5:53: error: spec.nodeGroups[0]: expected exactly one of \"instanceType\", "
        "\"mixedInstancesPolicy\", got both");
  CHECK(single_error(groups("{name: a, maxSize: 3, mixedInstancesPolicy: {overrides: [{instanceType: m5.huge}]}}")) ==
        "scenarios/x.yaml:5:79: error: spec.nodeGroups[0].mixedInstancesPolicy.overrides[0].instanceType: unknown "
        "instance type \"m5.huge\"");
  CHECK(single_error(groups("{name: a, maxSize: 3, mixedInstancesPolicy: {overrides: []}}")) ==
        "scenarios/x.yaml:5:63: error: spec.nodeGroups[0].mixedInstancesPolicy.overrides: expected at least one "
        "override, got none");
  CHECK(single_error(groups("{name: a, maxSize: 3, mixedInstancesPolicy: {overrides: [{instanceType: m5.large}], "
                            "spotAllocationStrategy: cheapest}}")) ==
        "scenarios/x.yaml:5:115: error: spec.nodeGroups[0].mixedInstancesPolicy.spotAllocationStrategy: expected one "
        "of \"lowest-price\", \"price-capacity-optimized\", \"capacity-optimized\", got \"cheapest\"");
  CHECK(single_error(groups("{name: a, instanceType: m5.large, maxSize: 3, tags: "
                            "{k8s.io/cluster-autoscaler/node-template/taint/gpu: \"true\"}}")) ==
        "scenarios/x.yaml:5:111: error: spec.nodeGroups[0].tags[\"k8s.io/cluster-autoscaler/node-template/taint/gpu\"]"
        ": expected \"<value>:<effect>\" with effect NoSchedule, PreferNoSchedule or NoExecute, got \"true\"");
  CHECK(single_error(groups("{name: a, instanceType: m5.large, maxSize: 3, tags: "
                            "{k8s.io/cluster-autoscaler/node-template/resources/ephemeral-storage: lots}}")) ==
        "scenarios/x.yaml:5:129: error: spec.nodeGroups[0].tags[\"k8s.io/cluster-autoscaler/node-template/resources/"
        "ephemeral-storage\"]: expected a quantity such as \"100Gi\", got \"lots\"");
}

// Pod volumes matter only for the local-storage drain rule: hostPath and disk-backed emptyDir.
TEST_CASE("workloads: local storage volumes for the Cluster Autoscaler", "[io][ca]") {
  const auto sc = load("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
                       "      containers: [{name: c}]\n"
                       "      volumes:\n"
                       "        - {name: host, hostPath: {path: /var/log}}\n"
                       "        - {name: scratch, emptyDir: {}}\n"
                       "        - {name: shm, emptyDir: {medium: Memory}}\n"
                       "        - {name: config, configMap: {name: web}}\n");
  REQUIRE(sc.workloads.size() == 1);
  CHECK(sc.workloads[0].tmpl.local_storage_volumes == std::vector<std::string>{"host", "scratch"});
  CHECK(io::test::besides_best_effort(sc.warnings).empty());
}
