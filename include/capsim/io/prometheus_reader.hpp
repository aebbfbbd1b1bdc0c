// Reading Prometheus range-query exports: the JSON body of /api/v1/query_range
// ({"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {...},
// "values": [[unix_seconds, "value"], ...]}, ...]}}), as `curl .../api/v1/query_range?...` saves it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "capsim/spec/metrics.hpp"

namespace capsim::io {

// Every series of the file. Throws InputError with the file and, for malformed JSON, line:col;
// for a well-formed file that is not a matrix result, the JSON path of the first problem.
std::vector<spec::MetricSeries> read_prometheus_matrix(const std::string& path);
std::vector<spec::MetricSeries> parse_prometheus_matrix(std::string_view text, const std::string& file_name);

}  // namespace capsim::io
