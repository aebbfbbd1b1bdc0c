// The EC2 catalog: instance-type facts (vCPU, memory, GPUs, ENIs, ...), on-demand prices per
// region, a spot price model per zone and the spot advisor's interruption band. The default is
// the generated catalog in instance-catalog/, embedded in the binary; --catalog loads another.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/money.hpp"

namespace capsim::catalog {

struct InstanceTypeInfo {
  std::string name;  // "c6i.4xlarge"
  std::string family;
  std::string category;
  int generation{0};
  std::string size;
  int vcpu{0};
  std::int64_t memory_mib{0};  // EC2 SizeInMiB (not allocatable)
  int gpu_count{0};
  std::string gpu_name;
  std::string gpu_manufacturer;
  std::int64_t gpu_memory_mib{0};  // per GPU
  int accelerator_count{0};
  std::string accelerator_name;
  std::string accelerator_manufacturer;
  std::string arch;  // amd64 | arm64
  std::string cpu_manufacturer;
  int cpu_sustained_clock_mhz{0};
  std::string hypervisor;  // nitro | xen | "" (bare metal)
  int max_enis{0};
  int max_enis_default_card{0};
  int network_cards{0};
  int ipv4_per_eni{0};
  int branch_enis{0};
  bool trunking_compatible{false};
  std::int64_t network_bandwidth_mbps{0};
  std::int64_t ebs_bandwidth_mbps{0};
  std::int64_t local_nvme_gb{0};
  bool bare_metal{false};
  bool burstable{false};
  bool current_generation{true};
  bool has_eni_data{false};  // false for the few types without ENI limits in any source
  // Karpenter's own computed values (AL2023 defaults) where the source has them; 0 = absent.
  int karpenter_pods{0};
  std::int64_t karpenter_allocatable_cpu_millis{0};
  std::int64_t karpenter_allocatable_memory_mib{0};
};

struct SpotAdvice {
  int savings_pct{0};           // AWS Spot Advisor 30-day average saving vs on-demand
  std::string interruption_band;  // "<5%", "5-10%", "10-15%", "15-20%", ">20%"
  int interruption_band_index{0};  // 0..4
};

// A market price that replaces the catalog's (spec.pricing's price file and spot prices): an
// on-demand price of a region, or a spot price of one zone or (zone empty) of every zone.
struct PriceChange {
  std::string instance_type;
  std::string capacity_type;  // on-demand | spot
  std::string zone;
  Money price;
  std::string source;  // where the price comes from, e.g. "prices.csv:12"
};

class Catalog {
 public:
  // The catalog generated into instance-catalog/ and compiled into capsim (parsed once).
  static std::shared_ptr<const Catalog> embedded();
  // A catalog directory with the same files as instance-catalog/; throws InputError with the
  // file:line of the first malformed row.
  static std::shared_ptr<const Catalog> load_directory(const std::string& dir);

  const std::vector<InstanceTypeInfo>& types() const { return m_types; }  // sorted by name
  const InstanceTypeInfo* find(std::string_view name) const;
  std::vector<std::string> regions() const;                 // sorted
  const std::vector<std::string>& zones(std::string_view region) const;  // e.g. ap-northeast-2a..d
  std::optional<Money> on_demand_price(std::string_view region, std::string_view type) const;
  // Spot price model: see instance-catalog/PROVENANCE.md.
  std::optional<Money> spot_price(std::string_view region, std::string_view zone, std::string_view type) const;
  std::optional<SpotAdvice> spot_advice(std::string_view region, std::string_view type) const;
  const std::string& provenance() const { return m_provenance; }
  // Where a price comes from, for `capsim catalog` and the result: a price change's source, else
  // the region's on-demand source and date (regions.csv), else "catalog"; for spot, the zone's
  // explicit price or the Spot Advisor model.
  std::string on_demand_source(std::string_view region, std::string_view type) const;
  std::string spot_source(std::string_view region, std::string_view zone, std::string_view type) const;

  // A copy of `base` with the prices of `region` changed (later changes win).
  static std::shared_ptr<const Catalog> with_prices(const Catalog& base, std::string_view region,
                                                    const std::vector<PriceChange>& changes);

  // The regional spot estimate (on-demand x (1 - savings/100)) before the per-zone spread; nullopt
  // without an on-demand price or Spot Advisor data.
  std::optional<Money> regional_spot_price(std::string_view region, std::string_view type) const;

  // Used by the loaders (and by tests building small catalogs).
  struct Builder;

 private:
  friend struct Builder;
  std::vector<InstanceTypeInfo> m_types;
  std::map<std::string, std::vector<std::string>, std::less<>> m_zones;
  std::map<std::string, std::int64_t, std::less<>> m_od_nano;    // key region + '\t' + type
  std::map<std::string, SpotAdvice, std::less<>> m_advice;       // key region + '\t' + type
  std::map<std::string, std::int64_t, std::less<>> m_spot_nano;  // key zone + '\t' + type
  std::map<std::string, std::int64_t, std::less<>> m_spot_region_nano;  // key region + '\t' + type (every zone)
  std::map<std::string, std::string, std::less<>> m_region_source;  // region -> "source, as of date"
  std::map<std::string, std::string, std::less<>> m_price_source;   // "od|spot" + '\t' + key -> source
  std::string m_provenance;
};

// Builds a Catalog (used by the loaders and by tests that need small catalogs). Types are sorted
// by name on build(); a duplicate type name is a bug (InvariantError).
struct Catalog::Builder {
  Builder();
  Builder& add_type(InstanceTypeInfo info);
  Builder& set_zones(std::string_view region, std::vector<std::string> zones);
  // Where the region's on-demand prices come from ("karpenter zz_generated.pricing_aws.go, as of 2026-07-20").
  Builder& set_region_source(std::string_view region, std::string source);
  Builder& set_on_demand_price(std::string_view region, std::string_view type, Money price);
  bool has_on_demand_price(std::string_view region, std::string_view type) const;
  Builder& set_spot_advice(std::string_view region, std::string_view type, SpotAdvice advice);
  // An explicit spot price for one zone; takes precedence over the spot price model.
  Builder& set_spot_price(std::string_view zone, std::string_view type, Money price);
  Builder& set_provenance(std::string text);
  // Every region with a price gets a (possibly empty) zone list, so regions() lists it.
  std::shared_ptr<const Catalog> build();

 private:
  std::shared_ptr<Catalog> m_catalog;
};

// The spot price model of instance-catalog/PROVENANCE.md, in exact nano-USD:
// regional = round_half_up(on_demand x (100 - savings_pct) / 100);
// zone = regional + round_half_away_from_zero(regional x spread_ppm / 1e6), with
// spread_ppm = (stable_hash(zone + "|" + type) mod 100001) - 50000, a fixed value in [-5 %, +5 %].
Money model_regional_spot_price(Money on_demand, int savings_pct);
std::int64_t model_spot_spread_ppm(std::string_view zone, std::string_view type);
Money model_zone_spot_price(Money regional, std::string_view zone, std::string_view type);

}  // namespace capsim::catalog
