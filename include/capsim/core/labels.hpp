// Labels and the well-known Kubernetes / Karpenter / AWS label keys capsim understands.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace capsim {

using Labels = std::map<std::string, std::string, std::less<>>;

namespace label {
inline constexpr std::string_view k_hostname = "kubernetes.io/hostname";
inline constexpr std::string_view k_zone = "topology.kubernetes.io/zone";
inline constexpr std::string_view k_region = "topology.kubernetes.io/region";
inline constexpr std::string_view k_instance_type = "node.kubernetes.io/instance-type";
inline constexpr std::string_view k_arch = "kubernetes.io/arch";
inline constexpr std::string_view k_os = "kubernetes.io/os";
inline constexpr std::string_view k_windows_build = "node.kubernetes.io/windows-build";
inline constexpr std::string_view k_capacity_type = "karpenter.sh/capacity-type";
inline constexpr std::string_view k_nodepool = "karpenter.sh/nodepool";
inline constexpr std::string_view k_provisioner_name = "karpenter.sh/provisioner-name";
inline constexpr std::string_view k_zone_id = "topology.k8s.aws/zone-id";
inline constexpr std::string_view k_instance_category = "karpenter.k8s.aws/instance-category";
inline constexpr std::string_view k_instance_family = "karpenter.k8s.aws/instance-family";
inline constexpr std::string_view k_instance_generation = "karpenter.k8s.aws/instance-generation";
inline constexpr std::string_view k_instance_size = "karpenter.k8s.aws/instance-size";
inline constexpr std::string_view k_instance_cpu = "karpenter.k8s.aws/instance-cpu";
inline constexpr std::string_view k_instance_cpu_manufacturer = "karpenter.k8s.aws/instance-cpu-manufacturer";
inline constexpr std::string_view k_instance_memory = "karpenter.k8s.aws/instance-memory";
inline constexpr std::string_view k_instance_hypervisor = "karpenter.k8s.aws/instance-hypervisor";
inline constexpr std::string_view k_instance_network_bandwidth = "karpenter.k8s.aws/instance-network-bandwidth";
inline constexpr std::string_view k_instance_ebs_bandwidth = "karpenter.k8s.aws/instance-ebs-bandwidth";
inline constexpr std::string_view k_instance_local_nvme = "karpenter.k8s.aws/instance-local-nvme";
inline constexpr std::string_view k_instance_gpu_count = "karpenter.k8s.aws/instance-gpu-count";
inline constexpr std::string_view k_instance_gpu_name = "karpenter.k8s.aws/instance-gpu-name";
inline constexpr std::string_view k_instance_gpu_manufacturer = "karpenter.k8s.aws/instance-gpu-manufacturer";
inline constexpr std::string_view k_instance_gpu_memory = "karpenter.k8s.aws/instance-gpu-memory";
inline constexpr std::string_view k_instance_accelerator_count = "karpenter.k8s.aws/instance-accelerator-count";
inline constexpr std::string_view k_instance_accelerator_name = "karpenter.k8s.aws/instance-accelerator-name";
inline constexpr std::string_view k_instance_accelerator_manufacturer =
    "karpenter.k8s.aws/instance-accelerator-manufacturer";

// Capacity-type values.
inline constexpr std::string_view k_on_demand = "on-demand";
inline constexpr std::string_view k_spot = "spot";

// Beta keys are normalised to their GA names (Karpenter v1.NormalizedLabels).
std::string_view normalize_key(std::string_view key);
}  // namespace label

}  // namespace capsim
