// EC2NodeClass admission as the API server enforces it from the CRD schema: the `required` keys
// of spec, minItems / maxItems of the selector-term lists and the CEL x-kubernetes-validations on
// role / instanceProfile, amiFamily and the AMI, security-group and subnet selector terms, each
// with upstream's message. Rules and messages are those of aws/karpenter-provider-aws
// pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml: v1 at v1.14.1 (1d927085), v1beta1 at
// v0.37.8 (the same v1beta1 schema is served through v1.0.x). Every failing rule is reported, as
// the API server does, at the offending term where there is one.
#include <algorithm>
#include <cctype>

#include "io/scenario_loader_detail.hpp"

namespace capsim::io::detail {

namespace {

// CEL has(x.key): the key is set and not null (the API server drops nulls).
bool has_key(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return false;
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return present(it->second);
  return false;
}

YAML::Node value_of(const YAML::Node& map, std::string_view key) {
  if (map.IsMap())
    for (auto it = map.begin(); it != map.end(); ++it)
      if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  return YAML::Node(YAML::NodeType::Undefined);
}

bool has_any(const YAML::Node& term, const std::vector<std::string_view>& keys) {
  return std::any_of(keys.begin(), keys.end(), [&](std::string_view k) { return has_key(term, k); });
}

// How a CEL exclusivity rule quantifies over the terms. Upstream writes some as
// !self.exists(x, P) (no term may have P) and others as !self.all(x, P) (not every term may have
// P, so one offending term among valid ones passes, and an empty list fails).
enum class Quantifier : std::uint8_t { exists, all };

struct ExclusiveRule {
  std::string_view key;
  std::vector<std::string_view> others;
  Quantifier quantifier;
  std::string_view message;
};

struct TermListRules {
  std::string_view list;
  bool cannot_be_empty{false};  // CEL self.size() != 0: "<list> cannot be empty"
  bool min_one_item{false};     // minItems: 1
  std::vector<std::string_view> one_of;  // CEL self.all(x, has(x.a) || has(x.b) ...)
  std::vector<ExclusiveRule> exclusive;
};

constexpr std::size_t k_max_terms = 30;  // maxItems of every selector-term list

const std::vector<TermListRules>& term_list_rules(KarpenterApi api) {
  static const std::vector<TermListRules> v1 = {
      {"amiSelectorTerms",
       false,
       true,
       {"tags", "id", "name", "alias", "ssmParameter"},
       {{"id", {"alias", "tags", "name", "owner"}, Quantifier::exists,
         "'id' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms"},
        {"alias", {"id", "tags", "name", "owner"}, Quantifier::exists,
         "'alias' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms"}}},
      {"securityGroupSelectorTerms",
       true,
       false,
       {"tags", "id", "name"},
       {{"id", {"tags", "name"}, Quantifier::all,
         "'id' is mutually exclusive, cannot be set with a combination of other fields in a security group selector "
         "term"},
        {"name", {"tags", "id"}, Quantifier::all,
         "'name' is mutually exclusive, cannot be set with a combination of other fields in a security group selector "
         "term"}}},
      {"subnetSelectorTerms",
       true,
       false,
       {"tags", "id"},
       {{"id", {"tags"}, Quantifier::all,
         "'id' is mutually exclusive, cannot be set with a combination of other fields in a subnet selector term"}}},
  };
  static const std::vector<TermListRules> v1beta1 = {
      {"amiSelectorTerms",
       false,
       false,
       {"tags", "id", "name"},
       {{"id", {"tags", "name", "owner"}, Quantifier::all,
         "'id' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms"}}},
      {"securityGroupSelectorTerms",
       true,
       false,
       {"tags", "id", "name"},
       {{"id", {"tags", "name"}, Quantifier::all,
         "'id' is mutually exclusive, cannot be set with a combination of other fields in securityGroupSelectorTerms"},
        {"name", {"tags", "id"}, Quantifier::all,
         "'name' is mutually exclusive, cannot be set with a combination of other fields in "
         "securityGroupSelectorTerms"}}},
      {"subnetSelectorTerms",
       true,
       false,
       {"tags", "id"},
       {{"id", {"tags"}, Quantifier::all,
         "'id' is mutually exclusive, cannot be set with a combination of other fields in subnetSelectorTerms"}}},
  };
  return api == KarpenterApi::v1 ? v1 : v1beta1;
}

std::string one_of_message(const std::vector<std::string_view>& keys) {
  std::string s = "expected at least one, got none, [";
  for (std::size_t i = 0; i < keys.size(); ++i) s += (i ? ", '" : "'") + std::string(keys[i]) + "'";
  return s + "]";
}

// An exclusivity rule: reported at the first offending term (exists), or at the list when every
// term offends (all).
void check_exclusive(Doc& d, const YAML::Node& terms, const std::string& path, const ExclusiveRule& r) {
  const auto offends = [&](const YAML::Node& t) { return has_key(t, r.key) && has_any(t, r.others); };
  if (r.quantifier == Quantifier::exists) {
    for (const auto& t : terms)
      if (offends(t)) return d.error(t, path, std::string(r.message));
    return;
  }
  if (std::all_of(terms.begin(), terms.end(), offends)) d.error(terms, path, std::string(r.message));
}

// Every term's `tags`: self.all(k, k != '' && self[k] != '').
void check_tags(Doc& d, const YAML::Node& terms, const std::string& path) {
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const YAML::Node tags = value_of(terms[i], "tags");
    if (!tags.IsMap()) continue;
    for (auto it = tags.begin(); it != tags.end(); ++it) {
      const bool empty_key = it->first.IsScalar() && it->first.Scalar().empty();
      const bool empty_value = it->second.IsNull() || (it->second.IsScalar() && it->second.Scalar().empty());
      if (empty_key || empty_value) {
        d.error(tags, key_path(index_path(path, i), "tags"), "empty tag keys or values aren't supported");
        break;
      }
    }
  }
}

void check_term_list(Doc& d, const YAML::Node& terms, const std::string& path, const TermListRules& r) {
  if (!terms.IsSequence()) return;  // the reader reports the type
  if (r.min_one_item && terms.size() == 0) d.error(terms, path, "should have at least 1 items");
  if (terms.size() > k_max_terms)
    d.error(terms, path, "must have at most " + std::to_string(k_max_terms) + " items");
  if (r.cannot_be_empty && terms.size() == 0) d.error(terms, path, std::string(r.list) + " cannot be empty");
  for (const auto& t : terms)
    if (!has_any(t, r.one_of)) {
      d.error(t, path, one_of_message(r.one_of));
      break;
    }
  for (const auto& e : r.exclusive) check_exclusive(d, terms, path, e);
  check_tags(d, terms, path);
}

// The family part of an alias (CEL self.split('@')[0]) and its version (split('@')[1]; nullopt
// when there is no '@', where CEL fails on the index).
std::string_view alias_family_part(std::string_view alias) { return alias.substr(0, alias.find('@')); }
std::optional<std::string_view> alias_version_part(std::string_view alias) {
  const auto at = alias.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view rest = alias.substr(at + 1);
  return rest.substr(0, rest.find('@'));
}

bool alias_well_formed(std::string_view alias) {  // self.matches('^[a-zA-Z0-9]+@.+$')
  const auto at = alias.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == alias.size()) return false;
  return std::all_of(alias.begin(), alias.begin() + static_cast<std::ptrdiff_t>(at),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

bool is_windows_alias_family(std::string_view f) {
  return f == "windows2019" || f == "windows2022" || f == "windows2025";
}

// v1 amiSelectorTerms[].alias rules.
void check_alias(Doc& d, const YAML::Node& alias, const std::string& path) {
  if (!alias.IsScalar()) return;  // the reader reports the type
  const std::string& a = alias.Scalar();
  if (!alias_well_formed(a))
    d.error(alias, path, "'alias' is improperly formatted, must match the format 'family@version'");
  const std::string_view family = alias_family_part(a);
  if (!ami_alias_family(a))
    d.error(alias, path,
            "family is not supported, must be one of the following: 'al2', 'al2023', 'bottlerocket', 'windows2019', "
            "'windows2022', 'windows2025'");
  if (is_windows_alias_family(family) && alias_version_part(a) != std::optional<std::string_view>("latest"))
    d.error(alias, path, "windows families may only specify version 'latest'");
}

// v1 rules on amiSelectorTerms as a whole and with amiFamily.
void check_v1_ami_terms(Doc& d, MapView& s, const YAML::Node& terms) {
  const std::string path = s.path("amiSelectorTerms");
  const bool any_alias = std::any_of(terms.begin(), terms.end(), [](const YAML::Node& t) { return has_key(t, "alias"); });
  if (any_alias && terms.size() != 1)
    d.error(terms, path, "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms");
  std::optional<std::string> from_alias;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (!has_key(terms[i], "alias")) continue;
    const YAML::Node alias = value_of(terms[i], "alias");
    check_alias(d, alias, key_path(index_path(path, i), "alias"));
    if (alias.IsScalar() && !from_alias) from_alias = ami_alias_family(alias.Scalar());
  }
  const YAML::Node family = s.get("amiFamily");
  if (!any_alias && !present(family))
    d.error(s.node(), s.path(), "must specify amiFamily if amiSelectorTerms does not contain an alias");
  // if set, amiFamily must be the alias's family or Custom.
  if (from_alias && family.IsScalar() && family.Scalar() != *from_alias && family.Scalar() != "Custom") {
    const std::string article = from_alias->rfind("AL2", 0) == 0 ? "an " : "a ";
    d.error(family, s.path("amiFamily"),
            "if set, amiFamily must be '" + *from_alias + "' or 'Custom' when using " + article + *from_alias + " alias");
  }
}

void check_not_empty_string(Doc& d, MapView& s, std::string_view key) {
  const YAML::Node v = s.get(key);
  if (v.IsScalar() && v.Scalar().empty()) d.error(v, s.path(key), std::string(key) + " cannot be empty");
}

}  // namespace

std::optional<std::string> ami_alias_family(std::string_view alias) {
  const std::string_view family = alias_family_part(alias);
  if (family == "al2") return "AL2";
  if (family == "al2023") return "AL2023";
  if (family == "bottlerocket") return "Bottlerocket";
  if (family == "windows2019") return "Windows2019";
  if (family == "windows2022") return "Windows2022";
  if (family == "windows2025") return "Windows2025";
  return std::nullopt;
}

void check_ec2_node_class_rules(Doc& d, MapView& s, KarpenterApi api) {
  // spec.required
  const std::vector<std::string_view> required =
      api == KarpenterApi::v1 ? std::vector<std::string_view>{"amiSelectorTerms", "securityGroupSelectorTerms", "subnetSelectorTerms"}
                              : std::vector<std::string_view>{"amiFamily", "securityGroupSelectorTerms", "subnetSelectorTerms"};
  for (auto key : required) s.require(key);

  // spec: exactly one of role and instanceProfile, neither of them empty.
  if (s.has("role") == s.has("instanceProfile"))
    d.error(s.node(), s.path(), "must specify exactly one of ['role', 'instanceProfile']");
  check_not_empty_string(d, s, "role");
  check_not_empty_string(d, s, "instanceProfile");

  for (const auto& r : term_list_rules(api)) {
    const YAML::Node terms = s.get(r.list);
    if (present(terms)) check_term_list(d, terms, s.path(r.list), r);
  }
  const YAML::Node ami_terms = s.get("amiSelectorTerms");
  if (api == KarpenterApi::v1) {
    if (ami_terms.IsSequence()) check_v1_ami_terms(d, s, ami_terms);
  } else {
    const YAML::Node family = s.get("amiFamily");
    if (family.IsScalar() && family.Scalar() == "Custom" && (!ami_terms.IsSequence() || ami_terms.size() == 0))
      d.error(s.node(), s.path(), "amiSelectorTerms is required when amiFamily == 'Custom'");
  }
}

}  // namespace capsim::io::detail
