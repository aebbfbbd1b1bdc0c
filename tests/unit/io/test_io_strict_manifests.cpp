// Strict manifests (issue 24 item 1): unknown fields are errors with did-you-mean, as
// `kubectl apply --validate=strict` (the field trees of ../shared/data/k8s-fields); --lenient and
// spec.strict: false turn them into not-modelled notes; fields and kinds capsim does not read are
// sorted into ignored (cannot change the simulation) and not modelled (can); hints for Helm,
// tabs, days and too many replicas; pods a controller in the manifests creates; system
// PriorityClasses.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "capsim/io/scenario_loader.hpp"
#include "unit/io/io_scenario_test_support.hpp"

using namespace capsim;
using capsim::io::test::messages;
using capsim::io::test::load_errors;
using capsim::io::test::rendered;
using capsim::io::test::single_error;
using capsim::io::test::tiny_catalog;

namespace {

const std::string k_head = "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n  duration: 10m\n";

std::string node_pool(const std::string& disruption_lines) {
  return "---\napiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: default}\nspec:\n  template:\n    spec:\n"
         "      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n"
         "      requirements: []\n  disruption:\n" +
         disruption_lines +
         "---\napiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: default}\nspec:\n"
         "  amiSelectorTerms: [{alias: al2023@latest}]\n  role: KarpenterNodeRole\n"
         "  subnetSelectorTerms: [{tags: {karpenter.sh/discovery: demo}}]\n"
         "  securityGroupSelectorTerms: [{tags: {karpenter.sh/discovery: demo}}]\n";
}

// The three typos of the issue, each on its own line of a realistic set.
const std::string k_typos = k_head + node_pool("    consolidateafter: 1m\n") +
                            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
                            "  replica: 10\n"                             // line 30
                            "  selector: {matchLabels: {app: web}}\n"
                            "  template:\n"
                            "    metadata: {labels: {app: web}}\n"
                            "    spec:\n"
                            "      containers:\n"
                            "        - name: web\n"
                            "          image: nginx\n"
                            "          resources:\n"
                            "            request: {cpu: \"1\", memory: 1Gi}\n";  // line 39


}  // namespace

TEST_CASE("strict manifests: the three typos are errors with their place and did-you-mean", "[io][strict]") {
  CHECK(rendered(load_errors(k_typos)) ==
        std::vector<std::string>{
            "scenarios/x.yaml:15:5: error: spec.disruption: unknown field \"consolidateafter\", did you mean "
            "\"consolidateAfter\"?",
            "scenarios/x.yaml:30:3: error: spec: unknown field \"replica\", did you mean \"replicas\"?",
            "scenarios/x.yaml:39:13: error: spec.template.spec.containers[0].resources: unknown field \"request\", did "
            "you mean \"requests\"?"});
}

TEST_CASE("strict manifests: with nothing close, the valid fields are listed when there are at most 8",
          "[io][strict]") {
  // NodePool v1 spec.disruption has budgets, consolidateAfter and consolidationPolicy
  // (karpenter.sh_nodepools.yaml v1.14.1).
  CHECK(single_error(k_head + node_pool("    consolidateAfter: 1m\n    whenEmpty: yes\n")) ==
        "scenarios/x.yaml:16:5: error: spec.disruption: unknown field \"whenEmpty\", expected one of \"budgets\", "
        "\"consolidateAfter\", \"consolidationPolicy\"");
  // A Pod spec has far more than 8 fields: no list.
  CHECK(single_error(k_head +
                     "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a}]\n"
                     "  zzz: 1\n") == "scenarios/x.yaml:11:3: error: spec: unknown field \"zzz\"");
  // Inside a map (labels, resources.requests) any key is valid; status is checked too.
  CHECK(single_error(k_head +
                     "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {anything: x}}\nspec:\n"
                     "  containers: [{name: a, resources: {requests: {example.com/foo: 1}}}]\nstatus:\n  phaze: Running\n") ==
        "scenarios/x.yaml:12:3: error: status: unknown field \"phaze\", did you mean \"phase\"?");
}

TEST_CASE("strict manifests: --lenient and spec.strict: false make unknown fields not-modelled notes",
          "[io][strict]") {
  io::LoadOptions lenient;
  lenient.lenient = true;
  const auto sc = io::load_scenario_text(k_typos, "scenarios/x.yaml", *tiny_catalog(), lenient);
  CHECK(messages(sc.not_modelled) ==
        std::vector<std::string>{
            "unknown field \"consolidateafter\", did you mean \"consolidateAfter\"? (ignored: --lenient)",
            "unknown field \"replica\", did you mean \"replicas\"? (ignored: --lenient)",
            "unknown field \"request\", did you mean \"requests\"? (ignored: --lenient)"});
  // Not also reported as unread fields, and the deployment runs with the defaults kubectl would not allow.
  CHECK(io::test::besides_best_effort(sc.warnings).empty());
  REQUIRE(sc.find_workload("Deployment", "web") != nullptr);
  CHECK(sc.find_workload("Deployment", "web")->replicas == 1);

  std::string in_file = k_typos;
  in_file.replace(in_file.find("  duration: 10m\n"), 16, "  duration: 10m\n  strict: false\n");
  const auto sc2 = io::load_scenario_text(in_file, "scenarios/x.yaml", *tiny_catalog());
  CHECK(sc2.not_modelled.size() == 3);
}

TEST_CASE("unread fields and kinds: inert ones are ignored, the others always reported as not modelled",
          "[io][strict]") {
  const auto sc = io::load_scenario_text(
      k_head +
          "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
          "  nodeName: ip-10-0-0-1\n"           // 10: pins the pod: not modelled
          "  schedulerName: my-scheduler\n"     // 11: another scheduler: not modelled
          "  dnsPolicy: ClusterFirst\n"         // 12: inert
          "  containers:\n"
          "    - name: a\n"
          "      image: nginx\n"                // 15: inert
          "      livenessProbe: {tcpSocket: {port: 80}}\n"  // 16: inert
          "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"  // 17: inert kind
          "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"  // 22
          "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n",
      "scenarios/x.yaml", *tiny_catalog());
  CHECK(rendered(sc.not_modelled) ==
        std::vector<std::string>{
            "scenarios/x.yaml:10:3: warning: field \"spec.nodeName\" is not modelled and is ignored",
            "scenarios/x.yaml:11:3: warning: field \"spec.schedulerName\" is not modelled and is ignored",
            "scenarios/x.yaml:23:1: warning: kind \"HorizontalPodAutoscaler\" (apiVersion \"autoscaling/v2\") is not "
            "modelled; the document is skipped (the workload keeps the replicas its manifest states; script changes "
            "with timeline scale events)"});
  CHECK(messages(sc.ignored) ==
        std::vector<std::string>{"field \"spec.dnsPolicy\" cannot change the simulation and is ignored",
                                 "field \"spec.containers[0].image\" cannot change the simulation and is ignored",
                                 "field \"spec.containers[0].livenessProbe\" cannot change the simulation and is ignored",
                                 "kind \"ConfigMap\" cannot change the simulation; the document is skipped"});
  CHECK(io::test::besides_best_effort(sc.warnings).empty());
}

TEST_CASE("hints name the fix: Helm templates, tabs, days, too many replicas", "[io][strict]") {
  CHECK(single_error(k_head + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                              "  priority: {{ .Values.priority }}\n  containers: [{name: a}]\n") ==
        "scenarios/x.yaml:10:14: error: this looks like a Helm template (\"{{\"): render the chart with `helm template` "
        "and give capsim its output");
  CHECK(single_error(k_head + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n\tcontainers: []\n") ==
        "scenarios/x.yaml:10:12: error: illegal map value (line 10 is indented with a tab: "
        "YAML indentation must be spaces)");
  CHECK(single_error("apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n  duration: 7d\n") ==
        "scenarios/x.yaml:4:13: error: spec.duration: expected a duration such as \"30s\", got \"7d\" (days are not a "
        "unit: use \"168h\")");
  CHECK(single_error(k_head + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n"
                              "  replicas: 1000000\n  template:\n    spec:\n      containers: [{name: a}]\n") ==
        "scenarios/x.yaml:10:13: error: spec.replicas: expected at most 150000 pods, got 1000000 (the supported "
        "maximum: Kubernetes' tested limit of 150,000 pods per cluster; for more, replay a pod trace)");
}

TEST_CASE("a dump's pods: those a controller in the manifests creates are its replicas, not bare Pods",
          "[io][strict]") {
  const std::string owned =
      "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-5d8f-abcde\n"
      "  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, uid: u1, controller: true}]\n"
      "spec:\n  nodeName: ip-1\n  containers: [{name: a}]\n";
  const std::string deployment = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
                                 "  replicas: 3\n  template:\n    spec:\n      containers: [{name: a}]\n";
  // ReplicaSet web-5d8f is Deployment web's (<deployment>-<pod-template-hash>): the pod is dropped,
  // and so is the note about its nodeName.
  const auto with_owner = io::load_scenario_text(k_head + deployment + owned, "scenarios/x.yaml", *tiny_catalog());
  CHECK(with_owner.find_workload("Pod", "web-5d8f-abcde") == nullptr);
  CHECK(with_owner.find_workload("Deployment", "web")->replicas == 3);
  CHECK(with_owner.not_modelled.empty());
  CHECK(messages(with_owner.ignored) ==
        std::vector<std::string>{
            "pod \"web-5d8f-abcde\" is created by Deployment \"web\" (its ReplicaSet \"web-5d8f\"), which is in the "
            "manifests; not run as a bare Pod",
            "field \"spec.nodeName\" is not modelled and is ignored (a Pod its controller creates: the controller's "
            "replicas run instead)"});
  // Without its owner it runs as a bare Pod, and says so.
  const auto orphan = io::load_scenario_text(k_head + owned, "scenarios/x.yaml", *tiny_catalog());
  CHECK(orphan.find_workload("Pod", "web-5d8f-abcde") != nullptr);
  CHECK(messages(orphan.not_modelled) ==
        std::vector<std::string>{"pod \"web-5d8f-abcde\" is owned by ReplicaSet \"web-5d8f\", which is not in the "
                                 "manifests: it runs as a bare Pod, and nothing replaces it",
                                 "field \"spec.nodeName\" is not modelled and is ignored"});
}

TEST_CASE("system PriorityClasses: the two built-in names with their values; other system- names are reserved",
          "[io][strict]") {
  // kubernetes pkg/apis/scheduling/validation ValidatePriorityClass and IsKnownSystemPriorityClass.
  const auto pc = [](const std::string& name, const std::string& value) {
    return k_head + "---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: " + name +
           "}\nvalue: " + value + "\n";
  };
  const auto sc = io::load_scenario_text(pc("system-cluster-critical", "2000000000") +
                                             pc("system-node-critical", "2000001000").substr(k_head.size()),
                                         "scenarios/x.yaml", *tiny_catalog());
  REQUIRE(sc.priority_classes.size() == 2);
  CHECK(sc.priority_classes[0].value == 2000000000);
  CHECK(sc.priority_classes[1].value == 2000001000);
  CHECK(single_error(pc("system-mine", "10")) ==
        "scenarios/x.yaml:8:18: error: metadata.name: priority class names with the \"system-\" prefix are reserved "
        "for system use only (system-cluster-critical, system-node-critical)");
  CHECK(single_error(pc("system-node-critical", "2000000000")) ==
        "scenarios/x.yaml:9:8: error: value: the system priority class \"system-node-critical\" has value 2000001000, "
        "got 2000000000");
  CHECK(single_error(pc("mine", "2000000000")) ==
        "scenarios/x.yaml:9:8: error: value: expected an integer <= 1000000000, got \"2000000000\"");
}
