// Valid scenarios: the walkthrough-style fixtures in tests/data/scenarios load into the expected
// spec values, Karpenter webhook/CRD defaults included, and unmodelled fields become warnings.
#include <catch2/catch.hpp>

#include <algorithm>

#include "capsim/io/scenario_loader.hpp"
#include "capsim/spec/scenario.hpp"
#include "unit/io/io_scenario_test_support.hpp"

using namespace capsim;
using capsim::io::test::messages;
using capsim::io::test::fixture;
using capsim::io::test::tiny_catalog;

namespace {

const spec::SelectorRequirement* find_req(const spec::NodePool& np, std::string_view key) {
  for (const auto& r : np.requirements)
    if (r.key == key) return &r;
  return nullptr;
}


}  // namespace

TEST_CASE("v1alpha5 walkthrough: Provisioner, AWSNodeTemplate and Deployment", "[io]") {
  const spec::Scenario sc = io::load_scenario(fixture("walkthrough_v1alpha5.yaml"), *tiny_catalog());

  CHECK(sc.name == "seed-nginx-scaleout");
  CHECK(sc.region == "ap-northeast-2");
  CHECK(sc.zones == std::vector<std::string>{"ap-northeast-2a", "ap-northeast-2c"});
  CHECK(sc.duration == Duration::minutes(20));
  CHECK(sc.seed == 42);
  CHECK(sc.autoscalers == std::vector<std::string>{"karpenter"});
  CHECK(sc.karpenter.version == "v0.29");
  CHECK(sc.karpenter.is_v1alpha5());
  CHECK(sc.karpenter.batch_idle == Duration::seconds(2));
  CHECK(sc.karpenter.batch_max == Duration::seconds(15));
  CHECK(sc.cloud.registration_latency == Duration::seconds(25));
  CHECK(sc.cloud.launch_latency == Duration::seconds(2));  // default kept

  REQUIRE(sc.node_groups.size() == 1);
  CHECK(sc.node_groups[0].name == "base");
  CHECK(sc.node_groups[0].instance_type == "m5.large");
  CHECK(sc.node_groups[0].count == 2);
  CHECK(sc.node_groups[0].labels.at("role") == "system");
  REQUIRE(sc.node_groups[0].taints.size() == 1);
  CHECK(sc.node_groups[0].taints[0] == Taint{"CriticalAddonsOnly", "true", TaintEffect::no_schedule});

  REQUIRE(sc.node_pools.size() == 1);
  const spec::NodePool& np = sc.node_pools[0];
  CHECK(np.name == "default");
  CHECK(np.api == "karpenter.sh/v1alpha5");
  CHECK(np.kind == "Provisioner");
  CHECK(np.node_class_ref == "default");
  CHECK(np.ttl_seconds_after_empty == 30);
  CHECK_FALSE(np.ttl_seconds_until_expired.has_value());
  CHECK_FALSE(np.consolidation_enabled);
  CHECK_FALSE(np.consolidate_after.has_value());  // no consolidation without consolidation.enabled
  CHECK_FALSE(np.expire_after.has_value());       // no ttlSecondsUntilExpired
  CHECK(np.budgets.empty());                      // v1alpha5 has no budgets
  CHECK(np.has_limits);
  CHECK(np.limits.get(Resource::cpu) == Quantity::from_units(1000));
  // aws v0.29.2 pkg/apis/v1alpha5/provisioner.go SetDefaults: the user's capacity-type stays, the
  // other defaults are appended in upstream order.
  REQUIRE(np.requirements.size() == 5);
  CHECK(np.requirements[0].key == "karpenter.sh/capacity-type");
  CHECK(np.requirements[0].values == std::vector<std::string>{"spot"});
  CHECK(np.requirements[1].key == "kubernetes.io/os");
  CHECK(np.requirements[1].values == std::vector<std::string>{"linux"});
  CHECK(np.requirements[2].key == "kubernetes.io/arch");
  CHECK(np.requirements[2].values == std::vector<std::string>{"amd64"});
  CHECK(np.requirements[3].key == "karpenter.k8s.aws/instance-category");
  CHECK(np.requirements[3].op == Operator::in);
  CHECK(np.requirements[3].values == std::vector<std::string>{"c", "m", "r"});
  CHECK(np.requirements[4].key == "karpenter.k8s.aws/instance-generation");
  CHECK(np.requirements[4].op == Operator::gt);
  CHECK(np.requirements[4].values == std::vector<std::string>{"2"});

  REQUIRE(sc.node_classes.size() == 1);
  CHECK(sc.node_classes[0].name == "default");
  CHECK(sc.node_classes[0].kind == "AWSNodeTemplate");
  CHECK(sc.node_classes[0].ami_family == "AL2");  // v1alpha1 default
  CHECK_FALSE(sc.node_classes[0].root_volume_size.has_value());
  CHECK(sc.node_classes[0].subnet_zones.empty());
  CHECK(sc.find_node_class("default") == &sc.node_classes[0]);

  REQUIRE(sc.workloads.size() == 1);
  const spec::Workload* w = sc.find_workload("Deployment", "inflate");
  REQUIRE(w != nullptr);
  CHECK(w->replicas == 0);
  CHECK(w->namespace_ == "default");
  CHECK(w->tmpl.labels.at("app") == "inflate");
  CHECK(w->tmpl.termination_grace_period_seconds == 0);
  REQUIRE(w->tmpl.containers.size() == 1);
  CHECK(w->tmpl.containers[0].requests.cpu_millis() == 1000);
  CHECK(sc.find_workload("StatefulSet", "inflate") == nullptr);

  // Sorted by time, stable.
  REQUIRE(sc.timeline.size() == 2);
  CHECK(sc.timeline[0].at == Duration::minutes(2));
  CHECK(sc.timeline[0].kind == spec::TimelineKind::scale);
  CHECK(sc.timeline[0].target_kind == "Deployment");
  CHECK(sc.timeline[0].target_name == "inflate");
  CHECK(sc.timeline[0].replicas == 5);
  CHECK(sc.timeline[1].kind == spec::TimelineKind::del);

  REQUIRE(sc.expectations.size() == 2);
  CHECK(sc.expectations[0].metric == "nodesLaunched");
  CHECK(sc.expectations[0].op == "==");
  CHECK(sc.expectations[0].value == 1);
  CHECK(sc.expectations[0].autoscaler.empty());
  CHECK(sc.expectations[1].op == "<=");
  CHECK(sc.expectations[1].autoscaler == "karpenter");

  // selector and image cannot change the simulation: ignored, one note each, and no warning.
  CHECK(io::test::besides_best_effort(sc.warnings).empty());
  CHECK(sc.not_modelled.empty());
  CHECK(messages(sc.ignored) ==
        std::vector<std::string>{"field \"spec.selector\" cannot change the simulation and is ignored",
                                 "field \"spec.template.spec.containers[0].image\" cannot change the simulation and is "
                                 "ignored"});
  CHECK(sc.ignored[0].line == 68);
  CHECK(sc.ignored[0].col == 3);
}

TEST_CASE("v1 walkthrough: NodePool and EC2NodeClass with CRD defaults", "[io]") {
  const spec::Scenario sc = io::load_scenario(fixture("walkthrough_v1.yaml"), *tiny_catalog());
  CHECK(sc.name == "v1-walkthrough");
  CHECK(sc.region == "us-east-1");
  CHECK(sc.zones.empty());  // every zone of the region
  CHECK(sc.karpenter.version == "v1.14");
  CHECK(sc.duration == Duration::minutes(30));
  CHECK(sc.seed == 1);

  REQUIRE(sc.node_pools.size() == 1);
  const spec::NodePool& np = sc.node_pools[0];
  CHECK(np.api == "karpenter.sh/v1");
  CHECK(np.kind == "NodePool");
  CHECK(np.weight == 10);
  CHECK(np.labels.at("team") == "web");
  CHECK(np.node_class_ref == "default");
  // No webhook defaults in v1: exactly the five requirements written.
  REQUIRE(np.requirements.size() == 5);
  const auto* cat = find_req(np, "karpenter.k8s.aws/instance-category");
  REQUIRE(cat != nullptr);
  CHECK(cat->min_values == 2);
  CHECK(find_req(np, "karpenter.sh/capacity-type")->values == std::vector<std::string>{"on-demand", "spot"});
  REQUIRE(np.taints.size() == 1);
  CHECK(np.taints[0] == Taint{"example.com/special", "", TaintEffect::no_schedule});
  REQUIRE(np.startup_taints.size() == 1);
  CHECK(np.startup_taints[0] == Taint{"example.com/booting", "yes", TaintEffect::no_execute});
  CHECK(np.expire_after == Duration::hours(336));
  CHECK(np.termination_grace_period == Duration::hours(48));
  CHECK(np.consolidation_policy == spec::ConsolidationPolicy::when_empty_or_underutilized);
  CHECK(np.consolidate_after == Duration::minutes(1));
  CHECK(np.has_limits);
  CHECK(np.limits.get(Resource::memory) == Quantity::from_mib(1000 * 1024));
  REQUIRE(np.budgets.size() == 2);
  CHECK(np.budgets[0].nodes == "20%");
  CHECK(np.budgets[0].reasons == std::vector<std::string>{"Empty", "Drifted"});
  CHECK_FALSE(np.budgets[0].schedule.has_value());
  CHECK(np.budgets[1].nodes == "0");
  CHECK(np.budgets[1].schedule == std::string("0 9 * * mon-fri"));
  CHECK(np.budgets[1].duration == Duration::hours(8));

  REQUIRE(sc.node_classes.size() == 1);
  const spec::NodeClass& nc = sc.node_classes[0];
  CHECK(nc.kind == "EC2NodeClass");
  CHECK(nc.api == "karpenter.k8s.aws/v1");
  CHECK(nc.ami_family == "Bottlerocket");  // from the alias
  // Bottlerocket keeps ephemeral storage on /dev/xvdb (aws amifamily/bottlerocket.go).
  REQUIRE(nc.root_volume_size.has_value());
  CHECK(*nc.root_volume_size == Quantity::from_mib(100 * 1024));
  REQUIRE(nc.kubelet.has_value());
  CHECK(nc.kubelet->max_pods == 110);
  CHECK(nc.kubelet->kube_reserved.at("cpu") == Quantity::from_milli(200));
  CHECK(nc.kubelet->eviction_hard.at("memory.available") == "5%");

  const spec::Workload* w = sc.find_workload("Deployment", "inflate");
  REQUIRE(w != nullptr);
  CHECK(w->tmpl.containers[0].requests.memory_bytes() == 1536LL * 1024 * 1024);
  // ebs.volumeType decides the volume's price on the bill (spec::EbsVolume): read, not reported.
  CHECK(io::test::besides_best_effort(sc.warnings).empty());
  CHECK(sc.not_modelled.empty());
  REQUIRE(nc.volumes.size() == 2);
  CHECK(nc.volumes[1].volume_type == "gp3");
}

TEST_CASE("v1beta1 NodePools convert to the v1 model", "[io]") {
  const spec::Scenario sc = io::load_scenario(fixture("walkthrough_v1beta1.yaml"), *tiny_catalog());
  CHECK(sc.name == "walkthrough_v1beta1");  // no Scenario document: named after the file
  CHECK(sc.region == "us-east-1");
  CHECK(sc.karpenter.version == "v1.14");
  REQUIRE(sc.node_pools.size() == 2);

  const spec::NodePool& batch = sc.node_pools[0];
  CHECK(batch.api == "karpenter.sh/v1beta1");
  CHECK(batch.consolidation_policy == spec::ConsolidationPolicy::when_empty);
  CHECK(batch.consolidate_after == Duration::seconds(30));
  CHECK_FALSE(batch.expire_after.has_value());  // Never
  REQUIRE(batch.kubelet.has_value());
  CHECK(batch.kubelet->max_pods == 58);
  REQUIRE(batch.budgets.size() == 1);  // CRD default
  CHECK(batch.budgets[0].nodes == "10%");
  REQUIRE(batch.requirements.size() == 1);  // no webhook defaults after v1alpha5

  // WhenUnderutilized (the v1beta1 default) -> WhenEmptyOrUnderutilized, consolidateAfter 0s.
  const spec::NodePool& general = sc.node_pools[1];
  CHECK(general.consolidation_policy == spec::ConsolidationPolicy::when_empty_or_underutilized);
  CHECK(general.consolidate_after == Duration{0});
  CHECK(general.expire_after == Duration::hours(720));

  REQUIRE(sc.node_classes.size() == 1);
  CHECK(sc.node_classes[0].ami_family == "AL2");
  CHECK(sc.node_classes[0].subnet_zones == std::vector<std::string>{"us-east-1a", "us-east-1b"});
  REQUIRE(sc.node_classes[0].root_volume_size.has_value());
  CHECK(*sc.node_classes[0].root_volume_size == Quantity::from_mib(50 * 1024));
  CHECK(io::test::besides_best_effort(sc.warnings).empty());
}

TEST_CASE("manifests by file reference and every workload kind", "[io]") {
  const spec::Scenario sc = io::load_scenario(fixture("manifests_by_reference.yaml"), *tiny_catalog());
  CHECK(sc.name == "by-reference");
  REQUIRE(sc.node_pools.size() == 1);
  REQUIRE(sc.node_classes.size() == 1);
  CHECK(sc.node_classes[0].ami_family == "AL2023");
  REQUIRE(sc.priority_classes.size() == 1);
  CHECK(sc.priority_classes[0].name == "high");
  CHECK(sc.priority_classes[0].value == 1000);
  REQUIRE(sc.workloads.size() == 4);
  REQUIRE(sc.pdbs.size() == 1);

  const spec::Workload* web = sc.find_workload("Deployment", "web");
  REQUIRE(web != nullptr);
  CHECK(web->namespace_ == "shop");
  CHECK(web->replicas == 2);
  const spec::PodTemplate& t = web->tmpl;
  CHECK(t.annotations.at("karpenter.sh/do-not-disrupt") == "true");
  CHECK(t.priority_class_name == "high");
  CHECK(t.node_selector.at("kubernetes.io/os") == "linux");
  REQUIRE(t.node_affinity.required.size() == 1);
  REQUIRE(t.node_affinity.required[0].size() == 1);
  CHECK(t.node_affinity.required[0][0].op == Operator::gt);
  REQUIRE(t.node_affinity.preferred.size() == 1);
  CHECK(t.node_affinity.preferred[0].weight == 50);
  REQUIRE(t.pod_anti_affinity.required.size() == 1);
  CHECK(t.pod_anti_affinity.required[0].topology_key == "kubernetes.io/hostname");
  CHECK(t.pod_anti_affinity.required[0].selector.match_labels.at("app") == "web");
  REQUIRE(t.pod_affinity.preferred.size() == 1);
  CHECK(t.pod_affinity.preferred[0].weight == 10);
  CHECK(t.pod_affinity.preferred[0].term.selector.match_expressions[0].op == Operator::exists);
  REQUIRE(t.tolerations.size() == 2);
  CHECK(t.tolerations[0].op_exists);
  CHECK(t.tolerations[0].effect == TaintEffect::no_schedule);
  CHECK(t.tolerations[1].key.empty());
  CHECK_FALSE(t.tolerations[1].effect.has_value());
  REQUIRE(t.topology_spread.size() == 1);
  CHECK(t.topology_spread[0].min_domains == 2);
  CHECK(t.topology_spread[0].do_not_schedule);
  CHECK(t.overhead.cpu_millis() == 100);
  CHECK(t.termination_grace_period_seconds == 60);
  REQUIRE(t.init_containers.size() == 2);
  CHECK(t.init_containers[0].restart_always);
  CHECK_FALSE(t.init_containers[1].restart_always);
  CHECK(t.init_containers[1].requests.cpu_millis() == 2000);  // limits-only -> request = limit
  REQUIRE(t.containers.size() == 1);
  CHECK(t.containers[0].requests.cpu_millis() == 500);                  // explicit request kept
  CHECK(t.containers[0].requests.memory_bytes() == 512LL * 1024 * 1024);  // defaulted from the limit
  CHECK(t.containers[0].limits.cpu_millis() == 1000);
  CHECK(t.containers[0].host_ports == std::vector<int>{8080});

  const spec::Workload* ds = sc.find_workload("DaemonSet", "node-agent");
  REQUIRE(ds != nullptr);
  const spec::Workload* job = sc.find_workload("Job", "crunch");
  REQUIRE(job != nullptr);
  CHECK(job->replicas == 4);
  CHECK(job->completions == 12);
  CHECK(job->tmpl.run_duration == Duration::minutes(5));
  const spec::Workload* pod = sc.find_workload("Pod", "lonely");
  REQUIRE(pod != nullptr);
  CHECK(pod->replicas == 1);
  CHECK(pod->tmpl.labels.at("app") == "lonely");
  CHECK(pod->tmpl.priority == 7);
  CHECK(pod->tmpl.containers[0].requests.get(Resource::nvidia_gpu) == Quantity::from_units(1));

  CHECK(sc.pdbs[0].min_available == std::string("50%"));
  CHECK_FALSE(sc.pdbs[0].max_unavailable.has_value());
  CHECK(sc.pdbs[0].selector.match_labels.at("app") == "web");

  REQUIRE(sc.timeline.size() == 2);
  CHECK(sc.timeline[0].kind == spec::TimelineKind::scale);  // at 0s sorts before 30s
  CHECK(sc.timeline[1].kind == spec::TimelineKind::apply);
  CHECK(sc.timeline[1].target_kind == "Job");

  // The containerPort and the Service document cannot change the simulation: ignored, in the manifest file.
  CHECK(io::test::besides_best_effort(sc.warnings).empty());
  CHECK(sc.not_modelled.empty());
  CHECK(messages(sc.ignored) ==
        std::vector<std::string>{
            "field \"spec.template.spec.containers[0].ports[0].containerPort\" cannot change the simulation and is ignored",
            "kind \"Service\" cannot change the simulation; the document is skipped"});
  for (const auto& w : sc.ignored) CHECK(w.file.find("manifests/workloads.yaml") != std::string::npos);
}

TEST_CASE("a file with only manifests gets every Scenario default", "[io]") {
  const spec::Scenario sc = io::load_scenario_text(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: c, resources: {requests: {cpu: 250m}}}]
)",
                                                   "scenarios/plain.yaml", *tiny_catalog());
  CHECK(sc.name == "plain");
  CHECK(sc.file == "scenarios/plain.yaml");
  CHECK(sc.region == "us-east-1");
  CHECK(sc.duration == Duration::hours(1));
  CHECK(sc.autoscalers == std::vector<std::string>{"karpenter"});
  CHECK(sc.workloads.at(0).replicas == 1);
  CHECK(io::test::besides_best_effort(sc.warnings).empty());
}

TEST_CASE("v1alpha5 webhook defaults are skipped for keys already constrained", "[io]") {
  // aws v0.29.2 pkg/apis/v1alpha5/suite_test.go "should not default instance-category if any
  // instance label is set" and "should not default OS if set" (beta keys normalise).
  const spec::Scenario sc = io::load_scenario_text(R"(
apiVersion: karpenter.sh/v1alpha5
kind: Provisioner
metadata: {name: p}
spec:
  consolidation: {enabled: true}
  ttlSecondsUntilExpired: 86400
  requirements:
    - {key: beta.kubernetes.io/os, operator: DoesNotExist}
    - {key: karpenter.k8s.aws/instance-family, operator: In, values: [m5]}
  providerRef: {name: t}
---
apiVersion: karpenter.k8s.aws/v1alpha1
kind: AWSNodeTemplate
metadata: {name: t}
spec:
  amiFamily: Bottlerocket
  blockDeviceMappings:
    - {deviceName: /dev/xvda, ebs: {volumeSize: 4Gi}}
    - {deviceName: /dev/xvdb, ebs: {volumeSize: 60Gi}}
)",
                                                   "scenarios/p.yaml", *tiny_catalog());
  const spec::NodePool& np = sc.node_pools.at(0);
  REQUIRE(np.requirements.size() == 4);  // os kept, arch + capacity-type added, no category/generation
  CHECK(np.requirements[0].op == Operator::does_not_exist);
  CHECK(np.requirements[2].key == "kubernetes.io/arch");
  CHECK(np.requirements[3].key == "karpenter.sh/capacity-type");
  CHECK(np.requirements[3].values == std::vector<std::string>{"on-demand"});
  CHECK(np.consolidation_enabled);
  CHECK(np.consolidate_after == Duration{0});
  CHECK(np.consolidation_policy == spec::ConsolidationPolicy::when_empty_or_underutilized);
  CHECK(np.ttl_seconds_until_expired == 86400);
  CHECK(np.expire_after == Duration::hours(24));
  CHECK(sc.karpenter.version == "v0.29");  // inferred from the v1alpha5 manifests
  CHECK(*sc.node_classes.at(0).root_volume_size == Quantity::from_mib(60 * 1024));
}

TEST_CASE("LabelSelector::matches follows metav1 semantics", "[io]") {
  spec::LabelSelector s;
  const Labels web{{"app", "web"}, {"tier", "frontend"}};
  CHECK(s.matches(web));  // empty matches everything
  s.match_labels["app"] = "web";
  CHECK(s.matches(web));
  s.match_expressions.push_back({"tier", Operator::in, {"frontend", "backend"}, std::nullopt});
  CHECK(s.matches(web));
  s.match_expressions.push_back({"canary", Operator::does_not_exist, {}, std::nullopt});
  CHECK(s.matches(web));
  CHECK_FALSE(s.matches(Labels{{"app", "web"}, {"tier", "frontend"}, {"canary", "1"}}));
  s.match_expressions.push_back({"tier", Operator::not_in, {"frontend"}, std::nullopt});
  CHECK_FALSE(s.matches(web));
  CHECK(spec::workload_kind_name(spec::WorkloadKind::stateful_set) == "StatefulSet");
}

TEST_CASE("trace replays, the inline v1alpha5 provider and kind: List", "[io]") {
  const spec::Scenario sc = io::load_scenario(fixture("replay_and_provider.yaml"), *tiny_catalog());
  CHECK(sc.autoscalers == std::vector<std::string>{"karpenter", "cluster-autoscaler"});
  CHECK(sc.karpenter.min_values_policy == "BestEffort");
  CHECK(sc.karpenter.spot_to_spot_consolidation);
  CHECK(sc.karpenter.version == "v0.29");

  REQUIRE(sc.node_groups.size() == 1);
  const spec::NodeGroup& g = sc.node_groups[0];
  CHECK(g.capacity_type == "spot");
  CHECK(g.ami_family == "Bottlerocket");
  CHECK(g.zones == std::vector<std::string>{"ap-northeast-2a", "ap-northeast-2b"});
  REQUIRE(g.kubelet.has_value());
  CHECK(g.kubelet->max_pods == 29);
  CHECK(g.kubelet->system_reserved.at("memory") == Quantity::from_mib(100));

  // Sorted by time, stable: the two 1m events keep file order.
  REQUIRE(sc.timeline.size() == 3);
  CHECK(sc.timeline[0].kind == spec::TimelineKind::replay);
  CHECK(sc.timeline[0].replay.format == "csv");
  CHECK(sc.timeline[0].replay.path == fixture("traces/burst.csv"));
  CHECK(sc.timeline[1].kind == spec::TimelineKind::del);
  CHECK(sc.timeline[1].target_kind == "Provisioner");
  CHECK(sc.timeline[2].at == Duration::minutes(5));
  CHECK(sc.timeline[2].replay.format.empty());  // chosen by extension later

  REQUIRE(sc.expectations.size() == 2);
  CHECK(sc.expectations[0].op == "<");
  CHECK(sc.expectations[0].value == 120.5);
  CHECK(sc.expectations[1].op == ">");
  CHECK(sc.expectations[1].autoscaler == "cluster-autoscaler");

  // The inline provider becomes a node class of its own.
  REQUIRE(sc.node_pools.size() == 1);
  const spec::NodePool& np = sc.node_pools[0];
  CHECK(np.weight == 50);
  CHECK(np.node_class_ref == "provider/legacy");
  REQUIRE(np.kubelet.has_value());
  CHECK(np.kubelet->max_pods == 58);
  CHECK(np.kubelet->eviction_hard.at("memory.available") == "200Mi");
  const spec::NodeClass* nc = sc.find_node_class("provider/legacy");
  REQUIRE(nc != nullptr);
  CHECK(nc->ami_family == "Bottlerocket");
  CHECK(nc->subnet_zones == std::vector<std::string>{"ap-northeast-2a", "ap-northeast-2b"});

  const spec::Workload* job = sc.find_workload("Job", "once");
  REQUIRE(job != nullptr);
  CHECK(job->replicas == 3);
  CHECK(job->completions == 3);  // unset completions: as many as parallelism
  const spec::Workload* db = sc.find_workload("StatefulSet", "db");
  REQUIRE(db != nullptr);
  CHECK(db->replicas == 3);
  CHECK(io::test::besides_best_effort(sc.warnings).empty());
}

TEST_CASE("the walkthrough loads against the embedded catalog", "[io]") {
  const auto cat = catalog::Catalog::embedded();
  const spec::Scenario sc = io::load_scenario(fixture("walkthrough_v1alpha5.yaml"), *cat);
  CHECK(sc.region == "ap-northeast-2");
  CHECK(sc.node_pools.size() == 1);
}
