// `capsim catalog`: the instance catalog as a table, CSV or JSON for one region, with capacity
// and allocatable under a NodeClass (AL2023 defaults unless set) and on-demand / spot prices.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "capsim/catalog/catalog.hpp"
#include "capsim/catalog/instance_type.hpp"

namespace capsim::report {

enum class CatalogListFormat : std::uint8_t { table, csv, json };

// "table", "csv", "json"; nullopt otherwise.
std::optional<CatalogListFormat> parse_catalog_list_format(std::string_view s);

struct CatalogListOptions {
  std::string region{"us-east-1"};
  // Exact type name ("c6i.large"), else a family ("c6i"), else a name prefix ("c6"). Without a
  // filter only the types with an on-demand price in the region are listed; with one, every
  // matching type is (prices "-" / blank / null where the region does not offer it).
  std::optional<std::string> type_filter;
  CatalogListFormat format{CatalogListFormat::table};
  catalog::NodeClassParams node_class;  // for max pods and allocatable; AL2023 defaults
};

// Rows sorted by type name. Columns: type, vcpu, memory (MiB), gpus, arch, max pods, allocatable
// cpu / memory, on-demand USD/h, spot USD/h (cheapest zone of the region), interruption band.
// Throws InputError for an unknown region (`unknown region "xx-1"`) or a filter matching no type
// (`unknown instance type "c6i.huge"`).
std::string list_catalog(const catalog::Catalog& cat, const CatalogListOptions& opts);

}  // namespace capsim::report
