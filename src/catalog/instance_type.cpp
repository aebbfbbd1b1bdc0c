// Karpenter's AWS instance-type model: capacity, overhead (kube-reserved, system-reserved,
// eviction threshold), requirements and offerings. Mirrors aws:pkg/providers/instancetype/types.go
// (computeCapacity, memory, pods, ENILimitedPods, kubeReservedResources, systemReservedResources,
// evictionThreshold, ephemeralStorage, computeRequirements) and the AMI-family feature flags and
// default block devices of aws:pkg/providers/amifamily/{resolver,al2,al2023,bottlerocket,windows,
// custom}.go, all at aws/karpenter-provider-aws 1d927085 (v1.14.1); reference karpenter.md 3.2-3.5.
#include "capsim/catalog/instance_type.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "capsim/core/diagnostic.hpp"
#include "capsim/core/labels.hpp"

namespace capsim::catalog {
namespace {

constexpr std::int64_t k_mib = 1024 * 1024;
constexpr std::int64_t k_gib = 1024 * k_mib;

Quantity bytes_quantity(std::int64_t bytes) { return Quantity{bytes * 1000}; }

// AMI-family feature flags (amifamily.FeatureFlags). DefaultFamily (AL2, AL2023, Custom):
// ENI-limited memory overhead, podsPerCore and ENI-limited pod density all on. Bottlerocket: only
// ENI-limited density (podsPerCore unsupported, bottlerocket-os/bottlerocket#1721). Windows: only
// podsPerCore (pods default to 110, kube-reserved memory from the final pod count).
struct FamilyFlags {
  bool uses_eni_limited_memory_overhead;
  bool pods_per_core_enabled;
  bool supports_eni_limited_pod_density;
};

FamilyFlags flags_of(AmiFamily f) {
  switch (f) {
    case AmiFamily::bottlerocket: return {false, false, true};
    case AmiFamily::windows2019:
    case AmiFamily::windows2022:
    case AmiFamily::windows2025: return {false, true, false};
    case AmiFamily::al2:
    case AmiFamily::al2023:
    case AmiFamily::custom: break;
  }
  return {true, true, true};
}

bool is_windows(AmiFamily f) {
  return f == AmiFamily::windows2019 || f == AmiFamily::windows2022 || f == AmiFamily::windows2025;
}

// The size of the family's ephemeral block device when the NodeClass maps none: AL2/AL2023 root
// /dev/xvda 20Gi, Bottlerocket data volume /dev/xvdb 20Gi (its root /dev/xvda is 4Gi), Windows
// /dev/sda1 50Gi, Custom (no default mappings) amifamily.DefaultEBS 20Gi.
std::int64_t default_ephemeral_bytes(AmiFamily f) { return is_windows(f) ? 50 * k_gib : 20 * k_gib; }

// NeuronCores per Neuron device (DescribeInstanceTypes NeuronInfo.NeuronDevices[].CoreInfo.Count),
// which the shared data set does not carry; values as in Karpenter's generated instance-type docs
// (website/content/en/docs/reference/instance-types.md: inf1 4, inf2 2, trn1 2, trn2 8 per device).
int neuron_cores_per_device(std::string_view accelerator_name) {
  if (accelerator_name == "inferentia") return 4;
  if (accelerator_name == "inferentia2") return 2;
  if (accelerator_name == "trainium") return 2;
  if (accelerator_name == "trainium2") return 8;
  return 0;
}

bool is_neuron(const InstanceTypeInfo& it) { return it.accelerator_manufacturer == "aws" && it.accelerator_count > 0; }

// pods(): maxPods if set; else ENI-limited pods where the family supports it; else 110. Then
// podsPerCore caps it (families with PodsPerCoreEnabled only).
std::int64_t pods_value(const InstanceTypeInfo& it, const NodeClassParams& nc) {
  FamilyFlags fl = flags_of(nc.ami_family);
  std::int64_t count = 0;
  if (nc.kubelet.max_pods) count = *nc.kubelet.max_pods;
  else if (fl.supports_eni_limited_pod_density) count = eni_limited_pods(it, nc.reserved_enis);
  else count = 110;
  if (nc.kubelet.pods_per_core && *nc.kubelet.pods_per_core > 0 && fl.pods_per_core_enabled)
    count = std::min<std::int64_t>(static_cast<std::int64_t>(*nc.kubelet.pods_per_core) * it.vcpu, count);
  return count;
}

// memory(): SizeInMiB, minus 64 MiB on arm64 (Graviton CMA), minus ceil(bytes x overhead% / MiB)
// MiB of VM overhead. The double arithmetic follows upstream's order exactly.
std::int64_t memory_mib(const InstanceTypeInfo& it, double vm_memory_overhead_percent) {
  std::int64_t mib = it.memory_mib;
  if (it.arch == "arm64") mib -= 64;
  const double bytes = static_cast<double>(mib * k_mib);
  const auto overhead = static_cast<std::int64_t>(std::ceil(bytes * vm_memory_overhead_percent / 1024 / 1024));
  return mib - overhead;
}

// ephemeralStorage: with instanceStorePolicy RAID0 and an instance store, its total size in
// decimal GB ("%dG" of InstanceStorageInfo.TotalSizeInGB); else the root volume (the NodeClass's
// mapping, else the family default). The catalog carries only NVMe instance stores
// (local_nvme_gb), so the few types whose instance store is HDD without NVMe (d2, h1) keep the root
// volume where upstream would use their disks.
std::int64_t ephemeral_bytes(const InstanceTypeInfo& it, const NodeClassParams& nc) {
  if (nc.instance_store_raid0 && it.local_nvme_gb > 0) return it.local_nvme_gb * 1'000'000'000;
  if (nc.root_volume_size) return nc.root_volume_size->milli / 1000;
  return default_ephemeral_bytes(nc.ami_family);
}

// kube-reserved CPU (kubeReservedResources): 6 % of the first core, 1 % of the second, 0.5 % of
// cores 3-4, 0.25 % above; each band truncated to whole millicores before summing (upstream adds
// int64(r * percentage) per band; the ranges come from bottlerocket-os/bottlerocket#1388).
std::int64_t kube_reserved_cpu_millis(std::int64_t cpu_millis) {
  struct Band {
    std::int64_t start, end;
    double percentage;
  };
  constexpr Band k_bands[] = {{0, 1000, 0.06}, {1000, 2000, 0.01}, {2000, 4000, 0.005}, {4000, std::int64_t{1} << 31, 0.0025}};
  std::int64_t total = 0;
  for (const Band& b : k_bands) {
    if (cpu_millis < b.start) continue;
    double r = static_cast<double>(b.end - b.start);
    if (cpu_millis < b.end) r = static_cast<double>(cpu_millis - b.start);
    total += static_cast<std::int64_t>(r * b.percentage);
  }
  return total;
}

// computeEvictionSignal: "p%" -> ceil(capacity / 100 x p) with 100% meaning disabled (0), else a
// quantity. Go's strings.Trim(v, "%") strips every leading and trailing '%'.
Quantity eviction_signal(std::string_view signal, const std::string& value, Quantity capacity) {
  if (!value.empty() && value.back() == '%') {
    std::string_view num = value;
    while (!num.empty() && num.front() == '%') num.remove_prefix(1);
    while (!num.empty() && num.back() == '%') num.remove_suffix(1);
    double p = 0;
    auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), p);
    if (ec != std::errc() || ptr != num.data() + num.size() || p < 0 || p > 100) {
      Diagnostic d;
      d.path = "kubelet.evictionHard[\"" + std::string(signal) + "\"]";
      d.message = "expected a percentage between 0% and 100% such as \"10%\", got \"" + value + "\"";
      throw InputError({d});
    }
    if (p == 100) p = 0;
    const double cap_units = static_cast<double>(capacity.milli) / 1000.0;  // AsApproximateFloat64
    return bytes_quantity(static_cast<std::int64_t>(std::ceil(cap_units / 100 * p)));
  }
  auto q = parse_quantity(value);
  if (!q) {
    Diagnostic d;
    d.path = "kubelet.evictionHard[\"" + std::string(signal) + "\"]";
    d.message = "expected a quantity such as \"100Mi\" or a percentage such as \"10%\", got \"" + value + "\"";
    throw InputError({d});
  }
  return *q;
}

// The node.kubernetes.io/windows-build value: v1.Windows2019Build / Windows2022Build /
// Windows2025Build (aws:pkg/apis/v1/labels.go), set per family by amifamily/resolver.go.
std::string windows_build(AmiFamily f) {
  if (f == AmiFamily::windows2019) return "10.0.17763";
  if (f == AmiFamily::windows2025) return "10.0.26100";
  return "10.0.20348";
}

Requirement in(std::string_view key, std::vector<std::string> values) {
  return Requirement(std::string(key), Operator::in, std::move(values));
}
Requirement does_not_exist(std::string_view key) { return Requirement(std::string(key), Operator::does_not_exist); }
// A label Karpenter starts as DoesNotExist and inserts a value into when the type has one.
Requirement optional_label(std::string_view key, const std::string& value) {
  return value.empty() ? does_not_exist(key) : in(key, {value});
}
std::string positive(std::int64_t v) { return v > 0 ? std::to_string(v) : std::string(); }

// Label keys of aws:pkg/apis/v1/labels.go without a constant in core/labels.hpp.
constexpr std::string_view k_cpu_sustained_clock = "karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz";
constexpr std::string_view k_capability_flex = "karpenter.k8s.aws/instance-capability-flex";
constexpr std::string_view k_tenancy = "karpenter.k8s.aws/instance-tenancy";
constexpr std::string_view k_reservation_id = "karpenter.k8s.aws/capacity-reservation-id";
constexpr std::string_view k_reservation_type = "karpenter.k8s.aws/capacity-reservation-type";
constexpr std::string_view k_reservation_interruptible = "karpenter.k8s.aws/capacity-reservation-interruptible";

// computeRequirements. Every AWS-specific key is present: "In [value]" where the type has a
// value, "DoesNotExist" where it has none (as upstream, which creates them DoesNotExist and then
// inserts known values), so e.g. a NodePool requiring instance-gpu-count Exists excludes non-GPU
// types. Not modelled (not in the data set): encryption-in-transit, nitro-sandbox, zone-id.
Requirements compute_requirements(const InstanceTypeInfo& it, std::string_view region, const std::vector<std::string>& zones,
                                  bool has_spot, AmiFamily family) {
  namespace l = label;
  std::vector<Requirement> r;
  r.reserve(40);
  r.push_back(in(l::k_instance_type, {it.name}));
  r.push_back(in(l::k_arch, {it.arch}));
  // getOS: Windows families offer only amd64 types as windows (arm64 gets an empty set).
  if (is_windows(family)) r.push_back(in(l::k_os, it.arch == "amd64" ? std::vector<std::string>{"windows"} : std::vector<std::string>{}));
  else r.push_back(in(l::k_os, {"linux"}));
  r.push_back(in(l::k_zone, zones));
  r.push_back(in(l::k_region, {std::string(region)}));
  r.push_back(is_windows(family) ? in(l::k_windows_build, {windows_build(family)}) : does_not_exist(l::k_windows_build));
  std::vector<std::string> capacity_types{std::string(l::k_on_demand)};
  if (has_spot) capacity_types.emplace_back(l::k_spot);
  r.push_back(in(l::k_capacity_type, std::move(capacity_types)));
  r.push_back(in(l::k_instance_cpu, {std::to_string(it.vcpu)}));
  r.push_back(in(l::k_instance_memory, {std::to_string(it.memory_mib)}));
  r.push_back(optional_label(l::k_instance_cpu_manufacturer, it.cpu_manufacturer));
  r.push_back(optional_label(k_cpu_sustained_clock, positive(it.cpu_sustained_clock_mhz)));
  r.push_back(optional_label(l::k_instance_ebs_bandwidth, positive(it.ebs_bandwidth_mbps)));
  r.push_back(optional_label(l::k_instance_network_bandwidth, positive(it.network_bandwidth_mbps)));
  r.push_back(optional_label(l::k_instance_category, it.category));
  r.push_back(optional_label(l::k_instance_generation, positive(it.generation)));
  r.push_back(optional_label(l::k_instance_family, it.family));
  r.push_back(optional_label(l::k_instance_size, it.size));
  r.push_back(optional_label(l::k_instance_local_nvme, positive(it.local_nvme_gb)));
  r.push_back(in(k_capability_flex, {it.family.find("-flex") != std::string::npos ? "true" : "false"}));
  // GPU labels whenever the type reports a GPU (g6f fractional GPUs report count 0).
  const bool gpu = !it.gpu_name.empty();
  r.push_back(optional_label(l::k_instance_gpu_name, gpu ? it.gpu_name : std::string()));
  r.push_back(optional_label(l::k_instance_gpu_manufacturer, gpu ? it.gpu_manufacturer : std::string()));
  r.push_back(optional_label(l::k_instance_gpu_count, gpu ? std::to_string(it.gpu_count) : std::string()));
  r.push_back(optional_label(l::k_instance_gpu_memory, gpu ? std::to_string(it.gpu_memory_mib) : std::string()));
  const bool acc = !it.accelerator_name.empty();
  r.push_back(optional_label(l::k_instance_accelerator_name, acc ? it.accelerator_name : std::string()));
  r.push_back(optional_label(l::k_instance_accelerator_manufacturer, acc ? it.accelerator_manufacturer : std::string()));
  r.push_back(optional_label(l::k_instance_accelerator_count, acc ? std::to_string(it.accelerator_count) : std::string()));
  // Upstream: In [Hypervisor] even when EC2 reports none (bare metal: the empty value).
  r.push_back(in(l::k_instance_hypervisor, {it.hypervisor}));
  r.push_back(in(k_tenancy, {"default", "dedicated"}));
  // No capacity reservations are modelled: the reservation labels do not exist.
  r.push_back(does_not_exist(k_reservation_id));
  r.push_back(does_not_exist(k_reservation_type));
  r.push_back(does_not_exist(k_reservation_interruptible));
  return Requirements(std::move(r));
}

}  // namespace

std::optional<AmiFamily> parse_ami_family(std::string_view s) {
  if (s == "AL2") return AmiFamily::al2;
  if (s == "AL2023") return AmiFamily::al2023;
  if (s == "Bottlerocket") return AmiFamily::bottlerocket;
  if (s == "Windows2019") return AmiFamily::windows2019;
  if (s == "Windows2022") return AmiFamily::windows2022;
  if (s == "Windows2025") return AmiFamily::windows2025;
  if (s == "Custom") return AmiFamily::custom;
  return std::nullopt;
}

std::string_view ami_family_name(AmiFamily f) {
  switch (f) {
    case AmiFamily::al2: return "AL2";
    case AmiFamily::al2023: return "AL2023";
    case AmiFamily::bottlerocket: return "Bottlerocket";
    case AmiFamily::windows2019: return "Windows2019";
    case AmiFamily::windows2022: return "Windows2022";
    case AmiFamily::windows2025: return "Windows2025";
    case AmiFamily::custom: return "Custom";
  }
  return "AL2023";
}

// ENILimitedPods: usable ENIs of the default network card (VPC CNI uses only that card) times
// (IPv4 per ENI - 1) plus 2 (host-network pods); 0 usable ENIs -> 0 pods. EFA-only interfaces on
// card 0 are not modelled (no NodeClass networkInterfaces). The 8 catalog types with no ENI data
// in any source (hpc6a/hpc6id/hpc7a/hpc8a, trn2.48xlarge) use Karpenter's own published pod count
// (karpenter_pods: 100, or 51 for hpc6id.32xlarge), which reserved ENIs cannot reduce; a type with
// neither gets 110, Karpenter's default for families without ENI-limited density.
int eni_limited_pods(const InstanceTypeInfo& it, int reserved_enis) {
  if (!it.has_eni_data) return it.karpenter_pods > 0 ? it.karpenter_pods : 110;
  const int usable = std::max(it.max_enis_default_card - reserved_enis, 0);
  if (usable == 0) return 0;
  return usable * (it.ipv4_per_eni - 1) + 2;
}

ResourceList compute_capacity(const InstanceTypeInfo& it, const NodeClassParams& nc) {
  ResourceList cap;
  cap.set(Resource::cpu, Quantity::from_units(it.vcpu));
  cap.set(Resource::memory, Quantity::from_mib(memory_mib(it, nc.vm_memory_overhead_percent)));
  cap.set(Resource::ephemeral_storage, bytes_quantity(ephemeral_bytes(it, nc)));
  cap.set(Resource::pods, Quantity::from_units(pods_value(it, nc)));
  // awsPodENI: branch interfaces for security groups for pods, if the type supports trunking.
  cap.set(Resource::pod_eni, Quantity::from_units(it.trunking_compatible ? it.branch_enis : 0));
  // nvidiaGPUs / amdGPUs / habanaGaudis: GPU count by manufacturer.
  if (it.gpu_manufacturer == "nvidia") cap.set(Resource::nvidia_gpu, Quantity::from_units(it.gpu_count));
  if (it.gpu_manufacturer == "amd") cap.set(Resource::amd_gpu, Quantity::from_units(it.gpu_count));
  if (it.gpu_manufacturer == "habana") cap.set(Resource::gaudi, Quantity::from_units(it.gpu_count));
  // awsNeuronDevices / awsNeuronCores (Inferentia, Trainium).
  if (is_neuron(it)) {
    cap.set(Resource::neuron, Quantity::from_units(it.accelerator_count));
    cap.set(Resource::neuroncore, Quantity::from_units(static_cast<std::int64_t>(it.accelerator_count) *
                                                       neuron_cores_per_device(it.accelerator_name)));
  }
  // efas(): the data set has no EFA interface counts, so vpc.amazonaws.com/efa stays 0.
  // Windows: vpc.amazonaws.com/PrivateIPv4Address = IPv4 per ENI - 1 (NewInstanceType, for types
  // compatible with os=windows, i.e. amd64).
  if (is_windows(nc.ami_family) && it.arch == "amd64")
    cap.set(k_private_ipv4_address, Quantity::from_units(it.has_eni_data ? it.ipv4_per_eni - 1 : 0));
  // Pseudo-resource for NodePool limits.
  cap.set(Resource::nodes, Quantity::from_units(1));
  return cap;
}

OverheadParts compute_overhead_parts(const InstanceTypeInfo& it, const NodeClassParams& nc, const ResourceList& capacity) {
  const FamilyFlags fl = flags_of(nc.ami_family);
  // kube-reserved; memory 11 x pods + 255 MiB where pods is the ENI-limited count with 0 reserved
  // ENIs for AL2/AL2023/Custom (so maxPods does not change it) and the final pod count otherwise.
  const std::int64_t pods_for_memory = fl.uses_eni_limited_memory_overhead ? eni_limited_pods(it, 0) : pods_value(it, nc);
  ResourceList kube;
  kube.set(Resource::memory, Quantity::from_mib(11 * pods_for_memory + 255));
  kube.set(Resource::ephemeral_storage, bytes_quantity(k_gib));
  kube.set(Resource::cpu, Quantity::from_milli(kube_reserved_cpu_millis(static_cast<std::int64_t>(it.vcpu) * 1000)));
  for (const auto& [name, q] : nc.kubelet.kube_reserved) kube.set(name, q);  // lo.Assign: user keys win

  ResourceList system;  // systemReservedResources: only what the user sets
  for (const auto& [name, q] : nc.kubelet.system_reserved) system.set(name, q);

  // evictionThreshold: memory 100Mi, ephemeral-storage ceil(storage / 100 x 10); evictionHard's
  // memory.available / nodefs.available replace them (percentages of capacity). evictionSoft is
  // ignored for allocatable in current code.
  const Quantity memory_cap = capacity.get(Resource::memory);
  const Quantity storage_cap = capacity.get(Resource::ephemeral_storage);
  ResourceList eviction;
  eviction.set(Resource::memory, Quantity::from_mib(100));
  const double storage_units = static_cast<double>(storage_cap.milli / 1000);
  eviction.set(Resource::ephemeral_storage, bytes_quantity(static_cast<std::int64_t>(std::ceil(storage_units / 100 * 10))));
  if (auto m = nc.kubelet.eviction_hard.find("memory.available"); m != nc.kubelet.eviction_hard.end())
    eviction.set(Resource::memory, eviction_signal(m->first, m->second, memory_cap));
  if (auto n = nc.kubelet.eviction_hard.find("nodefs.available"); n != nc.kubelet.eviction_hard.end())
    eviction.set(Resource::ephemeral_storage, eviction_signal(n->first, n->second, storage_cap));

  return OverheadParts{std::move(kube), std::move(system), std::move(eviction)};
}

ResourceList compute_overhead(const InstanceTypeInfo& it, const NodeClassParams& nc, const ResourceList& capacity) {
  return compute_overhead_parts(it, nc, capacity).total();
}

std::vector<InstanceType> build_instance_types(const Catalog& cat, std::string_view region,
                                               const std::vector<std::string>& zones, const NodeClassParams& nc,
                                               const std::set<std::string>& only) {
  std::vector<std::string> zs = zones;
  std::sort(zs.begin(), zs.end());
  zs.erase(std::unique(zs.begin(), zs.end()), zs.end());

  std::vector<InstanceType> out;
  out.reserve(cat.types().size());
  for (const InstanceTypeInfo& info : cat.types()) {
    if (!only.empty() && !only.count(info.name)) continue;
    auto od = cat.on_demand_price(region, info.name);
    if (!od) continue;
    // No Windows AMI exists for arm64, so Karpenter never launches those (AMI compatibility).
    if (is_windows(nc.ami_family) && info.arch != "amd64") continue;

    InstanceType t;
    t.name = info.name;
    t.info = &info;
    // Offerings sorted by (capacity type, zone): "on-demand" < "spot".
    bool has_spot = false;
    for (const auto& z : zs) t.offerings.push_back(Offering{z, std::string(label::k_on_demand), *od, true});
    for (const auto& z : zs) {
      if (auto sp = cat.spot_price(region, z, info.name)) {
        t.offerings.push_back(Offering{z, std::string(label::k_spot), *sp, true});
        has_spot = true;
      }
    }
    // With no zones there are no offerings; spot support still follows the Spot Advisor data.
    if (zs.empty()) has_spot = cat.spot_advice(region, info.name).has_value();
    t.requirements = compute_requirements(info, region, zs, has_spot, nc.ami_family);
    t.capacity = compute_capacity(info, nc);
    t.overhead_parts = compute_overhead_parts(info, nc, t.capacity);
    t.overhead = t.overhead_parts.total();
    t.allocatable = t.capacity - t.overhead;
    t.allocatable.clamp_non_negative();
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace capsim::catalog
