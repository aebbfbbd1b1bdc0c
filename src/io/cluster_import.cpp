// `capsim import cluster`: a kubectl dump -> a scenario (see cluster_import.hpp for the mapping).
#include "capsim/io/cluster_import.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <set>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/core/cron.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "scenario_loader_detail.hpp"

namespace capsim::io {

namespace {

namespace fs = std::filesystem;
using detail::index_path;
using detail::key_path;
using detail::quote;

// One object of the dump with where it came from.
struct Obj {
  YAML::Node node;
  std::string file;
  std::string path;  // items[3], or "" for a file holding one object
  std::string kind, name, ns;
};

std::string scalar(const YAML::Node& n) {
  if (!n.IsDefined() || !n.IsScalar()) return {};
  return n.Scalar();
}

std::string at(const YAML::Node& n, std::initializer_list<const char*> keys) {
  YAML::Node cur = n;
  for (const char* k : keys) {
    if (!cur.IsDefined() || !cur.IsMap()) return {};
    YAML::Node next = cur[k];
    cur.reset(next);
  }
  return scalar(cur);
}

// n[key] for reading: an undefined node (never yaml-cpp's invalid "zombie", which throws on use)
// when n is not a map or has no such key.
YAML::Node child(const YAML::Node& n, const char* key) {
  if (!n.IsDefined() || !n.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node v = n[key];
  if (!v.IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
  return v;
}

std::map<std::string, std::string> string_map(const YAML::Node& n) {
  std::map<std::string, std::string> out;
  if (!n.IsDefined() || !n.IsMap()) return out;
  for (const auto& e : n)
    if (e.second.IsScalar()) out[e.first.Scalar()] = e.second.Scalar();
  return out;
}

Diagnostic diag_at(const Obj& o, const YAML::Node& n, const std::string& sub, std::string message,
                   Severity sev = Severity::error) {
  const spec::SourceLoc l = detail::loc_of(o.file, n.IsDefined() ? n : o.node);
  std::string path = o.path;
  if (!sub.empty()) path = path.empty() ? sub : path + "." + sub;
  return Diagnostic{l.file, l.line, l.col, sev, path, std::move(message)};
}

// ---------------------------------------------------------------------------------------------
// Reading the dump

void add_object(std::vector<Obj>& out, std::vector<Diagnostic>& errors, const YAML::Node& n, const std::string& file,
                const std::string& path) {
  Obj o{n, file, path, at(n, {"kind"}), at(n, {"metadata", "name"}), at(n, {"metadata", "namespace"})};
  if (!n.IsMap()) {
    errors.push_back(diag_at(o, n, "", "expected a Kubernetes object, got " + detail::describe(n)));
    return;
  }
  if (o.kind == "List" || (o.kind.empty() && child(n, "items").IsDefined())) {
    const YAML::Node items = child(n, "items");
    if (!items.IsDefined() || !items.IsSequence()) {
      errors.push_back(diag_at(o, items, "items", "expected a list of objects"));
      return;
    }
    for (std::size_t i = 0; i < items.size(); ++i)
      add_object(out, errors, items[i], file, index_path(path.empty() ? "items" : path + ".items", i));
    return;
  }
  if (o.kind.empty()) errors.push_back(diag_at(o, n, "kind", "missing required key \"kind\""));
  else if (o.name.empty()) errors.push_back(diag_at(o, child(n, "metadata"), "metadata.name", "missing required key \"name\""));
  else out.push_back(std::move(o));
}

void read_file(std::vector<Obj>& out, std::vector<Diagnostic>& errors, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors.push_back(Diagnostic{file, 0, 0, Severity::error, "", "cannot read the file"});
    return;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::vector<YAML::Node> docs;
  try {
    docs = detail::load_all_documents(text.str());
  } catch (const YAML::Exception& e) {
    errors.push_back(Diagnostic{file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1,
                                Severity::error, "", "malformed JSON/YAML: " + e.msg});
    return;
  }
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (docs[i].IsNull()) continue;
    add_object(out, errors, docs[i], file, docs.size() > 1 ? "(document " + std::to_string(i + 1) + ")" : "");
  }
}

std::vector<std::string> input_files(const std::vector<std::string>& inputs, std::vector<Diagnostic>& errors) {
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(in, ec)) {
        const std::string ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".json" || ext == ".yaml" || ext == ".yml")) found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) errors.push_back(Diagnostic{in, 0, 0, Severity::error, "", "no .json, .yaml or .yml file in the directory"});
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(in, ec)) {
      files.push_back(in);
    } else {
      errors.push_back(Diagnostic{in, 0, 0, Severity::error, "", "no such file or directory"});
    }
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Cleaning objects down to what capsim models

// Fields dropped without a word (the "secrets, env and images"), and the server-set
// metadata of every object.
const std::set<std::string> k_silent = {"image", "imagePullPolicy", "imagePullSecrets", "env", "envFrom"};
const std::set<std::string> k_hash_labels = {"pod-template-hash", "controller-revision-hash",
                                             "statefulset.kubernetes.io/pod-name", "controller-uid",
                                             "batch.kubernetes.io/controller-uid"};

bool server_annotation(const std::string& k) {
  return k.rfind("kubectl.kubernetes.io/", 0) == 0 || k.rfind("deployment.kubernetes.io/", 0) == 0 ||
         k.rfind("kubernetes.io/psp", 0) == 0 || k == "karpenter.sh/nodepool-hash" || k == "karpenter.sh/nodepool-hash-version" ||
         k == "karpenter.k8s.aws/ec2nodeclass-hash" || k == "karpenter.k8s.aws/ec2nodeclass-hash-version";
}

class Cleaner {
 public:
  // Unmodelled fields seen, by generic path ("containers[].livenessProbe"), with a count.
  std::map<std::string, int> dropped;

  YAML::Node metadata(const YAML::Node& md, const std::string& name, bool keep_ns) {
    YAML::Node out(YAML::NodeType::Map);
    out["name"] = name;
    const std::string ns = at(md, {"namespace"});
    if (keep_ns && !ns.empty() && ns != "default") out["namespace"] = ns;
    labels_into(out, "labels", child(md, "labels"));
    annotations_into(out, child(md, "annotations"));
    return out;
  }

  void labels_into(YAML::Node& out, const char* key, const YAML::Node& labels) {
    YAML::Node l(YAML::NodeType::Map);
    for (const auto& [k, v] : string_map(labels))
      if (!k_hash_labels.count(k)) l[k] = v;
    if (l.size() > 0) out[key] = l;
  }

  void annotations_into(YAML::Node& out, const YAML::Node& annotations) {
    YAML::Node a(YAML::NodeType::Map);
    for (const auto& [k, v] : string_map(annotations))
      if (!server_annotation(k)) a[k] = v;
    if (a.size() > 0) out["annotations"] = a;
  }

  YAML::Node container(const YAML::Node& c, const std::string& prefix, bool init) {
    YAML::Node out(YAML::NodeType::Map);
    for (const auto& e : c) {
      const std::string k = e.first.Scalar();
      if (k == "name") out["name"] = e.second;
      else if (k == "resources") {
        YAML::Node r(YAML::NodeType::Map);
        for (const char* part : {"requests", "limits"})
          if (const YAML::Node q = child(e.second, part); q.IsDefined() && q.IsMap() && q.size() > 0) r[part] = YAML::Clone(q);
        if (r.size() > 0) out["resources"] = r;
      } else if (k == "ports") {
        YAML::Node ports(YAML::NodeType::Sequence);
        if (e.second.IsSequence())
          for (const auto& p : e.second)
            if (const std::string hp = at(p, {"hostPort"}); !hp.empty() && hp != "0") {
              YAML::Node port(YAML::NodeType::Map);
              port["hostPort"] = YAML::Clone(child(p, "hostPort"));
              ports.push_back(port);
            }
        if (ports.size() > 0) out["ports"] = ports;
      } else if (init && k == "restartPolicy") {
        out["restartPolicy"] = e.second;
      } else if (!k_silent.count(k)) {
        ++dropped[prefix + "[]." + k];
      }
    }
    return out;
  }

  // A pod spec (template or pod). `priority_classes`: the PriorityClasses the scenario will have.
  YAML::Node pod_spec(const YAML::Node& spec, const std::set<std::string>& priority_classes) {
    YAML::Node out(YAML::NodeType::Map);
    if (!spec.IsDefined() || !spec.IsMap()) return out;
    const std::string pcn = at(spec, {"priorityClassName"});
    for (const auto& e : spec) {
      const std::string k = e.first.Scalar();
      if (k == "containers" || k == "initContainers") {
        YAML::Node list(YAML::NodeType::Sequence);
        if (e.second.IsSequence())
          for (const auto& c : e.second) list.push_back(container(c, k, k == "initContainers"));
        if (list.size() > 0) out[k] = list;
      } else if (k == "nodeSelector" || k == "affinity" || k == "tolerations" || k == "topologySpreadConstraints" ||
                 k == "overhead" || k == "terminationGracePeriodSeconds") {
        out[k] = YAML::Clone(e.second);
      } else if (k == "priorityClassName") {
        if (priority_classes.count(pcn) || pcn == "system-cluster-critical" || pcn == "system-node-critical")
          out[k] = e.second;
        else
          ++dropped["priorityClassName (its PriorityClass is not in the dump; the pod's priority is kept)"];
      } else if (k == "priority") {
        if (!priority_classes.count(pcn) && pcn != "system-cluster-critical" && pcn != "system-node-critical")
          out[k] = e.second;
      } else if (k == "volumes") {
        YAML::Node vols(YAML::NodeType::Sequence);
        if (e.second.IsSequence())
          for (const auto& v : e.second) {
            YAML::Node vol(YAML::NodeType::Map);
            vol["name"] = YAML::Clone(child(v, "name"));
            if (child(v, "hostPath").IsDefined()) vol["hostPath"] = YAML::Clone(child(v, "hostPath"));
            else if (child(v, "emptyDir").IsDefined()) vol["emptyDir"] = YAML::Clone(child(v, "emptyDir"));
            else continue;  // secret, configMap, projected, PVC...: not modelled
            vols.push_back(vol);
          }
        if (vols.size() > 0) out["volumes"] = vols;
      } else if (k != "nodeName" && !k_silent.count(k)) {
        ++dropped[k];
      }
    }
    return out;
  }
};

// Block style everywhere below `n`, but lists of scalars in flow style ([m5, c5, r5]).
void block_style(YAML::Node n) {
  if (n.IsMap() || n.IsSequence()) {
    const bool scalars = n.IsSequence() && std::all_of(n.begin(), n.end(), [](const YAML::Node& x) { return x.IsScalar(); });
    n.SetStyle(scalars ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block);
    for (auto e : n) {
      if (n.IsMap()) block_style(e.second);
      else block_style(e);
    }
  }
}

// A Karpenter object as the dump has it, minus status and server-set metadata.
YAML::Node verbatim(const YAML::Node& n, Cleaner& c) {
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& e : n) {
    const std::string k = e.first.Scalar();
    if (k == "status") continue;
    if (k == "metadata") out["metadata"] = c.metadata(e.second, at(e.second, {"name"}), false);
    else out[k] = YAML::Clone(e.second);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The model

struct NodeInfo {
  const Obj* obj;
  std::string name, instance_type, zone, capacity_type, eks_group, pool, ami_family;
  std::int64_t created{0};
  std::int64_t capacity_pods{0};
  std::vector<std::pair<std::string, int>> pods;  // capsim workload name -> bound pods (ordered)
  std::vector<std::string> daemonsets;            // capsim names of the DaemonSets with a pod here
  std::string group;                              // its node group in the scenario ("" for Karpenter's)
};

struct WorkloadInfo {
  std::string kind;  // Deployment, StatefulSet, ReplicaSet, Job, DaemonSet, Pod
  std::string ns, source;
  std::string name;  // in the scenario
  const Obj* controller{nullptr};  // the object, when in the dump
  const Obj* first_pod{nullptr};   // the template's source when the controller is not
  int pods{0};                     // live pods seen
};

std::string ami_from_os_image(const std::string& os) {
  if (os.rfind("Amazon Linux 2023", 0) == 0) return "AL2023";
  if (os.rfind("Amazon Linux 2", 0) == 0) return "AL2";
  if (os.rfind("Bottlerocket", 0) == 0) return "Bottlerocket";
  if (os.find("Windows Server 2019") != std::string::npos) return "Windows2019";
  if (os.find("Windows Server 2022") != std::string::npos) return "Windows2022";
  if (os.find("Windows Server 2025") != std::string::npos) return "Windows2025";
  return {};
}

std::int64_t timestamp(const YAML::Node& md) {
  return parse_rfc3339_utc(at(md, {"creationTimestamp"})).value_or(0);
}

// A Duration of whole seconds, Go-style ("26h3m10s").
std::string age_text(std::int64_t seconds) {
  if (seconds <= 0) return "0s";
  return format_duration(Duration::seconds(seconds));
}

struct Sizes {
  int min, max;
};

}  // namespace

ClusterImport import_cluster(const ClusterImportOptions& opts, const catalog::Catalog& cat) {
  std::vector<Diagnostic> errors;
  std::vector<Obj> objs;
  for (const auto& f : input_files(opts.inputs, errors)) read_file(objs, errors, f);
  if (!errors.empty()) throw InputError(errors);

  std::map<std::string, Sizes> sizes;  // --nodes
  for (const auto& s : opts.node_group_sizes) {
    const auto a = s.find(':'), b = a == std::string::npos ? a : s.find(':', a + 1);
    int lo = -1, hi = -1;
    if (b != std::string::npos) try {
        lo = std::stoi(s.substr(0, a));
        hi = std::stoi(s.substr(a + 1, b - a - 1));
      } catch (const std::exception&) {
      }
    if (b == std::string::npos || lo < 0 || hi < lo || b + 1 >= s.size())
      errors.push_back(Diagnostic{"", 0, 0, Severity::error, "--nodes", "expected MIN:MAX:NAME with 0 <= MIN <= MAX, got " + quote(s)});
    else
      sizes[s.substr(b + 1)] = Sizes{lo, hi};
  }

  ClusterImport result;
  std::map<std::string, int> skipped;  // reason -> count
  std::set<std::string> priority_classes;
  std::int64_t now = opts.now_unix_s.value_or(0);
  for (const auto& o : objs) {
    if (!opts.now_unix_s) now = std::max(now, timestamp(child(o.node, "metadata")));
    if (o.kind == "PriorityClass" && o.name.rfind("system-", 0) != 0) priority_classes.insert(o.name);
  }

  // Nodes.
  std::vector<NodeInfo> nodes;
  std::map<std::string, std::size_t> node_index;
  std::set<std::string> pools;
  for (const auto& o : objs)
    if (o.kind == "NodePool" || o.kind == "Provisioner") pools.insert(o.name);
  std::string region;
  int bad_nodes = 0;
  for (const auto& o : objs) {
    if (o.kind != "Node") continue;
    const YAML::Node md = child(o.node, "metadata");
    const auto labels = string_map(child(md, "labels"));
    auto label = [&](std::initializer_list<const char*> keys) -> std::string {
      for (const char* k : keys)
        if (auto it = labels.find(k); it != labels.end()) return it->second;
      return {};
    };
    NodeInfo n;
    n.obj = &o;
    n.name = o.name;
    n.instance_type = label({"node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type"});
    n.zone = label({"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"});
    const std::string node_region = label({"topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"});
    std::vector<Diagnostic> bad;
    if (n.instance_type.empty())
      bad.push_back(diag_at(o, child(md, "labels"), "metadata.labels",
                            "node " + quote(o.name) + " has no node.kubernetes.io/instance-type label"));
    else if (!cat.find(n.instance_type))
      bad.push_back(diag_at(o, child(md, "labels"), "metadata.labels[\"node.kubernetes.io/instance-type\"]",
                            "unknown instance type " + quote(n.instance_type)));
    if (n.zone.empty())
      bad.push_back(diag_at(o, child(md, "labels"), "metadata.labels", "node " + quote(o.name) + " has no topology.kubernetes.io/zone label"));
    if (!region.empty() && !node_region.empty() && node_region != region)
      bad.push_back(diag_at(o, child(md, "labels"), "metadata.labels[\"topology.kubernetes.io/region\"]",
                            "node " + quote(o.name) + " is in region " + quote(node_region) + ", others in " + quote(region)));
    if (!bad.empty()) {
      // --skip-bad: up to that many bad nodes are left out (their pods stay pending), with warnings.
      if (bad_nodes < opts.skip_bad) {
        ++bad_nodes;
        for (auto& d : bad) {
          d.severity = Severity::warning;
          d.message += " (node skipped)";
          result.warnings.push_back(d);
        }
      } else {
        errors.insert(errors.end(), bad.begin(), bad.end());
      }
      continue;
    }
    if (region.empty()) region = node_region;
    const std::string ct = label({"karpenter.sh/capacity-type", "eks.amazonaws.com/capacityType"});
    n.capacity_type = (ct == "spot" || ct == "SPOT") ? "spot" : "on-demand";
    n.pool = label({"karpenter.sh/nodepool", "karpenter.sh/provisioner-name"});
    if (!n.pool.empty() && !pools.count(n.pool)) {
      ++skipped["Karpenter node(s) whose NodePool is not in the dump, imported as static nodes"];
      n.pool.clear();
    }
    n.eks_group = label({"eks.amazonaws.com/nodegroup"});
    n.created = timestamp(md);
    n.ami_family = ami_from_os_image(at(o.node, {"status", "nodeInfo", "osImage"}));
    const std::string pods_cap = at(o.node, {"status", "capacity", "pods"});
    n.capacity_pods = pods_cap.empty() ? 0 : std::atoll(pods_cap.c_str());
    node_index[n.name] = nodes.size();
    nodes.push_back(std::move(n));
  }
  if (nodes.empty() && errors.empty())
    errors.push_back(Diagnostic{opts.inputs.empty() ? "" : opts.inputs.front(), 0, 0, Severity::error, "",
                                "the dump has no Node objects (dump with `kubectl get nodes,pods,... -A -o json`)"});
  if (region.empty() && errors.empty())
    errors.push_back(Diagnostic{nodes.front().obj->file, 0, 0, Severity::error, "", "no node has a topology.kubernetes.io/region label"});
  for (const auto& size : sizes) {
    const std::string& g = size.first;
    if (std::none_of(nodes.begin(), nodes.end(), [&](const NodeInfo& n) { return n.eks_group == g; }))
      errors.push_back(Diagnostic{"", 0, 0, Severity::error, "--nodes", "no managed node group named " + quote(g) + " in the dump"});
  }
  if (!errors.empty()) throw InputError(errors);

  // Workloads: controllers first, then the owners of pods.
  std::map<std::tuple<std::string, std::string, std::string>, WorkloadInfo> workloads;  // (kind, ns, name)
  std::map<std::pair<std::string, std::string>, std::string> rs_owner;                   // (ns, rs) -> deployment
  for (const auto& o : objs) {
    const std::string ns = o.ns.empty() ? "default" : o.ns;
    if (o.kind == "ReplicaSet") {
      const YAML::Node refs = child(child(o.node, "metadata"), "ownerReferences");
      if (refs.IsSequence())
        for (const auto& r : refs)
          if (scalar(child(r, "kind")) == "Deployment") rs_owner[{ns, o.name}] = scalar(child(r, "name"));
    }
    if (o.kind == "Job") {
      bool finished = child(child(o.node, "status"), "completionTime").IsDefined();
      if (const YAML::Node c = child(child(o.node, "status"), "conditions"); c.IsSequence())
        for (const auto& x : c)
          if ((scalar(child(x, "type")) == "Complete" || scalar(child(x, "type")) == "Failed") && scalar(child(x, "status")) == "True") finished = true;
      if (finished) {
        ++skipped["finished Job(s)"];
        continue;
      }
    }
    if (o.kind == "Deployment" || o.kind == "StatefulSet" || o.kind == "DaemonSet" || o.kind == "Job" ||
        (o.kind == "ReplicaSet" && !rs_owner.count({ns, o.name})))
      workloads[{o.kind, ns, o.name}] = WorkloadInfo{o.kind, ns, o.name, {}, &o, nullptr, 0};
  }
  struct Binding {
    std::size_t node;
    std::tuple<std::string, std::string, std::string> workload;
    bool daemon;
  };
  std::vector<Binding> bindings;
  for (const auto& o : objs) {
    if (o.kind != "Pod") continue;
    const std::string phase = at(o.node, {"status", "phase"});
    if (phase == "Succeeded" || phase == "Failed") {
      ++skipped["finished pod(s)"];
      continue;
    }
    if (child(child(o.node, "metadata"), "deletionTimestamp").IsDefined()) {
      ++skipped["terminating pod(s)"];
      continue;
    }
    const std::string ns = o.ns.empty() ? "default" : o.ns;
    std::string kind = "Pod", name = o.name;
    const YAML::Node refs = child(child(o.node, "metadata"), "ownerReferences");
    if (refs.IsSequence())
      for (const auto& r : refs) {
        if (scalar(child(r, "controller")) != "true") continue;
        kind = scalar(child(r, "kind"));
        name = scalar(child(r, "name"));
      }
    if (kind == "Node") {
      ++skipped["mirror (static) pod(s)"];
      continue;
    }
    if (kind == "ReplicaSet") {
      if (auto it = rs_owner.find({ns, name}); it != rs_owner.end()) {
        kind = "Deployment";
        name = it->second;
      } else if (!workloads.count({"ReplicaSet", ns, name})) {
        // No ReplicaSet object: its name is the Deployment's plus "-<pod-template-hash>".
        const std::string hash = at(o.node, {"metadata", "labels", "pod-template-hash"});
        if (!hash.empty() && name.size() > hash.size() + 1 && name.compare(name.size() - hash.size(), hash.size(), hash) == 0) {
          kind = "Deployment";
          name = name.substr(0, name.size() - hash.size() - 1);
        }
      }
    } else if (kind != "StatefulSet" && kind != "DaemonSet" && kind != "Job" && kind != "Pod") {
      ++skipped["pod(s) owned by a " + kind + " (not modelled), imported as a Deployment of its pods"];
      kind = "Deployment";
    }
    auto [it, fresh] = workloads.try_emplace({kind, ns, name}, WorkloadInfo{kind, ns, name, {}, nullptr, &o, 0});
    if (!it->second.first_pod) it->second.first_pod = &o;
    ++it->second.pods;
    const std::string node_name = at(o.node, {"spec", "nodeName"});
    if (node_name.empty()) continue;
    auto ni = node_index.find(node_name);
    if (ni == node_index.end()) {
      ++skipped["pod(s) bound to a node not in the dump, left pending"];
      continue;
    }
    bindings.push_back(Binding{ni->second, {kind, ns, name}, kind == "DaemonSet"});
  }

  // Scenario names: the object's name, or namespace-name when two workloads share it.
  std::map<std::string, int> name_uses;
  for (const auto& [key, w] : workloads) ++name_uses[w.source];
  for (auto& [key, w] : workloads) w.name = name_uses[w.source] > 1 ? w.ns + "-" + w.source : w.source;
  int bound = 0;
  for (const auto& b : bindings) {
    const std::string& name = workloads.at(b.workload).name;
    if (b.daemon) {
      nodes[b.node].daemonsets.push_back(name);
      continue;
    }
    ++bound;
    auto& pods = nodes[b.node].pods;
    auto it = std::find_if(pods.begin(), pods.end(), [&](const auto& p) { return p.first == name; });
    if (it == pods.end()) pods.emplace_back(name, 1);
    else ++it->second;
  }

  // Documents.
  Cleaner clean;
  std::vector<std::pair<YAML::Node, const Obj*>> docs;  // each with the object it comes from
  for (const auto& o : objs)
    if (o.kind == "PriorityClass" && priority_classes.count(o.name)) {
      YAML::Node d(YAML::NodeType::Map);
      d["apiVersion"] = "scheduling.k8s.io/v1";
      d["kind"] = "PriorityClass";
      d["metadata"] = clean.metadata(child(o.node, "metadata"), o.name, false);
      for (const char* k : {"value", "globalDefault", "preemptionPolicy"})
        if (child(o.node, k).IsDefined()) d[k] = YAML::Clone(child(o.node, k));
      docs.emplace_back(d, &o);
    }
  bool any_v1alpha5 = false, any_karpenter = false;
  for (const auto& o : objs)
    if (o.kind == "NodePool" || o.kind == "EC2NodeClass" || o.kind == "Provisioner" || o.kind == "AWSNodeTemplate") {
      docs.emplace_back(verbatim(o.node, clean), &o);
      any_karpenter = any_karpenter || o.kind == "NodePool" || o.kind == "Provisioner";
      any_v1alpha5 = any_v1alpha5 || o.kind == "Provisioner";
    }
  for (const auto& [key, w] : workloads) {
    YAML::Node d(YAML::NodeType::Map);
    const Obj* src = w.controller ? w.controller : w.first_pod;
    if (!src) continue;
    const bool from_pod = !w.controller;
    d["apiVersion"] = w.kind == "Pod" ? "v1" : w.kind == "Job" ? "batch/v1" : "apps/v1";
    d["kind"] = w.kind;
    YAML::Node pod_md = from_pod ? child(src->node, "metadata") : child(child(child(src->node, "spec"), "template"), "metadata");
    const YAML::Node pod_spec = from_pod ? child(src->node, "spec") : child(child(child(src->node, "spec"), "template"), "spec");
    d["metadata"] = clean.metadata(w.kind == "Pod" ? pod_md : child(src->node, "metadata"), w.name, true);
    if (w.kind == "Pod") {
      d["spec"] = clean.pod_spec(pod_spec, priority_classes);
    } else {
      YAML::Node spec(YAML::NodeType::Map);
      if (w.kind == "Job") {
        for (const char* k : {"parallelism", "completions"})
          if (const YAML::Node v = child(child(src->node, "spec"), k); v.IsDefined() && !from_pod) spec[k] = YAML::Clone(v);
      } else if (w.kind != "DaemonSet") {
        const YAML::Node r = child(child(src->node, "spec"), "replicas");
        if (!from_pod && r.IsDefined()) spec["replicas"] = YAML::Clone(r);
        else spec["replicas"] = w.pods;
      }
      YAML::Node tmpl(YAML::NodeType::Map);
      YAML::Node tmd(YAML::NodeType::Map);
      clean.labels_into(tmd, "labels", child(pod_md, "labels"));
      clean.annotations_into(tmd, child(pod_md, "annotations"));
      if (tmd.size() > 0) tmpl["metadata"] = tmd;
      tmpl["spec"] = clean.pod_spec(pod_spec, priority_classes);
      spec["template"] = tmpl;
      d["spec"] = spec;
    }
    docs.emplace_back(d, src);
    ++result.workloads;
  }
  for (const auto& o : objs)
    if (o.kind == "PodDisruptionBudget") {
      YAML::Node d(YAML::NodeType::Map);
      d["apiVersion"] = "policy/v1";
      d["kind"] = "PodDisruptionBudget";
      d["metadata"] = clean.metadata(child(o.node, "metadata"), o.name, true);
      YAML::Node spec(YAML::NodeType::Map);
      for (const char* k : {"selector", "minAvailable", "maxUnavailable"})
        if (const YAML::Node v = child(child(o.node, "spec"), k); v.IsDefined()) spec[k] = YAML::Clone(v);
      d["spec"] = spec;
      docs.emplace_back(d, &o);
    }
  static const std::set<std::string> k_modelled_kinds = {
      "Node", "Pod", "NodePool", "NodeClaim", "EC2NodeClass", "Provisioner", "AWSNodeTemplate", "Machine",
      "PodDisruptionBudget", "PriorityClass", "Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"};
  for (const auto& o : objs)
    if (!k_modelled_kinds.count(o.kind)) ++skipped[o.kind + " object(s) (not modelled)"];

  // The Scenario document, built as text so node names can be comments.
  std::set<std::string> zones;
  for (const auto& n : nodes) zones.insert(n.zone);
  std::vector<std::string> autoscalers;
  if (any_karpenter) autoscalers.push_back("karpenter");
  if (!sizes.empty()) autoscalers.push_back("cluster-autoscaler");
  if (autoscalers.empty()) autoscalers.push_back("static");

  // Node groups: managed node groups by name, other non-Karpenter nodes by instance type.
  struct Group {
    std::string name, ami;
    std::vector<std::size_t> nodes;
  };
  std::map<std::string, Group> groups;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto& n = nodes[i];
    if (!n.pool.empty()) continue;
    const std::string g = !n.eks_group.empty() ? n.eks_group : "static-" + n.instance_type + (n.capacity_type == "spot" ? "-spot" : "");
    groups[g].name = g;
    groups[g].nodes.push_back(i);
    nodes[i].group = g;
  }
  for (auto& [name, g] : groups) {
    std::map<std::string, int> amis;
    for (auto i : g.nodes)
      if (!nodes[i].ami_family.empty()) ++amis[nodes[i].ami_family];
    g.ami = "AL2023";
    int best = 0;
    for (const auto& [a, c] : amis)
      if (c > best) best = c, g.ami = a;
    if (amis.empty()) ++skipped["node group(s) whose OS image names no AMI family, imported as AL2023"];
  }

  // Allocatable as capsim computes it, for the fit check and kubelet maxPods.
  std::map<std::string, std::map<std::string, catalog::InstanceType>> types_by_ami;  // ami -> type -> it
  auto instance_type = [&](const std::string& ami, const std::string& type) -> const catalog::InstanceType* {
    auto& m = types_by_ami[ami];
    if (m.empty()) {
      catalog::NodeClassParams params;
      if (auto f = catalog::parse_ami_family(ami)) params.ami_family = *f;
      for (auto& it : catalog::build_instance_types(cat, region, {zones.begin(), zones.end()}, params)) m.emplace(it.name, std::move(it));
    }
    auto it = m.find(type);
    return it == m.end() ? nullptr : &it->second;
  };

  std::vector<std::pair<int, const Obj*>> doc_lines;  // first line of each emitted manifest, its source
  auto emit = [&](const std::map<std::size_t, std::vector<std::pair<std::string, int>>>& pods_of,
                  const std::map<std::string, int>& max_pods) {
    YAML::Emitter e;
    e << YAML::BeginDoc << YAML::BeginMap;
    e << YAML::Key << "apiVersion" << YAML::Value << "capsim.dev/v1alpha1";
    e << YAML::Key << "kind" << YAML::Value << "Scenario";
    e << YAML::Key << "metadata" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value
      << opts.name << YAML::EndMap;
    e << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "description" << YAML::Value
      << "imported by capsim import cluster: " + std::to_string(nodes.size()) + " nodes, " +
             std::to_string(bound) + " bound pods";
    e << YAML::Key << "region" << YAML::Value << region;
    e << YAML::Key << "zones" << YAML::Value << YAML::Flow << std::vector<std::string>(zones.begin(), zones.end());
    e << YAML::Key << "duration" << YAML::Value << opts.duration;
    e << YAML::Key << "autoscalers" << YAML::Value << YAML::Flow << autoscalers;
    if (any_karpenter) {
      e << YAML::Key << "karpenter" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "version" << YAML::Value
        << (any_v1alpha5 ? "v0.29" : "v1.14") << YAML::EndMap;
    }
    auto pods_map = [&](std::size_t i) {
      auto it = pods_of.find(i);
      if (it == pods_of.end() || it->second.empty()) return;
      e << YAML::Key << "pods" << YAML::Value << YAML::Flow << YAML::BeginMap;
      for (const auto& [w, c] : it->second) e << YAML::Key << w << YAML::Value << c;
      e << YAML::EndMap;
    };
    if (!groups.empty()) {
      e << YAML::Key << "nodeGroups" << YAML::Value << YAML::BeginSeq;
      for (const auto& [name, g] : groups) {
        const auto& first = nodes[g.nodes.front()];
        std::map<std::string, int> type_count;
        std::set<std::string> group_zones;
        for (auto i : g.nodes) ++type_count[nodes[i].instance_type], group_zones.insert(nodes[i].zone);
        std::vector<std::string> types;
        for (const auto& [t, c] : type_count) types.push_back(t);
        std::stable_sort(types.begin(), types.end(), [&](const auto& a, const auto& b) { return type_count[a] > type_count[b]; });
        e << YAML::BeginMap;
        e << YAML::Key << "name" << YAML::Value << name;
        if (types.size() == 1) {  // else mixedInstancesPolicy names the types and the split
          e << YAML::Key << "instanceType" << YAML::Value << types.front();
          e << YAML::Key << "capacityType" << YAML::Value << first.capacity_type;
        }
        e << YAML::Key << "amiFamily" << YAML::Value << g.ami;
        e << YAML::Key << "zones" << YAML::Value << YAML::Flow << std::vector<std::string>(group_zones.begin(), group_zones.end());
        // Labels and taints every node of the group has, but the ones the kubelet, EKS and
        // capsim set themselves.
        std::map<std::string, std::string> common = string_map(child(child(first.obj->node, "metadata"), "labels"));
        for (auto i : g.nodes) {
          const auto l = string_map(child(child(nodes[i].obj->node, "metadata"), "labels"));
          std::erase_if(common, [&](const auto& kv) {
            auto it = l.find(kv.first);
            return it == l.end() || it->second != kv.second;
          });
        }
        std::erase_if(common, [](const auto& kv) {
          const std::string& k = kv.first;
          return k.find("kubernetes.io/") != std::string::npos || k.rfind("eks.amazonaws.com/", 0) == 0 ||
                 k.rfind("k8s.io/", 0) == 0 || k.rfind("karpenter.", 0) == 0 || k.rfind("topology.", 0) == 0 ||
                 k.rfind("alpha.eksctl.io/", 0) == 0;
        });
        if (!common.empty()) e << YAML::Key << "labels" << YAML::Value << YAML::Flow << common;
        std::vector<std::tuple<std::string, std::string, std::string>> taints;
        if (const YAML::Node t = child(child(first.obj->node, "spec"), "taints"); t.IsSequence())
          for (const auto& x : t) {
            const std::string key = scalar(child(x, "key"));
            if (key.rfind("node.kubernetes.io/", 0) == 0 || key.rfind("node.cloudprovider.kubernetes.io/", 0) == 0 ||
                key == "ToBeDeletedByClusterAutoscaler" || key == "DeletionCandidateOfClusterAutoscaler" ||
                key.rfind("karpenter.sh/", 0) == 0)
              continue;
            taints.emplace_back(key, scalar(child(x, "value")), scalar(child(x, "effect")));
          }
        if (!taints.empty()) {
          e << YAML::Key << "taints" << YAML::Value << YAML::BeginSeq;
          for (const auto& [k, v, eff] : taints) {
            e << YAML::Flow << YAML::BeginMap << YAML::Key << "key" << YAML::Value << k;
            if (!v.empty()) e << YAML::Key << "value" << YAML::Value << v;
            e << YAML::Key << "effect" << YAML::Value << eff << YAML::EndMap;
          }
          e << YAML::EndSeq;
        }
        if (auto mp = max_pods.find(name); mp != max_pods.end())
          e << YAML::Key << "kubelet" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "maxPods" << YAML::Value
            << mp->second << YAML::EndMap;
        if (!first.eks_group.empty())
          e << YAML::Key << "tags" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "eks:nodegroup-name"
            << YAML::Value << name << YAML::EndMap;
        if (auto s = sizes.find(name); s != sizes.end()) {
          e << YAML::Key << "minSize" << YAML::Value << s->second.min;
          e << YAML::Key << "maxSize" << YAML::Value << std::max(s->second.max, static_cast<int>(g.nodes.size()));
          // A live cluster's group exists whichever autoscaler a run simulates (by default a
          // Cluster Autoscaler group is only in the Cluster Autoscaler's runs).
          if (any_karpenter) {
            std::vector<std::string> runs = autoscalers;
            runs.emplace_back("static");
            e << YAML::Key << "autoscalers" << YAML::Value << YAML::Flow << runs;
          }
        }
        if (types.size() > 1) {
          e << YAML::Key << "mixedInstancesPolicy" << YAML::Value << YAML::BeginMap;
          e << YAML::Key << "overrides" << YAML::Value << YAML::BeginSeq;
          for (const auto& t : types) e << YAML::Flow << YAML::BeginMap << YAML::Key << "instanceType" << YAML::Value << t << YAML::EndMap;
          e << YAML::EndSeq;
          if (first.capacity_type == "spot")
            e << YAML::Key << "onDemandPercentageAboveBaseCapacity" << YAML::Value << 0 << YAML::Key
              << "spotAllocationStrategy" << YAML::Value << "price-capacity-optimized";
          e << YAML::EndMap;
        }
        e << YAML::Key << "nodes" << YAML::Value << YAML::BeginSeq;
        for (auto i : g.nodes) {
          e << YAML::Flow << YAML::BeginMap << YAML::Key << "zone" << YAML::Value << nodes[i].zone;
          if (nodes[i].instance_type != types.front())
            e << YAML::Key << "instanceType" << YAML::Value << nodes[i].instance_type;
          pods_map(i);
          e << YAML::EndMap << YAML::Comment(nodes[i].name);
        }
        e << YAML::EndSeq << YAML::EndMap;
      }
      e << YAML::EndSeq;
    }
    bool any_claim = false;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const auto& n = nodes[i];
      if (n.pool.empty()) continue;
      if (!any_claim) e << YAML::Key << "nodeClaims" << YAML::Value << YAML::BeginSeq;
      any_claim = true;
      e << YAML::Flow << YAML::BeginMap << YAML::Key << "nodePool" << YAML::Value << n.pool;
      e << YAML::Key << "instanceType" << YAML::Value << n.instance_type << YAML::Key << "zone" << YAML::Value << n.zone;
      if (n.capacity_type == "spot") e << YAML::Key << "capacityType" << YAML::Value << "spot";
      e << YAML::Key << "age" << YAML::Value << age_text(now - n.created);
      pods_map(i);
      e << YAML::EndMap << YAML::Comment(n.name);
    }
    if (any_claim) e << YAML::EndSeq;
    e << YAML::EndMap << YAML::EndMap;
    std::string text = "# Imported by `capsim import cluster`: the cluster as it stood at " + format_rfc3339_utc(now) +
                       ". Run it with `capsim run` or `capsim compare`.\n";
    text += e.c_str();
    text += "\n";
    doc_lines.clear();
    int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));  // lines written so far
    for (const auto& [d, src] : docs) {
      YAML::Node copy = YAML::Clone(d);
      block_style(copy);
      YAML::Emitter de;
      de << YAML::BeginDoc << copy;
      const std::string doc = std::string(de.c_str()) + "\n";
      doc_lines.emplace_back(lines + 1, src);
      lines += static_cast<int>(std::count(doc.begin(), doc.end(), '\n'));
      text += doc;
    }
    return text;
  };
  // Loads the imported text; a document that does not load is reported at the dump object it
  // was made from (a Karpenter object copied verbatim that capsim rejects, say).
  const auto load_checked = [&](const std::string& text) {
    try {
      return load_scenario_text(text, opts.output_name, cat);
    } catch (const InputError& err) {
      std::vector<Diagnostic> mapped;
      for (Diagnostic d : err.diagnostics()) {
        const Obj* src = nullptr;
        for (const auto& [line, o] : doc_lines)
          if (line <= d.line) src = o;
        if (src) {
          const spec::SourceLoc l = detail::loc_of(src->file, src->node);
          d.message = src->kind + " " + quote(src->name) + " as imported: " + (d.path.empty() ? "" : d.path + ": ") + d.message;
          d.path = src->path;
          d.file = l.file;
          d.line = l.line;
          d.col = l.col;
        } else {
          d.message = "the imported scenario does not load: " + d.message;
        }
        mapped.push_back(d);
      }
      throw InputError(mapped);
    }
  };

  // Pass 1: every bound pod where it is. Then load it back and fit-check against capsim's
  // allocatable; pass 2 leaves the pods that do not fit pending.
  std::map<std::size_t, std::vector<std::pair<std::string, int>>> pods_of;
  for (std::size_t i = 0; i < nodes.size(); ++i) pods_of[i] = nodes[i].pods;
  std::map<std::string, int> max_pods;
  for (const auto& [name, g] : groups) {
    // kubelet maxPods when the nodes' pod capacity is not what capsim computes for the AMI family.
    const auto& first = nodes[g.nodes.front()];
    const auto* it = instance_type(g.ami, first.instance_type);
    if (it && first.capacity_pods > 0 && it->capacity.pods() != first.capacity_pods)
      max_pods[name] = static_cast<int>(first.capacity_pods);
  }
  spec::Scenario loaded = load_checked(emit(pods_of, max_pods));
  std::map<std::string, const spec::Workload*> by_name;
  for (const auto& w : loaded.workloads) by_name[w.name] = &w;
  std::map<std::string, int> left_pending;  // node name -> pods
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    auto& n = nodes[i];
    // World sizes initial NodeClaims with the default node class (AL2023), node groups with theirs.
    const std::string ami = n.group.empty() ? "AL2023" : groups.at(n.group).ami;
    const catalog::InstanceType* it = instance_type(ami, n.instance_type);
    if (!it) continue;
    ResourceList alloc = it->allocatable;
    if (auto mp = max_pods.find(n.group); mp != max_pods.end()) alloc.set(Resource::pods, Quantity::from_units(mp->second));
    ResourceList used;
    for (const auto& ds : n.daemonsets)
      if (auto w = by_name.find(ds); w != by_name.end()) used += w->second->tmpl.requests();
    auto& pods = pods_of[i];
    for (auto& [w, c] : pods) {
      const auto wl = by_name.find(w);
      if (wl == by_name.end()) continue;
      const ResourceList one = wl->second->tmpl.requests();
      int fit = 0;
      while (fit < c && one.fits_in(alloc, used)) used += one, ++fit;
      if (fit < c) left_pending[n.name] += c - fit;
      c = fit;
    }
    std::erase_if(pods, [](const auto& p) { return p.second == 0; });
  }
  for (const auto& [node, count] : left_pending)
    result.warnings.push_back(Diagnostic{"", 0, 0, Severity::warning, "",
                                         std::to_string(count) + " pod(s) bound to node " + node +
                                             " do not fit capsim's allocatable for it: left pending at t = 0"});
  result.yaml = emit(pods_of, max_pods);
  loaded = load_checked(result.yaml);  // the final file loads
  for (const auto& w : loaded.warnings) result.warnings.push_back(w);
  for (const auto& [field, count] : clean.dropped)
    result.warnings.push_back(Diagnostic{"", 0, 0, Severity::warning, "",
                                         "pod spec field " + quote(field) + " is not modelled and was dropped (in " +
                                             std::to_string(count) + " pod template(s))"});
  for (const auto& [why, count] : skipped)
    result.warnings.push_back(Diagnostic{"", 0, 0, Severity::warning, "", "skipped " + std::to_string(count) + " " + why});
  result.nodes = static_cast<int>(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    (nodes[i].pool.empty() ? result.node_group_nodes : result.karpenter_nodes) += 1;
    for (const auto& [w, c] : pods_of[i]) result.bound_pods += c;
  }
  return result;
}

}  // namespace capsim::io
