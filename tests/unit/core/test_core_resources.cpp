// core/resources: ResourceList arithmetic, per-resource max, Karpenter resources.Fits semantics
// (pkg/utils/resources/resources.go), first_exceeding, and the sorted rendering.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "capsim/core/resources.hpp"

using capsim::parse_quantity;
using capsim::Quantity;
using capsim::Resource;
using capsim::resource_name;
using capsim::ResourceList;

namespace {
Quantity q(const char* s) {
  auto v = parse_quantity(s);
  REQUIRE(v);
  return *v;
}

// Builds a list from Kubernetes names, e.g. rl({{"cpu", "500m"}, {"memory", "1Gi"}}).
ResourceList rl(std::initializer_list<std::pair<const char*, const char*>> entries) {
  ResourceList r;
  for (const auto& [name, value] : entries) r.set(std::string_view(name), q(value));
  return r;
}
}  // namespace

TEST_CASE("resource names are the Kubernetes names", "[core]") {
  CHECK(resource_name(Resource::cpu) == "cpu");
  CHECK(resource_name(Resource::memory) == "memory");
  CHECK(resource_name(Resource::pods) == "pods");
  CHECK(resource_name(Resource::ephemeral_storage) == "ephemeral-storage");
  CHECK(resource_name(Resource::nvidia_gpu) == "nvidia.com/gpu");
  CHECK(resource_name(Resource::amd_gpu) == "amd.com/gpu");
  CHECK(resource_name(Resource::neuron) == "aws.amazon.com/neuron");
  CHECK(resource_name(Resource::neuroncore) == "aws.amazon.com/neuroncore");
  CHECK(resource_name(Resource::efa) == "vpc.amazonaws.com/efa");
  CHECK(resource_name(Resource::gaudi) == "habana.ai/gaudi");
  CHECK(resource_name(Resource::pod_eni) == "vpc.amazonaws.com/pod-eni");
  CHECK(resource_name(Resource::nodes) == "nodes");
}

TEST_CASE("resource list get and set by enum and by name", "[core]") {
  ResourceList r;
  CHECK(r.is_zero());
  r.set(Resource::cpu, q("1500m"));
  r.set("memory", q("2Gi"));
  r.set("pods", q("110"));
  r.set("example.com/widget", q("3"));
  CHECK(r.get("cpu") == q("1500m"));
  CHECK(r.get(Resource::memory) == q("2Gi"));
  CHECK(r.get("example.com/widget") == q("3"));
  CHECK(r.get("example.com/missing") == Quantity{0});
  CHECK(r.get(Resource::nvidia_gpu) == Quantity{0});
  CHECK(r.cpu_millis() == 1500);
  CHECK(r.memory_bytes() == 2LL * 1024 * 1024 * 1024);
  CHECK(r.pods() == 110);
  // A fixed resource set by name lands in its slot.
  r.set("nvidia.com/gpu", q("1"));
  CHECK(r.get(Resource::nvidia_gpu) == q("1"));
  r.add(Resource::cpu, q("500m"));
  CHECK(r.cpu_millis() == 2000);
  r.set("example.com/widget", q("5"));
  CHECK(r.get("example.com/widget") == q("5"));
  CHECK_FALSE(r.is_zero());
}

TEST_CASE("resource list addition and subtraction, extended resources included", "[core]") {
  const ResourceList a = rl({{"cpu", "1"}, {"memory", "1Gi"}, {"example.com/a", "2"}});
  const ResourceList b = rl({{"cpu", "500m"}, {"pods", "1"}, {"example.com/b", "1"}});
  const ResourceList sum = a + b;
  CHECK(sum.get("cpu") == q("1500m"));
  CHECK(sum.get("memory") == q("1Gi"));
  CHECK(sum.get("pods") == q("1"));
  CHECK(sum.get("example.com/a") == q("2"));
  CHECK(sum.get("example.com/b") == q("1"));

  const ResourceList diff = a - b;
  CHECK(diff.get("cpu") == q("500m"));
  CHECK(diff.get("pods") == q("-1"));
  CHECK(diff.get("example.com/b") == q("-1"));
  CHECK(diff.any_negative());

  ResourceList c = a;
  c += b;
  CHECK(c == sum);
  c -= b;
  CHECK(c.get("cpu") == a.get("cpu"));
  CHECK(c.get("example.com/b") == Quantity{0});
}

TEST_CASE("resource list equality ignores zero extended entries", "[core]") {
  const ResourceList a = rl({{"cpu", "1"}});
  const ResourceList b = rl({{"example.com/b", "1"}});
  CHECK((a + b) - b == a);
  ResourceList c = a;
  c.set("example.com/zero", Quantity{0});
  CHECK(c == a);
  CHECK(c.sorted_entries() == a.sorted_entries());
  // Adding or subtracting a list to itself.
  ResourceList s = rl({{"cpu", "1"}, {"example.com/a", "2"}, {"example.com/b", "1"}});
  s += s;
  CHECK(s == rl({{"cpu", "2"}, {"example.com/a", "4"}, {"example.com/b", "2"}}));
  s -= s;
  CHECK(s.is_zero());
  CHECK(s == ResourceList{});
}

TEST_CASE("resource list max_with, clamp_non_negative, any_negative, is_zero", "[core]") {
  ResourceList a = rl({{"cpu", "1"}, {"memory", "4Gi"}, {"example.com/a", "1"}});
  const ResourceList b = rl({{"cpu", "2"}, {"memory", "1Gi"}, {"example.com/a", "3"}, {"example.com/b", "2"}});
  a.max_with(b);
  CHECK(a.get("cpu") == q("2"));
  CHECK(a.get("memory") == q("4Gi"));
  CHECK(a.get("example.com/a") == q("3"));
  CHECK(a.get("example.com/b") == q("2"));

  ResourceList n = rl({{"cpu", "-1"}, {"memory", "1Gi"}, {"example.com/x", "-2"}});
  CHECK(n.any_negative());
  n.clamp_non_negative();
  CHECK_FALSE(n.any_negative());
  CHECK(n.get("cpu") == Quantity{0});
  CHECK(n.get("memory") == q("1Gi"));
  CHECK(n.get("example.com/x") == Quantity{0});
  CHECK(n == rl({{"memory", "1Gi"}}));

  ResourceList z;
  z.set("example.com/x", Quantity{0});
  CHECK(z.is_zero());
  CHECK_FALSE(ResourceList{}.any_negative());
}

TEST_CASE("fits_in(total, used) is fits_in(total - used)", "[core]") {
  const ResourceList total = rl({{"cpu", "4"}, {"memory", "8Gi"}, {"pods", "10"}});
  const ResourceList used = rl({{"cpu", "2500m"}, {"memory", "2Gi"}, {"pods", "9"}});
  CHECK(rl({{"cpu", "1500m"}, {"memory", "6Gi"}, {"pods", "1"}}).fits_in(total, used));  // exactly what is left
  CHECK_FALSE(rl({{"cpu", "1501m"}}).fits_in(total, used));
  CHECK_FALSE(rl({{"pods", "2"}}).fits_in(total, used));
  // Over-committed memory: nothing fits, even a request of nothing (resources.Fits).
  const ResourceList over = rl({{"memory", "9Gi"}});
  CHECK_FALSE(ResourceList{}.fits_in(total, over));
  CHECK_FALSE(rl({{"cpu", "1"}}).fits_in(total, over));
  // Extended resources take the general path.
  const ResourceList gpus = rl({{"cpu", "4"}, {"example.com/widget", "2"}});
  CHECK(rl({{"example.com/widget", "1"}}).fits_in(gpus, rl({{"example.com/widget", "1"}})));
  CHECK_FALSE(rl({{"example.com/widget", "2"}}).fits_in(gpus, rl({{"example.com/widget", "1"}})));
}

TEST_CASE("fits_in follows Karpenter resources.Fits", "[core]") {
  const ResourceList avail = rl({{"cpu", "2"}, {"memory", "4Gi"}, {"pods", "10"}});

  SECTION("requests within every available amount fit") {
    CHECK(rl({{"cpu", "2"}, {"memory", "4Gi"}}).fits_in(avail));  // equality fits
    CHECK(rl({{"cpu", "1500m"}}).fits_in(avail));
    CHECK(ResourceList{}.fits_in(avail));
    CHECK(ResourceList{}.fits_in(ResourceList{}));
  }
  SECTION("one resource over the available amount does not fit") {
    CHECK_FALSE(rl({{"cpu", "2001m"}}).fits_in(avail));
    CHECK_FALSE(rl({{"memory", "5Gi"}}).fits_in(avail));
    CHECK_FALSE(rl({{"pods", "11"}}).fits_in(avail));
  }
  SECTION("a resource missing from the available list counts as zero") {
    CHECK_FALSE(rl({{"nvidia.com/gpu", "1"}}).fits_in(avail));
    CHECK_FALSE(rl({{"ephemeral-storage", "1Gi"}}).fits_in(avail));
    CHECK_FALSE(rl({{"example.com/widget", "1"}}).fits_in(avail));
  }
  SECTION("requesting zero of a missing resource is fine") {
    CHECK(rl({{"nvidia.com/gpu", "0"}}).fits_in(avail));
    CHECK(rl({{"example.com/widget", "0"}, {"cpu", "1"}}).fits_in(avail));
  }
  SECTION("extended resources are matched by name") {
    const ResourceList ext = rl({{"cpu", "2"}, {"example.com/widget", "2"}, {"example.com/gadget", "1"}});
    CHECK(rl({{"example.com/widget", "2"}}).fits_in(ext));
    CHECK_FALSE(rl({{"example.com/widget", "3"}}).fits_in(ext));
    CHECK(rl({{"example.com/gadget", "1"}, {"example.com/widget", "1"}}).fits_in(ext));
    CHECK_FALSE(rl({{"example.com/other", "1"}}).fits_in(ext));
  }
  SECTION("any negative available amount makes nothing fit") {
    ResourceList neg = avail;
    neg.set("memory", q("-1"));
    CHECK_FALSE(ResourceList{}.fits_in(neg));
    CHECK_FALSE(rl({{"cpu", "1"}}).fits_in(neg));
    ResourceList neg_ext = avail;
    neg_ext.set("example.com/widget", q("-1"));
    CHECK_FALSE(ResourceList{}.fits_in(neg_ext));
    CHECK_FALSE(rl({{"cpu", "1"}}).fits_in(neg_ext));
  }
  SECTION("negative requests always fit a non-negative list") {
    CHECK(rl({{"cpu", "-1"}}).fits_in(ResourceList{}));
  }
}

TEST_CASE("first_exceeding names the first resource that does not fit", "[core]") {
  const ResourceList avail = rl({{"cpu", "2"}, {"memory", "4Gi"}, {"example.com/widget", "1"}});
  CHECK(rl({{"cpu", "1"}}).first_exceeding(avail).empty());
  CHECK(rl({{"cpu", "3"}}).first_exceeding(avail) == "cpu");
  CHECK(rl({{"memory", "8Gi"}}).first_exceeding(avail) == "memory");
  // Fixed resources are checked in enum order (cpu before memory).
  CHECK(rl({{"cpu", "3"}, {"memory", "8Gi"}}).first_exceeding(avail) == "cpu");
  CHECK(rl({{"nvidia.com/gpu", "1"}}).first_exceeding(avail) == "nvidia.com/gpu");
  CHECK(rl({{"example.com/widget", "2"}}).first_exceeding(avail) == "example.com/widget");
  CHECK(rl({{"example.com/zzz", "1"}}).first_exceeding(avail) == "example.com/zzz");
  CHECK(rl({{"example.com/zzz", "0"}}).first_exceeding(avail).empty());

  SECTION("a negative available amount is reported even without a request for it") {
    ResourceList neg = avail;
    neg.set("pods", q("-1"));
    CHECK(ResourceList{}.first_exceeding(neg) == "pods");
    ResourceList neg_ext = avail;
    neg_ext.set("example.com/widget", q("-1"));
    CHECK(ResourceList{}.first_exceeding(neg_ext) == "example.com/widget");
  }
  SECTION("first_exceeding is empty exactly when fits_in holds") {
    const std::vector<ResourceList> lists = {
        ResourceList{},
        rl({{"cpu", "1"}}),
        rl({{"cpu", "-1"}}),
        rl({{"memory", "5Gi"}}),
        rl({{"example.com/widget", "1"}}),
        rl({{"example.com/widget", "-1"}}),
        rl({{"example.com/other", "2"}, {"cpu", "500m"}}),
        avail,
    };
    for (const auto& req : lists) {
      for (const auto& av : lists) {
        INFO(capsim::to_string(req) << " in " << capsim::to_string(av));
        CHECK(req.fits_in(av) == req.first_exceeding(av).empty());
      }
    }
  }
}

TEST_CASE("sorted_entries lists non-zero entries by name", "[core]") {
  const ResourceList r = rl({{"pods", "1"},
                             {"cpu", "500m"},
                             {"memory", "512Mi"},
                             {"vpc.amazonaws.com/pod-eni", "1"},
                             {"example.com/widget", "2"},
                             {"amd.com/gpu", "0"},
                             {"aaa.io/first", "1"}});
  const auto entries = r.sorted_entries();
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.first);
  CHECK(names == std::vector<std::string>{"aaa.io/first", "cpu", "example.com/widget", "memory", "pods",
                                          "vpc.amazonaws.com/pod-eni"});
  CHECK(entries[1].second == q("500m"));

  std::vector<std::string> visited;
  r.for_each([&](const std::string& name, Quantity) { visited.push_back(name); });
  CHECK(visited == names);
}

TEST_CASE("to_string renders cpu-style and memory-style quantities", "[core]") {
  CHECK(capsim::to_string(ResourceList{}) == "{}");
  CHECK(capsim::to_string(rl({{"cpu", "500m"}, {"memory", "512Mi"}, {"pods", "1"}})) ==
        "cpu=500m memory=512Mi pods=1");
  CHECK(capsim::to_string(rl({{"cpu", "2"}, {"ephemeral-storage", "20Gi"}, {"nvidia.com/gpu", "4"}})) ==
        "cpu=2 ephemeral-storage=20Gi nvidia.com/gpu=4");
  CHECK(capsim::to_string(rl({{"memory", "1G"}, {"example.com/widget", "1500m"}})) ==
        "example.com/widget=1500m memory=1000000000");
  CHECK(capsim::to_string(rl({{"cpu", "-250m"}})) == "cpu=-250m");
}
