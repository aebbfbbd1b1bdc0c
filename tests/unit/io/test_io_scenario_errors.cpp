// Error paths of the scenario loader: every kind of bad input is reported with its exact message
// and file:line:col, all errors of a run are collected, and unmodelled fields warn once each.
#include <catch2/catch.hpp>

#include "capsim/io/scenario_loader.hpp"
#include "unit/io/io_scenario_test_support.hpp"

using namespace capsim;
using capsim::io::test::fixture;
using capsim::io::test::load_errors;
using capsim::io::test::rendered;
using capsim::io::test::single_error;
using capsim::io::test::tiny_catalog;

namespace {

// A minimal valid Deployment whose spec.template.spec is `pod_spec` (indented by 6).
std::string deployment(const std::string& pod_spec_lines) {
  return "apiVersion: apps/v1\n"
         "kind: Deployment\n"
         "metadata: {name: web}\n"
         "spec:\n"
         "  template:\n"
         "    spec:\n" +
         pod_spec_lines;
}

const char* const k_node_class_v1 =
    "---\n"
    "apiVersion: karpenter.k8s.aws/v1\n"
    "kind: EC2NodeClass\n"
    "metadata: {name: default}\n"
    "spec: {amiSelectorTerms: [{alias: al2023@latest}], role: KarpenterNodeRole, subnetSelectorTerms: [{tags: {a: b}}], "
    "securityGroupSelectorTerms: [{tags: {a: b}}]}\n";

// A v1 NodePool whose template.spec.requirements are `reqs` (each line indented by 8) and whose
// spec ends with `tail` (indented by 2).
std::string node_pool_v1(const std::string& reqs, const std::string& tail = "") {
  return "apiVersion: karpenter.sh/v1\n"                                            // 1
         "kind: NodePool\n"                                                         // 2
         "metadata: {name: default}\n"                                              // 3
         "spec:\n"                                                                  // 4
         "  template:\n"                                                            // 5
         "    spec:\n"                                                              // 6
         "      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n"  // 7
         "      requirements:\n" +                                                  // 8
         reqs + tail + k_node_class_v1;
}

}  // namespace

TEST_CASE("YAML syntax errors are reported at the parser's mark", "[io]") {
  CHECK(single_error("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web\nspec: {}\n") ==
        "scenarios/x.yaml:4:5: error: end of map flow not found");
  CHECK(single_error("apiVersion: v1\n  kind: Pod\n") ==
        "scenarios/x.yaml:2:7: error: illegal map value");
}

// Found by fuzz/fuzz_scenario_loader: yaml-cpp 0.7's LoadAll loops forever, allocating, on a
// document that starts with a token no node starts with.
TEST_CASE("a stray flow entry at the start of a document is a syntax error and not a hang", "[io]") {
  CHECK(single_error(",\n") == "scenarios/x.yaml:1:1: error: expected a YAML node, got \",\"");
  CHECK(single_error("# comment\n  , a: b\n") == "scenarios/x.yaml:2:3: error: expected a YAML node, got \",\"");
  CHECK(single_error("apiVersion: v1\nkind: Pod\n---\n&a , b\n") ==
        "scenarios/x.yaml:4:4: error: expected a YAML node, got \",\"");
}

TEST_CASE("unknown keys in the Scenario document are errors", "[io]") {
  // A near miss (at most a third of the key's letters edited, a swap of two counting once) is
  // suggested.
  CHECK(single_error("apiVersion: capsim.dev/v1alpha1\n"
                     "kind: Scenario\n"
                     "spec:\n"
                     "  regoin: us-east-1\n") ==
        "scenarios/x.yaml:4:3: error: spec: unknown key \"regoin\", did you mean \"region\"?");
  CHECK(single_error("apiVersion: capsim.dev/v1alpha1\n"
                     "kind: Scenario\n"
                     "spec:\n"
                     "  cloud: {launchLatncy: 3s}\n") ==
        "scenarios/x.yaml:4:11: error: spec.cloud: unknown key \"launchLatncy\", did you mean \"launchLatency\"?");
  CHECK(single_error("apiVersion: capsim.dev/v1alpha1\n"
                     "kind: Scenario\n"
                     "spec:\n"
                     "  Duration: 1h\n") ==
        "scenarios/x.yaml:4:3: error: spec: unknown key \"Duration\", did you mean \"duration\"?");
  // Otherwise small key sets are listed; large ones are not.
  CHECK(single_error("apiVersion: capsim.dev/v1alpha1\n"
                     "kind: Scenario\n"
                     "spec:\n"
                     "  cloud: {speed: 3s}\n") ==
        "scenarios/x.yaml:4:11: error: spec.cloud: unknown key \"speed\", expected one of \"launchLatency\", "
        "\"registrationLatency\", \"initializationLatency\", \"terminationLatency\"");
  CHECK(single_error("apiVersion: capsim.dev/v1alpha1\n"
                     "kind: Scenario\n"
                     "spec:\n"
                     "  wibble: 1\n") == "scenarios/x.yaml:4:3: error: spec: unknown key \"wibble\"");
}

TEST_CASE("a misspelt enum value gets a suggestion", "[io]") {
  CHECK(single_error(node_pool_v1("        []\n", "  disruption: {consolidationPolicy: WhenEmptyOrUnderutilised}\n")) ==
        "scenarios/x.yaml:10:37: error: spec.disruption.consolidationPolicy: expected one of \"WhenEmpty\", "
        "\"WhenEmptyOrUnderutilized\", \"Balanced\", got \"WhenEmptyOrUnderutilised\" (did you mean \"WhenEmptyOrUnderutilized\"?)");
}

TEST_CASE("an empty or whitespace-only scenario file is an error", "[io]") {
  const std::string msg =
      "scenarios/x.yaml:1:1: error: the scenario file holds no YAML document (it is empty or only whitespace and comments)";
  CHECK(single_error("") == msg);
  CHECK(single_error("  \n\n\t\n") == msg);
  CHECK(single_error("# nothing here\n---\n") == msg);
}

TEST_CASE("wrong scalar types name the expected type and the value", "[io]") {
  CHECK(single_error(deployment("      containers: [{name: c}]\n") + "  replicas: five\n") ==
        "scenarios/x.yaml:8:13: error: spec.replicas: expected a non-negative integer, got \"five\"");
  CHECK(single_error(deployment("      containers: [{name: c}]\n") + "  replicas: -1\n") ==
        "scenarios/x.yaml:8:13: error: spec.replicas: expected a non-negative integer, got \"-1\"");
  CHECK(single_error(deployment("      containers: [{name: c}]\n") + "  replicas: \"3\"\n") ==
        "scenarios/x.yaml:8:13: error: spec.replicas: expected a non-negative integer, got the quoted string \"3\"");
  CHECK(single_error(deployment("      containers: {name: c}\n")) ==
        "scenarios/x.yaml:7:19: error: spec.template.spec.containers: expected a list, got a map");
  CHECK(single_error("apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n  karpenter:\n"
                     "    featureGates: {spotToSpotConsolidation: yes}\n") ==
        "scenarios/x.yaml:5:45: error: spec.karpenter.featureGates.spotToSpotConsolidation: expected a boolean "
        "(true or false), got \"yes\"");
}

TEST_CASE("bad quantities and durations", "[io]") {
  CHECK(single_error(deployment("      containers:\n"
                                "        - name: c\n"
                                "          resources:\n"
                                "            requests:\n"
                                "              cpu: lots\n")) ==
        "scenarios/x.yaml:11:20: error: spec.template.spec.containers[0].resources.requests.cpu: expected a quantity "
        "such as \"500m\", got \"lots\"");
  CHECK(single_error("apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n  duration: 20 minutes\n") ==
        "scenarios/x.yaml:4:13: error: spec.duration: expected a duration such as \"30s\", got \"20 minutes\"");
  CHECK(single_error(node_pool_v1("        - {key: kubernetes.io/os, operator: In, values: [linux]}\n",
                                  "  disruption:\n"
                                  "    consolidateAfter: soon\n")) ==
        "scenarios/x.yaml:11:23: error: spec.disruption.consolidateAfter: expected a duration such as \"30s\" or "
        "\"Never\", got \"soon\"");
  // Karpenter durations follow the CRD pattern ^([0-9]+(s|m|h))+$: no milliseconds.
  CHECK(single_error(node_pool_v1("        - {key: kubernetes.io/os, operator: In, values: [linux]}\n",
                                  "  disruption:\n"
                                  "    consolidateAfter: 500ms\n")) ==
        "scenarios/x.yaml:11:23: error: spec.disruption.consolidateAfter: expected a duration such as \"30s\" or "
        "\"Never\", got \"500ms\"");
}

TEST_CASE("enumerations list their choices", "[io]") {
  CHECK(single_error(node_pool_v1("        - {key: kubernetes.io/os, operator: In, values: [linux]}\n",
                                  "  disruption:\n"
                                  "    consolidationPolicy: Sometimes\n")) ==
        "scenarios/x.yaml:11:26: error: spec.disruption.consolidationPolicy: expected one of \"WhenEmpty\", "
        "\"WhenEmptyOrUnderutilized\", \"Balanced\", got \"Sometimes\"");
  // v1beta1 has its own set.
  CHECK(single_error("apiVersion: karpenter.sh/v1beta1\nkind: NodePool\nmetadata: {name: a}\nspec:\n"
                     "  template: {spec: {requirements: [], nodeClassRef: {name: c}}}\n"
                     "  disruption: {consolidationPolicy: WhenEmptyOrUnderutilized}\n"
                     "---\napiVersion: karpenter.k8s.aws/v1beta1\nkind: EC2NodeClass\nmetadata: {name: c}\n"
                     "spec: {amiFamily: AL2, role: R, subnetSelectorTerms: [{id: s}], securityGroupSelectorTerms: [{id: g}]}\n") ==
        "scenarios/x.yaml:6:37: error: spec.disruption.consolidationPolicy: expected one of \"WhenEmpty\", "
        "\"WhenUnderutilized\", got \"WhenEmptyOrUnderutilized\"");
}

TEST_CASE("unknown instance types", "[io]") {
  CHECK(single_error("apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n  nodeGroups:\n"
                     "    - {name: base, instanceType: c6i.huge}\n") ==
        "scenarios/x.yaml:5:34: error: spec.nodeGroups[0].instanceType: unknown instance type \"c6i.huge\"");
  CHECK(single_error(node_pool_v1("        - key: node.kubernetes.io/instance-type\n"
                                  "          operator: In\n"
                                  "          values: [c6i.large, c6i.huge]\n")) ==
        "scenarios/x.yaml:11:31: error: spec.template.spec.requirements[0].values[1]: unknown instance type "
        "\"c6i.huge\"");
}

TEST_CASE("missing referenced documents", "[io]") {
  SECTION("providerRef") {
    CHECK(single_error("apiVersion: karpenter.sh/v1alpha5\nkind: Provisioner\nmetadata: {name: default}\nspec:\n"
                       "  providerRef:\n    name: missing\n") ==
          "scenarios/x.yaml:6:11: error: spec.providerRef.name: no AWSNodeTemplate named \"missing\" in the scenario");
  }
  SECTION("nodeClassRef") {
    CHECK(single_error("apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: default}\nspec:\n"
                       "  template:\n    spec:\n      requirements: []\n"
                       "      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: nope}\n") ==
          "scenarios/x.yaml:8:74: error: spec.template.spec.nodeClassRef.name: no EC2NodeClass named \"nope\" in the "
          "scenario");
  }
  SECTION("timeline target") {
    CHECK(single_error(deployment("      containers: [{name: c}]\n") +
                       "---\napiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n  timeline:\n"
                       "    - at: 2m\n      scale: {kind: Deployment, name: inflat, replicas: 3}\n") ==
          "scenarios/x.yaml:14:39: error: spec.timeline[0].scale.name: no Deployment named \"inflat\" in the scenario");
  }
  SECTION("manifest file") {
    CHECK(single_error("apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n  manifests:\n    - nope.yaml\n") ==
          "scenarios/x.yaml:5:7: error: spec.manifests[0]: manifest file \"nope.yaml\" not found (looked for "
          "\"scenarios/nope.yaml\")");
  }
  SECTION("priorityClassName") {
    CHECK(single_error(deployment("      priorityClassName: urgent\n      containers: [{name: c}]\n")) ==
          "scenarios/x.yaml:7:26: error: spec.template.spec.priorityClassName: no PriorityClass named \"urgent\" in "
          "the scenario");
  }
}

TEST_CASE("duplicate keys and duplicate names", "[io]") {
  CHECK(single_error(deployment("      containers: [{name: c}]\n") + "  replicas: 2\n  replicas: 3\n") ==
        "scenarios/x.yaml:9:3: error: spec.replicas: duplicate key \"replicas\"");
  CHECK(single_error(deployment("      containers: [{name: c}]\n") + "---\n" +
                     deployment("      containers: [{name: c}]\n")) ==
        "scenarios/x.yaml:11:18: error: metadata.name: duplicate Deployment named \"web\" (first defined at "
        "scenarios/x.yaml:3:18)");
}

TEST_CASE("missing required keys are reported at the parent map", "[io]") {
  CHECK(single_error("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  namespace: shop\nspec:\n  template:\n"
                     "    spec:\n      containers: [{name: c}]\n") ==
        "scenarios/x.yaml:4:3: error: metadata: missing required key \"name\"");
  CHECK(single_error(deployment("      nodeSelector: {a: b}\n")) ==
        "scenarios/x.yaml:7:7: error: spec.template.spec: missing required key \"containers\"");
  CHECK(single_error(deployment("      containers: []\n")) ==
        "scenarios/x.yaml:7:19: error: spec.template.spec.containers: expected at least one container, got none");
  CHECK(single_error("kind: Deployment\nmetadata: {name: a}\n") ==
        "scenarios/x.yaml:1:1: error: missing required key \"apiVersion\"");
}

TEST_CASE("v1alpha5: consolidation.enabled and ttlSecondsAfterEmpty are mutually exclusive", "[io]") {
  // core v0.29.2 pkg/apis/v1alpha5/provisioner_validation.go validateTTLSecondsAfterEmpty.
  CHECK(single_error("apiVersion: karpenter.sh/v1alpha5\nkind: Provisioner\nmetadata: {name: default}\nspec:\n"
                     "  consolidation: {enabled: true}\n  ttlSecondsAfterEmpty: 30\n  providerRef: {name: t}\n"
                     "---\napiVersion: karpenter.k8s.aws/v1alpha1\nkind: AWSNodeTemplate\nmetadata: {name: t}\n"
                     "spec: {}\n") ==
        "scenarios/x.yaml:5:3: error: spec: expected exactly one, got both: consolidation.enabled, ttlSecondsAfterEmpty");
  CHECK(single_error("apiVersion: karpenter.sh/v1alpha5\nkind: Provisioner\nmetadata: {name: default}\nspec:\n"
                     "  ttlSecondsAfterEmpty: 30\n") ==
        "scenarios/x.yaml:5:3: error: spec: expected exactly one, got neither: provider, providerRef");
}

TEST_CASE("Karpenter requirement and label rules", "[io]") {
  // aws v1.14 karpenter.sh_nodepools.yaml requirement key CEL rules.
  CHECK(single_error(node_pool_v1("        - {key: karpenter.sh/foo, operator: Exists}\n")) ==
        "scenarios/x.yaml:9:17: error: spec.template.spec.requirements[0].key: label domain \"karpenter.sh\" is "
        "restricted");
  CHECK(single_error(node_pool_v1("        - {key: kubernetes.io/hostname, operator: Exists}\n")) ==
        "scenarios/x.yaml:9:17: error: spec.template.spec.requirements[0].key: label \"kubernetes.io/hostname\" is "
        "restricted");
  CHECK(single_error(node_pool_v1("        - {key: karpenter.sh/nodepool, operator: Exists}\n")) ==
        "scenarios/x.yaml:9:17: error: spec.template.spec.requirements[0].key: label \"karpenter.sh/nodepool\" is "
        "restricted");
  CHECK(single_error(node_pool_v1("        - {key: karpenter.k8s.aws/instance-colour, operator: Exists}\n")) ==
        "scenarios/x.yaml:9:17: error: spec.template.spec.requirements[0].key: label domain \"karpenter.k8s.aws\" is "
        "restricted");
  CHECK(single_error(node_pool_v1("        - {key: kubernetes.io/os, operator: In}\n")) ==
        "scenarios/x.yaml:9:11: error: spec.template.spec.requirements[0]: requirements with operator 'In' must have "
        "a value defined");
  CHECK(single_error(node_pool_v1("        - {key: karpenter.k8s.aws/instance-cpu, operator: Gt, values: [\"4\", \"8\"]}\n")) ==
        "scenarios/x.yaml:9:11: error: spec.template.spec.requirements[0]: requirements operator 'Gt', 'Lt', 'Gte', "
        "or 'Lte' must have a single positive integer value");
  CHECK(single_error(node_pool_v1("        - {key: kubernetes.io/os, operator: Equals, values: [linux]}\n")) ==
        "scenarios/x.yaml:9:45: error: spec.template.spec.requirements[0].operator: expected one of \"In\", \"NotIn\", "
        "\"Exists\", \"DoesNotExist\", \"Gt\", \"Lt\", \"Gte\", \"Lte\", got \"Equals\"");
  CHECK(single_error(node_pool_v1("        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [m5], "
                                  "minValues: 2}\n")) ==
        "scenarios/x.yaml:9:11: error: spec.template.spec.requirements[0]: requirements with 'minValues' must have at "
        "least that many values specified in the 'values' field");
  CHECK(single_error(node_pool_v1("        - {key: karpenter.sh/capacity-type, operator: In, values: [ondemand]}\n")) ==
        "scenarios/x.yaml:9:67: error: spec.template.spec.requirements[0].values: no valid values found for "
        "karpenter.sh/capacity-type, expected one of \"on-demand\", \"reserved\", \"spot\", got \"ondemand\"");
  // v1alpha5 (core v0.29.2 labels.go): the whole kubernetes.io domain is restricted except the
  // well-known labels and node.kubernetes.io.
  CHECK(single_error("apiVersion: karpenter.sh/v1alpha5\nkind: Provisioner\nmetadata: {name: p}\nspec:\n"
                     "  labels: {example.kubernetes.io/team: a}\n  providerRef: {name: t}\n"
                     "---\napiVersion: karpenter.k8s.aws/v1alpha1\nkind: AWSNodeTemplate\nmetadata: {name: t}\n"
                     "spec: {}\n") ==
        "scenarios/x.yaml:5:12: error: spec.labels[\"example.kubernetes.io/team\"]: label domain \"kubernetes.io\" is "
        "restricted");
}

TEST_CASE("disruption budgets follow the CRD patterns", "[io]") {
  CHECK(single_error(node_pool_v1("        - {key: kubernetes.io/os, operator: In, values: [linux]}\n",
                                  "  disruption:\n"
                                  "    budgets: [{nodes: \"110%\"}]\n")) ==
        "scenarios/x.yaml:11:23: error: spec.disruption.budgets[0].nodes: expected a node count such as \"5\" or a "
        "percentage such as \"10%\", got \"110%\"");
  CHECK(single_error(node_pool_v1("        - {key: kubernetes.io/os, operator: In, values: [linux]}\n",
                                  "  disruption:\n"
                                  "    budgets: [{nodes: \"1\", schedule: \"@daily\"}]\n")) ==
        "scenarios/x.yaml:11:15: error: spec.disruption.budgets[0]: 'schedule' must be set with 'duration'");
}

TEST_CASE("the Karpenter version must serve the manifests", "[io]") {
  CHECK(single_error("apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n  karpenter: {version: v1.14}\n---\n"
                     "apiVersion: karpenter.sh/v1alpha5\nkind: Provisioner\nmetadata: {name: p}\n"
                     "spec: {providerRef: {name: t}}\n"
                     "---\napiVersion: karpenter.k8s.aws/v1alpha1\nkind: AWSNodeTemplate\nmetadata: {name: t}\n"
                     "spec: {}\n") ==
        "scenarios/x.yaml:6:13: error: apiVersion: Karpenter v1.14 does not serve karpenter.sh/v1alpha5 Provisioner "
        "(spec.karpenter.version is v1.14)");
}

TEST_CASE("documents that cannot be dispatched", "[io]") {
  CHECK(single_error("apiVersion: capsim.dev/v1alpha2\nkind: Scenario\n") ==
        "scenarios/x.yaml:1:13: error: apiVersion: expected \"capsim.dev/v1alpha1\", got \"capsim.dev/v1alpha2\"");
  CHECK(single_error("apiVersion: capsim.dev/v1alpha1\nkind: Scenario\n---\napiVersion: capsim.dev/v1alpha1\n"
                     "kind: Scenario\n") ==
        "scenarios/x.yaml:4:1: error: more than one Scenario document (the first is at scenarios/x.yaml:1:1)");
  CHECK(single_error("- a\n- b\n") == "scenarios/x.yaml:1:1: error: expected a map, got a list");
}

TEST_CASE("every error of a run is reported", "[io]") {
  std::vector<Diagnostic> diags;
  try {
    (void)io::load_scenario(fixture("errors_many.yaml"), *tiny_catalog());
    FAIL("loaded");
  } catch (const InputError& e) {
    diags = e.diagnostics();
  }
  std::vector<std::string> got;
  for (const auto& d : diags)
    got.push_back(std::to_string(d.line) + ":" + std::to_string(d.col) + ": " + d.path + ": " + d.message);
  // Sorted by position, whatever the order of discovery.
  CHECK(got == std::vector<std::string>{
                   "5:13: spec.duration: expected a duration such as \"30s\", got \"20 minutes\"",
                   "8:21: spec.nodeGroups[0].instanceType: unknown instance type \"c6i.huge\"",
                   "9:15: spec.manifests[0]: manifest file \"manifests/does-not-exist.yaml\" not found (looked for \"" +
                       std::string(CAPSIM_SOURCE_DIR) + "/tests/data/scenarios/manifests/does-not-exist.yaml\")",
                   "12:39: spec.timeline[0].scale.name: no Deployment named \"inflat\" in the scenario",
                   "19:3: spec: expected exactly one, got both: consolidation.enabled, ttlSecondsAfterEmpty",
                   "23:11: spec.providerRef.name: no AWSNodeTemplate named \"missing\" in the scenario",
                   "30:13: spec.replicas: expected a non-negative integer, got \"five\"",
                   "31:3: spec.replicas: duplicate key \"replicas\"",
                   "38:20: spec.template.spec.containers[0].resources.requests.cpu: expected a quantity such as "
                   "\"500m\", got \"lots\"",
               });
  for (const auto& d : diags) CHECK(d.file == fixture("errors_many.yaml"));
}

TEST_CASE("the number of reported errors is capped", "[io]") {
  std::string text;
  for (int i = 0; i < 60; ++i)
    text += "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p" + std::to_string(i) + "}\nspec:\n  containers: []\n";
  CHECK(load_errors(text).size() == io::k_max_scenario_errors);
}

TEST_CASE("fields the readers do not read: inert ones ignored, the rest not modelled, once per path and document",
          "[io]") {
  // Sorted by position; the same path in another document is noted again. Images, env, restart
  // policy, strategy and serviceName cannot change the simulation; volumeClaimTemplates can.
  const spec::Scenario sc = io::load_scenario_text(
      deployment("      restartPolicy: Always\n"
                 "      containers:\n"
                 "        - {name: a, image: nginx, env: [{name: X, value: \"1\"}]}\n"
                 "        - {name: b, image: nginx}\n") +
          "  strategy: {type: Recreate}\n"
          "---\n" +
          "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  serviceName: db\n  template:\n"
          "    spec:\n      containers: [{name: a, image: postgres}]\n"
          "  volumeClaimTemplates: [{metadata: {name: data}}]\n",
      "scenarios/w.yaml", *tiny_catalog());
  CHECK(io::test::besides_best_effort(sc.warnings).empty());
  CHECK(rendered(sc.ignored) ==
        std::vector<std::string>{
            "scenarios/w.yaml:7:7: warning: field \"spec.template.spec.restartPolicy\" cannot change the simulation and "
            "is ignored",
            "scenarios/w.yaml:9:21: warning: field \"spec.template.spec.containers[0].image\" cannot change the "
            "simulation and is ignored",
            "scenarios/w.yaml:9:35: warning: field \"spec.template.spec.containers[0].env\" cannot change the simulation "
            "and is ignored",
            "scenarios/w.yaml:10:21: warning: field \"spec.template.spec.containers[1].image\" cannot change the "
            "simulation and is ignored",
            "scenarios/w.yaml:11:3: warning: field \"spec.strategy\" cannot change the simulation and is ignored",
            "scenarios/w.yaml:17:3: warning: field \"spec.serviceName\" cannot change the simulation and is ignored",
            "scenarios/w.yaml:20:30: warning: field \"spec.template.spec.containers[0].image\" cannot change the "
            "simulation and is ignored",
        });
  CHECK(rendered(sc.not_modelled) ==
        std::vector<std::string>{
            "scenarios/w.yaml:21:3: warning: field \"spec.volumeClaimTemplates\" is not modelled and is ignored"});
}

TEST_CASE("regions, zones and scenario structure", "[io]") {
  const std::string head = "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n";
  CHECK(single_error(head + "  region: mars-north-1\n") ==
        "scenarios/x.yaml:4:11: error: spec.region: unknown region \"mars-north-1\"");
  CHECK(single_error(head + "  region: us-east-1\n  zones: [us-east-1a, us-east-1z]\n") ==
        "scenarios/x.yaml:5:23: error: spec.zones[1]: zone \"us-east-1z\" is not in region \"us-east-1\", expected one "
        "of \"us-east-1a\", \"us-east-1b\", \"us-east-1c\"");
  CHECK(single_error(head + "  autoscalers: [karpenter, descheduler]\n") ==
        "scenarios/x.yaml:4:28: error: spec.autoscalers[1]: expected one of \"karpenter\", \"cluster-autoscaler\", "
        "\"static\", \"lower-bound\", got \"descheduler\"");
  CHECK(single_error(head + "  timeline:\n    - {at: 1m, delete: {kind: Job, name: a}, apply: {kind: Job, name: a}}\n") ==
        "scenarios/x.yaml:5:46: error: spec.timeline[0]: expected exactly one of \"scale\", \"delete\", \"apply\", "
        "\"replay\", \"update\", \"handover\", got both \"delete\" and \"apply\"");
  CHECK(single_error(head + "  timeline:\n    - {at: 1m, scale: {kind: DaemonSet, name: a, replicas: 2}}\n") ==
        "scenarios/x.yaml:5:30: error: spec.timeline[0].scale.kind: expected one of \"Deployment\", \"StatefulSet\", "
        "\"ReplicaSet\", \"Job\", \"NodeGroup\", got \"DaemonSet\"");
  CHECK(single_error(head + "  timeline:\n    - {at: 1m, replay: {trace: traces/none.csv}}\n") ==
        "scenarios/x.yaml:5:32: error: spec.timeline[0].replay.trace: trace file \"traces/none.csv\" not found (looked "
        "for \"scenarios/traces/none.csv\")");
  CHECK(single_error(head + "  timeline:\n    - {at: 1m, replay: {generate: {pods: 10, owners: 0}}}\n") ==
        "scenarios/x.yaml:5:54: error: spec.timeline[0].replay.generate.owners: expected an integer from 1 to 1000000, "
        "got \"0\"");
  CHECK(single_error(head + "  timeline:\n    - {at: 1m, replay: {generate: {pods: 10, initialPods: 20}}}\n") ==
        "scenarios/x.yaml:5:59: error: spec.timeline[0].replay.generate.initialPods: expected an integer from 0 to "
        "pods (10), got 20");
  CHECK(single_error(head + "  timeline:\n    - {at: 1m, replay: {generate: {pods: 10, meanLifetime: soon}}}\n") ==
        "scenarios/x.yaml:5:60: error: spec.timeline[0].replay.generate.meanLifetime: expected a duration such as "
        "\"30s\", got \"soon\"");
  CHECK(single_error(head + "  timeline:\n    - {at: 1m, replay: {generate: {pods: 10}, trace: a.csv}}\n") ==
        "scenarios/x.yaml:5:25: error: spec.timeline[0].replay.generate: expected \"trace\" or \"generate\", not both");
  CHECK(single_error(head + "  expectations:\n    - {metric: peakNodes}\n") ==
        "scenarios/x.yaml:5:7: error: spec.expectations[0]: expected one of \"equals\", \"atMost\", \"atLeast\", "
        "\"lessThan\", \"greaterThan\", got none");
  CHECK(single_error(head + "  karpenter: {version: v0.33}\n") ==
        "scenarios/x.yaml:4:24: error: spec.karpenter.version: expected one of \"v0.29\", \"v1.14\", got \"v0.33\"");
}

TEST_CASE("workload field rules", "[io]") {
  CHECK(single_error(deployment("      containers:\n"
                                "        - name: c\n"
                                "          resources: {requests: {cpu: 2}, limits: {cpu: 1}}\n")) ==
        "scenarios/x.yaml:9:39: error: spec.template.spec.containers[0].resources.requests.cpu: must be less than or "
        "equal to the cpu limit \"1\"");
  CHECK(single_error(deployment("      containers: [{name: c}]\n"
                                "      tolerations: [{key: a, operator: Exists, value: b}]\n")) ==
        "scenarios/x.yaml:8:55: error: spec.template.spec.tolerations[0].value: value must be empty when operator is "
        "Exists");
  CHECK(single_error(deployment("      containers: [{name: c}]\n"
                                "      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
                                "{nodeSelectorTerms: [{matchExpressions: [{key: a, operator: In}]}]}}}\n")) ==
        "scenarios/x.yaml:8:122: error: spec.template.spec.affinity.nodeAffinity."
        "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]: values must be "
        "specified when operator is In or NotIn");
  CHECK(single_error(deployment("      containers: [{name: c}]\n"
                                "      topologySpreadConstraints: [{maxSkew: 0, topologyKey: zone, whenUnsatisfiable: "
                                "DoNotSchedule}]\n")) ==
        "scenarios/x.yaml:8:45: error: spec.template.spec.topologySpreadConstraints[0].maxSkew: expected a positive "
        "integer, got \"0\"");
  CHECK(single_error("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec:\n"
                     "  minAvailable: 1\n  maxUnavailable: 1\n") ==
        "scenarios/x.yaml:5:3: error: spec: minAvailable and maxUnavailable cannot be both set");
  CHECK(single_error("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n"
                     "    metadata: {annotations: {capsim.dev/run-duration: forever}}\n"
                     "    spec: {containers: [{name: c}]}\n") ==
        "scenarios/x.yaml:6:55: error: spec.template.metadata.annotations[\"capsim.dev/run-duration\"]: expected a "
        "positive duration such as \"30s\", got \"forever\"");
}

TEST_CASE("spec.golden: tolerances and categories are checked where they are written", "[io]") {
  const std::string head = "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n";
  CHECK(single_error(head + "  golden: {costTolerance: 2}\n") ==
        "scenarios/x.yaml:4:27: error: spec.golden.costTolerance: expected a fraction from 0 to 1 such as 0.02 (2 %), got \"2\"");
  CHECK(single_error(head + "  golden: {ignore: [launch, scaleup]}\n") ==
        "scenarios/x.yaml:4:29: error: spec.golden.ignore[1]: expected one of \"launch\", \"termination\", \"disrupt\", "
        "\"scale-up\", \"scale-down\", \"preempt\", \"interruption\", \"launch-failed\", \"handover\", \"cost\", got "
        "\"scaleup\" (did you mean \"scale-up\"?)");
  CHECK(single_error(head + "  golden: {timeTolerance: soon}\n") ==
        "scenarios/x.yaml:4:27: error: spec.golden.timeTolerance: expected a duration such as \"30s\", got \"soon\"");
}

TEST_CASE("a static NodePool (spec.replicas) is refused: its controller is not modelled", "[io]") {
  CHECK(single_error(node_pool_v1("        - {key: kubernetes.io/os, operator: In, values: [linux]}\n", "  replicas: 3\n")) ==
        "scenarios/x.yaml:10:13: error: spec.replicas: static NodePools (spec.replicas, the StaticCapacity feature gate) "
        "are not modelled");
}
