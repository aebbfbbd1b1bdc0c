#include "capsim/core/labels.hpp"

namespace capsim::label {

// Karpenter v1.NormalizedLabels (pkg/apis/v1/labels.go).
std::string_view normalize_key(std::string_view key) {
  if (key == "failure-domain.beta.kubernetes.io/zone") return k_zone;
  if (key == "failure-domain.beta.kubernetes.io/region") return k_region;
  if (key == "beta.kubernetes.io/arch") return k_arch;
  if (key == "beta.kubernetes.io/os") return k_os;
  if (key == "beta.kubernetes.io/instance-type") return k_instance_type;
  return key;
}

}  // namespace capsim::label
