// The embedded catalog, prices, the spot price model (instance-catalog/PROVENANCE.md) and
// load_directory diagnostics.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "capsim/catalog/catalog.hpp"
#include "capsim/core/diagnostic.hpp"

using namespace capsim;
using namespace capsim::catalog;

namespace {

Money nano(std::int64_t v) { return Money{v}; }

// A scratch directory under the system temp dir, removed at scope exit.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name) : path(std::filesystem::temp_directory_path() / name) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  void write(const std::string& file, const std::string& text) const {
    std::ofstream out(path / file, std::ios::binary);
    out << text;
  }
};

const char* k_types_csv =
    "instance_type,family,category,generation,size,vcpu,memory_mib,arch,max_enis_default_card,ipv4_per_eni\n"
    "m5.large,m5,m,5,large,2,8192,amd64,3,10\n"
    "m6g.large,m6g,m,6,large,2,8192,arm64,3,10\n";
const char* k_regions_csv = "region,zones\nus-east-1,us-east-1a us-east-1b\n";

}  // namespace

TEST_CASE("the embedded catalog", "[catalog]") {
  auto cat = Catalog::embedded();
  CHECK(cat->types().size() == 1385);
  CHECK(cat.get() == Catalog::embedded().get());  // parsed once
  CHECK(std::is_sorted(cat->types().begin(), cat->types().end(),
                       [](const auto& a, const auto& b) { return a.name < b.name; }));
  CHECK(cat->regions().size() == 34);
  CHECK(cat->provenance().starts_with("# instance-catalog: provenance"));

  const auto* c6i = cat->find("c6i.4xlarge");
  REQUIRE(c6i != nullptr);
  CHECK(c6i->vcpu == 16);
  CHECK(c6i->memory_mib == 32768);
  CHECK(c6i->max_enis_default_card == 8);
  CHECK(c6i->ipv4_per_eni == 30);
  CHECK(c6i->has_eni_data);
  CHECK(c6i->hypervisor == "nitro");
  CHECK(cat->find("c6i.huge") == nullptr);
  CHECK_FALSE(cat->find("hpc6a.48xlarge")->has_eni_data);
  const auto* p5 = cat->find("p5.48xlarge");
  CHECK(p5->gpu_count == 8);
  CHECK(p5->gpu_name == "h100");
  CHECK(p5->gpu_memory_mib == 81920);
}

TEST_CASE("zones of a region", "[catalog]") {
  auto cat = Catalog::embedded();
  using V = std::vector<std::string>;
  CHECK(cat->zones("ap-northeast-2") == V{"ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c", "ap-northeast-2d"});
  CHECK(cat->zones("us-east-1").size() == 6);
  CHECK(cat->zones("ap-northeast-1") == V{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"});
  CHECK(cat->zones("xx-nowhere-1").empty());
}

TEST_CASE("on-demand prices", "[catalog][prices]") {
  auto cat = Catalog::embedded();
  CHECK(cat->on_demand_price("ap-northeast-2", "c6i.4xlarge") == nano(768'000'000));
  CHECK(cat->on_demand_price("us-east-1", "c6i.4xlarge") == nano(680'000'000));
  CHECK(cat->on_demand_price("us-east-1", "m5.large") == nano(96'000'000));
  CHECK(cat->on_demand_price("us-east-1", "t3.medium") == nano(41'600'000));
  CHECK_FALSE(cat->on_demand_price("us-east-1", "c6i.huge").has_value());
  CHECK_FALSE(cat->on_demand_price("xx-nowhere-1", "m5.large").has_value());
}

TEST_CASE("spot price model", "[catalog][prices]") {
  auto cat = Catalog::embedded();
  // Spot Advisor: c6i.4xlarge in ap-northeast-2 saves 66 %, interruption band 5-10 %.
  auto advice = cat->spot_advice("ap-northeast-2", "c6i.4xlarge");
  REQUIRE(advice.has_value());
  CHECK(advice->savings_pct == 66);
  CHECK(advice->interruption_band == "5-10%");
  CHECK(advice->interruption_band_index == 1);
  CHECK(cat->regional_spot_price("ap-northeast-2", "c6i.4xlarge") == nano(261'120'000));  // 0.768 x 0.34
  // Zone prices: the worked examples of PROVENANCE.md, computed independently by tools/gen_catalog.py.
  CHECK(model_spot_spread_ppm("ap-northeast-2a", "c6i.4xlarge") == -10001);
  CHECK(cat->spot_price("ap-northeast-2", "ap-northeast-2a", "c6i.4xlarge") == nano(258'508'539));
  CHECK(cat->spot_price("ap-northeast-2", "ap-northeast-2b", "c6i.4xlarge") == nano(263'417'334));
  CHECK(cat->spot_price("ap-northeast-2", "ap-northeast-2c", "c6i.4xlarge") == nano(270'722'949));
  CHECK(cat->spot_price("ap-northeast-2", "ap-northeast-2d", "c6i.4xlarge") == nano(259'074'386));
  CHECK(cat->spot_price("us-east-1", "us-east-1a", "m5.large") == nano(33'155'484));
  CHECK(cat->spot_price("us-east-1", "us-east-1f", "m5.large") == nano(33'774'925));
  // Every zone price is within +-5 % of the regional price, for every priced pair of a region.
  for (const auto& t : cat->types()) {
    auto regional = cat->regional_spot_price("us-east-1", t.name);
    if (!regional) continue;
    for (const auto& z : cat->zones("us-east-1")) {
      auto p = cat->spot_price("us-east-1", z, t.name);
      REQUIRE(p.has_value());
      CHECK(std::abs(p->nano_usd - regional->nano_usd) <= regional->nano_usd / 20 + 1);
    }
  }
  // No Spot Advisor row -> no spot offering.
  CHECK(cat->on_demand_price("af-south-1", "inf1.xlarge").has_value());
  CHECK_FALSE(cat->spot_advice("af-south-1", "inf1.xlarge").has_value());
  CHECK_FALSE(cat->spot_price("af-south-1", "af-south-1a", "inf1.xlarge").has_value());
}

TEST_CASE("Catalog::Builder for small catalogs", "[catalog]") {
  InstanceTypeInfo b;
  b.name = "b.large";
  InstanceTypeInfo a;
  a.name = "a.large";
  auto cat = Catalog::Builder()
                 .add_type(b)
                 .add_type(a)
                 .set_zones("test-1", {"test-1a", "test-1b"})
                 .set_on_demand_price("test-1", "a.large", Money::from_usd(0.1))
                 .set_spot_advice("test-1", "a.large", SpotAdvice{50, "<5%", 0})
                 .set_spot_price("test-1b", "a.large", Money::from_usd(0.02))
                 .set_on_demand_price("other-1", "b.large", Money::from_usd(0.2))
                 .build();
  REQUIRE(cat->types().size() == 2);
  CHECK(cat->types()[0].name == "a.large");
  CHECK(cat->regions() == std::vector<std::string>{"other-1", "test-1"});
  CHECK(cat->zones("other-1").empty());
  CHECK(cat->spot_price("test-1", "test-1b", "a.large") == Money::from_usd(0.02));  // explicit
  CHECK(cat->spot_price("test-1", "test-1a", "a.large") ==
        model_zone_spot_price(Money::from_usd(0.05), "test-1a", "a.large"));  // model
  CHECK_THROWS_AS(Catalog::Builder().add_type(a).add_type(a).build(), InvariantError);
}

TEST_CASE("load_directory reads a catalog directory", "[catalog][load]") {
  TempDir dir("capsim-test-catalog-ok");
  dir.write("instance-types.csv", k_types_csv);
  dir.write("regions.csv", k_regions_csv);
  dir.write("prices.csv",
            "region,instance_type,on_demand_usd_per_hour,spot_savings_pct,interruption_band,interruption_band_index\r\n"
            "us-east-1,m5.large,0.096000,66,15-20%,3\r\n"
            "us-east-1,m6g.large,\"0.077\",,,\r\n");
  auto cat = Catalog::load_directory(dir.path.string());
  REQUIRE(cat->types().size() == 2);
  CHECK(cat->find("m6g.large")->arch == "arm64");
  CHECK(cat->find("m5.large")->has_eni_data);
  CHECK(cat->on_demand_price("us-east-1", "m6g.large") == nano(77'000'000));
  CHECK(cat->spot_advice("us-east-1", "m5.large")->interruption_band_index == 3);
  CHECK_FALSE(cat->spot_price("us-east-1", "us-east-1a", "m6g.large").has_value());
  CHECK(cat->provenance().empty());
}

TEST_CASE("load_directory reports malformed rows with file:line:col", "[catalog][load]") {
  TempDir dir("capsim-test-catalog-bad");
  dir.write("instance-types.csv", k_types_csv);
  dir.write("regions.csv", k_regions_csv);
  const std::string prices_file = (dir.path / "prices.csv").string();

  SECTION("a bad price") {
    dir.write("prices.csv",
              "region,instance_type,on_demand_usd_per_hour\n"
              "us-east-1,m5.large,0.096\n"
              "us-east-1,m6g.large,cheap\n");
    try {
      Catalog::load_directory(dir.path.string());
      FAIL("expected an InputError");
    } catch (const InputError& e) {
      REQUIRE(e.diagnostics().size() == 1);
      const Diagnostic& d = e.diagnostics()[0];
      CHECK(d.file == prices_file);
      CHECK(d.line == 3);
      CHECK(d.col == 21);
      CHECK(d.path == "on_demand_usd_per_hour");
      CHECK(d.message == "expected a price in USD per hour such as \"0.096\", got \"cheap\"");
      CHECK(std::string(e.what()) ==
            prices_file + ":3:21: error: on_demand_usd_per_hour: expected a price in USD per hour such as \"0.096\", got \"cheap\"");
    }
  }
  SECTION("every malformed row is reported") {
    dir.write("prices.csv",
              "region,instance_type,on_demand_usd_per_hour,spot_savings_pct,interruption_band\n"
              "us-east-1,c6i.huge,0.1,,\n"
              "us-east-1,m5.large,0.096,66,sometimes\n"
              "us-west-9,m6g.large,0.1,,\n"
              "us-east-1,m6g.large\n");
    try {
      Catalog::load_directory(dir.path.string());
      FAIL("expected an InputError");
    } catch (const InputError& e) {
      std::vector<std::string> rendered;
      for (const auto& d : e.diagnostics()) rendered.push_back(d.render());
      CHECK(rendered == std::vector<std::string>{
                            prices_file + ":2:11: error: instance_type: unknown instance type \"c6i.huge\"",
                            prices_file + ":3:29: error: interruption_band: expected one of \"<5%\", \"5-10%\", "
                                          "\"10-15%\", \"15-20%\", \">20%\", got \"sometimes\"",
                            prices_file + ":4:1: error: region: region \"us-west-9\" is not listed in regions.csv",
                            prices_file + ":5:1: error: expected 5 fields, got 2",
                        });
    }
  }
  SECTION("bad instance-type rows") {
    dir.write("instance-types.csv",
              "instance_type,vcpu,memory_mib,arch\n"
              "m5.large,2,8192,x86_64\n"
              "m5.xlarge,four,16384,amd64\n"
              "m5.large,2,8192,amd64\n");
    dir.write("prices.csv", "region,instance_type,on_demand_usd_per_hour\n");
    const std::string types_file = (dir.path / "instance-types.csv").string();
    try {
      Catalog::load_directory(dir.path.string());
      FAIL("expected an InputError");
    } catch (const InputError& e) {
      std::vector<std::string> rendered;
      for (const auto& d : e.diagnostics()) rendered.push_back(d.render());
      CHECK(rendered == std::vector<std::string>{
                            types_file + ":2:17: error: arch: expected \"amd64\" or \"arm64\", got \"x86_64\"",
                            types_file + ":3:11: error: vcpu: expected a positive integer, got \"four\"",
                        });
    }
  }
  SECTION("duplicate rows, sorted or not") {
    dir.write("prices.csv",
              "region,instance_type,on_demand_usd_per_hour\n"
              "us-east-1,m5.large,0.096\n"
              "us-east-1,m6g.large,0.077\n"
              "us-east-1,m6g.large,0.077\n"
              "us-east-1,m5.large,0.096\n");
    try {
      Catalog::load_directory(dir.path.string());
      FAIL("expected an InputError");
    } catch (const InputError& e) {
      std::vector<std::string> rendered;
      for (const auto& d : e.diagnostics()) rendered.push_back(d.render());
      CHECK(rendered == std::vector<std::string>{
                            prices_file + ":4:11: error: instance_type: duplicate price for \"m6g.large\" in \"us-east-1\"",
                            prices_file + ":5:11: error: instance_type: duplicate price for \"m5.large\" in \"us-east-1\"",
                        });
    }
  }
  SECTION("a missing column") {
    dir.write("prices.csv", "region,instance_type\nus-east-1,m5.large\n");
    CHECK_THROWS_WITH(Catalog::load_directory(dir.path.string()),
                      prices_file + ":1:1: error: missing column \"on_demand_usd_per_hour\"");
  }
  SECTION("a missing file") {
    CHECK_THROWS_WITH(Catalog::load_directory(dir.path.string()),
                      prices_file + ": error: cannot read the file (a catalog directory holds instance-types.csv, "
                                    "prices.csv and regions.csv)");
  }
}
