// Karpenter's fake cloud provider (core pkg/cloudprovider/fake/instancetype.go NewInstanceType,
// InstanceTypes, InstanceTypesAssorted, PriceFromResources; cloudprovider.go GetInstanceTypes and
// Create). Reference karpenter.md 3.7 and 8.1.
#include "capsim/catalog/fake_provider.hpp"

#include <algorithm>
#include <string>

namespace capsim::catalog {
namespace {

constexpr std::int64_t k_gib_bytes = 1024LL * 1024 * 1024;

Quantity gib(std::int64_t n) { return Quantity{n * k_gib_bytes * 1000}; }

Offering make_offering(std::string zone, std::string capacity_type, Money price) {
  Offering o;
  o.zone = std::move(zone);
  o.capacity_type = std::move(capacity_type);
  o.price = price;
  o.available = true;
  return o;
}

bool offering_matches(const Offering& o, const Requirements& reqs) {
  if (const Requirement* z = reqs.get(label::k_zone); z && !z->has(o.zone)) return false;
  if (const Requirement* c = reqs.get(label::k_capacity_type); c && !c->has(o.capacity_type)) return false;
  return true;
}

}  // namespace

bool fake_is_well_known(std::string_view key) {
  return key == k_fake_label_size || key == k_fake_label_special || key == k_fake_label_integer;
}

Money fake_price_from_resources(const ResourceList& resources) {
  double price = 0.0;
  price += 0.1 * static_cast<double>(resources.cpu_millis()) / 1000.0;
  price += 0.1 * static_cast<double>(resources.memory_bytes()) / 1e9;
  if (resources.get(k_fake_vendor_a).milli != 0) price += 1.0;
  if (resources.get(k_fake_vendor_b).milli != 0) price += 1.0;
  return Money::from_usd(price);
}

std::vector<Offering> fake_default_offerings(Money price) {
  return {make_offering("test-zone-1", "spot", price), make_offering("test-zone-2", "spot", price),
          make_offering("test-zone-1", "on-demand", price), make_offering("test-zone-2", "on-demand", price),
          make_offering("test-zone-3", "on-demand", price)};
}

InstanceType fake_new_instance_type(std::string name, FakeInstanceTypeOptions opts) {
  ResourceList& res = opts.resources;
  if (res.get(Resource::cpu).milli == 0) res.set(Resource::cpu, Quantity::from_units(4));
  if (res.get(Resource::memory).milli == 0) res.set(Resource::memory, gib(4));
  if (res.get(Resource::pods).milli == 0) res.set(Resource::pods, Quantity::from_units(5));
  if (opts.offerings.empty()) opts.offerings = fake_default_offerings(fake_price_from_resources(res));
  if (opts.arch.empty()) opts.arch = "amd64";
  if (opts.operating_systems.empty()) opts.operating_systems = {"linux", "windows", "darwin"};

  std::vector<std::string> zones, capacity_types;
  for (const auto& o : opts.offerings) {
    if (!o.available) continue;
    zones.push_back(o.zone);
    capacity_types.push_back(o.capacity_type);
  }
  const bool large = res.get(Resource::cpu) > Quantity::from_units(4) && res.get(Resource::memory) > gib(8);

  InstanceType it;
  it.name = name;
  it.requirements.add(Requirement(std::string(label::k_instance_type), Operator::in, {name}));
  it.requirements.add(Requirement(std::string(label::k_arch), Operator::in, {opts.arch}));
  it.requirements.add(Requirement(std::string(label::k_os), Operator::in, opts.operating_systems));
  it.requirements.add(Requirement(std::string(label::k_zone), Operator::in, zones));
  it.requirements.add(Requirement(std::string(label::k_capacity_type), Operator::in, capacity_types));
  it.requirements.add(Requirement(std::string(k_fake_label_size), Operator::in, {large ? "large" : "small"}));
  if (large) it.requirements.add(Requirement(std::string(k_fake_label_special), Operator::in, {"optional"}));
  else it.requirements.add(Requirement(std::string(k_fake_label_special), Operator::does_not_exist));
  it.requirements.add(
      Requirement(std::string(k_fake_label_integer), Operator::in, {std::to_string(res.get(Resource::cpu).value())}));

  for (const auto& [k, v] : opts.labels) it.requirements.add(Requirement(k, Operator::in, {v}));

  it.capacity = res;
  if (opts.overhead) {
    it.overhead = *opts.overhead;
  } else {
    it.overhead.set(Resource::cpu, Quantity::from_milli(100));
    it.overhead.set(Resource::memory, Quantity::from_mib(10));
  }
  it.overhead_parts.kube_reserved = it.overhead;
  it.allocatable = it.capacity - it.overhead;
  it.allocatable.clamp_non_negative();
  it.offerings = std::move(opts.offerings);
  return it;
}

std::vector<InstanceType> fake_default_instance_types() {
  std::vector<InstanceType> out;
  out.push_back(fake_new_instance_type("default-instance-type"));
  {
    FakeInstanceTypeOptions o;
    o.resources.set(Resource::cpu, Quantity::from_units(2));
    o.resources.set(Resource::memory, gib(2));
    out.push_back(fake_new_instance_type("small-instance-type", std::move(o)));
  }
  {
    FakeInstanceTypeOptions o;
    o.resources.set(k_fake_vendor_a, Quantity::from_units(2));
    out.push_back(fake_new_instance_type("gpu-vendor-instance-type", std::move(o)));
  }
  {
    FakeInstanceTypeOptions o;
    o.resources.set(k_fake_vendor_b, Quantity::from_units(2));
    out.push_back(fake_new_instance_type("gpu-vendor-b-instance-type", std::move(o)));
  }
  {
    FakeInstanceTypeOptions o;
    o.arch = "arm64";
    o.operating_systems = {"ios", "linux", "windows", "darwin"};
    o.resources.set(Resource::cpu, Quantity::from_units(16));
    o.resources.set(Resource::memory, gib(128));
    out.push_back(fake_new_instance_type("arm-instance-type", std::move(o)));
  }
  {
    FakeInstanceTypeOptions o;
    o.resources.set(Resource::pods, Quantity::from_units(1));
    out.push_back(fake_new_instance_type("single-pod-instance-type", std::move(o)));
  }
  return out;
}

std::vector<InstanceType> fake_instance_types(int n) {
  std::vector<InstanceType> out;
  out.reserve(static_cast<std::size_t>(std::max(n, 0)));
  for (int i = 0; i < n; ++i) {
    FakeInstanceTypeOptions o;
    o.resources.set(Resource::cpu, Quantity::from_units(i + 1));
    o.resources.set(Resource::memory, gib(2LL * (i + 1)));
    o.resources.set(Resource::pods, Quantity::from_units(10LL * (i + 1)));
    out.push_back(fake_new_instance_type("fake-it-" + std::to_string(i), std::move(o)));
  }
  return out;
}

std::vector<InstanceType> fake_assorted_instance_types() {
  std::vector<InstanceType> out;
  out.reserve(1344);
  for (int cpu : {1, 2, 4, 8, 16, 32, 64})
    for (int mem : {1, 2, 4, 8, 16, 32, 64, 128})
      for (const char* zone : {"test-zone-1", "test-zone-2", "test-zone-3"})
        for (const char* ct : {"spot", "on-demand"})
          for (const char* os : {"linux", "windows"})
            for (const char* arch : {"amd64", "arm64"}) {
              FakeInstanceTypeOptions o;
              o.resources.set(Resource::cpu, Quantity::from_units(cpu));
              o.resources.set(Resource::memory, gib(mem));
              Money price = fake_price_from_resources(o.resources);
              o.arch = arch;
              o.operating_systems = {os};
              o.offerings = {make_offering(zone, ct, price)};
              std::string name = std::to_string(cpu) + "-cpu-" + std::to_string(mem) + "-mem-" + arch + "-" + os + "-" +
                                 zone + "-" + ct;
              out.push_back(fake_new_instance_type(std::move(name), std::move(o)));
            }
  return out;
}

const std::vector<std::string>& fake_zones() {
  static const std::vector<std::string> k_zones = {"test-zone-1", "test-zone-2", "test-zone-3"};
  return k_zones;
}

namespace {
// N of "karpenter-fake-N", if `name` is that with 1 <= N <= k_max_fake_catalog_size (digits only,
// no leading zero).
std::optional<int> fake_catalog_size(std::string_view name) {
  constexpr std::string_view prefix = "karpenter-fake-";
  if (name.substr(0, prefix.size()) != prefix) return std::nullopt;
  const std::string_view digits = name.substr(prefix.size());
  if (digits.empty() || digits.size() > 5 || digits.front() == '0') return std::nullopt;
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n > k_max_fake_catalog_size) return std::nullopt;
  return n;
}
}  // namespace

bool is_fake_catalog_name(std::string_view name) {
  return name == "karpenter-fake" || name == "karpenter-fake-assorted" || fake_catalog_size(name).has_value();
}

std::optional<std::vector<InstanceType>> fake_catalog_instance_types(std::string_view name) {
  if (name == "karpenter-fake") return fake_default_instance_types();
  if (name == "karpenter-fake-assorted") return fake_assorted_instance_types();
  if (auto n = fake_catalog_size(name)) return fake_instance_types(*n);
  return std::nullopt;
}

std::vector<InstanceType> fake_types_in_zones(const std::vector<InstanceType>& types, const std::vector<std::string>& zones) {
  std::vector<InstanceType> out;
  out.reserve(types.size());
  for (const auto& t : types) {
    InstanceType it = t;
    std::erase_if(it.offerings, [&](const Offering& o) {
      return std::find(zones.begin(), zones.end(), o.zone) == zones.end();
    });
    if (it.offerings.empty()) continue;
    std::vector<std::string> zs, cts;
    for (const auto& o : it.offerings) {
      if (!o.available) continue;
      if (std::find(zs.begin(), zs.end(), o.zone) == zs.end()) zs.push_back(o.zone);
      if (std::find(cts.begin(), cts.end(), o.capacity_type) == cts.end()) cts.push_back(o.capacity_type);
    }
    it.requirements.erase(label::k_zone);
    it.requirements.erase(label::k_capacity_type);
    it.requirements.add(Requirement(std::string(label::k_zone), Operator::in, zs));
    it.requirements.add(Requirement(std::string(label::k_capacity_type), Operator::in, cts));
    out.push_back(std::move(it));
  }
  std::sort(out.begin(), out.end(), [](const InstanceType& a, const InstanceType& b) { return a.name < b.name; });
  return out;
}

std::optional<FakeLaunch> fake_create(const std::vector<const InstanceType*>& options, const Requirements& requirements,
                                      const ResourceList& requests, const WellKnownFn& well_known) {
  // Candidates with the price of their cheapest compatible available offering.
  std::vector<std::pair<Money, const InstanceType*>> candidates;
  for (const InstanceType* it : options) {
    if (requirements.compatible(it->requirements, well_known)) continue;
    std::optional<Money> cheapest;
    for (const auto& o : it->offerings)
      if (o.available && offering_matches(o, requirements) && (!cheapest || o.price < *cheapest)) cheapest = o.price;
    if (!cheapest) continue;
    if (!requests.fits_in(it->allocatable)) continue;
    candidates.emplace_back(*cheapest, it);
  }
  if (candidates.empty()) return std::nullopt;
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  FakeLaunch launch;
  launch.instance_type = candidates.front().second;
  for (const auto& r : launch.instance_type->requirements.items())
    if (r.op() == Operator::in) launch.labels[r.key()] = r.values().front();
  for (const auto& o : launch.instance_type->offerings)
    if (o.available && offering_matches(o, requirements)) {
      launch.offering = &o;
      break;
    }
  launch.labels[std::string(label::k_zone)] = launch.offering->zone;
  launch.labels[std::string(label::k_capacity_type)] = launch.offering->capacity_type;
  return launch;
}

}  // namespace capsim::catalog
