// Test support: load a scenario from inline YAML with the embedded catalog and run it (a scenario
// may select a built-in fake catalog with spec.instanceCatalog).
#pragma once

#include <string>

#include "capsim/catalog/catalog.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"

namespace capsim::test {

inline spec::Scenario load_text(const std::string& yaml) {
  return io::load_scenario_text(yaml, "test.yaml", *catalog::Catalog::embedded());
}

inline sim::AutoscalerResult run_text(const std::string& yaml, const std::string& autoscaler = "karpenter") {
  spec::Scenario s = load_text(yaml);
  sim::SimOptions opts;
  opts.catalog = catalog::Catalog::embedded();
  opts.check_invariants = true;
  return sim::run_autoscaler(s, autoscaler, opts);
}

// A Scenario document header; `extra` is appended under spec (indent 2).
inline std::string scenario_doc(const std::string& version, const std::string& duration, const std::string& extra = "") {
  return "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  region: us-east-1\n"
         "  zones: [us-east-1a, us-east-1b]\n  duration: " +
         duration + "\n  karpenter: {version: " + version + "}\n" + extra + "---\n";
}

// A Scenario document on a built-in fake catalog (spec.instanceCatalog: karpenter-fake,
// karpenter-fake-assorted or karpenter-fake-N; region "test", zones test-zone-1..3).
// `karpenter` is the flow map of spec.karpenter; `extra` is appended under spec (indent 2).
inline std::string fake_scenario_doc(const std::string& catalog, const std::string& karpenter, const std::string& duration,
                                     const std::string& extra = "") {
  return "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  instanceCatalog: " + catalog +
         "\n  duration: " + duration + "\n  karpenter: " + karpenter + "\n" + extra + "---\n";
}

// A Deployment with `replicas` pods requesting cpu/memory. Its pods have
// terminationGracePeriodSeconds 0, so a deleted pod is gone at once, as upstream's unit tests
// delete pods (expectations.go ExpectDeleted: GracePeriodSeconds 0); tests of graceful
// termination write their own.
inline std::string deployment(const std::string& name, int replicas, const std::string& cpu, const std::string& memory,
                              const std::string& pod_spec_extra = "") {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + "}\nspec:\n  replicas: " +
         std::to_string(replicas) + "\n  template:\n    metadata: {labels: {app: " + name +
         "}}\n    spec:\n      terminationGracePeriodSeconds: 0\n" + pod_spec_extra + "      containers:\n        - name: c\n          resources: {requests: {cpu: " +
         cpu + ", memory: " + memory + "}}\n---\n";
}

// A v1 EC2NodeClass as Karpenter's getting-started guide writes it (role, subnet and
// security-group selector terms, which the CRD requires), with the AMI alias `alias` and
// `spec_extra` appended under spec (indent 2).
inline std::string ec2_node_class_v1(const std::string& name, const std::string& alias = "al2023@latest",
                                     const std::string& spec_extra = "") {
  return "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: " + name +
         "}\nspec:\n  amiSelectorTerms: [{alias: " + alias +
         "}]\n  role: KarpenterNodeRole-my-cluster\n"
         "  subnetSelectorTerms: [{tags: {karpenter.sh/discovery: my-cluster}}]\n"
         "  securityGroupSelectorTerms: [{tags: {karpenter.sh/discovery: my-cluster}}]\n" +
         spec_extra + "---\n";
}

// A v1 NodePool + EC2NodeClass; `requirements` is a YAML flow list, `disruption` a flow map.
// `node_class`: the EC2NodeClass document (default: ec2_node_class_v1(name)).
inline std::string node_pool_v1(const std::string& name, const std::string& requirements, const std::string& disruption,
                                const std::string& extra_spec = "", const std::string& node_class = "") {
  return "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: " + name +
         "}\nspec:\n  template:\n    spec:\n      requirements: " + requirements +
         "\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: " + name +
         "}\n  disruption: " + disruption + "\n" + extra_spec + "---\n" +
         (node_class.empty() ? ec2_node_class_v1(name) : node_class);
}

}  // namespace capsim::test
