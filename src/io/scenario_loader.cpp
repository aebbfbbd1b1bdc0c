// Entry points of the scenario loader: reads the scenario file and the manifest files it names,
// splits them into YAML documents, dispatches each on apiVersion + kind, then runs the checks
// that need every document (references, timeline targets) and throws InputError with every
// diagnostic when anything is wrong.
#include "capsim/io/scenario_loader.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "io/k8s_fields.hpp"
#include "io/scenario_loader_detail.hpp"

namespace capsim::io {

namespace {

using namespace detail;

constexpr std::string_view k_scenario_api = "capsim.dev/v1alpha1";

void load_document(Loader& l, const YAML::Node& root, const std::string& file, bool top_level);

// `kind: List` (kubectl get -o yaml): every item is a document of its own.
void load_list(Loader& l, Doc& d, MapView& root, const std::string& file, bool top_level) {
  root.ignore({"metadata"});
  const YAML::Node items = root.get("items");
  if (present(items) && expect_list(d, items, "items"))
    for (std::size_t i = 0; i < items.size(); ++i) load_document(l, items[i], file, top_level);
  root.warn_unread();
}

void load_document(Loader& l, const YAML::Node& root, const std::string& file, bool top_level) {
  if (!root.IsDefined() || root.IsNull()) return;  // an empty document, e.g. after a trailing ---
  Doc d(l.diags, file);
  MapView m(d, root, "");
  if (!m.ok()) return;
  const auto api = m.req_str("apiVersion");
  const auto kind = m.req_str("kind");
  if (!api || !kind) return;
  m.ignore({"status"});  // observed state, never an input
  d.set_kind(*kind);
  if (const FieldKind* fk = find_field_kind(*api, *kind)) check_strict_fields(d, root, *fk, l.diags.strict);

  if (*kind == "Scenario") {
    if (*api != k_scenario_api) {
      d.error(m.get("apiVersion"), "apiVersion", "expected " + quote(k_scenario_api) + ", got " + quote(*api));
      return;
    }
    if (!top_level) {
      d.error(root, "", "a Scenario document is only allowed in the scenario file itself, not in a manifest file");
      return;
    }
    if (l.have_scenario_doc) {
      const auto& f = l.scenario_doc_loc;
      d.error(root, "",
              "more than one Scenario document (the first is at " + f.file + ":" + std::to_string(f.line) + ":" +
                  std::to_string(f.col) + ")");
      return;
    }
    l.have_scenario_doc = true;
    l.scenario_doc_loc = d.loc(root);
    read_scenario_document(l, d, m);
    return;
  }

  if (*kind == "InstanceCatalog" && *api == k_scenario_api) {
    if (!top_level) {
      d.error(root, "", "an InstanceCatalog document is only allowed in the scenario file itself, not in a manifest file");
      return;
    }
    read_instance_catalog(l, d, m);
    return;
  }

  const std::string& a = *api;
  const std::string& k = *kind;
  if (a == "karpenter.sh/v1alpha5" && k == "Provisioner") {
    read_provisioner(l, d, m);
  } else if (a == "karpenter.k8s.aws/v1alpha1" && k == "AWSNodeTemplate") {
    read_aws_node_template(l, d, m);
  } else if ((a == "karpenter.sh/v1beta1" || a == "karpenter.sh/v1") && k == "NodePool") {
    read_node_pool(l, d, m, a == "karpenter.sh/v1" ? KarpenterApi::v1 : KarpenterApi::v1beta1);
  } else if ((a == "karpenter.k8s.aws/v1beta1" || a == "karpenter.k8s.aws/v1") && k == "EC2NodeClass") {
    read_ec2_node_class(l, d, m, a == "karpenter.k8s.aws/v1" ? KarpenterApi::v1 : KarpenterApi::v1beta1);
  } else if (a == "apps/v1" && k == "Deployment") {
    read_workload(l, d, m, spec::WorkloadKind::deployment);
  } else if (a == "apps/v1" && k == "StatefulSet") {
    read_workload(l, d, m, spec::WorkloadKind::stateful_set);
  } else if (a == "apps/v1" && k == "ReplicaSet") {
    read_workload(l, d, m, spec::WorkloadKind::replica_set);
  } else if (a == "apps/v1" && k == "DaemonSet") {
    read_workload(l, d, m, spec::WorkloadKind::daemon_set);
  } else if (a == "batch/v1" && k == "Job") {
    read_workload(l, d, m, spec::WorkloadKind::job);
  } else if (a == "v1" && k == "Pod") {
    read_workload(l, d, m, spec::WorkloadKind::pod);
  } else if (a == "policy/v1" && k == "PodDisruptionBudget") {
    read_pod_disruption_budget(l, d, m);
  } else if (a == "scheduling.k8s.io/v1" && k == "PriorityClass") {
    read_priority_class(l, d, m);
  } else if (a == "v1" && k == "List") {
    load_list(l, d, m, file, top_level);
  } else if (a == k_scenario_api && k == "Sweep") {
    d.error(root, "", "this is a sweep (kind \"Sweep\"), not a scenario: run it with `capsim sweep run` (docs/sweeps.md)");
  } else {
    std::string hint;
    if (classify_skipped_kind(k, hint) == UnreadField::inert)
      d.ignored(root, "kind " + quote(k) + " cannot change the simulation; the document is skipped");
    else
      d.not_modelled(root, "kind " + quote(k) + " (apiVersion " + quote(a) + ") is not modelled; the document is skipped" +
                               (hint.empty() ? "" : " (" + hint + ")"));
  }
}

// yaml-cpp 0.7's LoadAll never returns on a document that starts with a token no node can start
// with, such as "," outside a flow collection: the parser reports an empty document without
// consuming the token and LoadAll asks for the next one, forever, holding every empty node (found
// by fuzz/fuzz_scenario_loader). This pass walks the documents' events first and throws a parser
// error at the token when a document starts where the previous one did.
class StuckDocumentCheck : public YAML::EventHandler {
 public:
  explicit StuckDocumentCheck(const std::string& text) : m_text(text) {}
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (m_prev && m_prev->pos == mark.pos) {
      const auto pos = static_cast<std::size_t>(mark.pos);
      const std::string token = pos < m_text.size() ? m_text.substr(pos, 1) : "";
      throw YAML::ParserException(mark, "expected a YAML node, got " + quote(token));
    }
    m_prev = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  const std::string& m_text;
  std::optional<YAML::Mark> m_prev;
};

void check_documents_advance(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  StuckDocumentCheck check(text);
  while (parser.HandleNextDocument(check)) {
  }
}

}  // namespace

std::string detail::lower_first(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

detail::ReadStatus detail::read_whole_file(const std::string& path, std::string& out) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return ReadStatus::not_found;
  if (std::filesystem::is_directory(path, ec)) return ReadStatus::unreadable;
  std::ifstream in(path, std::ios::binary);
  if (!in) return ReadStatus::unreadable;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return ReadStatus::unreadable;
  out = ss.str();
  return ReadStatus::ok;
}

std::vector<YAML::Node> detail::load_all_documents(const std::string& text) {
  check_documents_advance(text);
  return YAML::LoadAll(text);
}

namespace {

constexpr std::string_view k_helm_hint =
    "this looks like a Helm template (\"{{\"): render the chart with `helm template` and give capsim its output";

// What a YAML syntax error at `line` (0-based) probably means: a tab in the indentation up to that
// line, or Helm template syntax anywhere; "" when neither.
std::string syntax_hint(std::string_view text, int line) {
  int n = 0;
  for (std::size_t pos = 0; pos < text.size() && n <= line + 1; ++n) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view l = text.substr(pos, end - pos);
    const std::size_t indent_end = l.find_first_not_of(" \t");
    if (l.substr(0, indent_end).find('\t') != std::string_view::npos)
      return " (line " + std::to_string(n + 1) + " is indented with a tab: YAML indentation must be spaces)";
    pos = end + 1;
  }
  if (text.find("{{") != std::string_view::npos) return " (" + std::string(k_helm_hint) + ")";
  return {};
}

// A map key that is itself a map: how YAML reads an unquoted Helm expression such as
// `replicas: {{ .Values.replicas }}`, and never a valid manifest.
// Looked for down to a depth no manifest reaches (the walk stays bounded on hostile input).
YAML::Node template_key(const YAML::Node& n, int depth = 0) {
  if (depth > 64) return YAML::Node(YAML::NodeType::Undefined);
  if (n.IsSequence())
    for (const auto& item : n)
      if (auto found = template_key(item, depth + 1); found.IsDefined()) return found;
  if (n.IsMap())
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (it->first.IsMap()) return it->first;
      if (auto found = template_key(it->second, depth + 1); found.IsDefined()) return found;
    }
  return YAML::Node(YAML::NodeType::Undefined);
}

void load_text(Loader& l, std::string_view text, const std::string& file, bool top_level) {
  std::vector<YAML::Node> docs;
  try {
    docs = detail::load_all_documents(std::string(text));
  } catch (const YAML::Exception& e) {
    Diagnostic diag;
    diag.file = file;
    if (!e.mark.is_null()) {
      diag.line = e.mark.line + 1;
      diag.col = e.mark.column + 1;
    }
    diag.message = lower_first(e.msg) + syntax_hint(text, e.mark.is_null() ? 0 : e.mark.line);
    l.diags.error(std::move(diag));
    return;
  }
  {
    // A templated document is not read: every other message about it would follow from this one.
    // (Copy-constructed into a new list: assigning to a YAML::Node rewrites the tree.)
    std::vector<YAML::Node> plain;
    for (const auto& root : docs) {
      const YAML::Node key = template_key(root);
      if (!key.IsDefined()) {
        plain.push_back(root);
        continue;
      }
      const spec::SourceLoc at = loc_of(file, key);
      l.diags.error(Diagnostic{at.file, at.line, at.col, Severity::error, "", std::string(k_helm_hint)});
    }
    docs.swap(plain);
  }
  if (top_level && std::none_of(docs.begin(), docs.end(), [](const YAML::Node& n) { return n.IsDefined() && !n.IsNull(); })) {
    l.diags.error(Diagnostic{file, 1, 1, Severity::error, "",
                             "the scenario file holds no YAML document (it is empty or only whitespace and comments)"});
    return;
  }
  // InstanceCatalog documents first: the Scenario may select one, which decides what the other
  // documents are validated against.
  auto is_catalog = [](const YAML::Node& n) {
    return n.IsDefined() && n.IsMap() && n["kind"].IsDefined() && n["kind"].IsScalar() &&
           n["kind"].Scalar() == "InstanceCatalog";
  };
  if (top_level) {
    for (const auto& root : docs)
      if (is_catalog(root)) load_document(l, root, file, top_level);
    select_instance_catalog(l, docs);
  }
  for (const auto& root : docs)
    if (!top_level || !is_catalog(root)) load_document(l, root, file, top_level);
}

void load_manifest_files(Loader& l) {
  std::vector<std::string> seen;
  for (const auto& mf : l.manifest_files) {
    if (std::find(seen.begin(), seen.end(), mf.resolved) != seen.end()) {
      l.diags.error(Diagnostic{mf.loc.file, mf.loc.line, mf.loc.col, Severity::error, mf.path,
                               "manifest file " + quote(mf.as_written) + " is listed twice"});
      continue;
    }
    seen.push_back(mf.resolved);
    std::string text;
    switch (read_whole_file(mf.resolved, text)) {
      case ReadStatus::ok: load_text(l, text, mf.resolved, false); break;
      case ReadStatus::not_found:
        l.diags.error(Diagnostic{mf.loc.file, mf.loc.line, mf.loc.col, Severity::error, mf.path,
                                 "manifest file " + quote(mf.as_written) + " not found (looked for " +
                                     quote(mf.resolved) + ")"});
        break;
      case ReadStatus::unreadable:
        l.diags.error(Diagnostic{mf.loc.file, mf.loc.line, mf.loc.col, Severity::error, mf.path,
                                 "cannot read manifest file " + quote(mf.as_written)});
        break;
    }
  }
}

// Timeline `update` files: each holds new versions of NodePools / Provisioners / node classes that
// already exist in the scenario (same kind and name).
void load_update_files(Loader& l) {
  for (std::size_t k = 0; k < l.update_files.size(); ++k) {
    const auto& uf = l.update_files[k];
    auto err = [&](const spec::SourceLoc& loc, const std::string& path, const std::string& msg) {
      l.diags.error(Diagnostic{loc.file, loc.line, loc.col, Severity::error, path, msg});
    };
    std::string text;
    switch (read_whole_file(uf.resolved, text)) {
      case ReadStatus::ok: break;
      case ReadStatus::not_found:
        err(uf.loc, uf.path, "update file " + quote(uf.as_written) + " not found (looked for " + quote(uf.resolved) + ")");
        continue;
      case ReadStatus::unreadable:
        err(uf.loc, uf.path, "cannot read update file " + quote(uf.as_written));
        continue;
    }
    Loader sub(l.cat);
    sub.fake_types = l.fake_types;
    sub.inline_catalog = l.inline_catalog;
    sub.inline_zones = l.inline_zones;
    sub.base_dir = std::filesystem::path(uf.resolved).parent_path().string();
    load_text(sub, text, uf.resolved, false);
    for (auto& e : sub.diags.errors) l.diags.error(std::move(e));
    for (auto& w : sub.diags.warnings) l.diags.warnings.push_back(std::move(w));
    auto append = [](std::vector<Diagnostic>& to, std::vector<Diagnostic>& from) {
      to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
    };
    append(l.diags.strict, sub.diags.strict);
    append(l.diags.not_modelled, sub.diags.not_modelled);
    append(l.diags.ignored, sub.diags.ignored);
    if (!sub.sc.workloads.empty() || !sub.sc.pdbs.empty() || !sub.sc.priority_classes.empty())
      err(uf.loc, uf.path,
          "an update file may only hold NodePool, Provisioner, EC2NodeClass or AWSNodeTemplate documents");
    auto& ev = l.sc.timeline[l.update_events[k]];
    for (auto& np : sub.sc.node_pools) {
      auto it = std::find_if(l.sc.node_pools.begin(), l.sc.node_pools.end(),
                             [&](const spec::NodePool& o) { return o.name == np.name && o.kind == np.kind; });
      if (it == l.sc.node_pools.end()) {
        err(np.loc, "metadata.name", "no " + np.kind + " named " + quote(np.name) + " in the scenario to update");
        continue;
      }
      ev.node_pool_updates.push_back(std::move(np));
    }
    for (auto& nc : sub.sc.node_classes) {
      auto it = std::find_if(l.sc.node_classes.begin(), l.sc.node_classes.end(),
                             [&](const spec::NodeClass& o) { return o.name == nc.name && o.kind == nc.kind; });
      if (it == l.sc.node_classes.end()) {
        err(nc.loc, "metadata.name", "no " + nc.kind + " named " + quote(nc.name) + " in the scenario to update");
        continue;
      }
      ev.node_class_updates.push_back(std::move(nc));
    }
    for (const auto& np : ev.node_pool_updates) {
      auto has_class = [&](const std::vector<spec::NodeClass>& v) {
        return std::any_of(v.begin(), v.end(), [&](const spec::NodeClass& c) { return c.name == np.node_class_ref; });
      };
      if (!has_class(l.sc.node_classes) && !has_class(ev.node_class_updates))
        err(np.loc, "spec.nodeClassRef.name", "no node class named " + quote(np.node_class_ref) + " in the scenario");
    }
  }
}

// Diagnostics in reading order: by file (the scenario file, then the manifest files in the
// order they are named), then line and column. Stable, so one position keeps discovery order.
void sort_diagnostics(const Loader& l, const std::string& main_file, std::vector<Diagnostic>& diags) {
  auto rank = [&](const std::string& file) -> std::size_t {
    if (file == main_file) return 0;
    for (std::size_t i = 0; i < l.manifest_files.size(); ++i)
      if (l.manifest_files[i].resolved == file) return i + 1;
    return l.manifest_files.size() + 1;
  };
  std::stable_sort(diags.begin(), diags.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    const auto ra = rank(a.file), rb = rank(b.file);
    if (ra != rb) return ra < rb;
    if (a.line != b.line) return a.line < b.line;
    return a.col < b.col;
  });
}

std::string scenario_name_from_file(const std::string& file) {
  std::string stem = std::filesystem::path(file).stem().string();
  return stem.empty() ? std::string("scenario") : stem;
}

// Unknown fields: errors, or under --lenient / spec.strict: false not-modelled notes.
void settle_strict(Loader& l, bool lenient) {
  for (auto& d : l.diags.strict) {
    if (lenient) {
      d.severity = Severity::warning;
      d.message += " (ignored: --lenient)";
      l.diags.not_modelled.push_back(std::move(d));
    } else {
      l.diags.error(std::move(d));
    }
  }
  l.diags.strict.clear();
}

}  // namespace

spec::Scenario load_scenario_text(std::string_view text, const std::string& file_name, const catalog::Catalog& cat,
                                  const LoadOptions& opts) {
  Loader l(cat);
  l.sc.file = file_name;
  l.base_dir = std::filesystem::path(file_name).parent_path().string();
  load_text(l, text, file_name, true);
  load_manifest_files(l);
  load_update_files(l);
  settle_strict(l, opts.lenient || !l.strict_fields);
  settle_owned_pods(l);
  cross_validate(l);
  sort_diagnostics(l, file_name, l.diags.errors);
  sort_diagnostics(l, file_name, l.diags.warnings);
  sort_diagnostics(l, file_name, l.diags.not_modelled);
  sort_diagnostics(l, file_name, l.diags.ignored);
  if (!l.diags.errors.empty()) throw InputError(std::move(l.diags.errors));

  spec::Scenario sc = std::move(l.sc);
  if (sc.name.empty()) sc.name = scenario_name_from_file(file_name);
  sc.warnings = std::move(l.diags.warnings);
  sc.not_modelled = std::move(l.diags.not_modelled);
  sc.ignored = std::move(l.diags.ignored);
  std::stable_sort(sc.timeline.begin(), sc.timeline.end(),
                   [](const spec::TimelineEvent& a, const spec::TimelineEvent& b) { return a.at < b.at; });
  return sc;
}

spec::Scenario load_scenario(const std::string& path, const catalog::Catalog& cat, const LoadOptions& opts) {
  std::string text;
  switch (read_whole_file(path, text)) {
    case ReadStatus::ok: break;
    case ReadStatus::not_found:
      throw InputError({Diagnostic{path, 0, 0, Severity::error, "", "scenario file not found"}});
    case ReadStatus::unreadable:
      throw InputError({Diagnostic{path, 0, 0, Severity::error, "", "cannot read the scenario file"}});
  }
  return load_scenario_text(text, path, cat, opts);
}

ScenarioFileScan scan_scenario_file(const std::string& path) {
  ScenarioFileScan out;
  std::string text;
  if (read_whole_file(path, text) != ReadStatus::ok) return out;
  std::vector<YAML::Node> docs;
  try {
    docs = load_all_documents(text);
  } catch (const YAML::Exception&) {
    return out;
  }
  out.kind = ScenarioFileScan::Kind::other;
  // (A key a map lacks gives an invalid node: only IsDefined may be asked of it.)
  auto scalar = [](const YAML::Node& n) { return n.IsDefined() && n.IsScalar() ? n.Scalar() : std::string(); };
  auto get = [](const YAML::Node& map, const char* key) {
    return present(map) && map.IsMap() ? map[key] : YAML::Node(YAML::NodeType::Undefined);
  };
  for (const YAML::Node& d : docs) {
    const std::string kind = scalar(get(d, "kind"));
    if (kind == "Sweep" && out.kind == ScenarioFileScan::Kind::other) out.kind = ScenarioFileScan::Kind::sweep;
    if (kind != "Scenario") continue;
    out.kind = ScenarioFileScan::Kind::scenario;
    const YAML::Node manifests = get(get(d, "spec"), "manifests");
    const std::string base_dir = std::filesystem::path(path).parent_path().string();
    if (present(manifests) && manifests.IsSequence())
      for (const auto& m : manifests)
        if (const std::string name = scalar(m); !name.empty()) out.manifests.push_back(resolve_path(base_dir, name));
  }
  return out;
}

}  // namespace capsim::io
