// Private to the scenario loader: strict manifest fields, as `kubectl apply --validate=strict`
// checks them. The valid-field trees of every Kubernetes, Karpenter and KEDA kind capsim reads are
// generated into k8s_fields_table.cpp (tools/gen_k8s_fields.py from ../shared/data/k8s-fields);
// check_strict_fields walks a document against its tree. A field the tree has but the reader did
// not read is classified by classify_unread: inert (cannot change the simulation: image, env,
// probes ...) or not modelled (can change the answer: nodeName, volumeClaimTemplates ...).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/diagnostic.hpp"

namespace capsim::io::detail {

class Doc;

enum class FieldType : std::uint8_t { object, array, string, integer, number, boolean, int_or_string, quantity, any };

// One node of a field tree. Objects list their properties (sorted by name) as
// props[first, first + count); `additional` is the node of a map's values (labels,
// resources.requests ...) and `items` the node of an array's items; -1 when absent.
struct FieldNode {
  FieldType type;
  std::int32_t first;
  std::int32_t count;
  std::int32_t additional;
  std::int32_t items;
};
struct FieldProp {
  std::string_view name;
  std::int32_t node;
};
struct FieldKind {
  std::string_view api_version;
  std::string_view kind;
  std::int32_t root;
  std::string_view source;  // "<repo> <path>@<ref>" of the schema the tree was extracted from
};

std::span<const FieldNode> field_nodes();
std::span<const FieldProp> field_props();
std::span<const FieldKind> field_kinds();

// The tree of apiVersion + kind, or null when capsim has none.
const FieldKind* find_field_kind(std::string_view api_version, std::string_view kind);

// Every key of `root` that its kind's tree does not have, as a diagnostic at the key (severity
// error) with the enclosing path: `unknown field "replica", did you mean "replicas"?`, or the
// valid fields at that level when there are at most 8. The keys are also recorded in `d` so the
// reader's unread-key report does not name them again.
void check_strict_fields(Doc& d, const YAML::Node& root, const FieldKind& kind, std::vector<Diagnostic>& out);

// What an unread field of a manifest means for the simulation.
enum class UnreadField : std::uint8_t { inert, not_modelled };
// `path` is the field's key path in the document (indexes included); `value` its value.
UnreadField classify_unread(std::string_view kind, std::string_view path, const YAML::Node& value);

// What a kind capsim does not read means: inert (ConfigMap, Service, RBAC ...) or not modelled
// (HorizontalPodAutoscaler, CronJob, PersistentVolumeClaim, LimitRange, Node ...). `hint` is set
// to what to do instead, when there is something ("" otherwise).
UnreadField classify_skipped_kind(std::string_view kind, std::string& hint);

}  // namespace capsim::io::detail
