// Karpenter's AWS capacity / overhead formulas (karpenter.md 3.2-3.4) against Karpenter's own
// published figures for every instance type, the reference worked examples, and the kubelet /
// AMI-family variations. Upstream: aws:pkg/providers/instancetype/types.go and suite_test.go
// ("Kube Reserved Resources", "Eviction Thresholds", "Pod Density", "Ephemeral Storage").
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/core/labels.hpp"

using namespace capsim;
using namespace capsim::catalog;

namespace {

constexpr std::int64_t k_mib = 1024 * 1024;
constexpr std::int64_t k_gib = 1024 * k_mib;

const InstanceTypeInfo& type(std::string_view name) {
  const auto* t = Catalog::embedded()->find(name);
  if (!t) FAIL("type not in the embedded catalog: " << name);
  return *t;
}

std::int64_t mib(Quantity q) { return q.milli / 1000 / k_mib; }
std::int64_t bytes(Quantity q) { return q.milli / 1000; }

struct Computed {
  ResourceList capacity, overhead, allocatable;
};

Computed compute(const InstanceTypeInfo& it, const NodeClassParams& nc = {}) {
  Computed c;
  c.capacity = compute_capacity(it, nc);
  c.overhead = compute_overhead(it, nc, c.capacity);
  c.allocatable = c.capacity - c.overhead;
  c.allocatable.clamp_non_negative();
  return c;
}

// Rows of a plain CSV (no quoted fields) keyed by header name.
std::vector<std::map<std::string, std::string>> read_plain_csv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::map<std::string, std::string>> rows;
  std::string line;
  std::vector<std::string> header;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : s) {
      if (ch == ',') {
        out.push_back(cur);
        cur.clear();
      } else if (ch != '\r') {
        cur.push_back(ch);
      }
    }
    out.push_back(cur);
    return out;
  };
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto f = split(line);
    if (header.empty()) {
      header = f;
      continue;
    }
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < f.size(); ++i) row[header[i]] = f[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

TEST_CASE("capacity and allocatable equal Karpenter's figures for every instance type (AL2023 defaults)",
          "[catalog][formulas]") {
  // Source: the shared data set (Karpenter's generated instance-types.md values). Without it (a
  // fresh clone) the same figures are in the embedded catalog's karpenter_* columns.
  struct Expected {
    std::string name;
    std::int64_t pods, cpu, mem;
  };
  std::vector<Expected> expected;
  const std::string shared = std::string(CAPSIM_SHARED_DATA_DIR) + "/ec2-instance-types.csv";
  if (std::filesystem::exists(shared)) {
    for (const auto& r : read_plain_csv(shared)) {
      if (r.at("karpenter_pods").empty() || r.at("karpenter_allocatable_cpu_millis").empty() ||
          r.at("karpenter_allocatable_memory_mib").empty())
        continue;
      expected.push_back({r.at("instance_type"), std::stoll(r.at("karpenter_pods")),
                          std::stoll(r.at("karpenter_allocatable_cpu_millis")),
                          std::stoll(r.at("karpenter_allocatable_memory_mib"))});
    }
  } else {
    WARN("shared data not found at " << shared << "; using the embedded catalog's karpenter_* columns");
    for (const auto& t : Catalog::embedded()->types())
      if (t.karpenter_pods > 0)
        expected.push_back({t.name, t.karpenter_pods, t.karpenter_allocatable_cpu_millis, t.karpenter_allocatable_memory_mib});
  }
  REQUIRE(expected.size() == 1363);

  std::vector<std::string> mismatches;
  for (const auto& e : expected) {
    const auto* it = Catalog::embedded()->find(e.name);
    if (!it) {
      mismatches.push_back(e.name + ": not in the catalog");
      continue;
    }
    Computed c = compute(*it);
    const std::int64_t pods = c.capacity.pods();
    const std::int64_t cpu = c.allocatable.cpu_millis();
    const std::int64_t mem_bytes = c.allocatable.memory_bytes();
    const std::int64_t eph = bytes(c.allocatable.get(Resource::ephemeral_storage));
    if (pods != e.pods || cpu != e.cpu || mem_bytes != e.mem * k_mib || eph != 17 * k_gib) {
      std::ostringstream os;
      os << e.name << ": pods " << pods << " (want " << e.pods << "), cpu " << cpu << "m (want " << e.cpu
         << "m), memory " << mem_bytes << " bytes (want " << e.mem << "Mi), ephemeral " << eph << " bytes (want 17Gi)";
      mismatches.push_back(os.str());
    }
  }
  std::string report;
  for (const auto& m : mismatches) report += m + "\n";
  INFO(mismatches.size() << " mismatching types:\n" << report);
  CHECK(mismatches.empty());
}

TEST_CASE("reference worked examples (karpenter.md 3.4)", "[catalog][formulas]") {
  struct Example {
    const char* name;
    int pods;
    std::int64_t cap_mem_mib, kube_cpu, kube_mem_mib, alloc_cpu, alloc_mem_mib;
  };
  const Example examples[] = {
      {"m5.large", 29, 7577, 70, 574, 1930, 6903},
      {"m5.xlarge", 58, 15155, 80, 893, 3920, 14162},
      {"m5.2xlarge", 58, 30310, 90, 893, 7910, 29317},
      {"t3.medium", 17, 3788, 70, 442, 1930, 3246},
  };
  for (const auto& ex : examples) {
    INFO(ex.name);
    const auto& it = type(ex.name);
    CHECK(eni_limited_pods(it, 0) == ex.pods);
    Computed c = compute(it);
    CHECK(c.capacity.pods() == ex.pods);
    CHECK(mib(c.capacity.get(Resource::memory)) == ex.cap_mem_mib);
    CHECK(c.capacity.get(Resource::memory).milli % (1000 * k_mib) == 0);
    // overhead = kube-reserved + eviction (system-reserved is empty by default)
    CHECK(c.overhead.cpu_millis() == ex.kube_cpu);
    CHECK(mib(c.overhead.get(Resource::memory)) == ex.kube_mem_mib + 100);
    CHECK(c.allocatable.cpu_millis() == ex.alloc_cpu);
    CHECK(c.allocatable.memory_bytes() == ex.alloc_mem_mib * k_mib);
    CHECK(bytes(c.capacity.get(Resource::ephemeral_storage)) == 20 * k_gib);
    CHECK(bytes(c.allocatable.get(Resource::ephemeral_storage)) == 17 * k_gib);
    CHECK(c.capacity.get(Resource::nodes) == Quantity::from_units(1));
    CHECK(c.allocatable.get(Resource::nodes) == Quantity::from_units(1));
  }
}

TEST_CASE("kube-reserved CPU bands truncate per band", "[catalog][formulas]") {
  // karpenter.md 3.3: 1 vCPU 60m, 2 70m, 4 80m, 8 90m, 16 110m, 32 150m, 48 190m, 64 230m, 96 310m.
  const std::pair<int, std::int64_t> cases[] = {{1, 60},  {2, 70},  {4, 80},  {8, 90}, {16, 110},
                                                 {32, 150}, {48, 190}, {64, 230}, {96, 310}};
  for (auto [vcpu, want] : cases) {
    InstanceTypeInfo it = type("m5.large");
    it.vcpu = vcpu;
    INFO(vcpu << " vCPU");
    CHECK(compute(it).overhead.cpu_millis() == want);
  }
}

TEST_CASE("kubelet maxPods, podsPerCore and reserved ENIs", "[catalog][formulas]") {
  const auto& m5 = type("m5.large");
  SECTION("maxPods 110 on AL2023 does not change kube-reserved memory") {
    NodeClassParams nc;
    nc.kubelet.max_pods = 110;
    Computed c = compute(m5, nc);
    CHECK(c.capacity.pods() == 110);
    CHECK(mib(c.overhead.get(Resource::memory)) == 574 + 100);
    CHECK(mib(c.allocatable.get(Resource::memory)) == 6903);
  }
  SECTION("maxPods 110 on AL2 behaves like AL2023") {
    NodeClassParams nc;
    nc.ami_family = AmiFamily::al2;
    nc.kubelet.max_pods = 110;
    CHECK(mib(compute(m5, nc).overhead.get(Resource::memory)) == 574 + 100);
  }
  SECTION("maxPods 110 on Bottlerocket raises kube-reserved memory to 11 x 110 + 255") {
    NodeClassParams nc;
    nc.ami_family = AmiFamily::bottlerocket;
    nc.kubelet.max_pods = 110;
    Computed c = compute(m5, nc);
    CHECK(c.capacity.pods() == 110);
    CHECK(mib(c.overhead.get(Resource::memory)) == 11 * 110 + 255 + 100);
  }
  SECTION("podsPerCore caps pods on AL2023") {
    NodeClassParams nc;
    nc.kubelet.pods_per_core = 4;
    Computed c = compute(m5, nc);
    CHECK(c.capacity.pods() == 8);
    CHECK(mib(c.overhead.get(Resource::memory)) == 574 + 100);  // still ENI-limited pods (29)
  }
  SECTION("podsPerCore larger than the ENI limit changes nothing") {
    NodeClassParams nc;
    nc.kubelet.pods_per_core = 20;
    CHECK(compute(m5, nc).capacity.pods() == 29);
  }
  SECTION("podsPerCore is ignored by Bottlerocket") {
    NodeClassParams nc;
    nc.ami_family = AmiFamily::bottlerocket;
    nc.kubelet.pods_per_core = 4;
    CHECK(compute(m5, nc).capacity.pods() == 29);
  }
  SECTION("podsPerCore caps maxPods") {
    NodeClassParams nc;
    nc.kubelet.max_pods = 50;
    nc.kubelet.pods_per_core = 10;
    CHECK(compute(m5, nc).capacity.pods() == 20);
  }
  SECTION("reserved ENIs lower pods but not kube-reserved memory") {
    NodeClassParams nc;
    nc.reserved_enis = 1;
    Computed c = compute(m5, nc);
    CHECK(c.capacity.pods() == 2 * 9 + 2);
    CHECK(mib(c.overhead.get(Resource::memory)) == 574 + 100);
    nc.reserved_enis = 3;
    CHECK(compute(m5, nc).capacity.pods() == 0);
  }
  SECTION("types without ENI data use Karpenter's published pod count") {
    CHECK(eni_limited_pods(type("hpc6a.48xlarge"), 0) == 100);
    CHECK(eni_limited_pods(type("hpc6id.32xlarge"), 0) == 51);
    CHECK(eni_limited_pods(type("trn2.48xlarge"), 0) == 100);
    InstanceTypeInfo unknown = type("hpc6a.48xlarge");
    unknown.karpenter_pods = 0;
    CHECK(eni_limited_pods(unknown, 0) == 110);
  }
  SECTION("multi-card types count only the default card") {
    CHECK(eni_limited_pods(type("p4d.24xlarge"), 0) == 737);
    CHECK(eni_limited_pods(type("p5.48xlarge"), 0) == 100);
    CHECK(eni_limited_pods(type("c6i.4xlarge"), 0) == 234);
  }
}

TEST_CASE("kubeReserved, systemReserved and evictionHard overrides", "[catalog][formulas]") {
  const auto& m5 = type("m5.large");
  const Computed base = compute(m5);
  SECTION("kubeReserved replaces the computed value per key") {
    NodeClassParams nc;
    nc.kubelet.kube_reserved["cpu"] = *parse_quantity("200m");
    Computed c = compute(m5, nc);
    CHECK(c.overhead.cpu_millis() == 200);
    CHECK(c.overhead.get(Resource::memory) == base.overhead.get(Resource::memory));  // memory kept
    nc.kubelet.kube_reserved["memory"] = *parse_quantity("1Gi");
    CHECK(mib(compute(m5, nc).overhead.get(Resource::memory)) == 1024 + 100);
    nc.kubelet.kube_reserved["ephemeral-storage"] = *parse_quantity("3Gi");
    CHECK(bytes(compute(m5, nc).allocatable.get(Resource::ephemeral_storage)) == 15 * k_gib);
  }
  SECTION("systemReserved adds to the overhead") {
    NodeClassParams nc;
    nc.kubelet.system_reserved["cpu"] = *parse_quantity("100m");
    nc.kubelet.system_reserved["memory"] = *parse_quantity("100Mi");
    Computed c = compute(m5, nc);
    CHECK(c.allocatable.cpu_millis() == 1930 - 100);
    CHECK(mib(c.allocatable.get(Resource::memory)) == 6903 - 100);
  }
  SECTION("evictionHard absolute values replace the defaults") {
    NodeClassParams nc;
    nc.kubelet.eviction_hard["memory.available"] = "500Mi";
    nc.kubelet.eviction_hard["nodefs.available"] = "1Gi";
    Computed c = compute(m5, nc);
    CHECK(mib(c.allocatable.get(Resource::memory)) == 7577 - 574 - 500);
    CHECK(bytes(c.allocatable.get(Resource::ephemeral_storage)) == 18 * k_gib);
  }
  SECTION("evictionHard percentages are of capacity, rounded up") {
    NodeClassParams nc;
    nc.kubelet.eviction_hard["memory.available"] = "5%";
    nc.kubelet.eviction_hard["nodefs.available"] = "15%";
    Computed c = compute(m5, nc);
    const std::int64_t mem_cap = 7577 * k_mib;
    const std::int64_t mem_evict = (mem_cap * 5 + 99) / 100;  // ceil(cap / 100 x 5)
    CHECK(bytes(c.overhead.get(Resource::memory)) == 574 * k_mib + mem_evict);
    const std::int64_t eph_evict = (20 * k_gib * 15 + 99) / 100;
    CHECK(bytes(c.overhead.get(Resource::ephemeral_storage)) == k_gib + eph_evict);
  }
  SECTION("evictionHard 100% disables the threshold") {
    NodeClassParams nc;
    nc.kubelet.eviction_hard["memory.available"] = "100%";
    CHECK(mib(compute(m5, nc).allocatable.get(Resource::memory)) == 7577 - 574);
  }
  SECTION("a malformed evictionHard value is an input error") {
    NodeClassParams nc;
    nc.kubelet.eviction_hard["memory.available"] = "lots";
    CHECK_THROWS_WITH(compute(m5, nc),
                      "error: kubelet.evictionHard[\"memory.available\"]: expected a quantity such as "
                      "\"100Mi\" or a percentage such as \"10%\", got \"lots\"");
  }
}

TEST_CASE("AMI families: Bottlerocket, Windows, Custom, root volume", "[catalog][formulas]") {
  const auto& m5 = type("m5.large");
  SECTION("Bottlerocket: ENI-limited pods, 20Gi data volume, memory from the final pod count") {
    NodeClassParams nc;
    nc.ami_family = AmiFamily::bottlerocket;
    Computed c = compute(m5, nc);
    CHECK(c.capacity.pods() == 29);
    CHECK(bytes(c.capacity.get(Resource::ephemeral_storage)) == 20 * k_gib);
    CHECK(mib(c.overhead.get(Resource::memory)) == 574 + 100);
  }
  SECTION("Windows: 110 pods, 50Gi root, PrivateIPv4Address") {
    NodeClassParams nc;
    nc.ami_family = AmiFamily::windows2022;
    Computed c = compute(m5, nc);
    CHECK(c.capacity.pods() == 110);
    CHECK(bytes(c.capacity.get(Resource::ephemeral_storage)) == 50 * k_gib);
    CHECK(bytes(c.allocatable.get(Resource::ephemeral_storage)) == 50 * k_gib - k_gib - 5 * k_gib);
    CHECK(mib(c.overhead.get(Resource::memory)) == 11 * 110 + 255 + 100);
    CHECK(c.capacity.get("vpc.amazonaws.com/PrivateIPv4Address") == Quantity::from_units(9));
    nc.kubelet.pods_per_core = 10;  // honoured by Windows
    CHECK(compute(m5, nc).capacity.pods() == 20);
    CHECK(mib(compute(m5, nc).overhead.get(Resource::memory)) == 11 * 20 + 255 + 100);
  }
  SECTION("instanceStorePolicy RAID0: the NVMe instance store, in decimal GB (types.go ephemeralStorage)") {
    const auto& m5d = type("m5d.2xlarge");
    REQUIRE(m5d.local_nvme_gb == 300);
    NodeClassParams nc;
    nc.instance_store_raid0 = true;
    nc.root_volume_size = parse_quantity("100Gi");  // the instance store wins over the root volume
    Computed c = compute(m5d, nc);
    CHECK(bytes(c.capacity.get(Resource::ephemeral_storage)) == 300'000'000'000);
    // kube-reserved 1Gi, eviction threshold ceil(10 %) of capacity.
    CHECK(bytes(c.allocatable.get(Resource::ephemeral_storage)) == 300'000'000'000 - k_gib - 30'000'000'000);
    // A type without an instance store keeps the root volume.
    CHECK(bytes(compute(m5, nc).capacity.get(Resource::ephemeral_storage)) == 100 * k_gib);
  }
  SECTION("root volume size replaces the family default") {
    NodeClassParams nc;
    nc.root_volume_size = parse_quantity("100Gi");
    Computed c = compute(m5, nc);
    CHECK(bytes(c.capacity.get(Resource::ephemeral_storage)) == 100 * k_gib);
    CHECK(bytes(c.allocatable.get(Resource::ephemeral_storage)) == 100 * k_gib - k_gib - 10 * k_gib);
  }
  SECTION("Custom behaves like AL2023 with a 20Gi default") {
    NodeClassParams nc;
    nc.ami_family = AmiFamily::custom;
    CHECK(compute(m5, nc).allocatable == compute(m5).allocatable);
  }
  SECTION("AMI family names") {
    for (auto f : {AmiFamily::al2, AmiFamily::al2023, AmiFamily::bottlerocket, AmiFamily::windows2019,
                   AmiFamily::windows2022, AmiFamily::windows2025, AmiFamily::custom})
      CHECK(parse_ami_family(ami_family_name(f)) == f);
    CHECK_FALSE(parse_ami_family("al2023").has_value());
  }
}

TEST_CASE("arm64 memory and the VM overhead percentage", "[catalog][formulas]") {
  const auto& m6g = type("m6g.large");
  REQUIRE(m6g.arch == "arm64");
  // 8192 - 64 = 8128 MiB; - ceil(8128 x 0.075) = 610 -> 7518 MiB
  CHECK(mib(compute_capacity(m6g, {}).get(Resource::memory)) == 7518);
  NodeClassParams nc;
  nc.vm_memory_overhead_percent = 0;
  CHECK(mib(compute_capacity(m6g, nc).get(Resource::memory)) == 8128);
  CHECK(mib(compute_capacity(type("m5.large"), nc).get(Resource::memory)) == 8192);
}

TEST_CASE("extended resources", "[catalog][formulas]") {
  auto cap = [](std::string_view name) { return compute_capacity(type(name), {}); };
  CHECK(cap("p4d.24xlarge").get(Resource::nvidia_gpu) == Quantity::from_units(8));
  CHECK(cap("g4ad.16xlarge").get(Resource::amd_gpu) == Quantity::from_units(4));
  CHECK(cap("g4ad.16xlarge").get(Resource::nvidia_gpu) == Quantity{});
  CHECK(cap("dl1.24xlarge").get(Resource::gaudi) == Quantity::from_units(8));
  CHECK(cap("inf1.xlarge").get(Resource::neuron) == Quantity::from_units(1));
  CHECK(cap("inf1.xlarge").get(Resource::neuroncore) == Quantity::from_units(4));
  CHECK(cap("inf2.48xlarge").get(Resource::neuroncore) == Quantity::from_units(24));
  CHECK(cap("trn1.32xlarge").get(Resource::neuron) == Quantity::from_units(16));
  CHECK(cap("trn2.48xlarge").get(Resource::neuroncore) == Quantity::from_units(128));
  CHECK(cap("dl2q.24xlarge").get(Resource::neuron) == Quantity{});  // Qualcomm: not a Neuron device
  CHECK(cap("m5.large").get(Resource::pod_eni) == Quantity::from_units(type("m5.large").branch_enis));
  CHECK(type("m5.large").branch_enis > 0);
  CHECK(cap("t3.medium").get(Resource::pod_eni) == Quantity{});  // t3 is not trunking compatible
  CHECK(cap("m5.large").get(Resource::efa) == Quantity{});
}

TEST_CASE("instance-type requirements and offerings", "[catalog][requirements]") {
  auto cat = Catalog::embedded();
  const std::vector<std::string> zones = {"us-east-1b", "us-east-1a"};
  auto its = build_instance_types(*cat, "us-east-1", zones, {});
  REQUIRE(std::is_sorted(its.begin(), its.end(), [](const auto& a, const auto& b) { return a.name < b.name; }));
  auto find = [&](std::string_view n) -> const InstanceType& {
    auto it = std::find_if(its.begin(), its.end(), [&](const auto& t) { return t.name == n; });
    REQUIRE(it != its.end());
    return *it;
  };
  std::size_t priced = 0;
  for (const auto& t : cat->types())
    if (cat->on_demand_price("us-east-1", t.name)) ++priced;
  CHECK(its.size() == priced);

  const auto& m5 = find("m5.large");
  auto values = [&](std::string_view key) {
    const auto* r = m5.requirements.get(key);
    REQUIRE(r != nullptr);
    CHECK(r->op() == Operator::in);
    return r->values();
  };
  using V = std::vector<std::string>;
  CHECK(values(label::k_instance_type) == V{"m5.large"});
  CHECK(values(label::k_arch) == V{"amd64"});
  CHECK(values(label::k_os) == V{"linux"});
  CHECK(values(label::k_zone) == V{"us-east-1a", "us-east-1b"});
  CHECK(values(label::k_region) == V{"us-east-1"});
  CHECK(values(label::k_capacity_type) == V{"on-demand", "spot"});
  CHECK(values(label::k_instance_category) == V{"m"});
  CHECK(values(label::k_instance_family) == V{"m5"});
  CHECK(values(label::k_instance_generation) == V{"5"});
  CHECK(values(label::k_instance_size) == V{"large"});
  CHECK(values(label::k_instance_cpu) == V{"2"});
  CHECK(values(label::k_instance_memory) == V{"8192"});
  CHECK(values(label::k_instance_hypervisor) == V{"nitro"});
  CHECK(values(label::k_instance_cpu_manufacturer) == V{"intel"});
  CHECK(values(label::k_instance_network_bandwidth) == V{std::to_string(type("m5.large").network_bandwidth_mbps)});
  // Keys without a value exist as DoesNotExist, as upstream (computeRequirements).
  for (auto key : {label::k_instance_gpu_count, label::k_instance_gpu_name, label::k_instance_accelerator_name,
                   label::k_instance_local_nvme, label::k_windows_build}) {
    const auto* r = m5.requirements.get(key);
    REQUIRE(r != nullptr);
    CHECK(r->op() == Operator::does_not_exist);
  }
  CHECK_FALSE(m5.requirements.has(label::k_zone_id));

  // Offerings: on-demand then spot, zones sorted; spot at the modelled zone price.
  REQUIRE(m5.offerings.size() == 4);
  CHECK(m5.offerings[0].capacity_type == "on-demand");
  CHECK(m5.offerings[0].zone == "us-east-1a");
  CHECK(m5.offerings[1].zone == "us-east-1b");
  CHECK(m5.offerings[0].price == Money::from_usd(0.096));
  CHECK(m5.offerings[2].capacity_type == "spot");
  CHECK(m5.offerings[2].price == *cat->spot_price("us-east-1", "us-east-1a", "m5.large"));
  CHECK(m5.offerings[3].price == *cat->spot_price("us-east-1", "us-east-1b", "m5.large"));
  for (const auto& o : m5.offerings) CHECK(o.available);
  CHECK(m5.allocatable.cpu_millis() == 1930);

  const auto& p4d = find("p4d.24xlarge");
  CHECK(p4d.requirements.get(label::k_instance_gpu_count)->values() == V{"8"});
  CHECK(p4d.requirements.get(label::k_instance_gpu_name)->values() == V{"a100"});
  CHECK(p4d.requirements.get(label::k_instance_gpu_manufacturer)->values() == V{"nvidia"});
  CHECK(p4d.requirements.get(label::k_instance_gpu_memory)->values() == V{"40960"});
  CHECK(p4d.allocatable.get(Resource::nvidia_gpu) == Quantity::from_units(8));

  // A GPU pod's requirement excludes non-GPU types (DoesNotExist vs Exists).
  Requirements gpu_pod({Requirement(std::string(label::k_instance_gpu_count), Operator::exists)});
  CHECK(m5.requirements.intersects(gpu_pod).has_value());
  CHECK_FALSE(p4d.requirements.intersects(gpu_pod).has_value());

  // u-*tb1 types get Karpenter's category/generation (instanceTypeScheme).
  if (const auto* u = cat->find("u-12tb1.112xlarge")) {
    CHECK(u->category == "u");
    CHECK(u->generation == 1);
  }
}

TEST_CASE("Windows instance types", "[catalog][requirements]") {
  auto cat = Catalog::embedded();
  NodeClassParams nc;
  nc.ami_family = AmiFamily::windows2019;
  auto its = build_instance_types(*cat, "us-east-1", {"us-east-1a"}, nc);
  for (const auto& t : its) REQUIRE(t.info->arch == "amd64");  // no Windows AMI for arm64
  auto it = std::find_if(its.begin(), its.end(), [](const auto& t) { return t.name == "m5.large"; });
  REQUIRE(it != its.end());
  CHECK(it->requirements.get(label::k_os)->values() == std::vector<std::string>{"windows"});
  CHECK(it->requirements.get(label::k_windows_build)->values() == std::vector<std::string>{"10.0.17763"});
  CHECK(it->capacity.pods() == 110);
}

// aws pkg/apis/v1/labels.go Windows2025Build; amifamily/windows.go: 50Gi /dev/sda1, podsPerCore only.
TEST_CASE("Windows Server 2025 instance types", "[catalog][requirements][windows]") {
  auto cat = Catalog::embedded();
  NodeClassParams nc;
  nc.ami_family = AmiFamily::windows2025;
  auto its = build_instance_types(*cat, "us-east-1", {"us-east-1a"}, nc, {"m5.xlarge", "m6g.xlarge"});
  REQUIRE(its.size() == 1);  // no arm64 Windows AMI
  const InstanceType& t = its[0];
  CHECK(t.requirements.get(label::k_os)->values() == std::vector<std::string>{"windows"});
  CHECK(t.requirements.get(label::k_windows_build)->values() == std::vector<std::string>{"10.0.26100"});
  CHECK(t.capacity.pods() == 110);
  CHECK(t.capacity.get(Resource::ephemeral_storage) == Quantity::from_units(50 * k_gib));
  CHECK(t.capacity.get(k_private_ipv4_address) == Quantity::from_units(14));
  CHECK(t.overhead.get(Resource::memory) == Quantity::from_mib(11 * 110 + 255 + 100));
}
