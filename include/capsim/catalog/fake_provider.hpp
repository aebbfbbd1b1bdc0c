// Karpenter's fake cloud provider as built-in synthetic catalogs (core
// pkg/cloudprovider/fake/instancetype.go and cloudprovider.go; reference karpenter.md 3.7, 8.1):
// the NewInstanceType builder with its defaults, the default test catalogue, InstanceTypes(n),
// InstanceTypesAssorted(), PriceFromResources and the fake launch (CloudProvider.Create). The
// upstream test suites and the scheduling benchmark run on these, so capsim's conformance tests
// and benchmarks use them too. InstanceType::info is null for every fake type.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/core/labels.hpp"
#include "capsim/core/requirements.hpp"

namespace capsim::catalog {

// Fake-provider label keys (fake.LabelInstanceSize, ExoticInstanceLabelKey, IntegerInstanceLabelKey)
// and extended resources (fake.ResourceGPUVendorA/B).
inline constexpr std::string_view k_fake_label_size = "size";
inline constexpr std::string_view k_fake_label_special = "special";
inline constexpr std::string_view k_fake_label_integer = "integer";
inline constexpr std::string_view k_fake_vendor_a = "fake.com/vendor-a";
inline constexpr std::string_view k_fake_vendor_b = "fake.com/vendor-b";

// The fake provider registers size, special and integer in v1.WellKnownLabels (instancetype.go init).
bool fake_is_well_known(std::string_view key);

// fake.PriceFromResources: 0.1 per CPU core + 0.1 per 1e9 bytes of memory + 1.0 for each of
// fake.com/vendor-a / vendor-b present (any amount); other resources are free.
Money fake_price_from_resources(const ResourceList& resources);

// The five default offerings of fake.NewInstanceType, all available and priced `price`, in the
// upstream order (which the fake launch relies on): spot/test-zone-1, spot/test-zone-2,
// on-demand/test-zone-1, on-demand/test-zone-2, on-demand/test-zone-3.
std::vector<Offering> fake_default_offerings(Money price);

// Options of fake.NewInstanceType (WithResources, WithOfferings, WithArchitecture,
// WithOperatingSystems). Unset cpu / memory / pods default to 4, 4Gi, 5; no offerings default to
// fake_default_offerings(price of the resources); arch defaults to amd64; OS to
// {linux, windows, darwin}.
struct FakeInstanceTypeOptions {
  ResourceList resources;
  std::vector<Offering> offerings;
  std::string arch;
  std::vector<std::string> operating_systems;
  // capsim additions for scenario-defined types (spec InstanceCatalog): an overhead other than the
  // fake kube-reserved one, and labels added to the requirements as In [value].
  std::optional<ResourceList> overhead;
  Labels labels;
};

// fake.NewInstanceType. Requirements: instance-type, arch, os, zone and capacity-type (the values
// of the *available* offerings), size (large when cpu > 4 and memory > 8Gi, else small), special
// (In [optional] for large types, DoesNotExist otherwise), integer (the CPU count, rounded up).
// Overhead is kube-reserved only (cpu 100m, memory 10Mi); allocatable = capacity - overhead.
// Offerings keep the given order (NOT re-sorted by capacity type and zone).
InstanceType fake_new_instance_type(std::string name, FakeInstanceTypeOptions opts = {});

// The default catalogue of fake.CloudProvider.GetInstanceTypes: default-instance-type,
// small-instance-type, gpu-vendor-instance-type, gpu-vendor-b-instance-type, arm-instance-type,
// single-pod-instance-type (in that order).
std::vector<InstanceType> fake_default_instance_types();

// fake.InstanceTypes(n): fake-it-i for i = 0..n-1 with i+1 vCPU, 2(i+1) GiB, 10(i+1) pods, the
// default offerings, price (i+1) x 0.3147483648.
std::vector<InstanceType> fake_instance_types(int n);

// fake.InstanceTypesAssorted(): one type per cpu {1,2,4,...,64} x memory {1,2,...,128} GiB x zone
// {test-zone-1..3} x capacity type {spot, on-demand} x os {linux, windows} x arch {amd64, arm64},
// in that loop order, each with exactly one offering; pods 5. That is 7x8x3x2x2x2 = 1344 types
// (reference karpenter.md 8.1 says 672, which miscounts the upstream loops).
std::vector<InstanceType> fake_assorted_instance_types();

// Named built-in catalogs a scenario may select instead of the EC2 catalog (Scenario
// spec.instanceCatalog): "karpenter-fake" (fake_default_instance_types), "karpenter-fake-assorted"
// (fake_assorted_instance_types) and "karpenter-fake-N" (fake_instance_types(N), 1 <= N <=
// k_max_fake_catalog_size). They live in the fake provider's region "test" with the zones
// test-zone-1, test-zone-2 and test-zone-3.
inline constexpr std::string_view k_fake_region = "test";
inline constexpr int k_max_fake_catalog_size = 10000;
const std::vector<std::string>& fake_zones();
// True for a name of a built-in fake catalog (not for "aws").
bool is_fake_catalog_name(std::string_view name);
// The instance types of a named fake catalog, in the upstream order; nullopt for any other name.
std::optional<std::vector<InstanceType>> fake_catalog_instance_types(std::string_view name);
// The types of a fake catalog restricted to `zones`: offerings in other zones are dropped, the
// zone and capacity-type requirements recomputed from the remaining available offerings, and
// types left without offerings dropped. Sorted by name (the order Karpenter's per-NodeClass type
// lists use in capsim).
std::vector<InstanceType> fake_types_in_zones(const std::vector<InstanceType>& types, const std::vector<std::string>& zones);

// Result of the fake launch.
struct FakeLaunch {
  const InstanceType* instance_type{nullptr};
  const Offering* offering{nullptr};
  Labels labels;  // first value of every In requirement of the type, then the offering's zone and capacity type
};

// fake.CloudProvider.Create: among `options` keep the types whose requirements are compatible with
// the NodeClaim requirements (undefined well-known labels allowed, per `well_known`), that have an
// available offering compatible with them and whose allocatable fits `requests`; take the one with
// the cheapest compatible offering (upstream's sort is unstable; capsim keeps `options` order
// among equal prices, so a finalized NodeClaim list - cheapest first, name tie-break - launches
// its first usable type); the offering is the first compatible available one in list order.
// nullopt when no type qualifies.
std::optional<FakeLaunch> fake_create(const std::vector<const InstanceType*>& options, const Requirements& requirements,
                                      const ResourceList& requests, const WellKnownFn& well_known);

}  // namespace capsim::catalog
