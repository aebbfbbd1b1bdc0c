// Private to the scenario loader: the per-run state and per-document context that collect
// diagnostics, a map view over yaml-cpp nodes that detects duplicate keys and tracks which keys
// were read, and scalar converters with precise messages. yaml-cpp 0.7 marks are 0-based; every
// diagnostic here is 1-based. The document readers live in scenario_loader_*.cpp.
//
// Never assign to a YAML::Node that already refers to a node (`a = b`): yaml-cpp's assignment
// rewrites the referenced node in the tree. Copy-initialise a new variable instead.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/core/quantity.hpp"
#include "capsim/core/time.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::io::detail {

// ---------------------------------------------------------------------------------------------
// Diagnostics

// Run-wide collection of errors (capped) and warnings.
struct Diagnostics {
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
  // Unknown manifest fields (strict field validation): errors, or warnings under --lenient.
  std::vector<Diagnostic> strict;
  // Fields and kinds that can change the answer but are not modelled (always reported).
  std::vector<Diagnostic> not_modelled;
  // Fields and kinds that cannot change the simulation (counted; listed by --explain-ignored).
  std::vector<Diagnostic> ignored;
  void error(Diagnostic d);
  void warning(Diagnostic d);
};

spec::SourceLoc loc_of(const std::string& file, const YAML::Node& n);

// One YAML document: its file, and the field paths already warned about.
class Doc {
 public:
  Doc(Diagnostics& diags, std::string file) : m_diags(diags), m_file(std::move(file)) {}

  // The document's kind, which decides what its unread fields mean (classify_unread).
  void set_kind(std::string kind) { m_kind = std::move(kind); }
  // A key strict validation reported as unknown; the unread-key report skips it.
  void mark_unknown(const std::string& path) { m_unknown.insert(path); }

  const std::string& file() const { return m_file; }
  spec::SourceLoc loc(const YAML::Node& n) const { return loc_of(m_file, n); }
  void error(const YAML::Node& at, const std::string& path, std::string message);
  void error_at(const spec::SourceLoc& at, const std::string& path, std::string message);
  void warning(const YAML::Node& at, const std::string& path, std::string message);
  // A field the reader did not read, once per distinct path in this document: counted as ignored
  // when it cannot change the simulation, else `field "<path>" is not modelled and is ignored`
  // (always reported). Unknown fields (mark_unknown) are skipped.
  void unmodelled(const YAML::Node& key_node, const std::string& path, const YAML::Node& value);
  void not_modelled(const YAML::Node& at, std::string message);
  void ignored(const YAML::Node& at, std::string message);
  std::size_t error_count() const { return m_diags.errors.size(); }

 private:
  Diagnostics& m_diags;
  std::string m_file;
  std::string m_kind;
  std::set<std::string> m_warned;
  std::set<std::string> m_unknown;
};

// ---------------------------------------------------------------------------------------------
// Paths and message fragments

// base.key, or base["key"] when the key is not a plain identifier.
std::string key_path(const std::string& base, std::string_view key);
std::string index_path(const std::string& base, std::size_t i);
// "\"text\"" with quotes, backslashes and control characters escaped.
std::string quote(std::string_view s);
// For "got ...": a quoted scalar, "a map", "a list" or "null".
std::string describe(const YAML::Node& n);
// "\"a\", \"b\", \"c\"".
std::string quote_list(const std::vector<std::string>& items);
// The candidate nearest to a misspelt `word` (edit distance, case-insensitive) if it is close
// enough to suggest ("did you mean"): at most a third of the word's length, 1 to 3 edits.
std::optional<std::string_view> closest(std::string_view word, const std::vector<std::string_view>& candidates);
std::string quote_list(const std::vector<std::string_view>& items);

// yaml-cpp's messages start upper-case; diagnostics do not.
std::string lower_first(std::string s);

enum class ReadStatus : std::uint8_t { ok, not_found, unreadable };
// The whole file into `out` (a directory is unreadable).
ReadStatus read_whole_file(const std::string& path, std::string& out);

// YAML::LoadAll, guarded against yaml-cpp 0.7's endless loop on a document that starts with a
// token no node can start with (then a ParserException at that token). Throws YAML::Exception.
std::vector<YAML::Node> load_all_documents(const std::string& text);

// Defined and not null (an explicit null is treated as absent, as Kubernetes does).
inline bool present(const YAML::Node& n) { return n.IsDefined() && !n.IsNull(); }

// ---------------------------------------------------------------------------------------------
// Scalar converters: report an error at `n` and return nullopt when `n` does not convert.

std::optional<std::string> to_string(Doc& d, const YAML::Node& n, const std::string& path);
std::optional<std::int64_t> to_int(Doc& d, const YAML::Node& n, const std::string& path,
                                   std::int64_t lo = std::numeric_limits<std::int64_t>::min(),
                                   std::int64_t hi = std::numeric_limits<std::int64_t>::max());
std::optional<bool> to_bool(Doc& d, const YAML::Node& n, const std::string& path);
std::optional<double> to_number(Doc& d, const YAML::Node& n, const std::string& path);
std::optional<Quantity> to_quantity(Doc& d, const YAML::Node& n, const std::string& path, bool allow_negative = false);
// capsim Go-style duration ("30s", "1h30m", "500ms").
std::optional<Duration> to_duration(Doc& d, const YAML::Node& n, const std::string& path);
// A Karpenter duration field: ^([0-9]+(s|m|h))+$, or "Never" when allowed (-> inner nullopt).
std::optional<std::optional<Duration>> to_karpenter_duration(Doc& d, const YAML::Node& n, const std::string& path,
                                                             bool allow_never);
std::optional<std::string> to_enum(Doc& d, const YAML::Node& n, const std::string& path,
                                   const std::vector<std::string_view>& choices);
// A list node: error unless it is a sequence.
bool expect_list(Doc& d, const YAML::Node& n, const std::string& path);
std::optional<std::vector<std::string>> to_string_list(Doc& d, const YAML::Node& n, const std::string& path);

// ---------------------------------------------------------------------------------------------
// Map view

struct MapEntry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
  bool used{false};
};

class MapView {
 public:
  // Reports `expected a map, got ...` (then behaves as an empty map), non-scalar keys and
  // duplicate keys (`duplicate key "replicas"`, at the repeated key; the first one wins).
  MapView(Doc& d, const YAML::Node& n, std::string path);

  bool ok() const { return m_ok; }
  Doc& doc() const { return *m_doc; }
  const YAML::Node& node() const { return m_node; }
  const std::string& path() const { return m_path; }
  std::string path(std::string_view key) const { return key_path(m_path, key); }
  std::vector<MapEntry>& entries() { return m_entries; }

  bool has(std::string_view key) const;
  // The value of `key` (marked as read), or an undefined node.
  YAML::Node get(std::string_view key);
  // Like get; a missing (or null) key is reported at this map: `missing required key "name"`.
  YAML::Node require(std::string_view key);
  // The key node of `key` (for positions), or an undefined node.
  YAML::Node key_node(std::string_view key) const;
  void ignore(std::initializer_list<std::string_view> keys);

  // Typed accessors: nullopt when the key is absent/null or the value does not convert
  // (then an error is reported). The req_ variants also report a missing key.
  std::optional<std::string> str(std::string_view key);
  std::optional<std::string> req_str(std::string_view key);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t lo = std::numeric_limits<std::int64_t>::min(),
                                      std::int64_t hi = std::numeric_limits<std::int64_t>::max());
  std::optional<bool> boolean(std::string_view key);
  std::optional<double> number(std::string_view key);
  std::optional<Quantity> quantity(std::string_view key);
  std::optional<Duration> duration(std::string_view key);
  std::optional<std::string> enumeration(std::string_view key, const std::vector<std::string_view>& choices);
  std::optional<std::vector<std::string>> str_list(std::string_view key);
  // A string -> string map (label, annotation, nodeSelector): scalar values, duplicate keys checked.
  std::optional<std::map<std::string, std::string>> str_map(std::string_view key);

  // Every key not read (nor ignored): a warning that it is not modelled.
  void warn_unread();
  // Every key not in `valid`: an error `unknown key "x"`, listing the valid keys when <= 8.
  void reject_unknown(const std::vector<std::string_view>& valid);

 private:
  MapEntry* find(std::string_view key);
  const MapEntry* find(std::string_view key) const;

  Doc* m_doc;
  YAML::Node m_node;
  std::string m_path;
  bool m_ok{false};
  std::vector<MapEntry> m_entries;
};

// The most pods one workload (replicas, parallelism, completions, a timeline scale) may ask for:
// Kubernetes' scalability envelope of 150,000 pods per cluster (sig-scalability thresholds).
inline constexpr std::int64_t k_max_replicas = 150'000;
// `key` of `m` as a pod count from 0 to k_max_replicas; a larger one is an error naming the maximum.
std::optional<int> read_replicas(MapView& m, std::string_view key);

// ---------------------------------------------------------------------------------------------
// Loader state shared by the document readers

enum class KarpenterApi : std::uint8_t { v1alpha5, v1beta1, v1 };

// A reference checked once every document is read.
struct PendingRef {
  std::string kind;  // the kind that must exist: AWSNodeTemplate, EC2NodeClass, PriorityClass, Deployment...
  std::string name;
  spec::SourceLoc loc;
  std::string path;
};

// A Pod document with a controller owner (metadata.ownerReferences[].controller: true).
struct OwnedPod {
  std::size_t workload;  // index in Loader::sc.workloads
  std::string owner_kind;
  std::string owner_name;
  spec::SourceLoc loc;
  // The not-modelled notes its document produced: [notes_begin, notes_end) of Diagnostics::not_modelled.
  std::size_t notes_begin{0};
  std::size_t notes_end{0};
};

// `base_dir` joined with `relative` (absolute paths are kept), normalised: how a scenario's
// manifest, update and trace file names are resolved.
std::string resolve_path(const std::string& base_dir, const std::string& relative);

struct Loader {
  explicit Loader(const catalog::Catalog& c) : cat(c) {}

  const catalog::Catalog& cat;
  // The built-in fake catalog the Scenario document selects (spec.instanceCatalog), found by
  // select_instance_catalog before any document is read; null for the EC2 catalog. Instance
  // types, regions and zones are validated against it instead of `cat`.
  std::shared_ptr<const std::vector<catalog::InstanceType>> fake_types;
  // The InstanceCatalog document the Scenario selects instead (read before the other documents),
  // with its zones; validated against the same way.
  std::optional<spec::InstanceCatalogSpec> inline_catalog;
  std::vector<std::string> inline_zones;
  bool synthetic() const { return fake_types || inline_catalog; }
  std::string synthetic_region() const;
  bool known_type(std::string_view name) const;
  // The type can be launched in the region (EC2: has an on-demand price there).
  bool offered_in(std::string_view region, std::string_view type) const;
  const std::vector<std::string>& zones_of(std::string_view region) const;
  std::vector<std::string> regions() const;
  Diagnostics diags;
  spec::Scenario sc;

  bool have_scenario_doc{false};
  spec::SourceLoc scenario_doc_loc;
  bool karpenter_version_set{false};
  // The Scenario document's spec.strict (false: unknown manifest fields are not errors).
  bool strict_fields{true};

  std::vector<PendingRef> refs;
  std::vector<OwnedPod> owned_pods;
  // Timeline targets: event index -> where its name is written.
  std::vector<std::pair<std::size_t, PendingRef>> timeline_refs;
  // Where each NodePool's API was declared (for version checks).
  std::vector<spec::SourceLoc> node_pool_api_locs;
  // NodeClass index -> location of its subnet zones, for the region check.
  std::vector<std::pair<std::size_t, std::vector<std::pair<std::string, spec::SourceLoc>>>> subnet_zone_refs;
  // (kind, name) -> where first defined.
  std::map<std::pair<std::string, std::string>, spec::SourceLoc> names;
  // Manifest files named by the Scenario document, loaded after the scenario file.
  struct ManifestFile {
    std::string as_written;
    std::string resolved;
    spec::SourceLoc loc;
    std::string path;
  };
  std::vector<ManifestFile> manifest_files;
  // Timeline `update` files (new versions of Karpenter objects) and their event indexes.
  std::vector<ManifestFile> update_files;
  std::vector<std::size_t> update_events;
  std::string base_dir;  // directory of the scenario file ("" = current directory)

  // Records kind/name; reports `duplicate <kind> named "x" (first defined at f:l:c)`.
  void register_name(Doc& d, const std::string& kind, const std::string& name, const YAML::Node& at,
                     const std::string& path);
  // base_dir joined with a relative path (absolute paths are kept), normalised.
  std::string resolve(const std::string& relative) const { return resolve_path(base_dir, relative); }
};

// Common metadata of a manifest.
struct Meta {
  std::string name;
  std::string namespace_{"default"};
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  YAML::Node name_node;
  bool ok{false};
};
// Reads root.metadata (name required; bookkeeping fields such as uid are accepted silently).
Meta read_metadata(Doc& d, MapView& root, bool namespaced);

// Pre-scan of the scenario file's documents: a valid spec.instanceCatalog of its Scenario
// document selects the fake catalog (errors are reported later by read_scenario_document).
void select_instance_catalog(Loader& l, const std::vector<YAML::Node>& docs);
// Document readers. `root` is the document's top-level map; apiVersion and kind were read.
void read_scenario_document(Loader& l, Doc& d, MapView& root);
// spec.pricing (scenario_loader_pricing.cpp); after spec.region is read.
void read_pricing(Loader& l, Doc& d, const YAML::Node& n, const std::string& path);
// The error for a zone outside the region, if it is.
std::optional<std::string> zone_error(Loader& l, const std::string& zone, const std::string& region);
// kind: InstanceCatalog (capsim.dev/v1alpha1): appended to l.sc.instance_catalogs.
void read_instance_catalog(Loader& l, Doc& d, MapView& root);
void read_provisioner(Loader& l, Doc& d, MapView& root);
void read_aws_node_template(Loader& l, Doc& d, MapView& root);
void read_node_pool(Loader& l, Doc& d, MapView& root, KarpenterApi api);
void read_ec2_node_class(Loader& l, Doc& d, MapView& root, KarpenterApi api);
void read_workload(Loader& l, Doc& d, MapView& root, spec::WorkloadKind kind);
void read_pod_disruption_budget(Loader& l, Doc& d, MapView& root);
void read_priority_class(Loader& l, Doc& d, MapView& root);

// Shared pieces (scenario_loader_workload.cpp / scenario_loader_karpenter.cpp).
std::optional<std::vector<Taint>> read_taints(Doc& d, const YAML::Node& n, const std::string& path);
std::optional<spec::KubeletSpec> read_kubelet(Doc& d, const YAML::Node& n, const std::string& path, bool strict);
std::optional<ResourceList> read_resource_list(Doc& d, const YAML::Node& n, const std::string& path);
// An AMI family name; `api` decides which are valid.
std::optional<std::string> read_ami_family(Doc& d, const YAML::Node& n, const std::string& path, KarpenterApi api);

// EC2NodeClass admission (scenario_loader_ec2_node_class_rules.cpp): the CRD's required keys and
// CEL rules of `api` (v1beta1 or v1) on the spec map `s`, each failing rule an error.
void check_ec2_node_class_rules(Doc& d, MapView& s, KarpenterApi api);
// The AMI family of a v1 amiSelectorTerms alias ("al2023@latest" -> "AL2023"), by the part before
// '@'; nullopt for an unknown family.
std::optional<std::string> ami_alias_family(std::string_view alias);

// Cluster Autoscaler (scenario_loader_cluster_autoscaler.cpp): spec.clusterAutoscaler, and the
// Auto Scaling group fields of a spec.nodeGroups[] entry.
void read_cluster_autoscaler_settings(Loader& l, Doc& d, const YAML::Node& n, const std::string& path);
void read_node_group_autoscaling(Loader& l, Doc& d, MapView& m, spec::NodeGroup& g,
                                 const std::optional<std::string>& region);

// Validation (scenario_loader_validation.cpp).
// Karpenter label rules for a NodePool requirement key or template label (CRD CEL rules and
// webhook IsRestrictedLabel of the API version); nullopt when allowed.
std::optional<std::string> restricted_label(std::string_view key, KarpenterApi api, bool in_requirements);
// A NodePool / Provisioner requirement list; appends the valid ones to `out`.
void read_karpenter_requirements(Loader& l, Doc& d, const YAML::Node& n, const std::string& path, KarpenterApi api,
                                 std::vector<spec::SelectorRequirement>& out);
// Template labels of a NodePool / Provisioner, restricted keys rejected.
std::optional<std::map<std::string, std::string>> read_karpenter_labels(Doc& d, MapView& m, std::string_view key,
                                                                        KarpenterApi api);
// A Kubernetes NodeSelectorRequirement (pod affinity) or LabelSelector expression.
std::optional<spec::SelectorRequirement> read_selector_requirement(Doc& d, const YAML::Node& n, const std::string& path,
                                                                   bool label_selector);
// Checks after every document is loaded: references, timeline targets, versions.
void cross_validate(Loader& l);
// Pods whose controller is in the manifests are its replicas, not bare Pods: they are dropped
// (the controller creates them). A pod whose owner is missing runs as a bare Pod, noted.
void settle_owned_pods(Loader& l);

}  // namespace capsim::io::detail
