// libFuzzer harness: `capsim import cluster` (docs/cluster-import.md) on one dump file. A malformed
// dump must end in InputError (exit code 2); anything else is a crash for libFuzzer. The importer
// reads files, so each input is written to a scratch file first.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "capsim/catalog/catalog.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/io/cluster_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto cat = capsim::catalog::Catalog::embedded();
  static const std::string path = "/tmp/capsim-fuzz-cluster-" + std::to_string(getpid()) + ".json";
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                  static_cast<std::streamsize>(size));
  capsim::io::ClusterImportOptions o;
  o.inputs = {path};
  o.node_group_sizes = {"0:10:apps"};
  try {
    (void)capsim::io::import_cluster(o, *cat);
  } catch (const capsim::InputError& e) {
    for (const auto& d : e.diagnostics()) (void)d.render();
  }
  return 0;
}
