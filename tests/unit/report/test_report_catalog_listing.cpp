// `capsim catalog` listing: table, CSV and JSON on small filters.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "capsim/catalog/catalog.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/report/catalog_listing.hpp"

using namespace capsim;
using namespace capsim::report;

TEST_CASE("catalog listing as a table", "[catalog][report]") {
  CatalogListOptions o;
  o.type_filter = "m5.large";
  const std::string out = list_catalog(*catalog::Catalog::embedded(), o);
  CHECK(out ==
        "TYPE      VCPU  MEMORY(MiB)  GPUS  ARCH   MAX PODS  ALLOC CPU  ALLOC MEMORY  ON-DEMAND $/H  SPOT $/H  INTERRUPTION\n"
        "m5.large     2         8192     0  amd64        29      1930m        6903Mi       0.096000  0.031560  15-20%\n"
        "\n"
        "on-demand prices: karpenter zz_generated.pricing_aws.go, as of 2026-07-20\n"
        "spot prices: on-demand less the Spot Advisor's saving, spread per zone (the cheapest zone shown)\n");
}

// The catalog has no spot data for the newest generations (../shared/data: no Spot Advisor rows),
// so a NodePool allowing spot launches them on-demand: the listing says which.
TEST_CASE("catalog listing names the types without spot data", "[catalog][report][billing]") {
  CatalogListOptions o;
  o.type_filter = "c8i";
  const std::string out = list_catalog(*catalog::Catalog::embedded(), o);
  std::size_t types = 0;
  for (const auto& t : catalog::Catalog::embedded()->types())
    types += t.family == "c8i" && catalog::Catalog::embedded()->on_demand_price("us-east-1", t.name) ? 1 : 0;
  REQUIRE(types > 0);
  CHECK(out.find("\nc8i.large ") != std::string::npos);
  CHECK(out.ends_with("\non-demand prices: karpenter zz_generated.pricing_aws.go, as of 2026-07-20\n"
                      "no spot data (launched on-demand even where spot is allowed) for " + std::to_string(types) +
                      " types: c8i (" + std::to_string(types) + ")\n"));
  o.format = CatalogListFormat::json;
  const auto j = nlohmann::json::parse(list_catalog(*catalog::Catalog::embedded(), o));
  CHECK(j["instanceTypes"][0]["spotSource"].is_null());
  CHECK(j["instanceTypes"][0]["onDemandSource"] == "karpenter zz_generated.pricing_aws.go, as of 2026-07-20");
}

TEST_CASE("catalog listing as CSV, by family", "[catalog][report]") {
  CatalogListOptions o;
  o.region = "ap-northeast-2";
  o.type_filter = "c6i";
  o.format = CatalogListFormat::csv;
  const std::string out = list_catalog(*catalog::Catalog::embedded(), o);
  const std::string header =
      "type,vcpu,memory_mib,gpus,arch,max_pods,allocatable_cpu_millis,allocatable_memory_mib,"
      "on_demand_usd_per_hour,spot_usd_per_hour,interruption_band,on_demand_source,spot_source\n";
  REQUIRE(out.starts_with(header));
  CHECK(out.find("\nc6i.4xlarge,16,32768,0,amd64,234,15890,27381,0.768000,0.258509,5-10%,"
                 "\"aws-price-page-snapshot(yeo/ec2.shop), as of 2025-04-04\","
                 "\"model: on-demand less the Spot Advisor saving of 66%, spread per zone\"\n") != std::string::npos);
  CHECK(out.find("c6id.") == std::string::npos);  // a family, not a prefix
  CHECK(out.find("c6in.") == std::string::npos);
  std::size_t lines = static_cast<std::size_t>(std::count(out.begin(), out.end(), '\n'));
  std::size_t family = 0;
  for (const auto& t : catalog::Catalog::embedded()->types()) family += t.family == "c6i" ? 1 : 0;
  CHECK(lines == family + 1);
}

TEST_CASE("catalog listing as JSON", "[catalog][report]") {
  CatalogListOptions o;
  o.type_filter = "t3.medium";
  o.format = CatalogListFormat::json;
  const std::string out = list_catalog(*catalog::Catalog::embedded(), o);
  auto cat = catalog::Catalog::embedded();
  Money min_spot{INT64_MAX};
  for (const auto& z : cat->zones("us-east-1")) min_spot = std::min(min_spot, *cat->spot_price("us-east-1", z, "t3.medium"));
  CHECK(out ==
        "{\n"
        "  \"amiFamily\": \"AL2023\",\n"
        "  \"instanceTypes\": [\n"
        "    {\n"
        "      \"allocatableCpuMillis\": 1930,\n"
        "      \"allocatableMemoryMiB\": 3246,\n"
        "      \"arch\": \"amd64\",\n"
        "      \"gpus\": 0,\n"
        "      \"interruptionBand\": \"<5%\",\n"
        "      \"maxPods\": 17,\n"
        "      \"memoryMiB\": 4096,\n"
        "      \"onDemandSource\": \"karpenter zz_generated.pricing_aws.go, as of 2026-07-20\",\n"
        "      \"onDemandUsdPerHour\": 0.0416,\n"
        "      \"spotSource\": \"model: on-demand less the Spot Advisor saving of " + std::to_string(cat->spot_advice("us-east-1", "t3.medium")->savings_pct) + "%, spread per zone\",\n"
        "      \"spotUsdPerHour\": " +
            nlohmann::json(min_spot.usd()).dump() +
            ",\n"
            "      \"type\": \"t3.medium\",\n"
            "      \"vcpu\": 2\n"
            "    }\n"
            "  ],\n"
            "  \"region\": \"us-east-1\"\n"
            "}\n");
}

TEST_CASE("catalog listing errors", "[catalog][report]") {
  CatalogListOptions o;
  o.type_filter = "c6i.huge";
  CHECK_THROWS_WITH(list_catalog(*catalog::Catalog::embedded(), o), "error: unknown instance type \"c6i.huge\"");
  o.type_filter.reset();
  o.region = "xx-nowhere-1";
  CHECK_THROWS_WITH(list_catalog(*catalog::Catalog::embedded(), o), "error: unknown region \"xx-nowhere-1\"");
  CHECK(parse_catalog_list_format("json") == CatalogListFormat::json);
  CHECK_FALSE(parse_catalog_list_format("yaml").has_value());
}
