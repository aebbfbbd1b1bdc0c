// `capsim catalog` listing (table, CSV, JSON) of the instance catalog for one region.
#include "capsim/report/catalog_listing.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include <fmt/format.h>

#include "capsim/core/diagnostic.hpp"

namespace capsim::report {
namespace {

struct ListRow {
  const catalog::InstanceTypeInfo* info{nullptr};
  std::int64_t max_pods{0};
  std::int64_t alloc_cpu_millis{0};
  std::int64_t alloc_memory_mib{0};
  std::optional<Money> on_demand;
  std::optional<Money> spot;  // cheapest zone
  std::optional<catalog::SpotAdvice> advice;
  std::string on_demand_source;
  std::string spot_source;  // of the cheapest zone's price
};

[[noreturn]] void fail(std::string message) {
  Diagnostic d;
  d.message = std::move(message);
  throw InputError({d});
}

// Fixed 6 decimals, rounded half up from nano-USD (prices are >= 0).
std::string usd6(Money m) {
  const std::int64_t micro = (m.nano_usd + 500) / 1000;
  return fmt::format("{}.{:06d}", micro / 1'000'000, micro % 1'000'000);
}

// By family, then by size within it (vCPUs, memory), so m5.large comes before m5.xlarge and
// m5.12xlarge after m5.8xlarge.
void sort_by_size(std::vector<const catalog::InstanceTypeInfo*>& v) {
  std::stable_sort(v.begin(), v.end(), [](const catalog::InstanceTypeInfo* a, const catalog::InstanceTypeInfo* b) {
    return std::tie(a->family, a->vcpu, a->memory_mib, a->name) < std::tie(b->family, b->vcpu, b->memory_mib, b->name);
  });
}

std::vector<const catalog::InstanceTypeInfo*> select_types(const catalog::Catalog& cat, const CatalogListOptions& o) {
  std::vector<const catalog::InstanceTypeInfo*> out;
  if (!o.type_filter) {
    for (const auto& t : cat.types())
      if (cat.on_demand_price(o.region, t.name)) out.push_back(&t);
    sort_by_size(out);
    return out;
  }
  const std::string& f = *o.type_filter;
  if (const auto* t = cat.find(f)) return {t};
  for (const auto& t : cat.types())
    if (t.family == f) out.push_back(&t);
  if (out.empty())
    for (const auto& t : cat.types())
      if (t.name.starts_with(f)) out.push_back(&t);
  if (out.empty()) fail("unknown instance type \"" + f + "\"");
  sort_by_size(out);
  return out;
}

std::vector<ListRow> build_rows(const catalog::Catalog& cat, const CatalogListOptions& o) {
  const auto regions = cat.regions();
  if (!std::binary_search(regions.begin(), regions.end(), o.region)) fail("unknown region \"" + o.region + "\"");
  const auto& zones = cat.zones(o.region);
  std::vector<ListRow> rows;
  for (const auto* info : select_types(cat, o)) {
    ListRow r;
    r.info = info;
    const ResourceList cap = catalog::compute_capacity(*info, o.node_class);
    ResourceList alloc = cap - catalog::compute_overhead(*info, o.node_class, cap);
    alloc.clamp_non_negative();
    r.max_pods = cap.pods();
    r.alloc_cpu_millis = alloc.cpu_millis();
    r.alloc_memory_mib = alloc.memory_bytes() / (1024 * 1024);
    r.on_demand = cat.on_demand_price(o.region, info->name);
    r.on_demand_source = cat.on_demand_source(o.region, info->name);
    for (const auto& z : zones)
      if (auto p = cat.spot_price(o.region, z, info->name); p && (!r.spot || *p < *r.spot)) {
        r.spot = p;
        r.spot_source = cat.spot_source(o.region, z, info->name);
      }
    r.advice = cat.spot_advice(o.region, info->name);
    rows.push_back(r);
  }
  return rows;
}

// Below the table: where the prices come from and which types have no spot price (so a
// NodePool allowing spot launches them on-demand).
std::string price_notes(const std::vector<ListRow>& rows) {
  std::string out;
  std::vector<std::string> od_sources;
  std::map<std::string, int> no_spot;  // family -> types with an on-demand price but no spot price
  int no_spot_types = 0;
  for (const auto& r : rows) {
    if (!r.on_demand_source.empty() &&
        std::find(od_sources.begin(), od_sources.end(), r.on_demand_source) == od_sources.end())
      od_sources.push_back(r.on_demand_source);
    if (r.on_demand && !r.spot) {
      ++no_spot[r.info->family];
      ++no_spot_types;
    }
  }
  for (const auto& src : od_sources) out += "on-demand prices: " + src + "\n";
  if (std::any_of(rows.begin(), rows.end(), [](const ListRow& r) { return r.spot.has_value(); }))
    out += "spot prices: on-demand less the Spot Advisor's saving, spread per zone (the cheapest zone shown)\n";
  if (no_spot_types > 0) {
    out += "no spot data (launched on-demand even where spot is allowed) for " + std::to_string(no_spot_types) +
           (no_spot_types == 1 ? " type: " : " types: ");
    std::string list;
    for (const auto& [family, n] : no_spot) list += (list.empty() ? "" : ", ") + family + " (" + std::to_string(n) + ")";
    out += list + "\n";
  }
  return out.empty() ? out : "\n" + out;
}

std::string render_table(const std::vector<ListRow>& rows) {
  const std::vector<std::string> header = {"TYPE",      "VCPU",      "MEMORY(MiB)",      "GPUS",          "ARCH",
                                           "MAX PODS",  "ALLOC CPU", "ALLOC MEMORY",     "ON-DEMAND $/H", "SPOT $/H",
                                           "INTERRUPTION"};
  // Left-aligned text columns, right-aligned numbers.
  const std::vector<bool> right = {false, true, true, true, false, true, true, true, true, true, false};
  std::vector<std::vector<std::string>> cells;
  cells.push_back(header);
  for (const auto& r : rows) {
    cells.push_back({r.info->name, std::to_string(r.info->vcpu), std::to_string(r.info->memory_mib),
                     std::to_string(r.info->gpu_count), r.info->arch, std::to_string(r.max_pods),
                     std::to_string(r.alloc_cpu_millis) + "m", std::to_string(r.alloc_memory_mib) + "Mi",
                     r.on_demand ? usd6(*r.on_demand) : "-", r.spot ? usd6(*r.spot) : "-",
                     r.advice ? r.advice->interruption_band : "-"});
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& row : cells)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::string out;
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += "  ";
      const std::string pad(width[i] - row[i].size(), ' ');
      line += right[i] ? pad + row[i] : row[i] + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out + price_notes(rows);
}

std::string render_csv(const std::vector<ListRow>& rows) {
  std::string out =
      "type,vcpu,memory_mib,gpus,arch,max_pods,allocatable_cpu_millis,allocatable_memory_mib,"
      "on_demand_usd_per_hour,spot_usd_per_hour,interruption_band,on_demand_source,spot_source\n";
  // Sources may hold commas: quoted when they do (RFC 4180).
  const auto field = [](const std::string& v) {
    if (v.find_first_of(",\"") == std::string::npos) return v;
    std::string q = "\"";
    for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  for (const auto& r : rows) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.info->name, r.info->vcpu, r.info->memory_mib,
                       r.info->gpu_count, r.info->arch, r.max_pods, r.alloc_cpu_millis, r.alloc_memory_mib,
                       r.on_demand ? usd6(*r.on_demand) : "", r.spot ? usd6(*r.spot) : "",
                       r.advice ? r.advice->interruption_band : "", field(r.on_demand_source), field(r.spot_source));
  }
  return out;
}

std::string render_json(const std::vector<ListRow>& rows, const CatalogListOptions& o) {
  // nlohmann::json objects are std::map-backed: keys come out sorted. Prices are exact nano-USD
  // turned into doubles, printed by nlohmann's shortest round-trip formatting (stable).
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json j;
    j["type"] = r.info->name;
    j["vcpu"] = r.info->vcpu;
    j["memoryMiB"] = r.info->memory_mib;
    j["gpus"] = r.info->gpu_count;
    j["arch"] = r.info->arch;
    j["maxPods"] = r.max_pods;
    j["allocatableCpuMillis"] = r.alloc_cpu_millis;
    j["allocatableMemoryMiB"] = r.alloc_memory_mib;
    j["onDemandUsdPerHour"] = r.on_demand ? nlohmann::json(r.on_demand->usd()) : nlohmann::json(nullptr);
    j["spotUsdPerHour"] = r.spot ? nlohmann::json(r.spot->usd()) : nlohmann::json(nullptr);
    j["interruptionBand"] = r.advice ? nlohmann::json(r.advice->interruption_band) : nlohmann::json(nullptr);
    j["onDemandSource"] = r.on_demand ? nlohmann::json(r.on_demand_source) : nlohmann::json(nullptr);
    j["spotSource"] = r.spot ? nlohmann::json(r.spot_source) : nlohmann::json(nullptr);
    items.push_back(std::move(j));
  }
  nlohmann::json doc;
  doc["region"] = o.region;
  doc["amiFamily"] = std::string(catalog::ami_family_name(o.node_class.ami_family));
  doc["instanceTypes"] = std::move(items);
  return doc.dump(2) + "\n";
}

}  // namespace

std::optional<CatalogListFormat> parse_catalog_list_format(std::string_view s) {
  if (s == "table") return CatalogListFormat::table;
  if (s == "csv") return CatalogListFormat::csv;
  if (s == "json") return CatalogListFormat::json;
  return std::nullopt;
}

std::string list_catalog(const catalog::Catalog& cat, const CatalogListOptions& opts) {
  const auto rows = build_rows(cat, opts);
  switch (opts.format) {
    case CatalogListFormat::csv: return render_csv(rows);
    case CatalogListFormat::json: return render_json(rows, opts);
    case CatalogListFormat::table: break;
  }
  return render_table(rows);
}

}  // namespace capsim::report
